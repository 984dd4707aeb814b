//! A full disk under the real daemon: the database lives on a small tmpfs
//! (mounted by the test; tests run as root), which is then filled up. The
//! daemon must log a clear error, keep running and retrying, leave no
//! corruption and no half-written feed, and catch up once space returns.
//!
//! Where `mount` is impossible (not root, no CAP_SYS_ADMIN) the test says so
//! and returns: there is no other way to make a real disk full.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{Route, Server, sql};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");
const FEEDS: usize = 4;

/// A tmpfs mounted for the test's lifetime.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the filesystem of `dir` until it refuses another byte.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![0x55u8; 64 * 1024];
    while file.write_all(&block).is_ok() {}
    let small = [0x55u8; 512];
    while file.write_all(&small).is_ok() {}
    let _ = file.sync_all();
    path
}

fn document(feed: usize, n: usize, rev: usize) -> String {
    let words = [
        "pressure", "valve", "turbine", "estuary", "dockyard", "ledger", "furnace", "meadow",
        "beacon", "granary", "viaduct", "pylon",
    ];
    let items: Vec<(String, String, String)> = (0..n)
        .map(|i| {
            let mut rng = fastrand::Rng::with_seed((feed * 1000 + i) as u64);
            let body: String = (0..6)
                .map(|_| {
                    let p: Vec<&str> = (0..80).map(|_| words[rng.usize(..words.len())]).collect();
                    format!("<p>{}</p>", p.join(" "))
                })
                .collect();
            (
                format!("f{feed}-e{i}"),
                format!("f{feed} e{i} rev{rev}"),
                body,
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

/// Per feed: (entries, distinct title revisions).
fn feed_state(db: &Path) -> Vec<(i64, i64)> {
    let conn = sql::connect(db);
    let integrity: String = sql::scalar(&conn, "PRAGMA integrity_check", []);
    assert_eq!(integrity, "ok");
    sql::rows(
        &conn,
        "SELECT COUNT(e.id), COUNT(DISTINCT substr(e.title, instr(e.title, 'rev')))
         FROM feeds f LEFT JOIN entries e ON e.feed_id = f.id GROUP BY f.id ORDER BY f.id",
        [],
    )
}

async fn wait_until(what: &str, timeout: Duration, mut check: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn alive(daemon: &mut Child, log: &Path) {
    assert!(
        daemon.try_wait().unwrap().is_none(),
        "the daemon exited:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_logged_retried_and_recovered_from_without_damage() {
    let dir = tempfile::tempdir().unwrap();
    let _disk = match Tmpfs::mount(&dir.path().join("disk"), "16m") {
        Ok(disk) => disk,
        Err(why) => {
            eprintln!("SKIPPED: cannot mount a tmpfs to fill up ({why})");
            return;
        }
    };
    let server = Server::start().await;
    let mut text = String::from(
        "[storage]\ndatabase = \"disk/feeds.db\"\n[fetch]\ntimeout = \"10s\"\nper_host = 4\n",
    );
    for f in 0..FEEDS {
        text.push_str(&format!(
            "[[feed]]\nurl = \"{}\"\ninterval = \"1s\"\n",
            server.url(&format!("/f{f}.xml"))
        ));
    }
    let config = dir.path().join("feedsieve.toml");
    std::fs::write(&config, text).unwrap();
    let db = dir.path().join("disk/feeds.db");
    let log = dir.path().join("daemon.log");

    publish(&server, 5, 0);
    let mut daemon = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .args(["-v", "run"])
        .env_remove("RUST_LOG")
        .env_remove("FEEDSIEVE_DATABASE")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    wait_until("first entries", Duration::from_secs(20), async || {
        db.exists() && feed_state(&db) == vec![(5, 1); FEEDS]
    })
    .await;

    // The disk fills up; then every feed publishes far more than fits.
    let filler = fill(&dir.path().join("disk"));
    publish(&server, 40, 1);
    let read_log = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_until("the disk-full error", Duration::from_secs(20), async || {
        read_log().matches("database or disk is full").count() >= FEEDS
    })
    .await;
    // Retried on the feeds' 1 s interval, not given up, not exited.
    let seen = read_log().matches("cannot store fetch").count();
    tokio::time::sleep(Duration::from_secs(3)).await;
    alive(&mut daemon, &log);
    assert!(
        read_log().matches("cannot store fetch").count() > seen,
        "no retry:\n{}",
        read_log()
    );
    let full = read_log();
    let line = full
        .lines()
        .find(|l| l.contains("cannot store fetch"))
        .unwrap()
        .to_string();
    assert!(
        line.contains("/f") && line.contains("retry_in_secs=1"),
        "the error names the feed and when it retries: {line}"
    );
    // Nothing half-written, nothing corrupt while full: every feed still has
    // its 5 old entries (a feed that squeezed in has all 40 of the new ones).
    for (count, revs) in feed_state(&db) {
        assert!(
            (count == 5 || count == 40) && revs == 1,
            "{count} entries, {revs} revisions"
        );
    }

    // Space returns: everything arrives without a restart.
    std::fs::remove_file(&filler).unwrap();
    let start = Instant::now();
    loop {
        let state = feed_state(&db);
        if state == vec![(40, 1); FEEDS] {
            break;
        }
        let log = read_log();
        let tail: Vec<&str> = log.lines().rev().take(12).collect();
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no recovery once space returned: {state:?}\n{}",
            tail.join("\n")
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let conn = sql::connect(&db);
    let (errors, orphans): (i64, i64) = sql::row(
        &conn,
        "SELECT (SELECT COUNT(*) FROM feeds WHERE last_error IS NOT NULL),
                (SELECT COUNT(*) FROM entries WHERE story_id IS NULL
                   OR story_id NOT IN (SELECT id FROM stories))",
        [],
    );
    assert_eq!((errors, orphans), (0, 0));
    let rev1: i64 = sql::scalar(
        &conn,
        "SELECT COUNT(*) FROM entries WHERE title LIKE '%rev1'",
        [],
    );
    assert_eq!(rev1, (FEEDS * 40) as i64);
    drop(conn);

    alive(&mut daemon, &log);
    Command::new("kill")
        .args(["-TERM", &daemon.id().to_string()])
        .status()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = daemon.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no exit on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}\n{}", read_log());
    assert_eq!(feed_state(&db), vec![(40, 1); FEEDS]);
}
