//! See [`InfluxBuilder`] for details.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use census_export::http::HttpSettings;
use census_export::{exit, Clock, Finish, Lifecycle, PrintSink, Retrier, Retry, Schedule, Worker};
use census_prometheus::{ConfigError, ExpositionOptions};
use census_sdk::Meter;
use reqwest::header::HeaderValue;

use crate::encode::{Encoder, Naming};
use crate::error::BuildError;
use crate::exporter::{Influx, Shared};
use crate::send::{Config, Counters, Send, Sink};
use crate::target::Target;

/// The default overall deadline of one export, retries included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default most lines per POST.
pub const DEFAULT_MAX_LINES_PER_REQUEST: usize = 5_000;
/// The default largest datagram: whole lines up to this many bytes (one Ethernet MTU less
/// IP and UDP headers, as StatsD clients do); a longer line travels alone.
pub const DEFAULT_MAX_DATAGRAM_BYTES: usize = 1432;

/// Configures an [`Influx`] exporter. Setters never fail; [`build`](Self::build) checks
/// everything and names the first bad value.
///
/// ```
/// use std::time::Duration;
/// use census_influx::{Influx, Naming};
/// let ex = Influx::builder("http://127.0.0.1:8428/write")
///     .with_meter(census_sdk::Meter::new())
///     .with_naming(Naming::Prometheus)
///     .with_namespace("batch")
///     .with_const_label("host", "db-1")
///     .with_max_lines_per_request(1000)
///     .with_timeout(Duration::from_secs(5))
///     .with_gzip(true)
///     .build()
///     .unwrap();
/// assert_eq!(ex.url(), "http://127.0.0.1:8428/write");
/// # ex.discard();
/// ```
#[must_use]
#[derive(Debug)]
pub struct InfluxBuilder {
    url: String,
    naming: Naming,
    options: ExpositionOptions,
    option_error: Option<ConfigError>,
    meter: Option<Meter>,
    timeout: Duration,
    retry: Retry,
    http: HttpSettings,
    token: Option<String>,
    gzip: bool,
    max_lines: usize,
    max_datagram: usize,
    interval: Option<Duration>,
    clock: Clock,
    handle_signals: bool,
    print: Option<PrintSink>,
}

impl InfluxBuilder {
    /// Starts a configuration for `url`: `http(s)://…/write[?db=…]` (VictoriaMetrics,
    /// InfluxDB 1.x), `http(s)://…/api/v2/write?org=…&bucket=…` (InfluxDB 2.x) or
    /// `udp://host:port`.
    pub fn new(url: impl Into<String>) -> Self {
        InfluxBuilder {
            url: url.into(),
            naming: Naming::default(),
            options: ExpositionOptions::new(),
            option_error: None,
            meter: None,
            timeout: DEFAULT_TIMEOUT,
            retry: Retry::default(),
            http: HttpSettings::new(concat!("census-influx/", env!("CARGO_PKG_VERSION"))),
            token: None,
            gzip: false,
            max_lines: DEFAULT_MAX_LINES_PER_REQUEST,
            max_datagram: DEFAULT_MAX_DATAGRAM_BYTES,
            interval: None,
            clock: Clock::System,
            handle_signals: false,
            print: None,
        }
    }

    /// How views become measurements and fields (default [`Naming::Prometheus`]).
    pub fn with_naming(mut self, naming: Naming) -> Self {
        self.naming = naming;
        self
    }

    /// Prefixes Prometheus names with `namespace_` (census-prometheus's rules).
    pub fn with_namespace(mut self, namespace: &str) -> Self {
        match self.options.clone().with_namespace(namespace) {
            Ok(o) => self.options = o,
            Err(e) => {
                self.option_error.get_or_insert(e);
            }
        }
        self
    }

    /// Adds a tag with a fixed value to every line (a host name, a VictoriaMetrics tenant).
    pub fn with_const_label(mut self, name: &str, value: &str) -> Self {
        match self.options.clone().with_const_label(name, value) {
            Ok(o) => self.options = o,
            Err(e) => {
                self.option_error.get_or_insert(e);
            }
        }
        self
    }

    /// Replaces the naming options wholesale (the pull exporter's type).
    pub fn with_exposition_options(mut self, options: ExpositionOptions) -> Self {
        self.options = options;
        self
    }

    /// The meter whose views are exported (default: [`census_sdk::default_meter`]).
    pub fn with_meter(mut self, meter: Meter) -> Self {
        self.meter = Some(meter);
        self
    }

    /// The overall deadline of one export, every batch and retry included (default
    /// [`DEFAULT_TIMEOUT`]); the final export uses it too.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How failed HTTP attempts are retried inside the deadline (UDP is never retried).
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// InfluxDB 1.x user and password, sent as basic auth (as `u=`/`p=` in the URL are).
    pub fn with_basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.http.basic_auth(user, password);
        self
    }

    /// InfluxDB 2.x API token: `Authorization: Token <token>`.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// An extra header on every request (e.g. a tenant id for a proxy).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.http.header(name, value);
        self
    }

    /// Trusts the CA certificate(s) in `pem` for `https://`, besides the platform's roots.
    pub fn with_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.http.root_certificate_pem(pem);
        self
    }

    /// Gzips request bodies (`Content-Encoding: gzip`; VictoriaMetrics and InfluxDB read it).
    pub fn with_gzip(mut self, gzip: bool) -> Self {
        self.gzip = gzip;
        self
    }

    /// At most this many lines per POST (default [`DEFAULT_MAX_LINES_PER_REQUEST`]).
    pub fn with_max_lines_per_request(mut self, lines: usize) -> Self {
        self.max_lines = lines;
        self
    }

    /// Whole lines per datagram up to this many bytes (default
    /// [`DEFAULT_MAX_DATAGRAM_BYTES`]); a longer line is sent alone.
    pub fn with_max_datagram_bytes(mut self, bytes: usize) -> Self {
        self.max_datagram = bytes;
        self
    }

    /// Exports every `interval` in the background (the first one interval after build); the
    /// final export still happens on shutdown.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }

    /// The clock of the periodic exports (a [`census_export::ManualClock`] in tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// On SIGTERM/SIGINT: the final export, then the signal ends the process as it would
    /// have (census-export's one signal thread). Off by default.
    pub fn with_signal_handling(mut self, on: bool) -> Self {
        self.handle_signals = on;
        self
    }

    /// Print mode: every export writes its exact lines to stdout instead of sending them.
    pub fn with_print_to_stdout(self) -> Self {
        self.with_print_to(std::io::stdout())
    }

    /// Print mode to any writer.
    pub fn with_print_to(mut self, writer: impl Write + std::marker::Send + 'static) -> Self {
        self.print = Some(PrintSink::to_writer(writer));
        self
    }

    /// Checks the configuration, starts the worker thread, registers the exporter with the
    /// exit hook (final export on `std::process::exit`) and, if asked, the signal thread.
    ///
    /// # Errors
    /// A [`BuildError`] naming the bad URL, limit, option, header or certificate.
    pub fn build(self) -> Result<Influx, BuildError> {
        let target = Target::parse(&self.url)?;
        if let Some(e) = self.option_error {
            return Err(BuildError::Naming(e));
        }
        for (what, value) in [
            ("the lines per request", self.max_lines),
            ("the datagram size", self.max_datagram),
        ] {
            if value == 0 {
                return Err(BuildError::InvalidLimit { what, value });
            }
        }
        let shown = target.shown();
        let sink = match (self.print, target) {
            (Some(out), _) => Sink::Print(out),
            (None, Target::Udp { addr }) => Sink::Udp {
                addr,
                max_datagram: self.max_datagram,
                socket: None,
            },
            (
                None,
                Target::Http {
                    url, shown, basic, ..
                },
            ) => {
                let mut http = self.http;
                if let Some((u, p)) = basic {
                    http.basic_auth(u, p);
                }
                let token = match self.token {
                    Some(t) => {
                        let mut v = HeaderValue::from_str(&format!("Token {t}"))
                            .map_err(|_| BuildError::InvalidToken)?;
                        v.set_sensitive(true);
                        Some(v)
                    }
                    None => None,
                };
                Sink::Http {
                    client: http.build()?,
                    retrier: Retrier::new(self.retry),
                    url,
                    shown,
                    gzip: self.gzip,
                    token,
                    max_lines: self.max_lines,
                }
            }
        };
        let config = Arc::new(Config {
            meter: self
                .meter
                .unwrap_or_else(|| census_sdk::default_meter().clone()),
            timeout: self.timeout,
            shown,
            counters: Counters::default(),
        });
        let send = Send {
            config: config.clone(),
            sink,
            encoder: Encoder::new(self.naming, self.options.clone()),
        };
        let schedule = self.interval.map_or_else(Schedule::never, Schedule::every);
        let worker = Worker::spawn("census-influx", send, schedule.with_clock(self.clock))?;
        let life = Lifecycle::new("influx", worker, config.timeout).with_url(config.shown.clone());
        let shared = Arc::new(Shared {
            life,
            config,
            naming: self.naming,
            options: self.options,
        });
        let on_exit: Arc<dyn Finish> = shared.clone();
        exit::register(&on_exit);
        let hooks = exit::install_exit_hook().and_then(|()| match self.handle_signals {
            true => exit::install_signal_handler(),
            false => Ok(()),
        });
        if let Err(e) = hooks {
            shared.life.worker().discard();
            return Err(e.into());
        }
        Ok(Influx::new(shared))
    }
}

impl Influx {
    /// Starts a configuration; see [`InfluxBuilder`].
    pub fn builder(url: impl Into<String>) -> InfluxBuilder {
        InfluxBuilder::new(url)
    }
}
