//! Case 3: a bound handle (`meter.bind(&m, &tags).record(1)`, one count view, 3 tags) against a
//! bare `AtomicU64::fetch_add` and against prometheus' resolved `IntCounter` (from
//! `with_label_values`, held). Target: census ≤ 1.5× the atomic, on 1 and on 2 threads (each
//! thread binds its own handle to the same row; the atomic and counter are shared).

mod common;

use std::hint::black_box;
use std::sync::atomic::AtomicU64;

use census_sdk::Aggregation;
use criterion::{criterion_group, criterion_main, Criterion};

fn bound(c: &mut Criterion) {
    let census = common::census_int("bench.census/bound", &[Aggregation::Count]);
    let prom = common::prom_counter();
    let atomic = AtomicU64::new(0);
    let (meter, m, tags) = (&census.meter, &census.measure, &census.tags);

    let mut g = c.benchmark_group("bound");
    g.bench_function("census_1t", |b| {
        let h = meter.bind(m, tags);
        b.iter(|| h.record(black_box(1)))
    });
    g.bench_function("atomic_1t", |b| b.iter(|| common::atomic_add(&atomic)));
    g.bench_function("prometheus_1t", |b| {
        let h = prom.with_label_values(&common::LABEL_VALUES);
        b.iter(|| black_box(&h).inc())
    });
    g.bench_function("census_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("census_2t", iters, || {
                let h = meter.bind(m, tags);
                move || h.record(black_box(1))
            })
        })
    });
    g.bench_function("atomic_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("atomic_2t", iters, || || common::atomic_add(&atomic))
        })
    });
    g.bench_function("prometheus_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("prometheus_2t", iters, || {
                let h = prom.with_label_values(&common::LABEL_VALUES);
                move || black_box(&h).inc()
            })
        })
    });
    g.finish();
    common::save_cpu_share("bound");
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bound
}
criterion_main!(benches);
