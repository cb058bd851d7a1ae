//! Case 2: a distribution view (10 bounds) broken down by 3 tags, existing row, against
//! prometheus' `HistogramVec::with_label_values(&[..3]).observe()` over the same bounds.
//! Target: census ≤ 1.0× prometheus, on 1 and on 2 threads (both on the same series).

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

fn dist_3tags(c: &mut Criterion) {
    let census = common::census_float("bench.census/dist_3tags", &[common::distribution()]);
    let prom = common::prom_histogram();
    let (meter, m, tags) = (&census.meter, &census.measure, &census.tags);
    let v = common::VALUE;

    let mut g = c.benchmark_group("dist_3tags");
    g.bench_function("census_1t", |b| {
        b.iter(|| meter.record_with_tags(black_box(tags), &[m.m(black_box(v))]))
    });
    g.bench_function("prometheus_1t", |b| {
        b.iter(|| {
            prom.with_label_values(black_box(&common::LABEL_VALUES))
                .observe(black_box(v))
        })
    });
    g.bench_function("census_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("census_2t", iters, || {
                || meter.record_with_tags(black_box(tags), &[m.m(black_box(v))])
            })
        })
    });
    g.bench_function("prometheus_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("prometheus_2t", iters, || {
                || {
                    prom.with_label_values(black_box(&common::LABEL_VALUES))
                        .observe(black_box(v))
                }
            })
        })
    });
    g.finish();
    common::save_cpu_share("dist_3tags");
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = dist_3tags
}
criterion_main!(benches);
