//! # census-prometheus: census views as Prometheus metrics
//!
//! Exposes the views of census meters in the Prometheus text format, byte for byte as
//! OpenCensus Go's Prometheus exporter did, so an app ported from OpenCensus keeps its series
//! and dashboards.
//!
//! The pieces, in the order data flows through them:
//!
//! 1. **Snapshots** — [`census_sdk::Meter::snapshot`] gives `Vec<ViewData>`; the snapshots of
//!    several meters can be concatenated.
//! 2. **[`naming`]** — view names and tag keys become metric and label names with OpenCensus
//!    Go's [`naming::sanitize`], prefixed by the namespace of the [`ExpositionOptions`].
//! 3. **[`Encoder`]** — pure, reusable: `&[ViewData]` in, text format 0.0.4 bytes out
//!    ([`encode_text`]), with an [`EncodeReport`] naming any view it had to leave out.
//!
//! ```
//! use census_prometheus::{encode_text, ExpositionOptions};
//! use census_sdk::{Aggregation, Float64Measure, Meter, TagKey, TagMap, View};
//!
//! let meter = Meter::new();
//! let latency = Float64Measure::new("doc.io/crate_latency", "Request latency", "ms").unwrap();
//! let view = View::new(
//!     "request/latency.ms",
//!     "",
//!     [TagKey::new("method").unwrap()],
//!     &latency,
//!     Aggregation::distribution(&[10.0, 100.0]).unwrap(),
//! )
//! .unwrap();
//! meter.view_manager().register(&view).unwrap();
//! let get = TagMap::from_pairs(&[("method", "GET")]).unwrap();
//! meter.record_with_tags(&get, &[latency.m(5.0), latency.m(50.0), latency.m(0.1)]);
//!
//! let opts = ExpositionOptions::new().with_namespace("myapp").unwrap();
//! let mut out = Vec::new();
//! encode_text(&meter.snapshot(), &opts, &mut out);
//! assert_eq!(String::from_utf8(out).unwrap(), "\
//! ## HELP myapp_request_latency_ms Request latency
//! ## TYPE myapp_request_latency_ms histogram
//! myapp_request_latency_ms_bucket{method=\"GET\",le=\"10\"} 2
//! myapp_request_latency_ms_bucket{method=\"GET\",le=\"100\"} 3
//! myapp_request_latency_ms_bucket{method=\"GET\",le=\"+Inf\"} 3
//! myapp_request_latency_ms_sum{method=\"GET\"} 55.1
//! myapp_request_latency_ms_count{method=\"GET\"} 3
//! ");
//! ```
//!
//! ## The exposition (OpenCensus Go's)
//! - Metric name: `namespace + "_" + sanitize(view name)` (just the sanitised name without a
//!   namespace); label names: the sanitised tag keys; a tag the recording lacked gives
//!   `label=""`.
//! - Types: Count and Sum → `counter`, LastValue → `gauge`, Distribution → `histogram` with
//!   cumulative `_bucket`s ending in `le="+Inf"`, `_sum` (= mean × count, as Go) and `_count`.
//! - HELP is the view description (`\` and newline escaped); one HELP/TYPE per family.
//! - Families sorted by name, series sorted byte-wise by label values, labels sorted by name
//!   with `le` last; numbers as Go's `strconv.FormatFloat(v, 'g', -1, 64)` (`4`, `0.5`,
//!   `27.300000000000004`, `1e+06`, `+Inf`, `NaN`), counts included; no timestamps.
//! - Views without rows are absent.
//!
//! ## Where census differs from OpenCensus Go, on purpose
//! - An invalid namespace is a [`ConfigError`] when the options are built; Go silently exports
//!   nothing.
//! - Two views whose names collide (`a.b` and `a_b`; a histogram `x` and a counter `x_count`),
//!   a tag key that becomes `le` on a histogram, or two labels with the same name (two tag keys
//!   sanitising alike, or a tag key and a constant label) never produce invalid output: the
//!   offending view is left out, reported as an [`EncodeError`] in the [`EncodeReport`], and
//!   the rest is served. Go answers the whole scrape with HTTP 500, or (for `le`) emits a
//!   duplicate label. Of two colliding views the first in input order is kept.
//!
//! ## Apps ported from OpenCensus Python
//! OpenCensus Python's exporter (opencensus-ext-prometheus 0.2.1 on prometheus_client) printed
//! the same scenario differently; census keeps Go's form, and offers switches for the
//! differences that change series names:
//!
//! | OpenCensus Python | census (Go) | switch |
//! | --- | --- | --- |
//! | counters named `x_total` | `x` | [`ExpositionOptions::with_counter_total_suffix`] |
//! | Sum views `untyped` | `counter` | [`ExpositionOptions::with_sum_as_untyped`] |
//! | HELP/TYPE repeated for every row (rejected by strict parsers, e.g. the Pushgateway's) | once per family | — |
//! | `le` as the user wrote the bound (`le="25.0"` for a float, `le="10"` for an int) | Go's shortest form (`le="25"`) | — |
//! | values as Python floats (`4.0`) | Go's form (`4`) | — |
//! | `le` sorted among the other labels | `le` last | — |
//! | `_count` before `_sum` | `_sum` before `_count` | — |
//! | a batch of measurements with a negative value dropped whole (with a warning) | recorded, as Go | — |
//! | families in first-export order, rows in first-recorded order | sorted | — |
//! | namespace sanitised with the name (`my.app` → `my_app_…`) | namespace validated | — |
//!
//! [`ExpositionOptions::with_python_compat`] turns on both switches. Label order, number
//! formatting and sample order do not change series identity in Prometheus; the `le` values of
//! float bounds (`25.0` vs `25`) do, and are not reproduced.
//!
//! ## Features
//! - `server` (default): the `/metrics` HTTP server (in progress).
//!
//! ## MSRV
//! The `rust-version` of the workspace; raising it is a minor-version change.

pub mod encode;
pub mod naming;

#[cfg(feature = "prometheus-registry")]
mod collector;
mod error;
mod exporter;
mod meters;
mod negotiate;
mod options;
mod self_metrics;
#[cfg(feature = "server")]
mod server;

#[cfg(feature = "prometheus-registry")]
pub use collector::CensusCollector;
pub use encode::{encode_text, EncodeReport, Encoder, Format};
#[cfg(feature = "server")]
pub use error::ServeError;
pub use error::{BuildError, ConfigError, EncodeError};
pub use exporter::{
    ExporterBuilder, PrometheusExporter, Scrape, ScrapePermit, DEFAULT_MAX_CONCURRENT_SCRAPES,
};
pub use meters::Meters;
pub use negotiate::{accepts_gzip, negotiate_format};
pub use options::ExpositionOptions;
#[cfg(feature = "server")]
pub use server::{
    BoundServer, MetricsService, Server, ServerBuilder, ServerHandle, DEFAULT_ADDRESS,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_PATH, DEFAULT_SHUTDOWN_TIMEOUT,
};
