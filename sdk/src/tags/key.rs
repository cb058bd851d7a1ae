//! See [`TagKey`] and [`TagValue`] for details.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use crate::error::{printable_ascii, TagError};

/// The name of a tag: 1 to 255 printable ASCII characters.
///
/// Keys are interned: creating the same key while another handle to it lives returns the same
/// key, and comparing two keys is one integer comparison. Keys order by name. The intern table
/// holds keys weakly: a key no view, tag map or handle uses any more is freed, so keys decoded
/// from requests (`grpc-tags-bin`, `baggage`) cannot grow the process without bound.
///
/// ```
/// use census_sdk::TagKey;
/// let method = TagKey::new("method").unwrap();
/// assert_eq!(method.name(), "method");
/// assert_eq!(method, TagKey::new("method").unwrap());
/// assert!(TagKey::new("").is_err());
/// assert!(TagKey::new("caf\u{e9}").is_err());
/// ```
#[derive(Clone)]
pub struct TagKey(Arc<KeyInner>);

struct KeyInner {
    name: Box<str>,
    /// Unique for the life of the process (never reused, so a freed key's id cannot alias).
    id: u64,
}

/// The intern table: live keys by name, and when to next drop the entries of freed keys.
struct Interner {
    keys: HashMap<Box<str>, Weak<KeyInner>>,
    next_id: u64,
    prune_at: usize,
}

/// Entries the table may hold before it first drops those of freed keys.
const MIN_PRUNE_AT: usize = 1024;

fn interner() -> &'static Mutex<Interner> {
    static KEYS: OnceLock<Mutex<Interner>> = OnceLock::new();
    KEYS.get_or_init(|| {
        Mutex::new(Interner {
            keys: HashMap::new(),
            next_id: 0,
            prune_at: MIN_PRUNE_AT,
        })
    })
}

/// How many keys the intern table holds entries for (live or not yet pruned); for tests of the
/// bound.
#[cfg(test)]
fn interned_len() -> usize {
    interner()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .keys
        .len()
}

impl TagKey {
    /// Creates (or finds) the key `name`.
    ///
    /// # Errors
    /// [`TagError::InvalidKey`] when `name` is empty, longer than 255 bytes, or has a character
    /// outside printable ASCII (0x20–0x7E), as OpenCensus Go's `tag.NewKey`.
    pub fn new(name: &str) -> Result<Self, TagError> {
        if !printable_ascii(name, 1, 255) {
            return Err(TagError::InvalidKey { key: name.into() });
        }
        let mut table = interner().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(key) = table.keys.get(name).and_then(Weak::upgrade) {
            return Ok(TagKey(key));
        }
        if table.keys.len() >= table.prune_at {
            // Amortised: the table is at most about twice the live keys (plus MIN_PRUNE_AT).
            table.keys.retain(|_, k| k.strong_count() > 0);
            table.prune_at = (table.keys.len() * 2).max(MIN_PRUNE_AT);
        }
        let id = table.next_id;
        table.next_id += 1;
        let key = Arc::new(KeyInner {
            name: name.into(),
            id,
        });
        table.keys.insert(name.into(), Arc::downgrade(&key));
        Ok(TagKey(key))
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    pub(crate) fn id(&self) -> u64 {
        self.0.id
    }
}

impl PartialEq for TagKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}
impl Eq for TagKey {}
impl Hash for TagKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.id.hash(state)
    }
}
impl PartialOrd for TagKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for TagKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}
impl fmt::Debug for TagKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TagKey({:?})", self.name())
    }
}
impl fmt::Display for TagKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The value of a tag: 0 to 255 printable ASCII characters (the empty value is allowed).
///
/// A value carries its hash, computed once, so finding a view's row costs no string hashing.
///
/// ```
/// use census_sdk::TagValue;
/// assert_eq!(TagValue::new("GET").unwrap().as_str(), "GET");
/// assert!(TagValue::new("").is_ok());
/// assert!(TagValue::new(&"v".repeat(256)).is_err());
/// assert!(TagValue::new("tab\t").is_err());
/// ```
#[derive(Clone)]
pub struct TagValue {
    hash: u64,
    s: Arc<str>,
}

pub(crate) fn hash_str(s: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x6365_6e73_7573).hash_one(s)
}

/// The tag value every column of a view's overflow row carries (see
/// [`crate::DEFAULT_ROW_LIMIT`]). Reserved: [`TagValue::new`] refuses it, so no recorded or
/// extracted tag can collide with the overflow row.
pub const OVERFLOW_TAG_VALUE: &str = "__census_overflow__";

impl TagValue {
    /// Creates a tag value.
    ///
    /// ```
    /// use census_sdk::{TagError, TagValue, OVERFLOW_TAG_VALUE};
    /// assert_eq!(TagValue::new("GET").unwrap().as_str(), "GET");
    /// assert!(matches!(TagValue::new(OVERFLOW_TAG_VALUE), Err(TagError::ReservedValue { .. })));
    /// ```
    ///
    /// # Errors
    /// [`TagError::InvalidValue`] when `value` is longer than 255 bytes or has a character outside
    /// printable ASCII (0x20–0x7E); [`TagError::ReservedValue`] for [`OVERFLOW_TAG_VALUE`].
    pub fn new(value: &str) -> Result<Self, TagError> {
        if !printable_ascii(value, 0, 255) {
            return Err(TagError::InvalidValue {
                value: value.into(),
            });
        }
        if value == OVERFLOW_TAG_VALUE {
            return Err(TagError::ReservedValue {
                value: value.into(),
            });
        }
        Ok(Self::new_unchecked(value))
    }

    pub(crate) fn new_unchecked(value: &str) -> Self {
        TagValue {
            hash: hash_str(value),
            s: value.into(),
        }
    }

    /// The empty value, which a view also uses for a tag the recording did not carry.
    pub fn empty() -> Self {
        static EMPTY: OnceLock<TagValue> = OnceLock::new();
        EMPTY.get_or_init(|| TagValue::new_unchecked("")).clone()
    }

    /// The value as a string.
    pub fn as_str(&self) -> &str {
        &self.s
    }

    /// True for the empty value.
    pub fn is_empty(&self) -> bool {
        self.s.is_empty()
    }

    pub(crate) fn hash_value(&self) -> u64 {
        self.hash
    }
}

impl PartialEq for TagValue {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && (Arc::ptr_eq(&self.s, &other.s) || self.s == other.s)
    }
}
impl Eq for TagValue {}
impl Hash for TagValue {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash)
    }
}
impl PartialOrd for TagValue {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for TagValue {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}
impl fmt::Debug for TagValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}
impl fmt::Display for TagValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_limits_follow_opencensus() {
        assert!(TagKey::new(&"k".repeat(255)).is_ok());
        assert_eq!(
            TagKey::new(&"k".repeat(256)).unwrap_err(),
            TagError::InvalidKey {
                key: "k".repeat(256)
            }
        );
        assert!(TagKey::new("tab\t").is_err());
        assert!(TagKey::new("http.status").is_ok());
    }

    #[test]
    fn keys_are_interned_and_ordered_by_name() {
        let a = TagKey::new("zeta").unwrap();
        let b = TagKey::new("alpha").unwrap();
        assert_eq!(a.id(), TagKey::new("zeta").unwrap().id());
        assert!(b < a);
    }

    #[test]
    fn freed_keys_leave_the_table() {
        let kept = TagKey::new("freed_keys_kept").unwrap();
        for i in 0..(4 * MIN_PRUNE_AT) {
            let k = TagKey::new(&format!("freed_keys_{i}")).unwrap();
            assert_eq!(k.name(), format!("freed_keys_{i}"));
        }
        assert!(
            interned_len() <= 2 * MIN_PRUNE_AT + 64,
            "{} entries",
            interned_len()
        );
        // A live key stays interned; a freed one comes back with a new id.
        assert_eq!(kept, TagKey::new("freed_keys_kept").unwrap());
        let old = TagKey::new("freed_keys_again").unwrap().id();
        assert_ne!(old, TagKey::new("freed_keys_again").unwrap().id());
    }

    #[test]
    fn value_limits_follow_opencensus() {
        assert!(TagValue::new(&"v".repeat(255)).is_ok());
        let err = TagValue::new("caf\u{e9}").unwrap_err();
        assert!(err.to_string().contains("printable ASCII"), "{err}");
        assert_eq!(TagValue::new("").unwrap(), TagValue::empty());
    }
}
