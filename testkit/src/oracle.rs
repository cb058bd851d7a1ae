//! The OpenCensus oracle scenario (`shared/oracle/README.md`, `oc_python_oracle.py`): the
//! measures, views and recordings that OpenCensus Python and Go were run with, and the
//! Prometheus text OpenCensus Go gave for it ([`GO_TEXT`]).
//!
//! Any census exporter can run the same scenario and compare with what the reference
//! implementations wrote.
//!
//! * 2 measures: `myapp.io/latency` (float, ms) and `myapp.io/response_bytes` (int, By);
//! * 4 views on columns `[method, http.status]`: `request_count` (Count on latency),
//!   `request/latency.ms` (Distribution `[0, 10, 25, 100]` on latency), `response_bytes_sum`
//!   (Sum on bytes), `last_response_bytes` (LastValue on bytes);
//! * 9 [`RECORDINGS`], each carrying both measures: a missing tag, no tags at all, values on a
//!   bound, an overflow and a negative latency.
//!
//! ```
//! use census_testkit::oracle::{self, Oracle};
//!
//! let oracle = Oracle::recorded();
//! assert_eq!(oracle.views.len(), 4);
//! let counts = oracle.meter.view_manager().retrieve_data("request_count").unwrap();
//! assert_eq!(counts.rows.len(), 4);
//! assert!(oracle::GO_TEXT.contains("myapp_request_count{http_status=\"200\",method=\"GET\"} 5\n"));
//! ```

use census_sdk::{Aggregation, Float64Measure, Int64Measure, Meter, TagKey, TagMap, View};

/// The tags of one recording, as (key, value) pairs.
pub type Tags = &'static [(&'static str, &'static str)];

/// One recording: its tags, the latency (ms) and the response bytes, recorded together.
pub type Recording = (Tags, f64, i64);

/// The tag keys every view of the scenario has as columns, in column order.
pub const COLUMNS: [&str; 2] = ["method", "http.status"];

/// The distribution bounds of `request/latency.ms` (the leading 0 is dropped, as in Go).
pub const LATENCY_BOUNDS: [f64; 4] = [0.0, 10.0, 25.0, 100.0];

/// The nine recordings, in order.
pub const RECORDINGS: [Recording; 9] = [
    (&[("method", "GET"), ("http.status", "200")], 5.0, 100),
    (&[("method", "GET"), ("http.status", "200")], 25.0, 200),
    (&[("method", "POST")], 10.0, 50),
    (&[("method", "GET"), ("http.status", "500")], 150.0, 0),
    (&[("method", "GET"), ("http.status", "200")], -3.0, 10),
    (&[], 0.5, 7),
    (&[("method", "POST")], 99.5, 75),
    (&[("method", "GET"), ("http.status", "200")], 0.1, 300),
    (&[("method", "GET"), ("http.status", "200")], 0.2, 400),
];

/// What OpenCensus Go's Prometheus exporter writes for the scenario with namespace `myapp`
/// (text format 0.0.4; `shared/oracle/oc_go_expected.txt`).
pub const GO_TEXT: &str = include_str!("../data/oc_go_expected.txt");

/// What OpenCensus Python 0.11.4 + opencensus-ext-prometheus 0.2.1 wrote for the scenario
/// with namespace `myapp` (`shared/oracle/oc_python_expected.txt`): Python drops a whole batch
/// holding a negative value ([`Oracle::recorded_as_python`]) and repeats HELP/TYPE per series.
pub const PYTHON_TEXT: &str = include_str!("../data/oc_python_expected.txt");

/// The bounds of `request/latency.ms` as the Python source wrote them (`10` and `100` ints,
/// `25.0` a float).
pub const LATENCY_BOUNDS_PYTHON: &str = "[0, 10, 25.0, 100]";

/// The scenario in a private [`Meter`] (measure names are process-wide; creating the oracle
/// again in one process gives the same measures).
#[derive(Debug, Clone)]
pub struct Oracle {
    /// The meter holding the four views.
    pub meter: Meter,
    /// The views, in the order above (`request_count` first).
    pub views: Vec<View>,
    /// `myapp.io/latency`.
    pub latency: Float64Measure,
    /// `myapp.io/response_bytes`.
    pub bytes: Int64Measure,
}

impl Oracle {
    /// The measures and views, registered in a fresh meter; nothing recorded yet.
    ///
    /// # Panics
    ///
    /// If a measure or view cannot be created or registered (an sdk regression).
    pub fn registered() -> Oracle {
        let latency =
            Float64Measure::new("myapp.io/latency", "Request latency in milliseconds", "ms")
                .expect("the latency measure");
        let bytes = Int64Measure::new("myapp.io/response_bytes", "Response size in bytes", "By")
            .expect("the bytes measure");
        let columns = || COLUMNS.map(|k| TagKey::new(k).expect("a valid tag key"));
        let views = vec![
            View::new(
                "request_count",
                "Number of requests",
                columns(),
                &latency,
                Aggregation::Count,
            ),
            View::new(
                "request/latency.ms",
                "Request latency distribution",
                columns(),
                &latency,
                Aggregation::distribution(&LATENCY_BOUNDS).expect("valid bounds"),
            ),
            View::new(
                "response_bytes_sum",
                "Total response bytes",
                columns(),
                &bytes,
                Aggregation::Sum,
            ),
            View::new(
                "last_response_bytes",
                "Last response size",
                columns(),
                &bytes,
                Aggregation::LastValue,
            ),
        ]
        .into_iter()
        .map(|v| v.expect("a valid oracle view"))
        .collect::<Vec<_>>();
        let meter = Meter::new();
        meter
            .view_manager()
            .register_all(&views)
            .expect("the oracle views register");
        Oracle {
            meter,
            views,
            latency,
            bytes,
        }
    }

    /// The whole scenario: [`registered`](Self::registered), then every one of
    /// [`RECORDINGS`] recorded.
    pub fn recorded() -> Oracle {
        let oracle = Oracle::registered();
        oracle.record_all();
        oracle
    }

    /// The scenario as OpenCensus Python recorded it: every one of [`RECORDINGS`] but the batch
    /// with a negative latency, which Python drops whole (bytes included).
    pub fn recorded_as_python() -> Oracle {
        let oracle = Oracle::registered();
        for (tags, ms, n) in RECORDINGS.into_iter().filter(|(_, ms, _)| *ms >= 0.0) {
            let tags = TagMap::from_pairs(tags).expect("valid oracle tags");
            oracle
                .meter
                .record_with_tags(&tags, &[oracle.latency.m(ms), oracle.bytes.m(n)]);
        }
        oracle
    }

    /// Records [`RECORDINGS`] (again), each as one batch of both measures.
    pub fn record_all(&self) {
        for (tags, ms, n) in RECORDINGS {
            let tags = TagMap::from_pairs(tags).expect("valid oracle tags");
            self.meter
                .record_with_tags(&tags, &[self.latency.m(ms), self.bytes.m(n)]);
        }
    }
}

/// The recorded scenario's meter: `Oracle::recorded().meter`.
pub fn meter() -> Meter {
    Oracle::recorded().meter
}
