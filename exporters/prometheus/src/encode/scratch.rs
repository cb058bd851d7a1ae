//! See [`Scratch`] for details.

/// The writers' reusable buffers, kept by an [`crate::Encoder`] between encodings.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// The current row's label block.
    pub(crate) labels: Vec<u8>,
    /// The current row's line head (`name_bucket{labels,`).
    pub(crate) head: Vec<u8>,
    /// The current histogram's formatted bounds, and where each ends.
    pub(crate) le: Vec<u8>,
    pub(crate) le_ends: Vec<(usize, usize)>,
    /// The current family's escaped label blocks in storage order, and where each ends.
    pub(crate) blocks: Vec<u8>,
    pub(crate) block_ends: Vec<usize>,
    /// The numbers of the current family's lines, a fixed count per row, in storage order.
    pub(crate) nums: Vec<f64>,
    /// The current protobuf `MetricFamily` message, before its length prefix.
    pub(crate) message: Vec<u8>,
}
