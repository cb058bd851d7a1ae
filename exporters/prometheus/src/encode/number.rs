//! Numbers as Go writes them: see [`write_go_float`] for details.

use std::fmt::Write as _;

/// Appends `v` as client_golang's text encoder does: `+Inf`, `-Inf`, `NaN`, `0` for both
/// zeros, otherwise `strconv.FormatFloat(v, 'g', -1, 64)` — the shortest digits that read back
/// as `v`, in `%e` form when the decimal exponent is below -4 or at least 6 (`1e+06`,
/// `1.234567e+06`, `1e-05`), else in `%f` form (`4`, `0.5`, `27.300000000000004`).
pub(crate) fn write_go_float(out: &mut Vec<u8>, v: f64) {
    if v.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if v.is_infinite() {
        out.extend_from_slice(if v > 0.0 { b"+Inf" } else { b"-Inf" });
    } else if v.fract() == 0.0 && v.abs() < 1e6 {
        // The common case (counts, bucket counts, integral sums): an integer below 10^6
        // prints as itself; this also maps -0 to "0" as client_golang does.
        write_u64(out, v.abs() as u64, v < 0.0);
    } else {
        write_shortest(out, v);
    }
}

/// Appends `v` as an integer.
pub(crate) fn write_u64(out: &mut Vec<u8>, mut v: u64, negative: bool) {
    let mut buf = [0u8; 21];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if negative {
        i -= 1;
        buf[i] = b'-';
    }
    out.extend_from_slice(&buf[i..]);
}

/// A fixed buffer `fmt::Write` target, so shortest-digit formatting does not allocate.
struct Stack {
    buf: [u8; 40],
    len: usize,
}

impl std::fmt::Write for Stack {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Go's `'g'` layout of Rust's shortest round-trip digits (both pick the shortest digit string
/// that reads back exactly, the closest one on ties).
fn write_shortest(out: &mut Vec<u8>, v: f64) {
    let mut s = Stack {
        buf: [0; 40],
        len: 0,
    };
    // `{:e}` without precision: shortest digits, as "-d.ddde-x". 40 bytes always suffice
    // (at most 17 digits, a sign, a point and "e-324").
    if write!(s, "{:e}", v.abs()).is_err() {
        return;
    }
    let text = &s.buf[..s.len];
    let e_at = text.iter().position(|&b| b == b'e').unwrap_or(text.len());
    let mantissa = &text[..e_at];
    let exp: i32 = std::str::from_utf8(&text[(e_at + 1).min(text.len())..])
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    let mut digits = [0u8; 20];
    let mut nd = 0;
    for &b in mantissa.iter().filter(|b| b.is_ascii_digit()) {
        digits[nd] = b;
        nd += 1;
    }
    let digits = &digits[..nd];
    if v < 0.0 {
        out.push(b'-');
    }
    if !(-4..6).contains(&exp) {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let a = exp.unsigned_abs();
        if a < 10 {
            out.push(b'0');
        }
        write_u64(out, u64::from(a), false);
    } else if exp >= 0 {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.extend_from_slice(digits);
            out.resize(out.len() + int_len - digits.len(), b'0');
        } else {
            out.extend_from_slice(&digits[..int_len]);
            out.push(b'.');
            out.extend_from_slice(&digits[int_len..]);
        }
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (-exp - 1) as usize, b'0');
        out.extend_from_slice(digits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(v: f64) -> String {
        let mut out = Vec::new();
        write_go_float(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn matches_go_format_float_g_minus_one() {
        for (v, want) in [
            (4.0, "4"),
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (0.5, "0.5"),
            (25.0, "25"),
            (150.0, "150"),
            (999_999.0, "999999"),
            (1e6, "1e+06"),
            (-1e6, "-1e+06"),
            (1_234_567.0, "1.234567e+06"),
            (123_456_789.0, "1.23456789e+08"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (1e-05, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (27.300000000000004, "27.300000000000004"),
            (5.460000000000001, "5.460000000000001"),
            (0.1 + 0.2, "0.30000000000000004"),
            (109.5, "109.5"),
            (-3.25, "-3.25"),
            (123456.5, "123456.5"),
            (999999.5, "999999.5"),
            (9_007_199_254_740_993.0, "9.007199254740992e+15"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(go(v), want, "{v:e}");
        }
    }

    #[test]
    fn integers() {
        let mut out = Vec::new();
        write_u64(&mut out, u64::MAX, false);
        out.push(b' ');
        write_u64(&mut out, 0, false);
        out.push(b' ');
        write_u64(&mut out, 42, true);
        assert_eq!(out, b"18446744073709551615 0 -42");
    }
}
