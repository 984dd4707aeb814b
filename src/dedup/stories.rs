//! The `stories` table: keeps one story's row in step with its entries
//! (canonical entry, title, url, times) and lists stories for
//! `feedsieve stories`.
//!
//! It never decides which entries belong together; that is the matcher's job
//! in `mod.rs`. Each function is one or two statements, whatever the number
//! of entries, because every statement costs a round trip to SQLite's thread.

use chrono::{DateTime, SecondsFormat, Utc};
// The SQL built with format! here only splices a constant and `?` placeholders.
use sqlx::{AssertSqlSafe, SqliteConnection};

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
    /// Entries (copies) in the story, across all feeds.
    pub copies: i64,
    /// Distinct feeds that carried it, by configured name, else the feed's
    /// own title, else its URL.
    pub feeds: Vec<String>,
}

/// The order that picks a story's canonical entry: earliest published
/// (falling back to first fetched), ties to the longest clean body, then the
/// oldest row so the choice is deterministic.
pub(crate) const CANONICAL_ORDER: &str =
    "COALESCE(published_at, fetched_at), length(content_text) DESC, id";

/// Recomputes a story's canonical entry, title, url and times from its
/// entries; deletes the story when no entry is left. Returns the canonical
/// entry id, or `None` if the story was deleted.
pub(crate) async fn refresh(
    conn: &mut SqliteConnection,
    story_id: i64,
) -> Result<Option<i64>, DedupError> {
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
    let canonical: Option<Option<i64>> = sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(story_id)
        .fetch_optional(&mut *conn)
        .await?;
    match canonical {
        Some(c) => Ok(c),
        None => {
            // No row updated: the story has no entries left.
            sqlx::query("DELETE FROM stories WHERE id = ?")
                .bind(story_id)
                .execute(&mut *conn)
                .await?;
            Ok(None)
        }
    }
}

/// [`refresh`] for many stories that still have entries, in one statement
/// (stories without entries are left alone).
pub(crate) async fn refresh_many(
    conn: &mut SqliteConnection,
    story_ids: &[i64],
) -> Result<(), DedupError> {
    if story_ids.is_empty() {
        return Ok(());
    }
    let placeholders = vec!["?"; story_ids.len()].join(", ");
    let sql = format!(
        "UPDATE stories SET canonical_entry_id = c.id, title = c.title, url = c.url,
                first_seen_at = c.first_seen, updated_at = c.updated
         FROM (SELECT story_id, id, title, url, first_seen, updated FROM
                 (SELECT story_id, id, title, url,
                         MIN(fetched_at) OVER story AS first_seen,
                         MAX(changed_at) OVER story AS updated,
                         ROW_NUMBER() OVER (PARTITION BY story_id ORDER BY {CANONICAL_ORDER}) AS n
                  FROM entries WHERE story_id IN ({placeholders})
                  WINDOW story AS (PARTITION BY story_id))
               WHERE n = 1) AS c
         WHERE stories.id = c.story_id"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for id in story_ids {
        query = query.bind(id);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Stories first seen at or after `since` (all when `None`), newest first.
pub async fn list_stories(
    pool: &sqlx::SqlitePool,
    since: Option<DateTime<Utc>>,
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
        i64,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.id, s.title, s.url, s.canonical_entry_id, s.first_seen_at, s.updated_at,
                COUNT(e.id),
                json_group_array(DISTINCT COALESCE(f.name, f.title, f.url))
         FROM stories s
         JOIN entries e ON e.story_id = s.id
         JOIN feeds f ON f.id = e.feed_id
         WHERE s.first_seen_at >= ?
         GROUP BY s.id
         ORDER BY s.first_seen_at DESC, s.id DESC",
    )
    .bind(since)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(
            |(id, title, url, canonical_entry_id, first_seen_at, updated_at, copies, feeds)| {
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
                    copies,
                    feeds,
                })
            },
        )
        .collect()
}
