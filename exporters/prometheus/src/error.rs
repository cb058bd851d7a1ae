//! Typed errors of the exporter, one enum per operation family.
//!
//! Every message names the bad value and says how to fix it.

use thiserror::Error;

/// An exporter option was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An item of a Python bounds list is not a number.
    #[error("invalid Python bounds for view {view:?}: {item:?} is not a number; pass the list as the Python source wrote it, e.g. \"[0, 10, 25.0, 100]\"")]
    InvalidPythonBounds {
        /// The view.
        view: String,
        /// The item that is not a number.
        item: String,
    },
    /// The namespace is not a valid Prometheus metric name prefix.
    #[error(
        "invalid namespace {namespace:?}: use a valid Prometheus metric name \
         ([a-zA-Z_:][a-zA-Z0-9_:]*, e.g. \"myapp\"), or \"\" for none"
    )]
    InvalidNamespace {
        /// The rejected namespace.
        namespace: String,
    },
    /// A constant label name is not a valid Prometheus label name.
    #[error("invalid constant label name {name:?}: use [a-zA-Z_][a-zA-Z0-9_]* (e.g. \"service\")")]
    InvalidLabelName {
        /// The rejected name.
        name: String,
    },
    /// A constant label name is reserved (`__…`, or `le`, which histograms use for bounds).
    #[error(
        "constant label name {name:?} is reserved (names starting with \"__\" belong to \
         Prometheus, \"le\" to histogram buckets): pick another name"
    )]
    ReservedLabelName {
        /// The rejected name.
        name: String,
    },
    /// The same constant label was given twice.
    #[error("constant label {name:?} is set twice (values {first:?} and {second:?}): set it once")]
    DuplicateConstLabel {
        /// The label name.
        name: String,
        /// The value set first.
        first: String,
        /// The value set second.
        second: String,
    },
}

/// An exporter or server setting was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A limit was set to zero.
    #[error("{setting} must be at least 1 (got 0): use a positive limit")]
    ZeroLimit {
        /// The setting (`max_concurrent_scrapes`, `max_connections`).
        setting: &'static str,
    },
    /// A duration setting is outside 1 ms to 1 h.
    #[error("{setting} of {value:?} is out of range: use a duration from 1ms to 1h")]
    DurationOutOfRange {
        /// The setting (`header_read_timeout`, `idle_timeout`, `shutdown_timeout`).
        setting: &'static str,
        /// The rejected value.
        value: std::time::Duration,
    },
    /// The metrics path is not an absolute URL path.
    #[error(
        "invalid metrics path {path:?}: use an absolute path without query or fragment, \
         e.g. \"/metrics\""
    )]
    InvalidPath {
        /// The rejected path.
        path: String,
    },
    /// The exporter's self-metrics could not be set up (their measure names are taken).
    #[error(
        "cannot set up the exporter's self-metrics: {reason}; turn them off or free the \
         `census_prometheus/...` measure names"
    )]
    SelfMetrics {
        /// What failed.
        reason: String,
    },
}

/// A view the encoder skipped; the rest of the exposition was still produced.
///
/// Unlike OpenCensus Go, which answers the whole scrape with HTTP 500 (or emits invalid text),
/// the encoder leaves out only the offending view and reports it here.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// Two views map to the same metric name (or one's series names clash with the other's,
    /// as a histogram `x` and a counter `x_count`). The first in input order is kept.
    #[error(
        "view {skipped:?} was skipped: its metric name {name:?} is already used by view \
         {kept:?}; rename one of the views (names are sanitised: [^A-Za-z0-9_] becomes \"_\")"
    )]
    NameCollision {
        /// The view left out.
        skipped: String,
        /// The view kept.
        kept: String,
        /// The contested name.
        name: String,
    },
    /// A tag key of a distribution view sanitises to `le`, which Prometheus reserves for bucket
    /// bounds.
    #[error(
        "view {view:?} was skipped: its tag key {tag_key:?} becomes the label \"le\", reserved \
         for histogram buckets; rename the tag key or drop it from the view's columns"
    )]
    BucketLabelClash {
        /// The view left out.
        view: String,
        /// The tag key.
        tag_key: String,
    },
    /// Two labels of a view have the same name: two tag keys that sanitise alike
    /// (`http.status` and `http_status`), or a tag key and a constant label.
    #[error(
        "view {view:?} was skipped: {first:?} and {second:?} both become the label {label:?}; \
         rename a tag key or the constant label"
    )]
    DuplicateLabel {
        /// The view left out.
        view: String,
        /// The label name.
        label: String,
        /// The first source of the label (a tag key, or `const label NAME`).
        first: String,
        /// The second source.
        second: String,
    },
    /// A view carries a label that the options reserve
    /// ([`crate::ExpositionOptions::with_reserved_labels`], e.g. a push exporter's `job`).
    #[error(
        "view {view:?} was skipped: its tag key {tag_key:?} becomes the label {label:?}, \
         which is reserved here; drop the tag key from the view's columns or rename it"
    )]
    ReservedLabel {
        /// The view left out.
        view: String,
        /// The tag key.
        tag_key: String,
        /// The reserved label name.
        label: String,
    },
    /// The view's aggregation data is of a kind this version cannot encode, or a row's data
    /// does not match the view (an SDK bug).
    #[error(
        "view {view:?} was skipped: its data ({found}) cannot be encoded by this version of \
         census-prometheus; upgrade census-prometheus to match census-sdk"
    )]
    UnsupportedData {
        /// The view left out.
        view: String,
        /// What was found.
        found: String,
    },
}

impl EncodeError {
    /// The name of the view left out.
    ///
    /// ```
    /// use census_prometheus::EncodeError;
    /// let e = EncodeError::BucketLabelClash { view: "latency".into(), tag_key: "le".into() };
    /// assert_eq!(e.view(), "latency");
    /// ```
    pub fn view(&self) -> &str {
        match self {
            EncodeError::NameCollision { skipped, .. } => skipped,
            EncodeError::BucketLabelClash { view, .. }
            | EncodeError::DuplicateLabel { view, .. }
            | EncodeError::ReservedLabel { view, .. }
            | EncodeError::UnsupportedData { view, .. } => view,
        }
    }
}

/// The metrics server failed to start or to stop cleanly.
#[cfg(feature = "server")]
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The address could not be bound.
    #[error(
        "cannot listen on {address}: {source}; free the port or choose another address \
         (Server::builder().with_address(..))"
    )]
    Bind {
        /// The address.
        address: std::net::SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The background thread or its tokio runtime could not be created.
    #[error("cannot start the metrics server thread: {source}")]
    Runtime {
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Connections were still open when the shutdown timeout passed; they were closed.
    #[error(
        "metrics server connections still open {timeout:?} after shutdown began were closed; \
         raise the timeout (with_shutdown_timeout) if scrapes take longer"
    )]
    ShutdownTimedOut {
        /// The timeout.
        timeout: std::time::Duration,
    },
    /// The server thread panicked.
    #[error("the metrics server thread panicked; see its panic message above")]
    Panicked,
}
