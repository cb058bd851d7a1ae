//! See [`Deadline`] for details.

use std::time::{Duration, Instant};

/// The far end of a deadline whose budget does not fit the clock (about a year).
const FAR: Duration = Duration::from_secs(365 * 24 * 3600);

/// An overall deadline: a budget, and the moment it runs out. Arithmetic saturates, so a huge
/// budget means "practically never" instead of an overflow panic.
///
/// ```
/// use std::time::Duration;
/// use census_export::Deadline;
/// let d = Deadline::after(Duration::from_secs(5));
/// assert_eq!(d.budget(), Duration::from_secs(5));
/// assert!(d.remaining() <= Duration::from_secs(5));
/// assert!(!d.is_past());
/// assert!(Deadline::after(Duration::ZERO).is_past());
/// let huge = Deadline::after(Duration::MAX); // no overflow
/// assert!(huge.remaining() > Duration::from_secs(3600));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at: Instant,
    budget: Duration,
}

impl Deadline {
    /// A deadline `budget` from now.
    pub fn after(budget: Duration) -> Self {
        let now = Instant::now();
        let at = now
            .checked_add(budget)
            .or_else(|| now.checked_add(FAR))
            .unwrap_or(now);
        Deadline { at, budget }
    }

    /// The budget it was made with (what error messages quote).
    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// The time left, zero once past.
    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// Whether the deadline has passed.
    pub fn is_past(&self) -> bool {
        self.remaining().is_zero()
    }

    /// Whether waiting `delay` from now would end past the deadline.
    pub fn would_pass(&self, delay: Duration) -> bool {
        delay >= self.remaining()
    }

    /// The moment it runs out.
    pub fn instant(&self) -> Instant {
        self.at
    }

    /// The same moment on tokio's clock (for `tokio::time::timeout_at`).
    pub fn tokio_instant(&self) -> tokio::time::Instant {
        tokio::time::Instant::from_std(self.at)
    }
}
