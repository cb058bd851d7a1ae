//! A real VictoriaMetrics single-node server on free loopback ports: HTTP API (`/write` line
//! protocol, `/api/v1/export`), the Influx line protocol listener (TCP+UDP) and the graphite
//! listener (TCP+UDP).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::http;
use crate::json_labels;
use crate::peer::{find_binary, free_tcp_udp_port, peer_accessors, udp_bound, Peer, Spec, TempDir};
use crate::polling::poll_every;

/// Environment variable naming the victoria-metrics binary to use instead of searching `PATH`.
pub const VICTORIA_METRICS_BIN_ENV: &str = "CENSUS_TESTKIT_VICTORIA_METRICS";

/// One series as `/api/v1/export` gives it: labels (with `__name__`), values and their
/// timestamps in milliseconds, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedSeries {
    /// Every label, `__name__` included.
    pub labels: BTreeMap<String, String>,
    /// The stored values.
    pub values: Vec<f64>,
    /// Their timestamps, Unix milliseconds.
    pub timestamps: Vec<i64>,
}

impl ExportedSeries {
    /// The metric name (`__name__`).
    pub fn name(&self) -> &str {
        self.labels.get("__name__").map_or("", String::as_str)
    }

    /// The labels without `__name__`.
    pub fn labels_without_name(&self) -> BTreeMap<String, String> {
        let mut l = self.labels.clone();
        l.remove("__name__");
        l
    }
}

/// A `victoria-metrics` process owned by the test (Debian package `victoria-metrics`,
/// 1.79.5 here), started with `-search.latencyOffset=0s -search.disableCache` so what was
/// written is readable at once after [`force_flush`](Self::force_flush), and a 100-year
/// retention (timestamps of any age are kept). Stopped by PID on drop.
///
/// ```no_run
/// use census_testkit::VictoriaMetrics;
/// let vm = VictoriaMetrics::start();
/// let r = census_testkit::http::post(&vm.influx_write_url(), b"jobs,kind=a done=3\n").unwrap();
/// assert_eq!(r.status, 204);
/// let s = vm.wait_export("{__name__=\"jobs_done\"}", |s| !s.is_empty());
/// assert_eq!(s[0].values, [3.0]);
/// ```
#[derive(Debug)]
pub struct VictoriaMetrics {
    peer: Peer,
    influx_port: u16,
    graphite_port: u16,
}

impl VictoriaMetrics {
    /// How long [`wait_export`](Self::wait_export) waits by default.
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);

    /// Starts VictoriaMetrics with its Influx and graphite listeners and waits until
    /// `/health` answers 200 and the Influx UDP socket is bound.
    ///
    /// # Panics
    /// If `victoria-metrics` is not installed (run `scripts/install-peers`), or it exits or is
    /// not ready in time (the message has the last log lines).
    pub fn start() -> VictoriaMetrics {
        VictoriaMetrics::start_with_args(&[])
    }

    /// [`start`](Self::start) with extra flags, e.g. `-influxSkipSingleField`.
    pub fn start_with_args(extra_args: &[&str]) -> VictoriaMetrics {
        let program = find_binary(
            "victoria-metrics",
            VICTORIA_METRICS_BIN_ENV,
            "victoria-metrics",
        );
        let dir = TempDir::new("victoria-metrics").expect("create victoria-metrics temp dir");
        let data = dir.path().join("data");
        let extra: Vec<String> = extra_args.iter().map(|s| s.to_string()).collect();
        let ports = Cell::new((0u16, 0u16));
        let args = |port: u16| {
            let (influx, graphite) = (free_tcp_udp_port(), free_tcp_udp_port());
            ports.set((influx, graphite));
            let mut a = vec![
                format!("-httpListenAddr=127.0.0.1:{port}"),
                format!("-storageDataPath={}", data.display()),
                format!("-influxListenAddr=127.0.0.1:{influx}"),
                format!("-graphiteListenAddr=127.0.0.1:{graphite}"),
                "-retentionPeriod=100y".into(),
                "-search.latencyOffset=0s".into(),
                "-search.disableCache".into(),
            ];
            a.extend(extra.iter().cloned());
            a
        };
        let peer = Peer::start(
            &Spec {
                name: "victoria-metrics",
                program,
                args: &args,
                ready_path: "/health",
                any_status_is_ready: false,
                ready_check: None,
            },
            dir,
        );
        let (influx_port, graphite_port) = ports.get();
        let bound = poll_every(Duration::from_secs(10), Duration::from_millis(20), || {
            udp_bound(influx_port).then_some(())
        });
        assert!(
            bound.is_some(),
            "victoria-metrics: the Influx UDP listener on 127.0.0.1:{influx_port} never opened\n{}",
            peer.log()
        );
        VictoriaMetrics {
            peer,
            influx_port,
            graphite_port,
        }
    }

    peer_accessors!("victoria-metrics");

    /// `http://127.0.0.1:<port>/write`: Influx line protocol over HTTP.
    pub fn influx_write_url(&self) -> String {
        format!("{}/write", self.peer.url)
    }

    /// `127.0.0.1:<port>` of the Influx line protocol listener (TCP and UDP).
    pub fn influx_addr(&self) -> String {
        format!("127.0.0.1:{}", self.influx_port)
    }

    /// `127.0.0.1:<port>` of the graphite plaintext listener (TCP and UDP).
    pub fn graphite_addr(&self) -> String {
        format!("127.0.0.1:{}", self.graphite_port)
    }

    /// `GET /internal/force_flush`: makes recently written samples searchable.
    ///
    /// # Panics
    /// If the request fails.
    pub fn force_flush(&self) {
        let url = format!("{}/internal/force_flush", self.peer.url);
        let r = http::get(&url).unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert_eq!(r.status, 200, "GET {url}: {}", r.text());
    }

    /// Flushes, then `GET /api/v1/export?match[]=<selector>`: every matching series, sorted
    /// by labels.
    ///
    /// # Panics
    /// If the request fails or the answer is not export JSON lines.
    pub fn export(&self, selector: &str) -> Vec<ExportedSeries> {
        self.force_flush();
        let url = format!(
            "{}/api/v1/export?match[]={}",
            self.peer.url,
            http::encode_component(selector)
        );
        let r = http::get(&url).unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert_eq!(r.status, 200, "GET {url}: {}", r.text());
        let mut out: Vec<ExportedSeries> = r
            .text()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let v: Value = serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("export line {l:?} is not JSON: {e}"));
                ExportedSeries {
                    labels: json_labels(&v["metric"]),
                    values: v["values"]
                        .as_array()
                        .map(|a| a.iter().map(json_f64).collect())
                        .unwrap_or_default(),
                    timestamps: v["timestamps"]
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_i64).collect())
                        .unwrap_or_default(),
                }
            })
            .collect();
        out.sort_by(|a, b| a.labels.cmp(&b.labels));
        out
    }

    /// Polls [`export`](Self::export) until `ready` accepts its answer (at most
    /// [`DEFAULT_DEADLINE`](Self::DEFAULT_DEADLINE)) and returns that answer.
    ///
    /// # Panics
    /// When the deadline passes, with the last answer.
    pub fn wait_export(
        &self,
        selector: &str,
        mut ready: impl FnMut(&[ExportedSeries]) -> bool,
    ) -> Vec<ExportedSeries> {
        let mut last = Vec::new();
        let got = poll_every(Self::DEFAULT_DEADLINE, Duration::from_millis(50), || {
            last = self.export(selector);
            ready(&last).then(|| last.clone())
        });
        got.unwrap_or_else(|| {
            panic!(
                "victoria-metrics: {selector} not as expected after {:?}; last export: {last:#?}",
                Self::DEFAULT_DEADLINE
            )
        })
    }
}

/// Export values are numbers, or strings for NaN/Inf in some versions.
fn json_f64(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => match s.as_str() {
            "Inf" | "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            s => s.parse().unwrap_or(f64::NAN),
        },
        _ => f64::NAN,
    }
}
