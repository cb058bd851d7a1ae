//! See [`Snapshot`] for details.

use std::ops::Deref;
use std::sync::Arc;
use std::time::SystemTime;

use crate::view::ViewData;

/// Every view of one or more meters at one moment: what exporters are handed.
///
/// Cheap to clone (the views sit behind one `Arc`), so a push exporter's worker keeps the
/// snapshot it was given instead of copying it. Derefs to `[ViewData]`, sorted by view name
/// within each meter.
///
/// ```
/// use census_sdk::{Aggregation, Int64Measure, Meter, TagMap, View};
/// let meter = Meter::new();
/// let m = Int64Measure::new("doc.io/snapshot_m", "", "1").unwrap();
/// meter.view_manager().register(&View::new("snap_count", "", [], &m, Aggregation::Count).unwrap()).unwrap();
/// meter.record_with_tags(&TagMap::new(), &[m.m(1)]);
/// let snapshot = meter.snapshot();
/// let kept = snapshot.clone(); // one reference count, no copy
/// assert_eq!(kept.len(), 1);
/// assert_eq!(kept[0].view().name(), "snap_count");
/// assert!(kept.time() >= kept[0].start());
/// ```
#[derive(Debug, Clone)]
pub struct Snapshot {
    views: Arc<[ViewData]>,
    time: SystemTime,
}

impl Snapshot {
    /// A snapshot of `views` taken now.
    pub fn new(views: Vec<ViewData>) -> Self {
        Snapshot {
            views: views.into(),
            time: SystemTime::now(),
        }
    }

    /// An empty snapshot.
    pub fn empty() -> Self {
        Self::new(Vec::new())
    }

    /// The views.
    pub fn views(&self) -> &[ViewData] {
        &self.views
    }

    /// When the snapshot was taken (the latest view end time it covers).
    pub fn time(&self) -> SystemTime {
        self.time
    }

    /// The views of several snapshots, in order, as one (taken at the latest of their times).
    pub fn concat(parts: impl IntoIterator<Item = Snapshot>) -> Snapshot {
        let mut views = Vec::new();
        let mut time = SystemTime::UNIX_EPOCH;
        for p in parts {
            time = time.max(p.time);
            views.extend(p.views.iter().cloned());
        }
        if views.is_empty() {
            time = SystemTime::now();
        }
        Snapshot {
            views: views.into(),
            time,
        }
    }
}

impl Deref for Snapshot {
    type Target = [ViewData];
    fn deref(&self) -> &[ViewData] {
        &self.views
    }
}

impl<'a> IntoIterator for &'a Snapshot {
    type Item = &'a ViewData;
    type IntoIter = std::slice::Iter<'a, ViewData>;
    fn into_iter(self) -> Self::IntoIter {
        self.views.iter()
    }
}

impl From<Vec<ViewData>> for Snapshot {
    fn from(views: Vec<ViewData>) -> Self {
        Snapshot::new(views)
    }
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot::empty()
    }
}
