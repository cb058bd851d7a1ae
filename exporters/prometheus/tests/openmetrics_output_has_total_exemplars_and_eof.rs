//! OpenMetrics 1.0.0 output: `_total` counters, `unknown` for untyped, exemplars from
//! attachments on histogram buckets, `# EOF`.

mod common;

use std::time::{Duration, UNIX_EPOCH};

use census_prometheus::{Encoder, ExpositionOptions};
use census_sdk::{Aggregation, Attachments, Float64Measure, Meter, View};
use common::{keys, oracle_meter, register, tags};

const EXPECTED: &str = include_str!("data/oracle_openmetrics.txt");

fn openmetrics(meter: &Meter, opts: ExpositionOptions) -> String {
    let mut out = Vec::new();
    let report = Encoder::new(opts).encode_openmetrics(&meter.snapshot(), &mut out);
    assert!(report.is_complete(), "{:?}", report.skipped);
    String::from_utf8(out).unwrap()
}

#[test]
fn oracle_scenario_in_openmetrics() {
    let opts = ExpositionOptions::new().with_namespace("myapp").unwrap();
    assert_eq!(openmetrics(&oracle_meter(), opts), EXPECTED);
}

#[test]
fn untyped_sums_are_unknown_and_total_suffixes_are_not_doubled() {
    let opts = ExpositionOptions::new()
        .with_namespace("myapp")
        .unwrap()
        .with_python_compat();
    let out = openmetrics(&oracle_meter(), opts);
    assert!(
        out.contains("# TYPE myapp_response_bytes_sum unknown\n"),
        "{out}"
    );
    assert!(
        out.contains("# TYPE myapp_request_count counter\n"),
        "{out}"
    );
    assert!(out.contains("\nmyapp_request_count_total{http_status=\"200\",method=\"GET\"} 5.0\n"));
    assert!(out.ends_with("# EOF\n"));
}

#[test]
fn bucket_exemplars_come_from_attachments() {
    let meter = Meter::new();
    let m = Float64Measure::new("om.test/latency", "Latency", "ms").unwrap();
    register(
        &meter,
        View::new(
            "lat",
            "",
            keys(&["route"]),
            &m,
            Aggregation::distribution(&[10.0]).unwrap(),
        ),
    );
    let route = tags(&[("route", "/a")]);
    let att = Attachments::new()
        .with("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")
        .with("span_id", "00f067aa0ba902b7")
        .with("tag:not-a-label", "dropped");
    meter.record_with_attachments(&route, &att, &[m.m(3.5)]);
    meter.record_with_tags(&route, &[m.m(50.0)]);

    let mut data = meter.snapshot().to_vec();
    // Pin the exemplar time so the text is exact.
    let census_sdk::AggregationData::Distribution(d) = &mut data[0].rows[0].data else {
        panic!("distribution expected")
    };
    d.exemplars[0].as_mut().unwrap().timestamp =
        UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
    let mut out = Vec::new();
    Encoder::new(ExpositionOptions::new()).encode_openmetrics(&data, &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "# HELP lat Latency\n# TYPE lat histogram\n\
         lat_bucket{route=\"/a\",le=\"10.0\"} 1 # {trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\",span_id=\"00f067aa0ba902b7\"} 3.5 1.70000000025e+09\n\
         lat_bucket{route=\"/a\",le=\"+Inf\"} 2\n\
         lat_sum{route=\"/a\"} 53.5\nlat_count{route=\"/a\"} 2\n# EOF\n"
    );
}

#[test]
fn exemplar_labels_stay_within_128_characters() {
    let meter = Meter::new();
    let m = Float64Measure::new("om.test/long", "", "ms").unwrap();
    register(
        &meter,
        View::new(
            "long",
            "",
            [],
            &m,
            Aggregation::distribution(&[10.0]).unwrap(),
        ),
    );
    let att = Attachments::new()
        .with("trace_id", "t".repeat(100))
        .with("span_id", "s".repeat(30))
        .with("zone", "z");
    meter.record_with_attachments(&tags(&[]), &att, &[m.m(1.0)]);
    let mut out = Vec::new();
    Encoder::new(ExpositionOptions::new()).encode_openmetrics(&meter.snapshot(), &mut out);
    let text = String::from_utf8(out).unwrap();
    let line = text.lines().find(|l| l.contains("le=\"10.0\"")).unwrap();
    // trace_id (108 characters) fits, span_id (37 more) does not, zone (5 more) does.
    assert!(
        line.contains(&format!(
            "# {{trace_id=\"{}\",zone=\"z\"}} 1.0 ",
            "t".repeat(100)
        )),
        "{line}"
    );
}
