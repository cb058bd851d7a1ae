//! The per-view row table: the only hot data structure of the SDK.
//!
//! A recording finds its row under a read lock, by the hash of its tag map projected onto the
//! view's columns, comparing borrowed values: no allocation, no global lock. Only a new row takes
//! the write lock (re-checking first). Each row's value lives in lock-free atomics, except a
//! distribution, whose Welford update needs a short per-row spin lock.
//!
//! Inside that spin lock nothing allocates, frees, reads the clock or can panic: a recording with
//! attachments reads the clock and shares the attachments (a reference count) before locking, and
//! frees the exemplar it replaces after unlocking; a snapshot copies the row into buffers sized
//! before locking and builds its [`Row`] after unlocking. Another thread spinning on the row
//! waits only for arithmetic and copies.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::SystemTime;

use hashbrown::HashTable;

use super::aggregation::{Aggregation, Bounds};
use super::data::{AggregationData, Attachments, DistributionData, Exemplar, Row, SumData};
use crate::tags::{values_hash, TagKey, TagMap, TagValue, OVERFLOW_TAG_VALUE};
use crate::value::{MeasureKind, MeasureValue};

/// The aggregated value of one row, updated in place.
///
/// Each payload sits on its own cache line ([`Padded`]), apart from the enum tag that every
/// recording reads, so threads writing one row do not also fight over the tag's line.
#[derive(Debug)]
pub(crate) enum Cell {
    Count(Padded<AtomicU64>),
    SumInt(Padded<AtomicI64>),
    SumFloat(Padded<AtomicU64>),
    LastInt(Padded<AtomicI64>),
    LastFloat(Padded<AtomicU64>),
    Dist(Padded<DistLock>),
}

/// The lock of a distribution row. Welford's update must be serialised to reproduce OpenCensus
/// Go's floats exactly; the critical section is a few dozen instructions, so a spin lock (one
/// locked instruction to take, a plain store to release; yields the thread under contention)
/// costs about half a futex mutex. It cannot be poisoned: nothing in the section panics.
#[derive(Debug)]
pub(crate) struct DistLock(spin::mutex::SpinMutex<DistState, spin::relax::Yield>);

impl DistLock {
    fn new(state: DistState) -> Self {
        DistLock(spin::mutex::SpinMutex::new(state))
    }

    #[inline]
    fn lock(&self) -> impl std::ops::DerefMut<Target = DistState> + '_ {
        self.0.lock()
    }
}

// A std `Mutex` is unwind-safe through poisoning; this lock needs no poisoning because nothing
// in its critical section can panic (float arithmetic, `get_mut` indexing, a `u64` count that
// cannot reach 2^64), so no one can observe a half-updated `DistState`. Keeping the SDK's types
// `RefUnwindSafe` lets apps use a `Meter` inside `catch_unwind` (the push guard's doc does).
impl std::panic::RefUnwindSafe for DistLock {}
impl std::panic::UnwindSafe for DistLock {}

/// Keeps a cell's written state on its own cache line.
#[derive(Debug)]
#[repr(align(64))]
pub(crate) struct Padded<T>(T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.0
    }
}

#[derive(Debug)]
pub(crate) struct DistState {
    count: u64,
    mean: f64,
    ssd: f64,
    min: f64,
    max: f64,
    buckets: Box<[u64]>,
    exemplars: Option<Box<[Option<Exemplar>]>>,
}

impl Cell {
    fn new(agg: &Aggregation, kind: MeasureKind) -> Cell {
        match (agg, kind) {
            (Aggregation::Count, _) => Cell::Count(Padded(AtomicU64::new(0))),
            (Aggregation::Sum, MeasureKind::Int64) => Cell::SumInt(Padded(AtomicI64::new(0))),
            (Aggregation::Sum, MeasureKind::Float64) => {
                Cell::SumFloat(Padded(AtomicU64::new(0f64.to_bits())))
            }
            (Aggregation::LastValue, MeasureKind::Int64) => {
                Cell::LastInt(Padded(AtomicI64::new(0)))
            }
            (Aggregation::LastValue, MeasureKind::Float64) => {
                Cell::LastFloat(Padded(AtomicU64::new(0)))
            }
            (Aggregation::Distribution(b), _) => Cell::Dist(Padded(DistLock::new(DistState {
                count: 0,
                mean: 0.0,
                ssd: 0.0,
                min: f64::INFINITY,
                max: f64::NEG_INFINITY,
                buckets: vec![0; b.buckets()].into(),
                exemplars: None,
            }))),
        }
    }

    /// Adds one value. Never panics, never blocks on I/O.
    #[inline]
    pub(crate) fn record(
        &self,
        value: MeasureValue,
        bounds: Option<&Bounds>,
        att: Option<&Attachments>,
    ) {
        match self {
            Cell::Count(c) => {
                c.fetch_add(1, Relaxed);
            }
            Cell::SumInt(s) => {
                s.fetch_add(int_of(value), Relaxed);
            }
            Cell::SumFloat(s) => {
                let v = value.as_f64();
                let _ = s.fetch_update(Relaxed, Relaxed, |old| {
                    Some((f64::from_bits(old) + v).to_bits())
                });
            }
            Cell::LastInt(l) => l.store(int_of(value), Relaxed),
            Cell::LastFloat(l) => l.store(value.as_f64().to_bits(), Relaxed),
            Cell::Dist(d) => record_dist(d, value, bounds, att),
        }
    }

    fn snapshot(&self, bounds: Option<&Bounds>) -> AggregationData {
        match self {
            Cell::Count(c) => AggregationData::Count(c.load(Relaxed)),
            Cell::SumInt(s) => AggregationData::Sum(SumData::Int(s.load(Relaxed))),
            Cell::SumFloat(s) => {
                AggregationData::Sum(SumData::Float(f64::from_bits(s.load(Relaxed))))
            }
            Cell::LastInt(l) => AggregationData::LastValue(MeasureValue::Int(l.load(Relaxed))),
            Cell::LastFloat(l) => {
                AggregationData::LastValue(MeasureValue::Float(f64::from_bits(l.load(Relaxed))))
            }
            Cell::Dist(d) => AggregationData::Distribution(snapshot_dist(d, bounds)),
        }
    }
}

/// Copies a distribution row. The buffers are sized before locking, so the lock is held only
/// for plain copies and reference-count increments (an exemplar's attachments are shared).
fn snapshot_dist(d: &DistLock, bounds: Option<&Bounds>) -> DistributionData {
    let bounds = bounds
        .cloned()
        .unwrap_or_else(|| Bounds::new(&[]).unwrap_or_else(|_| unreachable_bounds()));
    // The row's bucket and exemplar arrays were sized from these same bounds.
    let n = bounds.buckets();
    let mut bucket_counts = Vec::with_capacity(n);
    let mut exemplars: Vec<Option<Exemplar>> = Vec::new();
    loop {
        let d = d.lock();
        if d.exemplars.is_some() && exemplars.capacity() < n {
            // Exemplar slots appeared since (or before) we looked: size the buffer unlocked.
            drop(d);
            exemplars = Vec::with_capacity(n);
            continue;
        }
        bucket_counts.extend_from_slice(&d.buckets);
        if let Some(ex) = d.exemplars.as_deref() {
            exemplars.extend(ex.iter().cloned());
        }
        let (count, mean, sum_of_squared_dev, min, max) = (d.count, d.mean, d.ssd, d.min, d.max);
        drop(d);
        return DistributionData {
            count,
            mean,
            sum_of_squared_dev,
            min,
            max,
            bounds,
            bucket_counts,
            exemplars,
        };
    }
}

/// The distribution arm of [`Cell::record`], out of line so the atomic arms stay small enough
/// to inline into the record path.
#[inline(never)]
fn record_dist(
    d: &DistLock,
    value: MeasureValue,
    bounds: Option<&Bounds>,
    att: Option<&Attachments>,
) {
    if let Some(bounds) = bounds {
        let v = value.as_f64();
        let bucket = bounds.bucket_of(v);
        match att {
            Some(att) if !att.is_empty() => record_exemplar(d, v, bucket, bounds.buckets(), att),
            _ => d.lock().add(v, bucket),
        }
    }
}

/// A distribution recording with attachments: it also becomes its bucket's exemplar.
///
/// Everything that may allocate, free or read the clock happens outside the spin lock: the
/// timestamp is taken and the attachments shared (a reference count, not a copy) before locking,
/// the row's exemplar slots (created on its first recording with attachments) are allocated
/// unlocked, and the exemplar this one replaces is dropped after unlocking.
#[inline(never)]
fn record_exemplar(d: &DistLock, v: f64, bucket: usize, buckets: usize, att: &Attachments) {
    let exemplar = Exemplar {
        value: v,
        timestamp: SystemTime::now(),
        attachments: att.clone(),
    };
    let mut slots: Option<Box<[Option<Exemplar>]>> = None;
    let replaced = loop {
        let mut d = d.lock();
        if d.exemplars.is_none() {
            match slots.take() {
                Some(s) => d.exemplars = Some(s),
                None => {
                    drop(d);
                    slots = Some((0..buckets).map(|_| None).collect());
                    continue;
                }
            }
        }
        d.add(v, bucket);
        break match d.exemplars.as_deref_mut().and_then(|e| e.get_mut(bucket)) {
            Some(slot) => slot.replace(exemplar),
            None => Some(exemplar),
        };
    };
    // Freed unlocked: the replaced exemplar, and slots another recording installed first.
    drop(replaced);
    drop(slots);
}

fn unreachable_bounds() -> Bounds {
    // `Bounds::new(&[])` cannot fail; this keeps `snapshot` free of panics regardless.
    match Bounds::new(&[]) {
        Ok(b) => b,
        Err(_) => unreachable_bounds(),
    }
}

#[inline]
fn int_of(v: MeasureValue) -> i64 {
    match v {
        MeasureValue::Int(i) => i,
        MeasureValue::Float(f) => f as i64,
    }
}

impl DistState {
    /// OpenCensus Go's `DistributionData.addSample`, in the same order of float operations.
    #[inline]
    fn add(&mut self, v: f64, bucket: usize) {
        if v < self.min {
            self.min = v;
        }
        if v > self.max {
            self.max = v;
        }
        self.count += 1;
        if let Some(b) = self.buckets.get_mut(bucket) {
            *b += 1;
        }
        if self.count == 1 {
            self.mean = v;
            return;
        }
        let old = self.mean;
        self.mean += (v - self.mean) / self.count as f64;
        self.ssd += (v - old) * (v - self.mean);
    }
}

/// One row: its column values and its cell.
#[derive(Debug)]
pub(crate) struct RowEntry {
    hash: u64,
    values: Arc<[TagValue]>,
    cell: Cell,
    /// Set on a view's overflow row only: recordings into it are counted in `overflow_hits`.
    overflow: bool,
    overflow_hits: AtomicU64,
}

impl RowEntry {
    fn new(hash: u64, values: Arc<[TagValue]>, cell: Cell, overflow: bool) -> Self {
        RowEntry {
            hash,
            values,
            cell,
            overflow,
            overflow_hits: AtomicU64::new(0),
        }
    }

    /// Adds one value to this row (counting it when this is the overflow row).
    #[inline]
    pub(crate) fn record(
        &self,
        value: MeasureValue,
        bounds: Option<&Bounds>,
        att: Option<&Attachments>,
    ) {
        if self.overflow {
            self.overflow_hits.fetch_add(1, Relaxed);
        }
        self.cell.record(value, bounds, att);
    }
}

/// All rows of one view.
#[derive(Debug)]
pub(crate) struct RowTable {
    view_name: String,
    columns: Arc<[TagKey]>,
    aggregation: Aggregation,
    kind: MeasureKind,
    limit: usize,
    rows: RwLock<HashTable<Arc<RowEntry>>>,
    overflow: OnceLock<Arc<RowEntry>>,
    warned: AtomicBool,
}

impl RowTable {
    pub(crate) fn new(
        view_name: &str,
        columns: Arc<[TagKey]>,
        aggregation: Aggregation,
        kind: MeasureKind,
        limit: usize,
    ) -> Self {
        RowTable {
            view_name: view_name.into(),
            columns,
            aggregation,
            kind,
            limit: limit.max(1),
            rows: RwLock::new(HashTable::new()),
            overflow: OnceLock::new(),
            warned: AtomicBool::new(false),
        }
    }

    #[inline]
    pub(crate) fn bounds(&self) -> Option<&Bounds> {
        self.aggregation.bounds()
    }

    /// Whether a NaN or infinite value is recorded (Count counts it, LastValue keeps it) rather
    /// than dropped (Sum, Distribution).
    pub(crate) fn keeps_non_finite(&self) -> bool {
        matches!(
            self.aggregation,
            Aggregation::Count | Aggregation::LastValue
        )
    }

    /// Records `value` into the row of `tags`.
    #[inline]
    pub(crate) fn record(&self, tags: &TagMap, value: MeasureValue, att: Option<&Attachments>) {
        let hash = tags.project_hash(&self.columns);
        {
            let rows = self.rows.read().unwrap_or_else(|e| e.into_inner());
            if let Some(e) = rows.find(hash, |e| {
                e.hash == hash && tags.project_eq(&self.columns, &e.values)
            }) {
                e.record(value, self.bounds(), att);
                return;
            }
            if rows.len() >= self.limit {
                drop(rows);
                self.overflow_row().record(value, self.bounds(), att);
                return;
            }
        }
        // Through `RowEntry::record`, not the cell: another thread may have taken the last free
        // row since the check above, so this can be the overflow row, and its hit must count.
        self.resolve_hashed(tags, hash)
            .record(value, self.bounds(), att);
    }

    /// The row of `tags`, created if needed (or the overflow row past the limit).
    pub(crate) fn resolve(&self, tags: &TagMap) -> Arc<RowEntry> {
        let hash = tags.project_hash(&self.columns);
        {
            let rows = self.rows.read().unwrap_or_else(|e| e.into_inner());
            if let Some(e) = rows.find(hash, |e| {
                e.hash == hash && tags.project_eq(&self.columns, &e.values)
            }) {
                return e.clone();
            }
        }
        self.resolve_hashed(tags, hash)
    }

    fn resolve_hashed(&self, tags: &TagMap, hash: u64) -> Arc<RowEntry> {
        let mut rows = self.rows.write().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = rows.find(hash, |e| {
            e.hash == hash && tags.project_eq(&self.columns, &e.values)
        }) {
            return e.clone();
        }
        if rows.len() >= self.limit {
            drop(rows);
            return self.overflow_row();
        }
        let values = tags.project(&self.columns);
        debug_assert_eq!(values_hash(&values), hash);
        let entry = Arc::new(RowEntry::new(
            hash,
            values,
            Cell::new(&self.aggregation, self.kind),
            false,
        ));
        rows.insert_unique(hash, entry.clone(), |e| e.hash);
        entry
    }

    fn overflow_row(&self) -> Arc<RowEntry> {
        if !self.warned.swap(true, Relaxed) {
            tracing::warn!(
                view = %self.view_name,
                limit = self.limit,
                "view reached its row limit; further new tag combinations are recorded into one \
                 overflow row tagged {OVERFLOW_TAG_VALUE:?} (totals stay exact). Raise the limit \
                 with Meter::with_row_limit or drop unbounded tag keys from the view"
            );
        }
        self.overflow
            .get_or_init(|| {
                let values: Arc<[TagValue]> = self
                    .columns
                    .iter()
                    .map(|_| TagValue::new_unchecked(OVERFLOW_TAG_VALUE))
                    .collect();
                Arc::new(RowEntry::new(
                    values_hash(&values),
                    values,
                    Cell::new(&self.aggregation, self.kind),
                    true,
                ))
            })
            .clone()
    }

    /// How many recordings went to the overflow row.
    pub(crate) fn overflowed(&self) -> u64 {
        self.overflow
            .get()
            .map_or(0, |e| e.overflow_hits.load(Relaxed))
    }

    /// Copies every row out (row locks are held only while copying).
    pub(crate) fn snapshot(&self) -> Vec<Row> {
        // The list of rows is sized outside the read lock, so a new row's writer never waits for
        // an allocation (retried if rows were added meanwhile; at most `limit` of them).
        let mut entries: Vec<Arc<RowEntry>> = Vec::new();
        loop {
            let rows = self.rows.read().unwrap_or_else(|e| e.into_inner());
            let needed = rows.len() + 1;
            if entries.capacity() < needed {
                drop(rows);
                entries = Vec::with_capacity(needed + needed / 8);
                continue;
            }
            entries.extend(rows.iter().cloned());
            break;
        }
        entries.extend(self.overflow.get().cloned());
        entries
            .iter()
            .map(|e| Row {
                tag_values: e.values.clone(),
                data: e.cell.snapshot(self.bounds()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(agg: Aggregation, kind: MeasureKind, limit: usize) -> RowTable {
        let cols: Arc<[TagKey]> = vec![TagKey::new("a").unwrap(), TagKey::new("b").unwrap()].into();
        RowTable::new("t", cols, agg, kind, limit)
    }

    #[test]
    fn welford_matches_go_probe() {
        // Go probe for GET/200: values 5, 25, -3, 0.1, 0.2 give mean 5.460000000000001,
        // sum 27.300000000000004, ssd 509.992, min -3, max 25, buckets [4 0 1 0].
        let t = table(
            Aggregation::distribution(&[10.0, 25.0, 100.0]).unwrap(),
            MeasureKind::Float64,
            10,
        );
        let tags = TagMap::from_pairs(&[("a", "GET")]).unwrap();
        for v in [5.0, 25.0, -3.0, 0.1, 0.2] {
            t.record(&tags, MeasureValue::Float(v), None);
        }
        let rows = t.snapshot();
        let AggregationData::Distribution(d) = &rows[0].data else {
            panic!()
        };
        assert_eq!(d.count, 5);
        assert_eq!(d.mean, 5.460000000000001);
        assert_eq!(d.sum(), 27.300000000000004);
        assert_eq!(d.sum_of_squared_dev, 509.992);
        assert_eq!((d.min, d.max), (-3.0, 25.0));
        assert_eq!(d.bucket_counts, vec![4, 0, 1, 0]);
    }

    #[test]
    fn max_is_right_when_all_values_are_negative() {
        let t = table(
            Aggregation::distribution(&[1.0]).unwrap(),
            MeasureKind::Float64,
            10,
        );
        let tags = TagMap::new();
        t.record(&tags, MeasureValue::Float(-5.0), None);
        t.record(&tags, MeasureValue::Float(-2.0), None);
        let AggregationData::Distribution(d) = &t.snapshot()[0].data else {
            panic!()
        };
        assert_eq!((d.min, d.max), (-5.0, -2.0));
        assert!(d.exemplars.is_empty(), "no attachments, no exemplar slots");
    }

    #[test]
    fn exemplars_keep_the_latest_attachment_per_bucket() {
        let t = table(
            Aggregation::distribution(&[10.0]).unwrap(),
            MeasureKind::Float64,
            10,
        );
        let tags = TagMap::new();
        let a1 = Attachments::new().with("trace_id", "1");
        let a2 = Attachments::new().with("trace_id", "2");
        t.record(&tags, MeasureValue::Float(1.0), Some(&a1));
        t.record(&tags, MeasureValue::Float(2.0), Some(&a2));
        t.record(&tags, MeasureValue::Float(3.0), Some(&Attachments::new()));
        let AggregationData::Distribution(d) = &t.snapshot()[0].data else {
            panic!()
        };
        let ex = d.exemplars[0].as_ref().unwrap();
        assert_eq!((ex.value, ex.attachments.get("trace_id")), (2.0, Some("2")));
        assert!(d.exemplars[1].is_none());
    }

    #[test]
    fn int_sums_are_exact_beyond_2_pow_53() {
        let t = table(Aggregation::Sum, MeasureKind::Int64, 10);
        let tags = TagMap::new();
        t.record(&tags, MeasureValue::Int(1 << 53), None);
        t.record(&tags, MeasureValue::Int(1), None);
        assert_eq!(
            t.snapshot()[0].data,
            AggregationData::Sum(SumData::Int((1 << 53) + 1))
        );
    }

    #[test]
    fn rows_past_the_limit_go_to_one_overflow_row() {
        let t = table(Aggregation::Count, MeasureKind::Int64, 2);
        for i in 0..5 {
            let tags = TagMap::from_pairs(&[("a", &i.to_string())]).unwrap();
            t.record(&tags, MeasureValue::Int(1), None);
            t.record(&tags, MeasureValue::Int(1), None);
        }
        let rows = t.snapshot();
        assert_eq!(rows.len(), 3);
        let total: u64 = rows
            .iter()
            .map(|r| match r.data {
                AggregationData::Count(c) => c,
                _ => 0,
            })
            .sum();
        assert_eq!(total, 10);
        let over = rows
            .iter()
            .find(|r| r.tag_values[0].as_str() == OVERFLOW_TAG_VALUE)
            .unwrap();
        assert_eq!(over.data, AggregationData::Count(6));
        assert_eq!(t.overflowed(), 6);
    }

    /// Total and overflow-row count of a count table.
    fn counts(t: &RowTable) -> (u64, u64) {
        let rows = t.snapshot();
        let count = |r: &Row| match r.data {
            AggregationData::Count(c) => c,
            _ => 0,
        };
        let over = rows
            .iter()
            .filter(|r| r.tag_values[0].as_str() == OVERFLOW_TAG_VALUE)
            .map(count)
            .sum();
        (rows.iter().map(count).sum(), over)
    }

    #[test]
    fn an_overflow_hit_after_a_race_past_the_limit_is_counted() {
        // Limit 1: every thread that passes the read-locked limit check before the first row
        // exists finds the table full under the write lock and records into the overflow row.
        // That hit used to bypass the overflow counter.
        const THREADS: usize = 4;
        let tags: Vec<TagMap> = (0..THREADS)
            .map(|i| TagMap::from_pairs(&[("a", &i.to_string())]).unwrap())
            .collect();
        for round in 0..300 {
            let t = table(Aggregation::Count, MeasureKind::Int64, 1);
            let start = std::sync::Barrier::new(THREADS);
            std::thread::scope(|s| {
                for tm in &tags {
                    let (t, start) = (&t, &start);
                    s.spawn(move || {
                        start.wait();
                        t.record(tm, MeasureValue::Int(1), None);
                    });
                }
            });
            let (total, over) = counts(&t);
            assert_eq!(total, THREADS as u64, "round {round}");
            assert_eq!(
                over,
                THREADS as u64 - 1,
                "round {round}: one row, the rest overflow"
            );
            assert_eq!(t.overflowed(), over, "round {round}");
        }
    }

    #[test]
    fn an_exemplar_shares_the_recorded_attachments() {
        let t = table(
            Aggregation::distribution(&[10.0]).unwrap(),
            MeasureKind::Float64,
            10,
        );
        let tags = TagMap::new();
        let att = Attachments::new().with("trace_id", "1");
        t.record(&tags, MeasureValue::Float(1.0), Some(&att));
        let before = SystemTime::now();
        t.record(&tags, MeasureValue::Float(20.0), Some(&att));
        let AggregationData::Distribution(d) = &t.snapshot()[0].data else {
            panic!()
        };
        for ex in d.exemplars.iter().map(|e| e.as_ref().unwrap()) {
            assert!(ex.attachments.shares_map_with(&att), "{ex:?}");
        }
        let latest = d.exemplars[1].as_ref().unwrap();
        assert_eq!(latest.value, 20.0);
        assert!(latest.timestamp >= before);
        assert_eq!((d.count, d.bucket_counts.as_slice()), (2, &[1, 1][..]));
    }
}
