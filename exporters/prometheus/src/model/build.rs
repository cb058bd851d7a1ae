//! Which views become which families: see [`build`] for details.

use std::collections::HashMap;

use census_sdk::{AggregationData, ViewData};

use super::label::{Label, Source};
use super::order::OrderCache;
use super::{Family, Model};
use crate::error::EncodeError;
use crate::format::Format;
use crate::naming::{sanitize, MetricType, BUCKET_LABEL};
use crate::options::ExpositionOptions;
use crate::python::PythonLayout;

impl<'a> Model<'a> {
    /// The model of `data` under `opts`, named for `format` (OpenMetrics names a counter
    /// family without its `_total`; text and protobuf name it as its samples).
    ///
    /// A reused [`crate::Encoder`] builds models faster ([`crate::Encoder::model`]): it
    /// keeps each family's series order between encodings and only checks it.
    pub fn new(data: &'a [ViewData], opts: &ExpositionOptions, format: Format) -> Self {
        build(data, opts, format, &mut OrderCache::default())
    }
}

/// Names the views, checks their labels, leaves out the ones that would make the exposition
/// invalid (reporting why), and sorts the rest by family name and their series by label
/// values (see [`Model`]).
pub(crate) fn build<'a>(
    data: &'a [ViewData],
    opts: &ExpositionOptions,
    format: Format,
    cache: &mut OrderCache,
) -> Model<'a> {
    let mut skipped = Vec::new();
    let mut taken: HashMap<String, &'a str> = HashMap::with_capacity(data.len() * 2);
    let mut families = Vec::with_capacity(data.len());
    let mut reserved = Vec::with_capacity(5);
    for vd in data {
        let view_name = vd.view.name();
        let kind = opts.metric_type(vd.view.aggregation());
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
        let with_blocks = format != Format::ProtobufDelimited;
        let rows = cache.sort(&name, &vd.rows, &labels, with_blocks);
        let python = (format == Format::Text && opts.python_numbers()).then(|| {
            let bounds = vd.view.aggregation().bounds();
            let bounds = bounds.as_ref().map_or(&[][..], |b| b.as_slice());
            let names = labels.iter().map(|l| l.name.as_str());
            PythonLayout::new(bounds, opts.python_int_bounds(view_name), names)
        });
        families.push(Family {
            data: vd,
            name,
            kind,
            labels,
            rows,
            python,
        });
    }
    families.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    Model {
        format,
        families,
        skipped,
    }
}

/// The `# TYPE` name of a view.
fn family_name(
    vd: &ViewData,
    opts: &ExpositionOptions,
    kind: MetricType,
    format: Format,
) -> String {
    let mut name = opts.metric_name(&vd.view);
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
        (MetricType::Histogram, Format::OpenMetrics) => &["_bucket", "_sum", "_count", "_created"],
        // Text, and protobuf (which a gateway or scraper shows as text).
        (MetricType::Histogram, _) => &["_bucket", "_sum", "_count"],
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
) -> Result<Vec<Label>, EncodeError> {
    let view = vd.view.name();
    let columns = vd.view.columns();
    let mut slots: Vec<Label> = Vec::with_capacity(columns.len() + opts.const_labels().len());
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
        slots.push(Label {
            name,
            source: Source::Column(i),
            prefix: String::new(),
        });
    }
    for (name, value) in opts.const_labels() {
        slots.push(Label {
            name: name.clone(),
            source: Source::Const(value.clone()),
            prefix: String::new(),
        });
    }
    slots.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(w) = slots.windows(2).find(|w| w[0].name == w[1].name) {
        let origin = |s: &Label| match s.source {
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
