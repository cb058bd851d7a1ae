//! The two comment lines every text-style family starts with: `# HELP` and `# TYPE`.

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
