//! The oracle scenario (`../shared/oracle/README.md`, recordings of `oc_python_oracle.py`)
//! through census gives OpenCensus Go's exposition byte for byte (`census_testkit::oracle::GO_TEXT`).

mod common;

use census_prometheus::{encode_text, ExpositionOptions};
use census_testkit::oracle::GO_TEXT as EXPECTED;

#[test]
fn oracle_scenario_gives_opencensus_go_text_byte_for_byte() {
    let meter = common::oracle_meter();
    let opts = ExpositionOptions::new().with_namespace("myapp").unwrap();
    let mut out = Vec::new();
    let report = encode_text(&meter.snapshot(), &opts, &mut out);
    let text = String::from_utf8(out).unwrap();
    if text != EXPECTED {
        for (i, (got, want)) in text.lines().zip(EXPECTED.lines()).enumerate() {
            assert_eq!(got, want, "first difference at line {}", i + 1);
        }
        assert_eq!(text, EXPECTED, "same lines, different length or line ends");
    }
    assert!(report.is_complete(), "{:?}", report.skipped);
    assert_eq!((report.families, report.series), (4, 16));
}
