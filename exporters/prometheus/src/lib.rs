//! # census-prometheus: census views as Prometheus metrics
//!
//! Exposes the views of census meters in the Prometheus text format, byte for byte as
//! OpenCensus Go's Prometheus exporter did, so an app ported from OpenCensus keeps its series
//! and dashboards; serves them on `/metrics`.
//!
//! ```no_run
//! # #[cfg(feature = "server")] {
//! // Serve every started meter (the default one included) on http://127.0.0.1:9464/metrics.
//! let server = census_prometheus::Server::builder().build()?.start()?;
//! println!("metrics at {}", server.url());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The pieces, in the order data flows through them:
//!
//! 1. **[`Meters`](census_sdk::Meters)** — which meters a scrape reads: every started meter (default, as
//!    OpenCensus Go) or a chosen list; their snapshots (`Vec<ViewData>`) are concatenated.
//! 2. **[`naming`]** — view names and tag keys become metric and label names with OpenCensus
//!    Go's [`naming::sanitize`], prefixed by the namespace of the [`ExpositionOptions`].
//! 3. **[`model`]** — the Prometheus data model of the snapshot, derived once: families
//!    (name, help, type, label names) with their series in order, and a skip report naming
//!    any view that would make the exposition invalid ([`EncodeError::view`]).
//! 4. **[`Encoder`]** — pure, reusable: `&[ViewData]` in, the model written as text format
//!    0.0.4 ([`encode_text`]), OpenMetrics or protobuf-delimited `MetricFamily` bytes out
//!    ([`Format`]), with an [`EncodeReport`]. No I/O and no timestamps, so the Pushgateway
//!    exporter pushes the same bytes.
//! 5. **[`PrometheusExporter`]** — one scrape = snapshot + encode, with content negotiation,
//!    a bound on concurrent scrapes and optional self-metrics; transport-free.
//! 6. **Transports** — the `Server` (feature `server`), the `MetricsService` to mount in
//!    your own hyper or axum app, or `CensusCollector` (feature `prometheus-registry`) inside
//!    an existing `prometheus::Registry`.
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
//!   `label=""`; constant labels are sorted in among them.
//! - Types: Count and Sum → `counter`, LastValue → `gauge`, Distribution → `histogram` with
//!   cumulative `_bucket`s ending in `le="+Inf"`, `_sum` (= mean × count, as Go) and `_count`.
//! - HELP is the view description (`\` and newline escaped); one HELP/TYPE per family.
//! - Families sorted by name, series sorted byte-wise by label values, labels sorted by name
//!   with `le` last; numbers as Go's `strconv.FormatFloat(v, 'g', -1, 64)` (`4`, `0.5`,
//!   `27.300000000000004`, `1e+06`, `+Inf`, `NaN`), counts included (Go stores them as
//!   float64); no timestamps. The number formatting is checked against Go's own output on
//!   5,015 values (`tests/data/go_format_float.txt`).
//! - Views without rows are absent.
//!
//! `tests/oracle_go_text_matches.rs` runs the scenario of the OpenCensus oracle through census
//! and compares with OpenCensus Go's output byte for byte.
//!
//! ## Where census differs from OpenCensus Go, on purpose
//! - An invalid namespace is a [`ConfigError`] when the options are built; Go silently exports
//!   nothing.
//! - Two views whose names collide (`a.b` and `a_b`; a histogram `x` and a counter `x_count`),
//!   a tag key that becomes `le` on a histogram, or two labels with the same name (two tag keys
//!   sanitising alike, or a tag key and a constant label) never produce invalid output: the
//!   offending view is left out, reported as an [`EncodeError`] in the [`EncodeReport`] (and
//!   logged through `tracing` by the exporter when the set of skipped views changes), and the
//!   rest is served. Go answers the whole scrape with HTTP 500, or (for `le`) emits a
//!   duplicate label. Of two colliding views the first in input order is kept (the default
//!   meter's first, then by view name); a view without rows still claims its name.
//!
//! ## OpenMetrics: available, off by default
//! [`ExporterBuilder::with_openmetrics`] lets scrapers that prefer it (Prometheus does) get
//! OpenMetrics 1.0.0: exemplars on histogram buckets (from recording attachments: `trace_id`
//! and `span_id` first, within OpenMetrics' 128-character limit) and a final `# EOF`. It is
//! off because it changes series an app ported from OpenCensus already has: inside
//! Prometheus, OpenMetrics counters are named `x_total` (a counter that was `x` becomes a new
//! series `x_total`), and bucket bounds are written `le="10.0"` where text wrote `le="10"`
//! (Prometheus 2 stores them as different series). Turn it on for new apps, or when
//! dashboards are ready for the new names. Text format 0.0.4 stays the default; without
//! OpenMetrics every scrape gets text, whatever it asks for.
//!
//! ## Serving
//! - `Server`: `GET` and `HEAD` on the path (`DEFAULT_PATH` `/metrics`, configurable),
//!   404 elsewhere, 405 (with `Allow`) for other methods, gzip when the scraper accepts it,
//!   503 (with `Retry-After`) beyond [`DEFAULT_MAX_CONCURRENT_SCRAPES`] concurrent scrapes,
//!   graceful shutdown (open scrapes finish, up to `DEFAULT_SHUTDOWN_TIMEOUT`, 5 s).
//! - Slow and idle clients cannot lock scrapers out: a request head must arrive within
//!   `DEFAULT_HEADER_READ_TIMEOUT` (5 s), a connection with nothing to answer is closed after
//!   `DEFAULT_IDLE_TIMEOUT` (90 s), and at `DEFAULT_MAX_CONNECTIONS` (64) a new connection
//!   closes the one that waited longest with nothing to answer. Scrape concurrency is limited
//!   separately. Each is settable on `ServerBuilder`.
//! - The default address `DEFAULT_ADDRESS` is `127.0.0.1:9464`: OpenTelemetry's Prometheus
//!   port, reachable from this host only. For a Prometheus on another host, bind all
//!   interfaces: `Server::builder().with_address("0.0.0.0:9464".parse()?)`.
//! - Async apps: `Server::bind` then `BoundServer::serve_with_shutdown`; apps without a
//!   runtime: `Server::start` runs it on its own thread (`ServerHandle`).
//! - Your own hyper or axum app: mount `MetricsService` (a hyper `Service`, or call
//!   `MetricsService::respond` from a handler).
//! - Self-metrics ([`ExporterBuilder::with_self_metrics`], off by default): scrape count by
//!   format, scrape duration histogram, and scrape errors (skipped views, refused scrapes).
//!
//! ## Inside a `prometheus::Registry`
//! With feature `prometheus-registry`, `CensusCollector` implements
//! `prometheus::core::Collector`: each gather maps the [`model`] of the current snapshots to
//! `MetricFamily`s, so names, labels, series order and skipping rules are the same. The text is
//! then the `prometheus` crate's (its own number formatting; Sum views asked to be untyped
//! become gauges, since that crate's `TextEncoder` panics on untyped; the `+Inf` bucket is left
//! for it to add, as it prints an explicit one as `le="inf"`).
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
//! | `le` as the user wrote the bound (`le="25.0"` for a float, `le="10"` for an int) | Go's shortest form (`le="25"`) | [`ExpositionOptions::with_python_numbers`] + [`ExpositionOptions::with_python_bounds`] |
//! | values as Python floats (`4.0`) | Go's form (`4`) | [`ExpositionOptions::with_python_numbers`] |
//! | `le` sorted among the other labels | `le` last | [`ExpositionOptions::with_python_numbers`] |
//! | `_count` before `_sum` | `_sum` before `_count` | [`ExpositionOptions::with_python_numbers`] |
//! | a batch of measurements with a negative value dropped whole (with a warning) | recorded, as Go | — |
//! | families in first-export order, rows in first-recorded order | sorted | — |
//! | namespace sanitised with the name (`my.app` → `my_app_…`) | namespace validated | — |
//!
//! [`ExpositionOptions::with_python_compat`] turns on the two naming switches; add
//! [`ExpositionOptions::with_python_numbers`] (and [`ExpositionOptions::with_python_bounds`]
//! for views whose Python bounds were ints) and the sample lines of the oracle scenario are
//! Python's byte for byte (`tests/oracle_python_sample_lines_match.rs`). That matters: the `le`
//! values (`25.0` vs `25`) are part of a series' identity, so without it a ported app's
//! histogram series change and its dashboards and alerts break.
//!
//! ## `promtool check metrics`
//! Every output parses (`tests/promtool_parses_our_output.rs`, promtool 2.42). Its lint
//! findings on Go's names for the oracle scenario, kept because they are the names ported apps
//! have: counters without `_total` (`myapp_request_count`, `myapp_response_bytes_sum`),
//! non-histogram names ending in `_count`/`_sum`, and the abbreviated unit in
//! `myapp_request_latency_ms`. With [`ExpositionOptions::with_python_compat`] only the unit
//! finding remains.
//!
//! ## Performance
//! Encoding 10,000 series takes ~1.4 ms, about 5.7× less than the `prometheus` crate's
//! `TextEncoder` on the same series; a reused [`Encoder`] allocates ~2.7 KB per encoding
//! (names and label layouts), whatever the number of series. `benches/README.md` has the
//! measurements (100,000 series: ~3.4×, bound by memory).
//!
//! ## Features
//! - `server` (default): `Server` and `MetricsService` (tokio, hyper 1, flate2).
//! - `prometheus-registry`: `CensusCollector` (the `prometheus` crate).
//!
//! Without features the crate is the pure encoder plus [`PrometheusExporter`].
//!
//! ## MSRV
//! The `rust-version` of the workspace; raising it is a minor-version change.

pub mod encode;
pub mod model;
pub mod naming;
mod python;

#[cfg(feature = "prometheus-registry")]
mod collector;
mod error;
mod escape;
mod exporter;
mod format;
mod negotiate;
mod options;
mod self_metrics;
#[cfg(feature = "server")]
mod server;

#[cfg(feature = "prometheus-registry")]
pub use collector::CensusCollector;
pub use encode::{encode_text, EncodeReport, Encoder};
#[cfg(feature = "server")]
pub use error::ServeError;
pub use error::{BuildError, ConfigError, EncodeError};
pub use exporter::{
    ExporterBuilder, PrometheusExporter, Scrape, ScrapePermit, DEFAULT_MAX_CONCURRENT_SCRAPES,
};
pub use format::Format;
pub use negotiate::{accepts_gzip, negotiate_format};
pub use options::ExpositionOptions;
#[cfg(feature = "server")]
pub use server::{
    BoundServer, MetricsService, Server, ServerBuilder, ServerHandle, DEFAULT_ADDRESS,
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_PATH,
    DEFAULT_SHUTDOWN_TIMEOUT,
};
