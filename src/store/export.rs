//! The merged feed's reads: stories with their canonical copy, the feeds
//! that carried each, and the canonical copy's enclosures. Rendering is
//! `crate::export`'s; this only reads.

use super::postgres::reads;
use super::{Store, StoreError};

/// A story and its canonical copy.
#[derive(Debug, Clone)]
pub struct StoryRow {
    pub id: i64,
    pub canonical_entry_id: Option<i64>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub first_seen_at: String,
    pub updated_at: String,
    pub content_html: Option<String>,
    pub published_at: Option<String>,
    pub author: Option<String>,
}

/// One copy of a story: the entry and the feed that carried it.
#[derive(Debug, Clone)]
pub struct CopyRow {
    pub story_id: i64,
    pub entry_id: i64,
    pub entry_url: Option<String>,
    pub feed_name: String,
    pub site_url: Option<String>,
}

/// One enclosure of a story's canonical copy.
#[derive(Debug, Clone)]
pub struct EnclosureRow {
    pub story_id: i64,
    pub url: String,
    pub mime_type: Option<String>,
    pub length: Option<i64>,
}

impl Store {
    /// The stories first seen at or after `from` (RFC 3339 UTC with whole
    /// seconds, which compares as text; "" for all) and carried by a feed
    /// of `category` or one below it (any when `None`), newest first, at
    /// most `limit` (all when negative).
    pub async fn story_rows(
        &self,
        from: &str,
        category: Option<&str>,
        limit: i64,
    ) -> Result<Vec<StoryRow>, StoreError> {
        if let Some(pg) = self.pg() {
            return Ok(pg.run(|c| reads::story_rows(c, from, category, limit))?);
        }
        Ok(self.read(|conn| {
            conn.prepare_cached(
                "SELECT s.id, s.canonical_entry_id, COALESCE(s.title, e.title) AS title,
                    COALESCE(s.url, e.url) AS url, s.first_seen_at, s.updated_at,
                    e.content_html, e.published_at, e.author
             FROM stories s LEFT JOIN entries e ON e.id = s.canonical_entry_id
             WHERE s.first_seen_at >= ?1
               AND (?2 IS NULL OR EXISTS (
                    SELECT 1 FROM entries c JOIN feeds f ON f.id = c.feed_id
                    WHERE c.story_id = s.id
                      AND (f.category = ?2 OR substr(f.category, 1, length(?2) + 1) = ?2 || '/')))
             ORDER BY s.first_seen_at DESC, s.id DESC
             LIMIT ?3",
            )?
            .query_map(rusqlite::params![from, category, limit], |row| {
                Ok(StoryRow {
                    id: row.get(0)?,
                    canonical_entry_id: row.get(1)?,
                    title: row.get(2)?,
                    url: row.get(3)?,
                    first_seen_at: row.get(4)?,
                    updated_at: row.get(5)?,
                    content_html: row.get(6)?,
                    published_at: row.get(7)?,
                    author: row.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, rusqlite::Error>>()
        })?)
    }

    /// Every copy of the stories first seen at or after `from`, by story,
    /// then in the order they were fetched.
    pub async fn copy_rows(&self, from: &str) -> Result<Vec<CopyRow>, StoreError> {
        if let Some(pg) = self.pg() {
            return Ok(pg.run(|c| reads::copy_rows(c, from))?);
        }
        Ok(self.read(|conn| {
            conn.prepare_cached(
                "SELECT e.story_id, e.id AS entry_id, e.url AS entry_url,
                    COALESCE(f.name, f.title, f.url) AS feed_name, f.site_url
             FROM entries e
             JOIN feeds f ON f.id = e.feed_id
             JOIN stories s ON s.id = e.story_id
             WHERE s.first_seen_at >= ?1
             ORDER BY e.story_id, e.fetched_at, e.id",
            )?
            .query_map([from], |row| {
                Ok(CopyRow {
                    story_id: row.get(0)?,
                    entry_id: row.get(1)?,
                    entry_url: row.get(2)?,
                    feed_name: row.get(3)?,
                    site_url: row.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, rusqlite::Error>>()
        })?)
    }

    /// The enclosures of the canonical copies of the stories first seen at
    /// or after `from`, by story, in their feed's order.
    pub async fn enclosure_rows(&self, from: &str) -> Result<Vec<EnclosureRow>, StoreError> {
        if let Some(pg) = self.pg() {
            return Ok(pg.run(|c| reads::enclosure_rows(c, from))?);
        }
        Ok(self.read(|conn| {
            conn.prepare_cached(
                "SELECT s.id AS story_id, x.url, x.type AS mime_type, x.length
             FROM stories s JOIN entry_enclosures x ON x.entry_id = s.canonical_entry_id
             WHERE s.first_seen_at >= ?1
             ORDER BY s.id, x.position",
            )?
            .query_map([from], |row| {
                Ok(EnclosureRow {
                    story_id: row.get(0)?,
                    url: row.get(1)?,
                    mime_type: row.get(2)?,
                    length: row.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, rusqlite::Error>>()
        })?)
    }
}
