//! A tiny batch job used by the integration tests (`tests/a_job_that_panics_or_is_killed_still_delivers.rs`)
//! as a child process; it lives in the unpublished `census` package, so no test binary ships
//! with census-pushgateway.
//!
//! Environment: `CENSUS_TEST_GATEWAY` (gateway URL), `CENSUS_TEST_JOB` (job name),
//! `CENSUS_TEST_MODE`:
//! - `ok`: records, then `guard.finish()`; exits 1 with a one-line error if the push failed;
//! - `panic`: records, then panics with the guard alive (the unwind pushes);
//! - `signal`: handles SIGTERM/SIGINT, records, prints `READY`, then waits to be killed;
//! - `exit3`: records, then `std::process::exit(3)` with the guard alive (the exit hook pushes).
//!
//! It records `rows_copied{table="users"} 1200` and pushes with job outcome metrics on.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use census_pushgateway::Pushgateway;
use census_sdk::{self as census, Aggregation, Int64Measure, TagKey, TagMap, View};

fn main() -> ExitCode {
    let url = std::env::var("CENSUS_TEST_GATEWAY").expect("CENSUS_TEST_GATEWAY");
    let job = std::env::var("CENSUS_TEST_JOB").expect("CENSUS_TEST_JOB");
    let mode = std::env::var("CENSUS_TEST_MODE").unwrap_or_else(|_| "ok".into());

    let rows = Int64Measure::new("test.io/rows", "Rows copied", "1").expect("measure");
    let view = View::new(
        "rows_copied",
        "Rows copied",
        [TagKey::new("table").expect("key")],
        &rows,
        Aggregation::Sum,
    )
    .expect("view");
    census::register(&view).expect("register");

    let pg = Pushgateway::builder(url, job)
        .with_timeout(Duration::from_secs(3))
        .with_job_outcome_metrics(true)
        .with_signal_handling(mode == "signal")
        .build()
        .expect("pushgateway config");
    let guard = pg.guard();

    let tags = TagMap::from_pairs(&[("table", "users")]).expect("tags");
    census::record_with_tags(&tags, &[rows.m(1000), rows.m(200)]);

    match mode.as_str() {
        "panic" => panic!("simulated job failure"),
        "exit3" => std::process::exit(3),
        "signal" => {
            println!("READY");
            let _ = std::io::stdout().flush();
            // Killed by the signal long before this ends.
            std::thread::sleep(Duration::from_secs(60));
            ExitCode::from(3)
        }
        _ => match guard.finish() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: final push failed: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
