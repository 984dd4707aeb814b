//! Tuning the cleaner: `preview` shows what the cleaner keeps and removes
//! from a feed, and why, and whether each entry's page would be fetched,
//! without writing anything; `reclean` re-runs the cleaner over the stored
//! raw HTML (and re-extracts stored pages) after its rules improve;
//! `extract_source` shows what the extractor makes of one page.
//!
//! `preview` never writes to the database (it opens it read-only, and only to
//! borrow the feed's learned template). `reclean` never fetches.
//! `extract_source` reads no config and no database.

use std::path::Path;

use serde::Serialize;
use url::Url;

use crate::clean::{CleanError, Cleaner, CompiledRules, EntryInput, FeedTemplate, RemovedBlock};
use crate::config::Config;
use crate::dedup::{DedupError, Deduper};
use crate::fetch::{ClientError, FetchError, Fetcher, Reach, Validators};
use crate::fulltext::{self, TeaserSigns};
use crate::parse::ParseError;
use crate::store::{self, Store, StoreError, TextRewrite};

#[derive(Debug, thiserror::Error)]
pub enum TuneError {
    #[error("{0:?} is neither a URL nor a readable file")]
    Target(String),
    #[error("cannot fetch {url}: {source}")]
    Fetch { url: String, source: FetchError },
    #[error("{url}: {source}")]
    Parse { url: String, source: ParseError },
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Clean(#[from] CleanError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Dedup(#[from] DedupError),
    #[error(transparent)]
    Discover(#[from] crate::discover::DiscoverError),
    #[error("invalid filter rule: {0}")]
    Filter(#[from] regex::Error),
    #[error("{page}: {message}")]
    Page { page: String, message: String },
    #[error(transparent)]
    Pipeline(#[from] crate::pipeline::PipelineError),
}

impl From<rusqlite::Error> for TuneError {
    fn from(e: rusqlite::Error) -> Self {
        TuneError::Store(e.into())
    }
}

/// What the cleaner made of one entry.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewEntry {
    pub guid: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub raw_chars: usize,
    pub text: String,
    pub removed: Vec<RemovedBlock>,
    /// Why a `[filter]` rule would drop this entry; `None`: it would be kept.
    pub filtered: Option<String>,
    /// Whether the daemon would fetch its page.
    pub fetch_page: bool,
    /// Why (or why not).
    pub page_reason: String,
}

/// The result of a preview: where the template came from, and each entry.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub url: String,
    /// "stored": the feed's template learned by the daemon; "this fetch":
    /// learned from the previewed entries alone.
    pub template: &'static str,
    /// The page the feed was found on, when the target was a web page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovered_from: Option<String>,
    pub entries: Vec<PreviewEntry>,
}

/// Turns a command-line target into a URL: a URL as given, else a file path.
pub fn resolve_target(target: &str) -> Result<Url, TuneError> {
    if let Ok(url) = Url::parse(target)
        && matches!(url.scheme(), "http" | "https" | "file")
    {
        return Ok(url);
    }
    let path =
        std::path::absolute(Path::new(target)).map_err(|_| TuneError::Target(target.into()))?;
    if !path.is_file() {
        return Err(TuneError::Target(target.into()));
    }
    Url::from_file_path(&path).map_err(|()| TuneError::Target(target.into()))
}

/// Fetches, parses and cleans `url` with the config's rules (and the feed's
/// own, if it is listed), writing nothing. A web page is previewed as the
/// one feed it offers (several: an error listing them).
pub async fn preview(config: &Config, url: &Url) -> Result<Preview, TuneError> {
    match preview_feed(config, url).await {
        Err(TuneError::Parse {
            source: ParseError::HtmlPage,
            ..
        }) => {
            let fetcher = Fetcher::new(&config.fetch)?;
            let found = crate::discover::discover_one(&fetcher, url).await?;
            let mut preview = preview_feed(config, &found.url).await?;
            preview.discovered_from = Some(url.to_string());
            Ok(preview)
        }
        other => other,
    }
}

async fn preview_feed(config: &Config, url: &Url) -> Result<Preview, TuneError> {
    let cleaner = Cleaner::new(&config.clean)?;
    let listed = config.feeds.iter().find(|f| &f.url == url);
    let rules = match listed {
        Some(feed) => CompiledRules::for_feed(&feed.clean)?,
        None => None,
    };
    let no_rules = crate::filter::FilterRules::default();
    let filter = crate::filter::EntryFilter::compile(
        &config.filter,
        listed.map_or(&no_rules, |f| &f.filter),
    )?;
    let (stored, known_kind) = stored_state(&config.storage.database, url).await;

    let fetcher = Fetcher::new(&config.fetch)?;
    let credentials = listed.map(|f| f.credentials.clone()).unwrap_or_default();
    let response = fetcher
        .fetch_with(url, &Validators::default(), &credentials)
        .await
        .map_err(|source| TuneError::Fetch {
            url: crate::config::redact_url(url.as_str()),
            source,
        })?;
    let body = response.body.unwrap_or_default();
    let feed = crate::parse::parse(&body, response.content_type.as_deref(), Some(url.as_str()))
        .map_err(|source| TuneError::Parse {
            url: crate::config::redact_url(url.as_str()),
            source,
        })?;

    let inputs: Vec<EntryInput<'_>> = feed
        .entries
        .iter()
        .map(|e| EntryInput {
            html: &e.content_html,
            authors: &e.authors,
        })
        .collect();
    let (template, cleaned) = match stored {
        Some(template) => {
            let cleaned = inputs
                .iter()
                .map(|&e| cleaner.clean_entry(e, rules.as_ref(), Some(&template)))
                .collect();
            ("stored", cleaned)
        }
        None => {
            let mut fresh = FeedTemplate::default();
            (
                "this fetch",
                cleaner.clean_entries(&inputs, rules.as_ref(), &mut fresh),
            )
        }
    };
    let mode = listed.map_or(config.fetch.full_text, |f| config.full_text_of(f));
    let signs: Vec<TeaserSigns> = feed
        .entries
        .iter()
        .zip(&cleaned)
        .map(|(e, c)| TeaserSigns::of(&e.content_html, &c.text))
        .collect();
    let kind = fulltext::learn(known_kind, &signs);
    let entries = feed
        .entries
        .iter()
        .zip(cleaned)
        .zip(signs)
        .map(|((e, c), signs)| {
            let decision = fulltext::decide(mode, kind, signs, e.url.as_deref());
            PreviewEntry {
                guid: e.guid.clone(),
                title: e.title.clone(),
                url: e.url.clone(),
                raw_chars: e.content_html.chars().count(),
                filtered: filter.as_ref().and_then(|f| {
                    match f.decide(&crate::filter::Candidate {
                        title: e.title.as_deref(),
                        text: &c.text,
                        authors: &e.authors,
                        categories: &e.categories,
                    }) {
                        crate::filter::Verdict::Keep => None,
                        crate::filter::Verdict::Drop(reason) => Some(reason),
                    }
                }),
                text: c.text,
                removed: c.removed,
                fetch_page: decision.fetch,
                page_reason: decision.reason.to_string(),
            }
        })
        .collect();
    Ok(Preview {
        url: crate::config::redact_url(url.as_str()),
        template,
        discovered_from: None,
        entries,
    })
}

/// The feed's learned template and content kind, read from the database
/// read-only, if both exist.
async fn stored_state(
    database: &Path,
    url: &Url,
) -> (Option<FeedTemplate>, Option<fulltext::ContentKind>) {
    let (template, kind) =
        crate::store::run_blocking(|| crate::store::stored_feed_state(database, url.as_str()));
    let kind = kind.as_deref().and_then(fulltext::ContentKind::parse);
    (template, kind)
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct RecleanReport {
    pub entries: u64,
    pub changed: u64,
}

/// Entries recleaned per transaction.
const PAGE: i64 = 500;

/// Cleans every stored entry again from `content_raw` with the current rules
/// and each feed's learned template. Entries whose text changed get new
/// fingerprints and may move to another story; the search index follows.
pub async fn reclean(store: &Store, config: &Config) -> Result<RecleanReport, TuneError> {
    let cleaner = Cleaner::new(&config.clean)?;
    let deduper = Deduper::load(store, &config.dedup).await?;
    let feeds = store.read_db(store::feed_urls)?;
    let mut report = RecleanReport::default();
    let total = store.read_db(crate::store::entry_count)?;
    let progress = crate::progress::Progress::new("recleaning entries", total);
    for (feed_id, url) in feeds {
        let rules = match config.feeds.iter().find(|f| f.url.as_str() == url) {
            Some(feed) => CompiledRules::for_feed(&feed.clean)?,
            None => None,
        };
        let template = store.read_db(|db| store::load_template(db, feed_id))?;
        let mut after = 0i64;
        loop {
            let rows = store.read_db(|db| store::stored_texts(db, feed_id, after, PAGE))?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            report.entries += rows.len() as u64;
            progress.add(rows.len() as u64);
            let updates: Vec<TextRewrite> = rows
                .into_iter()
                .filter_map(|row| {
                    crate::pipeline::recleaned(&cleaner, rules.as_ref(), &template, row)
                })
                .collect();
            let ids = updates.len();
            crate::pipeline::write_rewrites(store, &deduper, &updates).await?;
            report.changed += ids as u64;
        }
    }
    progress.finish();
    crate::search::catch_up(store).await?;
    Ok(report)
}

/// What `feedsieve extract` prints for one page.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractedPage {
    /// The file or URL exactly as given.
    pub source: String,
    pub title: Option<String>,
    pub text: String,
    /// Cleaned and sanitised, as feedsieve would store it.
    pub html: String,
}

/// Reads one page (a local file, or a URL fetched with the default fetch
/// settings) and extracts its article, cleaned by the built-in rules alone:
/// no config, no database, nothing written.
pub async fn extract_source(
    fetcher: &Fetcher,
    cleaner: &Cleaner,
    source: &str,
) -> Result<ExtractedPage, TuneError> {
    let url = resolve_target(source)?;
    let response = fetcher
        .fetch_page_or_file(&url, Reach::Any)
        .await
        .map_err(|source| TuneError::Fetch {
            url: url.to_string(),
            source,
        })?;
    let failed = |message: String| TuneError::Page {
        page: source.to_string(),
        message,
    };
    let body = response.body.unwrap_or_default();
    fulltext::is_html(response.content_type.as_deref(), &body).map_err(failed)?;
    let content_type = fulltext::page_content_type(response.content_type.as_deref(), &body);
    let page = crate::parse::decode(&body, content_type.as_deref());
    let base = response.final_url.unwrap_or(url);
    let article = crate::extract::extract(&page, Some(&base))
        .ok_or_else(|| failed("no article found on the page".into()))?;
    let page = EntryInput {
        html: &article.html,
        authors: &article.authors,
    };
    let cleaned = cleaner.clean_entry(page, None, None);
    Ok(ExtractedPage {
        source: source.to_string(),
        title: article.title,
        text: cleaned.text,
        html: cleaned.html,
    })
}
