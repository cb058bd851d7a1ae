//! The one exit hook of the process (feature `exit-hook`, Unix): a registry of exporters, one
//! SIGTERM/SIGINT thread, and a `std::process::exit` hook.
//!
//! Who installs what:
//! - [`register`] adds an exporter (held weakly: a dropped exporter leaves by itself). It
//!   installs nothing.
//! - [`install_exit_hook`] makes `std::process::exit` (and a return from `main`) finish every
//!   registered exporter first, with [`Ending::ProcessExit`]. Push exporters install it when
//!   built; it changes nothing else about how the process ends.
//! - [`install_signal_handler`] starts the one thread named `census-signals`: on SIGTERM or
//!   SIGINT it finishes every registered exporter with [`Ending::Signal`] (each within its own
//!   deadline), then ends the process as the signal would have; a second signal ends it at once.
//!   Only push exporters that ask for it, and the umbrella when a push-style exporter is
//!   configured, install it; a pull-only app gets none, so its own SIGTERM handling stands.
//!
//! ```no_run
//! use std::sync::Arc;
//! use census_export::{exit, BoxError, Ending, Finish};
//!
//! struct Printer;
//! impl Finish for Printer {
//!     fn name(&self) -> &str { "printer" }
//!     fn finish(&self, ending: Ending) -> Result<(), BoxError> {
//!         println!("finished: {ending:?}");
//!         Ok(())
//!     }
//! }
//!
//! let printer: Arc<dyn Finish> = Arc::new(Printer);
//! exit::register(&printer);
//! exit::install_exit_hook().unwrap();
//! std::process::exit(3); // prints "finished: ProcessExit" first
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::errors::SpawnError;
use crate::finish::{report_final_failure, Ending, Finish};
use crate::lock::lock;

/// The name of the signal thread (one per process at most).
pub const SIGNAL_THREAD_NAME: &str = "census-signals";

static REGISTRY: Mutex<Vec<Weak<dyn Finish>>> = Mutex::new(Vec::new());
static SIGNAL_THREAD: Mutex<bool> = Mutex::new(false);
static EXIT_HOOK: Mutex<bool> = Mutex::new(false);
static FINISHING: AtomicBool = AtomicBool::new(false);

/// Adds `exporter` to the process-wide registry the signal thread and the exit hook finish.
/// Held weakly; registering the same exporter twice finishes it once (finishing is idempotent).
pub fn register(exporter: &Arc<dyn Finish>) {
    let mut list = lock(&REGISTRY);
    list.retain(|w| w.strong_count() > 0);
    list.push(Arc::downgrade(exporter));
}

/// How many registered exporters are alive.
pub fn registered() -> usize {
    lock(&REGISTRY)
        .iter()
        .filter(|w| w.strong_count() > 0)
        .count()
}

/// Finishes every registered exporter with `ending`, in registration order, logging
/// failures. What the signal thread and the exit hook run; callable directly.
pub fn finish_registered(ending: Ending) {
    let live: Vec<Arc<dyn Finish>> = lock(&REGISTRY).iter().filter_map(Weak::upgrade).collect();
    for e in &live {
        if let Err(err) = e.finish(ending) {
            report_final_failure(e.name(), e.url(), ending, &err);
        }
    }
}

/// Whether the signal thread runs in this process.
pub fn signal_handler_installed() -> bool {
    *lock(&SIGNAL_THREAD)
}

/// Starts the one signal thread ([`SIGNAL_THREAD_NAME`]) unless it runs already.
///
/// # Errors
/// [`SpawnError`] when the handler or its thread cannot be set up.
pub fn install_signal_handler() -> Result<(), SpawnError> {
    let mut started = lock(&SIGNAL_THREAD);
    if *started {
        return Ok(());
    }
    let spawn_error = |source| SpawnError {
        what: "SIGTERM/SIGINT handler".into(),
        source,
    };
    let mut signals = Signals::new([SIGTERM, SIGINT]).map_err(spawn_error)?;
    let (ready_tx, ready) = std::sync::mpsc::sync_channel::<()>(1);
    std::thread::Builder::new()
        .name(SIGNAL_THREAD_NAME.into())
        .spawn(move || {
            drop(ready_tx); // running, with its name set
            for sig in signals.forever() {
                if FINISHING.swap(true, Ordering::SeqCst) {
                    // A second signal during the final exports: end at once.
                    end_as(sig);
                }
                // Finish on another thread, so this one still sees a second signal.
                let spawned = std::thread::Builder::new()
                    .name("census-final".into())
                    .spawn(move || {
                        finish_registered(Ending::Signal(sig));
                        end_as(sig);
                    });
                if spawned.is_err() {
                    finish_registered(Ending::Signal(sig));
                    end_as(sig);
                }
            }
        })
        .map_err(spawn_error)?;
    let _ = ready.recv();
    *started = true;
    Ok(())
}

/// Ends the process with the signal's default action; as a shell would report it if that is
/// impossible.
fn end_as(sig: i32) -> ! {
    let _ = signal_hook::low_level::emulate_default_handler(sig);
    std::process::exit(128 + sig)
}

/// Makes `std::process::exit` finish every registered exporter first (once per process;
/// later calls do nothing).
///
/// # Errors
/// [`SpawnError`] when the C library refuses the hook.
pub fn install_exit_hook() -> Result<(), SpawnError> {
    let mut installed = lock(&EXIT_HOOK);
    if !*installed {
        register_atexit(on_process_exit).map_err(|source| SpawnError {
            what: "std::process::exit hook".into(),
            source,
        })?;
        *installed = true;
    }
    Ok(())
}

/// Called by the C library during `exit`, on the exiting thread, while other threads still
/// run (so workers can still deliver). Never unwinds into C.
extern "C" fn on_process_exit() {
    let _ = std::panic::catch_unwind(|| finish_registered(Ending::ProcessExit));
}

/// The one unsafe call of the crate.
#[allow(unsafe_code)]
fn register_atexit(hook: extern "C" fn()) -> std::io::Result<()> {
    // SAFETY: `atexit` only stores the function pointer; `hook` is a plain `extern "C" fn()`
    // with no arguments that lives for the whole program (a static item), never unwinds (it
    // catches panics), and is called at most once, by `exit`, on one thread.
    let rc = unsafe { libc::atexit(hook) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::other("atexit refused the hook"))
    }
}
