//! Every option of `ExpositionOptions`, seen in the output.

mod common;

use census_prometheus::{ConfigError, ExpositionOptions};
use census_sdk::{Aggregation, Int64Measure, Meter, View};
use common::{keys, oracle_meter, register, tags, text};

#[test]
fn without_a_namespace_names_are_the_sanitised_view_names() {
    let (out, report) = text(&oracle_meter().snapshot(), &ExpositionOptions::new());
    assert!(report.is_complete());
    assert!(out.starts_with("# HELP last_response_bytes Last response size\n"));
    assert!(out.contains("\nrequest_latency_ms_bucket{http_status=\"\",method=\"\",le=\"10\"} 1\n"));
    assert!(!out.contains("myapp"));
}

#[test]
fn const_labels_are_sorted_among_the_tag_labels() {
    // oc_go_probes.txt: `myapp_last_response_bytes{http_status="",method="",service="svc"} 7`
    let opts = ExpositionOptions::new()
        .with_namespace("myapp")
        .unwrap()
        .with_const_label("service", "svc")
        .unwrap()
        .with_const_label("a_zone", "eu\n\"1\"")
        .unwrap();
    let (out, _) = text(&oracle_meter().snapshot(), &opts);
    assert!(out.contains(
        "\nmyapp_last_response_bytes{a_zone=\"eu\\n\\\"1\\\"\",http_status=\"\",method=\"\",service=\"svc\"} 7\n"
    ));
    assert!(out.contains(
        "\nmyapp_request_latency_ms_bucket{a_zone=\"eu\\n\\\"1\\\"\",http_status=\"\",method=\"POST\",service=\"svc\",le=\"+Inf\"} 2\n"
    ));
}

#[test]
fn counter_total_suffix_renames_counters_only() {
    let opts = ExpositionOptions::new()
        .with_namespace("myapp")
        .unwrap()
        .with_counter_total_suffix(true);
    let (out, _) = text(&oracle_meter().snapshot(), &opts);
    assert!(out.contains(
        "# HELP myapp_request_count_total Number of requests\n# TYPE myapp_request_count_total counter\n"
    ));
    assert!(out.contains("\nmyapp_request_count_total{http_status=\"200\",method=\"GET\"} 5\n"));
    assert!(out.contains("# TYPE myapp_response_bytes_sum_total counter\n"));
    assert!(out.contains("# TYPE myapp_last_response_bytes gauge\n"));
    assert!(out.contains("# TYPE myapp_request_latency_ms histogram\n"));
}

#[test]
fn python_compat_gives_python_series_names() {
    // oc_python_expected.txt: myapp_request_count_total (counter), myapp_response_bytes_sum
    // (untyped).
    let opts = ExpositionOptions::new()
        .with_namespace("myapp")
        .unwrap()
        .with_python_compat();
    let (out, _) = text(&oracle_meter().snapshot(), &opts);
    let types: Vec<&str> = out.lines().filter(|l| l.starts_with("# TYPE")).collect();
    assert_eq!(
        types,
        [
            "# TYPE myapp_last_response_bytes gauge",
            "# TYPE myapp_request_count_total counter",
            "# TYPE myapp_request_latency_ms histogram",
            "# TYPE myapp_response_bytes_sum untyped",
        ]
    );
}

#[test]
fn a_name_already_ending_in_total_gets_no_second_suffix() {
    let meter = Meter::new();
    let m = Int64Measure::new("opts.test/total", "", "1").unwrap();
    register(
        &meter,
        View::new("jobs_total", "Jobs", keys(&[]), &m, Aggregation::Count),
    );
    meter.record_with_tags(&tags(&[]), &[m.m(1)]);
    let opts = ExpositionOptions::new().with_counter_total_suffix(true);
    let (out, _) = text(&meter.snapshot(), &opts);
    assert_eq!(
        out,
        "# HELP jobs_total Jobs\n# TYPE jobs_total counter\njobs_total 1\n"
    );
}

#[test]
fn invalid_options_are_typed_errors_naming_the_value() {
    let e = ExpositionOptions::new().with_namespace("9ns").unwrap_err();
    assert_eq!(
        e,
        ConfigError::InvalidNamespace {
            namespace: "9ns".into()
        }
    );
    assert!(e.to_string().contains("\"9ns\""));
    let e = ExpositionOptions::new()
        .with_const_label("bad-name", "v")
        .unwrap_err();
    assert!(e.to_string().contains("\"bad-name\""), "{e}");
    let e = ExpositionOptions::new()
        .with_const_label("le", "v")
        .unwrap_err();
    assert_eq!(e, ConfigError::ReservedLabelName { name: "le".into() });
}
