//! Protobuf-delimited `io.prometheus.client.MetricFamily` messages, hand-encoded: see
//! [`write_family`] for details.
//!
//! Only the fields census needs (proto2 field numbers from `metrics.proto`):
//!
//! ```text
//! MetricFamily { 1 name: string, 2 help: string, 3 type: enum, 4 metric: repeated Metric }
//! Metric       { 1 label: repeated LabelPair, 2 gauge, 3 counter, 5 untyped, 7 histogram }
//! LabelPair    { 1 name: string, 2 value: string }
//! Gauge / Counter / Untyped { 1 value: double }
//! Histogram    { 1 sample_count: uint64, 2 sample_sum: double, 3 bucket: repeated Bucket }
//! Bucket       { 1 cumulative_count: uint64, 2 upper_bound: double }
//! ```
//!
//! Names, types, labels (sorted by name), series order and the views left out are the
//! model's, as in the text format; histograms end with an explicit `+Inf` bucket (= the
//! count), as the text format does, so a Pushgateway stores both bodies identically.

use census_sdk::DistributionData;

use super::scratch::Scratch;
use super::text::warm_buckets;
use crate::model::{Family, Value};
use crate::naming::MetricType;

const COUNTER: u64 = 0;
const GAUGE: u64 = 1;
const UNTYPED: u64 = 3;
const HISTOGRAM: u64 = 4;

/// Wire type of a 64-bit field (`double`).
const I64: u64 = 1;
/// Wire type of a length-delimited field (strings, messages).
const LEN: u64 = 2;

/// Appends one length-delimited `MetricFamily` for `fam` to `out`.
///
/// Pass 1, rows in storage order (each row's tag values and data are read once, where they
/// lie in memory): the body of each row's `Metric` (labels and value, lengths computed
/// first, so no nested message is built and copied). Pass 2, series in the model's order:
/// each body copied with its field tag and length. Reading the snapshot itself in sorted
/// order costs cache misses per row on large views; so does reading tag values cold, so each
/// chunk's are warmed first, as the model warms them for the text label blocks (at 100,000
/// series, 50 ms → 25 ms: `benches/README.md`).
pub(crate) fn write_family(out: &mut Vec<u8>, fam: &Family<'_>, scratch: &mut Scratch) {
    let Scratch {
        metrics,
        metric_ends,
        ..
    } = scratch;
    let (type_code, value_field) = match fam.metric_type() {
        MetricType::Counter => (COUNTER, 3),
        MetricType::Gauge => (GAUGE, 2),
        MetricType::Histogram => (HISTOGRAM, 7),
        MetricType::Untyped => (UNTYPED, 5),
    };
    let bounds = fam.bounds().unwrap_or(&[]);
    metrics.clear();
    metric_ends.clear();
    for chunk in fam.data.rows.chunks(256) {
        crate::model::order::warm(chunk);
        warm_buckets(chunk);
        for row in chunk {
            for (label, name) in fam.labels.iter().zip(fam.label_names()) {
                let value = label.value(row);
                put_tag(metrics, 1, LEN);
                put_varint(metrics, label_len(name, value) as u64);
                put_str(metrics, 1, name);
                put_str(metrics, 2, value);
            }
            write_value(metrics, Value::of(row), value_field, bounds);
            metric_ends.push(metrics.len());
        }
    }

    // The family's length first (the header fields and every metric field), so the
    // metrics are copied once, straight into `out`.
    let help = fam.help();
    let mut len = field_len(fam.name().len()) + 1 + varint_len(type_code);
    if !help.is_empty() {
        len += field_len(help.len());
    }
    let body_len = |i: usize| metric_ends[i] - if i == 0 { 0 } else { metric_ends[i - 1] };
    len += fam
        .rows
        .order
        .iter()
        .map(|&i| field_len(body_len(i as usize)))
        .sum::<usize>();
    put_varint(out, len as u64);
    let start = out.len();
    out.reserve(len);
    put_str(out, 1, fam.name());
    if !help.is_empty() {
        put_str(out, 2, help);
    }
    put_varint_field(out, 3, type_code);
    for &i in &fam.rows.order {
        let i = i as usize;
        put_bytes(
            out,
            4,
            &metrics[metric_ends[i] - body_len(i)..metric_ends[i]],
        );
    }
    debug_assert_eq!(out.len() - start, len, "the family's length as computed");
}

/// Appends the value field of a `Metric` (`counter`, `gauge`, `untyped` or `histogram`).
fn write_value(out: &mut Vec<u8>, value: Value<'_>, value_field: u64, bounds: &[f64]) {
    let inner = match value {
        Value::Histogram(d) => histogram_len(d, bounds),
        _ => 9,
    };
    put_tag(out, value_field, LEN);
    put_varint(out, inner as u64);
    match value {
        Value::Histogram(d) => {
            put_varint_field(out, 1, d.count);
            put_double(out, 2, d.sum());
            let mut cumulative = 0u64;
            for (i, &bound) in bounds.iter().chain(&[f64::INFINITY]).enumerate() {
                cumulative += d.bucket_counts.get(i).copied().unwrap_or(0);
                put_tag(out, 3, LEN);
                put_varint(out, bucket_len(cumulative) as u64);
                put_varint_field(out, 1, cumulative);
                put_double(out, 2, bound);
            }
        }
        Value::Scalar(v) => put_double(out, 1, v),
    }
}

/// The length of a `LabelPair` message.
fn label_len(name: &str, value: &str) -> usize {
    field_len(name.len()) + field_len(value.len())
}

/// The length of a `Histogram` message with an explicit `+Inf` bucket.
fn histogram_len(d: &DistributionData, bounds: &[f64]) -> usize {
    let mut len = 1 + varint_len(d.count) + 9;
    let mut cumulative = 0u64;
    for i in 0..=bounds.len() {
        cumulative += d.bucket_counts.get(i).copied().unwrap_or(0);
        len += field_len(bucket_len(cumulative));
    }
    len
}

/// The length of a `Bucket` message.
fn bucket_len(cumulative: u64) -> usize {
    1 + varint_len(cumulative) + 9
}

/// The length of a length-delimited field (single-byte tag) with a `len`-byte payload.
fn field_len(len: usize) -> usize {
    1 + varint_len(len as u64) + len
}

fn varint_len(v: u64) -> usize {
    // 1 byte per 7 bits, at least one.
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

fn put_tag(out: &mut Vec<u8>, field: u64, wire_type: u64) {
    put_varint(out, (field << 3) | wire_type);
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_varint_field(out: &mut Vec<u8>, field: u64, v: u64) {
    put_varint(out, field << 3);
    put_varint(out, v);
}

fn put_double(out: &mut Vec<u8>, field: u64, v: f64) {
    put_tag(out, field, I64);
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    put_tag(out, field, LEN);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_str(out: &mut Vec<u8>, field: u64, s: &str) {
    put_bytes(out, field, s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;
    use crate::model::Model;
    use crate::options::ExpositionOptions;
    use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};

    #[test]
    fn varints() {
        let mut v = Vec::new();
        for n in [0u64, 1, 127, 128, 300, u64::MAX] {
            v.clear();
            put_varint(&mut v, n);
            let (mut back, mut shift) = (0u64, 0);
            for b in &v {
                back |= u64::from(b & 0x7f) << shift;
                shift += 7;
            }
            assert_eq!(back, n);
            assert_eq!(v.last().unwrap() & 0x80, 0);
        }
        v.clear();
        put_varint(&mut v, 300);
        assert_eq!(v, [0xac, 0x02]);
        for n in [0u64, 1, 127, 128, 300, 1 << 35, u64::MAX] {
            v.clear();
            put_varint(&mut v, n);
            assert_eq!(varint_len(n), v.len(), "{n}");
        }
    }

    #[test]
    fn counter_family_bytes() {
        let meter = Meter::new();
        let m = Int64Measure::new("pgtest.io/proto_jobs", "Jobs", "1").unwrap();
        let view = View::new(
            "jobs",
            "Jobs",
            [TagKey::new("k").unwrap()],
            &m,
            Aggregation::Sum,
        )
        .unwrap();
        meter.view_manager().register(&view).unwrap();
        meter.record_with_tags(&TagMap::from_pairs(&[("k", "v")]).unwrap(), &[m.m(2)]);
        let mut out = Vec::new();
        let data = meter.snapshot();
        let opts = ExpositionOptions::new();
        let model = Model::new(&data, &opts, Format::ProtobufDelimited);
        let fam = &model.families()[0];
        write_family(&mut out, fam, &mut Scratch::default());
        assert_eq!(fam.name(), "jobs");
        let two = 2f64.to_le_bytes();
        #[rustfmt::skip]
        let mut want = vec![
            0x0a, 4, b'j', b'o', b'b', b's',          // name
            0x12, 4, b'J', b'o', b'b', b's',          // help
            0x18, 0,                                 // type COUNTER
            0x22, 19,                                // metric
              0x0a, 6, 0x0a, 1, b'k', 0x12, 1, b'v', //   label k="v"
              0x1a, 9, 0x09,                         //   counter { value
        ];
        want.extend_from_slice(&two); //                      2.0 }
        let len = want.len() as u8;
        want.insert(0, len);
        assert_eq!(out, want);
    }
}
