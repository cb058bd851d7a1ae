//! A job process that panics, calls `std::process::exit(3)`, or is sent SIGTERM/SIGINT, still
//! delivers its metrics; one whose final push fails exits non-zero with a one-line error. The
//! job is a real child process (`examples/pushgateway_test_job.rs`) talking to the real gateway.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use census_testkit::Pushgateway as Gateway;

fn job(gateway: &str, job: &str, mode: &str) -> Command {
    let mut c = common::example("pushgateway_test_job");
    c.env("CENSUS_TEST_GATEWAY", gateway)
        .env("CENSUS_TEST_JOB", job)
        .env("CENSUS_TEST_MODE", mode);
    c
}

/// The single value of family `family` in group `key`, if present.
fn single_value(gw: &Gateway, key: &[(&str, &str)], family: &str) -> Option<f64> {
    let v = gw.values(key, family);
    assert!(v.len() <= 1, "{family}: {v:?}");
    v.first().map(|(_, x)| *x)
}

fn assert_delivered(gw: &Gateway, job: &str, succeeded: bool) {
    let key = [("job", job)];
    assert_eq!(
        single_value(gw, &key, "rows_copied"),
        Some(1200.0),
        "{:#}",
        gw.api_metrics()
    );
    let status = if succeeded { 1.0 } else { 0.0 };
    assert_eq!(single_value(gw, &key, "job_last_run_success"), Some(status));
    assert!(single_value(gw, &key, "job_duration_seconds").unwrap() >= 0.0);
    let last_success = single_value(gw, &key, "job_last_success_timestamp_seconds");
    assert_eq!(last_success.is_some(), succeeded, "{last_success:?}");
}

#[test]
fn a_job_that_ends_normally_delivers_and_exits_zero() {
    let gw = Gateway::start();
    let out = job(gw.url(), "child_ok", "ok").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_delivered(&gw, "child_ok", true);
}

#[test]
fn a_job_that_calls_process_exit_delivers_its_final_push_and_exits_3() {
    let gw = Gateway::start();
    let out = job(gw.url(), "child_exit3", "exit3").output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert_delivered(&gw, "child_exit3", true);
}

#[test]
fn a_job_that_panics_still_delivers_its_metrics() {
    let gw = Gateway::start();
    let out: Output = job(gw.url(), "child_panic", "panic").output().unwrap();
    assert_eq!(out.status.code(), Some(101), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("simulated job failure"));
    assert_delivered(&gw, "child_panic", false);
}

fn killed_job_delivers(signal: &str, signo: i32) {
    let gw = Gateway::start();
    let name = format!("child_{}", signal.to_lowercase());
    let mut child = job(gw.url(), &name, "signal")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Readiness: the job prints READY once it has recorded; read it on a thread so a job that
    // never prints cannot hang the test.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("job never printed READY");
    assert_eq!(line.trim(), "READY");
    assert!(
        gw.group(&[("job", &name)]).is_none(),
        "nothing pushed before the signal"
    );

    let sent = Instant::now();
    let kill = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = common::wait_exit(child, Duration::from_secs(10));
    assert_eq!(
        status.signal(),
        Some(signo),
        "the job ends by the signal: {status:?}"
    );
    assert!(
        sent.elapsed() < Duration::from_secs(5),
        "{:?}",
        sent.elapsed()
    );
    assert_delivered(&gw, &name, false);
}

#[test]
fn a_job_sent_sigterm_delivers_its_metrics_then_dies_by_the_signal() {
    killed_job_delivers("TERM", 15);
}

#[test]
fn a_job_sent_sigint_delivers_its_metrics_then_dies_by_the_signal() {
    killed_job_delivers("INT", 2);
}

#[test]
fn a_job_whose_final_push_fails_exits_non_zero_with_one_line() {
    let mut gw = Gateway::start();
    let url = gw.url().to_string();
    gw.stop();
    let started = Instant::now();
    let out = job(&url, "child_no_gateway", "ok").output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("error: final push failed: could not reach the pushgateway"),
        "{stderr}"
    );
    assert!(lines[0].contains(&url), "{stderr}");
}
