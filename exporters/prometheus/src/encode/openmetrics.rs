//! OpenMetrics 1.0.0 text: see [`write_family`] for details.
//!
//! Written as client_golang writes OpenMetrics: counters as `name_total`, floats with a `.0`
//! when integral (`le="10.0"`), counts as integers, exemplars on histogram buckets, and a final
//! `# EOF` (added by the encoder).

use std::time::UNIX_EPOCH;

use census_sdk::{AggregationData, DistributionData, Exemplar};

use super::header::{series_head, write_header};
use super::number::{write_go_float, write_u64};
use super::scratch::Scratch;
use crate::escape::escape_label_value;
use crate::model::Family;
use crate::naming::{is_valid_label_name, MetricType};

/// OpenMetrics caps the combined length of an exemplar's label names and values.
const EXEMPLAR_MAX_RUNES: usize = 128;

/// Writes one family: `# HELP`, `# TYPE`, then every series in the model's order.
pub(crate) fn write_family(out: &mut Vec<u8>, fam: &Family<'_>, scratch: &mut Scratch) {
    let kind = match fam.kind {
        MetricType::Untyped => "unknown",
        other => other.as_str(),
    };
    write_header(
        out,
        &fam.name,
        fam.data.view.description(),
        escape_label_value,
        kind,
    );
    let name = fam.name.as_bytes();

    if let Some(bounds) = fam.data.view.aggregation().bounds() {
        scratch.le.clear();
        scratch.le_ends.clear();
        for &b in bounds.as_slice() {
            let start = scratch.le.len();
            write_om_float(&mut scratch.le, b);
            scratch.le_ends.push((start, scratch.le.len()));
        }
    }
    let suffix: &[u8] = if fam.kind == MetricType::Counter {
        b"_total"
    } else {
        b""
    };
    for &i in &fam.rows.order {
        let row = &fam.data.rows[i as usize];
        let labels = fam.rows.block(i as usize);
        match &row.data {
            AggregationData::Count(c) => float_sample(out, name, suffix, labels, *c as f64),
            AggregationData::Sum(s) => float_sample(out, name, suffix, labels, s.as_f64()),
            AggregationData::LastValue(v) => float_sample(out, name, b"", labels, v.as_f64()),
            AggregationData::Distribution(d) => histogram(out, name, labels, d, scratch),
            // Rows that do not fit their view were left out by the model.
            _ => {}
        }
    }
    scratch.le_ends.clear();
}

fn float_sample(out: &mut Vec<u8>, name: &[u8], suffix: &[u8], labels: &[u8], v: f64) {
    series_head(out, name, suffix, labels);
    write_om_float(out, v);
    out.push(b'\n');
}

fn histogram(
    out: &mut Vec<u8>,
    name: &[u8],
    labels: &[u8],
    d: &DistributionData,
    scratch: &Scratch,
) {
    let mut cumulative = 0u64;
    let n = scratch.le_ends.len();
    for i in 0..=n {
        let le: &[u8] = match scratch.le_ends.get(i) {
            Some(&(s, e)) => &scratch.le[s..e],
            None => b"+Inf",
        };
        cumulative += d.bucket_counts[i];
        out.extend_from_slice(name);
        out.extend_from_slice(b"_bucket{");
        if !labels.is_empty() {
            out.extend_from_slice(labels);
            out.push(b',');
        }
        out.extend_from_slice(b"le=\"");
        out.extend_from_slice(le);
        out.extend_from_slice(b"\"} ");
        write_u64(out, if i == n { d.count } else { cumulative }, false);
        if let Some(Some(ex)) = d.exemplars.get(i) {
            write_exemplar(out, ex);
        }
        out.push(b'\n');
    }
    float_sample(out, name, b"_sum", labels, d.sum());
    series_head(out, name, b"_count", labels);
    write_u64(out, d.count, false);
    out.push(b'\n');
}

/// ` # {trace_id="…",span_id="…"} value timestamp`: the attachments whose keys are label
/// names, `trace_id` and `span_id` first, as many as fit OpenMetrics' 128-character limit.
/// Nothing when no attachment qualifies.
fn write_exemplar(out: &mut Vec<u8>, ex: &Exemplar) {
    let preferred = ["trace_id", "span_id"];
    let ordered = preferred
        .iter()
        .filter_map(|k| ex.attachments.get(k).map(|v| (*k, v)))
        .chain(
            ex.attachments
                .iter()
                .filter(|(k, _)| !preferred.contains(k)),
        )
        .filter(|(k, _)| is_valid_label_name(k));
    let mut runes = 0;
    let mut first = true;
    for (k, v) in ordered {
        let len = k.chars().count() + v.chars().count();
        if runes + len > EXEMPLAR_MAX_RUNES {
            continue;
        }
        runes += len;
        out.extend_from_slice(if first { b" # {" } else { b"," });
        first = false;
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b"=\"");
        escape_label_value(out, v);
        out.push(b'"');
    }
    if first {
        return;
    }
    out.extend_from_slice(b"} ");
    write_om_float(out, ex.value);
    if let Ok(since) = ex.timestamp.duration_since(UNIX_EPOCH) {
        out.push(b' ');
        write_om_float(out, since.as_secs_f64());
    }
}

/// client_golang's OpenMetrics float: Go's shortest form, with `.0` added to integral values
/// (`1.0`, `10.0`, `1e+06` stays as is).
pub(crate) fn write_om_float(out: &mut Vec<u8>, v: f64) {
    let start = out.len();
    write_go_float(out, v);
    if v.is_finite() && !out[start..].iter().any(|&b| b == b'.' || b == b'e') {
        out.extend_from_slice(b".0");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_carry_a_point() {
        let mut out = Vec::new();
        for v in [1.0, 0.0, -1.0, 10.0, 0.5, 1e6, f64::INFINITY, f64::NAN] {
            write_om_float(&mut out, v);
            out.push(b' ');
        }
        assert_eq!(out, b"1.0 0.0 -1.0 10.0 0.5 1e+06 +Inf NaN ");
    }
}
