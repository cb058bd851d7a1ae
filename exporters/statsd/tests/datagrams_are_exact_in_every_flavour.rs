//! The exact datagrams of each flavour, read by a plain UDP socket standing in for the
//! server; the size limit; failures counted, not raised; print mode.

use std::net::UdpSocket;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use census_sdk::{Aggregation, Float64Measure, Meter, TagKey, TagMap, View};
use census_statsd::{Flavor, SendError, Statsd};

fn server() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

fn recv(s: &UdpSocket) -> String {
    let mut buf = [0u8; 65_536];
    let n = s.recv(&mut buf).expect("a datagram");
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

/// One gauge row with a tag that needs escaping, set to -4.
fn meter() -> Meter {
    let meter = Meter::new();
    let m = Float64Measure::new("flavour.io/temp", "", "1").unwrap();
    let v = View::new(
        "temp",
        "",
        [TagKey::new("room").unwrap()],
        &m,
        Aggregation::LastValue,
    )
    .unwrap();
    meter.view_manager().register(&v).unwrap();
    let tags = TagMap::from_pairs(&[("room", "a:b|c d")]).unwrap();
    meter.record_with_tags(&tags, &[m.m(-4.0)]);
    meter
}

#[test]
fn each_flavour_writes_its_tags_and_negative_gauges() {
    for (flavor, want) in [
        (
            Flavor::Etsy,
            "app.temp:0|g|#room:a_b_c_d,env:prod\napp.temp:-4|g|#room:a_b_c_d,env:prod",
        ),
        (Flavor::DogStatsd, "app.temp:-4|g|#room:a_b_c_d,env:prod"),
        (
            Flavor::StatsdExporter,
            "app.temp,room=a_b_c_d,env=prod:0|g\napp.temp,room=a_b_c_d,env=prod:-4|g",
        ),
    ] {
        let s = server();
        let exporter = Statsd::builder(s.local_addr().unwrap().to_string())
            .with_flavor(flavor)
            .with_namespace("app")
            .with_const_tag("env", "prod")
            .with_meter(meter())
            .build()
            .unwrap();
        exporter.export_blocking().unwrap();
        assert_eq!(recv(&s), want, "{flavor}");
        exporter.discard();
    }
}

#[test]
fn datagrams_fill_up_to_exactly_the_limit_and_one_byte_less_splits_them() {
    let meter = Meter::new();
    let m = Float64Measure::new("pack.io/n", "", "1").unwrap();
    for name in ["aa", "bb", "cc"] {
        let v = View::new(name, "", [], &m, Aggregation::Count).unwrap();
        meter.view_manager().register(&v).unwrap();
    }
    meter.record_with_tags(&TagMap::new(), &[m.m(1.0)]);
    // "aa:1|c\nbb:1|c\ncc:1|c" is 20 bytes.
    for (max, want) in [
        (20, vec!["aa:1|c\nbb:1|c\ncc:1|c"]),
        (19, vec!["aa:1|c\nbb:1|c", "cc:1|c"]),
    ] {
        let s = server();
        let exporter = Statsd::builder(s.local_addr().unwrap().to_string())
            .with_meter(meter.clone())
            .with_max_datagram(max)
            .build()
            .unwrap();
        exporter.export_blocking().unwrap();
        let got: Vec<String> = want.iter().map(|_| recv(&s)).collect();
        assert_eq!(got, want, "max {max}");
        let stats = exporter.stats();
        assert_eq!(stats.datagrams, want.len() as u64);
        assert_eq!(
            stats.bytes,
            21 - want.len() as u64,
            "the newline between datagrams is not sent"
        );
        assert_eq!(stats.oversize_records, 0);
        exporter.discard();
    }
}

#[test]
fn an_unresolvable_host_is_counted_and_returned_only_by_explicit_exports() {
    let exporter = Statsd::builder("no-such-host.invalid:8125")
        .with_meter(meter())
        .build()
        .unwrap();
    let e = exporter.export_blocking().unwrap_err();
    assert!(matches!(e, SendError::Resolve { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("cannot resolve the StatsD address \"no-such-host.invalid:8125\""),
        "{e}"
    );
    assert_eq!(exporter.stats().send_errors, 1);
    assert_eq!(exporter.stats().exports, 1);
    // The final export fails the same way: logged and counted, returned to the caller.
    assert!(exporter.shutdown(Duration::from_secs(5)).is_err());
    assert_eq!(exporter.stats().send_errors, 2);
    assert!(matches!(
        exporter.export_blocking().unwrap_err(),
        SendError::ShutDown
    ));
}

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);
impl std::io::Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().write(b)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn print_mode_writes_one_line_per_line_and_sends_nothing() {
    let buf = Buf::default();
    let exporter = Statsd::builder("127.0.0.1:8125")
        .with_meter(meter())
        .with_print_to(buf.clone())
        .build()
        .unwrap();
    let guard = exporter.guard();
    drop(exporter);
    guard.finish().unwrap();
    assert_eq!(
        String::from_utf8(buf.0.lock().unwrap().clone()).unwrap(),
        "temp:0|g|#room:a_b_c_d\ntemp:-4|g|#room:a_b_c_d\n"
    );
}
