//! What a measure records: [`MeasureValue`], [`MeasureKind`], [`MeasureType`].

/// Whether a measure records integers or floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeasureKind {
    /// 64-bit signed integers; sums of them are exact.
    Int64,
    /// 64-bit floats.
    Float64,
}

/// A recorded value, integer or float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MeasureValue {
    /// From an int64 measure.
    Int(i64),
    /// From a float64 measure.
    Float(f64),
}

impl MeasureValue {
    /// The value as `f64` (integers above 2^53 round).
    #[inline]
    pub fn as_f64(self) -> f64 {
        match self {
            MeasureValue::Int(v) => v as f64,
            MeasureValue::Float(v) => v,
        }
    }
}

/// The Rust type a measure records: `i64` or `f64`. Sealed.
pub trait MeasureType: Copy + Send + Sync + 'static + private::Sealed {
    /// The measure kind of this type.
    const KIND: MeasureKind;
    /// Wraps the value.
    fn into_value(self) -> MeasureValue;
}
impl MeasureType for i64 {
    const KIND: MeasureKind = MeasureKind::Int64;
    #[inline]
    fn into_value(self) -> MeasureValue {
        MeasureValue::Int(self)
    }
}
impl MeasureType for f64 {
    const KIND: MeasureKind = MeasureKind::Float64;
    #[inline]
    fn into_value(self) -> MeasureValue {
        MeasureValue::Float(self)
    }
}
mod private {
    pub trait Sealed {}
    impl Sealed for i64 {}
    impl Sealed for f64 {}
}
