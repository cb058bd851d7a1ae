//! Time, bytes and datagrams of one batch export of 10,000 series.
//!
//! `cargo bench -p census-statsd --bench batch`; results in `benches/README.md`.
//!
//! One Sum view with a `series` tag of 10,000 values and a constant `host` tag, Etsy flavour
//! under a namespace. `writer/…` is the pure part (snapshot → lines → datagrams, a fresh
//! writer each time, so every row is sent whole); `export/…` is a whole export through the
//! worker to a UDP socket on loopback, after one more recording on every row (not timed), so
//! each export sends 10,000 counter deltas.

use std::net::UdpSocket;
use std::time::Duration;

use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};
use census_statsd::{Datagrams, Flavor, Lines, Statsd, StatsdWriter, DEFAULT_DATAGRAM};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const SERIES: usize = 10_000;

struct Job {
    meter: Meter,
    m: Int64Measure,
    tags: Vec<TagMap>,
}

fn job() -> Job {
    let meter = Meter::new().with_row_limit(SERIES * 2);
    let m = Int64Measure::new("bench.io/requests", "Requests handled", "1").unwrap();
    let view = View::new(
        "requests_handled",
        "Requests handled",
        [TagKey::new("series").unwrap()],
        &m,
        Aggregation::Sum,
    )
    .unwrap();
    meter.view_manager().register(&view).unwrap();
    let tags: Vec<TagMap> = (0..SERIES)
        .map(|i| TagMap::from_pairs(&[("series", &format!("s{i:05}"))]).unwrap())
        .collect();
    let job = Job { meter, m, tags };
    record_all(&job);
    job
}

fn record_all(job: &Job) {
    for t in &job.tags {
        job.meter.record_with_tags(t, &[job.m.m(3)]);
    }
}

fn writer() -> StatsdWriter {
    StatsdWriter::new(Flavor::Etsy, "bench", vec![("host".into(), "h1".into())])
}

fn bench(c: &mut Criterion) {
    let job = job();
    let snapshot = job.meter.snapshot();

    // Bytes and datagrams, printed once.
    let mut lines = Lines::new();
    writer().write(&snapshot, &mut lines);
    let datagrams = Datagrams::new(&lines, DEFAULT_DATAGRAM).count();
    let bytes: usize = Datagrams::new(&lines, DEFAULT_DATAGRAM)
        .map(|d| d.bytes.len())
        .sum();
    println!(
        "statsd batch, {SERIES} series: {} lines, {bytes} bytes in {datagrams} datagrams of at most {DEFAULT_DATAGRAM} bytes (first line: {:?})",
        lines.len(),
        lines.get(0).unwrap_or_default()
    );

    let mut g = c.benchmark_group("statsd_batch_10k");
    g.throughput(Throughput::Elements(SERIES as u64));
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("writer/lines_and_datagrams", |b| {
        let mut lines = Lines::new();
        b.iter(|| {
            lines.clear();
            writer().write(&snapshot, &mut lines);
            Datagrams::new(&lines, DEFAULT_DATAGRAM).count()
        })
    });

    let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
    let exporter = Statsd::builder(sink.local_addr().unwrap().to_string())
        .with_namespace("bench")
        .with_const_tag("host", "h1")
        .with_meter(job.meter.clone())
        .build()
        .unwrap();
    exporter.export_blocking().unwrap();
    let before = exporter.stats();
    g.bench_function("export/udp_loopback", |b| {
        b.iter_batched(
            || record_all(&job),
            |()| exporter.export_blocking().unwrap(),
            BatchSize::PerIteration,
        )
    });
    g.finish();
    let after = exporter.stats();
    let exports = (after.exports - before.exports).max(1);
    println!(
        "statsd export: {} bytes in {} datagrams per export ({} send errors over {exports} exports)",
        (after.bytes - before.bytes) / exports,
        (after.datagrams - before.datagrams) / exports,
        after.send_errors - before.send_errors,
    );
    exporter.discard();
}

criterion_group!(benches, bench);
criterion_main!(benches);
