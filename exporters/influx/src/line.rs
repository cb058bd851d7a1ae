//! The line protocol itself: escaping and one line at a time. See [`Lines`] for details.
//!
//! `measurement[,tag=value…] field=value[,field=value…] timestamp\n`. With `\`: the
//! measurement escapes `,` and space; tag keys, tag values and field keys escape `,`, `=` and
//! space; string field values (quoted) escape `"` and `\`. A `\` is doubled where some parser
//! would read it as an escape (before `,`, `=`, space, another `\`, or at the end of the
//! token), so no value ends a token early. A newline or carriage return cannot be
//! escaped in any token but a string field: it is written as an (escaped) space. Integers are
//! written with `i`, floats in their shortest round-trip form, NaN and ±Inf never (they are
//! skipped and counted: InfluxDB refuses the whole line).

use std::ops::Range;

use census_prometheus::encode::write_go_float;

/// What a token escapes besides `\`, newline and carriage return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// `,` and space.
    Measurement,
    /// `,`, `=` and space.
    Key,
}

impl Token {
    fn is_special(self, c: char) -> bool {
        match self {
            Token::Measurement => c == ',' || c == ' ',
            Token::Key => c == ',' || c == ' ' || c == '=',
        }
    }
}

fn escape(out: &mut Vec<u8>, s: &str, token: Token) {
    let mut chars = s.chars().peekable();
    let mut utf8 = [0u8; 4];
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\r' | '\t' => out.extend_from_slice(b"\\ "),
            '\\' => {
                let next = chars.peek().copied();
                // Parsers differ in what `\` escapes (InfluxDB 1.x: the token's specials;
                // others: `\`, `,`, `=` and space everywhere): double it before any of them.
                let ambiguous =
                    next.is_none_or(|n| matches!(n, '\\' | ',' | '=' | ' ' | '\n' | '\r' | '\t'));
                out.extend_from_slice(if ambiguous { b"\\\\" } else { b"\\" });
            }
            c if token.is_special(c) => {
                out.push(b'\\');
                out.push(c as u8);
            }
            c => out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes()),
        }
    }
}

/// Appends `s` escaped as a measurement (`,` and space).
///
/// ```
/// let mut out = Vec::new();
/// census_influx::line::escape_measurement(&mut out, "cpu load,x=1");
/// assert_eq!(out, br"cpu\ load\,x=1");
/// ```
pub fn escape_measurement(out: &mut Vec<u8>, s: &str) {
    escape(out, s, Token::Measurement);
}

/// Appends `s` escaped as a tag key, tag value or field key (`,`, `=` and space).
///
/// ```
/// let mut out = Vec::new();
/// census_influx::line::escape_key(&mut out, r"a b,c=d\");
/// assert_eq!(out, br"a\ b\,c\=d\\");
/// ```
pub fn escape_key(out: &mut Vec<u8>, s: &str) {
    escape(out, s, Token::Key);
}

/// Appends `s` as a quoted string field value (`"` and `\` escaped).
///
/// ```
/// let mut out = Vec::new();
/// census_influx::line::write_string_field(&mut out, r#"say "hi" \o/"#);
/// assert_eq!(out, br#""say \"hi\" \\o/""#);
/// ```
pub fn write_string_field(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for b in s.bytes() {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Appends `v` in decimal.
pub(crate) fn write_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

fn write_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    write_u64(out, v.unsigned_abs());
}

/// A field value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldValue {
    /// Written `1.5`, `3`, `1e+06`; NaN and ±Inf are skipped.
    Float(f64),
    /// Written `3i`.
    Int(i64),
    /// Written `3i` (never `3u`: InfluxDB 1.x has no unsigned type), saturating at `i64::MAX`.
    UInt(u64),
}

/// Lines of line protocol in one buffer, each ending in `\n`, with their boundaries (for
/// batching by lines or bytes), and the count of values left out for being NaN or ±Inf.
///
/// ```
/// use census_influx::line::{FieldValue, Lines};
/// let mut lines = Lines::new();
/// let mut l = lines.line("http requests");
/// l.tag("path", "/a b");
/// l.field("count", FieldValue::UInt(3));
/// l.field("mean", FieldValue::Float(f64::NAN));
/// l.field("sum", FieldValue::Float(1.5));
/// assert!(l.finish(1_700_000_000_000_000_000));
/// let mut l = lines.line("only_nan");
/// l.field("value", FieldValue::Float(f64::INFINITY));
/// assert!(!l.finish(1), "a line without fields is dropped");
/// assert_eq!(
///     std::str::from_utf8(lines.as_bytes()).unwrap(),
///     "http\\ requests,path=/a\\ b count=3i,sum=1.5 1700000000000000000\n"
/// );
/// assert_eq!((lines.len(), lines.skipped_values()), (1, 2));
/// ```
#[derive(Debug, Default, Clone)]
pub struct Lines {
    buf: Vec<u8>,
    ends: Vec<usize>,
    skipped_values: u64,
    skipped_lines: u64,
}

impl Lines {
    /// No lines.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets every line and count, keeping the buffers.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
        self.skipped_values = 0;
        self.skipped_lines = 0;
    }

    /// Starts a line of `measurement`; add tags, then fields, then [`LineBuilder::finish`].
    pub fn line(&mut self, measurement: &str) -> LineBuilder<'_> {
        let start = self.buf.len();
        escape_measurement(&mut self.buf, measurement);
        LineBuilder {
            lines: self,
            start,
            fields: 0,
        }
    }

    /// Every line, as one body.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no lines.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The byte range of each line (its `\n` included), in order.
    pub fn ranges(&self) -> Vec<Range<usize>> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let r = start..end;
                start = end;
                r
            })
            .collect()
    }

    /// Field values left out because they were NaN or ±Inf.
    pub fn skipped_values(&self) -> u64 {
        self.skipped_values
    }

    /// Lines left out because none of their values was finite.
    pub fn skipped_lines(&self) -> u64 {
        self.skipped_lines
    }
}

/// One line being written: tags first, then fields. See [`Lines`].
#[derive(Debug)]
pub struct LineBuilder<'a> {
    lines: &'a mut Lines,
    start: usize,
    fields: usize,
}

impl LineBuilder<'_> {
    /// Adds a tag; an empty value is left out (line protocol has no empty tag values, and an
    /// empty Prometheus label is an absent one).
    ///
    /// # Panics
    /// In debug builds, when called after a field.
    pub fn tag(&mut self, key: &str, value: &str) {
        debug_assert_eq!(self.fields, 0, "tags come before fields");
        if value.is_empty() {
            return;
        }
        let buf = &mut self.lines.buf;
        buf.push(b',');
        escape_key(buf, key);
        buf.push(b'=');
        escape_key(buf, value);
    }

    /// Adds a field; a NaN or ±Inf float is left out and counted.
    pub fn field(&mut self, key: &str, value: FieldValue) {
        if let FieldValue::Float(v) = value {
            if !v.is_finite() {
                self.lines.skipped_values += 1;
                return;
            }
        }
        let buf = &mut self.lines.buf;
        buf.push(if self.fields == 0 { b' ' } else { b',' });
        self.fields += 1;
        escape_key(buf, key);
        buf.push(b'=');
        match value {
            FieldValue::Float(v) => write_go_float(buf, v),
            FieldValue::Int(v) => {
                write_i64(buf, v);
                buf.push(b'i');
            }
            FieldValue::UInt(v) => {
                write_u64(buf, v.min(i64::MAX as u64));
                buf.push(b'i');
            }
        }
    }

    /// Ends the line with `timestamp_ns`; a line without fields is removed (and counted).
    /// Returns whether the line was kept.
    pub fn finish(self, timestamp_ns: i64) -> bool {
        let lines = self.lines;
        if self.fields == 0 {
            lines.buf.truncate(self.start);
            lines.skipped_lines += 1;
            return false;
        }
        lines.buf.push(b' ');
        write_i64(&mut lines.buf, timestamp_ns);
        lines.buf.push(b'\n');
        lines.ends.push(lines.buf.len());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(f: fn(&mut Vec<u8>, &str), s: &str) -> String {
        let mut out = Vec::new();
        f(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn backslashes_are_doubled_only_where_they_would_escape() {
        assert_eq!(esc(escape_key, r"a\b"), r"a\b");
        assert_eq!(esc(escape_key, r"a\"), r"a\\");
        assert_eq!(esc(escape_key, r"a\,b"), r"a\\\,b");
        assert_eq!(esc(escape_key, r"a\\b"), r"a\\\b");
        assert_eq!(esc(escape_measurement, r"m\=x"), r"m\\=x");
        assert_eq!(esc(escape_measurement, r"m=x"), r"m=x");
        assert_eq!(esc(escape_key, "two\nlines\r"), r"two\ lines\ ");
    }

    #[test]
    fn integers_and_floats() {
        let mut lines = Lines::new();
        let mut l = lines.line("m");
        l.field("a", FieldValue::Int(-42));
        l.field("b", FieldValue::UInt(u64::MAX));
        l.field("c", FieldValue::Float(0.1));
        l.field("d", FieldValue::Float(-2.0));
        l.field("e", FieldValue::Float(f64::NEG_INFINITY));
        assert!(l.finish(-5));
        assert_eq!(
            std::str::from_utf8(lines.as_bytes()).unwrap(),
            "m a=-42i,b=9223372036854775807i,c=0.1,d=-2 -5\n"
        );
        assert_eq!(lines.ranges(), vec![0..lines.as_bytes().len()]);
        assert_eq!(lines.skipped_values(), 1);
    }
}
