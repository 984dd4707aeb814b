//! Other processes on the same database while the real daemon ingests: a
//! user's long read transaction (a `sqlite3` session left open) and an
//! outside writer holding the write lock (an `UPDATE` in sqlite3, or
//! `feedsieve rededup`). The daemon must neither fail nor lose entries, and
//! the reader must keep seeing one consistent snapshot.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use support::{Route, Server, sql};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");
const FEEDS: usize = 8;

fn body(feed: usize, i: usize) -> String {
    let words = [
        "tide", "ferry", "council", "orchard", "signal", "archive", "glacier", "tram", "quarry",
        "lantern", "harvest", "canal",
    ];
    let mut rng = fastrand::Rng::with_seed((feed * 1000 + i) as u64);
    (0..3)
        .map(|_| {
            let p: Vec<&str> = (0..50).map(|_| words[rng.usize(..words.len())]).collect();
            format!("<p>{}</p>", p.join(" "))
        })
        .collect()
}

/// Feed `feed` with `n` entries, titles marked with `rev`.
fn document(feed: usize, n: usize, rev: usize) -> String {
    let items: Vec<(String, String, String)> = (0..n)
        .map(|i| {
            (
                format!("f{feed}-e{i}"),
                format!("f{feed} e{i} rev{rev}"),
                body(feed, i),
            )
        })
        .collect();
    support::rss(&format!("Feed {feed}"), &items)
}

fn publish(server: &Server, n: usize, rev: usize) {
    for f in 0..FEEDS {
        server.route(&format!("/f{f}.xml"), Route::rss(document(f, n, rev)));
    }
}

struct Setup {
    dir: tempfile::TempDir,
    server: Server,
}

impl Setup {
    async fn new() -> Setup {
        let server = Server::start().await;
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from(
            "[storage]\ndatabase = \"feeds.db\"\n[fetch]\ntimeout = \"10s\"\nper_host = 8\n",
        );
        for f in 0..FEEDS {
            text.push_str(&format!(
                "[[feed]]\nurl = \"{}\"\ninterval = \"1s\"\n",
                server.url(&format!("/f{f}.xml"))
            ));
        }
        std::fs::write(dir.path().join("feedsieve.toml"), text).unwrap();
        Setup { dir, server }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("feeds.db")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("daemon.log")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config")
            .arg(self.dir.path().join("feedsieve.toml"))
            .args(args)
            .env_remove("RUST_LOG")
            .env_remove("FEEDSIEVE_DATABASE");
        c
    }

    fn spawn_daemon(&self) -> Child {
        let log = std::fs::File::create(self.log()).unwrap();
        self.cmd(&["-v", "run"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap()
    }

    fn daemon_log(&self) -> String {
        std::fs::read_to_string(self.log()).unwrap_or_default()
    }
}

/// Entry count and a digest of every title, as one connection sees them.
fn snapshot(conn: &Connection) -> (i64, String) {
    sql::row(
        conn,
        "SELECT COUNT(*), COALESCE(group_concat(title, '|'), '')
         FROM (SELECT title FROM entries ORDER BY feed_id, guid)",
        [],
    )
}

async fn wait_for_entries(db: &Path, want: i64, rev: usize, timeout: Duration) {
    let start = Instant::now();
    let marker = format!("%rev{rev}");
    loop {
        let done: i64 = sql::scalar(
            &sql::connect(db),
            "SELECT COUNT(*) FROM entries WHERE title LIKE ?",
            [&marker],
        );
        if done == want {
            return;
        }
        assert!(
            start.elapsed() < timeout,
            "{done} of {want} entries at rev{rev} after {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn assert_healthy(db: &Path, log: &str) {
    let conn = sql::connect(db);
    let errors: Vec<(String, String)> = sql::rows(
        &conn,
        "SELECT url, last_error FROM feeds WHERE last_error IS NOT NULL",
        [],
    );
    assert!(errors.is_empty(), "{errors:?}");
    let integrity: String = sql::scalar(&conn, "PRAGMA integrity_check", []);
    assert_eq!(integrity, "ok");
    let orphans: i64 = sql::scalar(
        &conn,
        "SELECT COUNT(*) FROM entries e WHERE NOT EXISTS
            (SELECT 1 FROM stories s WHERE s.id = e.story_id)",
        [],
    );
    assert_eq!(orphans, 0);
    drop(conn);
    for bad in [
        "cannot store fetch",
        "database is locked",
        "search indexing failed",
    ] {
        assert!(!log.contains(bad), "daemon logged {bad:?}:\n{log}");
    }
}

fn stop(mut daemon: Child) {
    let status = Command::new("kill")
        .args(["-TERM", &daemon.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    loop {
        if let Some(status) = daemon.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no exit on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_read_transaction_neither_blocks_the_daemon_nor_sees_half_its_writes() {
    let s = Setup::new().await;
    publish(&s.server, 10, 0);
    let out = s.cmd(&["run", "--once"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");

    // A user's sqlite3 session: BEGIN, a query, and then it stays open.
    let reader = sql::connect(&s.db());
    reader.execute_batch("BEGIN").unwrap();
    let before = snapshot(&reader);
    assert_eq!(before.0, (FEEDS * 10) as i64);

    publish(&s.server, 30, 1);
    let daemon = s.spawn_daemon();
    let held_since = Instant::now();
    // The daemon stores everything while the read transaction stays open...
    wait_for_entries(&s.db(), (FEEDS * 30) as i64, 1, Duration::from_secs(30)).await;
    // ...and the reader's snapshot has not moved meanwhile.
    assert_eq!(snapshot(&reader), before);
    // Keep reading through a few more of the daemon's rounds (1 s interval)
    // and search-index passes.
    publish(&s.server, 30, 2);
    while held_since.elapsed() < Duration::from_secs(5) {
        assert_eq!(snapshot(&reader), before);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    wait_for_entries(&s.db(), (FEEDS * 30) as i64, 2, Duration::from_secs(30)).await;
    assert_eq!(snapshot(&reader), before);
    reader.execute_batch("COMMIT").unwrap();
    // A new transaction sees the daemon's work, whole.
    let after = snapshot(&reader);
    assert_eq!(after.0, (FEEDS * 30) as i64);
    assert_eq!(after.1.matches("rev2").count(), FEEDS * 30, "{}", after.1);
    drop(reader);

    stop(daemon);
    assert_healthy(&s.db(), &s.daemon_log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outside_writer_holding_the_lock_makes_the_daemon_wait_not_fail() {
    let s = Setup::new().await;
    publish(&s.server, 10, 0);
    let out = s.cmd(&["run", "--once"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");

    // A user's sqlite3: BEGIN IMMEDIATE; UPDATE ...; (then a pause before
    // COMMIT), already holding the lock when the daemon starts.
    let writer = sql::connect(&s.db());
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    sql::exec(
        &writer,
        "UPDATE feeds SET name = 'renamed by hand' WHERE id = 1",
        [],
    );
    publish(&s.server, 20, 1);
    let daemon = s.spawn_daemon();
    tokio::time::sleep(Duration::from_secs(3)).await;
    // Nothing got past the lock: the daemon is waiting, not writing around it.
    let observer = sql::connect(&s.db());
    assert_eq!(snapshot(&observer).0, (FEEDS * 10) as i64);
    writer.execute_batch("COMMIT").unwrap();
    wait_for_entries(&s.db(), (FEEDS * 20) as i64, 1, Duration::from_secs(30)).await;

    // Again mid-run: hold the lock across several of its 1 s rounds.
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    sql::exec(
        &writer,
        "UPDATE feeds SET name = 'renamed again' WHERE id = 2",
        [],
    );
    publish(&s.server, 25, 2);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(snapshot(&observer).0, (FEEDS * 20) as i64);
    writer.execute_batch("COMMIT").unwrap();
    wait_for_entries(&s.db(), (FEEDS * 25) as i64, 2, Duration::from_secs(30)).await;

    // `feedsieve rededup` from another process while the daemon writes.
    publish(&s.server, 30, 3);
    let out = s.cmd(&["rededup"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    wait_for_entries(&s.db(), (FEEDS * 30) as i64, 3, Duration::from_secs(30)).await;
    let names: Vec<Option<String>> =
        sql::column(&observer, "SELECT name FROM feeds ORDER BY id", []);
    // The mid-run edit was committed, not lost under the daemon's writes (the
    // first one was since reset by the daemon's start-up sync with the config).
    assert_eq!(names[1].as_deref(), Some("renamed again"));
    drop(observer);
    drop(writer);

    stop(daemon);
    assert_healthy(&s.db(), &s.daemon_log());
}
