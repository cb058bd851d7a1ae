//! Batch export of 10,000 series: encoding alone (both namings), a whole export over HTTP
//! (FakeHttp answering 204; 5,000 lines per POST) and over UDP (1,432-byte datagrams to a
//! loopback socket). Bytes and requests per export are printed once before the timings.

use std::hint::black_box;
use std::net::UdpSocket;
use std::time::{Duration, UNIX_EPOCH};

use census_influx::{Encoder, Influx, Naming};
use census_prometheus::ExpositionOptions;
use census_sdk::{Aggregation, Float64Measure, Int64Measure, Meter, TagKey, TagMap, View};
use census_testkit::fake::{FakeHttp, Reply};
use criterion::{criterion_group, criterion_main, Criterion};

/// 10,000 series: 5 count and 5 sum views of 1,000 rows each (two tags), under the
/// meter's per-view row limit.
fn meter() -> Meter {
    let meter = Meter::new();
    let keys = [
        TagKey::new("route").unwrap(),
        TagKey::new("status").unwrap(),
    ];
    let vm = meter.view_manager();
    let mut measures = Vec::new();
    for v in 0..5 {
        let c = Int64Measure::new(&format!("bench.io/requests{v}"), "", "1").unwrap();
        let s = Float64Measure::new(&format!("bench.io/seconds{v}"), "", "s").unwrap();
        let count = View::new(
            &format!("http_requests_{v}"),
            "",
            keys.clone(),
            &c,
            Aggregation::Count,
        );
        vm.register(&count.unwrap()).unwrap();
        let sum = View::new(
            &format!("http_seconds_{v}"),
            "",
            keys.clone(),
            &s,
            Aggregation::Sum,
        );
        vm.register(&sum.unwrap()).unwrap();
        measures.push((c, s));
    }
    for i in 0..1_000 {
        let route = format!("/api/v1/item/{i}");
        let tags = TagMap::from_pairs(&[("route", &route), ("status", "200")]).unwrap();
        for (c, s) in &measures {
            meter.record_with_tags(&tags, &[c.m(1), s.m(0.001 * i as f64)]);
        }
    }
    meter
}

fn bench(c: &mut Criterion) {
    let meter = meter();
    let snap = meter.snapshot();
    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut g = c.benchmark_group("influx_10k_series");
    for naming in [Naming::Prometheus, Naming::Influx] {
        let mut enc = Encoder::new(naming, ExpositionOptions::new());
        let lines = enc.encode(&snap, at);
        eprintln!(
            "encode {}: {} lines, {} bytes",
            naming.as_str(),
            lines.len(),
            lines.as_bytes().len()
        );
        g.bench_function(format!("encode_{}", naming.as_str()), |b| {
            b.iter(|| black_box(enc.encode(black_box(&snap), at).len()))
        });
    }

    let fake = FakeHttp::start_with([], Reply::status(204));
    let http = Influx::builder(format!("{}/write", fake.url()))
        .with_meter(meter.clone())
        .build()
        .unwrap();
    http.export_blocking().unwrap();
    eprintln!(
        "http export: {} requests, {} bytes",
        http.requests_sent(),
        http.bytes_sent()
    );
    g.sample_size(10);
    g.bench_function("export_http", |b| {
        b.iter(|| http.export_blocking().unwrap())
    });
    http.discard();

    let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
    let udp = Influx::builder(format!("udp://{}", sink.local_addr().unwrap()))
        .with_meter(meter)
        .build()
        .unwrap();
    udp.export_blocking().unwrap();
    eprintln!(
        "udp export: {} datagrams, {} bytes",
        udp.requests_sent(),
        udp.bytes_sent()
    );
    g.bench_function("export_udp", |b| b.iter(|| udp.export_blocking().unwrap()));
    udp.discard();
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
