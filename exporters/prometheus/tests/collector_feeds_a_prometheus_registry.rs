//! `CensusCollector` inside a `prometheus::Registry`.
#![cfg(feature = "prometheus-registry")]

mod common;

use census_prometheus::{CensusCollector, ExpositionOptions};
use census_sdk::Meters;
use census_sdk::{Aggregation, Int64Measure, Meter, View};
use common::{keys, oracle_meter, register, tags};
use prometheus::{Registry, TextEncoder};

fn gather_text(registry: &Registry) -> String {
    let mut text = String::new();
    TextEncoder::new()
        .encode_utf8(&registry.gather(), &mut text)
        .unwrap();
    text
}

#[test]
fn the_oracle_scenario_gathers_with_the_same_series() {
    let registry = Registry::new();
    let opts = ExpositionOptions::new().with_namespace("myapp").unwrap();
    let collector = CensusCollector::new(Meters::Only(vec![oracle_meter()]), opts);
    registry.register(Box::new(collector)).unwrap();
    let families = registry.gather();
    let names: Vec<&str> = families.iter().map(|f| f.name()).collect();
    assert_eq!(
        names,
        [
            "myapp_last_response_bytes",
            "myapp_request_count",
            "myapp_request_latency_ms",
            "myapp_response_bytes_sum"
        ]
    );
    let text = gather_text(&registry);
    // Same series and values as Go; numbers in the prometheus crate's formatting.
    for line in [
        "myapp_request_count{http_status=\"200\",method=\"GET\"} 5\n",
        "myapp_request_latency_ms_bucket{http_status=\"\",method=\"POST\",le=\"25\"} 1\n",
        "myapp_request_latency_ms_bucket{http_status=\"\",method=\"POST\",le=\"+Inf\"} 2\n",
        "myapp_request_latency_ms_sum{http_status=\"200\",method=\"GET\"} 27.300000000000004\n",
        "myapp_response_bytes_sum{http_status=\"200\",method=\"GET\"} 1010\n",
        "myapp_last_response_bytes{http_status=\"\",method=\"\"} 7\n",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    census_testkit::assert_no_parse_errors(&text);
}

#[test]
fn two_collectors_share_a_registry_and_bad_views_are_left_out() {
    let m = Int64Measure::new("coll.test/m", "M", "1").unwrap();
    let (a, b) = (Meter::new(), Meter::new());
    register(
        &a,
        View::new("a_view", "", keys(&["k"]), &m, Aggregation::Sum),
    );
    register(&b, View::new("b_view", "", [], &m, Aggregation::LastValue));
    register(&b, View::new("b.view", "", [], &m, Aggregation::Count));
    a.record_with_tags(&tags(&[("k", "v")]), &[m.m(3)]);
    b.record_with_tags(&tags(&[]), &[m.m(4)]);
    let registry = Registry::new();
    let untyped = ExpositionOptions::new().with_sum_as_untyped(true);
    registry
        .register(Box::new(CensusCollector::new(
            Meters::Only(vec![a]),
            untyped,
        )))
        .unwrap();
    registry
        .register(Box::new(CensusCollector::new(
            Meters::Only(vec![b]),
            ExpositionOptions::new(),
        )))
        .unwrap();
    let text = gather_text(&registry);
    assert_eq!(
        text,
        "# HELP a_view M\n# TYPE a_view gauge\na_view{k=\"v\"} 3\n\
         # HELP b_view M\n# TYPE b_view counter\nb_view 1\n"
    );
}

/// Gathers stay printable by the crate's `TextEncoder` (0.14), which panics on untyped and
/// prints an explicit `+Inf` bucket as `le="inf"` (without adding its own `le="+Inf"`): an
/// untyped Sum comes out a gauge, and every histogram ends with `le="+Inf"` from its count.
#[test]
fn untyped_and_inf_buckets_stay_printable_by_the_text_encoder() {
    let registry = Registry::new();
    let opts = ExpositionOptions::new().with_sum_as_untyped(true);
    let collector = CensusCollector::new(Meters::Only(vec![oracle_meter()]), opts);
    registry.register(Box::new(collector)).unwrap();
    let text = gather_text(&registry);
    assert!(!text.contains("le=\"inf\""), "{text}");
    assert!(text.contains("# TYPE response_bytes_sum gauge\n"), "{text}");
    assert!(
        text.contains(
            "request_latency_ms_bucket{http_status=\"\",method=\"POST\",le=\"+Inf\"} 2\n"
        ),
        "{text}"
    );
}
