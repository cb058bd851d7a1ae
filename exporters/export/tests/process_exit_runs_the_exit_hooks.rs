//! `std::process::exit(3)` finishes every registered exporter first (the `atexit` hook), and
//! the process still exits 3. The child is this test binary itself, re-run with an env var.

mod common;

use std::sync::Arc;

use census_export::{exit, Finish};
use census_testkit::process::rerun_test_as_child;
use common::Announce;

const CHILD: &str = "CENSUS_EXPORT_TEST_CHILD";

#[test]
fn process_exit_finishes_registered_exporters_and_keeps_the_code() {
    if std::env::var_os(CHILD).is_some() {
        let e: Arc<dyn Finish> = Arc::new(Announce);
        exit::register(&e);
        exit::install_exit_hook().unwrap();
        exit::install_exit_hook().unwrap(); // idempotent: one hook, one finish
        assert!(
            !exit::signal_handler_installed(),
            "the exit hook installs no signal handler"
        );
        std::process::exit(3);
    }
    let test = "process_exit_finishes_registered_exporters_and_keeps_the_code";
    let out = rerun_test_as_child(test, CHILD).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let finished: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("finished:"))
        .collect();
    assert_eq!(finished, ["finished: ProcessExit"], "{stdout}");
}
