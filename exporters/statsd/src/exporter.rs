//! See [`Statsd`] for details.

use std::sync::Arc;
use std::time::Duration;

use census_export::{BoxError, CallError, Ending, ExportGuard, Finish, Lifecycle, WorkerError};
use census_sdk::{ExportError, Exporter, Snapshot};

use crate::batch::{Batch, Config};
use crate::error::SendError;
use crate::flavor::Flavor;
use crate::stats::StatsdStats;

/// A StatsD exporter in batch mode: each export sends what changed since the previous one
/// (counter deltas, gauges) over UDP, whole lines packed into datagrams.
///
/// Cheap to clone; every clone is a handle to the same exporter and its worker thread. The
/// final export happens once, whichever comes first: [`shutdown`](Self::shutdown), a
/// [`guard`](Self::guard)'s drop (also during a panic), the last handle's drop,
/// `std::process::exit`, or SIGTERM/SIGINT on request
/// ([`crate::StatsdBuilder::with_signal_handling`]). Send failures are logged and counted
/// ([`stats`](Self::stats)); only explicit exports return them.
///
/// ```
/// use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};
/// use census_statsd::Statsd;
///
/// let meter = Meter::new();
/// let rows = Int64Measure::new("doc.io/statsd_rows", "Rows copied", "1").unwrap();
/// let view = View::new("rows_copied", "", [TagKey::new("table").unwrap()], &rows, Aggregation::Sum).unwrap();
/// meter.view_manager().register(&view).unwrap();
/// meter.record_with_tags(&TagMap::from_pairs(&[("table", "users")]).unwrap(), &[rows.m(42)]);
///
/// let server = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
/// let statsd = Statsd::builder(server.local_addr().unwrap().to_string())
///     .with_namespace("db")
///     .with_meter(meter)
///     .build()
///     .unwrap();
/// statsd.export_blocking().unwrap();
/// let mut buf = [0; 1500];
/// let n = server.recv(&mut buf).unwrap();
/// assert_eq!(&buf[..n], b"db.rows_copied:42|c|#table:users");
/// assert_eq!(statsd.stats().datagrams, 1);
/// statsd.shutdown(std::time::Duration::from_secs(1)).unwrap(); // nothing changed: nothing sent
/// assert_eq!(statsd.stats().datagrams, 1);
/// ```
#[derive(Clone, Debug)]
pub struct Statsd {
    pub(crate) life: Arc<Lifecycle<Batch>>,
    pub(crate) config: Arc<Config>,
    pub(crate) flavor: Flavor,
}

impl Statsd {
    /// Exports what changed since the previous export, waiting on the calling thread (at most
    /// the timeout and a short grace).
    ///
    /// # Errors
    /// A [`SendError`]: the host did not resolve, datagrams failed, shut down.
    pub fn export_blocking(&self) -> Result<(), SendError> {
        let r = self.life.worker().call_blocking(None, self.config.timeout);
        r.map_err(send_error)
    }

    /// [`export_blocking`](Self::export_blocking), awaiting the answer (any runtime, or none).
    ///
    /// # Errors
    /// As [`export_blocking`](Self::export_blocking).
    pub async fn export(&self) -> Result<(), SendError> {
        let r = self.life.worker().call(None, self.config.timeout).await;
        r.map_err(send_error)
    }

    /// The final export, then the worker stops. Idempotent: later calls return `Ok(())`.
    ///
    /// # Errors
    /// The final export's [`SendError`].
    pub fn shutdown(&self, timeout: Duration) -> Result<(), SendError> {
        self.life.worker().shutdown(timeout).map_err(send_error)
    }

    /// Stops without a final export (nothing more is sent, by anything).
    pub fn discard(&self) {
        self.life.worker().discard();
    }

    /// Whether [`shutdown`](Self::shutdown) or [`discard`](Self::discard) ran.
    pub fn is_shut_down(&self) -> bool {
        self.life.worker().is_shut_down()
    }

    /// A guard whose drop does the final export (a failed run when dropped in a panic).
    pub fn guard(&self) -> ExportGuard {
        ExportGuard::new().with(Arc::new(self.clone()))
    }

    /// What the exporter did so far.
    pub fn stats(&self) -> StatsdStats {
        self.config.counters.snapshot()
    }

    /// The exporter's own metrics (exports by result, durations, bytes sent).
    pub fn self_metrics(&self) -> Snapshot {
        self.config.self_metrics.snapshot()
    }

    /// The server address as given (`host:port`).
    pub fn addr(&self) -> &str {
        &self.config.addr
    }

    /// The flavour.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    fn send(&self, data: Snapshot) -> Result<(), SendError> {
        let r = self
            .life
            .worker()
            .call_blocking(Some(data), self.config.timeout);
        r.map_err(send_error)
    }
}

fn send_error(e: CallError<SendError>) -> SendError {
    match e {
        CallError::Handler(e) => e,
        CallError::Worker(WorkerError::ShutDown { .. }) => SendError::ShutDown,
        CallError::Worker(e) => SendError::Worker(e),
    }
}

/// What [`Statsd::guard`] and the umbrella's guard finish: the final export.
impl Finish for Statsd {
    fn name(&self) -> &str {
        self.life.name()
    }

    fn finish(&self, ending: Ending) -> Result<(), BoxError> {
        let r = self.life.finish_run(ending);
        r.map_err(|e| send_error(e).into())
    }

    fn url(&self) -> Option<&str> {
        self.life.url()
    }
}

/// Lets a meter's reporting thread feed the exporter: each export sends the deltas of the
/// given snapshot. Mixing it with the exporter's own snapshots is safe (deltas are taken
/// against whatever was sent last).
impl Exporter for Statsd {
    fn export(&self, snapshot: &Snapshot) -> Result<(), ExportError> {
        self.send(snapshot.clone()).map_err(export_error)
    }

    fn shutdown(&self, timeout: Duration) -> Result<(), ExportError> {
        Statsd::shutdown(self, timeout).map_err(export_error)
    }
}

fn export_error(e: SendError) -> ExportError {
    match e {
        SendError::ShutDown => ExportError::ShutDown {
            exporter: "census-statsd".into(),
        },
        e => ExportError::failed("census-statsd", e),
    }
}
