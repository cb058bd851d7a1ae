//! Optional SIGTERM/SIGINT handling: final push, then the signal's default action.
//!
//! One process-wide thread waits for the signals (signal-hook's self-pipe, no `unsafe` here).
//! On a signal it shuts down every live exporter that asked for it (each bounded by its own
//! timeout, the run marked failed), then re-delivers the signal with its default action, so
//! the process ends exactly as it would have (killed by SIGTERM/SIGINT). A second signal during
//! the final push ends the process at once. The thread stays
//! for the life of the process: once its handler is installed the default action is gone, so
//! even after every exporter has shut down it still terminates the process on a signal.

use std::sync::{Arc, Mutex, Weak};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::error::BuildError;
use crate::exporter::Shared;

static WATCHED: Mutex<Vec<Weak<Shared>>> = Mutex::new(Vec::new());
static STARTED: Mutex<bool> = Mutex::new(false);

/// Registers `shared` for a final push on SIGTERM/SIGINT, starting the signal thread once.
///
/// # Errors
/// [`BuildError::Spawn`] when the handler or its thread cannot be set up.
pub(crate) fn watch(shared: &Arc<Shared>) -> Result<(), BuildError> {
    let mut started = STARTED.lock().unwrap_or_else(|e| e.into_inner());
    if !*started {
        let mut signals = Signals::new([SIGTERM, SIGINT]).map_err(|source| BuildError::Spawn {
            what: "SIGTERM/SIGINT handler",
            source,
        })?;
        std::thread::Builder::new()
            .name("census-pushgateway-signals".into())
            .spawn(move || {
                let mut first = true;
                for sig in signals.forever() {
                    if first {
                        first = false;
                        // Push on another thread, so a second signal still ends the process
                        // at once (an impatient second Ctrl-C).
                        let spawned = std::thread::Builder::new()
                            .name("census-pushgateway-final".into())
                            .spawn(move || on_signal(sig));
                        if spawned.is_err() {
                            on_signal(sig);
                        }
                    } else {
                        let _ = signal_hook::low_level::emulate_default_handler(sig);
                        std::process::exit(128 + sig);
                    }
                }
            })
            .map_err(|source| BuildError::Spawn {
                what: "signal thread",
                source,
            })?;
        *started = true;
    }
    let mut list = WATCHED.lock().unwrap_or_else(|e| e.into_inner());
    list.retain(|w| w.strong_count() > 0);
    list.push(Arc::downgrade(shared));
    Ok(())
}

fn on_signal(sig: i32) {
    let live: Vec<Arc<Shared>> = WATCHED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter_map(Weak::upgrade)
        .collect();
    for shared in &live {
        shared.outcome.set_failed(true);
        tracing::warn!(
            signal = sig,
            "census-pushgateway: signal received, pushing before exit"
        );
        if let Err(e) = shared.shutdown(shared.timeout) {
            tracing::error!(error = %e, signal = sig, "census-pushgateway: final push on signal failed");
        }
    }
    drop(live);
    // Terminates the process with the signal's default action; exit as a shell would report
    // it if that is impossible.
    let _ = signal_hook::low_level::emulate_default_handler(sig);
    std::process::exit(128 + sig);
}
