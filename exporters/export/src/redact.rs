//! Secrets out of what is shown: see [`redact_url`].

/// `url` with the password of its user info replaced by `***` (`https://user:***@host/…`), for
/// every message and log that shows a URL. Works on the text, so it also covers URLs that do not
/// parse, including a password written with an unescaped `/`, `?` or `#` (which ends the
/// authority for a URL parser): when what precedes such a character is not a `host:port`, all
/// from the first `:` to the last `@` is hidden.
///
/// ```
/// use census_export::redact_url;
/// assert_eq!(redact_url("https://alice:s3cret@gw:9091/pg"), "https://alice:***@gw:9091/pg");
/// assert_eq!(redact_url("http://gw:9091"), "http://gw:9091");
/// assert_eq!(redact_url("http://:pw@gw:99999"), "http://:***@gw:99999");
/// assert_eq!(redact_url("https://alice:s3/cret@gw:9091"), "https://alice:***@gw:9091");
/// assert_eq!(redact_url("http://gw:9091/metrics/job/a@b"), "http://gw:9091/metrics/job/a@b");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    // The user info ends at the authority's last `@`; without one, at the URL's last `@` when
    // the authority is no host:port (a password with a `/`, `?` or `#` cut it short).
    let at = match authority.rfind('@') {
        Some(at) => Some(at),
        None if !is_host_port(authority) => rest.rfind('@'),
        None => None,
    };
    let Some(at) = at else {
        return url.to_string();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

/// `host`, `host:digits`, `[v6]` or `[v6]:digits`.
fn is_host_port(authority: &str) -> bool {
    let port = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((_, "")) => return true,
            Some((_, after)) => match after.strip_prefix(':') {
                Some(port) => port,
                None => return false,
            },
            None => return false,
        }
    } else {
        match authority.split_once(':') {
            Some((_, port)) => port,
            None => return true,
        }
    };
    port.bytes().all(|b| b.is_ascii_digit())
}
