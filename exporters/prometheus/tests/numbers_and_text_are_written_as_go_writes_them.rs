//! Go's number formatting and escaping, on values the oracle scenario does not reach.

mod common;

use census_prometheus::ExpositionOptions;
use census_sdk::{Aggregation, Float64Measure, Int64Measure, Meter, View};
use common::{keys, register, tags, text};

#[test]
fn large_small_and_negative_values_use_go_g_format() {
    let meter = Meter::new();
    let count = Int64Measure::new("num.test/count", "", "1").unwrap();
    let f = Float64Measure::new("num.test/f", "", "1").unwrap();
    register(
        &meter,
        View::new("sum_int", "", keys(&["k"]), &count, Aggregation::Sum),
    );
    register(
        &meter,
        View::new("last", "", keys(&["k"]), &f, Aggregation::LastValue),
    );
    for (k, v) in [
        ("big", 1_234_567),
        ("round", 1_000_000),
        ("neg", -42),
        ("small", 999_999),
    ] {
        meter.record_with_tags(&tags(&[("k", k)]), &[count.m(v)]);
    }
    for (k, v) in [
        ("tiny", 0.00001),
        ("ratio", 0.1 + 0.2),
        ("huge", 1e21),
        ("neg", -0.5),
    ] {
        meter.record_with_tags(&tags(&[("k", k)]), &[f.m(v)]);
    }
    let (out, _) = text(&meter.snapshot(), &ExpositionOptions::new());
    assert_eq!(
        out,
        "# HELP last \n# TYPE last gauge\n\
         last{k=\"huge\"} 1e+21\nlast{k=\"neg\"} -0.5\nlast{k=\"ratio\"} 0.30000000000000004\nlast{k=\"tiny\"} 1e-05\n\
         # HELP sum_int \n# TYPE sum_int counter\n\
         sum_int{k=\"big\"} 1.234567e+06\nsum_int{k=\"neg\"} -42\nsum_int{k=\"round\"} 1e+06\nsum_int{k=\"small\"} 999999\n"
    );
}

#[test]
fn counts_are_floats_too() {
    let meter = Meter::new();
    let m = Int64Measure::new("num.test/many", "", "1").unwrap();
    register(&meter, View::new("many", "", [], &m, Aggregation::Count));
    register(
        &meter,
        View::new(
            "dist",
            "",
            [],
            &m,
            Aggregation::distribution(&[0.5]).unwrap(),
        ),
    );
    let batch: Vec<_> = (0..1000).map(|_| m.m(1)).collect();
    for _ in 0..1000 {
        meter.record_with_tags(&tags(&[]), &batch);
    }
    let (out, _) = text(&meter.snapshot(), &ExpositionOptions::new());
    assert!(out.contains("\nmany 1e+06\n"), "{out}");
    assert!(out.contains("\ndist_bucket{le=\"0.5\"} 0\ndist_bucket{le=\"+Inf\"} 1e+06\ndist_sum 1e+06\ndist_count 1e+06\n"), "{out}");
}

#[test]
fn help_and_label_values_are_escaped() {
    let meter = Meter::new();
    let m = Int64Measure::new("num.test/esc", "", "1").unwrap();
    register(
        &meter,
        View::new(
            "esc",
            "line one\nback\\slash \"quoted\"",
            keys(&["path"]),
            &m,
            Aggregation::Count,
        ),
    );
    meter.record_with_tags(&tags(&[("path", "C:\\dir \"x\"")]), &[m.m(1)]);
    let (out, _) = text(&meter.snapshot(), &ExpositionOptions::new());
    assert_eq!(
        out,
        "# HELP esc line one\\nback\\\\slash \"quoted\"\n# TYPE esc counter\n\
         esc{path=\"C:\\\\dir \\\"x\\\"\"} 1\n"
    );
}

#[test]
fn a_missing_tag_is_an_empty_label_and_series_sort_bytewise() {
    let meter = Meter::new();
    let m = Int64Measure::new("num.test/sort", "", "1").unwrap();
    // Columns sort as "a.b" < "a_a", labels as "a_a" < "a_b": series sort by label order.
    register(
        &meter,
        View::new("s", "", keys(&["a.b", "a_a"]), &m, Aggregation::Count),
    );
    for (ab, aa) in [("1", "z"), ("2", "a"), ("", "B"), ("0", "")] {
        let mut pairs = vec![];
        if !ab.is_empty() {
            pairs.push(("a.b", ab));
        }
        if !aa.is_empty() {
            pairs.push(("a_a", aa));
        }
        meter.record_with_tags(&tags(&pairs), &[m.m(1)]);
    }
    let (out, _) = text(&meter.snapshot(), &ExpositionOptions::new());
    assert_eq!(
        out,
        "# HELP s \n# TYPE s counter\n\
         s{a_a=\"\",a_b=\"0\"} 1\ns{a_a=\"B\",a_b=\"\"} 1\ns{a_a=\"a\",a_b=\"2\"} 1\ns{a_a=\"z\",a_b=\"1\"} 1\n"
    );
}

#[test]
fn values_with_spaces_quotes_and_backslashes_sort_by_their_raw_bytes() {
    let meter = Meter::new();
    let m = Int64Measure::new("num.test/raw", "", "1").unwrap();
    register(
        &meter,
        View::new("raw", "", keys(&["v", "w"]), &m, Aggregation::Count),
    );
    for (v, w) in [
        ("a\\", "1"),
        ("a!", "1"),
        ("a", "2"),
        ("a b", "1"),
        ("a\"", "1"),
        ("a", "1"),
    ] {
        meter.record_with_tags(&tags(&[("v", v), ("w", w)]), &[m.m(1)]);
    }
    let (out, _) = text(&meter.snapshot(), &ExpositionOptions::new());
    let values: Vec<&str> = out.lines().skip(2).collect();
    assert_eq!(
        values,
        [
            "raw{v=\"a\",w=\"1\"} 1",
            "raw{v=\"a\",w=\"2\"} 1",
            "raw{v=\"a b\",w=\"1\"} 1",
            "raw{v=\"a!\",w=\"1\"} 1",
            "raw{v=\"a\\\"\",w=\"1\"} 1",
            "raw{v=\"a\\\\\",w=\"1\"} 1",
        ]
    );
}
