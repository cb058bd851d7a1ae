//! The README's code is real: it equals `examples/readme_quickstart.rs` (which `cargo test`
//! compiles) and that example records what the README says it does: it prints in stdout mode,
//! keeps serving in the default pull mode, and prints a bad configuration's message as text.

use std::process::{Command, Stdio};
use std::time::Duration;

use census_testkit::http;
use census_testkit::poll;

fn example() -> Command {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .and_then(|d| d.parent())
        .unwrap()
        .join("examples/readme_quickstart");
    assert!(
        bin.exists(),
        "{} missing: run with `cargo test`",
        bin.display()
    );
    Command::new(bin)
}

#[test]
fn readme_code_block_is_the_example() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let start = readme
        .find("## Quickstart in code\n\n```rust\n")
        .expect("README has the quickstart block");
    let rest = &readme[start..];
    let code_start = rest.find("```rust\n").unwrap() + "```rust\n".len();
    let code = &rest[code_start..code_start + rest[code_start..].find("```").unwrap()];
    let example = std::fs::read_to_string(format!("{root}/examples/readme_quickstart.rs")).unwrap();
    let body: String = example
        .lines()
        .skip_while(|l| l.starts_with("//!") || l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        body, code,
        "README.md and examples/readme_quickstart.rs differ"
    );
}

#[test]
fn readme_example_records_and_prints() {
    let out = example().env("CENSUS_EXPORTER", "stdout").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("request_latency_seconds_bucket{method=\"GET\",le=\"0.1\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("request_latency_seconds_sum{method=\"GET\"} 0.042\n"),
        "{text}"
    );
}

#[test]
fn readme_example_keeps_serving_in_pull_mode() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut child = example()
        .env("CENSUS_PROMETHEUS_ADDR", addr.to_string())
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://{addr}/metrics");
    let body = poll("the quickstart's /metrics", Duration::from_secs(20), || {
        http::get(&url)
            .ok()
            .filter(|r| r.status == 200)
            .map(|r| r.text())
    });
    assert!(
        body.contains("request_latency_seconds_count{method=\"GET\"} 1\n"),
        "{body}"
    );
    // It does not end on its own: more scrapes are answered, and it is still running.
    for _ in 0..5 {
        assert_eq!(http::get(&url).unwrap().status, 200);
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the quickstart ended in pull mode"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn readme_example_prints_a_bad_configuration_as_text() {
    let out = example()
        .env("CENSUS_EXPORTER", "pushgateway")
        .env_remove("CENSUS_JOB")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "error: CENSUS_JOB is required when pushgateway is enabled: set CENSUS_JOB=<job name> or call ExporterConfig::with_job\n"
    );
}
