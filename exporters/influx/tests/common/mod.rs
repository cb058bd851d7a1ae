//! The recordings the peer tests share.

#![allow(dead_code)]

use census_sdk::{Aggregation, Float64Measure, Int64Measure, Meter, TagKey, TagMap, View};

/// A meter with one view of every aggregation: tags with special characters, a missing tag,
/// int and float sums, a last value, a distribution with a value on a bound.
pub fn recorded_meter() -> Meter {
    let meter = Meter::new();
    let vm = meter.view_manager();
    let req = Int64Measure::new("peer.io/requests", "Requests", "1").unwrap();
    let bytes = Int64Measure::new("peer.io/bytes", "Bytes", "By").unwrap();
    let cost = Float64Measure::new("peer.io/cost", "Cost", "1").unwrap();
    let temp = Float64Measure::new("peer.io/temp", "Temperature", "C").unwrap();
    let lat = Float64Measure::new("peer.io/latency", "Latency", "ms").unwrap();
    let (method, path) = (TagKey::new("method").unwrap(), TagKey::new("path").unwrap());
    let both = [method.clone(), path.clone()];
    vm.register(
        &View::new(
            "request_count",
            "Requests",
            both.clone(),
            &req,
            Aggregation::Count,
        )
        .unwrap(),
    )
    .unwrap();
    vm.register(
        &View::new(
            "response_bytes",
            "Bytes",
            [method.clone()],
            &bytes,
            Aggregation::Sum,
        )
        .unwrap(),
    )
    .unwrap();
    vm.register(&View::new("job_cost", "Cost", [], &cost, Aggregation::Sum).unwrap())
        .unwrap();
    vm.register(
        &View::new(
            "room_temp",
            "Temp",
            [path.clone()],
            &temp,
            Aggregation::LastValue,
        )
        .unwrap(),
    )
    .unwrap();
    let buckets = Aggregation::distribution(&[10.0, 100.0, 0.5]).unwrap();
    vm.register(&View::new("request_latency", "Latency", both, &lat, buckets).unwrap())
        .unwrap();

    let get = TagMap::from_pairs(&[("method", "GET"), ("path", "/a b,c=d\\e\"f")]).unwrap();
    let post = TagMap::from_pairs(&[("method", "POST")]).unwrap(); // no path: an empty label
    for _ in 0..3 {
        meter.record_with_tags(&get, &[req.m(1), bytes.m(1200), lat.m(10.0)]);
    }
    meter.record_with_tags(&get, &[lat.m(0.25), lat.m(250.0), temp.m(-3.5)]);
    meter.record_with_tags(
        &post,
        &[req.m(1), bytes.m(-7), lat.m(99.5), cost.m(0.1), cost.m(0.2)],
    );
    meter.record_with_tags(&TagMap::new(), &[temp.m(21.25)]);
    meter
}
