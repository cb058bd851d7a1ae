//! Wire choices: which body [`Format`]s a push may use, HTTP [`Method`], and gzip.

use std::io::Write as _;

use census_prometheus::Format;
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::error::BuildError;

/// Checks that the gateway accepts pushes in `format`: it parses a body as protobuf only when
/// the `Content-Type` is exactly [`Format::ProtobufDelimited`]'s, and anything else as text
/// 0.0.4 (OpenMetrics is not accepted for pushes).
///
/// # Errors
/// [`BuildError::UnsupportedFormat`] for any other format.
pub(crate) fn check_push_format(format: Format) -> Result<(), BuildError> {
    match format {
        Format::Text | Format::ProtobufDelimited => Ok(()),
        other => Err(BuildError::UnsupportedFormat { format: other }),
    }
}

/// How a push replaces what the gateway holds for the group.
///
/// ```
/// use census_pushgateway::Method;
/// assert_eq!(Method::Put.as_str(), "PUT");
/// assert_eq!(Method::default(), Method::Put);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Method {
    /// `PUT`: replace every metric of the group (client_golang's `Push`). The default: the
    /// group then holds exactly this job's latest metrics.
    #[default]
    Put,
    /// `POST`: replace only the metric families present in the body (client_golang's `Add`);
    /// other families of the group stay.
    Post,
}

impl Method {
    /// The HTTP method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Put => "PUT",
            Method::Post => "POST",
        }
    }
}

/// The operation a request performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// PUT or POST of the current metrics.
    Send(Method),
    /// DELETE of the group.
    Delete,
}

impl Op {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Op::Send(m) => m.as_str(),
            Op::Delete => "DELETE",
        }
    }
}

/// Gzips `body` (the gateway accepts `Content-Encoding: gzip` since 1.5.0).
pub(crate) fn gzip(body: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(body.len() / 4 + 64), Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(body);
    enc.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn openmetrics_pushes_are_refused_by_name() {
        assert!(check_push_format(Format::Text).is_ok());
        assert!(check_push_format(Format::ProtobufDelimited).is_ok());
        let e = check_push_format(Format::OpenMetrics).unwrap_err();
        assert!(matches!(
            e,
            BuildError::UnsupportedFormat {
                format: Format::OpenMetrics
            }
        ));
        let msg = e.to_string();
        assert!(
            msg.contains("OpenMetrics") && msg.contains("Format::Text"),
            "{msg}"
        );
    }

    #[test]
    fn gzip_round_trips() {
        let body = b"# TYPE x counter\nx 1\n".repeat(100);
        let z = gzip(&body);
        assert!(z.len() < body.len());
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&z[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, body);
    }
}
