//! Many threads record while another snapshots: totals are exact.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use census_sdk::{
    Aggregation, AggregationData, Float64Measure, Int64Measure, Meter, SumData, TagMap, View,
};

const THREADS: usize = 4;
const PER_THREAD: u64 = 20_000;

fn total_count(meter: &Meter, view: &str) -> u64 {
    meter
        .view_manager()
        .retrieve_data(view)
        .unwrap()
        .rows
        .iter()
        .map(|r| match &r.data {
            AggregationData::Count(c) => *c,
            AggregationData::Distribution(d) => d.count,
            other => panic!("unexpected {other:?}"),
        })
        .sum()
}

#[test]
fn exact_totals_with_recording_and_snapshotting_racing() {
    let meter = Meter::new();
    let vm = meter.view_manager();
    let ops = Int64Measure::new("concurrency.test/ops", "ops", "1").unwrap();
    let lat = Float64Measure::new("concurrency.test/lat", "lat", "ms").unwrap();
    let k = census_sdk::TagKey::new("worker").unwrap();
    vm.register(&View::new("ops_count", "", [k.clone()], &ops, Aggregation::Count).unwrap())
        .unwrap();
    vm.register(&View::new("ops_sum", "", [k.clone()], &ops, Aggregation::Sum).unwrap())
        .unwrap();
    vm.register(
        &View::new(
            "lat_dist",
            "",
            [k.clone()],
            &lat,
            Aggregation::distribution(&[1.0, 2.0, 4.0]).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();

    let done = Arc::new(AtomicBool::new(false));
    let snapshots = {
        let meter = meter.clone();
        let done = done.clone();
        std::thread::spawn(move || {
            let mut n = 0u64;
            let mut last = 0u64;
            while !done.load(Ordering::Acquire) {
                let now = total_count(&meter, "ops_count");
                assert!(now >= last, "a count went backwards: {last} -> {now}");
                last = now;
                n += 1;
            }
            n
        })
    };
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let meter = &meter;
            let (ops, lat) = (&ops, &lat);
            s.spawn(move || {
                // Half the threads share a row, half have their own: both paths are raced.
                let tags = TagMap::from_pairs(&[("worker", &(t % 2).to_string())]).unwrap();
                let bound = meter.bind(ops, &tags);
                for i in 0..PER_THREAD {
                    if i % 2 == 0 {
                        meter.record_with_tags(&tags, &[ops.m(3), lat.m((i % 5) as f64)]);
                    } else {
                        bound.record(3);
                        meter.record_with_tags(&tags, &[lat.m((i % 5) as f64)]);
                    }
                }
            });
        }
    });
    done.store(true, Ordering::Release);
    assert!(snapshots.join().unwrap() > 0);

    let n = THREADS as u64 * PER_THREAD;
    assert_eq!(total_count(&meter, "ops_count"), n);
    assert_eq!(total_count(&meter, "lat_dist"), n);
    let sum: i64 = vm
        .retrieve_data("ops_sum")
        .unwrap()
        .rows
        .iter()
        .map(|r| match r.data {
            AggregationData::Sum(SumData::Int(v)) => v,
            _ => panic!(),
        })
        .sum();
    assert_eq!(sum, 3 * n as i64);
}

#[test]
fn concurrent_row_creation_creates_each_row_once() {
    let meter = Meter::new();
    let m = Int64Measure::new("concurrency.test/rows", "", "1").unwrap();
    let k = census_sdk::TagKey::new("id").unwrap();
    meter
        .view_manager()
        .register(&View::new("rows", "", [k], &m, Aggregation::Count).unwrap())
        .unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for i in 0..500 {
                    let tags = TagMap::from_pairs(&[("id", &i.to_string())]).unwrap();
                    meter.record_with_tags(&tags, &[m.m(1)]);
                }
            });
        }
    });
    let data = meter.view_manager().retrieve_data("rows").unwrap();
    assert_eq!(data.rows.len(), 500);
    assert!(data
        .rows
        .iter()
        .all(|r| r.data == AggregationData::Count(4)));
}
