//! Text 0.0.4 as OpenCensus Python 0.11.4 + opencensus-ext-prometheus 0.2.1 (on
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

/// How a family's histogram lines look in Python: the `le` texts (`+Inf` last) and how many
/// labels sort before `le`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PythonLayout {
    pub(crate) le: Vec<String>,
    pub(crate) le_position: usize,
}

impl PythonLayout {
    /// The layout for `bounds`, the ones in `int_bounds` written as Python ints, and the
    /// family's sorted label names.
    pub(crate) fn new<'n>(
        bounds: &[f64],
        int_bounds: &[i64],
        label_names: impl Iterator<Item = &'n str>,
    ) -> Self {
        let mut le: Vec<String> = bounds
            .iter()
            .map(|b| match int_bounds.iter().find(|&&i| i as f64 == *b) {
                Some(i) => i.to_string(),
                None => python_repr(*b),
            })
            .collect();
        le.push("+Inf".into());
        PythonLayout {
            le,
            le_position: label_names.filter(|n| *n < "le").count(),
        }
    }
}

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

/// Python's `repr` of a float: the shortest digits that read back the same, in fixed notation
/// from 10^-4 up to 10^16 (with `.0` when integral), else as `1.5e-05` / `1e+16`.
pub(crate) fn python_repr(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v == 0.0 {
        return if v.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let sci = format!("{v:e}"); // shortest round-trip digits: "1.2345e-5", "1e16"
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` has an integer exponent");
    if (-4..16).contains(&exp) {
        let fixed = format!("{v}");
        if fixed.contains('.') {
            fixed
        } else {
            fixed + ".0"
        }
    } else {
        format!(
            "{mantissa}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        )
    }
}

/// `prometheus_client.utils.floatToGoString`: `+Inf`, `-Inf`, `NaN`, else Python's `repr`,
/// switching to Go's exponent form for positive values with more than 6 integer digits.
pub(crate) fn float_to_go_string(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let s = python_repr(v);
    match s.find('.') {
        Some(dot) if v > 0.0 && dot > 6 => {
            let digits = format!("{}{}", &s[1..dot], &s[dot + 1..]);
            let mantissa = format!("{}.{digits}", &s[..1]);
            let mantissa = mantissa.trim_end_matches(['0', '.']);
            format!("{mantissa}e+0{}", dot - 1)
        }
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python() {
        for (v, py) in [
            (4.0, "4.0"),
            (30.299999999999997, "30.299999999999997"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (1e16, "1e+16"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (1e15, "1000000000000000.0"),
            (-2.5, "-2.5"),
            (16777216.0, "16777216.0"),
        ] {
            assert_eq!(python_repr(v), py, "{v}");
        }
    }

    #[test]
    fn float_to_go_string_matches_prometheus_client() {
        for (v, s) in [
            (4.0, "4.0"),
            (1000.0, "1000.0"),
            (16777216.0, "1.6777216e+07"),
            (1234567.0, "1.234567e+06"),
            (123456.0, "123456.0"),
            (10000000.0, "1e+07"),
            (-16777216.0, "-16777216.0"),
            (f64::INFINITY, "+Inf"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(float_to_go_string(v), s, "{v}");
        }
    }

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
