//! Tests about the process itself: its threads, and re-running the current test binary as a
//! child (for exit paths and signals, which end the process that runs them).

use std::process::Command;

/// How many threads of this process have the name `name` (Linux: `/proc/self/task/*/comm`;
/// thread names are cut to 15 bytes there).
///
/// ```
/// let (started, running) = std::sync::mpsc::channel();
/// std::thread::Builder::new()
///     .name("testkit-doc".into())
///     .spawn(move || {
///         started.send(()).unwrap(); // the name is set once the thread runs
///         std::thread::park();
///     })
///     .unwrap();
/// running.recv().unwrap();
/// assert_eq!(census_testkit::process::threads_named("testkit-doc"), 1);
/// assert_eq!(census_testkit::process::threads_named("no-such-thread"), 0);
/// ```
///
/// # Panics
/// When `/proc/self/task` cannot be read (not Linux): the test cannot count threads there.
pub fn threads_named(name: &str) -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task is readable (these tests count threads on Linux)")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|comm| comm.trim() == name)
        .count()
}

/// A command that re-runs exactly the test `test` of the current test binary, with output
/// shown and `child_var=1` set, so the test can tell that it is the child.
pub fn rerun_test_as_child(test: &str, child_var: &str) -> Command {
    let mut c = Command::new(std::env::current_exe().expect("the test binary's path"));
    c.args(["--exact", test, "--nocapture"]).env(child_var, "1");
    c
}
