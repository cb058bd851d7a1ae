//! Which views become which families: see [`plan`] for details.

use std::collections::HashMap;

use census_sdk::{AggregationData, ViewData};

use super::Format;
use crate::error::EncodeError;
use crate::naming::{sanitize, MetricType, BUCKET_LABEL};
use crate::options::ExpositionOptions;

/// Where a label's value comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source {
    /// The row's tag value at this column.
    Column(usize),
    /// This constant label of the options.
    Const(usize),
}

/// One label of a family.
#[derive(Debug)]
pub(crate) struct Slot {
    pub(crate) name: String,
    pub(crate) source: Source,
    /// What precedes the value in a label block: `name="`, with a leading `,` after the first.
    pub(crate) prefix: String,
}

/// One view, checked and named, ready to be written.
#[derive(Debug)]
pub(crate) struct Family<'a> {
    pub(crate) data: &'a ViewData,
    /// The family name: the `# TYPE` name (in OpenMetrics, a counter's name without `_total`).
    pub(crate) name: String,
    pub(crate) kind: MetricType,
    /// Labels sorted by name (`le` is added by the writer, last).
    pub(crate) labels: Vec<Slot>,
    /// The view's columns in label order: rows sort by their values in this order.
    pub(crate) sort_columns: Vec<usize>,
}

/// Names the views, checks their labels, leaves out the ones that would make the exposition
/// invalid (reporting why), and returns the rest sorted by family name.
///
/// Views are taken in input order: of two valid views whose names collide, the first is kept.
/// Views without rows take part in the collision check (so which view wins does not depend on
/// which has data yet) but are not returned.
pub(crate) fn plan<'a>(
    data: &'a [ViewData],
    opts: &ExpositionOptions,
    format: Format,
    skipped: &mut Vec<EncodeError>,
) -> Vec<Family<'a>> {
    let mut taken: HashMap<String, &'a str> = HashMap::with_capacity(data.len() * 2);
    let mut families = Vec::with_capacity(data.len());
    let mut reserved = Vec::with_capacity(5);
    for vd in data {
        let view_name = vd.view.name();
        let kind = MetricType::of(vd.view.aggregation(), opts);
        let labels = match labels(vd, opts, kind) {
            Ok(labels) => labels,
            Err(e) => {
                skipped.push(e);
                continue;
            }
        };
        if let Some(found) = mismatched_row(vd) {
            skipped.push(EncodeError::UnsupportedData {
                view: view_name.into(),
                found,
            });
            continue;
        }
        let name = family_name(vd, opts, kind, format);
        series_names(&name, kind, format, &mut reserved);
        if let Some((clash, kept)) = reserved
            .iter()
            .find_map(|n| taken.get(n).map(|kept| (n, *kept)))
        {
            skipped.push(EncodeError::NameCollision {
                skipped: view_name.into(),
                kept: kept.into(),
                name: clash.clone(),
            });
            continue;
        }
        for n in reserved.drain(..) {
            taken.insert(n, view_name);
        }
        if vd.rows.is_empty() {
            continue;
        }
        let sort_columns = labels
            .iter()
            .filter_map(|s| match s.source {
                Source::Column(c) => Some(c),
                Source::Const(_) => None,
            })
            .collect();
        families.push(Family {
            data: vd,
            name,
            kind,
            labels,
            sort_columns,
        });
    }
    families.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    families
}

/// The `# TYPE` name of a view.
fn family_name(
    vd: &ViewData,
    opts: &ExpositionOptions,
    kind: MetricType,
    format: Format,
) -> String {
    let mut name = crate::naming::metric_name(&vd.view, opts);
    if format == Format::OpenMetrics && kind == MetricType::Counter {
        // OpenMetrics names the counter family without `_total` and its sample with it.
        if let Some(stem) = name.strip_suffix("_total") {
            name.truncate(stem.len());
        }
    }
    name
}

/// Every sample name (and the family name) a family occupies.
fn series_names(name: &str, kind: MetricType, format: Format, out: &mut Vec<String>) {
    out.clear();
    out.push(name.to_string());
    let suffixes: &[&str] = match (kind, format) {
        (MetricType::Histogram, Format::Text) => &["_bucket", "_sum", "_count"],
        (MetricType::Histogram, Format::OpenMetrics) => &["_bucket", "_sum", "_count", "_created"],
        (MetricType::Counter, Format::OpenMetrics) => &["_total", "_created"],
        _ => &[],
    };
    out.extend(suffixes.iter().map(|s| format!("{name}{s}")));
}

/// The view's labels sorted by name, or why the view cannot be exposed.
fn labels(
    vd: &ViewData,
    opts: &ExpositionOptions,
    kind: MetricType,
) -> Result<Vec<Slot>, EncodeError> {
    let view = vd.view.name();
    let columns = vd.view.columns();
    let mut slots: Vec<Slot> = Vec::with_capacity(columns.len() + opts.const_labels().len());
    for (i, key) in columns.iter().enumerate() {
        let name = sanitize(key.name());
        if kind == MetricType::Histogram && name == BUCKET_LABEL {
            return Err(EncodeError::BucketLabelClash {
                view: view.into(),
                tag_key: key.name().into(),
            });
        }
        if opts.reserved_labels().binary_search(&name).is_ok() {
            return Err(EncodeError::ReservedLabel {
                view: view.into(),
                tag_key: key.name().into(),
                label: name,
            });
        }
        slots.push(Slot {
            name,
            source: Source::Column(i),
            prefix: String::new(),
        });
    }
    for (i, (name, _)) in opts.const_labels().iter().enumerate() {
        slots.push(Slot {
            name: name.clone(),
            source: Source::Const(i),
            prefix: String::new(),
        });
    }
    slots.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(w) = slots.windows(2).find(|w| w[0].name == w[1].name) {
        let origin = |s: &Slot| match s.source {
            Source::Column(c) => columns[c].name().to_string(),
            Source::Const(_) => format!("const label {}", s.name),
        };
        return Err(EncodeError::DuplicateLabel {
            view: view.into(),
            label: w[0].name.clone(),
            first: origin(&w[0]),
            second: origin(&w[1]),
        });
    }
    for (i, slot) in slots.iter_mut().enumerate() {
        let comma = if i == 0 { "" } else { "," };
        slot.prefix = format!("{comma}{}=\"", slot.name);
    }
    Ok(slots)
}

/// A description of the first row whose data does not fit the view, if any.
fn mismatched_row(vd: &ViewData) -> Option<String> {
    use census_sdk::Aggregation as A;
    let agg = vd.view.aggregation();
    let columns = vd.view.columns().len();
    vd.rows.iter().find_map(|row| {
        let fits = row.tag_values.len() == columns
            && match (&row.data, agg) {
                (AggregationData::Count(_), A::Count)
                | (AggregationData::Sum(_), A::Sum)
                | (AggregationData::LastValue(_), A::LastValue) => true,
                (AggregationData::Distribution(d), A::Distribution(bounds)) => {
                    d.bucket_counts.len() == bounds.buckets()
                        && d.exemplars.len() <= bounds.buckets()
                }
                _ => false,
            };
        (!fits).then(|| {
            let data = match &row.data {
                AggregationData::Count(_) => "Count",
                AggregationData::Sum(_) => "Sum",
                AggregationData::LastValue(_) => "LastValue",
                AggregationData::Distribution(_) => "Distribution",
                _ => "unknown",
            };
            format!(
                "a row with {data} data and {} tag values in a {} view with {columns} columns",
                row.tag_values.len(),
                agg.type_name()
            )
        })
    })
}
