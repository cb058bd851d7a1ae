//! A timeout or interval no export can honour is a typed error when the exporter is built.

use std::time::Duration;

use census_statsd::{BuildError, Statsd};

#[test]
fn duration_max_and_zero_are_typed_errors() {
    for b in [
        Statsd::builder("127.0.0.1:8125").with_timeout(Duration::MAX),
        Statsd::builder("127.0.0.1:8125").with_timeout(Duration::ZERO),
        Statsd::builder("127.0.0.1:8125").with_interval(Duration::MAX),
    ] {
        let err = b.build().unwrap_err();
        assert!(matches!(err, BuildError::Duration(_)), "{err:?}");
        assert!(
            err.to_string()
                .contains("is out of range: use a duration from 1ms to"),
            "{err}"
        );
    }
}
