//! The oracle scenario (`../shared/oracle/README.md`, recordings of `oc_python_oracle.py`)
//! through census gives OpenCensus Go's exposition byte for byte (`tests/data/oc_go_expected.txt`).

use census_prometheus::{encode_text, ExpositionOptions};
use census_sdk::{Aggregation, Float64Measure, Int64Measure, Meter, TagKey, TagMap, View};

const EXPECTED: &str = include_str!("data/oc_go_expected.txt");

/// The tags of one recording.
type Tags = &'static [(&'static str, &'static str)];

/// The oracle's views and recordings, in a private meter.
fn oracle_meter() -> Meter {
    let latency =
        Float64Measure::new("myapp.io/latency", "Request latency in milliseconds", "ms").unwrap();
    let bytes =
        Int64Measure::new("myapp.io/response_bytes", "Response size in bytes", "By").unwrap();
    let columns = || {
        [
            TagKey::new("method").unwrap(),
            TagKey::new("http.status").unwrap(),
        ]
    };
    let views = [
        View::new(
            "request_count",
            "Number of requests",
            columns(),
            &latency,
            Aggregation::Count,
        ),
        View::new(
            "request/latency.ms",
            "Request latency distribution",
            columns(),
            &latency,
            Aggregation::distribution(&[0.0, 10.0, 25.0, 100.0]).unwrap(),
        ),
        View::new(
            "response_bytes_sum",
            "Total response bytes",
            columns(),
            &bytes,
            Aggregation::Sum,
        ),
        View::new(
            "last_response_bytes",
            "Last response size",
            columns(),
            &bytes,
            Aggregation::LastValue,
        ),
    ];
    let meter = Meter::new();
    let vm = meter.view_manager();
    for v in views {
        vm.register(&v.unwrap()).unwrap();
    }
    let records: [(Tags, f64, i64); 9] = [
        (&[("method", "GET"), ("http.status", "200")], 5.0, 100),
        (&[("method", "GET"), ("http.status", "200")], 25.0, 200),
        (&[("method", "POST")], 10.0, 50),
        (&[("method", "GET"), ("http.status", "500")], 150.0, 0),
        (&[("method", "GET"), ("http.status", "200")], -3.0, 10),
        (&[], 0.5, 7),
        (&[("method", "POST")], 99.5, 75),
        (&[("method", "GET"), ("http.status", "200")], 0.1, 300),
        (&[("method", "GET"), ("http.status", "200")], 0.2, 400),
    ];
    for (tags, ms, n) in records {
        let tags = TagMap::from_pairs(tags).unwrap();
        meter.record_with_tags(&tags, &[latency.m(ms), bytes.m(n)]);
    }
    meter
}

#[test]
fn oracle_scenario_gives_opencensus_go_text_byte_for_byte() {
    let meter = oracle_meter();
    let opts = ExpositionOptions::new().with_namespace("myapp").unwrap();
    let mut out = Vec::new();
    let report = encode_text(&meter.snapshot(), &opts, &mut out);
    let text = String::from_utf8(out).unwrap();
    if text != EXPECTED {
        for (i, (got, want)) in text.lines().zip(EXPECTED.lines()).enumerate() {
            assert_eq!(got, want, "first difference at line {}", i + 1);
        }
        assert_eq!(text, EXPECTED, "same lines, different length or line ends");
    }
    assert!(report.is_complete(), "{:?}", report.skipped);
    assert_eq!((report.families, report.series), (4, 16));
}
