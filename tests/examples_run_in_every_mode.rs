//! Each example binary, in each exporter mode, against the real peers: a Prometheus scrape, a
//! Pushgateway read-back, and stdout parsed by `promtool check metrics`. The examples are built
//! by `cargo test` (they live beside this test in the `census` package).

mod common;

use std::time::{Duration, Instant};

use census_testkit::{free_port, promtool_check_metrics, Prometheus, Pushgateway, ScrapeTarget};
use common::{example, run, sample, signal, spawn_until_ready, text, wait_exit};

#[test]
fn quickstart_stdout_prints_a_clean_exposition_at_exit() {
    let mut c = example("quickstart");
    c.env("CENSUS_EXPORTER", "stdout")
        .env("CENSUS_QUICKSTART_ITERATIONS", "10");
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exposition: String = text(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("census quickstart"))
        .map(|l| format!("{l}\n"))
        .collect();
    let check = promtool_check_metrics(&exposition);
    assert_eq!(check.code, 0, "promtool: {}", check.stderr);
    assert_eq!(
        sample(&exposition, "requests_total{method=\"GET\",status=\"200\"}"),
        6.0
    );
    assert_eq!(
        sample(
            &exposition,
            "requests_total{method=\"POST\",status=\"500\"}"
        ),
        1.0
    );
    assert_eq!(
        sample(&exposition, "response_bytes_total{method=\"POST\"}"),
        1200.0
    );
    assert_eq!(
        sample(&exposition, "request_latency_seconds_count{method=\"GET\"}"),
        6.0
    );
    assert_eq!(sample(&exposition, "queue_depth"), 1.0);
}

#[test]
fn quickstart_pushgateway_pushes_what_it_recorded() {
    let pg = Pushgateway::start();
    let mut c = example("quickstart");
    c.env("CENSUS_EXPORTER", "pushgateway")
        .env("CENSUS_PUSHGATEWAY_URL", pg.url())
        .env("CENSUS_JOB", "quickstart_push")
        .env("CENSUS_QUICKSTART_ITERATIONS", "10");
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let values = pg.values(&[("job", "quickstart_push")], "requests_total");
    let get200 = values
        .iter()
        .find(|(l, _)| l["method"] == "GET" && l["status"] == "200")
        .expect("GET/200 series");
    assert_eq!(get200.1, 6.0);
    assert_eq!(
        pg.values(&[("job", "quickstart_push")], "queue_depth")[0].1,
        1.0
    );
}

#[test]
fn quickstart_pushgateway_pushes_on_sigterm() {
    let pg = Pushgateway::start();
    let mut c = example("quickstart");
    c.env("CENSUS_EXPORTER", "pushgateway")
        .env("CENSUS_PUSHGATEWAY_URL", pg.url())
        .env("CENSUS_JOB", "quickstart_term");
    let (child, line) = spawn_until_ready(c);
    assert!(line.contains("recording"), "{line}");
    assert!(
        pg.group(&[("job", "quickstart_term")]).is_none(),
        "nothing pushed before the signal"
    );
    signal(&child, "-TERM");
    let status = wait_exit(child, Duration::from_secs(20));
    assert!(!status.success(), "ends as SIGTERM would: {status:?}");
    let values = pg.values(&[("job", "quickstart_term")], "requests_total");
    assert!(
        values.iter().map(|(_, v)| v).sum::<f64>() >= 1.0,
        "{values:?}"
    );
}

#[test]
fn quickstart_prometheus_is_scraped_by_a_real_prometheus() {
    let port = free_port();
    let mut c = example("quickstart");
    c.env("CENSUS_PROMETHEUS_ADDR", format!("127.0.0.1:{port}"))
        .env("CENSUS_QUICKSTART_ITERATIONS", "10");
    let (child, line) = spawn_until_ready(c);
    assert!(
        line.contains(&format!("http://127.0.0.1:{port}/metrics")),
        "{line}"
    );
    let prom = Prometheus::start(&[ScrapeTarget::new(
        "quickstart",
        format!("127.0.0.1:{port}"),
        "/metrics",
        false,
    )]);
    let r = prom.wait_for(
        "requests_total{method=\"GET\",status=\"200\"}",
        Prometheus::DEFAULT_DEADLINE,
        |s| s.first().is_some_and(|(_, v)| *v == 6.0),
    );
    assert_eq!(r[0].0["job"], "quickstart");
    let q = prom.wait_for(
        "histogram_quantile(1, request_latency_seconds_bucket{method=\"POST\"})",
        Prometheus::DEFAULT_DEADLINE,
        |s| !s.is_empty(),
    );
    assert_eq!(
        q[0].1, 0.1,
        "the largest POST latency (65 ms) falls in the 0.05-0.1 bucket"
    );
    signal(&child, "-INT");
    let status = wait_exit(child, Duration::from_secs(20));
    assert!(!status.success(), "ends as SIGINT would: {status:?}");
}

#[test]
fn batch_job_pushes_on_exit() {
    let pg = Pushgateway::start();
    let mut c = example("batch_job");
    c.env("CENSUS_PUSHGATEWAY_URL", pg.url())
        .env("CENSUS_JOB", "nightly_copy");
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut rows = pg.values(&[("job", "nightly_copy")], "rows_copied");
    rows.sort_by(|a, b| a.0["table"].cmp(&b.0["table"]));
    let got: Vec<(String, f64)> = rows
        .into_iter()
        .map(|(l, v)| (l["table"].clone(), v))
        .collect();
    assert_eq!(
        got,
        vec![
            ("invoices".into(), 310.0),
            ("orders".into(), 5400.0),
            ("users".into(), 1200.0)
        ]
    );
}

#[test]
fn batch_job_print_mode_writes_the_exact_body() {
    let mut c = example("batch_job");
    c.env("CENSUS_PUSH_PRINT", "1")
        .env("CENSUS_PUSHGATEWAY_URL", "http://127.0.0.1:1");
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body = text(&out.stdout);
    let check = promtool_check_metrics(&body);
    assert!(
        check.code == 0 || check.code == 3,
        "parse error: {}",
        check.stderr
    );
    assert_eq!(sample(&body, "rows_copied{table=\"orders\"}"), 5400.0);
    assert_eq!(sample(&body, "table_seconds_count"), 3.0);
}

#[test]
fn batch_job_exits_non_zero_with_one_line_when_the_push_fails() {
    let mut c = example("batch_job");
    c.env(
        "CENSUS_PUSHGATEWAY_URL",
        format!("http://127.0.0.1:{}", free_port()),
    )
    .env("CENSUS_PUSH_TIMEOUT", "2s");
    let t0 = Instant::now();
    let out = run(c);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        t0.elapsed() < Duration::from_secs(10),
        "bounded by the deadline: {:?}",
        t0.elapsed()
    );
    let err = text(&out.stderr);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("batch_job:"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("batch_job: final push failed: could not reach the pushgateway"),
        "{err}"
    );
}

#[test]
fn batch_job_stdout_and_prometheus_modes_work_unchanged() {
    let mut c = example("batch_job");
    c.env("CENSUS_EXPORTER", "stdout");
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        sample(&text(&out.stdout), "rows_copied{table=\"users\"}"),
        1200.0
    );

    let port = free_port();
    let mut c = example("batch_job");
    c.env("CENSUS_EXPORTER", "prometheus")
        .env("CENSUS_PROMETHEUS_ADDR", format!("127.0.0.1:{port}"));
    let (child, line) = spawn_until_ready(c);
    assert!(line.contains("serving"), "{line}");
    let body =
        census_testkit::http::get(&format!("http://127.0.0.1:{port}/metrics")).expect("scrape");
    assert_eq!(
        sample(&body.text(), "rows_copied{table=\"orders\"}"),
        5400.0
    );
    signal(&child, "-TERM");
    wait_exit(child, Duration::from_secs(20));
}

#[test]
fn configuration_errors_stop_the_program_with_the_message() {
    for (var, value, expected) in [
        (
            "CENSUS_EXPORTER",
            "graphite",
            "quickstart: CENSUS_EXPORTER=\"graphite\" is invalid: unknown exporter \"graphite\"",
        ),
        (
            "CENSUS_NAMESPACE",
            "my.app",
            "quickstart: CENSUS_NAMESPACE=\"my.app\" is invalid:",
        ),
        (
            "CENSUS_PUSH_INTERVAL",
            "soon",
            "quickstart: CENSUS_PUSH_INTERVAL=\"soon\" is invalid: not a positive duration",
        ),
        (
            "CENSUS_STATSD_MODE",
            "stream",
            "quickstart: CENSUS_STATSD_MODE=\"stream\" is not supported yet:",
        ),
    ] {
        let mut c = example("quickstart");
        c.env(var, value).env("CENSUS_QUICKSTART_ITERATIONS", "1");
        let out = run(c);
        assert_eq!(out.status.code(), Some(1), "{var}={value}");
        let err = text(&out.stderr);
        assert!(err.starts_with(expected), "{var}={value}: {err}");
        assert!(
            out.stdout.is_empty(),
            "nothing started: {}",
            text(&out.stdout)
        );
    }
    // A taken address is reported and nothing keeps running.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut c = example("quickstart");
    c.env(
        "CENSUS_PROMETHEUS_ADDR",
        taken.local_addr().unwrap().to_string(),
    )
    .env("CENSUS_QUICKSTART_ITERATIONS", "1");
    let out = run(c);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot serve /metrics on"),
        "{}",
        text(&out.stderr)
    );
}

/// Counters as Etsy statsd stores them, once `want` are all there (packets are handled
/// asynchronously).
#[cfg(feature = "statsd")]
fn statsd_holds(
    statsd: &census_testkit::Statsd,
    read: impl Fn(&census_testkit::Statsd) -> std::collections::BTreeMap<String, f64>,
    want: &[(&str, f64)],
) {
    let got = census_testkit::poll("statsd values", Duration::from_secs(10), || {
        let now = read(statsd);
        want.iter()
            .all(|(k, v)| now.get(*k) == Some(v))
            .then_some(now)
    });
    assert!(!got.is_empty());
}

#[cfg(feature = "statsd")]
#[test]
fn batch_job_statsd_sends_its_counters_on_exit() {
    let statsd = census_testkit::Statsd::start();
    let mut c = example("batch_job");
    c.env("CENSUS_EXPORTER", "statsd")
        .env("CENSUS_STATSD_ADDR", statsd.addr().to_string())
        .env("CENSUS_NAMESPACE", "nightly")
        .env("CENSUS_CONST_LABELS", "host=h1");
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    statsd_holds(
        &statsd,
        |s| s.counters(),
        &[
            ("nightly.rows_copied;table=users;host=h1", 1200.0),
            ("nightly.rows_copied;table=orders;host=h1", 5400.0),
            ("nightly.rows_copied;table=invoices;host=h1", 310.0),
            ("nightly.table_seconds.count;host=h1", 3.0),
        ],
    );
}

#[cfg(feature = "statsd")]
#[test]
fn quickstart_statsd_sends_counters_and_gauges_with_dogstatsd_tags() {
    let statsd = census_testkit::Statsd::start();
    let mut c = example("quickstart");
    c.env("CENSUS_EXPORTER", "statsd,stdout")
        .env("CENSUS_STATSD_ADDR", statsd.addr().to_string())
        .env("CENSUS_STATSD_FLAVOR", "dogstatsd")
        .env("CENSUS_QUICKSTART_ITERATIONS", "10");
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        sample(
            &text(&out.stdout),
            "requests_total{method=\"GET\",status=\"200\"}"
        ),
        6.0,
        "stdout beside statsd"
    );
    statsd_holds(
        &statsd,
        |s| s.counters(),
        &[
            ("requests_total;method=GET;status=200", 6.0),
            ("requests_total;method=POST;status=500", 1.0),
            ("response_bytes_total;method=POST", 1200.0),
            ("request_latency_seconds.count;method=GET", 6.0),
        ],
    );
    statsd_holds(&statsd, |s| s.gauges(), &[("queue_depth", 1.0)]);
}
