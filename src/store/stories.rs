//! The `stories` table's SQL: keeps one story's row in step with its
//! entries (canonical entry, title, url, times) and lists stories for
//! `feedsieve stories` (on PostgreSQL through `postgres/reads.rs`).
//!
//! It never decides which entries belong together; that is the
//! de-duplicator's job (`dedup/`), which calls it to record what it decided.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::postgres::stories as pg;
use super::{Db, StoreError, sqlite_or};

/// One story as `feedsieve stories` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StorySummary {
    pub id: i64,
    pub title: Option<String>,
    pub url: Option<String>,
    pub canonical_entry_id: Option<i64>,
    pub first_seen_at: String,
    pub updated_at: String,
    /// The canonical copy's own published date (else its updated date), as
    /// the feed gave it; `None` when the feed gave neither.
    pub published_at: Option<String>,
    /// Entries (copies) in the story, across all feeds.
    pub copies: i64,
    /// Distinct feeds that carried it, by configured name, else the feed's
    /// own title, else its URL.
    pub feeds: Vec<String>,
}

/// The order that picks a story's canonical entry, from what the copies
/// say and never from when they arrived, so every arrival order (and
/// `rededup`) picks the same one: earliest published (copies without a
/// date last), ties to the longest clean body, then link, guid and feed,
/// which no two entries share all of. The body's length comes from
/// `entry_shingles` where stored: `length(content_text)` walked the ~20 KB
/// of overflow pages before the text for every entry of the story, under
/// the writer.
pub(crate) const CANONICAL_ORDER: &str = "published_at IS NULL, published_at,
     COALESCE((SELECT chars FROM entry_shingles WHERE entry_id = entries.id),
              length(content_text)) DESC,
     url, guid, feed_id, id";

/// Recomputes a story's canonical entry, title, url and times from its
/// entries; deletes the story when no entry is left. Returns the canonical
/// entry id, or `None` if the story was deleted.
pub(crate) fn refresh(db: Db<'_>, story_id: i64) -> Result<Option<i64>, StoreError> {
    match refresh_if_any(db, story_id)? {
        Some(canonical) => Ok(canonical),
        None => {
            // No row updated: the story has no entries left.
            let conn = sqlite_or!(db, |lent| pg::delete_story(lent, story_id).map(|()| None));
            conn.prepare_cached("DELETE FROM stories WHERE id = ?")?
                .execute([story_id])?;
            Ok(None)
        }
    }
}

/// [`refresh`] for a story that still has entries; one without is left
/// alone (`None`).
pub(crate) fn refresh_if_any(db: Db<'_>, story_id: i64) -> Result<Option<Option<i64>>, StoreError> {
    let conn = sqlite_or!(db, |lent| pg::refresh_if_any(lent, story_id));
    let sql = format!(
        "UPDATE stories SET canonical_entry_id = c.id, title = c.title, url = c.url,
                first_seen_at = agg.first_seen, updated_at = agg.updated
         FROM (SELECT id, title, url FROM entries WHERE story_id = ?1
               ORDER BY {CANONICAL_ORDER} LIMIT 1) AS c,
              (SELECT MIN(fetched_at) AS first_seen, MAX(changed_at) AS updated
               FROM entries WHERE story_id = ?1) AS agg
         WHERE stories.id = ?1
         RETURNING canonical_entry_id"
    );
    conn.prepare_cached(&sql)?
        .query_row([story_id], |row| row.get(0))
        .optional()
        .map_err(StoreError::from)
}

/// [`refresh`] for a story whose only change since its row was last
/// computed is that it gained entry `gained`: the canonical is the better of
/// the current one and `gained`, the times widen to take it in. The same row
/// as a full refresh (the order is total, and the current canonical was the
/// best of the rest) in two row reads, where a full refresh reads every
/// entry of the story: a wire story carried by hundreds of feeds made that
/// a third of ingest's CPU (issue 17).
pub(crate) fn refresh_gained(db: Db<'_>, story_id: i64, gained: i64) -> Result<(), StoreError> {
    let conn = sqlite_or!(db, |lent| pg::refresh_gained(lent, story_id, gained));
    let sql = format!(
        "UPDATE stories SET canonical_entry_id = c.id, title = c.title, url = c.url,
                first_seen_at = MIN(stories.first_seen_at, n.fetched_at),
                updated_at = MAX(stories.updated_at, n.changed_at)
         FROM (SELECT id, title, url FROM entries
               WHERE id IN (?2, (SELECT canonical_entry_id FROM stories WHERE id = ?1))
                 AND story_id = ?1
               ORDER BY {CANONICAL_ORDER} LIMIT 1) AS c,
              (SELECT fetched_at, changed_at FROM entries WHERE id = ?2 AND story_id = ?1) AS n
         WHERE stories.id = ?1"
    );
    conn.prepare_cached(&sql)?.execute([story_id, gained])?;
    Ok(())
}

/// A new story's row as the de-duplicator made it.
#[derive(Debug, Clone)]
pub(crate) struct StoryRow {
    pub canonical: Option<i64>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub first_seen_at: String,
    pub updated_at: String,
}

/// Inserts a story's row, with id `id` if given (the caller holds the
/// writer and chose a free one), else the next; returns its id.
pub(crate) fn insert_story(db: Db<'_>, id: Option<i64>, row: &StoryRow) -> Result<i64, StoreError> {
    let conn = sqlite_or!(db, |lent| pg::insert_story(lent, id, row));
    conn.prepare_cached(
        "INSERT INTO stories (id, canonical_entry_id, title, url, first_seen_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )?
    .query_row(
        rusqlite::params![
            id,
            row.canonical,
            row.title,
            row.url,
            row.first_seen_at,
            row.updated_at
        ],
        |r| r.get(0),
    )
    .map_err(StoreError::from)
}

/// Sets an entry's simhash (its 64 bits as SQLite's i64) and story.
pub(crate) fn set_entry_story(
    db: Db<'_>,
    entry: i64,
    simhash: i64,
    story: i64,
) -> Result<(), StoreError> {
    let conn = sqlite_or!(db, |lent| pg::set_entry_story(lent, entry, simhash, story));
    conn.prepare_cached("UPDATE entries SET simhash = ?, story_id = ? WHERE id = ?")?
        .execute([simhash, story, entry])?;
    Ok(())
}

/// An entry's analysis in its stored form (`entry_anchors`, `entry_shingles`).
#[derive(Debug, Clone)]
pub(crate) struct StoredAnalysis {
    pub anchors: Vec<u8>,
    pub words: i64,
    pub chars: Option<i64>,
    pub shingles: Vec<u8>,
    pub facts: Vec<u8>,
}

/// Stores an entry's anchors, shingles and facts, replacing what it had.
pub(crate) fn save_analysis(
    db: Db<'_>,
    entry: i64,
    stored: &StoredAnalysis,
) -> Result<(), StoreError> {
    let conn = sqlite_or!(db, |lent| pg::save_analysis(lent, entry, stored));
    conn.prepare_cached(
        "INSERT INTO entry_anchors (entry_id, anchors) VALUES (?, ?)
         ON CONFLICT (entry_id) DO UPDATE SET anchors = excluded.anchors",
    )?
    .execute(rusqlite::params![entry, stored.anchors])?;
    conn.prepare_cached(
        "INSERT INTO entry_shingles (entry_id, words, chars, shingles, facts) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (entry_id) DO UPDATE SET
            words = excluded.words, chars = excluded.chars, shingles = excluded.shingles,
            facts = excluded.facts",
    )?
    .execute(rusqlite::params![
        entry,
        stored.words,
        stored.chars,
        stored.shingles,
        stored.facts
    ])?;
    Ok(())
}

/// Empties every story and what the de-duplicator stored per entry, for
/// `rededup`; returns the entries' ids in the order they were fetched.
pub(crate) fn forget_stories(db: Db<'_>) -> Result<Vec<i64>, StoreError> {
    let conn = sqlite_or!(db, |lent| pg::forget_stories(lent));
    conn.execute_batch(
        "UPDATE entries SET story_id = NULL, simhash = NULL;
         DELETE FROM stories;
         DELETE FROM entry_anchors;
         DELETE FROM entry_shingles;",
    )?;
    conn.prepare("SELECT id FROM entries ORDER BY fetched_at, id")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)
}

/// Number of stories.
pub(crate) fn count(db: Db<'_>) -> Result<u64, StoreError> {
    let conn = sqlite_or!(db, |lent| pg::count(lent)
        .map(|n| u64::try_from(n).unwrap_or(0)));
    let stories: i64 = conn.query_row("SELECT COUNT(*) FROM stories", [], |row| row.get(0))?;
    Ok(u64::try_from(stories).unwrap_or(0))
}

/// Sets a `meta` key's value.
pub(crate) fn set_meta(db: Db<'_>, key: &str, value: &str) -> Result<(), StoreError> {
    let conn = sqlite_or!(db, |lent| pg::set_meta(lent, key, value));
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

/// Stories first seen at or after `since` (all when `None`), newest first.
pub async fn list_stories(
    store: &super::Store,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<StorySummary>, StoreError> {
    list_stories_limited(store, since, None).await
}

/// [`list_stories`], at most `limit` of them (the newest).
pub async fn list_stories_limited(
    store: &super::Store,
    since: Option<DateTime<Utc>>,
    limit: Option<i64>,
) -> Result<Vec<StorySummary>, StoreError> {
    // Timestamps are stored as RFC 3339 UTC text, which compares as a string.
    let since = since
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default();
    if let Some(pg) = store.pg() {
        return Ok(pg.run(|c| super::postgres::reads::stories(c, &since, limit))?);
    }
    type Row = (
        i64,
        Option<String>,
        Option<String>,
        Option<i64>,
        String,
        String,
        Option<String>,
        i64,
        String,
    );
    let rows: Vec<Row> = store.read(|conn| {
        conn.prepare_cached(
            "SELECT s.id, s.title, s.url, s.canonical_entry_id, s.first_seen_at, s.updated_at,
                    (SELECT c.published_at FROM entries c WHERE c.id = s.canonical_entry_id),
                    COUNT(e.id),
                    json_group_array(DISTINCT COALESCE(f.name, f.title, f.url))
             FROM stories s
             JOIN entries e ON e.story_id = s.id
             JOIN feeds f ON f.id = e.feed_id
             WHERE s.first_seen_at >= ?
             GROUP BY s.id
             ORDER BY s.first_seen_at DESC, s.id DESC
             LIMIT ?",
        )?
        .query_map(rusqlite::params![since, limit.unwrap_or(-1)], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
                row.get(7)?,
                row.get(8)?,
            ))
        })?
        .collect::<Result<_, rusqlite::Error>>()
        .map_err(StoreError::from)
    })?;
    rows.into_iter()
        .map(|row| {
            // SQLite's own json_group_array: a value it cannot give back is
            // a column that does not decode.
            let mut feeds: Vec<String> = serde_json::from_str(&row.8).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    8,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?;
            feeds.sort();
            Ok(StorySummary {
                id: row.0,
                title: row.1,
                url: row.2,
                canonical_entry_id: row.3,
                first_seen_at: row.4,
                updated_at: row.5,
                published_at: row.6,
                copies: row.7,
                feeds,
            })
        })
        .collect()
}

/// How [`match_rows`] reads an entry's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextRead {
    /// Only where its shingles or facts are not stored (a row stored before
    /// `entry_shingles` existed): a candidate, only verified against.
    IfUnstored,
    /// Always: an entry being assigned, whose text is analysed again.
    Always,
}

/// An entry row as the de-duplicator reads it back.
pub(crate) struct MatchRow {
    pub id: i64,
    pub title: Option<String>,
    pub url: Option<String>,
    pub fetched_at: String,
    pub changed_at: String,
    pub story_id: Option<i64>,
    /// `entry_shingles`' columns: absent for entries stored before it.
    pub words: Option<i64>,
    pub shingles: Option<Vec<u8>>,
    pub facts: Option<Vec<u8>>,
    /// The text, if read.
    pub text: Option<String>,
    /// `length(content_text)`, stored or counted.
    pub chars: Option<i64>,
}

impl TryFrom<&rusqlite::Row<'_>> for MatchRow {
    type Error = rusqlite::Error;

    fn try_from(row: &rusqlite::Row<'_>) -> Result<Self, Self::Error> {
        Ok(MatchRow {
            id: row.get(0)?,
            title: row.get(1)?,
            url: row.get(2)?,
            fetched_at: row.get(3)?,
            changed_at: row.get(4)?,
            story_id: row.get(5)?,
            words: row.get(6)?,
            shingles: row.get(7)?,
            facts: row.get(8)?,
            text: row.get(9)?,
            chars: row.get(10)?,
        })
    }
}

/// The query of [`match_rows`], reading the text with `$text` (an
/// expression for the text, then one for its length in characters).
macro_rules! select_row {
    ($text:literal) => {
        concat!(
            "SELECT e.id, e.title, e.url, e.fetched_at, e.changed_at, e.story_id,
                    sh.words, sh.shingles, sh.facts, ",
            $text,
            // story_id from the placement index: in the row it lies after
            // the three bodies, and reading it there walked every overflow
            // page of the row (the other columns precede the bodies).
            " FROM entries e INDEXED BY entries_placement
             LEFT JOIN entry_shingles sh ON sh.entry_id = e.id
             WHERE e.id = ?"
        )
    };
}

/// The rows of `ids` (those that exist), reading the text as `read` says.
pub(crate) fn match_rows(
    db: Db<'_>,
    ids: &[i64],
    read: TextRead,
) -> Result<Vec<MatchRow>, StoreError> {
    let conn = sqlite_or!(db, |lent| pg::match_rows(lent, ids, read));
    let select = match read {
        // CASE reads the text only where it is used: a row's text lies
        // behind its other two bodies, ~20 KB of overflow pages.
        TextRead::IfUnstored => select_row!(
            "CASE WHEN sh.entry_id IS NULL OR sh.facts IS NULL THEN e.content_text END,
             CASE WHEN sh.entry_id IS NULL THEN length(e.content_text) ELSE sh.chars END"
        ),
        TextRead::Always => select_row!("e.content_text, length(e.content_text)"),
    };
    select_by_ids(conn, select, ids).map_err(StoreError::from)
}

/// What a candidate is known by before its shingles are read: what the
/// placement index and `entry_anchors` hold, never `entry_shingles`, whose
/// rows are a page each.
pub(crate) struct PlacedRow {
    pub id: i64,
    pub fetched_at: String,
    pub story: Option<i64>,
    /// Its stored anchors (`entry_anchors.anchors`).
    pub sketch: Option<Vec<u8>>,
}

impl TryFrom<&rusqlite::Row<'_>> for PlacedRow {
    type Error = rusqlite::Error;

    fn try_from(row: &rusqlite::Row<'_>) -> Result<Self, Self::Error> {
        Ok(PlacedRow {
            id: row.get(0)?,
            fetched_at: row.get(1)?,
            story: row.get(2)?,
            sketch: row.get(3)?,
        })
    }
}

/// The story, time and stored anchors of each of `ids` that exists.
pub(crate) fn placed_rows(db: Db<'_>, ids: &[i64]) -> Result<Vec<PlacedRow>, StoreError> {
    let conn = sqlite_or!(db, |lent| pg::placed_rows(lent, ids));
    select_by_ids(
        conn,
        // The index holds these columns; the row has them after its bodies
        // (see migrations/0006_placement_index.sql).
        "SELECT e.id, e.fetched_at, e.story_id, a.anchors
         FROM entries e INDEXED BY entries_placement
         LEFT JOIN entry_anchors a ON a.entry_id = e.id
         WHERE e.id = ?",
        ids,
    )
    .map_err(StoreError::from)
}

/// Runs `select`, which takes one id, for each of `ids` (in order, which
/// is the table's: sorted ids read neighbouring pages one after another);
/// all rows, as tuples of the selected columns. One prepared statement for
/// all: without a hand-off per statement, a point query per id costs what a
/// long `IN` list did, and stays prepared.
fn select_by_ids<R>(
    conn: &Connection,
    select: &'static str,
    ids: &[i64],
) -> Result<Vec<R>, rusqlite::Error>
where
    R: for<'r> TryFrom<&'r rusqlite::Row<'r>, Error = rusqlite::Error>,
{
    let mut rows = Vec::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(rows);
    }
    let mut statement = conn.prepare_cached(select)?;
    for id in ids {
        let mut found = statement.query([id])?;
        while let Some(found) = found.next()? {
            rows.push(R::try_from(found)?);
        }
    }
    Ok(rows)
}

/// An entry of the de-duplication window as it is read at start.
pub(crate) struct WindowRow {
    pub id: i64,
    pub fetched_at: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// Its stored anchors (`entry_anchors.anchors`).
    pub anchors: Option<Vec<u8>>,
    pub simhash: i64,
    /// Its story, if it has one yet.
    pub story: Option<i64>,
    /// The number of its last change, where the database numbers changes
    /// (PostgreSQL's `entries.revision`); 0 on SQLite.
    pub revision: i64,
}

/// One change of the entries a de-duplication window holds, as
/// [`window_changes`] reads it.
pub(crate) enum WindowChange {
    /// An entry inserted or changed, as it is now.
    Entry(WindowRow),
    /// An entry deleted, or left without a fingerprint: no longer a candidate.
    Gone(i64),
}

/// How far [`window_changes`] or [`changes_reached`] read: the highest change
/// number committed or made in the reading transaction, and that transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChangesRead {
    pub through: i64,
    /// The reading transaction, as the database names it: two reads in one
    /// transaction give the same value.
    pub transaction: i64,
}

/// What changed, since change number `after`, in the entries fetched at or
/// after `since`: each entry inserted or changed (as it is now) and each one
/// deleted, then how far that reaches ([`ChangesRead`]). Where the database
/// numbers no changes (a SQLite file: one writer, this process, whose
/// de-duplicator saw each change as it made it) it reads nothing and gives
/// `None`. A row whose columns do not decode comes as `Err` with its id if
/// readable.
pub(crate) fn window_changes(
    db: Db<'_>,
    since: &str,
    after: i64,
    each: impl FnMut(Result<WindowChange, Option<i64>>),
) -> Result<Option<ChangesRead>, StoreError> {
    match db.0 {
        super::Conn::Sqlite(_) => Ok(None),
        super::Conn::Postgres(lent) => Ok(Some(pg::window_changes(lent, since, after, each)?)),
    }
}

/// The highest change number the current transaction sees (its own changes
/// included), and the transaction: where the database numbers no changes,
/// `None`.
pub(crate) fn changes_reached(db: Db<'_>) -> Result<Option<ChangesRead>, StoreError> {
    match db.0 {
        super::Conn::Sqlite(_) => Ok(None),
        super::Conn::Postgres(lent) => Ok(Some(pg::changes_reached(lent)?)),
    }
}

/// How many entries were fetched at or after `since` (RFC 3339 text).
pub(crate) fn count_fetched_since(db: Db<'_>, since: &str) -> Result<i64, StoreError> {
    let conn = sqlite_or!(db, |lent| pg::count_fetched_since(lent, since));
    conn.prepare("SELECT COUNT(*) FROM entries WHERE fetched_at >= ?")?
        .query_row([since], |row| row.get(0))
        .map_err(StoreError::from)
}

/// Each entry fetched at or after `since` that has a simhash, row by row; a
/// row whose columns do not decode comes as `Err` with its id if readable.
pub(crate) fn window_rows(
    db: Db<'_>,
    since: &str,
    mut each: impl FnMut(Result<WindowRow, Option<i64>>),
) -> Result<(), StoreError> {
    let conn = sqlite_or!(db, |lent| pg::window_rows(lent, since, &mut each));
    // The simhash from the placement index: in the row it lies after
    // the bodies, and reading it there walked every overflow page.
    let mut select = conn.prepare(
        "SELECT id, fetched_at, title, url, anchors, simhash, story_id FROM
           (SELECT e.id, e.fetched_at, e.title, e.url, a.anchors, p.simhash, p.story_id
            FROM entries e LEFT JOIN entry_anchors a ON a.entry_id = e.id
            JOIN entries p INDEXED BY entries_placement ON p.id = e.id
            WHERE e.fetched_at >= ?1)
         WHERE simhash IS NOT NULL",
    )?;
    let mut rows = select.query([since])?;
    while let Some(row) = rows.next()? {
        let decoded = (|| {
            Ok::<_, rusqlite::Error>(WindowRow {
                id: row.get(0)?,
                fetched_at: row.get(1)?,
                title: row.get(2)?,
                url: row.get(3)?,
                anchors: row.get(4)?,
                simhash: row.get(5)?,
                story: row.get(6)?,
                revision: 0,
            })
        })();
        each(decoded.map_err(|_| row.get::<_, i64>(0).ok()));
    }
    Ok(())
}
