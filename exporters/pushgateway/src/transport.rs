//! Where a body goes: an HTTP(S) client with retries, or print mode. See [`Sink`].

use std::fmt;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use census_prometheus::Format;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use tokio::time::Instant;

use crate::error::{BoxError, BuildError, PushError};
use crate::format::Op;
use crate::retry::{Jitter, Retry};

/// Largest part of an error answer's body kept in [`PushError::Status`].
const MAX_ERROR_BODY: usize = 4096;

/// Credentials sent with every request.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Auth {
    Basic { user: String, password: String },
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

/// What the HTTP client is built from.
#[derive(Debug, Default)]
pub(crate) struct ClientSettings {
    pub(crate) auth: Option<Auth>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) root_certs_pem: Vec<Vec<u8>>,
}

/// Print mode's destination.
pub(crate) type SharedWriter = Arc<Mutex<Box<dyn Write + Send>>>;

/// Where the bodies go.
pub(crate) enum Sink {
    /// Real requests.
    Http(Http),
    /// Print mode: the body is written, nothing is sent.
    Print(SharedWriter),
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sink::Http(h) => h.fmt(f),
            Sink::Print(_) => f.write_str("Print"),
        }
    }
}

/// An HTTP client bound to one group URL.
#[derive(Debug)]
pub(crate) struct Http {
    client: reqwest::Client,
    url: String,
    retry: Retry,
    format: Format,
    gzip: bool,
    jitter: Jitter,
}

/// One request to make: the operation, its (already gzipped if asked) body, and its deadline.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) op: Op,
    pub(crate) body: Option<Bytes>,
    pub(crate) deadline: Instant,
    pub(crate) budget: Duration,
}

impl Http {
    /// Builds the client: rustls with the `ring` provider, the platform's roots plus any custom
    /// CA, default headers (credentials, extra headers).
    pub(crate) fn new(
        url: String,
        settings: &ClientSettings,
        retry: Retry,
        format: Format,
        gzip: bool,
    ) -> Result<Self, BuildError> {
        let mut headers = HeaderMap::new();
        for (name, value) in &settings.headers {
            let n =
                HeaderName::from_bytes(name.as_bytes()).map_err(|e| BuildError::InvalidHeader {
                    name: name.clone(),
                    reason: format!("{e}; use a token such as X-Scope-OrgID"),
                })?;
            let v = HeaderValue::from_str(value).map_err(|e| BuildError::InvalidHeader {
                name: name.clone(),
                reason: format!("{e}; use visible ASCII"),
            })?;
            headers.append(n, v);
        }
        if let Some(auth) = &settings.auth {
            let raw = match auth {
                Auth::Basic { user, password } => {
                    use base64::Engine as _;
                    let token = base64::engine::general_purpose::STANDARD
                        .encode(format!("{user}:{password}"));
                    format!("Basic {token}")
                }
                Auth::Bearer(t) => format!("Bearer {t}"),
            };
            let mut v = HeaderValue::from_str(&raw).map_err(|e| BuildError::InvalidHeader {
                name: "Authorization".into(),
                reason: format!("{e}; credentials must be visible ASCII"),
            })?;
            v.set_sensitive(true);
            headers.insert(AUTHORIZATION, v);
        }
        let tls = tls_config(&settings.root_certs_pem)?;
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("census-pushgateway/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| BuildError::Client {
                source: Box::new(e),
            })?;
        Ok(Http {
            client,
            url,
            retry,
            format,
            gzip,
            jitter: Jitter::new(),
        })
    }

    /// Sends `req`, retrying as the policy allows, never past its deadline.
    pub(crate) async fn send(&mut self, req: Request) -> Result<(), PushError> {
        let method = req.op.as_str();
        let mut attempts = 0u32;
        let mut last: Option<PushError> = None;
        loop {
            attempts += 1;
            let attempt = self.attempt(req.op, req.body.as_ref());
            let err = match tokio::time::timeout_at(req.deadline, attempt).await {
                Ok(Ok(())) => return Ok(()),
                Ok(Err(e)) => e,
                Err(_) => {
                    return Err(PushError::Timeout {
                        method,
                        url: self.url.clone(),
                        deadline: req.budget,
                        attempts,
                        last_error: last.map(|e| e.to_string()),
                    })
                }
            };
            let err = match err {
                PushError::Transport {
                    method,
                    url,
                    source,
                    ..
                } => PushError::Transport {
                    method,
                    url,
                    attempts,
                    source,
                },
                e => e,
            };
            if !err.is_retryable() || attempts >= self.retry.max_attempts.max(1) {
                return Err(err);
            }
            let delay = self.retry.delay(attempts, &mut self.jitter);
            if Instant::now() + delay >= req.deadline {
                return Err(err);
            }
            tracing::debug!(error = %err, ?delay, attempt = attempts, "census-pushgateway: retrying");
            last = Some(err);
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(&self, op: Op, body: Option<&Bytes>) -> Result<(), PushError> {
        let method = op.as_str();
        let http_method = match op {
            Op::Send(crate::Method::Put) => reqwest::Method::PUT,
            Op::Send(crate::Method::Post) => reqwest::Method::POST,
            Op::Delete => reqwest::Method::DELETE,
        };
        let mut rb = self.client.request(http_method, &self.url);
        if let Some(body) = body {
            rb = rb.header(reqwest::header::CONTENT_TYPE, self.format.content_type());
            if self.gzip {
                rb = rb.header(reqwest::header::CONTENT_ENCODING, "gzip");
            }
            rb = rb.body(body.clone());
        }
        let transport = |e: reqwest::Error| PushError::Transport {
            method,
            url: self.url.clone(),
            attempts: 1,
            source: chain(e),
        };
        let resp = rb.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        if status == 200 || status == 202 {
            return Ok(());
        }
        let bytes = resp.bytes().await.unwrap_or_default();
        let cut = &bytes[..bytes.len().min(MAX_ERROR_BODY)];
        Err(PushError::Status {
            method,
            url: self.url.clone(),
            status,
            body: String::from_utf8_lossy(cut).trim().to_string(),
        })
    }
}

/// The error with its whole source chain in its message (reqwest's own message only names the
/// URL; the cause, e.g. "Connection refused", is deeper).
fn chain(e: reqwest::Error) -> BoxError {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        let s_msg = s.to_string();
        if !msg.contains(&s_msg) {
            msg.push_str(": ");
            msg.push_str(&s_msg);
        }
        src = s.source();
    }
    msg.into()
}

/// rustls with the `ring` provider (no process-wide default is installed), verifying with the
/// platform's roots plus `extra_pem`.
fn tls_config(extra_pem: &[Vec<u8>]) -> Result<rustls::ClientConfig, BuildError> {
    let mut extra = Vec::new();
    for pem in extra_pem {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<_, _>>()
            .map_err(|e| BuildError::InvalidCertificate {
                reason: e.to_string(),
            })?;
        if certs.is_empty() {
            return Err(BuildError::InvalidCertificate {
                reason: "no CERTIFICATE block found".into(),
            });
        }
        extra.extend(certs);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client_err = |e: &dyn std::fmt::Display| BuildError::Client {
        source: e.to_string().into(),
    };
    let verifier = if extra.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| client_err(&e))?
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
            .map_err(|e| client_err(&e))?
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| client_err(&e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(config)
}
