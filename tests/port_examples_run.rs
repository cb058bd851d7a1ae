//! The ports (examples/helloworld.rs, ocpush_cron.rs, prometheus_registry.rs,
//! otel_migration.rs) run as binaries against real peers: a Pushgateway read back through
//! `/api/v1/metrics`, a real Prometheus scraping the services, and `promtool check metrics` on
//! every exposition. The examples are built by `cargo test` (they live in the `census` package).

mod common;

use std::process::{Child, Command};
use std::time::{Duration, Instant};

// `promtool check metrics` parses the exposition (lint findings such as a counter without
// `_total`, exit code 3, are fine: census keeps OpenCensus Go's names).
use census_testkit::assert_no_parse_errors as assert_parses;
use census_testkit::{free_port, http, Prometheus, Pushgateway, ScrapeTarget};
use common::{example, run, sample, signal, spawn_until_ready, text, wait_exit};

#[test]
fn helloworld_prints_one_row_with_25648_in_the_first_bucket() {
    let t0 = Instant::now();
    let out = run(example("helloworld"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    let stdout = text(&out.stdout);
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("my.org/views/video_size "))
        .collect();
    assert!(!rows.is_empty(), "no row printed:\n{stdout}");
    for row in &rows {
        assert!(row.contains("distribution: count=1 "), "{row}");
        assert!(
            row.contains("min=25648.0 max=25648.0 mean=25648.0"),
            "{row}"
        );
        // Go's Distribution(0, 1<<16, 1<<32): the leading 0 is dropped, as in Go.
        assert!(row.contains("bounds=[65536.0, 4294967296.0]"), "{row}");
        assert!(row.contains("buckets=[1, 0, 0]"), "25648 < 65536: {row}");
    }
    assert!(
        stdout
            .lines()
            .any(|l| l.trim() == "- my.org/keys/frontend=mobile-ios9.3.5"),
        "{stdout}"
    );
}

#[test]
fn ocpush_cron_pushes_to_a_real_pushgateway() {
    let pg = Pushgateway::start();
    let mut c = example("ocpush_cron");
    c.arg("worker-7")
        .env("CENSUS_PUSHGATEWAY_URL", pg.url())
        .env("CENSUS_JOB", "nightly_etl");
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let key = [("job", "nightly_etl"), ("instance", "worker-7")];
    let by_kind = |family: &str| {
        let mut v: Vec<(String, f64)> = pg
            .values(&key, family)
            .into_iter()
            .map(|(l, v)| (l["kind"].clone(), v))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let files = by_kind("cron_files_processed");
    assert_eq!(files, vec![("csv".into(), 3.0), ("json".into(), 1.0)]);
    let bytes = by_kind("cron_bytes_processed");
    assert_eq!(
        bytes,
        vec![("csv".into(), 6656.0), ("json".into(), 70000.0)]
    );

    let group = pg.group(&key).expect("the worker-7 group");
    let hist = &group["cron_file_size_bytes"]["metrics"][0];
    assert_eq!(hist["count"], "4", "{hist}");
    assert_eq!(hist["buckets"]["1024"], "1", "{hist}");
    assert_eq!(hist["buckets"]["65536"], "3", "{hist}");
    assert_eq!(hist["buckets"]["1.048576e+06"], "4", "{hist}");
    assert_parses(&pg.metrics_text());
}

#[test]
fn ocpush_cron_print_mode_prints_a_parseable_body_and_sends_nothing() {
    let mut c = example("ocpush_cron");
    c.env("CENSUS_PUSH_PRINT", "1").env(
        "CENSUS_PUSHGATEWAY_URL",
        format!("http://127.0.0.1:{}", free_port()),
    );
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body = text(&out.stdout);
    assert_parses(&body);
    assert_eq!(sample(&body, "cron_files_processed{kind=\"csv\"}"), 3.0);
    assert_eq!(
        sample(&body, "cron_bytes_processed{kind=\"json\"}"),
        70000.0
    );
    assert_eq!(
        sample(&body, "cron_file_size_bytes_bucket{le=\"1024\"}"),
        1.0
    );
    assert_eq!(sample(&body, "cron_file_size_bytes_count"), 4.0);
}

#[test]
fn ocpush_cron_exits_non_zero_with_one_line_when_the_push_fails() {
    let mut c = example("ocpush_cron");
    c.env(
        "CENSUS_PUSHGATEWAY_URL",
        format!("http://127.0.0.1:{}", free_port()),
    )
    .env("CENSUS_PUSH_TIMEOUT", "2s");
    let t0 = Instant::now();
    let out = run(c);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("ocpush_cron: final push failed: could not reach the pushgateway"),
        "{err}"
    );
}

/// Starts a serving example on a free port; returns it and its `host:port`.
fn serve(name: &str) -> (Child, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let mut c: Command = example(name);
    c.env("CENSUS_PROMETHEUS_ADDR", &addr)
        .env("EXAMPLE_ITERATIONS", "10");
    let (child, line) = spawn_until_ready(c);
    assert_eq!(line.trim(), format!("serving http://{addr}/metrics"));
    (child, addr)
}

fn scrape(addr: &str) -> String {
    let resp = http::get(&format!("http://{addr}/metrics")).expect("scrape");
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert!(
        resp.header("content-type")
            .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")),
        "{:?}",
        resp.headers
    );
    let body = resp.text();
    assert_parses(&body);
    body
}

/// Ctrl-C ends the service cleanly.
fn interrupt(child: Child) {
    signal(&child, "-INT");
    let status = wait_exit(child, Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
}

#[test]
fn prometheus_registry_serves_the_apps_metrics_and_census_views_together() {
    let (child, addr) = serve("prometheus_registry");
    let body = scrape(&addr);
    assert_eq!(sample(&body, "app_requests_total"), 10.0);
    assert_eq!(sample(&body, "app_in_flight"), 1.0);
    assert_eq!(sample(&body, "svc_requests{method=\"GET\"}"), 5.0);
    assert_eq!(sample(&body, "svc_requests{method=\"POST\"}"), 5.0);
    // GET: 5, 45, 5, 45, 5 ms; POST: 25, 65, 25, 65, 25 ms.
    assert_eq!(
        sample(&body, "svc_latency_ms_bucket{method=\"GET\",le=\"10\"}"),
        3.0
    );
    assert_eq!(
        sample(&body, "svc_latency_ms_bucket{method=\"POST\",le=\"50\"}"),
        3.0
    );
    assert_eq!(sample(&body, "svc_latency_ms_sum{method=\"POST\"}"), 205.0);
    assert_eq!(sample(&body, "svc_latency_ms_count{method=\"GET\"}"), 5.0);
    let resp = http::get(&format!("http://{addr}/other")).expect("GET /other");
    assert_eq!(resp.status, 404);
    interrupt(child);
}

#[test]
fn otel_migration_serves_census_and_otel_series_with_the_same_numbers() {
    let (child, addr) = serve("otel_migration");
    let body = scrape(&addr);
    // us: i = 0, 3, 6, 9 (5, 65, 45, 25 ms); eu: the other six.
    for (region, n) in [("eu", 6.0), ("us", 4.0)] {
        assert_eq!(
            sample(&body, &format!("svc_checkouts{{region=\"{region}\"}}")),
            n
        );
        assert_eq!(
            sample(
                &body,
                &format!("otel_checkouts_total{{region=\"{region}\"}}")
            ),
            n
        );
        for le in ["10", "50", "100", "+Inf"] {
            let census = sample(
                &body,
                &format!("svc_checkout_latency_bucket{{region=\"{region}\",le=\"{le}\"}}"),
            );
            let otel = sample(
                &body,
                &format!("otel_checkout_latency_bucket{{region=\"{region}\",le=\"{le}\"}}"),
            );
            assert_eq!(census, otel, "{region} le={le}");
        }
        for suffix in ["_sum", "_count"] {
            let census = sample(
                &body,
                &format!("svc_checkout_latency{suffix}{{region=\"{region}\"}}"),
            );
            let otel = sample(
                &body,
                &format!("otel_checkout_latency{suffix}{{region=\"{region}\"}}"),
            );
            assert_eq!(census, otel, "{region} {suffix}");
        }
    }
    assert_eq!(
        sample(
            &body,
            "svc_checkout_latency_bucket{region=\"us\",le=\"50\"}"
        ),
        3.0
    );
    assert_eq!(
        sample(&body, "otel_checkout_latency_sum{region=\"eu\"}"),
        170.0
    );
    assert!(
        !body.contains("target_info") && !body.contains("otel_scope_"),
        "{body}"
    );
    assert!(!body.contains("_milliseconds"), "without_units: {body}");
    interrupt(child);
}

#[test]
fn both_services_are_scraped_by_a_real_prometheus() {
    let (registry_child, registry_addr) = serve("prometheus_registry");
    let (otel_child, otel_addr) = serve("otel_migration");
    let prom = Prometheus::start(&[
        ScrapeTarget::new("registry", registry_addr, "/metrics", false),
        ScrapeTarget::new("otel", otel_addr, "/metrics", false),
    ]);
    let d = Prometheus::DEFAULT_DEADLINE;
    let one = |s: &[census_testkit::Sample], v: f64| s.len() == 1 && s[0].1 == v;
    prom.wait_for("app_requests_total{job=\"registry\"}", d, |s| one(s, 10.0));
    prom.wait_for("svc_requests{job=\"registry\",method=\"GET\"}", d, |s| {
        one(s, 5.0)
    });
    prom.wait_for("otel_checkouts_total{job=\"otel\",region=\"eu\"}", d, |s| {
        one(s, 6.0)
    });
    prom.wait_for("svc_checkouts{job=\"otel\",region=\"us\"}", d, |s| {
        one(s, 4.0)
    });
    let q = "histogram_quantile(1, svc_latency_ms_bucket{job=\"registry\",method=\"POST\"})";
    let r = prom.wait_for(q, d, |s| !s.is_empty());
    assert_eq!(
        r[0].1, 100.0,
        "the largest POST latency (65 ms) is in the 50-100 bucket"
    );
    for t in prom.targets() {
        assert_eq!(t.health, "up", "{t:?}");
    }
    interrupt(registry_child);
    interrupt(otel_child);
}
