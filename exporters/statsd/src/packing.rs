//! Whole records packed into datagrams: see [`Datagrams`].

use crate::lines::Lines;

/// The largest payload of one UDP datagram over IPv4.
pub const MAX_DATAGRAM: usize = 65_507;
/// The default datagram size: fits an Ethernet MTU of 1500 with room for IP and UDP headers
/// and some tunnelling.
pub const DEFAULT_DATAGRAM: usize = 1432;

/// One datagram: consecutive whole records joined by `\n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datagram<'a> {
    /// The payload.
    pub bytes: &'a [u8],
    /// How many records it carries.
    pub records: usize,
    /// A single record longer than the limit, sent alone rather than split or dropped.
    pub oversize: bool,
}

/// Packs [`Lines`] into datagrams of at most `max` bytes, in order; a record is never split.
/// A record longer than `max` goes alone in a datagram of its own, marked
/// [`oversize`](Datagram::oversize) (the exporter counts them).
///
/// ```
/// use census_statsd::{Datagrams, Lines};
/// let mut lines = Lines::new();
/// for l in ["a:1|c", "b:2|c", "c:3|c"] { lines.push(l); }
/// // "a:1|c\nb:2|c" is 11 bytes: the third line would make 17.
/// let d: Vec<&[u8]> = Datagrams::new(&lines, 11).map(|d| d.bytes).collect();
/// assert_eq!(d, [b"a:1|c\nb:2|c".as_slice(), b"c:3|c"]);
/// ```
#[derive(Debug, Clone)]
pub struct Datagrams<'a> {
    lines: &'a Lines,
    next: usize,
    max: usize,
}

impl<'a> Datagrams<'a> {
    /// The datagrams of `lines`, each at most `max` bytes (except a lone oversize record).
    pub fn new(lines: &'a Lines, max: usize) -> Self {
        Datagrams {
            lines,
            next: 0,
            max,
        }
    }
}

impl<'a> Iterator for Datagrams<'a> {
    type Item = Datagram<'a>;

    fn next(&mut self) -> Option<Datagram<'a>> {
        let lines = self.lines;
        let first = self.next;
        if first >= lines.len() {
            return None;
        }
        let start = lines.start_of(first);
        let mut last = first;
        while last + 1 < lines.len() && lines.end_of(last + 1) - start <= self.max {
            last += 1;
        }
        self.next = last + 1;
        let end = lines.end_of(last);
        Some(Datagram {
            bytes: &lines.text().as_bytes()[start..end],
            records: last + 1 - first,
            oversize: end - start > self.max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(records: &[&str]) -> Lines {
        let mut l = Lines::new();
        for r in records {
            l.push(r);
        }
        l
    }

    fn pack(l: &Lines, max: usize) -> Vec<(String, bool)> {
        Datagrams::new(l, max)
            .map(|d| (String::from_utf8(d.bytes.to_vec()).unwrap(), d.oversize))
            .collect()
    }

    #[test]
    fn a_datagram_of_exactly_the_limit_is_one_and_one_byte_over_is_two() {
        // 10 + 1 + 10 = 21 bytes.
        let l = lines(&["aaaa:100|c", "bbbb:200|c"]);
        assert_eq!(
            pack(&l, 21),
            [("aaaa:100|c\nbbbb:200|c".to_string(), false)]
        );
        assert_eq!(
            pack(&l, 20),
            [
                ("aaaa:100|c".to_string(), false),
                ("bbbb:200|c".to_string(), false)
            ]
        );
        for d in Datagrams::new(&l, 21) {
            assert!(d.bytes.len() <= 21);
        }
    }

    #[test]
    fn a_record_longer_than_the_limit_goes_alone_and_is_marked() {
        let l = lines(&["a:1|c", "a_very_long_name:1|c", "b:1|c", "c:1|c"]);
        assert_eq!(
            pack(&l, 11),
            [
                ("a:1|c".to_string(), false),
                ("a_very_long_name:1|c".to_string(), true),
                ("b:1|c\nc:1|c".to_string(), false),
            ]
        );
        // Exactly the limit is not oversize; one byte more is.
        let l = lines(&["abcd:1|c"]);
        assert_eq!(pack(&l, 8), [("abcd:1|c".to_string(), false)]);
        assert_eq!(pack(&l, 7), [("abcd:1|c".to_string(), true)]);
    }

    #[test]
    fn a_two_line_record_is_never_split_and_nothing_is_empty() {
        let l = lines(&["x:1|c", "g:0|g\ng:-5|g", "y:1|c"]);
        let got = pack(&l, 13);
        assert_eq!(
            got,
            [
                ("x:1|c".to_string(), false),
                ("g:0|g\ng:-5|g".to_string(), false),
                ("y:1|c".to_string(), false),
            ]
        );
        assert!(pack(&Lines::new(), 100).is_empty());
        let records: usize = Datagrams::new(&l, 1000).map(|d| d.records).sum();
        assert_eq!(records, 3);
    }
}
