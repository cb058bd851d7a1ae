//! InfluxDB 1.6.7 (real) fed by census-influx over `/write?db=` (with and without a user and
//! password) and over its `[[udp]]` listener, read back with InfluxQL; a 400 "partial write"
//! surfaces InfluxDB's own message.
//!
//! Needs the Debian package `influxdb` (`scripts/install-peers`).

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use census_influx::{Influx, InfluxError, Naming};
use census_testkit::{http, InfluxDb, InfluxSeries};
use serde_json::{json, Value};

/// `SELECT * FROM m` rows without `time`, null columns left out.
fn rows(series: &[InfluxSeries]) -> Vec<BTreeMap<String, Value>> {
    let mut out: Vec<_> = series
        .iter()
        .flat_map(InfluxSeries::rows)
        .map(|mut r| {
            r.remove("time");
            r.retain(|_, v| !v.is_null());
            r
        })
        .collect();
    out.sort_by_key(|r| format!("{r:?}"));
    out
}

fn map(v: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(v).unwrap()
}

/// `want`, in the order [`rows`] sorts.
fn sorted(mut want: Vec<BTreeMap<String, Value>>) -> Vec<BTreeMap<String, Value>> {
    want.sort_by_key(|r| format!("{r:?}"));
    want
}

#[test]
fn influx_naming_over_http_with_credentials() {
    let db = InfluxDb::start_with_auth("census", "pa ss&word");
    let url = db.write_url();
    let unauthenticated = Influx::builder(&url)
        .with_meter(common::recorded_meter())
        .with_naming(Naming::Influx)
        .build()
        .unwrap();
    let e = unauthenticated.export_blocking().unwrap_err();
    assert!(matches!(e, InfluxError::Status { status: 401, .. }), "{e}");
    unauthenticated.discard();

    let influx = Influx::builder(&url)
        .with_meter(common::recorded_meter())
        .with_naming(Naming::Influx)
        .with_basic_auth("census", "pa ss&word")
        .with_gzip(true)
        .build()
        .unwrap();
    influx.export_blocking().unwrap();
    let lat = rows(&db.select(InfluxDb::DB, "SELECT * FROM request_latency"));
    assert_eq!(
        lat,
        sorted(vec![
            map(
                json!({"method": "GET", "path": "/a b,c=d\\e\"f", "count": 5, "sum": 280.25,
                "mean": 56.05, "min": 0.25, "max": 250, "0.5": 1, "10": 1, "100": 4, "+Inf": 5})
            ),
            map(
                json!({"method": "POST", "count": 1, "sum": 99.5, "mean": 99.5, "min": 99.5,
                "max": 99.5, "0.5": 0, "10": 0, "100": 1, "+Inf": 1})
            ),
        ])
    );
    let keys = db.select(InfluxDb::DB, "SHOW FIELD KEYS FROM request_latency");
    let types: BTreeMap<String, String> = keys[0]
        .values
        .iter()
        .map(|r| (r[0].as_str().unwrap().into(), r[1].as_str().unwrap().into()))
        .collect();
    assert_eq!(types["count"], "integer");
    assert_eq!(types["+Inf"], "integer");
    assert_eq!(types["mean"], "float");
    assert_eq!(
        rows(&db.select(InfluxDb::DB, "SELECT * FROM request_count")),
        sorted(vec![
            map(json!({"method": "GET", "path": "/a b,c=d\\e\"f", "count": 3})),
            map(json!({"method": "POST", "count": 1})),
        ])
    );
    assert_eq!(
        rows(&db.select(InfluxDb::DB, "SELECT * FROM room_temp")),
        sorted(vec![
            map(json!({"path": "/a b,c=d\\e\"f", "last": -3.5})),
            map(json!({"last": 21.25}))
        ])
    );
    assert_eq!(
        rows(&db.select(InfluxDb::DB, "SELECT * FROM response_bytes")),
        sorted(vec![
            map(json!({"method": "GET", "sum": 3600})),
            map(json!({"method": "POST", "sum": -7}))
        ])
    );
}

#[test]
fn prometheus_naming_over_udp() {
    let db = InfluxDb::start();
    let influx = Influx::builder(format!("udp://{}", db.udp_addr()))
        .with_meter(common::recorded_meter())
        .with_namespace("app")
        .build()
        .unwrap();
    influx.export_blocking().unwrap();
    assert!(influx.requests_sent() >= 1);
    let q = "SELECT * FROM app_request_latency";
    let got = db.wait_select(InfluxDb::UDP_DB, q, |s| {
        s.iter().map(|s| s.values.len()).sum::<usize>() == 10
    });
    let got = rows(&got);
    assert!(
        got.contains(&map(
            json!({"method": "GET", "path": "/a b,c=d\\e\"f", "le": "+Inf", "bucket": 5})
        )),
        "{got:#?}"
    );
    assert!(
        got.contains(&map(json!({"method": "POST", "sum": 99.5, "count": 1}))),
        "{got:#?}"
    );
    let count = db.wait_select(InfluxDb::UDP_DB, "SELECT * FROM app_request", |s| {
        !s.is_empty()
    });
    assert_eq!(
        rows(&count),
        sorted(vec![
            map(json!({"method": "GET", "path": "/a b,c=d\\e\"f", "count": 3})),
            map(json!({"method": "POST", "count": 1})),
        ])
    );
}

#[test]
fn a_partial_write_surfaces_influxdbs_message() {
    let db = InfluxDb::start();
    // `count` is a float in this measurement (and shard: now) already: `count=3i` conflicts.
    let r = http::post(&db.write_url(), b"request_count count=1.5\n").unwrap();
    assert_eq!(r.status, 204, "{}", r.text());
    let influx = Influx::builder(db.write_url())
        .with_meter(common::recorded_meter())
        .with_naming(Naming::Influx)
        .with_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let e = influx.export_blocking().unwrap_err();
    let InfluxError::PartialWrite {
        status,
        message,
        batch,
        batches,
        ..
    } = &e
    else {
        panic!("not a partial write: {e}");
    };
    assert_eq!((*status, *batch, *batches), (400, 1, 1));
    assert!(
        message.starts_with("partial write: field type conflict"),
        "{message}"
    );
    assert!(e.to_string().contains(message.as_str()), "{e}");
    // The good lines of the request were stored.
    assert_eq!(
        rows(&db.select(InfluxDb::DB, "SELECT * FROM room_temp")).len(),
        2
    );
}
