//! # census-sdk: OpenCensus-style stats for Rust
//!
//! Record measurements, break them down by tags, aggregate them in views, and hand the result
//! to exporters. An app ported from OpenCensus gets the numbers it got before (OpenCensus Go is
//! the reference); recording costs an atomic add on an existing row.
//!
//! The concepts, in the order data flows through them:
//!
//! 1. **[`Measure`]** — a named, typed quantity ([`Int64Measure`], [`Float64Measure`]) with a
//!    description and a unit. [`TypedMeasure::m`] makes a [`Measurement`].
//! 2. **[`View`]** — which measure, broken down by which tag keys (columns), aggregated how:
//!    [`Aggregation::Count`], [`Aggregation::Sum`], [`Aggregation::LastValue`] or
//!    [`Aggregation::Distribution`].
//! 3. **[`TagMap`]** — the tags of a recording: explicit, or the current tag context
//!    ([`tags::enter`], [`tags::TagMapFutureExt::with_tag_map`]), carried in
//!    `opentelemetry::Context`.
//! 4. **[`Meter`]** — one isolated pipeline (views, rows, exporters). The process-wide default
//!    meter backs the free functions ([`register`], [`record`], …); its [`ViewManager`] is the
//!    registration face OpenCensus Python and Java users know.
//! 5. **[`Exporter`]** — receives a [`Snapshot`] (every view's [`ViewData`]) every reporting
//!    period and on [`Meter::flush`], and is shut down by [`Meter::stop`]; pull exporters read
//!    [`Meters`] instead. The `testing` feature adds an in-memory exporter for tests.
//!
//! ```
//! use census_sdk::{self as census, Aggregation, AggregationData, Float64Measure, TagKey, TagMap, View};
//!
//! // 1. Measure
//! let latency = Float64Measure::new("example.com/latency", "Request latency", "ms").unwrap();
//! // 2. View
//! let method = TagKey::new("method").unwrap();
//! let view = View::builder()
//!     .name("request_latency")
//!     .measure(&latency)
//!     .columns([method.clone()])
//!     .aggregation(Aggregation::distribution(&[10.0, 100.0]).unwrap())
//!     .build()
//!     .unwrap();
//! census::register(&view).unwrap();
//! // 3. TagMap
//! let tags = TagMap::from_pairs(&[("method", "GET")]).unwrap();
//! // 4. Meter (here the default one, through the free functions)
//! census::record_with_tags(&tags, &[latency.m(5.0), latency.m(50.0), latency.m(500.0)]);
//! // 5. What an exporter sees
//! let data = census::retrieve_data("request_latency").unwrap();
//! let AggregationData::Distribution(d) = &data.rows[0].data else { unreachable!() };
//! assert_eq!(d.bucket_counts, vec![1, 1, 1]);
//! assert_eq!(d.sum(), 555.0);
//! assert_eq!(data.rows[0].tag_values[0].as_str(), "GET");
//! ```
//!
//! ## Semantics worth knowing
//! - A tag the recording lacks and the empty value form the same row (as Go).
//! - A value equal to a bucket bound goes to the bucket above it (`le="25"` does not count 25).
//! - Negative values are recorded as Go records them (counted, summed, bucket 0).
//! - NaN and ±infinity are handled as OpenCensus Go does where that is not a bug: Count views
//!   count them and LastValue views keep them (exported as `NaN`, `+Inf`, `-Inf`); Sum and
//!   Distribution views drop them (one NaN would make a sum or mean NaN forever), and each
//!   value some view dropped is counted in [`MeterStats::non_finite_dropped`].
//! - Each view keeps at most [`DEFAULT_ROW_LIMIT`] rows (see [`Meter::set_row_limit`]); new tag
//!   combinations beyond it go to one overflow row whose values are [`OVERFLOW_TAG_VALUE`], so
//!   totals stay exact; the first overflow is logged through `tracing`. That value is reserved
//!   ([`TagError::ReservedValue`]): no recorded or extracted tag can carry it.
//!
//! ## Features
//! - `baggage`: W3C `baggage` header inject/extract for tag maps.
//!
//! ## MSRV
//! The `rust-version` of the workspace; raising it is a minor-version change.

pub mod tags;
#[cfg(feature = "testing")]
pub mod testing;
pub mod units;

// In the order data flows: what is recorded, by what, into which rows, read as what, by whom.
mod bound;
mod error;
mod export;
mod manager;
mod measure;
mod meter;
mod meters;
mod pipeline;
mod record;
mod reporter;
mod row_cache;
mod rows;
mod snapshot;
mod value;
mod view;

use std::sync::OnceLock;

pub use bound::Bound;
pub use error::{ExportError, MeasureError, TagError, ViewError};
pub use export::{fn_exporter, Exporter, FnExporter};
pub use manager::ViewManager;
pub use measure::{Float64Measure, Int64Measure, Measure, Measurement, TypedMeasure};
pub use meter::{started_meters, Meter, MeterStats};
pub use meters::Meters;
pub use pipeline::{DEFAULT_EXPORT_TIMEOUT, DEFAULT_REPORTING_PERIOD, DEFAULT_ROW_LIMIT};
pub use rows::aggregation::{Aggregation, Bounds};
pub use rows::data::{AggregationData, Attachments, DistributionData, Exemplar, Row, SumData};
pub use snapshot::Snapshot;
pub use tags::key::{TagKey, TagValue, OVERFLOW_TAG_VALUE};
pub use tags::map::{Mutator, Tag, TagMap, Ttl};
pub use tags::propagation_error::PropagationError;
pub use value::{MeasureKind, MeasureType, MeasureValue};
pub use view::{View, ViewBuilder, ViewData};

/// The process-wide default meter. It is always started: pull exporters see it, and exporters
/// registered on it are fed every reporting period.
pub fn default_meter() -> &'static Meter {
    static DEFAULT: OnceLock<Meter> = OnceLock::new();
    DEFAULT.get_or_init(|| {
        let m = Meter::new();
        m.start();
        m
    })
}

/// The default meter's [`ViewManager`].
pub fn view_manager() -> ViewManager {
    default_meter().view_manager()
}

/// Registers a view in the default meter (OpenCensus Go `view.Register`).
///
/// # Errors
/// As [`ViewManager::register`].
pub fn register(view: &View) -> Result<(), ViewError> {
    view_manager().register(view)
}

/// Unregisters a view from the default meter, returning its final data.
pub fn unregister(name: &str) -> Option<ViewData> {
    view_manager().unregister(name)
}

/// Finds a view of the default meter (OpenCensus Go `view.Find`).
pub fn find(name: &str) -> Option<View> {
    view_manager().find(name)
}

/// Reads a view of the default meter (OpenCensus Go `view.RetrieveData`).
///
/// # Errors
/// [`ViewError::NotRegistered`].
pub fn retrieve_data(name: &str) -> Result<ViewData, ViewError> {
    view_manager().retrieve_data(name)
}

/// Records into the default meter with the current tag context (OpenCensus Go `stats.Record`).
#[inline]
pub fn record(measurements: &[Measurement<'_>]) {
    if measurements.iter().all(|m| !m.measure.subscribed_any()) {
        return;
    }
    default_meter().record(measurements)
}

/// Records into the default meter with explicit tags.
#[inline]
pub fn record_with_tags(tags: &TagMap, measurements: &[Measurement<'_>]) {
    if measurements.iter().all(|m| !m.measure.subscribed_any()) {
        return;
    }
    default_meter().record_with_tags(tags, measurements)
}

/// Records into the default meter with explicit tags and attachments (exemplars).
pub fn record_with_attachments(
    tags: &TagMap,
    attachments: &Attachments,
    measurements: &[Measurement<'_>],
) {
    default_meter().record_with_attachments(tags, attachments, measurements)
}

/// Binds a measure and tags in the default meter; see [`Bound`].
pub fn bind<T: MeasureType>(measure: &TypedMeasure<T>, tags: &TagMap) -> Bound<T> {
    default_meter().bind(measure, tags)
}
