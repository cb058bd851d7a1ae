//! Shared test setup: the oracle scenario of `../shared/oracle/README.md` (from
//! `census_testkit::oracle`), encoding and small view fixtures.

#![allow(dead_code, unused_imports)]

use census_sdk::{Meter, TagKey, TagMap, View};

/// The oracle's views and recordings, in a private meter (census-testkit's oracle scenario).
pub use census_testkit::oracle::meter as oracle_meter;

/// The Go oracle text.
pub use census_testkit::oracle::GO_TEXT as GO_EXPECTED;

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
