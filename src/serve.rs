//! The merged clean feed over HTTP (`[serve] listen`): `GET /feed.atom`,
//! `/feed.json` and `/feed.rss` (optionally `?since=24h`) render the same
//! documents as `feedsieve export`, fresh from the database on each request,
//! with an ETag so unchanged feeds cost readers a 304. `GET /metrics` is the
//! daemon's [`Metrics`] for Prometheus, `GET /healthz` whether it is up, its
//! database answers and how long ago a fetch last succeeded.
//!
//! It only reads the database and serves exactly those paths: it must
//! never write, never serve files, and never let one slow or hostile client
//! hold more than a connection slot (bounded connections, header timeout).

use std::convert::Infallible;
use std::hash::Hasher;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use crate::export::{self, Format};
use crate::metrics::Metrics;
use crate::store::Store;

/// Connections served at once; more wait in the listen backlog.
const MAX_CONNECTIONS: usize = 64;
/// How long a client may take to send its request headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The daemon binds the listener itself (before READY=1, so a taken port
/// is a startup error naming the address); serving can only fail to accept.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot accept connections: {0}")]
    Accept(std::io::Error),
}

/// Serves the merged feed on a bound listener until the task is aborted.
pub async fn serve(
    listener: TcpListener,
    store: Store,
    metrics: Arc<Metrics>,
) -> Result<(), ServeError> {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return Ok(());
        };
        let (stream, peer) = match listener.accept().await {
            Ok(conn) => conn,
            // Per-connection failures (a reset before accept, too many open
            // files for a moment) must not stop the server.
            Err(e) if is_transient(&e) => {
                tracing::debug!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            Err(e) => return Err(ServeError::Accept(e)),
        };
        let (store, metrics) = (store.clone(), metrics.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let (store, metrics) = (store.clone(), metrics.clone());
                async move { Ok::<_, Infallible>(respond(&store, &metrics, &req).await) }
            });
            let result = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
}

fn is_transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    ) || e.raw_os_error() == Some(24) // EMFILE
        || e.raw_os_error() == Some(23) // ENFILE
}

async fn respond(
    store: &Store,
    metrics: &Metrics,
    req: &Request<Incoming>,
) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let format = match path {
        "/feed.atom" => Some(Format::Atom),
        "/feed.json" => Some(Format::Json),
        "/feed.rss" => Some(Format::Rss),
        "/metrics" | "/healthz" => None,
        _ => {
            return plain(
                StatusCode::NOT_FOUND,
                "not found; try /feed.atom, /feed.json, /feed.rss, /metrics or /healthz\n",
            );
        }
    };
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let Some(format) = format else {
        return match path {
            "/metrics" => {
                let mut r = plain(StatusCode::OK, &metrics.render());
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                );
                r
            }
            _ => health(store, metrics),
        };
    };
    let now = chrono::Utc::now();
    let since = match since_param(req.uri().query()) {
        Ok(since) => since.and_then(|d| export::cutoff(d, now)),
        Err(message) => return plain(StatusCode::BAD_REQUEST, &format!("{message}\n")),
    };
    let stories = match export::load_stories(store, since).await {
        Ok(stories) => stories,
        Err(e) => {
            tracing::warn!(error = %e, "cannot serve the merged feed");
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "the database cannot be read right now\n",
            );
        }
    };
    // The address the reader asked for, as its rel="self" link.
    let self_url = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|host| format!("http://{host}{}", req.uri()));
    let body = export::render_at(format, &stories, now, self_url.as_deref());
    let etag = etag_of(&body);
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let content_type = format.content_type();
    let mut response = if fresh {
        let mut r = Response::new(Full::new(Bytes::new()));
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else if req.method() == Method::HEAD {
        // hyper sends no body for HEAD; the length is the GET's.
        let mut r = Response::new(Full::new(Bytes::new()));
        if let Ok(v) = HeaderValue::from_str(&body.len().to_string()) {
            r.headers_mut().insert(header::CONTENT_LENGTH, v);
        }
        r
    } else {
        Response::new(Full::new(Bytes::from(body)))
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `/healthz`: 200 while the database answers, 503 when it does not, as a
/// JSON object a probe or a person can read.
fn health(store: &Store, metrics: &Metrics) -> Response<Full<Bytes>> {
    let database = store.ping();
    let body = serde_json::json!({
        "status": if database.is_ok() { "ok" } else { "unavailable" },
        "database": match &database {
            Ok(()) => "ok".to_string(),
            Err(e) => e.to_string(),
        },
        "uptime_seconds": metrics.uptime().as_secs(),
        "last_success_age_seconds": metrics.last_success_age(),
    });
    let status = if database.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut r = plain(status, &format!("{body}\n"));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// `since=24h` from a query string; absent is no limit.
fn since_param(query: Option<&str>) -> Result<Option<Duration>, String> {
    let Some(query) = query else { return Ok(None) };
    for pair in query.split('&') {
        if let Some(value) = pair.strip_prefix("since=") {
            return crate::units::parse_duration(value).map(Some);
        }
    }
    Ok(None)
}

fn etag_of(body: &str) -> String {
    let mut h = siphasher::sip::SipHasher13::new();
    h.write(body.as_bytes());
    format!("\"{:016x}\"", h.finish())
}

fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(text.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_comes_from_the_query() {
        assert_eq!(since_param(None), Ok(None));
        assert_eq!(since_param(Some("x=1")), Ok(None));
        assert_eq!(
            since_param(Some("x=1&since=2h")),
            Ok(Some(Duration::from_secs(7200)))
        );
        assert!(since_param(Some("since=soon")).is_err());
    }
}
