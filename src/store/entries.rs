//! The entry rows: new entries inserted whole (with the ids, fingerprints
//! and stories the caller decided), changed entries updated, their
//! enclosures, and the page step's rows. It decides nothing about stories.

use super::postgres::entries as pg;
use super::{Conn, Db, StoreError, codec};

/// One new or changed entry, cleaned, ready to write.
#[derive(Debug, Clone)]
pub struct EntryWrite {
    pub guid: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub published_at: Option<String>,
    pub updated_at: Option<String>,
    /// The HTML exactly as received, packed against `content_html`
    /// ([`codec::Packed::against`], off the writer's path).
    pub content_raw: codec::Packed,
    pub content_html: String,
    pub content_text: String,
    pub raw_hash: i64,
    /// Its text is a teaser whose page the page step fetches.
    pub page_wanted: bool,
    /// Authors, categories and enclosures.
    pub extras: EntryExtras,
}

/// What an entry carries besides its text: stored in `entries.authors`,
/// `entries.categories` (JSON arrays) and `entry_enclosures`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryExtras {
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    pub enclosures: Vec<crate::parse::Enclosure>,
}

impl EntryExtras {
    /// A list as its JSON column: NULL when empty.
    fn json(values: &[String]) -> Option<String> {
        if values.is_empty() {
            return None;
        }
        serde_json::to_string(values).ok()
    }

    /// Replaces the entry's enclosure rows with these.
    fn write_enclosures(&self, db: Db<'_>, entry_id: i64) -> Result<(), StoreError> {
        let conn = match db.0 {
            Conn::Sqlite(conn) => conn,
            Conn::Postgres(lent) => {
                return Ok(pg::write_enclosures(lent, entry_id, &self.enclosures)?);
            }
        };
        conn.prepare_cached("DELETE FROM entry_enclosures WHERE entry_id = ?")?
            .execute([entry_id])?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO entry_enclosures (entry_id, position, url, type, length) VALUES (?, ?, ?, ?, ?)",
        )?;
        for (position, e) in self.enclosures.iter().enumerate() {
            insert.execute(rusqlite::params![
                entry_id,
                position as i64,
                e.url,
                e.mime_type,
                e.length.and_then(|n| i64::try_from(n).ok()),
            ])?;
        }
        Ok(())
    }
}

/// An entry whose page is due: never fetched since the entry came or
/// changed, or failed and its wait is over.
#[derive(Debug, Clone)]
pub struct DuePage {
    pub entry_id: i64,
    pub url: String,
    /// The feed's own cleaned text, which the article must beat.
    pub teaser_text: String,
    /// Failed attempts in a row so far.
    pub attempts: u32,
    /// The page as last fetched, for a conditional GET's 304.
    pub stored: Option<StoredPage>,
    /// The entry's writers (`entries.authors`), which the page's cleaning
    /// uses as the entry's did.
    pub authors: Vec<String>,
}

/// A fetched page as kept in `entry_pages`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredPage {
    pub html: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What one page attempt did to its entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageOutcome {
    /// The page's article (cleaned) replaces the teaser.
    Article { html: String, text: String },
    /// The page was read, but its article was not worth more than the
    /// teaser (a paywall, a consent wall): the teaser stays, `note` says why,
    /// and the page is not fetched again unless the entry changes.
    KeptTeaser { note: String },
    /// The fetch failed: the teaser stays and the page is tried again at
    /// `retry_at`.
    Failed { error: String, retry_at: String },
}

/// One page attempt, ready to write.
#[derive(Debug, Clone)]
pub struct PageWrite {
    pub entry_id: i64,
    pub fetched_at: String,
    /// Where its redirects ended.
    pub page_url: Option<String>,
    /// The page to keep for reclean (`None`: keep what is stored).
    pub page: Option<StoredPage>,
    pub outcome: PageOutcome,
}

/// The entries of `feed_id` whose page is due at `now`, the longest
/// waiting first, at most `limit`.
pub fn due_pages(
    db: Db<'_>,
    feed_id: i64,
    now: &str,
    limit: usize,
) -> Result<Vec<DuePage>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let conn = match db.0 {
        Conn::Sqlite(conn) => conn,
        Conn::Postgres(lent) => {
            let rows = pg::due_pages(lent, feed_id, now, limit)?;
            return Ok(rows.into_iter().map(pg::due_page).collect());
        }
    };
    // The limit is written into the statement, not bound: SQLite's planner
    // reads a bound LIMIT, so binding one (or clearing it, as the statement
    // cache does) expires the statement, and it was compiled again for
    // every feed (1% of a cold run's CPU). A feed's limit rarely changes,
    // so the cache holds one statement per limit in use.
    let mut select = conn.prepare_cached(&format!(
        "SELECT e.id, e.url, COALESCE(e.teaser_text, e.content_text, ''), e.page_attempts,
                p.html_zstd, p.html, p.etag, p.last_modified, e.authors
         FROM entries e LEFT JOIN entry_pages p ON p.entry_id = e.id
         WHERE e.feed_id = ?1 AND e.page_due_at IS NOT NULL AND e.page_due_at <= ?2
               AND e.url IS NOT NULL
         ORDER BY e.page_due_at, e.id LIMIT {limit}"
    ))?;
    let mut rows = select.query(rusqlite::params![feed_id, now])?;
    let mut due = Vec::new();
    while let Some(row) = rows.next()? {
        due.push(DuePage {
            entry_id: row.get(0)?,
            url: row.get(1)?,
            teaser_text: row.get(2)?,
            attempts: u32::try_from(row.get::<_, i64>(3)?).unwrap_or(0),
            stored: stored_page(
                row.get(4)?,
                row.get(5)?,
                row.get(6).ok().flatten(),
                row.get(7).ok().flatten(),
            ),
            authors: authors_of(row.get(8)?),
        });
    }
    Ok(due)
}

/// `entries.authors` read back: a JSON array of names, or none.
pub(crate) fn authors_of(json: Option<String>) -> Vec<String> {
    json.and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

/// A kept page as read back from `entry_pages` (packed, or plain as stored
/// before packing); `None` without one. A page that cannot be read back is
/// fetched without validators.
pub(crate) fn stored_page(
    packed: Option<Vec<u8>>,
    plain: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
) -> Option<StoredPage> {
    match (packed, plain) {
        (None, None) => None,
        (packed, plain) => codec::unpack_or(packed.as_deref(), plain)
            .inspect_err(|e| tracing::warn!(error = %e, "stored page unreadable"))
            .ok()
            .map(|html| StoredPage {
                html,
                etag,
                last_modified,
            }),
    }
}

/// About how many pages a fetch's commit adds to the WAL: its entries' text
/// (three copies of each body), spread over data, overflow and index pages,
/// and the feed's row and stories, at least.
pub fn wal_pages<'a>(entries: impl IntoIterator<Item = &'a EntryWrite>) -> i64 {
    let bytes: usize = entries
        .into_iter()
        .map(|e| e.content_raw.len() + e.content_html.len() + e.content_text.len() + 512)
        .sum();
    4 + i64::try_from(bytes / 3000).unwrap_or(i64::MAX)
}

/// `teaser_text` and `page_due_at` of an entry as the feed gives it: a
/// wanted page is due at once.
fn page_columns<'a>(e: &'a EntryWrite, fetched_at: &'a str) -> (Option<&'a str>, Option<&'a str>) {
    if e.page_wanted {
        (Some(e.content_text.as_str()), Some(fetched_at))
    } else {
        (None, None)
    }
}

/// The stored raw hash of each of `guids` that the feed has.
pub fn guid_hashes(
    db: Db<'_>,
    feed_id: i64,
    guids: &[&str],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let conn = match db.0 {
        Conn::Sqlite(conn) => conn,
        Conn::Postgres(lent) => return Ok(pg::guid_hashes(lent, feed_id, guids)?),
    };
    let mut known = std::collections::HashMap::new();
    let mut select =
        conn.prepare_cached("SELECT raw_hash FROM entries WHERE feed_id = ? AND guid = ?")?;
    for &guid in guids {
        use rusqlite::OptionalExtension;
        if let Some(hash) = select
            .query_row(rusqlite::params![feed_id, guid], |row| row.get::<_, i64>(0))
            .optional()?
        {
            known.insert(guid.to_string(), hash);
        }
    }
    Ok(known)
}

/// Gives out the ids of the entries and stories a fetch is about to insert:
/// the first free entry id and story id. INTEGER PRIMARY KEY without
/// AUTOINCREMENT: SQLite itself would give out max + 1, and the write lock
/// is the caller's until commit. (An id set by hand near i64::MAX makes the
/// inserts fail on a duplicate id: the feed's error, not a crash.) The
/// caller inserts new stories' rows before the entries that name them: no
/// `PRAGMA defer_foreign_keys`, which would expire every statement the
/// writer prepared, in every transaction. On PostgreSQL the same ids, under
/// a lock held to commit (`postgres::entries::reserve_ids` says why).
pub fn reserve_ids(db: Db<'_>) -> Result<(i64, i64), StoreError> {
    let conn = match db.0 {
        Conn::Sqlite(conn) => conn,
        Conn::Postgres(lent) => return Ok(pg::reserve_ids(lent)?),
    };
    let (last_entry, last_story): (i64, i64) = conn
        .prepare_cached(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM entries),
                    (SELECT COALESCE(MAX(id), 0) FROM stories)",
        )?
        .query_row([], |row| row.try_into())?;
    Ok((last_entry.saturating_add(1), last_story.saturating_add(1)))
}

/// Where a new entry goes: its id, simhash and story, as the caller decided
/// them (`None`: left NULL).
#[derive(Debug, Clone, Copy, Default)]
pub struct Placed {
    pub id: Option<i64>,
    pub simhash: Option<i64>,
    pub story: Option<i64>,
}

/// Inserts a feed's new entries (the caller checked, inside this write
/// transaction, that their guids are not stored), each row once and
/// complete with its [`Placed`] columns, and their enclosures.
pub fn insert_entries(
    db: Db<'_>,
    feed_id: i64,
    fetched_at: &str,
    fresh: &[(&EntryWrite, Placed)],
) -> Result<(), StoreError> {
    let conn = match db.0 {
        Conn::Sqlite(conn) => conn,
        Conn::Postgres(lent) => {
            for (e, placed) in fresh {
                let id =
                    pg::insert_entry(lent, feed_id, fetched_at, &values(e, fetched_at), *placed)?;
                if let Some(id) = id
                    && !e.extras.enclosures.is_empty()
                {
                    e.extras.write_enclosures(db, id)?;
                }
            }
            return Ok(());
        }
    };
    let mut insert = conn.prepare_cached(
        "INSERT INTO entries (id, feed_id, guid, url, title, author, published_at, updated_at,
                              fetched_at, changed_at, content_raw_delta, content_html, content_text,
                              raw_hash, simhash, story_id, authors, categories,
                              teaser_text, page_due_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?;
    for (e, placed) in fresh {
        let (teaser, due) = page_columns(e, fetched_at);
        insert.execute(rusqlite::params![
            placed.id,
            feed_id,
            e.guid,
            e.url,
            e.title,
            e.author,
            e.published_at,
            e.updated_at,
            fetched_at,
            fetched_at,
            e.content_raw.as_bytes(),
            e.content_html,
            e.content_text,
            e.raw_hash,
            placed.simhash,
            placed.story,
            EntryExtras::json(&e.extras.authors),
            EntryExtras::json(&e.extras.categories),
            teaser,
            due,
        ])?;
        if let Some(id) = placed.id
            && !e.extras.enclosures.is_empty()
        {
            e.extras.write_enclosures(db, id)?;
        }
    }
    Ok(())
}

/// An entry's column values as both engines write them.
fn values<'a>(e: &'a EntryWrite, fetched_at: &'a str) -> pg::EntryValues<'a> {
    let (teaser, due) = page_columns(e, fetched_at);
    pg::EntryValues {
        entry: e,
        authors: EntryExtras::json(&e.extras.authors),
        categories: EntryExtras::json(&e.extras.categories),
        teaser,
        due,
    }
}

/// Writes the new text of a feed's stored entries that changed; returns
/// their ids, in order. A changed entry is the feed's text again until its
/// page is fetched anew (the page may have changed with it).
pub fn update_entries(
    db: Db<'_>,
    feed_id: i64,
    fetched_at: &str,
    updates: &[&EntryWrite],
) -> Result<Vec<i64>, StoreError> {
    let mut changed = Vec::with_capacity(updates.len());
    if updates.is_empty() {
        return Ok(changed);
    }
    let conn = match db.0 {
        Conn::Sqlite(conn) => conn,
        Conn::Postgres(lent) => {
            for e in updates {
                let id = pg::update_entry(lent, feed_id, fetched_at, &values(e, fetched_at))?;
                e.extras.write_enclosures(db, id)?;
                changed.push(id);
            }
            return Ok(changed);
        }
    };
    let mut update = conn.prepare_cached(
        "UPDATE entries SET
            url = ?, title = ?, author = ?, published_at = ?, updated_at = ?,
            changed_at = ?, content_raw = NULL, content_raw_zstd = NULL, content_raw_delta = ?,
            content_html = ?, content_text = ?,
            raw_hash = ?, authors = ?, categories = ?, text_source = 'feed',
            teaser_text = ?, page_error = NULL, page_attempts = 0, page_due_at = ?
         WHERE feed_id = ? AND guid = ?
         RETURNING id",
    )?;
    for e in updates {
        let (teaser, due) = page_columns(e, fetched_at);
        let id: i64 = update.query_row(
            rusqlite::params![
                e.url,
                e.title,
                e.author,
                e.published_at,
                e.updated_at,
                fetched_at,
                e.content_raw.as_bytes(),
                e.content_html,
                e.content_text,
                e.raw_hash,
                EntryExtras::json(&e.extras.authors),
                EntryExtras::json(&e.extras.categories),
                teaser,
                due,
                feed_id,
                e.guid,
            ],
            |row| row.get(0),
        )?;
        e.extras.write_enclosures(db, id)?;
        changed.push(id);
    }
    Ok(changed)
}

/// Writes one page attempt: the entry's text, source and page columns, and
/// the kept page; an entry pruned meanwhile is skipped. Returns whether the
/// entry's text became its page's article (the caller then has its
/// fingerprints redone).
pub fn write_page(db: Db<'_>, feed_id: i64, w: &PageWrite) -> Result<bool, StoreError> {
    // The raw HTML was packed against the content_html an article replaces:
    // packed again against the article's, in the same statement. One that
    // cannot be read back stays as it is, and the trigger of migration 0016
    // keeps what it was packed against.
    let repacked = |html: &str| match raw_of(db, w.entry_id) {
        Ok(raw) => Ok(raw.map(|raw| codec::pack_against(&raw, html))),
        Err(StoreError::Codec(e)) => {
            tracing::warn!(entry = w.entry_id, error = %e, "stored raw HTML unreadable");
            Ok(None)
        }
        Err(e) => Err(e),
    };
    let tx = match db.0 {
        Conn::Sqlite(tx) => tx,
        Conn::Postgres(lent) => {
            let update = match &w.outcome {
                PageOutcome::Article { html, text } => pg::PageUpdate::Article {
                    html,
                    text,
                    raw: repacked(html)?,
                },
                PageOutcome::KeptTeaser { note } => pg::PageUpdate::KeptTeaser { note },
                PageOutcome::Failed { error, retry_at } => {
                    pg::PageUpdate::Failed { error, retry_at }
                }
            };
            let grown = matches!(update, pg::PageUpdate::Article { .. });
            pg::write_page(lent, feed_id, w, update)?;
            return Ok(grown);
        }
    };
    let mut grown = false;
    match &w.outcome {
        PageOutcome::Article { html, text } => {
            let raw = repacked(html)?;
            tx.prepare_cached(
                "UPDATE entries SET content_html = ?1, content_text = ?2, text_source = 'page',
                    page_url = ?3, page_fetched_at = ?4, page_error = NULL,
                    page_attempts = 0, page_due_at = NULL,
                    content_raw_delta = COALESCE(?7, content_raw_delta)
                 WHERE id = ?5 AND feed_id = ?6",
            )?
            .execute(rusqlite::params![
                html,
                text,
                w.page_url,
                w.fetched_at,
                w.entry_id,
                feed_id,
                raw
            ])?;
            grown = true;
        }
        PageOutcome::KeptTeaser { note } => {
            tx.prepare_cached(
                "UPDATE entries SET page_url = ?1, page_fetched_at = ?2, page_error = ?3,
                    page_attempts = 0, page_due_at = NULL
                 WHERE id = ?4 AND feed_id = ?5",
            )?
            .execute(rusqlite::params![
                w.page_url,
                w.fetched_at,
                note,
                w.entry_id,
                feed_id
            ])?;
        }
        PageOutcome::Failed { error, retry_at } => {
            tx.prepare_cached(
                "UPDATE entries SET page_url = COALESCE(?1, page_url), page_fetched_at = ?2,
                    page_error = ?3, page_attempts = page_attempts + 1, page_due_at = ?4
                 WHERE id = ?5 AND feed_id = ?6",
            )?
            .execute(rusqlite::params![
                w.page_url,
                w.fetched_at,
                error,
                retry_at,
                w.entry_id,
                feed_id
            ])?;
        }
    }
    if let Some(page) = &w.page {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO entry_pages (entry_id, html, html_zstd, etag, last_modified)
             SELECT id, '', ?2, ?3, ?4 FROM entries WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            w.entry_id,
            codec::pack(&page.html),
            page.etag,
            page.last_modified
        ])?;
    }
    Ok(grown)
}

/// What [`stored_texts`] reads of an entry, on either engine, before its
/// `WHERE` (the engines' placeholders differ).
macro_rules! stored_texts_select {
    () => {
        "SELECT e.id, e.content_html, e.content_text, e.text_source,
                e.teaser_text IS NOT NULL, COALESCE(e.page_url, e.url),
                e.content_raw_zstd, e.content_raw, p.html_zstd, NULLIF(p.html, ''),
                e.content_raw_delta, b.html, e.authors
         FROM entries e LEFT JOIN entry_pages p ON p.entry_id = e.id
              LEFT JOIN entry_raw_bases b ON b.entry_id = e.id"
    };
}
pub(crate) use stored_texts_select;

/// One stored entry as `reclean` reads it again.
#[derive(Debug, Clone)]
pub struct StoredText {
    pub id: i64,
    /// The raw HTML and the stored page, read back; `None` (logged) when a
    /// stored value cannot be decoded, so the caller leaves the entry alone.
    pub unpacked: Option<(String, Option<String>)>,
    pub html: Option<String>,
    pub text: Option<String>,
    pub text_source: String,
    /// Its page was wanted: `teaser_text` follows the feed's text.
    pub teaser: bool,
    pub page_url: Option<String>,
    /// The entry's writers (`entries.authors`).
    pub authors: Vec<String>,
}

/// The entries of `feed_id` after id `after`, at most `limit`, by id, with
/// their raw text and stored page.
pub fn stored_texts(
    db: Db<'_>,
    feed_id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<StoredText>, StoreError> {
    texts_of(db, feed_id, after, limit, false, &|_, _| true)
}

/// Of the newest `limit` entries of `feed_id`, newest first, those that
/// `wanted` takes by id and authors, as [`stored_texts`] reads them: the
/// others' stored HTML is never unpacked.
pub fn newest_stored_texts(
    db: Db<'_>,
    feed_id: i64,
    limit: i64,
    wanted: &dyn Fn(i64, &[String]) -> bool,
) -> Result<Vec<StoredText>, StoreError> {
    texts_of(db, feed_id, i64::MIN, limit, true, wanted)
}

fn texts_of(
    db: Db<'_>,
    feed_id: i64,
    after: i64,
    limit: i64,
    newest_first: bool,
    wanted: &dyn Fn(i64, &[String]) -> bool,
) -> Result<Vec<StoredText>, StoreError> {
    let read = |mut c: StoredTextColumns| {
        let authors = authors_of(c.authors.take());
        wanted(c.id, &authors).then(|| stored_text(c, authors))
    };
    let conn = match db.0 {
        Conn::Sqlite(conn) => conn,
        Conn::Postgres(lent) => {
            let rows = pg::stored_texts(lent, feed_id, after, limit, newest_first)?;
            return Ok(rows.into_iter().filter_map(read).collect());
        }
    };
    let mut select = conn.prepare_cached(if newest_first {
        concat!(
            stored_texts_select!(),
            " WHERE e.feed_id = ? AND e.id > ? ORDER BY e.id DESC LIMIT ?"
        )
    } else {
        concat!(
            stored_texts_select!(),
            " WHERE e.feed_id = ? AND e.id > ? ORDER BY e.id LIMIT ?"
        )
    })?;
    let rows = select.query_map(rusqlite::params![feed_id, after, limit], |row| {
        Ok(read(StoredTextColumns {
            id: row.get(0)?,
            html: row.get(1)?,
            text: row.get(2)?,
            text_source: row.get(3)?,
            teaser: row.get(4)?,
            page_url: row.get(5)?,
            raw_packed: row.get(6)?,
            raw_plain: row.get(7)?,
            page_packed: row.get(8)?,
            page_plain: row.get(9)?,
            raw_delta: row.get(10)?,
            base: row.get(11)?,
            authors: row.get(12)?,
        }))
    })?;
    Ok(rows
        .filter_map(Result::transpose)
        .collect::<Result<_, _>>()?)
}

/// The columns [`stored_texts`] reads, on either engine.
pub(crate) struct StoredTextColumns {
    pub id: i64,
    pub html: Option<String>,
    pub text: Option<String>,
    pub text_source: String,
    pub teaser: bool,
    pub page_url: Option<String>,
    pub raw_packed: Option<Vec<u8>>,
    pub raw_plain: Option<String>,
    pub page_packed: Option<Vec<u8>>,
    pub page_plain: Option<String>,
    pub raw_delta: Option<Vec<u8>>,
    pub base: Option<String>,
    pub authors: Option<String>,
}

/// A [`StoredText`] from its columns, the raw HTML and page read back.
fn stored_text(c: StoredTextColumns, authors: Vec<String>) -> StoredText {
    let id = c.id;
    let unpacked = (|| {
        let raw = codec::raw_html(
            c.raw_delta.as_deref(),
            &[c.base.as_deref(), c.html.as_deref()],
            c.raw_packed.as_deref(),
            c.raw_plain,
        )?;
        let page = match (c.page_packed, c.page_plain) {
            (None, None) => None,
            (packed, plain) => Some(codec::unpack_or(packed.as_deref(), plain)?),
        };
        Ok::<_, StoreError>((raw, page))
    })()
    .inspect_err(|e| tracing::warn!(entry = id, error = %e, "cannot read a stored text back"))
    .ok();
    StoredText {
        id,
        unpacked,
        html: c.html,
        text: c.text,
        text_source: c.text_source,
        teaser: c.teaser,
        page_url: c.page_url,
        authors,
    }
}

/// An entry's text cleaned again.
#[derive(Debug, Clone)]
pub struct TextRewrite {
    pub id: i64,
    pub html: String,
    pub text: String,
    /// `feed` or `page`.
    pub source: &'static str,
    /// The new teaser, for an entry whose page was wanted.
    pub teaser: Option<String>,
    /// The raw HTML packed against `html` ([`codec::Packed::against`]):
    /// the frame stored before decodes only with the text it replaces.
    pub raw: codec::Packed,
}

/// Writes entries' texts cleaned again; inside the caller's transaction.
pub fn rewrite_texts(db: Db<'_>, rewrites: &[TextRewrite]) -> Result<(), StoreError> {
    let conn = match db.0 {
        Conn::Sqlite(conn) => conn,
        Conn::Postgres(lent) => return Ok(pg::rewrite_texts(lent, rewrites)?),
    };
    let mut update = conn.prepare_cached(
        "UPDATE entries SET content_html = ?1, content_text = ?2, text_source = ?3,
            teaser_text = COALESCE(?4, teaser_text),
            page_error = CASE WHEN ?3 = 'page' THEN NULL ELSE page_error END,
            content_raw_delta = ?6, content_raw_zstd = NULL, content_raw = NULL
         WHERE id = ?5",
    )?;
    for u in rewrites {
        update.execute(rusqlite::params![
            u.html,
            u.text,
            u.source,
            u.teaser,
            u.id,
            u.raw.as_bytes()
        ])?;
    }
    Ok(())
}

/// An entry's raw HTML as received, read back from whichever column holds
/// it; `None` when there is no such entry.
pub fn raw_of(db: Db<'_>, id: i64) -> Result<Option<String>, StoreError> {
    use rusqlite::OptionalExtension;
    let conn = match db.0 {
        Conn::Sqlite(conn) => conn,
        Conn::Postgres(lent) => return raw_from(pg::raw_columns(lent, id)?),
    };
    let columns: Option<pg::RawColumns> = conn
        .prepare_cached(
            "SELECT e.content_raw_delta, b.html, e.content_html, e.content_raw_zstd, e.content_raw
             FROM entries e LEFT JOIN entry_raw_bases b ON b.entry_id = e.id WHERE e.id = ?",
        )?
        .query_row([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    raw_from(columns)
}

/// The raw HTML from the columns that may hold it (see [`raw_of`]).
fn raw_from(columns: Option<pg::RawColumns>) -> Result<Option<String>, StoreError> {
    let Some((delta, base, html, packed, plain)) = columns else {
        return Ok(None);
    };
    codec::raw_html(
        delta.as_deref(),
        &[base.as_deref(), html.as_deref()],
        packed.as_deref(),
        plain,
    )
    .map(Some)
}

/// How many entries are stored (for progress lines).
pub fn entry_count(db: Db<'_>) -> Result<u64, StoreError> {
    let conn = match db.0 {
        Conn::Sqlite(conn) => conn,
        Conn::Postgres(lent) => return Ok(u64::try_from(pg::entry_count(lent)?).unwrap_or(0)),
    };
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM entries", [], |row| row.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}
