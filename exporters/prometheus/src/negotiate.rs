//! HTTP content negotiation for scrapes: see [`negotiate_format`] for details.

use crate::format::Format;

/// The format to answer a scrape with, given its `Accept` header.
///
/// OpenMetrics is chosen only when `openmetrics` is allowed and the scraper prefers
/// `application/openmetrics-text` at least as much as `text/plain` (Prometheus asks for
/// OpenMetrics first); everything else, including a missing or unsatisfiable header, gets text
/// format 0.0.4, as client_golang's promhttp does.
///
/// ```
/// use census_prometheus::{negotiate_format, Format};
/// let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
///                   version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
/// assert_eq!(negotiate_format(Some(prometheus), true), Format::OpenMetrics);
/// assert_eq!(negotiate_format(Some(prometheus), false), Format::Text);
/// assert_eq!(negotiate_format(Some("text/plain"), true), Format::Text);
/// assert_eq!(negotiate_format(None, true), Format::Text);
/// ```
pub fn negotiate_format(accept: Option<&str>, openmetrics: bool) -> Format {
    let Some(accept) = accept.filter(|_| openmetrics) else {
        return Format::Text;
    };
    let (mut om, mut text) = (0.0f32, 0.0f32);
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = quality(parts);
        match media.as_str() {
            "application/openmetrics-text" => om = om.max(q),
            "text/plain" | "text/*" | "*/*" => text = text.max(q),
            _ => {}
        }
    }
    if om > 0.0 && om >= text {
        Format::OpenMetrics
    } else {
        Format::Text
    }
}

/// Whether an `Accept-Encoding` header accepts gzip (`gzip` or `*` with a non-zero quality,
/// unless `gzip;q=0` refuses it explicitly).
///
/// ```
/// use census_prometheus::accepts_gzip;
/// assert!(accepts_gzip(Some("gzip")));
/// assert!(accepts_gzip(Some("deflate, gzip;q=0.5")));
/// assert!(accepts_gzip(Some("*")));
/// assert!(!accepts_gzip(Some("gzip;q=0, *")));
/// assert!(!accepts_gzip(Some("identity")));
/// assert!(!accepts_gzip(None));
/// ```
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    let Some(header) = accept_encoding else {
        return false;
    };
    let (mut gzip, mut any) = (None, None);
    for coding in header.split(',') {
        let mut parts = coding.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = quality(parts);
        match name.as_str() {
            "gzip" | "x-gzip" => gzip = Some(q),
            "*" => any = Some(q),
            _ => {}
        }
    }
    gzip.or(any).is_some_and(|q| q > 0.0)
}

/// The `q` parameter among `params` (1 when absent or unreadable).
fn quality<'a>(params: impl Iterator<Item = &'a str>) -> f32 {
    for p in params {
        if let Some((k, v)) = p.split_once('=') {
            if k.trim().eq_ignore_ascii_case("q") {
                return v.trim().parse::<f32>().unwrap_or(1.0).clamp(0.0, 1.0);
            }
        }
    }
    1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_decides() {
        let om_low = "application/openmetrics-text;q=0.3, text/plain;q=0.9";
        assert_eq!(negotiate_format(Some(om_low), true), Format::Text);
        let om_only = "application/openmetrics-text; version=1.0.0";
        assert_eq!(negotiate_format(Some(om_only), true), Format::OpenMetrics);
        let refused = "application/openmetrics-text;q=0";
        assert_eq!(negotiate_format(Some(refused), true), Format::Text);
        assert_eq!(
            negotiate_format(Some("application/json"), true),
            Format::Text
        );
        let prom3 = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,\
                     text/plain;version=1.0.0;escaping=allow-utf-8;q=0.5,*/*;q=0.1";
        assert_eq!(negotiate_format(Some(prom3), true), Format::OpenMetrics);
    }
}
