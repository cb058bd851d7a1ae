//! See [`CensusCollector`] for details.

use std::sync::atomic::{AtomicU64, Ordering};

use prometheus::core::{Collector, Desc};
use prometheus::proto;

use crate::format::Format;
use crate::model::{Family, Model, Series, Value};
use crate::naming::MetricType;
use crate::options::ExpositionOptions;
use census_sdk::Meters;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// census views inside a `prometheus::Registry` (feature `prometheus-registry`), for apps that
/// already serve one: each `gather` converts the current snapshots to `MetricFamily`s.
///
/// Each gather maps the [`crate::model::Model`] of the snapshots, so names, label names, types,
/// series order, `_sum` (= mean × count) and the skipping of views that would make the
/// exposition invalid are the same as in [`crate::Encoder`]'s text output; the text itself
/// (number formatting in particular) is then the `prometheus` crate's, not OpenCensus Go's.
/// Views left out are logged through `tracing`.
///
/// Two mappings follow the `prometheus` crate rather than the model, because its
/// `TextEncoder` (0.14) would otherwise fail: with [`ExpositionOptions::with_sum_as_untyped`],
/// Sum views become gauges (the encoder panics on untyped); and histograms carry no explicit
/// `+Inf` bucket (the encoder adds `le="+Inf"` from the count, as protobuf readers do, and
/// would print an explicit one as `le="inf"` and then add none). An exact mapping (untyped as
/// untyped) cannot be written against 0.14 either: with the crate's default `protobuf`
/// feature, `proto::Metric` is the generated message, which has no `set_untyped` (only the
/// plain model without that feature has one, deprecated since 0.5.1), and a library cannot
/// tell which of the two it is built against. OpenTelemetry's `opentelemetry-prometheus`
/// maps the same way (no untyped, no explicit `+Inf`).
///
/// ```
/// use census_prometheus::{CensusCollector, ExpositionOptions};
/// use census_sdk::Meters;
/// use census_sdk::{Aggregation, Int64Measure, Meter, TagMap, View};
/// use prometheus::{Encoder as _, Registry, TextEncoder};
///
/// let meter = Meter::new();
/// let m = Int64Measure::new("doc.io/collector_jobs", "Jobs", "1").unwrap();
/// meter.view_manager().register(&View::new("jobs", "", [], &m, Aggregation::Count).unwrap()).unwrap();
/// meter.record_with_tags(&TagMap::new(), &[m.m(1)]);
///
/// let registry = Registry::new();
/// let opts = ExpositionOptions::new().with_namespace("app").unwrap();
/// registry.register(Box::new(CensusCollector::new(Meters::Only(vec![meter]), opts))).unwrap();
/// let mut text = String::new();
/// TextEncoder::new().encode_utf8(&registry.gather(), &mut text).unwrap();
/// assert_eq!(text, "# HELP app_jobs Jobs\n# TYPE app_jobs counter\napp_jobs 1\n");
/// ```
#[derive(Debug)]
pub struct CensusCollector {
    meters: Meters,
    opts: ExpositionOptions,
    /// A descriptor unique to this collector, so several can share a registry. It names no
    /// metric: census views come and go, so their families are not declared up front.
    id_desc: Desc,
}

impl CensusCollector {
    /// A collector reading `meters` with `opts`.
    pub fn new(meters: Meters, opts: ExpositionOptions) -> Self {
        let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let id_desc = Desc::new(
            format!("census_collector_{n}"),
            "census views (families are not declared up front)".into(),
            vec![],
            Default::default(),
        )
        .expect("a valid fixed descriptor");
        CensusCollector {
            meters,
            opts,
            id_desc,
        }
    }

    /// The meters read on each gather.
    pub fn meters(&self) -> &Meters {
        &self.meters
    }
}

impl Collector for CensusCollector {
    fn desc(&self) -> Vec<&Desc> {
        vec![&self.id_desc]
    }

    fn collect(&self) -> Vec<proto::MetricFamily> {
        let data = self.meters.snapshot();
        let model = Model::new(&data, &self.opts, Format::Text);
        for e in model.skipped() {
            tracing::warn!(error = %e, "census collector left a view out of the gather");
        }
        model.families().iter().map(family).collect()
    }
}

/// A model family as the `prometheus` crate's `MetricFamily`.
fn family(fam: &Family<'_>) -> proto::MetricFamily {
    let mut mf = proto::MetricFamily::default();
    mf.set_name(fam.name().to_string());
    mf.set_help(fam.help().to_string());
    mf.set_field_type(match fam.metric_type() {
        MetricType::Counter => proto::MetricType::COUNTER,
        MetricType::Gauge => proto::MetricType::GAUGE,
        MetricType::Histogram => proto::MetricType::HISTOGRAM,
        // The prometheus crate's TextEncoder panics on untyped (`unimplemented!`): a gauge
        // is the type that claims least.
        MetricType::Untyped => proto::MetricType::GAUGE,
    });
    let bounds = fam.bounds().unwrap_or(&[]);
    mf.set_metric(
        fam.series()
            .map(|series| metric(&series, fam.metric_type(), bounds))
            .collect(),
    );
    mf
}

fn metric(series: &Series<'_>, kind: MetricType, bounds: &[f64]) -> proto::Metric {
    let labels = series
        .labels()
        .map(|(name, value)| {
            let mut lp = proto::LabelPair::default();
            lp.set_name(name.to_string());
            lp.set_value(value.to_string());
            lp
        })
        .collect();
    let mut m = proto::Metric::from_label(labels);
    match series.value() {
        Value::Histogram(d) => {
            let mut h = proto::Histogram::default();
            h.set_sample_count(d.count);
            h.set_sample_sum(d.sum());
            let mut cumulative = 0;
            h.set_bucket(
                // No explicit `+Inf` bucket: it is implied by the count (as client_golang
                // writes protobuf), and the crate's `TextEncoder` adds `le="+Inf"` itself; an
                // explicit one would be printed `le="inf"`.
                bounds
                    .iter()
                    .zip(&d.bucket_counts)
                    .map(|(&bound, &n)| {
                        cumulative += n;
                        let mut b = proto::Bucket::default();
                        b.set_upper_bound(bound);
                        b.set_cumulative_count(cumulative);
                        b
                    })
                    .collect(),
            );
            m.set_histogram(h);
        }
        Value::Scalar(v) if kind == MetricType::Counter => {
            let mut c = proto::Counter::default();
            c.set_value(v);
            m.set_counter(c);
        }
        Value::Scalar(v) => {
            let mut g = proto::Gauge::default();
            g.set_value(v);
            m.set_gauge(g);
        }
    }
    m
}
