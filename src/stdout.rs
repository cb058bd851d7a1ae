//! See [`StdoutExporter`] for details.

use std::fmt;
use std::io::Write;
use std::sync::Mutex;

use census_prometheus::{Encoder, ExpositionOptions};
use census_sdk::{ExportError, Exporter, Snapshot};

/// Prints the Prometheus text exposition of every report to a writer (stdout by default):
/// a dry run that shows exactly what would be scraped or pushed.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use census::stdout::StdoutExporter;
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
/// let exporter = StdoutExporter::to_writer(Default::default(), buf.clone());
/// exporter.export(&meter.snapshot()).unwrap();
/// assert_eq!(
///     String::from_utf8(buf.0.lock().unwrap().clone()).unwrap(),
///     "# HELP jobs Jobs done\n# TYPE jobs counter\njobs 1\n"
/// );
/// ```
pub struct StdoutExporter {
    encoder: Mutex<(Encoder, Vec<u8>)>,
    out: Mutex<Box<dyn Write + Send>>,
}

impl StdoutExporter {
    /// Prints to standard output.
    pub fn new(options: ExpositionOptions) -> Self {
        Self::to_writer(options, std::io::stdout())
    }

    /// Prints to `writer`.
    pub fn to_writer(options: ExpositionOptions, writer: impl Write + Send + 'static) -> Self {
        StdoutExporter {
            encoder: Mutex::new((Encoder::new(options), Vec::new())),
            out: Mutex::new(Box::new(writer)),
        }
    }
}

impl fmt::Debug for StdoutExporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StdoutExporter")
    }
}

impl Exporter for StdoutExporter {
    fn export(&self, data: &Snapshot) -> Result<(), ExportError> {
        let mut guard = self.encoder.lock().unwrap_or_else(|e| e.into_inner());
        let (encoder, buf) = &mut *guard;
        buf.clear();
        let report = encoder.encode_text(data, buf);
        for e in &report.skipped {
            tracing::warn!(error = %e, "census stdout exporter skipped a view");
        }
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        out.write_all(buf)
            .and_then(|()| out.flush())
            .map_err(|e| ExportError::failed("stdout", e))
    }
}
