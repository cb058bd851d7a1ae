//! See [`Meter`] for details.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, SystemTime};

use crate::error::ExportError;
use crate::export::Exporter;
use crate::manager::ViewManager;
use crate::measure::{MeasureInner, MeasureValue, Measurement};
use crate::reporter::Reporter;
use crate::snapshot::Snapshot;
use crate::tags::{self, TagMap};
use crate::view::rows::RowTable;
use crate::view::{Attachments, View, ViewData};

/// Rows a view keeps before new tag combinations go to its overflow row.
pub const DEFAULT_ROW_LIMIT: usize = 2000;

/// How often a started meter exports to its exporters, unless set otherwise.
pub const DEFAULT_REPORTING_PERIOD: Duration = Duration::from_secs(10);

/// How long [`Meter::flush`] and [`Meter::stop`] wait for the exporters, unless set otherwise.
pub const DEFAULT_EXPORT_TIMEOUT: Duration = Duration::from_secs(10);

static NEXT_METER_ID: AtomicU64 = AtomicU64::new(1);

/// One isolated stats pipeline: its views, their rows, its exporters and its reporting thread,
/// as OpenCensus Go's `view.NewMeter`.
///
/// Most apps use the process-wide default meter through the crate's free functions
/// ([`crate::record`], [`crate::register`], …); a library or a push exporter that must not see
/// the app's views makes its own. Views are registered through the meter's [`ViewManager`].
/// Cloning a meter is cheap and yields a handle to the same pipeline.
///
/// ```
/// use census_sdk::{Aggregation, AggregationData, Int64Measure, Meter, TagMap, View};
/// let meter = Meter::new();
/// let jobs = Int64Measure::new("doc.io/meter_jobs", "Jobs run", "1").unwrap();
/// let view = View::new("jobs", "", [], &jobs, Aggregation::Sum).unwrap();
/// meter.view_manager().register(&view).unwrap();
/// meter.record_with_tags(&TagMap::new(), &[jobs.m(2), jobs.m(3)]);
/// let data = meter.view_manager().retrieve_data("jobs").unwrap();
/// assert_eq!(data.rows[0].data, AggregationData::Sum(census_sdk::SumData::Int(5)));
/// // The default meter does not see this meter's views:
/// assert!(census_sdk::find("jobs").is_none());
/// ```
#[derive(Clone)]
pub struct Meter {
    pub(crate) inner: Arc<MeterInner>,
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
    pub(crate) meter_id: u64,
    pub(crate) view: View,
    pub(crate) start: SystemTime,
    pub(crate) table: RowTable,
}

impl ViewState {
    pub(crate) fn data(&self) -> ViewData {
        ViewData {
            view: self.view.clone(),
            start: self.start,
            end: SystemTime::now(),
            rows: self.table.snapshot(),
        }
    }
}

/// Counters of input the meter did not record as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MeterStats {
    /// Float measurements dropped for being NaN or infinite.
    pub non_finite_dropped: u64,
    /// Recordings that went to a view's overflow row because the view hit its row limit.
    pub overflowed: u64,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Meters between `start` and `stop`, read by [`started_meters`].
fn started_list() -> &'static Mutex<Vec<Weak<MeterInner>>> {
    static STARTED: Mutex<Vec<Weak<MeterInner>>> = Mutex::new(Vec::new());
    &STARTED
}

impl Default for Meter {
    fn default() -> Self {
        Self::new()
    }
}

impl Meter {
    /// A new, empty, stopped meter with the default row limit.
    pub fn new() -> Self {
        Meter {
            inner: Arc::new(MeterInner {
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
            }),
        }
    }

    /// Sets the row limit of views registered from now on (minimum 1).
    pub fn with_row_limit(self, limit: usize) -> Self {
        self.set_row_limit(limit);
        self
    }

    /// Sets the row limit of views registered from now on (minimum 1).
    pub fn set_row_limit(&self, limit: usize) {
        self.inner.row_limit.store(limit.max(1), Ordering::Relaxed);
    }

    /// The registration face of this meter: register and find views, add exporters.
    pub fn view_manager(&self) -> ViewManager {
        ViewManager {
            meter: self.clone(),
        }
    }

    /// Records measurements with the current tag context ([`crate::tags::current`]).
    ///
    /// Never blocks on I/O and never panics. A measure with no view costs one atomic load.
    #[inline]
    pub fn record(&self, measurements: &[Measurement<'_>]) {
        if measurements
            .iter()
            .all(|m| m.measure.subscribed.load(Ordering::Relaxed) == 0)
        {
            return;
        }
        tags::with_current(|t| self.record_with_tags(t, measurements))
    }

    /// Records measurements with explicit tags.
    #[inline]
    pub fn record_with_tags(&self, tags: &TagMap, measurements: &[Measurement<'_>]) {
        for m in measurements {
            if m.measure.subscribed_any() {
                self.record_one(tags, m.measure, m.value, None);
            }
        }
    }

    /// Records measurements with explicit tags and attachments (kept as distribution exemplars).
    pub fn record_with_attachments(
        &self,
        tags: &TagMap,
        attachments: &Attachments,
        measurements: &[Measurement<'_>],
    ) {
        for m in measurements {
            if m.measure.subscribed_any() {
                self.record_one(tags, m.measure, m.value, Some(attachments));
            }
        }
    }

    #[inline(never)]
    pub(crate) fn record_one(
        &self,
        tags: &TagMap,
        measure: &MeasureInner,
        value: MeasureValue,
        att: Option<&Attachments>,
    ) {
        if measure.subscribed.load(Ordering::Relaxed) == 0 {
            return;
        }
        if !self.accept(value) {
            return;
        }
        if crate::row_cache::record(&self.inner, measure, tags, value, att) {
            return;
        }
        let views = measure.views.load();
        for vs in views.iter() {
            if vs.meter_id == self.inner.id {
                vs.table.record(tags, value, att);
            }
        }
    }

    /// NaN and infinities are dropped (and counted): one would poison a sum or mean forever.
    #[inline]
    pub(crate) fn accept(&self, value: MeasureValue) -> bool {
        match value {
            MeasureValue::Float(f) if !f.is_finite() => {
                self.inner
                    .non_finite_dropped
                    .fetch_add(1, Ordering::Relaxed);
                false
            }
            _ => true,
        }
    }

    /// A snapshot of every view of this meter, sorted by view name.
    ///
    /// Rows are copied under each view's read lock; recording continues meanwhile.
    pub fn snapshot(&self) -> Snapshot {
        let states: Vec<Arc<ViewState>> = lock(&self.inner.views).values().cloned().collect();
        Snapshot::new(states.iter().map(|s| s.data()).collect())
    }

    /// What the meter dropped or diverted so far.
    pub fn stats(&self) -> MeterStats {
        let overflowed = lock(&self.inner.views)
            .values()
            .map(|s| s.table.overflowed())
            .sum();
        MeterStats {
            non_finite_dropped: self.inner.non_finite_dropped.load(Ordering::Relaxed),
            overflowed,
        }
    }

    /// Sets how long [`flush`](Self::flush) and [`stop`](Self::stop) wait for the exporters
    /// in all (default [`DEFAULT_EXPORT_TIMEOUT`], 10 s; zero restores the default).
    pub fn set_export_timeout(&self, timeout: Duration) {
        let t = if timeout.is_zero() {
            DEFAULT_EXPORT_TIMEOUT
        } else {
            timeout
        };
        *lock(&self.inner.export_timeout) = t;
    }

    /// The deadline of [`flush`](Self::flush) and [`stop`](Self::stop).
    pub fn export_timeout(&self) -> Duration {
        *lock(&self.inner.export_timeout)
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

    /// Exports a snapshot to every registered exporter now, then flushes each (delivering what
    /// it queued), all within the [export timeout](Self::set_export_timeout).
    ///
    /// # Errors
    /// The first exporter failure; every failure is also logged.
    pub fn flush(&self) -> Result<(), ExportError> {
        let deadline = Deadline::after(self.export_timeout());
        let mut first = self.export_now().err();
        for e in &self.exporters() {
            if let Err(err) = e.flush(deadline.remaining()) {
                tracing::warn!(error = %err, "census exporter failed to flush");
                first.get_or_insert(err);
            }
        }
        first.map_or(Ok(()), Err)
    }

    fn exporters(&self) -> Vec<Arc<dyn Exporter>> {
        lock(&self.inner.exporters).clone()
    }

    /// Starts the meter: its views become visible to pull exporters that read every started
    /// meter ([`crate::started_meters`]), and a background thread exports to its exporters every
    /// reporting period. Idempotent.
    pub fn start(&self) {
        if self.inner.started.swap(true, Ordering::SeqCst) {
            return;
        }
        let mut started = lock(started_list());
        started.retain(|w| w.strong_count() > 0);
        started.push(Arc::downgrade(&self.inner));
        drop(started);
        self.ensure_reporter();
    }

    /// Stops the reporting thread, exports one last time, then shuts every exporter down
    /// (each is removed from the meter), all within the
    /// [export timeout](Self::set_export_timeout); the meter is hidden from pull exporters.
    /// Idempotent; a stopped meter still records and can be started again with new exporters.
    ///
    /// # Errors
    /// The first exporter failure of the final export or of a shutdown.
    pub fn stop(&self) -> Result<(), ExportError> {
        if !self.inner.started.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        lock(started_list()).retain(|w| {
            w.strong_count() > 0 && !std::ptr::eq(w.as_ptr(), Arc::as_ptr(&self.inner))
        });
        let reporter = lock(&self.inner.reporter).take();
        if let Some(r) = reporter {
            r.stop();
        }
        let deadline = Deadline::after(self.export_timeout());
        let mut first = self.export_now().err();
        let exporters = std::mem::take(&mut *lock(&self.inner.exporters));
        for e in &exporters {
            if let Err(err) = e.shutdown(deadline.remaining()) {
                tracing::warn!(error = %err, "census exporter failed to shut down");
                first.get_or_insert(err);
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// True between [`Meter::start`] and [`Meter::stop`].
    pub fn is_started(&self) -> bool {
        self.inner.started.load(Ordering::SeqCst)
    }

    /// Starts the reporting thread when the meter is started and has exporters.
    pub(crate) fn ensure_reporter(&self) {
        if !self.is_started() || lock(&self.inner.exporters).is_empty() {
            return;
        }
        let mut r = lock(&self.inner.reporter);
        if r.is_none() {
            *r = Reporter::spawn(Arc::downgrade(&self.inner));
        }
    }

    pub(crate) fn from_inner(inner: Arc<MeterInner>) -> Self {
        Meter { inner }
    }
}

/// Every started meter, the default one first: what a pull exporter scrapes by default, as
/// OpenCensus Go's Prometheus exporter reads every started meter.
pub fn started_meters() -> Vec<Meter> {
    let default = crate::default_meter().clone();
    let mut out = vec![default.clone()];
    for w in lock(started_list()).iter() {
        if let Some(inner) = w.upgrade() {
            if inner.id != default.inner.id {
                out.push(Meter::from_inner(inner));
            }
        }
    }
    out
}

/// An overall deadline shared by several exporters in turn.
struct Deadline(std::time::Instant);

impl Deadline {
    fn after(timeout: Duration) -> Self {
        let now = std::time::Instant::now();
        Deadline(
            now.checked_add(timeout)
                .unwrap_or(now + DEFAULT_EXPORT_TIMEOUT),
        )
    }

    fn remaining(&self) -> Duration {
        self.0.saturating_duration_since(std::time::Instant::now())
    }
}

impl fmt::Debug for Meter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let views: Vec<String> = lock(&self.inner.views).keys().cloned().collect();
        f.debug_struct("Meter")
            .field("id", &self.inner.id)
            .field("started", &self.is_started())
            .field("views", &views)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meters_can_cross_catch_unwind() {
        fn unwind_safe<T: std::panic::RefUnwindSafe + std::panic::UnwindSafe>() {}
        unwind_safe::<Meter>();
        unwind_safe::<ViewState>();
    }
}
