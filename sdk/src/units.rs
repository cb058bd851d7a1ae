//! UCUM unit strings for measures, as OpenCensus Go's `stats.Unit*` constants.
//!
//! ```
//! use census_sdk::{units, Int64Measure};
//! let size = Int64Measure::new("doc.io/units_size", "Size", units::BYTES).unwrap();
//! assert_eq!(size.unit(), "By");
//! ```

/// Dimensionless (`stats.UnitDimensionless`, also `stats.UnitNone`).
pub const DIMENSIONLESS: &str = "1";
/// Bytes (`stats.UnitBytes`).
pub const BYTES: &str = "By";
/// Milliseconds (`stats.UnitMilliseconds`).
pub const MILLISECONDS: &str = "ms";
/// Seconds (`stats.UnitSeconds`).
pub const SECONDS: &str = "s";
