//! Start the exporters named by configuration; see [`ExporterConfig::start`] and
//! [`exporter_from_env`].

#[cfg(feature = "prometheus")]
use std::fmt;
use std::sync::Arc;
#[cfg(feature = "prometheus")]
use std::sync::Mutex;

use census_export::{exit, ExportGuard, Finish};
#[cfg(feature = "prometheus")]
use census_export::{BoxError, Ending};
use census_prometheus::ExpositionOptions;
#[cfg(feature = "prometheus")]
use census_prometheus::{PrometheusExporter, Server, ServerHandle};
#[cfg(feature = "pushgateway")]
use census_pushgateway::Pushgateway;
#[cfg(feature = "statsd")]
use census_statsd::Statsd;
use thiserror::Error;

use crate::config::{ConfigError, ExporterConfig, ExporterKind, ResolvedConfig};
use crate::stdout::Stdout;

/// Starting an exporter failed after the configuration was valid (nothing stays running).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StartError {
    /// The configuration was invalid or incomplete.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The `/metrics` server could not start (e.g. the address is taken).
    #[cfg(feature = "prometheus")]
    #[error(
        "cannot serve /metrics on {addr}: {source}; set CENSUS_PROMETHEUS_ADDR to a free host:port"
    )]
    Serve {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// Why.
        #[source]
        source: census_prometheus::ServeError,
    },
    /// The signal handler or the exit hook could not be installed.
    #[error("cannot install the SIGTERM/SIGINT handler or the exit hook: {0}")]
    Signals(#[source] census_export::SpawnError),
}

/// The pull server as a guard part: stopped when the guard finishes (never by the exit hook).
#[cfg(feature = "prometheus")]
struct Pull {
    handle: Mutex<Option<ServerHandle>>,
    url: String,
}

#[cfg(feature = "prometheus")]
impl Finish for Pull {
    fn name(&self) -> &str {
        "prometheus"
    }

    fn finish(&self, _: Ending) -> Result<(), BoxError> {
        let handle = self.handle.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(h) = handle {
            if let Err(e) = h.shutdown() {
                tracing::warn!(error = %e, "census: /metrics server did not stop cleanly");
            }
        }
        Ok(())
    }

    fn url(&self) -> Option<&str> {
        Some(&self.url)
    }
}

#[cfg(feature = "prometheus")]
impl fmt::Debug for Pull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pull").field("url", &self.url).finish()
    }
}

impl ExporterConfig {
    /// Resolves the configuration and starts every exporter it names, all or nothing; the
    /// returned guard finishes them (last stdout print, final push or StatsD export, server stop) when dropped
    /// or [finished](ExportGuard::finish). `guard.url("prometheus")` is the scrape URL,
    /// `guard.get::<Pushgateway>()` the push exporter.
    ///
    /// The push-style exporters (pushgateway, statsd, stdout) are registered with census-export's exit
    /// hook, so `std::process::exit` finishes them too. With signal handling on (the default)
    /// **and a push-style exporter configured**, census-export's one signal thread finishes
    /// them on SIGTERM/SIGINT and then ends the process as the signal would. A pull-only
    /// configuration installs no signal handler: the app's own SIGTERM handling stands, and
    /// the server stops when the guard does.
    ///
    /// # Errors
    /// [`StartError::Config`] for invalid settings (nothing is started), [`StartError::Serve`]
    /// when the server cannot bind (the other exporters are stopped again without a push).
    pub fn start(self) -> Result<ExportGuard, StartError> {
        let handle_signals = self.signal_handling.unwrap_or(true);
        let config = self.resolve()?;
        let wants = |k| config.exporters.contains(&k);
        // The Prometheus naming rules apply only to the exporters that write Prometheus text.
        let prometheus_family = [
            ExporterKind::Prometheus,
            ExporterKind::Pushgateway,
            ExporterKind::Stdout,
        ];
        let options = match prometheus_family.into_iter().any(wants) {
            true => exposition_options(&config)?,
            false => ExpositionOptions::new(),
        };

        // `resolve` refused every exporter whose feature is off (ConfigError::FeatureDisabled).
        #[cfg(feature = "pushgateway")]
        let push = if wants(ExporterKind::Pushgateway) {
            Some(Arc::new(pushgateway(&config, &options)?))
        } else {
            None
        };
        #[cfg(feature = "statsd")]
        let statsd = if wants(ExporterKind::Statsd) {
            match statsd(&config) {
                Ok(s) => Some(Arc::new(s)),
                Err(e) => {
                    #[cfg(feature = "pushgateway")]
                    if let Some(p) = &push {
                        p.discard();
                    }
                    return Err(e.into());
                }
            }
        } else {
            None
        };
        #[cfg(feature = "influx")]
        let influx = match config
            .influx
            .as_ref()
            .filter(|_| wants(ExporterKind::Influx))
        {
            Some(settings) => Some(Arc::new(influx_exporter(&config, settings, &options)?)),
            None => None,
        };
        #[cfg(feature = "prometheus")]
        let pull = if wants(ExporterKind::Prometheus) {
            match serve(&config, &options) {
                Ok(p) => Some(Arc::new(p)),
                Err(e) => {
                    #[cfg(feature = "pushgateway")]
                    if let Some(p) = &push {
                        p.discard();
                    }
                    #[cfg(feature = "statsd")]
                    if let Some(s) = &statsd {
                        s.discard();
                    }
                    #[cfg(feature = "influx")]
                    if let Some(i) = &influx {
                        i.discard();
                    }
                    return Err(e);
                }
            }
        } else {
            None
        };
        let stdout = wants(ExporterKind::Stdout).then(|| Arc::new(Stdout::start(options)));

        let mut guard = ExportGuard::new();
        let mut push_style = false;
        if let Some(s) = stdout {
            let on_exit: Arc<dyn Finish> = s.clone();
            exit::register(&on_exit);
            guard.push(s);
            push_style = true;
        }
        #[cfg(feature = "pushgateway")]
        if let Some(p) = push {
            guard.push(p); // registered with the exit hook by its build()
            push_style = true;
        }
        #[cfg(feature = "statsd")]
        if let Some(s) = statsd {
            guard.push(s); // registered with the exit hook by its build()
            push_style = true;
        }
        #[cfg(feature = "influx")]
        if let Some(i) = influx {
            guard.push(i); // registered with the exit hook by its build()
            push_style = true;
        }
        #[cfg(feature = "prometheus")]
        if let Some(p) = pull {
            guard.push(p);
        }
        if push_style {
            let hooks = exit::install_exit_hook().and_then(|()| match handle_signals {
                true => exit::install_signal_handler(),
                false => Ok(()),
            });
            if let Err(e) = hooks {
                let _ = guard.finish();
                return Err(StartError::Signals(e));
            }
        }
        Ok(guard)
    }
}

#[cfg(feature = "pushgateway")]
fn pushgateway(
    config: &ResolvedConfig,
    options: &ExpositionOptions,
) -> Result<Pushgateway, ConfigError> {
    let job = config.job.clone().unwrap_or_default();
    let mut b = Pushgateway::builder(config.pushgateway_url.clone(), job)
        .with_grouping_labels(config.grouping.clone())
        .with_exposition_options(options.clone())
        .with_timeout(config.push_timeout);
    if let Some(i) = config.push_interval {
        b = b.with_interval(i);
    }
    if config.push_print {
        b = b.with_print_to_stdout();
    }
    b.build().map_err(|e| pushgateway_error(config, e))
}

/// The one variable a Pushgateway build error is about, with its value as configured (the
/// URL's password redacted).
#[cfg(feature = "pushgateway")]
fn pushgateway_error(config: &ResolvedConfig, e: census_pushgateway::BuildError) -> ConfigError {
    use census_pushgateway::BuildError as E;
    let grouping = || {
        let pairs: Vec<String> = config
            .grouping
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.join(",")
    };
    let (variable, value, accepted) = match &e {
        E::Url(_) | E::MetricsPathInUrl { .. } => (
            "CENSUS_PUSHGATEWAY_URL",
            census_export::redact_url(&config.pushgateway_url),
            "the gateway's base http(s) URL, e.g. \"http://127.0.0.1:9091\"",
        ),
        E::EmptyJob => ("CENSUS_JOB", config.job.clone().unwrap_or_default(), "a non-empty job name"),
        E::ConstLabelIsGroupingLabel { .. } | E::InvalidLabelName { .. } | E::JobAsGroupingLabel => {
            ("CENSUS_GROUPING", grouping(), "name=value pairs whose names are valid label names other than job and the constant labels")
        }
        E::Duration(d) if d.what.contains("interval") => (
            "CENSUS_PUSH_INTERVAL",
            format!("{:?}", d.value),
            "a duration from 1ms to 24h",
        ),
        E::Duration(d) => ("CENSUS_PUSH_TIMEOUT", format!("{:?}", d.value), "a duration from 1ms to 1h"),
        _ => ("CENSUS_EXPORTER", "pushgateway".into(), "see the census::config table"),
    };
    ConfigError::Invalid {
        variable,
        value,
        problem: e.to_string(),
        accepted,
    }
}

#[cfg(feature = "statsd")]
fn statsd(config: &ResolvedConfig) -> Result<Statsd, ConfigError> {
    let flavor = config
        .statsd_flavor
        .parse()
        .map_err(|e: census_statsd::BuildError| ConfigError::Invalid {
            variable: "CENSUS_STATSD_FLAVOR",
            value: config.statsd_flavor.clone(),
            problem: e.to_string(),
            accepted: census_statsd::Flavor::ACCEPTED,
        })?;
    // The mode is checked by `resolve` (batch is the only one built).
    let crate::config::StatsdMode::Batch = config.statsd_mode;
    let mut b = Statsd::builder(config.statsd_addr.clone())
        .with_flavor(flavor)
        .with_namespace(config.namespace.clone().unwrap_or_default())
        .with_const_tags(config.const_labels.clone())
        .with_timeout(config.push_timeout);
    if let Some(i) = config.push_interval {
        b = b.with_interval(i);
    }
    if config.push_print {
        b = b.with_print_to_stdout();
    }
    b.build().map_err(|e| {
        let (variable, value) = match &e {
            census_statsd::BuildError::Namespace { namespace, .. } => {
                ("CENSUS_NAMESPACE", namespace.clone())
            }
            census_statsd::BuildError::ConstTag { key, value, .. } => {
                ("CENSUS_CONST_LABELS", format!("{key}={value}"))
            }
            _ => ("CENSUS_STATSD_ADDR", config.statsd_addr.clone()),
        };
        ConfigError::Invalid {
            variable,
            value,
            problem: e.to_string(),
            accepted: "see the census::config table",
        }
    })
}

/// The Influx line protocol exporter from `CENSUS_INFLUX_*` and the shared push settings.
#[cfg(feature = "influx")]
fn influx_exporter(
    config: &ResolvedConfig,
    settings: &crate::influx_config::ResolvedInflux,
    options: &ExpositionOptions,
) -> Result<census_influx::Influx, ConfigError> {
    use crate::influx_config::{InfluxNaming, INFLUX_URL_FORMS};
    let naming = match settings.naming {
        InfluxNaming::Prometheus => census_influx::Naming::Prometheus,
        InfluxNaming::Influx => census_influx::Naming::Influx,
    };
    let mut b = census_influx::Influx::builder(settings.url.clone())
        .with_naming(naming)
        .with_exposition_options(options.clone())
        .with_timeout(config.push_timeout);
    if let Some(t) = &settings.token {
        b = b.with_token(t.clone());
    }
    if let Some(i) = config.push_interval {
        b = b.with_interval(i);
    }
    if config.push_print {
        b = b.with_print_to_stdout();
    }
    b.build().map_err(|e| ConfigError::Invalid {
        variable: "CENSUS_INFLUX_URL",
        value: format!("{settings:?}"),
        problem: e.to_string(),
        accepted: INFLUX_URL_FORMS,
    })
}

#[cfg(feature = "prometheus")]
fn serve(config: &ResolvedConfig, options: &ExpositionOptions) -> Result<Pull, StartError> {
    let exporter = PrometheusExporter::builder()
        .with_options(options.clone())
        .build()
        .map_err(|e| {
            config_error(
                "CENSUS_NAMESPACE",
                config.namespace.as_deref().unwrap_or(""),
                e,
            )
        })?;
    let server = Server::builder()
        .with_exporter(exporter)
        .with_address(config.prometheus_addr)
        .build()
        .map_err(|e| {
            config_error(
                "CENSUS_PROMETHEUS_ADDR",
                &config.prometheus_addr.to_string(),
                e,
            )
        })?;
    let handle = server.start().map_err(|source| StartError::Serve {
        addr: config.prometheus_addr,
        source,
    })?;
    Ok(Pull {
        url: handle.url(),
        handle: Mutex::new(Some(handle)),
    })
}

#[cfg(feature = "prometheus")]
fn config_error(variable: &'static str, value: &str, e: impl fmt::Display) -> ConfigError {
    ConfigError::Invalid {
        variable,
        value: value.into(),
        problem: e.to_string(),
        accepted: "see the census::config table",
    }
}

fn exposition_options(c: &ResolvedConfig) -> Result<ExpositionOptions, ConfigError> {
    let mut o = ExpositionOptions::new();
    if let Some(ns) = &c.namespace {
        o = o.with_namespace(ns).map_err(|e| ConfigError::Invalid {
            variable: "CENSUS_NAMESPACE",
            value: ns.clone(),
            problem: e.to_string(),
            accepted: "a Prometheus metric name prefix: [a-zA-Z_:][a-zA-Z0-9_:]*",
        })?;
    }
    for (k, v) in &c.const_labels {
        o = o.with_const_label(k, v).map_err(|e| ConfigError::Invalid {
            variable: "CENSUS_CONST_LABELS",
            value: format!("{k}={v}"),
            problem: e.to_string(),
            accepted: "name=value pairs with Prometheus label names",
        })?;
    }
    Ok(o)
}

/// Starts the exporters named by the environment (see [`crate::config`]); the guard finishes
/// them when dropped. Equivalent to `ExporterConfig::from_env()?.start()`.
///
/// # Errors
/// As [`ExporterConfig::start`].
pub fn exporter_from_env() -> Result<ExportGuard, StartError> {
    ExporterConfig::from_env()?.start()
}
