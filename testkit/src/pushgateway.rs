//! A real Prometheus Pushgateway on a free loopback port.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::http;
use crate::peer::{find_binary, peer_accessors, Peer, Spec, TempDir};
use crate::{json_labels, Sample};

/// Environment variable naming the pushgateway binary to use instead of
/// searching `PATH` for `prometheus-pushgateway` (e.g. an upstream
/// `pushgateway` tarball build).
pub const PUSHGATEWAY_BIN_ENV: &str = "CENSUS_TESTKIT_PUSHGATEWAY";

/// A `prometheus-pushgateway` process owned by the test.
///
/// Runs memory-only (`--persistence.file=""`) with the admin API (wipe) and
/// the lifecycle API (`/-/quit`) enabled, listening on `127.0.0.1:<free
/// port>`, with its working directory and log file in a private temp dir.
/// Stopped (SIGTERM, then SIGKILL) and cleaned up on drop.
///
/// ```no_run
/// use census_testkit::{http, Pushgateway};
///
/// let gw = Pushgateway::start();
/// let resp = http::put(
///     &format!("{}/metrics/job/demo/instance/i1", gw.url()),
///     b"# TYPE demo_total counter\ndemo_total 3\n",
/// )
/// .unwrap();
/// assert_eq!(resp.status, 200);
/// let values = gw.values(&[("job", "demo"), ("instance", "i1")], "demo_total");
/// assert_eq!(values[0].1, 3.0);
/// ```
#[derive(Debug)]
pub struct Pushgateway {
    peer: Peer,
}

impl Pushgateway {
    /// Starts a pushgateway with the default flags and waits until
    /// `GET /-/ready` answers 200 (deadline 30 s).
    ///
    /// # Panics
    ///
    /// If `prometheus-pushgateway` is not installed (run
    /// `scripts/install-peers`), or if it exits or is not ready in time; the
    /// message includes the last log lines.
    pub fn start() -> Pushgateway {
        Pushgateway::start_with_args(&[])
    }

    /// Like [`start`](Self::start), with extra command-line flags appended,
    /// e.g. `--push.disable-consistency-check` or
    /// `--web.config.file=/path/web.yml`.
    ///
    /// With `--web.config.file` (basic auth and/or TLS apply to every
    /// endpoint, `/-/ready` included) any HTTP answer on `/-/ready` counts as
    /// ready, since the plain client here cannot authenticate.
    pub fn start_with_args(extra_args: &[&str]) -> Pushgateway {
        let program = find_binary(
            "prometheus-pushgateway",
            PUSHGATEWAY_BIN_ENV,
            "prometheus-pushgateway",
        );
        let dir = TempDir::new("pushgateway").expect("create pushgateway temp dir");
        let extra: Vec<String> = extra_args.iter().map(|s| s.to_string()).collect();
        let args = move |port: u16| {
            let mut a = vec![
                format!("--web.listen-address=127.0.0.1:{port}"),
                "--persistence.file=".to_string(),
                "--web.enable-admin-api".to_string(),
                "--web.enable-lifecycle".to_string(),
            ];
            a.extend(extra.iter().cloned());
            a
        };
        let any_status_is_ready = extra_args
            .iter()
            .any(|a| a.starts_with("--web.config.file"));
        let peer = Peer::start(
            &Spec {
                name: "pushgateway",
                program,
                args: &args,
                ready_path: "/-/ready",
                any_status_is_ready,
                ready_check: None,
            },
            dir,
        );
        Pushgateway { peer }
    }

    peer_accessors!("the gateway");

    /// `127.0.0.1:<port>`, the form a Prometheus scrape target takes.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.peer.port)
    }

    /// The private temp dir (working directory; holds `pushgateway.log`).
    /// Handy for writing a `--web.config.file` before a restart.
    pub fn dir(&self) -> &Path {
        self.peer.dir.path()
    }

    /// Path of the log file (stdout and stderr of the process).
    pub fn log_path(&self) -> PathBuf {
        self.peer.log_path.clone()
    }

    /// `GET /api/v1/metrics` and return its `data`: a JSON array with one
    /// object per group (`labels` = grouping key, `last_push_successful`,
    /// and one entry per metric family, whose `metrics[].value` are
    /// strings). Groups come in no particular order.
    ///
    /// # Panics
    ///
    /// On a connection error, a non-200 status or unexpected JSON.
    pub fn api_metrics(&self) -> Value {
        let url = format!("{}/api/v1/metrics", self.url());
        let resp = http::get(&url).unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert_eq!(resp.status, 200, "GET {url}: {}", resp.text());
        let mut json = resp
            .json()
            .unwrap_or_else(|e| panic!("GET {url}: invalid JSON ({e}): {}", resp.text()));
        assert_eq!(json["status"], "success", "GET {url}: {json}");
        json["data"].take()
    }

    /// The group whose grouping key is exactly `grouping_key` (e.g.
    /// `[("job", "demo"), ("instance", "i1")]`; order does not matter), from
    /// a fresh [`api_metrics`](Self::api_metrics).
    pub fn group(&self, grouping_key: &[(&str, &str)]) -> Option<Value> {
        find_group(&self.api_metrics(), grouping_key).cloned()
    }

    /// The series of family `family` in the group `grouping_key`, as (labels,
    /// value) pairs; empty when the group or family does not exist. The
    /// labels are those the gateway stores (grouping key labels included,
    /// `instance=""` when none was pushed).
    ///
    /// Only series with a single `value` (counter, gauge, untyped) are
    /// returned; read histograms and summaries from [`group`](Self::group).
    pub fn values(&self, grouping_key: &[(&str, &str)], family: &str) -> Vec<Sample> {
        find_group(&self.api_metrics(), grouping_key)
            .map(|g| family_values(g, family))
            .unwrap_or_default()
    }

    /// `GET /metrics`: the text exposition of everything the gateway serves
    /// (pushed series, `push_time_seconds`, the gateway's own metrics).
    ///
    /// # Panics
    ///
    /// On a connection error or a non-200 status (the gateway answers 500
    /// when its groups are inconsistent; use [`http::get`] to test that).
    pub fn metrics_text(&self) -> String {
        let url = format!("{}/metrics", self.url());
        let resp = http::get(&url).unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert_eq!(resp.status, 200, "GET {url}: {}", resp.text());
        resp.text()
    }

    /// `PUT /api/v1/admin/wipe`: deletes every group (the gateway answers 202
    /// and applies it asynchronously).
    ///
    /// # Panics
    ///
    /// On a connection error or a status other than 202 (for instance when
    /// started without the admin API).
    pub fn wipe(&self) {
        let url = format!("{}/api/v1/admin/wipe", self.url());
        let resp =
            http::request("PUT", &url, &[], b"").unwrap_or_else(|e| panic!("PUT {url}: {e}"));
        assert_eq!(resp.status, 202, "PUT {url}: {}", resp.text());
    }
}

/// In the `data` array returned by [`Pushgateway::api_metrics`], finds the
/// group whose `labels` (grouping key) are exactly `grouping_key`.
///
/// Use this to make several lookups in one consistent snapshot.
pub fn find_group<'a>(data: &'a Value, grouping_key: &[(&str, &str)]) -> Option<&'a Value> {
    let want: BTreeMap<&str, &str> = grouping_key.iter().copied().collect();
    data.as_array()?.iter().find(|g| {
        g["labels"].as_object().is_some_and(|labels| {
            labels.len() == want.len()
                && labels
                    .iter()
                    .all(|(k, v)| want.get(k.as_str()) == Some(&v.as_str().unwrap_or_default()))
        })
    })
}

/// The (labels, value) pairs of family `family` in one group object (see
/// [`find_group`]). Values are parsed from the gateway's strings (`"NaN"`,
/// `"+Inf"` included); series without a single `value` field (histograms,
/// summaries) are skipped.
pub fn family_values(group: &Value, family: &str) -> Vec<Sample> {
    let Some(metrics) = group[family]["metrics"].as_array() else {
        return Vec::new();
    };
    metrics
        .iter()
        .filter_map(|m| {
            let value = m["value"].as_str()?.parse::<f64>().ok()?;
            Some((json_labels(&m["labels"]), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_and_values_from_json() {
        let data: Value = serde_json::from_str(
            r#"[
              {"labels": {"job": "a"}, "last_push_successful": true},
              {"labels": {"job": "a", "instance": "i1"}, "last_push_successful": true,
               "x_total": {"type": "COUNTER", "metrics": [
                  {"labels": {"job": "a", "instance": "i1", "k": "v"}, "value": "42"},
                  {"labels": {"job": "a", "instance": "i1", "k": "w"}, "value": "+Inf"}]},
               "h": {"type": "HISTOGRAM", "metrics": [{"labels": {}, "buckets": {}, "count": "1", "sum": "2"}]}}
            ]"#,
        )
        .unwrap();
        assert!(find_group(&data, &[("job", "b")]).is_none());
        assert!(find_group(&data, &[("job", "a")]).unwrap()["x_total"].is_null());
        let g = find_group(&data, &[("instance", "i1"), ("job", "a")]).unwrap();
        let v = family_values(g, "x_total");
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].0["k"], "v");
        assert_eq!(v[0].1, 42.0);
        assert_eq!(v[1].1, f64::INFINITY);
        assert!(family_values(g, "h").is_empty());
        assert!(family_values(g, "nope").is_empty());
    }
}
