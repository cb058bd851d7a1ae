//! Case 4: one float64 measurement feeding 4 views (count, sum, distribution over 10 bounds,
//! last value), each broken down by the same 3 tags, existing rows. Target: ≤ 2.5× case 1
//! (`count_3tags/census_*`), on 1 and on 2 threads.

mod common;

use std::hint::black_box;

use census_sdk::Aggregation;
use criterion::{criterion_group, criterion_main, Criterion};

fn four_views(c: &mut Criterion) {
    let aggs = [
        Aggregation::Count,
        Aggregation::Sum,
        common::distribution(),
        Aggregation::LastValue,
    ];
    let census = common::census_float("bench.census/four_views", &aggs);
    let (meter, m, tags) = (&census.meter, &census.measure, &census.tags);
    let v = common::VALUE;

    let mut g = c.benchmark_group("four_views");
    g.bench_function("census_1t", |b| {
        b.iter(|| meter.record_with_tags(black_box(tags), &[m.m(black_box(v))]))
    });
    g.bench_function("census_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("census_2t", iters, || {
                || meter.record_with_tags(black_box(tags), &[m.m(black_box(v))])
            })
        })
    });
    g.finish();
    common::save_cpu_share("four_views");
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = four_views
}
criterion_main!(benches);
