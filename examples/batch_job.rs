//! A cron-style batch job: it records a few tagged measurements, then exits, pushing its
//! metrics to a Prometheus Pushgateway on the way out (explicit finish, drop, panic or SIGTERM).
//!
//! ```text
//! cargo run --example batch_job                          # pushes to http://127.0.0.1:9091, job "batch_job"
//! CENSUS_PUSH_PRINT=1 cargo run --example batch_job      # prints the exact body instead
//! CENSUS_PUSHGATEWAY_URL=http://gw:9091 CENSUS_JOB=nightly_copy cargo run --example batch_job
//! ```
//! Exits non-zero with a one-line error when the final push failed. Other exporters work too
//! (`CENSUS_EXPORTER=stdout`, or `prometheus`, which serves until Ctrl-C after the work).

use std::process::ExitCode;
use std::time::Instant;

use census::config::{ExporterConfig, ExporterKind};
use census::{units, Aggregation, Float64Measure, Int64Measure, TagKey, TagMap, View};

fn main() -> ExitCode {
    let started = ExporterConfig::from_env().map(|c| {
        c.default_exporters([ExporterKind::Pushgateway])
            .default_job("batch_job")
    });
    let guard = match started
        .map_err(census::StartError::from)
        .and_then(ExporterConfig::start)
    {
        Ok(g) => g,
        Err(e) => {
            eprintln!("batch_job: {e}");
            return ExitCode::FAILURE;
        }
    };

    let rows = Int64Measure::new("batch_job/rows", "Rows copied", units::DIMENSIONLESS).unwrap();
    let seconds =
        Float64Measure::new("batch_job/table_seconds", "Time per table", units::SECONDS).unwrap();
    let table = TagKey::new("table").unwrap();
    census::register(
        &View::new(
            "rows_copied",
            "Rows copied per table",
            [table.clone()],
            &rows,
            Aggregation::Sum,
        )
        .unwrap(),
    )
    .unwrap();
    census::register(
        &View::new(
            "table_seconds",
            "Seconds per table",
            [],
            &seconds,
            Aggregation::distribution(&[0.001, 0.01, 0.1, 1.0]).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();

    for (name, n) in [("users", 1200), ("orders", 5400), ("invoices", 310)] {
        let t0 = Instant::now();
        let tags = TagMap::from_pairs(&[("table", name)]).unwrap();
        census::record_with_tags(&tags, &[rows.m(n)]);
        census::record_with_tags(&tags, &[seconds.m(t0.elapsed().as_secs_f64())]);
    }
    if let Some(url) = guard.url("prometheus") {
        println!("batch_job: done; serving {url} until Ctrl-C");
        loop {
            std::thread::park();
        }
    }
    match guard.finish() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("batch_job: final push failed: {e}");
            ExitCode::FAILURE
        }
    }
}
