//! Shared setup for the record-path benches: criterion settings, the tag set and bounds every
//! library records with, one fixture per library, and the 2-thread driver.
//!
//! Every bench binary includes this module with `mod common;` and uses a subset of it. The
//! cases, targets, last results and the hardware they were measured on are in `README.md`;
//! `ratios.py` prints the ratio table of the last run.
#![allow(dead_code)] // each bench binary uses only the fixtures it compares

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use census_sdk::{
    Aggregation, Float64Measure, Int64Measure, MeasureType, Meter, TagKey, TagMap, TypedMeasure,
    View,
};
use criterion::Criterion;
use opentelemetry::metrics::{Counter, Histogram, MeterProvider as _};
use opentelemetry::KeyValue;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts};

/// The three tags of every recording (the row / series already exists when timing starts).
pub const TAGS: [(&str, &str); 3] = [("method", "GET"), ("status", "200"), ("path", "/api/users")];

/// The tag values alone, in the order of [`LABEL_NAMES`], for prometheus' `with_label_values`.
pub const LABEL_VALUES: [&str; 3] = ["GET", "200", "/api/users"];

/// The label names of the prometheus vecs.
pub const LABEL_NAMES: [&str; 3] = ["method", "status", "path"];

/// Ten distribution bounds, the same for census, prometheus and opentelemetry_sdk.
pub const BOUNDS: [f64; 10] = [1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0];

/// The value recorded into distributions (a middle bucket in every library).
pub const VALUE: f64 = 42.0;

/// Criterion settings: short runs, because the bench host is 2 shared cores.
pub fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

/// The census tag map of [`TAGS`].
pub fn tag_map() -> TagMap {
    TagMap::from_pairs(&TAGS).expect("valid tags")
}

/// The census view columns: the keys of [`TAGS`].
pub fn columns() -> Vec<TagKey> {
    TAGS.iter()
        .map(|(k, _)| TagKey::new(k).expect("valid key"))
        .collect()
}

/// A private census meter with one view per aggregation on one measure, all broken down by the
/// three tag keys, and the row of [`TAGS`] already created.
#[derive(Debug)]
pub struct Census<T: MeasureType> {
    /// The meter holding the views.
    pub meter: Meter,
    /// The measure the views aggregate.
    pub measure: TypedMeasure<T>,
    /// The tags of every recording.
    pub tags: TagMap,
}

/// An int64 census fixture; `measure` must be unique within the bench binary.
pub fn census_int(measure: &str, aggregations: &[Aggregation]) -> Census<i64> {
    let m = Int64Measure::new(measure, "bench", "1").expect("valid measure");
    let c = census(m, aggregations);
    c.meter.record_with_tags(&c.tags, &[c.measure.m(1)]);
    c
}

/// A float64 census fixture; `measure` must be unique within the bench binary.
pub fn census_float(measure: &str, aggregations: &[Aggregation]) -> Census<f64> {
    let m = Float64Measure::new(measure, "bench", "ms").expect("valid measure");
    let c = census(m, aggregations);
    c.meter.record_with_tags(&c.tags, &[c.measure.m(VALUE)]);
    c
}

fn census<T: MeasureType>(measure: TypedMeasure<T>, aggregations: &[Aggregation]) -> Census<T> {
    let meter = Meter::new();
    for (i, agg) in aggregations.iter().enumerate() {
        let name = format!("{}/{}/{i}", measure.name(), agg.type_name());
        let view = View::new(&name, "", columns(), &measure, agg.clone()).expect("valid view");
        meter.view_manager().register(&view).expect("new view");
    }
    Census {
        meter,
        measure,
        tags: tag_map(),
    }
}

/// The census distribution aggregation over [`BOUNDS`].
pub fn distribution() -> Aggregation {
    Aggregation::distribution(&BOUNDS).expect("valid bounds")
}

/// A prometheus `IntCounterVec` with the series of [`LABEL_VALUES`] created.
pub fn prom_counter() -> IntCounterVec {
    let v = IntCounterVec::new(Opts::new("requests_total", "bench"), &LABEL_NAMES)
        .expect("valid counter");
    v.with_label_values(&LABEL_VALUES).inc();
    v
}

/// A prometheus `HistogramVec` over [`BOUNDS`] with the series of [`LABEL_VALUES`] created.
pub fn prom_histogram() -> HistogramVec {
    let opts = HistogramOpts::new("latency_ms", "bench").buckets(BOUNDS.to_vec());
    let v = HistogramVec::new(opts, &LABEL_NAMES).expect("valid histogram");
    v.with_label_values(&LABEL_VALUES).observe(VALUE);
    v
}

/// An exporter that drops everything; its periodic reader fires once an hour, so never during
/// a bench.
#[derive(Debug)]
struct NoExport;

impl PushMetricExporter for NoExport {
    async fn export(&self, _metrics: &ResourceMetrics) -> OTelSdkResult {
        Ok(())
    }
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
    fn temporality(&self) -> Temporality {
        Temporality::Cumulative
    }
}

/// An opentelemetry_sdk pipeline: a `u64` counter and an `f64` histogram over [`BOUNDS`], and
/// the prebuilt attribute slice of [`TAGS`]; the series already exist.
#[derive(Debug)]
pub struct Otel {
    /// Kept alive so the instruments stay connected to their reader.
    pub provider: SdkMeterProvider,
    /// `Counter<u64>`.
    pub counter: Counter<u64>,
    /// `Histogram<f64>` with [`BOUNDS`].
    pub histogram: Histogram<f64>,
    /// The three attributes, prebuilt.
    pub attrs: [KeyValue; 3],
}

/// Builds the [`Otel`] fixture.
pub fn otel() -> Otel {
    let reader = PeriodicReader::builder(NoExport)
        .with_interval(Duration::from_secs(3600))
        .build();
    let provider = SdkMeterProvider::builder().with_reader(reader).build();
    let meter = provider.meter("census-bench");
    let counter = meter.u64_counter("requests").build();
    let histogram = meter
        .f64_histogram("latency")
        .with_boundaries(BOUNDS.to_vec())
        .build();
    let attrs = TAGS.map(|(k, v)| KeyValue::new(k, v));
    counter.add(1, &attrs);
    histogram.record(VALUE, &attrs);
    Otel {
        provider,
        counter,
        histogram,
        attrs,
    }
}

/// The bare-atomic baseline: one relaxed `fetch_add`.
#[inline]
pub fn atomic_add(a: &AtomicU64) {
    black_box(a).fetch_add(1, Ordering::Relaxed);
}

/// Runs `iters` operations on each of 2 threads, started together by a barrier, and returns
/// the wall time of the slower thread: time per operation *per thread* is this over `iters`.
///
/// `prepare` runs on each worker before the barrier (bind a handle, enter a tag scope) and
/// returns the operation; threads are spawned once per criterion measurement batch.
///
/// On a shared 2-core host the two threads may end up time-sharing one core, which measures
/// 2× the single-thread cost instead of contention. Each batch therefore also records its *CPU
/// share*, the threads' on-CPU time over twice the wall time (1.0: truly concurrent, 0.5: one
/// core), under `id`; [`save_cpu_share`] writes it next to criterion's estimates.
pub fn two_threads<P, F>(id: &str, iters: u64, prepare: P) -> Duration
where
    P: Fn() -> F + Sync,
    F: FnMut(),
{
    let barrier = Barrier::new(2);
    let (wall, cpu) = thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut op = prepare();
                    barrier.wait();
                    let cpu0 = thread_cpu_ns();
                    let start = Instant::now();
                    for _ in 0..iters {
                        op();
                    }
                    let wall = start.elapsed();
                    let cpu = thread_cpu_ns().zip(cpu0).map(|(b, a)| b.saturating_sub(a));
                    (wall, cpu)
                })
            })
            .collect();
        let results: Vec<(Duration, Option<u64>)> = workers
            .into_iter()
            .map(|w| w.join().expect("bench worker panicked"))
            .collect();
        let wall = results.iter().map(|r| r.0).max().unwrap_or_default();
        let cpu: Option<u64> = results.iter().map(|r| r.1).sum();
        (wall, cpu)
    });
    // Ticks update the on-CPU clock every few ms: ignore batches too short to tell.
    if let Some(cpu) = cpu.filter(|_| wall >= Duration::from_millis(20)) {
        let share = cpu as f64 / (2.0 * wall.as_nanos() as f64);
        let mut shares = CPU_SHARE.lock().unwrap_or_else(|e| e.into_inner());
        shares.entry(id.to_owned()).or_default().push(share);
    }
    wall
}

static CPU_SHARE: Mutex<BTreeMap<String, Vec<f64>>> = Mutex::new(BTreeMap::new());

/// On-CPU time of the calling thread in ns (Linux `/proc/thread-self/schedstat`), if readable.
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Writes the median CPU share of each 2-thread bench of `group` measured by this process to
/// `target/criterion/<group>/<bench>/cpu_share.txt`, for `ratios.py`.
pub fn save_cpu_share(group: &str) {
    let shares = std::mem::take(&mut *CPU_SHARE.lock().unwrap_or_else(|e| e.into_inner()));
    // The bench binary is target/<profile>/deps/<name>-<hash>.
    let Some(target) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(|t| t.to_path_buf()))
    else {
        return;
    };
    for (id, mut v) in shares {
        v.sort_by(f64::total_cmp);
        let median = v[v.len() / 2];
        let dir = target.join("criterion").join(group).join(&id);
        let text = format!("{median:.3} (median of {} batches)\n", v.len());
        if std::fs::create_dir_all(&dir).is_ok() {
            let _ = std::fs::write(dir.join("cpu_share.txt"), text);
        }
    }
}
