//! The series order of a family, kept between encodings: see [`OrderCache::order`].

use std::collections::HashMap;

use census_sdk::Row;

/// Sort-key buffers, and the series order of each family of the last model built.
#[derive(Debug, Default)]
pub(crate) struct OrderCache {
    keys: Vec<u8>,
    key_ends: Vec<usize>,
    /// The sorted row order of each family of the last model, by family name.
    orders: HashMap<String, Vec<u32>>,
}

impl OrderCache {
    /// The rows' indexes sorted byte-wise by their values at `columns`, in that order.
    ///
    /// Each row's key is its values joined by NUL, which sorts below every printable
    /// character, so the joined keys order exactly as the value tuples; comparing keys in one
    /// buffer is much faster than chasing each row's tag values through the heap.
    ///
    /// A meter returns a view's rows in the same order scrape after scrape until rows are
    /// added, so the order found for family `name` last time (see [`Self::keep`]) is reused
    /// after one comparison per row.
    pub(crate) fn order(&mut self, name: &str, rows: &[Row], columns: &[usize]) -> Vec<u32> {
        self.keys.clear();
        self.key_ends.clear();
        if !columns.is_empty() {
            for chunk in rows.chunks(256) {
                warm(chunk);
                for row in chunk {
                    for &c in columns {
                        self.keys
                            .extend_from_slice(row.tag_values[c].as_str().as_bytes());
                        self.keys.push(0);
                    }
                    self.key_ends.push(self.keys.len());
                }
            }
        }
        let (keys, ends) = (&self.keys[..], &self.key_ends[..]);
        let key = |i: u32| {
            let i = i as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &keys[start..ends[i]]
        };
        let mut order = self.orders.remove(name).unwrap_or_default();
        let still_sorted = order.len() == rows.len()
            && (columns.is_empty() || order.windows(2).all(|w| key(w[0]) < key(w[1])));
        if !still_sorted {
            order.clear();
            order.extend(0..rows.len() as u32);
            if !columns.is_empty() {
                order.sort_unstable_by(|&a, &b| key(a).cmp(key(b)));
            }
        }
        order
    }

    /// Keeps the orders of the families of one model for the next; orders of families not
    /// among them are dropped.
    pub(crate) fn keep(&mut self, families: impl IntoIterator<Item = (String, Vec<u32>)>) {
        self.orders.clear();
        self.orders.extend(families);
    }
}

/// Reads one byte of every tag value of `rows`, in a loop so short that the CPU overlaps the
/// cache misses of many rows; the pass that follows then finds the data in cache instead of
/// missing once per value.
fn warm(rows: &[Row]) {
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
