//! [`BuildError`] (the configuration is wrong) and [`InfluxError`] (an export failed).

use std::time::Duration;

use census_export::{SpawnError, WorkerError};
use thiserror::Error;

/// The accepted URL forms, as error messages list them.
pub const ACCEPTED_URLS: &str = "http(s)://host:port/write[?db=…] (VictoriaMetrics, InfluxDB 1.x; \
     user and password as u=/p= or http://user:password@host), \
     http(s)://host:port/api/v2/write?org=…&bucket=… (InfluxDB 2.x, with a token), \
     or udp://host:port";

/// The configuration is wrong; nothing was started.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The URL is not one of the accepted forms (secrets redacted).
    #[error("invalid Influx URL {url:?}: {reason}; accepted: {ACCEPTED_URLS}")]
    InvalidUrl {
        /// The URL, `p=`/token and user-info password redacted.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// A limit is zero.
    #[error("{what} must be at least 1 (got {value})")]
    InvalidLimit {
        /// Which limit.
        what: &'static str,
        /// The value given.
        value: usize,
    },
    /// A namespace or constant label is invalid (census-prometheus's naming rules).
    #[error("invalid naming option: {0}")]
    Naming(#[source] census_prometheus::ConfigError),
    /// The HTTP client settings are wrong (header, certificate, two kinds of credentials).
    #[error(transparent)]
    Http(#[from] census_export::http::HttpError),
    /// The token cannot be sent as a header.
    #[error("the Influx token must be visible ASCII")]
    InvalidToken,
    /// The worker thread or the exit hook could not start.
    #[error(transparent)]
    Spawn(#[from] SpawnError),
}

/// An export failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum InfluxError {
    /// InfluxDB wrote the good lines of a request and refused the rest (400 "partial write"):
    /// its message names the first bad line.
    #[error("{url} refused part of batch {batch} of {batches} (HTTP {status}): {message}")]
    PartialWrite {
        /// The write URL (secrets redacted).
        url: String,
        /// The HTTP status (400, or 422 from 2.x).
        status: u16,
        /// The server's message, e.g. `partial write: unable to parse '…': invalid number dropped=0`.
        message: String,
        /// Which batch (1-based).
        batch: usize,
        /// Of how many.
        batches: usize,
    },
    /// The server refused the request (any other non-2xx answer).
    #[error("{url} answered HTTP {status}: {message}")]
    Status {
        /// The write URL (secrets redacted).
        url: String,
        /// The status.
        status: u16,
        /// The server's message (`error`/`message` of a JSON answer, else the body, cut).
        message: String,
    },
    /// No answer: connection refused or reset, TLS, DNS.
    #[error("could not reach {url} after {attempts} attempt(s): {source}")]
    Transport {
        /// The write URL (secrets redacted).
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The cause, whole chain.
        #[source]
        source: census_export::BoxError,
    },
    /// The deadline passed with batches still unsent.
    #[error("export to {url} did not finish within {deadline:?} ({attempts} attempt(s) of the last batch){}", last_error.as_deref().map(|e| format!("; last error: {e}")).unwrap_or_default())]
    Timeout {
        /// The target (secrets redacted).
        url: String,
        /// The budget.
        deadline: Duration,
        /// Attempts of the batch in flight.
        attempts: u32,
        /// The error of the attempt before, if any.
        last_error: Option<String>,
    },
    /// The UDP target could not be resolved or a datagram could not be sent (nothing is
    /// retried over UDP).
    #[error("could not send to udp://{addr}: {source}")]
    Udp {
        /// `host:port`.
        addr: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Print mode could not write.
    #[error("could not print the lines: {source}")]
    Print {
        /// The writer's error.
        #[source]
        source: std::io::Error,
    },
    /// The exporter was shut down.
    #[error("the Influx exporter is shut down: it exports nothing more; build a new one")]
    ShutDown,
    /// The worker could not run the export (busy past the deadline, or gone).
    #[error(transparent)]
    Worker(WorkerError),
}
