//! W3C `baggage` extraction on any header text: it never panics, and the tags it keeps inject
//! and extract back to the same tags.
#![no_main]

use census_sdk::tags::baggage::{extract, inject};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let header = String::from_utf8_lossy(data);
    let got = extract(&header);
    if let Ok(Some(text)) = inject(&got.tags) {
        let again = extract(&text);
        assert_eq!(again.tags, got.tags, "round trip of {text:?}");
    }
});
