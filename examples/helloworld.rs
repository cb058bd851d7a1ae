//! Port of OpenCensus Go's `examples/helloworld`: collects data for video size.
//!
//! Run: `cargo run --example helloworld`
//!
//! Ported from docs/porting.md alone. Tracing (`trace.RegisterExporter`, `trace.StartSpan`) is
//! out of scope for census, a stats SDK: the span is left out. Where Go sleeps "longer than the
//! reporting duration" to see one report, this port calls `meter.stop()`, which exports once more
//! and returns, so the program ends on its own without waiting on a timer.

use std::sync::Arc;
use std::time::Duration;

use census::tags;
use census::{
    units, Aggregation, AggregationData, ExportError, Int64Measure, Mutator, Snapshot, TagKey,
    TagValue, View,
};

/// Go's `exporter.PrintExporter`: prints each view's rows.
#[derive(Debug)]
struct PrintExporter;

impl census::Exporter for PrintExporter {
    fn export(&self, data: &Snapshot) -> Result<(), ExportError> {
        for vd in data {
            for row in &vd.rows {
                print!("{:<45} ", vd.view.name());
                match &row.data {
                    AggregationData::Distribution(d) => print!(
                        "distribution: count={} min={:.1} max={:.1} mean={:.1} buckets={:?} bounds={:?}",
                        d.count, d.min, d.max, d.mean, d.bucket_counts, d.bounds
                    ),
                    AggregationData::Count(v) => print!("count:        value={v}"),
                    AggregationData::Sum(v) => print!("sum:          value={v:?}"),
                    AggregationData::LastValue(v) => print!("last:         value={v:?}"),
                    other => print!("other:        value={other:?}"), // the enum is #[non_exhaustive]
                }
                println!();
                for (key, value) in row.tags(vd.view.columns()) {
                    println!("    - {}={}", key.name(), value);
                }
            }
        }
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    census::view_manager().register_exporter(Arc::new(PrintExporter));

    let frontend_key = TagKey::new("my.org/keys/frontend")?;
    let video_size = Int64Measure::new(
        "my.org/measure/video_size",
        "size of processed videos",
        units::BYTES,
    )?;
    census::view_manager().set_reporting_period(Duration::from_secs(2));

    let view = View::new(
        "my.org/views/video_size",
        "processed video size over time",
        [frontend_key.clone()],
        &video_size,
        Aggregation::distribution(&[0.0, (1u64 << 16) as f64, (1u64 << 32) as f64])?,
    )?;
    census::register(&view).map_err(|e| format!("Cannot subscribe to the view: {e}"))?;

    process(&frontend_key, &video_size)?;

    // Go: "Wait longer than the reporting duration..." then sleep. Stopping the meter exports
    // one last time, so the report is printed before we exit.
    println!("Exporting the last report...");
    census::default_meter().stop()?;
    Ok(())
}

fn process(
    frontend_key: &TagKey,
    video_size: &Int64Measure,
) -> Result<(), Box<dyn std::error::Error>> {
    let map = tags::current().with(&[Mutator::insert(
        frontend_key.clone(),
        TagValue::new("mobile-ios9.3.5")?,
    )]);
    let _scope = tags::enter(map);
    // Go: ctx, span := trace.StartSpan(ctx, "my.org/ProcessVideo") — tracing is out of scope.

    // Go sleeps rand.Intn(10)+1 ms to simulate work; a clock-derived jitter avoids a rand dependency.
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .subsec_nanos()
        % 10;
    std::thread::sleep(Duration::from_millis(u64::from(jitter) + 1));
    census::record(&[video_size.m(25648)]);
    Ok(())
}
