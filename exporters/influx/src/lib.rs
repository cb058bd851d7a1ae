//! # census-influx: census views as InfluxDB line protocol
//!
//! Writes the views of a census meter as [line protocol] to VictoriaMetrics (`/write`),
//! InfluxDB 1.x (`/write?db=`, user and password), InfluxDB 2.x (`/api/v2/write?org=&bucket=`,
//! token) over HTTP(S), or to a UDP listener (`udp://host:port`: VictoriaMetrics'
//! `-influxListenAddr`, InfluxDB's `[[udp]]`). Built on census-export: one worker thread, HTTP
//! retries with backoff inside the deadline (UDP is never retried), HTTP settings, gzip,
//! print mode, the guard and the exit hook.
//!
//! ```no_run
//! use census_influx::Influx;
//! let influx = Influx::builder("http://127.0.0.1:8428/write").build()?;
//! let _guard = influx.guard(); // the final export when the job ends, however it ends
//! // … record …
//! # Ok::<(), census_influx::BuildError>(())
//! ```
//!
//! ## Mapping
//! Every line carries the snapshot's time in nanoseconds (VictoriaMetrics keeps
//! milliseconds). Integers are written `…i` (counts, int64 sums and last values, bucket
//! counts); NaN and ±Inf values are left out and counted ([`Influx::skipped_values`]), a
//! line left without fields is dropped. Empty tag values are left out (line protocol has
//! none; Prometheus treats an empty label as absent).
//!
//! | aggregation | [`Naming::Prometheus`] (default) | [`Naming::Influx`] |
//! |---|---|---|
//! | Count `a_b` | `a,tags b=3i` → VM `a_b` | `view,tags count=3i` |
//! | Sum `a_b` | `a,tags b=2.5` (int: `b=2i`) → VM `a_b` | `view,tags sum=2.5` |
//! | LastValue `a_b` | `a,tags b=21.5` → VM `a_b` | `view,tags last=21.5` |
//! | Distribution `h` | `h,tags,le=10 bucket=2i` per bound and `le=+Inf` (cumulative), `h,tags sum=55.1,count=3i` → VM `h_bucket{le}`, `h_sum`, `h_count` | `view,tags count=3i,sum=55.1,mean=18.4,min=0.1,max=50,10=2i,100=3i,+Inf=3i` |
//!
//! **Prometheus naming** takes the family names, label names and values, `le` values and the
//! views left out from census-prometheus's model, so with VictoriaMetrics' defaults
//! (`-influxMeasurementFieldSeparator=_`, `-influxSkipSingleField` and
//! `-influxSkipMeasurement` off) what it stores is what a scrape of census's `/metrics`
//! exposes, series for series (`tests/victoria_metrics_stores_the_scraped_series.rs`). No
//! VictoriaMetrics flag is needed; add `?db=` only if a `db` label is wanted. A name
//! without `_` (a view `jobs` without namespace) cannot be split into measurement and field
//! and is left out and reported ([`EncodeReport::skipped_views`]): set a namespace.
//!
//! ## HTTP answers
//! 2xx is success. A 400 "partial write" (InfluxDB wrote the good lines) is
//! [`InfluxError::PartialWrite`] with the server's message; the other batches are still sent.
//! 5xx, 429 and transport failures are retried inside the deadline; other answers are final
//! ([`InfluxError::Status`]). VictoriaMetrics answers 204 to every body, broken lines
//! included. Bodies are split into batches of at most
//! [`DEFAULT_MAX_LINES_PER_REQUEST`] lines ([`InfluxBuilder::with_max_lines_per_request`]);
//! datagrams carry whole lines up to [`DEFAULT_MAX_DATAGRAM_BYTES`].
//!
//! ## Cumulative, not delta
//! Line protocol stores values as given, so census's cumulative data is sent as it is (no
//! delta tracking): InfluxDB overwrites a point of the same series and time, and rates are the
//! reader's (`non_negative_derivative`, PromQL `rate`).
//!
//! [line protocol]: https://docs.influxdata.com/influxdb/v1.6/write_protocols/line_protocol_reference/

mod builder;
mod encode;
mod error;
mod exporter;
pub mod line;
mod send;
mod target;

pub use builder::{
    InfluxBuilder, DEFAULT_MAX_DATAGRAM_BYTES, DEFAULT_MAX_LINES_PER_REQUEST, DEFAULT_TIMEOUT,
};
pub use encode::{EncodeReport, Encoder, Naming, SkippedView};
pub use error::{BuildError, InfluxError, ACCEPTED_URLS};
pub use exporter::Influx;
pub use target::{Api, Target};

/// How failed HTTP attempts are retried inside the deadline (census-export's policy).
pub use census_export::Retry;
