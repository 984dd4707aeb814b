//! PostgreSQL, phase 1 of issue 19, against a real server (`support::pg`: a
//! throwaway cluster, or `$FEEDSIEVE_TEST_POSTGRES`): the schema's migrations,
//! `feedsieve copy` both ways through the real binary over a database the real
//! pipeline built from loopback feeds (every table compared row by row), an
//! interrupted copy resuming, the refusals, full-text search the PostgreSQL
//! way, TLS through rustls with the certificate checked; the read commands
//! (`feeds`, `stories`, `search`, `export`) through the real binary on both
//! engines, compared; and the error every other command gives a `postgres://`
//! database.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use rusqlite::types::Value;
use support::pg::{self, off_runtime};
use support::{Env, Route, Server, text};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

/// The real binary, run off the async runtime.
async fn feedsieve(args: Vec<String>) -> Output {
    support::run_binary(BIN, args).await
}

/// Every table `copy` moves; each must hold rows in the test's database.
const TABLES: [(&str, &str); 13] = [
    ("feeds", "id"),
    ("stories", "id"),
    ("story_merges", "story_id"),
    ("entries", "id"),
    ("entry_pages", "entry_id"),
    ("entry_enclosures", "entry_id, position"),
    ("entry_anchors", "entry_id"),
    ("entry_shingles", "entry_id"),
    ("entry_raw_bases", "entry_id"),
    ("clean_templates", "feed_id"),
    ("clean_template_blocks", "feed_id, block_hash"),
    ("filtered_entries", "feed_id, guid"),
    ("meta", "key"),
];

const WIRE: &str = "<p>The city council voted on Tuesday to convert three downtown parking garages into year-round housing, a plan that supporters say will add nearly four hundred apartments within five years.</p><p>The garages, built in the seventies, have averaged less than half occupancy since the pandemic, according to a report by the planning office released last month.</p><p>Converting them will cost an estimated ninety million dollars, about a third of it covered by a state grant, and engineers say the concrete decks can carry residential loads.</p>";

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A feed with an enclosure, hand-written (the `rss` helper has none).
fn podcast() -> String {
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Podcast</title><link>https://example.org/</link>\
     <item><guid>p1</guid><title>Episode one: the harbour</title><link>https://example.org/p1</link>\
     <description><![CDATA[<p>In this episode the harbour master explains how the tides decide when the ferries leave, and why the schedule changes every spring.</p>]]></description>\
     <enclosure url=\"https://example.org/p1.mp3\" type=\"audio/mpeg\" length=\"12345\"/></item>\
     </channel></rss>"
        .to_string()
}

/// A database built by the real pipeline from three loopback feeds (a wire
/// story carried twice, an own story, a podcast), plus the rows no run of
/// these feeds writes (a merge, a page, a filtered entry, a raw-HTML base),
/// written in SQL as feedsieve would. Every copied table holds rows.
async fn pipeline_database() -> (Server, Env) {
    let server = Server::start().await;
    let a = format!("{WIRE}<p>Sign up to receive the latest news in your inbox.</p>");
    let b = format!("{WIRE}<p>The post appeared first on Site B News.</p>");
    server.route(
        "/a.xml",
        Route::rss(support::rss(
            "Site A",
            &[
                ("a1", "Council votes to turn garages into housing", a.as_str()),
                ("a2", "Ferries keep their winter timetable", "<p>The ferry company said on Monday that the winter timetable will stay in place until the end of April because of repairs at the northern pier.</p>"),
            ],
        )),
    );
    server.route(
        "/b.xml",
        Route::rss(support::rss(
            "Site B",
            &[("b1", "Garages become homes", b.as_str())],
        )),
    );
    server.route("/c.xml", Route::rss(podcast()));
    let env = Env::new(
        &[
            server.url("/a.xml"),
            server.url("/b.xml"),
            server.url("/c.xml"),
        ],
        &[],
    );
    env.run(std::time::Duration::from_secs(60)).await;
    env.db().exec(
        "INSERT INTO story_merges (story_id, into_id, merged_at)
             SELECT MAX(id) + 100, MIN(id), '2026-11-28T12:00:00Z' FROM stories;
         INSERT INTO entry_pages (entry_id, html, etag, last_modified, html_zstd)
             SELECT MIN(id), '', '\"v1\"', NULL, X'28B52FFD' FROM entries;
         INSERT INTO filtered_entries (feed_id, guid, raw_hash, title, url, reason, filtered_at)
             SELECT MIN(id), 'x1', -42, 'Sponsored: a sale', NULL, 'drop title /(?i)sponsored/',
                    '2026-11-28T12:00:00Z' FROM feeds;
         UPDATE entries SET content_html = content_html || ' '
             WHERE id = (SELECT MIN(id) FROM entries WHERE content_raw_delta IS NOT NULL);",
    );
    let conn = env.db().conn();
    for (table, _) in TABLES {
        let rows: i64 = support::sql::scalar(&conn, &format!("SELECT COUNT(*) FROM {table}"), []);
        assert!(rows > 0, "the test database has no {table} rows");
    }
    (server, env)
}

/// Every row of every copied table, in key order (meta without `copy.*`).
fn dump(path: &Path) -> Vec<(&'static str, Vec<Vec<Value>>)> {
    let conn = support::sql::connect(path);
    TABLES
        .iter()
        .map(|(table, order)| {
            let filter = if *table == "meta" {
                " WHERE key NOT LIKE 'copy.%'"
            } else {
                ""
            };
            let sql = format!("SELECT * FROM {table}{filter} ORDER BY {order}");
            let mut statement = conn.prepare(&sql).unwrap();
            let width = statement.column_count();
            let rows = statement
                .query_map([], |row| {
                    (0..width).map(|i| row.get::<_, Value>(i)).collect()
                })
                .unwrap()
                .collect::<Result<Vec<Vec<Value>>, _>>()
                .unwrap();
            (*table, rows)
        })
        .collect()
}

fn assert_same(original: &Path, copy: &Path) {
    for ((table, ours), (_, theirs)) in dump(original).into_iter().zip(dump(copy)) {
        assert_eq!(ours.len(), theirs.len(), "{table}: row counts differ");
        for (a, b) in ours.iter().zip(&theirs) {
            assert_eq!(a, b, "{table}: a row differs");
        }
    }
}

fn pg_scalar(url: &str, sql: &str) -> i64 {
    let (url, sql) = (url.to_string(), sql.to_string());
    off_runtime(move || {
        let mut client = feedsieve::store::postgres::connect(&url).unwrap();
        client.query_one(sql.as_str(), &[]).unwrap().get(0)
    })
}

#[test]
fn migrations_apply_once_and_again_do_nothing() {
    let db = pg::database();
    let url = db.url.clone();
    off_runtime(move || {
        use feedsieve::store::postgres::{connect, migrate};
        let mut client = connect(&url).unwrap();
        assert_eq!(
            migrate::run(&mut client).unwrap(),
            migrate::MIGRATIONS.len()
        );
        assert_eq!(migrate::run(&mut client).unwrap(), 0);
        // A second connection (a second daemon) finds nothing to do either.
        let mut other = connect(&url).unwrap();
        assert_eq!(migrate::run(&mut other).unwrap(), 0);
        let recorded: i64 = client
            .query_one("SELECT COUNT(*) FROM feedsieve_migrations", &[])
            .unwrap()
            .get(0);
        assert_eq!(recorded, migrate::MIGRATIONS.len() as i64);
        for view in ["story_list", "feed_health", "page_failures", "story_ids"] {
            client
                .query(format!("SELECT * FROM {view} LIMIT 1").as_str(), &[])
                .unwrap_or_else(|e| panic!("{view}: {e}"));
        }
        // A changed migration is refused, not applied again.
        client
            .execute(
                "UPDATE feedsieve_migrations SET checksum = '\\x00' WHERE version = 1",
                &[],
            )
            .unwrap();
        let e = migrate::run(&mut client).unwrap_err();
        assert!(matches!(e, migrate::PgMigrateError::Changed(1)), "{e}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_to_postgres_and_back_keeps_every_row_and_search_works_there() {
    let (_server, env) = pipeline_database().await;
    let db = pg::database();
    let config = env.config_path().display().to_string();

    let out = feedsieve(args(&["--config", &config, "copy", "--to", &db.url])).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("verified: the same row counts"),
        "{}",
        text(&out)
    );

    // Story ids resolve as they did, merged-away ones too.
    let merged = pg_scalar(
        &db.url,
        "SELECT current_story_id FROM story_ids WHERE story_id = (SELECT MAX(story_id) FROM story_merges)",
    );
    assert_eq!(merged, pg_scalar(&db.url, "SELECT MIN(id) FROM stories"));
    // New rows take ids past the copied ones.
    assert!(
        pg_scalar(
            &db.url,
            "SELECT nextval(pg_get_serial_sequence('stories', 'id'))"
        ) > pg_scalar(&db.url, "SELECT MAX(story_id) FROM story_merges")
    );

    // Search the PostgreSQL way: a word of the text finds its story, with a snippet.
    let url = db.url.clone();
    let (story, headline) = off_runtime(move || {
        let mut client = feedsieve::store::postgres::connect(&url).unwrap();
        let rows = client
            .query(
                "SELECT s.id, ts_headline('simple', e.content_text, q) AS snippet
                 FROM stories s JOIN entries e ON e.id = s.canonical_entry_id,
                      websearch_to_tsquery('simple', $1) AS q
                 WHERE e.search_vector @@ q
                 ORDER BY ts_rank(e.search_vector, q) DESC, s.id",
                &[&"occupancy pandemic"],
            )
            .unwrap();
        assert_eq!(rows.len(), 1, "one story carries those words");
        let none = client
            .query(
                "SELECT 1 FROM entries WHERE search_vector @@ websearch_to_tsquery('simple', 'occupancy -pandemic')",
                &[],
            )
            .unwrap();
        assert!(none.is_empty());
        // A word glued to the one before by a full stop, a slash or an at sign
        // is still a word (PostgreSQL's parser alone would take a host name),
        // so is each part of a hyphenated word, a word in angle brackets (a
        // tag to the parser) and after a '+'; accents fold, in the text and in
        // the query folded as the README says. Rolled back: the copy back must
        // find the rows as they were.
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(
            "UPDATE entries SET content_text = 'It ended.Zebras crossed in/out at noon@dusk              by a York-listed CAFÉ, <The Palace> &amp; +49.'
             WHERE guid = 'a2'",
        )
        .unwrap();
        for word in [
            "ended", "zebras", "in", "out", "noon", "dusk", "york", "listed", "cafe", "café",
            "Café", "palace", "amp", "49",
        ] {
            let hits = tx
                .query(
                    "SELECT 1 FROM entries
                     WHERE search_vector @@ websearch_to_tsquery('simple', feedsieve_search_text($1))
                       AND guid = 'a2'",
                    &[&word],
                )
                .unwrap();
            assert_eq!(hits.len(), 1, "{word}");
        }
        tx.rollback().unwrap();
        (rows[0].get::<_, i64>(0), rows[0].get::<_, String>(1))
    });
    let wire: i64 = env
        .db()
        .scalar("SELECT story_id FROM entries WHERE guid = 'a1'", []);
    assert_eq!(story, wire);
    assert!(headline.contains("<b>occupancy</b>"), "{headline}");

    // The README's search query runs there as written.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let query = readme
        .split("## PostgreSQL (moving a database)")
        .nth(1)
        .and_then(|section| section.split("```sql").nth(1))
        .and_then(|block| block.split("```").next())
        .expect("README's PostgreSQL section has a query")
        .trim()
        .trim_end_matches(';')
        .to_string();
    let url = db.url.clone();
    let found = off_runtime(move || {
        let mut client = feedsieve::store::postgres::connect(&url).unwrap();
        client.query(query.as_str(), &[]).unwrap().len()
    });
    assert_eq!(found, 1, "the README's query finds the wire story");

    // And back into a new SQLite file (in a folder copy makes): every row as it was.
    let back = env.dir.path().join("restored").join("back.db");
    let back_arg = back.display().to_string();
    let out = feedsieve(args(&["--database", &back_arg, "copy", "--from", &db.url])).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_same(&env.db_path(), &back);

    // The copy of the copy is the same database: copying it again says so.
    let out = feedsieve(args(&["--database", &back_arg, "copy", "--to", &db.url])).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("already holds this database"),
        "{}",
        text(&out)
    );

    // The restored file works with the ordinary commands (its index is rebuilt).
    let out = feedsieve(args(&[
        "--database",
        &back_arg,
        "search",
        "--json",
        "occupancy",
    ]))
    .await;
    assert!(out.status.success(), "{}", text(&out));
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits.as_array().map(Vec::len), Some(1), "{hits}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_copy_resumes_where_it_stopped() {
    let (_server, env) = pipeline_database().await;
    let db = pg::database();
    let config = env.config_path().display().to_string();
    let copy = |extra: &[&str]| {
        let mut list = args(&[
            "--config",
            &config,
            "copy",
            "--to",
            &db.url,
            "--batch-rows",
            "2",
        ]);
        list.extend(args(extra));
        list
    };

    let out = feedsieve(copy(&["--stop-after-batches", "3"])).await;
    assert!(!out.status.success());
    assert!(
        text(&out).contains("stopped after 3 batches"),
        "{}",
        text(&out)
    );
    let feeds = pg_scalar(&db.url, "SELECT COUNT(*) FROM feeds");
    let entries = pg_scalar(&db.url, "SELECT COUNT(*) FROM entries");
    assert!(feeds >= 2, "the first batches are committed");
    assert_eq!(entries, 0, "nothing past the stop");

    let out = feedsieve(copy(&["--stop-after-batches", "4"])).await;
    assert!(!out.status.success(), "{}", text(&out));
    let out = feedsieve(copy(&[])).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("(resumed)"), "{}", text(&out));

    let back = env.dir.path().join("back.db");
    let back_arg = back.display().to_string();
    let out = feedsieve(args(&[
        "--database",
        &back_arg,
        "copy",
        "--from",
        &db.url,
        "--batch-rows",
        "3",
    ]))
    .await;
    assert!(out.status.success(), "{}", text(&out));
    assert_same(&env.db_path(), &back);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_holding_another_database_is_refused() {
    let (_server, env) = pipeline_database().await;
    let db = pg::database();
    let config = env.config_path().display().to_string();
    let out = feedsieve(args(&["--config", &config, "copy", "--to", &db.url])).await;
    assert!(out.status.success(), "{}", text(&out));

    // Another database, into the same PostgreSQL database.
    let server = Server::start().await;
    server.route(
        "/other.xml",
        Route::rss(support::rss(
            "Other",
            &[(
                "o1",
                "Other news",
                "<p>Something else entirely happened in another town on another day.</p>",
            )],
        )),
    );
    let other = Env::new(&[server.url("/other.xml")], &[]);
    other.run(std::time::Duration::from_secs(30)).await;
    let other_config = other.config_path().display().to_string();
    let out = feedsieve(args(&["--config", &other_config, "copy", "--to", &db.url])).await;
    assert!(!out.status.success());
    assert!(
        text(&out).contains("a copy of another database"),
        "{}",
        text(&out)
    );

    // A daemon running on the source: refused before anything moves.
    let lock = feedsieve::store::DaemonLock::acquire(&other.db_path()).unwrap();
    let fresh = pg::database();
    let out = feedsieve(args(&[
        "--config",
        &other_config,
        "copy",
        "--to",
        &fresh.url,
    ]))
    .await;
    assert!(!out.status.success());
    assert!(
        text(&out).contains("stop it before copying"),
        "{}",
        text(&out)
    );
    drop(lock);

    // Back into a SQLite file that already holds data.
    let out = feedsieve(args(&[
        "--config",
        &other_config,
        "copy",
        "--from",
        &db.url,
    ]))
    .await;
    assert!(!out.status.success());
    assert!(text(&out).contains("already holds data"), "{}", text(&out));
}

/// The stories a `search --json` found, by id, and their snippets.
fn hits(out: &Output) -> Vec<(i64, String)> {
    assert!(out.status.success(), "{}", text(out));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    hits.iter()
        .map(|h| {
            let id = h["story_id"].as_i64().unwrap();
            (id, h["snippet"].as_str().unwrap().to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_commands_give_the_same_answers_on_postgres() {
    let (_server, env) = pipeline_database().await;
    // A category, for `export --category`.
    env.db()
        .exec("UPDATE feeds SET category = 'News/Local' WHERE url LIKE '%/a.xml'");
    let db = pg::database();
    let config = env.config_path().display().to_string();
    let out = feedsieve(args(&["--config", &config, "copy", "--to", &db.url])).await;
    assert!(out.status.success(), "{}", text(&out));
    let sqlite = env.db_path().display().to_string();
    let on = |database: &str, command: &[&str]| {
        let mut list = args(&["--database", database]);
        list.extend(args(command));
        feedsieve(list)
    };

    for command in [
        &["feeds"][..],
        &["feeds", "--json"],
        &["stories"],
        &["stories", "--json"],
        &["stories", "--json", "--limit", "1"],
        &["stories", "--since", "7d", "--limit=-1"],
        &["export"],
        &["export", "--format", "json"],
        &["export", "--format", "rss"],
        &["export", "--category", "News", "--limit", "5"],
        &["export", "--category", "Sport"],
    ] {
        let ours = on(&sqlite, command).await;
        let theirs = on(&db.url, command).await;
        assert!(ours.status.success(), "{command:?}: {}", text(&ours));
        assert!(theirs.status.success(), "{command:?}: {}", text(&theirs));
        assert!(!ours.stdout.is_empty(), "{command:?}");
        assert_eq!(
            without_clock(&String::from_utf8_lossy(&ours.stdout)),
            without_clock(&String::from_utf8_lossy(&theirs.stdout)),
            "{command:?}: PostgreSQL answers differently"
        );
    }

    // Search: the same stories for the same words, with the terms marked.
    let wire: i64 = env
        .db()
        .scalar("SELECT story_id FROM entries WHERE guid = 'a1'", []);
    let ferries: i64 = env
        .db()
        .scalar("SELECT story_id FROM entries WHERE guid = 'a2'", []);
    let podcast: i64 = env
        .db()
        .scalar("SELECT story_id FROM entries WHERE guid = 'p1'", []);
    for (query, expect) in [
        ("occupancy pandemic", vec![wire]),
        ("\"parking garages\"", vec![wire]),
        ("garag*", vec![wire]),
        ("harbour OR council", vec![wire, podcast]),
        // NOT binds tighter than OR: harbour OR (council NOT tides).
        ("harbour OR council NOT tides", vec![wire, podcast]),
        ("council NOT garages", vec![]),
        ("harbour NOT garages", vec![podcast]),
        ("nothing-like-this", vec![]),
    ] {
        let mut ours = hits(&on(&sqlite, &["search", "--json", query]).await);
        let mut theirs = hits(&on(&db.url, &["search", "--json", query]).await);
        ours.sort();
        theirs.sort();
        let ids = |h: &[(i64, String)]| h.iter().map(|(id, _)| *id).collect::<Vec<_>>();
        let mut expect = expect;
        expect.sort();
        assert_eq!(ids(&ours), expect, "{query}: SQLite");
        assert_eq!(ids(&theirs), expect, "{query}: PostgreSQL");
        for (_, snippet) in &theirs {
            assert!(snippet.contains('['), "{query}: {snippet}");
        }
    }
    let theirs = hits(&on(&db.url, &["search", "--json", "occupancy"]).await);
    assert!(theirs[0].1.contains("[occupancy]"), "{}", theirs[0].1);
    // A title outranks the text: "ferries" is a2's title word, p1's text word.
    for database in [&sqlite, &db.url] {
        let found = hits(&on(database, &["search", "--json", "ferries"]).await);
        let ids: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, vec![ferries, podcast], "{database}");
    }
    // The table form, and a query that is all punctuation.
    let out = on(&db.url, &["search", "occupancy"]).await;
    assert!(
        text(&out).contains("Council votes to turn garages into housing"),
        "{}",
        text(&out)
    );
    let out = on(&db.url, &["search", "--", "--"]).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("empty search query"), "{}", text(&out));

    // A database with no feedsieve schema, and one that cannot be reached.
    let empty = pg::database();
    let out = on(&empty.url, &["feeds"]).await;
    assert!(!out.status.success());
    assert!(
        text(&out).contains("holds no feedsieve database"),
        "{}",
        text(&out)
    );
    let out = on("postgres://feedsieve:secret@db.invalid/feeds", &["stories"]).await;
    assert!(!out.status.success());
    let said = text(&out);
    assert!(
        said.contains("cannot connect to postgres://feedsieve:***@db.invalid/feeds"),
        "{said}"
    );
    assert!(
        !said.contains("secret") && !said.contains("panicked"),
        "{said}"
    );
}

/// A database the real pipeline built from one loopback feed whose stories
/// hold accented words, unaccented and capitalised forms of them, and phrases
/// across a hyphen and an en dash: what SQLite's unicode61 index folds and
/// splits, and PostgreSQL's parser by itself does not.
async fn accents_database() -> (Server, Env) {
    let server = Server::start().await;
    server.route(
        "/d.xml",
        Route::rss(support::rss(
            "Site D",
            &[
                ("d1", "A café opens by the harbour", "<p>The new café by the harbour serves fish soup and crème brûlée, and its owner says the terrace will stay open all winter long.</p>"),
                ("d2", "Rents push out the corner cafe", "<p>The corner cafe on Station Road will close in March after its rent doubled, the third small business on the street to go this year.</p>"),
                ("d3", "CAFÉ SOCIETY RETURNS TO THE OLD THEATRE", "<p>A music festival named after the old film fills the theatre with jazz bands from Tuesday to Sunday, with tickets sold at the door only.</p>"),
                ("d4", "Shipping group lists its shares", "<p>Shares of the New York-listed shipping group rose sharply on Monday after it reported record freight volumes across the Atlantic routes.</p>"),
                ("d5", "Mayor of New York visits the port", "<p>The mayor of New York toured the container terminal on Friday and promised money for dredging the channel before the autumn storms.</p>"),
                ("d6", "Night train returns", "<p>The Paris–Berlin night train will run again from December, the operators said, with sleeping cars bought second hand from Austria.</p>"),
            ],
        )),
    );
    let env = Env::new(&[server.url("/d.xml")], &[]);
    env.run(std::time::Duration::from_secs(60)).await;
    (server, env)
}

/// The queries SQLite's index folds or splits, with the stories (by guid of
/// their entry) each must find on both engines.
const FOLDED_QUERIES: [(&str, &[&str]); 9] = [
    ("café", &["d1", "d2", "d3"]),
    ("cafe", &["d1", "d2", "d3"]),
    ("CAFÉ", &["d1", "d2", "d3"]),
    ("caf*", &["d1", "d2", "d3"]),
    ("creme brulee", &["d1"]),
    ("\"new york\"", &["d4", "d5"]),
    ("\"york listed\"", &["d4"]),
    ("york-listed", &["d4"]),
    ("\"paris berlin\"", &["d6"]),
];

/// Each of [`FOLDED_QUERIES`] finds its stories on SQLite and on `url`.
async fn assert_folded_search_matches(env: &Env, url: &str) {
    let sqlite = env.db_path().display().to_string();
    for (query, guids) in FOLDED_QUERIES {
        let mut expect: Vec<i64> = guids
            .iter()
            .map(|guid| {
                env.db().scalar(
                    "SELECT story_id FROM entries WHERE guid = ?1",
                    [guid.to_string()],
                )
            })
            .collect();
        expect.sort();
        for database in [sqlite.as_str(), url] {
            let out = feedsieve(args(&["--database", database, "search", "--json", query])).await;
            let mut found: Vec<i64> = hits(&out).into_iter().map(|(id, _)| id).collect();
            found.sort();
            assert_eq!(found, expect, "{query} on {database}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_folds_accents_and_splits_hyphens_on_both_engines() {
    let (_server, env) = accents_database().await;
    let db = pg::database();
    let config = env.config_path().display().to_string();
    let out = feedsieve(args(&["--config", &config, "copy", "--to", &db.url])).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_folded_search_matches(&env, &db.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration_2_applies_to_a_database_at_version_1_holding_data() {
    use feedsieve::store::postgres::{CopyOptions, Direction, copy};
    let (_server, env) = accents_database().await;
    let db = pg::database();
    // The copy an older feedsieve made: schema version 1, every row.
    let options = CopyOptions {
        sqlite: env.db_path(),
        url: db.url.clone(),
        direction: Direction::ToPostgres,
        batch_rows: 1000,
        stop_after_batches: None,
        migrate_up_to: Some(1),
    };
    off_runtime(move || copy::run(&options).unwrap());
    assert_eq!(
        pg_scalar(&db.url, "SELECT MAX(version) FROM feedsieve_migrations"),
        1
    );
    let entries = pg_scalar(&db.url, "SELECT COUNT(*) FROM entries");
    assert_eq!(entries, 6);
    // Version 1's vector: accents count, so 'cafe' misses the two cafés.
    let unaccented =
        "SELECT COUNT(*) FROM entries WHERE search_vector @@ to_tsquery('simple', 'cafe')";
    assert_eq!(pg_scalar(&db.url, unaccented), 1);
    // This feedsieve's read commands want version 2, and say who applies it.
    let out = feedsieve(args(&["--database", &db.url, "search", "cafe"])).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("needs migration 2"), "{}", text(&out));

    // `copy --to` again: migration 2 recomputes every row's vector in place.
    let config = env.config_path().display().to_string();
    let out = feedsieve(args(&["--config", &config, "copy", "--to", &db.url])).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("already holds"), "{}", text(&out));
    // ...and every later one.
    let latest = feedsieve::store::postgres::migrate::MIGRATIONS
        .last()
        .map(|m| m.version);
    assert_eq!(
        Some(pg_scalar(
            &db.url,
            "SELECT MAX(version) FROM feedsieve_migrations"
        )),
        latest
    );
    assert_eq!(pg_scalar(&db.url, "SELECT COUNT(*) FROM entries"), entries);
    assert_eq!(pg_scalar(&db.url, unaccented), 3);
    assert_eq!(
        pg_scalar(
            &db.url,
            "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'entries_search'"
        ),
        1
    );
    assert_folded_search_matches(&env, &db.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_takes_a_postgres_database_and_never_shows_its_password() {
    let env = Env::new(&[], &[]);
    let config = env.config_path();
    for (command, extra) in [
        ("run", vec!["--once"]),
        ("vacuum", vec![]),
        ("rededup", vec![]),
        ("reclean", vec![]),
    ] {
        let mut list = args(&[
            "--config",
            &config.display().to_string(),
            "--database",
            "postgres://feedsieve:secret@db.invalid/feeds",
            command,
        ]);
        list.extend(args(&extra));
        let out = feedsieve(list).await;
        assert!(!out.status.success());
        let said = text(&out);
        assert!(
            said.contains("cannot connect to postgres://feedsieve:***@db.invalid/feeds"),
            "{command}: {said}"
        );
        assert!(
            !said.contains("secret") && !said.contains("panicked"),
            "{said}"
        );
    }
    // The same from the config file.
    let toml = std::fs::read_to_string(&config).unwrap().replace(
        "database = \"feeds.db\"",
        "database = \"postgres://u:secret@db.invalid/feeds\"",
    );
    std::fs::write(&config, toml).unwrap();
    let out = feedsieve(args(&["--config", &config.display().to_string(), "vacuum"])).await;
    assert!(!out.status.success());
    let said = text(&out);
    assert!(
        said.contains("cannot connect to postgres://u:***@db.invalid/feeds"),
        "{said}"
    );
    assert!(!said.contains("secret"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_is_negotiated_with_rustls_and_the_certificate_is_checked() {
    let server = pg::tls_server();
    let env = Env::new(&[], &[]);
    env.run(std::time::Duration::from_secs(30)).await;
    let config = env.config_path().display().to_string();
    let url = format!("{}?sslmode=require", server.url);
    let copy = |trusted: Option<std::path::PathBuf>| {
        let list = args(&["--config", &config, "copy", "--to", &url]);
        async move {
            tokio::task::spawn_blocking(move || {
                let mut command = Command::new(BIN);
                command.args(&list).env_remove("RUST_LOG");
                // rustls-native-certs reads the trusted certificates from here.
                match trusted {
                    Some(ca) => command.env("SSL_CERT_FILE", ca),
                    None => command.env_remove("SSL_CERT_FILE"),
                };
                command.output().unwrap()
            })
            .await
            .unwrap()
        }
    };
    // A certificate no CA of the system's signed: refused, not used unchecked.
    let out = copy(None).await;
    assert!(!out.status.success());
    assert!(text(&out).contains("cannot connect to"), "{}", text(&out));
    assert!(text(&out).contains("UnknownIssuer"), "{}", text(&out));
    // Its CA trusted: the copy runs over TLS (the server takes TCP over TLS only).
    let out = copy(Some(server.ca.clone())).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("verified: the same row counts"),
        "{}",
        text(&out)
    );
}

/// An export's text with the feed's own update time hidden when it holds no
/// story: that time is then the clock's (Atom's `<updated>`, RSS's
/// `<lastBuildDate>`), and two runs a second apart print different ones.
fn without_clock(export: &str) -> String {
    if export.contains("<entry>") || export.contains("<item>") {
        return export.to_string();
    }
    export
        .lines()
        .map(|line| {
            let tag = line.trim_start();
            if tag.starts_with("<updated>") || tag.starts_with("<lastBuildDate>") {
                "(the clock)"
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
