//! Hand-written protobuf encoding of `io.prometheus.client.MetricFamily`, varint-delimited, as
//! the Pushgateway accepts with [`crate::Format::ProtobufDelimited`].
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
//! Names, types and labels come from census-prometheus's naming code, so a family is named and
//! typed exactly as in the text format; views the text encoder leaves out are left out here
//! too (the caller passes only accepted views). Rows are sorted by tag values as in the text
//! format, and histograms end with an explicit `+Inf` bucket (= the count), as the text format
//! does, so the gateway stores both bodies identically.

use census_prometheus::naming::{metric_name, sanitize, MetricType};
use census_prometheus::ExpositionOptions;
use census_sdk::{AggregationData, ViewData};

const COUNTER: u64 = 0;
const GAUGE: u64 = 1;
const UNTYPED: u64 = 3;
const HISTOGRAM: u64 = 4;

/// Appends one length-delimited `MetricFamily` for `data` to `out`; returns its name.
pub(crate) fn write_family(
    out: &mut Vec<u8>,
    data: &ViewData,
    opts: &ExpositionOptions,
    scratch: &mut Scratch,
) -> String {
    let view = &data.view;
    let name = metric_name(view, opts);
    let kind = MetricType::of(view.aggregation(), opts);
    let label_names: Vec<String> = view.columns().iter().map(|k| sanitize(k.name())).collect();

    let fam = &mut scratch.family;
    fam.clear();
    put_str(fam, 1, &name);
    if !view.description().is_empty() {
        put_str(fam, 2, view.description());
    }
    let type_code = match kind {
        MetricType::Counter => COUNTER,
        MetricType::Gauge => GAUGE,
        MetricType::Histogram => HISTOGRAM,
        _ => UNTYPED,
    };
    put_varint_field(fam, 3, type_code);

    // Rows sorted by their tag values, as the text encoder sorts its series.
    let mut order: Vec<&census_sdk::Row> = data.rows.iter().collect();
    order.sort_by(|a, b| {
        let (a, b) = (&a.tag_values, &b.tag_values);
        a.iter()
            .map(|v| v.as_str())
            .cmp(b.iter().map(|v| v.as_str()))
    });
    for row in order {
        let m = &mut scratch.metric;
        m.clear();
        for (n, v) in label_names.iter().zip(row.tag_values.iter()) {
            label(m, &mut scratch.inner, n, v.as_str());
        }
        for (n, v) in opts.const_labels() {
            label(m, &mut scratch.inner, n, v);
        }
        let inner = &mut scratch.inner;
        inner.clear();
        let value_field = match (&row.data, kind) {
            (AggregationData::Distribution(d), _) => {
                put_varint_field(inner, 1, d.count);
                put_double(inner, 2, d.sum());
                let mut bounds = view
                    .aggregation()
                    .bounds()
                    .map(|b| b.as_slice().to_vec())
                    .unwrap_or_default();
                bounds.push(f64::INFINITY);
                let mut cumulative = 0u64;
                let mut bucket = Vec::with_capacity(24);
                for (i, bound) in bounds.iter().enumerate() {
                    cumulative += d.bucket_counts.get(i).copied().unwrap_or(0);
                    bucket.clear();
                    put_varint_field(&mut bucket, 1, cumulative);
                    put_double(&mut bucket, 2, *bound);
                    put_bytes(inner, 3, &bucket);
                }
                7
            }
            (other, kind) => {
                put_double(inner, 1, scalar(other));
                match kind {
                    MetricType::Counter => 3,
                    MetricType::Gauge => 2,
                    _ => 5,
                }
            }
        };
        put_bytes(m, value_field, inner);
        put_bytes(fam, 4, m);
    }
    put_varint(out, fam.len() as u64);
    out.extend_from_slice(fam);
    name
}

/// The single value of a count, sum or last-value row.
fn scalar(data: &AggregationData) -> f64 {
    match data {
        AggregationData::Count(c) => *c as f64,
        AggregationData::Sum(s) => s.as_f64(),
        AggregationData::LastValue(v) => v.as_f64(),
        AggregationData::Distribution(d) => d.sum(),
        // Unknown future kinds are filtered out by the text encoder's check before this.
        _ => f64::NAN,
    }
}

/// Reusable buffers for nested messages.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    family: Vec<u8>,
    metric: Vec<u8>,
    inner: Vec<u8>,
}

fn label(m: &mut Vec<u8>, buf: &mut Vec<u8>, name: &str, value: &str) {
    buf.clear();
    put_str(buf, 1, name);
    put_str(buf, 2, value);
    put_bytes(m, 1, buf);
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
    put_varint(out, (field << 3) | 1);
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    put_varint(out, (field << 3) | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_str(out: &mut Vec<u8>, field: u64, s: &str) {
    put_bytes(out, field, s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let name = write_family(
            &mut out,
            &meter.snapshot()[0],
            &ExpositionOptions::new(),
            &mut Scratch::default(),
        );
        assert_eq!(name, "jobs");
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
