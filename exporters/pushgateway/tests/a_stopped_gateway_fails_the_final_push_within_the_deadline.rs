//! When the gateway goes away mid-job, the final push fails quickly with an error that says
//! what happened and where — it never hangs the job.

mod common;

use std::time::{Duration, Instant};

use census_pushgateway::{Method, PushError, Pushgateway};
use census_testkit::Pushgateway as Gateway;
use common::meter_with_jobs;

#[test]
fn a_stopped_gateway_fails_the_final_push_within_the_deadline() {
    let mut gw = Gateway::start();
    let timeout = Duration::from_secs(3);
    let pg = Pushgateway::builder(gw.url(), "gateway_goes_away")
        .with_meter(meter_with_jobs("stopped.io/jobs", 1))
        .with_timeout(timeout)
        .build()
        .unwrap();
    pg.push_blocking(Method::Put).unwrap(); // keeps a pooled connection to the gateway
    gw.stop();

    let started = Instant::now();
    let err = pg.shutdown(timeout).unwrap_err();
    let took = started.elapsed();
    assert!(took < timeout, "{took:?}");
    assert!(matches!(err, PushError::Transport { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(pg.url()), "{text}");
    assert!(text.contains("check that it runs"), "{text}");
    eprintln!("error as shown to users: {text}");
}
