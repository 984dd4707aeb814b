//! Reading the TOML: the file's raw shape (`Raw*`, as serde sees it), every
//! type error at once with its position, and the [`Validator`] that turns
//! the raw tables into [`Config`] or a list of `file:line:col` problems.
//!
//! It never touches the network or the database; the typed settings it
//! fills live in the parent module, which is all the rest of the daemon sees.

use std::collections::HashMap;
use std::ops::Range;

use serde::de::IntoDeserializer as _;
use toml::Spanned;

use super::*;
use crate::filter::FieldPatterns;
use crate::units::{parse_duration, parse_size};

/// The config as text, or where it stops being UTF-8 (a file saved as
/// Latin-1 by an editor, say) as a positioned problem.
pub(super) fn utf8_text<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a str, ConfigError> {
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
pub(super) fn explain_read_error(path: &Path, error: std::io::Error) -> std::io::Error {
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
    lease: Option<Spanned<String>>,
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
            lease: self.duration(f.lease, "lease", defaults.lease),
        };

        let database = match raw.storage.database {
            Some(db) if db.get_ref().trim().is_empty() => {
                self.problem(db.span(), "database must name a file".into());
                base_dir.join("feedsieve.db")
            }
            // A PostgreSQL URL is kept as written (store::postgres::is_url).
            Some(db) if db.get_ref().starts_with("postgres://") => PathBuf::from(db.get_ref()),
            Some(db) if db.get_ref().starts_with("postgresql://") => PathBuf::from(db.get_ref()),
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
            version: None,
        }
    }
}
