//! The `/metrics` HTTP server (feature `server`): see [`Server`] for details.

mod connections;
mod service;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::thread::JoinHandle;
use std::time::Duration;

use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;

pub use service::MetricsService;

use connections::{Limits, Open};

use crate::error::{BuildError, ServeError};
use crate::exporter::PrometheusExporter;

/// `127.0.0.1:9464`: OpenTelemetry's Prometheus exporter port, on loopback only. To let a
/// Prometheus on another host scrape, bind all interfaces:
/// `.with_address("0.0.0.0:9464".parse()?)` (and mind your firewall).
pub const DEFAULT_ADDRESS: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 9464);

/// The default scrape path.
pub const DEFAULT_PATH: &str = "/metrics";

/// Open connections at most, unless set otherwise. Only connections answering a request hold
/// their place: at the limit, a new connection closes the open one that has waited longest
/// with nothing to answer (a request head still arriving, an idle keep-alive), so idle and slow
/// clients cannot lock scrapers out. Concurrent scrapes are limited separately
/// ([`crate::DEFAULT_MAX_CONCURRENT_SCRAPES`], 503 beyond).
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;

/// How long a client may take to send a whole request head, unless set otherwise.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a connection may stay open with nothing to answer, unless set otherwise (longer
/// than Prometheus's default 1 min scrape interval, so its keep-alive survives).
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// How long a graceful shutdown waits for open connections, unless set otherwise.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// The scrape server: `GET`/`HEAD` on the metrics path, 404 elsewhere, 405 for other methods,
/// gzip when accepted, at most a few concurrent scrapes (503 beyond), graceful shutdown.
///
/// In an async app, [`Server::bind`] then [`BoundServer::serve_with_shutdown`]; in an app
/// without a runtime, [`Server::start`] runs it on its own thread.
///
/// ```no_run
/// use census_prometheus::Server;
///
/// // Blocking apps: a background thread with its own runtime.
/// let server = Server::builder().build()?.start()?;
/// println!("metrics at {}", server.url());
/// // ... the app runs ...
/// server.shutdown()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// ```no_run
/// use census_prometheus::Server;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// // Async apps: serve until Ctrl-C, then finish open scrapes.
/// let bound = Server::builder().build()?.bind().await?;
/// println!("metrics at http://{}/metrics", bound.local_addr());
/// bound.serve_with_shutdown(async { let _ = tokio::signal::ctrl_c().await; }).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Server {
    exporter: PrometheusExporter,
    address: SocketAddr,
    path: String,
    limits: Limits,
    shutdown_timeout: Duration,
}

/// Builds a [`Server`]; see there.
#[derive(Debug, Clone)]
pub struct ServerBuilder {
    exporter: Option<PrometheusExporter>,
    address: SocketAddr,
    path: String,
    limits: Limits,
    shutdown_timeout: Duration,
}

impl ServerBuilder {
    /// The exporter to serve (default: `PrometheusExporter::builder().build()`, every started
    /// meter, Go's exposition, no namespace).
    pub fn with_exporter(mut self, exporter: PrometheusExporter) -> Self {
        self.exporter = Some(exporter);
        self
    }

    /// The address to listen on (default [`DEFAULT_ADDRESS`]; port 0 picks a free port).
    pub fn with_address(mut self, address: SocketAddr) -> Self {
        self.address = address;
        self
    }

    /// The scrape path (default [`DEFAULT_PATH`]).
    pub fn with_path(mut self, path: &str) -> Self {
        self.path = path.into();
        self
    }

    /// Open connections at most (default [`DEFAULT_MAX_CONNECTIONS`]; see there how idle
    /// ones make room).
    pub fn with_max_connections(mut self, max: usize) -> Self {
        self.limits.max_connections = max;
        self
    }

    /// How long a client may take to send a request head (default
    /// [`DEFAULT_HEADER_READ_TIMEOUT`]; 1 ms to 1 h).
    pub fn with_header_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.header_read_timeout = timeout;
        self
    }

    /// How long a connection may stay open with nothing to answer (default
    /// [`DEFAULT_IDLE_TIMEOUT`]; 1 ms to 1 h).
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle_timeout = timeout;
        self
    }

    /// How long shutdown waits for open connections (default [`DEFAULT_SHUTDOWN_TIMEOUT`]).
    pub fn with_shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// The server (not yet listening).
    ///
    /// # Errors
    /// [`BuildError::InvalidPath`] unless the path starts with `/` and has no `?` or `#`;
    /// [`BuildError::ZeroLimit`] for zero connections.
    pub fn build(self) -> Result<Server, BuildError> {
        if !self.path.starts_with('/') || self.path.contains(['?', '#', ' ']) {
            return Err(BuildError::InvalidPath { path: self.path });
        }
        if self.limits.max_connections == 0 {
            return Err(BuildError::ZeroLimit {
                setting: "max_connections",
            });
        }
        let range = Duration::from_millis(1)..=Duration::from_secs(3600);
        for (setting, value) in [
            ("header_read_timeout", self.limits.header_read_timeout),
            ("idle_timeout", self.limits.idle_timeout),
            ("shutdown_timeout", self.shutdown_timeout),
        ] {
            if !range.contains(&value) {
                return Err(BuildError::DurationOutOfRange { setting, value });
            }
        }
        let exporter = match self.exporter {
            Some(e) => e,
            None => PrometheusExporter::builder().build()?,
        };
        Ok(Server {
            exporter,
            address: self.address,
            path: self.path,
            limits: self.limits,
            shutdown_timeout: self.shutdown_timeout,
        })
    }
}

impl Server {
    /// Starts a server definition with the defaults.
    pub fn builder() -> ServerBuilder {
        ServerBuilder {
            exporter: None,
            address: DEFAULT_ADDRESS,
            path: DEFAULT_PATH.into(),
            limits: Limits {
                max_connections: DEFAULT_MAX_CONNECTIONS,
                header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
                idle_timeout: DEFAULT_IDLE_TIMEOUT,
            },
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
        }
    }

    /// The exporter served.
    pub fn exporter(&self) -> &PrometheusExporter {
        &self.exporter
    }

    /// Listens on the address (inside a tokio runtime).
    ///
    /// # Errors
    /// [`ServeError::Bind`] when the address cannot be bound.
    pub async fn bind(self) -> Result<BoundServer, ServeError> {
        let listener = listen(self.address).map_err(|source| ServeError::Bind {
            address: self.address,
            source,
        })?;
        let local_addr = listener.local_addr().map_err(|source| ServeError::Bind {
            address: self.address,
            source,
        })?;
        Ok(BoundServer {
            listener,
            local_addr,
            service: MetricsService::on_path(self.exporter, &self.path),
            path: self.path,
            limits: self.limits,
            shutdown_timeout: self.shutdown_timeout,
        })
    }

    /// Runs the server on a new thread with its own single-threaded tokio runtime, for apps
    /// without one. Returns once the server listens.
    ///
    /// # Errors
    /// [`ServeError::Bind`] when the address cannot be bound, [`ServeError::Runtime`] when the
    /// thread or runtime cannot be created.
    pub fn start(self) -> Result<ServerHandle, ServeError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("census-prometheus".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(source) => {
                        let _ = ready_tx.send(Err(ServeError::Runtime { source }));
                        return Ok(());
                    }
                };
                rt.block_on(async move {
                    let bound = match self.bind().await {
                        Ok(b) => b,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return Ok(());
                        }
                    };
                    let _ = ready_tx.send(Ok((bound.local_addr, bound.path.clone())));
                    bound
                        .serve_with_shutdown(async {
                            let _ = stop_rx.await;
                        })
                        .await
                })
            })
            .map_err(|source| ServeError::Runtime { source })?;
        match ready_rx.recv() {
            Ok(Ok((local_addr, path))) => Ok(ServerHandle {
                local_addr,
                path,
                stop: Some(stop_tx),
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => Err(match thread.join() {
                Err(_) => ServeError::Panicked,
                Ok(_) => ServeError::Runtime {
                    source: std::io::Error::other("server thread ended before listening"),
                },
            }),
        }
    }
}

/// Connections the kernel queues before the server accepts them. std's and tokio's 128 fill up
/// while a flood of reconnecting clients is being made room for, and a scraper's SYN is then
/// dropped (a 1 s retransmit). The kernel caps it at `net.core.somaxconn`.
const LISTEN_BACKLOG: u32 = 1024;

/// A listener on `address` with [`LISTEN_BACKLOG`].
fn listen(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // As std and tokio do on Unix: a restarted server binds its port again at once.
    #[cfg(not(windows))]
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// A listening server, ready to serve; see [`Server::bind`].
#[derive(Debug)]
pub struct BoundServer {
    listener: TcpListener,
    local_addr: SocketAddr,
    service: MetricsService,
    path: String,
    limits: Limits,
    shutdown_timeout: Duration,
}

impl BoundServer {
    /// The address listened on (with the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `signal` completes, then stops accepting, lets open connections finish
    /// their current request (up to the shutdown timeout) and returns.
    ///
    /// # Errors
    /// [`ServeError::ShutdownTimedOut`] when connections were still open at the timeout.
    pub async fn serve_with_shutdown<F>(self, signal: F) -> Result<(), ServeError>
    where
        F: Future<Output = ()>,
    {
        let graceful = GracefulShutdown::new();
        let open = Open::new();
        let service = self.service;
        tokio::pin!(signal);
        'accept: loop {
            let mut stream = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: back off, keep serving.
                        tracing::warn!(error = %e, "census prometheus server: accept failed");
                        tokio::select! {
                            () = tokio::time::sleep(Duration::from_millis(100)) => continue,
                            () = &mut signal => break 'accept,
                        }
                    }
                },
                () = &mut signal => break,
            };
            // At the limit, with every idle connection still in its grace: wait for the first
            // grace to end (scrapes behind it stay queued in the listen backlog).
            while let Err((back, at)) = open.admit(stream, &service, self.limits, &graceful) {
                stream = back;
                tokio::select! {
                    () = tokio::time::sleep_until(at) => {}
                    () = &mut signal => break 'accept,
                }
            }
            // Let the new connection read its request (a scraper sends it with the handshake)
            // before the next accepts can make room by closing it: without this, a burst of
            // reconnecting slowloris connections evicts scrapes that were about to be answered.
            tokio::task::yield_now().await;
        }
        drop(self.listener);
        tokio::time::timeout(self.shutdown_timeout, graceful.shutdown())
            .await
            .map_err(|_| ServeError::ShutdownTimedOut {
                timeout: self.shutdown_timeout,
            })
    }

    /// Serves forever (until the runtime stops).
    ///
    /// # Errors
    /// As [`Self::serve_with_shutdown`].
    pub async fn serve(self) -> Result<(), ServeError> {
        self.serve_with_shutdown(std::future::pending()).await
    }
}

/// A server running on its own thread; see [`Server::start`]. Dropping it shuts the server
/// down (gracefully, waiting up to the shutdown timeout).
#[derive(Debug)]
pub struct ServerHandle {
    local_addr: SocketAddr,
    path: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), ServeError>>>,
}

impl ServerHandle {
    /// The address listened on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The scrape URL, e.g. `http://127.0.0.1:9464/metrics`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.local_addr, self.path)
    }

    /// Stops accepting, lets open scrapes finish (up to the shutdown timeout) and joins the
    /// thread.
    ///
    /// # Errors
    /// [`ServeError::ShutdownTimedOut`], or [`ServeError::Panicked`].
    pub fn shutdown(mut self) -> Result<(), ServeError> {
        self.stop_and_join()
    }

    /// Blocks until the server stops (it does not stop by itself: for a main thread with
    /// nothing else to do).
    ///
    /// # Errors
    /// As [`Self::shutdown`].
    pub fn wait(mut self) -> Result<(), ServeError> {
        let thread = self.thread.take();
        let result = thread.map_or(Ok(()), |t| t.join().unwrap_or(Err(ServeError::Panicked)));
        self.stop = None;
        result
    }

    fn stop_and_join(&mut self) -> Result<(), ServeError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(t) => t.join().unwrap_or(Err(ServeError::Panicked)),
            None => Ok(()),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Err(e) = self.stop_and_join() {
            tracing::warn!(error = %e, "census prometheus server: shutdown on drop");
        }
    }
}
