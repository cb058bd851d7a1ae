//! The README's "Quickstart in code", kept compiling and tested (`tests/readme_quickstart.rs`).
//! Run: `CENSUS_EXPORTER=stdout cargo run --example readme_quickstart`.

use census::{Aggregation, Float64Measure, TagKey, TagMap, View};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Pull, push, print or several: CENSUS_EXPORTER=prometheus (default) | pushgateway | stdout.
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

    exporters.finish()?; // final push / last print / server stop; also on drop, panic and SIGTERM
    Ok(())
}
