//! The worker runs commands in order, ticks on its schedule's clock (a manual clock here: no
//! sleeps), answers blocking and async callers in both tokio flavours, and bounds waits.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use census_export::{Clock, Deadline, Handler, ManualClock, Schedule, Worker, WorkerError};

#[derive(Debug, Default, Clone)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl Handler for Log {
    type Command = &'static str;
    type Error = std::io::Error;
    async fn handle(&mut self, c: &'static str, deadline: Deadline) -> std::io::Result<()> {
        if c == "slow" {
            self.0.lock().unwrap().push("slow-start".into());
            tokio::time::sleep_until(deadline.tokio_instant()).await;
        }
        self.0.lock().unwrap().push(c.into());
        Ok(())
    }
    async fn tick(&mut self) {
        self.0.lock().unwrap().push("tick".into());
    }
    async fn shutdown(&mut self, _: Deadline) -> std::io::Result<()> {
        self.0.lock().unwrap().push("shutdown".into());
        Ok(())
    }
}

const T: Duration = Duration::from_secs(5);

#[test]
fn ticks_fall_due_only_when_the_manual_clock_reaches_them() {
    let clock = ManualClock::new();
    let log = Log::default();
    let schedule =
        Schedule::every(Duration::from_secs(10)).with_clock(Clock::Manual(clock.clone()));
    let w = Worker::spawn("test-ticks", log.clone(), schedule).unwrap();
    clock.advance(Duration::from_millis(9_999));
    assert!(log.take().is_empty(), "no tick before one period");
    clock.advance(Duration::from_millis(1));
    assert_eq!(log.take(), ["tick"]);
    clock.advance(Duration::from_secs(35)); // missed ticks are not replayed
    assert_eq!(log.take(), ["tick"]);
    clock.advance(Duration::from_secs(9));
    assert!(log.take().is_empty(), "next tick one period after the last");
    clock.advance(Duration::from_secs(1));
    assert_eq!(log.take(), ["tick"]);
    w.call_blocking("a", T).unwrap();
    w.shutdown(T).unwrap();
    w.shutdown(T).unwrap(); // idempotent
    assert_eq!(log.take(), ["a", "shutdown"]);
    clock.advance(Duration::from_secs(60)); // a gone worker does not block the clock
}

#[test]
fn commands_run_in_order_and_a_discard_skips_the_shutdown() {
    let log = Log::default();
    let w = Worker::spawn("test-order", log.clone(), Schedule::never()).unwrap();
    for c in ["a", "b", "c"] {
        w.call_blocking(c, T).unwrap();
    }
    w.discard();
    assert_eq!(log.take(), ["a", "b", "c"]);
    let err = w.call_blocking("d", T).unwrap_err();
    assert!(err.is_shut_down(), "{err}");
}

#[test]
fn a_busy_worker_answers_no_answer_within_the_budget_and_grace() {
    let log = Log::default();
    let w = Arc::new(Worker::spawn("test-busy", log.clone(), Schedule::never()).unwrap());
    let w2 = w.clone();
    let slow = std::thread::spawn(move || w2.call_blocking("slow", Duration::from_millis(800)));
    // Readiness: the worker is inside the slow command.
    while !log.0.lock().unwrap().contains(&"slow-start".to_string()) {
        std::thread::yield_now();
    }
    let t0 = std::time::Instant::now();
    let err = w
        .call_blocking("quick", Duration::from_millis(10))
        .unwrap_err();
    let waited = t0.elapsed();
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    assert!(
        matches!(
            err,
            census_export::CallError::Worker(WorkerError::NoAnswer { .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("still busy"), "{err}");
    slow.join().unwrap().unwrap();
    w.discard();
}

async fn exercise(name: &str) {
    let log = Log::default();
    let w = Worker::spawn(name, log.clone(), Schedule::never()).unwrap();
    w.call("async", T).await.unwrap();
    w.call_blocking("blocking", T).unwrap();
    w.shutdown(T).unwrap();
    assert_eq!(log.take(), ["async", "blocking", "shutdown"]);
}

#[tokio::test(flavor = "current_thread")]
async fn inside_a_current_thread_runtime() {
    exercise("test-current").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_multi_thread_runtime() {
    exercise("test-multi").await;
}
