//! See [`PushGuard`] for details.

use std::ops::Deref;
use std::time::Duration;

use crate::error::PushError;
use crate::exporter::Pushgateway;

/// Does the final push when dropped: at the end of `main`, on an early return, and during a
/// panic unwind (the run is then marked failed for the job outcome gauges).
///
/// Get one from [`Pushgateway::guard`] and keep it alive for the whole job. The push is
/// [`Pushgateway::shutdown`] with the exporter's timeout, so a dead gateway delays the exit
/// by at most that; a failure is logged through `tracing`. To act on the result, e.g. exit
/// non-zero, call [`PushGuard::finish`] instead of letting it drop.
///
/// Dropping the last [`Pushgateway`] handle pushes too; the guard exists because handles may
/// live on elsewhere (a meter's exporter list, a `static`, another thread), and because it
/// ties the push to a scope. With `panic = "abort"` no destructor runs: use
/// [`crate::PushgatewayBuilder::with_signal_handling`] and explicit calls there.
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
/// let result = std::panic::catch_unwind(|| {
///     let _guard = pg.guard();
///     panic!("the job failed");
/// });
/// assert!(result.is_err());
/// let printed = String::from_utf8(out.lock().unwrap().clone()).unwrap();
/// assert!(printed.contains("job_last_run_success 0\n"), "{printed}");
/// assert!(pg.is_shut_down());
/// ```
#[must_use = "the guard pushes when dropped: bind it to a variable that lives until the job ends"]
#[derive(Debug)]
pub struct PushGuard {
    pg: Pushgateway,
    timeout: Duration,
    armed: bool,
}

impl PushGuard {
    pub(crate) fn new(pg: Pushgateway, timeout: Duration) -> Self {
        PushGuard {
            pg,
            timeout,
            armed: true,
        }
    }

    /// Does the final push now and returns its result, instead of logging it on drop.
    ///
    /// ```no_run
    /// # fn main() -> std::process::ExitCode {
    /// let pg = census_pushgateway::Pushgateway::from_url_and_job("http://127.0.0.1:9091", "job").unwrap();
    /// let guard = pg.guard();
    /// // ... the job ...
    /// match guard.finish() {
    ///     Ok(()) => std::process::ExitCode::SUCCESS,
    ///     Err(e) => {
    ///         eprintln!("final push failed: {e}");
    ///         std::process::ExitCode::FAILURE
    ///     }
    /// }
    /// # }
    /// ```
    ///
    /// # Errors
    /// The final push's [`PushError`].
    pub fn finish(mut self) -> Result<(), PushError> {
        self.armed = false;
        self.pg.shutdown(self.timeout)
    }
}

impl Deref for PushGuard {
    type Target = Pushgateway;
    fn deref(&self) -> &Pushgateway {
        &self.pg
    }
}

impl Drop for PushGuard {
    fn drop(&mut self) {
        if !self.armed || self.pg.is_shut_down() {
            return;
        }
        if std::thread::panicking() {
            self.pg.mark_failed();
        }
        if let Err(e) = self.pg.shutdown(self.timeout) {
            tracing::error!(error = %e, "census-pushgateway: final push failed");
        }
    }
}
