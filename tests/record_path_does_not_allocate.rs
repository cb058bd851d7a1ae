//! Recording into an existing row allocates nothing: explicit tags, the current tag context,
//! a bound handle, several views per measurement, and a measure without views. Measured with a
//! counting global allocator (its own test binary, one test, so nothing else allocates).

use std::alloc::System;

use census::tags;
use census::{Aggregation, Float64Measure, Int64Measure, Meter, TagKey, TagMap, View};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn hot_paths_do_not_allocate() {
    let meter = Meter::new();
    let vm = meter.view_manager();
    let lat = Float64Measure::new("alloc.test/lat", "", "ms").unwrap();
    let hits = Int64Measure::new("alloc.test/hits", "", "1").unwrap();
    let idle = Int64Measure::new("alloc.test/idle", "", "1").unwrap();
    let cols = || ["a", "b", "c"].map(|k| TagKey::new(k).unwrap());
    vm.register(&View::new("c", "", cols(), &hits, Aggregation::Count).unwrap())
        .unwrap();
    vm.register(&View::new("s", "", cols(), &hits, Aggregation::Sum).unwrap())
        .unwrap();
    vm.register(&View::new("l", "", cols(), &hits, Aggregation::LastValue).unwrap())
        .unwrap();
    let bounds: Vec<f64> = (1..=10).map(|i| i as f64 * 10.0).collect();
    vm.register(
        &View::new(
            "d",
            "",
            cols(),
            &lat,
            Aggregation::distribution(&bounds).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    let tags = TagMap::from_pairs(&[("a", "x"), ("b", "y"), ("c", "z")]).unwrap();
    let bound = meter.bind(&hits, &tags);
    // Create the rows first: creating a row may allocate.
    meter.record_with_tags(&tags, &[hits.m(1), lat.m(1.0)]);
    bound.record(1);
    let _scope = tags::enter(tags.clone());
    meter.record(&[lat.m(1.0)]);

    let region = Region::new(GLOBAL);
    for i in 0..1000 {
        meter.record_with_tags(&tags, &[hits.m(i), lat.m(i as f64)]);
        meter.record(&[hits.m(1), lat.m(2.5)]);
        bound.record(i);
        meter.record_with_tags(&tags, &[idle.m(i)]);
        census::record_with_tags(&tags, &[idle.m(i)]);
    }
    let stats = region.change();
    assert_eq!(
        stats.allocations, 0,
        "allocations on the record path: {stats:?}"
    );
    assert_eq!(stats.reallocations, 0, "{stats:?}");

    let rows = vm.retrieve_data("c").unwrap().rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].data,
        census::AggregationData::Count(1 + 1 + 1000 * 3)
    );
}
