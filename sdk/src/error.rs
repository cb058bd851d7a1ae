//! Typed errors of the SDK, one enum per operation family.
//!
//! Every message names the bad value and says how to fix it.

use thiserror::Error;

/// Creating a measure failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MeasureError {
    /// The name is empty, longer than 255 bytes, or not printable ASCII.
    #[error("invalid measure name {name:?}: use 1 to 255 printable ASCII characters (0x20-0x7E)")]
    InvalidName {
        /// The rejected name.
        name: String,
    },
    /// A measure with this name exists with another kind, description or unit.
    #[error(
        "measure {name:?} already exists as {existing}; cannot create it again as {requested}: \
         reuse the existing measure or pick another name"
    )]
    Conflict {
        /// The measure name.
        name: String,
        /// The existing definition (kind, description, unit).
        existing: String,
        /// The requested definition.
        requested: String,
    },
}

/// A tag key, tag value or tag map was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TagError {
    /// The key is empty, longer than 255 bytes, or not printable ASCII.
    #[error("invalid tag key {key:?}: use 1 to 255 printable ASCII characters (0x20-0x7E)")]
    InvalidKey {
        /// The rejected key.
        key: String,
    },
    /// The value is longer than 255 bytes or not printable ASCII.
    #[error("invalid tag value {value:?}: use 0 to 255 printable ASCII characters (0x20-0x7E)")]
    InvalidValue {
        /// The rejected value.
        value: String,
    },
    /// The value is the one census reserves for a view's overflow row.
    #[error("tag value {value:?} is reserved for the overflow row of a view that reached its row limit: use another value")]
    ReservedValue {
        /// The rejected value.
        value: String,
    },
}

/// Building, registering or reading a view failed.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ViewError {
    /// The view name is longer than 255 bytes or not printable ASCII.
    #[error("invalid view name {name:?}: use at most 255 printable ASCII characters (0x20-0x7E)")]
    InvalidName {
        /// The rejected name.
        name: String,
    },
    /// The builder was not given a measure.
    #[error("cannot build view {name:?}: measure not set; call `.measure(..)`")]
    MeasureNotSet {
        /// The view name (may be empty).
        name: String,
    },
    /// The builder was not given an aggregation.
    #[error("cannot build view {name:?}: aggregation not set; call `.aggregation(..)`")]
    AggregationNotSet {
        /// The view name.
        name: String,
    },
    /// A distribution bound is negative.
    #[error("distribution bound {bound} is negative: bounds must be >= 0 (negative bucket bounds not supported)")]
    NegativeBound {
        /// The rejected bound.
        bound: f64,
    },
    /// A distribution bound is NaN or infinite.
    #[error("distribution bound {bound} is not finite: use finite bounds (+Inf is implied as the last bucket)")]
    NonFiniteBound {
        /// The rejected bound.
        bound: f64,
    },
    /// Another, different view is registered under this name.
    #[error(
        "cannot register view {name:?}: a different view with the same name is already registered \
         (registered: {existing}; new: {new}); unregister it first or rename the new view"
    )]
    Conflict {
        /// The contested name.
        name: String,
        /// The registered view.
        existing: String,
        /// The rejected view.
        new: String,
    },
    /// No view with this name is registered.
    #[error("view {name:?} is not registered: register it before retrieving its data")]
    NotRegistered {
        /// The unknown name.
        name: String,
    },
}

/// An exporter could not export, flush or shut down. Every variant names the exporter.
///
/// ```
/// use std::time::Duration;
/// use census_sdk::ExportError;
/// let e = ExportError::failed("stdout", "broken pipe");
/// assert_eq!(e.to_string(), "exporter stdout failed: broken pipe");
/// assert_eq!(e.exporter(), "stdout");
/// let e = ExportError::TimedOut { exporter: "pushgateway".into(), timeout: Duration::from_secs(2) };
/// assert_eq!(e.to_string(), "exporter pushgateway did not finish within 2s: raise its timeout or check its target");
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The exporter was shut down; it accepts nothing more.
    #[error("exporter {exporter} is shut down: it exports nothing more; build a new one")]
    ShutDown {
        /// Which exporter.
        exporter: String,
    },
    /// The exporter did not finish within its deadline.
    #[error("exporter {exporter} did not finish within {timeout:?}: raise its timeout or check its target")]
    TimedOut {
        /// Which exporter.
        exporter: String,
        /// The deadline it was given.
        timeout: std::time::Duration,
    },
    /// The export failed.
    #[error("exporter {exporter} failed: {source}")]
    Failed {
        /// Which exporter.
        exporter: String,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

impl ExportError {
    /// Wraps any error as a failure of `exporter`.
    pub fn failed(
        exporter: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        ExportError::Failed {
            exporter: exporter.into(),
            source: source.into(),
        }
    }

    /// The exporter that failed.
    pub fn exporter(&self) -> &str {
        match self {
            ExportError::ShutDown { exporter }
            | ExportError::TimedOut { exporter, .. }
            | ExportError::Failed { exporter, .. } => exporter,
        }
    }
}

/// Validates the shared rule of names, keys and values: printable ASCII, bounded length.
pub(crate) fn printable_ascii(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| (0x20..=0x7e).contains(&b))
}
