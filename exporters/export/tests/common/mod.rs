//! What the exit-path tests share: an exporter that announces how it was finished.

use std::io::Write as _;

use census_export::{BoxError, Ending, Finish};

/// Prints `finished: <ending>` on stdout (flushed) when finished.
pub struct Announce;

impl Finish for Announce {
    fn name(&self) -> &str {
        "announce"
    }
    fn finish(&self, ending: Ending) -> Result<(), BoxError> {
        println!("finished: {ending:?}");
        let _ = std::io::stdout().flush();
        Ok(())
    }
}
