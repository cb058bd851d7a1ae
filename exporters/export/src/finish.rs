//! How exporters end: the [`Finish`] trait, [`Ending`], and the one guard type,
//! [`ExportGuard`].

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use thiserror::Error;

use crate::errors::BoxError;

/// Why an exporter is being finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The guard was finished or dropped normally.
    Normal,
    /// The guard was dropped during a panic unwind (the run failed).
    Panic,
    /// SIGTERM or SIGINT (the run failed); the process ends as the signal would afterwards.
    Signal(i32),
    /// `std::process::exit` (or a return from `main` with exporters still running).
    ProcessExit,
}

impl Ending {
    /// Whether the run ended badly (a panic or a signal).
    pub fn failed(self) -> bool {
        matches!(self, Ending::Panic | Ending::Signal(_))
    }
}

/// Something that does a final delivery once and stops: what the [`ExportGuard`] and the exit
/// hook ([`crate::exit`]) call. Each call is bounded by the exporter's own deadline.
pub trait Finish: Send + Sync + 'static {
    /// A short name for logs and errors (`pushgateway`, `stdout`, `prometheus`).
    fn name(&self) -> &str;

    /// Delivers what is left and stops; later calls return `Ok(())` at once.
    ///
    /// # Errors
    /// The final delivery's failure (its message is shown to users as it is).
    fn finish(&self, ending: Ending) -> Result<(), BoxError>;

    /// Where the exporter sends or serves (a push URL, a scrape URL), if it has one.
    fn url(&self) -> Option<&str> {
        None
    }
}

/// The final delivery of an exporter failed. Displays the failure's own message (e.g. "could
/// not reach the pushgateway …"), so a job can print it on one line.
#[derive(Debug, Error)]
#[error("{source}")]
pub struct FinishError {
    /// The exporter that failed first.
    pub exporter: String,
    /// Its error; [`FinishError::downcast_ref`] gets the exporter's own type back.
    pub source: BoxError,
}

impl FinishError {
    /// The exporter's own error type, e.g. `census_pushgateway::PushError`.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.source.downcast_ref::<E>()
    }
}

/// Finishes its exporters when dropped: at the end of `main`, on an early return, and during a
/// panic unwind (then with [`Ending::Panic`], so the run is marked failed). To act on the
/// result, e.g. exit non-zero, call [`finish`](Self::finish) instead of letting it drop.
///
/// One guard type for every exporter: a Pushgateway's `guard()` and the umbrella's
/// `exporter_from_env()` both return one. With `panic = "abort"` no destructor runs; the exit
/// hook ([`crate::exit`]) covers signals and `std::process::exit`.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use census_export::{BoxError, Ending, ExportGuard, Finish};
///
/// #[derive(Default)]
/// struct Last(Mutex<Vec<Ending>>);
/// impl Finish for Last {
///     fn name(&self) -> &str { "last" }
///     fn finish(&self, ending: Ending) -> Result<(), BoxError> {
///         self.0.lock().unwrap().push(ending);
///         Ok(())
///     }
/// }
///
/// let part = Arc::new(Last::default());
/// let guard = ExportGuard::new().with(part.clone());
/// let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
///     let _guard = guard;
///     panic!("the job failed");
/// }));
/// assert_eq!(*part.0.lock().unwrap(), vec![Ending::Panic]);
/// ```
#[must_use = "the guard finishes its exporters when dropped: bind it to a variable that lives until the job ends"]
pub struct ExportGuard {
    parts: Vec<(Arc<dyn Finish>, Arc<dyn Any + Send + Sync>)>,
    armed: bool,
}

impl ExportGuard {
    /// A guard with nothing to finish yet.
    pub fn new() -> Self {
        ExportGuard {
            parts: Vec::new(),
            armed: true,
        }
    }

    /// Adds an exporter; exporters are finished in the order they were added.
    pub fn with<T: Finish>(mut self, part: Arc<T>) -> Self {
        self.push(part);
        self
    }

    /// Adds an exporter (see [`with`](Self::with)).
    pub fn push<T: Finish>(&mut self, part: Arc<T>) {
        let any: Arc<dyn Any + Send + Sync> = part.clone();
        self.parts.push((part, any));
    }

    /// The first exporter of type `T`, e.g. `guard.get::<census_pushgateway::Pushgateway>()`.
    pub fn get<T: Finish>(&self) -> Option<&T> {
        self.parts.iter().find_map(|(_, a)| a.downcast_ref::<T>())
    }

    /// The URL of the exporter named `name` (e.g. `"prometheus"`: the scrape URL).
    pub fn url(&self, name: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(p, _)| p.name() == name)
            .and_then(|(p, _)| p.url())
    }

    /// The names of the exporters, in order.
    pub fn names(&self) -> Vec<&str> {
        self.parts.iter().map(|(p, _)| p.name()).collect()
    }

    /// Finishes every exporter now and returns the first failure (each is also logged through
    /// `tracing`; unlike a drop, nothing is printed: the caller reports it).
    ///
    /// # Errors
    /// The first exporter's [`FinishError`].
    pub fn finish(mut self) -> Result<(), FinishError> {
        self.armed = false;
        self.finish_all(Ending::Normal, true)
    }

    /// Finishes every part; failures are logged, and also printed on stderr (without a
    /// `tracing` subscriber) unless `returned` (the caller gets the error and reports it).
    fn finish_all(&self, ending: Ending, returned: bool) -> Result<(), FinishError> {
        let mut first = None;
        for (p, _) in &self.parts {
            if let Err(source) = p.finish(ending) {
                match returned {
                    true => {
                        tracing::error!(exporter = p.name(), error = %source, "census: final export failed")
                    }
                    false => report_final_failure(p.name(), p.url(), ending, &source),
                }
                first.get_or_insert(FinishError {
                    exporter: p.name().into(),
                    source,
                });
            }
        }
        first.map_or(Ok(()), Err)
    }
}

/// Reports a failed final delivery: through `tracing`, and also as one line on stderr when no
/// `tracing` subscriber is installed, so a job's lost metrics never go unnoticed. The one place
/// every exit path (guard, last drop, exit hook, signal) reports through.
pub(crate) fn report_final_failure(
    exporter: &str,
    target: Option<&str>,
    ending: Ending,
    error: &dyn fmt::Display,
) {
    let target = target.unwrap_or("its target");
    tracing::error!(exporter, target, ?ending, error = %error, "census: final export failed");
    if !tracing::dispatcher::has_been_set() {
        eprintln!(
            "census: the final export of {exporter} to {target} failed ({ending:?}): {error}"
        );
    }
}

impl Default for ExportGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for ExportGuard {
    fn drop(&mut self) {
        if self.armed {
            let ending = if std::thread::panicking() {
                Ending::Panic
            } else {
                Ending::Normal
            };
            let _ = self.finish_all(ending, false);
        }
    }
}

impl fmt::Debug for ExportGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportGuard")
            .field("exporters", &self.names())
            .finish()
    }
}
