//! A real Etsy statsd (npm `statsd` 0.9.0 on node) on free loopback ports.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::time::Duration;

use crate::peer::{find_binary, peer_accessors, Peer, Spec, TempDir};

/// Environment variable naming the directory of the `statsd` npm package (the one holding
/// `stats.js`) instead of `~/.cache/census-peers/npm/node_modules/statsd`, where
/// `scripts/install-peers` puts it.
pub const STATSD_DIR_ENV: &str = "CENSUS_TESTKIT_STATSD_DIR";
/// The npm cache directory `scripts/install-peers` installs into (default
/// `~/.cache/census-peers/npm`), read here too.
const NPM_CACHE_ENV: &str = "CENSUS_PEERS_NPM_CACHE";
/// Environment variable naming the `node` binary instead of searching `PATH`.
pub const NODE_BIN_ENV: &str = "CENSUS_TESTKIT_NODE";

/// How long one admin command may take.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(5);

/// An Etsy statsd process owned by the test: UDP on `127.0.0.1:<free port>`, the admin
/// interface on `127.0.0.1:<free TCP port>`, its config file and log in a private temp dir,
/// ready once the admin `health` answers `up` and the UDP port is bound; stopped by PID on
/// drop.
///
/// The flush interval is an hour unless set: Etsy resets counters to 0 at every flush, so
/// [`counters`](Self::counters) reads what arrived since the start.
///
/// ```no_run
/// use census_testkit::{poll, Statsd};
/// let statsd = Statsd::start();
/// let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
/// s.send_to(b"jobs:3|c|#env:test\ng:-4|g", statsd.addr()).unwrap();
/// let n = poll("the counter", std::time::Duration::from_secs(5), || {
///     statsd.counters().get("jobs;env=test").copied()
/// });
/// assert_eq!(n, 3.0);
/// assert_eq!(statsd.gauges()["g"], -4.0);
/// ```
#[derive(Debug)]
pub struct Statsd {
    peer: Peer,
    udp_port: u16,
}

/// Settings of [`Statsd::start_with`].
#[derive(Debug, Clone, Default)]
pub struct StatsdOptions {
    /// statsd's repeater backend forwards every packet, byte for byte, to this UDP address.
    pub repeat_to: Option<SocketAddr>,
    /// The flush interval (default one hour).
    pub flush_interval: Option<Duration>,
}

impl Statsd {
    /// Starts statsd with the default options.
    ///
    /// # Panics
    /// If node or the statsd package is missing (run `scripts/install-peers`), or statsd
    /// exits or is not ready in time (the message has the last log lines).
    pub fn start() -> Statsd {
        Statsd::start_with(StatsdOptions::default())
    }

    /// Starts statsd with `options`.
    ///
    /// # Panics
    /// As [`start`](Self::start).
    pub fn start_with(options: StatsdOptions) -> Statsd {
        let node = find_binary("node", NODE_BIN_ENV, "nodejs");
        let stats_js = statsd_dir().join("stats.js");
        assert!(
            stats_js.is_file(),
            "{} not found: run scripts/install-peers (npm statsd@0.9.0 into \
             ~/.cache/census-peers/npm), or point {STATSD_DIR_ENV} at the statsd package",
            stats_js.display()
        );
        let dir = TempDir::new("statsd").expect("create statsd temp dir");
        let config_path = dir.path().join("statsd.js");
        let udp_port = Cell::new(0u16);
        let flush_ms = options
            .flush_interval
            .unwrap_or(Duration::from_secs(3600))
            .as_millis();
        let args = |admin_port: u16| {
            let port = free_udp_port();
            udp_port.set(port);
            let mut backends = vec!["\"./backends/console\""];
            let mut repeater = String::new();
            if let Some(to) = options.repeat_to {
                backends.push("\"./backends/repeater\"");
                repeater = format!(
                    "  repeater: [{{ host: \"{}\", port: {} }}], repeaterProtocol: \"udp4\",\n",
                    to.ip(),
                    to.port()
                );
            }
            let config = format!(
                "{{\n  port: {port}, address: \"127.0.0.1\",\n  mgmt_port: {admin_port}, \
                 mgmt_address: \"127.0.0.1\",\n  flushInterval: {flush_ms},\n  backends: [{}],\n\
                 {repeater}  console: {{ prettyprint: false }}\n}}\n",
                backends.join(", ")
            );
            std::fs::write(&config_path, config)
                .unwrap_or_else(|e| panic!("write {}: {e}", config_path.display()));
            vec![
                stats_js.display().to_string(),
                config_path.display().to_string(),
            ]
        };
        let ready = |admin_port: u16| {
            udp_bound(udp_port.get())
                && admin(admin_port, "health").is_ok_and(|a| a.contains("health: up"))
        };
        let peer = Peer::start(
            &Spec {
                name: "statsd",
                program: node,
                args: &args,
                ready_path: "",
                any_status_is_ready: false,
                ready_check: Some(&ready),
            },
            dir,
        );
        Statsd {
            peer,
            udp_port: udp_port.get(),
        }
    }

    peer_accessors!("statsd");

    /// Where to send metrics: `127.0.0.1:<udp port>`.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.udp_port))
    }

    /// The admin interface: `127.0.0.1:<tcp port>`.
    pub fn admin_addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.peer.port))
    }

    /// Runs an admin command (`stats`, `counters`, `gauges`, `timers`, …) and returns its
    /// answer up to the `END` line.
    ///
    /// # Panics
    /// When the admin interface does not answer.
    pub fn admin(&self, command: &str) -> String {
        admin(self.peer.port, command)
            .unwrap_or_else(|e| panic!("statsd admin {command:?}: {e}\nlog:\n{}", self.log()))
    }

    /// The counters now (keys as statsd stores them: `name;tag=value;…`).
    pub fn counters(&self) -> BTreeMap<String, f64> {
        parse_object(&self.admin("counters"))
    }

    /// The gauges now.
    pub fn gauges(&self) -> BTreeMap<String, f64> {
        parse_object(&self.admin("gauges"))
    }
}

fn statsd_dir() -> PathBuf {
    if let Some(d) = std::env::var_os(STATSD_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os(NPM_CACHE_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("node_modules/statsd");
    }
    let home = std::env::var_os("HOME").map_or_else(std::env::temp_dir, PathBuf::from);
    home.join(".cache/census-peers/npm/node_modules/statsd")
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("bind a UDP socket on 127.0.0.1:0")
        .port()
}

/// Whether something is bound to UDP `port` on loopback (our bind fails).
fn udp_bound(port: u16) -> bool {
    port != 0 && UdpSocket::bind(("127.0.0.1", port)).is_err()
}

fn admin(port: u16, command: &str) -> std::io::Result<String> {
    let mut s =
        TcpStream::connect_timeout(&SocketAddr::from(([127, 0, 0, 1], port)), ADMIN_TIMEOUT)?;
    s.set_read_timeout(Some(ADMIN_TIMEOUT))?;
    s.write_all(format!("{command}\n").as_bytes())?;
    let mut out = String::new();
    let mut r = BufReader::new(s);
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(out);
        }
        if line.trim_end() == "END" {
            return Ok(out);
        }
        out.push_str(&line);
        // `health` answers one line and no END.
        if command == "health" {
            return Ok(out);
        }
    }
}

/// A node `util.inspect` of a flat object of numbers (`{ 'a.b;k=v': 3, c: -4 }`) as a map.
fn parse_object(text: &str) -> BTreeMap<String, f64> {
    let body = text.trim().trim_start_matches('{').trim_end_matches('}');
    body.split(',')
        .filter_map(|entry| {
            let (k, v) = entry.rsplit_once(':')?;
            let k = k.trim().trim_matches('\'').trim_matches('"');
            Some((k.to_string(), v.trim().parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_objects_parse() {
        let m = parse_object(
            "{\n  'statsd.bad_lines_seen': 0,\n  'db.rows;table=users': 42,\n  plain: -4.5\n}\n",
        );
        assert_eq!(m["statsd.bad_lines_seen"], 0.0);
        assert_eq!(m["db.rows;table=users"], 42.0);
        assert_eq!(m["plain"], -4.5);
        assert!(parse_object("{}").is_empty());
    }
}
