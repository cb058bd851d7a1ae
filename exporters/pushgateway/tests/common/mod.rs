//! Test helpers: an in-process fake gateway for failure modes (timeouts, 5xx, resets) that a
//! real Pushgateway cannot be made to produce, and small view fixtures.
//!
//! Everything that a real gateway can answer is tested against the real one (census-testkit).

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the fake does with one request.
#[derive(Debug, Clone)]
pub enum Action {
    /// Answer with this status and body.
    Status(u16, &'static str),
    /// Read the request, then never answer (holds the connection).
    Hang,
    /// Read the request, then reset the connection (RST).
    Reset,
}

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A loopback HTTP/1.1 server following a script, one action per request; `200` once the
/// script is used up. Runs on its own thread and runtime; stops when dropped.
pub struct Fake {
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Fake {
    pub fn start(script: Vec<Action>) -> Fake {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", std_listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
        let reqs = requests.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::from_std(std_listener).unwrap();
                let accept = async {
                    loop {
                        let (sock, _) = listener.accept().await.unwrap();
                        let (reqs, script) = (reqs.clone(), script.clone());
                        tokio::spawn(serve(sock, reqs, script));
                    }
                };
                tokio::select! {
                    _ = accept => {}
                    _ = stop_rx => {}
                }
            });
        });
        Fake {
            url,
            requests,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn serve(
    mut sock: TcpStream,
    reqs: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<VecDeque<Action>>>,
) {
    let Some(req) = read_request(&mut sock).await else {
        return;
    };
    reqs.lock().unwrap().push(req);
    let action = script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(Action::Status(200, ""));
    match action {
        Action::Status(code, body) => {
            let mut resp = Vec::new();
            write!(
                resp,
                "HTTP/1.1 {code} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            let _ = sock.write_all(&resp).await;
            let _ = sock.shutdown().await;
        }
        Action::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Action::Reset => {
            let _ = sock.set_zero_linger();
            drop(sock);
        }
    }
}

async fn read_request(sock: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}

/// An isolated meter with one Sum view `jobs_done{kind}` holding `kind="batch"` = `value`.
/// `measure` must be unique per test binary (measure names are process-wide).
pub fn meter_with_jobs(measure: &str, value: i64) -> Meter {
    let meter = Meter::new();
    let m = Int64Measure::new(measure, "Jobs done", "1").unwrap();
    let view = View::new(
        "jobs_done",
        "Jobs done",
        [TagKey::new("kind").unwrap()],
        &m,
        Aggregation::Sum,
    )
    .unwrap();
    meter.view_manager().register(&view).unwrap();
    meter.record_with_tags(
        &TagMap::from_pairs(&[("kind", "batch")]).unwrap(),
        &[m.m(value)],
    );
    meter
}

/// Polls `f` every 20 ms until it returns `Some`, panicking with `what` after `deadline`.
pub fn poll<T>(what: &str, deadline: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            start.elapsed() < deadline,
            "timed out after {deadline:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The single value of family `family` in group `key`, if present.
pub fn single_value(
    gw: &census_testkit::Pushgateway,
    key: &[(&str, &str)],
    family: &str,
) -> Option<f64> {
    let v = gw.values(key, family);
    assert!(v.len() <= 1, "{family}: {v:?}");
    v.first().map(|(_, x)| *x)
}
