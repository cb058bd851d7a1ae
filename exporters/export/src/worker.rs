//! One thread per exporter, with its own tokio current-thread runtime, running a [`Handler`]'s
//! commands one at a time, in order, plus its periodic ticks. See [`Worker`] for details.
//!
//! Why a thread of its own: an exporter may be used from a plain `fn main` with no runtime, or
//! from async code on a tokio current-thread or multi-thread runtime. Callers only send a
//! message and wait on a channel (blocking calls on a std channel with a timeout, async calls
//! on a oneshot), so nothing ever calls `block_on` inside a runtime and no runtime is ever
//! dropped inside one.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::clock::{Advance, Clock};
use crate::deadline::Deadline;
use crate::errors::{CallError, SpawnError, WorkerError};
use crate::lock::lock;

/// How much longer than its deadline a blocking caller waits for the worker's answer.
const REPLY_GRACE: Duration = Duration::from_millis(500);

/// What a worker runs: the transport-specific part of a push exporter.
///
/// Futures run on the worker's own current-thread runtime (with its IO and time drivers), so
/// they need not be `Send`.
pub trait Handler: Send + 'static {
    /// A request to the worker (e.g. "push with PUT").
    type Command: Send + 'static;
    /// What a failed command returns.
    type Error: Send + 'static;

    /// Runs one command within `deadline`.
    fn handle(
        &mut self,
        command: Self::Command,
        deadline: Deadline,
    ) -> impl Future<Output = Result<(), Self::Error>>;

    /// One periodic tick of the [`Schedule`] (failures are the handler's to log).
    fn tick(&mut self) -> impl Future<Output = ()> {
        std::future::ready(())
    }

    /// The last act (a final push) within `deadline`; the worker ends after it.
    fn shutdown(&mut self, deadline: Deadline) -> impl Future<Output = Result<(), Self::Error>>;
}

/// When a worker ticks: never (the default), or every `period` on a [`Clock`], the first tick
/// one period after the start.
///
/// ```
/// use std::time::Duration;
/// use census_export::{Clock, ManualClock, Schedule};
/// let s = Schedule::every(Duration::from_secs(10)).with_clock(Clock::Manual(ManualClock::new()));
/// assert_eq!(s.period(), Some(Duration::from_secs(10)));
/// assert_eq!(Schedule::never().period(), None);
/// assert_eq!(Schedule::every(Duration::ZERO).period(), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    period: Option<Duration>,
    clock: Clock,
}

impl Schedule {
    /// No ticks.
    pub fn never() -> Self {
        Self::default()
    }

    /// A tick every `period` (a zero period means no ticks).
    pub fn every(period: Duration) -> Self {
        Schedule {
            period: Some(period).filter(|p| !p.is_zero()),
            clock: Clock::System,
        }
    }

    /// Ticks on `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The period, if any.
    pub fn period(&self) -> Option<Duration> {
        self.period
    }

    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }
}

enum Reply<E> {
    Blocking(std::sync::mpsc::SyncSender<Result<(), E>>),
    Async(oneshot::Sender<Result<(), E>>),
}

impl<E> Reply<E> {
    fn send(self, r: Result<(), E>) {
        // The caller may have given up (timeout, dropped future): nothing to do then.
        match self {
            Reply::Blocking(tx) => drop(tx.try_send(r)),
            Reply::Async(tx) => drop(tx.send(r)),
        }
    }
}

enum Msg<C, E> {
    Call {
        command: C,
        deadline: Deadline,
        reply: Reply<E>,
    },
    Shutdown {
        deadline: Deadline,
        reply: Reply<E>,
    },
    Stop,
}

/// A running worker thread: one thread with its own tokio current-thread runtime, so blocking
/// and async callers work from a plain `fn main` and from both tokio flavours (nothing calls
/// `block_on` inside a runtime, no runtime is dropped inside one). Drop does not stop it: call
/// [`shutdown`](Self::shutdown) (the last act) or [`discard`](Self::discard).
///
/// ```
/// use std::time::Duration;
/// use census_export::{Deadline, Handler, Schedule, Worker};
///
/// #[derive(Debug, Default)]
/// struct Count(u32);
/// impl Handler for Count {
///     type Command = u32;
///     type Error = std::io::Error;
///     async fn handle(&mut self, n: u32, _: Deadline) -> std::io::Result<()> {
///         self.0 += n;
///         if self.0 > 10 { Err(std::io::Error::other(format!("{} is too many", self.0))) } else { Ok(()) }
///     }
///     async fn shutdown(&mut self, _: Deadline) -> std::io::Result<()> { Ok(()) }
/// }
///
/// let w = Worker::spawn("doc-worker", Count::default(), Schedule::never()).unwrap();
/// let t = Duration::from_secs(5);
/// w.call_blocking(4, t).unwrap();
/// assert_eq!(w.call_blocking(7, t).unwrap_err().to_string(), "11 is too many");
/// w.shutdown(t).unwrap();
/// assert!(w.is_shut_down());
/// assert!(w.call_blocking(1, t).unwrap_err().is_shut_down());
/// ```
pub struct Worker<H: Handler> {
    name: String,
    tx: mpsc::UnboundedSender<Msg<H::Command, H::Error>>,
    shut_down: AtomicBool,
    /// Held while shutting down, so concurrent shutdowns wait for the first.
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl<H: Handler> std::fmt::Debug for Worker<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("name", &self.name)
            .field("shut_down", &self.is_shut_down())
            .finish()
    }
}

impl<H: Handler> Worker<H> {
    /// Starts the thread `name` with its runtime; returns once the runtime is up.
    ///
    /// # Errors
    /// [`SpawnError`] when the thread or its runtime cannot start.
    pub fn spawn(name: &str, handler: H, schedule: Schedule) -> Result<Self, SpawnError> {
        let (tx, rx) = mpsc::unbounded_channel();
        // Subscribe to a manual clock here, so an advance right after spawn is never missed.
        let manual = match (&schedule.clock, schedule.period) {
            (Clock::Manual(m), Some(_)) => Some(m.subscribe()),
            _ => None,
        };
        let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel::<std::io::Result<()>>(1);
        let spawn_error = |source| SpawnError {
            what: format!("worker thread {name:?}"),
            source,
        };
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let built = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                let ready = built.as_ref().map(|_| ()).map_err(clone_io);
                let _ = ready_tx.send(ready);
                if let Ok(rt) = built {
                    rt.block_on(run(handler, rx, schedule, manual));
                }
            })
            .map_err(spawn_error)?;
        let started = ready_rx
            .recv()
            .unwrap_or_else(|_| Err(std::io::Error::other("the thread ended during startup")));
        started.map_err(spawn_error)?;
        Ok(Worker {
            name: name.into(),
            tx,
            shut_down: AtomicBool::new(false),
            thread: Mutex::new(Some(thread)),
        })
    }

    /// The thread's name (what errors and logs say).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `command` within `budget`, waiting on the calling thread (at most the budget and
    /// a short grace).
    ///
    /// # Errors
    /// The handler's error, or a [`WorkerError`] (shut down, no answer in time, gone).
    pub fn call_blocking(
        &self,
        command: H::Command,
        budget: Duration,
    ) -> Result<(), CallError<H::Error>> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let deadline = Deadline::after(budget);
        self.send(Msg::Call {
            command,
            deadline,
            reply: Reply::Blocking(tx),
        })?;
        self.wait(&rx, budget)
    }

    /// Runs `command` within `budget`, awaiting the answer (any runtime, or none).
    ///
    /// # Errors
    /// As [`call_blocking`](Self::call_blocking).
    pub async fn call(
        &self,
        command: H::Command,
        budget: Duration,
    ) -> Result<(), CallError<H::Error>> {
        let (tx, rx) = oneshot::channel();
        let deadline = Deadline::after(budget);
        self.send(Msg::Call {
            command,
            deadline,
            reply: Reply::Async(tx),
        })?;
        match rx.await {
            Ok(r) => r.map_err(CallError::Handler),
            Err(_) => Err(self.gone().into()),
        }
    }

    /// Runs the handler's shutdown within `timeout`, then the thread ends. Idempotent: only the
    /// first call does it (a call racing it waits for it); later calls return `Ok(())`.
    ///
    /// # Errors
    /// As [`call_blocking`](Self::call_blocking).
    pub fn shutdown(&self, timeout: Duration) -> Result<(), CallError<H::Error>> {
        let mut thread = lock(&self.thread);
        if self.shut_down.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let msg = Msg::Shutdown {
            deadline: Deadline::after(timeout),
            reply: Reply::Blocking(tx),
        };
        if self.tx.send(msg).is_err() {
            return Err(WorkerError::Gone {
                worker: self.name.clone(),
            }
            .into());
        }
        let r = self.wait(&rx, timeout);
        if !matches!(r, Err(CallError::Worker(WorkerError::NoAnswer { .. }))) {
            reap(&mut thread);
        }
        r
    }

    /// Stops the thread without the handler's shutdown (nothing more is sent). Idempotent.
    pub fn discard(&self) {
        let mut thread = lock(&self.thread);
        if self.shut_down.swap(true, Ordering::SeqCst) {
            return;
        }
        let _ = self.tx.send(Msg::Stop);
        reap(&mut thread);
    }

    /// Whether [`shutdown`](Self::shutdown) or [`discard`](Self::discard) ran.
    pub fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::SeqCst)
    }

    fn send(&self, msg: Msg<H::Command, H::Error>) -> Result<(), WorkerError> {
        if self.is_shut_down() {
            return Err(WorkerError::ShutDown {
                worker: self.name.clone(),
            });
        }
        self.tx.send(msg).map_err(|_| self.gone())
    }

    fn wait(
        &self,
        rx: &std::sync::mpsc::Receiver<Result<(), H::Error>>,
        budget: Duration,
    ) -> Result<(), CallError<H::Error>> {
        match rx.recv_timeout(budget.saturating_add(REPLY_GRACE)) {
            Ok(r) => r.map_err(CallError::Handler),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(WorkerError::NoAnswer {
                worker: self.name.clone(),
                timeout: budget,
            }
            .into()),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(self.gone().into()),
        }
    }

    fn gone(&self) -> WorkerError {
        let worker = self.name.clone();
        if self.is_shut_down() {
            WorkerError::ShutDown { worker }
        } else {
            WorkerError::Gone { worker }
        }
    }
}

/// Joins the worker thread, unless this is it (a handler that ends its own worker).
fn reap(thread: &mut Option<JoinHandle<()>>) {
    if let Some(t) = thread.take() {
        if t.thread().id() != std::thread::current().id() {
            let _ = t.join();
        }
    }
}

fn clone_io(e: &std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), e.to_string())
}

async fn run<H: Handler>(
    mut handler: H,
    mut rx: mpsc::UnboundedReceiver<Msg<H::Command, H::Error>>,
    schedule: Schedule,
    manual: Option<(mpsc::UnboundedReceiver<Advance>, Duration)>,
) {
    let mut ticks = Ticks::new(&schedule, manual);
    loop {
        tokio::select! {
            biased;
            msg = rx.recv() => match msg {
                Some(Msg::Call { command, deadline, reply }) => {
                    reply.send(handler.handle(command, deadline).await);
                }
                Some(Msg::Shutdown { deadline, reply }) => {
                    reply.send(handler.shutdown(deadline).await);
                    return;
                }
                // Stop, or every handle is gone without a shutdown: nothing left to do.
                Some(Msg::Stop) | None => return,
            },
            done = ticks.next() => {
                handler.tick().await;
                drop(done); // a manual clock's advance returns now
            }
        }
    }
}

/// The tick source of a [`Schedule`].
enum Ticks {
    Never,
    System(tokio::time::Interval),
    Manual {
        rx: mpsc::UnboundedReceiver<Advance>,
        period: Duration,
        due: Duration,
    },
}

impl Ticks {
    fn new(s: &Schedule, manual: Option<(mpsc::UnboundedReceiver<Advance>, Duration)>) -> Self {
        let Some(period) = s.period else {
            return Ticks::Never;
        };
        if let Some((rx, now)) = manual {
            return Ticks::Manual {
                rx,
                period,
                due: now.saturating_add(period),
            };
        }
        let start = tokio::time::Instant::now();
        let first = start.checked_add(period).unwrap_or(start);
        let mut i = tokio::time::interval_at(first, period);
        i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Ticks::System(i)
    }

    /// Waits for the next tick; a manual clock's advance waits until the returned value drops.
    async fn next(&mut self) -> Option<std::sync::mpsc::SyncSender<()>> {
        match self {
            Ticks::Never => std::future::pending().await,
            Ticks::System(i) => {
                i.tick().await;
                None
            }
            Ticks::Manual { rx, period, due } => loop {
                let Some(adv) = rx.recv().await else {
                    return std::future::pending().await;
                };
                if adv.now >= *due {
                    // Missed ticks are not replayed: the next is one period after this one.
                    *due = adv.now.saturating_add(*period);
                    return Some(adv.done);
                }
            },
        }
    }
}
