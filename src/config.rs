//! The feed list: loads and validates the TOML config into typed settings.
//!
//! Every problem is reported as `file:line:col: message`, all of them at once
//! where the file parses. It never touches the network or the database, and it
//! never half-applies a config: a file either loads whole or not at all.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::filter::FilterRules;
use crate::fulltext::FullText;

/// Where the config is looked for when neither `--config` nor
/// `$FEEDSIEVE_CONFIG` is given.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/feedsieve/feedsieve.toml";

/// One problem in the config file, at a position a user can jump to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", format_problems(path, problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

fn format_problems(path: &Path, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}:{}:{}: {}", path.display(), p.line, p.col, p.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The whole, validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file it was loaded from (relative paths in it resolve against its folder).
    pub path: PathBuf,
    pub storage: StorageConfig,
    pub fetch: FetchConfig,
    pub clean: CleanRules,
    pub dedup: DedupConfig,
    pub serve: ServeConfig,
    /// `[filter]`: entry filters for every feed.
    pub filter: FilterRules,
    pub feeds: Vec<FeedConfig>,
    /// What is allowed but probably not meant (an interval under a minute),
    /// at its position; [`load_with`] logs them.
    pub warnings: Vec<Problem>,
    /// The file's version when [`load`] read it (its modification time and
    /// bytes, hashed): the stamp by which a fleet sharing a database decides
    /// whose feed list applies (`Store::apply_feed_list`). `None` when parsed
    /// from text.
    pub version: Option<String>,
}

/// `[serve]`: the merged feed over HTTP (off unless `listen` is set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServeConfig {
    pub listen: Option<std::net::SocketAddr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StorageConfig {
    pub database: PathBuf,
    /// Entries older than this are pruned daily; `None` keeps everything.
    pub keep: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FetchConfig {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub user_agent: String,
    pub max_body: u64,
    pub concurrency: usize,
    pub per_host: usize,
    pub default_interval: Duration,
    /// Longest wait between retries of a failing feed.
    pub max_backoff: Duration,
    pub max_redirects: usize,
    /// When an entry's page is fetched, unless its feed says otherwise.
    pub full_text: FullText,
    /// Pages fetched at most per feed per run (the rest wait for the next).
    pub pages_per_run: usize,
    /// On a database daemons share (PostgreSQL): how long a feed's lease
    /// lasts unless its holder renews it (every quarter of it), so how long a
    /// daemon that died keeps its feeds from the others.
    pub lease: Duration,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            user_agent: format!(
                "feedsieve/{} (+https://github.com/feedsieve/feedsieve)",
                env!("CARGO_PKG_VERSION")
            ),
            max_body: 16 * 1024 * 1024,
            concurrency: 32,
            per_host: 2,
            default_interval: Duration::from_secs(30 * 60),
            max_backoff: Duration::from_secs(24 * 3600),
            max_redirects: 10,
            full_text: FullText::Auto,
            pages_per_run: 10,
            lease: Duration::from_secs(60),
        }
    }
}

/// User rules for the cleaner, global (`[clean]`) or per feed (`[feed.clean]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CleanRules {
    /// Regexes: a block whose text matches one is removed.
    #[serde(default)]
    pub remove: Vec<String>,
    /// CSS selectors: matching elements are removed.
    #[serde(default)]
    pub remove_selectors: Vec<String>,
    /// Regexes: a block whose text matches one is always kept.
    #[serde(default)]
    pub keep: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DedupConfig {
    /// Largest simhash Hamming distance at which an anchor candidate is
    /// still read and verified (64: no filter).
    pub max_distance: u32,
    /// How far back candidates are looked for.
    pub window: Duration,
    /// Entries with fewer words fall back to exact title/link matching, or
    /// join a longer entry as its excerpt.
    pub min_words: usize,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            max_distance: 28,
            window: Duration::from_secs(3 * 86_400),
            min_words: 40,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedConfig {
    /// Absolute URL: http, https or file (file paths resolved against the config folder).
    pub url: Url,
    pub name: Option<String>,
    pub interval: Option<Duration>,
    pub enabled: bool,
    pub clean: CleanRules,
    /// `full_text` of this feed; `None`: `[fetch] full_text`.
    pub full_text: Option<FullText>,
    /// Its folder in the feed list, e.g. "News/World" (`/` separates levels).
    pub category: Option<String>,
    /// `[feed.filter]`: this feed's own entry filters.
    pub filter: FilterRules,
    /// Request headers that carry secrets (basic auth, API keys): sent with
    /// each fetch of this feed, never printed, logged or stored.
    pub credentials: Credentials,
}

/// Secret request headers of one feed. Its `Debug` names the headers but
/// never shows a value.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    headers: Vec<(String, String)>,
}

impl Credentials {
    /// (name, value) of each header, for the fetcher only.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }

    fn basic(user: &str, password: &str) -> (String, String) {
        use base64::Engine as _;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        ("Authorization".to_string(), format!("Basic {token}"))
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(
                self.headers
                    .iter()
                    .map(|(name, _)| format!("{name}: [redacted]")),
            )
            .finish()
    }
}

/// A URL for display: any user name and password in it replaced by `***`.
/// Secrets belong in a feed's `password` or `headers`; a URL written with
/// them still works, but they never show.
pub fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_password(None);
            let _ = parsed.set_username("***");
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

impl Config {
    /// When `feed`'s entries have their pages fetched.
    pub fn full_text_of(&self, feed: &FeedConfig) -> FullText {
        feed.full_text.unwrap_or(self.fetch.full_text)
    }

    /// The interval a feed is polled at, before server hints and backoff.
    pub fn interval_of(&self, feed: &FeedConfig) -> Duration {
        feed.interval.unwrap_or(self.fetch.default_interval)
    }

    pub fn enabled_feeds(&self) -> impl Iterator<Item = &FeedConfig> {
        self.feeds.iter().filter(|f| f.enabled)
    }
}

/// Resolves the config path: the flag, else `$FEEDSIEVE_CONFIG` (clap reads
/// it), else the system default.
pub fn resolve_path(flag: Option<PathBuf>) -> PathBuf {
    flag.map(|p| expand_home(&p))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_PATH))
}

/// `~` or `~/…` at the start of a path is the user's home folder (`$HOME`),
/// as a shell would have it: paths from the config, from systemd's
/// `Environment=` or in quotes never went through a shell. Without a
/// `$HOME` the path stays as written.
pub fn expand_home(path: &Path) -> PathBuf {
    let Ok(rest) = path.strip_prefix("~") else {
        return path.to_path_buf();
    };
    match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        Some(home) => PathBuf::from(home).join(rest),
        None => path.to_path_buf(),
    }
}

/// Reads and validates the config file, then applies `database_override`
/// (`--database` / `$FEEDSIEVE_DATABASE`: how the systemd unit puts the
/// database in its StateDirectory while the config stays read-only in /etc).
pub fn load_with(path: &Path, database_override: Option<&Path>) -> Result<Config, ConfigError> {
    let mut config = load(path)?;
    for w in &config.warnings {
        tracing::warn!("{}:{}:{}: {}", path.display(), w.line, w.col, w.message);
    }
    if let Some(db) = database_override {
        config.storage.database = expand_home(db);
    }
    Ok(config)
}

/// Reads and validates the config file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source: explain_read_error(path, source),
    })?;
    let text = utf8_text(&bytes, path)?;
    let mut config = parse(text, path)?;
    config.version = Some(version_of(modified, &bytes));
    Ok(config)
}

mod listed;
mod read;
pub use listed::{ListedError, ListedFeed, listed_feed};
pub(crate) use read::line_col;
use read::{explain_read_error, utf8_text};
pub use read::{normalize_category, parse};

/// `%xx` escapes decoded (user info in a URL is written escaped).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Turns a feed URL from the config into an absolute URL. `file://` URLs whose
/// path does not start with `/` are relative to the config file's folder.
/// The scheme and host are lower-cased and a `#fragment` dropped (it never
/// reaches a server), so one feed written two ways is one feed.
pub fn resolve_feed_url(text: &str, base_dir: &Path) -> Result<Url, String> {
    let text = text.trim();
    let is_file = text
        .get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("file://"));
    if is_file {
        let rest = &text[7..];
        let rest = rest.split_once('#').map_or(rest, |(path, _)| path);
        let path = Path::new(rest);
        let path = if path.is_absolute() {
            path.to_path_buf()
        } else {
            let dir = std::path::absolute(base_dir).unwrap_or_else(|_| base_dir.to_path_buf());
            dir.join(path)
        };
        return Url::from_file_path(&path)
            .map_err(|()| format!("cannot turn {} into a file URL", path.display()));
    }
    let mut url = Url::parse(text).map_err(|e| {
        format!("invalid feed URL {text:?}: {e}; write a full http://, https:// or file:// URL")
    })?;
    url.set_fragment(None);
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(url),
        "http" | "https" => Err(format!("feed URL {text:?} has no host")),
        other => Err(format!(
            "unsupported scheme {other:?} in feed URL {text:?}; use http, https or file"
        )),
    }
}

#[cfg(test)]
mod tests;

/// The version of a feed list file: SHA-256 of its modification time (read
/// before its bytes, so an edit made meanwhile gives the next load a new
/// version) and its bytes. Each edit makes a new one; the same file
/// restarted keeps its own.
fn version_of(modified: Option<std::time::SystemTime>, bytes: &[u8]) -> String {
    use sha2::Digest;
    let since = modified
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    let mut hash = sha2::Sha256::new();
    hash.update(since.as_nanos().to_le_bytes());
    hash.update(bytes);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
