//! `examples/batch_job.rs` and `quickstart.rs`, unchanged, with `CENSUS_EXPORTER=influx`
//! (alone and in a comma list) write what they recorded to a real VictoriaMetrics.

mod common;

use census_testkit::VictoriaMetrics;
use common::{example, run, text};

fn values(vm: &VictoriaMetrics, selector: &str, n: usize) -> Vec<(String, f64)> {
    let mut got: Vec<(String, f64)> = vm
        .wait_export(selector, |s| s.len() >= n)
        .into_iter()
        .map(|s| {
            let labels = s.labels_without_name();
            let key = labels.values().cloned().collect::<Vec<_>>().join(",");
            (key, *s.values.last().unwrap())
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    got
}

#[test]
fn batch_job_writes_on_exit() {
    let vm = VictoriaMetrics::start();
    let mut c = example("batch_job");
    c.env("CENSUS_EXPORTER", "influx")
        .env("CENSUS_INFLUX_URL", vm.influx_write_url())
        .env("CENSUS_JOB", "nightly_copy");
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        values(&vm, "{__name__=\"rows_copied\"}", 3),
        vec![
            ("invoices".into(), 310.0),
            ("orders".into(), 5400.0),
            ("users".into(), 1200.0)
        ]
    );
    assert_eq!(
        values(&vm, "{__name__=\"table_seconds_count\"}", 1)[0].1,
        3.0
    );
}

#[test]
fn quickstart_writes_over_udp_beside_stdout() {
    let vm = VictoriaMetrics::start();
    let mut c = example("quickstart");
    c.env("CENSUS_EXPORTER", "stdout,influx")
        .env("CENSUS_INFLUX_URL", format!("udp://{}", vm.influx_addr()))
        .env("CENSUS_QUICKSTART_ITERATIONS", "10");
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("requests_total{"),
        "stdout still prints"
    );
    let got = values(&vm, "{__name__=\"requests_total\"}", 2);
    assert!(got.contains(&("GET,200".into(), 6.0)), "{got:?}");
    assert!(got.contains(&("POST,500".into(), 1.0)), "{got:?}");
}

#[test]
fn a_bad_influx_url_is_refused_with_the_variable_and_the_forms() {
    let mut c = example("quickstart");
    c.env("CENSUS_EXPORTER", "influx")
        .env("CENSUS_INFLUX_URL", "http://127.0.0.1:1/?p=secret")
        .env("CENSUS_QUICKSTART_ITERATIONS", "1");
    let out = run(c);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("CENSUS_INFLUX_URL=\"http://127.0.0.1:1/…\" is invalid"),
        "{err}"
    );
    assert!(
        err.contains("udp://host:port") && !err.contains("secret"),
        "{err}"
    );
}
