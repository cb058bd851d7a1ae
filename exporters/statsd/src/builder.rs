//! See [`StatsdBuilder`] for details.

use census_export::{check_duration, INTERVAL_RANGE, TIMEOUT_RANGE};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use census_export::{Clock, Lifecycle, PrintSink, Schedule, SelfMetrics, Worker};
use census_sdk::Meter;

use crate::batch::{Batch, Config, Out};
use crate::error::BuildError;
use crate::escape::{first_bad_name_char, first_bad_tag_char};
use crate::exporter::Statsd;
use crate::flavor::Flavor;
use crate::lines::Lines;
use crate::packing::{DEFAULT_DATAGRAM, MAX_DATAGRAM};
use crate::stats::Counters;
use crate::transport::Udp;
use crate::writer::StatsdWriter;

/// The default StatsD address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8125";
/// The default budget of one export and of the final delivery.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Configures a [`Statsd`] exporter. Setters never fail; [`build`](Self::build) checks
/// everything and names the first bad value.
///
/// ```
/// use std::time::Duration;
/// use census_statsd::{BuildError, Flavor, Statsd};
///
/// let s = Statsd::builder("127.0.0.1:8125")
///     .with_flavor(Flavor::DogStatsd)
///     .with_namespace("myapp")
///     .with_const_tag("host", "web-1")
///     .with_max_datagram(508)
///     .with_interval(Duration::from_secs(10))
///     .with_meter(census_sdk::Meter::new())
///     .build()
///     .unwrap();
/// assert_eq!(s.addr(), "127.0.0.1:8125");
/// # s.discard();
///
/// let e = Statsd::builder("127.0.0.1").build().unwrap_err();
/// assert!(matches!(e, BuildError::Address { .. }));
/// assert!(e.to_string().starts_with("StatsD address \"127.0.0.1\" is invalid: no :port"), "{e}");
/// let e = Statsd::builder("127.0.0.1:8125").with_max_datagram(70_000).build().unwrap_err();
/// assert!(e.to_string().starts_with("datagram size 70000 is out of range"), "{e}");
/// let e = Statsd::builder("127.0.0.1:8125").with_namespace("my app").build().unwrap_err();
/// assert!(e.to_string().starts_with("StatsD namespace \"my app\" contains ' '"), "{e}");
/// ```
#[must_use]
#[derive(Debug)]
pub struct StatsdBuilder {
    addr: String,
    flavor: Flavor,
    namespace: String,
    const_tags: Vec<(String, String)>,
    meter: Option<Meter>,
    max_datagram: usize,
    timeout: Duration,
    interval: Option<Duration>,
    clock: Clock,
    handle_signals: bool,
    self_metrics: bool,
    print: Option<PrintSink>,
}

impl StatsdBuilder {
    /// Starts a configuration for the server at `addr` (`host:port`; the host is resolved at
    /// each export, so DNS changes are followed).
    pub fn new(addr: impl Into<String>) -> Self {
        StatsdBuilder {
            addr: addr.into(),
            flavor: Flavor::default(),
            namespace: String::new(),
            const_tags: Vec::new(),
            meter: None,
            max_datagram: DEFAULT_DATAGRAM,
            timeout: DEFAULT_TIMEOUT,
            interval: None,
            clock: Clock::System,
            handle_signals: false,
            self_metrics: false,
            print: None,
        }
    }

    /// The server kind (default [`Flavor::Etsy`]): tag syntax and negative gauges.
    pub fn with_flavor(mut self, flavor: Flavor) -> Self {
        self.flavor = flavor;
        self
    }

    /// Names become `<namespace>.<view name>` (default: no namespace).
    pub fn with_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// Adds a tag to every line (a hostname, a tenant label); a row's own tag of the same key
    /// wins, as prometheus-push-client's `default_labelvalues` do.
    pub fn with_const_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.const_tags.push((key.into(), value.into()));
        self
    }

    /// Adds several constant tags.
    pub fn with_const_tags<K: Into<String>, V: Into<String>>(
        mut self,
        tags: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.const_tags
            .extend(tags.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// The meter whose views are exported (default: [`census_sdk::default_meter`]).
    pub fn with_meter(mut self, meter: Meter) -> Self {
        self.meter = Some(meter);
        self
    }

    /// The largest datagram payload (default 1432 bytes; at most 65,507). Whole lines are
    /// packed up to it, never split; a longer single line is sent alone and counted.
    pub fn with_max_datagram(mut self, bytes: usize) -> Self {
        self.max_datagram = bytes;
        self
    }

    /// How long an explicit export and the final delivery may take (default 5 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Exports every `interval` in the background (the first one interval after build); the
    /// final export still happens on shutdown.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }

    /// The clock of the periodic exports ([`census_export::ManualClock`] in tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// On SIGTERM/SIGINT, does the final export, then lets the signal end the process
    /// (census-export's one signal thread). Off by default.
    pub fn with_signal_handling(mut self, on: bool) -> Self {
        self.handle_signals = on;
        self
    }

    /// Also sends the exporter's own metrics (exports by result, durations, bytes) with
    /// every export. Off by default.
    pub fn with_self_metrics(mut self, on: bool) -> Self {
        self.self_metrics = on;
        self
    }

    /// Print mode: every export writes its lines to stdout instead of sending them.
    pub fn with_print_to_stdout(self) -> Self {
        self.with_print_to(std::io::stdout())
    }

    /// Print mode to any writer.
    pub fn with_print_to(mut self, writer: impl Write + Send + 'static) -> Self {
        self.print = Some(PrintSink::to_writer(writer));
        self
    }

    /// Checks the configuration, starts the worker thread and registers the final export with
    /// census-export's exit hook (and the signal thread, if asked).
    ///
    /// # Errors
    /// A [`BuildError`] naming the bad address, datagram size, namespace or constant tag, or
    /// [`BuildError::Spawn`].
    pub fn build(self) -> Result<Statsd, BuildError> {
        check_addr(&self.addr)?;
        check_duration("statsd timeout", self.timeout, TIMEOUT_RANGE)?;
        if let Some(i) = self.interval {
            check_duration("statsd interval", i, INTERVAL_RANGE)?;
        }
        if self.max_datagram == 0 || self.max_datagram > MAX_DATAGRAM {
            return Err(BuildError::DatagramSize {
                size: self.max_datagram,
            });
        }
        if let Some(bad) = first_bad_name_char(&self.namespace) {
            return Err(BuildError::Namespace {
                namespace: self.namespace,
                bad,
            });
        }
        for (key, value) in &self.const_tags {
            let problem = if key.is_empty() {
                Some("the key is empty".to_string())
            } else {
                first_bad_tag_char(key)
                    .or_else(|| first_bad_tag_char(value))
                    .map(|c| format!("it contains {c:?}"))
            };
            if let Some(problem) = problem {
                return Err(BuildError::ConstTag {
                    key: key.clone(),
                    value: value.clone(),
                    problem,
                });
            }
        }
        let self_metrics = SelfMetrics::new("statsd").map_err(BuildError::SelfMetrics)?;
        let config = Arc::new(Config {
            addr: self.addr.clone(),
            meter: self
                .meter
                .unwrap_or_else(|| census_sdk::default_meter().clone()),
            max_datagram: self.max_datagram,
            timeout: self.timeout,
            counters: Counters::default(),
            self_metrics,
            send_self_metrics: self.self_metrics,
        });
        let out = match self.print {
            Some(sink) => Out::Print(sink),
            None => Out::Udp(Udp::new(self.addr.clone())),
        };
        let batch = Batch {
            config: config.clone(),
            writer: StatsdWriter::new(self.flavor, &self.namespace, self.const_tags),
            out,
            lines: Lines::new(),
        };
        let schedule = self.interval.map_or_else(Schedule::never, Schedule::every);
        let worker = Worker::spawn("census-statsd", batch, schedule.with_clock(self.clock))?;
        let life =
            Lifecycle::new("statsd", worker, self.timeout).with_url(format!("udp://{}", self.addr));
        let life = Arc::new(life);
        life.register(self.handle_signals)?;
        Ok(Statsd {
            life,
            config,
            flavor: self.flavor,
        })
    }
}

/// `host:port` with a non-empty host and a numeric port (an IPv6 host in brackets).
pub fn check_addr(addr: &str) -> Result<(), BuildError> {
    let bad = |problem| BuildError::Address {
        addr: addr.into(),
        problem,
    };
    let Some((host, port)) = addr.rsplit_once(':') else {
        return Err(bad("no :port"));
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    if host.contains(':') && !(host.starts_with('[') && host.ends_with(']')) {
        return Err(bad("an IPv6 host must be in brackets"));
    }
    if host.chars().any(char::is_whitespace) {
        return Err(bad("the host contains whitespace"));
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 => Ok(()),
        _ => Err(bad("the port is not a number from 1 to 65535")),
    }
}

impl Statsd {
    /// Starts a configuration; see [`StatsdBuilder`].
    pub fn builder(addr: impl Into<String>) -> StatsdBuilder {
        StatsdBuilder::new(addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        for ok in ["127.0.0.1:8125", "statsd:1", "[::1]:8125", "a.b.c:65535"] {
            check_addr(ok).unwrap();
        }
        for (bad, problem) in [
            ("127.0.0.1", "no :port"),
            (":8125", "no host"),
            ("::1:8125", "an IPv6 host must be in brackets"),
            ("host:0", "the port is not a number from 1 to 65535"),
            ("host:http", "the port is not a number from 1 to 65535"),
            ("my host:1", "the host contains whitespace"),
        ] {
            let e = check_addr(bad).unwrap_err();
            assert!(
                matches!(&e, BuildError::Address { addr, problem: p } if addr == bad && *p == problem),
                "{bad}: {e}"
            );
            assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
        }
    }

    #[test]
    fn constant_tags_are_checked() {
        for (k, v) in [("", "x"), ("a b", "x"), ("k", "v,w"), ("k", "v|#x")] {
            let e = Statsd::builder(DEFAULT_ADDR)
                .with_const_tag(k, v)
                .build()
                .unwrap_err();
            assert!(
                matches!(&e, BuildError::ConstTag { key, value, .. } if key == k && value == v),
                "{e}"
            );
        }
        let e = Statsd::builder(DEFAULT_ADDR)
            .with_max_datagram(0)
            .build()
            .unwrap_err();
        assert!(matches!(e, BuildError::DatagramSize { size: 0 }));
    }
}
