//! Rows for the library's own unit tests (compiled only for them): an
//! in-memory database with the real schema, and the plainest feed, story and
//! entries, so tests elsewhere in the crate need no SQL of their own.
//!
//! Test code: its unwraps act on the repository's own migrations and an
//! in-memory database, and a panic is the test failing.

use rusqlite::Connection;

/// An in-memory database migrated by the real runner, holding feed 1 and an
/// empty story 7.
pub(crate) fn database() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    super::migrate::run(&mut conn).unwrap();
    conn.execute_batch(
        "INSERT INTO feeds (id, url, added_at) VALUES (1, 'http://127.0.0.1/feed', '2026-11-29T00:00:00Z');
         INSERT INTO stories (id, canonical_entry_id, first_seen_at, updated_at)
            VALUES (7, 1, '2026-11-29T00:00:00Z', '2026-11-29T00:00:00Z');",
    )
    .unwrap();
    conn
}

/// Entry `id` of feed 1 in story 7, with `text` and nothing else.
pub(crate) fn insert_entry(conn: &Connection, id: i64, text: &str) {
    conn.execute(
        "INSERT INTO entries (id, feed_id, guid, fetched_at, changed_at, content_text,
                              raw_hash, story_id)
         VALUES (?1, 1, ?1, '2026-11-29T00:00:00Z', '2026-11-29T00:00:00Z', ?2, 0, 7)",
        rusqlite::params![id, text],
    )
    .unwrap();
}
