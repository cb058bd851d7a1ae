//! The README's code is real: it equals `examples/readme_quickstart.rs` (which `cargo test`
//! compiles) and that example records what the README says it does.

use std::process::Command;

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
    let out = Command::new(bin)
        .env("CENSUS_EXPORTER", "stdout")
        .output()
        .unwrap();
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
