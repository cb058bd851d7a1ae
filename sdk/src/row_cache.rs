//! A per-thread cache of resolved rows: the record path's fast lane.
//!
//! Finding a row costs a lock-free load of the measure's views plus a read lock on each view's
//! row table: four locked instructions per view before the one that adds the value. Most
//! recordings repeat a (meter, measure, tag map) seen moments ago on the same thread, so each
//! thread keeps the rows it resolved for the last few of them, in a small set-associative table
//! indexed by the tag map's precomputed hash. A hit costs no lock and no reference count: one
//! thread-local access, one load of the meter's generation, a comparison of the key, then the
//! add on each row.
//!
//! Correctness: a slot is valid only while its meter's generation (bumped by every register and
//! unregister) is unchanged, so a hit always records into the current views' rows. Rows are
//! never removed from a live view, so a cached row stays the row of its tags. A slot may keep the
//! rows of an unregistered view alive until the slot is reused or the thread ends.

use std::cell::RefCell;
use std::sync::Arc;

use crate::measure::MeasureInner;
use crate::pipeline::MeterInner;
use crate::rows::aggregation::Bounds;
use crate::rows::data::Attachments;
use crate::rows::table::RowEntry;
use crate::tags::TagMap;
use crate::value::MeasureValue;

const SETS: usize = 64;
const WAYS: usize = 2;

struct Slot {
    meter_id: u64,
    measure: usize,
    generation: u64,
    tags: TagMap,
    rows: Vec<(Arc<RowEntry>, Option<Bounds>)>,
}

#[derive(Default)]
struct Cache {
    slots: Vec<Option<Slot>>,
}

thread_local! {
    static CACHE: RefCell<Cache> = const { RefCell::new(Cache { slots: Vec::new() }) };
}

#[inline]
fn set_of(meter_id: u64, measure: usize, tags: &TagMap) -> usize {
    let h = tags.map_hash()
        ^ (measure as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ meter_id.rotate_left(29);
    ((h ^ (h >> 32)) as usize) & (SETS - 1)
}

/// Records `value` into the rows of `tags` in every view of `measure` in `meter`, through this
/// thread's cache. Returns false (nothing recorded) only when the cache is unusable (the thread
/// is ending, or re-entered); the caller then takes the uncached path.
#[inline]
pub(crate) fn record(
    meter: &MeterInner,
    measure: &MeasureInner,
    tags: &TagMap,
    value: MeasureValue,
    att: Option<&Attachments>,
) -> bool {
    CACHE
        .try_with(|cell| {
            let Ok(mut cache) = cell.try_borrow_mut() else {
                return false;
            };
            let generation = meter.generation.load(std::sync::atomic::Ordering::Acquire);
            let key = measure as *const MeasureInner as usize;
            let set = set_of(meter.id, key, tags) * WAYS;
            if cache.slots.is_empty() {
                cache.slots.resize_with(SETS * WAYS, || None);
            }
            for way in 0..WAYS {
                if let Some(s) = &cache.slots[set + way] {
                    if s.measure == key
                        && s.meter_id == meter.id
                        && s.generation == generation
                        && s.tags == *tags
                    {
                        for (row, bounds) in &s.rows {
                            row.record(value, bounds.as_ref(), att);
                        }
                        return true;
                    }
                }
            }
            fill(
                &mut cache.slots[set..set + WAYS],
                meter,
                measure,
                key,
                generation,
                tags,
            );
            if let Some(s) = &cache.slots[set] {
                for (row, bounds) in &s.rows {
                    row.record(value, bounds.as_ref(), att);
                }
            }
            true
        })
        .unwrap_or(false)
}

/// Resolves the rows into way 0 of the set, moving the previous way 0 to way 1 (a two-way LRU
/// by insertion). The victim's vector is reused, so a refill allocates nothing once warm.
#[cold]
#[inline(never)]
fn fill(
    ways: &mut [Option<Slot>],
    meter: &MeterInner,
    measure: &MeasureInner,
    key: usize,
    generation: u64,
    tags: &TagMap,
) {
    let mut rows = match ways[WAYS - 1].take() {
        Some(mut old) => {
            old.rows.clear();
            old.rows
        }
        None => Vec::new(),
    };
    let views = measure.views.load();
    rows.extend(
        views
            .iter()
            .filter(|s| s.meter_id == meter.id)
            .map(|s| (s.table.resolve(tags), s.table.bounds().cloned())),
    );
    ways.rotate_right(1);
    ways[0] = Some(Slot {
        meter_id: meter.id,
        measure: key,
        generation,
        tags: tags.clone(),
        rows,
    });
}
