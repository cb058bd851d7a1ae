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
//! # When a slot is valid
//!
//! A slot is the answer to "which rows does recording `measure` with `tags` into `meter` update?"
//! and is used only when all four parts of its key match the recording's:
//!
//! - **Meter id** (`MeterInner::id`): taken from a process-wide counter, so no two meters, live
//!   or dropped, ever share one. A slot of a dropped meter is never hit again; it only waits to
//!   be overwritten.
//! - **Measure address** (`&MeasureInner` as a number): an identity because the measure registry
//!   (`measure.rs`) keeps every measure alive until the process ends, so an address is never
//!   reused for another measure. (Even if it were, the generation would keep a stale slot from
//!   doing harm: a measure with a view in this meter is kept alive by that view, so it can be
//!   freed only after an unregister bumped the generation, and a slot for a measure without views
//!   here holds no rows. If measures ever become removable, still key this by an id.)
//! - **Generation** of the meter (`MeterInner::generation`): bumped by every register and
//!   unregister, *after* the measure's view list is updated. [`record`] loads it (Acquire)
//!   *before* [`fill`] loads the view list, so a slot filled at generation `g` holds the rows of
//!   views at least as new as `g`, and any later view change makes the slot stale. A hit thus
//!   always records into the current views' rows. The row limit needs no key part: it applies to
//!   views registered later, which bumps the generation.
//! - **Tag map**, compared in full (`TagMap::eq`: the same allocation, or an equal precomputed hash
//!   and equal tags): two different maps never share a slot. The set index mixes the map's hash,
//!   the measure address and the meter id, and only chooses where to look.
//!
//! Given a valid key the rows stay right: rows are never removed from a live view, and a row
//! keeps its tag values, so a cached row stays the row of its tags (or the view's overflow row,
//! which counts its hits itself). A slot may keep the rows of an unregistered view alive until
//! the slot is reused or the thread ends; once the generation has moved, no hit records into them
//! (a recording racing the unregister itself may, as on the uncached path).
//!
//! The cache is a `RefCell` in a thread-local: a recording made while the cache is borrowed
//! (re-entered, e.g. from a tracing subscriber while a miss logs the overflow warning) or after
//! the thread-local is torn down (a thread-local destructor that records) gets `false` and takes
//! the uncached path.

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

#[cfg(test)]
mod tests {
    use crate::{Int64Measure, Meter};

    /// The slot key relies on these two facts (see the module docs); this test fails when
    /// either stops being true.
    #[test]
    fn meter_ids_and_measure_addresses_are_never_reused() {
        let first = Meter::new();
        let id = first.inner.id;
        drop(first);
        assert!(Meter::new().inner.id > id, "meter ids only grow");

        let m = Int64Measure::new("row_cache.test/identity", "", "1").unwrap();
        let addr = std::sync::Arc::as_ptr(&m.inner) as usize;
        drop(m);
        // Every handle is dropped, but the registry keeps the measure (and its address).
        let again = Int64Measure::new("row_cache.test/identity", "", "1").unwrap();
        assert_eq!(std::sync::Arc::as_ptr(&again.inner) as usize, addr);
        assert!(
            std::sync::Arc::strong_count(&again.inner) >= 2,
            "the registry holds it"
        );
    }
}
