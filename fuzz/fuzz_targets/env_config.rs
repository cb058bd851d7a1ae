//! The startup configuration from any environment: lines `NAME=value` become the variables.
//! Parsing and resolving never panic, and every error names a variable census reads.
#![no_main]

use census::config::{ConfigError, ExporterConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let vars: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let resolved = ExporterConfig::new().fill_from(lookup).and_then(|c| c.resolve());
    if let Err(ConfigError::Invalid { variable, .. } | ConfigError::Missing { variable, .. }) = &resolved {
        assert!(
            variable.starts_with("CENSUS_") || variable.starts_with("OTEL_"),
            "{variable}"
        );
    }
});
