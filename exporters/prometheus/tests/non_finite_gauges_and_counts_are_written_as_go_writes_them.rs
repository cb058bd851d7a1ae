//! A LastValue view holding NaN or ±Inf is exposed with Go's spelling (`NaN`, `+Inf`, `-Inf`,
//! what client_golang's text writer prints), a Count view counts such values, and promtool
//! parses the result.

use census_prometheus::{encode_text, ExpositionOptions};
use census_sdk::{Aggregation, Float64Measure, Meter, TagKey, TagMap, View};
use census_testkit::assert_no_parse_errors;

#[test]
fn nan_and_infinities_reach_gauges_and_counts() {
    let meter = Meter::new();
    let m = Float64Measure::new("nonfinite.expo/ratio", "Ratio", "1").unwrap();
    let k = TagKey::new("case").unwrap();
    let vm = meter.view_manager();
    vm.register(&View::new("ratio_last", "", [k.clone()], &m, Aggregation::LastValue).unwrap())
        .unwrap();
    vm.register(&View::new("ratio_seen", "", [k], &m, Aggregation::Count).unwrap())
        .unwrap();
    for (case, v) in [
        ("nan", f64::NAN),
        ("pos", f64::INFINITY),
        ("neg", f64::NEG_INFINITY),
    ] {
        meter.record_with_tags(&TagMap::from_pairs(&[("case", case)]).unwrap(), &[m.m(v)]);
    }
    let mut out = Vec::new();
    encode_text(&meter.snapshot(), &ExpositionOptions::new(), &mut out);
    let text = String::from_utf8(out).unwrap();
    for line in [
        "ratio_last{case=\"nan\"} NaN\n",
        "ratio_last{case=\"neg\"} -Inf\n",
        "ratio_last{case=\"pos\"} +Inf\n",
        "ratio_seen{case=\"nan\"} 1\n",
        "ratio_seen{case=\"neg\"} 1\n",
        "ratio_seen{case=\"pos\"} 1\n",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    assert_no_parse_errors(&text);
}
