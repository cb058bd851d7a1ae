//! The record path of one measurement into one meter: non-finite values to the views that keep
//! them, else the per-thread row cache, else each of the measure's views in that meter.

use std::sync::atomic::Ordering;

use crate::measure::MeasureInner;
use crate::pipeline::MeterInner;
use crate::rows::data::Attachments;
use crate::tags::TagMap;
use crate::value::MeasureValue;

/// Records `value` of `measure` with `tags` (and attachments) into `meter`'s views.
///
/// Never blocks on I/O and never panics; a measure with no view costs one atomic load.
#[inline(never)]
pub(crate) fn record_one(
    meter: &MeterInner,
    tags: &TagMap,
    measure: &MeasureInner,
    value: MeasureValue,
    att: Option<&Attachments>,
) {
    if measure.subscribed.load(Ordering::Relaxed) == 0 {
        return;
    }
    if let MeasureValue::Float(f) = value {
        if !f.is_finite() {
            return record_non_finite(meter, tags, measure, value, att);
        }
    }
    if crate::row_cache::record(meter, measure, tags, value, att) {
        return;
    }
    let views = measure.views.load();
    for vs in views.iter() {
        if vs.meter_id == meter.id {
            vs.table.record(tags, value, att);
        }
    }
}

/// A NaN or infinite value, as OpenCensus Go treats it where that is not a bug: Count views
/// count it and LastValue views keep it; Sum and Distribution views drop it (one would poison
/// the sum and mean forever), and a value some view dropped is counted once in
/// [`crate::MeterStats::non_finite_dropped`].
#[cold]
pub(crate) fn record_non_finite(
    meter: &MeterInner,
    tags: &TagMap,
    measure: &MeasureInner,
    value: MeasureValue,
    att: Option<&Attachments>,
) {
    let mut dropped = false;
    for vs in measure
        .views
        .load()
        .iter()
        .filter(|vs| vs.meter_id == meter.id)
    {
        match vs.table.keeps_non_finite() {
            true => vs.table.record(tags, value, att),
            false => dropped = true,
        }
    }
    if dropped {
        meter.non_finite_dropped.fetch_add(1, Ordering::Relaxed);
    }
}
