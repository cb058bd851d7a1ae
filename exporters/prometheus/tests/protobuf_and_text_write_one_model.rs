//! The protobuf-delimited writer and the text writer read one model: decoding the protobuf
//! body gives the text body's families, types, help, series (in the same order) and values,
//! histograms ending with an explicit `+Inf` bucket; views the model skips are in neither.

mod common;

use census_prometheus::{Encoder, ExpositionOptions, Format};
use census_sdk::{Aggregation, Int64Measure, View};

/// Reads a varint at `*at`.
fn varint(b: &[u8], at: &mut usize) -> u64 {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let byte = b[*at];
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return v;
        }
        shift += 7;
    }
}

/// The fields of one message: (field number, varint value or 8 bytes as u64, or bytes).
fn fields(b: &[u8]) -> Vec<(u64, Result<u64, &[u8]>)> {
    let mut at = 0;
    let mut out = Vec::new();
    while at < b.len() {
        let key = varint(b, &mut at);
        let value = match key & 7 {
            0 => Ok(varint(b, &mut at)),
            1 => {
                let v = u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
                at += 8;
                Ok(v)
            }
            2 => {
                let len = varint(b, &mut at) as usize;
                at += len;
                Err(&b[at - len..at])
            }
            other => panic!("unexpected wire type {other}"),
        };
        out.push((key >> 3, value));
    }
    out
}

fn bytes<'a>(f: &[(u64, Result<u64, &'a [u8]>)], n: u64) -> Vec<&'a [u8]> {
    f.iter()
        .filter(|(k, _)| *k == n)
        .map(|(_, v)| v.unwrap_err())
        .collect()
}

fn num(f: &[(u64, Result<u64, &[u8]>)], n: u64) -> u64 {
    f.iter().find(|(k, _)| *k == n).unwrap().1.unwrap()
}

fn str_of(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap()
}

/// Text 0.0.4 lines written from decoded `MetricFamily` messages, numbers in Rust's shortest
/// form (which is Go's for the values of this scenario).
fn protobuf_as_text(mut body: &[u8]) -> String {
    let mut text = String::new();
    while !body.is_empty() {
        let mut at = 0;
        let len = varint(body, &mut at) as usize;
        let fam = fields(&body[at..at + len]);
        body = &body[at + len..];
        let name = str_of(bytes(&fam, 1)[0]);
        let help = bytes(&fam, 2).first().map_or("", |h| str_of(h));
        let kind = ["counter", "gauge", "summary", "untyped", "histogram"][num(&fam, 3) as usize];
        text += &format!("# HELP {name} {help}\n# TYPE {name} {kind}\n");
        for metric in bytes(&fam, 4) {
            let m = fields(metric);
            let labels: Vec<String> = bytes(&m, 1)
                .iter()
                .map(|lp| {
                    let lp = fields(lp);
                    let value = str_of(bytes(&lp, 2)[0]);
                    format!("{}=\"{}\"", str_of(bytes(&lp, 1)[0]), value)
                })
                .collect();
            let line = |suffix: &str, extra: Option<String>, v: f64| {
                let all: Vec<String> = labels.iter().cloned().chain(extra).collect();
                let block = if all.is_empty() {
                    String::new()
                } else {
                    format!("{{{}}}", all.join(","))
                };
                format!("{name}{suffix}{block} {v}\n")
            };
            for field in [3, 2, 5] {
                if let Some(v) = bytes(&m, field).first() {
                    text += &line("", None, f64::from_bits(num(&fields(v), 1)));
                }
            }
            if let Some(h) = bytes(&m, 7).first() {
                let h = fields(h);
                for bucket in bytes(&h, 3) {
                    let b = fields(bucket);
                    let bound = f64::from_bits(num(&b, 2));
                    let le = if bound.is_infinite() {
                        "+Inf".to_string()
                    } else {
                        bound.to_string()
                    };
                    text += &line("_bucket", Some(format!("le=\"{le}\"")), num(&b, 1) as f64);
                }
                text += &line("_sum", None, f64::from_bits(num(&h, 2)));
                text += &line("_count", None, num(&h, 1) as f64);
            }
        }
    }
    text
}

#[test]
fn the_oracle_scenario_decodes_to_the_text_body() {
    let meter = common::oracle_meter();
    let opts = ExpositionOptions::new()
        .with_namespace("myapp")
        .unwrap()
        .with_const_label("zone", "eu")
        .unwrap();
    let mut encoder = Encoder::new(opts);
    let data = meter.snapshot();
    let (mut text, mut proto) = (Vec::new(), Vec::new());
    let text_report = encoder.encode(&data, Format::Text, &mut text);
    let proto_report = encoder.encode(&data, Format::ProtobufDelimited, &mut proto);
    assert_eq!(text_report, proto_report);
    assert_eq!((proto_report.families, proto_report.series), (4, 16));
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("le=\"+Inf\""));
    assert_eq!(protobuf_as_text(&proto), text);
}

#[test]
fn skipped_views_are_in_neither_body_and_untyped_stays_untyped() {
    let meter = census_sdk::Meter::new();
    let m = Int64Measure::new("pbtest.io/m", "M", "1").unwrap();
    common::register(
        &meter,
        View::new("a.b", "first", common::keys(&["k"]), &m, Aggregation::Sum),
    );
    common::register(
        &meter,
        View::new("a_b", "second", common::keys(&["k"]), &m, Aggregation::Sum),
    );
    meter.record_with_tags(&common::tags(&[("k", "z\"q")]), &[m.m(2)]);
    meter.record_with_tags(&common::tags(&[("k", "a")]), &[m.m(1)]);
    let mut encoder = Encoder::new(ExpositionOptions::new().with_sum_as_untyped(true));
    let data = meter.snapshot();
    let mut proto = Vec::new();
    let report = encoder.encode(&data, Format::ProtobufDelimited, &mut proto);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].view(), "a_b");
    // Label values are raw in protobuf (no text escaping), series sorted as in text.
    assert_eq!(
        protobuf_as_text(&proto),
        "# HELP a_b first\n# TYPE a_b untyped\na_b{k=\"a\"} 1\na_b{k=\"z\"q\"} 2\n"
    );
}
