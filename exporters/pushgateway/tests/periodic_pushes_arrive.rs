//! With an interval, pushes arrive in the background (the first one interval after build), and
//! the final push on shutdown carries the latest values. Time is census-export's manual clock:
//! each `advance` returns once the pushes that fell due have reached the gateway (no sleeps).

mod common;

use std::time::Duration;

use census_export::{Clock, ManualClock};
use census_pushgateway::Pushgateway;
use census_sdk::{Aggregation, Int64Measure, Meter, TagMap, View};
use census_testkit::Pushgateway as Gateway;
use common::single_value;

#[test]
fn periodic_pushes_arrive_and_the_final_push_has_the_latest_values() {
    let gw = Gateway::start();
    let meter = Meter::new();
    let m = Int64Measure::new("periodic.io/steps", "Steps", "1").unwrap();
    meter
        .view_manager()
        .register(&View::new("steps_done", "Steps", [], &m, Aggregation::Sum).unwrap())
        .unwrap();
    let tags = TagMap::new();
    meter.record_with_tags(&tags, &[m.m(1)]);

    let interval = Duration::from_millis(500);
    let clock = ManualClock::new();
    let pg = Pushgateway::builder(gw.url(), "long_job")
        .with_meter(meter.clone())
        .with_interval(interval)
        .with_clock(Clock::Manual(clock.clone()))
        .build()
        .unwrap();
    let key = [("job", "long_job")];
    assert!(
        gw.group(&key).is_none(),
        "no push before the first interval"
    );
    clock.advance(interval - Duration::from_millis(1));
    assert!(
        gw.group(&key).is_none(),
        "no push before the first interval"
    );

    clock.advance(Duration::from_millis(1));
    let first = single_value(&gw, &key, "steps_done").expect("the first periodic push");
    assert!(clock.now() >= interval, "{:?}", clock.now());
    assert_eq!(first, 1.0);

    meter.record_with_tags(&tags, &[m.m(1)]);
    clock.advance(interval);
    assert_eq!(
        single_value(&gw, &key, "steps_done"),
        Some(2.0),
        "a second periodic push"
    );

    meter.record_with_tags(&tags, &[m.m(1)]);
    pg.shutdown(Duration::from_secs(5)).unwrap();
    assert_eq!(single_value(&gw, &key, "steps_done"), Some(3.0));
}
