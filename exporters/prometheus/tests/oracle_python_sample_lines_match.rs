//! With the Python switches, the oracle scenario as OpenCensus Python recorded it gives the
//! sample lines OpenCensus Python 0.11.4 + opencensus-ext-prometheus 0.2.1 wrote, byte for byte
//! (`census_testkit::oracle::PYTHON_TEXT`); promtool parses the output. Without them, the Go
//! golden test (`oracle_go_text_matches.rs`) holds.

use std::collections::BTreeSet;

use census_prometheus::{encode_text, ExpositionOptions};
use census_testkit::assert_no_parse_errors;
use census_testkit::oracle::{Oracle, LATENCY_BOUNDS_PYTHON, PYTHON_TEXT};

fn sample_lines(text: &str) -> BTreeSet<&str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[test]
fn python_switches_give_opencensus_python_sample_lines_byte_for_byte() {
    let oracle = Oracle::recorded_as_python();
    let opts = ExpositionOptions::new()
        .with_namespace("myapp")
        .unwrap()
        .with_python_compat()
        .with_python_numbers(true)
        .with_python_bounds("request/latency.ms", LATENCY_BOUNDS_PYTHON)
        .unwrap();
    let mut out = Vec::new();
    let report = encode_text(&oracle.meter.snapshot(), &opts, &mut out);
    assert!(report.is_complete(), "{:?}", report.skipped);
    let text = String::from_utf8(out).unwrap();
    let (ours, python) = (sample_lines(&text), sample_lines(PYTHON_TEXT));
    let missing: Vec<_> = python.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&python).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}\n{text}"
    );
    // HELP/TYPE once per family (Python repeats them; strict parsers refuse that).
    assert_eq!(text.matches("# TYPE ").count(), 4, "{text}");
    assert_no_parse_errors(&text);
}
