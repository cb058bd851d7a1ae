//! The exporter's own metrics, recorded with census itself: see [`SelfMetrics`] for details.

use census_sdk::{
    Aggregation, Float64Measure, Int64Measure, Meter, TagKey, TagMap, TagValue, View,
};

use crate::error::BuildError;
use crate::format::Format;

/// Scrape count, scrape duration and scrape errors, in a private (never started) meter whose
/// views are appended to each scrape:
///
/// - `census_prometheus/scrapes` (counter, by `format`: `text` or `openmetrics`),
/// - `census_prometheus/scrape_duration_seconds` (histogram, snapshot + encoding time),
/// - `census_prometheus/scrape_errors` (counter, by `reason`: `skipped_views` when a scrape
///   left out views, `too_many_scrapes` when one was refused with 503).
#[derive(Debug)]
pub(crate) struct SelfMetrics {
    meter: Meter,
    scrapes: Int64Measure,
    duration: Float64Measure,
    errors: Int64Measure,
    format: TagKey,
    reason: TagKey,
}

impl SelfMetrics {
    pub(crate) fn new() -> Result<Self, BuildError> {
        let fail = |e: &dyn std::fmt::Display| BuildError::SelfMetrics {
            reason: e.to_string(),
        };
        let scrapes = Int64Measure::new(
            "census_prometheus/scrapes",
            "Scrapes answered by the census Prometheus exporter",
            "1",
        )
        .map_err(|e| fail(&e))?;
        let duration = Float64Measure::new(
            "census_prometheus/scrape_duration",
            "Time to snapshot and encode one scrape",
            "s",
        )
        .map_err(|e| fail(&e))?;
        let errors = Int64Measure::new(
            "census_prometheus/scrape_errors",
            "Scrapes that left out views or were refused",
            "1",
        )
        .map_err(|e| fail(&e))?;
        let format = TagKey::new("format").map_err(|e| fail(&e))?;
        let reason = TagKey::new("reason").map_err(|e| fail(&e))?;
        let bounds = [
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
        ];
        let views = [
            View::new(
                "census_prometheus/scrapes",
                "",
                [format.clone()],
                &scrapes,
                Aggregation::Count,
            ),
            View::new(
                "census_prometheus/scrape_duration_seconds",
                "",
                [],
                &duration,
                Aggregation::distribution(&bounds).map_err(|e| fail(&e))?,
            ),
            View::new(
                "census_prometheus/scrape_errors",
                "",
                [reason.clone()],
                &errors,
                Aggregation::Count,
            ),
        ];
        let meter = Meter::new();
        for v in views {
            let v = v.map_err(|e| fail(&e))?;
            meter.view_manager().register(&v).map_err(|e| fail(&e))?;
        }
        Ok(SelfMetrics {
            meter,
            scrapes,
            duration,
            errors,
            format,
            reason,
        })
    }

    /// Records one answered scrape.
    pub(crate) fn scraped(&self, format: Format, seconds: f64, skipped_views: usize) {
        let tags = self.tags(&self.format, format.as_str());
        self.meter
            .record_with_tags(&tags, &[self.scrapes.m(1), self.duration.m(seconds)]);
        if skipped_views > 0 {
            self.error("skipped_views");
        }
    }

    /// Records one refused scrape.
    pub(crate) fn refused(&self) {
        self.error("too_many_scrapes");
    }

    fn error(&self, reason: &str) {
        let tags = self.tags(&self.reason, reason);
        self.meter.record_with_tags(&tags, &[self.errors.m(1)]);
    }

    fn tags(&self, key: &TagKey, value: &str) -> TagMap {
        let value = TagValue::new(value).unwrap_or_else(|_| TagValue::empty());
        TagMap::new().with(&[census_sdk::Mutator::upsert(key.clone(), value)])
    }

    /// The views of the exporter's own metrics.
    pub(crate) fn snapshot(&self) -> census_sdk::Snapshot {
        self.meter.snapshot()
    }
}
