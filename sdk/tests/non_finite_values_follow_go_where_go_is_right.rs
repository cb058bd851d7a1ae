//! NaN and ±Inf as OpenCensus Go treats them where that is not a bug: a Count view counts them
//! and a LastValue view keeps them; Sum and Distribution views drop them (one would poison the
//! sum and mean forever), and each value some view dropped is counted once.

use census_sdk::{Aggregation, AggregationData, Float64Measure, MeasureValue, Meter, TagMap, View};

#[test]
fn count_counts_last_value_keeps_sum_and_distribution_drop() {
    let meter = Meter::new();
    let m = Float64Measure::new("nonfinite.test/latency", "", "ms").unwrap();
    let vm = meter.view_manager();
    for (name, agg) in [
        ("nf_count", Aggregation::Count),
        ("nf_last", Aggregation::LastValue),
        ("nf_sum", Aggregation::Sum),
        ("nf_dist", Aggregation::distribution(&[1.0, 10.0]).unwrap()),
    ] {
        vm.register(&View::new(name, "", [], &m, agg).unwrap())
            .unwrap();
    }
    let tags = TagMap::new();
    meter.record_with_tags(&tags, &[m.m(2.0), m.m(f64::NAN), m.m(f64::INFINITY)]);
    meter.bind(&m, &tags).record(f64::NEG_INFINITY);

    let data = |name: &str| vm.retrieve_data(name).unwrap().rows[0].data.clone();
    assert_eq!(data("nf_count"), AggregationData::Count(4));
    let AggregationData::LastValue(MeasureValue::Float(last)) = data("nf_last") else {
        panic!("{:?}", data("nf_last"))
    };
    assert_eq!(last, f64::NEG_INFINITY);
    assert_eq!(
        data("nf_sum"),
        AggregationData::Sum(census_sdk::SumData::Float(2.0))
    );
    let AggregationData::Distribution(d) = data("nf_dist") else {
        panic!()
    };
    assert_eq!((d.count, d.sum()), (1, 2.0));
    assert_eq!(meter.stats().non_finite_dropped, 3);
}

#[test]
fn a_nan_with_only_count_and_last_value_views_is_not_dropped() {
    let meter = Meter::new();
    let m = Float64Measure::new("nonfinite.test/ratio", "", "1").unwrap();
    let vm = meter.view_manager();
    vm.register(&View::new("nf_ratio_count", "", [], &m, Aggregation::Count).unwrap())
        .unwrap();
    vm.register(&View::new("nf_ratio_last", "", [], &m, Aggregation::LastValue).unwrap())
        .unwrap();
    meter.record_with_tags(&TagMap::new(), &[m.m(f64::NAN)]);
    let last = vm.retrieve_data("nf_ratio_last").unwrap().rows[0]
        .data
        .clone();
    assert!(
        matches!(last, AggregationData::LastValue(MeasureValue::Float(v)) if v.is_nan()),
        "{last:?}"
    );
    assert_eq!(meter.stats().non_finite_dropped, 0);
}
