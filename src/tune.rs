//! Tuning the cleaner: `preview` shows what the cleaner keeps and removes
//! from a feed, and why, without writing anything; `reclean` re-runs the
//! cleaner over the stored raw HTML after its rules improve.
//!
//! `preview` never writes to the database (it opens it read-only, and only to
//! borrow the feed's learned template). `reclean` never fetches.

use std::path::Path;

use serde::Serialize;
use url::Url;

use crate::clean::{CleanError, Cleaner, CompiledRules, FeedTemplate, RemovedBlock};
use crate::config::Config;
use crate::dedup::{DedupError, Deduper};
use crate::fetch::{ClientError, FetchError, Fetcher, Validators};
use crate::parse::ParseError;
use crate::store::{Store, StoreError};

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
}

impl From<sqlx::Error> for TuneError {
    fn from(e: sqlx::Error) -> Self {
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
}

/// The result of a preview: where the template came from, and each entry.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub url: String,
    /// "stored": the feed's template learned by the daemon; "this fetch":
    /// learned from the previewed entries alone.
    pub template: &'static str,
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
/// own, if it is listed), writing nothing.
pub async fn preview(config: &Config, url: &Url) -> Result<Preview, TuneError> {
    let cleaner = Cleaner::new(&config.clean)?;
    let listed = config.feeds.iter().find(|f| &f.url == url);
    let rules = match listed {
        Some(feed) => CompiledRules::for_feed(&feed.clean)?,
        None => None,
    };
    let stored = stored_template(&config.storage.database, url).await;

    let fetcher = Fetcher::new(&config.fetch)?;
    let response = fetcher
        .fetch(url, &Validators::default())
        .await
        .map_err(|source| TuneError::Fetch {
            url: url.to_string(),
            source,
        })?;
    let body = response.body.unwrap_or_default();
    let feed = crate::parse::parse(&body, response.content_type.as_deref(), Some(url.as_str()))
        .map_err(|source| TuneError::Parse {
            url: url.to_string(),
            source,
        })?;

    let htmls: Vec<&str> = feed
        .entries
        .iter()
        .map(|e| e.content_html.as_str())
        .collect();
    let (template, cleaned) = match stored {
        Some(template) => {
            let cleaned = htmls
                .iter()
                .map(|h| cleaner.clean(h, rules.as_ref(), Some(&template)))
                .collect();
            ("stored", cleaned)
        }
        None => {
            let mut fresh = FeedTemplate::default();
            (
                "this fetch",
                cleaner.clean_batch(&htmls, rules.as_ref(), &mut fresh),
            )
        }
    };
    let entries = feed
        .entries
        .iter()
        .zip(cleaned)
        .map(|(e, c)| PreviewEntry {
            guid: e.guid.clone(),
            title: e.title.clone(),
            url: e.url.clone(),
            raw_chars: e.content_html.chars().count(),
            text: c.text,
            removed: c.removed,
        })
        .collect();
    Ok(Preview {
        url: url.to_string(),
        template,
        entries,
    })
}

/// The feed's learned template, read from the database read-only, if both exist.
async fn stored_template(database: &Path, url: &Url) -> Option<FeedTemplate> {
    if !database.is_file() {
        return None;
    }
    let conn = rusqlite::Connection::open_with_flags(
        database,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    let template = crate::store::run_blocking(|| {
        use rusqlite::OptionalExtension;
        let feed_id: i64 = conn
            .query_row(
                "SELECT id FROM feeds WHERE url = ?1 OR fetch_url = ?1",
                [url.as_str()],
                |row| row.get(0),
            )
            .optional()
            .ok()??;
        crate::store::load_template(&conn, feed_id).ok()
    })?;
    (template.entries_seen > 0).then_some(template)
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
    let deduper = Deduper::load(&store.pool, &config.dedup).await?;
    let feeds: Vec<(i64, String)> = sqlx::query_as("SELECT id, url FROM feeds ORDER BY id")
        .fetch_all(&store.pool)
        .await?;
    let mut report = RecleanReport::default();
    for (feed_id, url) in feeds {
        let rules = match config.feeds.iter().find(|f| f.url.as_str() == url) {
            Some(feed) => CompiledRules::for_feed(&feed.clean)?,
            None => None,
        };
        let template = store.read(|conn| Ok(crate::store::load_template(conn, feed_id)?))?;
        let mut after = 0i64;
        loop {
            let rows: Vec<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT id, COALESCE(content_raw, ''), content_html, content_text FROM entries
                 WHERE feed_id = ? AND id > ? ORDER BY id LIMIT ?",
            )
            .bind(feed_id)
            .bind(after)
            .bind(PAGE)
            .fetch_all(&store.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.0;
            report.entries += rows.len() as u64;
            let updates: Vec<(i64, String, String)> = rows
                .into_iter()
                .filter_map(|(id, raw, html, text)| {
                    let cleaned = cleaner.clean(&raw, rules.as_ref(), Some(&template));
                    let same = html.as_deref() == Some(cleaned.html.as_str())
                        && text.as_deref() == Some(cleaned.text.as_str());
                    (!same).then_some((id, cleaned.html, cleaned.text))
                })
                .collect();
            if updates.is_empty() {
                continue;
            }
            let ids: Vec<i64> = updates.iter().map(|(id, _, _)| *id).collect();
            store
                .write(|tx| {
                    let mut update = tx.prepare_cached(
                        "UPDATE entries SET content_html = ?, content_text = ? WHERE id = ?",
                    )?;
                    for (id, html, text) in &updates {
                        update.execute(rusqlite::params![html, text, id])?;
                    }
                    deduper
                        .assign(tx, &ids)
                        .map_err(|e| StoreError::Dedup(e.to_string()))
                })
                .await?;
            report.changed += ids.len() as u64;
        }
    }
    crate::search::catch_up(&store.pool).await?;
    Ok(report)
}
