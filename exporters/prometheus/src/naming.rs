//! Prometheus names from OpenCensus names: see [`sanitize`] for details.
//!
//! Everything here is OpenCensus Go's exporter (`sanitize.go` plus statsd_exporter's
//! `EscapeMetricName`), byte for byte, plus the validity checks of the Prometheus data model.
//!
//! A leaf: nothing here depends on the rest of the crate. What the options make of a view
//! (its metric name, type and label names) is [`crate::ExpositionOptions::metric_name`],
//! [`crate::ExpositionOptions::metric_type`] and [`crate::ExpositionOptions::label_names`].

/// Names are cut to this many bytes before escaping, as OpenCensus Go does.
pub const MAX_NAME_BYTES: usize = 100;

/// The label name Prometheus reserves for histogram bucket bounds.
pub const BUCKET_LABEL: &str = "le";

/// Turns a view name or tag key into a Prometheus name, exactly as OpenCensus Go's exporter:
///
/// 1. the empty string stays empty;
/// 2. the name is cut to [`MAX_NAME_BYTES`] bytes;
/// 3. a leading digit gets an `_` prefix, every character outside `[A-Za-z0-9_]` becomes `_`,
///    except that a run of `-` becomes a single `_`, and each non-ASCII character becomes one
///    `_` (a character cut in two by step 2 also counts as one);
/// 4. a result starting with `_` gets the prefix `key`.
///
/// The result of a non-empty input is a valid metric name and a valid label name that does not
/// start with `__`.
///
/// ```
/// use census_prometheus::naming::sanitize;
/// assert_eq!(sanitize("request/latency.ms"), "request_latency_ms");
/// assert_eq!(sanitize("9lives"), "key_9lives");
/// assert_eq!(sanitize("_under"), "key_under");
/// assert_eq!(sanitize("a--b-c"), "a_b_c");
/// assert_eq!(sanitize("a::b"), "a__b");
/// assert_eq!(sanitize("http.status"), "http_status");
/// assert_eq!(sanitize("caf\u{e9}"), "caf_");
/// assert_eq!(sanitize(&"n".repeat(120)).len(), 100);
/// assert_eq!(sanitize(""), "");
/// ```
pub fn sanitize(name: &str) -> String {
    let mut out = String::with_capacity(name.len().min(MAX_NAME_BYTES) + 4);
    sanitize_into(name, &mut out);
    out
}

/// [`sanitize`], appending to `out`.
pub(crate) fn sanitize_into(name: &str, out: &mut String) {
    if name.is_empty() {
        return;
    }
    let bytes = &name.as_bytes()[..name.len().min(MAX_NAME_BYTES)];
    let start = out.len();
    if bytes[0].is_ascii_digit() {
        out.push('_');
    }
    let mut prev_dash = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        let dash = b == b'-';
        if b.is_ascii_alphanumeric() || b == b'_' {
            out.push(b as char);
        } else if !(dash && prev_dash) {
            out.push('_');
        }
        if b >= 0x80 {
            // One `_` per character: skip its continuation bytes (all of them, or those left
            // by the cut).
            while i < bytes.len() && bytes[i] & 0xC0 == 0x80 {
                i += 1;
            }
        }
        prev_dash = dash;
    }
    if out.as_bytes()[start] == b'_' {
        out.insert_str(start, "key");
    }
}

/// True when `name` is a valid Prometheus metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
///
/// ```
/// use census_prometheus::naming::is_valid_metric_name;
/// assert!(is_valid_metric_name("myapp_requests"));
/// assert!(is_valid_metric_name("job:rate5m"));
/// assert!(!is_valid_metric_name("my.app"));
/// assert!(!is_valid_metric_name("9ns"));
/// assert!(!is_valid_metric_name(""));
/// ```
pub fn is_valid_metric_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && !b[0].is_ascii_digit()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b':')
}

/// True when `name` is a valid Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
///
/// Names starting with `__` are valid but reserved for Prometheus itself; see
/// [`is_reserved_label_name`].
///
/// ```
/// use census_prometheus::naming::is_valid_label_name;
/// assert!(is_valid_label_name("http_status"));
/// assert!(!is_valid_label_name("http.status"));
/// assert!(!is_valid_label_name("a:b"));
/// assert!(!is_valid_label_name("1a"));
/// ```
pub fn is_valid_label_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && !b[0].is_ascii_digit()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// True for label names Prometheus reserves: those starting with `__`.
///
/// ```
/// use census_prometheus::naming::is_reserved_label_name;
/// assert!(is_reserved_label_name("__name__"));
/// assert!(!is_reserved_label_name("_x"));
/// ```
pub fn is_reserved_label_name(name: &str) -> bool {
    name.starts_with("__")
}

/// The Prometheus type of a view's metric (see [`crate::ExpositionOptions::metric_type`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetricType {
    /// Count, and Sum unless [`crate::ExpositionOptions::with_sum_as_untyped`].
    Counter,
    /// LastValue.
    Gauge,
    /// Distribution.
    Histogram,
    /// Sum with [`crate::ExpositionOptions::with_sum_as_untyped`] (OpenCensus Python, Go ≤ 0.19).
    Untyped,
}

impl MetricType {
    /// The name in a text-format `# TYPE` line.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Untyped => "untyped",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_probe_examples() {
        // oc_go_probes.txt: view names and the tag keys built from them.
        for (input, want) in [
            ("request/latency.ms", "request_latency_ms"),
            ("9lives", "key_9lives"),
            ("_under", "key_under"),
            ("a--b-c", "a_b_c"),
            ("a::b", "a__b"),
            ("x/y.z", "x_y_z"),
            ("http.status", "http_status"),
            ("9k-9li", "key_9k_9li"),
            ("9k-_un", "key_9k__un"),
            ("9k-a--", "key_9k_a_"),
            ("9k-a::", "key_9k_a__"),
            ("9k-x/y", "key_9k_x_y"),
            ("9k-nnn", "key_9k_nnn"),
            // sanitize_test.go of the Go exporter
            ("test/key-1", "test_key_1"),
            ("0123456789", "key_0123456789"),
            ("_0123456789", "key_0123456789"),
            ("/0123456789", "key_0123456789"),
        ] {
            assert_eq!(sanitize(input), want, "{input:?}");
        }
        assert_eq!(sanitize(&"n".repeat(120)), "n".repeat(100));
        assert_eq!(sanitize(&"a".repeat(101)), "a".repeat(100));
    }

    #[test]
    fn non_ascii_is_one_underscore_per_character_even_when_cut() {
        assert_eq!(sanitize("\u{e9}t\u{e9}"), "key_t_");
        assert_eq!(sanitize("a\u{1F600}b"), "a_b");
        // 99 bytes, then a 3-byte character cut after its first two bytes.
        let cut = format!("{}\u{20AC}", "a".repeat(98));
        assert_eq!(sanitize(&cut), format!("{}_", "a".repeat(98)));
        let cut = format!("{}\u{e9}", "a".repeat(99));
        assert_eq!(sanitize(&cut), format!("{}_", "a".repeat(99)));
    }

    #[test]
    fn dash_runs_collapse_but_other_runs_do_not() {
        assert_eq!(sanitize("a---b"), "a_b");
        assert_eq!(sanitize("a-.-b"), "a___b");
        assert_eq!(sanitize("--a"), "key_a");
        assert_eq!(sanitize("a.."), "a__");
    }
}
