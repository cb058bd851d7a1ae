//! A real Prometheus scraping the gateway (honor_labels) returns the pushed values, with the
//! job and grouping labels, from its query API.

mod common;

use std::time::Duration;

use census_pushgateway::Pushgateway;
use census_testkit::{Prometheus, Pushgateway as Gateway, ScrapeTarget};
use common::meter_with_jobs;

#[test]
fn prometheus_scrapes_pushed_values() {
    let gw = Gateway::start();
    let pg = Pushgateway::builder(gw.url(), "prom_e2e")
        .with_grouping_label("instance", "box1")
        .with_meter(meter_with_jobs("prom.io/jobs", 17))
        .with_namespace("batch")
        .with_job_outcome_metrics(true)
        .build()
        .unwrap();
    pg.shutdown(Duration::from_secs(5)).unwrap();

    let prom = Prometheus::start(&[ScrapeTarget::pushgateway(&gw)]);
    let got = prom.wait_for("batch_jobs_done", Prometheus::DEFAULT_DEADLINE, |s| {
        s.iter().any(|(_, v)| *v == 17.0)
    });
    let labels = &got[0].0;
    assert_eq!(labels["job"], "prom_e2e");
    assert_eq!(labels["instance"], "box1");
    assert_eq!(labels["kind"], "batch");
    let ok = prom.query("batch_job_last_run_success{job=\"prom_e2e\"}");
    assert_eq!(ok.len(), 1, "{ok:?}");
    assert_eq!(ok[0].1, 1.0);
}
