//! The per-thread row cache behind `record` never changes what is recorded: view changes after
//! warm-up, more tag maps than the cache holds, equal maps built separately, several meters.

use census_sdk::{
    Aggregation, AggregationData, Int64Measure, Meter, TagKey, TagMap, View, ViewData,
};

fn total(d: &ViewData) -> u64 {
    d.rows
        .iter()
        .map(|r| {
            if let AggregationData::Count(c) = r.data {
                c
            } else {
                0
            }
        })
        .sum()
}

#[test]
fn views_registered_or_unregistered_after_warm_up_are_honoured() {
    let meter = Meter::new();
    let vm = meter.view_manager();
    let m = Int64Measure::new("cache.test/changes", "", "1").unwrap();
    let k = TagKey::new("k").unwrap();
    let tags = TagMap::from_pairs(&[("k", "v")]).unwrap();
    vm.register(&View::new("first", "", [k.clone()], &m, Aggregation::Count).unwrap())
        .unwrap();
    for _ in 0..3 {
        meter.record_with_tags(&tags, &[m.m(1)]);
    }
    vm.register(&View::new("second", "", [k.clone()], &m, Aggregation::Count).unwrap())
        .unwrap();
    meter.record_with_tags(&tags, &[m.m(1)]);
    assert_eq!(total(&vm.retrieve_data("first").unwrap()), 4);
    assert_eq!(total(&vm.retrieve_data("second").unwrap()), 1);
    let dropped = vm.unregister("first").unwrap();
    meter.record_with_tags(&tags, &[m.m(1)]);
    assert_eq!(total(&dropped), 4);
    vm.register(&View::new("first", "", [k], &m, Aggregation::Count).unwrap())
        .unwrap();
    meter.record_with_tags(&tags, &[m.m(1)]);
    assert_eq!(
        total(&vm.retrieve_data("first").unwrap()),
        1,
        "no recording leaked into the dropped rows"
    );
    assert_eq!(total(&vm.retrieve_data("second").unwrap()), 3);
}

#[test]
fn more_tag_maps_than_the_cache_holds_keep_exact_totals() {
    let meter = Meter::new();
    let m = Int64Measure::new("cache.test/thrash", "", "1").unwrap();
    let k = TagKey::new("id").unwrap();
    meter
        .view_manager()
        .register(&View::new("thrash", "", [k], &m, Aggregation::Count).unwrap())
        .unwrap();
    let maps: Vec<TagMap> = (0..1000)
        .map(|i| TagMap::from_pairs(&[("id", &i.to_string())]).unwrap())
        .collect();
    for round in 0..5 {
        for (i, t) in maps.iter().enumerate() {
            if (i + round) % 3 != 0 {
                meter.record_with_tags(t, &[m.m(1)]);
            }
            // The same tags built anew (another allocation) hit the same row.
            meter.record_with_tags(
                &TagMap::from_pairs(&[("id", &i.to_string())]).unwrap(),
                &[m.m(1)],
            );
        }
    }
    let data = meter.view_manager().retrieve_data("thrash").unwrap();
    assert_eq!(data.rows.len(), 1000);
    let expected: u64 = (0..5u64)
        .map(|r| (0..1000u64).filter(|i| (i + r) % 3 != 0).count() as u64 + 1000)
        .sum();
    assert_eq!(total(&data), expected);
}

#[test]
fn same_measure_and_tags_in_two_meters_stay_apart_on_one_thread() {
    let (a, b) = (Meter::new(), Meter::new());
    let m = Int64Measure::new("cache.test/meters", "", "1").unwrap();
    let v = View::new("meters", "", [], &m, Aggregation::Count).unwrap();
    a.view_manager().register(&v).unwrap();
    b.view_manager().register(&v).unwrap();
    let tags = TagMap::new();
    for i in 0..10 {
        a.record_with_tags(&tags, &[m.m(1)]);
        if i % 2 == 0 {
            b.record_with_tags(&tags, &[m.m(1)]);
        }
    }
    assert_eq!(
        total(&a.view_manager().retrieve_data("meters").unwrap()),
        10
    );
    assert_eq!(total(&b.view_manager().retrieve_data("meters").unwrap()), 5);
}
