//! Test helpers for exporter authors (feature `testing`). See [`InMemoryExporter`].

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::ExportError;
use crate::export::Exporter;
use crate::snapshot::Snapshot;

/// Keeps every snapshot it is handed, counts flushes and shutdowns, and behaves as a real
/// exporter after shutdown: every later call returns [`ExportError::ShutDown`].
///
/// Cheap to clone; clones share what was recorded.
///
/// ```
/// use std::sync::Arc;
/// use census_sdk::testing::InMemoryExporter;
/// use census_sdk::{Aggregation, ExportError, Exporter, Int64Measure, Meter, Snapshot, TagMap, View};
///
/// let meter = Meter::new();
/// let m = Int64Measure::new("doc.io/in_memory", "", "1").unwrap();
/// meter.view_manager().register(&View::new("in_memory_count", "", [], &m, Aggregation::Count).unwrap()).unwrap();
/// let exporter = InMemoryExporter::new();
/// meter.view_manager().register_exporter(Arc::new(exporter.clone()));
/// meter.start();
/// meter.record_with_tags(&TagMap::new(), &[m.m(7)]);
/// meter.stop().unwrap(); // the final export, then shutdown
/// assert_eq!(exporter.exported().len(), 1);
/// assert_eq!(exporter.last().unwrap()[0].view().name(), "in_memory_count");
/// assert_eq!(exporter.shutdowns(), 1);
/// assert!(matches!(exporter.export(&Snapshot::empty()), Err(ExportError::ShutDown { .. })));
/// ```
#[derive(Debug, Clone, Default)]
pub struct InMemoryExporter {
    inner: Arc<State>,
}

#[derive(Debug, Default)]
struct State {
    exported: Mutex<Vec<Snapshot>>,
    flushes: AtomicUsize,
    shutdowns: AtomicUsize,
    shut_down: AtomicBool,
}

const NAME: &str = "in-memory";

impl InMemoryExporter {
    /// An exporter that has recorded nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every snapshot exported so far, oldest first.
    pub fn exported(&self) -> Vec<Snapshot> {
        self.inner
            .exported
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The latest snapshot exported, if any.
    pub fn last(&self) -> Option<Snapshot> {
        self.exported().pop()
    }

    /// How many times [`Exporter::flush`] was called (successfully).
    pub fn flushes(&self) -> usize {
        self.inner.flushes.load(Ordering::SeqCst)
    }

    /// How many times [`Exporter::shutdown`] was called (the first one shuts down).
    pub fn shutdowns(&self) -> usize {
        self.inner.shutdowns.load(Ordering::SeqCst)
    }

    /// Whether it was shut down.
    pub fn is_shut_down(&self) -> bool {
        self.inner.shut_down.load(Ordering::SeqCst)
    }

    /// Forgets every snapshot recorded so far (counters stay).
    pub fn clear(&self) {
        self.inner
            .exported
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    fn check_open(&self) -> Result<(), ExportError> {
        if self.is_shut_down() {
            Err(ExportError::ShutDown {
                exporter: NAME.into(),
            })
        } else {
            Ok(())
        }
    }
}

impl Exporter for InMemoryExporter {
    fn export(&self, snapshot: &Snapshot) -> Result<(), ExportError> {
        self.check_open()?;
        self.inner
            .exported
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(snapshot.clone());
        Ok(())
    }

    fn flush(&self, _timeout: Duration) -> Result<(), ExportError> {
        self.check_open()?;
        self.inner.flushes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn shutdown(&self, _timeout: Duration) -> Result<(), ExportError> {
        self.inner.shutdowns.fetch_add(1, Ordering::SeqCst);
        self.inner.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }
}
