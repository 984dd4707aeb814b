//! Issue 20's storage: a database made before migration 0015 (its real
//! migrations, applied to a real file, rows written as that schema wrote
//! them) is converted in place, also when the conversion is interrupted and
//! resumed; the raw HTML and pages come back byte for byte (the raw HTML
//! packed against the entry's cleaned HTML since migration 0016, readable
//! after every kind of change of that HTML); and the
//! external-content search index stays exactly what its source says through
//! edits, new canonical copies, deletions and reused ids (FTS5's own
//! integrity-check compares the two); and the shingles of entries past the
//! de-duplication window are forgotten (migration 0017).

use std::path::Path;

use feedsieve::store::codec;
use rusqlite::Connection;

#[path = "support/sql.rs"]
mod sql;

fn raw_html(i: usize) -> String {
    format!(
        "<div class=\"post\"><p>Story {i} about harbour cranes and tidal locks, told at length.</p>{}</div>",
        "<p>Filler paragraph with words that repeat and compress well.</p>".repeat(20 + i)
    )
}

/// Rows as the schema before 0015 stored them: raw HTML as text, pages as
/// text, the index with its own copy (filled by the old catch-up's statement).
fn write_old_rows(db: &Path, entries: usize) {
    let conn = Connection::open(db).unwrap();
    conn.execute(
        "INSERT INTO feeds (id, url, added_at) VALUES (1, 'http://old.example/feed', '2026-01-01T00:00:00Z')",
        [],
    )
    .unwrap();
    for i in 1..=entries {
        let raw = raw_html(i);
        conn.execute(
            "INSERT INTO stories (id, canonical_entry_id, title, first_seen_at, updated_at)
             VALUES (?1, ?1, ?2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            rusqlite::params![i as i64, format!("Title {i}")],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO entries (id, feed_id, guid, title, fetched_at, changed_at, content_raw,
                                  content_html, content_text, raw_hash, story_id)
             VALUES (?1, 1, ?2, ?3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?4, ?5, ?6, 0, ?1)",
            rusqlite::params![
                i as i64,
                format!("g{i}"),
                format!("Title {i}"),
                raw,
                format!("<p>Story {i} about harbour cranes</p>"),
                format!("Story {i} about harbour cranes and tidal locks")
            ],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO entry_pages (entry_id, html, etag) VALUES (2, ?1, '\"v1\"')",
        [format!("<html>{}</html>", raw_html(99))],
    )
    .unwrap();
    conn.execute_batch(
        "INSERT INTO story_search (rowid, title, body)
         SELECT s.id, COALESCE(e.title, s.title, ''), COALESCE(e.content_text, '')
         FROM stories s LEFT JOIN entries e ON e.id = s.canonical_entry_id;
         DELETE FROM search_dirty;",
    )
    .unwrap();
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn integrity(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO story_search (story_search, rank) VALUES ('integrity-check', 1)",
        [],
    )
}

fn assert_converted(conn: &Connection, entries: usize) {
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) FROM entries WHERE content_raw IS NOT NULL"
        ),
        0
    );
    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) FROM entries WHERE content_raw_zstd IS NOT NULL"
        ),
        0
    );
    for i in 1..=entries {
        let frame: Vec<u8> = conn
            .query_row(
                "SELECT content_raw_delta FROM entries WHERE id = ?",
                [i as i64],
                |r| r.get(0),
            )
            .unwrap();
        assert!(frame.len() < raw_html(i).len() / 4);
        assert_eq!(
            feedsieve::store::raw_of(feedsieve::store::Db::new(conn), i as i64)
                .unwrap()
                .unwrap(),
            raw_html(i)
        );
    }
    let (html, packed): (String, Vec<u8>) = conn
        .query_row(
            "SELECT html, html_zstd FROM entry_pages WHERE entry_id = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(html, "");
    assert_eq!(
        codec::unpack(&packed).unwrap(),
        format!("<html>{}</html>", raw_html(99))
    );
    assert_eq!(
        count(conn, "SELECT COUNT(*) FROM meta WHERE key LIKE 'codec.%'"),
        0,
        "resume points are gone once done"
    );
}

#[tokio::test]
async fn an_old_database_is_converted_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    sql::migrated_up_to(&db, 14);
    write_old_rows(&db, 12);

    let store = feedsieve::store::Store::open(&db).await.unwrap();
    let indexed = feedsieve::search::catch_up(&store).await.unwrap();
    assert_eq!(
        indexed, 12,
        "the new index starts empty and takes every story"
    );
    let hits = feedsieve::search::search(&store, "tidal locks", 20)
        .await
        .unwrap();
    assert_eq!(hits.len(), 12);
    store.close().await;

    let conn = Connection::open(&db).unwrap();
    assert_converted(&conn, 12);
    integrity(&conn).unwrap();
    // The documented query still works in sqlite3: snippet() reads the text
    // through the index's source view.
    let snippet: String = conn
        .query_row(
            "SELECT snippet(story_search, 1, '[', ']', '…', 4) FROM story_search
             WHERE story_search MATCH 'cranes' ORDER BY rowid LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(snippet.contains("[cranes]"), "{snippet}");
    // The old index's own copy of the text is gone.
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'story_search_content'"
        ),
        0
    );
}

#[tokio::test]
async fn an_interrupted_conversion_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    sql::migrated_up_to(&db, 14);
    write_old_rows(&db, 9);
    // Migrations 0015 and 0016 applied, then the conversion stops after
    // two batches of three (as a killed process would, between
    // transactions).
    sql::migrated_up_to(&db, 16);
    let mut conn = Connection::open(&db).unwrap();
    let report = codec::convert_in_batches(&mut conn, 3, Some(2)).unwrap();
    assert_eq!(report.rows, 6);
    assert!(report.bytes_after * 4 < report.bytes_before);
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM entries WHERE content_raw IS NULL"
        ),
        6
    );
    let through: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'codec.raw_delta_through'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(through, "6");
    drop(conn);

    // The next open goes on from entry 7 and converts the pages too.
    let store = feedsieve::store::Store::open(&db).await.unwrap();
    store.close().await;
    let conn = Connection::open(&db).unwrap();
    assert_converted(&conn, 9);
}

/// Entries written by hand through SQL into a database of this version:
/// the triggers, not the pipeline, are under test.
#[tokio::test]
async fn the_index_follows_every_change_of_what_a_story_reads_as() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    let store = feedsieve::store::Store::open(&db).await.unwrap();
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "INSERT INTO feeds (id, url, added_at) VALUES (1, 'http://x.example/', '2026-01-01T00:00:00Z')",
        [],
    )
    .unwrap();
    let entry = |id: i64, story: i64, text: &str| {
        conn.execute(
            "INSERT INTO entries (id, feed_id, guid, title, fetched_at, changed_at, content_text, raw_hash, story_id)
             VALUES (?1, 1, ?1, 'T' || ?1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?2, 0, ?3)",
            rusqlite::params![id, text, story],
        )
        .unwrap();
    };
    for story in 1..=4 {
        conn.execute(
            "INSERT INTO stories (id, canonical_entry_id, title, first_seen_at, updated_at)
             VALUES (?1, ?1, 'S', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            [story],
        )
        .unwrap();
    }
    entry(1, 1, "apples and pears");
    entry(2, 2, "bananas in pyjamas");
    entry(3, 3, "cherries on top");
    entry(4, 4, "dates from the oasis");
    entry(5, 1, "another copy about apples");
    let search = |q: &str| {
        let store = store.clone();
        let q = q.to_string();
        async move {
            feedsieve::search::search(&store, &q, 10)
                .await
                .unwrap()
                .iter()
                .map(|h| h.story_id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("bananas").await, vec![2]);

    // Each change below happens to an indexed story.
    conn.execute(
        "UPDATE entries SET content_text = 'plantains in pyjamas' WHERE id = 2",
        [],
    )
    .unwrap();
    conn.execute("UPDATE stories SET canonical_entry_id = 5 WHERE id = 1", [])
        .unwrap();
    conn.execute("DELETE FROM stories WHERE id = 3", [])
        .unwrap();
    conn.execute("DELETE FROM entries WHERE id = 4", [])
        .unwrap();
    // (The check compares every row of the source with the index, so it
    // holds once the queue is indexed: each search catches up first.)
    assert_eq!(search("bananas").await, Vec::<i64>::new());
    integrity(&conn).unwrap();
    assert_eq!(search("plantains").await, vec![2]);
    assert_eq!(search("another copy").await, vec![1]);
    assert_eq!(search("cherries").await, Vec::<i64>::new());
    assert_eq!(search("oasis").await, Vec::<i64>::new());

    // Story 4 reads as its title alone now; an entry taking the deleted
    // entry's id makes it read as that entry.
    entry(4, 4, "figs reborn");
    assert_eq!(search("figs").await, vec![4]);
    integrity(&conn).unwrap();

    // Emptying the index for a regrouping leaves it consistent too.
    feedsieve::search::forget_index(&store).await.unwrap();
    conn.execute("DELETE FROM stories WHERE id = 2", [])
        .unwrap();
    assert_eq!(search("apples").await, vec![1]);
    assert_eq!(search("plantains").await, Vec::<i64>::new());
    integrity(&conn).unwrap();
    store.close().await;
}

/// Words that do not repeat, so a frame of their own stays large and what a
/// frame against the cleaned HTML saves is the shared text.
fn prose(seed: usize, words: usize) -> String {
    const WORDS: [&str; 16] = [
        "harbour", "crane", "tidal", "lock", "ferry", "council", "budget", "storm", "pier",
        "cargo", "river", "bridge", "vote", "night", "shift", "union",
    ];
    let mut x = seed as u64 * 2_654_435_761 + 1;
    (0..words)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            WORDS[(x >> 60) as usize]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An entry's raw HTML as a feed sends it, and the cleaned HTML the
/// cleaner keeps of it (the same paragraphs, without the wrapper and the
/// share box).
fn raw_and_clean(i: usize) -> (String, String) {
    let paragraphs: Vec<String> = (0..6)
        .map(|p| format!("<p>{}</p>", prose(i * 10 + p, 60)))
        .collect();
    let raw = format!(
        "<div class=\"entry\" data-id=\"{i}\">{}<div class=\"share\"><a href=\"https://x.example/s?u={i}\">Share</a></div></div>",
        paragraphs.join("\n")
    );
    (raw, paragraphs.join(""))
}

/// A database of schema 15 (raw HTML as frames of their own) is converted
/// to frames against each entry's content_html, interrupted and resumed;
/// every write that changes content_html afterwards (the page step,
/// reclean, an UPDATE by hand in sqlite3) leaves the raw HTML readable.
#[tokio::test]
async fn the_raw_html_is_packed_against_the_cleaned_html_and_stays_readable() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v15.db");
    sql::migrated_up_to(&db, 15);
    let entries = 10;
    let mut plain_frames = 0;
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute(
            "INSERT INTO feeds (id, url, added_at) VALUES (1, 'http://v15.example/feed', '2026-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        for i in 1..=entries {
            let (raw, html) = raw_and_clean(i);
            let frame = codec::pack(&raw);
            plain_frames += frame.len();
            conn.execute(
                "INSERT INTO stories (id, canonical_entry_id, title, first_seen_at, updated_at)
                 VALUES (?1, ?1, 'T', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                [i as i64],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO entries (id, feed_id, guid, title, fetched_at, changed_at, content_raw_zstd,
                                      content_html, content_text, raw_hash, story_id)
                 VALUES (?1, 1, ?1, 'T', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?2, ?3, ?4, 0, ?1)",
                rusqlite::params![i as i64, frame, html, prose(i, 20)],
            )
            .unwrap();
        }
    }
    // Migration 0016, then one batch of four (a killed process).
    sql::migrated_up_to(&db, 16);
    let mut conn = Connection::open(&db).unwrap();
    let report = codec::convert_in_batches(&mut conn, 4, Some(1)).unwrap();
    assert_eq!(report.rows, 4);
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM entries WHERE content_raw_delta IS NOT NULL"
        ),
        4
    );
    drop(conn);
    // The next open converts the rest.
    let store = feedsieve::store::Store::open(&db).await.unwrap();
    store.close().await;
    let conn = Connection::open(&db).unwrap();
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM entries WHERE content_raw_delta IS NULL OR content_raw_zstd IS NOT NULL"
        ),
        0
    );
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM meta WHERE key LIKE 'codec.%'"),
        0
    );
    for i in 1..=entries {
        assert_eq!(
            feedsieve::store::raw_of(feedsieve::store::Db::new(&conn), i as i64)
                .unwrap()
                .unwrap(),
            raw_and_clean(i).0
        );
    }
    let deltas = count(&conn, "SELECT SUM(length(content_raw_delta)) FROM entries") as usize;
    assert!(
        deltas * 4 < plain_frames,
        "{deltas} bytes against the cleaned HTML, {plain_frames} alone"
    );

    // An UPDATE by hand: the text the frame was packed against is kept, and
    // a second edit does not replace it.
    conn.execute(
        "UPDATE entries SET content_html = '<p>edited</p>' WHERE id = 1",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE entries SET content_html = '<p>edited again</p>' WHERE id = 1",
        [],
    )
    .unwrap();
    assert_eq!(
        feedsieve::store::raw_of(feedsieve::store::Db::new(&conn), 1)
            .unwrap()
            .unwrap(),
        raw_and_clean(1).0
    );
    let kept: String = conn
        .query_row(
            "SELECT html FROM entry_raw_bases WHERE entry_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, raw_and_clean(1).1);
    // Reclean's write packs it again against the new text; the kept one goes.
    let (raw, _) = raw_and_clean(1);
    feedsieve::store::rewrite_texts(
        feedsieve::store::Db::new(&conn),
        &[feedsieve::store::TextRewrite {
            id: 1,
            raw: codec::Packed::against(&raw, "<p>recleaned</p>"),
            html: "<p>recleaned</p>".into(),
            text: "recleaned".into(),
            source: "feed",
            teaser: None,
        }],
    )
    .unwrap();
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM entry_raw_bases"), 0);
    assert_eq!(
        feedsieve::store::raw_of(feedsieve::store::Db::new(&conn), 1)
            .unwrap()
            .unwrap(),
        raw
    );

    // The page step replaces content_html with the article's and packs the
    // raw HTML again against it in the same statement.
    feedsieve::store::write_page(
        feedsieve::store::Db::new(&conn),
        1,
        &feedsieve::store::PageWrite {
            entry_id: 2,
            fetched_at: "2026-01-01T01:00:00Z".into(),
            page_url: Some("https://x.example/2".into()),
            page: None,
            outcome: feedsieve::store::PageOutcome::Article {
                html: "<p>the whole article</p>".into(),
                text: "the whole article".into(),
            },
        },
    )
    .unwrap();
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM entry_raw_bases"), 0);
    assert_eq!(
        feedsieve::store::raw_of(feedsieve::store::Db::new(&conn), 2)
            .unwrap()
            .unwrap(),
        raw_and_clean(2).0
    );
}

/// Migration 0017 on a database of schema 16: the shingles of entries
/// fetched past the de-duplication window (and a day) are emptied by
/// maintenance, in batches that an interruption leaves for the next run;
/// those of recent entries, and every entry's words and chars, stay.
#[tokio::test]
async fn maintenance_forgets_the_shingles_of_entries_past_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v16.db");
    sql::migrated_up_to(&db, 16);
    let now = chrono::Utc::now();
    let at = |days: i64| {
        (now - chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    // Entries 1-8 fetched 30 days ago, 9-12 a day ago.
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute(
            "INSERT INTO feeds (id, url, added_at) VALUES (1, 'http://v16.example/feed', '2026-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        for i in 1..=12i64 {
            let fetched = if i <= 8 { at(30) } else { at(1) };
            conn.execute(
                "INSERT INTO entries (id, feed_id, guid, fetched_at, changed_at, content_text, raw_hash)
                 VALUES (?1, 1, ?1, ?2, ?2, 'text', 0)",
                rusqlite::params![i, fetched],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO entry_shingles (entry_id, words, chars, shingles, facts)
                 VALUES (?1, 100, 600, ?2, ?3)",
                rusqlite::params![i, vec![7u8; 300], vec![9u8; 80]],
            )
            .unwrap();
        }
    }
    let store = feedsieve::store::Store::open(&db).await.unwrap();
    let cutoff = at(4);
    // Interrupted after one batch of three.
    assert_eq!(store.forget_shingles_before(&cutoff, 3).await.unwrap(), 3);
    assert_eq!(store.shingles_kept_before(&cutoff).unwrap(), 5);
    // The next run goes on (the default window: 3 days).
    let window = std::time::Duration::from_secs(3 * 86_400);
    assert_eq!(
        feedsieve::maintain::forget_shingles(&store, window)
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        feedsieve::maintain::forget_shingles(&store, window)
            .await
            .unwrap(),
        0
    );
    store.close().await;

    let conn = Connection::open(&db).unwrap();
    type Row = (i64, i64, i64, i64, Option<Vec<u8>>);
    let rows: Vec<Row> = conn
        .prepare("SELECT entry_id, words, chars, length(shingles), facts FROM entry_shingles ORDER BY entry_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (id, words, chars, shingles, facts) in rows {
        assert_eq!((words, chars), (100, 600), "entry {id}");
        if id <= 8 {
            assert_eq!((shingles, facts), (0, None), "entry {id}");
        } else {
            assert_eq!((shingles, facts), (300, Some(vec![9u8; 80])), "entry {id}");
        }
    }
    // The index lists only the rows still holding shingles.
    let listed = count(
        &conn,
        "SELECT COUNT(*) FROM entry_shingles INDEXED BY entry_shingles_kept WHERE shingles <> X''",
    );
    assert_eq!(listed, 4);
}
