//! Every special character in measurements, tag keys and values, field keys and string field
//! values survives a round trip through an independent line protocol parser
//! (`influxdb-line-protocol`, InfluxData's own), in both namings and at the line level.

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use census_influx::line::{escape_key, escape_measurement, write_string_field, FieldValue, Lines};
use census_influx::{Encoder, Naming};
use census_prometheus::ExpositionOptions;
use census_sdk::{Aggregation, Float64Measure, Meter, TagKey, TagMap, View};
use influxdb_line_protocol::{parse_lines, FieldValue as Parsed};

/// Printable ASCII: what census allows in view names, tag keys and tag values. Not here: a
/// token ending in `\` (written `\\`, which InfluxDB 1.x reads, but this parser refuses any
/// token ending in a backslash: see `a_trailing_backslash_is_doubled`).
const NASTY: [&str; 11] = [
    "a,b",
    "a=b",
    "a b",
    r"a\b",
    r"a\,b",
    r"a\ b",
    r"a\\b",
    r#"say "hi""#,
    "#hash",
    "x'y",
    "all ,= \\\"# x",
];

#[derive(Debug, PartialEq)]
struct Line {
    measurement: String,
    tags: BTreeMap<String, String>,
    fields: BTreeMap<String, String>,
    timestamp: Option<i64>,
}

fn reparse(body: &[u8]) -> Vec<Line> {
    let text = std::str::from_utf8(body).unwrap();
    text.split_inclusive('\n')
        .map(|line| {
            let l = parse_lines(line).next().expect("one line");
            let l = l.unwrap_or_else(|e| panic!("the parser refused our line: {e}\n{line}"));
            Line {
                measurement: l.series.measurement.to_string(),
                tags: l
                    .series
                    .tag_set
                    .iter()
                    .flatten()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                fields: l
                    .field_set
                    .iter()
                    .map(|(k, v)| {
                        let v = match v {
                            Parsed::I64(n) => format!("{n}i"),
                            Parsed::U64(n) => format!("{n}u"),
                            Parsed::F64(f) => format!("{f}"),
                            Parsed::String(s) => format!("str:{s}"),
                            Parsed::Boolean(b) => format!("{b}"),
                        };
                        (k.to_string(), v)
                    })
                    .collect(),
                timestamp: l.timestamp,
            }
        })
        .collect()
}

#[test]
fn line_level_corpus_round_trips_every_character() {
    let mut corpus: Vec<String> = NASTY.iter().map(|s| s.to_string()).collect();
    corpus.extend(["é ünï", "😀,=", "a\\=b", "=", ","].map(String::from));
    let mut lines = Lines::new();
    for (i, s) in corpus.iter().enumerate() {
        if s.starts_with('#') {
            continue; // a line starting with `#` is a comment: measurements never do (see below)
        }
        let mut l = lines.line(s);
        l.tag(s, s);
        l.tag("k", s);
        l.field(s, FieldValue::Int(i as i64));
        l.field("f", FieldValue::Float(0.5));
        assert!(l.finish(1_700_000_000_000_000_000 + i as i64));
    }
    let parsed = reparse(lines.as_bytes());
    let kept: Vec<&String> = corpus.iter().filter(|s| !s.starts_with('#')).collect();
    assert_eq!(parsed.len(), kept.len());
    for (i, (p, s)) in parsed.iter().zip(&kept).enumerate() {
        let idx = corpus.iter().position(|c| c == *s).unwrap();
        assert_eq!(&p.measurement, *s, "line {i}");
        let want_tags: BTreeMap<String, String> =
            [((*s).clone(), (*s).clone()), ("k".into(), (*s).clone())].into();
        assert_eq!(p.tags, want_tags, "line {i}: {s:?}");
        let want_fields: BTreeMap<String, String> = [
            ((*s).clone(), format!("{idx}i")),
            ("f".into(), "0.5".into()),
        ]
        .into();
        assert_eq!(p.fields, want_fields, "line {i}: {s:?}");
        assert_eq!(p.timestamp, Some(1_700_000_000_000_000_000 + idx as i64));
    }
}

#[test]
fn a_trailing_backslash_is_doubled() {
    let mut out = Vec::new();
    escape_key(&mut out, r"a\");
    assert_eq!(out, br"a\\");
    let line = b"m,k=a\\\\ f=1 1\n";
    let refused = parse_lines(std::str::from_utf8(line).unwrap())
        .next()
        .unwrap();
    assert!(
        refused.is_err(),
        "the parser reads a trailing backslash now: test it in the corpus"
    );
}

#[test]
fn string_field_values_round_trip() {
    for s in [
        r#"say "hi""#,
        r"back\slash",
        r"\",
        r#"\""#,
        "a,b c=d",
        "😀",
        "",
    ] {
        let mut body = b"m s=".to_vec();
        write_string_field(&mut body, s);
        body.extend_from_slice(b" 1\n");
        let p = reparse(&body);
        assert_eq!(
            p[0].fields["s"],
            format!("str:{s}"),
            "{}",
            String::from_utf8_lossy(&body)
        );
    }
}

#[test]
fn newlines_cannot_break_a_line() {
    let mut out = Vec::new();
    escape_measurement(&mut out, "two\nlines");
    out.push(b',');
    escape_key(&mut out, "k\r\n\t");
    out.extend_from_slice(b"=v f=1 1\n");
    let p = reparse(&out);
    assert_eq!(p.len(), 1, "{}", String::from_utf8_lossy(&out));
    assert_eq!(p[0].measurement, "two lines");
    assert_eq!(p[0].tags["k   "], "v");
}

fn corpus_meter() -> (Meter, Vec<String>) {
    let meter = Meter::new();
    let mut names = Vec::new();
    for (i, s) in NASTY.iter().enumerate() {
        let m = Float64Measure::new(&format!("corpus.io/m{i}"), "", "1").unwrap();
        // View names in the influx naming are measurements; a leading `#` would make a comment.
        let name = format!("v{i} {s}");
        let key = TagKey::new(&format!("k{i}{s}")).unwrap();
        let view = View::new(&name, "", [key.clone()], &m, Aggregation::Sum).unwrap();
        meter.view_manager().register(&view).unwrap();
        let tags = TagMap::from_pairs(&[(key.name(), s)]).unwrap();
        meter.record_with_tags(&tags, &[m.m(i as f64 + 0.25)]);
        names.push(name);
    }
    (meter, names)
}

#[test]
fn influx_naming_keeps_view_names_tag_keys_and_values_exactly() {
    let (meter, _) = corpus_meter();
    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut enc = Encoder::new(Naming::Influx, ExpositionOptions::new());
    let parsed = reparse(enc.encode(&meter.snapshot(), at).as_bytes());
    let mut want: Vec<Line> = NASTY
        .iter()
        .enumerate()
        .map(|(i, s)| Line {
            measurement: format!("v{i} {s}"),
            tags: [(format!("k{i}{s}"), s.to_string())].into(),
            fields: [("sum".to_string(), format!("{}", i as f64 + 0.25))].into(),
            timestamp: Some(1_700_000_000_000_000_000),
        })
        .collect();
    want.sort_by(|a, b| a.measurement.cmp(&b.measurement));
    assert_eq!(parsed, want);
}

#[test]
fn prometheus_naming_keeps_label_values_exactly() {
    let (meter, _) = corpus_meter();
    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let opts = ExpositionOptions::new().with_namespace("corpus").unwrap();
    let mut enc = Encoder::new(Naming::Prometheus, opts);
    let parsed = reparse(enc.encode(&meter.snapshot(), at).as_bytes());
    assert_eq!(parsed.len(), NASTY.len(), "{:?}", enc.report());
    for p in &parsed {
        let (_, value) = p.tags.iter().next().expect("one label");
        let i = NASTY
            .iter()
            .position(|s| s == value)
            .unwrap_or_else(|| panic!("{value:?} not in the corpus"));
        // The family name is the sanitised `corpus_v{i}_…`: measurement + `_` + field.
        let (field, v) = p.fields.iter().next().unwrap();
        assert_eq!(v, &format!("{}", i as f64 + 0.25));
        let full = format!("{}_{field}", p.measurement);
        assert!(full.starts_with(&format!("corpus_v{i}_")), "{full}");
    }
}
