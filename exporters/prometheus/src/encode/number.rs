//! Numbers as Go writes them: see [`write_go_float`] for details.

/// Appends `v` as client_golang's text encoder does: `+Inf`, `-Inf`, `NaN`, `0` for both
/// zeros, otherwise `strconv.FormatFloat(v, 'g', -1, 64)` — the shortest digits that read back
/// as `v`, in `%e` form when the decimal exponent is below -4 or at least 6 (`1e+06`,
/// `1.234567e+06`, `1e-05`), else in `%f` form (`4`, `0.5`, `27.300000000000004`).
#[inline]
pub(crate) fn write_go_float(out: &mut Vec<u8>, v: f64) {
    // The common case first (counts, bucket counts, integral values): a non-negative integer
    // below 10^6 prints as itself. `as u64` saturates and maps NaN to 0, which the comparison
    // then rejects; -0 becomes "0", as client_golang writes it.
    let u = v as u64;
    if u < 1_000_000 && u as f64 == v {
        write_u64(out, u, false);
    } else {
        write_go_float_slow(out, v);
    }
}

fn write_go_float_slow(out: &mut Vec<u8>, v: f64) {
    if v.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if v.is_infinite() {
        out.extend_from_slice(if v > 0.0 { b"+Inf" } else { b"-Inf" });
    } else if v.fract() == 0.0 && v.abs() < 1e6 {
        // Negative integers above -10^6.
        write_u64(out, v.abs() as u64, v < 0.0);
    } else {
        write_shortest(out, v);
    }
}

/// Two decimal digits for each of 0..100.
const DIGITS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends `v` as an integer, two digits at a time.
#[inline]
pub(crate) fn write_u64(out: &mut Vec<u8>, mut v: u64, negative: bool) {
    let mut buf = [0u8; 21];
    let mut i = buf.len();
    while v >= 100 {
        let d = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&DIGITS[d..d + 2]);
    }
    if v >= 10 {
        let d = v as usize * 2;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&DIGITS[d..d + 2]);
    } else {
        i -= 1;
        buf[i] = b'0' + v as u8;
    }
    if negative {
        i -= 1;
        buf[i] = b'-';
    }
    out.extend_from_slice(&buf[i..]);
}

/// Go's `'g'` layout of the shortest round-trip digits (as Go, the shortest digit string that
/// reads back exactly, the closest one on ties), which `zmij` computes.
fn write_shortest(out: &mut Vec<u8>, v: f64) {
    let mut buf = zmij::Buffer::new();
    let (digits, exp) = shortest_digits(buf.format_finite(v.abs()).as_bytes());
    let digits = &digits.0[..digits.1];
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

/// The significant digits (no leading or trailing zeros) of a positive decimal number written
/// as `123.45`, `0.00123`, `1e21` or `1.5e-7`, and the decimal exponent of the first digit.
fn shortest_digits(text: &[u8]) -> (([u8; 24], usize), i32) {
    let (mantissa, mut exp) = match text.iter().position(|&b| b == b'e' || b == b'E') {
        Some(e) => {
            let exp = std::str::from_utf8(&text[e + 1..])
                .ok()
                .and_then(|x| x.trim_start_matches('+').parse::<i32>().ok())
                .unwrap_or(0);
            (&text[..e], exp)
        }
        None => (text, 0),
    };
    let point = mantissa
        .iter()
        .position(|&b| b == b'.')
        .unwrap_or(mantissa.len());
    // The exponent of the first digit of the integer part, then skip leading zeros.
    exp += point as i32 - 1;
    let mut digits = [0u8; 24];
    let mut n = 0;
    let mut leading = true;
    for &b in mantissa.iter().filter(|b| b.is_ascii_digit()) {
        if leading && b == b'0' {
            exp -= 1;
            continue;
        }
        leading = false;
        if n < digits.len() {
            digits[n] = b;
            n += 1;
        }
    }
    while n > 1 && digits[n - 1] == b'0' {
        n -= 1;
    }
    if n == 0 {
        digits[0] = b'0';
        n = 1;
        exp = 0;
    }
    ((digits, n), exp)
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
    fn matches_go_strconv_on_five_thousand_values() {
        // tests/data/go_format_float.txt: `bits FormatFloat(v, 'g', -1, 64)` from Go 1.19,
        // made by tests/data/go_format_float.go.txt (powers, subnormals, 17-digit ties, …).
        let golden = include_str!("../../tests/data/go_format_float.txt");
        let mut n = 0;
        for line in golden.lines() {
            let (bits, want) = line.split_once(' ').unwrap();
            let v = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
            let mut out = Vec::new();
            write_go_float(&mut out, v);
            assert_eq!(std::str::from_utf8(&out).unwrap(), want, "{bits}");
            n += 1;
        }
        assert!(n > 4000, "{n} values");
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
