//! PUT replaces the group, POST replaces only the families it carries, DELETE removes exactly
//! the group: checked against the real Pushgateway.

mod common;

use std::time::Duration;

use census_pushgateway::{Method, Pushgateway};
use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};
use census_testkit::Pushgateway as Gateway;
use common::poll;

fn meter(views: &[(&str, &Int64Measure, &str, i64)]) -> Meter {
    let meter = Meter::new();
    for (name, m, kind, value) in views {
        let v = View::new(
            name,
            "",
            [TagKey::new("kind").unwrap()],
            *m,
            Aggregation::Sum,
        )
        .unwrap();
        meter.view_manager().register(&v).unwrap();
        let tags = TagMap::from_pairs(&[("kind", *kind)]).unwrap();
        meter.record_with_tags(&tags, &[m.m(*value)]);
    }
    meter
}

fn kinds(gw: &Gateway, key: &[(&str, &str)], family: &str) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = gw
        .values(key, family)
        .into_iter()
        .map(|(l, v)| (l["kind"].clone(), v))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn put_post_and_delete_follow_gateway_semantics() {
    let gw = Gateway::start();
    let a = Int64Measure::new("sem.io/a", "A", "1").unwrap();
    let b = Int64Measure::new("sem.io/b", "B", "1").unwrap();
    let i1 = [("job", "semantics"), ("instance", "i1")];
    let i2 = [("job", "semantics"), ("instance", "i2")];
    let build = |m: Meter, instance: &str| {
        Pushgateway::builder(gw.url(), "semantics")
            .with_grouping_label("instance", instance)
            .with_meter(m)
            .build()
            .unwrap()
    };

    let first = build(meter(&[("alpha", &a, "x", 1), ("beta", &b, "x", 2)]), "i1");
    first.push_blocking(Method::Put).unwrap();
    assert_eq!(kinds(&gw, &i1, "alpha"), [("x".into(), 1.0)]);
    assert_eq!(kinds(&gw, &i1, "beta"), [("x".into(), 2.0)]);

    let other = build(meter(&[("alpha", &a, "x", 7)]), "i2");
    other.push_blocking(Method::Put).unwrap();

    // POST: the alpha family is replaced as a whole (alpha{kind="x"} is gone), beta stays.
    let second = build(meter(&[("alpha", &a, "y", 5)]), "i1");
    second.push_blocking(Method::Post).unwrap();
    assert_eq!(kinds(&gw, &i1, "alpha"), [("y".into(), 5.0)]);
    assert_eq!(kinds(&gw, &i1, "beta"), [("x".into(), 2.0)]);

    // PUT: the group holds exactly what was pushed.
    second.push_blocking(Method::Put).unwrap();
    assert_eq!(kinds(&gw, &i1, "alpha"), [("y".into(), 5.0)]);
    assert!(kinds(&gw, &i1, "beta").is_empty());

    // DELETE: the group is gone (the gateway applies it asynchronously), the other stays.
    first.push_blocking(Method::Delete).unwrap();
    poll("group i1 deleted", Duration::from_secs(5), || {
        gw.group(&i1).is_none().then_some(())
    });
    assert_eq!(kinds(&gw, &i2, "alpha"), [("x".into(), 7.0)]);

    // Deleting a group that does not exist is fine too (202).
    first.push_blocking(Method::Delete).unwrap();
    for pg in [first, other, second] {
        pg.discard();
    }
}
