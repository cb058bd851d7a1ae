//! Tag propagation through the public API: `grpc-tags-bin` (OpenCensus binary format, with bytes
//! written by OpenCensus Go and Python) and, with the `baggage` feature, the W3C `baggage` header.

use census_sdk::tags::{self, binary};
use census_sdk::PropagationError;
use census_sdk::{
    Aggregation, AggregationData, Int64Measure, Meter, Mutator, TagKey, TagMap, TagValue, Ttl, View,
};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

fn k(s: &str) -> TagKey {
    TagKey::new(s).unwrap()
}

fn v(s: &str) -> TagValue {
    TagValue::new(s).unwrap()
}

#[test]
fn header_name_and_limit() {
    assert_eq!(binary::GRPC_TAGS_BIN_HEADER, "grpc-tags-bin");
    assert_eq!(binary::MAX_ENCODED_TAGS_BYTES, 8192);
}

#[test]
fn go_bytes_decode_and_re_encode_byte_for_byte() {
    // oracle/oc_go_probes.txt
    for (go, text) in [
        ("0000066d6574686f6403474554", "{method=GET}"),
        ("00000b687474702e7374617475730135", "{http.status=5}"),
    ] {
        let map = binary::decode(&hex(go)).unwrap();
        assert_eq!(map.to_string(), text);
        assert_eq!(to_hex(&binary::encode(&map).unwrap()), go);
    }
}

#[test]
fn python_bytes_decode() {
    // oracle/oc_python_probes.txt: {method=GET, http.status=200} in insertion order.
    let py = "0000066d6574686f6403474554000b687474702e73746174757303323030";
    let map = binary::decode(&hex(py)).unwrap();
    assert_eq!(map.get(&k("method")), Some(&v("GET")));
    assert_eq!(map.get(&k("http.status")), Some(&v("200")));
    assert_eq!(map.len(), 2);
}

#[test]
fn ttl_no_propagation_is_local_only() {
    // Go probe: {http.status=5, method=6 (TTL 0)} encodes as only http.status.
    let map = TagMap::new().with(&[
        Mutator::upsert(k("http.status"), v("5")),
        Mutator::Insert(k("method"), v("6"), Ttl::NoPropagation),
    ]);
    let bytes = binary::encode(&map).unwrap();
    assert_eq!(to_hex(&bytes), "00000b687474702e7374617475730135");
    let decoded = binary::decode(&bytes).unwrap();
    assert!(decoded.get(&k("method")).is_none());
    assert_eq!(decoded.tag(&k("http.status")).unwrap().ttl, Ttl::Unlimited);
}

#[test]
fn errors_are_typed_and_all_or_nothing() {
    assert_eq!(
        binary::decode(&hex("01")).unwrap_err(),
        PropagationError::UnsupportedVersion { version: 1 }
    );
    // A good tag followed by an invalid one: error, not a partial map.
    let mut b = hex("0000066d6574686f6403474554");
    b.extend([0x00, 0x01, b'k', 0x01, 0x07]); // value "\x07"
    let err = binary::decode(&b).unwrap_err();
    assert!(
        matches!(&err, PropagationError::InvalidValue { key, value, .. } if key == "k" && value == r"\x07"),
        "{err:?}"
    );
    assert!(err.to_string().contains(r#""\x07""#), "{err}");
}

#[test]
fn unknown_field_keeps_earlier_tags() {
    let mut b = hex("0000066d6574686f6403474554");
    b.extend([0x01, 0xde, 0xad]);
    assert_eq!(binary::decode(&b).unwrap().to_string(), "{method=GET}");
}

#[test]
fn long_keys_and_values_round_trip() {
    let key = "k".repeat(255);
    let value = "v".repeat(200);
    let map = TagMap::from_pairs(&[(key.as_str(), value.as_str())]).unwrap();
    let bytes = binary::encode(&map).unwrap();
    // Version, field id, 2-byte varint 255 = ff 01.
    assert_eq!(&bytes[..4], &[0x00, 0x00, 0xff, 0x01]);
    assert_eq!(binary::decode(&bytes).unwrap(), map);
}

#[test]
fn decoded_tags_feed_the_current_context_and_views() {
    // A server decodes the incoming `grpc-tags-bin` value and records under it.
    let meter = Meter::new();
    let requests = Int64Measure::new("tags_propagation/requests", "Requests", "1").unwrap();
    let view = View::builder()
        .name("tags_propagation_requests")
        .measure(&requests)
        .columns([k("method")])
        .aggregation(Aggregation::Count)
        .build()
        .unwrap();
    meter.view_manager().register(&view).unwrap();

    let incoming = binary::decode(&hex("0000066d6574686f6403474554")).unwrap();
    {
        let _scope = tags::enter(incoming);
        meter.record(&[requests.m(1), requests.m(1)]);
    }
    let data = meter
        .view_manager()
        .retrieve_data("tags_propagation_requests")
        .unwrap();
    assert_eq!(data.rows.len(), 1);
    assert_eq!(data.rows[0].tag_values[0].as_str(), "GET");
    assert_eq!(data.rows[0].data, AggregationData::Count(2));
}

#[cfg(feature = "baggage")]
mod baggage {
    use super::*;
    use census_sdk::tags::baggage;

    #[test]
    fn header_name_and_limits() {
        assert_eq!(baggage::BAGGAGE_HEADER, "baggage");
        assert_eq!(baggage::MAX_ENTRIES, 180);
        assert_eq!(baggage::MAX_HEADER_BYTES, 8192);
    }

    #[test]
    fn inject_extract_round_trip_honours_ttl() {
        let map = TagMap::new().with(&[
            Mutator::upsert(k("method"), v("GET")),
            Mutator::upsert(k("path"), v("/a b,c;d=e")),
            Mutator::Upsert(k("user_id"), v("42"), Ttl::NoPropagation),
        ]);
        let header = baggage::inject(&map).unwrap().unwrap();
        assert_eq!(header, "method=GET,path=/a%20b%2Cc%3Bd=e");
        let got = baggage::extract(&header);
        assert_eq!(got.skipped(), 0);
        assert_eq!(got.tags.to_string(), "{method=GET, path=/a b,c;d=e}");
        assert!(got.tags.get(&k("user_id")).is_none());
    }

    #[test]
    fn foreign_baggage_is_tolerated() {
        // Entries from other software: properties, whitespace, non-ASCII values.
        let header = "userId=alice;sensitive, sessionId = 123 ,city=K%C3%B6ln,isProduction=false";
        let got = baggage::extract(header);
        assert_eq!(
            got.tags.to_string(),
            "{isProduction=false, sessionId=123, userId=alice}"
        );
        assert_eq!(got.invalid, 1);
        assert_eq!(got.over_limit, 0);
    }

    #[test]
    fn binary_and_baggage_agree() {
        let map = TagMap::from_pairs(&[("a", "1"), ("b", "x y")]).unwrap();
        let via_binary = binary::decode(&binary::encode(&map).unwrap()).unwrap();
        let via_baggage = baggage::extract(&baggage::inject(&map).unwrap().unwrap()).tags;
        assert_eq!(via_binary, via_baggage);
    }
}
