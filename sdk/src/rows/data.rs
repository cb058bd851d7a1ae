//! The read model of one row, as exporters consume it: [`Row`], [`AggregationData`].

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use super::aggregation::Bounds;
use crate::tags::{TagKey, TagValue};
use crate::value::MeasureValue;

/// Key/value pairs attached to a recording (trace and span ids, …); the latest recording with
/// attachments in each distribution bucket is kept as that bucket's [`Exemplar`].
///
/// Well-known keys (OpenCensus spec): `trace_id`, `span_id`, `tag:KEY`.
///
/// ```
/// use census_sdk::Attachments;
/// let a = Attachments::new().with("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(a.get("trace_id"), Some("4bf92f3577b34da6a3ce929d0e0e4736"));
/// assert!(!a.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachments(BTreeMap<String, String>);

impl Attachments {
    /// No attachments.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds (or replaces) an attachment.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.insert(key.into(), value.into());
        self
    }
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }
    /// The attachments, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A sample value kept for one distribution bucket, with its attachments.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Exemplar {
    /// The recorded value.
    pub value: f64,
    /// When it was recorded.
    pub timestamp: SystemTime,
    /// Its attachments (never empty).
    pub attachments: Attachments,
}

impl Exemplar {
    /// An exemplar of `value` recorded at `timestamp` with `attachments`.
    pub fn new(value: f64, timestamp: SystemTime, attachments: Attachments) -> Self {
        Exemplar {
            value,
            timestamp,
            attachments,
        }
    }
    /// The recorded value.
    pub fn value(&self) -> f64 {
        self.value
    }
    /// When it was recorded.
    pub fn timestamp(&self) -> SystemTime {
        self.timestamp
    }
    /// Its attachments (never empty).
    pub fn attachments(&self) -> &Attachments {
        &self.attachments
    }
}

/// The aggregated value of one row.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AggregationData {
    /// Number of recordings.
    Count(u64),
    /// Sum of values.
    Sum(SumData),
    /// The most recent value.
    LastValue(MeasureValue),
    /// Distribution statistics.
    Distribution(DistributionData),
}

/// A sum: exact for int64 measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SumData {
    /// Sum of an int64 measure (wrapping on overflow).
    Int(i64),
    /// Sum of a float64 measure.
    Float(f64),
}

impl SumData {
    /// The sum as `f64`.
    pub fn as_f64(self) -> f64 {
        match self {
            SumData::Int(v) => v as f64,
            SumData::Float(v) => v,
        }
    }
}

/// Distribution statistics, computed as OpenCensus Go does (Welford's update), so
/// `sum() == mean * count` reproduces Go's output to the last bit.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DistributionData {
    /// Number of values.
    pub count: u64,
    /// Their mean (0 when empty).
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub sum_of_squared_dev: f64,
    /// The smallest value (`+inf` when empty).
    pub min: f64,
    /// The largest value (`-inf` when empty; correct when every value is negative, unlike Go).
    pub max: f64,
    /// The bucket bounds.
    pub bounds: Bounds,
    /// Per-bucket counts, one more than the bounds (not cumulative).
    pub bucket_counts: Vec<u64>,
    /// Per-bucket latest exemplar: one entry per bucket once any recording in the row carried
    /// attachments, empty before (so snapshots of rows without exemplars allocate nothing
    /// here). Read it with `exemplars.get(bucket)`.
    pub exemplars: Vec<Option<Exemplar>>,
}

impl DistributionData {
    /// Number of values.
    pub fn count(&self) -> u64 {
        self.count
    }
    /// Their mean (0 when empty).
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// Sum of squared deviations from the mean.
    pub fn sum_of_squared_dev(&self) -> f64 {
        self.sum_of_squared_dev
    }
    /// The smallest value (`+inf` when empty).
    pub fn min(&self) -> f64 {
        self.min
    }
    /// The largest value (`-inf` when empty).
    pub fn max(&self) -> f64 {
        self.max
    }
    /// The bucket bounds.
    pub fn bounds(&self) -> &Bounds {
        &self.bounds
    }
    /// Per-bucket counts, one more than the bounds (not cumulative).
    pub fn bucket_counts(&self) -> &[u64] {
        &self.bucket_counts
    }
    /// The latest exemplar of `bucket`, if any recording there carried attachments.
    pub fn exemplar(&self, bucket: usize) -> Option<&Exemplar> {
        self.exemplars.get(bucket).and_then(Option::as_ref)
    }
    /// `mean × count`, the sum every OpenCensus exporter reports.
    pub fn sum(&self) -> f64 {
        self.mean * self.count as f64
    }
    /// Sample variance: `ssd / (count − 1)`, 0 for fewer than two values.
    pub fn variance(&self) -> f64 {
        if self.count > 1 {
            self.sum_of_squared_dev / (self.count - 1) as f64
        } else {
            0.0
        }
    }
}

/// One row of a view: the values of the view's columns and the aggregated data.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Row {
    /// One value per view column, in column order; empty where the recording lacked the tag.
    pub tag_values: Arc<[TagValue]>,
    /// The aggregated value.
    pub data: AggregationData,
}

impl Row {
    /// A row with these column values and data.
    pub fn new(tag_values: impl Into<Arc<[TagValue]>>, data: AggregationData) -> Self {
        Row {
            tag_values: tag_values.into(),
            data,
        }
    }

    /// One value per view column, in column order; empty where the recording lacked the tag.
    pub fn tag_values(&self) -> &[TagValue] {
        &self.tag_values
    }

    /// The aggregated value.
    pub fn data(&self) -> &AggregationData {
        &self.data
    }

    /// The non-empty tags of this row as `(key, value)` pairs sorted by key, given the view's
    /// columns (OpenCensus Go's `Row.Tags`).
    pub fn tags<'a>(
        &'a self,
        columns: &'a [TagKey],
    ) -> impl Iterator<Item = (&'a TagKey, &'a TagValue)> + 'a {
        columns
            .iter()
            .zip(self.tag_values.iter())
            .filter(|(_, v)| !v.is_empty())
    }
}
