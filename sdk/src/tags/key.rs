//! See [`TagKey`] and [`TagValue`] for details.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use crate::error::{printable_ascii, TagError};

/// The name of a tag: 1 to 255 printable ASCII characters.
///
/// Keys are interned: creating the same key twice returns the same key, and comparing two keys
/// is one integer comparison. Keys order by name.
///
/// ```
/// use census_sdk::TagKey;
/// let method = TagKey::new("method").unwrap();
/// assert_eq!(method.name(), "method");
/// assert_eq!(method, TagKey::new("method").unwrap());
/// assert!(TagKey::new("").is_err());
/// assert!(TagKey::new("caf\u{e9}").is_err());
/// ```
#[derive(Clone)]
pub struct TagKey(Arc<KeyInner>);

struct KeyInner {
    name: Box<str>,
    id: u32,
}

fn interner() -> &'static Mutex<HashMap<Box<str>, TagKey>> {
    static KEYS: OnceLock<Mutex<HashMap<Box<str>, TagKey>>> = OnceLock::new();
    KEYS.get_or_init(Default::default)
}

impl TagKey {
    /// Creates (or finds) the key `name`.
    ///
    /// # Errors
    /// [`TagError::InvalidKey`] when `name` is empty, longer than 255 bytes, or has a character
    /// outside printable ASCII (0x20–0x7E), as OpenCensus Go's `tag.NewKey`.
    pub fn new(name: &str) -> Result<Self, TagError> {
        if !printable_ascii(name, 1, 255) {
            return Err(TagError::InvalidKey { key: name.into() });
        }
        let mut keys = interner().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(key) = keys.get(name) {
            return Ok(key.clone());
        }
        let id = u32::try_from(keys.len()).unwrap_or(u32::MAX);
        let key = TagKey(Arc::new(KeyInner {
            name: name.into(),
            id,
        }));
        keys.insert(name.into(), key.clone());
        Ok(key)
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    pub(crate) fn id(&self) -> u32 {
        self.0.id
    }
}

impl PartialEq for TagKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}
impl Eq for TagKey {}
impl Hash for TagKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.id.hash(state)
    }
}
impl PartialOrd for TagKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for TagKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}
impl fmt::Debug for TagKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TagKey({:?})", self.name())
    }
}
impl fmt::Display for TagKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The value of a tag: 0 to 255 printable ASCII characters (the empty value is allowed).
///
/// A value carries its hash, computed once, so finding a view's row costs no string hashing.
///
/// ```
/// use census_sdk::TagValue;
/// assert_eq!(TagValue::new("GET").unwrap().as_str(), "GET");
/// assert!(TagValue::new("").is_ok());
/// assert!(TagValue::new(&"v".repeat(256)).is_err());
/// assert!(TagValue::new("tab\t").is_err());
/// ```
#[derive(Clone)]
pub struct TagValue {
    hash: u64,
    s: Arc<str>,
}

pub(crate) fn hash_str(s: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x6365_6e73_7573).hash_one(s)
}

impl TagValue {
    /// Creates a tag value.
    ///
    /// # Errors
    /// [`TagError::InvalidValue`] when `value` is longer than 255 bytes or has a character outside
    /// printable ASCII (0x20–0x7E).
    pub fn new(value: &str) -> Result<Self, TagError> {
        if !printable_ascii(value, 0, 255) {
            return Err(TagError::InvalidValue {
                value: value.into(),
            });
        }
        Ok(Self::new_unchecked(value))
    }

    pub(crate) fn new_unchecked(value: &str) -> Self {
        TagValue {
            hash: hash_str(value),
            s: value.into(),
        }
    }

    /// The empty value, which a view also uses for a tag the recording did not carry.
    pub fn empty() -> Self {
        static EMPTY: OnceLock<TagValue> = OnceLock::new();
        EMPTY.get_or_init(|| TagValue::new_unchecked("")).clone()
    }

    /// The value as a string.
    pub fn as_str(&self) -> &str {
        &self.s
    }

    /// True for the empty value.
    pub fn is_empty(&self) -> bool {
        self.s.is_empty()
    }

    pub(crate) fn hash_value(&self) -> u64 {
        self.hash
    }
}

impl PartialEq for TagValue {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && (Arc::ptr_eq(&self.s, &other.s) || self.s == other.s)
    }
}
impl Eq for TagValue {}
impl Hash for TagValue {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash)
    }
}
impl PartialOrd for TagValue {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for TagValue {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}
impl fmt::Debug for TagValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}
impl fmt::Display for TagValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_limits_follow_opencensus() {
        assert!(TagKey::new(&"k".repeat(255)).is_ok());
        assert_eq!(
            TagKey::new(&"k".repeat(256)).unwrap_err(),
            TagError::InvalidKey {
                key: "k".repeat(256)
            }
        );
        assert!(TagKey::new("tab\t").is_err());
        assert!(TagKey::new("http.status").is_ok());
    }

    #[test]
    fn keys_are_interned_and_ordered_by_name() {
        let a = TagKey::new("zeta").unwrap();
        let b = TagKey::new("alpha").unwrap();
        assert_eq!(a.id(), TagKey::new("zeta").unwrap().id());
        assert!(b < a);
    }

    #[test]
    fn value_limits_follow_opencensus() {
        assert!(TagValue::new(&"v".repeat(255)).is_ok());
        let err = TagValue::new("caf\u{e9}").unwrap_err();
        assert!(err.to_string().contains("printable ASCII"), "{err}");
        assert_eq!(TagValue::new("").unwrap(), TagValue::empty());
    }
}
