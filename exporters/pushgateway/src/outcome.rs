//! The job-outcome gauges added to the final push when
//! [`crate::PushgatewayBuilder::with_job_outcome_metrics`] is on.
//!
//! They are ordinary census views (LastValue, so `gauge`) in a meter private to the exporter,
//! encoded by the same code as every other view; the gateway forbids pushed timestamps, so
//! times are plain gauge values in Unix seconds.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use census_export::{Clock, Stopwatch};
use census_sdk::{Aggregation, Float64Measure, Meter, TagMap, View, ViewData};

/// View (metric) name of the run's wall time.
pub const JOB_DURATION_SECONDS: &str = "job_duration_seconds";
/// View (metric) name of the last successful run's end time.
pub const JOB_LAST_SUCCESS_TIMESTAMP_SECONDS: &str = "job_last_success_timestamp_seconds";
/// View (metric) name of the last run's outcome: 1 success, 0 failure.
pub const JOB_LAST_RUN_SUCCESS: &str = "job_last_run_success";

/// The run's start and whether it failed.
#[derive(Debug)]
pub(crate) struct Outcome {
    started: Stopwatch,
    failed: AtomicBool,
    gauges: Option<Gauges>,
}

/// A meter of its own with the three LastValue views, and their measures in the order of
/// [`GAUGES`].
#[derive(Debug)]
struct Gauges {
    meter: Meter,
    measures: Vec<Float64Measure>,
}

/// Name, description and unit of each gauge.
const GAUGES: [(&str, &str, &str); 3] = [
    (
        JOB_DURATION_SECONDS,
        "Wall time of the job's last run, from the exporter's start to its final push.",
        "s",
    ),
    (
        JOB_LAST_SUCCESS_TIMESTAMP_SECONDS,
        "Unix time at which the job last finished successfully.",
        "s",
    ),
    (
        JOB_LAST_RUN_SUCCESS,
        "Outcome of the job's last run: 1 if it succeeded, 0 if it failed.",
        "1",
    ),
];

impl Outcome {
    /// Starts the run's stopwatch on `clock` now; `gauges` turns the outcome metrics on.
    pub(crate) fn new(gauges: bool, clock: &Clock) -> Self {
        Outcome {
            started: clock.stopwatch(),
            failed: AtomicBool::new(false),
            gauges: if gauges { Gauges::new() } else { None },
        }
    }

    pub(crate) fn set_failed(&self, failed: bool) {
        self.failed.store(failed, Ordering::SeqCst);
    }

    pub(crate) fn failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }

    /// Whether outcome gauges are on.
    pub(crate) fn enabled(&self) -> bool {
        self.gauges.is_some()
    }

    /// The gauges for the final push, now. A failed run leaves out the last-success gauge,
    /// so the value from the last successful run survives in the gateway (the final push of a
    /// failed run is then a `POST`).
    pub(crate) fn final_data(&self) -> Vec<ViewData> {
        let Some(g) = &self.gauges else {
            return Vec::new();
        };
        let failed = self.failed();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let [duration, last_success, success] = &g.measures[..] else {
            return Vec::new();
        };
        let mut values = vec![
            duration.m(self.started.elapsed().as_secs_f64()),
            success.m(if failed { 0.0 } else { 1.0 }),
        ];
        if !failed {
            values.push(last_success.m(now));
        }
        g.meter.record_with_tags(&TagMap::new(), &values);
        g.meter
            .snapshot()
            .iter()
            .filter(|vd| !(failed && vd.view.name() == JOB_LAST_SUCCESS_TIMESTAMP_SECONDS))
            .filter(|vd| !vd.rows.is_empty())
            .cloned()
            .collect()
    }
}

impl Gauges {
    fn new() -> Option<Self> {
        let make = || -> Result<Self, Box<dyn std::error::Error>> {
            let meter = Meter::new();
            let mut measures = Vec::new();
            for (name, help, unit) in GAUGES {
                let m = Float64Measure::new(&format!("census.io/pushgateway/{name}"), help, unit)?;
                let view = View::new(name, "", [], &m, Aggregation::LastValue)?;
                meter.view_manager().register(&view)?;
                measures.push(m);
            }
            Ok(Gauges { meter, measures })
        };
        make()
            .inspect_err(|e| {
                // Only a measure of the same name defined differently elsewhere can cause this.
                tracing::error!(error = %e, "census-pushgateway: job outcome metrics are off");
            })
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use census_sdk::AggregationData;

    fn value(data: &[ViewData], name: &str) -> Option<f64> {
        let vd = data.iter().find(|vd| vd.view.name() == name)?;
        match &vd.rows[0].data {
            AggregationData::LastValue(v) => Some(v.as_f64()),
            _ => None,
        }
    }

    #[test]
    fn success_reports_all_three() {
        let o = Outcome::new(true, &Clock::System);
        let d = o.final_data();
        assert_eq!(d.len(), 3);
        assert_eq!(value(&d, JOB_LAST_RUN_SUCCESS), Some(1.0));
        assert!(value(&d, JOB_DURATION_SECONDS).unwrap() >= 0.0);
        assert!(value(&d, JOB_LAST_SUCCESS_TIMESTAMP_SECONDS).unwrap() > 1.7e9);
    }

    #[test]
    fn failure_leaves_out_last_success() {
        let o = Outcome::new(true, &Clock::System);
        o.set_failed(true);
        let d = o.final_data();
        assert_eq!(d.len(), 2);
        assert_eq!(value(&d, JOB_LAST_RUN_SUCCESS), Some(0.0));
        assert_eq!(value(&d, JOB_LAST_SUCCESS_TIMESTAMP_SECONDS), None);
    }

    #[test]
    fn off_means_nothing() {
        let o = Outcome::new(false, &Clock::System);
        assert!(!o.enabled());
        assert!(o.final_data().is_empty());
    }
}
