//! Migrating to OpenTelemetry: the service keeps its census views (series unchanged for the
//! dashboards) and records the same traffic into OTel instruments. Both go into one
//! `prometheus::Registry` (census via `census::prometheus::CensusCollector`, OTel via
//! `opentelemetry-prometheus` 0.33) served on one `/metrics`.
//!
//! ```text
//! cargo run -p census-interop-examples --example otel_migration     # serves http://127.0.0.1:9464/metrics until Ctrl-C
//! CENSUS_PROMETHEUS_ADDR=127.0.0.1:9000 EXAMPLE_ITERATIONS=100 cargo run -p census-interop-examples --example otel_migration
//! ```
//! Records `EXAMPLE_ITERATIONS` checkouts (default 10), prints the URL as its first stdout line,
//! serves until Ctrl-C. Series: census `svc_*` (`CENSUS_NAMESPACE`), OTel `otel_*`.
//! OTel gotchas: always pass the registry (else a private one nobody serves); `without_units()`
//! (else `ms` adds `_milliseconds`, unit `1` adds `_ratio`); counters get `_total`. OTel buckets
//! are `(lo, hi]`, census's `[lo, hi)`: a value exactly on a bound lands differently.

mod common;

use std::error::Error;

use census::config::ExporterConfig;
use census::prometheus::{CensusCollector, ExpositionOptions};
use census::Meters;
use census::{units, Aggregation, Float64Measure, TagKey, TagMap, View};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::KeyValue;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use prometheus::Registry;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let cfg = ExporterConfig::from_env()?.resolve()?; // CENSUS_PROMETHEUS_ADDR, CENSUS_NAMESPACE
    let iterations: u64 = std::env::var("EXAMPLE_ITERATIONS").map_or(Ok(10), |v| v.parse())?;
    let registry = Registry::new();

    // census, as before the migration.
    let opts =
        ExpositionOptions::new().with_namespace(cfg.namespace.as_deref().unwrap_or("svc"))?;
    registry.register(Box::new(CensusCollector::new(Meters::Started, opts)))?;
    let latency = Float64Measure::new("svc/checkout_ms", "Checkout latency", units::MILLISECONDS)?;
    let (region, bounds) = (TagKey::new("region")?, [10.0, 50.0, 100.0]);
    let dist = Aggregation::distribution(&bounds)?;
    let views = [
        ("checkouts", Aggregation::Count),
        ("checkout_latency", dist),
    ];
    for (name, agg) in views {
        let view = View::new(name, "By region", [region.clone()], &latency, agg)?;
        census::register(&view)?;
    }

    // OpenTelemetry, into the same registry.
    let exporter = opentelemetry_prometheus::exporter()
        .with_registry(registry.clone())
        .with_namespace("otel")
        .without_units()
        .without_target_info()
        .scope_info_enabled(false)
        .build()?;
    let provider = SdkMeterProvider::builder().with_reader(exporter).build();
    let meter = provider.meter("checkout");
    let checkouts = meter
        .u64_counter("checkouts")
        .with_description("Checkouts")
        .build();
    let otel_latency = meter
        .f64_histogram("checkout_latency")
        .with_description("Latency")
        .with_unit("ms")
        .with_boundaries(bounds.to_vec())
        .build();

    for i in 0..iterations {
        let r = if i % 3 == 0 { "us" } else { "eu" };
        let ms = (i % 4) as f64 * 20.0 + 5.0; // 5, 25, 45, 65, 5, ...: never on a bound
        census::record_with_tags(&TagMap::from_pairs(&[("region", r)])?, &[latency.m(ms)]);
        let attrs = [KeyValue::new("region", r)];
        checkouts.add(1, &attrs);
        otel_latency.record(ms, &attrs);
    }

    common::serve(cfg.prometheus_addr, registry).await?;
    provider.shutdown()?;
    Ok(())
}
