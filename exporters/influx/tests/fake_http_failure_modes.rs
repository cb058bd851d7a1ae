//! What the real peers cannot be made to do, against census-testkit's FakeHttp: the 2.x API
//! (no 2.x server here), batches of at most N lines, retries of 5xx inside the deadline, final
//! 4xx, NaN/Inf skipped and counted.

use std::time::Duration;

use census_influx::{Influx, InfluxError, Naming, Retry};
use census_sdk::{Aggregation, Float64Measure, Meter, TagKey, TagMap, View};
use census_testkit::fake::{FakeHttp, Reply};

fn meter_with_rows(n: usize) -> Meter {
    let meter = Meter::new();
    let m = Float64Measure::new("fake.io/v", "", "1").unwrap();
    let k = TagKey::new("i").unwrap();
    meter
        .view_manager()
        .register(&View::new("app_value", "", [k], &m, Aggregation::LastValue).unwrap())
        .unwrap();
    for i in 0..n {
        let tags = TagMap::from_pairs(&[("i", &format!("{i:03}"))]).unwrap();
        meter.record_with_tags(&tags, &[m.m(i as f64)]);
    }
    meter
}

fn fast_retry() -> Retry {
    Retry {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(20),
    }
}

#[test]
fn the_v2_api_gets_org_bucket_and_the_token() {
    let fake = FakeHttp::start([Reply::status(204)]);
    let url = format!(
        "{}/api/v2/write?org=acme&bucket=jobs&precision=ns",
        fake.url()
    );
    let influx = Influx::builder(url)
        .with_meter(meter_with_rows(2))
        .with_token("t0k3n")
        .build()
        .unwrap();
    assert!(!format!("{influx:?}").contains("t0k3n"));
    influx.export_blocking().unwrap();
    let r = &fake.requests()[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/api/v2/write?org=acme&bucket=jobs&precision=ns");
    assert_eq!(r.header("authorization"), Some("Token t0k3n"));
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    let body = r.text();
    assert_eq!(body.lines().count(), 2, "{body}");
    assert!(body.starts_with("app,i=000 value=0 "), "{body}");
    influx.discard();
}

#[test]
fn at_most_n_lines_per_post() {
    let fake = FakeHttp::start_with([], Reply::status(204));
    let influx = Influx::builder(format!("{}/write?db=x", fake.url()))
        .with_meter(meter_with_rows(7))
        .with_max_lines_per_request(3)
        .build()
        .unwrap();
    influx.export_blocking().unwrap();
    let sizes: Vec<usize> = fake
        .requests()
        .iter()
        .map(|r| r.text().lines().count())
        .collect();
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!((influx.requests_sent(), influx.lines_sent()), (3, 7));
    let all: String = fake.requests().iter().map(|r| r.text()).collect();
    let ts: std::collections::BTreeSet<&str> =
        all.lines().map(|l| l.rsplit(' ').next().unwrap()).collect();
    assert_eq!(
        ts.len(),
        1,
        "one snapshot time on every line of every batch"
    );
    influx.discard();
}

#[test]
fn a_5xx_is_retried_and_a_4xx_is_not() {
    let fake = FakeHttp::start([
        Reply::status(503).body("busy"),
        Reply::status(204),
        Reply::status(404).body(r#"{"error":"database not found: \"x\""}"#),
    ]);
    let influx = Influx::builder(format!("{}/write?db=x", fake.url()))
        .with_meter(meter_with_rows(1))
        .with_retry(fast_retry())
        .build()
        .unwrap();
    influx.export_blocking().unwrap();
    assert_eq!(fake.requests().len(), 2, "503 then 204");
    let e = influx.export_blocking().unwrap_err();
    assert!(
        matches!(&e, InfluxError::Status { status: 404, message, .. } if message == "database not found: \"x\""),
        "{e}"
    );
    assert_eq!(fake.requests().len(), 3, "a 404 is final");
    influx.discard();
}

#[test]
fn the_url_password_never_shows() {
    let fake = FakeHttp::start([Reply::status(401).body(r#"{"error":"authorization failed"}"#)]);
    let url = format!("{}/write?db=x&u=bob&p=hunter2", fake.url());
    let influx = Influx::builder(url)
        .with_meter(meter_with_rows(1))
        .build()
        .unwrap();
    let e = influx.export_blocking().unwrap_err().to_string();
    assert!(
        e.contains("authorization failed") && e.contains("p=<redacted>"),
        "{e}"
    );
    assert!(
        !e.contains("hunter2") && !influx.url().contains("hunter2"),
        "{e}"
    );
    assert!(
        fake.requests()[0].path.ends_with("p=hunter2"),
        "the server still gets it"
    );
    influx.discard();
}

#[test]
fn nan_and_inf_are_skipped_and_counted() {
    // Census drops non-finite recordings, but a float sum can still overflow to ±Inf.
    let meter = Meter::new();
    let m = Float64Measure::new("fake.io/big", "", "1").unwrap();
    let v = View::new("odd", "", [TagKey::new("k").unwrap()], &m, Aggregation::Sum).unwrap();
    meter.view_manager().register(&v).unwrap();
    for (k, x) in [("inf", 1.7e308), ("ninf", -1.7e308), ("one", 0.5)] {
        let tags = TagMap::from_pairs(&[("k", k)]).unwrap();
        meter.record_with_tags(&tags, &[m.m(x), m.m(x)]);
    }
    let fake = FakeHttp::start([Reply::status(204)]);
    let influx = Influx::builder(format!("{}/write", fake.url()))
        .with_meter(meter)
        .with_naming(Naming::Influx)
        .build()
        .unwrap();
    influx.export_blocking().unwrap();
    let body = fake.requests()[0].text();
    assert_eq!(body.lines().count(), 1, "{body}");
    assert!(body.starts_with("odd,k=one sum=1 "), "{body}");
    assert_eq!(influx.skipped_values(), 2);
    influx.discard();
}
