//! The testkit against the real peers: a Pushgateway accepts a push and
//! gives it back, Prometheus scrapes it, promtool judges expositions.
//!
//! These tests need the Debian packages `prometheus-pushgateway` and
//! `prometheus` (`scripts/install-peers`); without them they fail.

use std::time::Instant;

use census_testkit::{
    find_group, http, promtool_check_metrics, Prometheus, Pushgateway, ScrapeTarget,
};

const BODY: &str = "\
# HELP testkit_jobs_total Jobs finished by the testkit test.
# TYPE testkit_jobs_total counter
testkit_jobs_total{kind=\"batch\"} 17
# HELP testkit_temperature_celsius A gauge.
# TYPE testkit_temperature_celsius gauge
testkit_temperature_celsius 21.5
";

fn push(gw: &Pushgateway) {
    let url = format!("{}/metrics/job/testkit", gw.url());
    let resp = http::put(&url, BODY.as_bytes()).expect("PUT to the pushgateway");
    assert_eq!(resp.status, 200, "PUT {url}: {}", resp.text());
}

#[test]
fn pushgateway_accepts_a_push_and_gives_it_back() {
    let mut gw = Pushgateway::start();
    eprintln!(
        "pushgateway pid {} ready after {:?} at {}",
        gw.pid(),
        gw.ready_after(),
        gw.url()
    );
    push(&gw);

    let data = gw.api_metrics();
    let group = find_group(&data, &[("job", "testkit")])
        .unwrap_or_else(|| panic!("no group {{job=\"testkit\"}} in {data:#}"));
    assert_eq!(group["last_push_successful"], true);
    assert_eq!(group["testkit_jobs_total"]["type"], "COUNTER");

    let jobs = gw.values(&[("job", "testkit")], "testkit_jobs_total");
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let (labels, value) = &jobs[0];
    assert_eq!(value, &17.0);
    assert_eq!(labels["kind"], "batch");
    assert_eq!(labels["job"], "testkit");
    assert_eq!(labels.get("instance").map(String::as_str), Some(""));
    let temp = gw.values(&[("job", "testkit")], "testkit_temperature_celsius");
    assert_eq!(temp.iter().map(|s| s.1).collect::<Vec<_>>(), [21.5]);
    // The grouping key must match exactly.
    assert!(gw.group(&[("job", "testkit"), ("instance", "x")]).is_none());

    let text = gw.metrics_text();
    assert!(
        text.contains("testkit_jobs_total{instance=\"\",job=\"testkit\",kind=\"batch\"} 17\n"),
        "{text}"
    );
    census_testkit::assert_no_parse_errors(&text);

    // DELETE and wipe go through, too.
    let del = http::delete(&format!("{}/metrics/job/testkit", gw.url())).unwrap();
    assert_eq!(del.status, 202);
    gw.wipe();

    // Stopping really stops it, and the port stops answering.
    let url = gw.url().to_string();
    gw.stop();
    assert!(!gw.is_running());
    assert!(http::get(&format!("{url}/-/ready")).is_err());
    gw.stop(); // idempotent
}

#[test]
fn prometheus_scrapes_the_pushgateway() {
    let gw = Pushgateway::start();
    push(&gw);

    let t0 = Instant::now();
    let prom = Prometheus::start(&[ScrapeTarget::pushgateway(&gw)]);
    eprintln!(
        "prometheus pid {} ready after {:?} at {}",
        prom.pid(),
        prom.ready_after(),
        prom.url()
    );
    let samples = prom.wait_for("testkit_jobs_total", Prometheus::DEFAULT_DEADLINE, |s| {
        s.iter().any(|(_, v)| *v == 17.0)
    });
    eprintln!(
        "first scrape visible {:?} after Prometheus was spawned",
        t0.elapsed()
    );
    assert_eq!(samples.len(), 1, "{samples:?}");
    let labels = &samples[0].0;
    assert_eq!(labels["__name__"], "testkit_jobs_total");
    // honor_labels keeps the pushed job; an empty instance disappears.
    assert_eq!(labels["job"], "testkit");
    assert_eq!(labels["kind"], "batch");
    assert!(!labels.contains_key("instance"), "{labels:?}");

    let targets = prom.targets();
    assert_eq!(targets.len(), 1, "{targets:?}");
    assert_eq!(targets[0].job, "pushgateway");
    assert_eq!(targets[0].health, "up", "{targets:?}");
    assert_eq!(targets[0].scrape_url, format!("{}/metrics", gw.url()));

    // A scalar query and a query error.
    assert_eq!(prom.query("vector(3)")[0].1, 3.0);
    assert!(prom.try_query("sum(").is_err());

    // A new push becomes visible on a later scrape.
    let resp = http::put(
        &format!("{}/metrics/job/testkit", gw.url()),
        BODY.replace("} 17", "} 18").as_bytes(),
    )
    .unwrap();
    assert_eq!(resp.status, 200);
    let t1 = Instant::now();
    prom.wait_for("testkit_jobs_total", Prometheus::DEFAULT_DEADLINE, |s| {
        s.iter().any(|(_, v)| *v == 18.0)
    });
    eprintln!("re-push visible in Prometheus after {:?}", t1.elapsed());
}

#[test]
fn promtool_judges_expositions() {
    let clean = promtool_check_metrics(BODY);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(clean.is_clean());
    census_testkit::assert_lint_clean(BODY);

    let broken = promtool_check_metrics("bad metric line\n");
    assert_eq!(broken.code, 1, "{}", broken.stderr);
    assert!(broken.is_parse_error());
    assert!(broken.stderr.contains("parsing error"), "{}", broken.stderr);

    let lint = promtool_check_metrics("# TYPE requests counter\nrequests 1\n");
    assert_eq!(lint.code, 3, "{}", lint.stderr);
    assert!(
        lint.findings()
            .iter()
            .any(|f| f.contains("should have \"_total\" suffix")),
        "{:?}",
        lint.findings()
    );
    census_testkit::assert_no_parse_errors("# TYPE requests counter\nrequests 1\n");
}

#[test]
#[should_panic(expected = "promtool check metrics failed with exit code 1")]
fn assert_no_parse_errors_panics_on_garbage() {
    census_testkit::assert_no_parse_errors("this is not a metric line\n");
}

#[test]
#[should_panic(expected = "exited during startup")]
fn a_peer_that_cannot_start_panics_with_its_log() {
    Pushgateway::start_with_args(&["--no-such-flag"]);
}

#[test]
fn pushgateway_extra_args_are_passed() {
    let gw = Pushgateway::start_with_args(&["--push.disable-consistency-check"]);
    let resp = http::put(
        &format!("{}/metrics/job/testkit", gw.url()),
        BODY.as_bytes(),
    )
    .unwrap();
    // Without the consistency check, pushes are only queued.
    assert_eq!(resp.status, 202, "{}", resp.text());
}
