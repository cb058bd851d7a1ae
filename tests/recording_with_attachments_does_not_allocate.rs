//! Recording with attachments into a distribution row that already keeps exemplars allocates
//! nothing: the exemplar shares the attachments (a reference count) instead of copying the map.
//! Measured with a counting global allocator (its own test binary, one test, so nothing else
//! allocates).

use std::alloc::System;

use census::{
    Aggregation, AggregationData, Attachments, Float64Measure, Meter, TagKey, TagMap, View,
};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn recording_with_attachments_does_not_allocate() {
    let meter = Meter::new();
    let lat = Float64Measure::new("alloc.att.test/lat", "", "ms").unwrap();
    let bounds: Vec<f64> = (1..=10).map(|i| i as f64 * 10.0).collect();
    let agg = Aggregation::distribution(&bounds).unwrap();
    meter
        .view_manager()
        .register(&View::new("d", "", [TagKey::new("a").unwrap()], &lat, agg).unwrap())
        .unwrap();
    let tags = TagMap::from_pairs(&[("a", "x")]).unwrap();
    let att = Attachments::new()
        .with("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")
        .with("span_id", "00f067aa0ba902b7");
    // Creates the row and its exemplar slots: that may allocate.
    meter.record_with_attachments(&tags, &att, &[lat.m(1.0)]);

    let region = Region::new(GLOBAL);
    for i in 0..1000 {
        // Every bucket: each recording replaces that bucket's exemplar.
        meter.record_with_attachments(&tags, &att, &[lat.m((i % 110) as f64)]);
    }
    let stats = region.change();
    assert_eq!(
        stats.allocations, 0,
        "allocations recording with attachments: {stats:?}"
    );
    assert_eq!(stats.reallocations, 0, "{stats:?}");

    let rows = meter.view_manager().retrieve_data("d").unwrap().rows;
    let AggregationData::Distribution(d) = &rows[0].data else {
        panic!("{rows:?}")
    };
    assert_eq!(d.count, 1001);
    assert!(d
        .exemplars
        .iter()
        .all(|e| e.as_ref().is_some_and(|e| e.attachments == att)));
}
