//! The same views pushed as text, protobuf-delimited, and each gzipped, are stored identically
//! by the real gateway: counters, float sums, gauges and histograms with tags, escaping included.

mod common;

use census_prometheus::Format;
use census_pushgateway::{Method, Pushgateway};
use census_sdk::{Aggregation, Float64Measure, Int64Measure, Meter, TagKey, TagMap, View};
use census_testkit::Pushgateway as Gateway;
use serde_json::Value;

fn meter() -> Meter {
    let meter = Meter::new();
    let vm = meter.view_manager();
    let lat = Float64Measure::new("fmt.io/latency", "Latency", "ms").unwrap();
    let bytes = Int64Measure::new("fmt.io/bytes", "Bytes", "By").unwrap();
    let method = TagKey::new("method").unwrap();
    let path = TagKey::new("http.path").unwrap();
    let cols = || [method.clone(), path.clone()];
    vm.register(
        &View::new(
            "latency",
            "Request latency, \"quoted\"\nand multi-line",
            cols(),
            &lat,
            Aggregation::distribution(&[1.0, 10.0, 100.0]).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    vm.register(&View::new("latency_ms_total", "", cols(), &lat, Aggregation::Sum).unwrap())
        .unwrap();
    vm.register(&View::new("requests", "Requests", cols(), &lat, Aggregation::Count).unwrap())
        .unwrap();
    vm.register(
        &View::new(
            "last_bytes",
            "Last size",
            [method.clone()],
            &bytes,
            Aggregation::LastValue,
        )
        .unwrap(),
    )
    .unwrap();
    for (m, p, v) in [
        ("GET", "/a", 0.5),
        ("GET", "/a", 50.0),
        ("PUT", "/b \"x\"\\y", 500.0),
        ("GET", "", 5.0),
    ] {
        let tags = TagMap::from_pairs(&[("method", m), ("http.path", p)]).unwrap();
        meter.record_with_tags(&tags, &[lat.m(v), bytes.m(v as i64 * 3)]);
    }
    meter
}

/// The group's families without the per-push and job-specific parts.
fn normalized(group: &Value) -> Value {
    let mut g = group.as_object().unwrap().clone();
    for k in [
        "labels",
        "last_push_successful",
        "push_time_seconds",
        "push_failure_time_seconds",
    ] {
        g.remove(k);
    }
    let mut text = serde_json::to_string(&g).unwrap();
    // Drop the job label and the push time stamps.
    let job = group["labels"]["job"].as_str().unwrap();
    text = text.replace(&format!("\"job\":\"{job}\""), "\"job\":\"J\"");
    let mut v: Value = serde_json::from_str(&text).unwrap();
    for fam in v.as_object_mut().unwrap().values_mut() {
        fam.as_object_mut().unwrap().remove("time_stamp");
    }
    v
}

#[test]
fn text_and_protobuf_bodies_are_read_back_alike() {
    let gw = Gateway::start();
    let meter = meter();
    let cases = [
        ("fmt_text", Format::Text, false),
        ("fmt_text_gz", Format::Text, true),
        ("fmt_proto", Format::ProtobufDelimited, false),
        ("fmt_proto_gz", Format::ProtobufDelimited, true),
    ];
    for (job, format, gzip) in cases {
        let pg = Pushgateway::builder(gw.url(), job)
            .with_meter(meter.clone())
            .with_namespace("app")
            .with_const_label("service", "api")
            .with_format(format)
            .with_gzip(gzip)
            .build()
            .unwrap();
        pg.push_blocking(Method::Put)
            .unwrap_or_else(|e| panic!("{job}: {e}"));
        pg.discard();
    }
    let data = gw.api_metrics();
    let groups: Vec<Value> = cases
        .iter()
        .map(|(job, ..)| normalized(census_testkit::find_group(&data, &[("job", job)]).unwrap()))
        .collect();
    let text = &groups[0];
    for fam in [
        "app_latency",
        "app_latency_ms_total",
        "app_requests",
        "app_last_bytes",
    ] {
        assert!(text.get(fam).is_some(), "{fam} missing: {text:#}");
    }
    assert_eq!(text["app_latency"]["type"], "HISTOGRAM");
    assert_eq!(text["app_requests"]["type"], "COUNTER");
    assert_eq!(text["app_last_bytes"]["type"], "GAUGE");
    for (g, (job, ..)) in groups.iter().zip(cases).skip(1) {
        assert_eq!(g, text, "{job} differs from text:\n{g:#}\nvs\n{text:#}");
    }
    census_testkit::assert_no_parse_errors(&gw.metrics_text());
}
