//! Failure modes a real Pushgateway cannot be made to produce on demand (5xx, hangs, resets),
//! against an in-process fake; and the exact shape of requests.

mod common;

use std::time::{Duration, Instant};

use census_prometheus::Format;
use census_pushgateway::{Method, PushError, Pushgateway, Retry};
use common::{meter_with_jobs, Action, Fake};

fn fast_retry(max_attempts: u32) -> Retry {
    Retry {
        max_attempts,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
    }
}

fn exporter(fake: &Fake, measure: &str, retry: Retry, timeout: Duration) -> Pushgateway {
    Pushgateway::builder(&fake.url, "failing_job")
        .with_meter(meter_with_jobs(measure, 3))
        .with_retry(retry)
        .with_timeout(timeout)
        .build()
        .unwrap()
}

#[test]
fn a_5xx_is_retried_until_success() {
    let fake = Fake::start(vec![
        Action::Status(503, "busy"),
        Action::Status(500, "oops"),
    ]);
    let pg = exporter(
        &fake,
        "fake.io/retry_5xx",
        fast_retry(4),
        Duration::from_secs(5),
    );
    pg.push_blocking(Method::Put).unwrap();
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 3, "{reqs:?}");
    for r in &reqs {
        assert_eq!(r.method, "PUT");
        assert_eq!(r.path, "/metrics/job/failing_job");
        assert_eq!(r.body, reqs[0].body, "every attempt sends the same body");
    }
    pg.discard();
}

#[test]
fn retries_stop_at_max_attempts_with_the_last_answer() {
    let fake = Fake::start(vec![Action::Status(503, "still busy"); 5]);
    let pg = exporter(
        &fake,
        "fake.io/retry_max",
        fast_retry(3),
        Duration::from_secs(5),
    );
    let err = pg.push_blocking(Method::Put).unwrap_err();
    assert!(
        matches!(&err, PushError::Status { status: 503, body, method: "PUT", .. } if body == "still busy"),
        "{err:?}"
    );
    assert_eq!(fake.requests().len(), 3);
    pg.discard();
}

#[test]
fn a_400_is_final_and_carries_the_gateway_message() {
    let msg = "pushed metrics are invalid or inconsistent with existing metrics: x is not a GAUGE";
    let fake = Fake::start(vec![Action::Status(400, msg)]);
    let pg = exporter(
        &fake,
        "fake.io/final_400",
        fast_retry(4),
        Duration::from_secs(5),
    );
    let err = pg.push_blocking(Method::Post).unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(err.to_string().contains(msg), "{err}");
    assert!(err.to_string().contains("POST"), "{err}");
    assert_eq!(fake.requests().len(), 1, "a 400 is not retried");
    pg.discard();
}

#[test]
fn a_connection_reset_is_retried() {
    let fake = Fake::start(vec![Action::Reset]);
    let pg = exporter(
        &fake,
        "fake.io/reset_once",
        fast_retry(3),
        Duration::from_secs(5),
    );
    pg.push_blocking(Method::Put).unwrap();
    assert_eq!(fake.requests().len(), 2);
    pg.discard();
}

#[test]
fn resets_on_every_attempt_give_a_transport_error_naming_the_attempts() {
    let fake = Fake::start(vec![Action::Reset; 5]);
    let pg = exporter(
        &fake,
        "fake.io/reset_always",
        fast_retry(3),
        Duration::from_secs(5),
    );
    let err = pg.push_blocking(Method::Put).unwrap_err();
    assert!(
        matches!(err, PushError::Transport { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("after 3 attempt(s)"), "{err}");
    assert_eq!(fake.requests().len(), 3);
    pg.discard();
}

#[test]
fn a_hanging_gateway_times_out_at_the_deadline() {
    let fake = Fake::start(vec![Action::Hang; 3]);
    let timeout = Duration::from_millis(400);
    let pg = exporter(&fake, "fake.io/hang", fast_retry(3), timeout);
    let started = Instant::now();
    let err = pg.push_blocking(Method::Put).unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(err, PushError::Timeout { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(took >= timeout, "{took:?}");
    assert!(took < timeout + Duration::from_millis(600), "{took:?}");
    assert!(err.to_string().contains("400ms"), "{err}");
    pg.discard();
}

#[test]
fn the_final_push_on_drop_is_bounded_by_the_deadline() {
    let fake = Fake::start(vec![Action::Hang; 3]);
    let timeout = Duration::from_millis(300);
    let pg = exporter(&fake, "fake.io/hang_drop", Retry::none(), timeout);
    let started = Instant::now();
    drop(pg.guard());
    drop(pg);
    let took = started.elapsed();
    assert!(took < timeout + Duration::from_millis(700), "{took:?}");
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn a_closed_port_fails_fast_with_a_transport_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let pg = Pushgateway::builder(format!("http://127.0.0.1:{port}"), "nobody_listens")
        .with_meter(meter_with_jobs("fake.io/closed_port", 1))
        .with_retry(fast_retry(2))
        .with_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = pg.shutdown(Duration::from_secs(5)).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(err, PushError::Transport { attempts: 2, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(text.to_lowercase().contains("refused"), "{text}");
    // Shutdown is idempotent; pushes after it are refused.
    assert!(pg.shutdown(Duration::from_secs(1)).is_ok());
    assert!(matches!(
        pg.push_blocking(Method::Put),
        Err(PushError::ShutDown)
    ));
}

#[test]
fn requests_carry_format_encoding_and_credentials() {
    let fake = Fake::start(vec![Action::Status(202, "")]);
    let pg = Pushgateway::builder(&fake.url, "shape")
        .with_grouping_label("instance", "a b")
        .with_meter(meter_with_jobs("fake.io/shape", 5))
        .with_format(Format::ProtobufDelimited)
        .with_gzip(true)
        .with_bearer_token("t0k3n")
        .with_header("X-Scope-OrgID", "tenant-1")
        .build()
        .unwrap();
    pg.push_blocking(Method::Put).unwrap();
    pg.push_blocking(Method::Delete).unwrap();
    let reqs = fake.requests();
    let push = &reqs[0];
    assert_eq!(push.method, "PUT");
    assert_eq!(push.path, "/metrics/job/shape/instance@base64/YSBi");
    assert_eq!(
        push.header("content-type"),
        Some("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")
    );
    assert_eq!(push.header("content-encoding"), Some("gzip"));
    assert_eq!(push.header("authorization"), Some("Bearer t0k3n"));
    assert_eq!(push.header("x-scope-orgid"), Some("tenant-1"));
    assert_eq!(&push.body[..2], &[0x1f, 0x8b], "gzip magic");
    let delete = &reqs[1];
    assert_eq!(delete.method, "DELETE");
    assert_eq!(delete.path, push.path);
    assert!(delete.body.is_empty());
    assert_eq!(delete.header("content-type"), None);
    pg.discard();
}

#[test]
fn basic_auth_header() {
    let fake = Fake::start(vec![]);
    let pg = Pushgateway::builder(&fake.url, "auth")
        .with_meter(meter_with_jobs("fake.io/basic", 1))
        .with_basic_auth("alice", "s3cret")
        .build()
        .unwrap();
    pg.push_blocking(Method::Put).unwrap();
    // base64("alice:s3cret")
    assert_eq!(
        fake.requests()[0].header("authorization"),
        Some("Basic YWxpY2U6czNjcmV0")
    );
    assert!(!format!("{pg:?}").contains("s3cret"));
    pg.discard();
}
