//! `Meter::stop` exports once more, then shuts every exporter down within the export timeout;
//! a shut-down exporter refuses later exports.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use census_sdk::testing::InMemoryExporter;
use census_sdk::{
    Aggregation, AggregationData, ExportError, Exporter, Int64Measure, Meter, Snapshot, TagMap,
    View,
};

/// Records the order of calls it gets.
#[derive(Debug, Default)]
struct Calls(Mutex<Vec<String>>);

impl Exporter for Calls {
    fn export(&self, s: &Snapshot) -> Result<(), ExportError> {
        self.0.lock().unwrap().push(format!("export {}", s.len()));
        Ok(())
    }
    fn flush(&self, _: Duration) -> Result<(), ExportError> {
        self.0.lock().unwrap().push("flush".into());
        Ok(())
    }
    fn shutdown(&self, timeout: Duration) -> Result<(), ExportError> {
        assert!(timeout <= Duration::from_secs(3), "{timeout:?}");
        self.0.lock().unwrap().push("shutdown".into());
        Ok(())
    }
}

#[test]
fn stop_exports_once_more_then_shuts_every_exporter_down() {
    let meter = Meter::new();
    meter.set_export_timeout(Duration::from_secs(3));
    let m = Int64Measure::new("test.io/stop_shuts_down", "", "1").unwrap();
    meter
        .view_manager()
        .register(&View::new("stop_shuts_down", "", [], &m, Aggregation::Sum).unwrap())
        .unwrap();
    let memory = InMemoryExporter::new();
    let calls = Arc::new(Calls::default());
    meter
        .view_manager()
        .register_exporter(Arc::new(memory.clone()));
    meter.view_manager().register_exporter(calls.clone());
    meter.start();
    meter.record_with_tags(&TagMap::new(), &[m.m(5)]);
    meter.flush().unwrap();
    meter.record_with_tags(&TagMap::new(), &[m.m(2)]);

    meter.stop().unwrap();

    assert_eq!(
        *calls.0.lock().unwrap(),
        ["export 1", "flush", "export 1", "shutdown"]
    );
    assert_eq!(memory.shutdowns(), 1);
    assert_eq!(memory.flushes(), 1);
    let last = memory.last().unwrap();
    assert_eq!(
        last[0].rows()[0].data(),
        &AggregationData::Sum(census_sdk::SumData::Int(7)),
        "the final export carries every recording"
    );
    // A later export is refused, naming the exporter.
    let err = memory.export(&meter.snapshot()).unwrap_err();
    assert!(matches!(err, ExportError::ShutDown { .. }), "{err}");
    assert_eq!(err.exporter(), "in-memory");
    // The stopped meter no longer feeds the exporters it shut down.
    meter.flush().unwrap();
    assert_eq!(memory.exported().len(), 2);
    assert_eq!(calls.0.lock().unwrap().len(), 4);
}

#[test]
fn a_failing_shutdown_is_returned_and_the_others_still_shut_down() {
    #[derive(Debug)]
    struct Broken;
    impl Exporter for Broken {
        fn export(&self, _: &Snapshot) -> Result<(), ExportError> {
            Ok(())
        }
        fn shutdown(&self, timeout: Duration) -> Result<(), ExportError> {
            Err(ExportError::TimedOut {
                exporter: "broken".into(),
                timeout,
            })
        }
    }
    let meter = Meter::new();
    let memory = InMemoryExporter::new();
    meter.view_manager().register_exporter(Arc::new(Broken));
    meter
        .view_manager()
        .register_exporter(Arc::new(memory.clone()));
    meter.start();
    let err = meter.stop().unwrap_err();
    assert_eq!(err.exporter(), "broken");
    assert!(err.to_string().contains("did not finish within"), "{err}");
    assert!(memory.is_shut_down());
}
