//! Escaping of HELP text and label values, as client_golang does: see [`escape`].

/// Escapes `\` and newline, as client_golang does for HELP text.
pub(crate) fn escape_help(out: &mut Vec<u8>, s: &str) {
    escape(out, s, false);
}

/// Escapes `\`, `"` and newline, as client_golang does for label values.
pub(crate) fn escape_label_value(out: &mut Vec<u8>, s: &str) {
    escape(out, s, true);
}

/// Appends `s` escaped (`"` too when `quote`); returns whether `s` was "plain": no byte at or
/// below `"` (controls, space, `!`, `"`) and no `\`, so that text containing it sorts as `s`
/// itself.
#[inline]
pub(crate) fn escape(out: &mut Vec<u8>, s: &str, quote: bool) -> bool {
    let b = s.as_bytes();
    // One check for both questions (every byte to escape is below `"` or is `\` or `"`), with
    // no early exit, so the compiler compares many bytes at once.
    let odd = b
        .iter()
        .fold(false, |acc, &c| acc | (c <= b'"') | (c == b'\\'));
    if !odd {
        out.extend_from_slice(b);
        return true;
    }
    for &c in b {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'"' if quote => out.extend_from_slice(b"\\\""),
            _ => out.push(c),
        }
    }
    false
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
