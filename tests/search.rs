//! Full-text search and retention against a database built by the real
//! pipeline from local feed files: the index follows edits and deletions,
//! one hit per story, and pruning leaves no orphan stories or index rows.

use std::path::Path;
use std::time::Duration;

use feedsieve::config;
use feedsieve::store::Store;

#[path = "support/sql.rs"]
mod sql;

fn rss(items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, title, body)| {
            format!("<item><guid>{guid}</guid><title>{title}</title><description>&lt;p&gt;{body}&lt;/p&gt;</description></item>")
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>{items}</channel></rss>"
    )
}

async fn ingest(
    dir: &Path,
    feeds: &[(&str, String)],
    keep: Option<&str>,
) -> feedsieve::config::Config {
    let mut toml = String::from("[storage]\ndatabase = \"f.db\"\n");
    if let Some(keep) = keep {
        toml.push_str(&format!("keep = \"{keep}\"\n"));
    }
    for (name, body) in feeds {
        std::fs::write(dir.join(name), body).unwrap();
        toml.push_str(&format!("[[feed]]\nurl = \"file://{name}\"\n"));
    }
    let path = dir.join("feedsieve.toml");
    std::fs::write(&path, toml).unwrap();
    let config = config::load(&path).unwrap();
    // A file's mtime is its Last-Modified: force a re-read of edited files.
    let store = Store::open(&config.storage.database).await.unwrap();
    sql::exec(
        &sql::connect(store.path()),
        "UPDATE feeds SET last_modified = NULL",
        [],
    );
    store.close().await;
    feedsieve::daemon::run_once(&config).await.unwrap();
    config
}

async fn titles(store: &Store, query: &str) -> Vec<String> {
    feedsieve::search::search(store, query, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.title.unwrap_or_default())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_index_follows_new_edited_and_merged_stories() {
    let dir = tempfile::tempdir().unwrap();
    let a = rss(&[
        (
            "a1",
            "Garages become homes",
            "The council voted to convert parking garages into apartments.",
        ),
        (
            "a2",
            "Ferry adds a run",
            "The island ferry adds an early winter crossing for commuters.",
        ),
    ]);
    let config = ingest(dir.path(), &[("a.xml", a)], None).await;
    let store = Store::open(&config.storage.database).await.unwrap();
    let conn = sql::connect(store.path());
    assert_eq!(
        titles(&store, "garages").await,
        vec!["Garages become homes"]
    );
    assert_eq!(
        titles(&store, "ferry crossing").await,
        vec!["Ferry adds a run"]
    );
    assert!(
        titles(&store, "garages ferry").await.is_empty(),
        "all words must match"
    );
    assert_eq!(titles(&store, "garages OR ferry").await.len(), 2);
    assert_eq!(titles(&store, "apart*").await, vec!["Garages become homes"]);
    // Titles weigh more than body text.
    let hits = titles(&store, "homes OR apartments").await;
    assert_eq!(hits[0], "Garages become homes");

    // Edit an entry's body: the old words leave the index, the new ones enter.
    let edited = rss(&[
        (
            "a1",
            "Garages become homes",
            "The council voted to convert parking structures into flats.",
        ),
        (
            "a2",
            "Ferry adds a run",
            "The island ferry adds an early winter crossing for commuters.",
        ),
    ]);
    ingest(dir.path(), &[("a.xml", edited)], None).await;
    assert!(titles(&store, "apartments").await.is_empty());
    assert_eq!(titles(&store, "flats").await, vec!["Garages become homes"]);

    // Two entries in one story: one hit, with both copies counted.
    let b = rss(&[(
        "b1",
        "Garages turned into flats",
        "Parking structures will hold flats, the council said.",
    )]);
    ingest(
        dir.path(),
        &[
            (
                "a.xml",
                rss(&[
                    (
                        "a1",
                        "Garages become homes",
                        "The council voted to convert parking structures into flats.",
                    ),
                    (
                        "a2",
                        "Ferry adds a run",
                        "The island ferry adds an early winter crossing for commuters.",
                    ),
                ]),
            ),
            ("b.xml", b),
        ],
        None,
    )
    .await;
    let story_a1: i64 = sql::scalar(&conn, "SELECT story_id FROM entries WHERE guid = 'a1'", []);
    let story_b1: i64 = sql::scalar(&conn, "SELECT story_id FROM entries WHERE guid = 'b1'", []);
    if story_a1 != story_b1 {
        // Merge them by hand as the dedup stage would: b1 joins a1's story.
        sql::exec(
            &conn,
            "UPDATE entries SET story_id = ? WHERE guid = 'b1'",
            [story_a1],
        );
        sql::exec(&conn, "DELETE FROM stories WHERE id = ?", [story_b1]);
    }
    let hits = feedsieve::search::search(&store, "flats", 50)
        .await
        .unwrap();
    assert_eq!(hits.len(), 1, "one hit per story: {hits:?}");
    assert_eq!(hits[0].copies, 2);
    assert!(hits[0].snippet.contains("[flats"), "{}", hits[0].snippet);
    let indexed: i64 = sql::scalar(&conn, "SELECT COUNT(*) FROM story_search", []);
    let stories: i64 = sql::scalar(&conn, "SELECT COUNT(*) FROM stories", []);
    assert_eq!(
        indexed, stories,
        "the index holds exactly one row per story"
    );
}

/// Migration 0009's settings (over 0007's) are what FTS5 reads back from its
/// config table: without them a first run's index takes about three times
/// as long.
#[tokio::test(flavor = "multi_thread")]
async fn the_index_merges_lazily_and_buffers_thirty_two_megabytes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("f.db")).await.unwrap();
    let conn = sql::connect(store.path());
    let config: Vec<(String, i64)> = sql::rows(
        &conn,
        "SELECT k, v FROM story_search_config WHERE k IN ('automerge', 'hashsize') ORDER BY k",
        [],
    );
    assert_eq!(
        config,
        [
            ("automerge".to_string(), 16),
            ("hashsize".to_string(), 32 << 20)
        ]
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn punctuation_in_queries_is_literal_and_empty_queries_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = ingest(
        dir.path(),
        &[(
            "a.xml",
            rss(&[("a1", "AT&amp;T and covid-19", "Body text here.")]),
        )],
        None,
    )
    .await;
    let store = Store::open(&config.storage.database).await.unwrap();
    assert_eq!(titles(&store, "covid-19").await.len(), 1);
    assert_eq!(titles(&store, "AT&T").await.len(), 1);
    assert!(titles(&store, "\"and covid").await.len() == 1);
    let err = feedsieve::search::search(&store, " *** ", 10)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("empty search query"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn retention_prunes_entries_their_stories_and_index_rows() {
    let dir = tempfile::tempdir().unwrap();
    let feed = rss(&[
        ("old", "Old news", "Ancient history about mills."),
        ("new", "New news", "Fresh report about harbors."),
    ]);
    let config = ingest(dir.path(), &[("a.xml", feed)], Some("30d")).await;
    let store = Store::open(&config.storage.database).await.unwrap();
    let conn = sql::connect(store.path());
    // Age one entry past the retention period.
    sql::exec(
        &conn,
        "UPDATE entries SET fetched_at = '2020-01-01T00:00:00Z' WHERE guid = 'old'",
        [],
    );
    let report = feedsieve::maintain::prune(&store, Duration::from_secs(30 * 86_400))
        .await
        .unwrap();
    assert_eq!(report.entries, 1);
    assert_eq!(report.stories, 1);
    assert!(
        titles(&store, "mills").await.is_empty(),
        "pruned story still searchable"
    );
    assert_eq!(titles(&store, "harbors").await, vec!["New news"]);
    let orphans: i64 = sql::scalar(
        &conn,
        "SELECT COUNT(*) FROM stories s WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.story_id = s.id)",
        [],
    );
    assert_eq!(orphans, 0);

    // A story whose canonical copy is pruned keeps its other copy, re-pointed.
    let story: i64 = sql::scalar(&conn, "SELECT story_id FROM entries WHERE guid = 'new'", []);
    let feed_id: i64 = sql::scalar(&conn, "SELECT feed_id FROM entries WHERE guid = 'new'", []);
    let copy: i64 = sql::scalar(
        &conn,
        "INSERT INTO entries (feed_id, guid, title, url, fetched_at, changed_at, content_text, raw_hash, story_id)
         VALUES (?, 'copy', 'New news, again', 'https://x.example/copy', '2099-01-01T00:00:00Z', '2099-01-01T00:00:00Z', 'Fresh report about harbors.', 0, ?) RETURNING id",
        [feed_id, story],
    );
    sql::exec(
        &conn,
        "UPDATE entries SET fetched_at = '2020-01-01T00:00:00Z' WHERE guid = 'new'",
        [],
    );
    feedsieve::maintain::prune(&store, Duration::from_secs(30 * 86_400))
        .await
        .unwrap();
    let (canonical, title): (i64, String) = sql::row(
        &conn,
        "SELECT canonical_entry_id, title FROM stories WHERE id = ?",
        [story],
    );
    assert_eq!(canonical, copy);
    assert_eq!(title, "New news, again");
    assert_eq!(titles(&store, "harbors").await, vec!["New news, again"]);

    let report = feedsieve::maintain::vacuum(&store).await.unwrap();
    assert!(report.bytes_after > 0);
}
