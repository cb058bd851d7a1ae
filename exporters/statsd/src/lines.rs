//! See [`Lines`] for details.

/// The lines of one export, as records that are never split across datagrams: one line each,
/// except an Etsy-style negative gauge (`g:0|g` then `g:-5|g`), whose two lines stay together
/// so they arrive in order. Stored as one text, records separated by `\n`, so a datagram of
/// consecutive records is a slice of it ([`crate::Datagrams`]).
///
/// ```
/// let mut lines = census_statsd::Lines::new();
/// lines.push("a:1|c");
/// lines.push("g:0|g\ng:-5|g");
/// assert_eq!(lines.len(), 2);
/// assert_eq!(lines.iter().collect::<Vec<_>>(), ["a:1|c", "g:0|g\ng:-5|g"]);
/// assert_eq!(lines.text(), "a:1|c\ng:0|g\ng:-5|g");
/// ```
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Lines {
    text: String,
    /// End offset (exclusive) of each record in `text`.
    ends: Vec<usize>,
}

impl Lines {
    /// No lines.
    pub fn new() -> Self {
        Self::default()
    }

    /// Removes every record, keeping the memory.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Appends a record (one line, or lines that must stay in one datagram).
    pub fn push(&mut self, record: &str) {
        self.start().push_str(record);
        self.finish();
    }

    /// Starts a record and returns the text to write it into; [`finish`](Self::finish) ends it.
    pub(crate) fn start(&mut self) -> &mut String {
        if !self.ends.is_empty() {
            self.text.push('\n');
        }
        &mut self.text
    }

    /// Ends the record begun by [`start`](Self::start).
    pub(crate) fn finish(&mut self) {
        self.ends.push(self.text.len());
    }

    /// Record `i` (without a trailing newline).
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        Some(&self.text[self.start_of(i)..end])
    }

    /// The records in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Every record, separated by `\n` (no trailing newline).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn start_of(&self, i: usize) -> usize {
        match i {
            0 => 0,
            _ => self.ends[i - 1] + 1,
        }
    }

    pub(crate) fn end_of(&self, i: usize) -> usize {
        self.ends[i]
    }
}
