//! Values as StatsD servers parse them: see [`push_value`].

use std::fmt::Write;

/// Appends `v`: an integer without a fraction when it is one (up to 2^53), else the shortest
/// text that reads back as the same `f64` (`0.25`, `1.5e-7`, `1e300`). Non-finite values are
/// the caller's to skip (no StatsD server reads them).
///
/// ```
/// let mut s = String::new();
/// for v in [3.0, -4.0, 0.25, 1.5e-7, 1e300, -0.0] {
///     census_statsd::number::push_value(&mut s, v);
///     s.push(' ');
/// }
/// assert_eq!(s, "3 -4 0.25 1.5e-7 1e300 0 ");
/// ```
pub fn push_value(out: &mut String, v: f64) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if v.fract() == 0.0 && v.abs() <= EXACT {
        let _ = write!(out, "{}", v as i64);
    } else {
        let _ = write!(out, "{v:?}");
    }
}

/// Appends an integer count.
pub(crate) fn push_count(out: &mut String, n: u64) {
    let _ = write!(out, "{n}");
}
