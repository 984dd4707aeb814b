//! The `stories` table: keeps one story's row in step with its entries
//! (canonical entry, title, url, times) and lists stories for
//! `feedsieve stories`.
//!
//! It never decides which entries belong together; that is the matcher's job
//! in `mod.rs`.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::DedupError;

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
pub(crate) fn refresh(conn: &Connection, story_id: i64) -> Result<Option<i64>, DedupError> {
    match refresh_if_any(conn, story_id)? {
        Some(canonical) => Ok(canonical),
        None => {
            // No row updated: the story has no entries left.
            conn.prepare_cached("DELETE FROM stories WHERE id = ?")?
                .execute([story_id])?;
            Ok(None)
        }
    }
}

/// [`refresh`] for a story that still has entries; one without is left
/// alone (`None`).
pub(crate) fn refresh_if_any(
    conn: &Connection,
    story_id: i64,
) -> Result<Option<Option<i64>>, DedupError> {
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
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([story_id], |row| row.get(0))
        .optional()?)
}

/// Stories first seen at or after `since` (all when `None`), newest first.
pub async fn list_stories(
    store: &crate::store::Store,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<StorySummary>, DedupError> {
    list_stories_limited(store, since, None).await
}

/// [`list_stories`], at most `limit` of them (the newest).
pub async fn list_stories_limited(
    store: &crate::store::Store,
    since: Option<DateTime<Utc>>,
    limit: Option<i64>,
) -> Result<Vec<StorySummary>, DedupError> {
    // Timestamps are stored as RFC 3339 UTC text, which compares as a string.
    let since = since
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default();
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
    })?;
    rows.into_iter()
        .map(
            |(
                id,
                title,
                url,
                canonical_entry_id,
                first_seen_at,
                updated_at,
                published_at,
                copies,
                feeds,
            )| {
                let mut feeds: Vec<String> =
                    serde_json::from_str(&feeds).map_err(DedupError::FeedList)?;
                feeds.sort();
                Ok(StorySummary {
                    id,
                    title,
                    url,
                    canonical_entry_id,
                    first_seen_at,
                    updated_at,
                    published_at,
                    copies,
                    feeds,
                })
            },
        )
        .collect()
}
