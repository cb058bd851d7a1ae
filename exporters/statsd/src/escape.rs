//! Names and tags that cannot break a line: see [`push_name`] and [`push_tag`].

/// The replacement of every character that would break a line.
pub const REPLACEMENT: char = '_';

/// Whether `c` would end a name early or start another field: `:` (value), `|` (type),
/// `@` (rate), `#` (tags), `,` (tag list), and any whitespace (newline ends the line).
fn breaks_name(c: char) -> bool {
    matches!(c, ':' | '|' | '@' | '#' | ',') || c.is_whitespace()
}

/// In tags also `=` (InfluxDB-style `k=v`) and `;` (Etsy/graphite `name;k=v`).
fn breaks_tag(c: char) -> bool {
    breaks_name(c) || matches!(c, '=' | ';')
}

fn push_replacing(out: &mut String, s: &str, breaks: fn(char) -> bool) {
    if !s.chars().any(breaks) {
        out.push_str(s);
        return;
    }
    out.extend(s.chars().map(|c| if breaks(c) { REPLACEMENT } else { c }));
}

/// Appends `s` to a metric name, each of `: | @ # ,` and whitespace replaced by `_`.
///
/// ```
/// let mut out = String::new();
/// census_statsd::escape::push_name(&mut out, "a b:c|d@e#f,g\nh.i/j");
/// assert_eq!(out, "a_b_c_d_e_f_g_h.i/j");
/// ```
pub fn push_name(out: &mut String, s: &str) {
    push_replacing(out, s, breaks_name);
}

/// Appends a tag key or value, each of `: | @ # , = ;` and whitespace replaced by `_`.
///
/// ```
/// let mut out = String::new();
/// census_statsd::escape::push_tag(&mut out, "k=v;w:x y");
/// assert_eq!(out, "k_v_w_x_y");
/// ```
pub fn push_tag(out: &mut String, s: &str) {
    push_replacing(out, s, breaks_tag);
}

/// The first character of `s` that a name may not carry as given, if any.
pub(crate) fn first_bad_name_char(s: &str) -> Option<char> {
    s.chars().find(|c| breaks_name(*c))
}

/// The first character of `s` that a tag may not carry as given, if any.
pub(crate) fn first_bad_tag_char(s: &str) -> Option<char> {
    s.chars().find(|c| breaks_tag(*c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every special character, alone, at the edges and repeated, in names and tags.
    #[test]
    fn escaping_corpus() {
        let name = |s: &str| {
            let mut o = String::new();
            push_name(&mut o, s);
            o
        };
        let tag = |s: &str| {
            let mut o = String::new();
            push_tag(&mut o, s);
            o
        };
        for (input, as_name, as_tag) in [
            ("plain.name_1", "plain.name_1", "plain.name_1"),
            (":", "_", "_"),
            ("|", "_", "_"),
            ("@", "_", "_"),
            ("#", "_", "_"),
            (",", "_", "_"),
            ("=", "=", "_"),
            (";", ";", "_"),
            ("\n", "_", "_"),
            ("\r\n", "__", "__"),
            ("\t", "_", "_"),
            (" ", "_", "_"),
            ("\u{a0}", "_", "_"), // no-break space is whitespace too
            ("a:1|c", "a_1_c", "a_1_c"),
            ("x|#k:v", "x__k_v", "x__k_v"),
            ("m@0.5", "m_0.5", "m_0.5"),
            (
                "grpc.io/client/latency",
                "grpc.io/client/latency",
                "grpc.io/client/latency",
            ),
            ("k=v,w=x", "k=v_w=x", "k_v_w_x"),
            ("naïve", "naïve", "naïve"),
            ("", "", ""),
        ] {
            assert_eq!(name(input), as_name, "name {input:?}");
            assert_eq!(tag(input), as_tag, "tag {input:?}");
            for c in ['\n', ':', '|', '@', '#', ','] {
                assert!(!name(input).contains(c), "{input:?}");
                assert!(!tag(input).contains(c), "{input:?}");
            }
        }
        assert_eq!(first_bad_name_char("ok.name"), None);
        assert_eq!(first_bad_name_char("bad name"), Some(' '));
        assert_eq!(first_bad_tag_char("a=b"), Some('='));
    }
}
