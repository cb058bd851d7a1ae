//! A meter's reporting thread: the one scheduler that feeds its exporters every period.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Weak;
use std::thread::JoinHandle;

use crate::meter::{lock, Meter, MeterInner};

/// A meter's reporting thread.
#[derive(Debug)]
pub(crate) struct Reporter {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

impl Reporter {
    pub(crate) fn spawn(meter: Weak<MeterInner>) -> Option<Reporter> {
        let (tx, rx) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("census-reporter".into())
            .spawn(move || loop {
                let period = match meter.upgrade() {
                    Some(m) => *lock(&m.period),
                    None => return,
                };
                match rx.recv_timeout(period) {
                    Err(RecvTimeoutError::Timeout) => match meter.upgrade() {
                        Some(inner) => {
                            let _ = Meter::from_inner(inner).export_now();
                        }
                        None => return,
                    },
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
