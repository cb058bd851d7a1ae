//! See [`Label`] for details.

use census_sdk::Row;

/// One label of a family.
#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub(crate) name: String,
    pub(crate) source: Source,
    /// What precedes the value in a text label block: `name="`, with a leading `,` after the
    /// first label.
    pub(crate) prefix: String,
}

/// Where a label's value comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// The row's tag value at this column.
    Column(usize),
    /// A constant label's value.
    Const(String),
}

impl Label {
    /// This label's value in `row`.
    #[inline]
    pub(crate) fn value<'r>(&'r self, row: &'r Row) -> &'r str {
        match &self.source {
            Source::Column(c) => row.tag_values[*c].as_str(),
            Source::Const(v) => v,
        }
    }
}
