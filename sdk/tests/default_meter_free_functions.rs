//! The process-wide default meter behind the free functions (own process: global state).

use census_sdk::{
    self as census, Aggregation, AggregationData, Attachments, Float64Measure, TagMap, View,
};

#[test]
fn free_functions_drive_the_default_meter() {
    let m = Float64Measure::new("default.test/lat", "Latency", "ms").unwrap();
    let view = View::new(
        "default_lat",
        "",
        [],
        &m,
        Aggregation::distribution(&[10.0]).unwrap(),
    )
    .unwrap();
    census::register(&view).unwrap();
    assert!(census::find("default_lat").is_some());
    assert!(census::default_meter().is_started());
    census::record_with_tags(&TagMap::new(), &[m.m(1.0)]);
    census::record(&[m.m(20.0)]);
    let att = Attachments::new().with("trace_id", "abc");
    census::record_with_attachments(&TagMap::new(), &att, &[m.m(30.0)]);
    census::bind(&m, &TagMap::new()).record(2.0);
    let data = census::retrieve_data("default_lat").unwrap();
    let AggregationData::Distribution(d) = &data.rows[0].data else {
        panic!()
    };
    assert_eq!(d.bucket_counts, vec![2, 2]);
    assert_eq!(
        d.exemplars[1].as_ref().unwrap().attachments.get("trace_id"),
        Some("abc")
    );
    assert!(census::view_manager()
        .all_views()
        .iter()
        .any(|v| v.name() == "default_lat"));
    assert!(census::unregister("default_lat").is_some());
    assert!(census::retrieve_data("default_lat").is_err());
}
