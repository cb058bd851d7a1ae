//! A tokio service with the pull exporter (`CENSUS_EXPORTER=prometheus`, the default) that
//! handles its own SIGTERM: it drains, stops the exporters and exits 0. census installs no
//! signal handler in pull-only mode, so the service's own handling stands.
//!
//! ```text
//! cargo run --example pull_service_drains_on_sigterm   # then: kill -TERM <pid>
//! ```

use std::io::Write as _;
use std::process::ExitCode;

use census::{Aggregation, Int64Measure, TagMap, View};
use tokio::signal::unix::{signal, SignalKind};

#[tokio::main]
async fn main() -> ExitCode {
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM stream");
    let guard = match census::exporter_from_env() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("pull_service: {e}");
            return ExitCode::FAILURE;
        }
    };
    let requests = Int64Measure::new("pull_service/requests", "Requests", "1").unwrap();
    census::register(
        &View::new("requests", "Requests", [], &requests, Aggregation::Count).unwrap(),
    )
    .unwrap();
    census::record_with_tags(&TagMap::new(), &[requests.m(1)]);
    let url = guard.url("prometheus").unwrap_or("none").to_string();
    let handler = census::export::exit::signal_handler_installed();
    println!("serving {url} (census signal handler: {handler})");
    let _ = std::io::stdout().flush();

    term.recv().await;
    // The drain: in-flight work would finish here.
    tokio::task::yield_now().await;
    if let Err(e) = guard.finish() {
        eprintln!("pull_service: stopping the exporters failed: {e}");
        return ExitCode::FAILURE;
    }
    println!("drained");
    ExitCode::SUCCESS
}
