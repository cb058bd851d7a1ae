//! The grouping key (job + labels) and the URL path the Pushgateway expects for it.
//!
//! See [`GroupingKey`] for details.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use census_prometheus::naming::{is_reserved_label_name, is_valid_label_name};

use crate::error::BuildError;

/// The job name and grouping labels that identify one group in the Pushgateway, and the exact
/// URL path for it.
///
/// Each value goes into the path so the gateway reads it back byte for byte:
/// - a value made only of `A-Za-z0-9-._~` (and not `.` or `..`, which path cleaning would eat)
///   is written as is;
/// - an empty value is written `name@base64/=` (never `//`, which the gateway's router
///   redirects);
/// - anything else (a `/`, a space, `+`, `%`, non-ASCII, …) is written `name@base64/` followed
///   by URL-safe base64 without padding (never a `+` for a space, which the gateway keeps as a
///   literal `+`).
///
/// Labels are sorted by name after the job. Label names must match `[a-zA-Z_][a-zA-Z0-9_]*`
/// and must not start with `__`; `job` is given separately.
///
/// **Empty values:** the gateway treats `{job="j",instance=""}` and `{job="j"}` as two different
/// groups exposing the *same* series, and once both exist it rejects every push and fails its
/// own `/metrics` until one is deleted. Always push a given job with the same label *names*.
///
/// ```
/// use census_pushgateway::GroupingKey;
/// let key = GroupingKey::new("nightly backup")
///     .unwrap()
///     .with_label("path", "/var/tmp")
///     .unwrap()
///     .with_label("instance", "db-1")
///     .unwrap()
///     .with_label("shard", "")
///     .unwrap();
/// assert_eq!(
///     key.path(),
///     "/metrics/job@base64/bmlnaHRseSBiYWNrdXA/instance/db-1/path@base64/L3Zhci90bXA/shard@base64/="
/// );
/// assert_eq!(key.job(), "nightly backup");
/// assert_eq!(key.labels().get("path").map(String::as_str), Some("/var/tmp"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupingKey {
    job: String,
    labels: BTreeMap<String, String>,
}

impl GroupingKey {
    /// A key with only the job.
    ///
    /// # Errors
    /// [`BuildError::EmptyJob`] when `job` is empty.
    pub fn new(job: impl Into<String>) -> Result<Self, BuildError> {
        let job = job.into();
        if job.is_empty() {
            return Err(BuildError::EmptyJob);
        }
        Ok(GroupingKey {
            job,
            labels: BTreeMap::new(),
        })
    }

    /// Adds (or replaces) a grouping label.
    ///
    /// # Errors
    /// [`BuildError::InvalidLabelName`] for a name the gateway refuses;
    /// [`BuildError::JobAsGroupingLabel`] for `job`.
    pub fn with_label(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<Self, BuildError> {
        let name = name.into();
        validate_label_name(&name)?;
        if name == "job" {
            return Err(BuildError::JobAsGroupingLabel);
        }
        self.labels.insert(name, value.into());
        Ok(self)
    }

    /// The job name.
    pub fn job(&self) -> &str {
        &self.job
    }

    /// The grouping labels (without `job`), sorted by name.
    pub fn labels(&self) -> &BTreeMap<String, String> {
        &self.labels
    }

    /// Whether `name` is `job` or a grouping label: a pushed metric must not carry it.
    pub fn is_reserved(&self, name: &str) -> bool {
        name == "job" || self.labels.contains_key(name)
    }

    /// The path, starting `/metrics/job`, to append to the gateway's base URL.
    pub fn path(&self) -> String {
        let mut p = String::with_capacity(64);
        p.push_str("/metrics");
        push_component(&mut p, "job", &self.job);
        for (k, v) in &self.labels {
            push_component(&mut p, k, v);
        }
        p
    }
}

/// Checks a label name as the gateway does: a valid Prometheus label name not starting with
/// `__` (census-prometheus's naming rules).
fn validate_label_name(name: &str) -> Result<(), BuildError> {
    match is_valid_label_name(name) && !is_reserved_label_name(name) {
        true => Ok(()),
        false => Err(BuildError::InvalidLabelName { name: name.into() }),
    }
}

fn is_plain(value: &str) -> bool {
    !value.is_empty()
        && value != "."
        && value != ".."
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn push_component(out: &mut String, name: &str, value: &str) {
    if is_plain(value) {
        let _ = write!(out, "/{name}/{value}");
    } else if value.is_empty() {
        let _ = write!(out, "/{name}@base64/=");
    } else {
        let _ = write!(out, "/{name}@base64/{}", URL_SAFE_NO_PAD.encode(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(job: &str, labels: &[(&str, &str)]) -> String {
        let mut k = GroupingKey::new(job).unwrap();
        for (n, v) in labels {
            k = k.with_label(*n, *v).unwrap();
        }
        k.path()
    }

    #[test]
    fn plain_values_are_written_as_is() {
        assert_eq!(
            path("demo", &[("instance", "i-1.a_b~c")]),
            "/metrics/job/demo/instance/i-1.a_b~c"
        );
    }

    #[test]
    fn unsafe_values_use_url_safe_base64_without_padding() {
        assert_eq!(path("a/b", &[]), "/metrics/job@base64/YS9i");
        // `>>?` encodes to `Pj4_` in the URL-safe alphabet (`Pj4/` in the standard one).
        assert_eq!(path("j", &[("v", ">>?")]), "/metrics/job/j/v@base64/Pj4_");
        // A space is never a `+`.
        assert_eq!(path("j", &[("w", "a b")]), "/metrics/job/j/w@base64/YSBi");
        assert_eq!(path("j", &[("w", "a+b")]), "/metrics/job/j/w@base64/YSti");
        assert_eq!(
            path("j", &[("u", "Προμηθεύς")]),
            "/metrics/job/j/u@base64/zqDPgc6_zrzOt864zrXPjc-C"
        );
        // Dot segments would be cleaned away by the router.
        assert_eq!(
            path(".", &[("d", "..")]),
            "/metrics/job@base64/Lg/d@base64/Li4"
        );
    }

    #[test]
    fn empty_values_are_a_single_pad_char_never_a_double_slash() {
        let p = path("j", &[("instance", ""), ("z", "")]);
        assert_eq!(p, "/metrics/job/j/instance@base64/=/z@base64/=");
        assert!(!p.contains("//"));
    }

    #[test]
    fn labels_are_sorted_and_replaced() {
        let k = GroupingKey::new("j")
            .unwrap()
            .with_label("b", "1")
            .unwrap()
            .with_label("a", "2")
            .unwrap()
            .with_label("b", "3")
            .unwrap();
        assert_eq!(k.path(), "/metrics/job/j/a/2/b/3");
        assert!(k.is_reserved("job") && k.is_reserved("a") && !k.is_reserved("c"));
    }

    #[test]
    fn bad_names_and_jobs_are_rejected() {
        assert!(matches!(GroupingKey::new(""), Err(BuildError::EmptyJob)));
        let k = GroupingKey::new("j").unwrap();
        for bad in ["", "1bad", "__x", "a-b", "a.b", "é"] {
            assert!(
                matches!(k.clone().with_label(bad, "v"), Err(BuildError::InvalidLabelName { name }) if name == bad),
                "{bad}"
            );
        }
        assert!(matches!(
            k.clone().with_label("job", "x"),
            Err(BuildError::JobAsGroupingLabel)
        ));
        assert!(k.with_label("_ok9", "v").is_ok());
    }
}
