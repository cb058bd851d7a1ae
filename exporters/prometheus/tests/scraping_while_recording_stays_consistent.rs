//! Scrapes over HTTP while threads record: every scrape is a consistent exposition, counters
//! never go back, and the last scrape has the exact totals.
#![cfg(feature = "server")]

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use census_prometheus::{PrometheusExporter, Server};
use census_sdk::Meters;
use census_sdk::{Aggregation, Float64Measure, Meter, View};
use census_testkit::exposition::by_series as samples;
use census_testkit::http;
use common::{keys, register, tags};

const THREADS: usize = 4;
const RECORDS: usize = 100_000;

fn check_histogram(s: &HashMap<String, f64>, worker: usize) {
    let series = |suffix: &str, le: Option<&str>| {
        let labels = match le {
            Some(le) => format!("{{worker=\"w{worker}\",le=\"{le}\"}}"),
            None => format!("{{worker=\"w{worker}\"}}"),
        };
        s.get(&format!("conc_latency{suffix}{labels}")).copied()
    };
    let Some(count) = series("_count", None) else {
        return; // this worker has not recorded yet
    };
    let mut prev = 0.0;
    for le in ["1", "10", "+Inf"] {
        let b = series("_bucket", Some(le)).expect("every bucket");
        assert!(
            b >= prev,
            "buckets not cumulative for w{worker}: {b} < {prev}"
        );
        prev = b;
    }
    assert_eq!(prev, count, "+Inf bucket != count for w{worker}");
    let count_view = s[&format!("conc_count{{worker=\"w{worker}\"}}")];
    assert!(count_view >= 0.0);
}

#[test]
fn scrapes_during_recording_are_consistent_and_end_exact() {
    let meter = Meter::new();
    let latency = Float64Measure::new("conc.test/latency", "Latency", "ms").unwrap();
    register(
        &meter,
        View::new(
            "conc_count",
            "",
            keys(&["worker"]),
            &latency,
            Aggregation::Count,
        ),
    );
    register(
        &meter,
        View::new(
            "conc_latency",
            "",
            keys(&["worker"]),
            &latency,
            Aggregation::distribution(&[1.0, 10.0]).unwrap(),
        ),
    );
    let exporter = PrometheusExporter::builder()
        .with_meters(Meters::Only(vec![meter.clone()]))
        .build()
        .unwrap();
    let server = Server::builder()
        .with_exporter(exporter)
        .with_address("127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap()
        .start()
        .unwrap();

    let done = Arc::new(AtomicBool::new(false));
    let go = Arc::new(Barrier::new(THREADS + 1));
    let scraper = {
        let (url, done, go) = (server.url(), done.clone(), go.clone());
        thread::spawn(move || {
            let (mut scrapes, mut during) = (0, 0);
            let mut last: HashMap<String, f64> = HashMap::new();
            while !done.load(Ordering::Acquire) || scrapes < 3 {
                let r = http::get(&url).unwrap();
                assert_eq!(r.status, 200);
                let s = samples(&r.text());
                for w in 0..THREADS {
                    check_histogram(&s, w);
                }
                for (series, v) in &s {
                    if let Some(before) = last.get(series) {
                        assert!(v >= before, "{series} went back: {before} -> {v}");
                    }
                }
                last = s;
                scrapes += 1;
                if scrapes == 1 {
                    go.wait(); // recording starts after the first scrape
                } else if !done.load(Ordering::Acquire) {
                    during += 1;
                }
            }
            during
        })
    };
    let workers: Vec<_> = (0..THREADS)
        .map(|w| {
            let (meter, latency, go) = (meter.clone(), latency.clone(), go.clone());
            thread::spawn(move || {
                go.wait();
                let t = tags(&[("worker", &format!("w{w}"))]);
                for i in 0..RECORDS {
                    meter.record_with_tags(&t, &[latency.m((i % 20) as f64)]);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    done.store(true, Ordering::Release);
    let during = scraper.join().unwrap();
    assert!(during >= 1, "no scrape finished while recording");

    let s = samples(&http::get(&server.url()).unwrap().text());
    for w in 0..THREADS {
        assert_eq!(s[&format!("conc_count{{worker=\"w{w}\"}}")], RECORDS as f64);
        // Values 0..20 cycling: 1 below 1, 9 in [1, 10), 10 at or above 10, per 20 records.
        let per = (RECORDS / 20) as f64;
        let bucket = |le: &str| s[&format!("conc_latency_bucket{{worker=\"w{w}\",le=\"{le}\"}}")];
        assert_eq!(bucket("1"), per);
        assert_eq!(bucket("10"), 10.0 * per);
        assert_eq!(bucket("+Inf"), RECORDS as f64);
        // mean × count, as Go: exact up to the rounding of the running mean.
        let sum = s[&format!("conc_latency_sum{{worker=\"w{w}\"}}")];
        assert!((sum - 190.0 * per).abs() < 1e-9 * 190.0 * per, "sum {sum}");
    }
}
