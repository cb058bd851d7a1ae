//! Self-metrics record into measures named `census_prometheus/...`; when the app already
//! defined one differently, building the exporter is a typed error (own process: measures are
//! global).

use census_prometheus::{BuildError, PrometheusExporter};
use census_sdk::Float64Measure;

#[test]
fn a_taken_self_metric_measure_name_is_a_build_error() {
    let _mine =
        Float64Measure::new("census_prometheus/scrapes", "not the exporter's", "1").unwrap();
    let e = PrometheusExporter::builder()
        .with_self_metrics(true)
        .build()
        .unwrap_err();
    assert!(
        matches!(&e, BuildError::SelfMetrics { reason } if reason.contains("census_prometheus/scrapes")),
        "{e:?}"
    );
    assert!(e.to_string().contains("turn them off"), "{e}");
    // Without self-metrics the same app builds fine.
    PrometheusExporter::builder().build().unwrap();
}
