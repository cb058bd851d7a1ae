//! See [`Influx`] for details.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use census_export::{BoxError, CallError, Ending, ExportGuard, Finish, Lifecycle, WorkerError};
use census_prometheus::ExpositionOptions;
use census_sdk::{ExportError, Exporter, Snapshot};

use crate::encode::{Encoder, Naming};
use crate::error::InfluxError;
use crate::send::{Command, Config, Send};

/// An Influx line protocol exporter: writes a meter's views to VictoriaMetrics, InfluxDB 1.x
/// or 2.x over HTTP, or to any line protocol listener over UDP; the last export happens
/// however the job ends (shutdown, guard drop, last handle's drop, `std::process::exit`,
/// SIGTERM/SIGINT on request).
///
/// Cheap to clone: every clone is a handle to one exporter and its worker thread.
///
/// ```
/// use census_influx::Influx;
/// use census_sdk::{Aggregation, Float64Measure, Meter, TagMap, View};
/// let meter = Meter::new();
/// let t = Float64Measure::new("doc.io/influx_temp", "Temperature", "C").unwrap();
/// meter.view_manager().register(&View::new("room_temp", "", [], &t, Aggregation::LastValue).unwrap()).unwrap();
/// meter.record_with_tags(&TagMap::new(), &[t.m(21.5)]);
/// let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
/// # #[derive(Clone)] struct W(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
/// # impl std::io::Write for W {
/// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().write(b) }
/// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
/// # }
/// let ex = Influx::builder("udp://127.0.0.1:8089").with_meter(meter).with_print_to(W(out.clone())).build().unwrap();
/// ex.export_blocking().unwrap();
/// let printed = String::from_utf8(out.lock().unwrap().clone()).unwrap();
/// assert!(printed.starts_with("room temp=21.5 "), "{printed}");
/// ex.discard();
/// ```
#[derive(Clone, Debug)]
pub struct Influx {
    shared: Arc<Shared>,
}

/// What every handle shares; its drop is the last handle's drop.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The worker and the rules of its end (census-export's): one final export, a failed
    /// delivery reported on stderr when no `tracing` subscriber is installed.
    pub(crate) life: Lifecycle<Send>,
    pub(crate) config: Arc<Config>,
    pub(crate) naming: Naming,
    pub(crate) options: ExpositionOptions,
}

impl Influx {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Influx { shared }
    }

    /// Exports a snapshot of the meter now, awaiting the answer (any runtime, or none).
    ///
    /// # Errors
    /// An [`InfluxError`].
    pub async fn export(&self) -> Result<(), InfluxError> {
        let cmd = Command { data: None };
        let r = self
            .shared
            .life
            .worker()
            .call(cmd, self.shared.config.timeout)
            .await;
        r.map_err(influx_error)
    }

    /// [`export`](Self::export), waiting on the calling thread (at most the timeout and a
    /// short grace).
    ///
    /// # Errors
    /// As [`export`](Self::export).
    pub fn export_blocking(&self) -> Result<(), InfluxError> {
        self.shared.send(None)
    }

    /// The final export, then the worker stops. Idempotent: later calls return `Ok(())`.
    ///
    /// # Errors
    /// The final export's [`InfluxError`].
    pub fn shutdown(&self, timeout: Duration) -> Result<(), InfluxError> {
        self.shared
            .life
            .worker()
            .shutdown(timeout)
            .map_err(influx_error)
    }

    /// Stops without a final export (later exports fail with [`InfluxError::ShutDown`]).
    pub fn discard(&self) {
        self.shared.life.worker().discard();
    }

    /// Whether [`shutdown`](Self::shutdown) or [`discard`](Self::discard) ran.
    pub fn is_shut_down(&self) -> bool {
        self.shared.life.worker().is_shut_down()
    }

    /// A guard that calls [`shutdown`](Self::shutdown) when dropped (also during a panic).
    pub fn guard(&self) -> ExportGuard {
        ExportGuard::new().with(Arc::new(self.clone()))
    }

    /// Where lines go, as messages show it (secrets redacted).
    pub fn url(&self) -> &str {
        &self.shared.config.shown
    }

    /// The lines an export would send now (every line; batching splits them), encoded on the
    /// calling thread.
    pub fn body(&self) -> Vec<u8> {
        let snapshot = self.shared.config.meter.snapshot();
        let mut enc = Encoder::new(self.shared.naming, self.shared.options.clone());
        enc.encode(&snapshot, snapshot.time()).as_bytes().to_vec()
    }

    /// Field values left out so far for being NaN or ±Inf (InfluxDB refuses them).
    pub fn skipped_values(&self) -> u64 {
        self.counter(|c| &c.skipped_values)
    }

    /// Lines sent (or printed) so far.
    pub fn lines_sent(&self) -> u64 {
        self.counter(|c| &c.lines)
    }

    /// Requests or datagrams sent so far (retries not counted).
    pub fn requests_sent(&self) -> u64 {
        self.counter(|c| &c.requests)
    }

    /// Bytes sent so far (after gzip).
    pub fn bytes_sent(&self) -> u64 {
        self.counter(|c| &c.bytes)
    }

    fn counter(&self, f: impl Fn(&crate::send::Counters) -> &std::sync::atomic::AtomicU64) -> u64 {
        f(&self.shared.config.counters).load(Ordering::Relaxed)
    }
}

impl Shared {
    fn send(&self, data: Option<Snapshot>) -> Result<(), InfluxError> {
        let r = self
            .life
            .worker()
            .call_blocking(Command { data }, self.config.timeout);
        r.map_err(influx_error)
    }

    fn finish_run(&self, ending: Ending) -> Result<(), InfluxError> {
        self.life.finish_run(ending).map_err(influx_error)
    }
}

fn influx_error(e: CallError<InfluxError>) -> InfluxError {
    match e {
        CallError::Handler(e) => e,
        CallError::Worker(WorkerError::ShutDown { .. }) => InfluxError::ShutDown,
        CallError::Worker(e) => InfluxError::Worker(e),
    }
}

/// The exit hook (census-export's registry) finishes the exporter on `std::process::exit` and
/// on a handled signal.
impl Finish for Shared {
    fn name(&self) -> &str {
        "influx"
    }

    fn finish(&self, ending: Ending) -> Result<(), BoxError> {
        self.finish_run(ending).map_err(Into::into)
    }
}

/// What [`Influx::guard`] and the umbrella's guard finish.
impl Finish for Influx {
    fn name(&self) -> &str {
        "influx"
    }

    fn finish(&self, ending: Ending) -> Result<(), BoxError> {
        self.shared.finish_run(ending).map_err(Into::into)
    }

    fn url(&self) -> Option<&str> {
        Some(&self.shared.config.shown)
    }
}

/// Lets a meter's reporting thread feed the exporter: each export writes the given snapshot
/// (blocking). Use this or the exporter's own snapshots for one meter, not both.
impl Exporter for Influx {
    fn export(&self, snapshot: &Snapshot) -> Result<(), ExportError> {
        self.shared
            .send(Some(snapshot.clone()))
            .map_err(export_error)
    }

    fn shutdown(&self, timeout: Duration) -> Result<(), ExportError> {
        Influx::shutdown(self, timeout).map_err(export_error)
    }
}

fn export_error(e: InfluxError) -> ExportError {
    match e {
        InfluxError::ShutDown => ExportError::ShutDown {
            exporter: "census-influx".into(),
        },
        e => ExportError::failed("census-influx", e),
    }
}
