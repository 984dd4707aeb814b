//! Whose feed list applies in a fleet on one PostgreSQL database (issue 19),
//! and what a daemon fetches of it, against real parts: the real binary, a
//! throwaway PostgreSQL and feeds served over HTTP on 127.0.0.1.
//!
//! * A feed that only a daemon since killed listed is fetched by another
//!   daemon, whose older file never listed it, with the settings of the list
//!   that added it (its filter); a feed's credentials never reach the
//!   database, and only a daemon that has them fetches it.
//! * `run --once` waits for a feed another daemon holds only so long (its
//!   lease plus its fetch timeout), then names it and fails.
//! * A fetch that brings nothing new is recorded while another transaction
//!   holds the fleet's write lock (a fetch with a new entry waits for it),
//!   and its lease's fencing still holds: a lost lease's write is refused.

mod support;

use std::process::{Child, Stdio};
use std::time::Duration;

use support::pg;
use support::{Route, Server};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

/// How long a test waits for what a daemon does before it fails.
const WAIT: Duration = Duration::from_secs(30);

fn daemon(config: &std::path::Path) -> Child {
    support::spawn_daemon(BIN, config, Stdio::null())
}

fn stop(mut child: Child) {
    support::signal(&child, "TERM");
    child.wait().unwrap();
}

/// A feed list file: `[fetch]` settings for a fleet that moves fast, then
/// `feeds` as written.
fn write_config(path: &std::path::Path, database: &str, fetch: &str, feeds: &str) {
    let text = format!(
        "[storage]\ndatabase = \"{database}\"\n[fetch]\ndefault_interval = \"1s\"\n\
         lease = \"2s\"\nfull_text = \"never\"\n{fetch}\n{feeds}"
    );
    // Renamed into place: a daemon watching the folder never reads half a file.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// A `[[feed]]` table for each URL.
fn feed_tables(urls: &[String]) -> String {
    urls.iter()
        .map(|url| format!("[[feed]]\nurl = \"{url}\"\n"))
        .collect()
}

fn item(guid: &str, title: &str) -> (String, String, String) {
    (
        guid.to_string(),
        title.to_string(),
        format!("<p>{title}: an item of its own, with words that no other item has.</p>"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_only_a_dead_daemon_listed_is_fetched_by_another_with_its_lists_settings() {
    let server = Server::start().await;
    let common = [item("c1", "Common one")];
    server.route("/common.xml", Route::rss(support::rss("Common", &common)));
    server.route(
        "/x.xml",
        Route::rss(support::rss("X", &[item("x1", "X first")])),
    );
    const SECRET: &str = "s3cret-key-value";
    server.route(
        "/members.xml",
        Route::rss(support::rss("Members", &[item("m1", "Members first")])),
    );
    let db = pg::database();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.toml"), dir.path().join("b.toml"));
    let common_feed = format!("[[feed]]\nurl = \"{}\"\n", server.url("/common.xml"));
    // B's file, applied first, lists only the common feed.
    write_config(&b, &db.url, "", &common_feed);
    let daemon_b = daemon(&b);
    let fetched = |feed: &str| {
        pg::value(
            &db.url,
            &format!(
                "SELECT last_fetched_at FROM feeds WHERE url LIKE '%/{feed}' AND enabled \
                 AND last_fetched_at IS NOT NULL"
            ),
        )
    };
    support::wait_until("B fetched its feed", WAIT, || {
        !fetched("common.xml").is_empty()
    })
    .await;
    // A's file is newer and adds X (with a filter) and a feed behind a key.
    let a_feeds = format!(
        "{common_feed}[[feed]]\nurl = \"{}\"\nname = \"Ex\"\n\
         [feed.filter.drop]\ntitle = [\"(?i)sponsored\"]\n\
         [[feed]]\nurl = \"{}\"\nheaders = {{ \"X-Api-Key\" = \"{SECRET}\" }}\n",
        server.url("/x.xml"),
        server.url("/members.xml"),
    );
    write_config(&a, &db.url, "", &a_feeds);
    let mut daemon_a = daemon(&a);
    support::wait_until("A's list applied and its feeds fetched", WAIT, || {
        !fetched("x.xml").is_empty() && !fetched("members.xml").is_empty()
    })
    .await;
    // Only names of secret headers are stored, never their values.
    let settings = pg::value(&db.url, "SELECT string_agg(settings, ' ') FROM feeds");
    assert!(settings.contains("X-Api-Key"), "{settings}");
    assert!(!settings.contains(SECRET), "{settings}");

    // A dies; X changes. B, whose file never listed X, fetches it as A's
    // list says: the sponsored item dropped by X's own filter.
    daemon_a.kill().unwrap();
    daemon_a.wait().unwrap();
    let members_hits = server.hits("/members.xml");
    server.route(
        "/x.xml",
        Route::rss(support::rss(
            "X",
            &[
                item("x1", "X first"),
                item("x2", "X second"),
                item("x3", "Sponsored: X third"),
            ],
        )),
    );
    let stored = |guid: &str| {
        pg::value(
            &db.url,
            &format!("SELECT COUNT(*)::text FROM entries WHERE guid = '{guid}'"),
        ) == "1"
    };
    support::wait_until("B fetched X", WAIT, || stored("x2")).await;
    assert!(!stored("x3"));
    let dropped = pg::value(
        &db.url,
        "SELECT reason FROM filtered_entries WHERE guid = 'x3'",
    );
    assert!(dropped.contains("sponsored"), "{dropped:?}");
    assert_eq!(
        pg::value(&db.url, "SELECT name FROM feeds WHERE url LIKE '%/x.xml'"),
        "Ex"
    );
    // B has no key for the members' feed: it leaves it to a daemon that has
    // one, and never asks for it without the key.
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop(daemon_b);
    let members = server.requests_to("/members.xml");
    assert_eq!(members.len(), members_hits, "only A ever fetched it");
    assert!(
        members
            .iter()
            .all(|r| r.header("x-api-key") == Some(SECRET))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_once_waits_for_a_feed_another_daemon_holds_only_for_its_bound_then_names_it() {
    let server = Server::start().await;
    server.route(
        "/ok.xml",
        Route::rss(support::rss("Ok", &[item("ok1", "Ok first")])),
    );
    // Its fetch never ends before the holder's own 60 s deadline.
    server.route("/hang.xml", Route::Hang);
    let db = pg::database();
    let dir = tempfile::tempdir().unwrap();
    let feeds = feed_tables(&[server.url("/hang.xml"), server.url("/ok.xml")]);
    let holder_config = dir.path().join("holder.toml");
    write_config(&holder_config, &db.url, "timeout = \"60s\"", &feeds);
    let holder = daemon(&holder_config);
    support::wait_until("the holder fetching the hanging feed", WAIT, || {
        server.hits("/hang.xml") == 1 && server.hits("/ok.xml") >= 1
    })
    .await;
    // Same list (a copy of the file: the database follows the list applied).
    let once_config = dir.path().join("once.toml");
    write_config(&once_config, &db.url, "timeout = \"2s\"", &feeds);
    let ok_hits = server.hits("/ok.xml");
    let out = support::run_binary(
        BIN,
        vec![
            "--config".into(),
            once_config.display().to_string(),
            "run".into(),
            "--once".into(),
        ],
    )
    .await;
    let text = support::text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains(&server.url("/hang.xml")), "{text}");
    assert!(!text.contains(&server.url("/ok.xml")), "{text}");
    assert!(text.contains("1 feed not fetched"), "{text}");
    // It fetched the other feed itself; the hanging one only the holder
    // asked for, once, still in flight.
    assert!(server.hits("/ok.xml") > ok_hits, "{text}");
    assert_eq!(server.hits("/hang.xml"), 1, "{text}");
    stop(holder);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_fetches_are_recorded_while_the_fleets_write_lock_is_held_and_new_entries_wait() {
    let server = Server::start().await;
    let first = [item("s1", "Same first")];
    // One feed answers 304 to its validator, one the same bytes again.
    server.route(
        "/tagged.xml",
        Route::rss(support::rss("Tagged", &first)).header("ETag", "\"v1\""),
    );
    server.route("/same.xml", Route::rss(support::rss("Same", &first)));
    let db = pg::database();
    let dir = tempfile::tempdir().unwrap();
    let feeds = feed_tables(&[server.url("/tagged.xml"), server.url("/same.xml")]);
    let config = dir.path().join("feedsieve.toml");
    write_config(&config, &db.url, "", &feeds);
    let running = daemon(&config);
    let fetches = || {
        pg::value(
            &db.url,
            "SELECT string_agg(last_fetched_at, ' ' ORDER BY id) FROM feeds",
        )
    };
    let entries = || pg::value(&db.url, "SELECT COUNT(*)::text FROM entries");
    support::wait_until("both feeds stored", WAIT, || entries() == "2").await;

    // Another writer holds the fleet's write lock (a transaction of the
    // store's own kind), from a thread of its own, until told to end.
    let store = feedsieve::store::Store::open(std::path::Path::new(&db.url))
        .await
        .unwrap();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        feedsieve::store::write_alone_db(&store, move |_db| {
            locked_tx.send(()).unwrap();
            release_rx.recv().unwrap();
            Ok::<_, feedsieve::store::StoreError>(())
        })
        .unwrap();
    });
    locked_rx.recv().unwrap();
    // Both unchanged feeds are polled and recorded again, twice, meanwhile.
    let before = fetches();
    support::wait_until("an unchanged poll recorded", WAIT, || fetches() != before).await;
    let again = fetches();
    support::wait_until("unchanged polls recorded again", WAIT, || {
        fetches() != again
    })
    .await;
    let tagged = server.requests_to("/tagged.xml");
    assert!(
        tagged
            .iter()
            .any(|r| r.header("if-none-match") == Some("\"v1\"")),
        "{tagged:?}"
    );
    // A new entry waits for the lock.
    server.route(
        "/same.xml",
        Route::rss(support::rss(
            "Same",
            &[item("s1", "Same first"), item("s2", "Same second")],
        )),
    );
    let hits = server.hits("/same.xml");
    support::wait_until("the new entry fetched", WAIT, || {
        server.hits("/same.xml") > hits
    })
    .await;
    // Its write waits for the lock (unlocked, it would land in milliseconds).
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(entries(), "2");
    release_tx.send(()).unwrap();
    holder.join().unwrap();
    support::wait_until("the new entry stored once the lock is free", WAIT, || {
        entries() == "3"
    })
    .await;
    stop(running);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_fetchs_write_under_a_lost_lease_is_refused() {
    let db = pg::database();
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("feedsieve.toml");
    write_config(
        &config_path,
        &db.url,
        "",
        "[[feed]]\nurl = \"http://127.0.0.1:9/never.xml\"\n",
    );
    let config = feedsieve::config::load(&config_path).unwrap();
    let pipeline = feedsieve::pipeline::Pipeline::new(&config).await.unwrap();
    let store = &pipeline.store;
    let feed_id = store.sync_feeds(&config.feeds).await.unwrap()[0].id;
    let first = store.join_fleet(2).unwrap().unwrap();
    let second = store.join_fleet(2).unwrap().unwrap();
    let ttl = Duration::from_secs(1);
    let lost = store.claim_feeds(&first, &[feed_id], ttl).unwrap();
    assert_eq!(lost.len(), 1);
    // It runs out; another daemon takes the feed.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let taken = store.claim_feeds(&second, &[feed_id], ttl).unwrap();
    assert_eq!(taken.len(), 1);
    let record = |at: &str| feedsieve::store::FetchRecord {
        fetched_at: at.to_string(),
        status: Some(304),
        next_fetch_at: "2100-01-01T00:00:00Z".to_string(),
        ..Default::default()
    };
    let fetched_at = || {
        pg::value(
            &db.url,
            &format!("SELECT last_fetched_at FROM feeds WHERE id = {feed_id}"),
        )
    };
    let write = |claim: &feedsieve::store::Claim, at: &str| {
        let record = record(at);
        let claim = claim.clone();
        let pipeline = &pipeline;
        async move {
            feedsieve::pipeline::write_fetch(
                &pipeline.store,
                &pipeline.deduper,
                feed_id,
                Some(&claim),
                &record,
                &[],
                None,
                None,
            )
            .await
        }
    };
    let refused = write(&lost[0], "2030-01-01T00:00:00Z").await;
    assert!(
        feedsieve::leasing::claim_lost(refused.as_ref().unwrap_err()),
        "{refused:?}"
    );
    assert_eq!(fetched_at(), "", "the lost lease's record was rolled back");
    write(&taken[0], "2030-01-02T00:00:00Z").await.unwrap();
    assert_eq!(fetched_at(), "2030-01-02T00:00:00Z");
}
