//! Dry runs: the [`PrintSink`] writes exact bodies instead of sending them, and the
//! [`PrintExporter`] prints every snapshot it is handed through an [`Encode`]r.

use std::fmt;
use std::io::Write;
use std::sync::{Arc, Mutex};

use census_sdk::{ExportError, Exporter, Snapshot, ViewData};

use crate::errors::BoxError;
use crate::finish::{Ending, Finish};
use crate::lock::lock;

/// A writer shared by clones (stdout by default). Each body is written whole and flushed.
#[derive(Clone)]
pub struct PrintSink {
    out: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl PrintSink {
    /// Writes to standard output.
    pub fn stdout() -> Self {
        Self::to_writer(std::io::stdout())
    }

    /// Writes to `writer`.
    pub fn to_writer(writer: impl Write + Send + 'static) -> Self {
        PrintSink {
            out: Arc::new(Mutex::new(Box::new(writer))),
        }
    }

    /// Writes `body` and flushes.
    ///
    /// # Errors
    /// The writer's error.
    pub fn write(&self, body: &[u8]) -> std::io::Result<()> {
        let mut out = lock(&self.out);
        out.write_all(body).and_then(|()| out.flush())
    }
}

impl fmt::Debug for PrintSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrintSink")
    }
}

/// Turns views into a body: the one seam between the transport-neutral parts and a wire
/// format (Prometheus text, line protocol, …).
pub trait Encode: Send + 'static {
    /// Replaces `out` with the body for `views`.
    ///
    /// # Errors
    /// When nothing may be sent (the encoder's own reasons).
    fn encode(&mut self, views: &[ViewData], out: &mut Vec<u8>) -> Result<(), BoxError>;
}

impl<F> Encode for F
where
    F: FnMut(&[ViewData], &mut Vec<u8>) -> Result<(), BoxError> + Send + 'static,
{
    fn encode(&mut self, views: &[ViewData], out: &mut Vec<u8>) -> Result<(), BoxError> {
        self(views, out)
    }
}

/// An [`Exporter`] that prints each snapshot's body to a [`PrintSink`]: what would be scraped
/// or pushed, for a dry run. As a [`Finish`], its final print is a fresh snapshot of the
/// meters it was given a source for.
///
/// ```
/// use std::fmt::Write as _;
/// use census_export::{BoxError, PrintExporter, PrintSink};
/// use census_sdk::{Aggregation, Exporter, Int64Measure, Meter, TagMap, View, ViewData};
///
/// #[derive(Clone, Default)]
/// struct Buf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
/// impl std::io::Write for Buf {
///     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().write(b) }
///     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
/// }
///
/// let meter = Meter::new();
/// let m = Int64Measure::new("doc.io/print_jobs", "Jobs", "1").unwrap();
/// meter.view_manager().register(&View::new("jobs", "Jobs done", [], &m, Aggregation::Count).unwrap()).unwrap();
/// meter.record_with_tags(&TagMap::new(), &[m.m(1)]);
/// let names = |views: &[ViewData], out: &mut Vec<u8>| -> Result<(), BoxError> {
///     for v in views { out.extend_from_slice(format!("{} {}\n", v.view().name(), v.rows().len()).as_bytes()); }
///     Ok(())
/// };
/// let buf = Buf::default();
/// let exporter = PrintExporter::new("names", names, PrintSink::to_writer(buf.clone()));
/// exporter.export(&meter.snapshot()).unwrap();
/// assert_eq!(String::from_utf8(buf.0.lock().unwrap().clone()).unwrap(), "jobs 1\n");
/// ```
pub struct PrintExporter {
    name: String,
    encoder: Mutex<(Box<dyn Encode>, Vec<u8>)>,
    sink: PrintSink,
    last: Mutex<Option<Box<dyn Fn() -> Snapshot + Send>>>,
}

impl PrintExporter {
    /// Prints through `encoder` to `sink`; `name` is what errors say.
    pub fn new(name: &str, encoder: impl Encode, sink: PrintSink) -> Self {
        PrintExporter {
            name: name.into(),
            encoder: Mutex::new((Box::new(encoder), Vec::new())),
            sink,
            last: Mutex::new(None),
        }
    }

    /// What the final print ([`Finish::finish`]) shows: `source()` at that moment. Without
    /// one, finishing prints nothing.
    pub fn with_final_snapshot(self, source: impl Fn() -> Snapshot + Send + 'static) -> Self {
        *lock(&self.last) = Some(Box::new(source));
        self
    }

    fn print(&self, views: &[ViewData]) -> Result<(), BoxError> {
        let mut guard = lock(&self.encoder);
        let (encoder, buf) = &mut *guard;
        encoder.encode(views, buf)?;
        self.sink.write(buf)?;
        Ok(())
    }
}

impl fmt::Debug for PrintExporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrintExporter")
            .field("name", &self.name)
            .finish()
    }
}

impl Exporter for PrintExporter {
    fn export(&self, snapshot: &Snapshot) -> Result<(), ExportError> {
        self.print(snapshot)
            .map_err(|e| ExportError::failed(self.name.clone(), e))
    }
}

impl Finish for PrintExporter {
    fn name(&self) -> &str {
        &self.name
    }

    /// Prints a last snapshot once (from the source given to
    /// [`with_final_snapshot`](PrintExporter::with_final_snapshot)).
    fn finish(&self, _ending: Ending) -> Result<(), BoxError> {
        let source = lock(&self.last).take();
        match source {
            Some(source) => self.print(&source()),
            None => Ok(()),
        }
    }
}
