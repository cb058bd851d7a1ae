//! A meter's reporting thread: the one scheduler that feeds its exporters every period.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// A meter's reporting thread.
#[derive(Debug)]
pub(crate) struct Reporter {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

impl Reporter {
    /// Starts the thread: it waits `period()` (ending when that is `None`, the meter gone),
    /// then calls `tick()` (ending when it returns false), until [`Reporter::stop`].
    pub(crate) fn spawn<P, T>(period: P, tick: T) -> Option<Reporter>
    where
        P: Fn() -> Option<Duration> + Send + 'static,
        T: Fn() -> bool + Send + 'static,
    {
        let (tx, rx) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("census-reporter".into())
            .spawn(move || loop {
                let Some(p) = period() else { return };
                match rx.recv_timeout(p) {
                    Err(RecvTimeoutError::Timeout) => {
                        if !tick() {
                            return;
                        }
                    }
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
            });
        match spawned {
            Ok(thread) => Some(Reporter { stop: tx, thread }),
            Err(e) => {
                tracing::error!(error = %e, "census could not start its reporting thread; call Meter::flush yourself");
                None
            }
        }
    }

    pub(crate) fn stop(self) {
        let _ = self.stop.send(());
        if self.thread.thread().id() != std::thread::current().id() {
            let _ = self.thread.join();
        }
    }
}
