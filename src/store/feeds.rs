//! The feed rows: the feed list kept in step with the config, each fetch's
//! record (validators, errors, next due time, what the filters dropped),
//! and the reads of a feed's state and of the `feeds` overview.

use std::path::Path;

use super::postgres::feeds as pg;
use super::{Db, Store, StoreError, load_template, now, sqlite_or};

/// A feed's stored state, as the scheduler and fetcher need it.
#[derive(Debug, Clone)]
pub struct FeedState {
    pub id: i64,
    pub url: String,
    pub fetch_url: Option<String>,
    pub name: Option<String>,
    pub title: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub consecutive_failures: i64,
    pub next_fetch_at: Option<String>,
    pub min_interval_secs: Option<i64>,
    /// What its recent entries showed: `fulltext::ContentKind` as text.
    pub content_kind: Option<String>,
    /// Its settings as the feed list applied to a shared database gave them
    /// (`Config::settings_of`); `None` on a database one daemon owns, whose
    /// file alone lists its feeds.
    pub settings: Option<String>,
}

/// The columns of [`FeedState`], for every query that reads one.
const FEED_STATE_COLUMNS: &str = "id, url, fetch_url, name, title, etag, last_modified, \
     consecutive_failures, next_fetch_at, min_interval_secs, content_kind";

/// The outcome of one fetch attempt, for the feed's row.
#[derive(Debug, Clone, Default)]
pub struct FetchRecord {
    pub fetched_at: String,
    pub status: Option<u16>,
    /// `None` on success.
    pub error: Option<String>,
    pub duration_ms: i64,
    /// New validators (only set on success).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// A permanent redirect's target, remembered for later fetches (only
    /// when the fetch succeeded: a feed "moved" to a parking page has not moved).
    pub moved_to: Option<String>,
    pub next_fetch_at: String,
    pub min_interval_secs: Option<i64>,
    /// The feed's own title and home page, when the fetch parsed.
    pub title: Option<String>,
    pub site_url: Option<String>,
    /// What the entry filters dropped (and let in again) in this fetch.
    pub filtered: FilterOutcome,
    /// What this fetch's entries taught about the feed (`Some` when it
    /// brought new or changed entries): `fulltext::ContentKind` as text.
    pub content_kind: Option<Option<&'static str>>,
}

impl Store {
    /// Makes the feeds table match the feed list: adds new feeds, updates
    /// names, marks feeds no longer listed (or disabled) as disabled. Rows are
    /// never deleted here: a feed removed by mistake keeps its history.
    pub async fn sync_feeds(
        &self,
        feeds: &[crate::config::FeedConfig],
    ) -> Result<Vec<FeedState>, StoreError> {
        let added_at = now();
        if let Some(pool) = self.pg() {
            return pool.write(|lent| Ok(pg::sync(lent, feeds, None, &added_at)?));
        }
        self.write(|tx| -> Result<_, StoreError> {
            tx.execute("UPDATE feeds SET enabled = 0", [])?;
            let mut upsert = tx.prepare(
                "INSERT INTO feeds (url, name, enabled, added_at, category) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT(url) DO UPDATE SET name = excluded.name, enabled = excluded.enabled,
                                                category = excluded.category",
            )?;
            for feed in feeds {
                upsert.execute(rusqlite::params![
                    feed.url.as_str(),
                    feed.name.as_deref(),
                    feed.enabled,
                    &added_at,
                    feed.category.as_deref(),
                ])?;
            }
            drop(upsert);
            let query = format!("SELECT {FEED_STATE_COLUMNS} FROM feeds WHERE enabled = 1");
            let mut select = tx.prepare(&query)?;
            let states = select
                .query_map([], FeedState::from_row)?
                .collect::<Result<_, _>>()?;
            Ok(states)
        })
        .await
    }

    /// Makes the feeds table match the feed list of a file whose version is
    /// `stamp` (`Config::version`), by the rule for a database daemons share:
    /// only when that version was never applied to it (an edit wins, the
    /// last edit wins; a daemon restarted with an older file follows the
    /// database). There each feed keeps `settings[i]`, the settings of
    /// `feeds[i]` as the caller gives them ([`FeedState::settings`]). A
    /// database one daemon owns (SQLite) always applies the list, as
    /// [`Store::sync_feeds`], and keeps no settings. Returns whether the
    /// list was applied and the enabled feeds.
    pub async fn apply_feed_list(
        &self,
        feeds: &[crate::config::FeedConfig],
        settings: &[String],
        stamp: &str,
    ) -> Result<(bool, Vec<FeedState>), StoreError> {
        let Some(pool) = self.pg() else {
            return Ok((true, self.sync_feeds(feeds).await?));
        };
        let (added_at, by) = (now(), super::claims::daemon_name());
        Ok(pool.write(|lent| pg::apply_list(lent, feeds, settings, stamp, &by, &added_at))?)
    }

    /// Runs `work`, a fetch's write that touches only its own feed's rows
    /// (its record, its filters' records, its template, the end of its
    /// claim: rows that the claim keeps every other writer from), in one
    /// transaction. On PostgreSQL that transaction takes neither the
    /// database's write lock nor this process's writer: a fetch that brought
    /// no new or changed entry never waits for other feeds' writes, nor
    /// they for it. On SQLite it is [`Store::write_feed`]'s, the one writer.
    /// Returns how long it waited for the writer.
    pub async fn write_feed_own<R: Send, E: From<rusqlite::Error> + From<StoreError> + Send>(
        &self,
        work: impl FnOnce(Db<'_>) -> Result<R, E> + Send,
    ) -> Result<(R, std::time::Duration), E> {
        if let Some(pool) = self.pg() {
            let result = pool
                .transaction(|lent| work(Db::pg(lent)).map_err(super::LentError::Work))
                .map_err(super::LentError::into_inner)?;
            return Ok((result, std::time::Duration::ZERO));
        }
        self.write_feed(super::wal_pages([]), work).await
    }

    /// The feed overview that `feedsieve feeds` prints.
    pub async fn feed_overview(&self) -> Result<Vec<FeedOverview>, StoreError> {
        if let Some(pg) = self.pg() {
            return Ok(pg.run(super::postgres::reads::feed_overview)?);
        }
        Ok(self.read(|conn| {
            conn.prepare_cached(
                "SELECT f.id, f.url, f.fetch_url, COALESCE(f.name, f.title) AS name, f.enabled,
                    f.last_fetched_at, f.last_status, f.last_error,
                    -- A disabled feed is not due: its last due time is history.
                    CASE WHEN f.enabled THEN f.next_fetch_at END AS next_fetch_at,
                    (SELECT COUNT(*) FROM entries e WHERE e.feed_id = f.id) AS entries,
                    f.category,
                    (SELECT COUNT(*) FROM filtered_entries d WHERE d.feed_id = f.id) AS filtered,
                    (SELECT COUNT(*) FROM entries e
                     WHERE e.feed_id = f.id AND e.text_source = 'page') AS pages_fetched,
                    (SELECT COUNT(*) FROM entries e
                     WHERE e.feed_id = f.id AND e.page_error IS NOT NULL) AS pages_failed
             FROM feeds f ORDER BY f.enabled DESC, f.id",
            )?
            .query_map([], |row| {
                Ok(FeedOverview {
                    id: row.get(0)?,
                    url: row.get(1)?,
                    fetch_url: row.get(2)?,
                    name: row.get(3)?,
                    enabled: row.get(4)?,
                    last_fetched_at: row.get(5)?,
                    last_status: row.get(6)?,
                    last_error: row.get(7)?,
                    next_fetch_at: row.get(8)?,
                    entries: row.get(9)?,
                    category: row.get(10)?,
                    filtered: row.get(11)?,
                    pages_fetched: row.get(12)?,
                    pages_failed: row.get(13)?,
                })
            })?
            .collect::<Result<Vec<_>, rusqlite::Error>>()
        })?)
    }
}

/// A feed's learned template (if it has learned anything) and its stored
/// `content_kind`, found by its URL, read from `database` read-only; nothing
/// when the file, the feed or the rows are missing or unreadable (`preview`
/// then starts from nothing, as for a new feed).
pub fn stored_feed_state(
    database: &Path,
    url: &str,
) -> (Option<crate::clean::FeedTemplate>, Option<String>) {
    use rusqlite::OptionalExtension;
    if !database.is_file() {
        return (None, None);
    }
    let Ok(conn) = super::open::connect_read_only(database) else {
        return (None, None);
    };
    let Ok(Some((feed_id, kind))) = conn
        .query_row(
            "SELECT id, content_kind FROM feeds WHERE url = ?1 OR fetch_url = ?1",
            [url],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Option<String>>(1)?)),
        )
        .optional()
    else {
        return (None, None);
    };
    let template = load_template(Db::new(&conn), feed_id)
        .ok()
        .filter(|t| t.entries_seen > 0);
    (template, kind)
}

/// One row of `feedsieve feeds`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedOverview {
    pub id: i64,
    pub url: String,
    pub fetch_url: Option<String>,
    pub name: Option<String>,
    pub enabled: bool,
    pub last_fetched_at: Option<String>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub next_fetch_at: Option<String>,
    pub entries: i64,
    /// Entries whose text is their page's article.
    pub pages_fetched: i64,
    /// Entries whose page could not be used (`entries.page_error`).
    pub pages_failed: i64,
    /// The feed's `category` from the feed list.
    pub category: Option<String>,
    /// Entries its `[filter]` rules dropped (rows of `filtered_entries`).
    pub filtered: i64,
}

/// An entry a `[filter]` rule dropped, as `filtered_entries` records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilteredEntry {
    pub guid: String,
    pub raw_hash: i64,
    pub title: Option<String>,
    pub url: Option<String>,
    pub reason: String,
}

/// What the filters made of one fetch's new entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterOutcome {
    /// Dropped now (first time, or changed since, or by another rule).
    pub dropped: Vec<FilteredEntry>,
    /// Guids dropped by an earlier fetch that the rules now let in.
    pub admitted: Vec<String>,
}

/// The recorded drop (raw hash, reason) of each of `guids` that the feed
/// has in `filtered_entries`.
pub fn filtered_hashes(
    db: Db<'_>,
    feed_id: i64,
    guids: &[&str],
) -> Result<std::collections::HashMap<String, (i64, String)>, StoreError> {
    use rusqlite::OptionalExtension;
    let conn = sqlite_or!(db, |lent| pg::filtered_hashes(lent, feed_id, guids));
    let mut found = std::collections::HashMap::new();
    let mut select = conn.prepare_cached(
        "SELECT raw_hash, reason FROM filtered_entries WHERE feed_id = ? AND guid = ?",
    )?;
    for &guid in guids {
        if let Some(row) = select
            .query_row(rusqlite::params![feed_id, guid], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })
            .optional()?
        {
            found.insert(guid.to_string(), row);
        }
    }
    Ok(found)
}

/// Records the entries a filter dropped in this fetch (replacing an older
/// record of the same entry) and forgets the records of entries the rules
/// now let in; inside the fetch's transaction.
fn record_filtered(
    tx: &rusqlite::Connection,
    feed_id: i64,
    at: &str,
    outcome: &FilterOutcome,
) -> Result<(), StoreError> {
    if !outcome.dropped.is_empty() {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO filtered_entries (feed_id, guid, raw_hash, title, url, reason, filtered_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(feed_id, guid) DO UPDATE SET raw_hash = excluded.raw_hash,
                title = excluded.title, url = excluded.url, reason = excluded.reason,
                filtered_at = excluded.filtered_at",
        )?;
        for d in &outcome.dropped {
            upsert.execute(rusqlite::params![
                feed_id, d.guid, d.raw_hash, d.title, d.url, d.reason, at
            ])?;
        }
    }
    if !outcome.admitted.is_empty() {
        let mut forget =
            tx.prepare_cached("DELETE FROM filtered_entries WHERE feed_id = ? AND guid = ?")?;
        for guid in &outcome.admitted {
            forget.execute(rusqlite::params![feed_id, guid])?;
        }
    }
    Ok(())
}

/// Records one fetch attempt in the feed's row (validators, status, error
/// and failure count, next due time, the feed's title and kind) and what
/// its filters dropped and let in again; inside the fetch's transaction.
pub fn record_fetch(db: Db<'_>, feed_id: i64, record: &FetchRecord) -> Result<(), StoreError> {
    let tx = sqlite_or!(db, |lent| pg::record_fetch(lent, feed_id, record));
    record_filtered(tx, feed_id, &record.fetched_at, &record.filtered)?;
    let ok = record.error.is_none();
    tx.prepare_cached(
        "UPDATE feeds SET
            last_fetched_at = ?1, last_status = ?2, last_error = ?3, last_duration_ms = ?4,
            last_success_at = CASE WHEN ?5 THEN ?1 ELSE last_success_at END,
            consecutive_failures = CASE WHEN ?5 THEN 0 ELSE consecutive_failures + 1 END,
            etag = CASE WHEN ?5 THEN ?6 ELSE etag END,
            last_modified = CASE WHEN ?5 THEN ?7 ELSE last_modified END,
            fetch_url = CASE WHEN ?5 THEN COALESCE(?8, fetch_url) ELSE fetch_url END,
            next_fetch_at = ?9,
            min_interval_secs = CASE WHEN ?5 THEN ?10 ELSE min_interval_secs END,
            title = COALESCE(?11, title), site_url = COALESCE(?12, site_url),
            content_kind = CASE WHEN ?14 THEN ?15 ELSE content_kind END
         WHERE id = ?13",
    )?
    .execute(rusqlite::params![
        record.fetched_at,
        record.status.map(i64::from),
        record.error,
        record.duration_ms,
        ok,
        record.etag,
        record.last_modified,
        record.moved_to,
        record.next_fetch_at,
        record.min_interval_secs,
        record.title,
        record.site_url,
        feed_id,
        record.content_kind.is_some(),
        record.content_kind.flatten(),
    ])?;
    Ok(())
}

/// One feed's stored state, by id.
pub fn feed_state(db: Db<'_>, feed_id: i64) -> Result<FeedState, StoreError> {
    let conn = sqlite_or!(db, |lent| pg::feed_state(lent, feed_id));
    let query = format!("SELECT {FEED_STATE_COLUMNS} FROM feeds WHERE id = ?");
    Ok(conn
        .prepare_cached(&query)?
        .query_row([feed_id], FeedState::from_row)?)
}

impl FeedState {
    /// A row of [`FEED_STATE_COLUMNS`], in their order.
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<FeedState> {
        Ok(FeedState {
            id: row.get(0)?,
            url: row.get(1)?,
            fetch_url: row.get(2)?,
            name: row.get(3)?,
            title: row.get(4)?,
            etag: row.get(5)?,
            last_modified: row.get(6)?,
            consecutive_failures: row.get(7)?,
            next_fetch_at: row.get(8)?,
            min_interval_secs: row.get(9)?,
            content_kind: row.get(10)?,
            settings: None,
        })
    }
}

/// The stored states of `feed_ids` (those that exist), in no set order.
pub fn feed_states(db: Db<'_>, feed_ids: &[i64]) -> Result<Vec<FeedState>, StoreError> {
    let conn = sqlite_or!(db, |lent| pg::feed_states(lent, feed_ids));
    let query = format!("SELECT {FEED_STATE_COLUMNS} FROM feeds WHERE id = ?");
    let mut select = conn.prepare_cached(&query)?;
    let mut states = Vec::with_capacity(feed_ids.len());
    for id in feed_ids {
        if let Some(state) = select
            .query_map([id], FeedState::from_row)?
            .next()
            .transpose()?
        {
            states.push(state);
        }
    }
    Ok(states)
}

/// Every feed's id and URL, by id.
pub fn feed_urls(db: Db<'_>) -> Result<Vec<(i64, String)>, StoreError> {
    let conn = sqlite_or!(db, |lent| pg::feed_urls(lent));
    let mut select = conn.prepare_cached("SELECT id, url FROM feeds ORDER BY id")?;
    let rows = select.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
