//! The Pushgateway does not accept OpenMetrics pushes: the builder refuses the format by name
//! (nothing is started), and accepts the two it does take.

use census_prometheus::Format;
use census_pushgateway::{BuildError, Pushgateway};

#[test]
fn openmetrics_is_a_build_error_naming_the_format_and_the_fix() {
    let err = Pushgateway::builder("http://127.0.0.1:9", "job")
        .with_format(Format::OpenMetrics)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            BuildError::UnsupportedFormat {
                format: Format::OpenMetrics
            }
        ),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("OpenMetrics"), "{msg}");
    assert!(msg.contains("Format::Text"), "{msg}");
    for ok in [Format::Text, Format::ProtobufDelimited] {
        Pushgateway::builder("http://127.0.0.1:9", "job")
            .with_format(ok)
            .build()
            .unwrap()
            .discard();
    }
}
