//! Case 1: a count view broken down by 3 tags, recording into an existing row, against
//! prometheus' `IntCounterVec::with_label_values(&[..3]).inc()`. Target: census ≤ 1.0×
//! prometheus, on 1 and on 2 threads (both threads on the same series).

mod common;

use std::hint::black_box;

use census_sdk::Aggregation;
use criterion::{criterion_group, criterion_main, Criterion};

fn count_3tags(c: &mut Criterion) {
    let census = common::census_int("bench.census/count_3tags", &[Aggregation::Count]);
    let prom = common::prom_counter();
    let (meter, m, tags) = (&census.meter, &census.measure, &census.tags);

    let mut g = c.benchmark_group("count_3tags");
    g.bench_function("census_1t", |b| {
        b.iter(|| meter.record_with_tags(black_box(tags), &[m.m(black_box(1))]))
    });
    g.bench_function("prometheus_1t", |b| {
        b.iter(|| {
            prom.with_label_values(black_box(&common::LABEL_VALUES))
                .inc()
        })
    });
    g.bench_function("census_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("census_2t", iters, || {
                || meter.record_with_tags(black_box(tags), &[m.m(black_box(1))])
            })
        })
    });
    g.bench_function("prometheus_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("prometheus_2t", iters, || {
                || {
                    prom.with_label_values(black_box(&common::LABEL_VALUES))
                        .inc()
                }
            })
        })
    });
    g.finish();
    common::save_cpu_share("count_3tags");
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = count_3tags
}
criterion_main!(benches);
