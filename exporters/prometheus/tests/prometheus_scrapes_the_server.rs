//! A real Prometheus (Debian package `prometheus`, started on a free loopback port) scrapes our
//! server in text format and in OpenMetrics, and its query API returns the recorded values.
#![cfg(feature = "server")]

mod common;

use census_prometheus::{ExpositionOptions, Meters, PrometheusExporter, Server, ServerHandle};
use census_testkit::{Prometheus, Sample, ScrapeTarget};
use common::oracle_meter;

fn serve(namespace: &str, openmetrics: bool) -> ServerHandle {
    let exporter = PrometheusExporter::builder()
        .with_options(ExpositionOptions::new().with_namespace(namespace).unwrap())
        .with_meters(Meters::Only(vec![oracle_meter()]))
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
    let prom = Prometheus::start(&[
        ScrapeTarget::new("text", text.local_addr().to_string(), "/metrics", false),
        ScrapeTarget::new(
            "openmetrics",
            om.local_addr().to_string(),
            "/metrics",
            false,
        ),
    ]);

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
    // Both scrapes were complete: 12 scalar series + 4 histogram rows × 6 samples.
    for job in ["text", "openmetrics"] {
        expect(
            &prom,
            &format!("scrape_samples_scraped{{job=\"{job}\"}}"),
            36.0,
        );
    }
    drop(prom);
    text.shutdown().unwrap();
    om.shutdown().unwrap();
}
