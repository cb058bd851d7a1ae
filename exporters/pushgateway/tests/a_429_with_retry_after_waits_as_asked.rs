//! A gateway (or a proxy before it) that answers `429` or `503` with `Retry-After` gets the
//! next attempt no sooner than it asked, and a wait that would pass the deadline is not made.

use std::time::Duration;

use census_pushgateway::{Method, PushError, Pushgateway, Retry};
use census_sdk::Meter;
use census_testkit::fake::{FakeHttp, Reply};

fn exporter(fake: &FakeHttp, timeout: Duration) -> Pushgateway {
    Pushgateway::builder(fake.url(), "throttled_job")
        .with_meter(Meter::new())
        .with_retry(Retry {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(20),
        })
        .with_timeout(timeout)
        .build()
        .unwrap()
}

#[test]
fn the_next_attempt_comes_after_the_servers_delay() {
    let fake = FakeHttp::start([Reply::status(429).header("Retry-After", "1")]);
    let pg = exporter(&fake, Duration::from_secs(10));
    pg.push_blocking(Method::Put).unwrap();
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    let waited = reqs[1].received - reqs[0].received;
    // The policy's own backoff is at most 20 ms; the gateway asked for 1 s.
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    pg.discard();
}

#[test]
fn a_delay_past_the_deadline_fails_at_once_with_the_answer() {
    let fake = FakeHttp::start([Reply::status(503)
        .header("Retry-After", "30")
        .body("maintenance")]);
    let pg = exporter(&fake, Duration::from_secs(2));
    let started = std::time::Instant::now();
    let err = pg.push_blocking(Method::Put).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(&err, PushError::Status { status: 503, body, retry_after: Some(d), .. }
            if body == "maintenance" && *d == Duration::from_secs(30)),
        "{err:?}"
    );
    assert_eq!(fake.requests().len(), 1);
    pg.discard();
}
