//! See [`CensusCollector`] for details.

use std::sync::atomic::{AtomicU64, Ordering};

use census_sdk::{AggregationData, Row};
use prometheus::core::{Collector, Desc};
use prometheus::proto;

use crate::encode::{plan, Format};
use crate::naming::MetricType;
use crate::options::ExpositionOptions;
use census_sdk::Meters;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// census views inside a `prometheus::Registry` (feature `prometheus-registry`), for apps that
/// already serve one: each `gather` converts the current snapshots to `MetricFamily`s.
///
/// Names, label names, types, `_sum` (= mean × count) and the skipping of views that would make
/// the exposition invalid are the same as in [`crate::Encoder`]'s text output; the text itself
/// (number formatting in particular) is then the `prometheus` crate's, not OpenCensus Go's.
/// Views left out are logged through `tracing`. With
/// [`ExpositionOptions::with_sum_as_untyped`], Sum views become gauges here: the `prometheus`
/// crate has no usable untyped type (its `TextEncoder` panics on one).
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
        let mut skipped = Vec::new();
        let families = plan::plan(&data, &self.opts, Format::Text, &mut skipped);
        for e in &skipped {
            tracing::warn!(error = %e, "census collector left a view out of the gather");
        }
        families
            .iter()
            .map(|fam| {
                let mut mf = proto::MetricFamily::default();
                mf.set_name(fam.name.clone());
                mf.set_help(fam.data.view.description().to_string());
                mf.set_field_type(match fam.kind {
                    MetricType::Counter => proto::MetricType::COUNTER,
                    MetricType::Gauge => proto::MetricType::GAUGE,
                    MetricType::Histogram => proto::MetricType::HISTOGRAM,
                    // The prometheus crate cannot encode untyped (its TextEncoder panics):
                    // a gauge is the type that claims least.
                    MetricType::Untyped => proto::MetricType::GAUGE,
                });
                mf.set_metric(
                    fam.data
                        .rows
                        .iter()
                        .map(|row| metric(fam, row, &self.opts))
                        .collect(),
                );
                mf
            })
            .collect()
    }
}

fn metric(fam: &plan::Family<'_>, row: &Row, opts: &ExpositionOptions) -> proto::Metric {
    let labels = fam
        .labels
        .iter()
        .map(|slot| {
            let mut lp = proto::LabelPair::default();
            lp.set_name(slot.name.clone());
            lp.set_value(match slot.source {
                plan::Source::Column(c) => row.tag_values[c].as_str().to_string(),
                plan::Source::Const(c) => opts.const_labels()[c].1.clone(),
            });
            lp
        })
        .collect();
    let mut m = proto::Metric::from_label(labels);
    let value = |v: f64| (v, fam.kind);
    match &row.data {
        AggregationData::Count(c) => set_scalar(&mut m, value(*c as f64)),
        AggregationData::Sum(s) => set_scalar(&mut m, value(s.as_f64())),
        AggregationData::LastValue(v) => set_scalar(&mut m, value(v.as_f64())),
        AggregationData::Distribution(d) => {
            let mut h = proto::Histogram::default();
            h.set_sample_count(d.count);
            h.set_sample_sum(d.sum());
            let mut cumulative = 0;
            h.set_bucket(
                d.bounds
                    .as_slice()
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
        // Rows that do not fit their view were left out by the plan.
        _ => {}
    }
    m
}

fn set_scalar(m: &mut proto::Metric, (v, kind): (f64, MetricType)) {
    match kind {
        MetricType::Counter => {
            let mut c = proto::Counter::default();
            c.set_value(v);
            m.set_counter(c);
        }
        _ => {
            let mut g = proto::Gauge::default();
            g.set_value(v);
            m.set_gauge(g);
        }
    }
}
