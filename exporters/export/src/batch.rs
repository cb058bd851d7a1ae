//! See [`Batches`] for details.

/// The most a request may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchLimit {
    /// At most this many items (rows, lines, samples) per batch.
    Rows(usize),
    /// At most this many bytes per batch (an item larger than the limit travels alone).
    Bytes(usize),
}

/// Splits a slice into consecutive batches within a [`BatchLimit`], given each item's size in
/// bytes. Every item lands in exactly one batch, in order; no batch is empty.
///
/// ```
/// use census_export::{BatchLimit, Batches};
/// let lines = ["a 1\n", "bb 2\n", "ccc 3\n"];
/// let by_rows: Vec<_> = Batches::new(&lines, BatchLimit::Rows(2), |l| l.len()).collect();
/// assert_eq!(by_rows, vec![&lines[..2], &lines[2..]]);
/// let by_bytes: Vec<_> = Batches::new(&lines, BatchLimit::Bytes(9), |l| l.len()).collect();
/// assert_eq!(by_bytes, vec![&lines[..2], &lines[2..]]);
/// ```
#[derive(Debug)]
pub struct Batches<'a, T, F> {
    rest: &'a [T],
    limit: BatchLimit,
    size: F,
}

impl<'a, T, F: Fn(&T) -> usize> Batches<'a, T, F> {
    /// Batches of `items` within `limit`; `size` gives an item's encoded size.
    pub fn new(items: &'a [T], limit: BatchLimit, size: F) -> Self {
        Batches {
            rest: items,
            limit,
            size,
        }
    }
}

impl<'a, T, F: Fn(&T) -> usize> Iterator for Batches<'a, T, F> {
    type Item = &'a [T];

    fn next(&mut self) -> Option<&'a [T]> {
        if self.rest.is_empty() {
            return None;
        }
        let n = match self.limit {
            BatchLimit::Rows(max) => max.max(1).min(self.rest.len()),
            BatchLimit::Bytes(max) => {
                let mut total = 0usize;
                let mut n = 0;
                for item in self.rest {
                    total = total.saturating_add((self.size)(item));
                    if n > 0 && total > max {
                        break;
                    }
                    n += 1;
                }
                n
            }
        };
        let (batch, rest) = self.rest.split_at(n);
        self.rest = rest;
        Some(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oversized_item_travels_alone_and_nothing_is_lost() {
        let items = [3usize, 20, 3, 3, 3];
        let b: Vec<&[usize]> = Batches::new(&items, BatchLimit::Bytes(6), |x| *x).collect();
        assert_eq!(b, vec![&[3][..], &[20], &[3, 3], &[3]]);
        let b: Vec<&[usize]> = Batches::new(&items, BatchLimit::Rows(0), |x| *x).collect();
        assert_eq!(b.len(), 5, "a zero row limit still makes progress");
        assert_eq!(
            Batches::new(&[] as &[usize], BatchLimit::Rows(3), |x| *x).count(),
            0
        );
    }
}
