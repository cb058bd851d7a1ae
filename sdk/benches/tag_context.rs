//! Case 5b: recording with the tags of the current tag context: a `census_sdk::tags::enter`
//! scope is held and `meter.record(&[m.m(1)])` reads the map from the OpenTelemetry `Context`
//! (one count view, 3 tags, existing row). Target: ≤ 40 ns, on 1 and on 2 threads (each
//! thread enters its own scope).

mod common;

use std::hint::black_box;

use census_sdk::{tags, Aggregation};
use criterion::{criterion_group, criterion_main, Criterion};

fn tag_context(c: &mut Criterion) {
    let census = common::census_int("bench.census/tag_context", &[Aggregation::Count]);
    let (meter, m, map) = (&census.meter, &census.measure, &census.tags);

    let mut g = c.benchmark_group("tag_context");
    g.bench_function("census_1t", |b| {
        let _scope = tags::enter(map.clone());
        b.iter(|| meter.record(&[m.m(black_box(1))]))
    });
    g.bench_function("census_2t", |b| {
        b.iter_custom(|iters| {
            common::two_threads("census_2t", iters, || {
                let scope = tags::enter(map.clone());
                move || {
                    let _held = &scope;
                    meter.record(&[m.m(black_box(1))])
                }
            })
        })
    });
    g.finish();
    common::save_cpu_share("tag_context");
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = tag_context
}
criterion_main!(benches);
