//! Once a view overflows its row limit, a recording that tries to carry the overflow row's own
//! tag value is refused with a typed error (decoders: `sdk/tests/the_overflow_value_is_reserved.rs`), so the exposition never holds two identical series and the real
//! Pushgateway accepts the push.

use census_pushgateway::{Method, Pushgateway};
use census_sdk::{
    Aggregation, Int64Measure, Meter, TagError, TagKey, TagMap, View, OVERFLOW_TAG_VALUE,
};
use census_testkit::Pushgateway as Gateway;

#[test]
fn an_overflowed_view_with_a_hostile_value_still_pushes_cleanly() {
    let meter = Meter::new().with_row_limit(2);
    let m = Int64Measure::new("collide.io/requests", "Requests", "1").unwrap();
    let user = TagKey::new("user").unwrap();
    let view = View::new(
        "requests",
        "Requests",
        [user.clone()],
        &m,
        Aggregation::Count,
    )
    .unwrap();
    meter.view_manager().register(&view).unwrap();
    for u in ["alice", "bob", "carol", "dave"] {
        meter.record_with_tags(&TagMap::from_pairs(&[("user", u)]).unwrap(), &[m.m(1)]);
    }

    // Every way in refuses the reserved value.
    let direct = TagMap::from_pairs(&[("user", OVERFLOW_TAG_VALUE)]).unwrap_err();
    assert!(
        matches!(direct, TagError::ReservedValue { .. }),
        "{direct:?}"
    );
    assert!(
        direct.to_string().contains("reserved for the overflow row"),
        "{direct}"
    );
    let gw = Gateway::start();
    let pg = Pushgateway::builder(gw.url(), "overflow_collision")
        .with_meter(meter)
        .build()
        .unwrap();
    pg.push_blocking(Method::Put).unwrap();
    let mut values: Vec<(String, f64)> = gw
        .values(&[("job", "overflow_collision")], "requests")
        .into_iter()
        .map(|(labels, value)| (labels["user"].clone(), value))
        .collect();
    values.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        values,
        [
            (OVERFLOW_TAG_VALUE.to_string(), 2.0),
            ("alice".to_string(), 1.0),
            ("bob".to_string(), 1.0)
        ]
    );
    pg.discard();
}
