//! The WAL under sustained writes: the writer's own commits never
//! checkpoint (that would hold the writer, the serial part of ingestion),
//! so the store checkpoints after each commit, beside the next one. With
//! feeds committing back to back and readers always in the database, the
//! WAL must still stay tens of megabytes however much is written, and
//! closing the store must fold it into the database.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use feedsieve::config::DedupConfig;
use feedsieve::dedup::Deduper;
use feedsieve::pipeline::{ReadyEntry, write_fetch};
use feedsieve::store::{EntryWrite, FetchRecord, Store};

#[path = "support/sql.rs"]
mod sql;

/// About `bytes` of distinct text: random words, so no two entries are copies.
fn text(rng: &mut fastrand::Rng, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 16);
    while out.len() < bytes {
        let len = rng.usize(2..10);
        out.extend((0..len).map(|_| rng.lowercase()));
        out.push(if rng.u8(..) < 20 { '.' } else { ' ' });
    }
    out
}

fn wal_size(db: &std::path::Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map_or(0, |m| m.len())
}

/// One fetch of `feed`: 20 new entries of ~12 KB text each (~36 KB stored).
fn fetch(rng: &mut fastrand::Rng, feed: i64, fetch: usize) -> Vec<ReadyEntry> {
    (0..20)
        .map(|i| {
            let body = text(rng, 12_000);
            let html = format!("<p>{body}</p>");
            ReadyEntry::new(EntryWrite {
                guid: format!("{feed}-{fetch}-{i}"),
                url: Some(format!("https://wal.example/{feed}/{fetch}/{i}")),
                title: Some(format!("Entry {feed} {fetch} {i}")),
                author: None,
                published_at: None,
                updated_at: None,
                content_raw: feedsieve::store::codec::Packed::of(&html),
                content_html: html,
                extras: Default::default(),
                content_text: body,
                raw_hash: i,
                page_wanted: false,
            })
        })
        .collect()
}

/// A successful fetch record, now.
/// Writes one successful fetch of `feed` bringing `entries`.
async fn write(store: &Store, deduper: &Deduper, feed: i64, entries: &[ReadyEntry]) {
    write_fetch(store, deduper, feed, None, &ok_now(), entries, None, None)
        .await
        .unwrap();
}

fn ok_now() -> FetchRecord {
    FetchRecord {
        fetched_at: feedsieve::store::now(),
        next_fetch_at: feedsieve::store::now(),
        status: Some(200),
        ..FetchRecord::default()
    }
}

const FEEDS: i64 = 4;
const FETCHES: usize = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wal_stays_small_under_sustained_writes_and_closing_folds_it_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("feedsieve.db");
    let store = Store::open(&db).await.unwrap();
    let conn = sql::connect(&db);
    let deduper = Arc::new(
        Deduper::load(&store, &DedupConfig::default())
            .await
            .unwrap(),
    );
    let mut feeds = Vec::new();
    for feed in 0..FEEDS {
        let id: i64 = sql::scalar(
            &conn,
            "INSERT INTO feeds (url, added_at) VALUES (?, '2026-01-01T00:00:00Z') RETURNING id",
            [format!("https://wal.example/{feed}/feed")],
        );
        feeds.push(id);
    }

    // A reader always in the database, as the daemon's read-ahead and
    // users' queries are.
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (db, done) = (db.clone(), done.clone());
        std::thread::spawn(move || {
            let conn = sql::connect(&db);
            while !done.load(Ordering::Relaxed) {
                let _: i64 = sql::scalar(&conn, "SELECT COUNT(*) FROM entries", []);
            }
        })
    };
    let largest_wal = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut writers = Vec::new();
    for (n, &feed) in feeds.iter().enumerate() {
        let (store, deduper, db, largest_wal) = (
            store.clone(),
            deduper.clone(),
            db.clone(),
            largest_wal.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut rng = fastrand::Rng::with_seed(n as u64);
            for f in 0..FETCHES {
                let entries = fetch(&mut rng, feed, f);
                write(&store, &deduper, feed, &entries).await;
                largest_wal.fetch_max(wal_size(&db), Ordering::Relaxed);
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    done.store(true, Ordering::Relaxed);
    reader.join().unwrap();

    // ~86 MB of entries went through the WAL (4 × 30 fetches × 20 entries
    // × ~36 KB); without the store's checkpoints, or when they never let
    // the WAL start over, it holds all of them.
    let largest_wal = largest_wal.load(Ordering::Relaxed);
    assert!(largest_wal < 48 << 20, "WAL grew to {largest_wal} bytes");
    let entries: i64 = sql::scalar(&conn, "SELECT COUNT(*) FROM entries", []);
    assert_eq!(entries, FEEDS * FETCHES as i64 * 20);

    // The test's own connection first: the last one to close folds the WAL in.
    drop(conn);
    store.close().await;
    assert_eq!(wal_size(&db), 0, "closing left the WAL behind");
    let conn = sql::opened(&db).await;
    let entries: i64 = sql::scalar(&conn, "SELECT COUNT(*) FROM entries", []);
    assert_eq!(entries, FEEDS * FETCHES as i64 * 20);
}

/// A reader left inside a transaction (sqlite3 with a BEGIN open) keeps the
/// WAL from starting over. The checkpoint that tries holds the writer, and
/// must give up quickly rather than stall every feed for the busy timeout
/// (30 s) each time; once the reader leaves, the WAL starts over and its
/// file is cut back to `journal_size_limit` (64 MB).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_left_open_does_not_stall_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("feedsieve.db");
    let store = Store::open(&db).await.unwrap();
    let deduper = Deduper::load(&store, &DedupConfig::default())
        .await
        .unwrap();
    let feed: i64 = sql::scalar(
        &sql::connect(&db),
        "INSERT INTO feeds (url, added_at) VALUES ('https://wal.example/feed', '2026-01-01T00:00:00Z') RETURNING id",
        [],
    );
    let reader = sql::connect(&db);
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = sql::scalar(&reader, "SELECT COUNT(*) FROM entries", []);

    let mut rng = fastrand::Rng::with_seed(11);
    let mut slowest = std::time::Duration::ZERO;
    let mut write = async |f: usize, slowest: &mut std::time::Duration| {
        let entries = fetch(&mut rng, feed, f);
        let started = std::time::Instant::now();
        write(&store, &deduper, feed, &entries).await;
        *slowest = (*slowest).max(started.elapsed());
    };
    // ~80 MB with the reader in: the WAL holds all of it.
    for f in 0..112 {
        write(f, &mut slowest).await;
    }
    let pinned = wal_size(&db);
    assert!(
        pinned > 64 << 20,
        "the reader did not keep the WAL: {pinned}"
    );
    assert!(
        slowest < std::time::Duration::from_secs(10),
        "a write waited {slowest:?} for the reader"
    );

    reader.execute_batch("COMMIT").unwrap();
    // ~40 MB more: enough for another RESTART try, which now succeeds.
    for f in 112..168 {
        write(f, &mut slowest).await;
    }
    let after = wal_size(&db);
    assert!(
        after <= 65 << 20,
        "the WAL did not start over: {after} bytes"
    );
}

/// The bundled SQLite is built as `.cargo/config.toml` asks: without the
/// page cache shared by all connections behind one mutex, and without the
/// memory statistics' mutex, both of which the writer queued on while other
/// feeds read ahead. A build that lost the setting (the file moved, an
/// `[env]` override) fails here rather than silently slowing ingestion.
#[test]
fn sqlite_is_built_without_the_process_wide_mutexes() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    let options: Vec<String> = conn
        .prepare("PRAGMA compile_options")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "{options:?}"
    );
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{options:?}"
    );
    // Both still threadsafe: the writer, the readers and other threads' connections share it.
    assert!(options.iter().any(|o| o == "THREADSAFE=1"), "{options:?}");
}
