//! Test helpers: the scripted fake HTTP peer of census-testkit for failure modes (timeouts,
//! 5xx, resets) that a real Pushgateway cannot be made to produce, and small view fixtures.
//!
//! Everything that a real gateway can answer is tested against the real one (census-testkit).

#![allow(dead_code, unused_imports)]

use std::ops::Deref;

use census_sdk::{Aggregation, Int64Measure, Meter, TagKey, TagMap, View};
pub use census_testkit::fake::{FakeHttp, Reply, Request as Recorded};
pub use census_testkit::poll;

/// What the fake does with one request: the failure-mode tests' shorthand for a [`Reply`].
#[derive(Debug, Clone)]
pub enum Action {
    /// Answer with this status and body.
    Status(u16, &'static str),
    /// Read the request, then never answer (holds the connection until the fake drops).
    Hang,
    /// Read the request, then reset the connection (RST).
    Reset,
}

impl From<Action> for Reply {
    fn from(a: Action) -> Reply {
        match a {
            Action::Status(code, body) => Reply::status(code).body(body),
            Action::Hang => Reply::hang(),
            Action::Reset => Reply::reset(),
        }
    }
}

/// A [`FakeHttp`] following `script`, then answering `200`; `url` is its base URL.
#[derive(Debug)]
pub struct Fake {
    pub url: String,
    http: FakeHttp,
}

impl Fake {
    pub fn start(script: Vec<Action>) -> Fake {
        let http = FakeHttp::start(script.into_iter().map(Reply::from));
        Fake {
            url: http.url().to_string(),
            http,
        }
    }
}

impl Deref for Fake {
    type Target = FakeHttp;
    fn deref(&self) -> &FakeHttp {
        &self.http
    }
}

/// An isolated meter with one Sum view `jobs_done{kind}` holding `kind="batch"` = `value`.
/// `measure` must be unique per test binary (measure names are process-wide).
pub fn meter_with_jobs(measure: &str, value: i64) -> Meter {
    let meter = Meter::new();
    let m = Int64Measure::new(measure, "Jobs done", "1").unwrap();
    let view = View::new(
        "jobs_done",
        "Jobs done",
        [TagKey::new("kind").unwrap()],
        &m,
        Aggregation::Sum,
    )
    .unwrap();
    meter.view_manager().register(&view).unwrap();
    meter.record_with_tags(
        &TagMap::from_pairs(&[("kind", "batch")]).unwrap(),
        &[m.m(value)],
    );
    meter
}

/// The single value of family `family` in group `key`, if present.
pub fn single_value(
    gw: &census_testkit::Pushgateway,
    key: &[(&str, &str)],
    family: &str,
) -> Option<f64> {
    let v = gw.values(key, family);
    assert!(v.len() <= 1, "{family}: {v:?}");
    v.first().map(|(_, x)| *x)
}
