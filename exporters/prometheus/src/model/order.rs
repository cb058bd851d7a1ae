//! The series order of a family, kept between encodings: see [`OrderCache::sort`].

use std::collections::HashMap;

use census_sdk::Row;

use super::label::{Label, Source};
use crate::escape::escape;

/// A family's rows in series order, with each row's text label block.
#[derive(Debug, Default)]
pub(crate) struct SortedRows {
    /// Row indexes, sorted by label values.
    pub(crate) order: Vec<u32>,
    /// Each row's escaped label block (`a="x",b="y"`, as text and OpenMetrics write it), in
    /// storage order, and where each ends; empty when not asked for (protobuf).
    blocks: Vec<u8>,
    block_ends: Vec<usize>,
}

impl SortedRows {
    /// The label block of row `i` (a storage index, as in `order`).
    #[inline]
    pub(crate) fn block(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.block_ends[i - 1] };
        &self.blocks[start..self.block_ends[i]]
    }
}

/// Sort-key buffers, and the sorted rows of each family of the last model written.
#[derive(Debug, Default)]
pub(crate) struct OrderCache {
    keys: Vec<u8>,
    key_ends: Vec<usize>,
    /// By family name.
    sorted: HashMap<String, SortedRows>,
}

impl OrderCache {
    /// Writes the label blocks of `rows` when `with_blocks` (rows in storage order: each row's
    /// tag values are read once, where they lie in memory) and sorts the rows byte-wise by
    /// their label values in label order.
    ///
    /// When the blocks are written and no value holds a byte that sorts at or below `"` or that is escaped, the blocks
    /// order exactly as the label values and are the sort keys. Otherwise each row's key is its
    /// tag values joined by NUL, which sorts below every printable character, so the joined
    /// keys order exactly as the value tuples. Comparing keys in one buffer is much faster than
    /// chasing each row's tag values through the heap.
    ///
    /// A meter returns a view's rows in the same order scrape after scrape until rows are
    /// added, so the order found for family `name` last time (see [`Self::keep`]) is reused
    /// after one comparison per row.
    pub(crate) fn sort(
        &mut self,
        name: &str,
        rows: &[Row],
        labels: &[Label],
        with_blocks: bool,
    ) -> SortedRows {
        let mut sorted = self.sorted.remove(name).unwrap_or_default();
        let SortedRows {
            order,
            blocks,
            block_ends,
        } = &mut sorted;
        blocks.clear();
        block_ends.clear();
        let mut plain = with_blocks;
        if with_blocks {
            for chunk in rows.chunks(256) {
                warm(chunk);
                for row in chunk {
                    for label in labels {
                        blocks.extend_from_slice(label.prefix.as_bytes());
                        plain &= escape(blocks, label.value(row), true);
                        blocks.push(b'"');
                    }
                    block_ends.push(blocks.len());
                }
            }
        }
        let (keys, ends) = if plain {
            (&blocks[..], &block_ends[..])
        } else {
            self.keys.clear();
            self.key_ends.clear();
            for chunk in rows.chunks(256) {
                if !with_blocks {
                    warm(chunk);
                }
                for row in chunk {
                    for label in labels {
                        if let Source::Column(c) = label.source {
                            self.keys
                                .extend_from_slice(row.tag_values[c].as_str().as_bytes());
                            self.keys.push(0);
                        }
                    }
                    self.key_ends.push(self.keys.len());
                }
            }
            (&self.keys[..], &self.key_ends[..])
        };
        let key = |i: u32| {
            let i = i as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &keys[start..ends[i]]
        };
        let still_sorted =
            order.len() == rows.len() && order.windows(2).all(|w| key(w[0]) < key(w[1]));
        if !still_sorted {
            order.clear();
            order.extend(0..rows.len() as u32);
            order.sort_unstable_by(|&a, &b| key(a).cmp(key(b)));
        }
        sorted
    }

    /// Keeps the sorted rows of the families of one model for the next; those of families not
    /// among them are dropped.
    pub(crate) fn keep(&mut self, families: impl IntoIterator<Item = (String, SortedRows)>) {
        self.sorted.clear();
        self.sorted.extend(families);
    }
}

/// Reads one byte of every tag value of `rows`, in a loop so short that the CPU overlaps the
/// cache misses of many rows; the pass that follows then finds the data in cache instead of
/// missing once per value.
pub(crate) fn warm(rows: &[Row]) {
    let mut x = 0u64;
    for row in rows {
        for v in row.tag_values.iter() {
            x = x.wrapping_add(u64::from(
                v.as_str().as_bytes().first().copied().unwrap_or(0),
            ));
        }
    }
    std::hint::black_box(x);
}
