//! See [`Scratch`] for details.

/// The writers' reusable buffers, kept by an [`crate::Encoder`] between encodings.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// The current row's line head (`name_bucket{labels,`).
    pub(crate) head: Vec<u8>,
    /// The current histogram's formatted bounds, and where each ends.
    pub(crate) le: Vec<u8>,
    pub(crate) le_ends: Vec<(usize, usize)>,
    /// The numbers of the current family's lines, a fixed count per row, in storage order.
    pub(crate) nums: Vec<f64>,
    /// The body of each row's protobuf `Metric`, in storage order, and where each ends.
    pub(crate) metrics: Vec<u8>,
    pub(crate) metric_ends: Vec<usize>,
}
