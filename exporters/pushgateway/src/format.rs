//! Wire choices: body [`Format`], HTTP [`Method`], and gzip.

pub(crate) use census_export::gzip;

/// The body format of a push.
///
/// The Pushgateway parses a body as protobuf only when the `Content-Type` is exactly the
/// delimited `MetricFamily` type below; anything else is parsed as text 0.0.4 (OpenMetrics is
/// not accepted for pushes).
///
/// ```
/// use census_pushgateway::Format;
/// assert_eq!(Format::Text.content_type(), "text/plain; version=0.0.4; charset=utf-8");
/// assert_eq!(
///     Format::ProtobufDelimited.content_type(),
///     "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
/// );
/// assert_eq!(Format::default(), Format::Text);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Format {
    /// Prometheus text format 0.0.4 (the default): readable, and what print mode shows best.
    #[default]
    Text,
    /// Varint-length-delimited `io.prometheus.client.MetricFamily` protobuf messages.
    ProtobufDelimited,
}

impl Format {
    /// The `Content-Type` header sent with this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::ProtobufDelimited => {
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
            }
        }
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
