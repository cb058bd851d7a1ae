//! The errors of the worker: [`SpawnError`], [`WorkerError`], [`CallError`].

use std::time::Duration;

use thiserror::Error;

/// The boxed source of an error from another layer (a transport, an encoder, a writer).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A thread (worker, signal thread) or its runtime could not start.
#[derive(Debug, Error)]
#[error("could not start the {what}: {source}; the process may be out of threads or memory")]
pub struct SpawnError {
    /// Which thread or handler.
    pub what: String,
    /// The OS error.
    #[source]
    pub source: std::io::Error,
}

/// The worker could not run a command.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WorkerError {
    /// The worker was shut down; it runs nothing more.
    #[error("the {worker} worker is shut down; build a new exporter to export again")]
    ShutDown {
        /// The worker's name.
        worker: String,
    },
    /// The worker did not answer in time (it was still busy with an earlier command).
    #[error("the {worker} worker did not answer within {timeout:?}: it was still busy with an earlier export; raise the timeout or check the target")]
    NoAnswer {
        /// The worker's name.
        worker: String,
        /// The budget of the call.
        timeout: Duration,
    },
    /// The worker thread is gone (it panicked).
    #[error(
        "the {worker} worker thread is gone (it panicked; see the logs); build a new exporter"
    )]
    Gone {
        /// The worker's name.
        worker: String,
    },
}

/// A call to a worker failed: the handler's own error, or the worker's.
#[derive(Debug, Error)]
pub enum CallError<E> {
    /// The handler ran the command and it failed.
    #[error(transparent)]
    Handler(E),
    /// The worker could not run it.
    #[error(transparent)]
    Worker(#[from] WorkerError),
}

impl<E> CallError<E> {
    /// Whether the worker was shut down.
    pub fn is_shut_down(&self) -> bool {
        matches!(self, CallError::Worker(WorkerError::ShutDown { .. }))
    }
}
