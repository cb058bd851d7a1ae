//! Text format 0.0.4, as client_golang writes it: see [`write_family`] for details.

use census_sdk::{AggregationData, DistributionData, Row};

use super::number::write_go_float;
use super::plan::{Family, Source};
use super::Scratch;
use crate::options::ExpositionOptions;

/// Writes one family: `# HELP`, `# TYPE`, then every row sorted by label values; a histogram
/// row as its `_bucket` lines (cumulative, `le` last, ending with `+Inf`), `_sum` and `_count`.
pub(crate) fn write_family(
    out: &mut Vec<u8>,
    fam: &Family<'_>,
    opts: &ExpositionOptions,
    scratch: &mut Scratch,
) {
    let name = fam.name.as_bytes();
    out.extend_from_slice(b"# HELP ");
    out.extend_from_slice(name);
    out.push(b' ');
    escape_help(out, fam.data.view.description());
    out.extend_from_slice(b"\n# TYPE ");
    out.extend_from_slice(name);
    out.push(b' ');
    out.extend_from_slice(fam.kind.as_str().as_bytes());
    out.push(b'\n');

    scratch.sort_rows(fam);
    if let Some(bounds) = fam.data.view.aggregation().bounds() {
        scratch.le.clear();
        for &b in bounds.as_slice() {
            let start = scratch.le.len();
            write_go_float(&mut scratch.le, b);
            scratch.le_ends.push((start, scratch.le.len()));
        }
    }
    for &i in &scratch.order {
        let row = &fam.data.rows[i as usize];
        scratch.labels.clear();
        write_labels(&mut scratch.labels, fam, row, opts);
        match &row.data {
            AggregationData::Count(c) => sample(out, name, b"", &scratch.labels, *c as f64),
            AggregationData::Sum(s) => sample(out, name, b"", &scratch.labels, s.as_f64()),
            AggregationData::LastValue(v) => sample(out, name, b"", &scratch.labels, v.as_f64()),
            AggregationData::Distribution(d) => histogram(out, name, d, scratch),
            // Rows that do not fit their view were left out by the plan.
            _ => {}
        }
    }
    scratch.le_ends.clear();
}

/// `name{labels} value\n` (no braces without labels).
fn sample(out: &mut Vec<u8>, name: &[u8], suffix: &[u8], labels: &[u8], value: f64) {
    out.extend_from_slice(name);
    out.extend_from_slice(suffix);
    if !labels.is_empty() {
        out.push(b'{');
        out.extend_from_slice(labels);
        out.push(b'}');
    }
    out.push(b' ');
    write_go_float(out, value);
    out.push(b'\n');
}

fn histogram(out: &mut Vec<u8>, name: &[u8], d: &DistributionData, scratch: &Scratch) {
    let labels = &scratch.labels[..];
    let mut cumulative = 0u64;
    for (i, &(s, e)) in scratch.le_ends.iter().enumerate() {
        cumulative += d.bucket_counts[i];
        bucket(out, name, labels, &scratch.le[s..e], cumulative);
    }
    bucket(out, name, labels, b"+Inf", d.count);
    sample(out, name, b"_sum", labels, d.sum());
    sample(out, name, b"_count", labels, d.count as f64);
}

fn bucket(out: &mut Vec<u8>, name: &[u8], labels: &[u8], le: &[u8], count: u64) {
    out.extend_from_slice(name);
    out.extend_from_slice(b"_bucket{");
    if !labels.is_empty() {
        out.extend_from_slice(labels);
        out.push(b',');
    }
    out.extend_from_slice(b"le=\"");
    out.extend_from_slice(le);
    out.extend_from_slice(b"\"} ");
    write_go_float(out, count as f64);
    out.push(b'\n');
}

/// `a="x",b="y"`: the row's labels in family order, values escaped.
pub(crate) fn write_labels(
    out: &mut Vec<u8>,
    fam: &Family<'_>,
    row: &Row,
    opts: &ExpositionOptions,
) {
    for (i, slot) in fam.labels.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(slot.name.as_bytes());
        out.extend_from_slice(b"=\"");
        let value = match slot.source {
            Source::Column(c) => row.tag_values[c].as_str(),
            Source::Const(c) => opts.const_labels()[c].1.as_str(),
        };
        escape_label_value(out, value);
        out.push(b'"');
    }
}

/// Escapes `\` and newline, as client_golang does for HELP text.
pub(crate) fn escape_help(out: &mut Vec<u8>, s: &str) {
    escape(out, s, false)
}

/// Escapes `\`, `"` and newline, as client_golang does for label values.
pub(crate) fn escape_label_value(out: &mut Vec<u8>, s: &str) {
    escape(out, s, true)
}

fn escape(out: &mut Vec<u8>, s: &str, quote: bool) {
    let b = s.as_bytes();
    if !b
        .iter()
        .any(|&c| c == b'\\' || c == b'\n' || (quote && c == b'"'))
    {
        out.extend_from_slice(b);
        return;
    }
    for &c in b {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'"' if quote => out.extend_from_slice(b"\\\""),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_client_golang() {
        let mut out = Vec::new();
        escape_help(&mut out, "a\\b\n\"c\"");
        assert_eq!(out, b"a\\\\b\\n\"c\"");
        out.clear();
        escape_label_value(&mut out, "a\\b\n\"c\"");
        assert_eq!(out, b"a\\\\b\\n\\\"c\\\"");
        out.clear();
        escape_label_value(&mut out, "plain");
        assert_eq!(out, b"plain");
    }
}
