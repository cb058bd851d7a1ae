//! Secrets out of what is shown: see [`redact_url`].

/// `url` with the password of its user info replaced by `***` (`https://user:***@host/…`), for
/// every message and log that shows a URL. Works on the text, so it also covers URLs that do not
/// parse.
///
/// ```
/// use census_export::redact_url;
/// assert_eq!(redact_url("https://alice:s3cret@gw:9091/pg"), "https://alice:***@gw:9091/pg");
/// assert_eq!(redact_url("http://gw:9091"), "http://gw:9091");
/// assert_eq!(redact_url("http://:pw@gw:99999"), "http://:***@gw:99999");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &authority[..colon],
            &url[scheme_end + at..]
        ),
        _ => url.to_string(),
    }
}
