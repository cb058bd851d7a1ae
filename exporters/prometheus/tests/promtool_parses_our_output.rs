//! `promtool check metrics` (the real one, Debian package `prometheus`) parses every output we
//! produce; its lint findings are pinned here and documented in the crate docs.

mod common;

use census_prometheus::{Encoder, ExpositionOptions, Format, PrometheusExporter};
use census_sdk::Meters;
use census_sdk::{Aggregation, Int64Measure, Meter, View};
use census_testkit::{assert_no_parse_errors, promtool_check_metrics};
use common::{keys, oracle_meter, register, tags, text, GO_EXPECTED};

#[test]
fn the_go_oracle_text_parses_with_only_naming_lint() {
    let r = assert_no_parse_errors(GO_EXPECTED);
    assert_eq!(
        r.findings(),
        [
            "myapp_request_count counter metrics should have \"_total\" suffix",
            "myapp_request_count non-histogram and non-summary metrics should not have \"_count\" suffix",
            "myapp_request_latency_ms metric names should not contain abbreviated units",
            "myapp_response_bytes_sum counter metrics should have \"_total\" suffix",
            "myapp_response_bytes_sum non-histogram and non-summary metrics should not have \"_sum\" suffix",
        ],
        "{}",
        r.stderr
    );
}

#[test]
fn python_compat_text_satisfies_the_total_lint() {
    let opts = ExpositionOptions::new()
        .with_namespace("myapp")
        .unwrap()
        .with_python_compat();
    let (out, _) = text(&oracle_meter().snapshot(), &opts);
    let r = assert_no_parse_errors(&out);
    assert_eq!(
        r.findings(),
        ["myapp_request_latency_ms metric names should not contain abbreviated units"],
        "{}",
        r.stderr
    );
}

#[test]
fn output_with_skipped_views_constant_labels_and_escapes_still_parses() {
    let meter = Meter::new();
    let m = Int64Measure::new("promtool.test/m", "with \\ and\nnewline", "1").unwrap();
    register(
        &meter,
        View::new("p.x", "", keys(&["le"]), &m, Aggregation::Count),
    );
    register(&meter, View::new("p_x", "", [], &m, Aggregation::Sum));
    register(
        &meter,
        View::new(
            "p_h",
            "",
            keys(&["le"]),
            &m,
            Aggregation::distribution(&[1.0]).unwrap(),
        ),
    );
    register(
        &meter,
        View::new("p_dup", "", keys(&["a.b", "a_b"]), &m, Aggregation::Count),
    );
    register(
        &meter,
        View::new("p_q", "", keys(&["v"]), &m, Aggregation::LastValue),
    );
    meter.record_with_tags(
        &tags(&[("le", "1"), ("a.b", "x"), ("v", "quote\" back\\")]),
        &[m.m(2)],
    );
    let opts = ExpositionOptions::new()
        .with_const_label("zone", "eu\n1")
        .unwrap();
    let (out, report) = text(&meter.snapshot(), &opts);
    assert_eq!(report.skipped.len(), 3, "{:?}", report.skipped);
    assert_no_parse_errors(&out);
}

#[test]
fn openmetrics_and_self_metrics_output_parse() {
    let mut om = Vec::new();
    Encoder::new(ExpositionOptions::new().with_namespace("myapp").unwrap()).encode(
        &oracle_meter().snapshot(),
        Format::OpenMetrics,
        &mut om,
    );
    let r = promtool_check_metrics(&String::from_utf8(om).unwrap());
    assert!(!r.is_parse_error(), "{}", r.stderr);

    let exporter = PrometheusExporter::builder()
        .with_meters(Meters::Only(vec![oracle_meter()]))
        .with_self_metrics(true)
        .build()
        .unwrap();
    exporter.scrape(Format::Text);
    let body = exporter.scrape(Format::Text).body;
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("census_prometheus_scrapes"));
    assert_no_parse_errors(&text);
}
