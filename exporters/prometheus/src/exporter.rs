//! See [`PrometheusExporter`] for details.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::encode::{EncodeReport, Encoder};
use crate::error::{BuildError, EncodeError};
use crate::format::Format;
use crate::negotiate::negotiate_format;
use crate::options::ExpositionOptions;
use crate::self_metrics::SelfMetrics;
use census_sdk::Meters;

/// Scrapes answered at once unless set otherwise.
pub const DEFAULT_MAX_CONCURRENT_SCRAPES: usize = 4;

/// The pull exporter, independent of any transport: on each scrape it snapshots its
/// [`Meters`] and encodes them. Cheap to clone (a handle to one exporter).
///
/// Serve it with the `server` feature's `Server`, mount its `MetricsService` in your own hyper
/// or axum app, or call [`PrometheusExporter::scrape`] yourself.
///
/// ```
/// use census_prometheus::{ExpositionOptions, Format, PrometheusExporter};
/// use census_sdk::Meters;
/// use census_sdk::{Aggregation, Int64Measure, Meter, TagMap, View};
///
/// let meter = Meter::new();
/// let m = Int64Measure::new("doc.io/exporter_jobs", "Jobs", "1").unwrap();
/// meter.view_manager().register(&View::new("jobs", "", [], &m, Aggregation::Count).unwrap()).unwrap();
/// meter.record_with_tags(&TagMap::new(), &[m.m(1)]);
///
/// let exporter = PrometheusExporter::builder()
///     .with_options(ExpositionOptions::new().with_namespace("app")?)
///     .with_meters(Meters::Only(vec![meter]))
///     .build()?;
/// let scrape = exporter.scrape(Format::Text);
/// assert_eq!(scrape.body, b"# HELP app_jobs Jobs\n# TYPE app_jobs counter\napp_jobs 1\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PrometheusExporter {
    inner: Arc<Inner>,
}

struct Inner {
    meters: Meters,
    opts: ExpositionOptions,
    openmetrics: bool,
    max_concurrent_scrapes: usize,
    in_flight: AtomicUsize,
    /// Idle encoders, one per concurrent scrape at most.
    encoders: Mutex<Vec<Encoder>>,
    /// The size of the last body: the next one starts with this capacity.
    size_hint: AtomicUsize,
    self_metrics: Option<SelfMetrics>,
    /// What the last scrape left out, to log only changes.
    last_skipped: Mutex<Vec<EncodeError>>,
}

/// One encoded scrape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scrape {
    /// The format of `body`.
    pub format: Format,
    /// The exposition.
    pub body: Vec<u8>,
    /// What was encoded and what was left out.
    pub report: EncodeReport,
}

/// Proof that a scrape may run; dropping it frees the slot. See
/// [`PrometheusExporter::try_acquire`].
#[derive(Debug)]
pub struct ScrapePermit {
    inner: Arc<Inner>,
}

impl Drop for ScrapePermit {
    fn drop(&mut self) {
        self.inner.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Builds a [`PrometheusExporter`]; see there.
#[derive(Debug, Clone)]
pub struct ExporterBuilder {
    meters: Meters,
    opts: ExpositionOptions,
    openmetrics: bool,
    max_concurrent_scrapes: usize,
    self_metrics: bool,
}

impl Default for ExporterBuilder {
    fn default() -> Self {
        ExporterBuilder {
            meters: Meters::Started,
            opts: ExpositionOptions::new(),
            openmetrics: false,
            max_concurrent_scrapes: DEFAULT_MAX_CONCURRENT_SCRAPES,
            self_metrics: false,
        }
    }
}

impl ExporterBuilder {
    /// The exposition options (namespace, constant labels, compatibility switches).
    pub fn with_options(mut self, opts: ExpositionOptions) -> Self {
        self.opts = opts;
        self
    }

    /// The meters to read (default: [`Meters::Started`]).
    pub fn with_meters(mut self, meters: Meters) -> Self {
        self.meters = meters;
        self
    }

    /// Answers scrapers that prefer it with OpenMetrics 1.0.0 (with exemplars) instead of text
    /// format 0.0.4. Off by default: OpenMetrics names every counter `x_total` inside
    /// Prometheus (a counter that was `x` becomes `x_total`) and writes `le="10.0"` where text
    /// wrote `le="10"` (Prometheus 2 stores them as different series), so turning it on
    /// renames series that dashboards ported from OpenCensus use.
    pub fn with_openmetrics(mut self, on: bool) -> Self {
        self.openmetrics = on;
        self
    }

    /// How many scrapes may be encoded at once (default
    /// [`DEFAULT_MAX_CONCURRENT_SCRAPES`]); the servers answer more with 503.
    pub fn with_max_concurrent_scrapes(mut self, max: usize) -> Self {
        self.max_concurrent_scrapes = max;
        self
    }

    /// Adds the exporter's own metrics to every scrape (off by default):
    /// `census_prometheus_scrapes` (by `format`), `census_prometheus_scrape_duration_seconds`
    /// and `census_prometheus_scrape_errors` (by `reason`), after the namespace.
    pub fn with_self_metrics(mut self, on: bool) -> Self {
        self.self_metrics = on;
        self
    }

    /// The exporter.
    ///
    /// # Errors
    /// [`BuildError::ZeroLimit`] for zero concurrent scrapes, [`BuildError::SelfMetrics`] when
    /// self-metrics are on and their measure names are taken by other definitions.
    pub fn build(self) -> Result<PrometheusExporter, BuildError> {
        if self.max_concurrent_scrapes == 0 {
            return Err(BuildError::ZeroLimit {
                setting: "max_concurrent_scrapes",
            });
        }
        let self_metrics = if self.self_metrics {
            Some(SelfMetrics::new()?)
        } else {
            None
        };
        Ok(PrometheusExporter {
            inner: Arc::new(Inner {
                meters: self.meters,
                opts: self.opts,
                openmetrics: self.openmetrics,
                max_concurrent_scrapes: self.max_concurrent_scrapes,
                in_flight: AtomicUsize::new(0),
                encoders: Mutex::new(Vec::new()),
                size_hint: AtomicUsize::new(0),
                self_metrics,
                last_skipped: Mutex::new(Vec::new()),
            }),
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl PrometheusExporter {
    /// Starts an exporter definition.
    pub fn builder() -> ExporterBuilder {
        ExporterBuilder::default()
    }

    /// The exposition options.
    pub fn options(&self) -> &ExpositionOptions {
        &self.inner.opts
    }

    /// The meters read on each scrape.
    pub fn meters(&self) -> &Meters {
        &self.inner.meters
    }

    /// Whether OpenMetrics may be negotiated.
    pub fn openmetrics(&self) -> bool {
        self.inner.openmetrics
    }

    /// The format to answer a scrape with, given its `Accept` header (see
    /// [`crate::negotiate_format`]).
    pub fn negotiate(&self, accept: Option<&str>) -> Format {
        negotiate_format(accept, self.inner.openmetrics)
    }

    /// A slot for one scrape, or `None` when the maximum number of scrapes is running (the
    /// refusal is counted in the self-metrics).
    pub fn try_acquire(&self) -> Option<ScrapePermit> {
        let inner = &self.inner;
        let mut n = inner.in_flight.load(Ordering::Acquire);
        loop {
            if n >= inner.max_concurrent_scrapes {
                if let Some(sm) = &inner.self_metrics {
                    sm.refused();
                }
                return None;
            }
            match inner.in_flight.compare_exchange_weak(
                n,
                n + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    return Some(ScrapePermit {
                        inner: inner.clone(),
                    })
                }
                Err(now) => n = now,
            }
        }
    }

    /// Snapshots the meters and encodes them in `format`. Views left out are logged (through
    /// `tracing`, when the set changes) and listed in the report.
    ///
    /// This does not take a [`ScrapePermit`]; servers call [`Self::try_acquire`] first.
    pub fn scrape(&self, format: Format) -> Scrape {
        let inner = &self.inner;
        let started = Instant::now();
        let mut data = inner.meters.snapshot();
        if let Some(sm) = &inner.self_metrics {
            data = census_sdk::Snapshot::concat([data, sm.snapshot()]);
        }
        let mut encoder = lock(&inner.encoders)
            .pop()
            .unwrap_or_else(|| Encoder::new(inner.opts.clone()));
        let mut body = Vec::with_capacity(inner.size_hint.load(Ordering::Relaxed) + 1024);
        let report = encoder.encode(&data, format, &mut body);
        lock(&inner.encoders).push(encoder);
        inner.size_hint.store(body.len(), Ordering::Relaxed);
        if let Some(sm) = &inner.self_metrics {
            sm.scraped(
                format,
                started.elapsed().as_secs_f64(),
                report.skipped.len(),
            );
        }
        self.log_skipped(&report);
        Scrape {
            format,
            body,
            report,
        }
    }

    fn log_skipped(&self, report: &EncodeReport) {
        let mut last = lock(&self.inner.last_skipped);
        if *last == report.skipped {
            return;
        }
        for e in report.skipped.iter().filter(|e| !last.contains(e)) {
            tracing::warn!(error = %e, "census prometheus exporter left a view out of the scrape");
        }
        *last = report.skipped.clone();
    }
}

impl fmt::Debug for PrometheusExporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrometheusExporter")
            .field("meters", &self.inner.meters)
            .field("options", &self.inner.opts)
            .field("openmetrics", &self.inner.openmetrics)
            .field("max_concurrent_scrapes", &self.inner.max_concurrent_scrapes)
            .field("self_metrics", &self.inner.self_metrics.is_some())
            .finish()
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrometheusExporter")
    }
}
