//! The feed list: loads and validates the TOML config into typed settings.
//!
//! Every problem is reported as `file:line:col: message`, all of them at once
//! where the file parses. It never touches the network or the database, and it
//! never half-applies a config: a file either loads whole or not at all.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::fulltext::FullText;
use crate::units::{parse_duration, parse_size};

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
    pub feeds: Vec<FeedConfig>,
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
        }
    }
}

/// User rules for the cleaner, global (`[clean]`) or per feed (`[feed.clean]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
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
    /// Entries with fewer words fall back to exact title/link matching.
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
    flag.unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_PATH))
}

/// Reads and validates the config file, then applies `database_override`
/// (`--database` / `$FEEDSIEVE_DATABASE`: how the systemd unit puts the
/// database in its StateDirectory while the config stays read-only in /etc).
pub fn load_with(path: &Path, database_override: Option<&Path>) -> Result<Config, ConfigError> {
    let mut config = load(path)?;
    if let Some(db) = database_override {
        config.storage.database = db.to_path_buf();
    }
    Ok(config)
}

/// Reads and validates the config file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source: explain_read_error(path, source),
    })?;
    parse(&text, path)
}

/// "No such file" for a path that `ls` shows is puzzling: when it is a
/// symbolic link whose target is missing, say so and name the target.
fn explain_read_error(path: &Path, error: std::io::Error) -> std::io::Error {
    if error.kind() == std::io::ErrorKind::NotFound
        && let Ok(target) = std::fs::read_link(path)
    {
        return std::io::Error::new(
            error.kind(),
            format!(
                "it is a symbolic link to {}, which does not exist",
                target.display()
            ),
        );
    }
    error
}

/// Validates config text as if read from `path`.
/// The TOML reader names Rust types ("expected i64"); a user wrote a
/// number or a string, so the message says that.
fn plain_type_names(message: &str) -> String {
    let mut message = message.to_string();
    for (rust, plain) in [
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
    ] {
        message = message.replace(rust, plain);
    }
    message
}

pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let invalid = |problems| ConfigError::Invalid {
        path: path.to_path_buf(),
        problems,
    };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        invalid(vec![Problem {
            line,
            col,
            message: plain_type_names(e.message().trim()),
        }])
    })?;
    let base_dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let base_dir = if base_dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base_dir
    };
    let mut v = Validator {
        text,
        problems: Vec::new(),
    };
    let config = v.build(raw, path, &base_dir);
    if v.problems.is_empty() {
        Ok(config)
    } else {
        v.problems.sort_by_key(|p| (p.line, p.col));
        Err(invalid(v.problems))
    }
}

/// 1-based line and column (in characters) of a byte offset; OPML errors use it too.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before
        .get(line_start..)
        .map(|s| s.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    storage: RawStorage,
    #[serde(default)]
    fetch: RawFetch,
    #[serde(default)]
    clean: CleanRules,
    #[serde(default)]
    dedup: RawDedup,
    #[serde(default)]
    serve: RawServe,
    #[serde(default, rename = "feed")]
    feeds: Vec<RawFeed>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStorage {
    database: Option<Spanned<String>>,
    keep: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFetch {
    timeout: Option<Spanned<String>>,
    connect_timeout: Option<Spanned<String>>,
    user_agent: Option<String>,
    max_body: Option<Spanned<String>>,
    concurrency: Option<Spanned<i64>>,
    per_host: Option<Spanned<i64>>,
    default_interval: Option<Spanned<String>>,
    max_backoff: Option<Spanned<String>>,
    max_redirects: Option<Spanned<i64>>,
    full_text: Option<Spanned<String>>,
    pages_per_run: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDedup {
    max_distance: Option<Spanned<i64>>,
    window: Option<Spanned<String>>,
    min_words: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawServe {
    listen: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    url: Spanned<String>,
    name: Option<String>,
    interval: Option<Spanned<String>>,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    clean: CleanRules,
    full_text: Option<Spanned<String>>,
}

fn yes() -> bool {
    true
}

struct Validator<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn problem(&mut self, span: Range<usize>, message: String) {
        let (line, col) = line_col(self.text, span.start);
        self.problems.push(Problem { line, col, message });
    }

    fn duration(
        &mut self,
        value: Option<Spanned<String>>,
        key: &str,
        default: Duration,
    ) -> Duration {
        let Some(value) = value else { return default };
        match parse_duration(value.get_ref()) {
            Ok(d) if d.is_zero() => {
                self.problem(value.span(), format!("{key} must be longer than zero"));
                default
            }
            Ok(d) => d,
            Err(message) => {
                self.problem(value.span(), format!("{key}: {message}"));
                default
            }
        }
    }

    fn count(
        &mut self,
        value: Option<Spanned<i64>>,
        key: &str,
        range: Range<i64>,
        default: usize,
    ) -> usize {
        let Some(value) = value else { return default };
        let n = *value.get_ref();
        if range.contains(&n) {
            n as usize
        } else {
            self.problem(
                value.span(),
                format!(
                    "{key} must be between {} and {}, not {n}",
                    range.start,
                    range.end - 1
                ),
            );
            default
        }
    }

    fn full_text(&mut self, value: Option<Spanned<String>>) -> Option<FullText> {
        let value = value?;
        let mode = FullText::parse(value.get_ref());
        if mode.is_none() {
            self.problem(
                value.span(),
                format!(
                    "full_text must be {}, not {:?}",
                    FullText::VALUES,
                    value.get_ref()
                ),
            );
        }
        mode
    }

    fn build(&mut self, raw: RawConfig, path: &Path, base_dir: &Path) -> Config {
        let defaults = FetchConfig::default();
        let f = raw.fetch;
        let fetch = FetchConfig {
            timeout: self.duration(f.timeout, "timeout", defaults.timeout),
            connect_timeout: self.duration(
                f.connect_timeout,
                "connect_timeout",
                defaults.connect_timeout,
            ),
            user_agent: f.user_agent.unwrap_or(defaults.user_agent),
            max_body: match f.max_body {
                None => defaults.max_body,
                Some(v) => match parse_size(v.get_ref()) {
                    Ok(n) if n > 0 => n,
                    Ok(_) => {
                        self.problem(v.span(), "max_body must be larger than zero".into());
                        defaults.max_body
                    }
                    Err(m) => {
                        self.problem(v.span(), format!("max_body: {m}"));
                        defaults.max_body
                    }
                },
            },
            concurrency: self.count(
                f.concurrency,
                "concurrency",
                1..10_001,
                defaults.concurrency,
            ),
            per_host: self.count(f.per_host, "per_host", 1..1001, defaults.per_host),
            default_interval: self.duration(
                f.default_interval,
                "default_interval",
                defaults.default_interval,
            ),
            max_backoff: self.duration(f.max_backoff, "max_backoff", defaults.max_backoff),
            max_redirects: self.count(
                f.max_redirects,
                "max_redirects",
                0..101,
                defaults.max_redirects,
            ),
            full_text: self.full_text(f.full_text).unwrap_or(defaults.full_text),
            pages_per_run: self.count(
                f.pages_per_run,
                "pages_per_run",
                0..10_001,
                defaults.pages_per_run,
            ),
        };

        let database = match raw.storage.database {
            Some(db) if db.get_ref().trim().is_empty() => {
                self.problem(db.span(), "database must name a file".into());
                base_dir.join("feedsieve.db")
            }
            Some(db) => base_dir.join(db.into_inner()),
            None => base_dir.join("feedsieve.db"),
        };
        let keep = raw
            .storage
            .keep
            .map(|k| self.duration(Some(k), "keep", Duration::ZERO))
            .filter(|d| !d.is_zero());

        let dd = DedupConfig::default();
        let dedup = DedupConfig {
            max_distance: self.count(
                raw.dedup.max_distance,
                "max_distance",
                0..65,
                dd.max_distance as usize,
            ) as u32,
            window: self.duration(raw.dedup.window, "window", dd.window),
            min_words: self.count(raw.dedup.min_words, "min_words", 0..100_001, dd.min_words),
        };

        let serve = ServeConfig {
            listen: raw
                .serve
                .listen
                .and_then(|l| match l.get_ref().trim().parse() {
                    Ok(addr) => Some(addr),
                    Err(_) => {
                        self.problem(
                            l.span(),
                            format!(
                                "listen: {:?} is not an address and port, e.g. \"127.0.0.1:8080\"",
                                l.get_ref()
                            ),
                        );
                        None
                    }
                }),
        };

        for (rules, span) in std::iter::once((&raw.clean, None))
            .chain(raw.feeds.iter().map(|f| (&f.clean, Some(f.url.span()))))
        {
            for pattern in rules.remove.iter().chain(&rules.keep) {
                if let Err(e) = regex::Regex::new(pattern) {
                    let at = span.clone().unwrap_or(0..0);
                    self.problem(at, format!("invalid clean pattern {pattern:?}: {e}"));
                }
            }
            for selector in &rules.remove_selectors {
                if let Err(e) = scraper::Selector::parse(selector) {
                    let at = span.clone().unwrap_or(0..0);
                    self.problem(at, format!("invalid CSS selector {selector:?}: {e}"));
                }
            }
        }

        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut feeds = Vec::with_capacity(raw.feeds.len());
        for feed in raw.feeds {
            let span = feed.url.span();
            let url = match resolve_feed_url(feed.url.get_ref(), base_dir) {
                Ok(url) => url,
                Err(message) => {
                    self.problem(span, message);
                    continue;
                }
            };
            let (line, _) = line_col(self.text, span.start);
            if let Some(first) = seen.insert(url.to_string(), line) {
                self.problem(
                    span,
                    format!("duplicate feed {url}: it is already listed on line {first}"),
                );
                continue;
            }
            let full_text = self.full_text(feed.full_text);
            let interval = feed
                .interval
                .map(|i| self.duration(Some(i), "interval", fetch.default_interval));
            feeds.push(FeedConfig {
                url,
                name: feed.name.filter(|n| !n.trim().is_empty()),
                interval,
                enabled: feed.enabled,
                clean: feed.clean,
                full_text,
            });
        }

        Config {
            path: path.to_path_buf(),
            storage: StorageConfig { database, keep },
            fetch,
            clean: raw.clean,
            dedup,
            serve,
            feeds,
        }
    }
}

/// Turns a feed URL from the config into an absolute URL. `file://` URLs whose
/// path does not start with `/` are relative to the config file's folder.
pub fn resolve_feed_url(text: &str, base_dir: &Path) -> Result<Url, String> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("file://") {
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
    let url = Url::parse(text).map_err(|e| {
        format!("invalid feed URL {text:?}: {e}; write a full http://, https:// or file:// URL")
    })?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => Ok(url),
        "http" | "https" => Err(format!("feed URL {text:?} has no host")),
        other => Err(format!(
            "unsupported scheme {other:?} in feed URL {text:?}; use http, https or file"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match parse(text, Path::new("/etc/f.toml")) {
            Ok(_) => Vec::new(),
            Err(ConfigError::Invalid { problems, .. }) => problems
                .into_iter()
                .map(|p| format!("{}:{}: {}", p.line, p.col, p.message))
                .collect(),
            Err(e) => vec![e.to_string()],
        }
    }

    #[test]
    fn full_config_loads_with_defaults_filled() {
        let c = parse(
            r#"
[storage]
database = "db/feeds.db"
[fetch]
timeout = "5s"
max_body = "1MiB"
concurrency = 4
[[feed]]
url = "https://example.org/feed.xml"
name = "Example"
interval = "15m"
[[feed]]
url = "file://samples/a.xml"
enabled = false
[feed.clean]
remove = ["^Sponsored by"]
"#,
            Path::new("/etc/feedsieve/feedsieve.toml"),
        )
        .unwrap();
        assert_eq!(
            c.storage.database,
            PathBuf::from("/etc/feedsieve/db/feeds.db")
        );
        assert_eq!(c.fetch.timeout, Duration::from_secs(5));
        assert_eq!(c.fetch.max_body, 1 << 20);
        assert_eq!(c.fetch.per_host, 2);
        assert_eq!(c.feeds.len(), 2);
        assert_eq!(c.interval_of(&c.feeds[0]), Duration::from_secs(900));
        assert_eq!(c.interval_of(&c.feeds[1]), Duration::from_secs(1800));
        assert_eq!(
            c.feeds[1].url.as_str(),
            "file:///etc/feedsieve/samples/a.xml"
        );
        assert_eq!(c.feeds[1].clean.remove, vec!["^Sponsored by".to_string()]);
        assert_eq!(c.enabled_feeds().count(), 1);
    }

    #[test]
    fn serve_listen_is_off_by_default_and_validated() {
        let path = Path::new("/etc/f.toml");
        assert_eq!(parse("", path).unwrap().serve.listen, None);
        let c = parse("[serve]\nlisten = \"127.0.0.1:8080\"\n", path).unwrap();
        assert_eq!(c.serve.listen, Some("127.0.0.1:8080".parse().unwrap()));
        let p = problems("[serve]\nlisten = \"localhost\"\n");
        assert!(p.len() == 1 && p[0].starts_with("2:10: listen"), "{p:?}");
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let p = problems("[fetch]\ntimeout = \"5s\"\n  colour = \"red\"\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("3:3:"), "{p:?}");
        assert!(p[0].contains("colour"), "{p:?}");
    }

    #[test]
    fn syntax_error_names_its_line() {
        let p = problems("[[feed]]\nurl = \"https://a.example/x\"\nname = \"unterminated\n");
        assert!(p[0].starts_with("3:"), "{p:?}");
    }

    #[test]
    fn every_validation_problem_is_reported_with_position() {
        let p = problems(
            "[fetch]\ntimeout = \"5 parsecs\"\nconcurrency = 0\n\n[[feed]]\nurl = \"ftp://x.example/f\"\n\n[[feed]]\nurl = \"https://a.example/f\"\ninterval = \"10\"\n[[feed]]\nurl = \"https://a.example/f\"\n",
        );
        assert_eq!(p.len(), 5, "{p:?}");
        assert!(p[0].starts_with("2:11: timeout"), "{p:?}");
        assert!(p[1].starts_with("3:15: concurrency"), "{p:?}");
        assert!(p[2].starts_with("6:7: unsupported scheme"), "{p:?}");
        assert!(
            p[3].starts_with("10:12: interval") && p[3].contains("lacks a unit"),
            "{p:?}"
        );
        assert!(
            p[4].starts_with("12:7: duplicate feed") && p[4].contains("line 9"),
            "{p:?}"
        );
    }

    #[test]
    fn wrong_type_and_bad_rules_are_reported() {
        let p = problems("[fetch]\nconcurrency = \"many\"\n");
        assert!(p[0].starts_with("2:15:"), "{p:?}");
        let p = problems("[clean]\nremove = [\"(unclosed\"]\nremove_selectors = [\"div[\"]\n");
        assert_eq!(p.len(), 2, "{p:?}");
    }

    #[test]
    fn full_text_is_auto_by_default_per_feed_or_global_and_validated() {
        let path = Path::new("/etc/f.toml");
        let c = parse(
            "[fetch]\nfull_text = \"never\"\n[[feed]]\nurl = \"https://a.example/f\"\n[[feed]]\nurl = \"https://b.example/f\"\nfull_text = \"always\"\n",
            path,
        )
        .unwrap();
        assert_eq!(c.full_text_of(&c.feeds[0]), FullText::Never);
        assert_eq!(c.full_text_of(&c.feeds[1]), FullText::Always);
        assert_eq!(parse("", path).unwrap().fetch.full_text, FullText::Auto);
        let p = problems(
            "[fetch]\nfull_text = \"sometimes\"\n[[feed]]\nurl = \"https://a.example/f\"\n  full_text = \"Auto\"\n",
        );
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p[0].starts_with(
                "2:13: full_text must be \"auto\", \"always\" or \"never\", not \"sometimes\""
            ),
            "{p:?}"
        );
        assert!(p[1].starts_with("5:15: full_text"), "{p:?}");
    }

    #[test]
    fn error_display_is_file_line_col() {
        let e = parse("bogus = 1\n", Path::new("conf/f.toml")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("conf/f.toml:1:1: unknown field `bogus`"),
            "{e}"
        );
    }
}
