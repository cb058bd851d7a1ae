//! The README's "Quickstart in code", kept compiling and tested (`tests/readme_quickstart.rs`).
//! Run: `cargo run --example readme_quickstart` (serves until Ctrl-C), or with
//! `CENSUS_EXPORTER=stdout` (prints once and ends).

use std::process::ExitCode;

use census::{Aggregation, Float64Measure, TagKey, TagMap, View};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}"); // census's errors name the variable, the value and the fix
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    // CENSUS_EXPORTER=prometheus (default: serves /metrics) | pushgateway (needs CENSUS_JOB) |
    // stdout, or a comma list. Keep the guard alive: dropping it stops the exporters.
    let exporters = census::exporter_from_env()?;

    let latency = Float64Measure::new("example.com/latency", "Request latency", "s")?;
    let method = TagKey::new("method")?;
    census::register(&View::new(
        "request_latency_seconds",
        "Request latency",
        [method],
        &latency,
        Aggregation::distribution(&[0.01, 0.1, 1.0])?,
    )?)?;

    let tags = TagMap::from_pairs(&[("method", "GET")])?;
    census::record_with_tags(&tags, &[latency.m(0.042)]);

    if let Some(url) = exporters.url("prometheus") {
        println!("serving {url} until Ctrl-C");
        loop {
            std::thread::park(); // a pull-only app installs no signal handler: Ctrl-C ends it
        }
    }
    exporters.finish()?; // final push / last print; also on drop, panic and SIGTERM
    Ok(())
}
