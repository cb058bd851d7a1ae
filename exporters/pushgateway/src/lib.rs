//! # census-pushgateway: push census views to a Prometheus Pushgateway
//!
//! Short jobs (cron jobs, CI steps, migrations) end before any scraper sees them, so they push
//! their metrics to a [Pushgateway](https://github.com/prometheus/pushgateway). This crate does
//! that for a census [`Meter`](census_sdk::Meter), and makes sure a job's last metrics are
//! pushed however it ends: normally, by an early return, by a panic, or by SIGTERM/SIGINT.
//!
//! The pieces, in the order data flows through them:
//!
//! 1. **A meter** — the default one, or an isolated [`census_sdk::Meter`]
//!    ([`PushgatewayBuilder::with_meter`]).
//! 2. **The body** — census-prometheus's text 0.0.4 exposition, the very code the pull
//!    exporter serves (namespace and constant labels through the same options), or
//!    protobuf-delimited `MetricFamily` messages ([`census_prometheus::Format`]); optionally gzipped.
//! 3. **The group** — a [`GroupingKey`] (job plus labels) turned into the exact URL path the
//!    gateway expects (`@base64` where needed, never `//`, never `+` for a space). A view
//!    carrying `job` or a grouping label is refused before anything is sent
//!    ([`PushError::ReservedLabel`]).
//! 4. **The request** — [`Pushgateway::push`]`(`[`Method`]`)`: `PUT`/`POST`/`DELETE`,
//!    retried with backoff and jitter ([`Retry`]) inside an overall deadline; 200 and 202 are
//!    success, anything else is a [`PushError::Status`] with the gateway's message.
//! 5. **The end of the job** — [`Pushgateway::shutdown`], [`Pushgateway::guard`] (push on drop,
//!    even while panicking), the last handle's drop, `std::process::exit`, and optional signal
//!    handling all do one final push (or a delete), bounded by the deadline.
//!
//! ```no_run
//! use census_pushgateway::Pushgateway;
//! use census_sdk::{self as census, Aggregation, Int64Measure, TagKey, TagMap, View};
//!
//! fn main() -> std::process::ExitCode {
//!     let rows = Int64Measure::new("example.com/rows", "Rows copied", "1").unwrap();
//!     let view = View::new("rows_copied", "", [TagKey::new("table").unwrap()], &rows, Aggregation::Sum)
//!         .unwrap();
//!     census::register(&view).unwrap();
//!
//!     let pg = Pushgateway::builder("http://127.0.0.1:9091", "nightly_copy")
//!         .with_grouping_label("instance", "db-1")
//!         .with_job_outcome_metrics(true)
//!         .with_signal_handling(true)
//!         .build()
//!         .expect("valid pushgateway configuration");
//!     let guard = pg.guard(); // pushes on drop, even during a panic, and on process::exit
//!
//!     census::record_with_tags(&TagMap::from_pairs(&[("table", "users")]).unwrap(), &[rows.m(1200)]);
//!
//!     match guard.finish() {
//!         Ok(()) => std::process::ExitCode::SUCCESS,
//!         Err(e) => {
//!             eprintln!("final push failed: {e}");
//!             std::process::ExitCode::FAILURE
//!         }
//!     }
//! }
//! ```
//!
//! Also: periodic pushes for long jobs ([`PushgatewayBuilder::with_interval`]), delete on
//! shutdown, job outcome gauges ([`PushgatewayBuilder::with_job_outcome_metrics`]), basic
//! auth / bearer token / extra headers, HTTPS with a custom CA, print mode
//! ([`PushgatewayBuilder::with_print_to_stdout`]) that writes the exact body instead of
//! sending it, and an [`census_sdk::Exporter`] implementation so a meter's reporting thread
//! can feed the exporter instead.
//!
//! ## Threads, runtimes and the exit hook
//! The transport-neutral parts are census-export's: each exporter owns one worker thread
//! running a tokio current-thread runtime (every request runs there, one at a time; blocking
//! methods wait on a channel with a timeout, async methods await a oneshot, so it works in a
//! plain `fn main` and inside both tokio flavours), the retry loop, the HTTP client settings,
//! the guard ([`census_export::ExportGuard`]) and the exit hook. `build()` registers the
//! exporter with census-export's process-wide exit registry and its `std::process::exit` hook;
//! the one SIGTERM/SIGINT thread is installed only with
//! [`PushgatewayBuilder::with_signal_handling`]. Recording is never affected: pushes read a
//! snapshot of the meter.
//!
//! ## Pushgateway behaviour worth knowing
//! - `PUT` replaces the whole group; `POST` replaces only the families it carries.
//! - A grouping label with an empty value and the same label absent are two groups exposing
//!   the same series; once both exist the gateway rejects every push. Push a job always with
//!   the same label names.
//! - The gateway keeps groups until they are deleted ([`PushgatewayBuilder::with_delete_on_shutdown`]).
//!
//! ## MSRV
//! The `rust-version` of the workspace.

mod body;
mod builder;
mod error;
mod exporter;
mod format;
mod grouping;
mod outcome;
mod send;

pub use builder::{PushgatewayBuilder, DEFAULT_TIMEOUT};
pub use error::{BuildError, PushError};
pub use exporter::Pushgateway;
pub use format::Method;
pub use grouping::GroupingKey;
pub use outcome::{JOB_DURATION_SECONDS, JOB_LAST_RUN_SUCCESS, JOB_LAST_SUCCESS_TIMESTAMP_SECONDS};

/// How failed attempts are retried inside the deadline (census-export's policy): transport
/// failures, `5xx` and `429` answers are retried; other answers are final.
pub use census_export::Retry;

/// The naming options shared with the pull exporter (namespace, constant labels, …).
pub use census_prometheus::ExpositionOptions;
