//! # census
//!
//! OpenCensus-style stats for Rust: measures, tags and views from [`sdk`] (re-exported at the
//! top level), with a Prometheus pull exporter ([`prometheus`]) and a Pushgateway push exporter
//! ([`pushgateway`]), both on by default.
//!
//! | feature | brings | without it |
//! |---|---|---|
//! | `prometheus` | the `/metrics` server of [`prometheus`] (tokio, hyper) | no server; the encoder, [`stdout`] and [`config`] stay |
//! | `pushgateway` | [`pushgateway`] (reqwest, rustls) | no HTTP client |
//! | `statsd` | [`statsd`] (std UDP sockets) | no StatsD exporter |
//!
//! [`exporter_from_env`] and [`ExporterConfig::start`](config::ExporterConfig::start) exist with
//! any of them; an exporter whose feature is off is a [`config::ConfigError::FeatureDisabled`].

pub mod config;
pub mod influx_config;
pub mod startup;
pub mod stdout;

pub use startup::{exporter_from_env, StartError};

/// The transport-neutral parts of push exporters (worker, retry, exit hook, print sink, …).
pub use census_export as export;
/// The one guard type of every exporter: what [`exporter_from_env`] returns.
pub use census_export::ExportGuard;

pub use census_sdk as sdk;
pub use census_sdk::*;

/// The Influx line protocol exporter (feature `influx`).
#[cfg(feature = "influx")]
pub use census_influx as influx;
pub use census_prometheus as prometheus;
#[cfg(feature = "pushgateway")]
pub use census_pushgateway as pushgateway;
#[cfg(feature = "statsd")]
pub use census_statsd as statsd;
