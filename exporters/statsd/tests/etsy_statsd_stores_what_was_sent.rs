//! Against a real Etsy statsd 0.9.0: what it stores (admin `counters`/`gauges`) after batch
//! exports, and the exact datagrams, forwarded byte for byte by its repeater.

use std::collections::BTreeMap;
use std::net::UdpSocket;
use std::time::Duration;

use census_sdk::{Aggregation, Float64Measure, Int64Measure, Meter, TagKey, TagMap, View};
use census_statsd::{Flavor, Statsd};
use census_testkit::{poll, Statsd as EtsyStatsd, StatsdOptions};

const WAIT: Duration = Duration::from_secs(10);

struct Job {
    meter: Meter,
    rows: Int64Measure,
    depth: Float64Measure,
    secs: Float64Measure,
}

fn job() -> Job {
    let meter = Meter::new();
    let rows = Int64Measure::new("it.io/rows", "", "1").unwrap();
    let depth = Float64Measure::new("it.io/depth", "", "1").unwrap();
    let secs = Float64Measure::new("it.io/secs", "", "s").unwrap();
    let table = TagKey::new("table").unwrap();
    let vm = meter.view_manager();
    for v in [
        View::new("rows_copied", "", [table.clone()], &rows, Aggregation::Sum),
        View::new("tables", "", [], &rows, Aggregation::Count),
        View::new("queue depth", "", [], &depth, Aggregation::LastValue),
        View::new(
            "table_seconds",
            "",
            [table],
            &secs,
            Aggregation::distribution(&[1.0]).unwrap(),
        ),
    ] {
        vm.register(&v.unwrap()).unwrap();
    }
    Job {
        meter,
        rows,
        depth,
        secs,
    }
}

fn record(job: &Job, table: &str, rows: i64, depth: f64, secs: f64) {
    let tags = TagMap::from_pairs(&[("table", table)]).unwrap();
    job.meter.record_with_tags(
        &tags,
        &[job.rows.m(rows), job.depth.m(depth), job.secs.m(secs)],
    );
}

/// Waits until `read` holds `want` (statsd handles packets asynchronously).
fn wait_for(what: &str, read: impl Fn() -> BTreeMap<String, f64>, want: &[(&str, f64)]) {
    let last = std::cell::RefCell::new(BTreeMap::new());
    let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        poll(what, WAIT, || {
            let now = read();
            let ok = want.iter().all(|(k, v)| now.get(*k) == Some(v));
            *last.borrow_mut() = now;
            ok.then_some(())
        })
    }));
    assert!(
        got.is_ok(),
        "{what}: want {want:?}, statsd has {:?}",
        last.borrow()
    );
}

/// The lines of a datagram; rows of one view come in no set order, so lines after the first
/// two (the negative gauge's pair, whose order matters) are sorted.
fn lines_in_view_order(datagram: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = datagram.split('\n').collect();
    lines[2..].sort_unstable();
    lines
}

fn recv_all(s: &UdpSocket, n: usize) -> Vec<String> {
    s.set_read_timeout(Some(WAIT)).unwrap();
    let mut buf = [0u8; 65_536];
    (0..n)
        .map(|_| {
            let len = s.recv(&mut buf).expect("a repeated datagram");
            String::from_utf8(buf[..len].to_vec()).unwrap()
        })
        .collect()
}

#[test]
fn counters_accumulate_the_deltas_and_gauges_hold_the_value_even_when_negative() {
    let repeated = UdpSocket::bind("127.0.0.1:0").unwrap();
    let peer = EtsyStatsd::start_with(StatsdOptions {
        repeat_to: Some(repeated.local_addr().unwrap()),
        ..StatsdOptions::default()
    });
    let job = job();
    let exporter = Statsd::builder(peer.addr().to_string())
        .with_flavor(Flavor::Etsy)
        .with_namespace("it")
        .with_const_tag("host", "h1")
        .with_meter(job.meter.clone())
        .build()
        .unwrap();

    record(&job, "users", 1200, -2.5, 0.5);
    record(&job, "orders", 5400, -2.5, 3.0);
    exporter.export_blocking().unwrap();
    let first = recv_all(&repeated, 1);
    assert_eq!(
        lines_in_view_order(&first[0]),
        [
            "it.queue_depth:0|g|#host:h1",
            "it.queue_depth:-2.5|g|#host:h1",
            "it.rows_copied:1200|c|#table:users,host:h1",
            "it.rows_copied:5400|c|#table:orders,host:h1",
            "it.table_seconds.count:1|c|#table:orders,host:h1",
            "it.table_seconds.count:1|c|#table:users,host:h1",
            "it.table_seconds.sum:0.5|c|#table:users,host:h1",
            "it.table_seconds.sum:3|c|#table:orders,host:h1",
            "it.tables:2|c|#host:h1",
        ],
        "the exact datagram, through statsd's repeater: {first:?}"
    );
    wait_for(
        "first export",
        || peer.counters(),
        &[
            ("it.rows_copied;table=orders;host=h1", 5400.0),
            ("it.rows_copied;table=users;host=h1", 1200.0),
            ("it.tables;host=h1", 2.0),
            ("it.table_seconds.count;table=orders;host=h1", 1.0),
            ("it.table_seconds.sum;table=orders;host=h1", 3.0),
            ("it.table_seconds.sum;table=users;host=h1", 0.5),
        ],
    );
    wait_for(
        "negative gauge",
        || peer.gauges(),
        &[("it.queue_depth;host=h1", -2.5)],
    );

    // Deltas: statsd adds them up to the cumulative values.
    record(&job, "users", 300, 7.0, 2.0);
    exporter.export_blocking().unwrap();
    wait_for(
        "second export",
        || peer.counters(),
        &[
            ("it.rows_copied;table=orders;host=h1", 5400.0),
            ("it.rows_copied;table=users;host=h1", 1500.0),
            ("it.tables;host=h1", 3.0),
            ("it.table_seconds.count;table=users;host=h1", 2.0),
            ("it.table_seconds.sum;table=users;host=h1", 2.5),
        ],
    );
    wait_for(
        "gauge up",
        || peer.gauges(),
        &[("it.queue_depth;host=h1", 7.0)],
    );
    let second = recv_all(&repeated, 1);
    assert_eq!(
        second,
        ["it.queue_depth:7|g|#host:h1\nit.rows_copied:300|c|#table:users,host:h1\n\
          it.table_seconds.count:1|c|#table:users,host:h1\nit.table_seconds.sum:2|c|#table:users,host:h1\n\
          it.tables:1|c|#host:h1"],
        "only what changed, orders left out"
    );

    // A negative gauge after a positive one: still stored as the value, not 7 - 3.
    record(&job, "users", 1, -3.0, 0.1);
    drop(exporter); // the last handle: the final export
    wait_for(
        "final export on drop",
        || peer.gauges(),
        &[("it.queue_depth;host=h1", -3.0)],
    );
    wait_for(
        "final export counters",
        || peer.counters(),
        &[("it.rows_copied;table=users;host=h1", 1501.0)],
    );
    assert_eq!(peer.counters()["statsd.bad_lines_seen"], 0.0);
}

#[test]
fn lines_longer_than_the_datagram_are_sent_alone_and_counted_and_statsd_reads_every_datagram() {
    let peer = EtsyStatsd::start();
    let job = job();
    let exporter = Statsd::builder(peer.addr().to_string())
        .with_meter(job.meter.clone())
        .with_max_datagram(40)
        .build()
        .unwrap();
    record(&job, "a_table_with_a_rather_long_name", 1, 1.0, 1.0);
    exporter.export_blocking().unwrap();
    let stats = exporter.stats();
    assert_eq!(stats.records, 5);
    assert_eq!(stats.datagrams, 5, "no two lines fit in 40 bytes");
    assert_eq!(stats.oversize_records, 3, "{stats:?}");
    assert_eq!(stats.send_errors, 0);
    wait_for(
        "oversize lines",
        || peer.counters(),
        &[
            ("rows_copied;table=a_table_with_a_rather_long_name", 1.0),
            ("tables", 1.0),
            ("statsd.packets_received", 5.0),
            ("statsd.metrics_received", 5.0),
        ],
    );
    exporter.discard();
}
