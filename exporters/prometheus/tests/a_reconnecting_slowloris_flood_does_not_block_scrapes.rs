//! The hardest slowloris: 200 hostile connections (half silent, half dripping a request head
//! one byte per tick) that are each opened again the moment the server closes them, so every
//! eviction at the connection limit is answered by a new hostile connection at once. Every
//! scrape made meanwhile on a fresh connection must answer within 1 s.
//! (`slow_and_idle_clients_cannot_block_scrapes.rs` holds 200 connections that stay closed once
//! evicted.)
#![cfg(feature = "server")]

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use census_prometheus::{PrometheusExporter, Server};
use common::{oracle_meter, GO_EXPECTED};

const HOSTILE: usize = 200;
const SCRAPE_BUDGET: Duration = Duration::from_secs(1);
const ATTACK_FOR: Duration = Duration::from_secs(6);
/// What the drippers send, one byte per tick: a request head that never ends.
const PARTIAL: &[u8] =
    b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// One scrape on a fresh connection (HTTP/1.0, read to EOF), every step bounded by what is
/// left of the budget. Returns the time it took, or what went wrong.
fn timed_scrape(addr: SocketAddr) -> Result<Duration, String> {
    let start = Instant::now();
    let left = || {
        SCRAPE_BUDGET
            .checked_sub(start.elapsed())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| format!("no answer within {SCRAPE_BUDGET:?}"))
    };
    let mut s = TcpStream::connect_timeout(&addr, left()?).map_err(|e| format!("connect: {e}"))?;
    s.set_write_timeout(Some(left()?)).unwrap();
    s.write_all(b"GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n")
        .map_err(|e| format!("send: {e}"))?;
    let mut body = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        s.set_read_timeout(Some(left()?)).unwrap();
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => body.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(format!(
                    "no complete answer within {SCRAPE_BUDGET:?} ({} bytes read)",
                    body.len()
                ))
            }
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    let took = start.elapsed();
    let text = String::from_utf8_lossy(&body);
    if !(text.starts_with("HTTP/1.0 200") || text.starts_with("HTTP/1.1 200"))
        || !text.ends_with(GO_EXPECTED)
    {
        return Err(format!("not the exposition: {text:.200}"));
    }
    Ok(took)
}

/// The hostile connections, on a thread of their own until dropped.
struct Flood {
    stop: Arc<AtomicBool>,
    reopened: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Flood {
    fn start(addr: SocketAddr) -> Flood {
        // Connects within a bound (a full accept backlog must not stall the flood).
        let open = move || -> Option<TcpStream> {
            let s = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()?;
            s.set_nonblocking(true).unwrap();
            Some(s)
        };
        // All 200 are connecting before the scrapes start; one that times out (a server that
        // stops accepting fills its backlog) is retried on every tick.
        let mut conns: Vec<(Option<TcpStream>, usize)> =
            (0..HOSTILE).map(|_| (open(), 0)).collect();
        let stop = Arc::new(AtomicBool::new(false));
        let reopened = Arc::new(AtomicUsize::new(0));
        let (stop2, reopened2) = (stop.clone(), reopened.clone());
        let thread = std::thread::spawn(move || {
            let mut scratch = [0u8; 512];
            while !stop2.load(Ordering::Relaxed) {
                for (i, (conn, sent)) in conns.iter_mut().enumerate() {
                    if stop2.load(Ordering::Relaxed) {
                        break;
                    }
                    let closed = match conn {
                        None => true,
                        Some(s) => {
                            let closed = match s.read(&mut scratch) {
                                Ok(0) => true,
                                Ok(_) => false, // an error page: keep holding the connection
                                Err(e) => e.kind() != ErrorKind::WouldBlock,
                            };
                            closed
                                || (i % 2 == 1
                                    && *sent < PARTIAL.len()
                                    && s.write(&PARTIAL[*sent..*sent + 1])
                                        .map(|_| *sent += 1)
                                        .is_err())
                        }
                    };
                    if closed {
                        *conn = open();
                        *sent = 0;
                        reopened2.fetch_add(1, Ordering::Relaxed);
                    }
                }
                // The pace of the attack (a slow client's byte rate), not a wait for a state.
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        Flood {
            stop,
            reopened,
            thread: Some(thread),
        }
    }
}

impl Drop for Flood {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn scrapes_answer_within_a_second_while_200_slowloris_connections_keep_reconnecting() {
    let exporter = PrometheusExporter::builder()
        .with_options(
            census_prometheus::ExpositionOptions::new()
                .with_namespace("myapp")
                .unwrap(),
        )
        .with_meters(census_sdk::Meters::Only(vec![oracle_meter()]))
        .build()
        .unwrap();
    let server = Server::builder()
        .with_exporter(exporter)
        .with_address("127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap()
        .start()
        .unwrap();
    let addr = server.local_addr();
    timed_scrape(addr).expect("a scrape before the flood");

    let flood = Flood::start(addr);
    let start = Instant::now();
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    while start.elapsed() < ATTACK_FOR {
        match timed_scrape(addr) {
            Ok(took) => latencies.push(took),
            Err(e) => failures.push(format!("at {:?}: {e}", start.elapsed())),
        }
    }
    let reopened = flood.reopened.load(Ordering::Relaxed);
    drop(flood);
    latencies.sort();
    let report = format!(
        "{} scrapes answered, {} failed, {reopened} hostile connections reopened; \
         latency p50 {:?}, max {:?}",
        latencies.len(),
        failures.len(),
        latencies.get(latencies.len() / 2),
        latencies.last(),
    );
    eprintln!("{report}");
    assert!(
        failures.is_empty(),
        "{report}; failures:\n{}",
        failures.join("\n")
    );
    assert!(latencies.len() >= 10, "{report}");
    server.shutdown().unwrap();
}
