//! VictoriaMetrics 1.79.5 (real, default flags) fed by census-influx over `/write` and over
//! UDP stores exactly the series, label sets and values a scrape of census's Prometheus
//! exporter shows for the same recordings, `_bucket{le}`, `_sum` and `_count` included.
//!
//! Needs the Debian package `victoria-metrics` (`scripts/install-peers`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

use census_influx::Influx;
use census_prometheus::{encode_text, ExpositionOptions};
use census_testkit::{exposition, VictoriaMetrics};

type Series = BTreeMap<(String, BTreeMap<String, String>), f64>;

/// What a scrape of the Prometheus exporter with `opts` shows.
fn scraped(meter: &census_sdk::Meter, opts: &ExpositionOptions) -> Series {
    let mut text = Vec::new();
    encode_text(&meter.snapshot(), opts, &mut text);
    let text = String::from_utf8(text).unwrap();
    exposition::samples(&text)
        .into_iter()
        .map(|s| {
            // Prometheus drops empty labels; so does VictoriaMetrics.
            let labels = s
                .labels
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect();
            ((s.name, labels), s.value)
        })
        .collect()
}

fn stored(vm: &VictoriaMetrics, want: &Series) -> (Series, BTreeSet<i64>) {
    let names: BTreeSet<&str> = want.keys().map(|(n, _)| n.as_str()).collect();
    let selector = format!(
        "{{__name__=~\"{}\"}}",
        names.into_iter().collect::<Vec<_>>().join("|")
    );
    let got = vm.wait_export(&selector, |s| s.len() >= want.len());
    let mut times = BTreeSet::new();
    let series = got
        .into_iter()
        .map(|s| {
            times.extend(s.timestamps.iter().copied());
            let v = *s.values.last().expect("a value");
            ((s.name().to_string(), s.labels_without_name()), v)
        })
        .collect();
    (series, times)
}

fn check(url_of: impl Fn(&VictoriaMetrics) -> String) {
    let vm = VictoriaMetrics::start();
    let meter = common::recorded_meter();
    let opts = ExpositionOptions::new().with_namespace("app").unwrap();
    let want = scraped(&meter, &opts);
    // 2 counts, 2 int sums, 1 float sum, 2 last values, 2 histograms x (4 buckets, sum, count).
    assert_eq!(
        want.len(),
        19,
        "the scenario covers every aggregation: {want:#?}"
    );

    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let influx = Influx::builder(url_of(&vm))
        .with_meter(meter)
        .with_exposition_options(opts)
        .build()
        .unwrap();
    influx.export_blocking().unwrap();
    let (got, times) = stored(&vm, &want);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "VictoriaMetrics stored other series than a scrape shows"
    );
    for (k, w) in &want {
        // VictoriaMetrics stores decimal mantissas of about 15 digits: 0.1 + 0.2 =
        // 0.30000000000000004 comes back as 0.3.
        let g = got[k];
        assert!(
            (g - w).abs() <= w.abs() * 1e-12,
            "{k:?}: stored {g}, scraped {w}"
        );
    }
    assert_eq!(times.len(), 1, "one snapshot time on every line: {times:?}");
    let t = *times.iter().next().unwrap();
    assert!(t >= before && t <= before + 60_000, "{t} vs {before}");
    assert_eq!(influx.skipped_values(), 0);
    influx.shutdown(std::time::Duration::from_secs(5)).unwrap();
}

#[test]
fn over_http_write() {
    check(|vm| vm.influx_write_url());
}

#[test]
fn over_udp() {
    check(|vm| format!("udp://{}", vm.influx_addr()));
}
