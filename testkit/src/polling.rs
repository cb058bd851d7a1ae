//! Bounded polling: wait for a condition with a deadline instead of a fixed sleep.

use std::time::{Duration, Instant};

/// The interval [`poll`] waits between two calls.
pub const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Calls `f` every `every` until it returns `Some`, at most until `deadline` has passed
/// (the last call is made at or after it); `None` when it never did.
pub fn poll_every<T>(
    deadline: Duration,
    every: Duration,
    mut f: impl FnMut() -> Option<T>,
) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        let elapsed = start.elapsed();
        if elapsed >= deadline {
            return None;
        }
        std::thread::sleep(every.min(deadline - elapsed));
    }
}

/// Calls `f` every [`POLL_INTERVAL`] until it returns `Some`, and returns that.
///
/// ```
/// use std::time::Duration;
/// let mut n = 0;
/// let got = census_testkit::poll("the third call", Duration::from_secs(5), || {
///     n += 1;
///     (n == 3).then_some(n)
/// });
/// assert_eq!(got, 3);
/// ```
///
/// # Panics
///
/// After `deadline`: `timed out after {deadline:?} waiting for {what}`.
pub fn poll<T>(what: &str, deadline: Duration, f: impl FnMut() -> Option<T>) -> T {
    poll_every(deadline, POLL_INTERVAL, f)
        .unwrap_or_else(|| panic!("timed out after {deadline:?} waiting for {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_up_at_the_deadline_after_a_last_call() {
        let start = Instant::now();
        let mut calls = 0;
        let got: Option<()> =
            poll_every(Duration::from_millis(50), Duration::from_millis(10), || {
                calls += 1;
                None
            });
        assert!(got.is_none());
        assert!(start.elapsed() >= Duration::from_millis(50));
        assert!(start.elapsed() < Duration::from_secs(2));
        assert!(calls >= 2, "{calls}");
    }

    #[test]
    #[should_panic(expected = "timed out after 10ms waiting for nothing")]
    fn poll_panics_with_what_it_waited_for() {
        poll::<()>("nothing", Duration::from_millis(10), || None);
    }
}
