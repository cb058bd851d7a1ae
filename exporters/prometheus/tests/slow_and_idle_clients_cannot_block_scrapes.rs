//! 200 connections that send half a request and then nothing (slowloris), or nothing at all,
//! cannot keep a normal scrape from being answered: every scrape answers within 1 s while they
//! are held open, also when they trickle bytes and reconnect as soon as they are cut.

#![cfg(feature = "server")]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
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

/// `n` connections that each send a request head one byte every 100 ms and never finish it; one
/// the server closes is opened again at once, as an attacker would.
struct Slowloris {
    stop: Arc<AtomicBool>,
    reopened: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Slowloris {
    fn start(addr: SocketAddr, n: usize) -> Slowloris {
        let open = move || {
            let mut s = TcpStream::connect(addr).expect("slowloris connect");
            s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
                .expect("slowloris head");
            s
        };
        let mut conns: Vec<TcpStream> = (0..n).map(|_| open()).collect();
        let stop = Arc::new(AtomicBool::new(false));
        let reopened = Arc::new(AtomicUsize::new(0));
        let (stop2, reopened2) = (stop.clone(), reopened.clone());
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                for c in conns.iter_mut() {
                    if c.write_all(b"X").is_err() {
                        *c = open();
                        reopened2.fetch_add(1, Ordering::Relaxed);
                    }
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        Slowloris {
            stop,
            reopened,
            thread: Some(thread),
        }
    }
}

impl Drop for Slowloris {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn two_hundred_trickling_slowloris_connections_that_reconnect_do_not_block_a_scrape() {
    // Default limits (64 connections, 5 s head timeout), for 7 s: past the first head timeouts.
    let server = server_with(Server::builder());
    let addr = server.local_addr();
    let attack = Slowloris::start(addr, 200);
    let mut took_all = Vec::new();
    let until = Instant::now() + Duration::from_secs(7);
    while Instant::now() < until {
        let (status, took) = scrape(addr);
        assert_eq!(status, "HTTP/1.1 200 OK", "after {took:?}");
        assert!(
            took < Duration::from_secs(1),
            "scrape {} took {took:?} under 200 reconnecting slowloris connections",
            took_all.len()
        );
        took_all.push(took);
        std::thread::sleep(Duration::from_millis(200));
    }
    let reopened = attack.reopened.load(Ordering::Relaxed);
    drop(attack);
    took_all.sort();
    eprintln!(
        "{} scrapes in 7 s: median {:?}, slowest {:?}; slowloris connections cut and reopened: \
         {reopened}",
        took_all.len(),
        took_all[took_all.len() / 2],
        took_all[took_all.len() - 1]
    );
    assert!(took_all.len() >= 20, "{} scrapes", took_all.len());
    // 200 > 64 connections: the server must have cut slow ones to keep answering.
    assert!(reopened > 0, "no slowloris connection was ever cut");
    server.shutdown().unwrap();
}

/// Reads one `content-length` response from a keep-alive connection.
fn read_response(s: &mut TcpStream) -> String {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = s.read(&mut buf).expect("read response");
        assert!(
            n > 0,
            "closed mid-response: {:?}",
            String::from_utf8_lossy(&data)
        );
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let len: usize = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_owned)
                })
                .and_then(|v| v.trim().parse().ok())
                .expect("content-length");
            if data.len() >= end + 4 + len {
                return text;
            }
        }
    }
}

#[test]
fn a_keep_alive_connection_that_keeps_scraping_outlives_the_idle_timeout() {
    let idle = Duration::from_millis(400);
    let server = server_with(Server::builder().with_idle_timeout(idle));
    let mut kept = TcpStream::connect(server.local_addr()).unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let began = Instant::now();
    // Five idle timeouts on one connection, a request every 150 ms.
    let mut answered = 0;
    while began.elapsed() < idle * 5 {
        kept.write_all(b"GET /metrics HTTP/1.1\r\nHost: census\r\n\r\n")
            .unwrap();
        assert!(read_response(&mut kept).starts_with("HTTP/1.1 200"));
        answered += 1;
        std::thread::sleep(Duration::from_millis(150));
    }
    assert!(answered >= 10, "{answered}");
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
