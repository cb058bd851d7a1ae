//! See [`StatsdStats`] for details.

use std::sync::atomic::{AtomicU64, Ordering};

/// What the exporter did since it was built: counted, never raised into the record path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatsdStats {
    /// Exports run (explicit, periodic, a meter's, the final one).
    pub exports: u64,
    /// Records written (a negative Etsy gauge's two lines count once).
    pub records: u64,
    /// Datagrams sent.
    pub datagrams: u64,
    /// Payload bytes sent.
    pub bytes: u64,
    /// Datagrams that failed to send, and exports whose host did not resolve.
    pub send_errors: u64,
    /// Records longer than the datagram size, sent alone.
    pub oversize_records: u64,
    /// NaN or infinite values left out.
    pub skipped_non_finite: u64,
}

/// The live counters behind [`StatsdStats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) exports: AtomicU64,
    pub(crate) records: AtomicU64,
    pub(crate) datagrams: AtomicU64,
    pub(crate) bytes: AtomicU64,
    pub(crate) send_errors: AtomicU64,
    pub(crate) oversize_records: AtomicU64,
    pub(crate) skipped_non_finite: AtomicU64,
}

impl Counters {
    pub(crate) fn add(c: &AtomicU64, n: usize) {
        c.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> StatsdStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StatsdStats {
            exports: get(&self.exports),
            records: get(&self.records),
            datagrams: get(&self.datagrams),
            bytes: get(&self.bytes),
            send_errors: get(&self.send_errors),
            oversize_records: get(&self.oversize_records),
            skipped_non_finite: get(&self.skipped_non_finite),
        }
    }
}
