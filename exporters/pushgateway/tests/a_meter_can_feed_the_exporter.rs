//! The exporter implements `census_sdk::Exporter`: a meter's flush (or reporting thread) pushes
//! the data it hands over, with the configured method.

mod common;

use std::sync::Arc;

use census_pushgateway::{Method, Pushgateway};
use census_testkit::Pushgateway as Gateway;
use common::{meter_with_jobs, single_value};

#[test]
fn a_meter_flush_pushes_through_the_exporter_trait() {
    let gw = Gateway::start();
    let meter = meter_with_jobs("feed.io/jobs", 8);
    let pg = Pushgateway::builder(gw.url(), "fed_by_meter")
        .with_meter(census_sdk::Meter::new()) // its own snapshots would be empty
        .with_method(Method::Post)
        .build()
        .unwrap();
    meter.view_manager().register_exporter(Arc::new(pg.clone()));
    meter.flush().unwrap();
    assert_eq!(
        single_value(&gw, &[("job", "fed_by_meter")], "jobs_done"),
        Some(8.0)
    );

    // A failing push surfaces through the meter's flush as an ExportError.
    pg.discard();
    let err = meter.flush().unwrap_err();
    assert!(err.to_string().contains("shut down"), "{err}");
}
