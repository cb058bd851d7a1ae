//! The `grpc-tags-bin` decoder on any bytes: it never panics, and whatever it accepts encodes
//! and decodes back to the same tags.
#![no_main]

use census_sdk::tags::binary::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(map) = decode(data) {
        let bytes = encode(&map).expect("a decoded map encodes");
        let again = decode(&bytes).expect("an encoded map decodes");
        assert_eq!(again, map, "round trip");
    }
});
