//! # census
//!
//! OpenCensus-style stats for Rust: measures, tags and views from [`sdk`] (re-exported at the
//! top level), with a Prometheus pull exporter ([`prometheus`]) and a Pushgateway push exporter
//! ([`pushgateway`]) behind features of the same names (both on by default).

pub mod config;
#[cfg(all(feature = "prometheus", feature = "pushgateway"))]
pub mod startup;
#[cfg(feature = "prometheus")]
pub mod stdout;

#[cfg(all(feature = "prometheus", feature = "pushgateway"))]
pub use startup::{exporter_from_env, StartError};

/// The transport-neutral parts of push exporters (worker, retry, exit hook, print sink, …).
pub use census_export as export;
/// The one guard type of every exporter: what [`exporter_from_env`] returns.
pub use census_export::ExportGuard;

pub use census_sdk as sdk;
pub use census_sdk::*;

#[cfg(feature = "prometheus")]
pub use census_prometheus as prometheus;
#[cfg(feature = "pushgateway")]
pub use census_pushgateway as pushgateway;
