//! What every HTTP push exporter shares (feature `http`): client settings ([`HttpSettings`]),
//! the endpoint URL check ([`check_url`]), one request with a bounded answer ([`send`]) and
//! the usual reading of a status for retries ([`status_verdict`]).

use std::fmt;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use thiserror::Error;

use crate::errors::BoxError;

mod request;
mod url;

pub use request::{send, status_verdict, Answer, Body, MAX_ANSWER_BODY};
pub use url::{check_url, split_credentials, UrlError};

/// Credentials sent with every request. Debug never shows the secret.
///
/// ```
/// use census_export::http::Auth;
/// let a = Auth::Basic { user: "alice".into(), password: "s3cret".into() };
/// assert_eq!(format!("{a:?}"), "Basic(\"alice\", <redacted>)");
/// assert_eq!(format!("{:?}", Auth::Bearer("t0k3n".into())), "Bearer(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Basic base64(user:password)`.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(String),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { user, .. } => write!(f, "Basic({user:?}, <redacted>)"),
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// Building the HTTP client failed: the settings are wrong.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum HttpError {
    /// Both basic auth and a bearer token were configured.
    #[error("both basic auth and a bearer token are set; a request carries one Authorization header: keep one")]
    ConflictingAuth,
    /// An extra header has an invalid name or value.
    #[error("invalid HTTP header {name:?}: {reason}")]
    InvalidHeader {
        /// The header name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The custom CA certificate could not be read.
    #[error("invalid CA certificate: {reason}; pass one or more PEM `CERTIFICATE` blocks")]
    InvalidCertificate {
        /// What is wrong.
        reason: String,
    },
    /// The TLS or HTTP client could not be built.
    #[error("could not build the HTTP client: {source}")]
    Client {
        /// The client's error.
        #[source]
        source: BoxError,
    },
}

/// What an HTTP client is built from: credentials, extra headers, extra CA roots, the user
/// agent. TLS is rustls with the `ring` provider (no process-wide default is installed),
/// verifying with the platform's roots plus the extra ones; redirects are not followed.
///
/// ```
/// use census_export::http::{HttpError, HttpSettings};
/// let mut s = HttpSettings::new("my-exporter/1.0");
/// s.basic_auth("alice", "s3cret").header("X-Scope-OrgID", "tenant-1");
/// assert!(s.build().is_ok());
/// assert!(!format!("{s:?}").contains("s3cret"));
/// s.bearer("t0k3n");
/// assert!(matches!(s.build(), Err(HttpError::ConflictingAuth)));
/// ```
#[derive(Clone, Default)]
pub struct HttpSettings {
    user_agent: String,
    basic: Option<(String, String)>,
    bearer: Option<String>,
    headers: Vec<(String, String)>,
    root_certs_pem: Vec<Vec<u8>>,
}

impl fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("HttpSettings")
            .field("user_agent", &self.user_agent)
            .field("basic_user", &self.basic.as_ref().map(|(u, _)| u))
            .field("bearer", &self.bearer.as_ref().map(|_| "<redacted>"))
            .field("headers", &header_names)
            .field("root_certs", &self.root_certs_pem.len())
            .finish()
    }
}

impl HttpSettings {
    /// Settings with only a user agent.
    pub fn new(user_agent: &str) -> Self {
        HttpSettings {
            user_agent: user_agent.into(),
            ..Self::default()
        }
    }

    /// Sends `Authorization: Basic …`.
    pub fn basic_auth(
        &mut self,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> &mut Self {
        self.basic = Some((user.into(), password.into()));
        self
    }

    /// Sends `Authorization: Bearer <token>`.
    pub fn bearer(&mut self, token: impl Into<String>) -> &mut Self {
        self.bearer = Some(token.into());
        self
    }

    /// Sends an extra header with every request; may be called several times.
    pub fn header(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Trusts the CA certificate(s) in `pem` besides the platform's roots.
    pub fn root_certificate_pem(&mut self, pem: impl Into<Vec<u8>>) -> &mut Self {
        self.root_certs_pem.push(pem.into());
        self
    }

    /// The configured credentials, checked.
    ///
    /// # Errors
    /// [`HttpError::ConflictingAuth`] when both kinds are set.
    pub fn auth(&self) -> Result<Option<Auth>, HttpError> {
        match (&self.basic, &self.bearer) {
            (Some(_), Some(_)) => Err(HttpError::ConflictingAuth),
            (Some((user, password)), None) => Ok(Some(Auth::Basic {
                user: user.clone(),
                password: password.clone(),
            })),
            (None, Some(t)) => Ok(Some(Auth::Bearer(t.clone()))),
            (None, None) => Ok(None),
        }
    }

    /// Builds the client.
    ///
    /// # Errors
    /// An [`HttpError`] naming the bad header, credentials or certificate.
    pub fn build(&self) -> Result<reqwest::Client, HttpError> {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let bad = |reason: String| HttpError::InvalidHeader {
                name: name.clone(),
                reason,
            };
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| bad(format!("{e}; use a token such as X-Scope-OrgID")))?;
            let v =
                HeaderValue::from_str(value).map_err(|e| bad(format!("{e}; use visible ASCII")))?;
            headers.append(n, v);
        }
        if let Some(auth) = self.auth()? {
            headers.insert(AUTHORIZATION, authorization(&auth)?);
        }
        reqwest::Client::builder()
            .default_headers(headers)
            .tls_backend_preconfigured(tls_config(&self.root_certs_pem)?)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(self.user_agent.clone())
            .build()
            .map_err(|e| HttpError::Client {
                source: Box::new(e),
            })
    }
}

/// The `Authorization` value, marked sensitive (never logged by the HTTP stack).
fn authorization(auth: &Auth) -> Result<HeaderValue, HttpError> {
    use base64::Engine as _;
    let raw = match auth {
        Auth::Basic { user, password } => format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        ),
        Auth::Bearer(t) => format!("Bearer {t}"),
    };
    // The error names neither the value nor the secret.
    let mut v = HeaderValue::from_str(&raw).map_err(|_| HttpError::InvalidHeader {
        name: "Authorization".into(),
        reason: "the credentials must be visible ASCII".into(),
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// rustls with the `ring` provider, verifying with the platform's roots plus `extra_pem`.
fn tls_config(extra_pem: &[Vec<u8>]) -> Result<rustls::ClientConfig, HttpError> {
    let mut extra = Vec::new();
    for pem in extra_pem {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<_, _>>()
            .map_err(|e| HttpError::InvalidCertificate {
                reason: e.to_string(),
            })?;
        if certs.is_empty() {
            return Err(HttpError::InvalidCertificate {
                reason: "no CERTIFICATE block found".into(),
            });
        }
        extra.extend(certs);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client_err = |e: &dyn fmt::Display| HttpError::Client {
        source: e.to_string().into(),
    };
    let verifier = if extra.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone())
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
    }
    .map_err(|e| client_err(&e))?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| client_err(&e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// The error's whole source chain in one message (reqwest's own message names only the URL;
/// the cause, e.g. "Connection refused", is deeper).
///
/// ```
/// let e = std::io::Error::other("outer");
/// assert_eq!(census_export::http::error_chain(&e), "outer");
/// ```
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let s_msg = s.to_string();
        if !msg.contains(&s_msg) {
            msg.push_str(": ");
            msg.push_str(&s_msg);
        }
        src = s.source();
    }
    msg
}
