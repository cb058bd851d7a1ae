//! Where lines go, from one URL: see [`Target`] for details.

use crate::error::BuildError;

/// The API an HTTP URL speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `/write` (InfluxDB 1.x `?db=`, VictoriaMetrics' `/write` and `/influx/write`).
    V1,
    /// `/api/v2/write?org=…&bucket=…` (InfluxDB 2.x; a token authenticates).
    V2,
}

/// Where an exporter sends, parsed from its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// POSTs to a write endpoint.
    Http {
        /// The URL requests go to (credentials of the user-info part removed).
        url: String,
        /// The URL as messages show it (`p=` and the user-info password redacted).
        shown: String,
        /// Which API.
        api: Api,
        /// User and password from the URL's user-info part (sent as basic auth).
        basic: Option<(String, String)>,
    },
    /// Datagrams to `host:port` (resolved at every export).
    Udp {
        /// `host:port`.
        addr: String,
    },
}

impl Target {
    /// Parses `url`.
    ///
    /// ```
    /// use census_influx::{Api, Target};
    /// let t = Target::parse("http://u:pw@127.0.0.1:8086/write?db=jobs&p=secret").unwrap();
    /// let Target::Http { url, shown, api, basic } = t else { panic!() };
    /// assert_eq!(url, "http://127.0.0.1:8086/write?db=jobs&p=secret");
    /// assert_eq!(shown, "http://127.0.0.1:8086/write?db=jobs&p=<redacted>");
    /// assert_eq!((api, basic), (Api::V1, Some(("u".to_string(), "pw".to_string()))));
    /// assert_eq!(Target::parse("udp://localhost:8089").unwrap(), Target::Udp { addr: "localhost:8089".into() });
    /// assert!(Target::parse("http://127.0.0.1:8086").unwrap_err().to_string().contains("/write"));
    /// ```
    ///
    /// # Errors
    /// [`BuildError::InvalidUrl`] naming the URL (secrets redacted) and the accepted forms.
    pub fn parse(url: &str) -> Result<Target, BuildError> {
        let invalid = |shown: &str, reason: &str| BuildError::InvalidUrl {
            url: shown.to_string(),
            reason: reason.to_string(),
        };
        if let Some(rest) = url.strip_prefix("udp://") {
            let addr = rest.trim_end_matches('/');
            let ok = addr
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok_and(|p| p != 0));
            if !ok || addr.contains('/') || addr.contains('?') {
                return Err(invalid(url, "a UDP target is udp://host:port"));
            }
            return Ok(Target::Udp { addr: addr.into() });
        }
        let mut parsed = reqwest::Url::parse(url).map_err(|e| {
            let shown = redact_text(url);
            invalid(&shown, &e.to_string())
        })?;
        let basic = (!parsed.username().is_empty()).then(|| {
            (
                parsed.username().to_string(),
                parsed.password().unwrap_or_default().to_string(),
            )
        });
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
        let shown = redact(&parsed);
        match parsed.scheme() {
            "http" | "https" => {}
            other => {
                return Err(invalid(
                    &shown,
                    &format!("the scheme {other:?} is not http, https or udp"),
                ))
            }
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(invalid(&shown, "no host"));
        }
        let path = parsed.path().trim_end_matches('/');
        let api = if path.ends_with("/api/v2/write") {
            Api::V2
        } else if path.ends_with("/write") {
            Api::V1
        } else {
            return Err(invalid(
                &shown,
                "the path must end in /write (InfluxDB 1.x, VictoriaMetrics) or /api/v2/write (InfluxDB 2.x)",
            ));
        };
        if api == Api::V2 {
            for param in ["org", "bucket"] {
                if !parsed
                    .query_pairs()
                    .any(|(k, v)| k == param && !v.is_empty())
                {
                    return Err(invalid(
                        &shown,
                        &format!("the 2.x API needs ?{param}=… in the URL"),
                    ));
                }
            }
        }
        Ok(Target::Http {
            url: parsed.to_string(),
            shown,
            api,
            basic,
        })
    }

    /// The URL as messages show it.
    pub fn shown(&self) -> String {
        match self {
            Target::Http { shown, .. } => shown.clone(),
            Target::Udp { addr } => format!("udp://{addr}"),
        }
    }
}

/// The URL with the value of `p` (1.x password) and `token` redacted.
fn redact(url: &reqwest::Url) -> String {
    let mut u = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let secret = k == "p" || k == "token" || k == "password";
            (
                k.into_owned(),
                if secret {
                    "<redacted>".into()
                } else {
                    v.into_owned()
                },
            )
        })
        .collect();
    if pairs.is_empty() {
        return u.to_string();
    }
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    u.set_query(None);
    format!("{u}?{query}")
}

/// An unparseable URL for a message: everything after `@` or `?` is dropped.
fn redact_text(url: &str) -> String {
    let cut = url.find(['?', '@']).unwrap_or(url.len());
    if cut < url.len() {
        format!("{}…", &url[..cut])
    } else {
        url.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_urls_name_the_fix_and_hide_secrets() {
        for (bad, says) in [
            ("http://h:1/", "/write"),
            ("ftp://h/write", "scheme"),
            ("http://h/api/v2/write?org=o", "bucket"),
            ("udp://h", "udp://host:port"),
            ("udp://:8089", "udp://host:port"),
            ("not a url?p=secret", "relative URL"),
        ] {
            let e = Target::parse(bad).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
            assert!(!e.contains("secret"), "{bad}: {e}");
            assert!(e.contains("udp://host:port"), "accepted forms listed: {e}");
        }
        let t = Target::parse("https://h/api/v2/write?org=o&bucket=b").unwrap();
        assert!(matches!(t, Target::Http { api: Api::V2, .. }));
        let t = Target::parse("http://h:8428/influx/write").unwrap();
        assert!(matches!(t, Target::Http { api: Api::V1, .. }));
    }
}
