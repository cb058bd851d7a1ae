//! SIGTERM/SIGINT finish every registered exporter, then the process dies by the signal; the
//! signal thread is one thread named `census-signals`, however often it is installed. The
//! child is this test binary itself, re-run with an env var.

mod common;

use std::io::{BufRead, BufReader, Write as _};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use census_export::{exit, Finish};
use census_testkit::process::{rerun_test_as_child, threads_named};
use common::Announce;

const CHILD: &str = "CENSUS_EXPORT_TEST_SIGNAL_CHILD";

fn child() -> ! {
    let e: Arc<dyn Finish> = Arc::new(Announce);
    exit::register(&e);
    exit::install_exit_hook().unwrap();
    for _ in 0..3 {
        exit::install_signal_handler().unwrap();
    }
    println!("threads: {}", threads_named(exit::SIGNAL_THREAD_NAME));
    println!("READY");
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}

fn run(sig: &str, signo: i32) {
    let test = "sigterm_finishes_then_the_signal_ends_the_process";
    let mut c = rerun_test_as_child(test, CHILD)
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = c.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
        }
    });
    let mut lines = Vec::new();
    while lines.last().map(String::as_str) != Some("READY") {
        lines.push(
            rx.recv_timeout(Duration::from_secs(30))
                .expect("child never got ready"),
        );
    }
    assert!(lines.contains(&"threads: 1".to_string()), "{lines:?}");
    let ok = Command::new("kill")
        .args([sig, &c.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let status = c.wait().unwrap();
    assert_eq!(status.signal(), Some(signo), "{status:?}");
    let rest: Vec<String> = rx.iter().collect();
    assert_eq!(rest, [format!("finished: Signal({signo})")]);
}

#[test]
fn sigterm_finishes_then_the_signal_ends_the_process() {
    if std::env::var_os(CHILD).is_some() {
        child();
    }
    run("-TERM", 15);
    run("-INT", 2);
}
