//! Test support: a tiny real HTTP/1.1 server on 127.0.0.1 with hand-written
//! (and, on purpose, hostile) responses, a config written into a tempdir, and
//! read access to the database for assertions.
//!
//! Every connection is answered once and closed (`Connection: close`), so the
//! client's pool never holds a socket to a route whose behaviour changed.
//! Every loop is bounded, and all server tasks are aborted when the
//! [`Server`] is dropped.

#![allow(dead_code)]

pub mod pg;
pub mod sql;

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use feedsieve::config::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// What the server does on one path.
#[derive(Clone, Debug)]
pub enum Route {
    /// A fixed response. A 200 with an ETag or Last-Modified header answers a
    /// matching If-None-Match / If-Modified-Since with 304 (RFC 9110: the 304
    /// carries the ETag, not Last-Modified).
    Fixed {
        status: u16,
        headers: Vec<(String, String)>,
        body: Bytes,
    },
    /// A redirect with this status and Location.
    Redirect { status: u16, location: String },
    /// Reads the request, then never answers.
    Hang,
    /// Sends a response's headers one byte per second.
    TrickleHeaders,
    /// Sends headers at once (with Content-Length), then `chunk` bytes of
    /// `body` every `delay`.
    SlowBody {
        body: Bytes,
        chunk: usize,
        delay: Duration,
    },
    /// Declares the full Content-Length, sends half the body, closes.
    ResetMidBody { body: Bytes },
    /// A chunked body that goes on (up to 1 GiB, or until the client leaves).
    EndlessChunked,
}

impl Route {
    pub fn ok(content_type: &str, body: impl Into<Bytes>) -> Route {
        Route::Fixed {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn rss(body: impl Into<Bytes>) -> Route {
        Route::ok("application/rss+xml", body)
    }

    pub fn status(status: u16) -> Route {
        Route::Fixed {
            status,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: Bytes::from(format!("status {status}\n")),
        }
    }

    pub fn redirect(status: u16, location: impl Into<String>) -> Route {
        Route::Redirect {
            status,
            location: location.into(),
        }
    }

    /// Adds a header to a fixed response.
    pub fn header(mut self, name: &str, value: &str) -> Route {
        if let Route::Fixed { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<String, Route>>,
    log: Mutex<Vec<Request>>,
}

pub struct Server {
    pub addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Dropping the accept task drops its JoinSet, which aborts every connection.
        self.task.abort();
    }
}

impl Server {
    pub async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State::default());
        let shared = state.clone();
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((socket, _)) = accepted else { continue };
                        connections.spawn(handle(socket, shared.clone()));
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        Server { addr, state, task }
    }

    /// Sets (or replaces, mid-test) what `path` answers.
    pub fn route(&self, path: &str, route: Route) -> &Self {
        self.state
            .routes
            .lock()
            .unwrap()
            .insert(path.to_string(), route);
        self
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.state.log.lock().unwrap().clone()
    }

    pub fn requests_to(&self, path: &str) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    pub fn hits(&self, path: &str) -> usize {
        self.requests_to(path).len()
    }
}

async fn handle(mut socket: TcpStream, state: Arc<State>) {
    let Ok(Some(request)) =
        tokio::time::timeout(Duration::from_secs(5), read_request(&mut socket)).await
    else {
        return;
    };
    state.log.lock().unwrap().push(request.clone());
    let route = state
        .routes
        .lock()
        .unwrap()
        .get(&request.path)
        .cloned()
        .unwrap_or_else(|| Route::status(404));
    let _ = respond(&mut socket, &request, route).await;
    let _ = socket.shutdown().await;
}

async fn read_request(socket: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Request { path, headers })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

fn head(status: u16, headers: &[(String, String)], content_length: Option<usize>) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(len) = content_length {
        out.push_str(&format!("Content-Length: {len}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

async fn respond(socket: &mut TcpStream, request: &Request, route: Route) -> std::io::Result<()> {
    match route {
        Route::Fixed {
            status,
            headers,
            body,
        } => {
            let find = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            };
            let etag = find("etag");
            let not_modified = status == 200
                && match (request.header("if-none-match"), &etag) {
                    (Some(inm), Some(etag)) => inm == etag,
                    (Some(_), None) => false,
                    (None, _) => {
                        request.header("if-modified-since").is_some()
                            && request.header("if-modified-since")
                                == find("last-modified").as_deref()
                    }
                };
            if not_modified {
                let mut h = Vec::new();
                if let Some(etag) = etag {
                    h.push(("ETag".to_string(), etag));
                }
                socket.write_all(&head(304, &h, None)).await?;
                return Ok(());
            }
            socket
                .write_all(&head(status, &headers, Some(body.len())))
                .await?;
            socket.write_all(&body).await?;
        }
        Route::Redirect { status, location } => {
            let h = vec![("Location".to_string(), location)];
            socket.write_all(&head(status, &h, Some(0))).await?;
        }
        Route::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        Route::TrickleHeaders => {
            let h = vec![(
                "Content-Type".to_string(),
                "application/rss+xml".to_string(),
            )];
            for byte in head(200, &h, Some(0)) {
                socket.write_all(&[byte]).await?;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        Route::SlowBody { body, chunk, delay } => {
            let h = vec![(
                "Content-Type".to_string(),
                "application/rss+xml".to_string(),
            )];
            socket.write_all(&head(200, &h, Some(body.len()))).await?;
            for piece in body.chunks(chunk.max(1)) {
                socket.write_all(piece).await?;
                tokio::time::sleep(delay).await;
            }
        }
        Route::ResetMidBody { body } => {
            let h = vec![(
                "Content-Type".to_string(),
                "application/rss+xml".to_string(),
            )];
            socket.write_all(&head(200, &h, Some(body.len()))).await?;
            socket.write_all(&body[..body.len() / 2]).await?;
            socket.flush().await?;
        }
        Route::EndlessChunked => {
            let h = vec![
                (
                    "Content-Type".to_string(),
                    "application/rss+xml".to_string(),
                ),
                ("Transfer-Encoding".to_string(), "chunked".to_string()),
            ];
            socket.write_all(&head(200, &h, None)).await?;
            let open = "<rss version=\"2.0\"><channel>";
            socket
                .write_all(format!("{:x}\r\n{open}\r\n", open.len()).as_bytes())
                .await?;
            let filler = "<item><title>again</title></item>".repeat(2000);
            let chunk = format!("{:x}\r\n{filler}\r\n", filler.len());
            let mut sent = 0usize;
            while sent < 1 << 30 {
                socket.write_all(chunk.as_bytes()).await?;
                sent += filler.len();
            }
        }
    }
    Ok(())
}

/// A gzip stream of `size` zero bytes (about 1000:1).
pub fn gzip_bomb(size: usize) -> Bytes {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let block = vec![0u8; 1 << 20];
    for _ in 0..size / block.len() {
        enc.write_all(&block).unwrap();
    }
    Bytes::from(enc.finish().unwrap())
}

/// A brotli stream of `size` zero bytes.
pub fn brotli_bomb(size: usize) -> Bytes {
    let mut out = Vec::new();
    {
        let mut enc = brotli::CompressorWriter::new(&mut out, 1 << 16, 1, 22);
        let block = vec![0u8; 1 << 20];
        for _ in 0..size / block.len() {
            enc.write_all(&block).unwrap();
        }
    }
    Bytes::from(out)
}

/// An RSS 2.0 document with the given (guid, title, html body) items,
/// borrowed or owned.
pub fn rss<G: AsRef<str>, T: AsRef<str>, B: AsRef<str>>(
    title: &str,
    items: &[(G, T, B)],
) -> String {
    let mut doc = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>{title}</title><link>https://example.org/</link>\n"
    );
    for (guid, title, body) in items {
        let (guid, title, body) = (guid.as_ref(), title.as_ref(), body.as_ref());
        doc.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><title>{title}</title><link>https://example.org/{guid}</link><description><![CDATA[{body}]]></description></item>\n"
        ));
    }
    doc.push_str("</channel></rss>\n");
    doc
}

/// Runs the binary `bin` (a test's `env!("CARGO_BIN_EXE_feedsieve")`, which
/// examples sharing this file do not have) with `args` off the async runtime,
/// which keeps serving the feeds; no log level, database or config from the
/// environment.
pub async fn run_binary(bin: &'static str, args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(bin)
            .args(&args)
            .env_remove("RUST_LOG")
            .env_remove("FEEDSIEVE_DATABASE")
            .env_remove("FEEDSIEVE_CONFIG")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// A command's stdout then stderr, as text.
pub fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A test environment: config and database in a tempdir.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub config: Config,
}

impl Env {
    /// Writes a config listing `feeds`; `fetch` are extra `[fetch]` settings as
    /// TOML (`("timeout", "\"1s\"")`); timeout defaults to 10s here.
    pub fn new(feeds: &[String], fetch: &[(&str, &str)]) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("[storage]\ndatabase = \"feeds.db\"\n\n[fetch]\n");
        if !fetch.iter().any(|(k, _)| *k == "timeout") {
            text.push_str("timeout = \"10s\"\n");
        }
        for (k, v) in fetch {
            text.push_str(&format!("{k} = {v}\n"));
        }
        for url in feeds {
            text.push_str(&format!("\n[[feed]]\nurl = \"{url}\"\n"));
        }
        let path = dir.path().join("feedsieve.toml");
        std::fs::write(&path, &text).unwrap();
        let config = feedsieve::config::parse(&text, &path).unwrap();
        Env { dir, config }
    }

    pub fn db_path(&self) -> PathBuf {
        self.config.storage.database.clone()
    }

    pub fn config_path(&self) -> PathBuf {
        self.config.path.clone()
    }

    /// `run_once`, which must finish within `limit`.
    pub async fn run(&self, limit: Duration) -> feedsieve::daemon::OnceSummary {
        let started = std::time::Instant::now();
        let summary = tokio::time::timeout(limit, feedsieve::daemon::run_once(&self.config))
            .await
            .unwrap_or_else(|_| panic!("run_once took longer than {limit:?}"))
            .expect("run_once failed");
        assert!(started.elapsed() <= limit);
        summary
    }

    /// The database, for the test's own reads and writes.
    pub fn db(&self) -> Db {
        Db {
            path: self.db_path(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct FeedRow {
    pub id: i64,
    pub url: String,
    pub fetch_url: Option<String>,
    pub title: Option<String>,
    pub last_fetched_at: Option<String>,
    pub last_success_at: Option<String>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub consecutive_failures: i64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub next_fetch_at: Option<String>,
}

impl FeedRow {
    pub fn error(&self) -> &str {
        self.last_error.as_deref().unwrap_or("")
    }

    /// Seconds from the last attempt to the next one.
    pub fn wait_secs(&self) -> i64 {
        let at = |s: &Option<String>| {
            chrono::DateTime::parse_from_rfc3339(s.as_deref().unwrap()).unwrap()
        };
        (at(&self.next_fetch_at) - at(&self.last_fetched_at)).num_seconds()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EntryRow {
    pub id: i64,
    pub guid: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published_at: Option<String>,
    pub changed_at: String,
    /// Read back from `content_raw_delta` (migration 0016).
    pub content_raw: Option<String>,
    content_raw_delta: Option<Vec<u8>>,
    /// What `content_raw_delta` was packed against.
    raw_base: Option<String>,
    pub content_text: Option<String>,
    pub story_id: Option<i64>,
}

/// The test environment's database file. Every call opens a connection of
/// its own ([`sql::connect`]), so no check holds one open beside the daemon.
pub struct Db {
    path: PathBuf,
}

impl Db {
    pub fn conn(&self) -> rusqlite::Connection {
        sql::connect(&self.path)
    }

    pub fn feed(&self, url: &str) -> FeedRow {
        self.conn()
            .query_row(
                "SELECT id, url, fetch_url, title, last_fetched_at, last_success_at, last_status,
                        last_error, consecutive_failures, etag, last_modified, next_fetch_at
                 FROM feeds WHERE url = ?",
                [url],
                |row| {
                    Ok(FeedRow {
                        id: row.get("id")?,
                        url: row.get("url")?,
                        fetch_url: row.get("fetch_url")?,
                        title: row.get("title")?,
                        last_fetched_at: row.get("last_fetched_at")?,
                        last_success_at: row.get("last_success_at")?,
                        last_status: row.get("last_status")?,
                        last_error: row.get("last_error")?,
                        consecutive_failures: row.get("consecutive_failures")?,
                        etag: row.get("etag")?,
                        last_modified: row.get("last_modified")?,
                        next_fetch_at: row.get("next_fetch_at")?,
                    })
                },
            )
            .unwrap_or_else(|e| panic!("no feed {url}: {e}"))
    }

    pub fn entries(&self, url: &str) -> Vec<EntryRow> {
        sql::rows_with(
            &self.conn(),
            "SELECT e.id, e.guid, e.url, e.title, e.published_at, e.changed_at,
                    e.content_raw_delta, COALESCE(b.html, e.content_html, '') AS raw_base,
                    e.content_text, e.story_id
             FROM entries e JOIN feeds f ON f.id = e.feed_id
                  LEFT JOIN entry_raw_bases b ON b.entry_id = e.id
             WHERE f.url = ? ORDER BY e.id",
            [url],
            |row| {
                let content_raw_delta: Option<Vec<u8>> = row.get("content_raw_delta")?;
                let raw_base: Option<String> = row.get("raw_base")?;
                Ok(EntryRow {
                    id: row.get("id")?,
                    guid: row.get("guid")?,
                    url: row.get("url")?,
                    title: row.get("title")?,
                    published_at: row.get("published_at")?,
                    changed_at: row.get("changed_at")?,
                    content_raw: content_raw_delta.as_deref().map(|frame| {
                        let base = raw_base.as_deref().unwrap_or("");
                        feedsieve::store::codec::unpack_against(frame, base).unwrap()
                    }),
                    content_raw_delta,
                    raw_base,
                    content_text: row.get("content_text")?,
                    story_id: row.get("story_id")?,
                })
            },
        )
    }

    pub fn count_entries(&self, url: &str) -> i64 {
        self.scalar(
            "SELECT COUNT(*) FROM entries e JOIN feeds f ON f.id = e.feed_id WHERE f.url = ?",
            [url],
        )
    }

    /// Runs `sql` (one or more statements, no parameters).
    pub fn exec(&self, sql: &str) {
        self.conn()
            .execute_batch(sql)
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
    }

    /// [`sql::scalar`] on a connection of its own.
    pub fn scalar<T: rusqlite::types::FromSql>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> T {
        sql::scalar(&self.conn(), sql, params)
    }

    /// [`sql::row`] on a connection of its own.
    pub fn row<T>(&self, sql: &str, params: impl rusqlite::Params) -> T
    where
        T: for<'r> TryFrom<&'r rusqlite::Row<'r>, Error = rusqlite::Error>,
    {
        sql::row(&self.conn(), sql, params)
    }

    /// [`sql::rows`] on a connection of its own.
    pub fn rows<T>(&self, sql: &str, params: impl rusqlite::Params) -> Vec<T>
    where
        T: for<'r> TryFrom<&'r rusqlite::Row<'r>, Error = rusqlite::Error>,
    {
        sql::rows(&self.conn(), sql, params)
    }
}

/// Waits until `done`, polling every 100 ms, failing the test with "never
/// {what}" after `within`.
pub async fn wait_until(what: &str, within: std::time::Duration, done: impl Fn() -> bool) {
    let waited = std::time::Instant::now();
    while !done() {
        assert!(waited.elapsed() < within, "never {what}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The real binary `bin` as a daemon (`run`) on `config`, without the
/// environment's log level or database, its standard error as `stderr`.
pub fn spawn_daemon(
    bin: &str,
    config: &std::path::Path,
    stderr: std::process::Stdio,
) -> std::process::Child {
    std::process::Command::new(bin)
        .arg("--config")
        .arg(config)
        .arg("run")
        .env_remove("RUST_LOG")
        .env_remove("FEEDSIEVE_DATABASE")
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// Sends `signal` ("TERM", "KILL", "HUP") to `child` with kill(1).
pub fn signal(child: &std::process::Child, signal: &str) {
    let status = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}
