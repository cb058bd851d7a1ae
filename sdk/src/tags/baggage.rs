//! The W3C `baggage` HTTP header (<https://www.w3.org/TR/baggage/>) for tag maps. Requires the
//! `baggage` feature.
//!
//! OpenCensus has no HTTP tag propagation of its own (its spec suggests the W3C header; only Java
//! has one, the older `Correlation-Context`), so this follows the W3C text, with OpenCensus
//! Java's choices where W3C leaves room:
//!
//! - [`inject`] writes `key=value` list-members joined by `,`, sorted by key, and leaves out
//!   [`Ttl::NoPropagation`] tags: local tags stay local.
//! - Values are percent-encoded as W3C requires: every character outside `baggage-octet` (space,
//!   `"`, `,`, `;`, `\`) and `%` itself becomes `%XX`. W3C keys are RFC 7230 tokens and have no
//!   encoding; census keys may hold any printable ASCII, so a key character that is not a token
//!   character (space, `/`, `=`, `:`, `@`, …) and `%` are percent-encoded too. Keys made of token
//!   characters, the usual case, are written as is; [`extract`] decodes keys and values, so every
//!   census key round-trips. (A receiver that does not decode keys sees `example.com%2Fmethod`.)
//! - [`extract`] trims optional whitespace (space, tab) around members, keys and values; ignores
//!   properties (everything after the first `;` of a member); splits key and value at the first
//!   `=` (values may contain `=`); percent-decodes (a `%` not followed by two hex digits is kept
//!   literally; decoded bytes that are not UTF-8 become U+FFFD, as W3C requires); a repeated key
//!   keeps its last value; decoded tags have [`Ttl::Unlimited`].
//! - **Invalid members are skipped and counted, not fatal** ([`Extracted::invalid`]): a member
//!   with no `=`, or whose decoded key is not a [`TagKey`] (1–255 printable ASCII) or whose
//!   decoded value is not a [`TagValue`] (0–255 printable ASCII). The header is shared with other
//!   software (OpenTelemetry baggage, vendors) whose entries census may not be able to represent,
//!   e.g. non-ASCII values; one such entry must not cost the request its other tags. Empty
//!   members (`a=1,,b=2`) are ignored and not counted.
//!
//! # Limits
//! | limit | value | [`inject`] | [`extract`] |
//! |---|---|---|---|
//! | list-members | [`MAX_ENTRIES`] = 180 | [`PropagationError::TooManyEntries`] | members past the 180th are dropped, counted in [`Extracted::over_limit`] |
//! | header bytes | [`MAX_HEADER_BYTES`] = 8192 | [`PropagationError::HeaderTooLong`] | members ending past byte 8192 are dropped, counted in [`Extracted::over_limit`] |
//!
//! These are the limits OpenTelemetry SDKs enforce (from the W3C draft: 180 list-members, 8192
//! bytes); the current W3C text asks to propagate at least 64 members and 8192 bytes, which they
//! satisfy. The draft's 4096 bytes per member cannot be reached by a census tag (at most
//! 255 × 3 + 1 + 255 × 3 = 1531 bytes encoded). Whole members are dropped, never parts of one, as
//! W3C requires. Empty members and whitespace count toward the byte limit, not toward the 180.
//!
//! ```
//! use census_sdk::tags::baggage;
//! use census_sdk::{Mutator, TagKey, TagMap, TagValue, Ttl};
//!
//! let map = TagMap::new().with(&[
//!     Mutator::upsert(TagKey::new("user").unwrap(), TagValue::new("Ada Lovelace").unwrap()),
//!     Mutator::Upsert(TagKey::new("secret").unwrap(), TagValue::new("x").unwrap(), Ttl::NoPropagation),
//! ]);
//! let header = baggage::inject(&map).unwrap().unwrap();
//! assert_eq!(header, "user=Ada%20Lovelace"); // `secret` stays local
//!
//! let got = baggage::extract(" user = Ada%20Lovelace ;prop=1, caf\u{e9}=1, bad");
//! assert_eq!(got.tags.to_string(), "{user=Ada Lovelace}");
//! assert_eq!((got.invalid, got.over_limit), (2, 0));
//! ```

use std::borrow::Cow;

use super::map::{Mutator, TagMap, Ttl};
use super::{PropagationError, TagKey, TagValue};

/// The HTTP header name.
///
/// ```
/// assert_eq!(census_sdk::tags::baggage::BAGGAGE_HEADER, "baggage");
/// ```
pub const BAGGAGE_HEADER: &str = "baggage";

/// The most list-members a header may carry.
///
/// ```
/// use census_sdk::tags::baggage;
/// let header: Vec<String> = (0..181).map(|i| format!("k{i}=v")).collect();
/// let got = baggage::extract(&header.join(","));
/// assert_eq!((got.tags.len(), got.over_limit), (baggage::MAX_ENTRIES, 1));
/// ```
pub const MAX_ENTRIES: usize = 180;

/// The most bytes a header value may have.
///
/// ```
/// use census_sdk::tags::baggage;
/// // 40 members of 250 bytes (incl. the comma): the 33rd ends past byte 8192.
/// let header: Vec<String> = (0..40).map(|i| format!("k{i:03}={}", "v".repeat(244))).collect();
/// let got = baggage::extract(&header.join(","));
/// assert_eq!((got.tags.len(), got.over_limit), (32, 8));
/// ```
pub const MAX_HEADER_BYTES: usize = 8192;

/// The header value for the propagating tags of `map`, or `None` when there are none (send no
/// header then).
///
/// # Errors
/// - [`PropagationError::TooManyEntries`]: more than [`MAX_ENTRIES`] propagating tags.
/// - [`PropagationError::HeaderTooLong`]: the value would exceed [`MAX_HEADER_BYTES`].
///
/// ```
/// use census_sdk::tags::baggage;
/// use census_sdk::TagMap;
/// let map = TagMap::from_pairs(&[("route", "/a,b;c"), ("example.com/k", "50%")]).unwrap();
/// let header = baggage::inject(&map).unwrap().unwrap();
/// assert_eq!(header, "example.com%2Fk=50%25,route=/a%2Cb%3Bc");
/// assert_eq!(baggage::extract(&header).tags, map);
/// assert_eq!(baggage::inject(&TagMap::new()).unwrap(), None);
/// ```
pub fn inject(map: &TagMap) -> Result<Option<String>, PropagationError> {
    let propagating = || map.iter().filter(|t| t.ttl != Ttl::NoPropagation);
    let count = propagating().count();
    if count == 0 {
        return Ok(None);
    }
    if count > MAX_ENTRIES {
        return Err(PropagationError::TooManyEntries {
            count,
            limit: MAX_ENTRIES,
        });
    }
    let mut out = String::new();
    for t in propagating() {
        if !out.is_empty() {
            out.push(',');
        }
        percent_encode(&mut out, t.key.name(), is_key_char);
        out.push('=');
        percent_encode(&mut out, t.value.as_str(), is_value_char);
    }
    if out.len() > MAX_HEADER_BYTES {
        return Err(PropagationError::HeaderTooLong {
            len: out.len(),
            limit: MAX_HEADER_BYTES,
        });
    }
    Ok(Some(out))
}

/// What [`extract`] found: the tags, and how many list-members it dropped and why.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Extracted {
    /// The tags (TTL [`Ttl::Unlimited`]).
    pub tags: TagMap,
    /// Members skipped because they have no `=` or their decoded key or value is not a valid
    /// [`TagKey`] / [`TagValue`].
    pub invalid: usize,
    /// Members dropped because they are past [`MAX_ENTRIES`] or end past [`MAX_HEADER_BYTES`].
    pub over_limit: usize,
}

impl Extracted {
    /// All dropped members: `invalid + over_limit`.
    pub fn skipped(&self) -> usize {
        self.invalid + self.over_limit
    }
}

/// Reads the tags of a `baggage` header value. Never fails: members census cannot represent and
/// members past the limits are dropped and counted (see the [module docs](self)).
///
/// For a request with several `baggage` header lines, join them with `,` first (HTTP list
/// semantics).
///
/// ```
/// use census_sdk::tags::baggage;
/// let got = baggage::extract("method=GET;ttl=5, status = 200 ,,path=a=b, no_equals, =empty_key");
/// assert_eq!(got.tags.to_string(), "{method=GET, path=a=b, status=200}");
/// assert_eq!(got.invalid, 2);
/// assert_eq!(got.skipped(), 2);
/// ```
pub fn extract(header: &str) -> Extracted {
    let mut muts = Vec::new();
    let mut got = Extracted::default();
    let mut members = 0;
    let mut start = 0;
    for raw in header.split(',') {
        let end = start + raw.len();
        start = end + 1;
        let member = trim_ows(raw);
        if member.is_empty() {
            continue;
        }
        members += 1;
        if members > MAX_ENTRIES || end > MAX_HEADER_BYTES {
            got.over_limit += 1;
            continue;
        }
        match parse_member(member) {
            Some(m) => muts.push(m),
            None => got.invalid += 1,
        }
    }
    got.tags = TagMap::new().with(&muts);
    got
}

fn parse_member(member: &str) -> Option<Mutator> {
    let pair = member
        .split_once(';')
        .map_or(member, |(pair, _properties)| pair);
    let (key, value) = pair.split_once('=')?;
    let key = TagKey::new(&percent_decode(trim_ows(key))).ok()?;
    let value = TagValue::new(&percent_decode(trim_ows(value))).ok()?;
    Some(Mutator::upsert(key, value))
}

/// Trims W3C optional whitespace (space and tab).
fn trim_ows(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

/// RFC 7230 `tchar` except `%`, which we use as the escape.
fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$&'*+-.^_`|~".contains(&b)
}

/// W3C `baggage-octet` except `%`, which W3C requires to be encoded.
fn is_value_char(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E) && b != b'%'
}

fn percent_encode(out: &mut String, s: &str, keep: fn(u8) -> bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
}

fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(hi), Some(lo)) = (
                b.get(i + 1).and_then(|&c| hex_digit(c)),
                b.get(i + 2).and_then(|&c| hex_digit(c)),
            ) {
                out.push((hi << 4) | lo);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn hex_digit(c: u8) -> Option<u8> {
    char::from(c).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn k(s: &str) -> TagKey {
        TagKey::new(s).unwrap()
    }
    fn v(s: &str) -> TagValue {
        TagValue::new(s).unwrap()
    }
    fn all_printable() -> String {
        (0x20u8..=0x7e).map(char::from).collect()
    }

    #[test]
    fn percent_encoding_round_trips_every_printable_character() {
        let all = all_printable();
        let mut out = String::new();
        percent_encode(&mut out, &all, is_value_char);
        assert_eq!(
            out,
            "%20!%22#$%25&'()*+%2C-./0123456789:%3B<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[%5C]^_`\
             abcdefghijklmnopqrstuvwxyz{|}~"
        );
        assert_eq!(percent_decode(&out), all);
        // The encoded value holds only baggage-octets.
        assert!(out.bytes().all(|b| is_value_char(b) || b == b'%'));

        let mut key = String::new();
        percent_encode(&mut key, &all, is_key_char);
        assert_eq!(percent_decode(&key), all);
        // The encoded key is an RFC 7230 token.
        assert!(key.bytes().all(|b| is_key_char(b) || b == b'%'));

        // Through the public API: a tag whose key and value hold every printable character.
        let map = TagMap::from_pairs(&[(&all, &all)]).unwrap();
        let header = inject(&map).unwrap().unwrap();
        assert_eq!(extract(&header).tags, map);
    }

    #[test]
    fn decoding_is_lenient_about_bad_escapes_and_strict_about_ascii() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%41%62"), "Ab");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
        assert_eq!(percent_decode("a+b"), "a+b"); // `+` is not a space in baggage
                                                  // Decoded to non-ASCII: not a TagValue, skipped and counted.
        let got = extract("city=M%C3%BCnchen,ok=1,bin=%FF");
        assert_eq!(got.tags.to_string(), "{ok=1}");
        assert_eq!(got.invalid, 2);
    }

    #[test]
    fn properties_are_ignored_and_whitespace_trimmed() {
        let got = extract("\t a = 1 ; p1 ; p2=x=y ,b=2;,c= %20x%20 ");
        assert_eq!(got.tags.get(&k("a")).unwrap().as_str(), "1");
        assert_eq!(got.tags.get(&k("b")).unwrap().as_str(), "2");
        // Encoded spaces are part of the value; raw ones around it are not.
        assert_eq!(got.tags.get(&k("c")).unwrap().as_str(), " x ");
        assert_eq!(got.skipped(), 0);
    }

    #[test]
    fn invalid_members_are_skipped_and_counted() {
        let long = "v".repeat(256);
        let header = format!("a=1,novalue,=x,k={long},{}=1,t=tab%09,b=2", "k".repeat(256));
        let got = extract(&header);
        assert_eq!(got.tags.to_string(), "{a=1, b=2}");
        assert_eq!(got.invalid, 5);
        assert_eq!(got.over_limit, 0);
        // Empty values are valid tag values.
        assert_eq!(extract("e=").tags.get(&k("e")).unwrap().as_str(), "");
        // Empty and whitespace-only members are not entries.
        assert_eq!(extract(" , ,\t,").skipped(), 0);
        assert!(extract("").tags.is_empty());
    }

    #[test]
    fn repeated_key_last_wins() {
        assert_eq!(extract("k=1,k=2,j=0,k=3").tags.to_string(), "{j=0, k=3}");
    }

    #[test]
    fn inject_skips_local_tags() {
        let map = TagMap::new().with(&[
            Mutator::upsert(k("a"), v("1")),
            Mutator::Upsert(k("b"), v("2"), Ttl::NoPropagation),
        ]);
        assert_eq!(inject(&map).unwrap().as_deref(), Some("a=1"));
        let local = TagMap::new().with(&[Mutator::Upsert(k("b"), v("2"), Ttl::NoPropagation)]);
        assert_eq!(inject(&local).unwrap(), None);
    }

    #[test]
    fn inject_limits() {
        let n = |count: usize| {
            let muts: Vec<Mutator> = (0..count)
                .map(|i| Mutator::upsert(k(&format!("k{i}")), v("v")))
                .collect();
            TagMap::new().with(&muts)
        };
        let header = inject(&n(MAX_ENTRIES)).unwrap().unwrap();
        assert_eq!(extract(&header).tags.len(), MAX_ENTRIES);
        let err = inject(&n(MAX_ENTRIES + 1)).unwrap_err();
        assert_eq!(
            err,
            PropagationError::TooManyEntries {
                count: 181,
                limit: 180
            }
        );
        assert!(err.to_string().contains("180"), "{err}");
        // Local tags do not count toward the limit.
        let local = n(MAX_ENTRIES).with(&[Mutator::Upsert(k("zz"), v("v"), Ttl::NoPropagation)]);
        assert!(inject(&local).is_ok());

        // 16 members of 3-byte key "kNN", '=', 255 "%20"s: 769 bytes + comma.
        let wide = |count: usize| {
            let muts: Vec<Mutator> = (0..count)
                .map(|i| Mutator::upsert(k(&format!("k{i:02}")), v(&" ".repeat(255))))
                .collect();
            TagMap::new().with(&muts)
        };
        // 10 members: 10 × 769 + 9 = 7699 bytes.
        assert_eq!(inject(&wide(10)).unwrap().unwrap().len(), 7699);
        let err = inject(&wide(11)).unwrap_err();
        assert_eq!(
            err,
            PropagationError::HeaderTooLong {
                len: 8469,
                limit: 8192
            }
        );
        assert!(err.to_string().contains("8469 bytes"), "{err}");
    }

    #[test]
    fn extract_limits_drop_whole_members() {
        // Exactly 8192 bytes: all kept. One more byte: the last member is dropped.
        let head = format!("a={}", "v".repeat(8190 - 4)); // 8188 bytes
        let at_limit = format!("{head},b=1"); // 8192 bytes
        assert_eq!(at_limit.len(), 8192);
        let got = extract(&at_limit);
        assert_eq!((got.tags.len(), got.invalid, got.over_limit), (1, 1, 0));
        let got = extract(&format!("{head},b=12"));
        assert_eq!((got.tags.len(), got.invalid, got.over_limit), (0, 1, 1));
        // The count limit counts members, valid or not.
        let mut members: Vec<String> = vec!["bad".into(); 180];
        members.push("late=1".into());
        let got = extract(&members.join(","));
        assert!(got.tags.is_empty());
        assert_eq!((got.invalid, got.over_limit), (180, 1));
    }

    fn printable(min: usize, max: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(0x20u8..=0x7e, min..=max)
            .prop_map(|b| String::from_utf8(b).unwrap())
    }

    proptest! {
        #[test]
        fn prop_round_trip(
            pairs in proptest::collection::vec((printable(1, 40), printable(0, 40)), 0..12),
        ) {
            let refs: Vec<(&str, &str)> =
                pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let map = TagMap::from_pairs(&refs).unwrap();
            let got = match inject(&map).unwrap() {
                Some(header) => extract(&header),
                None => Extracted::default(),
            };
            prop_assert_eq!(got.skipped(), 0);
            prop_assert_eq!(got.tags, map);
        }

        #[test]
        fn prop_extract_never_panics(header in "\\PC{0,80}") {
            let got = extract(&header);
            // Whatever was extracted injects and extracts to the same map.
            if let Some(h) = inject(&got.tags).unwrap() {
                prop_assert_eq!(extract(&h).tags, got.tags);
            }
        }
    }
}
