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
use serde::de::IntoDeserializer as _;
use toml::Spanned;
use url::Url;

use crate::filter::{FieldPatterns, FilterRules};
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
    /// `[filter]`: entry filters for every feed.
    pub filter: FilterRules,
    pub feeds: Vec<FeedConfig>,
    /// What is allowed but probably not meant (an interval under a minute),
    /// at its position; [`load_with`] logs them.
    pub warnings: Vec<Problem>,
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
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source: explain_read_error(path, source),
    })?;
    let text = utf8_text(&bytes, path)?;
    parse(text, path)
}

/// The config as text, or where it stops being UTF-8 (a file saved as
/// Latin-1 by an editor, say) as a positioned problem.
fn utf8_text<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a str, ConfigError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        let (line, col) = line_col(valid, valid.len());
        ConfigError::Invalid {
            path: path.to_path_buf(),
            problems: vec![Problem {
                line,
                col,
                message: format!(
                    "the file is not UTF-8 text (byte 0x{:02x} here); save it as UTF-8",
                    bytes.get(e.valid_up_to()).copied().unwrap_or(0)
                ),
            }],
        }
    })
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

/// The regex crate's message is several lines drawing a caret under the
/// pattern; its last line says what is wrong.
fn plain_regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    last.trim().trim_start_matches("error: ").to_string()
}

/// scraper words some selector errors as "Unexpected error occurred.
/// Please report this to the developer" with a debug dump; the dump names
/// what is wrong (`UnsupportedPseudoClassOrElement("hoverr")`), which is
/// said here in words.
fn plain_selector_error(e: &scraper::error::SelectorErrorKind) -> String {
    use scraper::error::SelectorErrorKind as Kind;
    let Kind::UnexpectedSelectorParseError(inner) = e else {
        return e.to_string().to_lowercase();
    };
    let debug = format!("{inner:?}");
    let (variant, detail) = match debug.split_once('(') {
        Some((v, rest)) => (v, rest.trim_end_matches(')')),
        None => (debug.as_str(), ""),
    };
    let mut words = String::new();
    for c in variant.chars() {
        if c.is_uppercase() && !words.is_empty() {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    if detail.is_empty() {
        words
    } else {
        format!("{words} {detail}")
    }
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
    let problem_at = |e: &toml::de::Error| {
        let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        Problem {
            line,
            col,
            message: plain_type_names(e.message().trim()),
        }
    };
    let root = toml::de::DeTable::parse(text).map_err(|e| invalid(vec![problem_at(&e)]))?;
    let raw = match RawConfig::deserialize(root.clone().into_deserializer()) {
        Ok(raw) => raw,
        Err(first) => {
            let mut errors = every_type_error(&root);
            if errors.is_empty() {
                errors.push(first);
            }
            let mut problems: Vec<Problem> = errors.iter().map(problem_at).collect();
            problems.sort_by_key(|p| (p.line, p.col));
            problems.dedup();
            return Err(invalid(problems));
        }
    };
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
        warnings: Vec::new(),
    };
    let mut config = v.build(raw, path, &base_dir);
    if v.problems.is_empty() {
        config.warnings = v.warnings;
        Ok(config)
    } else {
        v.problems.sort_by_key(|p| (p.line, p.col));
        Err(invalid(v.problems))
    }
}

/// Every type error in the document, where serde stops at the first: each
/// key of each section and of each feed is checked alone (with the feed's
/// `url`, which a feed needs), so one run reports them all.
fn every_type_error(root: &Spanned<toml::de::DeTable<'_>>) -> Vec<toml::de::Error> {
    use toml::de::DeValue;
    let mut errors = Vec::new();
    for (key, value) in root.get_ref() {
        let found = match key.get_ref().as_ref() {
            "storage" => each_key::<RawStorage>(value, &[]),
            "fetch" => each_key::<RawFetch>(value, &[]),
            "clean" => each_key::<RawClean>(value, &[]),
            "dedup" => each_key::<RawDedup>(value, &[]),
            "serve" => each_key::<RawServe>(value, &[]),
            "feed" => match value.get_ref() {
                DeValue::Array(feeds) => feeds
                    .iter()
                    .flat_map(|feed| each_key::<RawFeed>(feed, &["url"]))
                    .collect(),
                _ => check_alone::<RawConfig>(root.span(), [(key, value)])
                    .into_iter()
                    .collect(),
            },
            _ => check_alone::<RawConfig>(root.span(), [(key, value)])
                .into_iter()
                .collect(),
        };
        errors.extend(found);
    }
    errors
}

/// The type errors of a table, checking each key alone (with `keep`).
fn each_key<T: serde::de::DeserializeOwned>(
    value: &Spanned<toml::de::DeValue<'_>>,
    keep: &[&str],
) -> Vec<toml::de::Error> {
    let toml::de::DeValue::Table(table) = value.get_ref() else {
        return T::deserialize(toml::de::ValueDeserializer::from(value.clone()))
            .err()
            .into_iter()
            .collect();
    };
    let kept: Vec<_> = table
        .iter()
        .filter(|(k, _)| keep.contains(&k.get_ref().as_ref()))
        .collect();
    // The kept keys alone too: a feed with no url says so.
    let alone = check_alone::<T>(value.span(), kept.iter().copied());
    table
        .iter()
        .filter_map(|entry| check_alone::<T>(value.span(), kept.iter().copied().chain([entry])))
        .chain(alone)
        .collect()
}

/// Deserializes a table of just these entries as `T`; its error, if any.
fn check_alone<'a, 'i: 'a, T: serde::de::DeserializeOwned>(
    span: Range<usize>,
    entries: impl IntoIterator<
        Item = (
            &'a Spanned<toml::de::DeString<'i>>,
            &'a Spanned<toml::de::DeValue<'i>>,
        ),
    >,
) -> Option<toml::de::Error> {
    let mut table = toml::de::DeTable::new();
    for (k, v) in entries {
        table.insert(k.clone(), v.clone());
    }
    let value = Spanned::new(span, toml::de::DeValue::Table(table));
    T::deserialize(toml::de::ValueDeserializer::from(value)).err()
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
    clean: RawClean,
    #[serde(default)]
    dedup: RawDedup,
    #[serde(default)]
    serve: RawServe,
    #[serde(default)]
    filter: RawFilter,
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
    clean: RawClean,
    full_text: Option<Spanned<String>>,
    username: Option<Spanned<String>>,
    password: Option<Spanned<RawSecret>>,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, Spanned<RawSecret>>,
    category: Option<String>,
    #[serde(default)]
    filter: RawFilter,
}

/// A secret as written: the value itself, or `{ env = "NAME" }` to read it
/// from the environment when the config loads.
#[derive(Deserialize)]
#[serde(untagged, expecting = "a string, or { env = \"VARIABLE\" }")]
enum RawSecret {
    Value(String),
    Env { env: String },
}

/// `[clean]` as written, each rule with its position.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawClean {
    #[serde(default)]
    remove: Vec<Spanned<String>>,
    #[serde(default)]
    remove_selectors: Vec<Spanned<String>>,
    #[serde(default)]
    keep: Vec<Spanned<String>>,
}

/// `[filter]` / `[feed.filter]`: regexes kept with their positions.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFilter {
    #[serde(default)]
    drop: RawPatterns,
    #[serde(default)]
    keep: RawPatterns,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPatterns {
    #[serde(default)]
    title: Vec<Spanned<String>>,
    #[serde(default)]
    text: Vec<Spanned<String>>,
    #[serde(default)]
    author: Vec<Spanned<String>>,
    #[serde(default)]
    category: Vec<Spanned<String>>,
}

/// A category as stored and compared: each `/`-separated level trimmed,
/// empty levels dropped; `None` when nothing is left.
pub fn normalize_category(text: &str) -> Option<String> {
    let levels: Vec<&str> = text
        .split('/')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    (!levels.is_empty()).then(|| levels.join("/"))
}

fn yes() -> bool {
    true
}

struct Validator<'a> {
    text: &'a str,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
}

/// Polling more often than this is accepted but warned about: most servers
/// take it as impolite (and some block it).
const POLITE_INTERVAL: Duration = Duration::from_secs(60);

impl Validator<'_> {
    fn problem(&mut self, span: Range<usize>, message: String) {
        let (line, col) = line_col(self.text, span.start);
        self.problems.push(Problem { line, col, message });
    }

    /// A polling interval; under a minute is warned about.
    fn interval(
        &mut self,
        value: Option<Spanned<String>>,
        key: &str,
        default: Duration,
    ) -> Duration {
        let span = value.as_ref().map(Spanned::span);
        let interval = self.duration(value, key, default);
        if let Some(span) = span
            && interval < POLITE_INTERVAL
        {
            let (line, col) = line_col(self.text, span.start);
            self.warnings.push(Problem {
                line,
                col,
                message: format!(
                    "{key} {} is under a minute: most servers take polling that often as \
                     impolite, and some block it",
                    crate::units::format_duration(interval)
                ),
            });
        }
        interval
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

    /// A secret's value, read from the environment when it names a variable.
    fn secret(&mut self, secret: &Spanned<RawSecret>, what: &str) -> Option<String> {
        match secret.get_ref() {
            RawSecret::Value(value) => Some(value.clone()),
            RawSecret::Env { env } => match std::env::var(env) {
                Ok(value) => Some(value),
                Err(_) => {
                    self.problem(
                        secret.span(),
                        format!("{what}: environment variable {env} is not set (or not UTF-8)"),
                    );
                    None
                }
            },
        }
    }

    /// A feed's secret headers: `headers`, and basic auth from `username`
    /// and `password` or from the URL's user info, which is taken out of
    /// the URL so it is never shown or stored.
    fn credentials(&mut self, feed: &mut RawFeed, url: &mut Url) -> Credentials {
        let mut headers = Vec::new();
        let in_url = (!url.username().is_empty()).then(|| {
            (
                percent_decode(url.username()),
                percent_decode(url.password().unwrap_or("")),
            )
        });
        if in_url.is_some() {
            let _ = url.set_username("");
            let _ = url.set_password(None);
        }
        match (&feed.username, &feed.password, in_url) {
            (Some(user), password, None) => {
                let password = match password {
                    Some(p) => self.secret(p, "password"),
                    None => Some(String::new()),
                };
                if let Some(password) = password {
                    headers.push(Credentials::basic(user.get_ref(), &password));
                }
            }
            (None, Some(password), _) => {
                self.problem(password.span(), "password needs a username".into());
            }
            (Some(user), _, Some(_)) => {
                self.problem(
                    user.span(),
                    "the URL has a user name too: give it in one place (username/password)".into(),
                );
            }
            (None, None, Some((user, password))) => {
                headers.push(Credentials::basic(&user, &password));
            }
            (None, None, None) => {}
        }
        for (name, value) in std::mem::take(&mut feed.headers) {
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                self.problem(
                    value.span(),
                    format!("headers: {name:?} is not a header name"),
                );
                continue;
            }
            let Some(secret) = self.secret(&value, &format!("headers.{name}")) else {
                continue;
            };
            if reqwest::header::HeaderValue::from_str(&secret).is_err() {
                self.problem(
                    value.span(),
                    format!("headers.{name}: the value cannot be sent in a header (a line break?)"),
                );
                continue;
            }
            headers.push((name, secret));
        }
        Credentials { headers }
    }

    /// Checks each rule where it is written; the rules as the cleaner takes them.
    fn clean_rules(&mut self, raw: RawClean) -> CleanRules {
        for pattern in raw.remove.iter().chain(&raw.keep) {
            if let Err(e) = regex::Regex::new(pattern.get_ref()) {
                self.problem(
                    pattern.span(),
                    format!(
                        "invalid clean pattern {:?}: {}",
                        pattern.get_ref(),
                        plain_regex_error(&e)
                    ),
                );
            }
        }
        for selector in &raw.remove_selectors {
            if let Err(e) = scraper::Selector::parse(selector.get_ref()) {
                self.problem(
                    selector.span(),
                    format!(
                        "invalid CSS selector {:?}: {}",
                        selector.get_ref(),
                        plain_selector_error(&e)
                    ),
                );
            }
        }
        let values =
            |rules: Vec<Spanned<String>>| rules.into_iter().map(Spanned::into_inner).collect();
        CleanRules {
            remove: values(raw.remove),
            remove_selectors: values(raw.remove_selectors),
            keep: values(raw.keep),
        }
    }

    /// Validates a `[filter]` table: every regex that does not compile is a
    /// problem at its own position.
    fn filter(&mut self, raw: RawFilter, scope: &str) -> FilterRules {
        let mut patterns = |raw: RawPatterns, kind: &str| -> FieldPatterns {
            let mut check = |list: Vec<Spanned<String>>, field: &str| -> Vec<String> {
                let mut out = Vec::with_capacity(list.len());
                for pattern in list {
                    match regex::Regex::new(pattern.get_ref()) {
                        Ok(_) => out.push(pattern.into_inner()),
                        Err(e) => self.problem(
                            pattern.span(),
                            format!(
                                "{scope}.{kind}.{field}: invalid regex {:?}: {}",
                                pattern.get_ref(),
                                crate::filter::regex_message(&e)
                            ),
                        ),
                    }
                }
                out
            };
            FieldPatterns {
                title: check(raw.title, "title"),
                text: check(raw.text, "text"),
                author: check(raw.author, "author"),
                category: check(raw.category, "category"),
            }
        };
        FilterRules {
            drop: patterns(raw.drop, "drop"),
            keep: patterns(raw.keep, "keep"),
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
            default_interval: self.interval(
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
            Some(db) => base_dir.join(expand_home(Path::new(db.get_ref()))),
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

        let clean = self.clean_rules(raw.clean);
        let filter = self.filter(raw.filter, "filter");
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut feeds = Vec::with_capacity(raw.feeds.len());
        for mut feed in raw.feeds {
            let feed_filter = self.filter(std::mem::take(&mut feed.filter), "feed.filter");
            let span = feed.url.span();
            let mut url = match resolve_feed_url(feed.url.get_ref(), base_dir) {
                Ok(url) => url,
                Err(message) => {
                    self.problem(span, message);
                    continue;
                }
            };
            let credentials = self.credentials(&mut feed, &mut url);
            let (line, _) = line_col(self.text, span.start);
            if let Some(first) = seen.insert(url.to_string(), line) {
                self.problem(
                    span,
                    format!(
                        "duplicate feed {url}: it is already listed on line {first} \
                         (URLs that differ only in the case of scheme or host, or in a #fragment, are one feed)"
                    ),
                );
                continue;
            }
            let full_text = self.full_text(feed.full_text);
            let interval = feed
                .interval
                .map(|i| self.interval(Some(i), "interval", fetch.default_interval));
            feeds.push(FeedConfig {
                url,
                name: feed.name.filter(|n| !n.trim().is_empty()),
                interval,
                enabled: feed.enabled,
                clean: self.clean_rules(feed.clean),
                credentials,
                category: feed.category.as_deref().and_then(normalize_category),
                filter: feed_filter,
                full_text,
            });
        }

        Config {
            path: path.to_path_buf(),
            storage: StorageConfig { database, keep },
            fetch,
            clean,
            dedup,
            serve,
            filter,
            feeds,
            warnings: Vec::new(),
        }
    }
}

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
    fn bad_rules_are_reported_at_their_value_in_plain_words() {
        let p = problems(
            "[clean]\nremove = [\"ok\", \"(unclosed\"]\n\n[[feed]]\nurl = \"https://a.example/f\"\n[feed.clean]\nremove_selectors = [\"p\", \"div:hoverr\"]\n",
        );
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(
            p[0],
            "2:17: invalid clean pattern \"(unclosed\": unclosed group"
        );
        assert!(
            p[1].starts_with("7:26: invalid CSS selector \"div:hoverr\": "),
            "{p:?}"
        );
        assert!(
            !p[1].contains("report this") && p[1].contains("hoverr\": unsupported pseudo"),
            "{p:?}"
        );
    }

    #[test]
    fn filters_and_categories_load_and_bad_regexes_are_placed() {
        let c = parse(
            "[filter.drop]\ntitle = [\"(?i)^sponsored\"]\n\n[[feed]]\nurl = \"https://a.example/f\"\ncategory = \" News / World /\"\n[feed.filter.keep]\ncategory = [\"rust\"]\n",
            Path::new("/etc/f.toml"),
        )
        .unwrap();
        assert_eq!(c.filter.drop.title, vec!["(?i)^sponsored".to_string()]);
        assert_eq!(c.feeds[0].category.as_deref(), Some("News/World"));
        assert_eq!(c.feeds[0].filter.keep.category, vec!["rust".to_string()]);
        let p = problems(
            "[filter.keep]\nauthor = [\"ok\", \"(bad\"]\n[[feed]]\nurl = \"https://a.example/f\"\nfilter = { drop = { text = [\"[z-a]\"] } }\n",
        );
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(
            p[0],
            "2:17: filter.keep.author: invalid regex \"(bad\": unclosed group"
        );
        assert!(
            p[1].starts_with("5:29: feed.filter.drop.text: invalid regex"),
            "{p:?}"
        );
        let p = problems("[filter.drop]\nsubject = [\"x\"]\n");
        assert!(
            p[0].starts_with("2:1:") && p[0].contains("subject"),
            "{p:?}"
        );
    }

    #[test]
    fn every_type_error_is_reported_at_once() {
        let p = problems(
            "[fetch]\nconcurrency = \"many\"\ntimeout = 5\n\n[[feed]]\nurl = \"https://a.example/f\"\nenabled = \"yes\"\n[[feed]]\nname = \"no url\"\n",
        );
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(
            p[0].starts_with("2:15: invalid type: string \"many\", expected a whole number"),
            "{p:?}"
        );
        assert!(p[1].starts_with("3:11:"), "{p:?}");
        assert!(
            p[2].starts_with("7:11:") && p[2].contains("true or false"),
            "{p:?}"
        );
        assert!(p[3].starts_with("8:1: missing field `url`"), "{p:?}");
    }

    #[test]
    fn a_config_that_is_not_utf8_gets_a_position() {
        let dir = std::env::temp_dir().join(format!("feedsieve-utf8-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.toml");
        std::fs::write(&path, b"[fetch]\nuser_agent = \"caf\xe9\"\n").unwrap();
        let e = load(&path).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            e.ends_with(
                "f.toml:2:18: the file is not UTF-8 text (byte 0xe9 here); save it as UTF-8"
            ),
            "{e}"
        );
    }

    #[test]
    fn one_feed_written_two_ways_is_one_feed() {
        let base = Path::new("/etc/feedsieve");
        let a = resolve_feed_url("HTTP://News.Example/a.xml#top", base).unwrap();
        assert_eq!(a.as_str(), "http://news.example/a.xml");
        let f = resolve_feed_url("FILE:///srv/feeds/a.xml#x", base).unwrap();
        assert_eq!(f.as_str(), "file:///srv/feeds/a.xml");
        let p = problems(
            "[[feed]]\nurl = \"http://news.example/a.xml\"\n[[feed]]\nurl = \"HTTP://NEWS.example/a.xml#latest\"\n",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with(
                "4:7: duplicate feed http://news.example/a.xml: it is already listed on line 2"
            ),
            "{p:?}"
        );
    }

    #[test]
    fn an_interval_under_a_minute_is_accepted_with_a_warning() {
        let c = parse(
            "[fetch]\ndefault_interval = \"5m\"\n[[feed]]\nurl = \"https://a.example/f\"\ninterval = \"10s\"\n",
            Path::new("/etc/f.toml"),
        )
        .unwrap();
        assert_eq!(c.feeds[0].interval, Some(Duration::from_secs(10)));
        assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
        assert_eq!((c.warnings[0].line, c.warnings[0].col), (5, 12));
        assert!(
            c.warnings[0]
                .message
                .starts_with("interval 10s is under a minute")
        );
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
