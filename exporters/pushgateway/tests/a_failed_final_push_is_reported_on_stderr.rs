//! With no `tracing` subscriber installed, a final push that fails on drop, on a panic or on a
//! signal still says so: one line on stderr naming the exporter, the target and the reason.
//! The children are this test binary itself, re-run with an env var.

use std::os::unix::process::ExitStatusExt;
use std::process::{Output, Stdio};
use std::time::Duration;

use census_pushgateway::Pushgateway;
use census_sdk::Meter;
use census_testkit::process::rerun_test_as_child;

const CHILD: &str = "CENSUS_TEST_FAILED_FINAL_PUSH";
const URL: &str = "CENSUS_TEST_DEAD_GATEWAY";

/// A loopback URL where nothing listens.
fn dead_gateway() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", l.local_addr().unwrap())
}

fn child_exporter() -> Pushgateway {
    Pushgateway::builder(std::env::var(URL).unwrap(), "lost_job")
        .with_meter(Meter::new())
        .with_timeout(Duration::from_secs(1))
        .with_signal_handling(true)
        .build()
        .unwrap()
}

fn run(test: &str, url: &str) -> Output {
    rerun_test_as_child(test, CHILD)
        .env(URL, url)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn assert_reported(out: &Output, url: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("census: the final export of pushgateway"))
        .unwrap_or_else(|| panic!("no report on stderr: {stderr}"));
    assert!(
        line.contains(&format!("{url}/metrics/job/lost_job")),
        "{line}"
    );
    assert!(line.contains("could not reach the pushgateway"), "{line}");
}

#[test]
fn on_drop() {
    if std::env::var_os(CHILD).is_some() {
        let pg = child_exporter();
        drop(pg.guard());
        return;
    }
    let url = dead_gateway();
    let out = run("on_drop", &url);
    assert!(out.status.success(), "{out:?}");
    assert_reported(&out, &url);
}

#[test]
fn on_panic() {
    if std::env::var_os(CHILD).is_some() {
        let pg = child_exporter();
        let _guard = pg.guard();
        panic!("the job failed");
    }
    let url = dead_gateway();
    let out = run("on_panic", &url);
    assert!(!out.status.success(), "{out:?}");
    assert_reported(&out, &url);
    assert!(String::from_utf8_lossy(&out.stderr).contains("(Panic)"));
}

#[test]
fn on_sigterm() {
    if std::env::var_os(CHILD).is_some() {
        let _pg = child_exporter();
        // The signal thread finishes the exporter, then ends the process as SIGTERM would.
        let me = std::process::id().to_string();
        std::process::Command::new("kill")
            .args(["-TERM", &me])
            .status()
            .unwrap();
        loop {
            std::thread::park();
        }
    }
    let url = dead_gateway();
    let out = run("on_sigterm", &url);
    assert_eq!(out.status.signal(), Some(15), "{out:?}");
    assert_reported(&out, &url);
}

#[test]
fn on_process_exit_keeping_the_exit_code() {
    if std::env::var_os(CHILD).is_some() {
        let _pg = child_exporter();
        // The exit hook finishes the exporter; the code the job chose stands.
        std::process::exit(3);
    }
    let url = dead_gateway();
    let out = run("on_process_exit_keeping_the_exit_code", &url);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert_reported(&out, &url);
    assert!(String::from_utf8_lossy(&out.stderr).contains("(ProcessExit)"));
}

#[test]
fn finish_hands_the_failure_to_the_job_which_exits_non_zero() {
    if std::env::var_os(CHILD).is_some() {
        let pg = child_exporter();
        if let Err(e) = pg.guard().finish() {
            eprintln!("job: {e}");
            std::process::exit(2);
        }
        return;
    }
    let url = dead_gateway();
    let out = run(
        "finish_hands_the_failure_to_the_job_which_exits_non_zero",
        &url,
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("job: "))
        .unwrap_or_else(|| panic!("the job got no error: {stderr}"));
    assert!(line.contains("pushgateway"), "{line}");
    assert!(line.contains(&url), "{line}");
}
