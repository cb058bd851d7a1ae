//! Registration rules, unregister, isolation, exporters, reporting and stop.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use census_sdk::fn_exporter;
use census_sdk::{
    Aggregation, AggregationData, ExportError, Float64Measure, Int64Measure, Meter, TagMap, View,
    ViewData, ViewError,
};

fn count_of(data: &ViewData) -> u64 {
    data.rows
        .iter()
        .map(|r| match r.data {
            AggregationData::Count(c) => c,
            _ => 0,
        })
        .sum()
}

#[test]
fn identical_views_built_separately_register_as_a_no_op() {
    let meter = Meter::new();
    let vm = meter.view_manager();
    let m = Float64Measure::new("lifecycle.test/lat", "Latency", "ms").unwrap();
    let dist = || {
        View::new(
            "d",
            "",
            [],
            &m,
            Aggregation::distribution(&[1.0, 5.0]).unwrap(),
        )
        .unwrap()
    };
    vm.register(&dist()).unwrap();
    vm.register(&dist()).unwrap();
    let lv = || View::new("lv", "", [], &m, Aggregation::LastValue).unwrap();
    vm.register(&lv()).unwrap();
    vm.register(&lv()).unwrap();
    assert_eq!(vm.all_views().len(), 2);
    // A different view under a taken name names both.
    let err = vm
        .register(&View::new("d", "", [], &m, Aggregation::distribution(&[2.0]).unwrap()).unwrap())
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("[1.0, 5.0]") && msg.contains("[2.0]"), "{msg}");
    // register_all registers the others and reports the conflict.
    let ok = View::new("other", "", [], &m, Aggregation::Count).unwrap();
    let bad = View::new("lv", "", [], &m, Aggregation::Sum).unwrap();
    assert!(matches!(
        vm.register_all([&bad, &ok]),
        Err(ViewError::Conflict { .. })
    ));
    assert!(vm.find("other").is_some());
}

#[test]
fn unregister_drops_rows_and_reregister_starts_empty() {
    let meter = Meter::new();
    let vm = meter.view_manager();
    let m = Int64Measure::new("lifecycle.test/ops", "", "1").unwrap();
    let v = View::new("ops", "", [], &m, Aggregation::Count).unwrap();
    vm.register(&v).unwrap();
    meter.record_with_tags(&TagMap::new(), &[m.m(1), m.m(1)]);
    let last = vm.unregister("ops").unwrap();
    assert_eq!(count_of(&last), 2);
    assert!(vm.unregister("ops").is_none());
    meter.record_with_tags(&TagMap::new(), &[m.m(1)]); // no view: dropped
    vm.register(&v).unwrap();
    let again = vm.retrieve_data("ops").unwrap();
    assert!(again.rows.is_empty());
    assert!(again.start >= last.start);
}

#[test]
fn bound_handles_follow_view_changes() {
    let meter = Meter::new();
    let vm = meter.view_manager();
    let m = Int64Measure::new("lifecycle.test/bound", "", "1").unwrap();
    let tags = TagMap::from_pairs(&[("k", "v")]).unwrap();
    let bound = meter.bind(&m, &tags);
    let v = View::new(
        "b",
        "",
        [census_sdk::TagKey::new("k").unwrap()],
        &m,
        Aggregation::Count,
    )
    .unwrap();
    vm.register(&v).unwrap();
    bound.record(1);
    bound.clone().record(1);
    assert_eq!(count_of(&vm.retrieve_data("b").unwrap()), 2);
    vm.unregister("b");
    bound.record(1); // must not land in the dropped rows
    vm.register(&v).unwrap();
    bound.record(1);
    assert_eq!(count_of(&vm.retrieve_data("b").unwrap()), 1);
}

#[test]
fn meters_are_isolated() {
    let a = Meter::new();
    let b = Meter::new();
    let m = Int64Measure::new("lifecycle.test/iso", "", "1").unwrap();
    let v = View::new("iso", "", [], &m, Aggregation::Count).unwrap();
    a.view_manager().register(&v).unwrap();
    b.view_manager().register(&v).unwrap();
    a.record_with_tags(&TagMap::new(), &[m.m(1)]);
    a.record_with_tags(&TagMap::new(), &[m.m(1)]);
    b.record_with_tags(&TagMap::new(), &[m.m(1)]);
    assert_eq!(count_of(&a.view_manager().retrieve_data("iso").unwrap()), 2);
    assert_eq!(count_of(&b.view_manager().retrieve_data("iso").unwrap()), 1);
    assert!(census_sdk::find("iso").is_none());
}

#[test]
fn non_finite_values_are_dropped_and_counted() {
    let meter = Meter::new();
    let m = Float64Measure::new("lifecycle.test/nan", "", "1").unwrap();
    meter
        .view_manager()
        .register(&View::new("nan", "", [], &m, Aggregation::Sum).unwrap())
        .unwrap();
    meter.record_with_tags(
        &TagMap::new(),
        &[
            m.m(f64::NAN),
            m.m(f64::INFINITY),
            m.m(2.5),
            m.m(f64::NEG_INFINITY),
        ],
    );
    meter.bind(&m, &TagMap::new()).record(f64::NAN);
    let rows = meter.view_manager().retrieve_data("nan").unwrap().rows;
    assert_eq!(
        rows[0].data,
        AggregationData::Sum(census_sdk::SumData::Float(2.5))
    );
    assert_eq!(meter.stats().non_finite_dropped, 4);
}

#[test]
fn row_limit_keeps_totals_exact_and_counts_overflow() {
    let meter = Meter::new().with_row_limit(3);
    let m = Int64Measure::new("lifecycle.test/limit", "", "1").unwrap();
    let k = census_sdk::TagKey::new("user").unwrap();
    meter
        .view_manager()
        .register(&View::new("limit", "", [k], &m, Aggregation::Count).unwrap())
        .unwrap();
    for i in 0..10 {
        meter.record_with_tags(
            &TagMap::from_pairs(&[("user", &i.to_string())]).unwrap(),
            &[m.m(1)],
        );
    }
    let data = meter.view_manager().retrieve_data("limit").unwrap();
    assert_eq!(data.rows.len(), 4);
    assert_eq!(count_of(&data), 10);
    assert_eq!(meter.stats().overflowed, 7);
}

#[test]
fn reporting_thread_exports_every_period_and_stop_flushes() {
    let meter = Meter::new();
    let vm = meter.view_manager();
    let m = Int64Measure::new("lifecycle.test/report", "", "1").unwrap();
    vm.register(&View::new("report", "", [], &m, Aggregation::Count).unwrap())
        .unwrap();
    let (tx, rx) = mpsc::channel::<u64>();
    let tx = Mutex::new(tx);
    vm.register_exporter(fn_exporter(move |data: &census_sdk::Snapshot| {
        let _ = tx.lock().unwrap().send(count_of(&data[0]));
        Ok(())
    }));
    vm.set_reporting_period(Duration::from_millis(20));
    meter.record_with_tags(&TagMap::new(), &[m.m(1)]);
    meter.start();
    meter.start(); // idempotent
                   // Two periodic exports arrive without any flush call.
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 1);
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 1);
    meter.record_with_tags(&TagMap::new(), &[m.m(1)]);
    meter.stop().unwrap();
    // Drain periodic exports that raced with stop; the last one is stop's flush with count 2.
    let last = rx.try_iter().last().unwrap();
    assert_eq!(last, 2);
    meter.stop().unwrap(); // idempotent: no further export
    assert!(rx.try_recv().is_err());
    assert!(!meter.is_started());
}

#[test]
fn flush_returns_the_first_exporter_error() {
    let meter = Meter::new();
    let vm = meter.view_manager();
    let calls = Arc::new(Mutex::new(0));
    let c = calls.clone();
    vm.register_exporter(fn_exporter(|_: &census_sdk::Snapshot| {
        Err(ExportError::failed("broken", "gateway unreachable"))
    }));
    vm.register_exporter(fn_exporter(move |_: &census_sdk::Snapshot| {
        *c.lock().unwrap() += 1;
        Ok(())
    }));
    let err = meter.flush().unwrap_err();
    assert_eq!(
        err.to_string(),
        "exporter broken failed: gateway unreachable"
    );
    assert_eq!(*calls.lock().unwrap(), 1, "the healthy exporter still ran");
}

#[test]
fn started_meters_lists_default_first_and_started_ones() {
    let meter = Meter::new();
    let m = Int64Measure::new("lifecycle.test/started", "", "1").unwrap();
    meter
        .view_manager()
        .register(&View::new("only_here", "", [], &m, Aggregation::Count).unwrap())
        .unwrap();
    let has = |name: &str| {
        census_sdk::started_meters()
            .iter()
            .any(|mt| mt.view_manager().find(name).is_some())
    };
    assert!(!has("only_here"));
    meter.start();
    assert!(has("only_here"));
    meter.stop().unwrap();
    assert!(!has("only_here"));
    assert!(census_sdk::started_meters()[0].is_started());
}
