//! See [`Pushgateway`] for details.

use std::sync::Arc;
use std::time::Duration;

use census_export::{BoxError, CallError, Ending, ExportGuard, Finish, Worker, WorkerError};
use census_sdk::{ExportError, Exporter, Snapshot};

use crate::body::BodyEncoder;
use crate::error::PushError;
use crate::format::Method;
use crate::grouping::GroupingKey;
use crate::send::{Command, Config, Push};

/// A Pushgateway exporter: pushes a meter's views to one group of a Prometheus Pushgateway,
/// and never loses the last metrics of a job that ends.
///
/// Cheap to clone; every clone is a handle to the same exporter and its worker thread.
///
/// - **Explicit pushes:** [`push`](Self::push) with a [`Method`] (`Put` replaces the group,
///   `Post` replaces the families pushed, `Delete` removes the group), and its blocking twin
///   [`push_blocking`](Self::push_blocking). Errors are returned, never panicked.
/// - **On exit:** [`shutdown`](Self::shutdown) does the final push once (later calls do
///   nothing); [`guard`](Self::guard) returns census-export's [`ExportGuard`], which calls it on
///   drop, also during a panic; dropping the last handle calls it too; `std::process::exit`
///   calls it (census-export's exit hook); SIGTERM/SIGINT on request
///   ([`crate::PushgatewayBuilder::with_signal_handling`]). All are bounded by the timeout, so
///   a dead gateway never hangs a job; failures on these paths are logged through `tracing`.
/// - **Anywhere:** the HTTP work runs on the exporter's own worker thread and runtime
///   (census-export's `Worker`), so every method works in a plain `fn main` and inside tokio
///   current-thread and multi-thread runtimes.
///
/// ```
/// use census_pushgateway::Pushgateway;
/// use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};
///
/// let meter = Meter::new();
/// let rows = Int64Measure::new("doc.io/pg_rows", "Rows copied", "1").unwrap();
/// let view = View::new("rows_copied", "Rows copied", [TagKey::new("table").unwrap()], &rows, Aggregation::Sum)
///     .unwrap();
/// meter.view_manager().register(&view).unwrap();
/// meter.record_with_tags(&TagMap::from_pairs(&[("table", "users")]).unwrap(), &[rows.m(42)]);
///
/// let pg = Pushgateway::builder("http://127.0.0.1:9091", "backup")
///     .with_meter(meter)
///     .with_namespace("db")
///     .build()
///     .unwrap();
/// // Exactly what a push sends:
/// assert_eq!(
///     String::from_utf8(pg.body().unwrap()).unwrap(),
///     "# HELP db_rows_copied Rows copied\n# TYPE db_rows_copied counter\ndb_rows_copied{table=\"users\"} 42\n"
/// );
/// // A real job would `pg.push_blocking(Method::Put)?` or keep `pg.guard()` alive until it ends.
/// # pg.discard();
/// ```
#[derive(Clone, Debug)]
pub struct Pushgateway {
    shared: Arc<Shared>,
}

/// What every handle shares: the worker and the configuration it also reads. Its drop is the
/// last handle's drop.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) worker: Worker<Push>,
    pub(crate) config: Arc<Config>,
}

impl Pushgateway {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Pushgateway { shared }
    }

    /// Sends a snapshot of the meter with `method` (for `Delete`: removes the group), awaiting
    /// the answer; works in any runtime (or none).
    ///
    /// # Errors
    /// A [`PushError`]: the gateway's answer, unreachable, deadline passed, a reserved label,
    /// shut down.
    pub async fn push(&self, method: Method) -> Result<(), PushError> {
        let cmd = Command { method, data: None };
        let r = self
            .shared
            .worker
            .call(cmd, self.shared.config.timeout)
            .await;
        r.map_err(push_error)
    }

    /// [`push`](Self::push), waiting on the calling thread (at most the timeout and a short
    /// grace).
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn push_blocking(&self, method: Method) -> Result<(), PushError> {
        self.shared.send(method, None)
    }

    /// The final push (or delete, with
    /// [`crate::PushgatewayBuilder::with_delete_on_shutdown`]), then the worker stops. Waits
    /// at most `timeout` (plus a short grace) on the calling thread; fine to call from async
    /// code and from a signal handler thread.
    ///
    /// Idempotent: only the first call pushes; later calls return `Ok(())` at once (a call
    /// racing the first one waits for it). Pushes after shutdown fail with
    /// [`PushError::ShutDown`].
    ///
    /// # Errors
    /// The final push's [`PushError`]; a job may turn it into a non-zero exit code.
    pub fn shutdown(&self, timeout: Duration) -> Result<(), PushError> {
        self.shared.worker.shutdown(timeout).map_err(push_error)
    }

    /// Whether [`shutdown`](Self::shutdown) or [`discard`](Self::discard) ran.
    pub fn is_shut_down(&self) -> bool {
        self.shared.worker.is_shut_down()
    }

    /// A guard that calls [`shutdown`](Self::shutdown) with the configured timeout when
    /// dropped, marking the run failed if the drop happens during a panic. Its
    /// [`finish`](ExportGuard::finish) returns the final push's error (displayed as the
    /// [`PushError`]; `downcast_ref::<PushError>()` gets it back).
    ///
    /// ```
    /// use census_pushgateway::Pushgateway;
    /// let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    /// # #[derive(Clone)] struct W(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    /// # impl std::io::Write for W {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().write(b) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// let pg = Pushgateway::builder("http://127.0.0.1:9091", "job")
    ///     .with_meter(census_sdk::Meter::new())
    ///     .with_job_outcome_metrics(true)
    ///     .with_print_to(W(out.clone()))
    ///     .build()
    ///     .unwrap();
    /// let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
    ///     let _guard = pg.guard();
    ///     panic!("the job failed");
    /// }));
    /// assert!(result.is_err());
    /// let printed = String::from_utf8(out.lock().unwrap().clone()).unwrap();
    /// assert!(printed.contains("job_last_run_success 0\n"), "{printed}");
    /// assert!(pg.is_shut_down());
    /// ```
    pub fn guard(&self) -> ExportGuard {
        ExportGuard::new().with(Arc::new(self.clone()))
    }

    /// Marks this run as failed (for the job outcome gauges).
    pub fn mark_failed(&self) {
        self.shared.config.outcome.set_failed(true);
    }

    /// Marks this run as succeeded again (the default).
    pub fn mark_succeeded(&self) {
        self.shared.config.outcome.set_failed(false);
    }

    /// The group URL pushes go to, e.g. `http://127.0.0.1:9091/metrics/job/backup`.
    pub fn url(&self) -> &str {
        &self.shared.config.url
    }

    /// The job and grouping labels.
    pub fn grouping_key(&self) -> &GroupingKey {
        &self.shared.config.key
    }

    /// The body a push would send now (before gzip), encoded on the calling thread.
    ///
    /// # Errors
    /// [`PushError::ReservedLabel`] as a push would.
    pub fn body(&self) -> Result<Vec<u8>, PushError> {
        let config = &self.shared.config;
        let mut enc = BodyEncoder::new(config.options.clone(), config.format);
        let mut out = Vec::new();
        enc.encode(&config.meter.snapshot(), &mut out)?;
        Ok(out)
    }

    /// Stops the exporter **without** a final push: later pushes fail with
    /// [`PushError::ShutDown`] and neither a guard nor the last handle's drop nor the exit hook
    /// sends anything. For a run that must leave the gateway untouched (a dry run, a cancelled
    /// job).
    pub fn discard(&self) {
        self.shared.worker.discard();
    }
}

impl Shared {
    fn send(&self, method: Method, data: Option<Snapshot>) -> Result<(), PushError> {
        let cmd = Command { method, data };
        let r = self.worker.call_blocking(cmd, self.config.timeout);
        r.map_err(push_error)
    }

    fn finish_run(&self, ending: Ending) -> Result<(), PushError> {
        if self.worker.is_shut_down() {
            return Ok(());
        }
        if ending.failed() {
            self.config.outcome.set_failed(true);
            tracing::warn!(
                ?ending,
                "census-pushgateway: the run failed, pushing before exit"
            );
        }
        self.worker
            .shutdown(self.config.timeout)
            .map_err(push_error)
    }
}

fn push_error(e: CallError<PushError>) -> PushError {
    match e {
        CallError::Handler(e) => e,
        CallError::Worker(WorkerError::ShutDown { .. }) => PushError::ShutDown,
        CallError::Worker(e) => PushError::Worker(e),
    }
}

/// The exit hook (census-export's registry) finishes the exporter on `std::process::exit` and
/// on a handled signal.
impl Finish for Shared {
    fn name(&self) -> &str {
        "pushgateway"
    }

    fn finish(&self, ending: Ending) -> Result<(), BoxError> {
        self.finish_run(ending).map_err(Into::into)
    }
}

/// What [`Pushgateway::guard`] and the umbrella's guard finish.
impl Finish for Pushgateway {
    fn name(&self) -> &str {
        "pushgateway"
    }

    fn finish(&self, ending: Ending) -> Result<(), BoxError> {
        self.shared.finish_run(ending).map_err(Into::into)
    }

    fn url(&self) -> Option<&str> {
        Some(&self.shared.config.url)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        let ending = if std::thread::panicking() {
            Ending::Panic
        } else {
            Ending::Normal
        };
        if let Err(e) = self.finish_run(ending) {
            tracing::error!(error = %e, "census-pushgateway: final push on drop failed");
        }
    }
}

/// Lets a meter's reporting thread feed the exporter: each export is a blocking push of the
/// given snapshot with the configured method (nothing is queued, so `flush` has nothing to
/// do). Use either this or the exporter's own snapshots (explicit calls, interval, shutdown)
/// for one meter, not both, or the group is pushed twice.
impl Exporter for Pushgateway {
    fn export(&self, snapshot: &Snapshot) -> Result<(), ExportError> {
        let r = self
            .shared
            .send(self.shared.config.method, Some(snapshot.clone()));
        r.map_err(export_error)
    }

    fn shutdown(&self, timeout: Duration) -> Result<(), ExportError> {
        Pushgateway::shutdown(self, timeout).map_err(export_error)
    }
}

fn export_error(e: PushError) -> ExportError {
    match e {
        PushError::ShutDown => ExportError::ShutDown {
            exporter: "census-pushgateway".into(),
        },
        e => ExportError::failed("census-pushgateway", e),
    }
}
