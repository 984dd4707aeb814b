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
use feedsieve::dedup::fingerprint::Analysis;
use feedsieve::store::{EntryWrite, FetchRecord, Store};

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
fn fetch(rng: &mut fastrand::Rng, feed: i64, fetch: usize) -> Vec<EntryWrite> {
    (0..20)
        .map(|i| {
            let body = text(rng, 12_000);
            let html = format!("<p>{body}</p>");
            EntryWrite {
                guid: format!("{feed}-{fetch}-{i}"),
                url: Some(format!("https://wal.example/{feed}/{fetch}/{i}")),
                title: Some(format!("Entry {feed} {fetch} {i}")),
                author: None,
                published_at: None,
                updated_at: None,
                content_raw: html.clone(),
                content_html: html,
                analysis: Arc::new(Analysis::of(&body)),
                content_text: body,
                raw_hash: i,
            }
        })
        .collect()
}

const FEEDS: i64 = 4;
const FETCHES: usize = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wal_stays_small_under_sustained_writes_and_closing_folds_it_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("feedsieve.db");
    let store = Store::open(&db).await.unwrap();
    let deduper = Arc::new(
        Deduper::load(&store.pool, &DedupConfig::default())
            .await
            .unwrap(),
    );
    let mut feeds = Vec::new();
    for feed in 0..FEEDS {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO feeds (url, added_at) VALUES (?, '2026-01-01T00:00:00Z') RETURNING id",
        )
        .bind(format!("https://wal.example/{feed}/feed"))
        .fetch_one(&store.pool)
        .await
        .unwrap();
        feeds.push(id);
    }

    // A reader always in the database, as the daemon's read-ahead and
    // users' queries are.
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (pool, done) = (store.pool.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let _: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM entries")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
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
                let record = FetchRecord {
                    fetched_at: feedsieve::store::now(),
                    next_fetch_at: feedsieve::store::now(),
                    status: Some(200),
                    ..FetchRecord::default()
                };
                store
                    .write_fetch(feed, &record, &entries, None, &deduper)
                    .await
                    .unwrap();
                largest_wal.fetch_max(wal_size(&db), Ordering::Relaxed);
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    done.store(true, Ordering::Relaxed);
    reader.await.unwrap();

    // ~86 MB of entries went through the WAL (4 × 30 fetches × 20 entries
    // × ~36 KB); without the store's checkpoints, or when they never let
    // the WAL start over, it holds all of them.
    let largest_wal = largest_wal.load(Ordering::Relaxed);
    assert!(largest_wal < 48 << 20, "WAL grew to {largest_wal} bytes");
    let (entries,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM entries")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(entries, FEEDS * FETCHES as i64 * 20);

    store.close().await;
    assert_eq!(wal_size(&db), 0, "closing left the WAL behind");
    let pool = feedsieve::store::open(&db).await.unwrap();
    let (entries,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM entries")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(entries, FEEDS * FETCHES as i64 * 20);
}
