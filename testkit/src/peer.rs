//! Process plumbing shared by the peers: temp dirs, binary lookup, spawning
//! with a log file, readiness polling and stopping by PID.

use std::fs::{self, File};
use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::http;

/// How long a peer may take to answer its readiness endpoint.
pub(crate) const READY_DEADLINE: Duration = Duration::from_secs(30);
/// How long a peer gets to exit after SIGTERM before it is killed.
const TERM_GRACE: Duration = Duration::from_secs(10);
/// Poll interval for readiness and exit checks.
const POLL: Duration = Duration::from_millis(20);

/// Environment variable that, when set to anything but `0`, keeps temp dirs
/// (logs, configs, data) instead of deleting them on drop.
pub const KEEP_ENV: &str = "CENSUS_TESTKIT_KEEP";

/// Returns a TCP port on 127.0.0.1 that was free a moment ago.
///
/// The port is found by binding `127.0.0.1:0` and dropping the listener, so
/// another process may grab it before you do; the peers in this crate retry
/// with a new port when their start fails with "address already in use".
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0 to find a free port")
        .port()
}

/// A port free for both TCP and UDP on 127.0.0.1 a moment ago (for listeners that bind
/// both, such as VictoriaMetrics' Influx listener or InfluxDB's `[[udp]]`).
pub(crate) fn free_tcp_udp_port() -> u16 {
    for _ in 0..100 {
        let tcp = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 to find a free port");
        let port = tcp.local_addr().expect("local address").port();
        if std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no port free for both TCP and UDP on 127.0.0.1 after 100 tries")
}

/// Whether some socket is bound to UDP `port` (any address), from `/proc/net/udp{,6}`.
pub(crate) fn udp_bound(port: u16) -> bool {
    let suffix = format!(":{port:04X}");
    ["/proc/net/udp", "/proc/net/udp6"].iter().any(|f| {
        fs::read_to_string(f).is_ok_and(|t| {
            t.lines().skip(1).any(|l| {
                l.split_whitespace()
                    .nth(1)
                    .is_some_and(|a| a.ends_with(&suffix))
            })
        })
    })
}

/// A directory under [`std::env::temp_dir`] that is removed (recursively) on
/// drop.
///
/// Named `census-testkit-<prefix>-<pid>-<counter>`, so it is unique among
/// running processes. Set `CENSUS_TESTKIT_KEEP=1` to keep it for debugging.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates a fresh, empty directory. A stale directory of the same name
    /// (left by an earlier process with the same PID) is removed first.
    pub fn new(prefix: &str) -> io::Result<TempDir> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "census-testkit-{prefix}-{}-{n}",
            std::process::id()
        ));
        if path.exists() {
            fs::remove_dir_all(&path)?;
        }
        fs::create_dir_all(&path)?;
        Ok(TempDir { path })
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if self.path.as_os_str().is_empty() {
            return; // placeholder left behind by a moved-out dir
        }
        if keep_dirs() {
            eprintln!("census-testkit: keeping {}", self.path.display());
        } else {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

fn keep_dirs() -> bool {
    std::env::var_os(KEEP_ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Finds `name` on `PATH` (or takes the path in `env_override` if set);
/// panics with install instructions when it is missing.
pub(crate) fn find_binary(name: &str, env_override: &str, package: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(env_override).filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "{env_override}={} does not name a file (unset it to search PATH for {name})",
            p.display()
        );
        return p;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(name);
        if is_executable(&candidate) {
            return candidate;
        }
    }
    panic!(
        "{name} not found on PATH: run scripts/install-peers (Debian package {package}), \
         or point {env_override} at the binary"
    );
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// What to start and how to tell that it is ready.
pub(crate) struct Spec<'a> {
    /// Short name, used for the log file and messages.
    pub name: &'static str,
    pub program: PathBuf,
    /// Builds the argument list for a given listen port.
    pub args: &'a dyn Fn(u16) -> Vec<String>,
    /// Path polled for readiness, e.g. `/-/ready`.
    pub ready_path: &'static str,
    /// Accept any HTTP status as "ready" (for servers behind auth or TLS that
    /// our plain client cannot pass), instead of only 200.
    pub any_status_is_ready: bool,
    /// A readiness check of its own (given the listen port) instead of the HTTP one, for
    /// peers that speak no HTTP (statsd's admin interface).
    pub ready_check: Option<&'a dyn Fn(u16) -> bool>,
}

/// A running peer process. Stops it (SIGTERM, then SIGKILL) on drop, before
/// its temp dir is removed.
#[derive(Debug)]
pub(crate) struct Peer {
    pub name: &'static str,
    child: Option<Child>,
    watchdog: Option<Child>,
    pub pid: u32,
    pub port: u16,
    pub url: String,
    pub log_path: PathBuf,
    pub ready_after: Duration,
    // Last field: dropped after `Drop::drop` has stopped the process.
    pub dir: TempDir,
}

impl Peer {
    pub(crate) fn start(spec: &Spec<'_>, mut dir: TempDir) -> Peer {
        const ATTEMPTS: usize = 3;
        let log_path = dir.path().join(format!("{}.log", spec.name));
        for attempt in 1..=ATTEMPTS {
            let port = free_port();
            let args = (spec.args)(port);
            let log = File::create(&log_path)
                .unwrap_or_else(|e| panic!("create {}: {e}", log_path.display()));
            let log_err = log.try_clone().expect("clone log file handle");
            let started = Instant::now();
            let child = Command::new(&spec.program)
                .args(&args)
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(log_err)
                .spawn()
                .unwrap_or_else(|e| panic!("spawn {}: {e}", spec.program.display()));
            let pid = child.id();
            let mut peer = Peer {
                name: spec.name,
                watchdog: spawn_watchdog(pid, dir.path()),
                child: Some(child),
                pid,
                port,
                url: format!("http://127.0.0.1:{port}"),
                log_path: log_path.clone(),
                ready_after: Duration::ZERO,
                dir,
            };
            let ready_url = format!("{}{}", peer.url, spec.ready_path);
            let deadline = started + READY_DEADLINE;
            loop {
                if let Some(status) = peer.try_wait() {
                    let log = peer.log();
                    let in_use =
                        log.contains("address already in use") || log.contains("EADDRINUSE");
                    if attempt < ATTEMPTS && in_use {
                        dir = peer.take_dir();
                        break;
                    }
                    let cmd = format!("{} {}", spec.program.display(), args.join(" "));
                    peer.stop();
                    panic!(
                        "{} exited during startup ({status}); command: {cmd}\nlast log lines:\n{}",
                        spec.name,
                        tail(&log, 30)
                    );
                }
                let ready = match spec.ready_check {
                    Some(check) => check(port),
                    None => http::get(&ready_url)
                        .is_ok_and(|r| r.status == 200 || spec.any_status_is_ready),
                };
                // Still alive: the answer came from our process, not from whoever else may
                // have taken the port meanwhile.
                if ready && peer.try_wait().is_none() {
                    peer.ready_after = started.elapsed();
                    return peer;
                }
                if Instant::now() >= deadline {
                    peer.stop();
                    panic!(
                        "{} not ready at {ready_url} after {READY_DEADLINE:?}\nlast log lines:\n{}",
                        spec.name,
                        tail(&peer.log(), 30)
                    );
                }
                std::thread::sleep(POLL);
            }
        }
        unreachable!("every attempt either returns or panics")
    }

    /// Moves the temp dir out of a dead peer so the next attempt can reuse it.
    fn take_dir(mut self) -> TempDir {
        self.stop();
        let placeholder = TempDir {
            path: PathBuf::new(),
        };
        let dir = std::mem::replace(&mut self.dir, placeholder);
        drop(self); // the placeholder's Drop does nothing
        dir
    }

    fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    /// Whether the process is still running.
    pub(crate) fn is_running(&mut self) -> bool {
        self.child.is_some() && self.try_wait().is_none()
    }

    /// Everything the process wrote to stdout/stderr so far.
    pub(crate) fn log(&self) -> String {
        fs::read(&self.log_path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// SIGTERM by PID, wait up to 10 s, then SIGKILL. Idempotent.
    pub(crate) fn stop(&mut self) {
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
        let Some(mut child) = self.child.take() else {
            return;
        };
        if child.try_wait().ok().flatten().is_some() {
            return;
        }
        let termed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if termed {
            let deadline = Instant::now() + TERM_GRACE;
            while Instant::now() < deadline {
                if child.try_wait().ok().flatten().is_some() {
                    return;
                }
                std::thread::sleep(POLL);
            }
            eprintln!(
                "census-testkit: {} (pid {}) ignored SIGTERM for {TERM_GRACE:?}; sending SIGKILL",
                self.name,
                child.id()
            );
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A `sh` loop that stops the peer and removes its temp dir when this (test)
/// process exits without running the peer's destructor (a peer kept in a
/// `static`, SIGKILL, abort, `process::exit`): it polls our PID every second,
/// then sends SIGTERM, waits up to 10 s, sends SIGKILL, and removes the dir
/// (unless `CENSUS_TESTKIT_KEEP` is set). Best effort: without `sh` there is
/// simply no watchdog.
fn spawn_watchdog(peer_pid: u32, dir: &Path) -> Option<Child> {
    const SCRIPT: &str = r#"
while kill -0 "$1" 2>/dev/null; do sleep 1; done
kill -TERM "$2" 2>/dev/null
i=0
while [ $i -lt 100 ] && [ -r "/proc/$2/stat" ] && ! grep -q ') [ZX] ' "/proc/$2/stat" 2>/dev/null; do
  sleep 0.1; i=$((i + 1))
done
[ $i -ge 100 ] && kill -KILL "$2" 2>/dev/null
case "$3" in */census-testkit-*) rm -rf -- "$3" ;; esac
"#;
    let dir = if keep_dirs() {
        String::new()
    } else {
        dir.display().to_string()
    };
    Command::new("sh")
        .args([
            "-c",
            SCRIPT,
            "census-testkit-watchdog",
            &std::process::id().to_string(),
            &peer_pid.to_string(),
            &dir,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

/// The accessors every peer type has, delegating to its `peer: Peer` field (`$name` names
/// the program in the docs).
macro_rules! peer_accessors {
    ($name:literal) => {
        /// Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`.
        pub fn url(&self) -> &str {
            &self.peer.url
        }

        /// The listen port.
        pub fn port(&self) -> u16 {
            self.peer.port
        }

        #[doc = concat!("PID of the ", $name, " process.")]
        pub fn pid(&self) -> u32 {
            self.peer.pid
        }

        #[doc = concat!("Everything ", $name, " logged so far (stdout and stderr).")]
        pub fn log(&self) -> String {
            self.peer.log()
        }

        /// Time from spawning the process to the first successful readiness check.
        pub fn ready_after(&self) -> std::time::Duration {
            self.peer.ready_after
        }

        /// Whether the process is still running.
        pub fn is_running(&mut self) -> bool {
            self.peer.is_running()
        }

        #[doc = concat!("Stops ", $name, ": SIGTERM by PID, up to 10 s grace, then SIGKILL. Idempotent; also done on drop.")]
        pub fn stop(&mut self) {
            self.peer.stop();
        }
    };
}
pub(crate) use peer_accessors;

/// The last `n` lines of `text`.
pub(crate) fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_dirs_are_unique_and_removed() {
        let a = TempDir::new("unit").unwrap();
        let b = TempDir::new("unit").unwrap();
        assert_ne!(a.path(), b.path());
        fs::write(a.path().join("f"), "x").unwrap();
        let p = a.path().to_path_buf();
        drop(a);
        if std::env::var_os(KEEP_ENV).is_none() {
            assert!(!p.exists());
        }
    }

    #[test]
    fn free_port_is_bindable() {
        let p = free_port();
        assert_ne!(p, 0);
        TcpListener::bind(("127.0.0.1", p)).unwrap();
    }

    #[test]
    fn tail_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
    }

    #[test]
    #[should_panic(
        expected = "not found on PATH: run scripts/install-peers (Debian package x-pkg)"
    )]
    fn missing_binary_message() {
        find_binary(
            "census-testkit-no-such-binary",
            "CENSUS_TESTKIT_NO_SUCH_ENV",
            "x-pkg",
        );
    }
}
