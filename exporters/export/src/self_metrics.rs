//! See [`SelfMetrics`] for details.

use std::time::Duration;

use census_sdk::{
    Aggregation, Float64Measure, Int64Measure, Meter, Snapshot, TagKey, TagMap, View,
};

use crate::errors::BoxError;

/// View name of the exports by outcome (`exporter`, `result` = `ok` or `error`).
pub const EXPORTS: &str = "census_export_exports";
/// View name of the export durations (`exporter`), in seconds.
pub const EXPORT_DURATION_SECONDS: &str = "census_export_export_duration_seconds";
/// View name of the bytes sent (`exporter`).
pub const SENT_BYTES: &str = "census_export_sent_bytes";

/// An exporter's own metrics, in a meter private to it (so they never feed back into the app's
/// views unasked): exports by outcome, their durations, bytes sent. An exporter appends
/// [`snapshot`](Self::snapshot) to what it sends, or a pull exporter serves its meter.
///
/// ```
/// use std::time::Duration;
/// use census_export::SelfMetrics;
/// let s = SelfMetrics::new("statsd").unwrap();
/// s.record(true, Duration::from_millis(3), 120);
/// s.record(false, Duration::from_millis(9), 0);
/// let snap = s.snapshot();
/// let names: Vec<&str> = snap.iter().map(|v| v.view().name()).collect();
/// assert_eq!(names, ["census_export_export_duration_seconds", "census_export_exports", "census_export_sent_bytes"]);
/// assert_eq!(snap[1].rows().len(), 2, "one row per result");
/// ```
#[derive(Debug)]
pub struct SelfMetrics {
    meter: Meter,
    ok: TagMap,
    error: TagMap,
    exports: Int64Measure,
    duration: Float64Measure,
    bytes: Int64Measure,
}

impl SelfMetrics {
    /// The metrics of the exporter named `exporter` (the `exporter` tag of every row).
    ///
    /// # Errors
    /// When a measure of the same name was defined differently elsewhere in the process.
    pub fn new(exporter: &str) -> Result<Self, BoxError> {
        let exports = Int64Measure::new("census.io/export/exports", "Exports by result.", "1")?;
        let duration = Float64Measure::new(
            "census.io/export/duration",
            "Time one export took, retries included.",
            "s",
        )?;
        let bytes = Int64Measure::new("census.io/export/bytes", "Bytes sent.", "By")?;
        let (ex, result) = (TagKey::new("exporter")?, TagKey::new("result")?);
        let meter = Meter::new();
        let vm = meter.view_manager();
        let by_result = [ex.clone(), result];
        vm.register(&View::new(
            EXPORTS,
            "Exports by result.",
            by_result,
            &exports,
            Aggregation::Count,
        )?)?;
        let buckets = Aggregation::distribution(&[0.005, 0.025, 0.1, 0.5, 2.5, 10.0])?;
        vm.register(&View::new(
            EXPORT_DURATION_SECONDS,
            "Time one export took, retries included.",
            [ex.clone()],
            &duration,
            buckets,
        )?)?;
        vm.register(&View::new(
            SENT_BYTES,
            "Bytes sent.",
            [ex],
            &bytes,
            Aggregation::Sum,
        )?)?;
        let tags = |r: &str| TagMap::from_pairs(&[("exporter", exporter), ("result", r)]);
        Ok(SelfMetrics {
            meter,
            ok: tags("ok")?,
            error: tags("error")?,
            exports,
            duration,
            bytes,
        })
    }

    /// Records one export: whether it succeeded, how long it took, the bytes it sent.
    pub fn record(&self, ok: bool, took: Duration, bytes: usize) {
        let tags = if ok { &self.ok } else { &self.error };
        self.meter.record_with_tags(
            tags,
            &[
                self.exports.m(1),
                self.duration.m(took.as_secs_f64()),
                self.bytes.m(i64::try_from(bytes).unwrap_or(i64::MAX)),
            ],
        );
    }

    /// The metrics now.
    pub fn snapshot(&self) -> Snapshot {
        self.meter.snapshot()
    }

    /// The private meter (to hand to a pull exporter).
    pub fn meter(&self) -> &Meter {
        &self.meter
    }
}
