//! See [`Meter`] for details.

use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use crate::bound::Bound;
use crate::error::ExportError;
use crate::manager::ViewManager;
use crate::measure::{Measurement, TypedMeasure};
use crate::pipeline::{lock, Deadline, MeterInner, DEFAULT_EXPORT_TIMEOUT};
use crate::record;
use crate::rows::data::Attachments;
use crate::snapshot::Snapshot;
use crate::tags::{self, TagMap};
use crate::value::MeasureType;

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

/// Counters of input the meter did not record as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MeterStats {
    /// NaN or infinite float measurements that a Sum or Distribution view dropped (Count views
    /// still counted them, LastValue views kept them); each counts once.
    pub non_finite_dropped: u64,
    /// Recordings that went to a view's overflow row because the view hit its row limit.
    pub overflowed: u64,
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
            inner: Arc::new(MeterInner::new()),
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
            inner: self.inner.clone(),
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
                record::record_one(&self.inner, tags, m.measure, m.value, None);
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
                record::record_one(&self.inner, tags, m.measure, m.value, Some(attachments));
            }
        }
    }

    /// A snapshot of every view of this meter, sorted by view name.
    ///
    /// Rows are copied under each view's read lock; recording continues meanwhile.
    pub fn snapshot(&self) -> Snapshot {
        self.inner.snapshot()
    }

    /// Binds `measure` and `tags` for repeated recording; see [`Bound`].
    pub fn bind<T: MeasureType>(&self, measure: &TypedMeasure<T>, tags: &TagMap) -> Bound<T> {
        Bound::new(self.inner.clone(), measure, tags)
    }

    /// What the meter dropped or diverted so far.
    pub fn stats(&self) -> MeterStats {
        let overflowed = lock(&self.inner.views)
            .values()
            .map(|s| s.sub.table.overflowed())
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

    /// Exports a snapshot to every registered exporter now, then flushes each (delivering what
    /// it queued), all within the [export timeout](Self::set_export_timeout).
    ///
    /// # Errors
    /// The first exporter failure; every failure is also logged.
    pub fn flush(&self) -> Result<(), ExportError> {
        let deadline = Deadline::after(self.export_timeout());
        let mut first = self.inner.export_now().err();
        for e in &self.inner.exporters() {
            if let Err(err) = e.flush(deadline.remaining()) {
                tracing::warn!(error = %err, "census exporter failed to flush");
                first.get_or_insert(err);
            }
        }
        first.map_or(Ok(()), Err)
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
        self.inner.ensure_reporter();
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
        let mut first = self.inner.export_now().err();
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

impl fmt::Debug for Meter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meters_can_cross_catch_unwind() {
        fn unwind_safe<T: std::panic::RefUnwindSafe + std::panic::UnwindSafe>() {}
        unwind_safe::<Meter>();
        unwind_safe::<crate::pipeline::ViewState>();
    }
}
