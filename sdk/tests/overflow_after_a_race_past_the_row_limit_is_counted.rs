//! Threads racing to create rows past a small row limit: every recording that lands in a view's
//! overflow row is counted in `MeterStats::overflowed`, exactly, and no recording is lost.

use std::cell::RefCell;
use std::sync::{Arc, Barrier};

use census_sdk::{
    Aggregation, AggregationData, Attachments, Float64Measure, Int64Measure, Meter, TagKey, TagMap,
    View, ViewData, OVERFLOW_TAG_VALUE,
};

const THREADS: usize = 4;
const LIMIT: usize = 3;
/// Distinct tag maps per thread, all new to the meter: THREADS × MAPS is far past LIMIT.
const MAPS: usize = 8;
const PASSES: usize = 25;
const ROUNDS: usize = 20;

/// (recordings in every row, recordings in the overflow row) of one view.
fn counts(d: &ViewData) -> (u64, u64) {
    let count = |data: &AggregationData| match data {
        AggregationData::Count(c) => *c,
        AggregationData::Distribution(d) => d.count,
        other => panic!("unexpected {other:?}"),
    };
    let mut total = 0;
    let mut over = 0;
    for r in &d.rows {
        total += count(&r.data);
        if r.tag_values
            .iter()
            .all(|v| v.as_str() == OVERFLOW_TAG_VALUE)
        {
            over += count(&r.data);
        }
    }
    (total, over)
}

#[test]
fn every_recording_into_an_overflow_row_is_counted_once() {
    let k = TagKey::new("k").unwrap();
    // Built before the threads start, so the recording threads only record.
    let maps: Vec<Vec<TagMap>> = (0..THREADS)
        .map(|t| {
            (0..MAPS)
                .map(|i| TagMap::from_pairs(&[("k", &format!("t{t}-{i}"))]).unwrap())
                .collect()
        })
        .collect();
    let att = Attachments::new().with("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    let hits = Int64Measure::new("overflow.race.test/hits", "", "1").unwrap();
    let lat = Float64Measure::new("overflow.race.test/lat", "", "ms").unwrap();
    for round in 0..ROUNDS {
        // A fresh meter per round: every round races for the first LIMIT rows again.
        let meter = Meter::new().with_row_limit(LIMIT);
        let vm = meter.view_manager();
        vm.register(&View::new("hits", "", [k.clone()], &hits, Aggregation::Count).unwrap())
            .unwrap();
        let dist = Aggregation::distribution(&[1.0, 10.0]).unwrap();
        vm.register(&View::new("lat", "", [k.clone()], &lat, dist).unwrap())
            .unwrap();
        let start = Barrier::new(THREADS + 1);
        std::thread::scope(|s| {
            for mine in &maps {
                let (meter, start, att) = (&meter, &start, &att);
                let (hits, lat) = (&hits, &lat);
                s.spawn(move || {
                    start.wait();
                    for pass in 0..PASSES {
                        for (i, tags) in mine.iter().enumerate() {
                            meter.record_with_tags(tags, &[hits.m(1)]);
                            if (i + pass) % 2 == 0 {
                                meter.record_with_attachments(tags, att, &[lat.m(i as f64)]);
                            } else {
                                meter.record_with_tags(tags, &[lat.m(i as f64)]);
                            }
                        }
                    }
                });
            }
            // Snapshots race the recordings too (the exemplar slots appear mid-snapshot).
            start.wait();
            for _ in 0..20 {
                let _ = meter.snapshot();
            }
        });

        let expected = (THREADS * MAPS * PASSES) as u64;
        let mut overflowed = 0;
        for view in ["hits", "lat"] {
            let data = vm.retrieve_data(view).unwrap();
            assert_eq!(data.rows.len(), LIMIT + 1, "round {round}, {view}");
            let (total, over) = counts(&data);
            assert_eq!(
                total, expected,
                "round {round}, {view}: a recording was lost"
            );
            // Every tag map records PASSES times into its row; LIMIT maps got a row.
            assert_eq!(
                over,
                expected - (LIMIT * PASSES) as u64,
                "round {round}, {view}"
            );
            overflowed += over;
        }
        assert_eq!(
            meter.stats().overflowed,
            overflowed,
            "round {round}: every overflow recording is counted once"
        );
    }
}

/// Records one value into a tag map of its own when its thread ends.
struct RecordOnExit {
    meter: Meter,
    hits: Int64Measure,
    tags: TagMap,
    start: Arc<Barrier>,
}

impl Drop for RecordOnExit {
    fn drop(&mut self) {
        self.start.wait();
        self.meter.record_with_tags(&self.tags, &[self.hits.m(1)]);
    }
}

thread_local! {
    static ON_EXIT: RefCell<Option<RecordOnExit>> = const { RefCell::new(None) };
}

#[test]
fn recordings_from_thread_exit_racing_past_the_limit_are_counted() {
    // A thread-local destructor that records runs after the SDK's own per-thread row cache is
    // gone (it was set up later, so it is torn down first), so these recordings take the
    // uncached path: the read-locked limit check, then the write lock.
    let k = TagKey::new("k").unwrap();
    let hits = Int64Measure::new("overflow.race.test/exit_hits", "", "1").unwrap();
    let warm = TagMap::from_pairs(&[("k", "warm")]).unwrap();
    for round in 0..ROUNDS * 10 {
        let meter = Meter::new().with_row_limit(2);
        meter
            .view_manager()
            .register(&View::new("exit_hits", "", [k.clone()], &hits, Aggregation::Count).unwrap())
            .unwrap();
        // The "warm" row takes one of the two rows; the exiting threads race for the other.
        meter.record_with_tags(&warm, &[hits.m(1)]);
        let start = Arc::new(Barrier::new(THREADS));
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let guard = RecordOnExit {
                    meter: meter.clone(),
                    hits: hits.clone(),
                    tags: TagMap::from_pairs(&[("k", &format!("exit-{t}"))]).unwrap(),
                    start: start.clone(),
                };
                let (meter, hits, warm) = (meter.clone(), hits.clone(), warm.clone());
                std::thread::spawn(move || {
                    ON_EXIT.with(|g| *g.borrow_mut() = Some(guard));
                    // Sets up this thread's row cache after the guard.
                    meter.record_with_tags(&warm, &[hits.m(1)]);
                })
            })
            .collect();
        for t in threads {
            // Joins the OS thread, so its thread-local destructors have run.
            t.join().unwrap();
        }
        let data = meter.view_manager().retrieve_data("exit_hits").unwrap();
        let (total, over) = counts(&data);
        assert_eq!(total, 1 + 2 * THREADS as u64, "round {round}");
        assert_eq!(over, THREADS as u64 - 1, "round {round}");
        assert_eq!(meter.stats().overflowed, over, "round {round}");
    }
}
