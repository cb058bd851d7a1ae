//! # census-statsd: census views to StatsD over UDP
//!
//! For shops whose jobs push to StatsD (Etsy statsd, a DogStatsD agent, Prometheus'
//! statsd_exporter) rather than to a Pushgateway. Batch mode: each export (explicit,
//! periodic, a meter's, and the final one on shutdown, guard, last drop, `std::process::exit`
//! or a signal) sends what changed since the previous export.
//!
//! | aggregation | line (Etsy, DogStatsD) | line (statsd_exporter) |
//! |---|---|---|
//! | Count | `ns.view:<delta>\|c\|#k:v` | `ns.view,k=v:<delta>\|c` |
//! | Sum | `ns.view:<delta>\|c\|#k:v` | `ns.view,k=v:<delta>\|c` |
//! | LastValue | `ns.view:<value>\|g\|#k:v` (negative, Etsy: `ns.view:0\|g` first) | `ns.view,k=v:<value>\|g` (negative: `:0\|g` first) |
//! | Distribution | `ns.view.count:<delta>\|c…` and `ns.view.sum:<delta>\|c…` | same, InfluxDB-style tags |
//!
//! Deltas come from census-export's [`census_export::DeltaTracker`]: the first export sends
//! the whole value, a new view start is a reset, unchanged rows are not sent. NaN and
//! infinite values are skipped and counted. Characters that would break a line
//! (`: | @ # ,`, whitespace; in tags also `=` and `;`) become `_` ([`escape`]).
//!
//! The pieces: a pure [`StatsdWriter`] (snapshot → [`Lines`]), [`Datagrams`] (whole lines
//! packed up to the datagram size), and the UDP transport (host resolved once per export;
//! send errors logged and counted in [`StatsdStats`]). The worker, the final delivery and the
//! exit hook are census-export's.
//!
//! ```no_run
//! use census_statsd::{Flavor, Statsd};
//! let statsd = Statsd::builder("127.0.0.1:8125")
//!     .with_flavor(Flavor::Etsy)
//!     .with_namespace("nightly")
//!     .with_const_tag("host", "db-1")
//!     .with_signal_handling(true)
//!     .build()
//!     .expect("valid StatsD configuration");
//! let guard = statsd.guard(); // the final export on drop, panic, exit or signal
//! // ... record ...
//! guard.finish().expect("final export");
//! ```
//!
//! Not here yet: streaming mode (every recorded value sent), the cumulative-gauge mode of
//! prometheus-push-client.

mod batch;
mod builder;
mod error;
pub mod escape;
mod exporter;
mod flavor;
mod lines;
pub mod number;
mod packing;
mod stats;
mod transport;
mod writer;

pub use builder::{check_addr, StatsdBuilder, DEFAULT_ADDR, DEFAULT_TIMEOUT};
pub use error::{BuildError, SendError};
pub use exporter::Statsd;
pub use flavor::Flavor;
pub use lines::Lines;
pub use packing::{Datagram, Datagrams, DEFAULT_DATAGRAM, MAX_DATAGRAM};
pub use stats::StatsdStats;
pub use writer::{StatsdWriter, Written};
