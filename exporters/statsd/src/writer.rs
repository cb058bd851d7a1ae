//! The pure part: snapshots to StatsD lines. See [`StatsdWriter`].

use census_export::{Delta, DeltaTracker};
use census_sdk::ViewData;

use crate::escape::{push_name, push_tag};
use crate::flavor::Flavor;
use crate::lines::Lines;
use crate::number::{push_count, push_value};

/// What one [`StatsdWriter::write`] produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Records appended (a negative Etsy gauge is one record of two lines).
    pub records: usize,
    /// Values left out because they were NaN or infinite (no StatsD server reads them).
    pub skipped_non_finite: usize,
}

/// Turns snapshots into StatsD lines, with no I/O: Count and Sum as counter (`|c`) deltas
/// since the previous write (census-export's [`DeltaTracker`]: the first write sends the
/// whole value, a new view start is a reset, unchanged rows are left out), LastValue as a
/// gauge (`|g`) set to the value, Distribution as `<name>.count` and `<name>.sum` counter
/// deltas. Names are `<namespace>.<view name>`; tags are the row's non-empty tags in column
/// order, then the constant tags the row does not carry; the [`Flavor`] decides the tag
/// syntax and how a negative gauge is sent.
///
/// ```
/// use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};
/// use census_statsd::{Flavor, Lines, StatsdWriter};
///
/// let meter = Meter::new();
/// let m = Int64Measure::new("doc.io/writer_rows", "", "1").unwrap();
/// let view = View::new("rows copied", "", [TagKey::new("table").unwrap()], &m, Aggregation::Sum).unwrap();
/// meter.view_manager().register(&view).unwrap();
/// let tags = TagMap::from_pairs(&[("table", "users")]).unwrap();
/// meter.record_with_tags(&tags, &[m.m(40)]);
///
/// let mut w = StatsdWriter::new(Flavor::DogStatsd, "db", vec![("host".into(), "h1".into())]);
/// let mut lines = Lines::new();
/// w.write(&meter.snapshot(), &mut lines);
/// assert_eq!(lines.text(), "db.rows_copied:40|c|#table:users,host:h1");
///
/// meter.record_with_tags(&tags, &[m.m(2)]);
/// lines.clear();
/// w.write(&meter.snapshot(), &mut lines);
/// assert_eq!(lines.text(), "db.rows_copied:2|c|#table:users,host:h1", "the delta");
/// lines.clear();
/// w.write(&meter.snapshot(), &mut lines);
/// assert!(lines.is_empty(), "nothing changed");
/// ```
#[derive(Debug)]
pub struct StatsdWriter {
    flavor: Flavor,
    /// Escaped, with its trailing `.` (empty without a namespace).
    prefix: String,
    const_tags: Vec<(String, String)>,
    tracker: DeltaTracker,
    name: String,
    tags: String,
}

impl StatsdWriter {
    /// A writer for `flavor`, names under `namespace` (empty: none), and `const_tags` added to
    /// every line (names and values are escaped here; the builder refuses bad ones instead).
    pub fn new(flavor: Flavor, namespace: &str, const_tags: Vec<(String, String)>) -> Self {
        let mut prefix = String::new();
        if !namespace.is_empty() {
            push_name(&mut prefix, namespace);
            prefix.push('.');
        }
        StatsdWriter {
            flavor,
            prefix,
            const_tags,
            tracker: DeltaTracker::new(),
            name: String::new(),
            tags: String::new(),
        }
    }

    /// The flavour.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// Appends the lines for what changed in `views` since the previous call.
    pub fn write(&mut self, views: &[ViewData], out: &mut Lines) -> Written {
        let mut written = Written::default();
        for vd in views {
            let columns = vd.view().columns();
            for row in self.tracker.deltas(std::slice::from_ref(vd)) {
                self.name.clear();
                self.name.push_str(&self.prefix);
                push_name(&mut self.name, &row.view);
                self.tags.clear();
                let mut n = 0;
                for (key, value) in columns.iter().zip(row.tag_values.iter()) {
                    if !value.is_empty() {
                        push_tag_in(&mut self.tags, self.flavor, n, key.name(), value.as_str());
                        n += 1;
                    }
                }
                for (key, value) in &self.const_tags {
                    let carried = columns
                        .iter()
                        .zip(row.tag_values.iter())
                        .any(|(k, v)| k.name() == key && !v.is_empty());
                    if !carried {
                        push_tag_in(&mut self.tags, self.flavor, n, key, value);
                        n += 1;
                    }
                }
                let line = Line {
                    flavor: self.flavor,
                    name: &self.name,
                    tags: &self.tags,
                };
                match row.delta {
                    Delta::Count(c) => line.count(out, "", c, &mut written),
                    Delta::Sum(s) => line.value(out, "", s, "c", &mut written),
                    Delta::Gauge(v) => line.gauge(out, v, &mut written),
                    Delta::Distribution { count, sum, .. } => {
                        line.count(out, ".count", count, &mut written);
                        if sum != 0.0 {
                            line.value(out, ".sum", sum, "c", &mut written);
                        }
                    }
                }
            }
        }
        written
    }
}

/// Appends tag number `n` to `tags` in the flavour's syntax.
fn push_tag_in(tags: &mut String, flavor: Flavor, n: usize, key: &str, value: &str) {
    let (first, kv) = match flavor {
        Flavor::Etsy | Flavor::DogStatsd => ("|#", ':'),
        Flavor::StatsdExporter => (",", '='),
    };
    tags.push_str(if n == 0 { first } else { "," });
    push_tag(tags, key);
    tags.push(kv);
    push_tag(tags, value);
}

/// One row's name and tags, ready to be written as lines.
struct Line<'a> {
    flavor: Flavor,
    name: &'a str,
    tags: &'a str,
}

impl Line<'_> {
    /// `name[suffix][,influx tags]:` into `out`.
    fn head(&self, out: &mut String, suffix: &str) {
        out.push_str(self.name);
        out.push_str(suffix);
        if self.flavor == Flavor::StatsdExporter {
            out.push_str(self.tags);
        }
        out.push(':');
    }

    /// `|type[|#tags]` into `out`.
    fn tail(&self, out: &mut String, kind: &str) {
        out.push('|');
        out.push_str(kind);
        if self.flavor != Flavor::StatsdExporter {
            out.push_str(self.tags);
        }
    }

    fn count(&self, lines: &mut Lines, suffix: &str, n: u64, w: &mut Written) {
        let out = lines.start();
        self.head(out, suffix);
        push_count(out, n);
        self.tail(out, "c");
        lines.finish();
        w.records += 1;
    }

    fn value(&self, lines: &mut Lines, suffix: &str, v: f64, kind: &str, w: &mut Written) {
        if !v.is_finite() {
            w.skipped_non_finite += 1;
            return;
        }
        let out = lines.start();
        self.head(out, suffix);
        push_value(out, v);
        self.tail(out, kind);
        lines.finish();
        w.records += 1;
    }

    /// A gauge that ends up stored as `v`: where a signed value is a change, a negative one is
    /// sent as `0` then `v` in one record.
    fn gauge(&self, lines: &mut Lines, v: f64, w: &mut Written) {
        if !v.is_finite() {
            w.skipped_non_finite += 1;
            return;
        }
        let out = lines.start();
        if v < 0.0 && self.flavor.signed_gauge_is_relative() {
            self.head(out, "");
            out.push('0');
            self.tail(out, "g");
            out.push('\n');
        }
        self.head(out, "");
        push_value(out, v);
        self.tail(out, "g");
        lines.finish();
        w.records += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use census_sdk::{
        Aggregation, AggregationData, Float64Measure, Int64Measure, MeasureValue, Meter, Row,
        TagKey, TagMap, TagValue, View,
    };

    fn text(w: &mut StatsdWriter, meter: &Meter) -> String {
        let mut lines = Lines::new();
        w.write(&meter.snapshot(), &mut lines);
        lines.text().to_string()
    }

    #[test]
    fn every_aggregation_in_every_flavour() {
        let meter = Meter::new();
        let i = Int64Measure::new("writer.io/i", "", "1").unwrap();
        let f = Float64Measure::new("writer.io/f", "", "s").unwrap();
        let k = TagKey::new("k").unwrap();
        let vm = meter.view_manager();
        for (name, m, agg) in [
            ("a_count", "i", Aggregation::Count),
            ("b_sum", "f", Aggregation::Sum),
            ("c_last", "f", Aggregation::LastValue),
            ("d_dist", "f", Aggregation::distribution(&[1.0]).unwrap()),
        ] {
            let v = if m == "i" {
                View::new(name, "", [k.clone()], &i, agg)
            } else {
                View::new(name, "", [k.clone()], &f, agg)
            };
            vm.register(&v.unwrap()).unwrap();
        }
        let tags = TagMap::from_pairs(&[("k", "v 1")]).unwrap();
        meter.record_with_tags(&tags, &[i.m(1), f.m(-2.5)]);
        let expect = [
            (
                Flavor::Etsy,
                "ns.a_count:1|c|#k:v_1\nns.b_sum:-2.5|c|#k:v_1\nns.c_last:0|g|#k:v_1\nns.c_last:-2.5|g|#k:v_1\nns.d_dist.count:1|c|#k:v_1\nns.d_dist.sum:-2.5|c|#k:v_1",
            ),
            (
                Flavor::DogStatsd,
                "ns.a_count:1|c|#k:v_1\nns.b_sum:-2.5|c|#k:v_1\nns.c_last:-2.5|g|#k:v_1\nns.d_dist.count:1|c|#k:v_1\nns.d_dist.sum:-2.5|c|#k:v_1",
            ),
            (
                Flavor::StatsdExporter,
                "ns.a_count,k=v_1:1|c\nns.b_sum,k=v_1:-2.5|c\nns.c_last,k=v_1:0|g\nns.c_last,k=v_1:-2.5|g\nns.d_dist.count,k=v_1:1|c\nns.d_dist.sum,k=v_1:-2.5|c",
            ),
        ];
        for (flavor, want) in expect {
            let mut w = StatsdWriter::new(flavor, "ns", Vec::new());
            assert_eq!(text(&mut w, &meter), want, "{flavor}");
        }
    }

    #[test]
    fn deltas_across_a_view_reset_and_skipped_zero_deltas() {
        let meter = Meter::new();
        let m = Int64Measure::new("writer.io/reset", "", "1").unwrap();
        let view = View::new("jobs", "", [], &m, Aggregation::Sum).unwrap();
        let count = View::new("jobs_n", "", [], &m, Aggregation::Count).unwrap();
        let vm = meter.view_manager();
        vm.register(&view).unwrap();
        vm.register(&count).unwrap();
        let none = TagMap::new();
        let mut w = StatsdWriter::new(Flavor::Etsy, "", Vec::new());
        meter.record_with_tags(&none, &[m.m(5), m.m(7)]);
        assert_eq!(
            text(&mut w, &meter),
            "jobs:12|c\njobs_n:2|c",
            "first: the whole value"
        );
        meter.record_with_tags(&none, &[m.m(3)]);
        assert_eq!(text(&mut w, &meter), "jobs:3|c\njobs_n:1|c");
        assert_eq!(text(&mut w, &meter), "", "zero deltas are skipped");
        // Re-registering starts a new cumulative series: the next write is the whole value.
        vm.unregister(view.name());
        vm.register(&view).unwrap();
        meter.record_with_tags(&none, &[m.m(4)]);
        assert_eq!(text(&mut w, &meter), "jobs:4|c\njobs_n:1|c");
        meter.record_with_tags(&none, &[m.m(6)]);
        assert_eq!(text(&mut w, &meter), "jobs:6|c\njobs_n:1|c");
    }

    #[test]
    fn constant_tags_yield_to_the_rows_own_and_bad_values_are_skipped_and_counted() {
        let meter = Meter::new();
        let f = Float64Measure::new("writer.io/g", "", "1").unwrap();
        let (a, b) = (TagKey::new("a").unwrap(), TagKey::new("b").unwrap());
        let v = View::new("g", "", [a, b], &f, Aggregation::LastValue).unwrap();
        meter.view_manager().register(&v).unwrap();
        meter.record_with_tags(&TagMap::from_pairs(&[("a", "x:y|z")]).unwrap(), &[f.m(1.5)]);
        let consts = vec![
            ("a".into(), "const".into()),
            ("b".into(), "from const".into()),
        ];
        let mut w = StatsdWriter::new(Flavor::DogStatsd, "my app", consts);
        assert_eq!(text(&mut w, &meter), "my_app.g:1.5|g|#a:x_y_z,b:from_const");
        // The sdk drops NaN recordings; a hand-built snapshot (another meter's, a custom
        // source) may still carry one.
        let nan = ViewData::new(
            v.clone(),
            std::time::SystemTime::UNIX_EPOCH,
            std::time::SystemTime::now(),
            vec![Row::new(
                vec![TagValue::new("x").unwrap(), TagValue::empty()],
                AggregationData::LastValue(MeasureValue::Float(f64::NAN)),
            )],
        );
        let mut lines = Lines::new();
        let written = w.write(&[nan], &mut lines);
        assert!(lines.is_empty());
        assert_eq!(
            written,
            Written {
                records: 0,
                skipped_non_finite: 1
            }
        );
    }
}
