//! See [`Aggregation`] for details.

use std::fmt;
use std::sync::Arc;

use crate::error::ViewError;

/// How a view aggregates the values of its measure within each row.
#[derive(Clone, PartialEq)]
pub enum Aggregation {
    /// Counts recordings, ignoring their values.
    Count,
    /// Sums values: exactly (wrapping `i64`) for int64 measures, in `f64` for float64 ones.
    Sum,
    /// Keeps the most recent value.
    LastValue,
    /// A histogram over [`Bounds`], with count, mean, sum of squared deviation, min, max and
    /// one exemplar per bucket.
    Distribution(Bounds),
}

impl Aggregation {
    /// A distribution over `bounds`, canonicalised as OpenCensus Go does: sorted, leading zeros
    /// dropped, duplicates collapsed.
    ///
    /// # Errors
    /// [`ViewError::NegativeBound`] for a negative bound, [`ViewError::NonFiniteBound`] for NaN
    /// or an infinity.
    ///
    /// ```
    /// use census_sdk::Aggregation;
    /// let d = Aggregation::distribution(&[0.0, 100.0, 10.0, 25.0, 25.0]).unwrap();
    /// assert_eq!(d.bounds().unwrap().as_slice(), &[10.0, 25.0, 100.0]);
    /// assert!(Aggregation::distribution(&[-1.0, 5.0]).is_err());
    /// ```
    pub fn distribution(bounds: &[f64]) -> Result<Self, ViewError> {
        Ok(Aggregation::Distribution(Bounds::new(bounds)?))
    }

    /// The bounds of a distribution, `None` for the other aggregations.
    pub fn bounds(&self) -> Option<&Bounds> {
        match self {
            Aggregation::Distribution(b) => Some(b),
            _ => None,
        }
    }

    /// The OpenCensus name of the aggregation type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Aggregation::Count => "Count",
            Aggregation::Sum => "Sum",
            Aggregation::LastValue => "LastValue",
            Aggregation::Distribution(_) => "Distribution",
        }
    }
}

impl fmt::Debug for Aggregation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Aggregation::Distribution(b) => write!(f, "Distribution({:?})", b.as_slice()),
            other => f.write_str(other.type_name()),
        }
    }
}

/// Canonical distribution bounds: finite, strictly increasing, all above zero.
///
/// N bounds make N+1 buckets: `(-inf, b0)`, `[b0, b1)`, …, `[b(N-1), +inf)`. A value equal to a
/// bound goes to the bucket above it, as in every OpenCensus implementation.
#[derive(Clone, PartialEq)]
pub struct Bounds(Arc<[f64]>);

impl Bounds {
    /// Validates and canonicalises `bounds` (see [`Aggregation::distribution`]).
    ///
    /// # Errors
    /// As [`Aggregation::distribution`].
    pub fn new(bounds: &[f64]) -> Result<Self, ViewError> {
        let mut b = bounds.to_vec();
        if let Some(&bad) = b.iter().find(|v| !v.is_finite()) {
            return Err(ViewError::NonFiniteBound { bound: bad });
        }
        if let Some(&neg) = b.iter().find(|v| **v < 0.0) {
            return Err(ViewError::NegativeBound { bound: neg });
        }
        b.sort_by(f64::total_cmp);
        b.retain(|v| *v > 0.0);
        b.dedup();
        Ok(Bounds(b.into()))
    }

    /// The bounds in increasing order.
    pub fn as_slice(&self) -> &[f64] {
        &self.0
    }

    /// The number of buckets (bounds + 1).
    pub fn buckets(&self) -> usize {
        self.0.len() + 1
    }

    /// The bucket `value` falls into: the first `i` with `value < bound[i]`, else the last.
    #[inline]
    pub fn bucket_of(&self, value: f64) -> usize {
        self.0.partition_point(|b| *b <= value)
    }
}

impl fmt::Debug for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalisation_matches_go() {
        // Go probe: (0, 10, 25, 100) -> [10 25 100]; (5, 1, 1, 0) -> [1 1 5], collapsed here.
        assert_eq!(
            Bounds::new(&[0.0, 10.0, 25.0, 100.0]).unwrap().as_slice(),
            &[10.0, 25.0, 100.0]
        );
        assert_eq!(
            Bounds::new(&[5.0, 1.0, 1.0, 0.0]).unwrap().as_slice(),
            &[1.0, 5.0]
        );
        assert_eq!(Bounds::new(&[]).unwrap().buckets(), 1);
    }

    #[test]
    fn invalid_bounds_are_typed_errors() {
        assert_eq!(
            Bounds::new(&[1.0, -2.0]),
            Err(ViewError::NegativeBound { bound: -2.0 })
        );
        assert!(matches!(
            Bounds::new(&[f64::NAN]),
            Err(ViewError::NonFiniteBound { .. })
        ));
        assert!(matches!(
            Bounds::new(&[f64::INFINITY]),
            Err(ViewError::NonFiniteBound { .. })
        ));
        let msg = Bounds::new(&[-2.0]).unwrap_err().to_string();
        assert!(msg.contains("-2") && msg.contains(">= 0"), "{msg}");
    }

    #[test]
    fn a_value_on_a_bound_goes_up() {
        let b = Bounds::new(&[10.0, 25.0, 100.0]).unwrap();
        assert_eq!(b.bucket_of(-3.0), 0);
        assert_eq!(b.bucket_of(9.99), 0);
        assert_eq!(b.bucket_of(10.0), 1);
        assert_eq!(b.bucket_of(25.0), 2);
        assert_eq!(b.bucket_of(150.0), 3);
    }
}
