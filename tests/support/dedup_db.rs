//! Writes feeds and entries into a real SQLite file the way the pipeline does
//! (new entries through `pipeline::insert_new`, edits as an UPDATE and then
//! `Deduper::assign`, each in one transaction), for
//! `tests/dedup.rs` and `benches/dedup.rs`.
//!
//! It never goes around the store's schema: every row goes through
//! `feedsieve::store::Store::open`'s migrated database.

#![allow(dead_code)] // each includer uses a different part

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use feedsieve::dedup::{Deduper, Prefetched};
use feedsieve::pipeline::ReadyEntry;
use feedsieve::store::EntryWrite;

#[path = "sql.rs"]
pub mod sql;

pub struct Db {
    /// What the deduper loads from and `rededup` rewrites.
    pub store: feedsieve::store::Store,
    _dir: tempfile::TempDir,
}

impl Db {
    /// A synchronous connection of its own to the database, as the store's
    /// writer and readers have, for the tests' own reads and writes.
    pub fn conn(&self) -> rusqlite::Connection {
        sql::connect(self.store.path())
    }
}

pub async fn open() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feedsieve.db");
    let store = feedsieve::store::Store::open(&path).await.unwrap();
    Db { store, _dir: dir }
}

pub fn feed(db: &Db, name: &str) -> i64 {
    sql::scalar(
        &db.conn(),
        "INSERT INTO feeds (url, name, added_at) VALUES (?, ?, '2026-01-01T00:00:00Z') RETURNING id",
        (format!("https://{name}.example/feed.xml"), name),
    )
}

/// A time `minutes` after a base one day before now, as the store writes it.
/// Relative to now because the deduper's window reaches back from now; the
/// base is taken once per test process, so `ts(2)` is the same string when a
/// test writes it and when it asserts it, even across a second's boundary.
pub fn ts(minutes: i64) -> String {
    static BASE: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    let base = *BASE.get_or_init(|| Utc::now().timestamp() - 86_400);
    let base = DateTime::from_timestamp(base, 0).unwrap();
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

/// Inserts new entries through the pipeline's own insert path
/// (`Deduper::prefetch`, then `pipeline::insert_new`: stories chosen, then
/// each row written once), in one transaction; a run of entries of one feed
/// fetched at one time is one call, as one fetch is in the daemon.
pub fn insert(db: &Db, deduper: &Deduper, entries: &[NewEntry]) -> Vec<i64> {
    let mut conn = db.conn();
    let reader = db.conn();
    let tx = conn.transaction().unwrap();
    for run in entries.chunk_by(|a, b| a.feed == b.feed && a.fetched == b.fetched) {
        // As the store does: the matcher reads ahead on another connection
        // (it cannot see this transaction's earlier runs; place catches up).
        let prefetched = prefetch_on(&reader, deduper, run);
        insert_run(&tx, deduper, run, prefetched);
    }
    let ids = ids_of(&tx, entries);
    tx.commit().unwrap();
    ids
}

/// What the store's matcher reads ahead, before the writer, for one fetch
/// of these entries (all of one feed and fetch time).
pub fn prefetch(db: &Db, deduper: &Deduper, run: &[NewEntry]) -> Prefetched {
    prefetch_on(&db.conn(), deduper, run)
}

fn prefetch_on(conn: &rusqlite::Connection, deduper: &Deduper, run: &[NewEntry]) -> Prefetched {
    let writes = writes_of(run);
    let incoming: Vec<_> = writes.iter().map(ReadyEntry::incoming).collect();
    deduper
        .prefetch(feedsieve::store::Db::new(conn), &run[0].fetched, &incoming)
        .unwrap()
}

/// Inserts one fetch's entries with what was prefetched for them, maybe
/// long before, and commits; their ids.
pub fn insert_prefetched(
    db: &Db,
    deduper: &Deduper,
    run: &[NewEntry],
    prefetched: Prefetched,
) -> Vec<i64> {
    let mut conn = db.conn();
    let tx = conn.transaction().unwrap();
    insert_run(&tx, deduper, run, prefetched);
    let ids = ids_of(&tx, run);
    tx.commit().unwrap();
    ids
}

fn insert_run(
    conn: &rusqlite::Connection,
    deduper: &Deduper,
    run: &[NewEntry],
    prefetched: Prefetched,
) {
    let writes = writes_of(run);
    let refs: Vec<&ReadyEntry> = writes.iter().collect();
    feedsieve::pipeline::insert_new(
        feedsieve::store::Db::new(conn),
        deduper,
        run[0].feed,
        &run[0].fetched,
        &refs,
        prefetched,
    )
    .unwrap();
}

fn writes_of(run: &[NewEntry]) -> Vec<ReadyEntry> {
    run.iter()
        .map(|e| EntryWrite {
            guid: e.guid.clone(),
            url: Some(e.url.clone()),
            title: Some(e.title.clone()),
            author: None,
            published_at: e.published.clone(),
            updated_at: None,
            content_raw: feedsieve::store::codec::Packed::of(""),
            content_html: String::new(),
            content_text: e.text.clone(),
            raw_hash: 0,
            page_wanted: false,
            extras: Default::default(),
        })
        .map(ReadyEntry::new)
        .collect()
}

fn ids_of(conn: &rusqlite::Connection, entries: &[NewEntry]) -> Vec<i64> {
    entries
        .iter()
        .map(|e| {
            conn.query_row(
                "SELECT id FROM entries WHERE feed_id = ? AND guid = ?",
                rusqlite::params![e.feed, e.guid],
                |row| row.get(0),
            )
            .unwrap()
        })
        .collect()
}

/// Changes an entry's body as a re-fetch with an edited body would, and
/// assigns it again.
pub fn edit(db: &Db, deduper: &Deduper, id: i64, text: &str, changed: String) {
    let mut conn = db.conn();
    let tx = conn.transaction().unwrap();
    tx.execute(
        "UPDATE entries SET content_text = ?, changed_at = ? WHERE id = ?",
        rusqlite::params![text, changed, id],
    )
    .unwrap();
    deduper
        .assign(feedsieve::store::Db::new(&tx), &[id])
        .unwrap();
    tx.commit().unwrap();
}

pub fn story_of(db: &Db, id: i64) -> Option<i64> {
    sql::scalar(
        &db.conn(),
        "SELECT story_id FROM entries WHERE id = ?",
        [id],
    )
}

/// Story id of every entry, by entry id.
pub fn grouping(db: &Db) -> Vec<(i64, Option<i64>)> {
    sql::rows(
        &db.conn(),
        "SELECT id, story_id FROM entries ORDER BY id",
        [],
    )
}

/// The grouping as a partition (sets of entry ids), independent of story ids.
pub fn partition(db: &Db) -> Vec<Vec<i64>> {
    let mut by_story = std::collections::BTreeMap::<i64, Vec<i64>>::new();
    for (id, story) in grouping(db) {
        by_story.entry(story.unwrap_or(-id)).or_default().push(id);
    }
    let mut parts: Vec<Vec<i64>> = by_story.into_values().collect();
    parts.sort();
    parts
}
