//! The oracle scenario (shared/oracle, built by `census_testkit::oracle`) run through census
//! gives the rows OpenCensus Go gave: the expected lines below are copied verbatim from
//! `oc_go_probes.txt`.

use census_sdk::{
    Aggregation, AggregationData, Float64Measure, Int64Measure, MeasureValue, Meter, Row, SumData,
    TagKey, TagMap, View,
};
use census_testkit::oracle::Oracle;

const GO_PROBES: &str = r#"view "request_count" tags=[]: count=1
view "request_count" tags=[{{http.status} 200} {{method} GET}]: count=5
view "request_count" tags=[{{http.status} 500} {{method} GET}]: count=1
view "request_count" tags=[{{method} POST}]: count=2
view "request/latency.ms" tags=[]: count=1 min=0.5 max=0.5 mean=0.5 sum=0.5 ssd=0 buckets=[1 0 0 0]
view "request/latency.ms" tags=[{{http.status} 200} {{method} GET}]: count=5 min=-3 max=25 mean=5.460000000000001 sum=27.300000000000004 ssd=509.992 buckets=[4 0 1 0]
view "request/latency.ms" tags=[{{http.status} 500} {{method} GET}]: count=1 min=150 max=150 mean=150 sum=150 ssd=0 buckets=[0 0 0 1]
view "request/latency.ms" tags=[{{method} POST}]: count=2 min=10 max=99.5 mean=54.75 sum=109.5 ssd=4005.125 buckets=[0 1 1 0]
view "response_bytes_sum" tags=[]: sum=7
view "response_bytes_sum" tags=[{{http.status} 200} {{method} GET}]: sum=1010
view "response_bytes_sum" tags=[{{http.status} 500} {{method} GET}]: sum=0
view "response_bytes_sum" tags=[{{method} POST}]: sum=125
view "last_response_bytes" tags=[]: last=7
view "last_response_bytes" tags=[{{http.status} 200} {{method} GET}]: last=400
view "last_response_bytes" tags=[{{http.status} 500} {{method} GET}]: last=0
view "last_response_bytes" tags=[{{method} POST}]: last=75"#;

/// Go's `%v` of a float64 (shortest representation; the values here need no exponent).
fn g(v: f64) -> String {
    format!("{v}")
}

fn describe(view: &View, row: &Row) -> String {
    let tags: Vec<String> = row
        .tags(view.columns())
        .map(|(k, v)| format!("{{{{{k}}} {v}}}"))
        .collect();
    let data = match &row.data {
        AggregationData::Count(c) => format!("count={c}"),
        AggregationData::Sum(SumData::Int(s)) => format!("sum={s}"),
        AggregationData::LastValue(MeasureValue::Int(l)) => format!("last={l}"),
        AggregationData::Distribution(d) => {
            let b: Vec<String> = d.bucket_counts.iter().map(u64::to_string).collect();
            format!(
                "count={} min={} max={} mean={} sum={} ssd={} buckets=[{}]",
                d.count,
                g(d.min),
                g(d.max),
                g(d.mean),
                g(d.sum()),
                g(d.sum_of_squared_dev),
                b.join(" ")
            )
        }
        other => panic!("unexpected {other:?}"),
    };
    format!("view {:?} tags=[{}]: {}", view.name(), tags.join(" "), data)
}

#[test]
fn rows_equal_go_probe_output() {
    let Oracle {
        meter,
        views,
        latency,
        ..
    } = Oracle::recorded();
    let vm = meter.view_manager();
    let mut got = Vec::new();
    for view in &views {
        let mut lines: Vec<String> = vm
            .retrieve_data(view.name())
            .unwrap()
            .rows
            .iter()
            .map(|r| describe(view, r))
            .collect();
        lines.sort();
        got.extend(lines);
    }
    assert_eq!(got.join("\n"), GO_PROBES);

    // Recording http.status="" for POST lands in the POST row (missing and empty are one row).
    meter.record_with_tags(
        &TagMap::from_pairs(&[("method", "POST"), ("http.status", "")]).unwrap(),
        &[latency.m(1.0)],
    );
    assert_eq!(vm.retrieve_data("request_count").unwrap().rows.len(), 4);
}

#[test]
fn an_unviewed_measure_does_not_stop_the_rest_of_the_batch() {
    // Python returns early here and loses the viewed measurement; Go and census record it.
    let meter = Meter::new();
    let viewed = Float64Measure::new("oracle.test/viewed", "", "ms").unwrap();
    let unviewed = Int64Measure::new("oracle.test/unviewed", "", "1").unwrap();
    let k = TagKey::new("method").unwrap();
    meter
        .view_manager()
        .register(&View::new("viewed", "", [k], &viewed, Aggregation::Count).unwrap())
        .unwrap();
    let tags = TagMap::from_pairs(&[("method", "NEG")]).unwrap();
    meter.record_with_tags(&tags, &[unviewed.m(1), viewed.m(-1.0)]);
    let rows = meter.view_manager().retrieve_data("viewed").unwrap().rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].data, AggregationData::Count(1));
}
