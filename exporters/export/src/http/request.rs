//! One HTTP request of an exporter, and what its answer means for a retry. See [`send`].

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER};

use super::error_chain;
use crate::retry::Verdict;

/// The largest part of an answer's body that is kept (an error message, never a payload).
pub const MAX_ANSWER_BODY: usize = 4096;

/// The longest `Retry-After` honoured; a longer one is treated as a plain retry (the deadline
/// decides anyway).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// A request body: the bytes (cheap to clone for another attempt), their content type, and
/// whether they are gzipped.
#[derive(Debug, Clone)]
pub struct Body {
    /// The bytes sent.
    pub bytes: Bytes,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// Whether `Content-Encoding: gzip` is sent.
    pub gzip: bool,
}

/// What the server answered: the status, the start of the body (at most
/// [`MAX_ANSWER_BODY`] bytes, lossy UTF-8, trimmed), and a `Retry-After` in seconds if given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// The start of the body, trimmed.
    pub body: String,
    /// The server's `Retry-After` (delta-seconds form), if any.
    pub retry_after: Option<Duration>,
}

impl Answer {
    /// What another attempt may bring ([`status_verdict`]).
    pub fn verdict(&self) -> Verdict {
        status_verdict(self.status, self.retry_after)
    }
}

/// The usual reading of a failed status: `429` and `503` with a `Retry-After` wait that long;
/// other `5xx`, `408` and `429` may succeed on another attempt; any other status is final.
///
/// ```
/// use std::time::Duration;
/// use census_export::{http::status_verdict, Verdict};
/// assert_eq!(status_verdict(503, None), Verdict::Retry);
/// assert_eq!(status_verdict(429, Some(Duration::from_secs(2))), Verdict::RetryAfter(Duration::from_secs(2)));
/// assert_eq!(status_verdict(400, Some(Duration::from_secs(2))), Verdict::Final);
/// ```
pub fn status_verdict(status: u16, retry_after: Option<Duration>) -> Verdict {
    match (status, retry_after) {
        (429 | 503, Some(d)) => Verdict::RetryAfter(d),
        (500..=599 | 408 | 429, _) => Verdict::Retry,
        _ => Verdict::Final,
    }
}

/// Sends one request and reads the answer (the body only up to [`MAX_ANSWER_BODY`]).
///
/// # Errors
/// The transport failure (refused, reset, TLS, timeout) as one message with its whole cause
/// chain ([`error_chain`]).
pub async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Body>,
) -> Result<Answer, String> {
    let mut rb = client.request(method, url);
    if let Some(body) = body {
        rb = rb.header(CONTENT_TYPE, body.content_type);
        if body.gzip {
            rb = rb.header(CONTENT_ENCODING, "gzip");
        }
        rb = rb.body(body.bytes);
    }
    let mut resp = rb.send().await.map_err(|e| error_chain(&e))?;
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .filter(|d| *d <= MAX_RETRY_AFTER);
    let mut kept = Vec::new();
    while kept.len() < MAX_ANSWER_BODY {
        match resp.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    kept.truncate(MAX_ANSWER_BODY);
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&kept).trim().to_string(),
        retry_after,
    })
}
