//! Tag keys decoded from requests are freed with the tag maps that carry them: 20,000 hostile
//! `grpc-tags-bin` headers of about 8 KiB, each with 31 never-seen 255-byte keys, leave the
//! process's live heap within a fixed bound (a counting allocator measures it).

use census_sdk::tags::binary;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// One header: version 0, then `keys` fields of a unique 255-byte key and a 1-byte value.
fn hostile_header(request: usize, keys: usize) -> Vec<u8> {
    let mut out = vec![0u8];
    for k in 0..keys {
        let key = format!("{request:0>12}-{k:0>4}-{}", "k".repeat(255 - 18));
        out.push(0); // tag field id
        out.extend([0xff, 0x01]); // varint 255
        out.extend(key.as_bytes());
        out.extend([1, b'v']);
    }
    out
}

#[test]
fn twenty_thousand_hostile_headers_leave_the_heap_bounded() {
    const REQUESTS: usize = 20_000;
    const KEYS: usize = 31; // 31 × (1 + 2 + 255 + 2) = 8,060 bytes, under the 8,192-byte limit
                            // Warm up once (the intern table and its first growth).
    for r in 0..2_000 {
        let map = binary::decode(&hostile_header(r, KEYS)).unwrap();
        assert_eq!(map.len(), KEYS);
    }
    let region = Region::new(GLOBAL);
    let mut decoded = 0usize;
    for r in 2_000..2_000 + REQUESTS {
        let header = hostile_header(r, KEYS);
        assert!(header.len() > 8_000 && header.len() <= 8_192);
        let map = binary::decode(&header).unwrap();
        decoded += map.len();
    }
    let change = region.change();
    // stats_alloc counts a realloc's growth in bytes_allocated and its shrink in
    // bytes_deallocated, so what stays allocated is their difference.
    let live = change.bytes_allocated as i64 - change.bytes_deallocated as i64;
    assert_eq!(decoded, REQUESTS * KEYS);
    // Interning every key forever would keep 20,000 × 31 × ~300 bytes ≈ 186 MB alive.
    assert!(
        live < 4 * 1024 * 1024,
        "the heap grew by {live} bytes over {REQUESTS} hostile headers ({} bytes allocated)",
        change.bytes_allocated
    );
}
