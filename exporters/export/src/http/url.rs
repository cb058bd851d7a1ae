//! Checking an exporter's endpoint URL once, at build time. See [`check_url`].

use thiserror::Error;

use crate::redact::redact_url;

/// An endpoint URL was rejected. The message names the URL as written, its password replaced
/// by `***` ([`crate::redact_url`]).
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
        url: redact_url(url),
        reason: reason.into(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(UrlError::UnsupportedScheme {
            what,
            url: redact_url(url),
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

/// `url` without its user info, and the user and password it carried (percent-decoded), so
/// the credentials can travel as an `Authorization` header and never appear in a URL that is
/// shown or logged. A URL that does not parse comes back redacted ([`crate::redact_url`]).
///
/// ```
/// use census_export::http::split_credentials;
/// let (url, creds) = split_credentials("https://alice:s%40cret@gw:9091/pg");
/// assert_eq!(url, "https://gw:9091/pg");
/// assert_eq!(creds, Some(("alice".to_string(), "s@cret".to_string())));
/// assert_eq!(split_credentials("http://gw"), ("http://gw".to_string(), None));
/// ```
pub fn split_credentials(url: &str) -> (String, Option<(String, String)>) {
    let Ok(mut parsed) = reqwest::Url::parse(url) else {
        // It will be refused as it is; keep only what may be shown.
        return (redact_url(url), None);
    };
    if parsed.username().is_empty() && parsed.password().is_none() {
        return (url.to_string(), None);
    }
    let decode = |s: &str| percent_decode(s);
    let creds = (
        decode(parsed.username()),
        decode(parsed.password().unwrap_or("")),
    );
    let _ = parsed.set_username("");
    let _ = parsed.set_password(None);
    let mut out = parsed.to_string();
    if !url.ends_with('/') && parsed.path() == "/" && out.ends_with('/') {
        out.pop();
    }
    (out, Some(creds))
}

/// Percent-decoding of URL user info (invalid escapes are kept as written).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
