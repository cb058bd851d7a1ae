//! See [`Flavor`] for details.

use std::fmt;
use std::str::FromStr;

use crate::error::BuildError;

/// Which StatsD server reads the lines: it decides the tag syntax and how a negative gauge
/// is sent.
///
/// | flavour | tags | negative gauge `-5` |
/// |---|---|---|
/// | [`Etsy`](Flavor::Etsy) | `name:1\|c\|#k:v,k2:v2` (Etsy statsd ≥ 0.9 turns them into `name;k=v;k2=v2`) | `name:0\|g` then `name:-5\|g` (a signed value is a delta) |
/// | [`DogStatsd`](Flavor::DogStatsd) | `name:1\|c\|#k:v,k2:v2` | `name:-5\|g` (DogStatsD has no relative gauges) |
/// | [`StatsdExporter`](Flavor::StatsdExporter) | `name,k=v,k2=v2:1\|c` (InfluxDB style, what prometheus-push-client sends) | `name,k=v:0\|g` then `name,k=v:-5\|g` |
///
/// ```
/// use census_statsd::Flavor;
/// assert_eq!("dogstatsd".parse::<Flavor>().unwrap(), Flavor::DogStatsd);
/// assert_eq!(Flavor::StatsdExporter.to_string(), "statsd_exporter");
/// assert_eq!(
///     "graphite".parse::<Flavor>().unwrap_err().to_string(),
///     "unknown StatsD flavour \"graphite\"; accepted: etsy, dogstatsd, statsd_exporter"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flavor {
    /// Etsy statsd (the reference server, 0.9.0).
    #[default]
    Etsy,
    /// A Datadog agent's DogStatsD.
    DogStatsd,
    /// Prometheus' statsd_exporter.
    StatsdExporter,
}

impl Flavor {
    /// The accepted spellings, for error messages.
    pub const ACCEPTED: &'static str = "etsy, dogstatsd, statsd_exporter";

    /// The flavour's name as [`FromStr`] takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::Etsy => "etsy",
            Flavor::DogStatsd => "dogstatsd",
            Flavor::StatsdExporter => "statsd_exporter",
        }
    }

    /// Whether a signed gauge value is read as a change of the stored gauge.
    pub(crate) fn signed_gauge_is_relative(self) -> bool {
        !matches!(self, Flavor::DogStatsd)
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Flavor {
    type Err = BuildError;

    /// `etsy`, `dogstatsd` (also `datadog`) or `statsd_exporter` (also `statsd-exporter`),
    /// case-insensitive.
    fn from_str(s: &str) -> Result<Self, BuildError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "etsy" => Ok(Flavor::Etsy),
            "dogstatsd" | "datadog" => Ok(Flavor::DogStatsd),
            "statsd_exporter" | "statsd-exporter" => Ok(Flavor::StatsdExporter),
            _ => Err(BuildError::UnknownFlavor { flavor: s.into() }),
        }
    }
}
