//! The exporter boundary. See [`Exporter`] for details.
//!
//! Push-style exporters implement [`Exporter`] and are fed a [`Snapshot`] by their meter's
//! one scheduler (the reporting thread, every reporting period) and on [`Meter::flush`];
//! [`Meter::stop`] exports once more and then shuts every exporter down within a deadline.
//! Pull-style exporters instead read [`crate::Meters`] when scraped. Each exporter lives in its
//! own crate and depends only on this one (and census-export for the transport-neutral parts).
//!
//! [`Meter::flush`]: crate::Meter::flush
//! [`Meter::stop`]: crate::Meter::stop

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::ExportError;
use crate::snapshot::Snapshot;

/// Receives snapshots from a meter, every reporting period and on flush, and is flushed and
/// shut down with it.
///
/// Called from the meter's reporting thread (or the thread calling flush/stop), never from the
/// record path. `export` may queue the snapshot (a push exporter's worker keeps the clone) or
/// deliver it at once; `flush` waits until what was queued is delivered; `shutdown` delivers
/// what is left and stops for good: later calls return [`ExportError::ShutDown`]. Both are
/// bounded by the `timeout` they are given. The defaults suit an exporter with nothing queued.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use census_sdk::{Aggregation, ExportError, Exporter, Int64Measure, Meter, Snapshot, TagMap, View};
///
/// #[derive(Debug, Default)]
/// struct Collect(Mutex<Vec<String>>);
/// impl Exporter for Collect {
///     fn export(&self, snapshot: &Snapshot) -> Result<(), ExportError> {
///         for vd in snapshot.iter() {
///             self.0.lock().unwrap().push(format!("{}: {} rows", vd.view().name(), vd.rows().len()));
///         }
///         Ok(())
///     }
/// }
///
/// let meter = Meter::new();
/// let m = Int64Measure::new("doc.io/export_m", "", "1").unwrap();
/// meter.view_manager().register(&View::new("m_count", "", [], &m, Aggregation::Count).unwrap()).unwrap();
/// let exporter = Arc::new(Collect::default());
/// meter.view_manager().register_exporter(exporter.clone());
/// meter.record_with_tags(&TagMap::new(), &[m.m(1)]);
/// meter.flush().unwrap();
/// assert_eq!(*exporter.0.lock().unwrap(), vec!["m_count: 1 rows".to_string()]);
/// ```
pub trait Exporter: Send + Sync + fmt::Debug + 'static {
    /// Exports (or queues) a snapshot of every view of the meter, sorted by view name.
    ///
    /// # Errors
    /// Any failure; the meter logs it and returns it from an explicit flush.
    fn export(&self, snapshot: &Snapshot) -> Result<(), ExportError>;

    /// Delivers everything queued so far, waiting at most `timeout`.
    ///
    /// # Errors
    /// [`ExportError::TimedOut`], or the failure of a queued delivery.
    fn flush(&self, timeout: Duration) -> Result<(), ExportError> {
        let _ = timeout;
        Ok(())
    }

    /// Delivers what is left and stops for good, waiting at most `timeout`. Idempotent: a
    /// second call returns `Ok(())` at once.
    ///
    /// # Errors
    /// As [`flush`](Self::flush).
    fn shutdown(&self, timeout: Duration) -> Result<(), ExportError> {
        let _ = timeout;
        Ok(())
    }
}

/// An exporter that forwards each snapshot to a closure; handy for tests and small adapters.
pub struct FnExporter<F>(pub F);

impl<F> fmt::Debug for FnExporter<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnExporter")
    }
}

impl<F> Exporter for FnExporter<F>
where
    F: Fn(&Snapshot) -> Result<(), ExportError> + Send + Sync + 'static,
{
    fn export(&self, snapshot: &Snapshot) -> Result<(), ExportError> {
        (self.0)(snapshot)
    }
}

/// Shorthand for `Arc::new(FnExporter(f))` as a trait object.
pub fn fn_exporter<F>(f: F) -> Arc<dyn Exporter>
where
    F: Fn(&Snapshot) -> Result<(), ExportError> + Send + Sync + 'static,
{
    Arc::new(FnExporter(f))
}
