//! `PrometheusExporter` without a server: which meters it reads, self-metrics, skipped views.

mod common;

use census_prometheus::{ExpositionOptions, Format, PrometheusExporter};
use census_sdk::Meters;
use census_sdk::{Aggregation, Int64Measure, Meter, View};
use common::{oracle_meter, register, tags, GO_EXPECTED};

fn text(exporter: &PrometheusExporter) -> String {
    String::from_utf8(exporter.scrape(Format::Text).body).unwrap()
}

#[test]
fn by_default_every_started_meter_is_read_and_a_stopped_one_is_not() {
    let meter = Meter::new();
    let m = Int64Measure::new("exp.test/started", "", "1").unwrap();
    register(
        &meter,
        View::new("exp_started_only", "", [], &m, Aggregation::Count),
    );
    meter.record_with_tags(&tags(&[]), &[m.m(1)]);
    let exporter = PrometheusExporter::builder().build().unwrap();
    assert!(matches!(exporter.meters(), Meters::Started));
    assert!(!text(&exporter).contains("exp_started_only"));
    meter.start();
    assert!(text(&exporter).contains("\nexp_started_only 1\n"));
    meter.stop().unwrap();
    assert!(!text(&exporter).contains("exp_started_only"));
}

#[test]
fn a_chosen_set_of_meters_is_read_in_order() {
    let exporter = PrometheusExporter::builder()
        .with_options(ExpositionOptions::new().with_namespace("myapp").unwrap())
        .with_meters(Meters::Only(vec![oracle_meter()]))
        .build()
        .unwrap();
    let scrape = exporter.scrape(Format::Text);
    assert_eq!(String::from_utf8(scrape.body).unwrap(), GO_EXPECTED);
    assert!(scrape.report.is_complete());
    assert_eq!(scrape.format, Format::Text);
}

#[test]
fn self_metrics_count_scrapes_durations_and_errors() {
    let meter = Meter::new();
    let m = Int64Measure::new("exp.test/self", "", "1").unwrap();
    register(&meter, View::new("x.y", "", [], &m, Aggregation::Count));
    register(&meter, View::new("x_y", "", [], &m, Aggregation::Sum));
    meter.record_with_tags(&tags(&[]), &[m.m(1)]);
    let exporter = PrometheusExporter::builder()
        .with_options(ExpositionOptions::new().with_namespace("app").unwrap())
        .with_meters(Meters::Only(vec![meter]))
        .with_max_concurrent_scrapes(1)
        .with_self_metrics(true)
        .build()
        .unwrap();
    let first = text(&exporter);
    assert!(
        !first.contains("census_prometheus"),
        "nothing recorded before the first scrape"
    );
    exporter.scrape(Format::OpenMetrics);
    let permit = exporter.try_acquire().unwrap();
    assert!(exporter.try_acquire().is_none());
    drop(permit);
    let third = text(&exporter);
    for line in [
        "# TYPE app_census_prometheus_scrapes counter\n",
        "\napp_census_prometheus_scrapes{format=\"openmetrics\"} 1\n",
        "\napp_census_prometheus_scrapes{format=\"text\"} 1\n",
        "# TYPE app_census_prometheus_scrape_duration_seconds histogram\n",
        "\napp_census_prometheus_scrape_duration_seconds_count 2\n",
        "\napp_census_prometheus_scrape_errors{reason=\"skipped_views\"} 2\n",
        "\napp_census_prometheus_scrape_errors{reason=\"too_many_scrapes\"} 1\n",
    ] {
        assert!(third.contains(line), "{line:?} missing from:\n{third}");
    }
}

#[test]
fn self_metrics_are_off_by_default() {
    let exporter = PrometheusExporter::builder()
        .with_meters(Meters::Only(vec![oracle_meter()]))
        .build()
        .unwrap();
    text(&exporter);
    assert!(!text(&exporter).contains("census_prometheus"));
}
