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

use std::collections::HashMap;

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
    /// The current row's line head (`name_bucket{labels,`).
    pub(crate) head: Vec<u8>,
    /// The current histogram's formatted bounds, and where each ends.
    pub(crate) le: Vec<u8>,
    pub(crate) le_ends: Vec<(usize, usize)>,
    /// The current family's escaped label blocks in storage order, and where each ends.
    pub(crate) blocks: Vec<u8>,
    pub(crate) block_ends: Vec<usize>,
    /// The numbers of the current family's lines, a fixed count per row, in storage order.
    pub(crate) nums: Vec<f64>,
    /// Sort keys of the current family's rows, and where each ends.
    pub(crate) keys: Vec<u8>,
    pub(crate) key_ends: Vec<usize>,
    /// The sorted row order of each family of the last encoding, and the encoding that used it.
    orders: HashMap<String, (Vec<u32>, u64)>,
    epoch: u64,
}

impl Scratch {
    /// Sorts the family's rows byte-wise by their label values, in label order, into
    /// `order` (see [`Self::sort_by_keys`]).
    pub(crate) fn sort_rows(&mut self, fam: &plan::Family<'_>) {
        self.begin_keys();
        for row in &fam.data.rows {
            for &c in &fam.sort_columns {
                self.keys
                    .extend_from_slice(row.tag_values[c].as_str().as_bytes());
                self.keys.push(0);
            }
            self.key_ends.push(self.keys.len());
        }
        self.sort_by_keys(&fam.name, fam.data.rows.len(), false);
    }

    /// Forgets the previous family's sort keys.
    pub(crate) fn begin_keys(&mut self) {
        self.keys.clear();
        self.key_ends.clear();
    }

    /// Sorts `0..rows` into `order` by the keys pushed since [`Self::begin_keys`]: each row's
    /// values joined by NUL, which sorts below every printable character, so the joined keys
    /// order exactly as the value tuples. Comparing keys in one buffer is much faster than
    /// chasing each row's tag values through the heap.
    ///
    /// A meter returns a view's rows in the same order scrape after scrape until rows are
    /// added, so the order found for family `name` last time is kept and only checked (one
    /// comparison per row) before sorting again.
    ///
    /// With `blocks`, the rows' label blocks are the keys instead (see the text writer).
    pub(crate) fn sort_by_keys(&mut self, name: &str, rows: usize, blocks: bool) {
        let (keys, ends) = if blocks {
            (&self.blocks[..], &self.block_ends[..])
        } else {
            (&self.keys[..], &self.key_ends[..])
        };
        let key = |i: u32| {
            let i = i as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &keys[start..ends[i]]
        };
        self.order.clear();
        if let Some((prev, epoch)) = self.orders.get_mut(name) {
            *epoch = self.epoch;
            if prev.len() == rows && prev.windows(2).all(|w| key(w[0]) < key(w[1])) {
                self.order.extend_from_slice(prev);
                return;
            }
        }
        self.order.extend(0..rows as u32);
        if !keys.is_empty() {
            self.order.sort_unstable_by(|&a, &b| key(a).cmp(key(b)));
        }
        match self.orders.get_mut(name) {
            Some((prev, _)) => prev.clone_from(&self.order),
            None => {
                self.orders
                    .insert(name.to_string(), (self.order.clone(), self.epoch));
            }
        }
    }

    /// Starts one encoding: orders of families not seen in the previous one are dropped.
    pub(crate) fn begin_encoding(&mut self) {
        let epoch = self.epoch;
        self.orders.retain(|_, (_, seen)| *seen == epoch);
        self.epoch = epoch.wrapping_add(1);
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
        self.scratch.begin_encoding();
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
