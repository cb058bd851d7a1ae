//! Every method works inside tokio current-thread and multi-thread runtimes: async calls,
//! blocking calls, and the final push when the last handle drops inside async code — no
//! "cannot block/drop a runtime" panic, and the metrics arrive.

mod common;

use std::time::Duration;

use census_pushgateway::{Method, Pushgateway};
use census_testkit::Pushgateway as Gateway;
use common::{meter_with_jobs, single_value};

async fn exercise(gw: &Gateway, job: &str, measure: &str) {
    let meter = meter_with_jobs(measure, 2);
    let pg = Pushgateway::builder(gw.url(), job)
        .with_meter(meter.clone())
        .build()
        .unwrap();
    pg.push(Method::Put).await.unwrap();
    pg.push(Method::Post).await.unwrap();
    pg.push(Method::Put).await.unwrap();
    pg.push_blocking(Method::Put).unwrap();
    assert_eq!(single_value(gw, &[("job", job)], "jobs_done"), Some(2.0));

    let clone = pg.clone();
    let task = tokio::spawn(async move { clone.push(Method::Put).await });
    task.await.unwrap().unwrap();

    pg.push(Method::Delete).await.unwrap();
    // Last handle dropped inside async code: the final push runs and returns.
    let _guard = pg.guard();
    drop(pg);
    drop(_guard);
    assert_eq!(single_value(gw, &[("job", job)], "jobs_done"), Some(2.0));
}

#[tokio::test(flavor = "current_thread")]
async fn inside_a_current_thread_runtime() {
    let gw = Gateway::start();
    exercise(&gw, "rt_current", "rt.io/current").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_multi_thread_runtime() {
    let gw = Gateway::start();
    exercise(&gw, "rt_multi", "rt.io/multi").await;
}

#[test]
fn built_outside_used_inside_and_dropped_outside() {
    let gw = Gateway::start();
    let pg = Pushgateway::builder(gw.url(), "rt_mixed")
        .with_meter(meter_with_jobs("rt.io/mixed", 9))
        .build()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async { pg.push(Method::Put).await }).unwrap();
    drop(rt);
    pg.shutdown(Duration::from_secs(5)).unwrap();
    assert_eq!(
        single_value(&gw, &[("job", "rt_mixed")], "jobs_done"),
        Some(9.0)
    );
}
