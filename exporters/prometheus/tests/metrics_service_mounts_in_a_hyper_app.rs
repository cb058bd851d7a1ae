//! `MetricsService` served by the user's own hyper connection loop, and `BoundServer` in the
//! user's own tokio runtime.
#![cfg(feature = "server")]

mod common;

use census_prometheus::{MetricsService, PrometheusExporter, Server};
use census_sdk::Meters;
use census_testkit::http;
use common::{oracle_meter, GO_EXPECTED};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;

fn exporter() -> PrometheusExporter {
    PrometheusExporter::builder()
        .with_options(
            census_prometheus::ExpositionOptions::new()
                .with_namespace("myapp")
                .unwrap(),
        )
        .with_meters(Meters::Only(vec![oracle_meter()]))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_answers_inside_a_user_hyper_server_on_any_path() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = MetricsService::new(exporter());
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = service.clone();
            tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    let r = tokio::task::spawn_blocking(move || {
        (
            http::get(&format!("http://{addr}/app/stats")).unwrap(),
            http::request("DELETE", &format!("http://{addr}/x"), &[], b"").unwrap(),
        )
    })
    .await
    .unwrap();
    assert_eq!(r.0.status, 200);
    assert_eq!(r.0.text(), GO_EXPECTED);
    assert_eq!(r.1.status, 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bound_server_serves_until_its_shutdown_signal() {
    let bound = Server::builder()
        .with_exporter(exporter())
        .with_address("127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap()
        .bind()
        .await
        .unwrap();
    let addr = bound.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(bound.serve_with_shutdown(async {
        let _ = stopped.await;
    }));
    let r =
        tokio::task::spawn_blocking(move || http::get(&format!("http://{addr}/metrics")).unwrap())
            .await
            .unwrap();
    assert_eq!(r.text(), GO_EXPECTED);
    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
    assert!(std::net::TcpStream::connect(addr).is_err());
}
