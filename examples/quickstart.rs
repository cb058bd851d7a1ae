//! The census quickstart: a small, varied workload (count, sum, distribution, last value;
//! tagged by method and status) recorded continuously and exported as configured.
//!
//! ```text
//! cargo run --example quickstart                       # serves http://127.0.0.1:9464/metrics until Ctrl-C
//! CENSUS_EXPORTER=stdout cargo run --example quickstart        # prints the exposition (every 10 s and at exit)
//! CENSUS_EXPORTER=pushgateway CENSUS_PUSH_INTERVAL=5s cargo run --example quickstart  # pushes to :9091
//! ```
//! `CENSUS_QUICKSTART_ITERATIONS=N` records N requests, then exits (or, when serving, keeps
//! serving until Ctrl-C). Every `CENSUS_*` variable of `census::config` applies.

use std::process::ExitCode;
use std::time::Duration;

use census::config::ExporterConfig;
use std::io::Write as _;

use census::{units, Aggregation, Float64Measure, Int64Measure, TagKey, TagMap, View};

fn main() -> ExitCode {
    let started = ExporterConfig::from_env().map(|c| c.default_job("quickstart"));
    let guard = match started
        .map_err(census::StartError::from)
        .and_then(ExporterConfig::start)
    {
        Ok(g) => g,
        Err(e) => {
            eprintln!("quickstart: {e}");
            return ExitCode::FAILURE;
        }
    };

    let latency =
        Float64Measure::new("quickstart/latency", "Request latency", units::SECONDS).unwrap();
    let bytes =
        Int64Measure::new("quickstart/response_bytes", "Response size", units::BYTES).unwrap();
    let queue = Int64Measure::new(
        "quickstart/queue_depth",
        "Requests waiting",
        units::DIMENSIONLESS,
    )
    .unwrap();
    let (method, status) = (
        TagKey::new("method").unwrap(),
        TagKey::new("status").unwrap(),
    );
    let views = [
        View::new(
            "requests_total",
            "Requests served",
            [method.clone(), status.clone()],
            &latency,
            Aggregation::Count,
        ),
        View::new(
            "request_latency_seconds",
            "Request latency",
            [method.clone()],
            &latency,
            Aggregation::distribution(&[0.01, 0.025, 0.05, 0.1]).unwrap(),
        ),
        View::new(
            "response_bytes_total",
            "Bytes sent",
            [method.clone()],
            &bytes,
            Aggregation::Sum,
        ),
        View::new(
            "queue_depth",
            "Requests waiting",
            [],
            &queue,
            Aggregation::LastValue,
        ),
    ];
    for v in views {
        census::register(&v.unwrap()).unwrap();
    }

    let iterations: Option<u64> = std::env::var("CENSUS_QUICKSTART_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok());
    let mut i: u64 = 0;
    while iterations.is_none_or(|n| i < n) {
        let m = if i.is_multiple_of(3) { "POST" } else { "GET" };
        let s = if i % 10 == 9 { "500" } else { "200" };
        let tags = TagMap::from_pairs(&[("method", m), ("status", s)]).unwrap();
        census::record_with_tags(
            &tags,
            &[
                latency.m(((i % 7) * 10 + 5) as f64 / 1000.0),
                bytes.m(100 * (i as i64 % 5 + 1)),
                queue.m(i as i64 % 4),
            ],
        );
        i += 1;
        if i == 1 {
            match guard.url("prometheus") {
                Some(url) => println!("census quickstart: serving {url} (Ctrl-C to stop)"),
                None => println!("census quickstart: recording (Ctrl-C to stop)"),
            }
            let _ = std::io::stdout().flush();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    println!("census quickstart: recorded {i} requests");
    if guard.url("prometheus").is_some() {
        loop {
            std::thread::park(); // serve until Ctrl-C (pull only: no handler, the signal ends it)
        }
    }
    match guard.finish() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart: final push failed: {e}");
            ExitCode::FAILURE
        }
    }
}
