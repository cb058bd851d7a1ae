//! The built-in server: status codes, headers, gzip, HEAD, negotiation, limits, errors.
#![cfg(feature = "server")]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use census_prometheus::{BuildError, PrometheusExporter, ServeError, Server};
use census_testkit::http;
use common::{oracle_server, GO_EXPECTED};

const PROMETHEUS_ACCEPT: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

#[test]
fn get_serves_the_go_text_and_other_paths_and_methods_are_refused() {
    let server = oracle_server(|b| b, "/metrics");
    let r = http::get(&server.url()).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert_eq!(r.header("content-encoding"), None);
    assert_eq!(r.text(), GO_EXPECTED);

    let base = format!("http://{}", server.local_addr());
    let r = http::get(&format!("{base}/metrics?x=1")).unwrap();
    assert_eq!(r.status, 200, "a query string does not change the path");
    for other in ["/", "/metrics/", "/favicon.ico", "/metricsx"] {
        assert_eq!(
            http::get(&format!("{base}{other}")).unwrap().status,
            404,
            "{other}"
        );
    }
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r = http::request(method, &server.url(), &[], b"").unwrap();
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
    }
    server.shutdown().unwrap();
}

#[test]
fn gzip_when_accepted() {
    let server = oracle_server(|b| b, "/metrics");
    let r = http::request(
        "GET",
        &server.url(),
        &[("Accept-Encoding", "gzip, deflate")],
        b"",
    )
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(r.header("vary"), Some("Accept-Encoding"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(&r.body[..])
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, GO_EXPECTED);
    assert!(
        r.body.len() < GO_EXPECTED.len() / 3,
        "{} bytes",
        r.body.len()
    );

    let r = http::request(
        "GET",
        &server.url(),
        &[("Accept-Encoding", "gzip;q=0")],
        b"",
    )
    .unwrap();
    assert_eq!(r.header("content-encoding"), None);
    assert_eq!(r.text(), GO_EXPECTED);
}

#[test]
fn head_sends_the_headers_of_get_without_a_body() {
    let server = oracle_server(|b| b, "/metrics");
    let r = http::request("HEAD", &server.url(), &[], b"").unwrap();
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert_eq!(
        r.header("content-length"),
        Some(GO_EXPECTED.len().to_string().as_str())
    );
    assert_eq!(
        r.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
}

#[test]
fn the_path_is_configurable() {
    let server = oracle_server(|b| b, "/custom/scrape");
    assert!(server.url().ends_with("/custom/scrape"));
    assert_eq!(http::get(&server.url()).unwrap().text(), GO_EXPECTED);
    let other = format!("http://{}/metrics", server.local_addr());
    assert_eq!(http::get(&other).unwrap().status, 404);
}

#[test]
fn openmetrics_only_when_enabled_and_preferred() {
    let accept = [("Accept", PROMETHEUS_ACCEPT)];
    let off = oracle_server(|b| b, "/metrics");
    let r = http::request("GET", &off.url(), &accept, b"").unwrap();
    assert_eq!(
        r.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert_eq!(r.text(), GO_EXPECTED);

    let on = oracle_server(|b| b.with_openmetrics(true), "/metrics");
    let r = http::request("GET", &on.url(), &accept, b"").unwrap();
    assert_eq!(
        r.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    assert_eq!(r.header("vary"), Some("Accept, Accept-Encoding"));
    assert_eq!(r.text(), include_str!("data/oracle_openmetrics.txt"));
    // A scraper asking for text still gets text.
    let r = http::request(
        "GET",
        &on.url(),
        &[("Accept", "text/plain;version=0.0.4")],
        b"",
    )
    .unwrap();
    assert_eq!(r.text(), GO_EXPECTED);
}

#[test]
fn scrapes_beyond_the_limit_get_503() {
    let exporter = PrometheusExporter::builder()
        .with_max_concurrent_scrapes(1)
        .build()
        .unwrap();
    let server = Server::builder()
        .with_exporter(exporter.clone())
        .with_address("127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap()
        .start()
        .unwrap();
    let busy = exporter.try_acquire().expect("the only slot");
    assert!(exporter.try_acquire().is_none());
    let r = http::get(&server.url()).unwrap();
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("1"));
    drop(busy);
    assert_eq!(http::get(&server.url()).unwrap().status, 200);
}

#[test]
fn invalid_settings_are_typed_errors() {
    for path in ["metrics", "", "/a?b", "/a#b", "/a b"] {
        let e = Server::builder().with_path(path).build().unwrap_err();
        assert_eq!(e, BuildError::InvalidPath { path: path.into() });
        assert!(e.to_string().contains("/metrics"), "{e}");
    }
    let e = Server::builder()
        .with_max_connections(0)
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        BuildError::ZeroLimit {
            setting: "max_connections"
        }
    );
    let e = PrometheusExporter::builder()
        .with_max_concurrent_scrapes(0)
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        BuildError::ZeroLimit {
            setting: "max_concurrent_scrapes"
        }
    );
    assert!(e.to_string().contains("at least 1"));
}

#[test]
fn a_taken_address_is_a_bind_error_naming_it() {
    let first = oracle_server(|b| b, "/metrics");
    let taken = first.local_addr();
    let e = Server::builder()
        .with_address(taken)
        .build()
        .unwrap()
        .start()
        .unwrap_err();
    match &e {
        ServeError::Bind { address, .. } => assert_eq!(*address, taken),
        other => panic!("expected a bind error, got {other:?}"),
    }
    assert!(e.to_string().contains(&taken.to_string()), "{e}");
}

#[test]
fn shutdown_closes_idle_connections_and_stops_listening() {
    let server = oracle_server(|b| b, "/metrics");
    let addr = server.local_addr();
    // An idle keep-alive connection must not hold the shutdown up.
    let mut idle = TcpStream::connect(addr).unwrap();
    idle.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut first = vec![0u8; 64];
    let n = idle.read(&mut first).unwrap();
    assert!(first[..n].starts_with(b"HTTP/1.1 200"));
    server.shutdown().unwrap();
    assert!(
        TcpStream::connect(addr).is_err(),
        "still listening after shutdown"
    );
}

#[test]
fn a_request_still_arriving_at_the_timeout_is_reported() {
    let exporter = PrometheusExporter::builder().build().unwrap();
    let server = Server::builder()
        .with_exporter(exporter)
        .with_address("127.0.0.1:0".parse().unwrap())
        .with_shutdown_timeout(std::time::Duration::from_millis(50))
        .build()
        .unwrap()
        .start()
        .unwrap();
    // Half a request: the connection is busy, not idle, so graceful shutdown waits for it.
    let mut slow = TcpStream::connect(server.local_addr()).unwrap();
    slow.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // Make sure the server has read those bytes before shutting down: a full request on a
    // second connection is answered only after the accept loop has taken the first.
    assert_eq!(http::get(&server.url()).unwrap().status, 200);
    let e = server.shutdown().unwrap_err();
    assert!(matches!(e, ServeError::ShutdownTimedOut { .. }), "{e:?}");
    assert!(e.to_string().contains("50ms"), "{e}");
}

#[test]
fn at_the_connection_limit_an_idle_connection_makes_room() {
    // (Until issue 14 this test asserted the opposite: B waited while idle A held the only
    // slot, which is how 64 idle clients blinded every scrape.)
    use std::time::Duration;
    let exporter = PrometheusExporter::builder().build().unwrap();
    let server = Server::builder()
        .with_exporter(exporter)
        .with_address("127.0.0.1:0".parse().unwrap())
        .with_max_connections(1)
        .build()
        .unwrap()
        .start()
        .unwrap();
    // Connection A is served and kept open (HTTP/1.1 keep-alive), then idles in the only slot.
    let mut a = TcpStream::connect(server.local_addr()).unwrap();
    a.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 64];
    let n = a.read(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    // B is served at once: A, with nothing to answer, is closed to make room.
    assert_eq!(http::get(&server.url()).unwrap().status, 200);
    a.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut rest = Vec::new();
    let _ = a.read_to_end(&mut rest);
    assert!(
        !String::from_utf8_lossy(&rest).contains("HTTP/1.1"),
        "A was closed without another answer"
    );
}
