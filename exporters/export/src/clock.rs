//! The clock seam: [`Clock`] drives a worker's periodic schedule and measures run durations;
//! [`ManualClock`] lets tests move time by hand instead of sleeping.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::lock::lock;

/// Where time comes from: the system's monotonic clock (the default) or a [`ManualClock`].
#[derive(Debug, Clone, Default)]
pub enum Clock {
    /// `std::time::Instant` and tokio timers.
    #[default]
    System,
    /// Time moves only when the test calls [`ManualClock::advance`].
    Manual(ManualClock),
}

impl Clock {
    /// A stopwatch started now on this clock.
    pub fn stopwatch(&self) -> Stopwatch {
        match self {
            Clock::System => Stopwatch::System(Instant::now()),
            Clock::Manual(m) => Stopwatch::Manual {
                clock: m.clone(),
                at: m.now(),
            },
        }
    }
}

/// Measures the time since it was started, on its [`Clock`].
#[derive(Debug, Clone)]
pub enum Stopwatch {
    /// Started at this instant of the system clock.
    System(Instant),
    /// Started at this reading of a manual clock.
    Manual {
        /// The clock.
        clock: ManualClock,
        /// Its reading at the start.
        at: Duration,
    },
}

impl Stopwatch {
    /// The time since the start.
    pub fn elapsed(&self) -> Duration {
        match self {
            Stopwatch::System(i) => i.elapsed(),
            Stopwatch::Manual { clock, at } => clock.now().saturating_sub(*at),
        }
    }
}

/// A clock tests move by hand. Every worker scheduled on it runs the ticks that fall due when
/// it is advanced, and [`advance`](Self::advance) returns once they have run: no sleeps, no
/// polling.
///
/// ```
/// use std::time::Duration;
/// use census_export::{Clock, ManualClock};
/// let manual = ManualClock::new();
/// let watch = Clock::Manual(manual.clone()).stopwatch();
/// manual.advance(Duration::from_millis(1500));
/// assert_eq!(watch.elapsed(), Duration::from_millis(1500));
/// assert_eq!(manual.now(), Duration::from_millis(1500));
/// ```
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    inner: Arc<Mutex<ManualState>>,
}

#[derive(Debug, Default)]
struct ManualState {
    now: Duration,
    workers: Vec<mpsc::UnboundedSender<Advance>>,
}

/// Time moved to `now`; `done` is dropped once the worker ran what fell due.
#[derive(Debug)]
pub(crate) struct Advance {
    pub(crate) now: Duration,
    pub(crate) done: std::sync::mpsc::SyncSender<()>,
}

impl ManualClock {
    /// A clock reading zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The time since the clock was made (as moved by [`advance`](Self::advance)).
    pub fn now(&self) -> Duration {
        lock(&self.inner).now
    }

    /// Moves time forward by `by`, then waits until every worker on this clock ran the ticks
    /// that fell due. Call it from a test thread, never from a worker.
    pub fn advance(&self, by: Duration) {
        let (now, workers) = {
            let mut s = lock(&self.inner);
            s.now = s.now.saturating_add(by);
            s.workers.retain(|w| !w.is_closed());
            (s.now, s.workers.clone())
        };
        for w in workers {
            let (done, wait) = std::sync::mpsc::sync_channel(1);
            if w.send(Advance { now, done }).is_ok() {
                // Ok or Disconnected: either way the worker is past the tick.
                let _ = wait.recv();
            }
        }
    }

    /// A worker subscribes: its channel of time moves, and the reading it starts from.
    pub(crate) fn subscribe(&self) -> (mpsc::UnboundedReceiver<Advance>, Duration) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut s = lock(&self.inner);
        s.workers.push(tx);
        (rx, s.now)
    }
}
