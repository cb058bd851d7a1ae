//! # census-pushgateway: push census views to a Prometheus Pushgateway
//!
//! Short jobs (cron jobs, CI steps, migrations) end before any scraper sees them, so they push
//! their metrics to a [Pushgateway](https://github.com/prometheus/pushgateway). This crate does
//! that for a census [`Meter`](census_sdk::Meter), and makes sure a job's last metrics are
//! pushed however it ends: normally, by an early return, by a panic, or by SIGTERM/SIGINT.
//!
//! The pieces, in the order data flows through them: a **meter** ([`PushgatewayBuilder::with_meter`]
//! or the default one); the **body**, census-prometheus's text or protobuf writer
//! ([`census_prometheus::Format`]); the **group**, a [`GroupingKey`] as the exact URL path (a
//! view carrying `job` or a grouping label is refused: [`PushError::ReservedLabel`]); the
//! **request**, [`Pushgateway::push`]`(`[`Method`]`)`, retried inside a deadline ([`Retry`]); and
//! the **end of the job**: one final push or delete however it ends, bounded by the deadline.
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
//! Also: periodic pushes ([`PushgatewayBuilder::with_interval`]), delete on shutdown, job
//! outcome gauges, basic auth / bearer / headers, HTTPS with a custom CA, print mode
//! ([`PushgatewayBuilder::with_print_to_stdout`]), and an [`census_sdk::Exporter`] impl.
//!
//! **Threads and hooks** are census-export's ([`census_export::Lifecycle`]): one worker thread
//! with its own runtime per exporter (so every method works in a plain `fn main` and in both
//! tokio flavours; recording is never affected), registration with the exit hook at `build()`,
//! and the one signal thread only with [`PushgatewayBuilder::with_signal_handling`].
//!
//! ## Pushgateway behaviour worth knowing
//! - `PUT` replaces the whole group; `POST` replaces only the families it carries.
//! - An empty grouping label and the same label absent are two groups ([`GroupingKey`]).
//! - The gateway keeps groups until they are deleted ([`PushgatewayBuilder::with_delete_on_shutdown`]).

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
