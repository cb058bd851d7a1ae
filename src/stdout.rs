//! The stdout exporter: census-export's print sink with the Prometheus text encoder. See
//! [`exporter`] for details.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use census_export::{BoxError, Ending, Finish, PrintExporter, PrintSink};
use census_prometheus::{Encoder, ExpositionOptions};
use census_sdk::{Exporter, ViewData};

/// A [`PrintExporter`] that prints the Prometheus text exposition of every snapshot it is
/// handed to `sink`: a dry run that shows exactly what would be scraped or pushed, each report
/// after a comment line with its UTC time (`# census report 2026-12-02T13:08:07Z`). Views the
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
/// let printed = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
/// let (first, rest) = printed.split_once('\n').unwrap();
/// assert!(first.starts_with("# census report 20") && first.ends_with('Z'), "{first}");
/// assert_eq!(rest, "# HELP jobs Jobs done\n# TYPE jobs counter\njobs 1\n");
/// ```
pub fn exporter(options: ExpositionOptions, sink: PrintSink) -> PrintExporter {
    let mut encoder = Encoder::new(options);
    let encode = move |views: &[ViewData], out: &mut Vec<u8>| -> Result<(), BoxError> {
        out.clear();
        // One comment line starts each report, so consecutive reports read apart (parsers
        // skip comments).
        out.extend_from_slice(
            format!("# census report {}\n", rfc3339(SystemTime::now())).as_bytes(),
        );
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

/// `t` as RFC 3339 UTC to the second, e.g. `2026-12-02T13:08:07Z`.
fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_dates() {
        for (secs, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_796_216_887, "2026-12-02T13:08:07Z"),
            (4_107_542_399, "2100-02-28T23:59:59Z"),
        ] {
            assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(secs)), text);
        }
    }
}
