//! `Duration::MAX` as the reporting period and as the export timeout: no deadline arithmetic
//! overflows; flush and stop still export and shut down.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use census_sdk::{Aggregation, ExportError, Exporter, Int64Measure, Meter, Snapshot, TagMap, View};

#[derive(Debug, Default)]
struct Calls(Mutex<Vec<String>>);

impl Exporter for Calls {
    fn export(&self, s: &Snapshot) -> Result<(), ExportError> {
        self.0.lock().unwrap().push(format!("export {}", s.len()));
        Ok(())
    }
    fn shutdown(&self, timeout: Duration) -> Result<(), ExportError> {
        // The deadline saturates at a far instant instead of overflowing.
        let far = timeout > Duration::from_secs(300 * 86_400);
        self.0
            .lock()
            .unwrap()
            .push(format!("shutdown, far deadline: {far}"));
        Ok(())
    }
}

#[test]
fn duration_max_everywhere_still_exports_and_stops() {
    let meter = Meter::new();
    meter.set_export_timeout(Duration::MAX);
    meter.view_manager().set_reporting_period(Duration::MAX);
    let m = Int64Measure::new("test.io/extreme_durations", "", "1").unwrap();
    let view = View::new("extreme_durations", "", [], &m, Aggregation::Count).unwrap();
    meter.view_manager().register(&view).unwrap();
    meter.record_with_tags(&TagMap::new(), &[m.m(1)]);
    let calls = Arc::new(Calls::default());
    meter.view_manager().register_exporter(calls.clone());
    meter.start();
    meter.flush().unwrap();
    meter.stop().unwrap();
    assert_eq!(
        *calls.0.lock().unwrap(),
        ["export 1", "export 1", "shutdown, far deadline: true"]
    );
}
