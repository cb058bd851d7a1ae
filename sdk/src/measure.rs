//! See [`Measure`] for details.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use arc_swap::ArcSwap;

use crate::error::{printable_ascii, MeasureError};
use crate::rows::table::RowTable;
use crate::value::{MeasureKind, MeasureType, MeasureValue};

pub(crate) struct MeasureInner {
    pub(crate) name: Box<str>,
    pub(crate) description: Box<str>,
    pub(crate) unit: Box<str>,
    pub(crate) kind: MeasureKind,
    /// Views (of any meter) fed by this measure. Non-zero means "look at `views`".
    pub(crate) subscribed: AtomicUsize,
    pub(crate) views: ArcSwap<Vec<Arc<Subscription>>>,
}

/// One view's rows in one meter, as the record path reaches them from the measure.
pub(crate) struct Subscription {
    /// The meter whose view this is.
    pub(crate) meter_id: u64,
    /// The view's rows.
    pub(crate) table: RowTable,
}

impl MeasureInner {
    /// True when any meter has a view of this measure: the one atomic load of the fast path.
    #[inline]
    pub(crate) fn subscribed_any(&self) -> bool {
        self.subscribed.load(std::sync::atomic::Ordering::Relaxed) > 0
    }
}

impl fmt::Debug for MeasureInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Measure")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("unit", &self.unit)
            .finish()
    }
}

fn registry() -> &'static Mutex<HashMap<Box<str>, Arc<MeasureInner>>> {
    static MEASURES: OnceLock<Mutex<HashMap<Box<str>, Arc<MeasureInner>>>> = OnceLock::new();
    MEASURES.get_or_init(Default::default)
}

/// A measure of any kind: the type-erased form views are built on. Cheap to clone.
///
/// Measures are process-wide, as in OpenCensus: creating a measure whose name exists returns the
/// existing one when kind, description and unit agree.
#[derive(Clone, Debug)]
pub struct Measure(pub(crate) Arc<MeasureInner>);

/// A typed measure: `Int64Measure` or `Float64Measure`.
pub struct TypedMeasure<T: MeasureType> {
    pub(crate) inner: Arc<MeasureInner>,
    _t: PhantomData<fn(T)>,
}

/// A measure of `i64` values (OpenCensus `stats.Int64`).
pub type Int64Measure = TypedMeasure<i64>;
/// A measure of `f64` values (OpenCensus `stats.Float64`).
pub type Float64Measure = TypedMeasure<f64>;

impl<T: MeasureType> Clone for TypedMeasure<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            _t: PhantomData,
        }
    }
}
impl<T: MeasureType> fmt::Debug for TypedMeasure<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<T: MeasureType> TypedMeasure<T> {
    /// Creates (or finds) the measure `name`. `unit` is a UCUM string such as `"ms"`, `"By"` or
    /// `"1"`.
    ///
    /// # Errors
    /// [`MeasureError::InvalidName`] for an empty, over-long (255 bytes) or non-printable-ASCII
    /// name; [`MeasureError::Conflict`] when the name exists with another kind, description or
    /// unit.
    ///
    /// ```
    /// use census_sdk::{Float64Measure, Int64Measure};
    /// let lat = Float64Measure::new("doc.io/latency", "Latency", "ms").unwrap();
    /// let again = Float64Measure::new("doc.io/latency", "Latency", "ms").unwrap();
    /// assert_eq!(lat.name(), again.name());
    /// let err = Int64Measure::new("doc.io/latency", "Latency", "ms").unwrap_err();
    /// assert!(err.to_string().contains("already exists as float64"), "{err}");
    /// ```
    pub fn new(name: &str, description: &str, unit: &str) -> Result<Self, MeasureError> {
        let inner = register(name, description, unit, T::KIND)?;
        Ok(Self {
            inner,
            _t: PhantomData,
        })
    }

    /// A measurement of this measure, to pass to `record`.
    #[inline]
    pub fn m(&self, value: T) -> Measurement<'_> {
        Measurement {
            measure: &self.inner,
            value: value.into_value(),
        }
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }
    /// The description.
    pub fn description(&self) -> &str {
        &self.inner.description
    }
    /// The unit.
    pub fn unit(&self) -> &str {
        &self.inner.unit
    }
    /// The type-erased measure.
    pub fn erased(&self) -> Measure {
        Measure(self.inner.clone())
    }
}

impl<T: MeasureType> From<&TypedMeasure<T>> for Measure {
    fn from(m: &TypedMeasure<T>) -> Self {
        m.erased()
    }
}
impl<T: MeasureType> From<TypedMeasure<T>> for Measure {
    fn from(m: TypedMeasure<T>) -> Self {
        Measure(m.inner)
    }
}

impl Measure {
    /// The name.
    pub fn name(&self) -> &str {
        &self.0.name
    }
    /// The description.
    pub fn description(&self) -> &str {
        &self.0.description
    }
    /// The unit.
    pub fn unit(&self) -> &str {
        &self.0.unit
    }
    /// The kind.
    pub fn kind(&self) -> MeasureKind {
        self.0.kind
    }
    /// True when some view (in any meter) is fed by this measure.
    pub fn has_views(&self) -> bool {
        self.0.subscribed.load(Ordering::Relaxed) > 0
    }
}

impl PartialEq for Measure {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
impl Eq for Measure {}

/// One value of one measure, ready to record. Borrowing the measure keeps it free of
/// reference counting.
#[derive(Debug, Clone, Copy)]
pub struct Measurement<'a> {
    pub(crate) measure: &'a MeasureInner,
    pub(crate) value: MeasureValue,
}

impl Measurement<'_> {
    /// The measured value.
    pub fn value(&self) -> MeasureValue {
        self.value
    }
    /// The name of the measure.
    pub fn measure_name(&self) -> &str {
        &self.measure.name
    }
}

fn describe(kind: MeasureKind, description: &str, unit: &str) -> String {
    let k = match kind {
        MeasureKind::Int64 => "int64",
        MeasureKind::Float64 => "float64",
    };
    format!("{k} (description {description:?}, unit {unit:?})")
}

fn register(
    name: &str,
    description: &str,
    unit: &str,
    kind: MeasureKind,
) -> Result<Arc<MeasureInner>, MeasureError> {
    if !printable_ascii(name, 1, 255) {
        return Err(MeasureError::InvalidName { name: name.into() });
    }
    let mut reg = registry().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = reg.get(name) {
        if m.kind == kind && &*m.description == description && &*m.unit == unit {
            return Ok(m.clone());
        }
        return Err(MeasureError::Conflict {
            name: name.into(),
            existing: describe(m.kind, &m.description, &m.unit),
            requested: describe(kind, description, unit),
        });
    }
    let m = Arc::new(MeasureInner {
        name: name.into(),
        description: description.into(),
        unit: unit.into(),
        kind,
        subscribed: AtomicUsize::new(0),
        views: ArcSwap::from_pointee(Vec::new()),
    });
    reg.insert(name.into(), m.clone());
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_validated() {
        assert!(matches!(
            Int64Measure::new("", "", "1"),
            Err(MeasureError::InvalidName { .. })
        ));
        assert!(Int64Measure::new(&"m".repeat(256), "", "1").is_err());
        assert!(Int64Measure::new("caf\u{e9}", "", "1").is_err());
        assert!(Int64Measure::new(&"m".repeat(255), "", "1").is_ok());
    }

    #[test]
    fn conflicting_definitions_are_rejected() {
        let _a = Int64Measure::new("measure.test/conflict", "d", "By").unwrap();
        assert!(Int64Measure::new("measure.test/conflict", "d", "By").is_ok());
        let err = Int64Measure::new("measure.test/conflict", "other", "By").unwrap_err();
        match err {
            MeasureError::Conflict {
                existing,
                requested,
                ..
            } => {
                assert!(existing.contains("\"d\""));
                assert!(requested.contains("\"other\""));
            }
            e => panic!("unexpected {e:?}"),
        }
        assert!(Float64Measure::new("measure.test/conflict", "d", "By").is_err());
    }

    #[test]
    fn measurements_carry_typed_values() {
        let m = Int64Measure::new("measure.test/values", "", "1").unwrap();
        assert_eq!(m.m(5).value(), MeasureValue::Int(5));
        assert_eq!(m.m(5).measure_name(), "measure.test/values");
        assert!(!m.erased().has_views());
    }
}
