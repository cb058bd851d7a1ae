//! The job outcome gauges: a successful run pushes its duration, success and last-success
//! time; a failed run pushes failure and keeps the last success time from before. The run's
//! duration is measured on census-export's manual clock, so it is exact.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use census_export::{Clock, ManualClock};
use census_pushgateway::Pushgateway;
use census_testkit::Pushgateway as Gateway;
use common::{meter_with_jobs, single_value};

#[test]
fn a_failed_run_keeps_the_last_success_time() {
    let gw = Gateway::start();
    let key = [("job", "outcome"), ("instance", "x")];
    let clock = ManualClock::new();
    let run = |value: i64, fail: bool| {
        let pg = Pushgateway::builder(gw.url(), "outcome")
            .with_grouping_label("instance", "x")
            .with_meter(meter_with_jobs(&format!("outcome.io/run{value}"), value))
            .with_job_outcome_metrics(true)
            .with_clock(Clock::Manual(clock.clone()))
            .build()
            .unwrap();
        clock.advance(Duration::from_millis(2500)); // the job's work
        if fail {
            pg.mark_failed();
        }
        pg.shutdown(Duration::from_secs(5)).unwrap();
    };

    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    run(1, false);
    let success_time = single_value(&gw, &key, "job_last_success_timestamp_seconds").unwrap();
    assert!(
        success_time >= before.floor() && success_time < before + 60.0,
        "{success_time}"
    );
    assert_eq!(single_value(&gw, &key, "job_last_run_success"), Some(1.0));
    let duration = single_value(&gw, &key, "job_duration_seconds").unwrap();
    assert!((0.0..60.0).contains(&duration), "{duration}");
    assert_eq!(duration, 2.5, "the manual clock moved 2.5 s during the run");

    run(2, true);
    assert_eq!(single_value(&gw, &key, "job_last_run_success"), Some(0.0));
    assert_eq!(single_value(&gw, &key, "jobs_done"), Some(2.0));
    assert_eq!(
        single_value(&gw, &key, "job_last_success_timestamp_seconds"),
        Some(success_time),
        "the failed run kept the last success"
    );

    run(3, false);
    assert!(single_value(&gw, &key, "job_last_success_timestamp_seconds").unwrap() >= success_time);
    assert_eq!(single_value(&gw, &key, "job_last_run_success"), Some(1.0));
}
