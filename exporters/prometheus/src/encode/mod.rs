//! Snapshot in, bytes out: see [`Encoder`] for details.
//!
//! How OpenCensus words map to Prometheus words (the only place both vocabularies meet):
//!
//! | OpenCensus | Prometheus |
//! | --- | --- |
//! | view | metric family, named `namespace_` + sanitised view name |
//! | view description | `# HELP` text |
//! | aggregation | `# TYPE`: Count, Sum → `counter`; LastValue → `gauge`; Distribution → `histogram` |
//! | tag key (column) | label name (sanitised) |
//! | row | series (a histogram row: its `_bucket`, `_sum` and `_count` samples) |
//! | tag value, missing tag | label value, `""` |
//!
//! Encoding is pure: no I/O, no clock, no timestamps (so the same bytes can be pushed to a
//! Pushgateway, which rejects timestamps).

mod number;
mod openmetrics;
pub(crate) mod plan;
mod text;

use census_sdk::ViewData;

use crate::error::EncodeError;
use crate::options::ExpositionOptions;

/// An exposition format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Prometheus text format 0.0.4, byte-identical to OpenCensus Go's exporter.
    Text,
    /// OpenMetrics 1.0.0 text.
    OpenMetrics,
}

impl Format {
    /// The `Content-Type` of a response in this format.
    ///
    /// ```
    /// use census_prometheus::encode::Format;
    /// assert_eq!(Format::Text.content_type(), "text/plain; version=0.0.4; charset=utf-8");
    /// ```
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// What one encoding produced, and which views it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncodeReport {
    /// Metric families written.
    pub families: usize,
    /// Series written (a histogram row counts once).
    pub series: usize,
    /// Views left out, and why; the rest of the exposition is valid without them.
    pub skipped: Vec<EncodeError>,
}

impl EncodeReport {
    /// True when no view was left out.
    pub fn is_complete(&self) -> bool {
        self.skipped.is_empty()
    }
}

/// Reusable buffers of one encoder.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Row indices of the current family, sorted.
    pub(crate) order: Vec<u32>,
    /// The current row's label block.
    pub(crate) labels: Vec<u8>,
    /// The current histogram's formatted bounds, and where each ends.
    pub(crate) le: Vec<u8>,
    pub(crate) le_ends: Vec<(usize, usize)>,
}

impl Scratch {
    /// Sorts the family's rows byte-wise by their label values, in label order.
    pub(crate) fn sort_rows(&mut self, fam: &plan::Family<'_>) {
        let rows = &fam.data.rows;
        self.order.clear();
        self.order.extend(0..rows.len() as u32);
        let cols = &fam.sort_columns;
        self.order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&rows[a as usize].tag_values, &rows[b as usize].tag_values);
            cols.iter()
                .map(|&c| a[c].as_str().cmp(b[c].as_str()))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
}

/// Encodes view snapshots; keeps its buffers between calls, so a server encoding every scrape
/// allocates little after the first.
///
/// The input is any `&[ViewData]`: one meter's [`census_sdk::Meter::snapshot`], or the
/// snapshots of several meters concatenated (the first meter's views win name collisions).
///
/// ```
/// use census_prometheus::{encode::Encoder, ExpositionOptions};
/// use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};
///
/// let meter = Meter::new();
/// let jobs = Int64Measure::new("doc.io/encode_jobs", "Jobs run", "1").unwrap();
/// let view = View::new("jobs/done", "", [TagKey::new("kind").unwrap()], &jobs, Aggregation::Sum)
///     .unwrap();
/// meter.view_manager().register(&view).unwrap();
/// meter.record_with_tags(&TagMap::from_pairs(&[("kind", "batch")]).unwrap(), &[jobs.m(3)]);
///
/// let mut encoder = Encoder::new(ExpositionOptions::new().with_namespace("app").unwrap());
/// let mut out = Vec::new();
/// let report = encoder.encode_text(&meter.snapshot(), &mut out);
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "# HELP app_jobs_done Jobs run\n# TYPE app_jobs_done counter\napp_jobs_done{kind=\"batch\"} 3\n"
/// );
/// assert!(report.is_complete());
/// assert_eq!((report.families, report.series), (1, 1));
/// ```
#[derive(Debug, Default)]
pub struct Encoder {
    opts: ExpositionOptions,
    scratch: Scratch,
}

impl Encoder {
    /// An encoder with these options.
    pub fn new(opts: ExpositionOptions) -> Self {
        Encoder {
            opts,
            scratch: Scratch::default(),
        }
    }

    /// The options.
    pub fn options(&self) -> &ExpositionOptions {
        &self.opts
    }

    /// Appends the text format 0.0.4 exposition of `data` to `out`: families sorted by name,
    /// series sorted by label values, labels sorted by name with `le` last, numbers as Go
    /// prints them. Views that would make the output invalid are left out and reported.
    pub fn encode_text(&mut self, data: &[ViewData], out: &mut Vec<u8>) -> EncodeReport {
        self.encode(data, Format::Text, out)
    }

    /// Appends the OpenMetrics 1.0.0 exposition of `data` to `out`, ending with `# EOF`:
    /// counters as `name_total`, exemplars (from recording attachments) on histogram buckets.
    pub fn encode_openmetrics(&mut self, data: &[ViewData], out: &mut Vec<u8>) -> EncodeReport {
        self.encode(data, Format::OpenMetrics, out)
    }

    /// Appends the exposition of `data` in `format` to `out`.
    pub fn encode(&mut self, data: &[ViewData], format: Format, out: &mut Vec<u8>) -> EncodeReport {
        let mut report = EncodeReport::default();
        let families = plan::plan(data, &self.opts, format, &mut report.skipped);
        for fam in &families {
            match format {
                Format::Text => text::write_family(out, fam, &self.opts, &mut self.scratch),
                Format::OpenMetrics => {
                    openmetrics::write_family(out, fam, &self.opts, &mut self.scratch)
                }
            }
            report.families += 1;
            report.series += fam.data.rows.len();
        }
        if format == Format::OpenMetrics {
            out.extend_from_slice(b"# EOF\n");
        }
        report
    }
}

/// Appends the text format 0.0.4 exposition of `data` to `out`; a one-shot [`Encoder`].
///
/// ```
/// use census_prometheus::{encode::encode_text, ExpositionOptions};
/// let mut out = Vec::new();
/// let report = encode_text(&[], &ExpositionOptions::new(), &mut out);
/// assert!(out.is_empty() && report.is_complete());
/// ```
pub fn encode_text(data: &[ViewData], opts: &ExpositionOptions, out: &mut Vec<u8>) -> EncodeReport {
    Encoder::new(opts.clone()).encode_text(data, out)
}
