//! A real InfluxDB 1.x server (`influxd`, Debian package `influxdb`, 1.6.7 here) on free
//! loopback ports: the HTTP API (`/write?db=`, InfluxQL `/query`) and one `[[udp]]` listener.

use std::cell::Cell;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::http;
use crate::peer::{find_binary, free_tcp_udp_port, peer_accessors, udp_bound, Peer, Spec, TempDir};
use crate::polling::poll_every;

/// Environment variable naming the influxd binary to use instead of searching `PATH`.
pub const INFLUXD_BIN_ENV: &str = "CENSUS_TESTKIT_INFLUXD";

/// One series of an InfluxQL answer: `results[0].series[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct InfluxSeries {
    /// The measurement.
    pub name: String,
    /// Tags of a `GROUP BY` answer (empty otherwise).
    pub tags: std::collections::BTreeMap<String, String>,
    /// Column names (`time` first).
    pub columns: Vec<String>,
    /// Rows, one value per column (JSON: numbers, strings, booleans, null).
    pub values: Vec<Vec<Value>>,
}

impl InfluxSeries {
    /// Every row as column name → value.
    pub fn rows(&self) -> Vec<std::collections::BTreeMap<String, Value>> {
        self.values
            .iter()
            .map(|r| {
                self.columns
                    .iter()
                    .cloned()
                    .zip(r.iter().cloned())
                    .collect()
            })
            .collect()
    }
}

/// An `influxd` process owned by the test: data, meta and WAL in its temp dir, reporting and
/// self-monitoring off, HTTP, RPC and one `[[udp]]` listener (batch size 1, 10 ms timeout, so
/// UDP points are queryable at once) on free loopback ports. Databases [`DB`](Self::DB) and
/// [`UDP_DB`](Self::UDP_DB) (the one the UDP listener writes to) exist once it is started.
/// Stopped by PID on drop.
///
/// ```no_run
/// use census_testkit::InfluxDb;
/// let db = InfluxDb::start();
/// let r = census_testkit::http::post(&db.write_url(), b"jobs,kind=a done=3i\n").unwrap();
/// assert_eq!(r.status, 204);
/// let s = db.select(InfluxDb::DB, "SELECT * FROM jobs");
/// assert_eq!(s[0].rows()[0]["done"], 3);
/// ```
#[derive(Debug)]
pub struct InfluxDb {
    peer: Peer,
    udp_port: u16,
    auth: Option<(String, String)>,
}

impl InfluxDb {
    /// The database created for HTTP writes.
    pub const DB: &'static str = "census";
    /// The database the `[[udp]]` listener writes to.
    pub const UDP_DB: &'static str = "udpdb";

    /// Starts influxd without authentication; waits until `/ping` answers, the UDP socket is
    /// bound and both databases are created.
    ///
    /// # Panics
    /// If `influxd` is not installed (run `scripts/install-peers`), or it exits or is not
    /// ready in time (the message has the last log lines).
    pub fn start() -> InfluxDb {
        InfluxDb::start_inner(None)
    }

    /// Like [`start`](Self::start) with `auth-enabled = true` and one admin user `user` with
    /// `password` (created first, as InfluxDB allows while it has no user); every request
    /// of [`query`](Self::query) then authenticates as that user.
    pub fn start_with_auth(user: &str, password: &str) -> InfluxDb {
        InfluxDb::start_inner(Some((user.into(), password.into())))
    }

    fn start_inner(auth: Option<(String, String)>) -> InfluxDb {
        let program = find_binary("influxd", INFLUXD_BIN_ENV, "influxdb");
        let dir = TempDir::new("influxdb").expect("create influxdb temp dir");
        let defaults = builtin_config(&program);
        let base = dir.path().to_path_buf();
        let conf = base.join("influxdb.conf");
        let udp = Cell::new(0u16);
        let auth_on = auth.is_some();
        let args = |port: u16| {
            let (rpc, udp_port) = (free_tcp_udp_port(), free_tcp_udp_port());
            udp.set(udp_port);
            let d = base.as_path();
            let text = set_keys(
                &defaults,
                &[
                    ("", "reporting-enabled", "false".into()),
                    ("", "bind-address", format!("\"127.0.0.1:{rpc}\"")),
                    ("[meta]", "dir", quoted(&d.join("meta"))),
                    ("[data]", "dir", quoted(&d.join("data"))),
                    ("[data]", "wal-dir", quoted(&d.join("wal"))),
                    ("[data]", "query-log-enabled", "false".into()),
                    ("[monitor]", "store-enabled", "false".into()),
                    ("[http]", "bind-address", format!("\"127.0.0.1:{port}\"")),
                    ("[http]", "auth-enabled", auth_on.to_string()),
                    ("[http]", "log-enabled", "false".into()),
                    ("[[udp]]", "enabled", "true".into()),
                    (
                        "[[udp]]",
                        "bind-address",
                        format!("\"127.0.0.1:{udp_port}\""),
                    ),
                    ("[[udp]]", "database", format!("\"{}\"", Self::UDP_DB)),
                    ("[[udp]]", "batch-size", "1".into()),
                    ("[[udp]]", "batch-timeout", "\"10ms\"".into()),
                ],
            );
            fs::write(&conf, text).expect("write influxdb.conf");
            vec!["-config".into(), conf.display().to_string()]
        };
        let peer = Peer::start(
            &Spec {
                name: "influxdb",
                program,
                args: &args,
                ready_path: "/ping",
                // /ping answers 204.
                any_status_is_ready: true,
                ready_check: None,
            },
            dir,
        );
        let udp_port = udp.get();
        let db = InfluxDb {
            peer,
            udp_port,
            auth,
        };
        let ready = poll_every(Duration::from_secs(20), Duration::from_millis(20), || {
            udp_bound(udp_port).then_some(())
        });
        assert!(
            ready.is_some(),
            "influxdb: the [[udp]] listener on 127.0.0.1:{udp_port} never opened\n{}",
            db.log()
        );
        if let Some((u, p)) = &db.auth {
            let q = format!("CREATE USER \"{u}\" WITH PASSWORD '{p}' WITH ALL PRIVILEGES");
            db.query_unauthenticated(&q);
        }
        for name in [Self::DB, Self::UDP_DB] {
            db.query("", &format!("CREATE DATABASE \"{name}\""));
        }
        db
    }

    peer_accessors!("influxd");

    /// `http://127.0.0.1:<port>/write?db=census`.
    pub fn write_url(&self) -> String {
        format!("{}/write?db={}", self.peer.url, Self::DB)
    }

    /// `127.0.0.1:<port>` of the `[[udp]]` listener (writes to [`UDP_DB`](Self::UDP_DB)).
    pub fn udp_addr(&self) -> String {
        format!("127.0.0.1:{}", self.udp_port)
    }

    /// `POST /query?db=<db>&q=<q>` (as the configured user, if any): the JSON answer.
    ///
    /// # Panics
    /// If the request fails, the status is not 200 or the answer has an `error`.
    pub fn query(&self, db: &str, q: &str) -> Value {
        let mut url = format!(
            "{}/query?db={}&q={}",
            self.peer.url,
            http::encode_component(db),
            http::encode_component(q)
        );
        if let Some((u, p)) = &self.auth {
            url.push_str(&format!(
                "&u={}&p={}",
                http::encode_component(u),
                http::encode_component(p)
            ));
        }
        self.post_query(&url, q)
    }

    fn query_unauthenticated(&self, q: &str) -> Value {
        let url = format!("{}/query?q={}", self.peer.url, http::encode_component(q));
        self.post_query(&url, q)
    }

    fn post_query(&self, url: &str, q: &str) -> Value {
        let r = http::request("POST", url, &[], b"").unwrap_or_else(|e| panic!("{q}: {e}"));
        assert_eq!(r.status, 200, "{q}: {} {}", r.status, r.text());
        let v = r
            .json()
            .unwrap_or_else(|e| panic!("{q}: not JSON ({e}): {}", r.text()));
        let err = v["error"]
            .as_str()
            .or_else(|| v["results"][0]["error"].as_str());
        assert!(err.is_none(), "{q}: {}", r.text());
        v
    }

    /// [`query`](Self::query), its first result's series (empty when nothing matched).
    pub fn select(&self, db: &str, q: &str) -> Vec<InfluxSeries> {
        let v = self.query(db, q);
        v["results"][0]["series"]
            .as_array()
            .map(|a| a.iter().map(series).collect())
            .unwrap_or_default()
    }

    /// Polls [`select`](Self::select) until `ready` accepts its answer (10 s at most).
    ///
    /// # Panics
    /// When the deadline passes, with the last answer.
    pub fn wait_select(
        &self,
        db: &str,
        q: &str,
        mut ready: impl FnMut(&[InfluxSeries]) -> bool,
    ) -> Vec<InfluxSeries> {
        let mut last = Vec::new();
        let got = poll_every(Duration::from_secs(10), Duration::from_millis(50), || {
            last = self.select(db, q);
            ready(&last).then(|| last.clone())
        });
        got.unwrap_or_else(|| panic!("influxdb: {q} on {db} not as expected; last: {last:#?}"))
    }
}

fn series(v: &Value) -> InfluxSeries {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|s| s.as_str().unwrap_or_default().into())
                    .collect()
            })
            .unwrap_or_default()
    };
    InfluxSeries {
        name: v["name"].as_str().unwrap_or_default().into(),
        tags: crate::json_labels(&v["tags"]),
        columns: strings(&v["columns"]),
        values: v["values"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| r.as_array().cloned().unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn quoted(p: &Path) -> String {
    format!("\"{}\"", p.display())
}

/// `influxd config -config /dev/null`: the built-in defaults, without /etc/influxdb.
fn builtin_config(program: &Path) -> String {
    let out = Command::new(program)
        .args(["config", "-config", "/dev/null"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{} config: {e}", program.display()));
    assert!(out.status.success(), "{} config failed", program.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Replaces the value of each `(section, key, value)` in the first place `key` stands in
/// `section` (`""` = top level). influxd refuses a key given twice, so overriding by
/// appending does not work.
///
/// # Panics
/// When a key is not found (the defaults changed).
fn set_keys(text: &str, edits: &[(&str, &str, String)]) -> String {
    let mut done = vec![false; edits.len()];
    let mut section = String::new();
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            section = t.to_string();
        }
        let key = t.split('=').next().unwrap_or_default().trim();
        let hit = if t.contains('=') {
            edits
                .iter()
                .enumerate()
                .position(|(i, (s, k, _))| !done[i] && *s == section && *k == key)
        } else {
            None
        };
        match hit {
            Some(i) => {
                done[i] = true;
                let indent = &line[..line.len() - line.trim_start().len()];
                out.push_str(&format!("{indent}{key} = {}\n", edits[i].2));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    for (i, (s, k, _)) in edits.iter().enumerate() {
        assert!(
            done[i],
            "influxd config: key {k} not found in section {s:?}"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_replaced_in_their_section_only() {
        let text = "bind-address = \":8088\"\n[http]\n  bind-address = \":8086\"\n[[udp]]\n  enabled = false\n";
        let out = set_keys(
            text,
            &[
                ("[[udp]]", "enabled", "true".into()),
                ("[http]", "bind-address", "\"x\"".into()),
            ],
        );
        assert_eq!(
            out,
            "bind-address = \":8088\"\n[http]\n  bind-address = \"x\"\n[[udp]]\n  enabled = true\n"
        );
    }
}
