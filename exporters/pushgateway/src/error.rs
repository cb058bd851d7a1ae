//! Typed errors: [`BuildError`] (configuration) and [`PushError`] (one push, add or delete).
//!
//! Every message names the bad value and says how to fix it.

use std::time::Duration;

use census_export::http::{HttpError, UrlError};
use census_export::{BoxError, DurationError, SpawnError, WorkerError};
use thiserror::Error;

/// Building a [`crate::Pushgateway`] failed: the configuration is wrong.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The gateway URL is not an `http(s)://host` URL without a query.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// The gateway URL already holds the `/metrics/job/…` path.
    #[error("pushgateway URL {url:?} holds a /metrics/job/… path, which is built from the job and grouping labels; pass the gateway's base URL")]
    MetricsPathInUrl {
        /// The rejected URL.
        url: String,
    },
    /// The job name is empty; the gateway requires one.
    #[error("job name is empty: the Pushgateway requires a job (it is part of every grouping key); pass a non-empty job")]
    EmptyJob,
    /// A grouping or constant label name the gateway would refuse.
    #[error("invalid label name {name:?}: use [a-zA-Z_][a-zA-Z0-9_]* not starting with \"__\"")]
    InvalidLabelName {
        /// The rejected name.
        name: String,
    },
    /// `job` was given as a grouping label.
    #[error("\"job\" cannot be a grouping label: it is always the first part of the grouping key; pass it as the job instead")]
    JobAsGroupingLabel,
    /// A constant label has the name of the job label or a grouping label.
    #[error("constant label {name:?} clashes with the job or a grouping label of the same name, which the gateway would overwrite; remove one of them")]
    ConstLabelIsGroupingLabel {
        /// The clashing name.
        name: String,
    },
    /// `Method::Delete` was given as the method of periodic and final pushes.
    #[error("Method::Delete cannot be the method of periodic and final pushes; use with_delete_on_shutdown(true) to delete the group at the end")]
    DeleteAsPushMethod,
    /// The body format is one the Pushgateway does not accept for pushes (OpenMetrics).
    #[error(
        "the Pushgateway does not accept pushes in format {format:?}: use Format::Text \
         (the default) or Format::ProtobufDelimited"
    )]
    UnsupportedFormat {
        /// The rejected format.
        format: census_prometheus::Format,
    },
    /// The shared Prometheus naming options were rejected (namespace, constant labels).
    #[error("invalid Prometheus naming options: {source}")]
    Naming {
        /// The naming layer's error.
        #[source]
        source: BoxError,
    },
    /// The HTTP client settings were rejected (credentials, headers, CA certificate).
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The timeout or the interval is out of range.
    #[error(transparent)]
    Duration(#[from] DurationError),
    /// The worker thread or the signal thread could not be started.
    #[error(transparent)]
    Spawn(#[from] SpawnError),
}

/// One push (PUT, POST or DELETE) or the final push failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PushError {
    /// The gateway answered with a status other than 200/202.
    #[error("pushgateway answered {status} to {method} {url}: {}", body_or_hint(body, *status))]
    Status {
        /// HTTP method (`PUT`, `POST`, `DELETE`).
        method: &'static str,
        /// The group URL.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The gateway's response body (its error message), trimmed.
        body: String,
        /// The gateway's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
    /// The gateway could not be reached or the connection broke, on every attempt.
    #[error("could not reach the pushgateway for {method} {url} after {attempts} attempt(s): {source}; check that it runs and that the URL is right")]
    Transport {
        /// HTTP method.
        method: &'static str,
        /// The group URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last transport error.
        #[source]
        source: BoxError,
    },
    /// The deadline passed before the gateway accepted the request.
    #[error("{method} {url} did not succeed within its deadline of {deadline:?} ({attempts} attempt(s){}); raise the timeout or check the gateway", last_error.as_deref().map(|e| format!("; last error: {e}")).unwrap_or_default())]
    Timeout {
        /// HTTP method.
        method: &'static str,
        /// The group URL.
        url: String,
        /// The deadline that passed.
        deadline: Duration,
        /// Attempts started.
        attempts: u32,
        /// The last error seen before the deadline, if any.
        last_error: Option<String>,
    },
    /// A view's tag key becomes the `job` label or a grouping label; the gateway would
    /// silently overwrite it, so nothing was sent.
    #[error("view {view:?} has tag key {tag_key:?}, which becomes the label {label:?}: that is the job or a grouping label, which the gateway would overwrite; drop the tag key from the view's columns or the label from the grouping key (nothing was sent)")]
    ReservedLabel {
        /// The view.
        view: String,
        /// Its tag key.
        tag_key: String,
        /// The clashing label name.
        label: String,
    },
    /// Print mode could not write the body.
    #[error("could not write the metrics in print mode: {source}")]
    Print {
        /// The writer's error.
        #[source]
        source: std::io::Error,
    },
    /// The exporter was shut down; it sends nothing more.
    #[error("the pushgateway exporter is shut down; build a new one to push again")]
    ShutDown,
    /// The worker did not answer in time (busy with an earlier push) or is gone.
    #[error(transparent)]
    Worker(WorkerError),
}

impl PushError {
    /// The HTTP status, when the gateway answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            PushError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

fn body_or_hint(body: &str, status: u16) -> String {
    if !body.is_empty() {
        return body.to_string();
    }
    match status {
        401 | 403 => "(empty body) check the credentials".into(),
        404 => "(empty body) check the URL's route prefix".into(),
        _ => "(empty body)".into(),
    }
}
