//! The Prometheus data model of a snapshot, derived once: see [`Model`] for details.
//!
//! How OpenCensus words map to Prometheus words (the only place both vocabularies meet):
//!
//! | OpenCensus | Prometheus |
//! | --- | --- |
//! | view | metric family ([`Family`]), named `namespace_` + sanitised view name |
//! | view description | `# HELP` text |
//! | aggregation | `# TYPE`: Count, Sum → `counter`; LastValue → `gauge`; Distribution → `histogram` |
//! | tag key (column) | label name (sanitised) |
//! | row | series ([`Series`]; a histogram row: its `_bucket`, `_sum` and `_count` samples) |
//! | tag value, missing tag | label value, `""` |
//!
//! Every writer (text 0.0.4, OpenMetrics, protobuf) and the `prometheus::Registry` adapter
//! read the same model, so names, types, labels, series order and the views left out are the
//! same in all of them.

pub(crate) mod build;
mod label;
pub(crate) mod order;

use census_sdk::{AggregationData, DistributionData, Row, ViewData};

use crate::error::EncodeError;
use crate::format::Format;
use crate::naming::MetricType;
use label::Label;
use order::SortedRows;

/// The families of a snapshot: views named and checked under [`crate::ExpositionOptions`], the ones
/// that would make the exposition invalid left out (and reported in [`Model::skipped`]), the
/// rest sorted by family name, each with its series sorted by label values.
///
/// Built by [`Model::new`], or by a reused [`crate::Encoder`] ([`crate::Encoder::model`]).
///
/// Views are taken in input order: of two valid views whose names collide, the first is kept.
/// Views without rows take part in the collision check (so which view wins does not depend on
/// which has data yet) but are not families.
///
/// ```
/// use census_prometheus::{model::{Model, Value}, naming::MetricType, ExpositionOptions, Format};
/// use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};
///
/// let meter = Meter::new();
/// let jobs = Int64Measure::new("doc.io/model_jobs", "Jobs run", "1").unwrap();
/// let keys = [TagKey::new("kind").unwrap()];
/// meter.view_manager().register(&View::new("jobs.done", "", keys.clone(), &jobs, Aggregation::Sum).unwrap()).unwrap();
/// meter.view_manager().register(&View::new("jobs/done", "", keys, &jobs, Aggregation::Count).unwrap()).unwrap();
/// for kind in ["cron", "batch"] {
///     meter.record_with_tags(&TagMap::from_pairs(&[("kind", kind)]).unwrap(), &[jobs.m(3)]);
/// }
///
/// let data = meter.snapshot();
/// let opts = ExpositionOptions::new().with_const_label("team", "ops").unwrap();
/// let model = Model::new(&data, &opts, Format::Text);
/// let [family] = model.families() else { panic!("one family") };
/// assert_eq!(family.name(), "jobs_done");
/// assert_eq!(family.help(), "Jobs run");
/// assert_eq!(family.metric_type(), MetricType::Counter);
/// assert_eq!(family.label_names().collect::<Vec<_>>(), ["kind", "team"]);
/// let series: Vec<_> = family
///     .series()
///     .map(|s| (s.label_values().collect::<Vec<_>>(), s.value()))
///     .collect();
/// assert_eq!(series, [(vec!["batch", "ops"], Value::Scalar(3.0)), (vec!["cron", "ops"], Value::Scalar(3.0))]);
/// // The second view (snapshots are sorted by view name) sanitises to the same name: left
/// // out, and reported.
/// assert_eq!(model.skipped().len(), 1);
/// assert_eq!(model.skipped()[0].view(), "jobs/done");
/// ```
#[derive(Debug)]
pub struct Model<'a> {
    format: Format,
    families: Vec<Family<'a>>,
    skipped: Vec<EncodeError>,
}

impl<'a> Model<'a> {
    /// The format the names were chosen for.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The families, sorted by name.
    pub fn families(&self) -> &[Family<'a>] {
        &self.families
    }

    /// The views left out, and why, in input order; the rest of the model is valid without
    /// them. Each names its view ([`EncodeError::view`]).
    pub fn skipped(&self) -> &[EncodeError] {
        &self.skipped
    }

    /// The number of series of all families (a histogram row counts once).
    pub fn series_count(&self) -> usize {
        self.families.iter().map(|f| f.rows.order.len()).sum()
    }

    /// The families (with their sorted rows, for reuse) and the skip report.
    pub(crate) fn into_parts(self) -> (Vec<Family<'a>>, Vec<EncodeError>) {
        (self.families, self.skipped)
    }
}

/// One view as a metric family: name, help, type, labels, and its series in order.
#[derive(Debug)]
pub struct Family<'a> {
    pub(crate) data: &'a ViewData,
    /// The family name: the `# TYPE` name (in OpenMetrics, a counter's name without `_total`).
    pub(crate) name: String,
    pub(crate) kind: MetricType,
    /// Labels sorted by name (`le` is not among them).
    pub(crate) labels: Vec<Label>,
    /// The rows in series order, with their label blocks.
    pub(crate) rows: SortedRows,
    /// With [`crate::ExpositionOptions::with_python_numbers`] (text only): Python's lines.
    pub(crate) python: Option<crate::python::PythonLayout>,
}

impl<'a> Family<'a> {
    /// The family name (`# HELP`/`# TYPE`); samples add `_bucket`, `_sum`, `_count` (and
    /// `_total` for an OpenMetrics counter).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The help text: the view description, unescaped.
    pub fn help(&self) -> &'a str {
        self.data.view.description()
    }

    /// The Prometheus type.
    pub fn metric_type(&self) -> MetricType {
        self.kind
    }

    /// The label names, sorted (a histogram's `le` is not among them: see [`Self::bounds`]).
    pub fn label_names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.labels.iter().map(|l| l.name.as_str())
    }

    /// A histogram's bucket upper bounds, without the final `+Inf`; `None` for other types.
    pub fn bounds(&self) -> Option<&'a [f64]> {
        self.data.view.aggregation().bounds().map(|b| b.as_slice())
    }

    /// The view data the family comes from.
    pub fn view_data(&self) -> &'a ViewData {
        self.data
    }

    /// The series, sorted byte-wise by their label values in label-name order.
    pub fn series(&self) -> impl ExactSizeIterator<Item = Series<'_>> + '_ {
        self.rows.order.iter().map(|&i| Series {
            labels: &self.labels,
            row: &self.data.rows[i as usize],
        })
    }
}

/// One series of a family: a row with its label values.
#[derive(Debug, Clone, Copy)]
pub struct Series<'f> {
    labels: &'f [Label],
    row: &'f Row,
}

impl<'f> Series<'f> {
    /// The label values, in the order of [`Family::label_names`] (a missing tag is `""`).
    pub fn label_values(&self) -> impl ExactSizeIterator<Item = &'f str> + 'f {
        let row = self.row;
        self.labels.iter().map(move |l| l.value(row))
    }

    /// `(name, value)` of every label, sorted by name.
    pub fn labels(&self) -> impl ExactSizeIterator<Item = (&'f str, &'f str)> + 'f {
        let row = self.row;
        self.labels
            .iter()
            .map(move |l| (l.name.as_str(), l.value(row)))
    }

    /// The value.
    pub fn value(&self) -> Value<'f> {
        Value::of(self.row)
    }

    /// The row the series comes from.
    pub fn row(&self) -> &'f Row {
        self.row
    }
}

/// The value of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Value<'a> {
    /// A counter, gauge or untyped value (counts as the float64 Go stores them as).
    Scalar(f64),
    /// A histogram: per-bucket (not cumulative) counts, one per [`Family::bounds`] plus the
    /// `+Inf` bucket, the count and the sum ([`DistributionData::sum`]: mean × count, as Go).
    Histogram(&'a DistributionData),
}

impl<'a> Value<'a> {
    /// The value of `row`.
    #[inline]
    pub(crate) fn of(row: &'a Row) -> Self {
        match &row.data {
            AggregationData::Count(c) => Value::Scalar(*c as f64),
            AggregationData::Sum(s) => Value::Scalar(s.as_f64()),
            AggregationData::LastValue(v) => Value::Scalar(v.as_f64()),
            AggregationData::Distribution(d) => Value::Histogram(d),
            // The model leaves out views with rows of any other kind.
            _ => Value::Scalar(f64::NAN),
        }
    }
}
