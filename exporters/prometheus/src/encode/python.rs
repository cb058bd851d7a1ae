//! Text 0.0.4 lines as OpenCensus Python 0.11.4 + opencensus-ext-prometheus 0.2.1 (on
//! `prometheus_client`) writes its sample lines, for [`crate::ExpositionOptions::with_python_numbers`]:
//!
//! - values as `prometheus_client`'s `floatToGoString`: Python's `repr` of the float (`4.0`,
//!   `30.299999999999997`, `1e+16`), with Go's exponent form from 10^7 up (`1.6777216e+07`);
//! - `le` as Python's `str` of the bound as the Python source gave it: `10` for an int, `25.0`
//!   for a float ([`crate::ExpositionOptions::with_python_bounds`]), `+Inf` last;
//! - every label, `le` included, sorted by name; `_count` before `_sum`.
//!
//! HELP and TYPE stay once per family (Python repeats them for every series, which strict
//! parsers reject), and series stay in census's order: only the lines themselves are Python's.

use census_sdk::DistributionData;

use super::header::{series_head, write_header};
use crate::escape::escape_help;
use crate::model::{Family, Value};
use crate::python::{float_to_go_string, PythonLayout};

/// Writes one family with Python's sample lines.
pub(crate) fn write_family(out: &mut Vec<u8>, fam: &Family<'_>, py: &PythonLayout) {
    let help = fam.data.view.description();
    write_header(out, &fam.name, help, escape_help, fam.kind.as_str());
    let name = fam.name.as_bytes();
    for &i in &fam.rows.order {
        let i = i as usize;
        let labels = fam.rows.block(i);
        match Value::of(&fam.data.rows[i]) {
            Value::Scalar(v) => sample(out, name, b"", labels, v),
            Value::Histogram(d) => histogram(out, name, labels, d, py),
        }
    }
}

fn histogram(
    out: &mut Vec<u8>,
    name: &[u8],
    labels: &[u8],
    d: &DistributionData,
    py: &PythonLayout,
) {
    let (before, after) = split_labels(labels, py.le_position);
    let mut cumulative = 0u64;
    for (k, le) in py.le.iter().enumerate() {
        cumulative += d.bucket_counts.get(k).copied().unwrap_or(0);
        if k + 1 == py.le.len() {
            cumulative = d.count;
        }
        out.extend_from_slice(name);
        out.extend_from_slice(b"_bucket{");
        out.extend_from_slice(before);
        if !before.is_empty() {
            out.push(b',');
        }
        out.extend_from_slice(b"le=\"");
        out.extend_from_slice(le.as_bytes());
        out.push(b'"');
        if !after.is_empty() {
            out.push(b',');
            out.extend_from_slice(after);
        }
        out.extend_from_slice(b"} ");
        out.extend_from_slice(float_to_go_string(cumulative as f64).as_bytes());
        out.push(b'\n');
    }
    sample(out, name, b"_count", labels, d.count as f64);
    sample(out, name, b"_sum", labels, d.sum());
}

fn sample(out: &mut Vec<u8>, name: &[u8], suffix: &[u8], labels: &[u8], v: f64) {
    series_head(out, name, suffix, labels);
    out.extend_from_slice(float_to_go_string(v).as_bytes());
    out.push(b'\n');
}

/// Splits a label block (`a="x",b="y"`, values escaped) before its `n`-th label.
fn split_labels(block: &[u8], n: usize) -> (&[u8], &[u8]) {
    if n == 0 {
        return (&[], block);
    }
    let (mut seen, mut quoted, mut escaped) = (0, false, false);
    for (i, &c) in block.iter().enumerate() {
        match c {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                seen += 1;
                if seen == n {
                    return (&block[..i], &block[i + 1..]);
                }
            }
            _ => {}
        }
    }
    (block, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_split_before_the_nth_label() {
        let block = br#"a="x,\"y",c="z",m="w""#;
        assert_eq!(split_labels(block, 0), (&b""[..], &block[..]));
        assert_eq!(
            split_labels(block, 1),
            (&br#"a="x,\"y""#[..], &br#"c="z",m="w""#[..])
        );
        assert_eq!(split_labels(block, 3), (&block[..], &b""[..]));
    }
}
