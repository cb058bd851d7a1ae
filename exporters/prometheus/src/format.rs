//! See [`Format`] for details.

/// An exposition format: what a scrape answers with, or what a push sends.
///
/// ```
/// use census_prometheus::Format;
/// assert_eq!(Format::Text.content_type(), "text/plain; version=0.0.4; charset=utf-8");
/// assert_eq!(
///     Format::OpenMetrics.content_type(),
///     "application/openmetrics-text; version=1.0.0; charset=utf-8"
/// );
/// assert_eq!(
///     Format::ProtobufDelimited.content_type(),
///     "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
/// );
/// assert_eq!(Format::default(), Format::Text);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Format {
    /// Prometheus text format 0.0.4, byte-identical to OpenCensus Go's exporter (the default).
    #[default]
    Text,
    /// OpenMetrics 1.0.0 text.
    OpenMetrics,
    /// Varint-length-delimited `io.prometheus.client.MetricFamily` protobuf messages, as the
    /// Pushgateway accepts (and Prometheus scrapes).
    ProtobufDelimited,
}

impl Format {
    /// The `Content-Type` of a body in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Format::ProtobufDelimited => {
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
            }
        }
    }

    /// A short lowercase name: `text`, `openmetrics`, `protobuf`.
    ///
    /// ```
    /// assert_eq!(census_prometheus::Format::OpenMetrics.as_str(), "openmetrics");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::OpenMetrics => "openmetrics",
            Format::ProtobufDelimited => "protobuf",
        }
    }
}
