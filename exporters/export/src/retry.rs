//! Retries with exponential backoff and jitter inside an overall deadline, with a
//! per-transport classification of failures. See [`Retry`] and [`Retrier`].

use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::BuildHasher;
use std::time::Duration;

use crate::deadline::Deadline;

/// How a failed attempt is retried, always inside the overall deadline.
///
/// Before attempt `n + 1` the [`Retrier`] waits a random delay between half and all of
/// `min(initial_backoff × 2ⁿ⁻¹, max_backoff)` (or the delay the server asked for), and never
/// past the deadline.
///
/// ```
/// use std::time::Duration;
/// use census_export::Retry;
/// let r = Retry::default();
/// assert_eq!(r.max_attempts, 4);
/// assert_eq!(r.backoff_ceiling(1), Duration::from_millis(100));
/// assert_eq!(r.backoff_ceiling(3), Duration::from_millis(400));
/// assert_eq!(r.backoff_ceiling(30), Duration::from_secs(2));
/// assert_eq!(Retry::none().max_attempts, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in total, the first included (minimum 1).
    pub max_attempts: u32,
    /// Backoff ceiling before the second attempt.
    pub initial_backoff: Duration,
    /// Largest backoff ceiling.
    pub max_backoff: Duration,
}

impl Default for Retry {
    /// 4 attempts, backoff from 100 ms doubling up to 2 s.
    fn default() -> Self {
        Retry {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
        }
    }
}

impl Retry {
    /// One attempt, no retries.
    pub fn none() -> Self {
        Retry {
            max_attempts: 1,
            ..Retry::default()
        }
    }

    /// The backoff ceiling after failed attempt `attempt` (1-based):
    /// `min(initial_backoff × 2^(attempt−1), max_backoff)`.
    pub fn backoff_ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(20);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// What a transport says about one failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Another attempt may succeed (a reset connection, a 5xx).
    Retry,
    /// Another attempt would fail the same way (a 400, a 401).
    Final,
    /// The server asked to wait this long first (`Retry-After`).
    RetryAfter(Duration),
}

/// How a retried operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryError<E> {
    /// The last attempt failed and no other will be made (final, attempts used up, or the
    /// next wait would pass the deadline).
    Failed {
        /// The last attempt's error.
        error: E,
        /// Attempts made.
        attempts: u32,
    },
    /// The deadline passed during an attempt.
    TimedOut {
        /// Attempts started.
        attempts: u32,
        /// The error of the attempt before, if any.
        last: Option<E>,
    },
}

/// Runs attempts under a [`Retry`] policy with jitter; keeps its random state between runs.
#[derive(Debug)]
pub struct Retrier {
    policy: Retry,
    jitter: Jitter,
}

impl Retrier {
    /// A retrier for `policy`.
    pub fn new(policy: Retry) -> Self {
        Retrier {
            policy,
            jitter: Jitter::new(),
        }
    }

    /// The policy.
    pub fn policy(&self) -> Retry {
        self.policy
    }

    /// The jittered delay after failed attempt `attempt`: uniform in `[ceiling/2, ceiling]`.
    pub fn delay(&mut self, attempt: u32) -> Duration {
        let ceiling = self.policy.backoff_ceiling(attempt);
        ceiling / 2 + ceiling.mul_f64(self.jitter.next_unit() / 2.0)
    }

    /// Calls `attempt(n)` (n = 1, 2, …) until it succeeds, `classify` calls its error final,
    /// the attempts are used up, or `deadline` would pass.
    ///
    /// ```
    /// use std::time::Duration;
    /// use census_export::{Deadline, Retrier, Retry, RetryError, Verdict};
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let mut r = Retrier::new(Retry { max_attempts: 5, initial_backoff: Duration::from_millis(1), max_backoff: Duration::from_millis(2) });
    /// let deadline = Deadline::after(Duration::from_secs(5));
    /// let out = rt.block_on(r.run(deadline, |e: &u16| if *e >= 500 { Verdict::Retry } else { Verdict::Final }, |n| async move {
    ///     match n { 1 => Err(503u16), 2 => Err(500), _ => Ok(n) }
    /// }));
    /// assert_eq!(out, Ok(3));
    /// let out = rt.block_on(r.run(deadline, |_: &u16| Verdict::Final, |_| async { Err::<(), _>(400u16) }));
    /// assert_eq!(out, Err(RetryError::Failed { error: 400, attempts: 1 }));
    /// ```
    ///
    /// # Errors
    /// [`RetryError::Failed`] with the last error, or [`RetryError::TimedOut`].
    pub async fn run<T, E, Fut>(
        &mut self,
        deadline: Deadline,
        classify: impl Fn(&E) -> Verdict,
        mut attempt: impl FnMut(u32) -> Fut,
    ) -> Result<T, RetryError<E>>
    where
        Fut: Future<Output = Result<T, E>>,
    {
        let mut attempts = 0u32;
        let mut last = None;
        loop {
            attempts += 1;
            let error =
                match tokio::time::timeout_at(deadline.tokio_instant(), attempt(attempts)).await {
                    Ok(Ok(v)) => return Ok(v),
                    Ok(Err(e)) => e,
                    Err(_) => return Err(RetryError::TimedOut { attempts, last }),
                };
            let delay = match classify(&error) {
                Verdict::Final => None,
                _ if attempts >= self.policy.max_attempts.max(1) => None,
                Verdict::Retry => Some(self.delay(attempts)),
                Verdict::RetryAfter(d) => Some(d),
            };
            match delay {
                Some(d) if !deadline.would_pass(d) => {
                    tracing::debug!(?d, attempt = attempts, "census-export: retrying");
                    last = Some(error);
                    tokio::time::sleep(d).await;
                }
                _ => return Err(RetryError::Failed { error, attempts }),
            }
        }
    }
}

/// A small xorshift generator seeded from the std library's random hasher keys: enough to
/// spread retries of many jobs apart, without a dependency.
#[derive(Debug)]
struct Jitter(u64);

impl Jitter {
    fn new() -> Self {
        let seed = RandomState::new().hash_one(std::process::id());
        Jitter(seed | 1)
    }

    /// A value in `[0, 1)`.
    fn next_unit(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_stay_within_half_and_full_ceiling() {
        let mut r = Retrier::new(Retry::default());
        for attempt in 1..8 {
            let c = r.policy().backoff_ceiling(attempt);
            for _ in 0..200 {
                let d = r.delay(attempt);
                assert!(d >= c / 2 && d <= c, "attempt {attempt}: {d:?} vs {c:?}");
            }
        }
    }

    #[test]
    fn jitter_spreads_values() {
        let mut j = Jitter::new();
        let v: Vec<f64> = (0..1000).map(|_| j.next_unit()).collect();
        assert!(v.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        assert!((0.4..0.6).contains(&mean), "mean {mean}");
    }

    #[test]
    fn ceiling_saturates() {
        let r = Retry {
            max_attempts: 100,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
        };
        assert_eq!(r.backoff_ceiling(0), Duration::from_secs(1));
        assert_eq!(r.backoff_ceiling(5), Duration::from_secs(16));
        assert_eq!(r.backoff_ceiling(u32::MAX), Duration::from_secs(30));
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
    }

    #[test]
    fn a_server_given_delay_is_waited_unless_it_passes_the_deadline() {
        let rt = rt();
        let mut r = Retrier::new(Retry::default());
        let deadline = Deadline::after(Duration::from_secs(10));
        let after = |_: &()| Verdict::RetryAfter(Duration::from_secs(3));
        let out = rt.block_on(async {
            let t0 = tokio::time::Instant::now();
            let out = r
                .run(deadline, after, |n| async move {
                    if n < 2 {
                        Err(())
                    } else {
                        Ok(n)
                    }
                })
                .await;
            (out, t0.elapsed())
        });
        assert_eq!(out.0, Ok(2));
        assert!(out.1 >= Duration::from_secs(3), "{:?}", out.1);
        let long = |_: &()| Verdict::RetryAfter(Duration::from_secs(60));
        let out = rt.block_on(r.run(deadline, long, |_| async { Err::<(), ()>(()) }));
        assert_eq!(
            out,
            Err(RetryError::Failed {
                error: (),
                attempts: 1
            })
        );
    }

    #[test]
    fn attempts_stop_at_the_maximum_with_the_last_error() {
        let rt = rt();
        let mut r = Retrier::new(Retry {
            max_attempts: 3,
            ..Retry::default()
        });
        let deadline = Deadline::after(Duration::from_secs(60));
        let out = rt.block_on(r.run(
            deadline,
            |_| Verdict::Retry,
            |n| async move { Err::<(), u32>(n) },
        ));
        assert_eq!(
            out,
            Err(RetryError::Failed {
                error: 3,
                attempts: 3
            })
        );
    }
}
