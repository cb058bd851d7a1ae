//! See [`Pushgateway`] for details.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use census_prometheus::{ExpositionOptions, Format};
use census_sdk::export::Exporter;
use census_sdk::{ExportError, Meter, ViewData};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use crate::body::BodyEncoder;
use crate::builder::PushgatewayBuilder;
use crate::error::{BuildError, PushError};
use crate::format::{Method, Op};
use crate::grouping::GroupingKey;
use crate::guard::PushGuard;
use crate::outcome::Outcome;
use crate::retry::Retry;
use crate::transport::{ClientSettings, Http, SharedWriter, Sink};
use crate::worker::{self, Command, Reply, Source, Worker};

/// How much longer than its deadline a blocking caller waits for the worker's answer.
const REPLY_GRACE: Duration = Duration::from_millis(500);

/// Everything [`PushgatewayBuilder::build`] checked.
pub(crate) struct Settings {
    pub(crate) url: String,
    pub(crate) key: GroupingKey,
    pub(crate) options: ExpositionOptions,
    pub(crate) meter: Meter,
    pub(crate) timeout: Duration,
    pub(crate) retry: Retry,
    pub(crate) client: ClientSettings,
    pub(crate) format: Format,
    pub(crate) gzip: bool,
    pub(crate) method: Method,
    pub(crate) interval: Option<Duration>,
    pub(crate) delete_on_shutdown: bool,
    pub(crate) outcome_metrics: bool,
    pub(crate) handle_signals: bool,
    pub(crate) print: Option<SharedWriter>,
}

/// A Pushgateway exporter: pushes a meter's views to one group of a Prometheus Pushgateway,
/// and never loses the last metrics of a job that ends.
///
/// Cheap to clone; every clone is a handle to the same exporter and its worker thread.
///
/// - **Explicit pushes:** [`push`](Self::push) (`PUT`, replace the group),
///   [`add`](Self::add) (`POST`, replace the families pushed),
///   [`delete`](Self::delete) (`DELETE` the group), [`flush`](Self::flush) (the configured
///   method); async, each with a `_blocking` twin. Errors are returned, never panicked.
/// - **On exit:** [`shutdown`](Self::shutdown) does the final push once (later calls do
///   nothing); [`guard`](Self::guard) returns a [`PushGuard`] that calls it on drop, also
///   during a panic; dropping the last handle calls it too; optional SIGTERM/SIGINT handling.
///   All are bounded by the timeout, so a dead gateway never hangs a job; failures on these
///   paths are logged through `tracing`.
/// - **Anywhere:** the HTTP work runs on the exporter's own thread and runtime (see the
///   `worker` module), so every method works in a plain `fn main` and inside tokio
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
/// // A real job would `pg.push_blocking()?` or keep `pg.guard()` alive until it ends.
/// # pg.discard();
/// ```
#[derive(Clone)]
pub struct Pushgateway {
    pub(crate) shared: Arc<Shared>,
}

/// The state every handle shares; its drop is the last handle's drop.
pub(crate) struct Shared {
    tx: mpsc::UnboundedSender<Command>,
    url: String,
    key: GroupingKey,
    options: ExpositionOptions,
    format: Format,
    meter: Meter,
    method: Method,
    pub(crate) timeout: Duration,
    pub(crate) outcome: Arc<Outcome>,
    shut_down: AtomicBool,
    /// Held while shutting down, so concurrent shutdowns wait for the first.
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Pushgateway {
    /// Starts a configuration; see [`PushgatewayBuilder`].
    pub fn builder(url: impl Into<String>, job: impl Into<String>) -> PushgatewayBuilder {
        PushgatewayBuilder::new(url, job)
    }

    /// An exporter with every default: the default meter, text format, `PUT`, 10 s timeout.
    ///
    /// # Errors
    /// As [`PushgatewayBuilder::build`].
    pub fn from_url_and_job(url: &str, job: &str) -> Result<Self, BuildError> {
        PushgatewayBuilder::new(url, job).build()
    }

    pub(crate) fn start(s: Settings) -> Result<Self, BuildError> {
        let sink = match s.print {
            Some(w) => Sink::Print(w),
            None => Sink::Http(Http::new(
                s.url.clone(),
                &s.client,
                s.retry,
                s.format,
                s.gzip,
            )?),
        };
        let outcome = Arc::new(Outcome::new(s.outcome_metrics));
        let (tx, thread) = worker::spawn(Worker {
            url: s.url.clone(),
            sink,
            encoder: BodyEncoder::new(s.options.clone(), s.format),
            meter: s.meter.clone(),
            outcome: outcome.clone(),
            method: s.method,
            gzip: s.gzip,
            timeout: s.timeout,
            interval: s.interval,
            delete_on_shutdown: s.delete_on_shutdown,
            buf: Vec::new(),
        })?;
        let shared = Arc::new(Shared {
            tx,
            url: s.url,
            key: s.key,
            options: s.options,
            format: s.format,
            meter: s.meter,
            method: s.method,
            timeout: s.timeout,
            outcome,
            shut_down: AtomicBool::new(false),
            thread: Mutex::new(Some(thread)),
        });
        if s.handle_signals {
            crate::signals::watch(&shared)?;
        }
        Ok(Pushgateway { shared })
    }

    /// `PUT`: replaces every metric of the group with a snapshot of the meter.
    ///
    /// # Errors
    /// A [`PushError`]: the gateway's answer, unreachable, deadline passed, a reserved label.
    pub async fn push(&self) -> Result<(), PushError> {
        self.call(Op::Send(Method::Put), Source::Snapshot).await
    }

    /// `POST`: replaces, in the group, the metric families present in the snapshot.
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub async fn add(&self) -> Result<(), PushError> {
        self.call(Op::Send(Method::Post), Source::Snapshot).await
    }

    /// `DELETE`: removes the group (exactly this grouping key) from the gateway.
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub async fn delete(&self) -> Result<(), PushError> {
        self.call(Op::Delete, Source::Snapshot).await
    }

    /// Pushes a snapshot now with the configured method
    /// ([`PushgatewayBuilder::with_method`]).
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub async fn flush(&self) -> Result<(), PushError> {
        self.call(Op::Send(self.shared.method), Source::Snapshot)
            .await
    }

    /// [`push`](Self::push), waiting on the calling thread (at most the timeout).
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn push_blocking(&self) -> Result<(), PushError> {
        self.call_blocking(Op::Send(Method::Put), Source::Snapshot)
    }

    /// [`add`](Self::add), waiting on the calling thread.
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn add_blocking(&self) -> Result<(), PushError> {
        self.call_blocking(Op::Send(Method::Post), Source::Snapshot)
    }

    /// [`delete`](Self::delete), waiting on the calling thread.
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn delete_blocking(&self) -> Result<(), PushError> {
        self.call_blocking(Op::Delete, Source::Snapshot)
    }

    /// [`flush`](Self::flush), waiting on the calling thread.
    ///
    /// # Errors
    /// As [`push`](Self::push).
    pub fn flush_blocking(&self) -> Result<(), PushError> {
        self.call_blocking(Op::Send(self.shared.method), Source::Snapshot)
    }

    /// The final push (or delete, with [`PushgatewayBuilder::with_delete_on_shutdown`]), then
    /// the worker stops. Waits at most `timeout` (plus a short grace) on the calling thread;
    /// fine to call from async code and from a signal handler thread.
    ///
    /// Idempotent: only the first call pushes; later calls return `Ok(())` at once (a call
    /// racing the first one waits for it). Pushes after shutdown fail with
    /// [`PushError::ShutDown`].
    ///
    /// # Errors
    /// The final push's [`PushError`]; a job may turn it into a non-zero exit code.
    pub fn shutdown(&self, timeout: Duration) -> Result<(), PushError> {
        self.shared.shutdown(timeout)
    }

    /// Whether [`shutdown`](Self::shutdown) ran.
    pub fn is_shut_down(&self) -> bool {
        self.shared.shut_down.load(Ordering::SeqCst)
    }

    /// A guard that calls [`shutdown`](Self::shutdown) with the configured timeout when
    /// dropped, marking the run failed if the drop happens during a panic.
    pub fn guard(&self) -> PushGuard {
        PushGuard::new(self.clone(), self.shared.timeout)
    }

    /// Marks this run as failed (for the job outcome gauges).
    pub fn mark_failed(&self) {
        self.shared.outcome.set_failed(true);
    }

    /// Marks this run as succeeded again (the default).
    pub fn mark_succeeded(&self) {
        self.shared.outcome.set_failed(false);
    }

    /// The group URL pushes go to, e.g. `http://127.0.0.1:9091/metrics/job/backup`.
    pub fn url(&self) -> &str {
        &self.shared.url
    }

    /// The job and grouping labels.
    pub fn grouping_key(&self) -> &GroupingKey {
        &self.shared.key
    }

    /// The body a push would send now (before gzip), encoded on the calling thread.
    ///
    /// # Errors
    /// [`PushError::ReservedLabel`] as a push would.
    pub fn body(&self) -> Result<Vec<u8>, PushError> {
        let mut enc = BodyEncoder::new(self.shared.options.clone(), self.shared.format);
        let mut out = Vec::new();
        enc.encode(&self.shared.meter.snapshot(), &mut out)?;
        Ok(out)
    }

    /// Stops the exporter **without** a final push: later pushes fail with
    /// [`PushError::ShutDown`] and neither a guard nor the last handle's drop sends anything.
    /// For a run that must leave the gateway untouched (a dry run, a cancelled job).
    pub fn discard(&self) {
        let mut thread = self.shared.lock_thread();
        if self.shared.shut_down.swap(true, Ordering::SeqCst) {
            return;
        }
        let _ = self.shared.tx.send(Command::Stop);
        if let Some(t) = thread.take() {
            if t.thread().id() != std::thread::current().id() {
                let _ = t.join();
            }
        }
    }

    async fn call(&self, op: Op, source: Source) -> Result<(), PushError> {
        let (tx, rx) = oneshot::channel();
        self.shared.send(op, source, Reply::Async(tx))?;
        rx.await.unwrap_or_else(|_| Err(self.shared.gone()))
    }

    fn call_blocking(&self, op: Op, source: Source) -> Result<(), PushError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.shared.send(op, source, Reply::Blocking(tx))?;
        self.shared.wait(&rx, op, self.shared.timeout)
    }
}

impl Shared {
    fn send(&self, op: Op, source: Source, reply: Reply) -> Result<(), PushError> {
        if self.shut_down.load(Ordering::SeqCst) {
            return Err(PushError::ShutDown);
        }
        let budget = self.timeout;
        let cmd = Command::Run {
            op,
            source,
            deadline: Instant::now() + budget,
            budget,
            reply,
        };
        self.tx.send(cmd).map_err(|_| self.gone())
    }

    fn wait(
        &self,
        rx: &std::sync::mpsc::Receiver<Result<(), PushError>>,
        op: Op,
        budget: Duration,
    ) -> Result<(), PushError> {
        match rx.recv_timeout(budget + REPLY_GRACE) {
            Ok(r) => r,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(PushError::Timeout {
                method: op.as_str(),
                url: self.url.clone(),
                deadline: budget,
                attempts: 0,
                last_error: Some("the worker was still busy with an earlier push".into()),
            }),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(self.gone()),
        }
    }

    fn gone(&self) -> PushError {
        if self.shut_down.load(Ordering::SeqCst) {
            PushError::ShutDown
        } else {
            PushError::WorkerGone
        }
    }

    fn lock_thread(&self) -> std::sync::MutexGuard<'_, Option<JoinHandle<()>>> {
        self.thread.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn shutdown(&self, timeout: Duration) -> Result<(), PushError> {
        let mut thread = self.lock_thread();
        if self.shut_down.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let cmd = Command::Shutdown {
            deadline: Instant::now() + timeout,
            budget: timeout,
            reply: Reply::Blocking(tx),
        };
        if self.tx.send(cmd).is_err() {
            return Err(PushError::WorkerGone);
        }
        let op = Op::Send(self.method);
        let r = match rx.recv_timeout(timeout + REPLY_GRACE) {
            Ok(r) => r,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(PushError::WorkerGone),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                return Err(PushError::Timeout {
                    method: op.as_str(),
                    url: self.url.clone(),
                    deadline: timeout,
                    attempts: 0,
                    last_error: Some("the worker was still busy with an earlier push".into()),
                })
            }
        };
        // The worker returns right after replying; reap it unless we are on it.
        if let Some(t) = thread.take() {
            if t.thread().id() != std::thread::current().id() {
                let _ = t.join();
            }
        }
        r
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        if self.shut_down.load(Ordering::SeqCst) {
            return;
        }
        if std::thread::panicking() {
            self.outcome.set_failed(true);
        }
        if let Err(e) = self.shutdown(self.timeout) {
            tracing::error!(error = %e, "census-pushgateway: final push on drop failed");
        }
    }
}

impl fmt::Debug for Pushgateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pushgateway")
            .field("url", &self.shared.url)
            .field("format", &self.shared.format)
            .field("method", &self.shared.method)
            .field("timeout", &self.shared.timeout)
            .field("shut_down", &self.is_shut_down())
            .finish()
    }
}

/// Lets a meter's reporting thread feed the exporter: each export is a blocking push of the
/// given data with the configured method. Use either this or the exporter's own snapshots
/// (explicit calls, interval, shutdown) for one meter, not both, or the group is pushed twice.
impl Exporter for Pushgateway {
    fn export(&self, data: &[ViewData]) -> Result<(), ExportError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let op = Op::Send(self.shared.method);
        self.shared
            .send(op, Source::Given(data.to_vec()), Reply::Blocking(tx))
            .and_then(|()| self.shared.wait(&rx, op, self.shared.timeout))
            .map_err(|e| ExportError::new("census-pushgateway", e))
    }
}
