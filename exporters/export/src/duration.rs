//! The ranges of duration settings every exporter checks when it is built: see
//! [`check_duration`].

use std::ops::RangeInclusive;
use std::time::Duration;

use thiserror::Error;

/// Deadlines of one export (a push with its retries, a flush): 1 ms to 1 h.
pub const TIMEOUT_RANGE: RangeInclusive<Duration> =
    Duration::from_millis(1)..=Duration::from_secs(3600);

/// Periods of periodic exports: 1 ms to 24 h.
pub const INTERVAL_RANGE: RangeInclusive<Duration> =
    Duration::from_millis(1)..=Duration::from_secs(24 * 3600);

/// A duration setting is outside the range the exporter accepts.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{what} of {value:?} is out of range: use a duration from {} to {}", short(*min), short(*max))]
pub struct DurationError {
    /// The setting (`push timeout`, `push interval`, …).
    pub what: &'static str,
    /// The value given.
    pub value: Duration,
    /// The smallest accepted value.
    pub min: Duration,
    /// The largest accepted value.
    pub max: Duration,
}

/// `value` if it lies in `range`.
///
/// ```
/// use std::time::Duration;
/// use census_export::{check_duration, TIMEOUT_RANGE};
/// assert_eq!(check_duration("timeout", Duration::from_secs(5), TIMEOUT_RANGE), Ok(Duration::from_secs(5)));
/// let e = check_duration("timeout", Duration::MAX, TIMEOUT_RANGE).unwrap_err();
/// assert_eq!(e.to_string(), "timeout of 18446744073709551615.999999999s is out of range: use a duration from 1ms to 1h");
/// ```
///
/// # Errors
/// A [`DurationError`] naming the setting, the value and the range.
pub fn check_duration(
    what: &'static str,
    value: Duration,
    range: RangeInclusive<Duration>,
) -> Result<Duration, DurationError> {
    if range.contains(&value) {
        return Ok(value);
    }
    Err(DurationError {
        what,
        value,
        min: *range.start(),
        max: *range.end(),
    })
}

/// `1ms`, `10s`, `2m`, `1h`: the largest whole unit (for messages).
fn short(d: Duration) -> String {
    let ms = d.as_millis();
    let whole = |unit: u128| ms > 0 && ms.is_multiple_of(unit);
    match ms {
        _ if whole(3_600_000) => format!("{}h", ms / 3_600_000),
        _ if whole(60_000) => format!("{}m", ms / 60_000),
        _ if whole(1000) => format!("{}s", ms / 1000),
        _ => format!("{ms}ms"),
    }
}
