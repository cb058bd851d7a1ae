//! See [`Meters`] for details.

use crate::meter::{started_meters, Meter};
use crate::snapshot::Snapshot;

/// Which meters an exporter reads: every started meter (the default, as OpenCensus Go's
/// Prometheus exporter), or an explicit list.
///
/// ```
/// use census_sdk::{Meter, Meters};
/// let own = Meter::new();
/// assert!(Meters::Only(vec![own.clone()]).snapshot().is_empty());
/// assert!(matches!(Meters::default(), Meters::Started));
/// assert_eq!(Meters::Only(vec![own.clone()]).list().len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum Meters {
    /// Every started meter at the time of each read, the default meter first.
    #[default]
    Started,
    /// Exactly these meters, started or not.
    Only(Vec<Meter>),
}

impl Meters {
    /// The meters this selection names right now.
    pub fn list(&self) -> Vec<Meter> {
        match self {
            Meters::Started => started_meters(),
            Meters::Only(meters) => meters.clone(),
        }
    }

    /// One snapshot of every selected meter's views, meter by meter.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::concat(self.list().iter().map(Meter::snapshot))
    }
}
