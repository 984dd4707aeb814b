//! The write path on PostgreSQL (issue 19, phase 3), against real parts: the
//! real binary, feeds and article pages served over HTTP on 127.0.0.1 (real
//! feed bytes: teaser feeds in three formats whose pages are fetched, a full
//! feed carrying the same articles, a podcast, a malformed feed, an entry the
//! filters drop), a real SQLite file and a throwaway PostgreSQL database.
//!
//! The oracle is SQLite: the same world stored by `run --once` on both
//! engines must read back the same through `feeds`, `stories` and `export`
//! (commands already shown to answer alike for the same rows), and hold the
//! same entries, stories, analyses, templates and filter records. Ids and
//! times are left out of the comparison: feeds finish in whatever order they
//! like, so entry and story ids differ between any two runs, and each run
//! has its own clock; what entries make up each story, and which is its
//! canonical copy, may not.

#[path = "support/shared.rs"]
mod shared;
#[path = "support/site.rs"]
mod site;
mod support;
#[path = "support/writers.rs"]
mod writers;

use std::process::{Command, Output};

use site::Article;
use support::pg::{self, off_runtime};
use support::{Route, Server, text};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

/// The real binary, run off the async runtime.
async fn feedsieve(args: Vec<String>) -> Output {
    support::run_binary(BIN, args).await
}

/// A feed with an enclosure and an entry the config's filter drops.
fn podcast() -> String {
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Podcast</title><link>https://example.org/</link>\
     <item><guid>p1</guid><title>Episode one: the harbour</title><link>https://example.org/p1</link>\
     <description><![CDATA[<p>In this episode the harbour master explains how the tides decide when the ferries leave, and why the schedule changes every spring.</p>]]></description>\
     <enclosure url=\"https://example.org/p1.mp3\" type=\"audio/mpeg\" length=\"12345\"/></item>\
     <item><guid>p2</guid><title>Sponsored: a mattress sale</title><link>https://example.org/p2</link>\
     <description>Buy now.</description></item>\
     </channel></rss>"
        .to_string()
}

/// The loopback world: every route answers 304 to a request carrying its
/// ETag. Returns the server and the config's text (database left to `--database`).
async fn world() -> (Server, String) {
    let server = Server::start().await;
    let base = format!("http://{}", server.addr);
    let all: Vec<Article> = site::ground_truth(&shared::shared_dir(), 0, 6);
    assert_eq!(all.len(), 6);
    for (i, a) in all.iter().enumerate() {
        let others: Vec<&Article> = all.iter().cycle().skip(i + 1).take(3).collect();
        server.route(
            &format!("/articles/{}", a.id),
            Route::ok("text/html; charset=utf-8", site::page(&base, a, &others))
                .header("ETag", &format!("\"page-{i}\"")),
        );
    }
    let refs: Vec<&Article> = all.iter().collect();
    let feeds = [
        (
            "/rss.xml",
            Route::rss(site::rss_teasers(&base, &refs[0..2])),
        ),
        (
            "/atom.xml",
            Route::ok(
                "application/atom+xml",
                site::atom_teasers(&base, &refs[2..4]),
            ),
        ),
        (
            "/feed.json",
            Route::ok(
                "application/feed+json",
                site::json_feed_teasers(&base, &refs[4..6]),
            ),
        ),
        ("/full.xml", Route::rss(site::rss_full(&base, &refs[1..5]))),
        ("/podcast.xml", Route::rss(podcast())),
        (
            "/broken.xml",
            Route::rss(
                "<rss version=\"2.0\"><channel><title>Broken</title><item><title>never closed",
            ),
        ),
    ];
    let mut config =
        String::from("[fetch]\ntimeout = \"10s\"\n\n[filter.drop]\ntitle = [\"(?i)^sponsored\"]\n");
    for (i, (path, route)) in feeds.into_iter().enumerate() {
        server.route(path, route.header("ETag", &format!("\"feed-{i}\"")));
        config.push_str(&format!("\n[[feed]]\nurl = \"{}\"\n", server.url(path)));
    }
    (server, config)
}

/// `feedsieve --config <config> --database <database> <command...>`.
async fn on(config: &str, database: &str, command: &[&str]) -> Output {
    let mut list = vec!["--config", config, "--database", database];
    list.extend(command);
    feedsieve(list.into_iter().map(String::from).collect()).await
}

/// `text` with every RFC 3339 time masked, and the feeds a merged story
/// names ("Carried by 2 feeds: …", in the order of its entries' ids) sorted.
fn mask_times(text: &str) -> String {
    let times =
        regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)").unwrap();
    let carried = regex::Regex::new(r"(Carried by \d+ feeds: )(.*?)(\.(<|&lt;)/small)").unwrap();
    let text = times.replace_all(text, "<time>");
    carried
        .replace_all(&text, |c: &regex::Captures| {
            let mut feeds: Vec<&str> = c[2].split(", ").collect();
            feeds.sort();
            format!("{}{}{}", &c[1], feeds.join(", "), &c[3])
        })
        .into_owned()
}

/// A JSON document with ids left out (keys named `id` or ending in `_id`),
/// times masked, and every array of objects sorted: the engines' runs
/// number and time their rows differently.
fn canonical_json(text: &str) -> serde_json::Value {
    fn walk(v: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(k, _)| k != "id" && !k.ends_with("_id"))
                    .map(|(k, v)| (k, walk(v)))
                    .collect(),
            ),
            Value::Array(items) => {
                let mut items: Vec<Value> = items.into_iter().map(walk).collect();
                items.sort_by_key(|v| v.to_string());
                Value::Array(items)
            }
            Value::String(s) => Value::String(mask_times(&s)),
            other => other,
        }
    }
    walk(serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}")))
}

/// Rows of a query as text, from the SQLite file.
fn sqlite_rows(path: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut statement = conn.prepare(sql).unwrap();
    let n = statement.column_count();
    statement
        .query_map([], |row| {
            (0..n)
                .map(|i| row.get::<_, Option<String>>(i))
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Rows of a query as text, from PostgreSQL.
fn pg_rows(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let (url, sql) = (url.to_string(), sql.to_string());
    off_runtime(move || {
        let mut client = feedsieve::store::postgres::connect(&url).unwrap();
        client
            .query(sql.as_str(), &[])
            .unwrap()
            .iter()
            .map(|row| (0..row.len()).map(|i| row.get(i)).collect())
            .collect()
    })
}

/// What both databases must hold alike: every column as text, rows in byte
/// order of the columns `ORDER BY` names, no ids. `HEX(x)` is a BLOB/BYTEA
/// in hex, `LIST(x)` the values of a group joined in byte order, `FLAG(x)` a
/// flag as `true`/`false`: each engine's own spelling ([`for_engine`]).
const SAME_ROWS: [(&str, &str, &str); 7] = [
    (
        "entries",
        "SELECT f.url, e.guid, e.url, e.title, e.author, e.published_at, e.content_html,
                e.content_text, CAST(e.raw_hash AS TEXT), CAST(e.simhash AS TEXT), e.text_source,
                e.teaser_text, e.page_url, e.page_error, CAST(e.page_attempts AS TEXT),
                e.authors, e.categories, HEX(e.content_raw_delta)
         FROM entries e JOIN feeds f ON f.id = e.feed_id",
        "1, 2",
    ),
    (
        "analyses",
        "SELECT f.url, e.guid, CAST(sh.words AS TEXT), CAST(sh.chars AS TEXT),
                HEX(sh.shingles), HEX(sh.facts), HEX(a.anchors)
         FROM entries e JOIN feeds f ON f.id = e.feed_id
         JOIN entry_shingles sh ON sh.entry_id = e.id JOIN entry_anchors a ON a.entry_id = e.id",
        "1, 2",
    ),
    (
        "stories: each one's entries and canonical copy",
        "SELECT s.title, s.url, c.guid,
                (SELECT LIST(f.url || ' ' || e.guid) FROM entries e JOIN feeds f ON f.id = e.feed_id
                 WHERE e.story_id = s.id) AS copies
         FROM stories s JOIN entries c ON c.id = s.canonical_entry_id",
        "4",
    ),
    (
        "enclosures and pages",
        "SELECT e.guid, n.url, n.type, CAST(n.length AS TEXT), p.etag, HEX(p.html_zstd)
         FROM entries e LEFT JOIN entry_enclosures n ON n.entry_id = e.id
         LEFT JOIN entry_pages p ON p.entry_id = e.id
         WHERE n.entry_id IS NOT NULL OR p.entry_id IS NOT NULL",
        "1",
    ),
    (
        "templates",
        "SELECT f.url, CAST(t.entries_seen AS TEXT), CAST(b.block_hash AS TEXT),
                CAST(b.seen_count AS TEXT), b.sample, CAST(b.shape_hash AS TEXT), b.writer
         FROM clean_templates t JOIN feeds f ON f.id = t.feed_id
         LEFT JOIN clean_template_blocks b ON b.feed_id = t.feed_id",
        "1, 3",
    ),
    (
        "filtered entries",
        "SELECT f.url, d.guid, CAST(d.raw_hash AS TEXT), d.title, d.reason
         FROM filtered_entries d JOIN feeds f ON f.id = d.feed_id",
        "1, 2",
    ),
    (
        "feeds",
        "SELECT url, title, site_url, FLAG(enabled), CAST(last_status AS TEXT),
                last_error, CAST(consecutive_failures AS TEXT), etag, content_kind
         FROM feeds",
        "1",
    ),
];

/// One of [`SAME_ROWS`] in SQLite's (`pg` false) or PostgreSQL's SQL.
fn for_engine(sql: &str, order: &str, pg: bool) -> String {
    let hex = regex::Regex::new(r"HEX\(([^)]*)\)").unwrap();
    let list = regex::Regex::new(r"LIST\((.*?)\) FROM").unwrap();
    let flag = regex::Regex::new(r"FLAG\(([^)]*)\)").unwrap();
    if pg {
        let sql = hex.replace_all(sql, "encode($1, 'hex')");
        let sql = list.replace_all(&sql, "string_agg($1, ',' ORDER BY $1 COLLATE \"C\") FROM");
        let sql = flag.replace_all(&sql, "CAST($1 AS TEXT)").into_owned();
        // Columns named by position (`ORDER BY 1 COLLATE` is a constant's).
        let positions: Vec<usize> = order.split(", ").map(|c| c.parse().unwrap()).collect();
        let last = positions.iter().copied().max().unwrap();
        let names: Vec<String> = (1..=last).map(|i| format!("c{i}")).collect();
        let order: Vec<String> = positions
            .iter()
            .map(|i| format!("c{i} COLLATE \"C\""))
            .collect();
        format!(
            "SELECT * FROM ({sql}) AS r ({}) ORDER BY {}",
            names.join(", "),
            order.join(", ")
        )
    } else {
        // hex(NULL) is SQLite's empty text, PostgreSQL's NULL.
        let sql = hex.replace_all(sql, "CASE WHEN $1 IS NOT NULL THEN lower(hex($1)) END");
        let sql = list.replace_all(&sql, "group_concat($1, ',' ORDER BY $1) FROM");
        let sql = flag
            .replace_all(&sql, "CASE WHEN $1 THEN 'true' ELSE 'false' END")
            .into_owned();
        format!("SELECT * FROM ({sql}) AS r ORDER BY {order}")
    }
}

/// [`SAME_ROWS`] on both engines, asserted equal; returns the entries' count.
fn assert_same_rows(sqlite: &str, url: &str) -> usize {
    let mut entries = 0;
    for (what, sql, order) in SAME_ROWS {
        let on_sqlite = sqlite_rows(sqlite, &for_engine(sql, order, false));
        let on_pg = pg_rows(url, &for_engine(sql, order, true));
        assert!(!on_sqlite.is_empty(), "{what}: no rows on SQLite");
        assert_eq!(on_sqlite.len(), on_pg.len(), "{what}: row counts differ");
        for (a, b) in on_sqlite.iter().zip(&on_pg) {
            assert_eq!(a, b, "{what}: a row differs");
        }
        if what == "entries" {
            entries = on_pg.len();
        }
    }
    entries
}

/// The world stored by `run --once` into a SQLite file and into an empty
/// PostgreSQL database (`run` makes the schema there itself).
struct Stored {
    server: Server,
    config_text: String,
    dir: tempfile::TempDir,
    config: String,
    sqlite: String,
    db: pg::TestDb,
}

impl Stored {
    async fn new() -> Stored {
        let (server, config_text) = world().await;
        let dir = tempfile::tempdir().unwrap();
        let sqlite = dir.path().join("feeds.db").display().to_string();
        let mut stored = Stored {
            server,
            config_text,
            dir,
            config: String::new(),
            sqlite,
            db: pg::database(),
        };
        stored.config = stored.config_with("feedsieve.toml", "");
        for database in [&stored.sqlite, &stored.db.url] {
            let out = on(&stored.config, database, &["run", "--once"]).await;
            assert!(out.status.success(), "{database}: {}", text(&out));
        }
        stored
    }

    /// A config file `name` of the world's feeds with `extra` TOML first.
    fn config_with(&self, name: &str, extra: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, format!("{extra}{}", self.config_text)).unwrap();
        path.display().to_string()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_once_stores_on_postgres_what_it_stores_on_sqlite() {
    let stored = Stored::new().await;
    let (server, db) = (&stored.server, &stored.db);
    let (config, sqlite) = (stored.config.clone(), stored.sqlite.clone());
    let entries = assert_same_rows(&sqlite, &db.url);
    // Six articles' teasers, four full copies, the podcast (its sponsored
    // entry dropped), nothing from the broken feed.
    assert_eq!(entries, 11);
    let scalar = |sql: &str| pg::value(&db.url, sql);
    let pages = scalar("SELECT COUNT(*)::text FROM entries WHERE text_source = 'page'");
    assert_eq!(pages, "6", "every teaser got its page");
    let joined = scalar(
        "SELECT COUNT(*)::text FROM stories s
         WHERE (SELECT COUNT(*) FROM entries e WHERE e.story_id = s.id) = 2",
    );
    assert_eq!(joined, "4", "full copies joined their teasers");
    let broken = scalar("SELECT last_error FROM feeds WHERE url LIKE '%/broken.xml'");
    assert!(!broken.is_empty(), "the malformed feed's error is recorded");

    let read_commands: [&[&str]; 3] = [
        &["feeds", "--json"],
        &["stories", "--json"],
        &["export", "--format", "json"],
    ];
    let answers = |label: &'static str| {
        let (config, sqlite, url) = (config.clone(), sqlite.clone(), db.url.clone());
        async move {
            for command in read_commands {
                let ours = on(&config, &sqlite, command).await;
                let theirs = on(&config, &url, command).await;
                assert!(ours.status.success(), "{command:?}: {}", text(&ours));
                assert!(theirs.status.success(), "{command:?}: {}", text(&theirs));
                let (ours, theirs) = (
                    String::from_utf8_lossy(&ours.stdout).into_owned(),
                    String::from_utf8_lossy(&theirs.stdout).into_owned(),
                );
                assert_eq!(
                    canonical_json(&ours),
                    canonical_json(&theirs),
                    "{label} {command:?}: PostgreSQL answers differently"
                );
            }
        }
    };
    answers("first run").await;

    // Again: every feed and page answers 304 to its ETag; nothing new lands.
    let before = server.requests().len();
    for database in [&sqlite, &db.url] {
        let out = on(&config, database, &["run", "--once"]).await;
        assert!(out.status.success(), "{database}: {}", text(&out));
    }
    let conditional = server.requests()[before..]
        .iter()
        .filter(|r| r.header("if-none-match").is_some())
        .count();
    assert!(conditional >= 10, "{conditional} conditional requests");
    assert_eq!(assert_same_rows(&sqlite, &db.url), entries);
    let statuses = pg_rows(
        &db.url,
        "SELECT url, last_status::text FROM feeds WHERE url NOT LIKE '%/broken.xml'",
    );
    for row in &statuses {
        assert_eq!(row[1].as_deref(), Some("304"), "{row:?}");
    }
    answers("second run").await;
}

fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !check() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn the_daemon_runs_on_postgres_follows_config_edits_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = pg::database();
    let feed = |name: &str, items: &[(&str, &str, &str)]| {
        std::fs::write(dir.path().join(name), support::rss(name, items)).unwrap();
    };
    feed(
        "a.xml",
        &[(
            "a1",
            "Harbour",
            "<p>The harbour master explains the tides and the ferries that leave with them every morning.</p>",
        )],
    );
    feed(
        "b.xml",
        &[
            (
                "b1",
                "Council",
                "<p>The council voted to turn three parking garages into housing for four hundred families.</p>",
            ),
            (
                "b2",
                "Ferries",
                "<p>The ferry company keeps its winter timetable until April because of repairs at the pier.</p>",
            ),
        ],
    );
    // The database from the config file's [storage] database.
    let config = |feeds: &[&str]| {
        let mut text = format!(
            "[storage]\ndatabase = \"{}\"\n[fetch]\ndefault_interval = \"1h\"\n",
            db.url
        );
        for f in feeds {
            text.push_str(&format!("[[feed]]\nurl = \"file://{f}\"\n"));
        }
        let path = dir.path().join("feedsieve.toml");
        std::fs::write(dir.path().join("feedsieve.toml.tmp"), text).unwrap();
        std::fs::rename(dir.path().join("feedsieve.toml.tmp"), &path).unwrap();
        path
    };
    let path = config(&["a.xml"]);
    let spawn = || {
        Command::new(BIN)
            .arg("--config")
            .arg(&path)
            .args(["-v", "run"])
            .env_remove("RUST_LOG")
            .env_remove("FEEDSIEVE_DATABASE")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut daemon = spawn();
    let count = |sql: &str| pg::value(&db.url, &format!("SELECT COUNT(*)::text FROM {sql}"));
    wait_for("feed a", || count("entries") == "1");
    // Fetched once, and due again an interval later (not at once).
    let (fetched, due) = (
        pg::value(&db.url, "SELECT last_fetched_at FROM feeds"),
        pg::value(&db.url, "SELECT next_fetch_at FROM feeds"),
    );
    assert!(!fetched.is_empty() && due > fetched, "{fetched} → {due}");

    // Added while running: fetched within seconds, without a restart.
    config(&["a.xml", "b.xml"]);
    wait_for("feed b after the edit", || count("entries") == "3");
    assert_eq!(count("stories"), "3");
    // Removed: the feed is disabled, its entries kept.
    config(&["b.xml"]);
    wait_for("feed a disabled", || {
        pg::value(
            &db.url,
            "SELECT enabled::text FROM feeds WHERE url LIKE '%a.xml'",
        ) == "false"
    });
    assert_eq!(count("entries"), "3");
    assert_eq!(count("feeds WHERE enabled"), "1");
    // A second daemon on the same PostgreSQL database takes no lock file and
    // is not refused (which daemon fetches what is for the fleet's leases,
    // tests/fleet.rs): it starts, syncs the same feed list and runs beside
    // the first.
    let mut second = spawn();
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert!(
        second.try_wait().unwrap().is_none(),
        "the second daemon exited"
    );
    assert!(daemon.try_wait().unwrap().is_none());

    for mut daemon in [daemon, second] {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(daemon.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(status) = daemon.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > std::time::Duration::from_secs(10) {
                let _ = daemon.kill();
                panic!("a daemon did not stop within 10 s of SIGTERM");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let out = daemon.wait_with_output().unwrap();
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(status.success(), "{status:?}\n{log}");
        assert!(log.contains("stopped"), "{log}");
        assert!(!log.contains("ERROR") && !log.contains("WARN"), "{log}");
    }
    // Nothing half-written: every entry has its story.
    assert_eq!(count("entries WHERE story_id IS NULL"), "0");
}

/// The first line of a command's stdout that starts with `start`.
fn line_of(out: &Output, start: &str) -> String {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line `{start}…` in {}", text(out)))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reclean_rededup_and_vacuum_do_on_postgres_what_they_do_on_sqlite() {
    let stored = Stored::new().await;
    let db = &stored.db;
    let (config, sqlite) = (stored.config.clone(), stored.sqlite.clone());
    let write = |name: &str, extra: &str| stored.config_with(name, extra);
    let entries = assert_same_rows(&sqlite, &db.url);

    // A new cleaning rule: the entries' texts that held a matching block
    // change, and move story if their fingerprints say so.
    let recleaning = write(
        "reclean.toml",
        "[clean]\nremove = [\"(?i)declined to comment\", \"(?i)^the company\"]\n\n",
    );
    let mut said = Vec::new();
    for database in [&sqlite, &db.url] {
        let out = on(&recleaning, database, &["reclean"]).await;
        assert!(out.status.success(), "{database}: {}", text(&out));
        said.push(line_of(&out, "recleaned"));
    }
    assert_eq!(said[0], said[1]);
    assert!(
        said[0].starts_with(&format!("recleaned {entries} entries: "))
            && !said[0].ends_with(": 0 changed"),
        "{}",
        said[0]
    );
    assert_eq!(assert_same_rows(&sqlite, &db.url), entries);
    let removed = pg::value(
        &db.url,
        "SELECT COUNT(*)::text FROM entries WHERE content_text ILIKE '%declined to comment%'",
    );
    assert_eq!(removed, "0");

    // Every story made again from the stored entries: the same groups.
    let mut said = Vec::new();
    for database in [&sqlite, &db.url] {
        let out = on(&config, database, &["rededup"]).await;
        assert!(out.status.success(), "{database}: {}", text(&out));
        let line = line_of(&out, "regrouped");
        said.push(line[..line.rfind(" in ").unwrap()].to_string());
    }
    assert_eq!(said[0], said[1]);
    assert_eq!(assert_same_rows(&sqlite, &db.url), entries);
    assert_eq!(
        pg::value(&db.url, "SELECT COUNT(*)::text FROM story_merges"),
        "0"
    );

    // Retention and VACUUM: everything is older than a second by now.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let pruning = write("vacuum.toml", "[storage]\nkeep = \"1s\"\n\n");
    let mut said = Vec::new();
    for database in [&sqlite, &db.url] {
        let out = on(&pruning, database, &["vacuum"]).await;
        assert!(out.status.success(), "{database}: {}", text(&out));
        said.push(line_of(&out, "pruned"));
        assert!(
            line_of(&out, "database ").contains(" MB -> "),
            "{}",
            text(&out)
        );
    }
    assert_eq!(said[0], said[1]);
    assert!(
        said[0].starts_with(&format!("pruned {entries} entries and ")),
        "{}",
        said[0]
    );
    for table in ["entries", "stories", "entry_shingles", "entry_pages"] {
        assert_eq!(
            pg::value(&db.url, &format!("SELECT COUNT(*)::text FROM {table}")),
            "0",
            "{table}"
        );
    }
    let vacuumed = pg::value(
        &db.url,
        "SELECT (last_vacuum IS NOT NULL AND last_analyze IS NOT NULL)::text
         FROM pg_stat_user_tables WHERE relname = 'entries'",
    );
    assert_eq!(vacuumed, "true");
}

/// A writer's box learned over two fetches (`support/writers.rs`) on both
/// engines, a site's place for its writers' boxes, and a site's box heading
/// learned as template, which still heads each box: the same entries'
/// texts and the same template rows, the writers' and the place's among
/// them, and on PostgreSQL as on SQLite the box gone from the entries that
/// taught it a fetch before (the writers' step reads the feed's newest
/// entries there with its own statement).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_s_box_is_learned_on_postgres_as_on_sqlite() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("feedsieve.toml");
    std::fs::write(
        &config,
        format!(
            "[[feed]]\nurl = \"{}\"\n[[feed]]\nurl = \"{}\"\n[[feed]]\nurl = \"{}\"\n",
            server.url("/opinion.xml"),
            server.url("/site.xml"),
            server.url("/headed.xml")
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let sqlite = dir.path().join("feeds.db").display().to_string();
    let db = pg::database();
    let fetches = writers::fetches()
        .into_iter()
        .zip(writers::site_fetches())
        .zip(writers::headed_fetches());
    for ((opinion, site), headed) in fetches {
        server.route("/opinion.xml", Route::rss(opinion));
        server.route("/site.xml", Route::rss(site));
        server.route("/headed.xml", Route::rss(headed));
        for database in [&sqlite, &db.url] {
            let out = on(&config, database, &["run", "--once"]).await;
            assert!(out.status.success(), "{database}: {}", text(&out));
        }
    }
    for (what, sql) in [
        ("texts", "SELECT guid, content_text FROM entries"),
        (
            "writers' rows",
            "SELECT writer, CAST(seen_count AS TEXT), sample FROM clean_template_blocks
             WHERE writer IS NOT NULL",
        ),
    ] {
        // In byte order, whatever the engine's collation.
        let (mut on_sqlite, mut on_pg) = (sqlite_rows(&sqlite, sql), pg_rows(&db.url, sql));
        on_sqlite.sort();
        on_pg.sort();
        assert!(!on_sqlite.is_empty(), "{what}: no rows");
        assert_eq!(on_sqlite, on_pg, "{what} differ");
    }
    let w1 = pg::value(
        &db.url,
        "SELECT content_text FROM entries WHERE guid = 'w1'",
    );
    assert!(!w1.contains(writers::ANA_BOX), "{w1}");
    assert!(w1.contains(&writers::own_paragraphs(1)[0]), "{w1}");
    let s0 = pg::value(
        &db.url,
        "SELECT content_text FROM entries WHERE guid = 's0'",
    );
    assert!(!s0.contains(&writers::site_box(0)), "{s0}");
    assert!(s0.contains(&writers::own_paragraphs(200)[0]), "{s0}");
    let t1 = pg::value(
        &db.url,
        "SELECT content_text FROM entries WHERE guid = 't1'",
    );
    assert!(t1.contains(writers::ABOUT_THE_WRITER), "{t1}");
    let h9 = pg::value(
        &db.url,
        "SELECT content_text FROM entries WHERE guid = 'h9'",
    );
    assert!(
        !h9.contains(&writers::site_box(9)) && !h9.contains(writers::BOX_HEAD),
        "{h9}"
    );
    assert!(h9.contains(&writers::own_paragraphs(409)[0]), "{h9}");
}
