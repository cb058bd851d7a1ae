//! The testkit's Influx line protocol peers against themselves: VictoriaMetrics and InfluxDB
//! 1.x accept a line over HTTP and UDP and give it back.
//!
//! These tests need the Debian packages `victoria-metrics` and `influxdb`
//! (`scripts/install-peers`); without them they fail.

use std::net::UdpSocket;

use census_testkit::{http, InfluxDb, VictoriaMetrics};

#[test]
fn victoria_metrics_stores_lines_from_http_and_udp() {
    let mut vm = VictoriaMetrics::start();
    eprintln!(
        "victoria-metrics pid {} ready after {:?}",
        vm.pid(),
        vm.ready_after()
    );
    let r = http::post(
        &vm.influx_write_url(),
        b"tk_http,run=a value=1.5 1700000000000000000\n",
    )
    .unwrap();
    assert_eq!(r.status, 204, "{}", r.text());
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.send_to(
        b"tk_udp,run=b count=7i 1700000001000000000\n",
        vm.influx_addr(),
    )
    .unwrap();

    let s = vm.wait_export("{__name__=\"tk_http_value\"}", |s| !s.is_empty());
    assert_eq!(
        s[0].labels_without_name().get("run").map(String::as_str),
        Some("a")
    );
    assert_eq!(
        (s[0].values.as_slice(), s[0].timestamps.as_slice()),
        (&[1.5][..], &[1_700_000_000_000][..])
    );
    let s = vm.wait_export("{__name__=\"tk_udp_count\"}", |s| !s.is_empty());
    assert_eq!(s[0].values, [7.0]);
    assert_eq!(s[0].name(), "tk_udp_count");
    vm.stop();
    assert!(!vm.is_running());
}

#[test]
fn influxdb_stores_lines_from_http_and_udp_and_queries_them_back() {
    let mut db = InfluxDb::start();
    eprintln!(
        "influxd pid {} ready after {:?}",
        db.pid(),
        db.ready_after()
    );
    let r = http::post(
        &db.write_url(),
        b"tk,run=a n=3i,x=0.5 1700000000000000000\n",
    )
    .unwrap();
    assert_eq!(r.status, 204, "{}", r.text());
    let rows = db.select(InfluxDb::DB, "SELECT * FROM tk")[0].rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["n"], 3);
    assert_eq!(rows[0]["x"], 0.5);
    assert_eq!(rows[0]["run"], "a");

    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.send_to(b"tk_udp v=2\n", db.udp_addr()).unwrap();
    let s = db.wait_select(InfluxDb::UDP_DB, "SELECT v FROM tk_udp", |s| !s.is_empty());
    assert_eq!(s[0].rows()[0]["v"], 2.0);
    db.stop();
    assert!(!db.is_running());
}

#[test]
fn influxdb_with_auth_refuses_anonymous_writes() {
    let db = InfluxDb::start_with_auth("admin", "s3cret");
    let r = http::post(&db.write_url(), b"tk v=1\n").unwrap();
    assert_eq!(r.status, 401, "{}", r.text());
    let url = format!("{}&u=admin&p=s3cret", db.write_url());
    let r = http::post(&url, b"tk v=1\n").unwrap();
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(
        db.select(InfluxDb::DB, "SELECT v FROM tk")[0].values.len(),
        1
    );
}
