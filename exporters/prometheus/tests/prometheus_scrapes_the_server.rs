//! A real Prometheus (Debian package `prometheus`, started on a free loopback port) scrapes our
//! server in text format and in OpenMetrics, and its query API returns the recorded values
//! (and, for OpenMetrics, the exemplar of a traced recording).
#![cfg(feature = "server")]

mod common;

use std::time::Duration;

use census_prometheus::{ExpositionOptions, PrometheusExporter, Server, ServerHandle};
use census_sdk::Meters;
use census_sdk::{Attachments, Float64Measure, TagMap};
use census_testkit::{http, poll_every, Prometheus, Sample, ScrapeTarget};
use common::oracle_meter;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

fn serve(namespace: &str, openmetrics: bool) -> ServerHandle {
    let meter = oracle_meter();
    if openmetrics {
        // One traced request, for an exemplar on a bucket (a row of its own: method=OPTIONS).
        let latency =
            Float64Measure::new("myapp.io/latency", "Request latency in milliseconds", "ms")
                .unwrap();
        let tags = TagMap::from_pairs(&[("method", "OPTIONS")]).unwrap();
        let att = Attachments::new()
            .with("trace_id", TRACE_ID)
            .with("span_id", "00f067aa0ba902b7");
        meter.record_with_attachments(&tags, &att, &[latency.m(12.5)]);
    }
    let exporter = PrometheusExporter::builder()
        .with_options(ExpositionOptions::new().with_namespace(namespace).unwrap())
        .with_meters(Meters::Only(vec![meter]))
        .with_openmetrics(openmetrics)
        .build()
        .unwrap();
    Server::builder()
        .with_exporter(exporter)
        .with_address("127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap()
        .start()
        .unwrap()
}

fn one_value(samples: &[Sample]) -> Option<f64> {
    match samples {
        [(_, v)] => Some(*v),
        _ => None,
    }
}

/// Waits for `promql` to have exactly one sample equal to `want`.
fn expect(prom: &Prometheus, promql: &str, want: f64) {
    prom.wait_for(promql, Prometheus::DEFAULT_DEADLINE, |s| {
        one_value(s) == Some(want)
    });
}

#[test]
fn prometheus_reads_counter_gauge_and_histogram_quantile_in_both_formats() {
    let text = serve("myapp", false);
    let om = serve("myappom", true);
    let targets = [
        ScrapeTarget::new("text", text.local_addr().to_string(), "/metrics", false),
        ScrapeTarget::new(
            "openmetrics",
            om.local_addr().to_string(),
            "/metrics",
            false,
        ),
    ];
    let prom = Prometheus::start_with_args(&targets, &["--enable-feature=exemplar-storage"]);

    let get = "{method=\"GET\",http_status=\"200\"}";
    // Text format 0.0.4: Go's names.
    expect(&prom, &format!("myapp_request_count{get}"), 5.0);
    expect(&prom, &format!("myapp_last_response_bytes{get}"), 400.0);
    expect(&prom, &format!("myapp_response_bytes_sum{get}"), 1010.0);
    // GET/200 buckets le=10: 4, le=25: 4, le=100: 5 of 5: the median (rank 2.5) is 10 × 2.5 / 4.
    // POST buckets le=25: 1, le=100: 2 of 2: rank 1.8 is 25 + 75 × 0.8.
    expect(
        &prom,
        &format!("histogram_quantile(0.5, myapp_request_latency_ms_bucket{get})"),
        6.25,
    );
    expect(
        &prom,
        "histogram_quantile(0.9, myapp_request_latency_ms_bucket{method=\"POST\",http_status=\"\"})",
        85.0,
    );

    // OpenMetrics: counters get `_total`, the histogram still answers quantiles.
    expect(&prom, &format!("myappom_request_count_total{get}"), 5.0);
    expect(&prom, &format!("myappom_last_response_bytes{get}"), 400.0);
    expect(
        &prom,
        &format!("histogram_quantile(0.5, myappom_request_latency_ms_bucket{get})"),
        6.25,
    );

    let targets = prom.wait_for_targets_up(Prometheus::DEFAULT_DEADLINE);
    assert_eq!(targets.len(), 2);
    for t in &targets {
        assert_eq!(t.health, "up", "{t:?}");
        assert_eq!(t.last_error, "", "{t:?}");
    }
    // The exemplar of the traced request reached Prometheus's exemplar storage.
    let exemplar = wait_for_exemplar(&prom, "myappom_request_latency_ms_bucket");
    assert_eq!(exemplar["labels"]["trace_id"], TRACE_ID, "{exemplar}");
    assert_eq!(exemplar["value"], "12.5", "{exemplar}");

    // Every scrape was complete: 12 scalar series + 4 histogram rows × 6 samples (text);
    // OpenMetrics has the traced row too: 1 count + 6 histogram samples more.
    expect(&prom, "scrape_samples_scraped{job=\"openmetrics\"}", 43.0);
    expect(&prom, "scrape_samples_scraped{job=\"text\"}", 36.0);
    drop(prom);
    text.shutdown().unwrap();
    om.shutdown().unwrap();
}

/// Polls `/api/v1/query_exemplars` for `metric` until one exemplar is there; returns it.
fn wait_for_exemplar(prom: &Prometheus, metric: &str) -> serde_json::Value {
    let mut last = String::new();
    let url = format!(
        "{}/api/v1/query_exemplars?query={metric}&start=0&end=4102444800",
        prom.url()
    );
    let found = poll_every(
        Prometheus::DEFAULT_DEADLINE,
        Duration::from_millis(200),
        || {
            let r = http::get(&url).unwrap();
            let json = r.json().unwrap_or_default();
            let exemplar = json["data"][0]["exemplars"].get(0).cloned();
            last = r.text();
            exemplar
        },
    );
    if let Some(e) = found {
        return e;
    }
    let own = http::get(&format!("{}/metrics", prom.url()))
        .unwrap()
        .text();
    let counters: Vec<&str> = own
        .lines()
        .filter(|l| l.starts_with("prometheus_tsdb_exemplar"))
        .collect();
    panic!("no exemplar for {metric} within the deadline; last answer: {last}; {counters:?}");
}
