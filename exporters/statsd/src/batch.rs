//! What the exporter's worker runs: a snapshot through the writer, then UDP or print. See
//! [`Batch`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use census_export::{Deadline, Handler, PrintSink, SelfMetrics};
use census_sdk::{Meter, Snapshot, ViewData};

use crate::error::SendError;
use crate::lines::Lines;
use crate::stats::Counters;
use crate::transport::{Sent, Udp};
use crate::writer::StatsdWriter;

/// The checked configuration, shared by the handles and the worker.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) addr: String,
    pub(crate) meter: Meter,
    pub(crate) max_datagram: usize,
    pub(crate) timeout: Duration,
    pub(crate) counters: Counters,
    pub(crate) self_metrics: SelfMetrics,
    pub(crate) send_self_metrics: bool,
}

/// Where the lines go.
#[derive(Debug)]
pub(crate) enum Out {
    Udp(Udp),
    /// Print mode: the lines (one per line, `\n`-terminated) are written, nothing is sent.
    Print(PrintSink),
}

/// The worker's state. A command is the snapshot to export (`None`: a fresh one of the
/// exporter's meter).
#[derive(Debug)]
pub(crate) struct Batch {
    pub(crate) config: Arc<Config>,
    pub(crate) writer: StatsdWriter,
    pub(crate) out: Out,
    pub(crate) lines: Lines,
}

impl Handler for Batch {
    type Command = Option<Snapshot>;
    type Error = SendError;

    async fn handle(&mut self, data: Option<Snapshot>, _: Deadline) -> Result<(), SendError> {
        self.export(data)
    }

    async fn tick(&mut self) {
        let _ = self.export(None); // counted and logged by `export`
    }

    async fn shutdown(&mut self, _: Deadline) -> Result<(), SendError> {
        self.export(None)
    }
}

impl Batch {
    /// Writes what changed and sends it; every outcome is counted, a failure also logged.
    /// UDP sends do not block for long, so the deadline is not needed here.
    pub(crate) fn export(&mut self, data: Option<Snapshot>) -> Result<(), SendError> {
        let t0 = Instant::now();
        let config = &*self.config;
        let snapshot = data.unwrap_or_else(|| config.meter.snapshot());
        self.lines.clear();
        let mut written = self.writer.write(&snapshot, &mut self.lines);
        if config.send_self_metrics {
            let own: Vec<ViewData> = config.self_metrics.snapshot().to_vec();
            let w = self.writer.write(&own, &mut self.lines);
            written.records += w.records;
            written.skipped_non_finite += w.skipped_non_finite;
        }
        let c = &config.counters;
        Counters::add(&c.exports, 1);
        Counters::add(&c.records, written.records);
        Counters::add(&c.skipped_non_finite, written.skipped_non_finite);
        let mut sent = Sent::default();
        let result = match &mut self.out {
            Out::Udp(udp) => udp.send(&self.lines, config.max_datagram, &mut sent),
            Out::Print(sink) => {
                let mut text = String::with_capacity(self.lines.text().len() + 1);
                for r in self.lines.iter() {
                    text.push_str(r);
                    text.push('\n');
                }
                sent.bytes = text.len();
                sink.write(text.as_bytes())
                    .map_err(|source| SendError::Print { source })
            }
        };
        Counters::add(&c.datagrams, sent.datagrams);
        Counters::add(&c.bytes, sent.bytes);
        Counters::add(&c.oversize_records, sent.oversize);
        let failures = match &result {
            Err(SendError::Send { failed, .. }) => *failed,
            Err(_) => 1,
            Ok(()) => 0,
        };
        Counters::add(&c.send_errors, failures);
        if sent.oversize > 0 {
            tracing::warn!(
                records = sent.oversize,
                max = config.max_datagram,
                "census-statsd: records longer than the datagram size were sent alone"
            );
        }
        config
            .self_metrics
            .record(result.is_ok(), t0.elapsed(), sent.bytes);
        if let Err(e) = &result {
            tracing::warn!(error = %e, addr = %config.addr, "census-statsd: export failed");
        }
        result
    }
}
