//! The open connections and their limits: see [`Limits`] and [`Open::admit`].
//!
//! Idle and slow clients must not lock scrapers out. A connection holds its place only while
//! it is answering a request: at the connection limit, a new connection closes the open one
//! that has been waiting longest with nothing to answer (a request head still arriving, or an
//! idle keep-alive), so 200 slowloris connections cannot keep a scrape waiting; a new
//! connection is not closed in its first [`EVICTION_GRACE`], so clients that reconnect as fast
//! as they are closed cannot evict a scrape before its request is read. A request head
//! must arrive within the header-read timeout, and a connection idle for the idle timeout is
//! closed. How many scrapes run at once is limited separately (503 beyond).

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::service::MetricsService;

/// The connection limits of a server.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub(super) max_connections: usize,
    pub(super) header_read_timeout: Duration,
    pub(super) idle_timeout: Duration,
}

/// One open connection.
#[derive(Debug)]
struct Conn {
    /// Requests being answered now.
    busy: AtomicUsize,
    /// When it last finished answering (or was accepted), in ms since the server started.
    last_active_ms: AtomicU64,
    /// When it was accepted, in ms since the server started (see [`EVICTION_GRACE`]).
    accepted_ms: u64,
    close: Notify,
}

/// How long a new connection keeps its place whatever arrives after it: time to send its
/// request even while reconnecting slowloris clients are evicting each other at full speed
/// (without it, 1 scrape in a few thousand was closed unanswered under such a flood). It also
/// bounds evictions to the connection limit per grace.
const EVICTION_GRACE: Duration = Duration::from_millis(20);

/// Every open connection, oldest first.
#[derive(Debug)]
pub(super) struct Open {
    conns: Mutex<Vec<(u64, Arc<Conn>)>>,
    next_id: AtomicU64,
    epoch: Instant,
}

impl Open {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Open {
            conns: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(0),
            epoch: Instant::now(),
        })
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// Serves `stream` under `limits` on a task of its own, first closing the connection that
    /// waited longest with nothing to answer when the limit is reached. When every open
    /// connection is answering a request, `stream` is closed instead (the server is at its
    /// limit of work, not of idle sockets). When the only connections with nothing to answer
    /// are still in their [`EVICTION_GRACE`], `stream` is handed back with the time to try
    /// again.
    pub(super) fn admit(
        self: &Arc<Self>,
        stream: TcpStream,
        service: &MetricsService,
        limits: Limits,
        graceful: &GracefulShutdown,
    ) -> Result<(), (TcpStream, Instant)> {
        let now_ms = self.now_ms();
        let grace_ms = EVICTION_GRACE.as_millis() as u64;
        let conn = Arc::new(Conn {
            busy: AtomicUsize::new(0),
            last_active_ms: AtomicU64::new(now_ms),
            accepted_ms: now_ms,
            close: Notify::new(),
        });
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        {
            let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
            if conns.len() >= limits.max_connections {
                let idle = conns
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, c))| c.busy.load(Ordering::Acquire) == 0);
                let victim = idle
                    .clone()
                    .filter(|(_, (_, c))| c.accepted_ms.saturating_add(grace_ms) <= now_ms)
                    .min_by_key(|(_, (_, c))| c.last_active_ms.load(Ordering::Relaxed))
                    .map(|(i, _)| i);
                match victim {
                    Some(i) => conns.remove(i).1.close.notify_one(),
                    None => match idle.map(|(_, (_, c))| c.accepted_ms).min() {
                        Some(first_ms) => {
                            let at = first_ms.saturating_add(grace_ms).saturating_sub(now_ms);
                            return Err((stream, Instant::now() + Duration::from_millis(at)));
                        }
                        None => return Ok(()), // dropping `stream` closes it
                    },
                }
            }
            conns.push((id, conn.clone()));
        }
        let in_handler = conn.clone();
        let open = self.clone();
        let service = service.clone();
        let handler = service_fn(move |req: Request<Incoming>| {
            let service = service.clone();
            let conn = in_handler.clone();
            let open = open.clone();
            conn.busy.fetch_add(1, Ordering::AcqRel);
            async move {
                // Encoding is CPU work: keep it off the connection-driving task.
                let response = tokio::task::spawn_blocking(move || service.respond(&req))
                    .await
                    .unwrap_or_else(|_| {
                        let mut r = Response::new(Default::default());
                        *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                        r
                    });
                conn.last_active_ms.store(open.now_ms(), Ordering::Relaxed);
                conn.busy.fetch_sub(1, Ordering::AcqRel);
                Ok::<_, Infallible>(response)
            }
        });
        let served = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .serve_connection(TokioIo::new(stream), handler);
        let served = graceful.watch(served);
        let open = self.clone();
        tokio::spawn(async move {
            tokio::pin!(served);
            loop {
                let idle_for = Duration::from_millis(
                    open.now_ms()
                        .saturating_sub(conn.last_active_ms.load(Ordering::Relaxed)),
                );
                let wait = limits.idle_timeout.saturating_sub(idle_for);
                tokio::select! {
                    r = &mut served => {
                        if let Err(e) = r {
                            tracing::debug!(error = %e, "census prometheus server: connection ended");
                        }
                        break;
                    }
                    () = conn.close.notified() => break, // evicted: dropping it closes it
                    () = tokio::time::sleep(wait) => {
                        if conn.busy.load(Ordering::Acquire) == 0 && wait.is_zero() {
                            break; // idle too long
                        }
                    }
                }
            }
            open.conns
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|(i, _)| *i != id);
        });
        Ok(())
    }
}
