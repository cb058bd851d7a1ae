//! What every text-style writer starts with: a family's `# HELP` and `# TYPE` lines, and a
//! sample's `name_suffix{labels} `.

/// Writes `# HELP name <help>\n# TYPE name <kind>\n`, the help text escaped by `escape` (text
/// 0.0.4 and OpenMetrics escape it differently).
pub(super) fn write_header(
    out: &mut Vec<u8>,
    name: &str,
    help: &str,
    escape: fn(&mut Vec<u8>, &str),
    kind: &str,
) {
    for (tag, rest) in [(&b"# HELP "[..], None), (&b"# TYPE "[..], Some(kind))] {
        out.extend_from_slice(tag);
        out.extend_from_slice(name.as_bytes());
        out.push(b' ');
        match rest {
            None => escape(out, help),
            Some(kind) => out.extend_from_slice(kind.as_bytes()),
        }
        out.push(b'\n');
    }
}

/// `name_suffix{labels} ` (`name_suffix ` without labels): the start of every sample line.
#[inline]
pub(super) fn series_head(out: &mut Vec<u8>, name: &[u8], suffix: &[u8], labels: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(suffix);
    if labels.is_empty() {
        out.push(b' ');
    } else {
        out.push(b'{');
        out.extend_from_slice(labels);
        out.extend_from_slice(b"} ");
    }
}
