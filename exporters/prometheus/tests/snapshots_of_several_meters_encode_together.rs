//! The snapshots of several meters, concatenated, encode as one exposition.

mod common;

use census_prometheus::{EncodeError, Encoder, ExpositionOptions};
use census_sdk::{Aggregation, Float64Measure, Meter, View};
use common::{register, tags};

#[test]
fn families_of_all_meters_are_sorted_together_and_the_first_meter_wins_collisions() {
    let m = Float64Measure::new("multi.test/m", "desc", "1").unwrap();
    let (first, second) = (Meter::new(), Meter::new());
    register(&first, View::new("zeta", "", [], &m, Aggregation::Sum));
    register(
        &first,
        View::new("shared", "from first", [], &m, Aggregation::Sum),
    );
    register(
        &second,
        View::new("alpha", "", [], &m, Aggregation::LastValue),
    );
    register(
        &second,
        View::new("shared", "from second", [], &m, Aggregation::Sum),
    );
    first.record_with_tags(&tags(&[]), &[m.m(1.5)]);
    second.record_with_tags(&tags(&[]), &[m.m(2.5)]);

    let mut data = first.snapshot().to_vec();
    data.extend(second.snapshot().iter().cloned());
    let mut encoder = Encoder::new(ExpositionOptions::new());
    let mut out = Vec::new();
    let report = encoder.encode_text(&data, &mut out);
    assert_eq!(
        String::from_utf8(out.clone()).unwrap(),
        "# HELP alpha desc\n# TYPE alpha gauge\nalpha 2.5\n\
         # HELP shared from first\n# TYPE shared counter\nshared 1.5\n\
         # HELP zeta desc\n# TYPE zeta counter\nzeta 1.5\n"
    );
    assert_eq!(
        report.skipped,
        [EncodeError::NameCollision {
            skipped: "shared".into(),
            kept: "shared".into(),
            name: "shared".into()
        }]
    );

    // The encoder's buffers are reused: a second run appends the same bytes.
    let len = out.len();
    let again = encoder.encode_text(&data, &mut out);
    assert_eq!(out[..len], out[len..]);
    assert_eq!(again, report);
}
