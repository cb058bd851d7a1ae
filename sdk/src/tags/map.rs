//! See [`TagMap`] for details.

use std::fmt;
use std::sync::{Arc, OnceLock};

use super::key::{TagKey, TagValue};
use crate::error::TagError;

/// How far a tag propagates (OpenCensus tag metadata; only the TTL exists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Ttl {
    /// The tag stays in this process: propagation formats leave it out (TTL 0).
    NoPropagation,
    /// The tag propagates to every hop (TTL -1, the default and what "absent on the wire" means).
    #[default]
    Unlimited,
}

/// One tag: key, value and propagation metadata.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    /// The key.
    pub key: TagKey,
    /// The value.
    pub value: TagValue,
    /// The propagation TTL.
    pub ttl: Ttl,
}

/// A change to a tag map, with OpenCensus Go's semantics (`tag.Insert`, `tag.Update`,
/// `tag.Upsert`, `tag.Delete`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutator {
    /// Adds the tag only if the key is absent; an existing value is kept.
    Insert(TagKey, TagValue, Ttl),
    /// Replaces the value only if the key is present; otherwise does nothing.
    Update(TagKey, TagValue, Ttl),
    /// Always sets the tag.
    Upsert(TagKey, TagValue, Ttl),
    /// Removes the key.
    Delete(TagKey),
}

impl Mutator {
    /// [`Mutator::Insert`] with the default TTL.
    pub fn insert(key: TagKey, value: TagValue) -> Self {
        Mutator::Insert(key, value, Ttl::Unlimited)
    }
    /// [`Mutator::Update`] with the default TTL.
    pub fn update(key: TagKey, value: TagValue) -> Self {
        Mutator::Update(key, value, Ttl::Unlimited)
    }
    /// [`Mutator::Upsert`] with the default TTL.
    pub fn upsert(key: TagKey, value: TagValue) -> Self {
        Mutator::Upsert(key, value, Ttl::Unlimited)
    }
    /// [`Mutator::Delete`].
    pub fn delete(key: TagKey) -> Self {
        Mutator::Delete(key)
    }
}

/// An immutable set of tags, sorted by key name. Cloning is cheap (one reference count).
///
/// Mutators return a new map, leaving the original untouched, as OpenCensus Go's `tag.New`.
///
/// ```
/// use census_sdk::{Mutator, TagKey, TagMap, TagValue};
/// let method = TagKey::new("method").unwrap();
/// let status = TagKey::new("status").unwrap();
/// let v = |s| TagValue::new(s).unwrap();
///
/// let map = TagMap::new().with(&[Mutator::insert(method.clone(), v("GET"))]);
/// let map2 = map.with(&[
///     Mutator::insert(method.clone(), v("PUT")),   // kept: GET is already there
///     Mutator::update(status.clone(), v("500")),   // no-op: status is absent
/// ]);
/// assert_eq!(map2.get(&method).unwrap().as_str(), "GET");
/// assert!(map2.get(&status).is_none());
/// let map3 = map2.with(&[Mutator::upsert(status.clone(), v("200"))]);
/// assert_eq!(map3.to_string(), "{method=GET, status=200}");
/// assert_eq!(map.len(), 1); // the original is unchanged
/// ```
#[derive(Clone)]
pub struct TagMap {
    tags: Arc<[Tag]>,
    /// Hash of the whole map (keys and values), computed once: the record path's row cache
    /// compares maps by it first.
    hash: u64,
}

impl PartialEq for TagMap {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.tags, &other.tags) || (self.hash == other.hash && self.tags == other.tags)
    }
}
impl Eq for TagMap {}
impl std::hash::Hash for TagMap {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash)
    }
}

impl Default for TagMap {
    fn default() -> Self {
        Self::new()
    }
}

impl TagMap {
    /// The empty map (no allocation).
    pub fn new() -> Self {
        static EMPTY: OnceLock<Arc<[Tag]>> = OnceLock::new();
        TagMap {
            tags: EMPTY.get_or_init(|| Arc::from(Vec::new())).clone(),
            hash: map_hash(&[]),
        }
    }

    /// Builds a map from string pairs, validating each key and value; a repeated key keeps its
    /// last value.
    ///
    /// # Errors
    /// The first invalid key or value, as a [`TagError`].
    ///
    /// ```
    /// use census_sdk::TagMap;
    /// let map = TagMap::from_pairs(&[("method", "GET"), ("http.status", "200")]).unwrap();
    /// assert_eq!(map.to_string(), "{http.status=200, method=GET}");
    /// assert!(TagMap::from_pairs(&[("", "x")]).is_err());
    /// ```
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Self, TagError> {
        let mut muts = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            muts.push(Mutator::upsert(TagKey::new(k)?, TagValue::new(v)?));
        }
        Ok(TagMap::new().with(&muts))
    }

    /// Returns a new map with `mutators` applied in order.
    pub fn with(&self, mutators: &[Mutator]) -> Self {
        let mut tags: Vec<Tag> = self.tags.to_vec();
        for m in mutators {
            match m {
                Mutator::Insert(k, v, ttl) => {
                    if let Err(i) = search(&tags, k) {
                        tags.insert(i, tag(k, v, *ttl));
                    }
                }
                Mutator::Update(k, v, ttl) => {
                    if let Ok(i) = search(&tags, k) {
                        tags[i] = tag(k, v, *ttl);
                    }
                }
                Mutator::Upsert(k, v, ttl) => match search(&tags, k) {
                    Ok(i) => tags[i] = tag(k, v, *ttl),
                    Err(i) => tags.insert(i, tag(k, v, *ttl)),
                },
                Mutator::Delete(k) => {
                    if let Ok(i) = search(&tags, k) {
                        tags.remove(i);
                    }
                }
            }
        }
        TagMap {
            hash: map_hash(&tags),
            tags: tags.into(),
        }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &TagKey) -> Option<&TagValue> {
        self.find(key).map(|t| &t.value)
    }

    /// The tag of `key` (value and TTL), if present.
    pub fn tag(&self, key: &TagKey) -> Option<&Tag> {
        self.find(key)
    }

    /// The tags, sorted by key name.
    pub fn iter(&self) -> impl Iterator<Item = &Tag> + '_ {
        self.tags.iter()
    }

    /// The number of tags.
    pub fn len(&self) -> usize {
        self.tags.len()
    }

    /// True when the map has no tags.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }

    /// The hash of the whole map, computed at construction.
    #[inline]
    pub(crate) fn map_hash(&self) -> u64 {
        self.hash
    }

    /// Finds a key: by id for small maps (integer compares), by name for large ones.
    #[inline]
    fn find(&self, key: &TagKey) -> Option<&Tag> {
        if self.tags.len() <= 8 {
            let id = key.id();
            self.tags.iter().find(|t| t.key.id() == id)
        } else {
            search(&self.tags, key).ok().map(|i| &self.tags[i])
        }
    }

    /// The value this map gives column `key` of a view: the empty value when absent.
    #[inline]
    pub(crate) fn column_value(&self, key: &TagKey) -> Option<&TagValue> {
        self.find(key).map(|t| &t.value).filter(|v| !v.is_empty())
    }

    /// The hash of this map projected onto `columns` (missing and empty hash alike).
    #[inline]
    pub(crate) fn project_hash(&self, columns: &[TagKey]) -> u64 {
        let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
        for c in columns {
            let vh = match self.column_value(c) {
                Some(v) => v.hash_value(),
                None => empty_hash(),
            };
            h = (h.rotate_left(23) ^ vh).wrapping_mul(0x2127_599b_f432_5c37);
        }
        h
    }

    /// True when this map projected onto `columns` equals `values`.
    #[inline]
    pub(crate) fn project_eq(&self, columns: &[TagKey], values: &[TagValue]) -> bool {
        columns
            .iter()
            .zip(values)
            .all(|(c, stored)| match self.column_value(c) {
                Some(v) => v == stored,
                None => stored.is_empty(),
            })
    }

    /// This map projected onto `columns`, empty where absent.
    pub(crate) fn project(&self, columns: &[TagKey]) -> Arc<[TagValue]> {
        columns
            .iter()
            .map(|c| {
                self.column_value(c)
                    .cloned()
                    .unwrap_or_else(TagValue::empty)
            })
            .collect()
    }
}

fn map_hash(tags: &[Tag]) -> u64 {
    let mut h: u64 = 0x243f_6a88_85a3_08d3;
    for t in tags {
        h = (h.rotate_left(23) ^ t.key.id()).wrapping_mul(0x2127_599b_f432_5c37);
        h = (h.rotate_left(23) ^ t.value.hash_value()).wrapping_mul(0x2127_599b_f432_5c37);
    }
    h
}

/// The hash of the empty value, as [`TagMap::project_hash`] uses for absent columns.
#[inline]
pub(crate) fn empty_hash() -> u64 {
    static H: OnceLock<u64> = OnceLock::new();
    *H.get_or_init(|| super::key::hash_str(""))
}

/// Hash of already-projected values, equal to [`TagMap::project_hash`] of a matching map.
pub(crate) fn values_hash(values: &[TagValue]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
    for v in values {
        h = (h.rotate_left(23) ^ v.hash_value()).wrapping_mul(0x2127_599b_f432_5c37);
    }
    h
}

fn tag(k: &TagKey, v: &TagValue, ttl: Ttl) -> Tag {
    Tag {
        key: k.clone(),
        value: v.clone(),
        ttl,
    }
}

fn search(tags: &[Tag], key: &TagKey) -> Result<usize, usize> {
    tags.binary_search_by(|t| t.key.name().cmp(key.name()))
}

impl fmt::Debug for TagMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.tags.iter().map(|t| (t.key.name(), t.value.as_str())))
            .finish()
    }
}

impl fmt::Display for TagMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, t) in self.tags.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}={}", t.key, t.value)?;
        }
        f.write_str("}")
    }
}

impl<'a> IntoIterator for &'a TagMap {
    type Item = &'a Tag;
    type IntoIter = std::slice::Iter<'a, Tag>;
    fn into_iter(self) -> Self::IntoIter {
        self.tags.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> TagKey {
        TagKey::new(s).unwrap()
    }
    fn v(s: &str) -> TagValue {
        TagValue::new(s).unwrap()
    }

    #[test]
    fn mutators_follow_go_semantics() {
        // Go probes: insert existing + update missing keeps {method=1}.
        let m = TagMap::new().with(&[Mutator::insert(k("method"), v("1"))]);
        let m = m.with(&[
            Mutator::insert(k("method"), v("2")),
            Mutator::update(k("http.status"), v("3")),
        ]);
        assert_eq!(m.to_string(), "{method=1}");
        // update existing + upsert new
        let m = m.with(&[
            Mutator::update(k("method"), v("4")),
            Mutator::upsert(k("http.status"), v("5")),
        ]);
        assert_eq!(m.to_string(), "{http.status=5, method=4}");
        // delete then insert with TTL 0
        let m = m.with(&[
            Mutator::delete(k("method")),
            Mutator::Insert(k("method"), v("6"), Ttl::NoPropagation),
        ]);
        assert_eq!(m.tag(&k("method")).unwrap().ttl, Ttl::NoPropagation);
        assert_eq!(m.tag(&k("http.status")).unwrap().ttl, Ttl::Unlimited);
    }

    #[test]
    fn projection_treats_missing_and_empty_alike() {
        let cols = [k("a"), k("b")];
        let with_empty = TagMap::from_pairs(&[("a", "x"), ("b", "")]).unwrap();
        let without = TagMap::from_pairs(&[("a", "x"), ("zz", "ignored")]).unwrap();
        assert_eq!(with_empty.project_hash(&cols), without.project_hash(&cols));
        let stored = without.project(&cols);
        assert!(with_empty.project_eq(&cols, &stored));
        assert_eq!(values_hash(&stored), without.project_hash(&cols));
        let other = TagMap::from_pairs(&[("a", "y")]).unwrap();
        assert!(!other.project_eq(&cols, &stored));
    }

    #[test]
    fn large_maps_find_by_name() {
        let pairs: Vec<(String, String)> = (0..20)
            .map(|i| (format!("k{i:02}"), format!("v{i}")))
            .collect();
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let m = TagMap::from_pairs(&refs).unwrap();
        assert_eq!(m.get(&k("k13")).unwrap().as_str(), "v13");
        assert!(m.get(&k("k99")).is_none());
    }
}
