//! Shared test setup: the oracle scenario of `../shared/oracle/README.md` (the views and
//! recordings of `oc_python_oracle.py`), in a private meter.

#![allow(dead_code)]

use census_sdk::{Aggregation, Float64Measure, Int64Measure, Meter, TagKey, TagMap, View};

/// The tags of one recording.
type Tags = &'static [(&'static str, &'static str)];

/// The oracle's views and recordings, in a private meter.
pub fn oracle_meter() -> Meter {
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

/// Encodes `data` as text 0.0.4, returning the text and the report.
pub fn text(
    data: &[census_sdk::ViewData],
    opts: &census_prometheus::ExpositionOptions,
) -> (String, census_prometheus::EncodeReport) {
    let mut out = Vec::new();
    let report = census_prometheus::encode_text(data, opts, &mut out);
    (String::from_utf8(out).unwrap(), report)
}

/// Registers `view` in `meter`, panicking on a conflict.
pub fn register(meter: &Meter, view: Result<View, census_sdk::ViewError>) {
    meter.view_manager().register(&view.unwrap()).unwrap();
}

/// Tag keys from names.
pub fn keys(names: &[&str]) -> Vec<TagKey> {
    names.iter().map(|n| TagKey::new(n).unwrap()).collect()
}

/// A tag map from pairs.
pub fn tags(pairs: &[(&str, &str)]) -> TagMap {
    TagMap::from_pairs(pairs).unwrap()
}

/// The oracle scenario served by a server on a free loopback port (own thread and runtime).
#[cfg(feature = "server")]
pub fn oracle_server(
    configure: impl FnOnce(census_prometheus::ExporterBuilder) -> census_prometheus::ExporterBuilder,
    path: &str,
) -> census_prometheus::ServerHandle {
    let exporter = configure(
        census_prometheus::PrometheusExporter::builder()
            .with_options(
                census_prometheus::ExpositionOptions::new()
                    .with_namespace("myapp")
                    .unwrap(),
            )
            .with_meters(census_sdk::Meters::Only(vec![oracle_meter()])),
    )
    .build()
    .unwrap();
    census_prometheus::Server::builder()
        .with_exporter(exporter)
        .with_address("127.0.0.1:0".parse().unwrap())
        .with_path(path)
        .build()
        .unwrap()
        .start()
        .unwrap()
}

/// The Go oracle text.
pub const GO_EXPECTED: &str = include_str!("../data/oc_go_expected.txt");
