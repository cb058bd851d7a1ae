//! See [`Bound`] for details.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::measure::TypedMeasure;
use crate::pipeline::MeterInner;
use crate::rows::aggregation::Bounds;
use crate::rows::table::RowEntry;
use crate::tags::TagMap;
use crate::value::{MeasureType, MeasureValue};

/// A measure bound to a tag map in one meter: the rows of every view are resolved once, so a
/// recording is an atomic add per view (plus one atomic load to notice view changes).
///
/// It stays correct when views are registered or unregistered after binding: it re-resolves on
/// its next recording. A `Bound` is `Send` but not `Sync`: clone it for each thread (clones share
/// the rows).
///
/// ```
/// use census_sdk::{Aggregation, AggregationData, Int64Measure, Meter, TagMap, View};
/// let meter = Meter::new();
/// let hits = Int64Measure::new("doc.io/bound_hits", "", "1").unwrap();
/// let tags = TagMap::from_pairs(&[("route", "/")]).unwrap();
/// let bound = meter.bind(&hits, &tags);
/// bound.record(1); // no view yet: nothing recorded
/// let view = View::new("hits", "", [], &hits, Aggregation::Count).unwrap();
/// meter.view_manager().register(&view).unwrap();
/// for _ in 0..3 { bound.record(1); }
/// assert_eq!(meter.view_manager().retrieve_data("hits").unwrap().rows[0].data, AggregationData::Count(3));
/// ```
pub struct Bound<T: MeasureType> {
    meter: Arc<MeterInner>,
    measure: TypedMeasure<T>,
    tags: TagMap,
    cache: RefCell<Resolved>,
    _t: PhantomData<fn(T)>,
}

#[derive(Clone)]
struct Resolved {
    generation: u64,
    rows: Vec<(Arc<RowEntry>, Option<Bounds>)>,
}

impl<T: MeasureType> Bound<T> {
    /// Binds `measure` and `tags` in the meter behind `meter` ([`crate::Meter::bind`]).
    pub(crate) fn new(meter: Arc<MeterInner>, measure: &TypedMeasure<T>, tags: &TagMap) -> Self {
        let b = Bound {
            meter,
            measure: measure.clone(),
            tags: tags.clone(),
            cache: RefCell::new(Resolved {
                generation: u64::MAX,
                rows: Vec::new(),
            }),
            _t: PhantomData,
        };
        b.refresh(&mut b.cache.borrow_mut());
        b
    }
}

impl<T: MeasureType> Bound<T> {
    /// Records one value.
    #[inline]
    pub fn record(&self, value: T) {
        let value = value.into_value();
        if let MeasureValue::Float(f) = value {
            if !f.is_finite() {
                let (meter, measure) = (&self.meter, &self.measure.inner);
                return crate::record::record_non_finite(meter, &self.tags, measure, value, None);
            }
        }
        let Ok(mut cache) = self.cache.try_borrow_mut() else {
            // Re-entrancy cannot happen through this API; fall back to the unbound path anyway.
            crate::record::record_one(&self.meter, &self.tags, &self.measure.inner, value, None);
            return;
        };
        if cache.generation != self.meter.generation.load(Ordering::Acquire) {
            self.refresh(&mut cache);
        }
        for (row, bounds) in &cache.rows {
            row.record(value, bounds.as_ref(), None);
        }
    }

    fn refresh(&self, cache: &mut Resolved) {
        let generation = self.meter.generation.load(Ordering::Acquire);
        let views = self.measure.inner.views.load();
        cache.rows = views
            .iter()
            .filter(|s| s.meter_id == self.meter.id)
            .map(|s| (s.table.resolve(&self.tags), s.table.bounds().cloned()))
            .collect();
        cache.generation = generation;
    }
}

impl<T: MeasureType> Clone for Bound<T> {
    fn clone(&self) -> Self {
        Bound {
            meter: self.meter.clone(),
            measure: self.measure.clone(),
            tags: self.tags.clone(),
            cache: RefCell::new(self.cache.borrow().clone()),
            _t: PhantomData,
        }
    }
}

impl<T: MeasureType> fmt::Debug for Bound<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound")
            .field("measure", &self.measure.name())
            .field("tags", &self.tags)
            .finish()
    }
}
