//! See [`Pushgateway`] for details.

use std::sync::Arc;
use std::time::Duration;

use census_export::{BoxError, CallError, Ending, ExportGuard, Finish, Lifecycle, WorkerError};
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
/// Explicit pushes are [`push`](Self::push) / [`push_blocking`](Self::push_blocking) with a
/// [`Method`]; errors are returned, never panicked. The final push happens once, whichever
/// comes first: [`shutdown`](Self::shutdown), a [`guard`](Self::guard)'s drop (also during a
/// panic), the last handle's drop, `std::process::exit`, or SIGTERM/SIGINT on request
/// ([`crate::PushgatewayBuilder::with_signal_handling`]); each is bounded by the timeout, so a
/// dead gateway never hangs a job.
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
    /// The worker and its end (census-export's); its drop is the last handle's drop.
    pub(crate) life: Arc<Lifecycle<Push>>,
    /// The checked configuration the worker also reads.
    pub(crate) config: Arc<Config>,
}

impl Pushgateway {
    /// Sends a snapshot of the meter with `method` (for `Delete`: removes the group), awaiting
    /// the answer; works in any runtime (or none).
    ///
    /// # Errors
    /// A [`PushError`]: the gateway's answer, unreachable, deadline passed, a reserved label,
    /// shut down.
    pub async fn push(&self, method: Method) -> Result<(), PushError> {
        let cmd = Command { method, data: None };
        let r = self.life.worker().call(cmd, self.config.timeout).await;
        r.map_err(push_error)
    }

    /// [`push`](Self::push), waiting on the calling thread (at most the timeout and a short
    /// grace).
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn push_blocking(&self, method: Method) -> Result<(), PushError> {
        self.send(method, None)
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
        self.life.worker().shutdown(timeout).map_err(push_error)
    }

    /// Whether [`shutdown`](Self::shutdown) or [`discard`](Self::discard) ran.
    pub fn is_shut_down(&self) -> bool {
        self.life.worker().is_shut_down()
    }

    /// A guard that calls [`shutdown`](Self::shutdown) with the configured timeout when
    /// dropped, marking the run failed if the drop happens during a panic (see
    /// [`ExportGuard`]). Its [`finish`](ExportGuard::finish) returns the final push's error
    /// (`downcast_ref::<PushError>()` gets it back).
    ///
    /// ```
    /// use census_pushgateway::Pushgateway;
    /// let pg = Pushgateway::builder("http://127.0.0.1:9091", "job")
    ///     .with_meter(census_sdk::Meter::new())
    ///     .with_job_outcome_metrics(true)
    ///     .with_print_to(std::io::sink())
    ///     .build()
    ///     .unwrap();
    /// let result = std::panic::catch_unwind(|| {
    ///     let _guard = pg.guard();
    ///     panic!("the job failed");
    /// });
    /// assert!(result.is_err());
    /// assert!(pg.is_shut_down());
    /// ```
    pub fn guard(&self) -> ExportGuard {
        ExportGuard::new().with(Arc::new(self.clone()))
    }

    /// Marks this run as failed (for the job outcome gauges).
    pub fn mark_failed(&self) {
        self.config.outcome.set_failed(true);
    }

    /// The group URL pushes go to, e.g. `http://127.0.0.1:9091/metrics/job/backup`.
    pub fn url(&self) -> &str {
        &self.config.url
    }

    /// The job and grouping labels.
    pub fn grouping_key(&self) -> &GroupingKey {
        &self.config.key
    }

    /// The body a push would send now (before gzip), encoded on the calling thread.
    ///
    /// # Errors
    /// [`PushError::ReservedLabel`] as a push would.
    pub fn body(&self) -> Result<Vec<u8>, PushError> {
        let config = &self.config;
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
        self.life.worker().discard();
    }
}

impl Pushgateway {
    fn send(&self, method: Method, data: Option<Snapshot>) -> Result<(), PushError> {
        let cmd = Command { method, data };
        let r = self.life.worker().call_blocking(cmd, self.config.timeout);
        r.map_err(push_error)
    }
}

fn push_error(e: CallError<PushError>) -> PushError {
    match e {
        CallError::Handler(e) => e,
        CallError::Worker(WorkerError::ShutDown { .. }) => PushError::ShutDown,
        CallError::Worker(e) => PushError::Worker(e),
    }
}

/// What [`Pushgateway::guard`] and the umbrella's guard finish: the [`Lifecycle`]'s final push.
impl Finish for Pushgateway {
    fn name(&self) -> &str {
        self.life.name()
    }

    fn finish(&self, ending: Ending) -> Result<(), BoxError> {
        let r = self.life.finish_run(ending);
        r.map_err(|e| push_error(e).into())
    }

    fn url(&self) -> Option<&str> {
        self.life.url()
    }
}

/// Lets a meter's reporting thread feed the exporter: each export is a blocking push of the
/// given snapshot with the configured method (nothing is queued, so `flush` has nothing to
/// do). Use either this or the exporter's own snapshots (explicit calls, interval, shutdown)
/// for one meter, not both, or the group is pushed twice.
impl Exporter for Pushgateway {
    fn export(&self, snapshot: &Snapshot) -> Result<(), ExportError> {
        let r = self.send(self.config.method, Some(snapshot.clone()));
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
