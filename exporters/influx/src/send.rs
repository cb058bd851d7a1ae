//! What the exporter's worker runs: encode a snapshot, then POST it in batches (retried inside
//! the deadline), send it in datagrams, or print it. See [`Send`].

use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use census_export::http::error_chain;
use census_export::{
    gzip, BatchLimit, Batches, Deadline, Handler, PrintSink, Retrier, RetryError, Verdict,
};
use census_sdk::{Meter, Snapshot};
use reqwest::header::HeaderValue;

use crate::encode::Encoder;
use crate::error::InfluxError;

/// Largest part of an error answer kept in a message.
const MAX_ERROR_BODY: usize = 4096;

/// One request to the worker: export this snapshot (a fresh one of the meter when `None`).
#[derive(Debug)]
pub(crate) struct Command {
    pub(crate) data: Option<Snapshot>,
}

/// Where lines go.
#[derive(Debug)]
pub(crate) enum Sink {
    Http {
        client: reqwest::Client,
        retrier: Retrier,
        url: String,
        shown: String,
        gzip: bool,
        /// `Authorization: Token …`, marked sensitive.
        token: Option<HeaderValue>,
        max_lines: usize,
    },
    Udp {
        addr: String,
        max_datagram: usize,
        socket: Option<(bool, UdpSocket)>,
    },
    Print(PrintSink),
}

/// What the handles and the worker share.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) meter: Meter,
    pub(crate) timeout: Duration,
    pub(crate) shown: String,
    pub(crate) counters: Counters,
}

/// Running totals, readable from any handle.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) skipped_values: AtomicU64,
    pub(crate) lines: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) bytes: AtomicU64,
}

/// The worker's state.
#[derive(Debug)]
pub(crate) struct Send {
    pub(crate) config: Arc<Config>,
    pub(crate) sink: Sink,
    pub(crate) encoder: Encoder,
}

impl Handler for Send {
    type Command = Command;
    type Error = InfluxError;

    async fn handle(&mut self, c: Command, deadline: Deadline) -> Result<(), InfluxError> {
        self.export(c.data, deadline).await
    }

    async fn tick(&mut self) {
        let deadline = Deadline::after(self.config.timeout);
        if let Err(e) = self.export(None, deadline).await {
            tracing::warn!(error = %e, "census-influx: periodic export failed");
        }
    }

    async fn shutdown(&mut self, deadline: Deadline) -> Result<(), InfluxError> {
        self.export(None, deadline).await
    }
}

impl Send {
    async fn export(
        &mut self,
        data: Option<Snapshot>,
        deadline: Deadline,
    ) -> Result<(), InfluxError> {
        let config = &*self.config;
        let snapshot = data.unwrap_or_else(|| config.meter.snapshot());
        self.encoder.encode(&snapshot, snapshot.time());
        let (lines, report) = (self.encoder.lines(), self.encoder.report());
        if report.skipped_values > 0 {
            config
                .counters
                .skipped_values
                .fetch_add(report.skipped_values, Ordering::Relaxed);
            tracing::debug!(
                skipped = report.skipped_values,
                "census-influx: NaN/Inf values left out"
            );
        }
        for v in &report.skipped_views {
            tracing::warn!(view = %v.view, reason = %v.reason, "census-influx: view left out");
        }
        if lines.is_empty() {
            return Ok(());
        }
        config
            .counters
            .lines
            .fetch_add(lines.len() as u64, Ordering::Relaxed);
        let body = lines.as_bytes();
        let ranges = lines.ranges();
        match &mut self.sink {
            Sink::Print(out) => out
                .write(body)
                .map_err(|source| InfluxError::Print { source }),
            Sink::Udp {
                addr,
                max_datagram,
                socket,
            } => {
                let limit = BatchLimit::Bytes(*max_datagram);
                let udp_error = |source| InfluxError::Udp {
                    addr: addr.clone(),
                    source,
                };
                let target = resolve(addr).map_err(udp_error)?;
                let sock = udp_socket(socket, target.is_ipv6()).map_err(udp_error)?;
                for batch in Batches::new(&ranges, limit, |r| r.len()) {
                    let bytes = &body[batch[0].start..batch[batch.len() - 1].end];
                    sock.send_to(bytes, target).map_err(udp_error)?;
                    config.counters.requests.fetch_add(1, Ordering::Relaxed);
                    config
                        .counters
                        .bytes
                        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                }
                Ok(())
            }
            Sink::Http {
                client,
                retrier,
                url,
                shown,
                gzip: gzipped,
                token,
                max_lines,
            } => {
                let batches: Vec<_> =
                    Batches::new(&ranges, BatchLimit::Rows(*max_lines), |r| r.len()).collect();
                let total = batches.len();
                let mut partial = None;
                for (i, batch) in batches.into_iter().enumerate() {
                    let raw = &body[batch[0].start..batch[batch.len() - 1].end];
                    let payload = if *gzipped {
                        Bytes::from(gzip(raw))
                    } else {
                        Bytes::copy_from_slice(raw)
                    };
                    let sent = payload.len() as u64;
                    let attempt = Attempt {
                        client,
                        url,
                        shown,
                        gzip: *gzipped,
                        token: token.as_ref(),
                    };
                    let out = retrier
                        .run(deadline, classify, |_| attempt.send(payload.clone()))
                        .await;
                    config.counters.requests.fetch_add(1, Ordering::Relaxed);
                    config.counters.bytes.fetch_add(sent, Ordering::Relaxed);
                    match out {
                        Ok(()) => {}
                        Err(RetryError::Failed {
                            error:
                                InfluxError::PartialWrite {
                                    url,
                                    status,
                                    message,
                                    ..
                                },
                            ..
                        }) => {
                            // The good lines were written; the other batches still go.
                            partial.get_or_insert(InfluxError::PartialWrite {
                                url,
                                status,
                                message,
                                batch: i + 1,
                                batches: total,
                            });
                        }
                        Err(RetryError::Failed {
                            error: InfluxError::Transport { url, source, .. },
                            attempts,
                        }) => {
                            return Err(InfluxError::Transport {
                                url,
                                attempts,
                                source,
                            })
                        }
                        Err(RetryError::Failed { error, .. }) => return Err(error),
                        Err(RetryError::TimedOut { attempts, last }) => {
                            return Err(InfluxError::Timeout {
                                url: shown.clone(),
                                deadline: deadline.budget(),
                                attempts,
                                last_error: last.map(|e| e.to_string()),
                            })
                        }
                    }
                }
                partial.map_or(Ok(()), Err)
            }
        }
    }
}

/// The first address of `addr` (resolved at every export, so a moved host is followed).
fn resolve(addr: &str) -> std::io::Result<SocketAddr> {
    addr.to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other("the name resolved to no address"))
}

/// The socket for the target's address family, bound once.
fn udp_socket(slot: &mut Option<(bool, UdpSocket)>, v6: bool) -> std::io::Result<&UdpSocket> {
    if slot.as_ref().is_none_or(|(is_v6, _)| *is_v6 != v6) {
        let local = if v6 { "[::]:0" } else { "0.0.0.0:0" };
        *slot = Some((v6, UdpSocket::bind(local)?));
    }
    Ok(&slot.as_ref().expect("just set").1)
}

/// Transport failures, `5xx` and `429` may succeed on another attempt (after `Retry-After`
/// when the server gave one); a `400` partial write, `401`, `404` … would fail again.
fn classify(e: &InfluxError) -> Verdict {
    match e {
        InfluxError::Transport { .. } => Verdict::Retry,
        InfluxError::Status { status, .. } if *status >= 500 || *status == 429 => Verdict::Retry,
        _ => Verdict::Final,
    }
}

/// One POST of one batch.
struct Attempt<'a> {
    client: &'a reqwest::Client,
    url: &'a str,
    shown: &'a str,
    gzip: bool,
    token: Option<&'a HeaderValue>,
}

impl Attempt<'_> {
    async fn send(&self, body: Bytes) -> Result<(), InfluxError> {
        let mut rb = self
            .client
            .post(self.url)
            .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8");
        if self.gzip {
            rb = rb.header(reqwest::header::CONTENT_ENCODING, "gzip");
        }
        if let Some(t) = self.token {
            rb = rb.header(reqwest::header::AUTHORIZATION, t.clone());
        }
        let resp = rb
            .body(body)
            .send()
            .await
            .map_err(|e| InfluxError::Transport {
                url: self.shown.into(),
                attempts: 1,
                source: error_chain(&e).into(),
            })?;
        let status = resp.status().as_u16();
        if resp.status().is_success() {
            return Ok(());
        }
        let bytes = resp.bytes().await.unwrap_or_default();
        let message = server_message(&bytes[..bytes.len().min(MAX_ERROR_BODY)]);
        let url = self.shown.to_string();
        if (status == 400 || status == 422) && message.contains("partial write") {
            return Err(InfluxError::PartialWrite {
                url,
                status,
                message,
                batch: 1,
                batches: 1,
            });
        }
        Err(InfluxError::Status {
            url,
            status,
            message,
        })
    }
}

/// The `error` (1.x) or `message` (2.x) of a JSON answer, else the body as text.
pub(crate) fn server_message(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        for key in ["error", "message"] {
            if let Some(m) = v.get(key).and_then(|m| m.as_str()) {
                return m.to_string();
            }
        }
    }
    String::from_utf8_lossy(body).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_messages_come_from_json_or_the_body() {
        let v1 = br#"{"error":"partial write: unable to parse 'x': invalid number dropped=0"}"#;
        assert_eq!(
            server_message(v1),
            "partial write: unable to parse 'x': invalid number dropped=0"
        );
        let v2 = br#"{"code":"invalid","message":"partial write: field type conflict"}"#;
        assert_eq!(server_message(v2), "partial write: field type conflict");
        assert_eq!(server_message(b" bad gateway \n"), "bad gateway");
    }
}
