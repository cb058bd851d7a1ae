//! A real Prometheus server scraping given targets every second.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::http;
use crate::peer::{find_binary, peer_accessors, tail, Peer, Spec, TempDir};
use crate::polling::poll_every;
use crate::{json_labels, Pushgateway, Sample};

/// Environment variable naming the prometheus binary to use instead of
/// searching `PATH` for `prometheus`.
pub const PROMETHEUS_BIN_ENV: &str = "CENSUS_TESTKIT_PROMETHEUS";

/// One static scrape target in the generated `prometheus.yml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapeTarget {
    /// `job_name` of the scrape config (becomes the `job` label unless
    /// `honor_labels` keeps a scraped one).
    pub job: String,
    /// `host:port` to scrape, e.g. `127.0.0.1:9464`.
    pub address: String,
    /// HTTP path to scrape, e.g. `/metrics`.
    pub metrics_path: String,
    /// `honor_labels`: keep `job`/`instance` labels from the scraped data
    /// (what a Pushgateway needs) instead of renaming them to `exported_*`.
    pub honor_labels: bool,
}

impl ScrapeTarget {
    /// A target from its four parts.
    pub fn new(
        job: impl Into<String>,
        address: impl Into<String>,
        metrics_path: impl Into<String>,
        honor_labels: bool,
    ) -> ScrapeTarget {
        ScrapeTarget {
            job: job.into(),
            address: address.into(),
            metrics_path: metrics_path.into(),
            honor_labels,
        }
    }

    /// The usual way to scrape a gateway: job `pushgateway`, `/metrics`,
    /// `honor_labels: true`.
    pub fn pushgateway(gateway: &Pushgateway) -> ScrapeTarget {
        ScrapeTarget::new("pushgateway", gateway.address(), "/metrics", true)
    }
}

/// Health of one active scrape target, from `/api/v1/targets`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetHealth {
    /// The target's `job` label.
    pub job: String,
    /// The URL Prometheus scrapes.
    pub scrape_url: String,
    /// `up`, `down` or `unknown` (not scraped yet).
    pub health: String,
    /// Error of the last scrape; empty if it succeeded.
    pub last_error: String,
}

/// A `prometheus` server process owned by the test.
///
/// Scrapes its [`ScrapeTarget`]s every second (`scrape_timeout` 1 s), keeps
/// its TSDB, config and log in a private temp dir and listens on
/// `127.0.0.1:<free port>`. Stopped (SIGTERM, then SIGKILL) on drop.
///
/// Prometheus only starts scraping about 5–6 s after it is ready (target
/// updates are throttled to every 5 s), so poll with [`wait_for`] and a
/// generous deadline such as [`Prometheus::DEFAULT_DEADLINE`].
///
/// [`wait_for`]: Prometheus::wait_for
///
/// ```no_run
/// use census_testkit::{Prometheus, ScrapeTarget};
///
/// let prom = Prometheus::start(&[ScrapeTarget::new("app", "127.0.0.1:9464", "/metrics", false)]);
/// let samples = prom.wait_for("up{job=\"app\"}", Prometheus::DEFAULT_DEADLINE, |s| {
///     s.iter().any(|(_, v)| *v == 1.0)
/// });
/// assert_eq!(samples[0].0["instance"], "127.0.0.1:9464");
/// ```
#[derive(Debug)]
pub struct Prometheus {
    peer: Peer,
    config_path: PathBuf,
}

impl Prometheus {
    /// A deadline for [`wait_for`](Self::wait_for) that covers the ~5–6 s
    /// until the first scrape with a wide margin for loaded CI machines.
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(20);

    /// Writes `prometheus.yml` for `targets`, starts Prometheus and waits
    /// until `GET /-/ready` answers 200 (deadline 30 s). Targets may be empty
    /// (Prometheus then only has its own data, if any).
    ///
    /// # Panics
    ///
    /// If `prometheus` is not installed (run `scripts/install-peers`), or if
    /// it exits or is not ready in time; the message includes the last log
    /// lines.
    pub fn start(targets: &[ScrapeTarget]) -> Prometheus {
        Prometheus::start_with_args(targets, &[])
    }

    /// Like [`start`](Self::start), with extra command-line flags appended
    /// (e.g. `--web.enable-lifecycle` to allow `POST /-/reload`).
    pub fn start_with_args(targets: &[ScrapeTarget], extra_args: &[&str]) -> Prometheus {
        let program = find_binary("prometheus", PROMETHEUS_BIN_ENV, "prometheus");
        let dir = TempDir::new("prometheus").expect("create prometheus temp dir");
        let config_path = dir.path().join("prometheus.yml");
        fs::write(&config_path, config_yaml(targets))
            .unwrap_or_else(|e| panic!("write {}: {e}", config_path.display()));
        let data = dir.path().join("data");
        let extra: Vec<String> = extra_args.iter().map(|s| s.to_string()).collect();
        let cfg = config_path.display().to_string();
        let args = move |port: u16| {
            let mut a = vec![
                format!("--config.file={cfg}"),
                format!("--storage.tsdb.path={}", data.display()),
                format!("--web.listen-address=127.0.0.1:{port}"),
            ];
            a.extend(extra.iter().cloned());
            a
        };
        let peer = Peer::start(
            &Spec {
                name: "prometheus",
                program,
                args: &args,
                ready_path: "/-/ready",
                any_status_is_ready: false,
                ready_check: None,
            },
            dir,
        );
        // Make sure the server on that port is ours (free_port() can race).
        let flags = http::get(&format!("{}/api/v1/status/flags", peer.url))
            .ok()
            .and_then(|r| r.json().ok());
        let seen = flags
            .as_ref()
            .and_then(|f| f["data"]["config.file"].as_str());
        assert_eq!(
            seen,
            Some(config_path.to_str().unwrap_or_default()),
            "the Prometheus on {} is not the one just started (port taken by another process?)",
            peer.url
        );
        Prometheus { peer, config_path }
    }

    peer_accessors!("Prometheus");

    /// The private temp dir (config, `data/` TSDB, log).
    pub fn dir(&self) -> &Path {
        self.peer.dir.path()
    }

    /// The generated `prometheus.yml`.
    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    /// Runs an instant query (`/api/v1/query`, evaluated now) and returns
    /// the vector result as (labels incl. `__name__`, value) pairs; a scalar
    /// result is one pair with no labels.
    ///
    /// # Panics
    ///
    /// If the request fails or Prometheus reports an error (bad PromQL, …);
    /// see [`try_query`](Self::try_query).
    pub fn query(&self, promql: &str) -> Vec<Sample> {
        self.try_query(promql)
            .unwrap_or_else(|e| panic!("query {promql:?} failed: {e}"))
    }

    /// Like [`query`](Self::query), returning errors instead of panicking.
    pub fn try_query(&self, promql: &str) -> Result<Vec<Sample>, String> {
        let url = format!(
            "{}/api/v1/query?query={}",
            self.url(),
            http::encode_component(promql)
        );
        let (status, json) = get_json(&url)?;
        if status != 200 || json["status"] != "success" {
            return Err(format!("status {status}: {json}"));
        }
        parse_query_data(&json["data"])
    }

    /// Polls `promql` (every 200 ms) until `accept` returns true for its
    /// result, and returns that result. Query errors count as "not yet".
    ///
    /// # Panics
    ///
    /// After `deadline`, with the last result or error, the target health
    /// and the last log lines.
    pub fn wait_for(
        &self,
        promql: &str,
        deadline: Duration,
        mut accept: impl FnMut(&[Sample]) -> bool,
    ) -> Vec<Sample> {
        let mut last = Err("never queried".to_string());
        let accepted = poll_every(deadline, WAIT_INTERVAL, || {
            last = self.try_query(promql);
            match &last {
                Ok(samples) if accept(samples) => Some(samples.clone()),
                _ => None,
            }
        });
        if let Some(samples) = accepted {
            return samples;
        }
        panic!(
            "Prometheus: {promql:?} did not give an accepted result within {deadline:?}\n\
             last result: {last:?}\ntargets: {:?}\nlast log lines:\n{}",
            self.try_targets(),
            tail(&self.log(), 15)
        );
    }

    /// Health of all active targets (`/api/v1/targets?state=active`).
    ///
    /// # Panics
    ///
    /// If the request fails or the answer is not the expected JSON.
    pub fn targets(&self) -> Vec<TargetHealth> {
        self.try_targets()
            .unwrap_or_else(|e| panic!("Prometheus targets: {e}"))
    }

    fn try_targets(&self) -> Result<Vec<TargetHealth>, String> {
        let url = format!("{}/api/v1/targets?state=active", self.url());
        let (_, json) = get_json(&url)?;
        let active = json["data"]["activeTargets"]
            .as_array()
            .ok_or_else(|| format!("no data.activeTargets in {json}"))?;
        let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
        Ok(active
            .iter()
            .map(|t| TargetHealth {
                job: s(&t["labels"]["job"]),
                scrape_url: s(&t["scrapeUrl"]),
                health: s(&t["health"]),
                last_error: s(&t["lastError"]),
            })
            .collect())
    }

    /// Polls [`targets`](Self::targets) until there is at least one and all
    /// are `up`; returns them.
    ///
    /// # Panics
    ///
    /// After `deadline`, with the last target health and log lines.
    pub fn wait_for_targets_up(&self, deadline: Duration) -> Vec<TargetHealth> {
        let mut last = Err("never asked".to_string());
        let up = poll_every(deadline, WAIT_INTERVAL, || {
            last = self.try_targets();
            match &last {
                Ok(t) if !t.is_empty() && t.iter().all(|t| t.health == "up") => Some(t.clone()),
                _ => None,
            }
        });
        if let Some(targets) = up {
            return targets;
        }
        panic!(
            "Prometheus targets not all up within {deadline:?}: {last:?}\nlast log lines:\n{}",
            tail(&self.log(), 15)
        );
    }
}

/// How often [`Prometheus::wait_for`] asks again.
const WAIT_INTERVAL: Duration = Duration::from_millis(200);

/// `GET url`: the status and the body as JSON.
fn get_json(url: &str) -> Result<(u16, Value), String> {
    let resp = http::get(url).map_err(|e| format!("GET {url}: {e}"))?;
    let json = resp.json().map_err(|e| {
        format!(
            "status {}, invalid JSON ({e}): {}",
            resp.status,
            resp.text()
        )
    })?;
    Ok((resp.status, json))
}

/// YAML single-quoted scalar.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn config_yaml(targets: &[ScrapeTarget]) -> String {
    let mut y = String::from(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n",
    );
    if targets.is_empty() {
        y.push_str("scrape_configs: []\n");
        return y;
    }
    y.push_str("scrape_configs:\n");
    for t in targets {
        let _ = write!(
            y,
            "  - job_name: {}\n    metrics_path: {}\n    honor_labels: {}\n    static_configs:\n      - targets: [{}]\n",
            quote(&t.job),
            quote(&t.metrics_path),
            t.honor_labels,
            quote(&t.address)
        );
    }
    y
}

fn parse_query_data(data: &Value) -> Result<Vec<Sample>, String> {
    let value_of = |v: &Value| -> Result<f64, String> {
        v[1].as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad sample value {v}"))
    };
    match data["resultType"].as_str() {
        Some("vector") => data["result"]
            .as_array()
            .ok_or_else(|| format!("no result array in {data}"))?
            .iter()
            .map(|r| Ok((json_labels(&r["metric"]), value_of(&r["value"])?)))
            .collect(),
        Some("scalar") => Ok(vec![(Default::default(), value_of(&data["result"])?)]),
        other => Err(format!(
            "unsupported resultType {other:?} (use an instant vector or scalar query): {data}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_for_targets() {
        let y = config_yaml(&[
            ScrapeTarget::new("pushgateway", "127.0.0.1:1", "/metrics", true),
            ScrapeTarget::new("it's", "127.0.0.1:2", "/m", false),
        ]);
        assert!(
            y.contains("scrape_interval: 1s\n  scrape_timeout: 1s\n"),
            "{y}"
        );
        assert!(y.contains("  - job_name: 'pushgateway'\n    metrics_path: '/metrics'\n    honor_labels: true\n    static_configs:\n      - targets: ['127.0.0.1:1']\n"), "{y}");
        assert!(y.contains("job_name: 'it''s'"), "{y}");
        assert!(config_yaml(&[]).ends_with("scrape_configs: []\n"));
    }

    #[test]
    fn parse_vector_and_scalar() {
        let v: Value = serde_json::from_str(
            r#"{"resultType":"vector","result":[{"metric":{"__name__":"x","job":"e2e"},"value":[1795310582.761,"17"]}]}"#,
        )
        .unwrap();
        let s = parse_query_data(&v).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].0["job"], "e2e");
        assert_eq!(s[0].1, 17.0);
        let v: Value =
            serde_json::from_str(r#"{"resultType":"scalar","result":[1.5,"NaN"]}"#).unwrap();
        assert!(parse_query_data(&v).unwrap()[0].1.is_nan());
        let v: Value = serde_json::from_str(r#"{"resultType":"matrix","result":[]}"#).unwrap();
        assert!(parse_query_data(&v).is_err());
    }
}
