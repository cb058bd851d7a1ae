//! Exporter configuration: which exporters run, and their settings, from code and environment.
//!
//! See [`ExporterConfig`] for details.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use thiserror::Error;

/// An exporter census can start at startup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExporterKind {
    /// Serve `/metrics` for Prometheus to scrape (pull; the default).
    Prometheus,
    /// Push to a Prometheus Pushgateway periodically and on exit.
    Pushgateway,
    /// Send counter deltas and gauges to a StatsD server over UDP, periodically and on exit.
    Statsd,
    /// Print the text exposition to stdout on each report and at exit.
    Stdout,
    /// Write InfluxDB line protocol (VictoriaMetrics, InfluxDB 1.x/2.x, UDP) periodically and
    /// on exit (`CENSUS_INFLUX_*`, see [`crate::influx_config`]).
    Influx,
    /// Export nothing.
    None,
}

impl ExporterKind {
    fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "prometheus" => Some(Self::Prometheus),
            "pushgateway" => Some(Self::Pushgateway),
            "statsd" => Some(Self::Statsd),
            "stdout" => Some(Self::Stdout),
            "influx" => Some(Self::Influx),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

impl ExporterKind {
    /// The census cargo feature this exporter needs, if any (`stdout` and `none` need none).
    pub fn feature(self) -> Option<&'static str> {
        match self {
            Self::Prometheus => Some("prometheus"),
            Self::Pushgateway => Some("pushgateway"),
            Self::Statsd => Some("statsd"),
            Self::Influx => Some("influx"),
            Self::Stdout | Self::None => None,
        }
    }

    /// Whether this build of census can run the exporter (its feature, if any, is on).
    pub fn is_available(self) -> bool {
        Features::BUILT.has(self)
    }
}

/// Which exporter features a build has ([`Features::BUILT`]; tests pass others).
#[derive(Debug, Clone, Copy)]
struct Features {
    prometheus: bool,
    pushgateway: bool,
    statsd: bool,
    influx: bool,
}

impl Features {
    const BUILT: Self = Self {
        prometheus: cfg!(feature = "prometheus"),
        pushgateway: cfg!(feature = "pushgateway"),
        statsd: cfg!(feature = "statsd"),
        influx: cfg!(feature = "influx"),
    };

    fn has(self, k: ExporterKind) -> bool {
        match k {
            ExporterKind::Prometheus => self.prometheus,
            ExporterKind::Pushgateway => self.pushgateway,
            ExporterKind::Statsd => self.statsd,
            ExporterKind::Influx => self.influx,
            ExporterKind::Stdout | ExporterKind::None => true,
        }
    }

    /// The exporters this build can run, for error messages.
    fn available(self) -> String {
        let all = [
            ExporterKind::Prometheus,
            ExporterKind::Pushgateway,
            ExporterKind::Statsd,
            ExporterKind::Influx,
            ExporterKind::Stdout,
            ExporterKind::None,
        ];
        let names: Vec<String> = all
            .into_iter()
            .filter(|k| self.has(*k))
            .map(|k| k.to_string())
            .collect();
        names.join(", ")
    }

    /// The built-in exporter choice: pull when its server is built in, else push; with no
    /// exporter feature at all still `prometheus`, which `resolve` reports as
    /// [`ConfigError::FeatureDisabled`] rather than silently exporting nothing.
    fn builtin(self) -> ExporterKind {
        if self.pushgateway && !self.prometheus {
            ExporterKind::Pushgateway
        } else {
            ExporterKind::Prometheus
        }
    }
}

impl fmt::Display for ExporterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Prometheus => "prometheus",
            Self::Pushgateway => "pushgateway",
            Self::Statsd => "statsd",
            Self::Stdout => "stdout",
            Self::Influx => "influx",
            Self::None => "none",
        })
    }
}

/// The default pull address: OpenTelemetry's Prometheus port, on loopback only.
pub const DEFAULT_PROMETHEUS_ADDR: &str = "127.0.0.1:9464";
/// The Pushgateway's default address.
pub const DEFAULT_PUSHGATEWAY_URL: &str = "http://127.0.0.1:9091";
/// The StatsD server's default address.
pub const DEFAULT_STATSD_ADDR: &str = "127.0.0.1:8125";
/// The StatsD flavours `CENSUS_STATSD_FLAVOR` takes.
const STATSD_FLAVORS: &str = "etsy, dogstatsd, statsd_exporter";

/// How the StatsD exporter sends (`CENSUS_STATSD_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StatsdMode {
    /// Counter deltas and gauges from snapshots, periodically and on exit.
    #[default]
    Batch,
}

/// A configuration value was malformed, unknown or missing. Nothing was started.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A setting has a value census cannot use.
    #[error("{variable}={value:?} is invalid: {problem}; accepted: {accepted}")]
    Invalid {
        /// The environment variable (or builder field) that carried it.
        variable: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it.
        problem: String,
        /// The accepted forms.
        accepted: &'static str,
    },
    /// A setting the chosen exporter needs was not given.
    #[error("{variable} is required when {exporter} is enabled: {hint}")]
    Missing {
        /// The variable (or builder field) to set.
        variable: &'static str,
        /// The exporter that needs it.
        exporter: ExporterKind,
        /// How to provide it.
        hint: &'static str,
    },
    /// A setting names something census will do but does not do yet.
    #[error("{variable}={value:?} is not supported yet: {hint}")]
    NotSupported {
        /// The variable (or builder field) that carried it.
        variable: &'static str,
        /// The value given.
        value: String,
        /// What to use instead.
        hint: &'static str,
    },
    /// An exporter was chosen whose census cargo feature this build leaves out.
    #[error(
        "{variable}={exporter} needs the census feature \"{feature}\", which this build leaves out: \
         add it to the census dependency (features = [\"{feature}\"]) or choose one of: {available}"
    )]
    FeatureDisabled {
        /// The variable (or builder field) that chose it: `CENSUS_EXPORTER`.
        variable: &'static str,
        /// The exporter chosen (the value).
        exporter: ExporterKind,
        /// The cargo feature to enable.
        feature: &'static str,
        /// The exporters this build can run.
        available: String,
    },
}

/// Every setting of the startup exporter choice. `None` means "not set here".
///
/// Precedence, highest first: values set in code (the `with_*`/field setters), then the
/// environment ([`ExporterConfig::fill_from_env`]), then defaults given in code
/// (`default_*` setters, e.g. a program's own job name), then census's built-in defaults.
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `CENSUS_EXPORTER` | `prometheus`, `pushgateway`, `statsd`, `influx`, `stdout`, `none`, or a comma list | `prometheus` (`pushgateway` when only that feature is on) |
/// | `CENSUS_NAMESPACE` | metric name prefix | none |
/// | `CENSUS_CONST_LABELS` | `k=v,k=v` added to every series | none |
/// | `CENSUS_PROMETHEUS_ADDR` | `host:port` to serve `/metrics` on | `OTEL_EXPORTER_PROMETHEUS_HOST`/`_PORT` if set, else `127.0.0.1:9464` |
/// | `CENSUS_PUSHGATEWAY_URL` | gateway base URL | `http://127.0.0.1:9091` |
/// | `CENSUS_JOB` | Pushgateway job | required with `pushgateway` (or a code default) |
/// | `CENSUS_GROUPING` | `k=v,...` grouping key | none |
/// | `CENSUS_PUSH_INTERVAL` | periodic push interval (`500ms`, `10s`, `2m`, or seconds) | none: push on exit only |
/// | `CENSUS_PUSH_TIMEOUT` | per-push deadline | `10s` |
/// | `CENSUS_PUSH_PRINT` | `1`/`true`: print the push body (StatsD: the lines) instead of sending it | `0` |
/// | `CENSUS_STATSD_ADDR` | StatsD server `host:port` (the host resolved at each export) | `127.0.0.1:8125` |
/// | `CENSUS_STATSD_FLAVOR` | `etsy`, `dogstatsd` or `statsd_exporter` (tag syntax, negative gauges) | `etsy` |
/// | `CENSUS_STATSD_MODE` | `batch` (`stream` is not supported yet) | `batch` |
///
/// The StatsD exporter also takes `CENSUS_NAMESPACE` (names `<namespace>.<view>`),
/// `CENSUS_CONST_LABELS` (constant tags), `CENSUS_PUSH_INTERVAL` and `CENSUS_PUSH_TIMEOUT`.
/// | `CENSUS_PUSH_PRINT` | `1`/`true`: print the push body instead of sending it | `0` |
/// | `CENSUS_INFLUX_URL`, `_MODE`, `_NAMING`, `_TOKEN` | the `influx` exporter: see [`crate::influx_config::InfluxConfig`] | |
///
/// ```
/// use census::config::{ConfigError, ExporterConfig, ExporterKind};
/// let env = |k: &str| match k {
///     "CENSUS_EXPORTER" => Some("pushgateway,prometheus".to_string()),
///     "CENSUS_JOB" => Some("nightly".to_string()),
///     "CENSUS_PUSH_INTERVAL" => Some("30s".to_string()),
///     _ => None,
/// };
/// let cfg = ExporterConfig::new().fill_from(env).unwrap().resolve().unwrap();
/// assert_eq!(cfg.exporters, vec![ExporterKind::Pushgateway, ExporterKind::Prometheus]);
/// assert_eq!(cfg.job.as_deref(), Some("nightly"));
/// assert_eq!(cfg.push_interval, Some(std::time::Duration::from_secs(30)));
///
/// let bad = |k: &str| (k == "CENSUS_EXPORTER").then(|| "prometheus,graphite".to_string());
/// let err = ExporterConfig::new().fill_from(bad).unwrap_err();
/// assert_eq!(err.to_string(), "CENSUS_EXPORTER=\"prometheus,graphite\" is invalid: unknown exporter \"graphite\"; \
///     accepted: a comma list of prometheus, pushgateway, statsd, influx, stdout, none");
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct ExporterConfig {
    /// Which exporters to run.
    pub exporters: Option<Vec<ExporterKind>>,
    /// Metric name prefix.
    pub namespace: Option<String>,
    /// Labels added to every series.
    pub const_labels: Option<Vec<(String, String)>>,
    /// Address to serve `/metrics` on.
    pub prometheus_addr: Option<SocketAddr>,
    /// Pushgateway base URL.
    pub pushgateway_url: Option<String>,
    /// Pushgateway job name.
    pub job: Option<String>,
    /// Pushgateway grouping key.
    pub grouping: Option<Vec<(String, String)>>,
    /// Periodic push interval.
    pub push_interval: Option<Duration>,
    /// Deadline of one push (retries included).
    pub push_timeout: Option<Duration>,
    /// Print the push body to stdout instead of sending it (ocpush's `isTest`).
    pub push_print: Option<bool>,
    /// With a push-style exporter (pushgateway, stdout) configured: finish it on SIGTERM/SIGINT,
    /// then exit as the signal would (default on). A pull-only configuration never installs a
    /// signal handler.
    pub signal_handling: Option<bool>,
    /// StatsD server `host:port`.
    pub statsd_addr: Option<String>,
    /// StatsD flavour (`etsy`, `dogstatsd`, `statsd_exporter`).
    pub statsd_flavor: Option<String>,
    /// StatsD mode.
    pub statsd_mode: Option<StatsdMode>,
    /// The Influx line protocol exporter's settings (`CENSUS_INFLUX_*`).
    pub influx: crate::influx_config::InfluxConfig,
    defaults: Defaults,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Defaults {
    exporters: Option<Vec<ExporterKind>>,
    job: Option<String>,
    namespace: Option<String>,
}

/// A fully resolved configuration: every default applied, every requirement checked.
#[derive(Clone, PartialEq)]
pub struct ResolvedConfig {
    /// Exporters to run, in order, without duplicates (`none` removed).
    pub exporters: Vec<ExporterKind>,
    /// Metric name prefix.
    pub namespace: Option<String>,
    /// Labels added to every series.
    pub const_labels: Vec<(String, String)>,
    /// Address to serve `/metrics` on.
    pub prometheus_addr: SocketAddr,
    /// Pushgateway base URL.
    pub pushgateway_url: String,
    /// Pushgateway job (set whenever the pushgateway exporter is enabled).
    pub job: Option<String>,
    /// Pushgateway grouping key.
    pub grouping: Vec<(String, String)>,
    /// Periodic push interval (`None`: only on exit).
    pub push_interval: Option<Duration>,
    /// Deadline of one push.
    pub push_timeout: Duration,
    /// Print push bodies instead of sending them.
    pub push_print: bool,
    /// StatsD server `host:port`.
    pub statsd_addr: String,
    /// StatsD flavour, one of `etsy`, `dogstatsd`, `statsd_exporter`.
    pub statsd_flavor: String,
    /// StatsD mode.
    pub statsd_mode: StatsdMode,
    /// The Influx exporter's settings, when it is enabled.
    pub influx: Option<crate::influx_config::ResolvedInflux>,
}

/// Debug shows the gateway URL with its password replaced by `***`.
impl fmt::Debug for ExporterConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExporterConfig")
            .field("exporters", &self.exporters)
            .field("namespace", &self.namespace)
            .field("const_labels", &self.const_labels)
            .field("prometheus_addr", &self.prometheus_addr)
            .field(
                "pushgateway_url",
                &self
                    .pushgateway_url
                    .as_deref()
                    .map(census_export::redact_url),
            )
            .field("job", &self.job)
            .field("grouping", &self.grouping)
            .field("push_interval", &self.push_interval)
            .field("push_timeout", &self.push_timeout)
            .field("push_print", &self.push_print)
            .field("signal_handling", &self.signal_handling)
            .field("statsd_addr", &self.statsd_addr)
            .field("statsd_flavor", &self.statsd_flavor)
            .field("statsd_mode", &self.statsd_mode)
            .field("influx", &self.influx)
            .field("defaults", &self.defaults)
            .finish()
    }
}

/// Debug shows the gateway URL with its password replaced by `***`.
impl fmt::Debug for ResolvedConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedConfig")
            .field("exporters", &self.exporters)
            .field("namespace", &self.namespace)
            .field("const_labels", &self.const_labels)
            .field("prometheus_addr", &self.prometheus_addr)
            .field(
                "pushgateway_url",
                &census_export::redact_url(&self.pushgateway_url),
            )
            .field("job", &self.job)
            .field("grouping", &self.grouping)
            .field("push_interval", &self.push_interval)
            .field("push_timeout", &self.push_timeout)
            .field("push_print", &self.push_print)
            .field("statsd_addr", &self.statsd_addr)
            .field("statsd_flavor", &self.statsd_flavor)
            .field("statsd_mode", &self.statsd_mode)
            .field("influx", &self.influx)
            .finish()
    }
}

const PAIRS_FORMS: &str = "comma-separated name=value pairs, e.g. \"env=prod,region=eu\"";
const TIMEOUT_FORMS: &str =
    "a duration from 1ms to 1h such as \"500ms\", \"10s\", \"2m\", or whole seconds \"10\"";
const INTERVAL_FORMS: &str =
    "a duration from 1ms to 24h such as \"500ms\", \"10s\", \"2m\", or whole seconds \"10\"";

impl ExporterConfig {
    /// Nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Settings from the process environment (see the table above).
    ///
    /// # Errors
    /// A malformed variable, as [`ConfigError::Invalid`].
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::new().fill_from_env()
    }

    /// Fills every setting still unset from the process environment.
    ///
    /// # Errors
    /// A malformed variable, as [`ConfigError::Invalid`].
    pub fn fill_from_env(self) -> Result<Self, ConfigError> {
        self.fill_from(|k| std::env::var(k).ok())
    }

    /// Fills every setting still unset from `lookup` (an environment stand-in).
    ///
    /// # Errors
    /// A malformed value, as [`ConfigError::Invalid`].
    pub fn fill_from(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let get = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        if self.exporters.is_none() {
            if let Some(v) = get("CENSUS_EXPORTER") {
                self.exporters = Some(parse_exporters("CENSUS_EXPORTER", &v)?);
            }
        }
        if self.namespace.is_none() {
            self.namespace = get("CENSUS_NAMESPACE");
        }
        if self.const_labels.is_none() {
            if let Some(v) = get("CENSUS_CONST_LABELS") {
                self.const_labels = Some(parse_pairs("CENSUS_CONST_LABELS", &v)?);
            }
        }
        if self.prometheus_addr.is_none() {
            if let Some(v) = get("CENSUS_PROMETHEUS_ADDR") {
                self.prometheus_addr = Some(parse_addr("CENSUS_PROMETHEUS_ADDR", &v)?);
            } else if get("OTEL_EXPORTER_PROMETHEUS_HOST").is_some()
                || get("OTEL_EXPORTER_PROMETHEUS_PORT").is_some()
            {
                let host =
                    get("OTEL_EXPORTER_PROMETHEUS_HOST").unwrap_or_else(|| "127.0.0.1".into());
                let port = get("OTEL_EXPORTER_PROMETHEUS_PORT").unwrap_or_else(|| "9464".into());
                let port: u16 = port.trim().parse().map_err(|_| ConfigError::Invalid {
                    variable: "OTEL_EXPORTER_PROMETHEUS_PORT",
                    value: port.clone(),
                    problem: "not a port number".into(),
                    accepted: "an integer from 0 to 65535",
                })?;
                let ip = match host.trim() {
                    "localhost" => "127.0.0.1",
                    h => h.trim_start_matches('[').trim_end_matches(']'),
                };
                let ip: std::net::IpAddr = ip.parse().map_err(|_| ConfigError::Invalid {
                    variable: "OTEL_EXPORTER_PROMETHEUS_HOST",
                    value: host.clone(),
                    problem: "not an IP address".into(),
                    accepted:
                        "an IP address or localhost, e.g. \"127.0.0.1\", \"0.0.0.0\" or \"::1\"",
                })?;
                self.prometheus_addr = Some(SocketAddr::new(ip, port));
            }
        }
        if self.pushgateway_url.is_none() {
            if let Some(v) = get("CENSUS_PUSHGATEWAY_URL") {
                self.pushgateway_url = Some(check_url("CENSUS_PUSHGATEWAY_URL", &v)?);
            }
        }
        if self.job.is_none() {
            self.job = get("CENSUS_JOB");
        }
        if self.grouping.is_none() {
            if let Some(v) = get("CENSUS_GROUPING") {
                self.grouping = Some(parse_pairs("CENSUS_GROUPING", &v)?);
            }
        }
        if self.push_interval.is_none() {
            if let Some(v) = get("CENSUS_PUSH_INTERVAL") {
                self.push_interval = Some(parse_duration(INTERVAL, &v)?);
            }
        }
        if self.push_timeout.is_none() {
            if let Some(v) = get("CENSUS_PUSH_TIMEOUT") {
                self.push_timeout = Some(parse_duration(TIMEOUT, &v)?);
            }
        }
        if self.push_print.is_none() {
            if let Some(v) = get("CENSUS_PUSH_PRINT") {
                self.push_print = Some(parse_bool("CENSUS_PUSH_PRINT", &v)?);
            }
        }
        if self.statsd_addr.is_none() {
            if let Some(v) = get("CENSUS_STATSD_ADDR") {
                self.statsd_addr = Some(check_statsd_addr(&v)?);
            }
        }
        if self.statsd_flavor.is_none() {
            if let Some(v) = get("CENSUS_STATSD_FLAVOR") {
                self.statsd_flavor = Some(parse_statsd_flavor(&v)?);
            }
        }
        if self.statsd_mode.is_none() {
            if let Some(v) = get("CENSUS_STATSD_MODE") {
                self.statsd_mode = Some(parse_statsd_mode(&v)?);
            }
        }
        self.influx = self.influx.fill_from(&get).map_err(influx_problem)?;
        Ok(self)
    }

    /// Turns SIGTERM/SIGINT handling for push-style exporters on or off (on by default; turn it
    /// off when the app handles signals itself and drops the guard on its way out). Pull-only
    /// configurations get no handler either way.
    pub fn with_signal_handling(mut self, on: bool) -> Self {
        self.signal_handling = Some(on);
        self
    }

    /// Sets print mode for the push exporter (wins over `CENSUS_PUSH_PRINT`).
    pub fn with_push_print(mut self, on: bool) -> Self {
        self.push_print = Some(on);
        self
    }

    /// Sets the exporters (wins over `CENSUS_EXPORTER`).
    pub fn with_exporters(mut self, kinds: impl IntoIterator<Item = ExporterKind>) -> Self {
        self.exporters = Some(kinds.into_iter().collect());
        self
    }
    /// Sets the namespace (wins over `CENSUS_NAMESPACE`).
    pub fn with_namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.into());
        self
    }
    /// Sets the job (wins over `CENSUS_JOB`).
    pub fn with_job(mut self, job: &str) -> Self {
        self.job = Some(job.into());
        self
    }
    /// Sets the pull address (wins over `CENSUS_PROMETHEUS_ADDR`).
    pub fn with_prometheus_addr(mut self, addr: SocketAddr) -> Self {
        self.prometheus_addr = Some(addr);
        self
    }
    /// Sets the gateway URL (wins over `CENSUS_PUSHGATEWAY_URL`).
    pub fn with_pushgateway_url(mut self, url: &str) -> Self {
        self.pushgateway_url = Some(url.into());
        self
    }
    /// The exporters to run when neither code nor `CENSUS_EXPORTER` chose (built-in: prometheus,
    /// or pushgateway when census is built with that feature only).
    pub fn default_exporters(mut self, kinds: impl IntoIterator<Item = ExporterKind>) -> Self {
        self.defaults.exporters = Some(kinds.into_iter().collect());
        self
    }
    /// The job to use when neither code nor `CENSUS_JOB` set one (e.g. the program's name).
    pub fn default_job(mut self, job: &str) -> Self {
        self.defaults.job = Some(job.into());
        self
    }
    /// The namespace to use when neither code nor `CENSUS_NAMESPACE` set one.
    pub fn default_namespace(mut self, namespace: &str) -> Self {
        self.defaults.namespace = Some(namespace.into());
        self
    }

    /// Applies defaults and checks requirements.
    ///
    /// # Errors
    /// [`ConfigError::FeatureDisabled`] when an exporter is chosen whose cargo feature is off;
    /// [`ConfigError::Missing`] when the pushgateway exporter is enabled with no job;
    /// [`ConfigError::Invalid`] for a malformed URL or pair set in code.
    pub fn resolve(self) -> Result<ResolvedConfig, ConfigError> {
        self.resolve_for(Features::BUILT)
    }

    fn resolve_for(self, built: Features) -> Result<ResolvedConfig, ConfigError> {
        let mut exporters = Vec::new();
        for k in self
            .exporters
            .or(self.defaults.exporters)
            .unwrap_or_else(|| vec![built.builtin()])
        {
            if let (false, Some(feature)) = (built.has(k), k.feature()) {
                return Err(ConfigError::FeatureDisabled {
                    variable: "CENSUS_EXPORTER",
                    exporter: k,
                    feature,
                    available: built.available(),
                });
            }
            if k != ExporterKind::None && !exporters.contains(&k) {
                exporters.push(k);
            }
        }
        let job = self.job.or(self.defaults.job).filter(|j| !j.is_empty());
        if exporters.contains(&ExporterKind::Pushgateway) && job.is_none() {
            return Err(ConfigError::Missing {
                variable: "CENSUS_JOB",
                exporter: ExporterKind::Pushgateway,
                hint: "set CENSUS_JOB=<job name> or call ExporterConfig::with_job",
            });
        }
        let pushgateway_url = match self.pushgateway_url {
            Some(u) => check_url("CENSUS_PUSHGATEWAY_URL", &u)?,
            None => DEFAULT_PUSHGATEWAY_URL.to_string(),
        };
        let prometheus_addr = match self.prometheus_addr {
            Some(a) => a,
            None => parse_addr("CENSUS_PROMETHEUS_ADDR", DEFAULT_PROMETHEUS_ADDR)?,
        };
        let influx = self
            .influx
            .resolve(exporters.contains(&ExporterKind::Influx))
            .map_err(influx_problem)?;
        Ok(ResolvedConfig {
            influx,
            exporters,
            namespace: self
                .namespace
                .or(self.defaults.namespace)
                .filter(|n| !n.is_empty()),
            const_labels: self.const_labels.unwrap_or_default(),
            prometheus_addr,
            pushgateway_url,
            job,
            grouping: self.grouping.unwrap_or_default(),
            push_interval: match self.push_interval {
                Some(i) => Some(INTERVAL.check(i, &format!("{i:?}"))?),
                None => None,
            },
            push_timeout: match self.push_timeout {
                Some(t) => TIMEOUT.check(t, &format!("{t:?}"))?,
                None => Duration::from_secs(10),
            },
            push_print: self.push_print.unwrap_or(false),
            statsd_addr: match self.statsd_addr {
                Some(a) => check_statsd_addr(&a)?,
                None => DEFAULT_STATSD_ADDR.to_string(),
            },
            statsd_flavor: match self.statsd_flavor {
                Some(f) => parse_statsd_flavor(&f)?,
                None => "etsy".to_string(),
            },
            statsd_mode: self.statsd_mode.unwrap_or_default(),
        })
    }
}

/// The Influx settings' problems as configuration errors.
fn influx_problem(p: crate::influx_config::Problem) -> ConfigError {
    use crate::influx_config::Problem;
    match p {
        Problem::Invalid {
            variable,
            value,
            problem,
            accepted,
        } => ConfigError::Invalid {
            variable,
            value,
            problem,
            accepted,
        },
        Problem::Missing { variable, hint } => ConfigError::Missing {
            variable,
            exporter: ExporterKind::Influx,
            hint,
        },
    }
}

fn parse_exporters(var: &'static str, v: &str) -> Result<Vec<ExporterKind>, ConfigError> {
    v.split(',')
        .map(|s| {
            ExporterKind::parse(s).ok_or_else(|| ConfigError::Invalid {
                variable: var,
                value: v.into(),
                problem: format!("unknown exporter {:?}", s.trim()),
                accepted: "a comma list of prometheus, pushgateway, statsd, influx, stdout, none",
            })
        })
        .collect()
}

fn parse_pairs(var: &'static str, v: &str) -> Result<Vec<(String, String)>, ConfigError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for item in v.split(',') {
        let bad = |problem: String| ConfigError::Invalid {
            variable: var,
            value: v.into(),
            problem,
            accepted: PAIRS_FORMS,
        };
        let Some((k, val)) = item.split_once('=') else {
            return Err(bad(format!("{:?} has no '='", item.trim())));
        };
        let k = k.trim();
        let valid = !k.is_empty()
            && !k.starts_with("__")
            && k.bytes().enumerate().all(|(i, b)| {
                b == b'_' || b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit())
            });
        if !valid {
            return Err(bad(format!(
                "{k:?} is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)"
            )));
        }
        if out.iter().any(|(seen, _)| seen == k) {
            return Err(bad(format!("label {k:?} is given twice")));
        }
        out.push((k.to_string(), val.trim().to_string()));
    }
    Ok(out)
}

fn parse_addr(var: &'static str, v: &str) -> Result<SocketAddr, ConfigError> {
    let t = v.trim();
    let ip = t
        .strip_prefix("localhost:")
        .map(|p| format!("127.0.0.1:{p}"))
        .unwrap_or_else(|| t.to_string());
    ip.parse().map_err(|_| ConfigError::Invalid {
        variable: var,
        value: v.into(),
        problem: "not a socket address".into(),
        accepted: "host:port with an IP host or localhost and a port up to 65535, e.g. \"127.0.0.1:9464\", \"0.0.0.0:9464\" or \"[::1]:9464\"",
    })
}

fn check_url(var: &'static str, v: &str) -> Result<String, ConfigError> {
    let v = v.trim();
    let rest = v
        .strip_prefix("http://")
        .or_else(|| v.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') => {
            Ok(v.trim_end_matches('/').to_string())
        }
        _ => Err(ConfigError::Invalid {
            variable: var,
            value: census_export::redact_url(v),
            problem: "not an http(s) URL with a host".into(),
            accepted: "an http:// or https:// URL such as \"http://127.0.0.1:9091\"",
        }),
    }
}

/// `host:port` (a host name, an IPv4 address or a bracketed IPv6 address, a port 1-65535).
fn check_statsd_addr(v: &str) -> Result<String, ConfigError> {
    let t = v.trim();
    let ok = t.rsplit_once(':').is_some_and(|(host, port)| {
        let bracketed = host.starts_with('[') && host.ends_with(']');
        !host.is_empty()
            && (bracketed || !host.contains(':'))
            && !host.chars().any(char::is_whitespace)
            && port.parse::<u16>().is_ok_and(|p| p > 0)
    });
    match ok {
        true => Ok(t.to_string()),
        false => Err(ConfigError::Invalid {
            variable: "CENSUS_STATSD_ADDR",
            value: v.into(),
            problem: "not host:port".into(),
            accepted:
                "host:port such as \"127.0.0.1:8125\", \"statsd.internal:8125\" or \"[::1]:8125\"",
        }),
    }
}

fn parse_statsd_flavor(v: &str) -> Result<String, ConfigError> {
    let t = v.trim().to_ascii_lowercase().replace('-', "_");
    match t.as_str() {
        "etsy" | "dogstatsd" | "statsd_exporter" => Ok(t),
        _ => Err(ConfigError::Invalid {
            variable: "CENSUS_STATSD_FLAVOR",
            value: v.into(),
            problem: "unknown StatsD flavour".into(),
            accepted: STATSD_FLAVORS,
        }),
    }
}

fn parse_statsd_mode(v: &str) -> Result<StatsdMode, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "batch" => Ok(StatsdMode::Batch),
        "stream" => Err(ConfigError::NotSupported {
            variable: "CENSUS_STATSD_MODE",
            value: v.into(),
            hint: "streaming every recorded value is not built yet; use CENSUS_STATSD_MODE=batch \
                   (counter deltas and gauges every CENSUS_PUSH_INTERVAL and on exit)",
        }),
        _ => Err(ConfigError::Invalid {
            variable: "CENSUS_STATSD_MODE",
            value: v.into(),
            problem: "unknown StatsD mode".into(),
            accepted: "batch (stream is not supported yet)",
        }),
    }
}

fn parse_bool(var: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Invalid {
            variable: var,
            value: v.into(),
            problem: "not a boolean".into(),
            accepted: "1, true, yes, on, 0, false, no, off",
        }),
    }
}

/// A duration variable: its name, its range and the forms it accepts.
struct DurationSetting {
    variable: &'static str,
    range: std::ops::RangeInclusive<Duration>,
    accepted: &'static str,
}

const TIMEOUT: DurationSetting = DurationSetting {
    variable: "CENSUS_PUSH_TIMEOUT",
    range: census_export::TIMEOUT_RANGE,
    accepted: TIMEOUT_FORMS,
};
const INTERVAL: DurationSetting = DurationSetting {
    variable: "CENSUS_PUSH_INTERVAL",
    range: census_export::INTERVAL_RANGE,
    accepted: INTERVAL_FORMS,
};

impl DurationSetting {
    /// `d` if in range; the error names the variable and `written` (the value as given).
    fn check(&self, d: Duration, written: &str) -> Result<Duration, ConfigError> {
        match self.range.contains(&d) {
            true => Ok(d),
            false => Err(ConfigError::Invalid {
                variable: self.variable,
                value: written.into(),
                problem: "out of range".into(),
                accepted: self.accepted,
            }),
        }
    }
}

fn parse_duration(setting: DurationSetting, v: &str) -> Result<Duration, ConfigError> {
    let t = v.trim();
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: Option<f64> = num
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0);
    let secs = match (n, unit) {
        (Some(n), "ms") => Some(n / 1000.0),
        (Some(n), "s") => Some(n),
        (Some(n), "m") => Some(n * 60.0),
        (Some(n), "h") => Some(n * 3600.0),
        _ => None,
    };
    let Some(secs) = secs else {
        return Err(ConfigError::Invalid {
            variable: setting.variable,
            value: v.into(),
            problem: "not a positive duration".into(),
            accepted: setting.accepted,
        });
    };
    // Anything too large for a `Duration` is out of range as well.
    let d = Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX);
    setting.check(d, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn err(pairs: &[(&str, &str)]) -> String {
        match ExporterConfig::new()
            .fill_from(env(pairs))
            .and_then(ExporterConfig::resolve)
        {
            Err(e) => e.to_string(),
            Ok(c) => panic!("expected an error, got {c:?}"),
        }
    }

    #[test]
    fn defaults_are_prometheus_on_loopback() {
        let c = ExporterConfig::new()
            .fill_from(env(&[]))
            .unwrap()
            .resolve()
            .unwrap();
        assert_eq!(c.exporters, vec![ExporterKind::Prometheus]);
        assert_eq!(c.prometheus_addr.to_string(), "127.0.0.1:9464");
        assert_eq!(c.pushgateway_url, "http://127.0.0.1:9091");
        assert_eq!(c.push_timeout, Duration::from_secs(10));
    }

    #[test]
    fn every_variable_is_read() {
        let c = ExporterConfig::new()
            .fill_from(env(&[
                ("CENSUS_EXPORTER", "stdout, pushgateway ,none"),
                ("CENSUS_NAMESPACE", "myapp"),
                ("CENSUS_CONST_LABELS", "env=prod,region=eu"),
                ("CENSUS_PROMETHEUS_ADDR", "0.0.0.0:9100"),
                ("CENSUS_PUSHGATEWAY_URL", "https://gw.example:9091/"),
                ("CENSUS_JOB", "nightly"),
                ("CENSUS_GROUPING", "instance=a/b"),
                ("CENSUS_PUSH_INTERVAL", "500ms"),
                ("CENSUS_PUSH_TIMEOUT", "2m"),
                ("CENSUS_PUSH_PRINT", "true"),
            ]))
            .unwrap()
            .resolve()
            .unwrap();
        assert_eq!(
            c.exporters,
            vec![ExporterKind::Stdout, ExporterKind::Pushgateway]
        );
        assert_eq!(c.namespace.as_deref(), Some("myapp"));
        assert_eq!(
            c.const_labels,
            vec![
                ("env".into(), "prod".into()),
                ("region".into(), "eu".into())
            ]
        );
        assert_eq!(c.prometheus_addr.to_string(), "0.0.0.0:9100");
        assert_eq!(c.pushgateway_url, "https://gw.example:9091");
        assert_eq!(c.grouping, vec![("instance".into(), "a/b".into())]);
        assert_eq!(c.push_interval, Some(Duration::from_millis(500)));
        assert_eq!(c.push_timeout, Duration::from_secs(120));
        assert!(c.push_print);
    }

    #[test]
    fn otel_host_and_port_are_honoured_unless_census_addr_is_set() {
        let c = ExporterConfig::new()
            .fill_from(env(&[
                ("OTEL_EXPORTER_PROMETHEUS_HOST", "0.0.0.0"),
                ("OTEL_EXPORTER_PROMETHEUS_PORT", "9500"),
            ]))
            .unwrap();
        assert_eq!(c.prometheus_addr.unwrap().to_string(), "0.0.0.0:9500");
        let c = ExporterConfig::new()
            .fill_from(env(&[
                ("OTEL_EXPORTER_PROMETHEUS_PORT", "9501"),
                ("CENSUS_PROMETHEUS_ADDR", "127.0.0.1:1"),
            ]))
            .unwrap();
        assert_eq!(c.prometheus_addr.unwrap().port(), 1);
        let c = ExporterConfig::new()
            .fill_from(env(&[("OTEL_EXPORTER_PROMETHEUS_PORT", "9502")]))
            .unwrap();
        assert_eq!(c.prometheus_addr.unwrap().to_string(), "127.0.0.1:9502");
    }

    #[test]
    fn code_wins_over_env_and_env_over_code_defaults() {
        let e = env(&[
            ("CENSUS_JOB", "from_env"),
            ("CENSUS_EXPORTER", "pushgateway"),
        ]);
        let c = ExporterConfig::new()
            .with_job("from_code")
            .fill_from(&e)
            .unwrap()
            .resolve()
            .unwrap();
        assert_eq!(c.job.as_deref(), Some("from_code"));
        let c = ExporterConfig::new()
            .default_job("fallback")
            .fill_from(&e)
            .unwrap()
            .resolve()
            .unwrap();
        assert_eq!(c.job.as_deref(), Some("from_env"));
        let c = ExporterConfig::new()
            .default_job("fallback")
            .fill_from(env(&[("CENSUS_EXPORTER", "pushgateway")]))
            .unwrap()
            .resolve()
            .unwrap();
        assert_eq!(c.job.as_deref(), Some("fallback"));
        let c = ExporterConfig::new()
            .with_exporters([ExporterKind::Stdout])
            .fill_from(env(&[("CENSUS_EXPORTER", "prometheus")]))
            .unwrap()
            .resolve()
            .unwrap();
        assert_eq!(c.exporters, vec![ExporterKind::Stdout]);
    }

    #[test]
    fn every_error_names_variable_value_and_accepted_forms() {
        assert_eq!(
            err(&[("CENSUS_EXPORTER", "prometheus,graphite")]),
            "CENSUS_EXPORTER=\"prometheus,graphite\" is invalid: unknown exporter \"graphite\"; accepted: a comma list of prometheus, pushgateway, statsd, influx, stdout, none"
        );
        assert_eq!(
            err(&[("CENSUS_STATSD_ADDR", "8125")]),
            "CENSUS_STATSD_ADDR=\"8125\" is invalid: not host:port; accepted: host:port such as \"127.0.0.1:8125\", \"statsd.internal:8125\" or \"[::1]:8125\""
        );
        assert_eq!(
            err(&[("CENSUS_STATSD_FLAVOR", "graphite")]),
            format!("CENSUS_STATSD_FLAVOR=\"graphite\" is invalid: unknown StatsD flavour; accepted: {STATSD_FLAVORS}")
        );
        assert_eq!(
            err(&[("CENSUS_STATSD_MODE", "often")]),
            "CENSUS_STATSD_MODE=\"often\" is invalid: unknown StatsD mode; accepted: batch (stream is not supported yet)"
        );
        assert!(err(&[("CENSUS_STATSD_MODE", "stream")]).starts_with(
            "CENSUS_STATSD_MODE=\"stream\" is not supported yet: streaming every recorded value is not built yet; use CENSUS_STATSD_MODE=batch"
        ));
        assert_eq!(
            err(&[("CENSUS_CONST_LABELS", "env")]),
            format!("CENSUS_CONST_LABELS=\"env\" is invalid: \"env\" has no '='; accepted: {PAIRS_FORMS}")
        );
        assert!(
            err(&[("CENSUS_CONST_LABELS", "1x=a")]).contains("\"1x\" is not a valid label name")
        );
        assert!(err(&[("CENSUS_GROUPING", "a=1,a=2")])
            .contains("CENSUS_GROUPING=\"a=1,a=2\" is invalid: label \"a\" is given twice"));
        assert!(err(&[("CENSUS_GROUPING", "__x=1")]).contains("not a valid label name"));
        assert_eq!(
            err(&[("CENSUS_PROMETHEUS_ADDR", "9464")]),
            "CENSUS_PROMETHEUS_ADDR=\"9464\" is invalid: not a socket address; accepted: host:port with an IP host or localhost and a port up to 65535, e.g. \"127.0.0.1:9464\", \"0.0.0.0:9464\" or \"[::1]:9464\""
        );
        assert!(err(&[("OTEL_EXPORTER_PROMETHEUS_PORT", "http")])
            .starts_with("OTEL_EXPORTER_PROMETHEUS_PORT=\"http\" is invalid"));
        assert_eq!(
            err(&[("CENSUS_PUSHGATEWAY_URL", "gw:9091")]),
            "CENSUS_PUSHGATEWAY_URL=\"gw:9091\" is invalid: not an http(s) URL with a host; accepted: an http:// or https:// URL such as \"http://127.0.0.1:9091\""
        );
        assert_eq!(
            err(&[("CENSUS_PUSH_INTERVAL", "10 minutes")]),
            format!("CENSUS_PUSH_INTERVAL=\"10 minutes\" is invalid: not a positive duration; accepted: {INTERVAL_FORMS}")
        );
        assert!(err(&[("CENSUS_PUSH_TIMEOUT", "0s")])
            .starts_with("CENSUS_PUSH_TIMEOUT=\"0s\" is invalid"));
        assert_eq!(
            err(&[("CENSUS_PUSH_PRINT", "maybe")]),
            "CENSUS_PUSH_PRINT=\"maybe\" is invalid: not a boolean; accepted: 1, true, yes, on, 0, false, no, off"
        );
        assert!(err(&[("CENSUS_PUSH_TIMEOUT", "-1")])
            .starts_with("CENSUS_PUSH_TIMEOUT=\"-1\" is invalid"));
        assert_eq!(
            err(&[("CENSUS_EXPORTER", "pushgateway")]),
            "CENSUS_JOB is required when pushgateway is enabled: set CENSUS_JOB=<job name> or call ExporterConfig::with_job"
        );
    }

    #[test]
    fn an_exporter_whose_feature_is_off_is_a_typed_error() {
        let pull_only = Features {
            prometheus: true,
            pushgateway: false,
            statsd: false,
            influx: false,
        };
        let push_only = Features {
            prometheus: false,
            pushgateway: true,
            statsd: false,
            influx: false,
        };
        let neither = Features {
            prometheus: false,
            pushgateway: false,
            statsd: false,
            influx: false,
        };
        let resolve = |pairs: &[(&str, &str)], built| {
            ExporterConfig::new()
                .fill_from(env(pairs))
                .unwrap()
                .resolve_for(built)
        };
        let e = resolve(
            &[
                ("CENSUS_EXPORTER", "stdout,pushgateway"),
                ("CENSUS_JOB", "j"),
            ],
            pull_only,
        )
        .unwrap_err();
        assert_eq!(
            e,
            ConfigError::FeatureDisabled {
                variable: "CENSUS_EXPORTER",
                exporter: ExporterKind::Pushgateway,
                feature: "pushgateway",
                available: "prometheus, stdout, none".into(),
            }
        );
        assert_eq!(
            e.to_string(),
            "CENSUS_EXPORTER=pushgateway needs the census feature \"pushgateway\", which this build \
             leaves out: add it to the census dependency (features = [\"pushgateway\"]) or choose \
             one of: prometheus, stdout, none"
        );
        let e = resolve(&[("CENSUS_EXPORTER", "prometheus")], push_only).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("CENSUS_EXPORTER=prometheus needs the census feature \"prometheus\""));
        // The built-in choice follows the features: push when only push is built in...
        assert!(matches!(
            resolve(&[], push_only),
            Err(ConfigError::Missing {
                variable: "CENSUS_JOB",
                ..
            })
        ));
        let c = resolve(&[("CENSUS_JOB", "j")], push_only).unwrap();
        assert_eq!(c.exporters, vec![ExporterKind::Pushgateway]);
        // ...and with neither, the default is reported, not silently dropped.
        assert!(matches!(
            resolve(&[], neither),
            Err(ConfigError::FeatureDisabled {
                exporter: ExporterKind::Prometheus,
                ..
            })
        ));
        for ok in ["stdout", "none"] {
            assert!(resolve(&[("CENSUS_EXPORTER", ok)], neither).is_ok(), "{ok}");
        }
        assert_eq!(
            ExporterKind::Prometheus.is_available(),
            cfg!(feature = "prometheus")
        );
        assert_eq!(
            ExporterKind::Pushgateway.is_available(),
            cfg!(feature = "pushgateway")
        );
    }

    #[test]
    fn statsd_settings_are_read_and_defaulted() {
        let c = ExporterConfig::new()
            .fill_from(env(&[
                ("CENSUS_EXPORTER", "statsd,prometheus"),
                ("CENSUS_STATSD_ADDR", " statsd.internal:9125 "),
                ("CENSUS_STATSD_FLAVOR", "DogStatsD"),
                ("CENSUS_STATSD_MODE", "batch"),
            ]))
            .unwrap()
            .resolve_for(Features {
                prometheus: true,
                pushgateway: false,
                statsd: true,
                influx: false,
            })
            .unwrap();
        assert_eq!(
            c.exporters,
            vec![ExporterKind::Statsd, ExporterKind::Prometheus]
        );
        assert_eq!(c.statsd_addr, "statsd.internal:9125");
        assert_eq!(c.statsd_flavor, "dogstatsd");
        assert_eq!(c.statsd_mode, StatsdMode::Batch);
        let d = ExporterConfig::new().resolve().unwrap();
        assert_eq!(
            (d.statsd_addr.as_str(), d.statsd_flavor.as_str()),
            ("127.0.0.1:8125", "etsy")
        );
        let e = ExporterConfig::new()
            .fill_from(env(&[("CENSUS_EXPORTER", "statsd")]))
            .unwrap()
            .resolve_for(Features {
                prometheus: true,
                pushgateway: true,
                statsd: false,
                influx: false,
            })
            .unwrap_err();
        assert!(e.to_string().starts_with(
            "CENSUS_EXPORTER=statsd needs the census feature \"statsd\", which this build leaves out"
        ), "{e}");
    }

    #[test]
    fn durations_accept_every_documented_form() {
        for (s, d) in [
            ("500ms", 500),
            ("10s", 10_000),
            ("2m", 120_000),
            ("1h", 3_600_000),
            ("10", 10_000),
            ("1.5s", 1500),
        ] {
            assert_eq!(
                parse_duration(TIMEOUT, s).unwrap(),
                Duration::from_millis(d),
                "{s}"
            );
        }
    }

    #[test]
    fn extreme_durations_are_typed_errors_naming_the_variable_and_value() {
        let err = |pairs: &[(&str, &str)]| {
            ExporterConfig::new()
                .fill_from(env(pairs))
                .unwrap_err()
                .to_string()
        };
        for (var, value, forms) in [
            ("CENSUS_PUSH_TIMEOUT", "9300000000000000000", TIMEOUT_FORMS),
            ("CENSUS_PUSH_TIMEOUT", "0.0000001ms", TIMEOUT_FORMS),
            ("CENSUS_PUSH_TIMEOUT", "2h", TIMEOUT_FORMS),
            (
                "CENSUS_PUSH_INTERVAL",
                "012222222222222222222",
                INTERVAL_FORMS,
            ),
            (
                "CENSUS_PUSH_INTERVAL",
                "99999999999999999999999h",
                INTERVAL_FORMS,
            ),
        ] {
            assert_eq!(
                err(&[(var, value)]),
                format!("{var}={value:?} is invalid: out of range; accepted: {forms}"),
            );
        }
        assert!(err(&[("CENSUS_PUSH_INTERVAL", "-5s")]).contains("not a positive duration"));
        let code = ExporterConfig {
            push_timeout: Some(Duration::MAX),
            ..ExporterConfig::new()
        };
        let e = code.resolve().unwrap_err().to_string();
        assert!(
            e.starts_with(
                "CENSUS_PUSH_TIMEOUT=\"18446744073709551615.999999999s\" is invalid: out of range"
            ),
            "{e}"
        );
    }

    #[test]
    fn an_address_error_shows_the_value_as_written() {
        let e = ExporterConfig::new()
            .fill_from(env(&[("CENSUS_PROMETHEUS_ADDR", "localhost:99999")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("CENSUS_PROMETHEUS_ADDR=\"localhost:99999\" is invalid"),
            "{e}"
        );
    }
}
