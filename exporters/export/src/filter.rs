//! See [`ViewFilter`] for details.

use census_sdk::{Snapshot, ViewData};

/// Which views an exporter sends, by view name: allow globs (none: allow all) and deny globs
/// (deny wins). A glob is a name with `*` (any run of characters) and `?` (one character).
///
/// ```
/// use census_export::ViewFilter;
/// let f = ViewFilter::new().allow("http_*").allow("db_?").deny("*_debug");
/// assert!(f.accepts("http_requests"));
/// assert!(f.accepts("db_1"));
/// assert!(!f.accepts("db_10"));
/// assert!(!f.accepts("http_debug"));
/// assert!(!f.accepts("grpc_requests"));
/// assert!(ViewFilter::new().accepts("anything"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewFilter {
    allow: Vec<String>,
    deny: Vec<String>,
}

impl ViewFilter {
    /// Accepts every view.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an allow glob: once there is one, only matching views pass.
    pub fn allow(mut self, glob: &str) -> Self {
        self.allow.push(glob.into());
        self
    }

    /// Adds a deny glob: matching views never pass.
    pub fn deny(mut self, glob: &str) -> Self {
        self.deny.push(glob.into());
        self
    }

    /// Whether the view named `name` passes.
    pub fn accepts(&self, name: &str) -> bool {
        (self.allow.is_empty() || self.allow.iter().any(|g| glob_match(g, name)))
            && !self.deny.iter().any(|g| glob_match(g, name))
    }

    /// The views of `snapshot` that pass (the snapshot itself when the filter accepts all).
    pub fn apply(&self, snapshot: &Snapshot) -> Snapshot {
        if self.allow.is_empty() && self.deny.is_empty() {
            return snapshot.clone();
        }
        let kept: Vec<ViewData> = snapshot
            .iter()
            .filter(|vd| self.accepts(vd.view().name()))
            .cloned()
            .collect();
        Snapshot::new(kept)
    }
}

/// `*` and `?` glob matching, iterative with one backtrack point (linear in practice).
fn glob_match(glob: &str, name: &str) -> bool {
    let (g, n): (Vec<char>, Vec<char>) = (glob.chars().collect(), name.chars().collect());
    let (mut gi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match g.get(gi) {
            Some('*') => {
                star = Some((gi, ni));
                gi += 1;
            }
            Some(c) if *c == '?' || *c == n[ni] => {
                gi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sg, sn)) => {
                    gi = sg + 1;
                    ni = sn + 1;
                    star = Some((sg, sn + 1));
                }
                None => return false,
            },
        }
    }
    g[gi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        for (g, n, ok) in [
            ("*", "", true),
            ("*", "abc", true),
            ("a*c", "abbbc", true),
            ("a*c", "abbb", false),
            ("*b*", "abc", true),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("", "", true),
            ("", "a", false),
            ("**x", "yx", true),
        ] {
            assert_eq!(glob_match(g, n), ok, "{g} {n}");
        }
    }
}
