//! The end of a push exporter, written once: see [`Lifecycle`].

use std::time::Duration;

use crate::errors::{BoxError, CallError};
use crate::finish::{report_final_failure, Ending, Finish};
use crate::worker::{Handler, Worker};

/// A push exporter's [`Worker`] and the rules of its end, which every push exporter shares:
/// the final delivery (the handler's shutdown) happens once, within the exporter's timeout,
/// whichever comes first of [`finish_run`](Self::finish_run), an [`crate::ExportGuard`], the
/// exit hook ([`register`](Self::register)) or the drop of the last handle (also during a
/// panic, then as a failed run). A failed run (panic, signal) first calls the exporter's
/// [`on_failed_run`](Self::on_failed_run) hook, e.g. to mark a job-outcome gauge.
///
/// An exporter keeps it in an `Arc` shared by its handles.
///
/// ```
/// use std::time::Duration;
/// use census_export::{Deadline, Ending, Handler, Lifecycle, Schedule, Worker};
///
/// struct Count(std::sync::mpsc::Sender<&'static str>);
/// impl Handler for Count {
///     type Command = ();
///     type Error = std::io::Error;
///     async fn handle(&mut self, _: (), _: Deadline) -> Result<(), std::io::Error> { Ok(()) }
///     async fn shutdown(&mut self, _: Deadline) -> Result<(), std::io::Error> {
///         self.0.send("final push").unwrap();
///         Ok(())
///     }
/// }
///
/// let (tx, rx) = std::sync::mpsc::channel();
/// let worker = Worker::spawn("doc", Count(tx), Schedule::never()).unwrap();
/// let failed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
/// let seen = failed.clone();
/// let life = Lifecycle::new("doc", worker, Duration::from_secs(1))
///     .on_failed_run(move || seen.store(true, std::sync::atomic::Ordering::SeqCst));
/// life.finish_run(Ending::Signal(15)).unwrap();
/// life.finish_run(Ending::Normal).unwrap(); // once only
/// drop(life); // nothing more either
/// assert_eq!(rx.try_iter().collect::<Vec<_>>(), ["final push"]);
/// assert!(failed.load(std::sync::atomic::Ordering::SeqCst));
/// ```
pub struct Lifecycle<H: Handler>
where
    H::Error: std::error::Error + Send + Sync + 'static,
{
    name: &'static str,
    worker: Worker<H>,
    timeout: Duration,
    url: Option<String>,
    on_failed_run: Option<Box<dyn Fn() + Send + Sync + std::panic::RefUnwindSafe>>,
}

impl<H: Handler> std::fmt::Debug for Lifecycle<H>
where
    H::Error: std::error::Error + Send + Sync + 'static,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lifecycle")
            .field("name", &self.name)
            .field("worker", &self.worker)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<H: Handler> Lifecycle<H>
where
    H::Error: std::error::Error + Send + Sync + 'static,
{
    /// The end of exporter `name` (what logs and [`Finish::name`] say), whose final delivery
    /// gets `timeout`.
    pub fn new(name: &'static str, worker: Worker<H>, timeout: Duration) -> Self {
        Lifecycle {
            name,
            worker,
            timeout,
            url: None,
            on_failed_run: None,
        }
    }

    /// Where the exporter delivers ([`Finish::url`]); never pass one with credentials in it.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Called before the final delivery of a failed run (a panic or a signal).
    pub fn on_failed_run(
        mut self,
        hook: impl Fn() + Send + Sync + std::panic::RefUnwindSafe + 'static,
    ) -> Self {
        self.on_failed_run = Some(Box::new(hook));
        self
    }

    /// The worker, for the exporter's own calls.
    pub fn worker(&self) -> &Worker<H> {
        &self.worker
    }

    /// The timeout of every call and of the final delivery.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The final delivery, once; later calls (and a worker already discarded) return `Ok(())`.
    ///
    /// # Errors
    /// The final delivery's failure.
    pub fn finish_run(&self, ending: Ending) -> Result<(), CallError<H::Error>> {
        if self.worker.is_shut_down() {
            return Ok(());
        }
        if ending.failed() {
            if let Some(hook) = &self.on_failed_run {
                hook();
            }
            tracing::warn!(
                exporter = self.name,
                ?ending,
                "census: the run failed, delivering before exit"
            );
        }
        self.worker.shutdown(self.timeout)
    }

    /// Registers the exporter with the process-wide exit registry and installs the
    /// `std::process::exit` hook, and the one signal thread when `signals` (see
    /// [`crate::exit`]). On failure the worker is discarded (nothing is sent).
    ///
    /// # Errors
    /// [`crate::SpawnError`] when a hook cannot be installed.
    #[cfg(feature = "exit-hook")]
    pub fn register(self: &std::sync::Arc<Self>, signals: bool) -> Result<(), crate::SpawnError> {
        let on_exit: std::sync::Arc<dyn Finish> = self.clone();
        crate::exit::register(&on_exit);
        let hooks = crate::exit::install_exit_hook().and_then(|()| match signals {
            true => crate::exit::install_signal_handler(),
            false => Ok(()),
        });
        if hooks.is_err() {
            self.worker.discard();
        }
        hooks
    }
}

impl<H: Handler> Finish for Lifecycle<H>
where
    H::Error: std::error::Error + Send + Sync + 'static,
{
    fn name(&self) -> &str {
        self.name
    }

    fn finish(&self, ending: Ending) -> Result<(), BoxError> {
        self.finish_run(ending).map_err(|e| match e {
            CallError::Handler(e) => Box::new(e) as BoxError,
            CallError::Worker(e) => Box::new(e),
        })
    }

    fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
}

/// The last handle's drop: the final delivery, as a failed run during a panic.
impl<H: Handler> Drop for Lifecycle<H>
where
    H::Error: std::error::Error + Send + Sync + 'static,
{
    fn drop(&mut self) {
        let ending = if std::thread::panicking() {
            Ending::Panic
        } else {
            Ending::Normal
        };
        if let Err(e) = self.finish_run(ending) {
            report_final_failure(self.name, self.url.as_deref(), ending, &e);
        }
    }
}
