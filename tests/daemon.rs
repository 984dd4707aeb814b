//! End-to-end tests of the real `feedsieve` binary: the command line, the
//! daemon's reload of an edited feed list, and a clean exit on SIGTERM.
//! Feeds are local files, so these tests need no server.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use http::{free_address, http_get};

#[path = "support/http.rs"]
mod http;
#[path = "support/sql.rs"]
mod sql;

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

fn rss(title: &str, items: &[(&str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, body)| {
            format!("<item><guid>{guid}</guid><title>{guid}</title><description>&lt;p&gt;{body}&lt;/p&gt;</description></item>")
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>{items}</channel></rss>"
    )
}

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        Setup {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }
    fn config(&self, feeds: &[&str]) {
        let mut text = String::from(
            "[storage]\ndatabase = \"state/f.db\"\n[fetch]\ndefault_interval = \"1h\"\n",
        );
        for f in feeds {
            text.push_str(&format!("[[feed]]\nurl = \"file://{f}\"\n"));
        }
        // Write then rename, as editors do, so the daemon never reads half a file.
        self.write("feedsieve.toml.tmp", &text);
        std::fs::rename(self.path("feedsieve.toml.tmp"), self.path("feedsieve.toml")).unwrap();
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config")
            .arg(self.path("feedsieve.toml"))
            .args(args);
        c.env_remove("FEEDSIEVE_CONFIG").env_remove("RUST_LOG");
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }
    fn spawn_daemon(&self) -> Child {
        self.cmd(&["-v", "run"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }
    /// Runs a one-column query the way `sqlite3` would print it (rows on
    /// lines, NULL as nothing), read-only, so the tests need no sqlite3
    /// binary; nothing before the database and its tables exist.
    fn query(&self, query: &str) -> String {
        let Ok(conn) = sql::connect_read_only(&self.path("state/f.db")) else {
            return String::new();
        };
        sql::printed(&conn, query)
            .unwrap_or_default()
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn signal(child: &Child, sig: &str) {
    let status = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

fn stderr_of(child: Child) -> (std::process::ExitStatus, String) {
    let out = child.wait_with_output().unwrap();
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn wait_exit(child: &mut Child, timeout: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            panic!("daemon did not exit within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn check_reports_each_problem_with_file_line_col() {
    let s = Setup::new();
    s.write(
        "feedsieve.toml",
        "[fetch]\ntimeout = \"soon\"\n\n[[feed]]\nurl = \"gopher://x.example/\"\n",
    );
    let out = s.run(&["check"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let file = s.path("feedsieve.toml").display().to_string();
    assert!(err.contains(&format!("{file}:2:11: timeout")), "{err}");
    assert!(
        err.contains(&format!("{file}:5:7: unsupported scheme")),
        "{err}"
    );

    s.config(&["a.xml"]);
    let out = s.run(&["check"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok (1 feeds"));
}

#[test]
fn run_once_stores_entries_and_exits_zero_even_when_a_feed_fails() {
    let s = Setup::new();
    s.write("a.xml", &rss("A", &[("a1", "first"), ("a2", "second")]));
    s.write("broken.xml", "<rss><channel><item><title>cut off");
    s.config(&["a.xml", "broken.xml", "missing.xml"]);
    let out = s.run(&["run", "--once"]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("fetched 3 feeds: 2 failed, 2 new entries"),
        "{stdout}"
    );
    assert_eq!(s.query("SELECT COUNT(*) FROM entries"), "2");
    assert_eq!(
        s.query("SELECT COUNT(*) FROM entries WHERE story_id IS NULL"),
        "0"
    );
    let errors = s.query(
        "SELECT url || ' => ' || last_error FROM feeds WHERE last_error IS NOT NULL ORDER BY url",
    );
    assert!(
        errors.contains("broken.xml => not a valid feed"),
        "{errors}"
    );
    assert!(errors.contains("missing.xml => cannot read"), "{errors}");

    // `feeds` shows the same from the user's side.
    let out = s.run(&["feeds"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.lines().next().unwrap().starts_with("NAME"), "{table}");
    assert!(table.contains("not a valid feed"), "{table}");
    let out = s.run(&["feeds", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
}

#[test]
fn unusable_config_or_database_is_a_nonzero_exit_with_a_message() {
    let s = Setup::new();
    let out = s.run(&["run", "--once"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read config file"));

    // The database path is a directory: it cannot be opened.
    s.write("feedsieve.toml", "[storage]\ndatabase = \"dbdir\"\n");
    std::fs::create_dir(s.path("dbdir")).unwrap();
    let out = s.run(&["run", "--once"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot open database"),
        "{out:?}"
    );
}

#[test]
fn config_falls_back_to_the_environment_variable() {
    let s = Setup::new();
    s.config(&[]);
    let out = Command::new(BIN)
        .arg("check")
        .env("FEEDSIEVE_CONFIG", s.path("feedsieve.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn daemon_follows_edits_of_the_feed_list_and_exits_zero_on_sigterm() {
    let s = Setup::new();
    s.write("a.xml", &rss("A", &[("a1", "one")]));
    s.write("b.xml", &rss("B", &[("b1", "two"), ("b2", "three")]));
    s.config(&["a.xml"]);
    let mut daemon = s.spawn_daemon();
    let db = s.path("state/f.db");
    wait_for("feed a", Duration::from_secs(20), || {
        db.exists() && s.query("SELECT COUNT(*) FROM entries") == "1"
    });

    // Added while running: fetched within seconds, without a restart.
    s.config(&["a.xml", "b.xml"]);
    wait_for("feed b after the edit", Duration::from_secs(10), || {
        s.query("SELECT COUNT(*) FROM entries") == "3"
    });

    // An invalid edit keeps the last good config running.
    s.write(
        "feedsieve.toml",
        "[[feed]]\nurl = \"file://a.xml\"\nintervall = \"5m\"\n",
    );
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        daemon.try_wait().unwrap().is_none(),
        "daemon exited on a bad edit"
    );
    assert_eq!(s.query("SELECT COUNT(*) FROM feeds WHERE enabled = 1"), "2");

    // Removed: the feed is disabled (its history kept).
    s.config(&["b.xml"]);
    wait_for("feed a disabled", Duration::from_secs(10), || {
        s.query("SELECT enabled FROM feeds WHERE url LIKE '%a.xml'") == "0"
    });
    assert_eq!(s.query("SELECT COUNT(*) FROM entries"), "3");

    signal(&daemon, "TERM");
    let status = wait_exit(&mut daemon, Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    let (_, log) = stderr_of(daemon);
    assert!(
        log.contains("intervall"),
        "bad edit not logged with its key:\n{log}"
    );
    assert!(
        log.contains(":3:1"),
        "bad edit not logged with line:col:\n{log}"
    );
    assert!(log.contains("stopped"), "{log}");
}

#[test]
fn sighup_reloads_and_sigint_stops() {
    let s = Setup::new();
    s.write("a.xml", &rss("A", &[("a1", "one")]));
    s.config(&[]);
    let mut daemon = s.spawn_daemon();
    let db = s.path("state/f.db");
    wait_for("database", Duration::from_secs(20), || db.exists());
    // Change the file behind the watcher's back: write it elsewhere, then
    // signal. (The watcher would also see this; SIGHUP must work alone too.)
    let text = format!(
        "[storage]\ndatabase = \"state/f.db\"\n[[feed]]\nurl = \"file://{}\"\n",
        Path::new("a.xml").display()
    );
    s.write("feedsieve.toml", &text);
    signal(&daemon, "HUP");
    wait_for("feed a after SIGHUP", Duration::from_secs(10), || {
        s.query("SELECT COUNT(*) FROM entries") == "1"
    });
    signal(&daemon, "INT");
    assert!(wait_exit(&mut daemon, Duration::from_secs(10)).success());
}

#[test]
fn stories_lists_each_story_with_the_feeds_that_carried_it_and_rededup_regroups() {
    let s = Setup::new();
    let wire = "The city council voted on Tuesday to convert three downtown parking garages into year-round housing, \
                a plan that supporters say will add nearly four hundred apartments within five years. The garages, \
                built in the seventies, have averaged less than half occupancy since the pandemic, according to a \
                report by the planning office. Converting them will cost an estimated ninety million dollars.";
    let other = "A storm expected to bring up to a foot of snow to inland towns on Thursday prompted school closures \
                 in three counties, the weather service said. Forecasters said coastal towns would see mostly rain, \
                 though gusts could reach fifty miles per hour along exposed shores and bridges may close.";
    s.write("a.xml", &rss("A", &[("a1", wire)]));
    s.write("b.xml", &rss("B", &[("b1", wire), ("b2", other)]));
    s.config(&["a.xml", "b.xml"]);
    assert!(s.run(&["run", "--once"]).status.success());

    let out = s.run(&["stories", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let stories: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stories = stories.as_array().unwrap();
    assert_eq!(stories.len(), 2, "{stories:?}");
    let carried: Vec<usize> = stories
        .iter()
        .map(|s| s["feeds"].as_array().unwrap().len())
        .collect();
    assert!(carried.contains(&2) && carried.contains(&1), "{stories:?}");

    let out = s.run(&["stories", "--since", "1h"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(table.lines().count(), 3, "{table}");
    assert!(table.lines().next().unwrap().contains("CARRIED BY"));

    let out = s.run(&["rededup"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("regrouped 3 entries into 2 stories"),
        "{out:?}"
    );
    assert_eq!(
        s.query("SELECT COUNT(*) FROM entries WHERE story_id IS NULL OR simhash IS NULL"),
        "0"
    );
}

#[test]
fn preview_shows_removed_blocks_with_reasons_and_writes_nothing() {
    let s = Setup::new();
    let body = "The harbor commission approved a new ferry schedule on Monday after months of complaints from island residents. \
                &lt;/p&gt;&lt;p&gt;Advertisement&lt;/p&gt;&lt;p&gt;The new schedule adds an early crossing for commuters.";
    s.write("a.xml", &rss("A", &[("a1", body)]));
    s.config(&["a.xml"]);
    let out = s.run(&["preview", "--json", s.path("a.xml").to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        !s.path("state/f.db").exists(),
        "preview created the database"
    );
    let preview: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entry = &preview["entries"][0];
    let text = entry["text"].as_str().unwrap();
    assert!(text.contains("early crossing for commuters"), "{text}");
    assert!(!text.contains("Advertisement"), "{text}");
    let removed = entry["removed"].as_array().unwrap();
    assert!(
        removed
            .iter()
            .any(|r| r["text"] == "Advertisement"
                && r["reason"].as_str().is_some_and(|x| !x.is_empty())),
        "{removed:?}"
    );

    // With a database, preview leaves it as it was.
    assert!(s.run(&["run", "--once"]).status.success());
    let before = s.query("SELECT group_concat(id || content_text) FROM entries");
    let out = s.run(&["preview", "file://".to_owned().as_str()]);
    assert!(!out.status.success(), "a bad target must fail");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("file://"),
        "{out:?}"
    );
    let out = s.run(&["preview", s.path("a.xml").to_str().unwrap()]);
    assert!(out.status.success());
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("removed (") && shown.contains("Advertisement"),
        "{shown}"
    );
    assert_eq!(
        s.query("SELECT group_concat(id || content_text) FROM entries"),
        before
    );
}

#[test]
fn reclean_applies_new_rules_to_stored_entries_and_search_follows() {
    let s = Setup::new();
    let body = "The harbor commission approved a new ferry schedule on Monday after months of complaints from island residents. \
                &lt;/p&gt;&lt;p&gt;Brought to you by Acme Boats, the island's favourite dealer.";
    s.write("a.xml", &rss("A", &[("a1", body)]));
    s.config(&["a.xml"]);
    assert!(s.run(&["run", "--once"]).status.success());
    assert!(
        s.query("SELECT content_text FROM entries")
            .contains("Acme Boats")
    );
    let out = s.run(&["search", "--json", "acme"]);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A user rule added later reaches the entries already stored.
    let config = std::fs::read_to_string(s.path("feedsieve.toml")).unwrap();
    s.write(
        "feedsieve.toml",
        &format!("[clean]\nremove = [\"^Brought to you by\"]\n{config}"),
    );
    let out = s.run(&["reclean"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("recleaned 1 entry: 1 changed"),
        "{out:?}"
    );
    let text = s.query("SELECT content_text FROM entries");
    assert!(
        !text.contains("Acme Boats") && text.contains("ferry schedule"),
        "{text}"
    );
    let conn = rusqlite::Connection::open(s.path("state/f.db")).unwrap();
    let id: i64 = conn
        .query_row("SELECT id FROM entries", [], |r| r.get(0))
        .unwrap();
    assert!(
        feedsieve::store::raw_of(feedsieve::store::Db::new(&conn), id)
            .unwrap()
            .unwrap()
            .contains("Acme Boats"),
        "the raw HTML is kept, packed again against the recleaned HTML"
    );
    let bases: i64 = conn
        .query_row("SELECT COUNT(*) FROM entry_raw_bases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(bases, 0, "reclean packs the raw HTML again");
    drop(conn);
    let out = s.run(&["search", "--json", "acme"]);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Nothing more to change the second time.
    let out = s.run(&["reclean"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 changed"),
        "{out:?}"
    );
}

/// A GET over a plain socket: (status, body).
/// A loopback address whose port was free a moment ago.
#[test]
fn daemon_serves_the_merged_feed_and_a_taken_port_is_a_startup_error() {
    let s = Setup::new();
    let wire = "The city council voted on Tuesday to convert three downtown parking garages into year-round housing, \
                a plan that supporters say will add nearly four hundred apartments within five years.";
    s.write("a.xml", &rss("A", &[("a1", wire)]));
    let config = |listen: &str| {
        format!(
            "[storage]\ndatabase = \"state/f.db\"\n[serve]\nlisten = \"{listen}\"\n[[feed]]\nurl = \"file://a.xml\"\n"
        )
    };

    // A port someone else holds: the daemon refuses to start, naming the address.
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap().to_string();
    s.write("feedsieve.toml", &config(&taken));
    let mut refused = s.spawn_daemon();
    // Bounded: a daemon that wrongly starts is killed and the test fails.
    let status = wait_exit(&mut refused, Duration::from_secs(20));
    let (_, err) = stderr_of(refused);
    assert!(!status.success(), "{err}");
    assert!(err.contains(&format!("cannot listen on {taken}")), "{err}");
    drop(holder);

    // A free port: the running daemon serves its stories as Atom.
    let free = free_address();
    s.write("feedsieve.toml", &config(&free));
    let mut daemon = s.spawn_daemon();
    let mut atom = Vec::new();
    wait_for(
        "the stored story served over HTTP",
        Duration::from_secs(20),
        || match http_get(&free, "/feed.atom") {
            Some((200, body)) if String::from_utf8_lossy(&body).contains("<entry>") => {
                atom = body;
                true
            }
            _ => false,
        },
    );
    let feed = feed_rs::parser::parse(atom.as_slice()).unwrap();
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(
        http_get(&free, "/nope").map(|(status, _)| status),
        Some(404)
    );
    signal(&daemon, "TERM");
    assert!(wait_exit(&mut daemon, Duration::from_secs(10)).success());
}

/// Two daemons on one database would both fetch every feed: the second
/// `run` (or `run --once`) stops at once with the first one's pid, and
/// fetches nothing; once the first is gone, SIGTERM or SIGKILL alike, the
/// database takes a daemon again.
#[test]
fn a_second_daemon_on_one_database_is_refused_until_the_first_is_gone() {
    let s = Setup::new();
    s.write("a.xml", &rss("A", &[("a1", "one")]));
    s.config(&["a.xml"]);
    let mut first = s.spawn_daemon();
    let db = s.path("state/f.db");
    wait_for("the first daemon's fetch", Duration::from_secs(20), || {
        db.exists() && s.query("SELECT COUNT(*) FROM entries") == "1"
    });
    s.write("a.xml", &rss("A", &[("a1", "one"), ("a2", "two")]));
    for args in [&["run"][..], &["run", "--once"]] {
        let out = s.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "another feedsieve daemon (pid {}) is already running on",
                first.id()
            )) && stderr.contains("f.db"),
            "{args:?}: {stderr}"
        );
    }
    // The refused ones fetched nothing (the first polls hourly).
    assert_eq!(s.query("SELECT COUNT(*) FROM entries"), "1");
    // Read commands and maintenance are not daemons.
    assert!(s.run(&["stories"]).status.success());

    signal(&first, "TERM");
    assert!(wait_exit(&mut first, Duration::from_secs(10)).success());
    let mut second = s.spawn_daemon();
    let lock = s.path("state/f.db.lock");
    wait_for("the second daemon's lock", Duration::from_secs(20), || {
        std::fs::read_to_string(&lock).is_ok_and(|pid| pid.trim() == second.id().to_string())
    });
    let out = s.run(&["run", "--once"]);
    assert!(!out.status.success(), "{out:?}");
    // A killed daemon leaves no lock behind: the kernel drops it.
    signal(&second, "KILL");
    wait_exit(&mut second, Duration::from_secs(10));
    let out = s.run(&["run", "--once"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(s.query("SELECT COUNT(*) FROM entries"), "2");
}

/// A `file://` feed rewritten within the same second as the last fetch is
/// fetched again: its validator is the modification time to the nanosecond
/// and the length, not an HTTP date of whole seconds.
#[test]
fn a_file_feed_rewritten_within_the_second_is_read_again() {
    let s = Setup::new();
    s.write("a.xml", &rss("A", &[("a1", "one")]));
    s.config(&["a.xml"]);
    let file = s.path("a.xml");
    let first_mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    assert!(s.run(&["run", "--once"]).status.success());
    assert_eq!(s.query("SELECT COUNT(*) FROM entries"), "1");
    // The same whole second (truncated), a millisecond on.
    let secs = first_mtime
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let same_second = std::time::UNIX_EPOCH + Duration::from_millis(secs * 1000 + 1);
    let earlier_in_it = std::time::UNIX_EPOCH + Duration::from_millis(secs * 1000);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(earlier_in_it)
        .unwrap();
    assert!(s.run(&["run", "--once"]).status.success());
    s.write("a.xml", &rss("A", &[("a1", "one"), ("a2", "two")]));
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(same_second)
        .unwrap();
    let out = s.run(&["run", "--once"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(s.query("SELECT COUNT(*) FROM entries"), "2");
}

/// `[serve]` also answers `/metrics` (Prometheus text: fetches by outcome,
/// entries, latency histograms, the schedule) and `/healthz` (200 with the
/// database reachable and the age of the last successful fetch; 503 once
/// the database cannot be read).
#[test]
fn the_daemon_serves_its_metrics_and_health() {
    let s = Setup::new();
    s.write("a.xml", &rss("A", &[("a1", "one"), ("a2", "two")]));
    let free = free_address();
    s.write(
        "feedsieve.toml",
        &format!(
            "[storage]\ndatabase = \"state/f.db\"\n[serve]\nlisten = \"{free}\"\n\
             [[feed]]\nurl = \"file://a.xml\"\n[[feed]]\nurl = \"file://missing.xml\"\n"
        ),
    );
    let mut daemon = s.spawn_daemon();
    let mut metrics = String::new();
    wait_for(
        "both feeds counted in /metrics",
        Duration::from_secs(20),
        || match http_get(&free, "/metrics") {
            Some((200, body)) => {
                metrics = String::from_utf8_lossy(&body).into_owned();
                metrics.contains("feedsieve_feed_duration_seconds_count 2\n")
            }
            _ => false,
        },
    );
    for line in [
        "feedsieve_fetches_total{outcome=\"ok\"} 1\n",
        "feedsieve_fetches_total{outcome=\"failed\"} 1\n",
        "feedsieve_entries_total{kind=\"new\"} 2\n",
        "feedsieve_fetch_duration_seconds_bucket{le=\"+Inf\"} 2\n",
        "feedsieve_write_duration_seconds_count 2\n",
        "feedsieve_feeds_scheduled 2\n",
        "# TYPE feedsieve_fetches_total counter\n",
    ] {
        assert!(metrics.contains(line), "{line:?} not in:\n{metrics}");
    }
    let (status, body) = http_get(&free, "/healthz").unwrap();
    let health: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["database"], "ok", "{health}");
    assert!(
        health["last_success_age_seconds"].as_i64().unwrap() < 60,
        "{health}"
    );

    // The database file gone from under the daemon (a volume unmounted, a
    // file moved): health says so, and creates no file in its place.
    std::fs::rename(s.path("state/f.db"), s.path("state/moved.db")).unwrap();
    let mut unhealthy = None;
    wait_for("a 503 from /healthz", Duration::from_secs(10), || {
        unhealthy = http_get(&free, "/healthz");
        unhealthy.as_ref().is_some_and(|(status, _)| *status == 503)
    });
    let (_, body) = unhealthy.unwrap();
    let health: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(health["status"], "unavailable", "{health}");
    assert!(
        health["database"].as_str().unwrap().contains("state/f.db"),
        "the error names the file: {health}"
    );
    assert!(!s.path("state/f.db").exists());
    signal(&daemon, "KILL");
    wait_exit(&mut daemon, Duration::from_secs(10));
}
