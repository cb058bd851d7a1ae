//! The exporter boundary. See [`Exporter`] for details.
//!
//! Push-style exporters implement [`Exporter`] and are fed [`ViewData`] by a meter's reporting
//! thread and on flush. Pull-style exporters instead read [`crate::Meter::snapshot`] (or
//! [`crate::started_meters`]) when scraped. Each exporter lives in its own crate and depends only
//! on this one.

use std::fmt;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;

use crate::error::ExportError;
use crate::meter::{lock, Meter, MeterInner};
use crate::view::ViewData;

/// Receives view data from a meter, every reporting period and on flush.
///
/// Called from the meter's reporting thread (or the thread calling flush/stop), never from the
/// record path. An implementation may block on I/O but should bound it with a timeout.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use census_sdk::{export::Exporter, Aggregation, ExportError, Int64Measure, Meter, TagMap, View, ViewData};
///
/// #[derive(Debug, Default)]
/// struct Collect(Mutex<Vec<String>>);
/// impl Exporter for Collect {
///     fn export(&self, data: &[ViewData]) -> Result<(), ExportError> {
///         for vd in data {
///             self.0.lock().unwrap().push(format!("{}: {} rows", vd.view.name(), vd.rows.len()));
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
    /// Exports a snapshot of every view of the meter, sorted by view name.
    ///
    /// # Errors
    /// Any failure; the meter logs it and returns it from an explicit flush.
    fn export(&self, data: &[ViewData]) -> Result<(), ExportError>;
}

/// A meter's reporting thread.
#[derive(Debug)]
pub(crate) struct Reporter {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

impl Reporter {
    pub(crate) fn spawn(meter: Weak<MeterInner>) -> Option<Reporter> {
        let (tx, rx) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("census-reporter".into())
            .spawn(move || loop {
                let period = match meter.upgrade() {
                    Some(m) => *lock(&m.period),
                    None => return,
                };
                match rx.recv_timeout(period) {
                    Err(RecvTimeoutError::Timeout) => match meter.upgrade() {
                        Some(inner) => {
                            let _ = Meter::from_inner(inner).flush();
                        }
                        None => return,
                    },
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
            });
        match spawned {
            Ok(thread) => Some(Reporter { stop: tx, thread }),
            Err(e) => {
                tracing::error!(error = %e, "census could not start its reporting thread; call Meter::flush yourself");
                None
            }
        }
    }

    pub(crate) fn stop(self) {
        let _ = self.stop.send(());
        if self.thread.thread().id() != std::thread::current().id() {
            let _ = self.thread.join();
        }
    }
}

/// An exporter that forwards to a closure; handy for tests and small adapters.
pub struct FnExporter<F>(pub F);

impl<F> fmt::Debug for FnExporter<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnExporter")
    }
}

impl<F> Exporter for FnExporter<F>
where
    F: Fn(&[ViewData]) -> Result<(), ExportError> + Send + Sync + 'static,
{
    fn export(&self, data: &[ViewData]) -> Result<(), ExportError> {
        (self.0)(data)
    }
}

/// Shorthand for `Arc::new(FnExporter(f))` as a trait object.
pub fn fn_exporter<F>(f: F) -> Arc<dyn Exporter>
where
    F: Fn(&[ViewData]) -> Result<(), ExportError> + Send + Sync + 'static,
{
    Arc::new(FnExporter(f))
}
