//! What the exporter's worker (census-export's) runs, see [`Push`]: the body, one request,
//! the gateway's status rules and which failures are worth another attempt; or print mode.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use census_export::http::{send, status_verdict, Body};
use census_export::{Deadline, Handler, PrintSink, Retrier, RetryError, Verdict};
use census_prometheus::ExpositionOptions;
use census_sdk::{Meter, Snapshot, ViewData};

use crate::body::BodyEncoder;
use crate::error::PushError;
use census_prometheus::Format;

use crate::format::{gzip, Method};
use crate::grouping::GroupingKey;
use crate::outcome::Outcome;

/// One request to the worker: a method, and the data (a fresh snapshot of the exporter's
/// meter when `None`).
#[derive(Debug)]
pub(crate) struct Command {
    pub(crate) method: Method,
    pub(crate) data: Option<Snapshot>,
}

/// Where bodies go.
#[derive(Debug)]
pub(crate) enum Sink {
    /// Real requests to the group URL.
    Http {
        client: reqwest::Client,
        retrier: Retrier,
        gzip: bool,
    },
    /// Print mode: the body is written, nothing is sent.
    Print(PrintSink),
}

/// The checked configuration, built once by the builder and shared (not copied) by the
/// handles and the worker.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) url: String,
    pub(crate) key: GroupingKey,
    /// Naming options, `job` and the grouping labels reserved.
    pub(crate) options: ExpositionOptions,
    pub(crate) format: Format,
    pub(crate) meter: Meter,
    /// The method of periodic and final pushes and of a meter's exports.
    pub(crate) method: Method,
    pub(crate) timeout: Duration,
    pub(crate) delete_on_shutdown: bool,
    pub(crate) outcome: Outcome,
}

/// The worker's state: the configuration, where bodies go, the encoder and its buffer.
#[derive(Debug)]
pub(crate) struct Push {
    pub(crate) config: Arc<Config>,
    pub(crate) sink: Sink,
    pub(crate) encoder: BodyEncoder,
    pub(crate) buf: Vec<u8>,
}

impl Handler for Push {
    type Command = Command;
    type Error = PushError;

    async fn handle(&mut self, c: Command, deadline: Deadline) -> Result<(), PushError> {
        self.execute(c.method, c.data, false, deadline).await
    }

    async fn tick(&mut self) {
        let deadline = Deadline::after(self.config.timeout);
        if let Err(e) = self
            .execute(self.config.method, None, false, deadline)
            .await
        {
            tracing::warn!(error = %e, "census-pushgateway: periodic push failed");
        }
    }

    async fn shutdown(&mut self, deadline: Deadline) -> Result<(), PushError> {
        let method = if self.config.delete_on_shutdown {
            Method::Delete
        } else {
            self.config.method
        };
        self.execute(method, None, true, deadline).await
    }
}

impl Push {
    /// Encodes (for PUT/POST, with the outcome gauges on the final push) and sends or prints.
    async fn execute(
        &mut self,
        mut method: Method,
        data: Option<Snapshot>,
        is_final: bool,
        deadline: Deadline,
    ) -> Result<(), PushError> {
        let config = &*self.config;
        if method != Method::Delete {
            let mut views: Vec<ViewData> = data.unwrap_or_else(|| config.meter.snapshot()).to_vec();
            if is_final && config.outcome.enabled() {
                views.extend(config.outcome.final_data());
                if config.outcome.failed() {
                    method = Method::Post; // keeps the last-success gauge of an earlier run
                }
            }
            self.encoder.encode(&views, &mut self.buf)?;
        }
        let (client, retrier, format, gzipped) = match &mut self.sink {
            Sink::Print(out) => {
                // The body stays exact; where it would have gone is said on stderr.
                let (verb, url) = (method.as_str(), &config.url);
                eprintln!("census-pushgateway print mode: {verb} {url} (not sent)");
                if method == Method::Delete {
                    return Ok(());
                }
                let written = out.write(&self.buf);
                return written.map_err(|source| PushError::Print { source });
            }
            Sink::Http {
                client,
                retrier,
                gzip,
            } => (&*client, retrier, config.format, *gzip),
        };
        let body = (method != Method::Delete).then(|| Body {
            bytes: match gzipped {
                true => Bytes::from(gzip(&self.buf)),
                false => Bytes::copy_from_slice(&self.buf),
            },
            content_type: format.content_type(),
            gzip: gzipped,
        });
        let url = &config.url;
        let sent = retrier
            .run(deadline, classify, |_| {
                attempt(client, url, method, body.clone())
            })
            .await;
        sent.map_err(|e| match e {
            RetryError::Failed {
                mut error,
                attempts,
            } => {
                if let PushError::Transport { attempts: n, .. } = &mut error {
                    *n = attempts;
                }
                error
            }
            RetryError::TimedOut { attempts, last } => PushError::Timeout {
                method: method.as_str(),
                url: config.url.clone(),
                deadline: deadline.budget(),
                attempts,
                last_error: last.map(|e| e.to_string()),
            },
        })
    }
}

/// Transport failures, `5xx`, `408` and `429` may succeed on another attempt (after the
/// gateway's `Retry-After`, when it sends one); other answers (a `400` consistency rejection,
/// `401`, `404`, …) are final.
fn classify(e: &PushError) -> Verdict {
    match e {
        PushError::Status {
            status,
            retry_after,
            ..
        } => status_verdict(*status, *retry_after),
        PushError::Transport { .. } => Verdict::Retry,
        _ => Verdict::Final,
    }
}

/// One request to the group URL: 200 and 202 are success; any other status is a
/// [`PushError::Status`] with the gateway's message.
async fn attempt(
    client: &reqwest::Client,
    url: &str,
    method: Method,
    body: Option<Body>,
) -> Result<(), PushError> {
    let http_method = match method {
        Method::Put => reqwest::Method::PUT,
        Method::Post => reqwest::Method::POST,
        Method::Delete => reqwest::Method::DELETE,
    };
    let answer = send(client, http_method, url, body).await;
    let answer = answer.map_err(|source| PushError::Transport {
        method: method.as_str(),
        url: url.into(),
        attempts: 1,
        source: source.into(),
    })?;
    match answer.status {
        200 | 202 => Ok(()),
        status => Err(PushError::Status {
            method: method.as_str(),
            url: url.into(),
            status,
            body: answer.body,
            retry_after: answer.retry_after,
        }),
    }
}
