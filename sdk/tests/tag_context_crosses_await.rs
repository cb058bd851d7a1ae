//! The current tag map follows a future across `.await` points and worker threads.

use census_sdk::tags::{self, TagMapFutureExt};
use census_sdk::{Aggregation, AggregationData, Int64Measure, Meter, TagKey, TagMap, View};

#[test]
fn record_reads_the_tag_map_of_its_future_on_a_multi_thread_runtime() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let meter = Meter::new();
    let m = Int64Measure::new("context.test/req", "", "1").unwrap();
    let k = TagKey::new("route").unwrap();
    meter
        .view_manager()
        .register(&View::new("req", "", [k], &m, Aggregation::Count).unwrap())
        .unwrap();

    rt.block_on(async {
        let mut handles = Vec::new();
        for route in ["/a", "/b"] {
            let meter = meter.clone();
            let m = m.clone();
            let map = TagMap::from_pairs(&[("route", route)]).unwrap();
            handles.push(tokio::spawn(
                async move {
                    for _ in 0..50 {
                        tokio::task::yield_now().await;
                        meter.record(&[m.m(1)]);
                    }
                    tags::current()
                }
                .with_tag_map(map),
            ));
        }
        for (h, route) in handles.into_iter().zip(["/a", "/b"]) {
            assert_eq!(h.await.unwrap().to_string(), format!("{{route={route}}}"));
        }
    });
    let rows = meter.view_manager().retrieve_data("req").unwrap().rows;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.data == AggregationData::Count(50)));
    assert!(
        tags::current().is_empty(),
        "nothing leaked into this thread's context"
    );
}

#[test]
fn a_sync_scope_applies_to_record_without_tags() {
    let meter = Meter::new();
    let m = Int64Measure::new("context.test/sync", "", "1").unwrap();
    let k = TagKey::new("route").unwrap();
    meter
        .view_manager()
        .register(&View::new("sync", "", [k], &m, Aggregation::Count).unwrap())
        .unwrap();
    {
        let _s = tags::enter(TagMap::from_pairs(&[("route", "/x")]).unwrap());
        meter.record(&[m.m(1)]);
    }
    meter.record(&[m.m(1)]);
    let mut vals: Vec<String> = meter
        .view_manager()
        .retrieve_data("sync")
        .unwrap()
        .rows
        .iter()
        .map(|r| r.tag_values[0].as_str().to_string())
        .collect();
    vals.sort();
    assert_eq!(vals, vec!["".to_string(), "/x".to_string()]);
}
