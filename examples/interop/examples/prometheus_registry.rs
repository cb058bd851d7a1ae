//! A service that already has a `prometheus::Registry` with its own metrics (an `IntCounter`,
//! an `IntGauge`) adds census views to it with `census::prometheus::CensusCollector` (feature
//! `prometheus-registry` of census-prometheus) and serves both on one `/metrics`.
//!
//! ```text
//! cargo run -p census-interop-examples --example prometheus_registry                 # serves http://127.0.0.1:9464/metrics until Ctrl-C
//! CENSUS_PROMETHEUS_ADDR=127.0.0.1:9000 EXAMPLE_ITERATIONS=100 cargo run -p census-interop-examples --example prometheus_registry
//! ```
//! It handles `EXAMPLE_ITERATIONS` requests (default 10) first, then prints the URL as its
//! first stdout line and serves until Ctrl-C. `CENSUS_NAMESPACE` prefixes the census series.

mod common;

use std::error::Error;

use census::config::ExporterConfig;
use census::prometheus::{CensusCollector, ExpositionOptions};
use census::Meters;
use census::{units, Aggregation, Float64Measure, TagKey, TagMap, View};
use prometheus::{IntCounter, IntGauge, Registry};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let cfg = ExporterConfig::from_env()?.resolve()?; // CENSUS_PROMETHEUS_ADDR, CENSUS_NAMESPACE
    let iterations: u64 = std::env::var("EXAMPLE_ITERATIONS").map_or(Ok(10), |v| v.parse())?;

    // The service's existing metrics.
    let registry = Registry::new();
    let requests = IntCounter::new("app_requests_total", "Requests handled")?;
    let in_flight = IntGauge::new("app_in_flight", "Requests in flight")?;
    registry.register(Box::new(requests.clone()))?;
    registry.register(Box::new(in_flight.clone()))?;

    // census views, read from every started meter (the default one included) on each gather.
    let opts =
        ExpositionOptions::new().with_namespace(cfg.namespace.as_deref().unwrap_or("svc"))?;
    registry.register(Box::new(CensusCollector::new(Meters::Started, opts)))?;
    let latency = Float64Measure::new("svc/latency", "Request latency", units::MILLISECONDS)?;
    let method = TagKey::new("method")?;
    let dist = Aggregation::distribution(&[10.0, 50.0, 100.0])?;
    for (name, agg) in [("requests", Aggregation::Count), ("latency_ms", dist)] {
        let view = View::new(name, "By method", [method.clone()], &latency, agg)?;
        census::register(&view)?;
    }

    for i in 0..iterations {
        in_flight.inc();
        let m = if i % 2 == 0 { "GET" } else { "POST" };
        let ms = (i % 4) as f64 * 20.0 + 5.0; // 5, 25, 45, 65, 5, ...
        census::record_with_tags(&TagMap::from_pairs(&[("method", m)])?, &[latency.m(ms)]);
        requests.inc();
        in_flight.dec();
    }
    in_flight.set(1); // the one that stays open

    common::serve(cfg.prometheus_addr, registry).await
}
