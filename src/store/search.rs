//! The full-text index's SQL (FTS5, migrations 0004 and 0015): indexing the
//! queue of changed stories, the ranked query, and emptying the index before
//! every story is regrouped. The index is external-content: it reads each
//! story's title and text through the view `story_search_source`, and the
//! triggers of migration 0015 keep one rule (a queued story has no tokens in
//! the index; any other story is indexed with exactly what the view says), so
//! this only ever inserts. [`matching`] runs a query on either engine
//! (PostgreSQL's index is `entries.search_vector`, kept by the engine: nothing
//! to index there). It never changes entries or stories.

use super::{Store, StoreError};
use crate::search::{Part, SearchHit};

/// Why a query found nothing to return.
#[derive(Debug)]
pub(crate) enum MatchError {
    /// The engine rejected the query; its message.
    BadQuery(String),
    Store(StoreError),
}

/// The stories matching `query`, best first (titles weighing ten times the
/// text), at most `limit` (all when negative). On SQLite each hit carries the
/// canonical copy's text for the caller's snippet; on PostgreSQL a snippet
/// of its own (`ts_headline`).
pub(crate) fn matching(
    store: &Store,
    query: &[Part],
    limit: i64,
) -> Result<Vec<SearchHit>, MatchError> {
    if let Some(pg) = store.pg() {
        return pg
            .run(|client| super::postgres::reads::search(client, query, limit))
            .map_err(|e| match e {
                super::postgres::PgError::Sql(e)
                    if e.code() == Some(&postgres::error::SqlState::SYNTAX_ERROR) =>
                {
                    let message = e.as_db_error().map(|d| d.message().to_string());
                    MatchError::BadQuery(message.unwrap_or_else(|| e.to_string()))
                }
                other => MatchError::Store(other.into()),
            });
    }
    let expr = crate::search::fts_expression(query);
    store
        .read(|conn| fts_matching(conn, &expr, limit))
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(_, Some(message)) => MatchError::BadQuery(message),
            other => MatchError::Store(other.into()),
        })
}

/// Indexes up to `batch` queued stories, inside the caller's write
/// transaction; returns how many (0: the queue is empty).
pub(crate) fn index_batch(conn: &rusqlite::Connection, batch: i64) -> Result<usize, StoreError> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT story_id FROM search_dirty ORDER BY story_id LIMIT ?")?
        .query_map([batch], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else {
        return Ok(0);
    };
    // Queued stories have no tokens (the triggers deleted them with the
    // values they were indexed with): insert only. A deleted story has no
    // row in the view and is simply dropped from the queue.
    conn.prepare_cached(
        "INSERT INTO story_search (rowid, title, body)
         SELECT v.story_id, v.title, v.body
         FROM search_dirty d JOIN story_search_source v ON v.story_id = d.story_id
         WHERE d.story_id BETWEEN ?1 AND ?2",
    )?
    .execute([first, last])?;
    conn.prepare_cached("DELETE FROM search_dirty WHERE story_id BETWEEN ?1 AND ?2")?
        .execute([first, last])?;
    Ok(ids.len())
}

/// Stories queued for indexing.
pub(crate) fn queued(conn: &rusqlite::Connection) -> Result<u64, StoreError> {
    Ok(
        conn.query_row("SELECT COUNT(*) FROM search_dirty", [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    )
}

/// Empties the index and queues every story, in the caller's transaction:
/// before a change that rewrites every story (`rededup`), whose triggers
/// would otherwise delete each story's tokens one by one.
pub(crate) fn forget_index(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "INSERT INTO story_search (story_search) VALUES ('delete-all');
         INSERT OR IGNORE INTO search_dirty (story_id) SELECT id FROM stories;",
    )?;
    Ok(())
}

/// The stories matching the FTS5 expression `expr`, best first (bm25,
/// titles weighing ten times the text), with the canonical copy's text for
/// the caller's snippet.
fn fts_matching(
    conn: &rusqlite::Connection,
    expr: &str,
    limit: i64,
) -> Result<Vec<SearchHit>, rusqlite::Error> {
    conn.prepare_cached(
        "SELECT s.id AS story_id, s.title, s.url, s.first_seen_at, e.published_at,
                bm25(story_search, 10.0, 1.0) AS score,
                (SELECT COUNT(*) FROM entries c WHERE c.story_id = s.id) AS copies,
                e.content_text AS body
         FROM story_search
         JOIN stories s ON s.id = story_search.rowid
         LEFT JOIN entries e ON e.id = s.canonical_entry_id
         WHERE story_search MATCH ?
         ORDER BY score LIMIT ?",
    )?
    .query_map(rusqlite::params![expr, limit], |row| {
        Ok(SearchHit {
            story_id: row.get(0)?,
            title: row.get(1)?,
            url: row.get(2)?,
            first_seen_at: row.get(3)?,
            published_at: row.get(4)?,
            score: row.get(5)?,
            copies: row.get(6)?,
            snippet: String::new(),
            body: row.get(7)?,
        })
    })?
    .collect()
}
