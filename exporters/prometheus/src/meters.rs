//! See [`Meters`] for details.

use census_sdk::{Meter, ViewData};

/// Which meters an exporter reads on every scrape.
///
/// ```
/// use census_prometheus::Meters;
/// use census_sdk::{Aggregation, Int64Measure, Meter, TagMap, View};
///
/// let mine = Meter::new();
/// let m = Int64Measure::new("doc.io/meters_m", "", "1").unwrap();
/// mine.view_manager().register(&View::new("mine", "", [], &m, Aggregation::Count).unwrap()).unwrap();
/// mine.record_with_tags(&TagMap::new(), &[m.m(1)]);
///
/// let only = Meters::Only(vec![mine.clone()]);
/// assert_eq!(only.snapshot().len(), 1);
/// // A meter that was never started is not among the started ones.
/// assert!(Meters::Started.snapshot().iter().all(|vd| vd.view.name() != "mine"));
/// ```
#[derive(Debug, Clone, Default)]
pub enum Meters {
    /// Every started meter, the default meter first ([`census_sdk::started_meters`]), read
    /// anew on each scrape, as OpenCensus Go's exporter reads every started meter.
    #[default]
    Started,
    /// Exactly these meters, in this order, started or not.
    Only(Vec<Meter>),
}

impl Meters {
    /// The snapshots of the meters, concatenated in meter order (each sorted by view name).
    /// Of two views whose names collide, the encoder keeps the earlier one.
    pub fn snapshot(&self) -> Vec<ViewData> {
        match self {
            Meters::Started => concat(&census_sdk::started_meters()),
            Meters::Only(meters) => concat(meters),
        }
    }
}

fn concat(meters: &[Meter]) -> Vec<ViewData> {
    let mut data = Vec::new();
    for m in meters {
        data.extend(m.snapshot());
    }
    data
}
