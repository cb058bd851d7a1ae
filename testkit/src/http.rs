//! A deliberately tiny HTTP/1.0 client over [`std::net::TcpStream`].
//!
//! It is only meant for talking to peers on loopback in tests: plain
//! `http://` URLs, one request per connection (`Connection: close`), request
//! bodies sent with `Content-Length`, responses read by `Content-Length`,
//! `chunked` or until EOF. No TLS, no redirects, no compression, no cookies.
//!
//! ```no_run
//! use census_testkit::http;
//!
//! let resp = http::put(
//!     "http://127.0.0.1:9091/metrics/job/demo",
//!     b"# TYPE demo_total counter\ndemo_total 1\n",
//! )
//! .expect("push");
//! assert_eq!(resp.status, 200, "{}", resp.text());
//! ```

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Timeout for establishing the TCP connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Timeout for every single read or write on the connection.
pub const IO_TIMEOUT: Duration = Duration::from_secs(15);

/// A complete HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code, e.g. `200`.
    pub status: u16,
    /// Response headers in the order received (names as sent by the server).
    pub headers: Vec<(String, String)>,
    /// The body, already de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as (lossily decoded) UTF-8 text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// `GET url`.
pub fn get(url: &str) -> io::Result<Response> {
    request("GET", url, &[], b"")
}

/// `PUT url` with `body` (sent as `text/plain; version=0.0.4`, the
/// Prometheus text exposition format).
pub fn put(url: &str, body: &[u8]) -> io::Result<Response> {
    request("PUT", url, &[("Content-Type", TEXT_FORMAT)], body)
}

/// `POST url` with `body` (sent as `text/plain; version=0.0.4`).
pub fn post(url: &str, body: &[u8]) -> io::Result<Response> {
    request("POST", url, &[("Content-Type", TEXT_FORMAT)], body)
}

/// `DELETE url` without a body.
pub fn delete(url: &str) -> io::Result<Response> {
    request("DELETE", url, &[], b"")
}

const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Sends one request and reads the whole response.
///
/// `url` must be `http://host[:port][/path][?query]`; the path and query are
/// sent verbatim (encode them yourself, see [`encode_component`]). A
/// `Content-Length` header is added for every non-empty body and for `PUT` /
/// `POST`. `headers` are sent as given (e.g. `("Authorization", "Basic …")`,
/// `("Content-Encoding", "gzip")`).
pub fn request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Response> {
    let (authority, target) = split_url(url)?;
    let addr_text = if has_port(authority) {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let addrs: Vec<_> = addr_text.to_socket_addrs()?.collect();
    let mut last_err = io::Error::new(io::ErrorKind::NotFound, "no address");
    let mut stream = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last_err = e,
        }
    }
    let mut stream = stream.ok_or(last_err)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;

    let mut head = format!(
        "{method} {target} HTTP/1.0\r\nHost: {authority}\r\nConnection: close\r\nUser-Agent: census-testkit\r\n"
    );
    for (name, value) in headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    if !body.is_empty() || method == "PUT" || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    stream.write_all(&out)?;
    stream.flush()?;

    read_response(BufReader::new(stream), method == "HEAD")
}

/// Percent-encodes everything except RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`), for query values and path segments.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn split_url(url: &str) -> io::Result<(&str, &str)> {
    let rest = url.strip_prefix("http://").ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("only plain http:// URLs are supported, got {url:?}"),
        )
    })?;
    let cut = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(cut);
    if authority.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("no host in {url:?}"),
        ));
    }
    Ok((authority, if target.is_empty() { "/" } else { target }))
}

fn has_port(authority: &str) -> bool {
    match authority.rfind(':') {
        Some(i) => !authority[i..].contains(']'),
        None => false,
    }
}

fn read_response<R: BufRead>(mut r: R, head_only: bool) -> io::Result<Response> {
    let Some((line, headers)) = read_head(&mut r)? else {
        return Err(invalid("connection closed before the status line"));
    };
    let mut parts = line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/") {
        return Err(invalid(format!("bad status line {line:?}")));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid(format!("bad status line {line:?}")))?;
    let body = if head_only || status == 204 || status == 304 || (100..200).contains(&status) {
        Vec::new()
    } else {
        read_body(&mut r, &headers, true)?
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// Header (name, value) pairs in the order received.
pub(crate) type Headers = Vec<(String, String)>;

/// The first header called `name` (case-insensitive) in `headers`.
pub(crate) fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Reads a message head: the start line (without its line end) and the headers, up to and
/// including the empty line. `None` when the peer closed before sending a byte.
pub(crate) fn read_head<R: BufRead>(r: &mut R) -> io::Result<Option<(String, Headers)>> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let start = line.trim_end_matches(['\r', '\n']).to_string();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Err(invalid("connection closed inside the message head"));
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            return Ok(Some((start, headers)));
        }
        let (name, value) = l
            .split_once(':')
            .ok_or_else(|| invalid(format!("bad header line {l:?}")))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
}

/// Reads a message body as the head announces it: `chunked`, `Content-Length`, or (when
/// neither is given) until EOF if `until_eof`, else nothing (a request without a length).
pub(crate) fn read_body<R: BufRead>(
    r: &mut R,
    headers: &[(String, String)],
    until_eof: bool,
) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    if find_header(headers, "Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        read_chunked(r, &mut body)?;
    } else if let Some(len) = find_header(headers, "Content-Length") {
        let len: u64 = len
            .parse()
            .map_err(|_| invalid(format!("bad Content-Length {len:?}")))?;
        r.take(len).read_to_end(&mut body)?;
        if body.len() as u64 != len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("body ended after {} of {len} bytes", body.len()),
            ));
        }
    } else if until_eof {
        r.read_to_end(&mut body)?;
    }
    Ok(body)
}

fn read_chunked<R: BufRead>(r: &mut R, body: &mut Vec<u8>) -> io::Result<()> {
    let mut line = String::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let size_text = line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| invalid(format!("bad chunk size {line:?}")))?;
        if size == 0 {
            // Trailers until the empty line (or EOF).
            loop {
                line.clear();
                if r.read_line(&mut line)? == 0 || line.trim().is_empty() {
                    return Ok(());
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        line.clear();
        r.read_line(&mut line)?; // CRLF after the chunk
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread;

    /// Serves one connection with `reply` and returns the raw request.
    fn one_shot(reply: &'static [u8]) -> (String, thread::JoinHandle<Vec<u8>>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let h = thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            let mut req = Vec::new();
            let mut buf = [0u8; 4096];
            // Read until the end of the head plus the announced body.
            loop {
                let n = s.read(&mut buf).unwrap();
                req.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&req).to_string();
                if let Some(i) = text.find("\r\n\r\n") {
                    let len = text
                        .lines()
                        .find_map(|l| l.strip_prefix("Content-Length: "))
                        .map(|v| v.trim().parse::<usize>().unwrap())
                        .unwrap_or(0);
                    if req.len() >= i + 4 + len {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            s.write_all(reply).unwrap();
            req
        });
        (url, h)
    }

    #[test]
    fn content_length_response_and_request_format() {
        let (url, h) = one_shot(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello");
        let r = put(&format!("{url}/metrics/job/x"), b"a 1\n").unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.text(), "hello");
        assert_eq!(r.header("x-a"), Some("b"));
        let req = String::from_utf8(h.join().unwrap()).unwrap();
        assert!(req.starts_with("PUT /metrics/job/x HTTP/1.0\r\n"), "{req}");
        assert!(req.contains("\r\nContent-Length: 4\r\n"), "{req}");
        assert!(req.ends_with("\r\n\r\na 1\n"), "{req}");
    }

    #[test]
    fn chunked_response() {
        let (url, h) = one_shot(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
        );
        let r = get(&url).unwrap();
        assert_eq!(r.text(), "abcde");
        let req = String::from_utf8(h.join().unwrap()).unwrap();
        assert!(req.starts_with("GET / HTTP/1.0\r\n"), "{req}");
        assert!(!req.contains("Content-Length"), "{req}");
    }

    #[test]
    fn body_until_eof_and_status_without_reason() {
        let (url, h) = one_shot(b"HTTP/1.0 202\r\n\r\nqueued");
        let r = delete(&format!("{url}/metrics/job/x")).unwrap();
        assert_eq!(r.status, 202);
        assert_eq!(r.text(), "queued");
        h.join().unwrap();
    }

    #[test]
    fn url_handling() {
        assert_eq!(split_url("http://h:1").unwrap(), ("h:1", "/"));
        assert_eq!(split_url("http://h:1?q=1").unwrap(), ("h:1", "?q=1"));
        assert_eq!(split_url("http://h/a/b?c").unwrap(), ("h", "/a/b?c"));
        assert!(split_url("https://h/").is_err());
        assert!(split_url("http:///x").is_err());
        assert!(has_port("127.0.0.1:9"));
        assert!(has_port("[::1]:9"));
        assert!(!has_port("[::1]"));
        assert!(!has_port("localhost"));
    }

    #[test]
    fn encoding() {
        assert_eq!(
            encode_component("rate(x{a=\"b c\"}[1m])/2+1"),
            "rate%28x%7Ba%3D%22b%20c%22%7D%5B1m%5D%29%2F2%2B1"
        );
        assert_eq!(encode_component("Az09-._~"), "Az09-._~");
        assert_eq!(encode_component("Π"), "%CE%A0");
    }
}
