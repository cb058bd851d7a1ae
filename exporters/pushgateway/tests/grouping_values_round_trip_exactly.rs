//! Job and grouping-label values with `/`, spaces, `+`, `%`, unicode, dot segments and empty
//! values reach the real gateway exactly as given (read back via `/api/v1/metrics`).
//!
//! Each value gets its own job, so an empty-valued label is never mixed with its absence
//! (the gateway then rejects pushes and fails `/metrics`).

mod common;

use census_pushgateway::{Method, Pushgateway};
use census_testkit::Pushgateway as Gateway;
use common::meter_with_jobs;

const VALUES: &[&str] = &[
    "/var/tmp/backup",
    "a b",
    "a+b",
    "100%",
    "Προμηθεύς ☃",
    ".",
    "..",
    "",
    "a?b#c&d=e",
    "trailing/",
    "plain-value_1.0~x",
];

#[test]
fn grouping_values_round_trip_exactly() {
    let gw = Gateway::start();
    let meter = meter_with_jobs("round.io/jobs", 3);
    for (i, value) in VALUES.iter().enumerate() {
        let job = format!("round_trip_{i}");
        let pg = Pushgateway::builder(gw.url(), job.clone())
            .with_grouping_label("v", *value)
            .with_meter(meter.clone())
            .build()
            .unwrap();
        assert!(
            !pg.url().contains("//metrics") && !pg.url()[8..].contains("//"),
            "{}",
            pg.url()
        );
        pg.push_blocking(Method::Put)
            .unwrap_or_else(|e| panic!("value {value:?}: {e}"));
        let key = [("job", job.as_str()), ("v", *value)];
        let series = gw.values(&key, "jobs_done");
        assert_eq!(series.len(), 1, "value {value:?}: {:#}", gw.api_metrics());
        assert_eq!(series[0].0["v"], *value);
        assert_eq!(series[0].1, 3.0);
        pg.discard();
    }
}

#[test]
fn job_names_with_unsafe_characters_round_trip() {
    let gw = Gateway::start();
    let meter = meter_with_jobs("round.io/job_names", 4);
    for job in ["batch/nightly", "with space", "ünïcode", ".."] {
        let pg = Pushgateway::builder(gw.url(), job)
            .with_meter(meter.clone())
            .build()
            .unwrap();
        pg.push_blocking(Method::Put)
            .unwrap_or_else(|e| panic!("job {job:?}: {e}"));
        assert_eq!(
            gw.values(&[("job", job)], "jobs_done")[0].1,
            4.0,
            "job {job:?}"
        );
        pg.discard();
    }
}
