//! Snapshot in, lines out: see [`Encoder`] for details.

use std::time::SystemTime;

use census_prometheus::encode::write_go_float;
use census_prometheus::model::{Model, Value};
use census_prometheus::{ExpositionOptions, Format};
use census_sdk::{AggregationData, MeasureValue, Row, SumData, ViewData};

use crate::line::{FieldValue, Lines};

/// How views become measurements and fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Naming {
    /// What VictoriaMetrics stores (`{measurement}_{field}`) is the series a Prometheus scrape
    /// of census exposes, names, labels and `le` values included, from census-prometheus's
    /// model: a counter or gauge `a_b` is `a b=…`; a histogram `h` is `h,le=… bucket=…i` per
    /// bucket (cumulative, `+Inf` included) and `h sum=…,count=…i`. A family name without `_`
    /// cannot be split so: that view is left out and reported (set a namespace).
    #[default]
    Prometheus,
    /// One line per row, as InfluxDB users lay data out: measurement = view name, tags =
    /// the row's tags (and constant labels), fields by aggregation: Count `count`, Sum `sum`,
    /// LastValue `last`, Distribution `count`, `sum`, `mean`, `min`, `max` and one cumulative
    /// count per bucket keyed by its upper bound (`"10"`, …, `"+Inf"`).
    Influx,
}

impl Naming {
    /// `prometheus` or `influx`.
    pub fn as_str(self) -> &'static str {
        match self {
            Naming::Prometheus => "prometheus",
            Naming::Influx => "influx",
        }
    }
}

/// A view left out of an encoding, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedView {
    /// The view's name.
    pub view: String,
    /// Why, and what to change.
    pub reason: String,
}

/// What one encoding produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncodeReport {
    /// Lines written.
    pub lines: usize,
    /// Field values left out for being NaN or ±Inf.
    pub skipped_values: u64,
    /// Lines left out because none of their values was finite.
    pub skipped_lines: u64,
    /// Views left out.
    pub skipped_views: Vec<SkippedView>,
}

/// Encodes view snapshots as line protocol with one [`Naming`], every line stamped with the
/// snapshot's time (nanoseconds). Pure and reusable.
///
/// ```
/// use census_influx::{Encoder, Naming};
/// use census_prometheus::ExpositionOptions;
/// use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let meter = Meter::new();
/// let m = Int64Measure::new("doc.io/influx_jobs", "Jobs", "1").unwrap();
/// let v = View::new("jobs_done", "", [TagKey::new("kind").unwrap()], &m, Aggregation::Count).unwrap();
/// meter.view_manager().register(&v).unwrap();
/// meter.record_with_tags(&TagMap::from_pairs(&[("kind", "cron job")]).unwrap(), &[m.m(1), m.m(1)]);
/// let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
///
/// let mut enc = Encoder::new(Naming::Prometheus, ExpositionOptions::new());
/// let lines = enc.encode(&meter.snapshot(), at);
/// assert_eq!(std::str::from_utf8(lines.as_bytes()).unwrap(), "jobs,kind=cron\\ job done=2i 1700000000000000000\n");
///
/// let mut enc = Encoder::new(Naming::Influx, ExpositionOptions::new());
/// let lines = enc.encode(&meter.snapshot(), at);
/// assert_eq!(std::str::from_utf8(lines.as_bytes()).unwrap(), "jobs_done,kind=cron\\ job count=2i 1700000000000000000\n");
/// ```
#[derive(Debug, Default)]
pub struct Encoder {
    naming: Naming,
    opts: ExpositionOptions,
    lines: Lines,
    report: EncodeReport,
    scratch: Vec<u8>,
    bound_keys: Vec<String>,
}

impl Encoder {
    /// An encoder for `naming`; `opts` gives the namespace and constant labels (constant
    /// labels become tags in both namings; the namespace prefixes Prometheus names only).
    pub fn new(naming: Naming, opts: ExpositionOptions) -> Self {
        Encoder {
            naming,
            opts,
            ..Self::default()
        }
    }

    /// The naming.
    pub fn naming(&self) -> Naming {
        self.naming
    }

    /// Encodes `views` at `time`; the lines are valid until the next call.
    pub fn encode(&mut self, views: &[ViewData], time: SystemTime) -> &Lines {
        self.lines.clear();
        self.report = EncodeReport::default();
        let ts = unix_nanos(time);
        match self.naming {
            Naming::Prometheus => self.prometheus(views, ts),
            Naming::Influx => self.influx(views, ts),
        }
        self.report.lines = self.lines.len();
        self.report.skipped_values = self.lines.skipped_values();
        self.report.skipped_lines = self.lines.skipped_lines();
        &self.lines
    }

    /// The lines of the last [`encode`](Self::encode).
    pub fn lines(&self) -> &Lines {
        &self.lines
    }

    /// What the last [`encode`](Self::encode) wrote and left out.
    pub fn report(&self) -> &EncodeReport {
        &self.report
    }

    fn prometheus(&mut self, views: &[ViewData], ts: i64) {
        let model = Model::new(views, &self.opts, Format::Text);
        for e in model.skipped() {
            self.report.skipped_views.push(SkippedView {
                view: e.view().to_string(),
                reason: e.to_string(),
            });
        }
        for family in model.families() {
            let name = family.name();
            if let Some(bounds) = family.bounds() {
                for s in family.series() {
                    let Value::Histogram(d) = s.value() else {
                        continue;
                    };
                    let mut cumulative = 0u64;
                    for (i, n) in d.bucket_counts().iter().enumerate() {
                        cumulative += n;
                        self.scratch.clear();
                        match bounds.get(i) {
                            Some(b) => write_go_float(&mut self.scratch, *b),
                            None => self.scratch.extend_from_slice(b"+Inf"),
                        }
                        let le = std::str::from_utf8(&self.scratch).unwrap_or("+Inf");
                        let mut l = self.lines.line(name);
                        for (k, v) in s.labels() {
                            l.tag(k, v);
                        }
                        l.tag("le", le);
                        l.field("bucket", FieldValue::UInt(cumulative));
                        l.finish(ts);
                    }
                    let mut l = self.lines.line(name);
                    for (k, v) in s.labels() {
                        l.tag(k, v);
                    }
                    l.field("sum", FieldValue::Float(d.sum()));
                    l.field("count", FieldValue::UInt(d.count()));
                    l.finish(ts);
                }
                continue;
            }
            let Some((measurement, field)) = split_name(name) else {
                self.report.skipped_views.push(SkippedView {
                    view: family.view_data().view().name().to_string(),
                    reason: format!(
                        "the metric name {name:?} has no `_` to split into measurement and field \
                         (VictoriaMetrics stores `measurement_field`); set a namespace, rename the \
                         view, or use the influx naming"
                    ),
                });
                continue;
            };
            for s in family.series() {
                let mut l = self.lines.line(measurement);
                for (k, v) in s.labels() {
                    l.tag(k, v);
                }
                l.field(field, scalar(s.row()));
                l.finish(ts);
            }
        }
    }

    fn influx(&mut self, views: &[ViewData], ts: i64) {
        let consts = self.opts.const_labels();
        for vd in views {
            let view = vd.view();
            let columns = view.columns();
            let bounds = view.aggregation().bounds().map(|b| b.as_slice());
            if let Some(bounds) = bounds {
                self.bound_keys.clear();
                for b in bounds {
                    self.scratch.clear();
                    write_go_float(&mut self.scratch, *b);
                    self.bound_keys
                        .push(String::from_utf8_lossy(&self.scratch).into_owned());
                }
                self.bound_keys.push("+Inf".into());
            }
            for row in vd.rows() {
                let mut tags: Vec<(&str, &str)> = columns
                    .iter()
                    .zip(row.tag_values.iter())
                    .map(|(k, v)| (k.name(), v.as_str()))
                    .chain(consts.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                    .collect();
                tags.sort_unstable();
                let mut l = self.lines.line(view.name());
                for (k, v) in tags {
                    l.tag(k, v);
                }
                match row.data() {
                    AggregationData::Count(n) => l.field("count", FieldValue::UInt(*n)),
                    AggregationData::Sum(_) => l.field("sum", scalar(row)),
                    AggregationData::LastValue(_) => l.field("last", scalar(row)),
                    AggregationData::Distribution(d) => {
                        l.field("count", FieldValue::UInt(d.count()));
                        l.field("sum", FieldValue::Float(d.sum()));
                        l.field("mean", FieldValue::Float(d.mean()));
                        l.field("min", FieldValue::Float(d.min()));
                        l.field("max", FieldValue::Float(d.max()));
                        let mut cumulative = 0u64;
                        for (key, n) in self.bound_keys.iter().zip(d.bucket_counts()) {
                            cumulative += n;
                            l.field(key, FieldValue::UInt(cumulative));
                        }
                    }
                    _ => {}
                }
                l.finish(ts);
            }
        }
    }
}

/// `a_b_c` → (`a_b`, `c`), `a_b_` → (`a`, `b_`): at the last `_` that leaves both sides
/// non-empty; `None` when there is none.
fn split_name(name: &str) -> Option<(&str, &str)> {
    let head = name.strip_suffix(|_: char| true)?;
    let i = head.rfind('_').filter(|&i| i > 0)?;
    Some((&name[..i], &name[i + 1..]))
}

/// A scalar row's value, exact for integers.
fn scalar(row: &Row) -> FieldValue {
    match row.data() {
        AggregationData::Count(n) => FieldValue::UInt(*n),
        AggregationData::Sum(SumData::Int(v))
        | AggregationData::LastValue(MeasureValue::Int(v)) => FieldValue::Int(*v),
        AggregationData::Sum(SumData::Float(v))
        | AggregationData::LastValue(MeasureValue::Float(v)) => FieldValue::Float(*v),
        _ => FieldValue::Float(f64::NAN),
    }
}

/// Nanoseconds since the Unix epoch (negative before it, saturating).
pub(crate) fn unix_nanos(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_nanos()).map_or(i64::MIN, |n| -n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_at_the_last_underscore() {
        assert_eq!(split_name("a_b_c"), Some(("a_b", "c")));
        assert_eq!(split_name("jobs"), None);
        assert_eq!(split_name("_x"), None);
        assert_eq!(split_name("x_"), None);
        assert_eq!(split_name("a_b_"), Some(("a", "b_")));
        assert_eq!(split_name("a__"), Some(("a", "_")));
    }
}
