//! Durations a push cannot honour are refused when the exporter is built, with a typed error
//! naming the value and the accepted range; nothing panics later.

use std::time::Duration;

use census_pushgateway::{BuildError, Pushgateway};
use census_sdk::Meter;

fn build(
    f: impl FnOnce(census_pushgateway::PushgatewayBuilder) -> census_pushgateway::PushgatewayBuilder,
) -> Result<Pushgateway, BuildError> {
    f(Pushgateway::builder("http://127.0.0.1:9", "extreme").with_meter(Meter::new())).build()
}

#[test]
fn a_timeout_of_duration_max_is_a_typed_error() {
    let err = build(|b| b.with_timeout(Duration::MAX)).unwrap_err();
    assert!(matches!(err, BuildError::Duration(_)), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("timeout") && msg.contains("1ms") && msg.contains("1h"),
        "{msg}"
    );
}

#[test]
fn a_zero_timeout_is_a_typed_error() {
    let err = build(|b| b.with_timeout(Duration::ZERO)).unwrap_err();
    assert!(matches!(err, BuildError::Duration(_)), "{err:?}");
}

#[test]
fn an_interval_of_duration_max_is_a_typed_error() {
    let err = build(|b| b.with_interval(Duration::MAX)).unwrap_err();
    assert!(matches!(err, BuildError::Duration(_)), "{err:?}");
    assert!(err.to_string().contains("interval"), "{err}");
}

#[test]
fn the_largest_accepted_values_push_and_finish_without_panicking() {
    let pg = build(|b| {
        b.with_timeout(Duration::from_secs(3600))
            .with_interval(Duration::from_secs(24 * 3600))
    })
    .unwrap();
    // Nothing listens on port 9: the push fails fast with an error, it does not panic.
    let err = pg
        .push_blocking(census_pushgateway::Method::Put)
        .unwrap_err();
    assert!(err.to_string().contains("127.0.0.1:9"), "{err}");
    pg.discard();
}
