//! Test helpers for census and for authors of census exporters: the **real** metric peers
//! on loopback, a scripted fake HTTP peer for what the real ones cannot be made to do, the
//! OpenCensus oracle scenario, and a reader for the text exposition. `publish = false`: add it
//! as a path dev-dependency (`census-testkit.workspace = true` inside this workspace).
//!
//! What is here, for an exporter's tests:
//!
//! * **Real peers** (check output against the actual tools, not mocks):
//!   [`Pushgateway`] — a `prometheus-pushgateway` process (memory only, admin and lifecycle
//!   APIs on) with read-backs ([`Pushgateway::api_metrics`], [`Pushgateway::values`],
//!   [`Pushgateway::metrics_text`]); [`Prometheus`] — a `prometheus` server scraping
//!   [`ScrapeTarget`]s every second, with [`Prometheus::query`] and the polling
//!   [`Prometheus::wait_for`]; [`promtool_check_metrics`] / [`assert_no_parse_errors`] /
//!   [`assert_lint_clean`] — `promtool check metrics` on an exposition; [`Statsd`] — Etsy
//!   statsd 0.9.0 (npm, on node) with its admin read-backs ([`Statsd::counters`],
//!   [`Statsd::gauges`]) and optional repeater.
//!   [`assert_lint_clean`] — `promtool check metrics` on an exposition;
//!   [`VictoriaMetrics`] — `victoria-metrics` with its Influx line protocol (HTTP `/write`,
//!   TCP+UDP listener) and graphite listeners, read back through `/internal/force_flush` and
//!   `/api/v1/export` ([`VictoriaMetrics::wait_export`]); [`InfluxDb`] — `influxd` 1.x with
//!   its databases created, HTTP `/write?db=` and one `[[udp]]` listener, read back with
//!   InfluxQL ([`InfluxDb::select`], [`InfluxDb::wait_select`]).
//! * **A fake HTTP peer**, [`fake::FakeHttp`], for failure modes: scripted [`fake::Reply`]s
//!   (any status and body, headers such as `Retry-After`, a delay, a connection reset, a
//!   clean close, a hang) and the recorded [`fake::Request`]s (method, path, headers, body,
//!   arrival time) to check what a client sent, its retries and their spacing.
//! * **The oracle scenario**, [`oracle`]: the measures, views and recordings OpenCensus
//!   Python and Go were run with ([`oracle::Oracle::recorded`]), and Go's Prometheus text for
//!   it ([`oracle::GO_TEXT`]).
//! * **An exposition reader for tests**, [`exposition`]: sample lines of text 0.0.4 and
//!   OpenMetrics (labels unescaped, timestamps, exemplars), [`exposition::sample`] for one
//!   series, [`exposition::values`] for one metric. Not a validator: promtool is.
//! * **Plumbing**: [`http`] (a tiny HTTP/1.0 client for loopback requests), [`poll`] /
//!   [`poll_every`] (wait for a condition with a deadline instead of sleeping),
//!   [`free_port`], [`TempDir`].
//!
//! An in-memory exporter (what the meter handed an exporter) is in census-sdk, feature
//! `testing`: `census_sdk::testing::InMemoryExporter`.
//!
//! # Real peers
//!
//! Every process listens on `127.0.0.1:<free port>`, lives in its own temp
//! dir (log file included), is polled until ready (never a fixed sleep) and
//! is stopped by PID on drop (SIGTERM, then SIGKILL). If a test process dies
//! without unwinding, a small `sh` watchdog still SIGTERMs its peers.
//!
//! # Requirements
//!
//! The binaries come from the Debian packages `prometheus-pushgateway`,
//! `prometheus` (which also ships `promtool`), `victoria-metrics` and `influxdb`; `scripts/install-peers`
//! installs them. When a binary is missing the helpers **panic** with that
//! hint — tests never pass silently without their peer. The environment
//! variables [`PUSHGATEWAY_BIN_ENV`], [`PROMETHEUS_BIN_ENV`] and
//! [`PROMTOOL_BIN_ENV`] point at other binaries; `CENSUS_TESTKIT_KEEP=1`
//! keeps the temp dirs (logs, configs, TSDB) for debugging.
//!
//! # Example
//!
//! ```no_run
//! use census_testkit::{http, Prometheus, Pushgateway, ScrapeTarget};
//!
//! let gw = Pushgateway::start();
//! let body = "# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total 7\n";
//! let resp = http::put(&format!("{}/metrics/job/batch", gw.url()), body.as_bytes()).unwrap();
//! assert_eq!(resp.status, 200, "{}", resp.text());
//! assert_eq!(gw.values(&[("job", "batch")], "jobs_total")[0].1, 7.0);
//!
//! let prom = Prometheus::start(&[ScrapeTarget::pushgateway(&gw)]);
//! // The first scrape happens ~5-6 s after start: poll, with a deadline.
//! prom.wait_for("jobs_total{job=\"batch\"}", Prometheus::DEFAULT_DEADLINE, |s| {
//!     s.iter().any(|(_, v)| *v == 7.0)
//! });
//!
//! census_testkit::assert_no_parse_errors(&gw.metrics_text());
//! ```
//!
//! Peers take real time to start (a Pushgateway ~20 ms, Prometheus ~0.1 s
//! plus ~5 s until its first scrape), so share one per test where you can.

use std::collections::BTreeMap;

pub mod exposition;
pub mod fake;
pub mod http;
mod influxdb;
pub mod oracle;
mod peer;
mod polling;
pub mod process;
mod prometheus;
mod promtool;
mod pushgateway;
mod statsd;
mod victoria_metrics;

pub use influxdb::{InfluxDb, InfluxSeries, INFLUXD_BIN_ENV};
pub use peer::{free_port, TempDir, KEEP_ENV};
pub use polling::{poll, poll_every, POLL_INTERVAL};
pub use prometheus::{Prometheus, ScrapeTarget, TargetHealth, PROMETHEUS_BIN_ENV};
pub use promtool::{
    assert_lint_clean, assert_no_parse_errors, promtool_check_metrics, PromtoolResult,
    PROMTOOL_BIN_ENV,
};
pub use pushgateway::{family_values, find_group, Pushgateway, PUSHGATEWAY_BIN_ENV};
pub use statsd::{Statsd, StatsdOptions, NODE_BIN_ENV, STATSD_DIR_ENV};
pub use victoria_metrics::{ExportedSeries, VictoriaMetrics, VICTORIA_METRICS_BIN_ENV};

/// One series: its labels and its value.
pub type Sample = (BTreeMap<String, String>, f64);

/// A JSON object of label names to string values (Prometheus and Pushgateway API answers)
/// as a map; anything else is an empty map.
pub(crate) fn json_labels(v: &serde_json::Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}
