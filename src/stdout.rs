//! The stdout exporter: census-export's print sink with the Prometheus text encoder. See
//! [`exporter`] for details.

use std::sync::Arc;

use census_export::{BoxError, Ending, Finish, PrintExporter, PrintSink};
use census_prometheus::{Encoder, ExpositionOptions};
use census_sdk::{Exporter, ViewData};

/// A [`PrintExporter`] that prints the Prometheus text exposition of every snapshot it is
/// handed to `sink`: a dry run that shows exactly what would be scraped or pushed. Views the
/// encoder leaves out are logged.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use census::export::PrintSink;
/// use census::{Exporter, Aggregation, Int64Measure, Meter, TagMap, View};
///
/// #[derive(Clone, Default)]
/// struct Buf(Arc<Mutex<Vec<u8>>>);
/// impl std::io::Write for Buf {
///     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().write(b) }
///     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
/// }
///
/// let meter = Meter::new();
/// let m = Int64Measure::new("doc.io/stdout_jobs", "Jobs", "1").unwrap();
/// meter.view_manager().register(&View::new("jobs", "Jobs done", [], &m, Aggregation::Count).unwrap()).unwrap();
/// meter.record_with_tags(&TagMap::new(), &[m.m(1)]);
/// let buf = Buf::default();
/// let exporter = census::stdout::exporter(Default::default(), PrintSink::to_writer(buf.clone()));
/// exporter.export(&meter.snapshot()).unwrap();
/// assert_eq!(
///     String::from_utf8(buf.0.lock().unwrap().clone()).unwrap(),
///     "# HELP jobs Jobs done\n# TYPE jobs counter\njobs 1\n"
/// );
/// ```
pub fn exporter(options: ExpositionOptions, sink: PrintSink) -> PrintExporter {
    let mut encoder = Encoder::new(options);
    let encode = move |views: &[ViewData], out: &mut Vec<u8>| -> Result<(), BoxError> {
        out.clear();
        for e in encoder.encode_text(views, out).skipped {
            tracing::warn!(error = %e, "census stdout exporter skipped a view");
        }
        Ok(())
    };
    PrintExporter::new("stdout", encode, sink)
}

/// The stdout exporter as the startup guard runs it: fed by the default meter's reporting
/// thread, and on finish taken off the meter, then one last print.
pub(crate) struct Stdout {
    exporter: Arc<dyn Exporter>,
    printer: Arc<PrintExporter>,
}

impl Stdout {
    /// Starts printing the default meter's reports to stdout.
    pub(crate) fn start(options: ExpositionOptions) -> Self {
        let meter = census_sdk::default_meter().clone();
        let printer = Arc::new(
            exporter(options, PrintSink::stdout()).with_final_snapshot(move || meter.snapshot()),
        );
        let exporter: Arc<dyn Exporter> = printer.clone();
        census_sdk::view_manager().register_exporter(exporter.clone());
        Stdout { exporter, printer }
    }
}

impl Finish for Stdout {
    fn name(&self) -> &str {
        "stdout"
    }

    fn finish(&self, ending: Ending) -> Result<(), BoxError> {
        census_sdk::view_manager().unregister_exporter(&self.exporter);
        self.printer.finish(ending)
    }
}
