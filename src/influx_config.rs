//! The Influx line protocol exporter's settings (`CENSUS_INFLUX_*`): see [`InfluxConfig`].

use std::fmt;

/// A bad or missing Influx setting; `crate::config` turns it into its `ConfigError` (this
/// module uses nothing else of the crate, so there is no module cycle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    Invalid {
        variable: &'static str,
        value: String,
        problem: String,
        accepted: &'static str,
    },
    Missing {
        variable: &'static str,
        hint: &'static str,
    },
}

/// Accepted `CENSUS_INFLUX_URL` forms.
pub const INFLUX_URL_FORMS: &str =
    "http(s)://host:port/write[?db=…] (VictoriaMetrics, InfluxDB 1.x; \
     u=/p= or user:password@ for credentials), http(s)://host:port/api/v2/write?org=…&bucket=… \
     (InfluxDB 2.x, with CENSUS_INFLUX_TOKEN), or udp://host:port";

/// How the Influx exporter sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InfluxMode {
    /// Snapshots of every view, periodically (`CENSUS_PUSH_INTERVAL`) and on exit.
    #[default]
    Batch,
    /// Every recorded measurement as one point (UDP). Not built yet: refused at resolve.
    Stream,
}

/// How views become line protocol (`CENSUS_INFLUX_NAMING`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InfluxNaming {
    /// What VictoriaMetrics stores equals the Prometheus exporter's series (the default).
    #[default]
    Prometheus,
    /// One line per row, fields count/sum/mean/min/max/buckets.
    Influx,
}

/// | variable | meaning | default |
/// |---|---|---|
/// | `CENSUS_INFLUX_URL` | where lines go: `http://…/write?db=…`, `https://…`, `…/api/v2/write?org=…&bucket=…`, `udp://host:port` | required with `influx` |
/// | `CENSUS_INFLUX_MODE` | `batch` (`stream` is not built yet) | `batch` |
/// | `CENSUS_INFLUX_NAMING` | `prometheus` or `influx` | `prometheus` |
/// | `CENSUS_INFLUX_TOKEN` | InfluxDB 2.x token (`Authorization: Token …`) | none |
///
/// `CENSUS_PUSH_INTERVAL`, `CENSUS_PUSH_TIMEOUT`, `CENSUS_PUSH_PRINT`, `CENSUS_NAMESPACE` and
/// `CENSUS_CONST_LABELS` apply as to the Pushgateway.
///
/// ```
/// use census::config::ExporterConfig;
/// let env = |k: &str| match k {
///     "CENSUS_EXPORTER" => Some("influx".to_string()),
///     "CENSUS_INFLUX_MODE" => Some("sometimes".to_string()),
///     _ => None,
/// };
/// let e = ExporterConfig::new().fill_from(env).unwrap_err();
/// assert_eq!(e.to_string(), "CENSUS_INFLUX_MODE=\"sometimes\" is invalid: unknown mode; accepted: batch or stream");
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct InfluxConfig {
    /// `CENSUS_INFLUX_URL`.
    pub url: Option<String>,
    /// `CENSUS_INFLUX_MODE`.
    pub mode: Option<InfluxMode>,
    /// `CENSUS_INFLUX_NAMING`.
    pub naming: Option<InfluxNaming>,
    /// `CENSUS_INFLUX_TOKEN` (never shown by Debug).
    pub token: Option<String>,
}

impl fmt::Debug for InfluxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InfluxConfig")
            .field("url", &self.url.as_deref().map(shown_url))
            .field("mode", &self.mode)
            .field("naming", &self.naming)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The Influx settings once resolved (present when `influx` is enabled).
#[derive(Clone, PartialEq)]
pub struct ResolvedInflux {
    /// The URL, checked.
    pub url: String,
    /// Batch (stream is refused until it is built).
    pub mode: InfluxMode,
    /// The naming.
    pub naming: InfluxNaming,
    /// The 2.x token.
    pub token: Option<String>,
}

impl fmt::Debug for ResolvedInflux {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedInflux")
            .field("url", &shown_url(&self.url))
            .field("mode", &self.mode)
            .field("naming", &self.naming)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl InfluxConfig {
    /// Fills what is unset from `get` (blank values already filtered out).
    pub(crate) fn fill_from(
        mut self,
        get: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, Problem> {
        if self.url.is_none() {
            self.url = get("CENSUS_INFLUX_URL").map(|u| u.trim().to_string());
        }
        if self.mode.is_none() {
            if let Some(v) = get("CENSUS_INFLUX_MODE") {
                self.mode = Some(match v.trim().to_ascii_lowercase().as_str() {
                    "batch" => InfluxMode::Batch,
                    "stream" => InfluxMode::Stream,
                    _ => {
                        return Err(invalid(
                            "CENSUS_INFLUX_MODE",
                            &v,
                            "unknown mode",
                            "batch or stream",
                        ))
                    }
                });
            }
        }
        if self.naming.is_none() {
            if let Some(v) = get("CENSUS_INFLUX_NAMING") {
                self.naming = Some(match v.trim().to_ascii_lowercase().as_str() {
                    "prometheus" => InfluxNaming::Prometheus,
                    "influx" => InfluxNaming::Influx,
                    _ => {
                        return Err(invalid(
                            "CENSUS_INFLUX_NAMING",
                            &v,
                            "unknown naming",
                            "prometheus or influx",
                        ))
                    }
                });
            }
        }
        if self.token.is_none() {
            self.token = get("CENSUS_INFLUX_TOKEN");
        }
        Ok(self)
    }

    /// Checks the settings when the `influx` exporter is `enabled`.
    pub(crate) fn resolve(self, enabled: bool) -> Result<Option<ResolvedInflux>, Problem> {
        if !enabled {
            return Ok(None);
        }
        let Some(url) = self.url else {
            return Err(Problem::Missing {
                variable: "CENSUS_INFLUX_URL",
                hint: "set CENSUS_INFLUX_URL to http://host:8428/write (VictoriaMetrics), \
                       http://host:8086/write?db=NAME (InfluxDB 1.x) or udp://host:port",
            });
        };
        check_url(&url)?;
        let mode = self.mode.unwrap_or_default();
        if mode == InfluxMode::Stream {
            return Err(invalid(
                "CENSUS_INFLUX_MODE",
                "stream",
                "streaming (one point per recorded value) is not built yet: it needs census-sdk's record observer",
                "batch",
            ));
        }
        Ok(Some(ResolvedInflux {
            url,
            mode,
            naming: self.naming.unwrap_or_default(),
            token: self.token,
        }))
    }
}

fn invalid(variable: &'static str, value: &str, problem: &str, accepted: &'static str) -> Problem {
    Problem::Invalid {
        variable,
        value: value.to_string(),
        problem: problem.to_string(),
        accepted,
    }
}

#[cfg(feature = "influx")]
fn check_url(url: &str) -> Result<(), Problem> {
    census_influx::Target::parse(url).map(|_| ()).map_err(|e| {
        let problem = match e {
            census_influx::BuildError::InvalidUrl { reason, .. } => reason,
            e => e.to_string(),
        };
        invalid(
            "CENSUS_INFLUX_URL",
            &shown_url(url),
            &problem,
            INFLUX_URL_FORMS,
        )
    })
}

/// Without the exporter built in, the choice itself is refused (FeatureDisabled) first.
#[cfg(not(feature = "influx"))]
fn check_url(_: &str) -> Result<(), Problem> {
    Ok(())
}

/// `url` for messages: cut before a query or user-info part, which may hold a password.
fn shown_url(url: &str) -> String {
    match url.find(['?', '@']) {
        Some(i) => format!("{}…", &url[..i]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_name_the_variable_the_value_and_the_forms() {
        let c = InfluxConfig {
            url: Some("http://vm:8428/".into()),
            ..InfluxConfig::default()
        };
        let r = c.resolve(true);
        if cfg!(feature = "influx") {
            let Err(Problem::Invalid {
                variable,
                value,
                problem,
                accepted,
            }) = r
            else {
                panic!("{r:?}")
            };
            assert_eq!(
                (variable, value.as_str()),
                ("CENSUS_INFLUX_URL", "http://vm:8428/")
            );
            assert!(
                problem.starts_with("the path must end in /write"),
                "{problem}"
            );
            assert_eq!(accepted, INFLUX_URL_FORMS);
        }
        let c = InfluxConfig {
            url: Some("http://vm/write?db=x&p=secret".into()),
            mode: Some(InfluxMode::Stream),
            ..InfluxConfig::default()
        };
        let e = c.clone().resolve(true).unwrap_err();
        assert!(
            matches!(&e, Problem::Invalid { variable: "CENSUS_INFLUX_MODE", value, accepted: "batch", .. } if value == "stream"),
            "{e:?}"
        );
        assert!(!format!("{c:?}").contains("secret"));
        let missing = InfluxConfig::default().resolve(true).unwrap_err();
        assert!(matches!(
            missing,
            Problem::Missing {
                variable: "CENSUS_INFLUX_URL",
                ..
            }
        ));
        assert_eq!(InfluxConfig::default().resolve(false).unwrap(), None);
    }
}
