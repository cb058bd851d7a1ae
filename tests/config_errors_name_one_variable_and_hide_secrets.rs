//! Every configuration error names the one variable at fault and its value as written, and no
//! password from a URL appears in an error or in `Debug`.

use census::config::{ConfigError, ExporterConfig};
use census::StartError;

fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    }
}

/// The variable and value of the error that starting with `pairs` gives.
fn failure(pairs: &'static [(&'static str, &'static str)]) -> (&'static str, String, String) {
    let started = ExporterConfig::new()
        .with_signal_handling(false)
        .fill_from(env(pairs))
        .map_err(StartError::from)
        .and_then(|c| c.start());
    match started {
        Err(StartError::Config(e @ ConfigError::Invalid { .. })) => {
            let shown = e.to_string();
            let ConfigError::Invalid {
                variable, value, ..
            } = e
            else {
                unreachable!()
            };
            (variable, value, shown)
        }
        Err(other) => panic!("another error: {other}"),
        Ok(_) => panic!("{pairs:?} started"),
    }
}

const PUSH: (&str, &str) = ("CENSUS_EXPORTER", "pushgateway");
const JOB: (&str, &str) = ("CENSUS_JOB", "nightly");

#[test]
fn a_url_error_names_only_the_url() {
    let (var, value, _) = failure(&[
        PUSH,
        JOB,
        ("CENSUS_PUSHGATEWAY_URL", "http://gw:9091/metrics/job/x"),
    ]);
    assert_eq!(
        (var, value.as_str()),
        ("CENSUS_PUSHGATEWAY_URL", "http://gw:9091/metrics/job/x")
    );
}

#[test]
fn a_grouping_error_names_only_the_grouping() {
    let (var, value, _) = failure(&[PUSH, JOB, ("CENSUS_GROUPING", "job=other")]);
    assert_eq!((var, value.as_str()), ("CENSUS_GROUPING", "job=other"));
}

#[test]
fn an_address_is_reported_as_written() {
    let (var, value, shown) = failure(&[("CENSUS_PROMETHEUS_ADDR", "localhost:99999")]);
    assert_eq!(
        (var, value.as_str()),
        ("CENSUS_PROMETHEUS_ADDR", "localhost:99999")
    );
    assert!(!shown.contains("127.0.0.1:99999"), "{shown}");
}

#[test]
fn the_otel_host_and_port_are_reported_apart() {
    let (var, value, _) = failure(&[
        ("OTEL_EXPORTER_PROMETHEUS_HOST", "not a host"),
        ("OTEL_EXPORTER_PROMETHEUS_PORT", "9464"),
    ]);
    assert_eq!(
        (var, value.as_str()),
        ("OTEL_EXPORTER_PROMETHEUS_HOST", "not a host")
    );
    let (var, value, _) = failure(&[
        ("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1"),
        ("OTEL_EXPORTER_PROMETHEUS_PORT", "99999"),
    ]);
    assert_eq!(
        (var, value.as_str()),
        ("OTEL_EXPORTER_PROMETHEUS_PORT", "99999")
    );
}

#[test]
fn a_url_password_never_appears() {
    let (var, value, shown) = failure(&[
        PUSH,
        JOB,
        ("CENSUS_PUSHGATEWAY_URL", "ftp://ops:hunter2@gw:9091"),
    ]);
    assert_eq!(var, "CENSUS_PUSHGATEWAY_URL");
    assert_eq!(value, "ftp://ops:***@gw:9091");
    assert!(!shown.contains("hunter2"), "{shown}");

    let cfg = ExporterConfig::new()
        .fill_from(env(&[
            PUSH,
            JOB,
            ("CENSUS_PUSHGATEWAY_URL", "https://ops:hunter2@gw:9091"),
        ]))
        .unwrap();
    assert!(!format!("{cfg:?}").contains("hunter2"), "{cfg:?}");
    let resolved = cfg.resolve().unwrap();
    assert!(!format!("{resolved:?}").contains("hunter2"), "{resolved:?}");
    assert!(
        format!("{resolved:?}").contains("https://ops:***@gw:9091"),
        "{resolved:?}"
    );
}

#[test]
fn a_password_with_an_unescaped_slash_never_appears() {
    // The `/` ends the authority for a URL parser, so "ops:hun" reads as host and port: the
    // URL is refused, and its message still hides everything after "ops:".
    let (var, value, shown) = failure(&[
        PUSH,
        JOB,
        ("CENSUS_PUSHGATEWAY_URL", "https://ops:hun/ter2@gw:9091"),
    ]);
    assert_eq!(var, "CENSUS_PUSHGATEWAY_URL");
    assert_eq!(value, "https://ops:***@gw:9091");
    for part in ["hun/ter2", "ter2"] {
        assert!(!shown.contains(part), "{shown}");
    }
}
