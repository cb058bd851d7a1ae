//! OpenCensus Python's numbers (Python's `repr`, `prometheus_client`'s `floatToGoString`) and
//! the layout of a family's lines in Python, for [`crate::ExpositionOptions::with_python_numbers`].
//! A leaf: the model builds the layout, the text writer writes it.

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
}
