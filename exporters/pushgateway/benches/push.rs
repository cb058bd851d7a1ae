//! Time and bytes to encode and push 10,000 series to a real Pushgateway on loopback.
//!
//! `cargo bench -p census-pushgateway --bench push`; results and hardware in
//! `benches/README.md`. Needs `prometheus-pushgateway` (scripts/install-peers).
//!
//! One Sum view with a `series` tag of 10,000 values (one counter family, 10,000 series), pushed
//! with `PUT` to one group, so every push replaces the same 10,000 series in the gateway.

use std::time::Duration;

use census_prometheus::Format;
use census_pushgateway::{Method, Pushgateway, Retry};
use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};
use census_testkit::Pushgateway as Gateway;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const SERIES: usize = 10_000;

fn meter() -> Meter {
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
    for i in 0..SERIES {
        let tags = TagMap::from_pairs(&[("series", &format!("s{i:05}"))]).unwrap();
        meter.record_with_tags(&tags, &[m.m(i as i64)]);
    }
    meter
}

fn exporter(url: &str, job: &str, meter: &Meter, format: Format, gzip: bool) -> Pushgateway {
    Pushgateway::builder(url, job)
        .with_grouping_label("instance", "bench")
        .with_meter(meter.clone())
        .with_format(format)
        .with_gzip(gzip)
        .with_retry(Retry::none())
        .with_timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let gw = Gateway::start();
    let meter = meter();
    let cases = [
        ("text", Format::Text, false),
        ("text_gzip", Format::Text, true),
        ("protobuf", Format::ProtobufDelimited, false),
        ("protobuf_gzip", Format::ProtobufDelimited, true),
    ];

    let mut group = c.benchmark_group("encode_10k_series");
    group.throughput(Throughput::Elements(SERIES as u64));
    for (name, format, _) in cases.iter().filter(|c| !c.2) {
        let pg = exporter(
            gw.url(),
            &format!("bench_encode_{name}"),
            &meter,
            *format,
            false,
        );
        let body = pg.body().unwrap();
        eprintln!("{name}: body {} bytes for {SERIES} series", body.len());
        group.bench_function(*name, |b| b.iter(|| pg.body().unwrap()));
        pg.discard();
    }
    group.finish();

    let mut group = c.benchmark_group("push_10k_series");
    group.throughput(Throughput::Elements(SERIES as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    for (name, format, gzip) in cases {
        let pg = exporter(
            gw.url(),
            &format!("bench_push_{name}"),
            &meter,
            format,
            gzip,
        );
        let plain = pg.body().unwrap().len();
        let sent = if gzip {
            flate2_len(&pg.body().unwrap())
        } else {
            plain
        };
        eprintln!("{name}: {sent} bytes on the wire ({plain} before gzip)");
        group.bench_function(name, |b| {
            b.iter_batched(
                || (),
                |()| pg.push_blocking(Method::Put).unwrap(),
                BatchSize::PerIteration,
            )
        });
        pg.discard();
    }
    group.finish();
    assert_eq!(
        gw.values(
            &[("job", "bench_push_text"), ("instance", "bench")],
            "requests_handled"
        )
        .len(),
        SERIES
    );
}

/// Size of the gzipped body, as the exporter compresses it.
fn flate2_len(body: &[u8]) -> usize {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(body).unwrap();
    enc.finish().unwrap().len()
}

criterion_group!(benches, bench);
criterion_main!(benches);
