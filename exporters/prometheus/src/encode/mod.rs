//! Snapshot in, bytes out: see [`Encoder`] for details.
//!
//! One writer per [`Format`], each reading a [`Model`] (the names, types, labels and series
//! order derived once, see [`crate::model`]): `text.rs` (0.0.4), `openmetrics.rs` and
//! `protobuf.rs` (delimited `MetricFamily`).
//!
//! Encoding is pure: no I/O, no clock, no timestamps (so the same bytes can be pushed to a
//! Pushgateway, which rejects timestamps).

mod header;
mod number;
mod openmetrics;
mod protobuf;
pub(crate) mod python;
mod scratch;
mod text;

use census_sdk::ViewData;

use crate::error::EncodeError;
use crate::format::Format;
use crate::model::build::build;
use crate::model::order::OrderCache;
use crate::model::Model;
use crate::options::ExpositionOptions;
use scratch::Scratch;

/// Appends `v` as the text format writes sample values and `le` bounds: Go's
/// `strconv.FormatFloat(v, 'g', -1, 64)` (`4`, `0.5`, `1e+06`, `+Inf`, `NaN`). For exporters
/// that must name series exactly as a scrape does (a line protocol `le` tag).
///
/// ```
/// let mut out = Vec::new();
/// for v in [10.0, 0.25, 1e6, f64::INFINITY] {
///     census_prometheus::encode::write_go_float(&mut out, v);
///     out.push(b' ');
/// }
/// assert_eq!(out, b"10 0.25 1e+06 +Inf ");
/// ```
pub fn write_go_float(out: &mut Vec<u8>, v: f64) {
    number::write_go_float(out, v);
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
    orders: OrderCache,
}

impl Encoder {
    /// An encoder with these options.
    pub fn new(opts: ExpositionOptions) -> Self {
        Encoder {
            opts,
            scratch: Scratch::default(),
            orders: OrderCache::default(),
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

    /// Appends the protobuf-delimited exposition of `data` to `out`: one varint-length-prefixed
    /// `io.prometheus.client.MetricFamily` per family, named and ordered as in text, each
    /// histogram with an explicit `+Inf` bucket.
    pub fn encode_protobuf(&mut self, data: &[ViewData], out: &mut Vec<u8>) -> EncodeReport {
        self.encode(data, Format::ProtobufDelimited, out)
    }

    /// Appends the exposition of `data` in `format` to `out`.
    pub fn encode(&mut self, data: &[ViewData], format: Format, out: &mut Vec<u8>) -> EncodeReport {
        let model = self.model(data, format);
        self.write(model, out)
    }

    /// The [`Model`] of `data` under this encoder's options, named for `format`: what
    /// [`Self::write`] writes. Look at it first to refuse a snapshot (a push exporter refuses
    /// views carrying its grouping labels) before anything is written.
    ///
    /// Series orders found by the last model this encoder wrote are reused when they still
    /// hold (a meter keeps its rows' order until rows are added).
    pub fn model<'a>(&mut self, data: &'a [ViewData], format: Format) -> Model<'a> {
        build(data, &self.opts, format, &mut self.orders)
    }

    /// Appends `model` in the format it was built for ([`Model::format`]) to `out`; keeps its
    /// series orders for the next [`Self::model`].
    ///
    /// ```
    /// use census_prometheus::{Encoder, ExpositionOptions, Format};
    /// let mut encoder = Encoder::new(ExpositionOptions::new());
    /// let model = encoder.model(&[], Format::OpenMetrics);
    /// let mut out = Vec::new();
    /// let report = encoder.write(model, &mut out);
    /// assert_eq!(out, b"# EOF\n");
    /// assert!(report.is_complete());
    /// ```
    pub fn write(&mut self, model: Model<'_>, out: &mut Vec<u8>) -> EncodeReport {
        let format = model.format();
        let series = model.series_count();
        let (families, skipped) = model.into_parts();
        let scratch = &mut self.scratch;
        for fam in &families {
            match format {
                Format::Text => text::write_family(out, fam, scratch),
                Format::OpenMetrics => openmetrics::write_family(out, fam, scratch),
                Format::ProtobufDelimited => protobuf::write_family(out, fam, scratch),
            }
        }
        if format == Format::OpenMetrics {
            out.extend_from_slice(b"# EOF\n");
        }
        let report = EncodeReport {
            families: families.len(),
            series,
            skipped,
        };
        self.orders
            .keep(families.into_iter().map(|f| (f.name, f.rows)));
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
