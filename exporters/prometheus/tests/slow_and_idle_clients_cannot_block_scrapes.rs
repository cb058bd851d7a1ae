//! 200 connections that send half a request and then nothing (slowloris), or nothing at all,
//! cannot keep a normal scrape from being answered: every scrape answers within 1 s while they
//! are held open.

#![cfg(feature = "server")]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use census_prometheus::{PrometheusExporter, Server};
use census_sdk::{Meter, Meters};

/// One plain scrape on a new connection: the status line and how long the answer took.
fn scrape(addr: SocketAddr) -> (String, Duration) {
    let started = Instant::now();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: census\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    (
        text.lines().next().unwrap_or("").to_string(),
        started.elapsed(),
    )
}

#[test]
fn two_hundred_slowloris_connections_do_not_block_a_scrape() {
    let server = server_with(Server::builder());
    let addr = server.local_addr();

    let mut held = Vec::new();
    for i in 0..200 {
        let mut s = TcpStream::connect(addr).unwrap();
        if i % 2 == 0 {
            // Half a request head, never finished.
            s.write_all(b"GET /metrics HTTP/1.1\r\nHost: sl").unwrap();
        }
        held.push(s);
    }
    let mut worst = Duration::ZERO;
    let until = Instant::now() + Duration::from_secs(4);
    let mut scrapes = 0;
    while Instant::now() < until {
        let (status, took) = scrape(addr);
        assert_eq!(status, "HTTP/1.1 200 OK", "after {took:?}");
        assert!(
            took < Duration::from_secs(1),
            "a scrape took {took:?} with 200 slow clients held"
        );
        worst = worst.max(took);
        scrapes += 1;
    }
    assert!(scrapes >= 4, "{scrapes} scrapes");
    eprintln!("{scrapes} scrapes, the slowest {worst:?}");
    drop(held);
    server.shutdown().unwrap();
}

fn server_with(b: census_prometheus::ServerBuilder) -> census_prometheus::ServerHandle {
    let exporter = PrometheusExporter::builder()
        .with_meters(Meters::Only(vec![Meter::new()]))
        .build()
        .unwrap();
    b.with_exporter(exporter)
        .with_address("127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap()
        .start()
        .unwrap()
}

/// How long until the server closes `s` (reads until end of stream).
fn closed_after(mut s: TcpStream, started: Instant) -> Duration {
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut sink = Vec::new();
    let _ = s.read_to_end(&mut sink);
    started.elapsed()
}

#[test]
fn a_silent_or_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let server = server_with(
        Server::builder()
            .with_idle_timeout(Duration::from_millis(300))
            .with_header_read_timeout(Duration::from_secs(10)),
    );
    let addr = server.local_addr();
    // Says nothing at all.
    let started = Instant::now();
    let silent = TcpStream::connect(addr).unwrap();
    let took = closed_after(silent, started);
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(3),
        "{took:?}"
    );
    // One keep-alive request, then idle.
    let mut kept = TcpStream::connect(addr).unwrap();
    kept.write_all(b"GET /metrics HTTP/1.1\r\nHost: census\r\n\r\n")
        .unwrap();
    let mut first = [0u8; 15];
    kept.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200 OK");
    let took = closed_after(kept, Instant::now());
    assert!(
        took >= Duration::from_millis(200) && took < Duration::from_secs(3),
        "{took:?}"
    );
    server.shutdown().unwrap();
}

#[test]
fn a_half_sent_head_is_cut_off_at_the_header_read_timeout() {
    let server =
        server_with(Server::builder().with_header_read_timeout(Duration::from_millis(300)));
    let mut slow = TcpStream::connect(server.local_addr()).unwrap();
    let started = Instant::now();
    slow.write_all(b"GET /metrics HTTP/1.1\r\nHo").unwrap();
    let took = closed_after(slow, started);
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(3),
        "{took:?}"
    );
    server.shutdown().unwrap();
}

#[test]
fn out_of_range_timeouts_are_typed_errors() {
    for b in [
        Server::builder().with_idle_timeout(Duration::ZERO),
        Server::builder().with_header_read_timeout(Duration::MAX),
        Server::builder().with_shutdown_timeout(Duration::from_secs(7200)),
    ] {
        let err = b.build().unwrap_err();
        assert!(
            err.to_string()
                .contains("out of range: use a duration from 1ms to 1h"),
            "{err}"
        );
    }
}
