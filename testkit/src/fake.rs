//! [`FakeHttp`]: an in-process HTTP/1.1 server that follows a script, for the failure modes a
//! real peer cannot be made to produce on demand (5xx, 429 with `Retry-After`, slow answers,
//! connection resets, hangs), and for checking the exact shape of the requests a client sends.
//!
//! Test against the real peer ([`Pushgateway`](crate::Pushgateway),
//! [`Prometheus`](crate::Prometheus)) for everything it can answer; use the fake only for what
//! it cannot.
//!
//! ```
//! use std::time::Duration;
//! use census_testkit::fake::{FakeHttp, Reply};
//! use census_testkit::http;
//!
//! let fake = FakeHttp::start([
//!     Reply::status(503).body("busy"),
//!     Reply::status(429).header("Retry-After", "1"),
//! ]);
//! let url = format!("{}/write?db=x", fake.url());
//! assert_eq!(http::post(&url, b"a 1").unwrap().status, 503);
//! let second = http::post(&url, b"a 1").unwrap();
//! assert_eq!((second.status, second.header("retry-after")), (429, Some("1")));
//! assert_eq!(http::post(&url, b"a 1").unwrap().status, 200, "the script is used up");
//!
//! let reqs = fake.wait_for_requests(3, Duration::from_secs(5));
//! assert_eq!((reqs[0].method.as_str(), reqs[0].path.as_str()), ("POST", "/write?db=x"));
//! assert_eq!(reqs[2].body, b"a 1");
//! ```

use std::collections::{HashMap, VecDeque};
use std::io::{self, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::http::{find_header, read_body, read_head};

/// What the fake does with one request, after reading it completely.
///
/// Build one with [`Reply::status`] (plus [`body`](Reply::body), [`header`](Reply::header),
/// [`delay`](Reply::delay)), [`Reply::hang`], [`Reply::reset`] or [`Reply::close`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    action: Action,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Respond,
    Hang,
    Reset,
    Close,
}

impl Reply {
    /// Answer with this status, an empty body and `Content-Type: text/plain` (unless a
    /// `Content-Type` [`header`](Self::header) is given). Every answer carries
    /// `Content-Length` and `Connection: close`.
    pub fn status(code: u16) -> Reply {
        Reply {
            action: Action::Respond,
            status: code,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// `200 OK` with an empty body: what the fake answers once its script is used up.
    pub fn ok() -> Reply {
        Reply::status(200)
    }

    /// Never answer: hold the connection open until the fake is dropped (for client
    /// timeouts and deadlines).
    pub fn hang() -> Reply {
        Reply {
            action: Action::Hang,
            ..Reply::ok()
        }
    }

    /// Reset the connection (TCP RST, `SO_LINGER` 0) instead of answering.
    pub fn reset() -> Reply {
        Reply {
            action: Action::Reset,
            ..Reply::ok()
        }
    }

    /// Close the connection cleanly (FIN) without an answer.
    pub fn close() -> Reply {
        Reply {
            action: Action::Close,
            ..Reply::ok()
        }
    }

    /// The response body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self
    }

    /// Adds a response header, e.g. `("Retry-After", "2")`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Waits this long after reading the request before answering (or resetting, or
    /// closing); dropping the fake cuts the wait short.
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// One request as the fake read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `PUT`, `POST`, ...
    pub method: String,
    /// The request target as sent: path and query, e.g. `/metrics/job/a?x=1`.
    pub path: String,
    /// Headers in the order received (names as sent).
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked; still compressed if the client compressed it).
    pub body: Vec<u8>,
    /// When the fake had read the whole request (for checking backoff and `Retry-After`).
    pub received: Instant,
}

impl Request {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as (lossily decoded) UTF-8 text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A loopback HTTP/1.1 server on `127.0.0.1:<free port>` that answers each request with the
/// next [`Reply`] of its script, then with a fixed one (`200`, see [`start_with`]), and
/// records every request it read completely. One request per connection.
///
/// It listens before [`start`] returns (no readiness wait needed), serves each connection
/// on its own thread, and on drop stops accepting, ends hanging and delayed replies, closes
/// every connection and joins its threads.
///
/// [`start`]: FakeHttp::start
/// [`start_with`]: FakeHttp::start_with
#[derive(Debug)]
pub struct FakeHttp {
    url: String,
    address: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug)]
struct State {
    script: VecDeque<Reply>,
    otherwise: Reply,
    requests: Vec<Request>,
    stopping: bool,
    next_id: u64,
    /// A handle on every open connection, to unblock its thread on drop.
    open: HashMap<u64, TcpStream>,
    threads: Vec<JoinHandle<()>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits up to `timeout` (forever if `None`) or until the fake stops; true if stopping.
    fn wait_unless_stopping(&self, timeout: Option<Duration>) -> bool {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut state = self.lock();
        loop {
            if state.stopping {
                return true;
            }
            match deadline {
                None => state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return false;
                    }
                    state = self
                        .changed
                        .wait_timeout(state, d - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
            }
        }
    }
}

impl FakeHttp {
    /// Starts a fake that answers with `script`, one reply per request, then `200` with an
    /// empty body.
    ///
    /// # Panics
    ///
    /// If it cannot bind `127.0.0.1:0`.
    pub fn start(script: impl IntoIterator<Item = Reply>) -> FakeHttp {
        FakeHttp::start_with(script, Reply::ok())
    }

    /// Like [`start`](Self::start), answering with `otherwise` once the script is used up
    /// (e.g. `Reply::status(503)` for a peer that is always down).
    pub fn start_with(script: impl IntoIterator<Item = Reply>, otherwise: Reply) -> FakeHttp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 for the fake");
        let address = listener.local_addr().expect("local address of the fake");
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                script: script.into_iter().collect(),
                otherwise,
                requests: Vec::new(),
                stopping: false,
                next_id: 0,
                open: HashMap::new(),
                threads: Vec::new(),
            }),
            changed: Condvar::new(),
        });
        let accept = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("census-testkit-fake".into())
                .spawn(move || accept_loop(&listener, &shared))
                .expect("spawn the fake's accept thread")
        };
        FakeHttp {
            url: format!("http://{address}"),
            address,
            shared,
            accept: Some(accept),
        }
    }

    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The listen address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Every request read so far, in the order they were read.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().requests.clone()
    }

    /// Waits (without polling) until at least `n` requests were read and returns them all.
    ///
    /// # Panics
    ///
    /// After `deadline`, with the requests read so far.
    pub fn wait_for_requests(&self, n: usize, deadline: Duration) -> Vec<Request> {
        let end = Instant::now() + deadline;
        let mut state = self.shared.lock();
        while state.requests.len() < n {
            let now = Instant::now();
            assert!(
                now < end,
                "the fake got {} of {n} requests within {deadline:?}: {:?}",
                state.requests.len(),
                state.requests
            );
            state = self
                .shared
                .changed
                .wait_timeout(state, end - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        state.requests.clone()
    }

    /// Appends replies to the script (they come after those not used yet).
    pub fn push_replies(&self, replies: impl IntoIterator<Item = Reply>) {
        self.shared.lock().script.extend(replies);
    }
}

impl Drop for FakeHttp {
    fn drop(&mut self) {
        {
            let mut state = self.shared.lock();
            state.stopping = true;
            for stream in state.open.values() {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        self.shared.changed.notify_all();
        // Wake the blocking accept; it sees `stopping` and returns.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        let threads = std::mem::take(&mut self.shared.lock().threads);
        for t in threads {
            let _ = t.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        let mut state = shared.lock();
        if state.stopping {
            return;
        }
        let Ok(stream) = stream else { continue };
        let Ok(handle) = stream.try_clone() else {
            continue;
        };
        let id = state.next_id;
        state.next_id += 1;
        state.open.insert(id, handle);
        let conn_shared = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name("census-testkit-fake-conn".into())
            .spawn(move || serve(stream, id, &conn_shared));
        match spawned {
            Ok(t) => state.threads.push(t),
            Err(_) => {
                state.open.remove(&id);
            }
        }
    }
}

fn serve(stream: TcpStream, id: u64, shared: &Shared) {
    let reply = read_request(&stream).ok().flatten().map(|req| {
        let mut state = shared.lock();
        state.requests.push(req);
        let reply = state
            .script
            .pop_front()
            .unwrap_or_else(|| state.otherwise.clone());
        drop(state);
        shared.changed.notify_all();
        reply
    });
    let stopping = match &reply {
        Some(r) if r.action == Action::Hang => shared.wait_unless_stopping(None),
        Some(r) if !r.delay.is_zero() => shared.wait_unless_stopping(Some(r.delay)),
        _ => false,
    };
    // Forget the handle first: the socket closes only when its last descriptor does.
    shared.lock().open.remove(&id);
    let Some(reply) = reply.filter(|_| !stopping) else {
        return;
    };
    match reply.action {
        Action::Respond => {
            let _ = (&stream).write_all(&response_bytes(&reply));
            let _ = stream.shutdown(Shutdown::Write);
        }
        Action::Reset => {
            let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
        }
        Action::Close => {
            let _ = stream.shutdown(Shutdown::Both);
        }
        Action::Hang => {}
    }
}

/// Reads one request; `None` if the client closed before sending one.
fn read_request(stream: &TcpStream) -> io::Result<Option<Request>> {
    let mut r = BufReader::new(stream);
    let Some((line, headers)) = read_head(&mut r)? else {
        return Ok(None);
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("bad request line {line:?}"),
        ));
    };
    if find_header(&headers, "Expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        (&*stream).write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = read_body(&mut r, &headers, false)?;
    Ok(Some(Request {
        method: method.to_string(),
        path: path.to_string(),
        headers,
        body,
        received: Instant::now(),
    }))
}

fn response_bytes(reply: &Reply) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    if find_header(&reply.headers, "Content-Type").is_none() {
        head.push_str("Content-Type: text/plain; charset=utf-8\r\n");
    }
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    let mut out = head.into_bytes();
    out.extend_from_slice(&reply.body);
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
