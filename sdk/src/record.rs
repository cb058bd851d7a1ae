//! The record path of one measurement into one meter: drop what cannot be recorded, try the
//! per-thread row cache, else update each of the measure's views in that meter.

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
    if !meter.accept(value) {
        return;
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
