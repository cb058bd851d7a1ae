//! An ocpush-style cron job: a private meter, views registered on it, tagged records with
//! attachments, and one push of the whole group to a Prometheus Pushgateway at the end.
//!
//! ```text
//! cargo run --example ocpush_cron                        # pushes to http://127.0.0.1:9091, job "ocpush_cron"
//! cargo run --example ocpush_cron -- worker-7            # grouping label instance="worker-7" (default "cron-1")
//! CENSUS_PUSH_PRINT=1 cargo run --example ocpush_cron    # ocpush's isTest: print the exact body instead
//! CENSUS_PUSHGATEWAY_URL=http://gw:9091 CENSUS_JOB=nightly CENSUS_NAMESPACE=etl cargo run --example ocpush_cron
//! ```
//! Exits non-zero with one line on stderr when the final push fails.
//!
//! | ocpush | here |
//! | --- | --- |
//! | `NewPushExporter(isTest, namespace, addr, port, job)` | `Pushgateway::builder(url, job).with_namespace(..).with_meter(meter)` |
//! | `SetInstance(instance)` | `.with_grouping_label("instance", instance)` |
//! | `RegisterViews(views...)` | `meter.view_manager().register_all(..)` |
//! | `Record(ctx, measurements, attachments)` | `meter.record_with_attachments(&tags::current(), ..)` |
//! | `PushMetrics()` | `guard.finish()` (a PUT: the run replaces its group, no stale series) |

use std::process::ExitCode;

use census::config::ExporterConfig;
use census::pushgateway::Pushgateway;
use census::{
    tags, units, Aggregation, Attachments, Int64Measure, Meter, Mutator, TagKey, TagValue, View,
};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ocpush_cron: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, Box<dyn std::error::Error>> {
    // isTest, pushAddr + pushPort, jobName and namespace come from the CENSUS_* variables.
    let cfg = ExporterConfig::from_env()?
        .default_job("ocpush_cron")
        .default_namespace("cron")
        .resolve()?;
    let instance = std::env::args().nth(1).unwrap_or_else(|| "cron-1".into());

    let meter = Meter::new(); // private, as ocpush's: the default meter is not pushed
    let mut builder = Pushgateway::builder(&cfg.pushgateway_url, cfg.job.as_deref().unwrap_or(""))
        .with_meter(meter.clone())
        .with_grouping_label("instance", instance)
        .with_timeout(cfg.push_timeout);
    if let Some(ns) = &cfg.namespace {
        builder = builder.with_namespace(ns);
    }
    if cfg.push_print {
        builder = builder.with_print_to_stdout();
    }
    let pg = builder.build()?;
    let guard = pg.guard(); // pushes even on an early return or a panic

    let files = Int64Measure::new("cron/files", "Files processed", units::DIMENSIONLESS)?;
    let bytes = Int64Measure::new("cron/bytes", "Bytes processed", units::BYTES)?;
    let kind = TagKey::new("kind")?;
    let files_view = View::new(
        "files_processed",
        "Files processed by kind",
        [kind.clone()],
        &files,
        Aggregation::Count,
    )?;
    let bytes_view = View::new(
        "bytes_processed",
        "Bytes processed by kind",
        [kind.clone()],
        &bytes,
        Aggregation::Sum,
    )?;
    let sizes_view = View::new(
        "file_size_bytes",
        "Size of processed files",
        [],
        &bytes,
        Aggregation::distribution(&[1024.0, 65536.0, 1048576.0])?,
    )?;
    meter
        .view_manager()
        .register_all([&files_view, &bytes_view, &sizes_view])?;

    for (k, size) in [("csv", 512), ("csv", 2048), ("json", 70000), ("csv", 4096)] {
        let map = tags::current().with(&[Mutator::insert(kind.clone(), TagValue::new(k)?)]);
        let _scope = tags::enter(map);
        let attachments = Attachments::new().with("file_kind", k);
        meter.record_with_attachments(&tags::current(), &attachments, &[files.m(1), bytes.m(size)]);
    }

    if let Err(e) = guard.finish() {
        eprintln!("ocpush_cron: final push failed: {e}");
        return Ok(ExitCode::FAILURE);
    }
    if !cfg.push_print {
        eprintln!("ocpush_cron: pushed to {}", pg.url());
    }
    Ok(ExitCode::SUCCESS)
}
