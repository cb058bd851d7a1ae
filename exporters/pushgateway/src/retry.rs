//! Retries with exponential backoff and jitter. See [`Retry`] for details.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::Duration;

/// How a failed attempt is retried, always inside the push's overall deadline
/// ([`crate::PushgatewayBuilder::with_timeout`]).
///
/// Transport failures (refused, reset, timed-out connections), `5xx` and `429` answers are
/// retried; other answers (a `400` consistency rejection, `401`, `404`, …) are final. Before
/// attempt `n + 1` the exporter waits a random delay between half and all of
/// `min(initial_backoff × 2ⁿ⁻¹, max_backoff)`, and never past the deadline.
///
/// ```
/// use std::time::Duration;
/// use census_pushgateway::Retry;
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

    /// The jittered delay after failed attempt `attempt`: uniform in `[ceiling/2, ceiling]`.
    pub(crate) fn delay(&self, attempt: u32, jitter: &mut Jitter) -> Duration {
        let ceiling = self.backoff_ceiling(attempt);
        ceiling / 2 + ceiling.mul_f64(jitter.next_unit() / 2.0)
    }
}

/// A small xorshift generator seeded from the std library's random hasher keys: enough to
/// spread retries of many jobs apart, without a dependency.
#[derive(Debug)]
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn new() -> Self {
        let seed = RandomState::new().hash_one(std::process::id());
        Jitter(seed | 1)
    }

    /// A value in `[0, 1)`.
    pub(crate) fn next_unit(&mut self) -> f64 {
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
        let r = Retry::default();
        let mut j = Jitter::new();
        for attempt in 1..8 {
            let c = r.backoff_ceiling(attempt);
            for _ in 0..200 {
                let d = r.delay(attempt, &mut j);
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
}
