//! Property tests: under random input, every aggregation matches a naive model.

use std::collections::BTreeMap;

use census_sdk::{
    Aggregation, AggregationData, Float64Measure, Int64Measure, Meter, SumData, TagMap, View,
};
use proptest::prelude::*;

fn tags_for(i: u8) -> TagMap {
    match i % 3 {
        0 => TagMap::new(),
        1 => TagMap::from_pairs(&[("k", "a")]).unwrap(),
        _ => TagMap::from_pairs(&[("k", "b"), ("other", "ignored")]).unwrap(),
    }
}

fn row_key(t: &TagMap) -> String {
    t.get(&census_sdk::TagKey::new("k").unwrap())
        .map(|v| v.as_str().to_string())
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn distribution_counts_sums_and_buckets(
        bounds in prop::collection::vec(0.0f64..1000.0, 0..12),
        values in prop::collection::vec((any::<u8>(), -1000.0f64..2000.0), 0..200),
    ) {
        let meter = Meter::new();
        let m = Float64Measure::new("prop.test/dist", "", "1").unwrap();
        let k = census_sdk::TagKey::new("k").unwrap();
        let agg = Aggregation::distribution(&bounds).unwrap();
        let canon = agg.bounds().unwrap().clone();
        meter.view_manager().register(&View::new("d", "", [k], &m, agg).unwrap()).unwrap();
        let mut model: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for (t, v) in &values {
            let tags = tags_for(*t);
            meter.record_with_tags(&tags, &[m.m(*v)]);
            model.entry(row_key(&tags)).or_default().push(*v);
        }
        let data = meter.view_manager().retrieve_data("d").unwrap();
        prop_assert_eq!(data.rows.len(), model.len());
        for row in &data.rows {
            let vals = &model[row.tag_values[0].as_str()];
            let AggregationData::Distribution(d) = &row.data else { panic!() };
            prop_assert_eq!(d.count, vals.len() as u64);
            prop_assert_eq!(d.bucket_counts.iter().sum::<u64>(), d.count);
            for (i, c) in d.bucket_counts.iter().enumerate() {
                let lo = if i == 0 { f64::NEG_INFINITY } else { canon.as_slice()[i - 1] };
                let hi = canon.as_slice().get(i).copied().unwrap_or(f64::INFINITY);
                let expected = vals.iter().filter(|v| **v >= lo && **v < hi).count() as u64;
                prop_assert_eq!(*c, expected, "bucket {} [{}, {})", i, lo, hi);
            }
            let naive: f64 = vals.iter().sum();
            prop_assert!((d.sum() - naive).abs() <= 1e-6 * (1.0 + naive.abs()), "{} vs {}", d.sum(), naive);
            let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
            let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert_eq!((d.min, d.max), (min, max));
        }
    }

    #[test]
    fn counts_sums_and_last_values(values in prop::collection::vec((any::<u8>(), any::<i32>()), 1..200)) {
        let meter = Meter::new();
        let m = Int64Measure::new("prop.test/int", "", "1").unwrap();
        let k = census_sdk::TagKey::new("k").unwrap();
        let vm = meter.view_manager();
        vm.register(&View::new("c", "", [k.clone()], &m, Aggregation::Count).unwrap()).unwrap();
        vm.register(&View::new("s", "", [k.clone()], &m, Aggregation::Sum).unwrap()).unwrap();
        vm.register(&View::new("l", "", [k], &m, Aggregation::LastValue).unwrap()).unwrap();
        let mut model: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for (t, v) in &values {
            let tags = tags_for(*t);
            meter.record_with_tags(&tags, &[m.m(i64::from(*v))]);
            model.entry(row_key(&tags)).or_default().push(i64::from(*v));
        }
        for row in vm.retrieve_data("c").unwrap().rows {
            prop_assert_eq!(row.data, AggregationData::Count(model[row.tag_values[0].as_str()].len() as u64));
        }
        for row in vm.retrieve_data("s").unwrap().rows {
            let sum: i64 = model[row.tag_values[0].as_str()].iter().sum();
            prop_assert_eq!(row.data, AggregationData::Sum(SumData::Int(sum)));
        }
        for row in vm.retrieve_data("l").unwrap().rows {
            let last = *model[row.tag_values[0].as_str()].last().unwrap();
            prop_assert_eq!(row.data, AggregationData::LastValue(census_sdk::MeasureValue::Int(last)));
        }
    }
}
