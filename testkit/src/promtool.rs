//! `promtool check metrics`: the reference linter/parser for the Prometheus
//! text exposition format.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::peer::find_binary;

/// Environment variable naming the promtool binary to use instead of
/// searching `PATH` for `promtool`.
pub const PROMTOOL_BIN_ENV: &str = "CENSUS_TESTKIT_PROMTOOL";

/// Outcome of [`promtool_check_metrics`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromtoolResult {
    /// Exit code: `0` clean, `3` lint findings, `1` parse error (`-1` if
    /// promtool was killed by a signal).
    pub code: i32,
    /// What promtool printed on stderr: one finding per line, e.g.
    /// `requests counter metrics should have "_total" suffix`.
    pub stderr: String,
}

impl PromtoolResult {
    /// No findings at all (exit code 0).
    pub fn is_clean(&self) -> bool {
        self.code == 0
    }

    /// The input could not be parsed (exit code 1).
    pub fn is_parse_error(&self) -> bool {
        self.code == 1
    }

    /// The non-empty stderr lines.
    pub fn findings(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect()
    }
}

/// Runs `promtool check metrics` with `text` on stdin.
///
/// ```no_run
/// let r = census_testkit::promtool_check_metrics("# HELP x_total X.\n# TYPE x_total counter\nx_total 1\n");
/// assert_eq!(r.code, 0, "{}", r.stderr);
/// ```
///
/// # Panics
///
/// If `promtool` is not installed (Debian package `prometheus`; run
/// `scripts/install-peers`) or cannot be run.
pub fn promtool_check_metrics(text: &str) -> PromtoolResult {
    let program = find_binary("promtool", PROMTOOL_BIN_ENV, "prometheus");
    let mut child = Command::new(&program)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {}: {e}", program.display()));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = text.as_bytes().to_vec();
    // Feed stdin from a thread so a large input cannot deadlock against
    // promtool filling its stderr pipe.
    let feeder = std::thread::spawn(move || {
        // promtool may stop reading early on a parse error: ignore EPIPE.
        let _ = stdin.write_all(&input);
    });
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait for promtool: {e}"));
    let _ = feeder.join();
    let mut stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // promtool 2.42 prints findings on stderr; keep stdout too should a
    // version print there.
    if !out.stdout.is_empty() {
        stderr.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    PromtoolResult {
        code: out.status.code().unwrap_or(-1),
        stderr,
    }
}

/// Asserts that promtool can parse `text` (exit code 0 or 3: lint findings
/// are allowed) and returns the result for further checks.
///
/// # Panics
///
/// On a parse error or any other exit code, showing promtool's message and
/// the text.
pub fn assert_no_parse_errors(text: &str) -> PromtoolResult {
    let r = promtool_check_metrics(text);
    assert!(
        r.code == 0 || r.code == 3,
        "promtool check metrics failed with exit code {}: {}\n--- input ---\n{text}",
        r.code,
        r.stderr.trim_end()
    );
    r
}

/// Asserts that promtool finds nothing at all in `text` (exit code 0).
///
/// # Panics
///
/// Otherwise, listing the findings and the text.
pub fn assert_lint_clean(text: &str) -> PromtoolResult {
    let r = promtool_check_metrics(text);
    assert!(
        r.code == 0,
        "promtool check metrics: exit code {}: {}\n--- input ---\n{text}",
        r.code,
        r.stderr.trim_end()
    );
    r
}
