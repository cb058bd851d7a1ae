//! Wire choices: which body [`Format`]s a push may use, HTTP [`Method`], and gzip.

pub(crate) use census_export::gzip;
use census_prometheus::Format;

use crate::error::BuildError;

/// The push formats the Pushgateway accepts: census-prometheus's text 0.0.4 (the default) and
/// protobuf-delimited `MetricFamily` messages; it parses anything else as text, so OpenMetrics
/// is refused when the exporter is built.
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
    /// `DELETE`: remove the group (exactly this grouping key); the request has no body.
    Delete,
}

impl Method {
    /// The HTTP method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}
