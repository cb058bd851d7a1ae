//! The current tag map, carried in [`opentelemetry::Context`].
//!
//! A `record` that takes no explicit tags reads the tag map of the current context. Because the
//! map lives in the OpenTelemetry context, an app that already propagates OTel context (across
//! threads, into futures, through tower/tonic layers) carries its tags with it.
//!
//! ```
//! use census_sdk::{tags, TagMap, TagKey};
//! let map = TagMap::from_pairs(&[("method", "GET")]).unwrap();
//! {
//!     let _scope = tags::enter(map.clone());
//!     assert_eq!(tags::current(), map);
//! }
//! assert!(tags::current().is_empty());
//! ```

use std::future::Future;

use opentelemetry::context::FutureExt as _;
pub use opentelemetry::context::WithContext;
use opentelemetry::{Context, ContextGuard};

use super::map::TagMap;

/// Restores the previous tag context when dropped. Returned by [`enter`].
#[derive(Debug)]
#[must_use = "the tag map is current only while the guard lives"]
pub struct TagScope {
    _guard: ContextGuard,
}

/// Makes `map` the current tag map until the returned guard is dropped.
pub fn enter(map: TagMap) -> TagScope {
    TagScope {
        _guard: Context::current_with_value(map).attach(),
    }
}

/// The current tag map (empty when none is set). Cloning a map is one reference count.
pub fn current() -> TagMap {
    with_current(TagMap::clone)
}

/// Calls `f` with the current tag map without cloning it.
#[inline]
pub fn with_current<R>(f: impl FnOnce(&TagMap) -> R) -> R {
    Context::map_current(|cx| match cx.get::<TagMap>() {
        Some(map) => f(map),
        None => f(&empty()),
    })
}

fn empty() -> TagMap {
    TagMap::new()
}

/// The tag map carried by `cx`, if any.
pub fn from_context(cx: &Context) -> Option<&TagMap> {
    cx.get::<TagMap>()
}

/// A copy of `cx` that carries `map` as its tag map.
pub fn context_with(cx: &Context, map: TagMap) -> Context {
    cx.with_value(map)
}

/// Runs a future with a tag map as its current tag context, across every `.await`, on any
/// executor thread.
///
/// ```
/// use census_sdk::{tags, tags::TagMapFutureExt, TagMap};
/// let map = TagMap::from_pairs(&[("route", "/users")]).unwrap();
/// let fut = async { tags::current().to_string() }.with_tag_map(map);
/// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// assert_eq!(rt.block_on(fut), "{route=/users}");
/// ```
pub trait TagMapFutureExt: Future + Sized {
    /// Wraps the future so `map` is current whenever it is polled (the rest of the current
    /// OpenTelemetry context is kept).
    fn with_tag_map(self, map: TagMap) -> WithContext<Self> {
        self.with_context(Context::current_with_value(map))
    }
}

impl<F: Future> TagMapFutureExt for F {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_restore() {
        let a = TagMap::from_pairs(&[("k", "a")]).unwrap();
        let b = TagMap::from_pairs(&[("k", "b")]).unwrap();
        let _ga = enter(a.clone());
        {
            let _gb = enter(b.clone());
            assert_eq!(current(), b);
        }
        assert_eq!(current(), a);
    }

    #[test]
    fn tags_ride_along_other_otel_context_values() {
        #[derive(Debug, PartialEq)]
        struct Other(u32);
        let map = TagMap::from_pairs(&[("k", "v")]).unwrap();
        let cx = context_with(&Context::new().with_value(Other(7)), map.clone());
        assert_eq!(from_context(&cx), Some(&map));
        assert_eq!(cx.get::<Other>(), Some(&Other(7)));
    }
}
