//! Checking an exporter's endpoint URL once, at build time. See [`check_url`].

use thiserror::Error;

/// An endpoint URL was rejected. The message names the URL as written.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// The URL does not parse, or has no host, a query or a fragment where none is allowed.
    #[error("invalid {what} URL {url:?}: {reason}; use http(s)://host:port, optionally with a path prefix")]
    Invalid {
        /// What the URL is for (`pushgateway`, `influx`, …).
        what: &'static str,
        /// The rejected URL.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The scheme is neither `http` nor `https`.
    #[error("unsupported scheme {scheme:?} in {what} URL {url:?}: use http:// or https://")]
    UnsupportedScheme {
        /// What the URL is for.
        what: &'static str,
        /// The rejected URL.
        url: String,
        /// Its scheme.
        scheme: String,
    },
}

/// Parses an `http`/`https` endpoint URL with a host; a query and a fragment are refused
/// unless `query_allowed` (some endpoints, e.g. InfluxDB's `/write?db=`, carry one).
///
/// ```
/// use census_export::http::{check_url, UrlError};
/// let url = check_url("pushgateway", "https://gw.example:443/pg/", false).unwrap();
/// assert_eq!(url.as_str(), "https://gw.example/pg/");
/// let e = check_url("pushgateway", "ftp://gw", false).unwrap_err();
/// assert_eq!(e.to_string(), "unsupported scheme \"ftp\" in pushgateway URL \"ftp://gw\": use http:// or https://");
/// assert!(matches!(check_url("pushgateway", "http://gw/?a=b", false), Err(UrlError::Invalid { .. })));
/// assert!(check_url("influx", "http://db:8086/write?db=census", true).is_ok());
/// ```
///
/// # Errors
/// A [`UrlError`] naming the URL and what is wrong.
pub fn check_url(
    what: &'static str,
    url: &str,
    query_allowed: bool,
) -> Result<reqwest::Url, UrlError> {
    let invalid = |reason: &str| UrlError::Invalid {
        what,
        url: url.into(),
        reason: reason.into(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(UrlError::UnsupportedScheme {
            what,
            url: url.into(),
            scheme: parsed.scheme().into(),
        });
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    if !query_allowed && (parsed.query().is_some() || parsed.fragment().is_some()) {
        return Err(invalid("a query or fragment is not allowed"));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_url_is_named_in_its_error() {
        for bad in [
            "127.0.0.1:9091",
            "",
            "http://",
            "http://gw/?a=b",
            "http://gw/#x",
            "ftp://gw",
        ] {
            let e = check_url("test", bad, false).unwrap_err();
            assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
        }
        assert!(check_url("test", "http://gw/#x", true).is_ok());
    }
}
