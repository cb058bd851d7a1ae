//! See [`PushgatewayBuilder`] for details.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use census_export::http::{check_url, split_credentials, HttpSettings, UrlError};
use census_export::{
    check_duration, Clock, Lifecycle, PrintSink, Retrier, Retry, Schedule, Worker,
};
use census_export::{INTERVAL_RANGE, TIMEOUT_RANGE};
use census_prometheus::{ConfigError, ExpositionOptions};
use census_sdk::Meter;

use crate::body::BodyEncoder;
use crate::error::BuildError;
use crate::exporter::Pushgateway;
use census_prometheus::Format;

use crate::format::{check_push_format, Method};
use crate::grouping::GroupingKey;
use crate::outcome::Outcome;
use crate::send::{Config, Push, Sink};

/// The default overall deadline of one push, retries included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Configures a [`Pushgateway`] exporter. Setters never fail; [`PushgatewayBuilder::build`]
/// checks everything and names the first bad value.
///
/// ```
/// use std::time::Duration;
/// use census_prometheus::Format;
/// use census_pushgateway::{Method, Pushgateway, Retry};
///
/// let builder = Pushgateway::builder("http://127.0.0.1:9091", "nightly_backup")
///     .with_grouping_label("instance", "db-1")
///     .with_namespace("backup")
///     .with_const_label("team", "storage")
///     .with_timeout(Duration::from_secs(5))
///     .with_retry(Retry { max_attempts: 3, ..Retry::default() })
///     .with_method(Method::Put)
///     .with_format(Format::Text)
///     .with_job_outcome_metrics(true);
/// let pg = builder.build().unwrap();
/// assert_eq!(pg.url(), "http://127.0.0.1:9091/metrics/job/nightly_backup/instance/db-1");
/// # pg.discard();
/// ```
#[must_use]
#[derive(Debug, Default)]
pub struct PushgatewayBuilder {
    url: String,
    url_error: Option<UrlError>,
    job: String,
    grouping: Vec<(String, String)>,
    options: ExpositionOptions,
    option_error: Option<ConfigError>,
    meter: Option<Meter>,
    timeout: Option<Duration>,
    retry: Retry,
    /// Credentials, headers and CA roots; Debug redacts the secrets.
    http: HttpSettings,
    format: Format,
    gzip: bool,
    method: Method,
    interval: Option<Duration>,
    clock: Clock,
    delete_on_shutdown: bool,
    outcome_metrics: bool,
    handle_signals: bool,
    print: Option<PrintSink>,
}

impl PushgatewayBuilder {
    /// Starts a configuration for gateway `url` (`http://host:port` or `https://…`, optionally
    /// with the gateway's route prefix, without `/metrics/job/…`) and `job`. A `user:password@`
    /// in the URL becomes basic auth (and leaves the URL, so no message or log shows it).
    pub fn new(url: impl Into<String>, job: impl Into<String>) -> Self {
        // Credentials in the URL travel as basic auth, so no URL shown or logged holds them;
        // a URL that does not parse is refused by `build` as written (redacted).
        let url = url.into();
        let url_error = check_url("pushgateway", &url, true).err();
        let (url, credentials) = split_credentials(&url);
        let mut http = HttpSettings::new(concat!("census-pushgateway/", env!("CARGO_PKG_VERSION")));
        if let Some((user, password)) = credentials {
            http.basic_auth(user, password);
        }
        PushgatewayBuilder {
            url,
            url_error,
            job: job.into(),
            http,
            ..Self::default()
        }
    }

    /// Adds (or replaces) a grouping label, e.g. `instance`. Values may be anything (they are
    /// base64-encoded in the URL when needed); see [`GroupingKey`] about empty values.
    pub fn with_grouping_label(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.grouping.push((name.into(), value.into()));
        self
    }

    /// Adds several grouping labels, e.g. from a configuration's list of pairs.
    pub fn with_grouping_labels<K, V>(mut self, labels: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.grouping
            .extend(labels.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Prefixes every metric name with `namespace_` (census-prometheus's naming rules).
    pub fn with_namespace(self, namespace: &str) -> Self {
        self.with_option(|o| o.with_namespace(namespace))
    }

    /// Adds a label with a fixed value to every pushed series.
    pub fn with_const_label(self, name: &str, value: &str) -> Self {
        self.with_option(|o| o.with_const_label(name, value))
    }

    /// Applies one naming option; its error is kept for [`build`](Self::build).
    fn with_option(
        mut self,
        set: impl FnOnce(ExpositionOptions) -> Result<ExpositionOptions, ConfigError>,
    ) -> Self {
        match set(self.options.clone()) {
            Ok(o) => self.options = o,
            Err(e) => self.option_error = self.option_error.take().or(Some(e)),
        }
        self
    }

    /// Replaces the naming options wholesale (namespace, constant labels, OpenCensus Python
    /// compatibility switches): the same options type the pull exporter takes.
    pub fn with_exposition_options(mut self, options: ExpositionOptions) -> Self {
        self.options = options;
        self
    }

    /// The meter whose views are pushed; the default meter ([`census_sdk::default_meter`])
    /// otherwise. An isolated [`Meter`] keeps the pushed metrics apart from what the app
    /// exposes elsewhere.
    pub fn with_meter(mut self, meter: Meter) -> Self {
        self.meter = Some(meter);
        self
    }

    /// The overall deadline of one push, add, delete or flush, retries included (default
    /// [`DEFAULT_TIMEOUT`], 10 s; 1 ms to 1 h, checked by [`build`](Self::build)). The final
    /// push on drop and on a signal uses it too.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How failed attempts are retried inside the deadline (default [`Retry::default`]).
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// Sends `Authorization: Basic …` with every request.
    pub fn with_basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.http.basic_auth(user, password);
        self
    }

    /// Sends `Authorization: Bearer <token>` with every request.
    pub fn with_bearer_token(mut self, token: impl Into<String>) -> Self {
        self.http.bearer(token);
        self
    }

    /// Sends an extra header with every request (e.g. a tenant id for a gateway behind a
    /// proxy). May be called several times.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.http.header(name, value);
        self
    }

    /// Trusts the CA certificate(s) in `pem` for `https://` gateways, in addition to the
    /// platform's roots (for a gateway with a private or self-signed certificate).
    pub fn with_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.http.root_certificate_pem(pem);
        self
    }

    /// The body format (default [`Format::Text`]).
    pub fn with_format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// Gzips request bodies (`Content-Encoding: gzip`; Pushgateway ≥ 1.5.0).
    pub fn with_gzip(mut self, gzip: bool) -> Self {
        self.gzip = gzip;
        self
    }

    /// The method of periodic pushes, of the final push and of a meter's exports (default
    /// [`Method::Put`]; [`Method::Delete`] is refused: see
    /// [`with_delete_on_shutdown`](Self::with_delete_on_shutdown)).
    pub fn with_method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Pushes every `interval` in the background (the first push one interval after
    /// [`build`](Self::build)), for jobs that run long enough to be watched; the final push
    /// still happens on shutdown (1 ms to 24 h, checked by [`build`](Self::build)). Failures
    /// are logged through `tracing`.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }

    /// The clock of the periodic pushes and of `job_duration_seconds` (default
    /// [`Clock::System`]): a [`census_export::ManualClock`] lets a test move time by hand.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// On shutdown, deletes the group instead of the final push, for jobs whose metrics must
    /// not outlive them (periodic pushes still happen while the job runs).
    pub fn with_delete_on_shutdown(mut self, delete: bool) -> Self {
        self.delete_on_shutdown = delete;
        self
    }

    /// Adds three gauges to the final push: `job_duration_seconds` (from build to the final
    /// push), `job_last_success_timestamp_seconds` (Unix time; left out when the run failed,
    /// so the last success survives) and `job_last_run_success` (1 or 0), prefixed by the
    /// namespace. A run fails when [`Pushgateway::mark_failed`] was called, when the guard is
    /// dropped during a panic, or on SIGTERM/SIGINT. The final push of a failed run is a
    /// `POST`, whatever [`with_method`](Self::with_method) says, so it keeps the previous
    /// last-success gauge.
    pub fn with_job_outcome_metrics(mut self, on: bool) -> Self {
        self.outcome_metrics = on;
        self
    }

    /// On SIGTERM or SIGINT, marks the run failed, does the final push (bounded by the
    /// timeout), then lets the signal terminate the process as it would have: census-export's
    /// one signal thread, shared with every other exporter. Off by default; leave it off when
    /// the application handles these signals itself (then call [`Pushgateway::shutdown`] from
    /// its handler). The final push on `std::process::exit` needs no switch. Unix only.
    pub fn with_signal_handling(mut self, on: bool) -> Self {
        self.handle_signals = on;
        self
    }

    /// Print mode (ocpush's `isTest`): each push writes its exact body (before gzip) to stdout
    /// instead of sending it, and names its method and URL on stderr; nothing is sent.
    pub fn with_print_to_stdout(self) -> Self {
        self.with_print_to(std::io::stdout())
    }

    /// Print mode to any writer; see [`with_print_to_stdout`](Self::with_print_to_stdout).
    pub fn with_print_to(mut self, writer: impl Write + Send + 'static) -> Self {
        self.print = Some(PrintSink::to_writer(writer));
        self
    }

    /// Checks the configuration, starts the worker thread, registers the exporter with the
    /// exit hook (final push on `std::process::exit`) and, if asked, the signal thread.
    ///
    /// # Errors
    /// A [`BuildError`] naming the bad URL, job, label, header, certificate or option; or
    /// [`BuildError::Spawn`] when a thread cannot start.
    pub fn build(self) -> Result<Pushgateway, BuildError> {
        if let Some(e) = self.url_error {
            return Err(e.into());
        }
        check_push_format(self.format)?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let timeout = check_duration("push timeout", timeout, TIMEOUT_RANGE)?;
        let interval = self
            .interval
            .map(|i| check_duration("push interval", i, INTERVAL_RANGE));
        let interval = interval.transpose()?;
        let base = base_url(&self.url)?;
        let mut key = GroupingKey::new(self.job)?;
        for (n, v) in self.grouping {
            key = key.with_label(n, v)?;
        }
        if let Some(e) = self.option_error {
            return Err(BuildError::Naming {
                source: Box::new(e),
            });
        }
        if let Some((name, _)) = self
            .options
            .const_labels()
            .iter()
            .find(|(n, _)| key.is_reserved(n))
        {
            return Err(BuildError::ConstLabelIsGroupingLabel { name: name.clone() });
        }
        if self.method == Method::Delete {
            return Err(BuildError::DeleteAsPushMethod);
        }
        let reserved = std::iter::once("job".to_string()).chain(key.labels().keys().cloned());
        let options = self.options.with_reserved_labels(reserved);
        let sink = match self.print {
            Some(out) => Sink::Print(out),
            None => Sink::Http {
                client: self.http.build()?,
                retrier: Retrier::new(self.retry),
                gzip: self.gzip,
            },
        };
        let config = Arc::new(Config {
            url: format!("{base}{}", key.path()),
            key,
            options,
            format: self.format,
            meter: self
                .meter
                .unwrap_or_else(|| census_sdk::default_meter().clone()),
            method: self.method,
            timeout,
            delete_on_shutdown: self.delete_on_shutdown,
            outcome: Outcome::new(self.outcome_metrics, &self.clock),
        });
        let push = Push {
            config: config.clone(),
            sink,
            encoder: BodyEncoder::new(config.options.clone(), config.format),
            buf: Vec::new(),
        };
        let schedule = interval.map_or_else(Schedule::never, Schedule::every);
        let worker = Worker::spawn("census-pushgateway", push, schedule.with_clock(self.clock))?;
        let failed = config.clone();
        let life = Lifecycle::new("pushgateway", worker, timeout)
            .with_url(config.url.clone())
            .on_failed_run(move || failed.outcome.set_failed(true));
        let life = Arc::new(life);
        life.register(self.handle_signals)?;
        Ok(Pushgateway { life, config })
    }
}

impl Pushgateway {
    /// Starts a configuration; see [`PushgatewayBuilder`].
    pub fn builder(url: impl Into<String>, job: impl Into<String>) -> PushgatewayBuilder {
        PushgatewayBuilder::new(url, job)
    }
}

/// The gateway's base URL without a trailing `/`, checked.
fn base_url(url: &str) -> Result<String, BuildError> {
    let parsed = check_url("pushgateway", url, false)?;
    if parsed.path().contains("/metrics/job") {
        return Err(BuildError::MetricsPathInUrl { url: url.into() });
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            base_url("http://127.0.0.1:9091").unwrap(),
            "http://127.0.0.1:9091"
        );
        assert_eq!(
            base_url("https://gw.example:443/pg/").unwrap(),
            "https://gw.example/pg"
        );
        assert_eq!(base_url("http://gw//").unwrap(), "http://gw");
        for bad in [
            "127.0.0.1:9091",
            "",
            "http://",
            "http://gw/?a=b",
            "http://gw/metrics/job/x",
        ] {
            let e = base_url(bad).unwrap_err();
            assert!(
                matches!(e, BuildError::Url(_) | BuildError::MetricsPathInUrl { .. }),
                "{bad}: {e}"
            );
            assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
        }
        assert!(matches!(
            base_url("ftp://gw").unwrap_err(),
            BuildError::Url(UrlError::UnsupportedScheme { scheme, .. }) if scheme == "ftp"
        ));
    }
}
