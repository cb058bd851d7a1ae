//! SIGTERM/SIGINT finish every registered exporter, then the process dies by the signal; the
//! signal thread is one thread named `census-signals`, however often it is installed. The
//! child is this test binary itself, re-run with an env var.

use std::io::{BufRead, BufReader, Write as _};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use census_export::{exit, BoxError, Ending, Finish};

struct Announce;

impl Finish for Announce {
    fn name(&self) -> &str {
        "announce"
    }
    fn finish(&self, ending: Ending) -> Result<(), BoxError> {
        println!("finished: {ending:?}");
        let _ = std::io::stdout().flush();
        Ok(())
    }
}

const CHILD: &str = "CENSUS_EXPORT_TEST_SIGNAL_CHILD";

fn threads_named(name: &str) -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|comm| comm.trim() == name)
        .count()
}

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
    let mut c = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "sigterm_finishes_then_the_signal_ends_the_process",
            "--nocapture",
        ])
        .env(CHILD, "1")
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
