//! See [`DeltaTracker`] for details.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use census_sdk::{AggregationData, TagValue, ViewData};

/// One row's change since the previous snapshot.
#[derive(Debug, Clone, PartialEq)]
pub enum Delta {
    /// Recordings since the last snapshot.
    Count(u64),
    /// The sum's change.
    Sum(f64),
    /// The distribution's change: count, sum, and per-bucket counts.
    Distribution {
        /// New values.
        count: u64,
        /// Their sum.
        sum: f64,
        /// New values per bucket.
        buckets: Vec<u64>,
    },
    /// A last value is not cumulative: passed through as it is.
    Gauge(f64),
}

/// One row of a delta: its view, tag values (the view's columns, in order) and change.
#[derive(Debug, Clone, PartialEq)]
pub struct DeltaRow {
    /// The view's name.
    pub view: String,
    /// The row's tag values.
    pub tag_values: Arc<[TagValue]>,
    /// What changed.
    pub delta: Delta,
}

#[derive(Debug, Clone)]
struct Last {
    start: SystemTime,
    data: AggregationData,
}

/// Turns cumulative OpenCensus data into deltas for exporters whose wire wants them (StatsD):
/// each row's change since the previous call. A row seen for the first time, a view whose
/// start time changed (re-registered: a new cumulative series) or a count that went down is a
/// reset: the delta is the whole current value. A sum may go down (negative values): its delta
/// is then negative. Rows that did not change are left out.
///
/// ```
/// use census_export::{Delta, DeltaTracker};
/// use census_sdk::{Aggregation, Int64Measure, Meter, TagMap, View};
/// let meter = Meter::new();
/// let m = Int64Measure::new("doc.io/delta_jobs", "", "1").unwrap();
/// meter.view_manager().register(&View::new("jobs", "", [], &m, Aggregation::Sum).unwrap()).unwrap();
/// let mut t = DeltaTracker::new();
/// meter.record_with_tags(&TagMap::new(), &[m.m(5)]);
/// assert_eq!(t.deltas(&meter.snapshot())[0].delta, Delta::Sum(5.0));
/// meter.record_with_tags(&TagMap::new(), &[m.m(2)]);
/// assert_eq!(t.deltas(&meter.snapshot())[0].delta, Delta::Sum(2.0));
/// assert!(t.deltas(&meter.snapshot()).is_empty(), "nothing changed");
/// meter.record_with_tags(&TagMap::new(), &[m.m(-4)]);
/// assert_eq!(t.deltas(&meter.snapshot())[0].delta, Delta::Sum(-4.0), "not a reset");
/// ```
#[derive(Debug, Default)]
pub struct DeltaTracker {
    last: HashMap<(String, Arc<[TagValue]>), Last>,
}

impl DeltaTracker {
    /// A tracker that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The changes in `views` since the previous call; remembers `views` for the next.
    pub fn deltas(&mut self, views: &[ViewData]) -> Vec<DeltaRow> {
        let mut out = Vec::new();
        for vd in views {
            for row in vd.rows() {
                let key = (vd.view().name().to_string(), row.tag_values.clone());
                let prev = self
                    .last
                    .get(&key)
                    .filter(|l| l.start == vd.start())
                    .map(|l| &l.data);
                if let Some(delta) = delta(prev, row.data()) {
                    out.push(DeltaRow {
                        view: key.0.clone(),
                        tag_values: key.1.clone(),
                        delta,
                    });
                }
                let last = Last {
                    start: vd.start(),
                    data: row.data().clone(),
                };
                self.last.insert(key, last);
            }
        }
        out
    }
}

/// The change from `prev` to `now`; `None` when nothing changed.
fn delta(prev: Option<&AggregationData>, now: &AggregationData) -> Option<Delta> {
    let d = match (prev, now) {
        (_, AggregationData::LastValue(v)) => return Some(Delta::Gauge(v.as_f64())),
        (Some(AggregationData::Count(a)), AggregationData::Count(b)) if b >= a => {
            Delta::Count(b - a)
        }
        (_, AggregationData::Count(b)) => Delta::Count(*b),
        // A sum may go down (negative values): only a new start time is a reset.
        (Some(AggregationData::Sum(a)), AggregationData::Sum(b)) => {
            Delta::Sum(b.as_f64() - a.as_f64())
        }
        (_, AggregationData::Sum(b)) => Delta::Sum(b.as_f64()),
        (Some(AggregationData::Distribution(a)), AggregationData::Distribution(b))
            if b.count() >= a.count() && a.bucket_counts().len() == b.bucket_counts().len() =>
        {
            Delta::Distribution {
                count: b.count() - a.count(),
                sum: b.sum() - a.sum(),
                buckets: b
                    .bucket_counts()
                    .iter()
                    .zip(a.bucket_counts())
                    .map(|(n, o)| n.saturating_sub(*o))
                    .collect(),
            }
        }
        (_, AggregationData::Distribution(b)) => Delta::Distribution {
            count: b.count(),
            sum: b.sum(),
            buckets: b.bucket_counts().to_vec(),
        },
        _ => return None,
    };
    let unchanged = match &d {
        Delta::Count(n) | Delta::Distribution { count: n, .. } => *n == 0,
        Delta::Sum(s) => *s == 0.0 && prev.is_some(),
        Delta::Gauge(_) => false,
    };
    (!unchanged).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};

    #[test]
    fn a_new_view_start_is_a_reset_and_distributions_subtract_per_bucket() {
        let meter = Meter::new();
        let m = Int64Measure::new("delta.io/d", "", "1").unwrap();
        let view = View::new(
            "lat",
            "",
            [TagKey::new("k").unwrap()],
            &m,
            Aggregation::distribution(&[10.0]).unwrap(),
        )
        .unwrap();
        meter.view_manager().register(&view).unwrap();
        let tags = TagMap::from_pairs(&[("k", "a")]).unwrap();
        let mut t = DeltaTracker::new();
        meter.record_with_tags(&tags, &[m.m(1), m.m(20)]);
        let d = t.deltas(&meter.snapshot());
        assert_eq!(
            d[0].delta,
            Delta::Distribution {
                count: 2,
                sum: 21.0,
                buckets: vec![1, 1]
            }
        );
        meter.record_with_tags(&tags, &[m.m(30)]);
        let d = t.deltas(&meter.snapshot());
        assert_eq!(
            d[0].delta,
            Delta::Distribution {
                count: 1,
                sum: 30.0,
                buckets: vec![0, 1]
            }
        );
        // Re-registering starts a new cumulative series: a reset.
        meter.view_manager().unregister(view.name());
        meter.view_manager().register(&view).unwrap();
        meter.record_with_tags(&tags, &[m.m(5)]);
        let snap = meter.snapshot();
        let d = t.deltas(&snap);
        assert_eq!(
            d[0].delta,
            Delta::Distribution {
                count: 1,
                sum: 5.0,
                buckets: vec![1, 0]
            }
        );
    }

    #[test]
    fn a_value_that_goes_down_is_a_reset() {
        let now = AggregationData::Count(3);
        assert_eq!(
            delta(Some(&AggregationData::Count(10)), &now),
            Some(Delta::Count(3))
        );
        assert_eq!(delta(Some(&AggregationData::Count(3)), &now), None);
    }
}
