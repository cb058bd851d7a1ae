//! The exporter's errors: [`BuildError`] (configuration) and [`SendError`] (one export).

use thiserror::Error;

/// A configuration value the exporter cannot use; nothing was started.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The timeout or the interval is out of range (1 ms to 1 h, 1 ms to 24 h).
    #[error(transparent)]
    Duration(#[from] census_export::DurationError),
    /// The flavour is not one census knows.
    #[error(
        "unknown StatsD flavour {flavor:?}; accepted: {}",
        crate::Flavor::ACCEPTED
    )]
    UnknownFlavor {
        /// The flavour as given.
        flavor: String,
    },
    /// The server address is not `host:port`.
    #[error("StatsD address {addr:?} is invalid: {problem}; give host:port, e.g. \"127.0.0.1:8125\", \"statsd.internal:8125\" or \"[::1]:8125\"")]
    Address {
        /// The address as given.
        addr: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The datagram size is out of range.
    #[error("datagram size {size} is out of range; give 1 to {max} bytes (1432 fits an Ethernet MTU, 508 any IPv4 path)", max = crate::MAX_DATAGRAM)]
    DatagramSize {
        /// The size given.
        size: usize,
    },
    /// The namespace carries a character that would break a line.
    #[error("StatsD namespace {namespace:?} contains {bad:?}, which breaks a StatsD line; use letters, digits, '_', '-', '.' or '/'")]
    Namespace {
        /// The namespace given.
        namespace: String,
        /// The first offending character.
        bad: char,
    },
    /// A constant tag is empty or carries a character that would break a line.
    #[error("constant tag {key:?}={value:?} is invalid: {problem}; use a non-empty key and characters other than : | @ # , = ; and whitespace")]
    ConstTag {
        /// The key given.
        key: String,
        /// The value given.
        value: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The exporter's self-metrics could not be defined (a measure of the same name exists
    /// with another definition in this process).
    #[error("cannot define the exporter's self-metrics: {0}")]
    SelfMetrics(#[source] census_export::BoxError),
    /// The worker thread or the exit hook could not start.
    #[error(transparent)]
    Spawn(#[from] census_export::SpawnError),
}

/// One export failed. The periodic exports, the final delivery and a meter's exports only log
/// these (and count them in [`crate::StatsdStats`]); explicit exports return them.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SendError {
    /// The host name did not resolve (looked up once per export).
    #[error("cannot resolve the StatsD address {addr:?}: {source}; check the host name or use an IP address")]
    Resolve {
        /// The address.
        addr: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Some datagrams could not be sent.
    #[error("{failed} of {datagrams} datagrams to StatsD at {addr} could not be sent: {source}")]
    Send {
        /// The resolved address.
        addr: std::net::SocketAddr,
        /// Datagrams that failed.
        failed: usize,
        /// Datagrams of the export.
        datagrams: usize,
        /// The first failure.
        #[source]
        source: std::io::Error,
    },
    /// Print mode: writing the lines failed.
    #[error("cannot print the StatsD lines: {source}")]
    Print {
        /// The writer's error.
        #[source]
        source: std::io::Error,
    },
    /// The exporter was shut down or discarded.
    #[error("the StatsD exporter is shut down; build a new one to export again")]
    ShutDown,
    /// The worker did not answer (busy past the timeout, or gone).
    #[error(transparent)]
    Worker(census_export::WorkerError),
}
