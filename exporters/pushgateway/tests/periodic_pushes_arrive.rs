//! With an interval, pushes arrive in the background (the first one interval after build), and
//! the final push on shutdown carries the latest values.

mod common;

use std::time::{Duration, Instant};

use census_pushgateway::Pushgateway;
use census_sdk::{Aggregation, Int64Measure, Meter, TagMap, View};
use census_testkit::Pushgateway as Gateway;
use common::{poll, single_value};

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
    let built = Instant::now();
    let pg = Pushgateway::builder(gw.url(), "long_job")
        .with_meter(meter.clone())
        .with_interval(interval)
        .build()
        .unwrap();
    let key = [("job", "long_job")];
    assert!(
        gw.group(&key).is_none(),
        "no push before the first interval"
    );

    let first = poll("the first periodic push", Duration::from_secs(10), || {
        single_value(&gw, &key, "steps_done")
    });
    assert!(built.elapsed() >= interval, "{:?}", built.elapsed());
    assert_eq!(first, 1.0);

    meter.record_with_tags(&tags, &[m.m(1)]);
    poll("a second periodic push", Duration::from_secs(10), || {
        (single_value(&gw, &key, "steps_done") == Some(2.0)).then_some(())
    });

    meter.record_with_tags(&tags, &[m.m(1)]);
    pg.shutdown(Duration::from_secs(5)).unwrap();
    assert_eq!(single_value(&gw, &key, "steps_done"), Some(3.0));
}
