//! A tokio service using the pull exporter handles its own SIGTERM and exits 0 after its drain
//! (census installs no signal handler in pull-only mode), and the scrape works until then.

mod common;

use std::time::Duration;

use census_testkit::free_port;
use common::{example, signal, spawn_until_ready, wait_exit};

#[test]
fn a_tokio_pull_service_drains_on_sigterm_and_exits_zero() {
    let addr = format!("127.0.0.1:{}", free_port());
    let mut c = example("pull_service_drains_on_sigterm");
    c.env("CENSUS_EXPORTER", "prometheus")
        .env("CENSUS_PROMETHEUS_ADDR", &addr);
    let (child, line) = spawn_until_ready(c);
    assert_eq!(
        line.trim(),
        format!("serving http://{addr}/metrics (census signal handler: false)")
    );
    let body = census_testkit::http::get(&format!("http://{addr}/metrics")).expect("scrape");
    assert!(body.text().contains("requests 1"), "{}", body.text());
    signal(&child, "-TERM");
    let status = wait_exit(child, Duration::from_secs(20));
    assert_eq!(
        status.code(),
        Some(0),
        "the service's own drain decides: {status:?}"
    );
}
