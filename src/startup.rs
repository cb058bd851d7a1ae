//! Start the exporters named by configuration; see [`ExporterConfig::start`] and
//! [`exporter_from_env`].

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use census_prometheus::ExpositionOptions;
#[cfg(feature = "prometheus")]
use census_prometheus::{PrometheusExporter, Server, ServerHandle};
#[cfg(feature = "pushgateway")]
use census_pushgateway::Pushgateway;
use census_sdk::Exporter;
use thiserror::Error;

use crate::config::{ConfigError, ExporterConfig, ExporterKind, ResolvedConfig};
use crate::stdout::StdoutExporter;

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
    /// The signal handler could not be installed.
    #[error("cannot install the SIGTERM/SIGINT handler: {0}")]
    Signals(#[source] std::io::Error),
}

/// What [`ExporterGuard::finish`] reports: the final push's failure
/// ([`census_pushgateway::PushError`]).
#[cfg(feature = "pushgateway")]
pub type FinishError = census_pushgateway::PushError;
/// What [`ExporterGuard::finish`] reports: nothing can fail without the push exporter.
#[cfg(not(feature = "pushgateway"))]
pub type FinishError = std::convert::Infallible;

/// Keeps the configured exporters running; flushes and stops them when dropped.
///
/// [`ExporterGuard::finish`] does the same explicitly and reports whether the final push
/// succeeded, so a job can exit non-zero when it did not.
#[must_use = "the exporters stop (after a final flush) when the guard is dropped"]
pub struct ExporterGuard {
    inner: Arc<Inner>,
}

struct Inner {
    config: ResolvedConfig,
    #[cfg(feature = "prometheus")]
    server: Mutex<Option<ServerHandle>>,
    server_url: Option<String>,
    #[cfg(feature = "pushgateway")]
    push: Option<Pushgateway>,
    stdout: Option<Arc<dyn Exporter>>,
    finished: AtomicBool,
}

impl ExporterConfig {
    /// Resolves the configuration and starts every exporter it names, all or nothing.
    ///
    /// With signal handling on (the default), SIGTERM and SIGINT flush every exporter (final
    /// push, last stdout print, server shutdown) and then end the process as the signal would.
    ///
    /// # Errors
    /// [`StartError::Config`] for invalid settings (nothing is started), [`StartError::Serve`]
    /// when the server cannot bind (the other exporters are stopped again without a push).
    pub fn start(self) -> Result<ExporterGuard, StartError> {
        let handle_signals = self.signal_handling.unwrap_or(true);
        let config = self.resolve()?;
        let options = exposition_options(&config)?;
        let wants = |k| config.exporters.contains(&k);

        // `resolve` has refused every exporter whose feature is off: each block below runs only
        // where its feature is on.
        #[cfg(feature = "pushgateway")]
        let push = if wants(ExporterKind::Pushgateway) {
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
            Some(b.build().map_err(|e| ConfigError::Invalid {
                variable: "CENSUS_PUSHGATEWAY_URL/CENSUS_JOB/CENSUS_GROUPING",
                value: format!(
                    "{} job={:?} grouping={:?}",
                    config.pushgateway_url, config.job, config.grouping
                ),
                problem: e.to_string(),
                accepted: "an http(s) URL, a non-empty job, valid label names",
            })?)
        } else {
            None
        };

        #[cfg(feature = "prometheus")]
        let (server, server_url) = if wants(ExporterKind::Prometheus) {
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
            let started = Server::builder()
                .with_exporter(exporter)
                .with_address(config.prometheus_addr)
                .build()
                .map_err(|e| {
                    config_error(
                        "CENSUS_PROMETHEUS_ADDR",
                        &config.prometheus_addr.to_string(),
                        e,
                    )
                })
                .map_err(StartError::from)
                .and_then(|s| {
                    s.start().map_err(|source| StartError::Serve {
                        addr: config.prometheus_addr,
                        source,
                    })
                });
            match started {
                Ok(h) => {
                    let url = h.url();
                    (Some(h), Some(url))
                }
                Err(e) => {
                    #[cfg(feature = "pushgateway")]
                    if let Some(p) = &push {
                        p.discard();
                    }
                    return Err(e);
                }
            }
        } else {
            (None, None)
        };
        #[cfg(not(feature = "prometheus"))]
        let server_url = None;

        let stdout: Option<Arc<dyn Exporter>> = wants(ExporterKind::Stdout).then(|| {
            let e: Arc<dyn Exporter> = Arc::new(StdoutExporter::new(options.clone()));
            census_sdk::view_manager().register_exporter(e.clone());
            e
        });

        let inner = Arc::new(Inner {
            config,
            #[cfg(feature = "prometheus")]
            server: Mutex::new(server),
            server_url,
            #[cfg(feature = "pushgateway")]
            push,
            stdout,
            finished: AtomicBool::new(false),
        });
        if handle_signals && !inner.config.exporters.is_empty() {
            if let Err(e) = watch_signals(&inner) {
                let _ = inner.finish();
                return Err(e);
            }
        }
        Ok(ExporterGuard { inner })
    }
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

/// Starts the exporters named by the environment (see [`crate::config`]); the guard flushes and
/// stops them when dropped. Equivalent to `ExporterConfig::from_env()?.start()`.
///
/// # Errors
/// As [`ExporterConfig::start`].
pub fn exporter_from_env() -> Result<ExporterGuard, StartError> {
    ExporterConfig::from_env()?.start()
}

impl ExporterGuard {
    /// The settings in force.
    pub fn config(&self) -> &ResolvedConfig {
        &self.inner.config
    }

    /// The scrape URL when the Prometheus exporter runs, e.g. `http://127.0.0.1:9464/metrics`.
    pub fn prometheus_url(&self) -> Option<&str> {
        self.inner.server_url.as_deref()
    }

    /// The push exporter when it runs (for explicit pushes, or to mark the job failed).
    #[cfg(feature = "pushgateway")]
    pub fn pushgateway(&self) -> Option<&Pushgateway> {
        self.inner.push.as_ref()
    }

    /// Flushes and stops every exporter: last stdout print, final push (bounded by the push
    /// timeout), server shutdown. Idempotent.
    ///
    /// # Errors
    /// The final push's failure, so a job can exit non-zero.
    pub fn finish(self) -> Result<(), FinishError> {
        self.inner.finish()
    }
}

impl Inner {
    fn finish(&self) -> Result<(), FinishError> {
        if self.finished.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        if let Some(e) = &self.stdout {
            census_sdk::view_manager().unregister_exporter(e);
            if let Err(err) = e.export(&census_sdk::default_meter().snapshot()) {
                tracing::warn!(error = %err, "census: final stdout print failed");
            }
        }
        #[cfg(feature = "pushgateway")]
        let pushed = match &self.push {
            Some(p) => p.shutdown(self.config.push_timeout),
            None => Ok(()),
        };
        #[cfg(not(feature = "pushgateway"))]
        let pushed = Ok(());
        #[cfg(feature = "prometheus")]
        {
            let server = self.server.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(s) = server {
                if let Err(e) = s.shutdown() {
                    tracing::warn!(error = %e, "census: /metrics server did not stop cleanly");
                }
            }
        }
        pushed
    }
}

impl Drop for ExporterGuard {
    fn drop(&mut self) {
        if let Err(e) = self.inner.finish() {
            tracing::error!(error = %e, "census: final push failed");
        }
    }
}

impl fmt::Debug for ExporterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExporterGuard")
            .field("exporters", &self.inner.config.exporters)
            .field("prometheus_url", &self.inner.server_url)
            .finish()
    }
}

static WATCHED: Mutex<Vec<Weak<Inner>>> = Mutex::new(Vec::new());
static SIGNAL_THREAD: Mutex<bool> = Mutex::new(false);

fn watch_signals(inner: &Arc<Inner>) -> Result<(), StartError> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut started = SIGNAL_THREAD.lock().unwrap_or_else(|e| e.into_inner());
    if !*started {
        let mut signals =
            signal_hook::iterator::Signals::new([SIGTERM, SIGINT]).map_err(StartError::Signals)?;
        std::thread::Builder::new()
            .name("census-signals".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    on_signal(sig);
                }
            })
            .map_err(StartError::Signals)?;
        *started = true;
    }
    let mut list = WATCHED.lock().unwrap_or_else(|e| e.into_inner());
    list.retain(|w| w.strong_count() > 0);
    list.push(Arc::downgrade(inner));
    Ok(())
}

fn on_signal(sig: i32) {
    let live: Vec<Arc<Inner>> = WATCHED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter_map(Weak::upgrade)
        .collect();
    for inner in &live {
        #[cfg(feature = "pushgateway")]
        if let Some(p) = &inner.push {
            p.mark_failed();
        }
        if let Err(e) = inner.finish() {
            eprintln!("census: final push on signal {sig} failed: {e}");
        }
    }
    drop(live);
    let _ = signal_hook::low_level::emulate_default_handler(sig);
    std::process::exit(128 + sig);
}
