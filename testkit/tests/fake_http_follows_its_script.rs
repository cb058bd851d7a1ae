//! The fake HTTP peer answers as scripted (status, body, headers, delay, reset, close, hang),
//! records what it read, and stops cleanly with connections still open.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use census_testkit::fake::{FakeHttp, Reply};
use census_testkit::http;

/// Sends `raw` on a new connection and reads until EOF, an error or 2 s pass.
fn raw_exchange(fake: &FakeHttp, raw: &[u8]) -> (Vec<u8>, Option<ErrorKind>) {
    let mut s = TcpStream::connect(fake.address()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    s.write_all(raw).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (got, None),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => return (got, Some(e.kind())),
        }
    }
}

const PUT: &[u8] = b"PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";

#[test]
fn replies_follow_the_script_then_the_default() {
    let fake = FakeHttp::start_with(
        [
            Reply::status(503).body("busy"),
            Reply::status(429)
                .header("Retry-After", "2")
                .header("Content-Type", "application/json")
                .body("{}"),
        ],
        Reply::status(204),
    );
    let url = format!("{}/metrics/job/a?b=c", fake.url());
    let r = http::put(&url, b"one 1\n").unwrap();
    assert_eq!((r.status, r.text().as_str()), (503, "busy"));
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(r.header("connection"), Some("close"));
    let r = http::post(&url, b"two 2\n").unwrap();
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.text(), "{}");
    for _ in 0..2 {
        assert_eq!(http::delete(&url).unwrap().status, 204);
    }
    fake.push_replies([Reply::status(400).body("bad")]);
    assert_eq!(http::get(&url).unwrap().status, 400);

    let reqs = fake.requests();
    let seen: Vec<(&str, &str, &[u8])> = reqs
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.body.as_slice()))
        .collect();
    assert_eq!(
        seen,
        [
            ("PUT", "/metrics/job/a?b=c", &b"one 1\n"[..]),
            ("POST", "/metrics/job/a?b=c", b"two 2\n"),
            ("DELETE", "/metrics/job/a?b=c", b""),
            ("DELETE", "/metrics/job/a?b=c", b""),
            ("GET", "/metrics/job/a?b=c", b""),
        ]
    );
    assert_eq!(reqs[0].header("CONTENT-LENGTH"), Some("6"));
    assert_eq!(reqs[0].header("user-agent"), Some("census-testkit"));
    assert_eq!(reqs[1].text(), "two 2\n");
    assert!(reqs.windows(2).all(|w| w[0].received <= w[1].received));
}

#[test]
fn chunked_and_expect_continue_request_bodies_are_read_whole() {
    let fake = FakeHttp::start([]);
    let (got, _) = raw_exchange(
        &fake,
        b"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    );
    assert!(got.starts_with(b"HTTP/1.1 200 OK\r\n"), "{got:?}");
    let mut s = TcpStream::connect(fake.address()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    s.write_all(b"PUT /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 25];
    s.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(b"ok").unwrap();
    let mut rest = String::new();
    s.read_to_string(&mut rest).unwrap();
    assert!(rest.starts_with("HTTP/1.1 200 OK\r\n"), "{rest}");
    let reqs = fake.wait_for_requests(2, Duration::from_secs(5));
    assert_eq!(reqs[0].body, b"abcde");
    assert_eq!(reqs[1].body, b"ok");
}

#[test]
fn reset_close_and_delay() {
    let fake = FakeHttp::start([
        Reply::reset(),
        Reply::close(),
        Reply::status(202).delay(Duration::from_millis(300)),
    ]);
    let (got, err) = raw_exchange(&fake, PUT);
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(err, Some(ErrorKind::ConnectionReset));
    let (got, err) = raw_exchange(&fake, PUT);
    assert_eq!(
        (got.len(), err),
        (0, None),
        "a clean close without an answer"
    );
    let t0 = Instant::now();
    let r = http::put(&format!("{}/x", fake.url()), b"abc").unwrap();
    assert_eq!(r.status, 202);
    assert!(
        t0.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t0.elapsed()
    );
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 3, "reset and closed requests are recorded too");
    assert!(reqs.iter().all(|r| r.body == b"abc"));
}

#[test]
fn a_hang_holds_the_connection_until_the_fake_is_dropped() {
    let fake = FakeHttp::start([
        Reply::hang(),
        Reply::status(200).delay(Duration::from_secs(3600)),
    ]);
    let mut hung = TcpStream::connect(fake.address()).unwrap();
    hung.write_all(PUT).unwrap();
    let mut delayed = TcpStream::connect(fake.address()).unwrap();
    delayed.write_all(PUT).unwrap();
    // A third connection that never sends a request.
    let mut idle = TcpStream::connect(fake.address()).unwrap();
    fake.wait_for_requests(2, Duration::from_secs(5));
    hung.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 16];
    let err = hung.read(&mut buf).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err:?}"
    );
    let t0 = Instant::now();
    drop(fake);
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    for s in [&mut hung, &mut delayed, &mut idle] {
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        // EOF or a reset: either way the connection is gone, no answer was sent.
        assert!(!matches!(s.read(&mut buf), Ok(n) if n > 0));
    }
}

#[test]
#[should_panic(expected = "the fake got 1 of 2 requests within")]
fn waiting_for_requests_is_bounded() {
    let fake = FakeHttp::start([]);
    http::get(fake.url()).unwrap();
    fake.wait_for_requests(2, Duration::from_millis(100));
}
