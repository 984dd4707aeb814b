//! Crash safety of the real daemon: SIGKILL at random moments during
//! ingestion, again and again, then prove nothing is half-written.
//!
//! 30 feeds are served from the loopback server, each in numbered versions
//! whose guid sets are known: version `k` carries entries `0..24 + 2k`
//! (newest first, as feeds do) and every entry's title says `rev k`. Between
//! lives the test moves feeds to later versions, so most lives rewrite every
//! entry of several feeds. After every kill, each feed's stored entries must
//! be exactly one served version (the guid set of version `k` and every title
//! at `rev k`): a feed write cut in half would leave a set of guids no
//! version has, or titles of two revisions. Every entry must also have its
//! story, since de-duplication runs inside the same transaction.

mod support;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{Route, Server, sql};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");
const FEEDS: usize = 30;
const MAX_VERSION: usize = 8;
const KILLS: usize = 22;
#[path = "support/shared.rs"]
mod shared;

/// The article benchmark's ground truth, in the shared data folder.
fn ground_truth() -> PathBuf {
    shared::shared_dir().join("bench-data/article-extraction-benchmark/ground-truth.json")
}

fn size_of(version: usize) -> usize {
    24 + 2 * version
}

fn guid(feed: usize, entry: usize) -> String {
    format!("f{feed}-e{entry}")
}

/// Article texts: the benchmark's ground truth when present, else generated.
fn articles() -> Vec<String> {
    let from_file = std::fs::read_to_string(ground_truth())
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| {
            let map = v.as_object()?;
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Some(
                keys.into_iter()
                    .filter_map(|k| map[k]["articleBody"].as_str().map(str::to_string))
                    .filter(|body| body.split_whitespace().count() >= 60)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|v| !v.is_empty());
    from_file.unwrap_or_else(|| {
        eprintln!("{} missing: using generated text", ground_truth().display());
        let words = [
            "council",
            "river",
            "harbour",
            "engineers",
            "budget",
            "winter",
            "library",
            "rail",
            "market",
            "school",
            "storm",
            "museum",
            "bridge",
            "election",
            "orchard",
            "festival",
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        (0..150)
            .map(|_| {
                (0..6)
                    .map(|_| {
                        (0..40)
                            .map(|_| words[rng.usize(..words.len())])
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect::<Vec<_>>()
                    .join(".\n\n")
            })
            .collect()
    })
}

/// Version `version` of feed `feed`: entries newest first.
fn document(articles: &[String], feed: usize, version: usize) -> String {
    let items: Vec<(String, String, String)> = (0..size_of(version))
        .rev()
        .map(|i| {
            let text = &articles[(feed * 3 + i) % articles.len()];
            let body: String = text
                .split("\n\n")
                .map(|p| format!("<p>{}</p>", html_escape(p)))
                .collect();
            (
                guid(feed, i),
                format!("Feed {feed} entry {i} rev {version}"),
                body,
            )
        })
        .collect();
    support::rss(&format!("Feed {feed}"), &items)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn write_config(dir: &Path, server: &Server) -> PathBuf {
    let mut text = String::from(
        "[storage]\ndatabase = \"feeds.db\"\n\n[fetch]\ntimeout = \"10s\"\nconcurrency = 8\nper_host = 8\ndefault_interval = \"1s\"\n",
    );
    for f in 0..FEEDS {
        text.push_str(&format!(
            "\n[[feed]]\nurl = \"{}\"\ninterval = \"1s\"\n",
            server.url(&format!("/f{f}.xml"))
        ));
    }
    let path = dir.join("feedsieve.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Starts the daemon with its sd_notify socket pointed at `notify`.
fn spawn(config: &Path, log: &Path, notify: &Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    Command::new(BIN)
        .arg("--config")
        .arg(config)
        .args(["-v", "run"])
        .env("NOTIFY_SOCKET", notify)
        .env_remove("WATCHDOG_USEC")
        .env_remove("RUST_LOG")
        .env_remove("FEEDSIEVE_DATABASE")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap()
}

/// Something that changes with every committed fetch: the feeds' fetch
/// times and durations (empty before the database exists).
fn fetch_marker(db: &Path) -> String {
    if !db.exists() {
        return String::new();
    }
    sql::connect(db)
        .query_row(
            "SELECT COUNT(last_fetched_at) || '/' || COALESCE(MAX(last_fetched_at), '') || '/' ||
                    COALESCE(SUM(last_duration_ms), 0) || '/' || COALESCE(SUM(consecutive_failures), 0)
             FROM feeds",
            [],
            |row| row.get(0),
        )
        .unwrap_or_default()
}

/// Waits (up to 60 s) until a fetch commits; returns whether one did.
async fn wait_for_commit(db: &Path, before: &str) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if fetch_marker(db) != before {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// Waits up to 30 s for a READY=1 on the notify socket.
fn wait_ready(socket: &std::os::unix::net::UnixDatagram) -> bool {
    let started = std::time::Instant::now();
    let mut buf = [0u8; 256];
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(n) = socket.recv(&mut buf)
            && String::from_utf8_lossy(&buf[..n]).contains("READY=1")
        {
            return true;
        }
    }
    false
}

/// Peak resident set of a live process, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Asserts the database is intact and every feed holds exactly one served
/// version; returns each feed's stored version (None: nothing stored yet).
fn check_consistent(db: &Path, served: &[usize], context: &str) -> HashMap<usize, Option<usize>> {
    let conn = sql::connect(db);
    let integrity: String = sql::scalar(&conn, "PRAGMA integrity_check", []);
    assert_eq!(integrity, "ok", "{context}");
    let fk: Vec<(String, i64)> = sql::rows(&conn, "PRAGMA foreign_key_check", [])
        .into_iter()
        .map(|(t, r, _, _): (String, i64, String, i64)| (t, r))
        .collect();
    assert!(fk.is_empty(), "{context}: foreign key violations {fk:?}");

    let feeds: Vec<(i64, String)> = sql::rows(&conn, "SELECT id, url FROM feeds", []);
    let mut stored = HashMap::new();
    for (id, url) in feeds {
        let feed: usize = url
            .rsplit("/f")
            .next()
            .and_then(|s| s.strip_suffix(".xml"))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("unexpected feed url {url}"));
        let rows: Vec<(String, String)> = sql::rows(
            &conn,
            "SELECT guid, title FROM entries WHERE feed_id = ?",
            [id],
        );
        if rows.is_empty() {
            stored.insert(feed, None);
            continue;
        }
        let revs: BTreeSet<usize> = rows
            .iter()
            .map(|(_, t)| {
                t.rsplit(' ')
                    .next()
                    .and_then(|r| r.parse().ok())
                    .unwrap_or_else(|| panic!("{context}: bad title {t:?}"))
            })
            .collect();
        assert_eq!(
            revs.len(),
            1,
            "{context}: feed {feed} mixes revisions {revs:?}: a write was cut in half"
        );
        let version = *revs.iter().next().unwrap();
        assert!(
            version <= served[feed],
            "{context}: feed {feed} stored rev {version}, never served (at {})",
            served[feed]
        );
        let guids: BTreeSet<String> = rows.into_iter().map(|(g, _)| g).collect();
        let expected: BTreeSet<String> = (0..size_of(version)).map(|i| guid(feed, i)).collect();
        assert_eq!(
            guids, expected,
            "{context}: feed {feed} holds a guid set no served version has"
        );
        stored.insert(feed, Some(version));
    }

    // De-duplication commits with the entries: no entry without its story,
    // no story without entries, every canonical an entry of its story.
    let orphans = sql::scalar::<i64>(
        &conn,
        "SELECT COUNT(*) FROM entries e
         WHERE e.story_id IS NULL OR e.simhash IS NULL
            OR NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = e.story_id)",
        [],
    );
    assert_eq!(orphans, 0, "{context}: entries without a story");
    let empty = sql::scalar::<i64>(
        &conn,
        "SELECT COUNT(*) FROM stories s
         WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.story_id = s.id)
            OR NOT EXISTS (SELECT 1 FROM entries e
                           WHERE e.id = s.canonical_entry_id AND e.story_id = s.id)",
        [],
    );
    assert_eq!(
        empty, 0,
        "{context}: stories without entries or canonical entry"
    );
    stored
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_ingest_never_leaves_a_half_written_feed() {
    let started = Instant::now();
    let articles = articles();
    let docs: Vec<Vec<String>> = (0..FEEDS)
        .map(|f| {
            (0..=MAX_VERSION)
                .map(|v| document(&articles, f, v))
                .collect()
        })
        .collect();
    let server = Server::start().await;
    let mut served = vec![0usize; FEEDS];
    for (f, versions) in docs.iter().enumerate() {
        server.route(&format!("/f{f}.xml"), Route::rss(versions[0].clone()));
    }
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &server);
    let db = dir.path().join("feeds.db");
    let log = dir.path().join("daemon.log");

    let notify_path = dir.path().join("notify.sock");
    let notify = std::os::unix::net::UnixDatagram::bind(&notify_path).unwrap();
    notify
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();

    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let mut previous: HashMap<usize, Option<usize>> = HashMap::new();
    let (mut lives_with_progress, mut peak_kib) = (0usize, 0u64);
    for kill in 0..KILLS {
        // Publish: some feeds move to their next version.
        for f in 0..FEEDS {
            if served[f] < MAX_VERSION && rng.f32() < 0.4 {
                served[f] += 1;
                server.route(
                    &format!("/f{f}.xml"),
                    Route::rss(docs[f][served[f]].clone()),
                );
            }
        }
        let mut daemon = spawn(&config, &log, &notify_path);
        // Kill times count from READY=1 (database open, scheduler running),
        // not from exec, so they land during ingestion however slowly this
        // machine starts the daemon.
        let ready = tokio::task::spawn_blocking({
            let notify = notify.try_clone().unwrap();
            move || wait_ready(&notify)
        })
        .await
        .unwrap();
        assert!(
            ready,
            "daemon never said READY=1:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        // Then wait for this life's first committed fetch, and kill at a
        // random moment after it, while other feeds are still in flight.
        let first_commit = wait_for_commit(&db, &fetch_marker(&db)).await;
        let life = Duration::from_millis(rng.u64(0..800));
        tokio::time::sleep(life).await;
        if let Some(kib) = peak_rss_kib(daemon.id()) {
            peak_kib = peak_kib.max(kib);
        }
        assert!(
            first_commit,
            "no fetch committed within 60 s of READY=1:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        assert!(
            daemon.try_wait().unwrap().is_none(),
            "daemon exited on its own before kill {kill}:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        daemon.kill().unwrap(); // SIGKILL
        daemon.wait().unwrap();
        if !db.exists() {
            continue;
        }
        let stored = check_consistent(
            &db,
            &served,
            &format!("after kill {kill} ({life:?} into its life)"),
        );
        if stored != previous {
            lives_with_progress += 1;
        }
        previous = stored;
    }
    // Every life committed a fetch before its kill (asserted above), so the
    // kills landed while ingestion was under way; some lives must also have
    // written new entries, or only fetch records were ever interrupted.
    assert!(
        lives_with_progress >= 3,
        "only {lives_with_progress} of {KILLS} lives stored new entries"
    );
    let partial = previous
        .values()
        .filter(|v| v.is_none_or(|v| v < MAX_VERSION))
        .count();

    // One clean run of the final versions: everything arrives, once.
    for f in 0..FEEDS {
        served[f] = MAX_VERSION;
        server.route(
            &format!("/f{f}.xml"),
            Route::rss(docs[f][MAX_VERSION].clone()),
        );
    }
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .args(["run", "--once"])
        .env_remove("RUST_LOG")
        .env_remove("FEEDSIEVE_DATABASE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stored = check_consistent(&db, &served, "after the final run --once");
    assert!(
        (0..FEEDS).all(|f| stored.get(&f) == Some(&Some(MAX_VERSION))),
        "{stored:?}"
    );
    let conn = sql::connect(&db);
    let total = sql::scalar::<i64>(&conn, "SELECT COUNT(*) FROM entries", []);
    assert_eq!(total as usize, FEEDS * size_of(MAX_VERSION));
    let duplicates = sql::scalar::<i64>(
        &conn,
        "SELECT COUNT(*) FROM (SELECT feed_id, guid FROM entries
                                GROUP BY feed_id, guid HAVING COUNT(*) > 1)",
        [],
    );
    assert_eq!(duplicates, 0);
    let failing = sql::scalar::<i64>(
        &conn,
        "SELECT COUNT(*) FROM feeds WHERE last_error IS NOT NULL OR last_success_at IS NULL",
        [],
    );
    assert_eq!(failing, 0);
    // Syndicated copies across feeds were grouped, not one story per entry.
    let stories = sql::scalar::<i64>(&conn, "SELECT COUNT(*) FROM stories", []);
    assert!(
        stories > 0 && (stories as usize) < total as usize,
        "{stories} stories"
    );
    // The search queue was worked off by the clean run.
    assert_eq!(
        sql::scalar::<i64>(&conn, "SELECT COUNT(*) FROM search_dirty", []),
        0
    );
    drop(conn);
    eprintln!(
        "{KILLS} SIGKILLs, {lives_with_progress} lives stored something, {partial} feeds behind \
         before the final run; {stories} stories for {total} entries; daemon peak RSS {peak_kib} KiB; {:?}",
        started.elapsed()
    );
}
