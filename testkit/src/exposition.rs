//! Reads the sample lines of a text exposition (Prometheus text 0.0.4 and OpenMetrics) in
//! tests: `name{label="value",...} value [timestamp] [# {exemplar labels} value [timestamp]]`.
//!
//! A test helper, not a validator: it checks the shape of each sample line (name, quoted and
//! escaped label values, numbers) but not the metadata, family grouping or name rules; run
//! [`assert_no_parse_errors`](crate::assert_no_parse_errors) (promtool) for that.
//!
//! ```
//! use census_testkit::exposition;
//!
//! let text = "# TYPE req_total counter\n\
//!             req_total{method=\"GET\",path=\"/a \\\"b\\\"\"} 3\n\
//!             req_total{method=\"POST\",path=\"/\"} 1 1700000000000\n";
//! assert_eq!(exposition::sample(text, "req_total{method=\"POST\",path=\"/\"}"), 1.0);
//! let lines = exposition::samples(text);
//! assert_eq!(lines[0].labels["path"], "/a \"b\"");
//! assert_eq!(lines[1].timestamp, Some(1.7e12));
//! assert_eq!(exposition::values(text, "req_total").len(), 2);
//! assert_eq!(exposition::types(text)["req_total"], "counter");
//! ```

use std::collections::{BTreeMap, HashMap};

use crate::Sample;

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleLine {
    /// The series exactly as written: the name and the label set, e.g. `a_total{k="v"}`.
    pub series: String,
    /// The metric name, e.g. `a_total`.
    pub name: String,
    /// The labels, unescaped.
    pub labels: BTreeMap<String, String>,
    /// The value (`+Inf`, `-Inf` and `NaN` included).
    pub value: f64,
    /// The timestamp, if the line has one (milliseconds in text 0.0.4, seconds in
    /// OpenMetrics).
    pub timestamp: Option<f64>,
    /// The OpenMetrics exemplar after ` # `, if any.
    pub exemplar: Option<ExemplarLine>,
}

/// An OpenMetrics exemplar: `# {trace_id="..."} 0.5 1700000000.123`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExemplarLine {
    /// Its labels, unescaped.
    pub labels: BTreeMap<String, String>,
    /// Its value.
    pub value: f64,
    /// Its timestamp (seconds), if given.
    pub timestamp: Option<f64>,
}

/// Parses one line: `Ok(None)` for a blank line or a `#` line (HELP, TYPE, UNIT, EOF,
/// comments).
///
/// # Errors
///
/// A message naming what is wrong with a line that should be a sample.
pub fn parse_line(line: &str) -> Result<Option<SampleLine>, String> {
    let line = line.trim_end_matches('\r');
    if line.trim().is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let name_end = line.find(['{', ' ']).unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() {
        return Err(format!("no metric name in {line:?}"));
    }
    let (labels, rest) = if line[name_end..].starts_with('{') {
        parse_labels(&line[name_end..]).map_err(|e| format!("{e} in {line:?}"))?
    } else {
        (BTreeMap::new(), &line[name_end..])
    };
    let series = &line[..line.len() - rest.len()];
    let (numbers, exemplar) = match rest.split_once(" # ") {
        Some((numbers, exemplar)) => (numbers, Some(exemplar)),
        None => (rest, None),
    };
    let (value, timestamp) =
        value_and_timestamp(numbers).map_err(|e| format!("{e} in {line:?}"))?;
    let exemplar = exemplar
        .map(|e| {
            let e = e.trim_start();
            if !e.starts_with('{') {
                return Err(format!("exemplar without labels in {line:?}"));
            }
            let (labels, rest) = parse_labels(e).map_err(|e| format!("{e} in {line:?}"))?;
            let (value, timestamp) =
                value_and_timestamp(rest).map_err(|e| format!("exemplar {e} in {line:?}"))?;
            Ok(ExemplarLine {
                labels,
                value,
                timestamp,
            })
        })
        .transpose()?;
    Ok(Some(SampleLine {
        series: series.to_string(),
        name: name.to_string(),
        labels,
        value,
        timestamp,
        exemplar,
    }))
}

/// Every sample line of `text`, in order.
///
/// # Errors
///
/// The first line that is neither blank, nor a `#` line, nor a sample, with its number.
pub fn parse(text: &str) -> Result<Vec<SampleLine>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(s) = parse_line(line).map_err(|e| format!("line {}: {e}", i + 1))? {
            out.push(s);
        }
    }
    Ok(out)
}

/// Like [`parse`], panicking (with the text) on a line that is not a sample.
pub fn samples(text: &str) -> Vec<SampleLine> {
    parse(text).unwrap_or_else(|e| panic!("not an exposition: {e}\n--- text ---\n{text}"))
}

/// `series` text (see [`SampleLine::series`]) → value, for every sample line (the last one
/// wins if a series is written twice).
///
/// # Panics
///
/// On a line that is not a sample.
pub fn by_series(text: &str) -> HashMap<String, f64> {
    samples(text)
        .into_iter()
        .map(|s| (s.series, s.value))
        .collect()
}

/// The value of the first line whose series is written exactly as `series` (e.g.
/// `requests_total{method="GET",status="200"}`, or just `queue_depth`). Lines that are not
/// samples are skipped, so `text` may be a program's whole output.
///
/// # Panics
///
/// When no line has that series.
pub fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .filter_map(|l| parse_line(l).ok().flatten())
        .find(|s| s.series == series)
        .map(|s| s.value)
        .unwrap_or_else(|| panic!("no series {series} in:\n{text}"))
}

/// The (labels, value) pairs of every sample named exactly `name` (for a histogram, ask for
/// `x_bucket`, `x_sum` or `x_count`).
///
/// # Panics
///
/// On a line that is not a sample.
pub fn values(text: &str, name: &str) -> Vec<Sample> {
    samples(text)
        .into_iter()
        .filter(|s| s.name == name)
        .map(|s| (s.labels, s.value))
        .collect()
}

/// Family name → type, from the `# TYPE name type` lines.
pub fn types(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.trim_end().split_once(' '))
        .map(|(name, t)| (name.to_string(), t.trim().to_string()))
        .collect()
}

/// Parses `{a="1",b="x\"y"}` at the start of `s`; returns the labels and what follows.
fn parse_labels(s: &str) -> Result<(BTreeMap<String, String>, &str), String> {
    let mut labels = BTreeMap::new();
    let mut rest = &s[1..];
    loop {
        rest = rest.trim_start_matches([' ', ',']);
        if let Some(after) = rest.strip_prefix('}') {
            return Ok((labels, after));
        }
        let (name, after) = rest
            .split_once('=')
            .ok_or_else(|| "a label without '='".to_string())?;
        let name = name.trim();
        if name.is_empty() || name.contains(['"', '}', ',']) {
            return Err(format!("bad label name {name:?}"));
        }
        let mut chars = after
            .strip_prefix('"')
            .ok_or_else(|| format!("label {name} has no quoted value"))?
            .char_indices();
        let mut value = String::new();
        let end = loop {
            match chars.next() {
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c @ ('\\' | '"'))) => value.push(c),
                    Some((_, c)) => return Err(format!("bad escape \\{c} in label {name}")),
                    None => return Err(format!("unterminated value of label {name}")),
                },
                Some((_, c)) => value.push(c),
                None => return Err(format!("unterminated value of label {name}")),
            }
        };
        if labels.insert(name.to_string(), value).is_some() {
            return Err(format!("label {name} given twice"));
        }
        rest = &after[1 + end + 1..];
        if !(rest.starts_with(',') || rest.starts_with('}')) {
            return Err(format!("expected ',' or '}}' after label {name}"));
        }
    }
}

/// ` value [timestamp]` → the numbers.
fn value_and_timestamp(s: &str) -> Result<(f64, Option<f64>), String> {
    if !s.starts_with(' ') {
        return Err("no space before the value".to_string());
    }
    let mut parts = s.split_whitespace();
    let number = |t: &str| {
        t.parse::<f64>()
            .map_err(|_| format!("{t:?} is not a number"))
    };
    let value = number(parts.next().ok_or("no value")?)?;
    let timestamp = parts.next().map(number).transpose()?;
    if let Some(extra) = parts.next() {
        return Err(format!("unexpected {extra:?} after the value"));
    }
    Ok((value, timestamp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_labels_timestamps_and_exemplars() {
        let s = parse_line(r#"h_bucket{le="+Inf",k="a\\b\nc"} 3 # {trace_id="ab"} 0.5 1.25"#)
            .unwrap()
            .unwrap();
        assert_eq!(s.series, r#"h_bucket{le="+Inf",k="a\\b\nc"}"#);
        assert_eq!(s.name, "h_bucket");
        assert_eq!(s.labels["le"], "+Inf");
        assert_eq!(s.labels["k"], "a\\b\nc");
        assert_eq!((s.value, s.timestamp), (3.0, None));
        let e = s.exemplar.unwrap();
        assert_eq!(e.labels["trace_id"], "ab");
        assert_eq!((e.value, e.timestamp), (0.5, Some(1.25)));

        let s = parse_line("up 1 1700000000000").unwrap().unwrap();
        assert_eq!(
            (s.series.as_str(), s.value, s.timestamp),
            ("up", 1.0, Some(1.7e12))
        );
        assert!(s.labels.is_empty());
        let s = parse_line("x{} NaN").unwrap().unwrap();
        assert!(s.value.is_nan());
        assert_eq!(s.series, "x{}");
        assert_eq!(
            parse_line("g{a=\"1\",} -Inf").unwrap().unwrap().value,
            f64::NEG_INFINITY
        );
        assert_eq!(parse_line("# TYPE x counter").unwrap(), None);
        assert_eq!(parse_line("").unwrap(), None);
    }

    #[test]
    fn malformed_lines_are_errors() {
        for bad in [
            "x",
            "x one",
            "x 1 2 3",
            "x{a=1} 1",
            "x{a=\"1\" 1",
            "x{a=\"1\"b=\"2\"} 1",
            "x{a=\"1\",a=\"2\"} 1",
            "x{a=\"\\t\"} 1",
            "{a=\"1\"} 1",
            "x{a=\"1\"}1",
            "x 1 # 0.5",
        ] {
            assert!(parse_line(bad).is_err(), "{bad:?}");
        }
        let err = parse("# ok\nx 1\ny\n").unwrap_err();
        assert!(err.starts_with("line 3: "), "{err}");
    }

    #[test]
    fn lookups() {
        let text = "noise\n# TYPE a gauge\na{k=\"v\"} 2\nb 3\nb 4\n";
        assert_eq!(sample(text, "a{k=\"v\"}"), 2.0);
        assert_eq!(sample(text, "b"), 3.0, "the first line");
        assert_eq!(types(text)["a"], "gauge");
        let clean = "a{k=\"v\"} 2\nb 3\nb 4\n";
        assert_eq!(by_series(clean)["b"], 4.0, "the last line");
        assert_eq!(values(clean, "a")[0].0["k"], "v");
    }

    #[test]
    #[should_panic(expected = "no series a{k=\"w\"} in:")]
    fn a_missing_series_panics() {
        sample("a{k=\"v\"} 2\n", "a{k=\"w\"}");
    }

    #[test]
    #[should_panic(expected = "not an exposition: line 1")]
    fn samples_panics_on_noise() {
        samples("hello world\n");
    }
}
