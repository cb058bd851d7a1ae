//! See [`ViewManager`] for details.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::error::ViewError;
use crate::export::Exporter;
use crate::measure::Subscription;
use crate::pipeline::{lock, MeterInner, ViewState, DEFAULT_REPORTING_PERIOD};
use crate::rows::table::RowTable;
use crate::snapshot::Snapshot;
use crate::view::{View, ViewData};

/// The registration face of a [`Meter`](crate::Meter), as OpenCensus Python's and Java's `view_manager`:
/// register and unregister views, find them, read their data, and register exporters.
///
/// ```
/// use census_sdk::{Aggregation, Int64Measure, Meter, View, ViewError};
/// let meter = Meter::new();
/// let vm = meter.view_manager();
/// let m = Int64Measure::new("doc.io/vm_requests", "Requests", "1").unwrap();
/// let count = View::new("requests", "", [], &m, Aggregation::Count).unwrap();
/// vm.register(&count).unwrap();
/// vm.register(&count).unwrap(); // identical: a no-op
/// let sum = View::new("requests", "", [], &m, Aggregation::Sum).unwrap();
/// assert!(matches!(vm.register(&sum), Err(ViewError::Conflict { .. })));
/// assert_eq!(vm.find("requests").unwrap().aggregation(), &Aggregation::Count);
/// assert!(vm.unregister("requests").is_some());
/// assert!(matches!(vm.retrieve_data("requests"), Err(ViewError::NotRegistered { .. })));
/// ```
#[derive(Clone, Debug)]
pub struct ViewManager {
    pub(crate) inner: Arc<MeterInner>,
}

impl ViewManager {
    /// Registers a view: from now on, recordings of its measure are aggregated into its rows.
    ///
    /// Registering a view identical to the registered one of that name is a no-op (also for
    /// separately built distribution and last-value views, which OpenCensus Go wrongly rejects).
    ///
    /// # Errors
    /// [`ViewError::Conflict`], naming both views, when a different view has the name.
    pub fn register(&self, view: &View) -> Result<(), ViewError> {
        let inner = &self.inner;
        let mut views = lock(&inner.views);
        if let Some(existing) = views.get(view.name()) {
            if existing.view.same_as(view) {
                return Ok(());
            }
            return Err(ViewError::Conflict {
                name: view.name().into(),
                existing: existing.view.summary(),
                new: view.summary(),
            });
        }
        let measure = &view.measure().0;
        let sub = Arc::new(Subscription {
            meter_id: inner.id,
            table: RowTable::new(
                view.name(),
                view.columns_arc().clone(),
                view.aggregation().clone(),
                measure.kind,
                inner.row_limit.load(Ordering::Relaxed),
            ),
        });
        let state = Arc::new(ViewState {
            view: view.clone(),
            start: SystemTime::now(),
            sub: sub.clone(),
        });
        views.insert(view.name().into(), state);
        measure.views.rcu(|old| {
            let mut v = Vec::clone(old);
            v.push(sub.clone());
            v
        });
        measure.subscribed.fetch_add(1, Ordering::SeqCst);
        inner.generation.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// Registers several views. Each is registered on its own; the ones that conflict are
    /// skipped.
    ///
    /// # Errors
    /// The first conflict (the other views are still registered).
    pub fn register_all<'a>(
        &self,
        views: impl IntoIterator<Item = &'a View>,
    ) -> Result<(), ViewError> {
        let mut first = None;
        for v in views {
            if let Err(e) = self.register(v) {
                first.get_or_insert(e);
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// Unregisters the view `name` and drops its rows, returning its final data. The final data
    /// is exported first to the meter's exporters, as OpenCensus Go does. Unknown names are
    /// ignored (`None`). Registering the view again starts from empty rows and a new start time.
    pub fn unregister(&self, name: &str) -> Option<ViewData> {
        let inner = &self.inner;
        let state = lock(&inner.views).remove(name)?;
        let measure = &state.view.measure().0;
        measure.views.rcu(|old| {
            old.iter()
                .filter(|s| !Arc::ptr_eq(s, &state.sub))
                .cloned()
                .collect::<Vec<_>>()
        });
        measure.subscribed.fetch_sub(1, Ordering::SeqCst);
        inner.generation.fetch_add(1, Ordering::SeqCst);
        let data = state.data();
        let exporters: Vec<Arc<dyn Exporter>> = lock(&inner.exporters).clone();
        let last = Snapshot::new(vec![data.clone()]);
        for e in exporters {
            if let Err(err) = e.export(&last) {
                tracing::warn!(error = %err, view = name, "census exporter failed on unregister");
            }
        }
        Some(data)
    }

    /// The registered view `name`.
    pub fn find(&self, name: &str) -> Option<View> {
        lock(&self.inner.views).get(name).map(|s| s.view.clone())
    }

    /// Every registered view, sorted by name.
    pub fn all_views(&self) -> Vec<View> {
        lock(&self.inner.views)
            .values()
            .map(|s| s.view.clone())
            .collect()
    }

    /// The current rows of view `name`.
    ///
    /// # Errors
    /// [`ViewError::NotRegistered`] when no view has that name.
    pub fn retrieve_data(&self, name: &str) -> Result<ViewData, ViewError> {
        let state = lock(&self.inner.views).get(name).cloned();
        state
            .map(|s| s.data())
            .ok_or_else(|| ViewError::NotRegistered { name: name.into() })
    }

    /// Adds an exporter: it receives every view's data each reporting period while the meter is
    /// started, and on [`Meter::flush`](crate::Meter::flush)/[`Meter::stop`](crate::Meter::stop).
    pub fn register_exporter(&self, exporter: Arc<dyn Exporter>) {
        lock(&self.inner.exporters).push(exporter);
        self.inner.ensure_reporter();
    }

    /// Removes an exporter (compared by identity). Returns whether it was registered.
    pub fn unregister_exporter(&self, exporter: &Arc<dyn Exporter>) -> bool {
        let mut list = lock(&self.inner.exporters);
        let before = list.len();
        list.retain(|e| !std::ptr::addr_eq(Arc::as_ptr(e), Arc::as_ptr(exporter)));
        before != list.len()
    }

    /// Sets the reporting period; zero restores the default (10 s), as Go's
    /// `SetReportingPeriod`. Takes effect after the current period.
    pub fn set_reporting_period(&self, period: Duration) {
        let p = if period.is_zero() {
            DEFAULT_REPORTING_PERIOD
        } else {
            period
        };
        *lock(&self.inner.period) = p;
    }
}
