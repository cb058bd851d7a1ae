//! Views: which measure, broken down by which tag keys, aggregated how.
//!
//! See [`View`] for details.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::error::{printable_ascii, ViewError};
use crate::measure::Measure;
use crate::rows::aggregation::Aggregation;
use crate::rows::data::Row;
use crate::tags::TagKey;

/// A view: a measure, the tag keys (columns) to break it down by, and an aggregation.
///
/// Built with [`View::builder`]; normalised as OpenCensus Go's `view.Register` does: an empty
/// name becomes the measure's name, an empty description the measure's description, and the
/// columns are sorted by name. A tag key listed twice is one column here; Go keeps both
/// columns and its Prometheus exporter then drops the whole view (duplicate label names), so
/// census's choice keeps the view exported. Cheap to clone.
///
/// ```
/// use census_sdk::{Aggregation, Float64Measure, TagKey, View};
/// let lat = Float64Measure::new("doc.io/view_latency", "Latency", "ms").unwrap();
/// let view = View::builder()
///     .measure(&lat)
///     .columns([TagKey::new("method").unwrap(), TagKey::new("http.status").unwrap()])
///     .aggregation(Aggregation::distribution(&[0.0, 10.0, 100.0]).unwrap())
///     .build()
///     .unwrap();
/// assert_eq!(view.name(), "doc.io/view_latency");
/// assert_eq!(view.description(), "Latency");
/// assert_eq!(view.columns()[0].name(), "http.status");
/// ```
#[derive(Clone)]
pub struct View(Arc<ViewInner>);

struct ViewInner {
    name: String,
    description: String,
    measure: Measure,
    columns: Arc<[TagKey]>,
    aggregation: Aggregation,
}

impl View {
    /// Starts a view definition.
    pub fn builder() -> ViewBuilder {
        ViewBuilder::default()
    }

    /// Positional constructor, as OpenCensus Python's `View(name, description, columns,
    /// measure, aggregation)`.
    ///
    /// # Errors
    /// As [`ViewBuilder::build`].
    pub fn new(
        name: &str,
        description: &str,
        columns: impl IntoIterator<Item = TagKey>,
        measure: impl Into<Measure>,
        aggregation: Aggregation,
    ) -> Result<Self, ViewError> {
        View::builder()
            .name(name)
            .description(description)
            .columns(columns)
            .measure(measure)
            .aggregation(aggregation)
            .build()
    }

    /// The view name.
    pub fn name(&self) -> &str {
        &self.0.name
    }
    /// The description.
    pub fn description(&self) -> &str {
        &self.0.description
    }
    /// The measure.
    pub fn measure(&self) -> &Measure {
        &self.0.measure
    }
    /// The tag keys, sorted by name.
    pub fn columns(&self) -> &[TagKey] {
        &self.0.columns
    }
    pub(crate) fn columns_arc(&self) -> &Arc<[TagKey]> {
        &self.0.columns
    }
    /// The aggregation.
    pub fn aggregation(&self) -> &Aggregation {
        &self.0.aggregation
    }

    /// Whether registering `other` under this view's name is a no-op: same name, measure,
    /// aggregation (bounds included) and columns. Descriptions are not compared, as in Go.
    pub fn same_as(&self, other: &View) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.name() == other.name()
                && self.measure() == other.measure()
                && self.aggregation() == other.aggregation()
                && self.columns() == other.columns())
    }

    pub(crate) fn summary(&self) -> String {
        let cols: Vec<&str> = self.columns().iter().map(TagKey::name).collect();
        format!(
            "measure {:?}, aggregation {:?}, columns {:?}",
            self.measure().name(),
            self.aggregation(),
            cols
        )
    }
}

impl fmt::Debug for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("View")
            .field("name", &self.name())
            .field("measure", &self.measure().name())
            .field("columns", &self.columns())
            .field("aggregation", self.aggregation())
            .finish()
    }
}

/// Builds a [`View`]; see there.
#[derive(Debug, Default, Clone)]
pub struct ViewBuilder {
    name: String,
    description: String,
    measure: Option<Measure>,
    columns: Vec<TagKey>,
    aggregation: Option<Aggregation>,
}

impl ViewBuilder {
    /// The view name (default: the measure name).
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.into();
        self
    }
    /// The description (default: the measure description).
    pub fn description(mut self, description: &str) -> Self {
        self.description = description.into();
        self
    }
    /// The measure (required).
    pub fn measure(mut self, measure: impl Into<Measure>) -> Self {
        self.measure = Some(measure.into());
        self
    }
    /// The tag keys to break the measure down by.
    pub fn columns(mut self, keys: impl IntoIterator<Item = TagKey>) -> Self {
        self.columns = keys.into_iter().collect();
        self
    }
    /// The aggregation (required).
    pub fn aggregation(mut self, aggregation: Aggregation) -> Self {
        self.aggregation = Some(aggregation);
        self
    }

    /// Validates and normalises the view.
    ///
    /// # Errors
    /// [`ViewError::MeasureNotSet`], [`ViewError::AggregationNotSet`], or
    /// [`ViewError::InvalidName`] for a name over 255 bytes or not printable ASCII.
    pub fn build(self) -> Result<View, ViewError> {
        let measure = self.measure.ok_or_else(|| ViewError::MeasureNotSet {
            name: self.name.clone(),
        })?;
        let name = if self.name.is_empty() {
            measure.name().to_string()
        } else {
            self.name
        };
        if !printable_ascii(&name, 1, 255) {
            return Err(ViewError::InvalidName { name });
        }
        let aggregation = self
            .aggregation
            .ok_or_else(|| ViewError::AggregationNotSet { name: name.clone() })?;
        let description = if self.description.is_empty() {
            measure.description().to_string()
        } else {
            self.description
        };
        let mut columns = self.columns;
        columns.sort();
        columns.dedup();
        Ok(View(Arc::new(ViewInner {
            name,
            description,
            measure,
            columns: columns.into(),
            aggregation,
        })))
    }
}

/// A snapshot of one view: its definition, time window and rows (rows in no set order).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ViewData {
    /// The view.
    pub view: View,
    /// When the view was registered (its data started).
    pub start: SystemTime,
    /// When this snapshot was taken.
    pub end: SystemTime,
    /// The rows.
    pub rows: Vec<Row>,
}

impl ViewData {
    /// A view's data: its definition, window and rows.
    pub fn new(view: View, start: SystemTime, end: SystemTime, rows: Vec<Row>) -> Self {
        ViewData {
            view,
            start,
            end,
            rows,
        }
    }

    /// The view.
    pub fn view(&self) -> &View {
        &self.view
    }

    /// When the view was registered (its data started).
    pub fn start(&self) -> SystemTime {
        self.start
    }

    /// When this snapshot was taken.
    pub fn end(&self) -> SystemTime {
        self.end
    }

    /// The rows, in no set order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Float64Measure, Int64Measure};

    fn m() -> Float64Measure {
        Float64Measure::new("view.test/m", "The description", "ms").unwrap()
    }

    #[test]
    fn defaults_follow_go() {
        let v = View::builder()
            .measure(m())
            .aggregation(Aggregation::Count)
            .build()
            .unwrap();
        assert_eq!(v.name(), "view.test/m");
        assert_eq!(v.description(), "The description");
    }

    #[test]
    fn typed_errors_for_bad_views() {
        let e = View::builder()
            .aggregation(Aggregation::Count)
            .name("x")
            .build()
            .unwrap_err();
        assert_eq!(e, ViewError::MeasureNotSet { name: "x".into() });
        let e = View::builder().measure(m()).name("x").build().unwrap_err();
        assert_eq!(e, ViewError::AggregationNotSet { name: "x".into() });
        let e = View::builder()
            .measure(m())
            .name(&"n".repeat(256))
            .aggregation(Aggregation::Sum)
            .build();
        assert!(matches!(e, Err(ViewError::InvalidName { .. })));
        let e = View::builder()
            .measure(m())
            .name("caf\u{e9}")
            .aggregation(Aggregation::Sum)
            .build();
        assert!(matches!(e, Err(ViewError::InvalidName { .. })));
    }

    #[test]
    fn separately_built_identical_views_are_the_same() {
        let build = || {
            View::builder()
                .name("v")
                .measure(m())
                .columns([TagKey::new("b").unwrap(), TagKey::new("a").unwrap()])
                .aggregation(Aggregation::distribution(&[1.0, 2.0]).unwrap())
                .build()
                .unwrap()
        };
        assert!(build().same_as(&build()));
        let last = |n: &str| View::new(n, "", [], m(), Aggregation::LastValue).unwrap();
        assert!(last("lv").same_as(&last("lv")));
        let other = Int64Measure::new("view.test/other", "", "1").unwrap();
        let v2 = View::new("v", "", [], &other, Aggregation::Count).unwrap();
        assert!(!build().same_as(&v2));
    }
}
