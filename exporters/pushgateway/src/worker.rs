//! The exporter's worker thread. See [`spawn`] for details.
//!
//! Why a thread of its own: a batch job may be a plain `fn main` with no async runtime, or an
//! async app on a tokio current-thread or multi-thread runtime. Doing the HTTP on a dedicated
//! thread that owns a current-thread runtime works the same in all three: callers only send a
//! message and wait on a channel (blocking calls on a std channel with a timeout, async calls
//! on a oneshot), so nothing ever calls `block_on` inside a runtime and no runtime is ever
//! dropped inside one (the "cannot drop a runtime in a context where blocking is not allowed"
//! panic of `reqwest::blocking` and of client libraries that build a runtime per call).
//!
//! Requests are handled one at a time, in order, so a `PUT` queued before a `DELETE` reaches
//! the gateway first.

use std::io::Write as _;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use census_sdk::{Meter, Snapshot, ViewData};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, Interval, MissedTickBehavior};

use crate::body::BodyEncoder;
use crate::error::{BuildError, PushError};
use crate::format::{gzip, Method, Op};
use crate::outcome::Outcome;
use crate::transport::{Request, Sink};

/// What to push.
#[derive(Debug)]
pub(crate) enum Source {
    /// A fresh snapshot of the exporter's meter.
    Snapshot,
    /// Data handed over by a meter's reporting thread ([`census_sdk::Exporter`]).
    Given(Snapshot),
}

/// Where the result goes.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A blocking caller waiting on a std channel.
    Blocking(std::sync::mpsc::SyncSender<Result<(), PushError>>),
    /// An async caller awaiting a oneshot.
    Async(oneshot::Sender<Result<(), PushError>>),
}

impl Reply {
    fn send(self, r: Result<(), PushError>) {
        // The caller may have given up (timeout, dropped future): nothing to do then.
        match self {
            Reply::Blocking(tx) => {
                let _ = tx.try_send(r);
            }
            Reply::Async(tx) => {
                let _ = tx.send(r);
            }
        }
    }
}

/// A message to the worker.
#[derive(Debug)]
pub(crate) enum Command {
    /// One push, add or delete.
    Run {
        op: Op,
        source: Source,
        deadline: Instant,
        budget: Duration,
        reply: Reply,
    },
    /// The worker ends without pushing.
    Stop,
    /// The final push (or delete), then the worker ends.
    Shutdown {
        deadline: Instant,
        budget: Duration,
        reply: Reply,
    },
}

/// Everything the worker owns.
#[derive(Debug)]
pub(crate) struct Worker {
    pub(crate) url: String,
    pub(crate) sink: Sink,
    pub(crate) encoder: BodyEncoder,
    pub(crate) meter: Meter,
    pub(crate) outcome: Arc<Outcome>,
    pub(crate) method: Method,
    pub(crate) gzip: bool,
    pub(crate) timeout: Duration,
    pub(crate) interval: Option<Duration>,
    pub(crate) delete_on_shutdown: bool,
    pub(crate) buf: Vec<u8>,
}

/// Starts the worker thread with its own current-thread runtime; returns once the runtime is
/// up.
///
/// # Errors
/// [`BuildError::Spawn`] when the thread or its runtime cannot start.
pub(crate) fn spawn(
    worker: Worker,
) -> Result<(mpsc::UnboundedSender<Command>, JoinHandle<()>), BuildError> {
    let (tx, rx) = mpsc::unbounded_channel();
    let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel(1);
    let thread = std::thread::Builder::new()
        .name("census-pushgateway".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => {
                    let _ = ready_tx.send(Ok(()));
                    rt
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            rt.block_on(worker.run(rx));
        })
        .map_err(|source| BuildError::Spawn {
            what: "pushgateway worker thread",
            source,
        })?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok((tx, thread)),
        Ok(Err(source)) => Err(BuildError::Spawn {
            what: "pushgateway worker's tokio runtime",
            source,
        }),
        Err(_) => Err(BuildError::Spawn {
            what: "pushgateway worker thread",
            source: std::io::Error::other("the thread ended during startup"),
        }),
    }
}

impl Worker {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        let mut ticker = self.interval.map(|every| {
            let mut t = tokio::time::interval_at(Instant::now() + every, every);
            t.set_missed_tick_behavior(MissedTickBehavior::Delay);
            t
        });
        loop {
            tokio::select! {
                biased;
                cmd = rx.recv() => match cmd {
                    Some(Command::Run { op, source, deadline, budget, reply }) => {
                        let r = self.execute(op, source, false, deadline, budget).await;
                        reply.send(r);
                    }
                    Some(Command::Shutdown { deadline, budget, reply }) => {
                        let op = if self.delete_on_shutdown { Op::Delete } else { Op::Send(self.method) };
                        let r = self.execute(op, Source::Snapshot, true, deadline, budget).await;
                        reply.send(r);
                        return;
                    }
                    Some(Command::Stop) => return,
                    // Every handle is gone without a shutdown (it always sends one first, so
                    // this only happens if it could not): nothing left to do.
                    None => return,
                },
                _ = tick(&mut ticker) => {
                    let deadline = Instant::now() + self.timeout;
                    let op = Op::Send(self.method);
                    if let Err(e) = self.execute(op, Source::Snapshot, false, deadline, self.timeout).await {
                        tracing::warn!(error = %e, "census-pushgateway: periodic push failed");
                    }
                }
            }
        }
    }

    /// Encodes (for PUT/POST) and sends or prints one request.
    async fn execute(
        &mut self,
        op: Op,
        source: Source,
        is_final: bool,
        deadline: Instant,
        budget: Duration,
    ) -> Result<(), PushError> {
        let op = match op {
            Op::Delete => Op::Delete,
            Op::Send(mut method) => {
                let mut data: Vec<ViewData> = match source {
                    Source::Snapshot => self.meter.snapshot().to_vec(),
                    Source::Given(d) => d.to_vec(),
                };
                if is_final && self.outcome.enabled() {
                    data.extend(self.outcome.final_data());
                    if self.outcome.failed() {
                        method = Method::Post;
                    }
                }
                self.encoder.encode(&data, &mut self.buf)?;
                Op::Send(method)
            }
        };
        match &mut self.sink {
            Sink::Print(w) => {
                if op == Op::Delete {
                    tracing::info!(url = %self.url, "census-pushgateway print mode: DELETE not sent");
                    return Ok(());
                }
                let mut w = w.lock().unwrap_or_else(|e| e.into_inner());
                w.write_all(&self.buf)
                    .and_then(|()| w.flush())
                    .map_err(|source| PushError::Print { source })
            }
            Sink::Http(http) => {
                let body = match op {
                    Op::Delete => None,
                    Op::Send(_) if self.gzip => Some(Bytes::from(gzip(&self.buf))),
                    Op::Send(_) => Some(Bytes::copy_from_slice(&self.buf)),
                };
                http.send(Request {
                    op,
                    body,
                    deadline,
                    budget,
                })
                .await
            }
        }
    }
}

async fn tick(ticker: &mut Option<Interval>) {
    match ticker {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending().await,
    }
}
