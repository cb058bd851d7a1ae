//! Tags: [`TagKey`], [`TagValue`], the immutable [`TagMap`] and its [`Mutator`](crate::Mutator)s, the current
//! tag context, and propagation formats.
//!
//! A recording is broken down by the tags of its tag map: each view keeps one row per distinct
//! combination of the values of its columns (tag keys). A tag the recording does not carry counts
//! as the empty value, so "missing" and `""` land in the same row, as in OpenCensus Go.

#[cfg(feature = "baggage")]
pub mod baggage;
pub mod binary;
mod context;
pub(crate) mod key;
pub(crate) mod map;
pub(crate) mod propagation_error;

pub use context::{
    context_with, current, enter, from_context, with_current, TagMapFutureExt, TagScope,
    WithContext,
};
// The tag types' one public path is the crate root (`census_sdk::TagMap`, …).
pub(crate) use key::{TagKey, TagValue, OVERFLOW_TAG_VALUE};
pub(crate) use map::TagMap;
pub(crate) use propagation_error::PropagationError;

pub(crate) use map::values_hash;
