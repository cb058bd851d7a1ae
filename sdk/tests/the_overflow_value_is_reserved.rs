//! The overflow row's tag value cannot enter through any door: code, W3C `baggage` or
//! `grpc-tags-bin`.

use census_sdk::tags::{baggage, binary};
use census_sdk::{TagError, TagKey, TagMap, TagValue, OVERFLOW_TAG_VALUE};

#[test]
fn code_gets_a_typed_error_naming_the_value() {
    let e = TagValue::new(OVERFLOW_TAG_VALUE).unwrap_err();
    assert_eq!(
        e,
        TagError::ReservedValue {
            value: OVERFLOW_TAG_VALUE.into()
        }
    );
    assert!(TagMap::from_pairs(&[("user", OVERFLOW_TAG_VALUE)]).is_err());
    // Only the exact value is reserved.
    assert!(TagValue::new("__census_overflow__x").is_ok());
}

#[test]
fn baggage_skips_and_counts_it() {
    let got = baggage::extract(&format!("user={OVERFLOW_TAG_VALUE},region=eu"));
    assert_eq!(got.skipped(), 1);
    assert_eq!(got.tags.get(&TagKey::new("user").unwrap()), None);
    assert_eq!(
        got.tags
            .get(&TagKey::new("region").unwrap())
            .map(|v| v.as_str()),
        Some("eu")
    );
}

#[test]
fn grpc_tags_bin_refuses_it() {
    // version 0; field 0 (a tag): key length, key, value length, value.
    let mut wire = vec![0, 0, 4];
    wire.extend_from_slice(b"user");
    wire.push(OVERFLOW_TAG_VALUE.len() as u8);
    wire.extend_from_slice(OVERFLOW_TAG_VALUE.as_bytes());
    assert!(binary::decode(&wire).is_err());
    // The same header with another value decodes.
    let ok = binary::encode(&TagMap::from_pairs(&[("user", "alice")]).unwrap()).unwrap();
    assert!(binary::decode(&ok).is_ok());
}
