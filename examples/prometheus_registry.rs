//! A service that already has a `prometheus::Registry` with its own metrics (an `IntCounter`,
//! an `IntGauge`) adds census views to it with `census::prometheus::CensusCollector` (feature
//! `prometheus-registry` of census-prometheus) and serves both on one `/metrics`.
//!
//! ```text
//! cargo run --example prometheus_registry                 # serves http://127.0.0.1:9464/metrics until Ctrl-C
//! CENSUS_PROMETHEUS_ADDR=127.0.0.1:9000 EXAMPLE_ITERATIONS=100 cargo run --example prometheus_registry
//! ```
//! It handles `EXAMPLE_ITERATIONS` requests (default 10) first, then prints the URL as its
//! first stdout line and serves until Ctrl-C. `CENSUS_NAMESPACE` prefixes the census series.

use std::error::Error;
use std::net::SocketAddr;

use census::config::ExporterConfig;
use census::prometheus::{CensusCollector, ExpositionOptions};
use census::Meters;
use census::{units, Aggregation, Float64Measure, TagKey, TagMap, View};
use prometheus::{Encoder as _, IntCounter, IntGauge, Registry, TextEncoder};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

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

    serve(cfg.prometheus_addr, registry).await
}

/// A minimal `/metrics` server (one response per connection) until Ctrl-C.
async fn serve(addr: SocketAddr, registry: Registry) -> Result<(), Box<dyn Error>> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("serving http://{}/metrics", listener.local_addr()?);
    loop {
        let (mut conn, _) = tokio::select! {
            c = listener.accept() => c?,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let registry = registry.clone();
        tokio::spawn(async move {
            let (mut req, mut buf) = (Vec::new(), [0u8; 1024]);
            while !req.ends_with(b"\r\n\r\n") && req.len() < 16 * 1024 {
                match conn.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let (enc, mut body) = (TextEncoder::new(), Vec::new());
            let status = match req.starts_with(b"GET /metrics ") {
                true => enc
                    .encode(&registry.gather(), &mut body)
                    .map_or("500 Error", |_| "200 OK"),
                false => "404 Not Found",
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                enc.format_type(),
                body.len()
            );
            let _ = conn.write_all(&[head.as_bytes(), &body].concat()).await;
        });
    }
}
