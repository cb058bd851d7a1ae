//! Text exposition of 10,000 and 100,000 series: census's `Encoder` against the `prometheus`
//! crate's `TextEncoder` on the same series (same names, labels, values), in the same run,
//! plus the bytes each allocates per scrape (counted by a global allocator); and census's
//! protobuf-delimited writer on the same snapshot (`census_protobuf`, the Pushgateway body),
//! against its text writer.
//!
//! Run: `cargo bench -p census-prometheus --bench encode`. Last results (2 shared vCPUs):
//! 10,000 series 1.44 ms vs 8.23 ms (5.7×), 100,000 series 24.7 ms vs 83.9 ms (3.4×); census
//! allocates 2.7 KB per encode. Details and the machine: `benches/README.md`.

use std::alloc::System;
use std::hint::black_box;
use std::time::Duration;

use census_prometheus::{Encoder, ExpositionOptions};
use census_sdk::{
    Aggregation, AggregationData, Float64Measure, Int64Measure, Meter, TagKey, TagMap, View,
    ViewData,
};
use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use prometheus::proto;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const SIZES: [usize; 2] = [10_000, 100_000];
const BOUNDS: [f64; 8] = [5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0];

/// A meter with `series` rows spread evenly over four views (one per aggregation), three tag
/// keys each, every row recorded once.
fn meter(series: usize) -> Meter {
    let meter = Meter::new().with_row_limit(series);
    let latency = Float64Measure::new("bench.io/latency", "Request latency", "ms").unwrap();
    let bytes = Int64Measure::new("bench.io/bytes", "Response bytes", "By").unwrap();
    let cols = || ["route", "method", "status"].map(|k| TagKey::new(k).unwrap());
    let views = [
        View::new(
            "bench/requests",
            "Requests",
            cols(),
            &latency,
            Aggregation::Count,
        ),
        View::new(
            "bench/latency.ms",
            "Latency",
            cols(),
            &latency,
            Aggregation::distribution(&BOUNDS).unwrap(),
        ),
        View::new("bench/bytes_sum", "Bytes", cols(), &bytes, Aggregation::Sum),
        View::new(
            "bench/bytes_last",
            "Last bytes",
            cols(),
            &bytes,
            Aggregation::LastValue,
        ),
    ];
    for v in views {
        meter.view_manager().register(&v.unwrap()).unwrap();
    }
    // Each recording feeds all four views, so series / 4 tag combinations give `series` rows.
    for i in 0..series / 4 {
        let method = ["GET", "POST", "PUT", "DELETE"][i % 4];
        let tags = TagMap::from_pairs(&[
            ("route", &format!("/api/v1/items/{}", i / 12)),
            ("method", method),
            ("status", ["200", "404", "500"][i % 3]),
        ])
        .unwrap();
        meter.record_with_tags(
            &tags,
            &[latency.m((i % 1200) as f64 * 0.9), bytes.m(i as i64)],
        );
    }
    meter
}

/// The same series as `prometheus` crate protobuf-model families (the names and label names
/// census's encoder writes).
fn families(data: &[ViewData], namespace: &str) -> Vec<proto::MetricFamily> {
    data.iter()
        .map(|vd| {
            let name = format!(
                "{namespace}_{}",
                census_prometheus::naming::sanitize(vd.view.name())
            );
            let labels: Vec<String> = vd
                .view
                .columns()
                .iter()
                .map(|k| census_prometheus::naming::sanitize(k.name()))
                .collect();
            let mut mf = proto::MetricFamily::default();
            mf.set_name(name);
            mf.set_help(vd.view.description().to_string());
            let metrics = vd
                .rows
                .iter()
                .map(|row| {
                    let pairs = labels
                        .iter()
                        .zip(row.tag_values.iter())
                        .map(|(n, v)| {
                            let mut lp = proto::LabelPair::default();
                            lp.set_name(n.clone());
                            lp.set_value(v.as_str().to_string());
                            lp
                        })
                        .collect();
                    let mut m = proto::Metric::from_label(pairs);
                    match &row.data {
                        AggregationData::Count(c) => {
                            let mut x = proto::Counter::default();
                            x.set_value(*c as f64);
                            m.set_counter(x);
                        }
                        AggregationData::Sum(s) => {
                            let mut x = proto::Counter::default();
                            x.set_value(s.as_f64());
                            m.set_counter(x);
                        }
                        AggregationData::LastValue(v) => {
                            let mut x = proto::Gauge::default();
                            x.set_value(v.as_f64());
                            m.set_gauge(x);
                        }
                        AggregationData::Distribution(d) => {
                            let mut h = proto::Histogram::default();
                            h.set_sample_count(d.count);
                            h.set_sample_sum(d.sum());
                            let mut cum = 0;
                            h.set_bucket(
                                d.bounds
                                    .as_slice()
                                    .iter()
                                    .zip(&d.bucket_counts)
                                    .map(|(&ub, &n)| {
                                        cum += n;
                                        let mut b = proto::Bucket::default();
                                        b.set_upper_bound(ub);
                                        b.set_cumulative_count(cum);
                                        b
                                    })
                                    .collect(),
                            );
                            m.set_histogram(h);
                        }
                        _ => unreachable!("four aggregations"),
                    }
                    m
                })
                .collect();
            mf.set_metric(metrics);
            mf.set_field_type(match vd.view.aggregation() {
                Aggregation::Count | Aggregation::Sum => proto::MetricType::COUNTER,
                Aggregation::LastValue => proto::MetricType::GAUGE,
                Aggregation::Distribution(_) => proto::MetricType::HISTOGRAM,
            });
            mf
        })
        .collect()
}

fn opts() -> ExpositionOptions {
    ExpositionOptions::new().with_namespace("bench").unwrap()
}

/// Bytes allocated (including growth by realloc) and allocation count of `f`'s second run.
fn allocated(mut f: impl FnMut()) -> (usize, usize) {
    f(); // warm up reusable buffers
    let region = Region::new(GLOBAL);
    f();
    let s = region.change();
    let grown = s.bytes_reallocated.max(0) as usize;
    (s.bytes_allocated + grown, s.allocations + s.reallocations)
}

fn report_allocations() {
    println!("\nbytes allocated per scrape (second scrape; buffers reused where the API allows):");
    println!("| series | census encode | census snapshot+encode (server path) | prometheus TextEncoder | body bytes |");
    println!("| ---: | ---: | ---: | ---: | ---: |");
    for n in SIZES {
        let meter = meter(n);
        let data = meter.snapshot();
        let fams = families(&data, "bench");
        let mut encoder = Encoder::new(opts());
        let mut out = Vec::new();
        let census = allocated(|| {
            out.clear();
            encoder.encode_text(&data, &mut out);
        });
        let body = out.len();
        let exporter = census_prometheus::PrometheusExporter::builder()
            .with_options(opts())
            .with_meters(census_sdk::Meters::Only(vec![meter.clone()]))
            .build()
            .unwrap();
        let scrape = allocated(|| {
            black_box(exporter.scrape(census_prometheus::Format::Text));
        });
        let mut buf = Vec::new();
        let prom = allocated(|| {
            buf.clear();
            prometheus::Encoder::encode(&prometheus::TextEncoder::new(), &fams, &mut buf).unwrap();
        });
        let samples = |b: &[u8]| {
            b.split(|&c| c == b'\n')
                .filter(|l| !l.is_empty() && l[0] != b'#')
                .count()
        };
        assert_eq!(
            samples(&out),
            samples(&buf),
            "both encoders write the same samples"
        );
        let best = |f: &mut dyn FnMut()| {
            (0..15)
                .map(|_| {
                    let t = std::time::Instant::now();
                    f();
                    t.elapsed()
                })
                .min()
                .unwrap()
        };
        let c = best(&mut || {
            out.clear();
            encoder.encode_text(&data, &mut out);
        });
        let mut pb = Vec::new();
        let pb_alloc = allocated(|| {
            pb.clear();
            encoder.encode_protobuf(&data, &mut pb);
        });
        let pbt = best(&mut || {
            pb.clear();
            encoder.encode_protobuf(&data, &mut pb);
        });
        let p = best(&mut || {
            buf.clear();
            prometheus::Encoder::encode(&prometheus::TextEncoder::new(), &fams, &mut buf).unwrap();
        });
        eprintln!(
            "best of 15: census {c:?}, prometheus {p:?}, ratio {:.2}; census protobuf {pbt:?} \
             ({:.2}x census text; {} B in {} allocs, {} body bytes)",
            p.as_secs_f64() / c.as_secs_f64(),
            pbt.as_secs_f64() / c.as_secs_f64(),
            pb_alloc.0,
            pb_alloc.1,
            pb.len()
        );
        println!(
            "| {n} | {} B in {} allocs | {} B in {} allocs | {} B in {} allocs | {body} (prometheus: {}) |",
            census.0, census.1, scrape.0, scrape.1, prom.0, prom.1, buf.len()
        );
    }
    println!();
}

fn encode(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode_text");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    for n in SIZES {
        let meter = meter(n);
        let data = meter.snapshot();
        let fams = families(&data, "bench");
        group.throughput(Throughput::Elements(n as u64));

        let mut encoder = Encoder::new(opts());
        let mut out = Vec::new();
        group.bench_with_input(BenchmarkId::new("census", n), &data, |b, data| {
            b.iter(|| {
                out.clear();
                black_box(encoder.encode_text(data, &mut out));
            })
        });
        let text = prometheus::TextEncoder::new();
        let mut buf = Vec::new();
        group.bench_with_input(BenchmarkId::new("prometheus", n), &fams, |b, fams| {
            b.iter(|| {
                buf.clear();
                prometheus::Encoder::encode(&text, fams, &mut buf).unwrap();
                black_box(&buf);
            })
        });
        let mut pb = Vec::new();
        group.bench_with_input(BenchmarkId::new("census_protobuf", n), &data, |b, data| {
            b.iter(|| {
                pb.clear();
                black_box(encoder.encode_protobuf(data, &mut pb));
            })
        });
        group.bench_with_input(
            BenchmarkId::new("census_snapshot_and_encode", n),
            &meter,
            |b, meter| {
                b.iter(|| {
                    out.clear();
                    let data = meter.snapshot();
                    black_box(encoder.encode_text(&data, &mut out));
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, encode);

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not and just checks it runs.
    if std::env::args().any(|a| a == "--bench") {
        report_allocations();
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
