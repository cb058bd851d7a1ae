//! Case 6: opentelemetry_sdk 0.33 `Counter<u64>::add` and `Histogram<f64>::record` (10
//! bounds) with 3 prebuilt attributes, existing series, through an `SdkMeterProvider` whose
//! periodic reader never exports during the bench. Every census case must be ≥ 5× faster.

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

fn otel(c: &mut Criterion) {
    let o = common::otel();
    let (counter, histogram, attrs) = (&o.counter, &o.histogram, &o.attrs);
    let v = common::VALUE;

    let mut g = c.benchmark_group("otel");
    g.bench_function("counter_1t", |b| {
        b.iter(|| counter.add(black_box(1), black_box(attrs)))
    });
    g.bench_function("histogram_1t", |b| {
        b.iter(|| histogram.record(black_box(v), black_box(attrs)))
    });
    g.bench_function("counter_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("counter_2t", iters, || {
                || counter.add(black_box(1), black_box(attrs))
            })
        })
    });
    g.bench_function("histogram_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("histogram_2t", iters, || {
                || histogram.record(black_box(v), black_box(attrs))
            })
        })
    });
    g.finish();
    common::save_cpu_share("otel");
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = otel
}
criterion_main!(benches);
