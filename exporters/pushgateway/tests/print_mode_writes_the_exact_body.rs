//! Print mode writes exactly the body a push would send — census-prometheus's text exposition,
//! byte for byte — and sends nothing.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use census_prometheus::{encode_text, ExpositionOptions};
use census_pushgateway::{Method, Pushgateway};
use common::meter_with_jobs;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().write(b)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn print_mode_writes_the_exact_body_and_sends_nothing() {
    // Nothing listens there: print mode must not try.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let meter = meter_with_jobs("print.io/jobs", 5);
    let out = Capture::default();
    let pg = Pushgateway::builder(format!("http://127.0.0.1:{port}"), "printed")
        .with_meter(meter.clone())
        .with_namespace("cron")
        .with_gzip(true)
        .with_print_to(out.clone())
        .build()
        .unwrap();
    pg.push_blocking(Method::Put).unwrap();
    pg.push_blocking(Method::Delete).unwrap();
    pg.shutdown(Duration::from_secs(1)).unwrap();

    let opts = ExpositionOptions::new().with_namespace("cron").unwrap();
    let mut expected = Vec::new();
    encode_text(&meter.snapshot(), &opts, &mut expected);
    let once = String::from_utf8(expected).unwrap();
    assert_eq!(
        once,
        "# HELP cron_jobs_done Jobs done\n# TYPE cron_jobs_done counter\ncron_jobs_done{kind=\"batch\"} 5\n"
    );
    let printed = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        printed,
        once.repeat(2),
        "push + final push; the delete prints nothing"
    );
}
