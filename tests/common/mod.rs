//! Helpers shared by the tests that run the example binaries (each test file that uses them
//! declares `mod common;`; not every file uses every helper).
#![allow(dead_code, unused_imports)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub fn example(name: &str) -> Command {
    let exe = std::env::current_exe().expect("test binary path");
    let dir: PathBuf = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target/<profile> dir")
        .join("examples");
    let bin = dir.join(name);
    assert!(
        bin.exists(),
        "example binary {} is missing: run the tests with `cargo test` (it builds examples)",
        bin.display()
    );
    let mut c = Command::new(bin);
    for (k, _) in std::env::vars() {
        if k.starts_with("CENSUS_") || k.starts_with("OTEL_EXPORTER_PROMETHEUS") {
            c.env_remove(k);
        }
    }
    c.stdin(Stdio::null());
    c
}

pub fn run(mut c: Command) -> Output {
    c.output().expect("spawn example")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The value of the exposition line of exactly this series (census-testkit's parser).
pub use census_testkit::exposition::sample;

/// Spawns, then waits (bounded) for the first stdout line, which each example prints once it
/// has recorded and its exporters are up.
pub fn spawn_until_ready(mut c: Command) -> (Child, String) {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn example");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = tx.send(line);
        // Keep draining: a closed pipe would make the example's next print fail.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("example printed its ready line");
    (child, line)
}

pub fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {sig} failed");
}

pub fn wait_exit(mut child: Child, deadline: Duration) -> std::process::ExitStatus {
    census_testkit::poll("the example to exit", deadline, || {
        child.try_wait().unwrap()
    })
}
