//! With the pull and the push exporter both configured (and a second Pushgateway exporter that
//! asks for signal handling too), the process has exactly one signal thread.

use std::net::SocketAddr;

use census::config::{ExporterConfig, ExporterKind};
use census::pushgateway::Pushgateway;
use census_testkit::process::threads_named;
use census_testkit::Pushgateway as Gateway;

#[test]
fn only_one_signal_thread_exists_with_pull_and_push_configured() {
    let gw = Gateway::start();
    assert_eq!(threads_named("census-signals"), 0);
    let guard = ExporterConfig::new()
        .with_exporters([ExporterKind::Prometheus, ExporterKind::Pushgateway])
        .with_job("one_signal_thread")
        .with_pushgateway_url(gw.url())
        .with_prometheus_addr("127.0.0.1:0".parse::<SocketAddr>().unwrap())
        .start()
        .unwrap();
    assert!(guard.url("prometheus").is_some());
    assert!(guard.get::<Pushgateway>().is_some());
    let own = Pushgateway::builder(gw.url(), "own_exporter")
        .with_meter(census::Meter::new())
        .with_signal_handling(true)
        .build()
        .unwrap();
    assert_eq!(threads_named("census-signals"), 1);
    own.shutdown(std::time::Duration::from_secs(5)).unwrap();
    guard.finish().unwrap();
    assert!(
        gw.group(&[("job", "one_signal_thread")]).is_some(),
        "the final push arrived"
    );
}
