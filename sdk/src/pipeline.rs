//! One meter's shared state: its registered views, exporters, settings and counters. The public
//! faces over it are [`crate::Meter`] (record, snapshot, flush, start, stop) and
//! [`crate::ViewManager`] (register views and exporters).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use crate::error::ExportError;
use crate::export::Exporter;
use crate::measure::Subscription;
use crate::reporter::Reporter;
use crate::snapshot::Snapshot;
use crate::view::{View, ViewData};

/// Rows a view keeps before new tag combinations go to its overflow row.
pub const DEFAULT_ROW_LIMIT: usize = 2000;

/// How often a started meter exports to its exporters, unless set otherwise.
pub const DEFAULT_REPORTING_PERIOD: Duration = Duration::from_secs(10);

/// How long [`crate::Meter::flush`] and [`crate::Meter::stop`] wait for the exporters, unless
/// set otherwise.
pub const DEFAULT_EXPORT_TIMEOUT: Duration = Duration::from_secs(10);

static NEXT_METER_ID: AtomicU64 = AtomicU64::new(1);

/// Locks a mutex, ignoring poisoning: every value behind these locks stays valid after a panic.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) struct MeterInner {
    pub(crate) id: u64,
    pub(crate) views: Mutex<BTreeMap<String, Arc<ViewState>>>,
    /// Bumped on every register/unregister so bound handles re-resolve.
    pub(crate) generation: AtomicU64,
    pub(crate) row_limit: AtomicUsize,
    pub(crate) non_finite_dropped: AtomicU64,
    pub(crate) exporters: Mutex<Vec<Arc<dyn Exporter>>>,
    pub(crate) period: Mutex<Duration>,
    pub(crate) export_timeout: Mutex<Duration>,
    pub(crate) started: AtomicBool,
    pub(crate) reporter: Mutex<Option<Reporter>>,
}

/// A registered view and its rows, inside one meter.
pub(crate) struct ViewState {
    pub(crate) view: View,
    pub(crate) start: SystemTime,
    /// The rows, shared with the measure's list of subscriptions (the record path).
    pub(crate) sub: Arc<Subscription>,
}

impl ViewState {
    pub(crate) fn data(&self) -> ViewData {
        ViewData::new(
            self.view.clone(),
            self.start,
            SystemTime::now(),
            self.sub.table.snapshot(),
        )
    }
}

impl MeterInner {
    pub(crate) fn new() -> Self {
        MeterInner {
            id: NEXT_METER_ID.fetch_add(1, Ordering::Relaxed),
            views: Mutex::new(BTreeMap::new()),
            generation: AtomicU64::new(0),
            row_limit: AtomicUsize::new(DEFAULT_ROW_LIMIT),
            non_finite_dropped: AtomicU64::new(0),
            exporters: Mutex::new(Vec::new()),
            period: Mutex::new(DEFAULT_REPORTING_PERIOD),
            export_timeout: Mutex::new(DEFAULT_EXPORT_TIMEOUT),
            started: AtomicBool::new(false),
            reporter: Mutex::new(None),
        }
    }

    /// Every view's data, sorted by view name.
    pub(crate) fn snapshot(&self) -> Snapshot {
        let states: Vec<Arc<ViewState>> = lock(&self.views).values().cloned().collect();
        Snapshot::new(states.iter().map(|s| s.data()).collect())
    }

    pub(crate) fn exporters(&self) -> Vec<Arc<dyn Exporter>> {
        lock(&self.exporters).clone()
    }

    /// Hands a snapshot to every registered exporter (what the reporting thread does every
    /// period). Failures are logged; the first is returned.
    pub(crate) fn export_now(&self) -> Result<(), ExportError> {
        let exporters = self.exporters();
        if exporters.is_empty() {
            return Ok(());
        }
        let snapshot = self.snapshot();
        let mut first = None;
        for e in &exporters {
            if let Err(err) = e.export(&snapshot) {
                tracing::warn!(error = %err, "census exporter failed");
                first.get_or_insert(err);
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// Starts the reporting thread when the meter is started and has exporters.
    pub(crate) fn ensure_reporter(self: &Arc<Self>) {
        if !self.started.load(Ordering::SeqCst) || lock(&self.exporters).is_empty() {
            return;
        }
        let mut r = lock(&self.reporter);
        if r.is_none() {
            let for_period = Arc::downgrade(self);
            let for_tick = Arc::downgrade(self);
            *r = Reporter::spawn(
                move || for_period.upgrade().map(|m| *lock(&m.period)),
                move || match for_tick.upgrade() {
                    Some(m) => {
                        let _ = m.export_now();
                        true
                    }
                    None => false,
                },
            );
        }
    }
}

impl std::fmt::Debug for MeterInner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let views: Vec<String> = lock(&self.views).keys().cloned().collect();
        f.debug_struct("Meter")
            .field("id", &self.id)
            .field("started", &self.started.load(Ordering::SeqCst))
            .field("views", &views)
            .finish()
    }
}

/// An overall deadline shared by several exporters in turn.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(Instant);

impl Deadline {
    /// `timeout` from now (saturating at a far but representable instant).
    pub(crate) fn after(timeout: Duration) -> Self {
        let now = Instant::now();
        Deadline(
            now.checked_add(timeout)
                .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365)),
        )
    }

    /// What is left of it (zero once passed).
    pub(crate) fn remaining(&self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }
}
