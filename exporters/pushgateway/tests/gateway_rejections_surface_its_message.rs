//! A push the gateway rejects (400, consistency check) is a typed error carrying the gateway's
//! own message; a view carrying `job` or a grouping label is refused before anything is sent.

mod common;

use census_pushgateway::{BuildError, Method, PushError, Pushgateway};
use census_sdk::{Aggregation, Float64Measure, Meter, TagKey, TagMap, View};
use census_testkit::Pushgateway as Gateway;

fn one_view(measure: &str, name: &str, columns: &[&str], agg: Aggregation) -> Meter {
    let meter = Meter::new();
    let m = Float64Measure::new(measure, "", "1").unwrap();
    let cols = columns.iter().map(|c| TagKey::new(c).unwrap());
    meter
        .view_manager()
        .register(&View::new(name, "", cols, &m, agg).unwrap())
        .unwrap();
    let pairs: Vec<(&str, &str)> = columns.iter().map(|c| (*c, "v")).collect();
    meter.record_with_tags(&TagMap::from_pairs(&pairs).unwrap(), &[m.m(1.5)]);
    meter
}

#[test]
fn a_consistency_rejection_surfaces_the_gateway_message() {
    let gw = Gateway::start();
    let gauge = Pushgateway::builder(gw.url(), "consistency_a")
        .with_meter(one_view(
            "rej.io/gauge",
            "temperature",
            &[],
            Aggregation::LastValue,
        ))
        .build()
        .unwrap();
    gauge.push_blocking(Method::Put).unwrap();
    let counter = Pushgateway::builder(gw.url(), "consistency_b")
        .with_meter(one_view(
            "rej.io/counter",
            "temperature",
            &[],
            Aggregation::Sum,
        ))
        .build()
        .unwrap();
    let err = counter.push_blocking(Method::Put).unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("pushed metrics are invalid or inconsistent with existing metrics"),
        "{text}"
    );
    assert!(text.contains("temperature"), "{text}");
    assert!(text.contains("/metrics/job/consistency_b"), "{text}");
    // The gateway kept the first group's value.
    assert_eq!(
        gw.values(&[("job", "consistency_a")], "temperature")[0].1,
        1.5
    );
    gauge.discard();
    counter.discard();
}

#[test]
fn reserved_labels_are_refused_before_sending() {
    let gw = Gateway::start();
    for (job, column) in [("reserved_job", "job"), ("reserved_instance", "instance")] {
        let pg = Pushgateway::builder(gw.url(), job)
            .with_grouping_label("instance", "i1")
            .with_meter(one_view(
                &format!("rej.io/{job}"),
                "jobs",
                &[column, "kind"],
                Aggregation::Sum,
            ))
            .build()
            .unwrap();
        let err = pg.push_blocking(Method::Put).unwrap_err();
        assert!(
            matches!(&err, PushError::ReservedLabel { view, tag_key, label } if view == "jobs" && tag_key == column && label == column),
            "{err:?}"
        );
        assert!(err.to_string().contains("nothing was sent"), "{err}");
        assert!(gw.group(&[("job", job), ("instance", "i1")]).is_none());
        pg.discard();
    }
    let err = Pushgateway::builder(gw.url(), "x")
        .with_grouping_label("instance", "i1")
        .with_const_label("instance", "other")
        .build()
        .unwrap_err();
    assert!(
        matches!(err, BuildError::ConstLabelIsGroupingLabel { ref name } if name == "instance"),
        "{err}"
    );
}
