//! Fetching: gets a feed's bytes over HTTP(S) or from a `file://` path,
//! politely and within bounds.
//!
//! Conditional GET (ETag / Last-Modified), one deadline for the whole fetch
//! (connect, headers, body, every redirect hop), a size limit on the
//! decompressed body enforced while streaming, at most `max_redirects` hops,
//! and global and per-host concurrency limits. It never parses or stores, and
//! never holds more than `max_body` bytes of a response in memory.
//!
//! Pages behind a public feed's entries go through a second client whose
//! resolver refuses private addresses ([`Reach::PublicOnly`], the SSRF
//! guard): checked on the addresses a name resolves to, on every hop's IP
//! literal, and on the address the response came from, so neither a
//! redirect nor a DNS answer can lead it to a private one.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use tokio::sync::Semaphore;
use url::Url;

use crate::config::{Credentials, FetchConfig};

/// What a fetch brings back when the server answered with 200 or 304.
#[derive(Debug, Clone, Default)]
pub struct FetchResponse {
    /// HTTP status (None for `file://`).
    pub status: Option<u16>,
    /// The body; `None` when the server said 304 Not Modified.
    pub body: Option<Vec<u8>>,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Where every hop of the redirect chain was permanent (301/308): the new address.
    pub permanent_redirect: Option<Url>,
    /// Cache-Control max-age or Expires: how long the server asks us to wait.
    pub cache_for: Option<Duration>,
    /// The address the (last) response came from; `None` for `file://`,
    /// and for feeds when a system proxy is set (its address is the proxy's).
    pub remote_addr: Option<IpAddr>,
    /// Where the redirects ended (the address fetched, if none).
    pub final_url: Option<Url>,
}

/// Which addresses a fetch may connect to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Any (feeds, and pages of a feed that was itself fetched from a
    /// private address).
    Any,
    /// None that [`crate::fulltext::is_private`] calls private: pages of a
    /// public feed.
    PublicOnly,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("HTTP {status}")]
    Status {
        status: u16,
        /// Retry-After of a 429 or 503.
        retry_after: Option<Duration>,
    },
    #[error("timed out after {}", crate::units::format_duration(*.0))]
    Timeout(Duration),
    #[error("{0}")]
    Network(String),
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(usize),
    #[error("redirect loop: {0} redirects back to an address already visited")]
    RedirectLoop(String),
    #[error("bad redirect from {from}: {message}")]
    BadRedirect { from: String, message: String },
    #[error("response body exceeds max_body ({limit} bytes after decompression); cut off")]
    TooLarge { limit: u64 },
    #[error("cannot read {path}: {message}")]
    File { path: String, message: String },
    #[error("cannot fetch {0}: only http, https and file URLs are supported")]
    Unsupported(String),
    #[error(
        "refused {host}: it is a private address ({addr}) and the feed was not fetched from one"
    )]
    Refused { host: String, addr: IpAddr },
}

/// The guard's refusal, as the resolver returns it through reqwest.
#[derive(Debug, thiserror::Error)]
#[error("refused {host}: it resolves to a private address ({addr})")]
struct Refusal {
    host: String,
    addr: IpAddr,
}

/// Resolves names as the system does, then keeps only public addresses;
/// a name with none is refused.
struct PublicOnlyResolver;

impl reqwest::dns::Resolve for PublicOnlyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found
                .iter()
                .filter(|a| !crate::fulltext::is_private(a.ip()))
                .copied()
                .collect();
            match found.first() {
                Some(first) if public.is_empty() => Err(Box::new(Refusal {
                    host,
                    addr: first.ip(),
                }) as _),
                _ => Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs),
            }
        })
    }
}

/// A network error as a [`FetchError`]: the guard's refusal, found among
/// its causes, as [`FetchError::Refused`].
fn network_error(error: &reqwest::Error) -> FetchError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if let Some(refusal) = e.downcast_ref::<Refusal>() {
            return FetchError::Refused {
                host: refusal.host.clone(),
                addr: refusal.addr,
            };
        }
        cause = e.source();
    }
    FetchError::Network(crate::error_chain(error))
}

impl FetchError {
    /// The HTTP status that came with the error, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Validators from the previous successful fetch.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// The HTTP client with its concurrency limits; one per daemon.
pub struct Fetcher {
    client: reqwest::Client,
    /// Pages of public feeds: no private address, no proxy (a proxy would
    /// resolve names where the guard cannot see).
    guarded: reqwest::Client,
    /// A system proxy may carry feeds: then the address a feed came from is
    /// the proxy's, and says nothing of the feed (see `remote_addr`).
    proxied: bool,
    config: FetchConfig,
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientError(String);

impl Fetcher {
    pub fn new(config: &FetchConfig) -> Result<Self, ClientError> {
        // rustls needs one process-wide crypto provider; a second install is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let builder = || {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(config.connect_timeout)
                .user_agent(config.user_agent.clone())
                .gzip(true)
                .brotli(true)
                .deflate(true)
                .pool_idle_timeout(Duration::from_secs(30))
        };
        let client = builder()
            .build()
            .map_err(|e| ClientError(crate::error_chain(&e)))?;
        let guarded = builder()
            .no_proxy()
            .dns_resolver(Arc::new(PublicOnlyResolver))
            .build()
            .map_err(|e| ClientError(crate::error_chain(&e)))?;
        let proxied = [
            "http_proxy",
            "HTTP_PROXY",
            "https_proxy",
            "HTTPS_PROXY",
            "all_proxy",
            "ALL_PROXY",
        ]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
        Ok(Fetcher {
            client,
            guarded,
            proxied,
            config: config.clone(),
            global: Arc::new(Semaphore::new(config.concurrency)),
            hosts: Mutex::new(HashMap::new()),
        })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches `url`, waiting first for a free slot globally and for its host.
    pub async fn fetch(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<FetchResponse, FetchError> {
        self.fetch_with(url, validators, &Credentials::default())
            .await
    }

    /// [`Fetcher::fetch`], sending a feed's secret headers to its own origin
    /// (not to another host a redirect points to), marked sensitive so the
    /// HTTP stack never logs them.
    pub async fn fetch_with(
        &self,
        url: &Url,
        validators: &Validators,
        credentials: &Credentials,
    ) -> Result<FetchResponse, FetchError> {
        self.fetch_reaching(url, validators, credentials, Reach::Any)
            .await
    }

    /// Fetches an entry's page (http or https only), reaching only what
    /// `reach` allows, with the same limits, deadline and host slots as feeds.
    /// A feed's credentials are not sent: they belong to the feed's URL.
    pub async fn fetch_page(
        &self,
        url: &Url,
        validators: &Validators,
        reach: Reach,
    ) -> Result<FetchResponse, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Unsupported(url.to_string()));
        }
        self.fetch_reaching(url, validators, &Credentials::default(), reach)
            .await
    }

    /// Fetches a page given on the command line: http, https or file.
    pub async fn fetch_page_or_file(
        &self,
        url: &Url,
        reach: Reach,
    ) -> Result<FetchResponse, FetchError> {
        self.fetch_reaching(url, &Validators::default(), &Credentials::default(), reach)
            .await
    }

    async fn fetch_reaching(
        &self,
        url: &Url,
        validators: &Validators,
        credentials: &Credentials,
        reach: Reach,
    ) -> Result<FetchResponse, FetchError> {
        let _global = self.global.acquire().await;
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        let host_limit = {
            let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
            hosts
                .entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(self.config.per_host)))
                .clone()
        };
        let _host = host_limit.acquire().await;
        let deadline = self.config.timeout;
        match tokio::time::timeout(
            deadline,
            self.fetch_unlimited(url, validators, credentials, reach),
        )
        .await
        {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout(deadline)),
        }
    }

    async fn fetch_unlimited(
        &self,
        url: &Url,
        validators: &Validators,
        credentials: &Credentials,
        reach: Reach,
    ) -> Result<FetchResponse, FetchError> {
        match url.scheme() {
            "file" => fetch_file(url, validators, self.config.max_body).await,
            "http" | "https" => self.fetch_http(url, validators, credentials, reach).await,
            _ => Err(FetchError::Unsupported(url.to_string())),
        }
    }

    async fn fetch_http(
        &self,
        start: &Url,
        validators: &Validators,
        credentials: &Credentials,
        reach: Reach,
    ) -> Result<FetchResponse, FetchError> {
        let client = match reach {
            Reach::Any => &self.client,
            Reach::PublicOnly => &self.guarded,
        };
        let mut url = start.clone();
        let mut visited = HashSet::from([url.to_string()]);
        let mut all_permanent = true;
        let mut hops = 0;
        let response = loop {
            // An IP literal is never resolved, so the resolver cannot refuse it.
            if reach == Reach::PublicOnly {
                refuse_private_literal(&url)?;
            }
            let mut request = client.get(url.clone());
            if let Some(etag) = &validators.etag {
                request = request.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &validators.last_modified {
                request = request.header(header::IF_MODIFIED_SINCE, lm);
            }
            if url.origin() == start.origin() {
                for (name, value) in credentials.headers() {
                    // Checked when the config loaded; a bad one is not sent.
                    if let (Ok(name), Ok(mut value)) = (
                        header::HeaderName::from_bytes(name.as_bytes()),
                        header::HeaderValue::from_str(value),
                    ) {
                        value.set_sensitive(true);
                        request = request.header(name, value);
                    }
                }
            }
            let response = request.send().await.map_err(|e| network_error(&e))?;
            let remote = response.remote_addr().map(|a| a.ip());
            if let (Reach::PublicOnly, Some(addr)) = (reach, remote)
                && crate::fulltext::is_private(addr)
            {
                return Err(FetchError::Refused {
                    host: url.host_str().unwrap_or("").to_string(),
                    addr,
                });
            }
            let status = response.status();
            if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
                break response;
            }
            hops += 1;
            if hops > self.config.max_redirects {
                return Err(FetchError::TooManyRedirects(self.config.max_redirects));
            }
            let bad = |message: &str| FetchError::BadRedirect {
                from: url.to_string(),
                message: message.to_string(),
            };
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| bad("no Location header"))?;
            let next = url
                .join(location)
                .map_err(|e| bad(&format!("invalid Location {location:?}: {e}")))?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(bad(&format!("refusing to follow to {next}")));
            }
            all_permanent &= matches!(
                status,
                StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
            );
            if !visited.insert(next.to_string()) {
                return Err(FetchError::RedirectLoop(url.to_string()));
            }
            url = next;
        };

        let status = response.status();
        let headers = response.headers().clone();
        let permanent_redirect = (hops > 0 && all_permanent).then(|| url.clone());
        let mut result = FetchResponse {
            status: Some(status.as_u16()),
            content_type: header_str(&headers, header::CONTENT_TYPE),
            etag: header_str(&headers, header::ETAG),
            last_modified: header_str(&headers, header::LAST_MODIFIED),
            permanent_redirect,
            cache_for: cache_lifetime(&headers),
            body: None,
            // Through a proxy (feeds only) the peer is the proxy: unknown.
            remote_addr: response
                .remote_addr()
                .map(|a| a.ip())
                .filter(|_| reach == Reach::PublicOnly || !self.proxied),
            final_url: Some(url.clone()),
        };
        if status == StatusCode::NOT_MODIFIED {
            return Ok(result);
        }
        if !status.is_success() {
            let retry_after = matches!(
                status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            )
            .then(|| retry_after(&headers))
            .flatten();
            return Err(FetchError::Status {
                status: status.as_u16(),
                retry_after,
            });
        }
        result.body = Some(read_limited(response, self.config.max_body).await?);
        Ok(result)
    }
}

/// The guard for a URL whose host is an IP literal (in any spelling the URL
/// parser accepts: `0x7f.1`, `[::ffff:127.0.0.1]`).
fn refuse_private_literal(url: &Url) -> Result<(), FetchError> {
    let addr = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return Ok(()),
    };
    if crate::fulltext::is_private(addr) {
        return Err(FetchError::Refused {
            host: url.host_str().unwrap_or("").to_string(),
            addr,
        });
    }
    Ok(())
}

/// Reads the (already decompressed) body chunk by chunk, failing as soon as it
/// passes `limit`, so a gzip bomb or an endless body costs at most `limit` bytes.
async fn read_limited(mut response: reqwest::Response, limit: u64) -> Result<Vec<u8>, FetchError> {
    let encoded = response.headers().contains_key(header::CONTENT_ENCODING);
    if let Some(len) = response.content_length().filter(|_| !encoded)
        && len > limit
    {
        return Err(FetchError::TooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| network_error(&e))? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(FetchError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads a local file. Its modification time stands in for Last-Modified, so
/// an unchanged file costs no parsing, like a 304.
async fn fetch_file(
    url: &Url,
    validators: &Validators,
    limit: u64,
) -> Result<FetchResponse, FetchError> {
    let shown = url.to_string();
    let file_error = |e: std::io::Error| FetchError::File {
        path: shown.clone(),
        message: e.to_string(),
    };
    let path = url.to_file_path().map_err(|()| FetchError::File {
        path: shown.clone(),
        message: "not a local path".into(),
    })?;
    let meta = tokio::fs::metadata(&path).await.map_err(file_error)?;
    if meta.len() > limit {
        return Err(FetchError::TooLarge { limit });
    }
    // The file's validator: its modification time to the nanosecond and its
    // length. An HTTP date (whole seconds) would take a file rewritten within
    // the second of the last fetch for unchanged, until its next edit.
    let modified = meta.modified().ok().map(|t| {
        let t = chrono::DateTime::<chrono::Utc>::from(t.max(SystemTime::UNIX_EPOCH));
        format!(
            "{} ({} bytes)",
            t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
            meta.len()
        )
    });
    if modified.is_some() && modified == validators.last_modified {
        return Ok(FetchResponse {
            last_modified: modified,
            ..FetchResponse::default()
        });
    }
    let body = tokio::fs::read(&path).await.map_err(file_error)?;
    if body.len() as u64 > limit {
        return Err(FetchError::TooLarge { limit });
    }
    Ok(FetchResponse {
        body: Some(body),
        last_modified: modified,
        ..FetchResponse::default()
    })
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Retry-After as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header_str(headers, header::RETRY_AFTER)?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(&value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Cache-Control max-age (s-maxage is for shared caches), else Expires.
fn cache_lifetime(headers: &HeaderMap) -> Option<Duration> {
    if let Some(cc) = header_str(headers, header::CACHE_CONTROL) {
        for directive in cc.split(',') {
            if let Some((k, v)) = directive.trim().split_once('=')
                && k.trim().eq_ignore_ascii_case("max-age")
                && let Ok(secs) = v.trim().trim_matches('"').parse::<u64>()
            {
                return Some(Duration::from_secs(secs));
            }
        }
    }
    let expires = httpdate::parse_http_date(&header_str(headers, header::EXPIRES)?).ok()?;
    expires.duration_since(SystemTime::now()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn private_ip_literals_are_refused_in_every_spelling() {
        for url in [
            "http://127.0.0.1/",
            "http://0x7f.1/",
            "http://2130706433/",
            "http://0/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:8080/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:a9fe:a9fe]/",
            "http://[fd12::1]/",
        ] {
            let url = Url::parse(url).unwrap();
            assert!(
                matches!(
                    refuse_private_literal(&url),
                    Err(FetchError::Refused { .. })
                ),
                "{url}"
            );
        }
        for url in [
            "http://93.184.215.14/",
            "http://example.org/",
            "http://[2606:4700::1]/",
        ] {
            assert!(
                refuse_private_literal(&Url::parse(url).unwrap()).is_ok(),
                "{url}"
            );
        }
    }

    #[test]
    fn cache_and_retry_headers() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(cache_lifetime(&h), Some(Duration::from_secs(3600)));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(120)));
        let mut h = HeaderMap::new();
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(7200));
        h.insert(header::EXPIRES, HeaderValue::from_str(&later).unwrap());
        let got = cache_lifetime(&h).unwrap();
        assert!(
            got > Duration::from_secs(7000) && got <= Duration::from_secs(7200),
            "{got:?}"
        );
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }
}
