//! Writes feeds and entries into a real SQLite file the way the store does
//! (plain inserts in one transaction, then `Deduper::assign` inside it), for
//! `tests/dedup.rs` and `benches/dedup.rs`.
//!
//! It never goes around the store's schema: every row goes through
//! `feedsieve::store::open`'s migrated database.

#![allow(dead_code)] // each includer uses a different part

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use feedsieve::dedup::Deduper;
use sqlx::SqlitePool;

pub struct Db {
    pub pool: SqlitePool,
    _dir: tempfile::TempDir,
}

pub async fn open() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let pool = feedsieve::store::open(&dir.path().join("feedsieve.db"))
        .await
        .unwrap();
    Db { pool, _dir: dir }
}

pub async fn feed(pool: &SqlitePool, name: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO feeds (url, name, added_at) VALUES (?, ?, '2026-01-01T00:00:00Z') RETURNING id",
    )
    .bind(format!("https://{name}.example/feed.xml"))
    .bind(name)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A time `minutes` after a base one day before now, as the store writes it.
/// Relative to now because the deduper's window reaches back from now.
pub fn ts(minutes: i64) -> String {
    let base = DateTime::from_timestamp(Utc::now().timestamp() - 86_400, 0).unwrap();
    (base + Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[derive(Debug, Clone)]
pub struct NewEntry {
    pub feed: i64,
    pub guid: String,
    pub title: String,
    pub url: String,
    pub published: Option<String>,
    pub fetched: String,
    pub text: String,
}

impl NewEntry {
    pub fn new(feed: i64, guid: &str, title: &str, text: &str, fetched: String) -> Self {
        NewEntry {
            feed,
            guid: guid.to_string(),
            title: title.to_string(),
            url: format!("https://site{feed}.example/{guid}"),
            published: None,
            fetched,
            text: text.to_string(),
        }
    }
}

/// Inserts one feed's new entries and assigns them, in one transaction.
pub async fn insert(pool: &SqlitePool, deduper: &Deduper, entries: &[NewEntry]) -> Vec<i64> {
    let mut tx = pool.begin().await.unwrap();
    let mut ids = Vec::new();
    for e in entries {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO entries (feed_id, guid, url, title, published_at, fetched_at, changed_at,
                                  content_text, raw_hash)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
        )
        .bind(e.feed)
        .bind(&e.guid)
        .bind(&e.url)
        .bind(&e.title)
        .bind(&e.published)
        .bind(&e.fetched)
        .bind(&e.fetched)
        .bind(&e.text)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        ids.push(id);
    }
    deduper.assign(&mut tx, &ids).await.unwrap();
    tx.commit().await.unwrap();
    ids
}

/// Changes an entry's body as a re-fetch with an edited body would, and
/// assigns it again.
pub async fn edit(pool: &SqlitePool, deduper: &Deduper, id: i64, text: &str, changed: String) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("UPDATE entries SET content_text = ?, changed_at = ? WHERE id = ?")
        .bind(text)
        .bind(changed)
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    deduper.assign(&mut tx, &[id]).await.unwrap();
    tx.commit().await.unwrap();
}

pub async fn story_of(pool: &SqlitePool, id: i64) -> Option<i64> {
    sqlx::query_scalar("SELECT story_id FROM entries WHERE id = ?")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Story id of every entry, by entry id.
pub async fn grouping(pool: &SqlitePool) -> Vec<(i64, Option<i64>)> {
    sqlx::query_as("SELECT id, story_id FROM entries ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// The grouping as a partition (sets of entry ids), independent of story ids.
pub async fn partition(pool: &SqlitePool) -> Vec<Vec<i64>> {
    let mut by_story = std::collections::BTreeMap::<i64, Vec<i64>>::new();
    for (id, story) in grouping(pool).await {
        by_story.entry(story.unwrap_or(-id)).or_default().push(id);
    }
    let mut parts: Vec<Vec<i64>> = by_story.into_values().collect();
    parts.sort();
    parts
}
