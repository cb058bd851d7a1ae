//! Case 5a: recording a measure that no view (in any meter) aggregates: the default meter's
//! free functions (`census_sdk::record_with_tags`, `census_sdk::record`) and a private meter's
//! `record_with_tags`. Target: ≤ 2 ns (one atomic load), on 1 and on 2 threads.

mod common;

use std::hint::black_box;

use census_sdk::Int64Measure;
use criterion::{criterion_group, criterion_main, Criterion};

fn no_views(c: &mut Criterion) {
    let m = Int64Measure::new("bench.census/no_views", "bench", "1").expect("valid measure");
    let meter = census_sdk::Meter::new();
    let tags = common::tag_map();
    let (m, tags, meter) = (&m, &tags, &meter);

    let mut g = c.benchmark_group("no_views");
    g.bench_function("free_record_with_tags_1t", |b| {
        b.iter(|| census_sdk::record_with_tags(black_box(tags), &[m.m(black_box(1))]))
    });
    g.bench_function("free_record_1t", |b| {
        b.iter(|| census_sdk::record(&[m.m(black_box(1))]))
    });
    g.bench_function("meter_record_with_tags_1t", |b| {
        b.iter(|| meter.record_with_tags(black_box(tags), &[m.m(black_box(1))]))
    });
    g.bench_function("free_record_with_tags_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("free_record_with_tags_2t", iters, || {
                || census_sdk::record_with_tags(black_box(tags), &[m.m(black_box(1))])
            })
        })
    });
    g.bench_function("meter_record_with_tags_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("meter_record_with_tags_2t", iters, || {
                || meter.record_with_tags(black_box(tags), &[m.m(black_box(1))])
            })
        })
    });
    g.finish();
    common::save_cpu_share("no_views");
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = no_views
}
criterion_main!(benches);
