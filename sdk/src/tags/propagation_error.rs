//! See [`PropagationError`].

use thiserror::Error;

/// Encoding or decoding a tag map for propagation failed ([`binary`](super::binary) for
/// `grpc-tags-bin`, and `baggage` for the W3C `baggage` header).
///
/// Decoding is all-or-nothing: when one of these is returned, no tags were decoded. Offsets count
/// bytes from the start of the input (the version byte is offset 0).
///
/// ```
/// use census_sdk::{tags::binary, PropagationError};
/// let err = binary::decode(&[0x01]).unwrap_err();
/// assert_eq!(err, PropagationError::UnsupportedVersion { version: 1 });
/// assert!(err.to_string().contains("version 0x01"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PropagationError {
    /// The first byte of `grpc-tags-bin` input is a version other than 0, the only version the
    /// OpenCensus binary format has.
    #[error(
        "cannot decode grpc-tags-bin: unsupported version {version:#04x} at byte 0; only version \
         0x00 exists: the sender is not speaking the OpenCensus tag binary format"
    )]
    UnsupportedVersion {
        /// The version byte received.
        version: u8,
    },
    /// A varint length is cut off by the end of the input, or does not fit in 64 bits.
    #[error(
        "cannot decode grpc-tags-bin: malformed varint length at byte {offset}: {reason}; the \
         header was truncated in transit or is not an OpenCensus tag context"
    )]
    InvalidVarint {
        /// Offset of the varint's first byte.
        offset: usize,
        /// What is wrong: `"input ends inside the varint"` or `"varint overflows 64 bits"`.
        reason: &'static str,
    },
    /// A key or value declares more bytes than the input has left.
    #[error(
        "cannot decode grpc-tags-bin: the {field} at byte {offset} declares {declared} bytes but \
         only {available} remain; the header was truncated in transit"
    )]
    Truncated {
        /// `"key"` or `"value"`.
        field: &'static str,
        /// Offset of the first byte of the key or value.
        offset: usize,
        /// The length its varint declared.
        declared: usize,
        /// The bytes left in the input from `offset`.
        available: usize,
    },
    /// The keys and values of the input add up to more than
    /// [`MAX_ENCODED_TAGS_BYTES`](super::binary::MAX_ENCODED_TAGS_BYTES) bytes (counting every
    /// tag on the wire, duplicates included, as OpenCensus Java does).
    #[error(
        "cannot decode grpc-tags-bin: keys and values reach {total} bytes with the length at byte \
         {offset}, over the {limit}-byte limit; the sender must propagate fewer or shorter tags"
    )]
    DecodeLimitExceeded {
        /// Offset of the length varint that crossed the limit.
        offset: usize,
        /// Key and value bytes so far, including the one that crossed the limit.
        total: usize,
        /// The limit.
        limit: usize,
    },
    /// The keys and values of the propagating tags of the map add up to more than
    /// [`MAX_ENCODED_TAGS_BYTES`](super::binary::MAX_ENCODED_TAGS_BYTES) bytes.
    #[error(
        "cannot encode tag map: keys and values of its propagating tags total {total} bytes, over \
         the {limit}-byte limit; remove tags, shorten them, or mark local-only tags with \
         Ttl::NoPropagation"
    )]
    EncodeLimitExceeded {
        /// Key and value bytes of the propagating tags.
        total: usize,
        /// The limit.
        limit: usize,
    },
    /// A decoded key is not a valid [`TagKey`](super::TagKey).
    #[error(
        "cannot decode grpc-tags-bin: invalid tag key \"{key}\" ({len} bytes) at byte {offset}: \
         keys must be 1 to 255 printable ASCII characters (0x20-0x7E); fix the sender's tag key"
    )]
    InvalidKey {
        /// Offset of the key's first byte.
        offset: usize,
        /// The key's length in bytes.
        len: usize,
        /// The key, bytes outside printable ASCII escaped as `\xNN`.
        key: String,
    },
    /// A decoded value is not a valid [`TagValue`](super::TagValue).
    #[error(
        "cannot decode grpc-tags-bin: invalid value \"{value}\" ({len} bytes) for tag key \
         \"{key}\" at byte {offset}: values must be 0 to 255 printable ASCII characters \
         (0x20-0x7E); fix the sender's tag value"
    )]
    InvalidValue {
        /// Offset of the value's first byte.
        offset: usize,
        /// The value's length in bytes.
        len: usize,
        /// The key the value belongs to.
        key: String,
        /// The value, bytes outside printable ASCII escaped as `\xNN`.
        value: String,
    },
    /// `baggage` inject: the map has more propagating tags than a W3C `baggage` header may carry.
    #[error(
        "cannot inject baggage: {count} propagating tags, over the W3C limit of {limit} \
         list-members; remove tags or mark local-only tags with Ttl::NoPropagation"
    )]
    TooManyEntries {
        /// Propagating tags in the map.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// `baggage` inject: the header value would be longer than a W3C `baggage` header may be.
    #[error(
        "cannot inject baggage: the header value would be {len} bytes, over the W3C limit of \
         {limit} bytes; remove tags, shorten them, or mark local-only tags with Ttl::NoPropagation"
    )]
    HeaderTooLong {
        /// Length the header value would have.
        len: usize,
        /// The limit.
        limit: usize,
    },
}
