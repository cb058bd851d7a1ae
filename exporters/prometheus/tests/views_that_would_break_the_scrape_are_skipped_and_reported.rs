//! Collisions and label clashes never produce invalid output: the offending view is left out,
//! reported as a typed error, and the rest is served.

mod common;

use census_prometheus::{EncodeError, ExpositionOptions};
use census_sdk::{Aggregation, Int64Measure, Meter, View};
use common::{keys, register, tags, text};

fn measure(name: &str) -> Int64Measure {
    Int64Measure::new(name, "m", "1").unwrap()
}

#[test]
fn of_two_views_with_one_sanitised_name_the_first_is_kept() {
    let meter = Meter::new();
    let m = measure("skip.test/collide");
    register(
        &meter,
        View::new("a.b", "first", [], &m, Aggregation::Count),
    );
    register(&meter, View::new("a_b", "second", [], &m, Aggregation::Sum));
    register(&meter, View::new("ok", "fine", [], &m, Aggregation::Count));
    meter.record_with_tags(&tags(&[]), &[m.m(5)]);

    let (out, report) = text(&meter.snapshot(), &ExpositionOptions::new());
    assert_eq!(
        out,
        "# HELP a_b first\n# TYPE a_b counter\na_b 1\n# HELP ok fine\n# TYPE ok counter\nok 1\n"
    );
    assert_eq!(
        report.skipped,
        [EncodeError::NameCollision {
            skipped: "a_b".into(),
            kept: "a.b".into(),
            name: "a_b".into()
        }]
    );
    let msg = report.skipped[0].to_string();
    assert!(msg.contains("\"a_b\"") && msg.contains("\"a.b\"") && msg.contains("rename"));
    assert_eq!((report.families, report.series), (2, 2));
}

#[test]
fn a_counter_named_like_a_histogram_series_collides() {
    let meter = Meter::new();
    let m = measure("skip.test/suffix");
    register(
        &meter,
        View::new("x", "", [], &m, Aggregation::distribution(&[1.0]).unwrap()),
    );
    register(&meter, View::new("x_count", "", [], &m, Aggregation::Count));
    meter.record_with_tags(&tags(&[]), &[m.m(5)]);
    let (out, report) = text(&meter.snapshot(), &ExpositionOptions::new());
    assert!(out.contains("x_count 1\n") && out.contains("# TYPE x histogram"));
    assert!(!out.contains("# TYPE x_count"), "{out}");
    assert_eq!(
        report.skipped,
        [EncodeError::NameCollision {
            skipped: "x_count".into(),
            kept: "x".into(),
            name: "x_count".into()
        }]
    );
}

#[test]
fn an_empty_view_still_claims_its_name() {
    // Which view wins must not depend on which one has data yet.
    let meter = Meter::new();
    let m = measure("skip.test/empty");
    let unused = measure("skip.test/unused");
    register(
        &meter,
        View::new("e.x", "", [], &unused, Aggregation::Count),
    );
    register(&meter, View::new("e_x", "", [], &m, Aggregation::Count));
    meter.record_with_tags(&tags(&[]), &[m.m(1)]);
    let (out, report) = text(&meter.snapshot(), &ExpositionOptions::new());
    assert_eq!(out, "");
    assert!(
        matches!(&report.skipped[..], [EncodeError::NameCollision { kept, .. }] if kept == "e.x")
    );
}

#[test]
fn a_tag_key_that_becomes_le_is_refused_on_histograms_only() {
    let meter = Meter::new();
    let m = measure("skip.test/le");
    register(
        &meter,
        View::new(
            "h",
            "",
            keys(&["le"]),
            &m,
            Aggregation::distribution(&[1.0]).unwrap(),
        ),
    );
    register(
        &meter,
        View::new("c", "", keys(&["le"]), &m, Aggregation::Count),
    );
    meter.record_with_tags(&tags(&[("le", "x")]), &[m.m(5)]);
    let (out, report) = text(&meter.snapshot(), &ExpositionOptions::new());
    assert_eq!(out, "# HELP c m\n# TYPE c counter\nc{le=\"x\"} 1\n");
    assert_eq!(
        report.skipped,
        [EncodeError::BucketLabelClash {
            view: "h".into(),
            tag_key: "le".into()
        }]
    );
}

#[test]
fn two_labels_with_one_name_are_refused() {
    let meter = Meter::new();
    let m = measure("skip.test/dup");
    register(
        &meter,
        View::new(
            "twokeys",
            "",
            keys(&["http.status", "http_status"]),
            &m,
            Aggregation::Count,
        ),
    );
    register(
        &meter,
        View::new("constclash", "", keys(&["service"]), &m, Aggregation::Count),
    );
    register(
        &meter,
        View::new("fine", "", keys(&["method"]), &m, Aggregation::Count),
    );
    meter.record_with_tags(&tags(&[("method", "GET")]), &[m.m(1)]);
    let opts = ExpositionOptions::new()
        .with_const_label("service", "api")
        .unwrap();
    let (out, report) = text(&meter.snapshot(), &opts);
    assert_eq!(
        out,
        "# HELP fine m\n# TYPE fine counter\nfine{method=\"GET\",service=\"api\"} 1\n"
    );
    assert_eq!(
        report.skipped,
        [
            EncodeError::DuplicateLabel {
                view: "constclash".into(),
                label: "service".into(),
                first: "service".into(),
                second: "const label service".into(),
            },
            EncodeError::DuplicateLabel {
                view: "twokeys".into(),
                label: "http_status".into(),
                first: "http.status".into(),
                second: "http_status".into(),
            },
        ]
    );
}

#[test]
fn reserved_labels_are_refused() {
    let meter = Meter::new();
    let m = measure("skip.test/reserved");
    register(
        &meter,
        View::new("byjob", "", keys(&["job"]), &m, Aggregation::Count),
    );
    register(
        &meter,
        View::new("other", "", keys(&["kind"]), &m, Aggregation::Count),
    );
    meter.record_with_tags(&tags(&[("job", "j"), ("kind", "k")]), &[m.m(1)]);
    let opts = ExpositionOptions::new().with_reserved_labels(["job", "instance"]);
    let (out, report) = text(&meter.snapshot(), &opts);
    assert_eq!(
        out,
        "# HELP other m\n# TYPE other counter\nother{kind=\"k\"} 1\n"
    );
    assert_eq!(
        report.skipped,
        [EncodeError::ReservedLabel {
            view: "byjob".into(),
            tag_key: "job".into(),
            label: "job".into()
        }]
    );
    assert!(report.skipped[0].to_string().contains("reserved"));
}

#[test]
fn data_that_does_not_fit_its_view_is_refused() {
    use census_sdk::{AggregationData, Row, SumData, TagValue};
    let meter = Meter::new();
    let m = measure("skip.test/mismatch");
    register(&meter, View::new("counted", "", [], &m, Aggregation::Count));
    register(&meter, View::new("fine", "", [], &m, Aggregation::Count));
    meter.record_with_tags(&tags(&[]), &[m.m(1)]);
    let mut data = meter.snapshot().to_vec();
    // A Count view carrying Sum data, as a mismatched SDK could hand over.
    data[0].rows[0] = Row::new(
        Vec::<TagValue>::new(),
        AggregationData::Sum(SumData::Int(3)),
    );
    let (out, report) = text(&data, &ExpositionOptions::new());
    assert_eq!(out, "# HELP fine m\n# TYPE fine counter\nfine 1\n");
    match &report.skipped[..] {
        [EncodeError::UnsupportedData { view, found }] => {
            assert_eq!(view, "counted");
            assert!(
                found.contains("Sum data") && found.contains("Count view"),
                "{found}"
            );
        }
        other => panic!("{other:?}"),
    }
}
