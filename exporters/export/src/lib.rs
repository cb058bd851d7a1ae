//! # census-export: what every census push exporter shares
//!
//! A push exporter (Pushgateway, StatsD, Influx line protocol, remote write, OTLP) writes
//! three things of its own: naming rules with a pure `encode(views) -> body` ([`Encode`]),
//! one send attempt, and a `classify(error) -> `[`Verdict`]. This crate does the rest, and
//! depends on census-sdk only (never on an exporter):
//!
//! - **[`Worker`]**: one thread with its own tokio current-thread runtime that runs a
//!   [`Handler`]'s commands one at a time, in order, and its periodic ticks ([`Schedule`]),
//!   callable from a plain `fn main` and from both tokio flavours (blocking and async calls).
//! - **[`Retrier`]**: retries with exponential backoff and jitter ([`Retry`]) inside an overall
//!   [`Deadline`], the transport classifying each failure (retry, final, retry after a
//!   server-given delay).
//! - **[`Lifecycle`]**: a worker and the rules of its end (one final delivery, whichever of
//!   guard, exit hook, signal or last drop comes first; a failed-run hook).
//! - **[`ExportGuard`]** and **[`Finish`]**: the one guard type of every exporter (finishes on
//!   drop, also during a panic), and **[`exit`]** (feature `exit-hook`): one process-wide
//!   registry, one signal thread, the final push on `std::process::exit`.
//! - **[`Clock`]**: the seam that lets tests move a worker's schedule and an exporter's
//!   stopwatch by hand ([`ManualClock`]) instead of sleeping.
//! - **[`http::HttpSettings`]** (feature `http`): basic auth, bearer, headers, custom CA,
//!   rustls; **[`gzip()`]** (feature `gzip`).
//! - **[`PrintSink`]** / **[`PrintExporter`]**: dry runs that print the exact body.
//! - **[`ViewFilter`]** (allow/deny globs), **[`DeltaTracker`]** (cumulative to delta; a new
//!   view start is a reset), **[`Batches`]** (by rows or bytes), **[`SelfMetrics`]**.
//!
//! ## Features
//! | feature | adds | pulls in |
//! |---|---|---|
//! | (none) | everything above but HTTP, gzip and the exit hook | census-sdk, thiserror, tracing, tokio (`rt`, `sync`, `time`, `macros`) |
//! | `http` | [`http::HttpSettings`], [`http::error_chain`] | reqwest (rustls, no provider), rustls (ring), rustls-platform-verifier, base64 |
//! | `gzip` | [`gzip()`] | flate2 |
//! | `exit-hook` | [`exit`] | signal-hook, libc |
//!
//! ## Who installs what
//! Nothing here installs a signal handler or an exit hook by itself. A push exporter registers
//! with [`exit`] and installs the `std::process::exit` hook when built, and the signal thread
//! only when asked (`with_signal_handling(true)`); the umbrella `census` installs the signal
//! thread only when a push-style exporter is configured. A pull-only app gets no handler.
//!
//! ## Unsafe
//! One function, `exit::register_atexit` (the `atexit` call), with a SAFETY comment; the crate
//! denies `unsafe_code` everywhere else.

#![deny(unsafe_code)]

mod batch;
mod clock;
mod deadline;
mod delta;
mod duration;
mod errors;
#[cfg(feature = "exit-hook")]
pub mod exit;
mod filter;
mod finish;
#[cfg(feature = "gzip")]
mod gzip;
#[cfg(feature = "http")]
pub mod http;
mod lifecycle;
mod lock;
mod print;
mod redact;
mod retry;
mod self_metrics;
mod worker;

pub use batch::{BatchLimit, Batches};
pub use clock::{Clock, ManualClock, Stopwatch};
pub use deadline::Deadline;
pub use delta::{Delta, DeltaRow, DeltaTracker};
pub use duration::{check_duration, DurationError, INTERVAL_RANGE, TIMEOUT_RANGE};
pub use errors::{BoxError, CallError, SpawnError, WorkerError};
pub use filter::ViewFilter;
pub use finish::{Ending, ExportGuard, Finish, FinishError};
#[cfg(feature = "gzip")]
pub use gzip::gzip;
pub use lifecycle::Lifecycle;
pub use print::{Encode, PrintExporter, PrintSink};
pub use redact::redact_url;
pub use retry::{Retrier, Retry, RetryError, Verdict};
pub use self_metrics::{SelfMetrics, EXPORTS, EXPORT_DURATION_SECONDS, SENT_BYTES};
pub use worker::{Handler, Schedule, Worker};
