//! See [`MetricsService`] for details.

use std::convert::Infallible;
use std::future::{ready, Ready};
use std::io::Write as _;
use std::sync::Arc;

use bytes::Bytes;
use flate2::write::GzEncoder;
use flate2::Compression;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::exporter::PrometheusExporter;
use crate::negotiate::accepts_gzip;

/// The scrape endpoint as a hyper service, to mount in your own hyper or axum app; the built-in
/// server uses it too.
///
/// Answers `GET` and `HEAD` with the exposition (OpenMetrics when enabled and preferred, gzip
/// when accepted), `405` to other methods, and `503` when the exporter's maximum of concurrent
/// scrapes is reached. It answers on any path: route to it yourself.
///
/// ```
/// use census_prometheus::{MetricsService, PrometheusExporter};
/// use hyper::{Request, StatusCode};
///
/// let service = MetricsService::new(PrometheusExporter::builder().build().unwrap());
/// let response = service.respond(&Request::get("/metrics").body(()).unwrap());
/// assert_eq!(response.status(), StatusCode::OK);
/// assert_eq!(response.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
/// let response = service.respond(&Request::post("/metrics").body(()).unwrap());
/// assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
/// ```
///
/// With hyper, serve a connection with it directly
/// (`http1::Builder::new().serve_connection(io, service.clone())`); with axum, call
/// [`MetricsService::respond`] from a handler:
///
/// ```text
/// let service = MetricsService::new(exporter);
/// let app = Router::new().route("/metrics", get(move |req: Request| {
///     let service = service.clone();
///     async move { service.respond(&req) }
/// }));
/// ```
#[derive(Debug, Clone)]
pub struct MetricsService {
    exporter: PrometheusExporter,
    /// When set, other paths get 404 (the built-in server).
    path: Option<Arc<str>>,
}

impl MetricsService {
    /// A service answering scrapes from `exporter` on any path.
    pub fn new(exporter: PrometheusExporter) -> Self {
        MetricsService {
            exporter,
            path: None,
        }
    }

    /// A service answering scrapes on `path` only, 404 elsewhere.
    pub(crate) fn on_path(exporter: PrometheusExporter, path: &str) -> Self {
        MetricsService {
            exporter,
            path: Some(path.into()),
        }
    }

    /// The exporter.
    pub fn exporter(&self) -> &PrometheusExporter {
        &self.exporter
    }

    /// Answers one request (the request body is ignored).
    pub fn respond<B>(&self, req: &Request<B>) -> Response<Full<Bytes>> {
        if let Some(path) = &self.path {
            if req.uri().path() != &**path {
                return plain(
                    StatusCode::NOT_FOUND,
                    format!("not found: metrics are served at {path}\n"),
                );
            }
        }
        let head = req.method() == Method::HEAD;
        if !head && req.method() != Method::GET {
            let mut r = plain(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("method {} not allowed: use GET or HEAD\n", req.method()),
            );
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return r;
        }
        let Some(_permit) = self.exporter.try_acquire() else {
            let mut r = plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many concurrent scrapes: retry later\n".into(),
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return r;
        };
        let header_str = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
        let format = self.exporter.negotiate(header_str(header::ACCEPT));
        let gzip = accepts_gzip(header_str(header::ACCEPT_ENCODING));
        let scrape = self.exporter.scrape(format);
        let body = if gzip {
            gzip_bytes(&scrape.body)
        } else {
            scrape.body
        };
        let len = body.len();
        let mut r = Response::new(Full::new(if head {
            Bytes::new()
        } else {
            Bytes::from(body)
        }));
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        h.insert(
            header::VARY,
            HeaderValue::from_static(if self.exporter.openmetrics() {
                "Accept, Accept-Encoding"
            } else {
                "Accept-Encoding"
            }),
        );
        if gzip {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        r
    }
}

impl<B> hyper::service::Service<Request<B>> for MetricsService {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn call(&self, req: Request<B>) -> Self::Future {
        ready(Ok(self.respond(&req)))
    }
}

fn plain(status: StatusCode, text: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(text)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// gzip at the fastest level: scrapes are large and repetitive, so it still shrinks them ~10×.
fn gzip_bytes(body: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::with_capacity(body.len() / 8 + 64), Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = gz.write_all(body);
    gz.finish().unwrap_or_default()
}
