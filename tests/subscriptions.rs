//! Subscriptions and what is kept, through the real binary against feeds and
//! web pages served on 127.0.0.1: `add` (with autodiscovery) and `remove`,
//! categories from the feed list to the database and exports, the data
//! entries carry (enclosures, categories, authors, dates), the RSS export,
//! and entry filters.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use support::{Route, Server};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new(config: &str) -> Dir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("feedsieve.toml"), config).unwrap();
        Dir { dir }
    }
    fn config_path(&self) -> PathBuf {
        self.dir.path().join("feedsieve.toml")
    }
    fn config(&self) -> String {
        std::fs::read_to_string(self.config_path()).unwrap()
    }
    fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("feeds.db")).unwrap()
    }
    /// Runs the binary off the async runtime, which keeps serving.
    async fn run(&self, args: &[&str]) -> Output {
        let mut command = Command::new(BIN);
        command
            .arg("--config")
            .arg(self.config_path())
            .args(args)
            .env_remove("FEEDSIEVE_CONFIG")
            .env_remove("FEEDSIEVE_DATABASE")
            .env_remove("RUST_LOG");
        tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

const HEAD: &str = "# my feeds: keep this comment\n[storage]\ndatabase = \"feeds.db\" # here\n\n[fetch]\ntimeout = \"10s\"\n";

fn page(links: &[&str]) -> String {
    let links: String = links
        .iter()
        .map(|href| {
            format!("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Feed {href}\" href=\"{href}\">")
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><head><title>Site</title>{links}</head><body><p>Welcome</p></body></html>"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_finds_feeds_behind_pages_and_remove_takes_them_out() {
    // Site 1 declares its feed; site 2 declares none but serves /atom.xml;
    // site 3 declares two.
    let one = Server::start().await;
    one.route(
        "/",
        Route::ok("text/html; charset=utf-8", page(&["/posts.xml"])),
    );
    one.route(
        "/posts.xml",
        Route::rss(support::rss(
            "Site One",
            &[("p1", "First post", "<p>Hello there.</p>")],
        )),
    );
    let two = Server::start().await;
    two.route("/blog/", Route::ok("text/html", page(&[])));
    two.route(
        "/atom.xml",
        Route::ok(
            "application/atom+xml",
            "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><id>urn:two</id><title>Site Two</title><updated>2026-11-24T15:00:00Z</updated>\
             <entry><id>t1</id><title>Two's post</title><updated>2026-11-24T15:00:00Z</updated><content type=\"html\">&lt;p&gt;Body two.&lt;/p&gt;</content></entry></feed>",
        ),
    );
    let three = Server::start().await;
    three.route("/", Route::ok("text/html", page(&["/a.rss", "/b.rss"])));

    let dir = Dir::new(HEAD);

    let out = dir
        .run(&["add", &one.url("/"), "--category", " News / World "])
        .await;
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains(&format!("its feed is {}", one.url("/posts.xml"))),
        "{out:?}"
    );
    let out = dir
        .run(&[
            "add",
            &two.url("/blog/"),
            "--name",
            "Two",
            "--category",
            "Tech",
        ])
        .await;
    assert!(out.status.success(), "{out:?}");

    // Several feeds: listed, nothing written, exit 1.
    let before = dir.config();
    let out = dir.run(&["add", &three.url("/")]).await;
    assert!(!out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&three.url("/a.rss")) && err.contains(&three.url("/b.rss")),
        "{err}"
    );
    assert!(err.contains("pick one"), "{err}");
    assert_eq!(dir.config(), before);

    // Adding one already listed is refused.
    let out = dir.run(&["add", &one.url("/posts.xml")]).await;
    assert!(!out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already in the feed list"),
        "{out:?}"
    );

    let config = dir.config();
    assert!(
        config.starts_with(HEAD),
        "comments and layout kept:\n{config}"
    );
    assert!(
        config.contains(&format!("url = \"{}\"", one.url("/posts.xml"))),
        "{config}"
    );
    assert!(config.contains("category = \"News/World\""), "{config}");
    assert!(
        config.contains(&format!("url = \"{}\"", two.url("/atom.xml"))),
        "{config}"
    );
    assert!(config.contains("name = \"Two\""), "{config}");

    // The categories reach the database and `feeds`.
    let out = dir.run(&["run", "--once"]).await;
    assert!(stdout(&out).contains(" 0 failed"), "{out:?}");
    let feeds = json(&dir.run(&["feeds", "--json"]).await);
    let categories: Vec<&str> = feeds
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["category"].as_str())
        .collect();
    assert_eq!(categories, vec!["News/World", "Tech"], "{feeds}");
    let table = stdout(&dir.run(&["feeds"]).await);
    assert!(
        table.contains("CATEGORY") && table.contains("News/World"),
        "{table}"
    );

    // export --category: stories of feeds in that category or below.
    for (category, want) in [("News", 1), ("News/World", 1), ("Tech", 1), ("Sport", 0)] {
        let out = dir
            .run(&["export", "--format", "rss", "--category", category])
            .await;
        let feed = feed_rs::parser::parse(out.stdout.as_slice()).unwrap();
        assert_eq!(feed.entries.len(), want, "{category}");
    }

    // export-opml nests the categories; import into a new config keeps them.
    let opml = stdout(&dir.run(&["export-opml"]).await);
    assert!(
        opml.contains("<outline text=\"News\" title=\"News\">")
            && opml.contains("<outline text=\"World\" title=\"World\">"),
        "{opml}"
    );
    let other = Dir::new("[storage]\ndatabase = \"feeds.db\"\n");
    std::fs::write(other.dir.path().join("subs.opml"), &opml).unwrap();
    let out = other
        .run(&[
            "import-opml",
            other.dir.path().join("subs.opml").to_str().unwrap(),
        ])
        .await;
    assert!(out.status.success(), "{out:?}");
    let imported = other.config();
    assert!(imported.contains("category = \"News/World\""), "{imported}");
    assert!(imported.contains("category = \"Tech\""), "{imported}");

    // preview on a home page previews its feed.
    let preview = json(&dir.run(&["preview", "--json", &one.url("/")]).await);
    assert_eq!(preview["url"], one.url("/posts.xml"));
    assert_eq!(preview["discovered_from"], one.url("/"));
    assert_eq!(preview["entries"][0]["title"], "First post");

    // remove: by name, then by URL; comments stay, the database keeps history.
    let out = dir.run(&["remove", "two"]).await;
    assert!(out.status.success(), "{out:?}");
    let out = dir.run(&["remove", &one.url("/posts.xml")]).await;
    assert!(out.status.success(), "{out:?}");
    let config = dir.config();
    assert!(config.starts_with(HEAD), "{config}");
    assert!(!config.contains("[[feed]]"), "{config}");
    let out = dir.run(&["remove", "two"]).await;
    assert!(!out.status.success(), "{out:?}");
    let entries: i64 = dir
        .db()
        .query_row("SELECT COUNT(*) FROM entries", [], |r| r.get(0))
        .unwrap();
    assert_eq!(entries, 2);
}

/// A podcast-like feed: enclosures, categories, two authors, dates.
fn podcast(extra_item: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>Cast</title><link>https://cast.example/</link>\n\
         <item><guid>ep1</guid><title>Episode one: harbour cranes</title><link>https://cast.example/ep1</link>\
         <pubDate>Tue, 24 Nov 2026 14:05:00 GMT</pubDate><dc:creator>Ann Lee</dc:creator><dc:creator>Bo Chen</dc:creator>\
         <category>Audio</category><category>Harbour</category>\
         <enclosure url=\"https://cast.example/ep1.mp3\" type=\"audio/mpeg\" length=\"31415926\"/>\
         <description>&lt;p&gt;The harbour's new cranes arrived by barge on Monday and will be installed over the winter.&lt;/p&gt;</description></item>\n\
         <item><guid>ad1</guid><title>SPONSORED: a mattress</title><link>https://cast.example/ad1</link>\
         <pubDate>Tue, 24 Nov 2026 15:05:00 GMT</pubDate><description>&lt;p&gt;Sleep better tonight.&lt;/p&gt;</description></item>\n\
         <item><guid>ep2</guid><title>Episode two: the ferry</title><link>https://cast.example/ep2</link>\
         <pubDate>Wed, 25 Nov 2026 09:00:00 GMT</pubDate><category>Promo</category>\
         <description>&lt;p&gt;The ferry timetable changes in spring, with two more crossings a day.&lt;/p&gt;</description></item>\n\
         {extra_item}</channel></rss>"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_keep_their_data_and_filters_drop_once_with_a_reason() {
    let server = Server::start().await;
    server.route("/cast.xml", Route::rss(podcast("")));
    let config = format!(
        "{HEAD}\n[filter.drop]\ntitle = [\"(?i)^sponsored\"]\n\n[[feed]]\nurl = \"{}\"\nname = \"Cast\"\ncategory = \"Podcasts\"\n[feed.filter.drop]\ncategory = [\"^Promo$\"]\n",
        server.url("/cast.xml")
    );
    let dir = Dir::new(&config);

    let out = dir.run(&["run", "--once"]).await;
    let text = stdout(&out);
    assert!(out.status.success(), "{out:?}");
    assert!(
        text.contains("dropped 2 new entries by [filter] rules"),
        "{out:?}"
    );
    let guids = |db: &rusqlite::Connection| -> Vec<String> {
        let mut select = db
            .prepare("SELECT guid FROM entries ORDER BY guid")
            .unwrap();
        select
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(guids(&dir.db()), vec!["ep1"]);

    let db = dir.db();
    let (categories, authors, published, updated): (String, String, String, Option<String>) = db
        .query_row(
            "SELECT categories, authors, published_at, updated_at FROM entries WHERE guid = 'ep1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(categories, r#"["Audio","Harbour"]"#);
    assert_eq!(authors, r#"["Ann Lee","Bo Chen"]"#);
    assert_eq!(published, "2026-11-24T14:05:00Z");
    // feed-rs gives an RSS item's pubDate as its updated date too.
    assert!(updated.is_some_and(|u| u >= published));
    let enclosure: (String, String, i64) = db
        .query_row(
            "SELECT e.url, e.type, e.length FROM entry_enclosures e JOIN entries n ON n.id = e.entry_id
             WHERE n.guid = 'ep1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        enclosure,
        (
            "https://cast.example/ep1.mp3".into(),
            "audio/mpeg".into(),
            31_415_926
        )
    );
    // A category is usable in queries.
    let harbour: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM entries e, json_each(e.categories) c WHERE c.value = 'Harbour'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(harbour, 1);

    let dropped = |db: &rusqlite::Connection| -> Vec<(String, String, String)> {
        let mut select = db
            .prepare("SELECT guid, reason, filtered_at FROM filtered_entries ORDER BY guid")
            .unwrap();
        select
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let first = dropped(&db);
    let reasons: Vec<(&str, &str)> = first
        .iter()
        .map(|(g, r, _)| (g.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("ad1", "drop title /(?i)^sponsored/"),
            ("ep2", "drop category /^Promo$/")
        ]
    );
    let feeds = json(&dir.run(&["feeds", "--json"]).await);
    assert_eq!(feeds[0]["filtered"], 2, "{feeds}");

    // The README's example queries for the new tables answer on this data.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for (section, want) in [("### `entry_enclosures`", 1), ("### `filtered_entries`", 2)] {
        let sql = readme
            .split(section)
            .nth(1)
            .and_then(|s| s.split("```sql").nth(1))
            .and_then(|s| s.split("```").next())
            .unwrap_or_else(|| panic!("README has a query under {section}"));
        let db = dir.db();
        let mut statement = db.prepare(sql).unwrap_or_else(|e| panic!("{e}: {sql}"));
        let rows = statement.query_map([], |_| Ok(())).unwrap().count();
        assert_eq!(rows, want, "{sql}");
    }

    // Fetched again (a new entry added): the dropped ones are not new again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    server.route(
        "/cast.xml",
        Route::rss(podcast(
            "<item><guid>ep3</guid><title>Episode three: tides</title><pubDate>Thu, 26 Nov 2026 09:00:00 GMT</pubDate>\
             <description>&lt;p&gt;Spring tides flood the quay twice a year.&lt;/p&gt;</description></item>",
        )),
    );
    let out = dir.run(&["run", "--once"]).await;
    let text = stdout(&out);
    assert!(out.status.success(), "{out:?}");
    assert!(!text.contains("dropped"), "counted again: {out:?}");
    assert_eq!(guids(&dir.db()), vec!["ep1", "ep3"]);
    assert_eq!(dropped(&dir.db()), first, "the records did not change");

    // preview shows what the filters would drop, and why.
    let preview = json(
        &dir.run(&["preview", "--json", &server.url("/cast.xml")])
            .await,
    );
    let filtered: Vec<(String, serde_json::Value)> = preview["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["guid"].as_str().unwrap().to_string(),
                e["filtered"].clone(),
            )
        })
        .collect();
    assert_eq!(filtered[0], ("ep1".into(), serde_json::Value::Null));
    assert_eq!(filtered[1].1, "drop title /(?i)^sponsored/");
    let plain = stdout(&dir.run(&["preview", &server.url("/cast.xml")]).await);
    assert!(
        plain.contains("DROPPED by [filter]: drop category /^Promo$/"),
        "{plain}"
    );

    // stories and search show the published date and take --limit.
    let stories = json(&dir.run(&["stories", "--json"]).await);
    assert_eq!(stories.as_array().unwrap().len(), 2);
    let published: Vec<&str> = stories
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["published_at"].as_str())
        .collect();
    assert_eq!(
        published,
        vec!["2026-11-26T09:00:00Z", "2026-11-24T14:05:00Z"]
    );
    let table = stdout(&dir.run(&["stories", "--limit", "1"]).await);
    assert!(table.starts_with("PUBLISHED"), "{table}");
    assert_eq!(table.lines().count(), 2, "{table}");
    assert!(table.contains("2026-11-26T09:00:00Z"), "{table}");
    let hits = stdout(&dir.run(&["search", "cranes"]).await);
    assert!(hits.starts_with("2026-11-24  Episode one"), "{hits}");

    // Exports: RSS 2.0 parses back, --limit, Atom names itself.
    let out = dir.run(&["export", "--format", "rss"]).await;
    let feed = feed_rs::parser::parse(out.stdout.as_slice()).unwrap();
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::RSS2);
    assert_eq!(feed.entries.len(), 2);
    assert_eq!(
        feed.entries[1].published.unwrap().to_rfc3339(),
        "2026-11-24T14:05:00+00:00"
    );
    let enclosure = feed.entries[1]
        .media
        .iter()
        .flat_map(|m| &m.content)
        .find_map(|c| c.url.as_ref().map(|u| (u.to_string(), c.size)));
    assert_eq!(
        enclosure,
        Some(("https://cast.example/ep1.mp3".to_string(), Some(31_415_926)))
    );
    let out = dir
        .run(&["export", "--format", "json", "--limit", "1"])
        .await;
    let feed = feed_rs::parser::parse(out.stdout.as_slice()).unwrap();
    assert_eq!(feed.entries.len(), 1);
    let atom_path = dir.dir.path().join("out.atom");
    let out = dir
        .run(&["export", "--out", atom_path.to_str().unwrap()])
        .await;
    assert!(out.status.success(), "{out:?}");
    let atom = std::fs::read_to_string(&atom_path).unwrap();
    let self_url = url::Url::from_file_path(&atom_path).unwrap();
    assert!(
        atom.contains(&format!(
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>"
        )),
        "{atom}"
    );
    let out = dir
        .run(&["export", "--self-url", "https://me.example/s.atom"])
        .await;
    assert!(
        stdout(&out).contains("href=\"https://me.example/s.atom\""),
        "{out:?}"
    );

    // A rule changed: the entry it dropped is judged again, and comes in.
    let relaxed = config.replace("category = [\"^Promo$\"]", "category = [\"^Nothing$\"]");
    std::fs::write(dir.config_path(), relaxed).unwrap();
    let out = dir.run(&["run", "--once"]).await;
    assert!(out.status.success(), "{out:?}");
    assert_eq!(guids(&dir.db()), vec!["ep1", "ep2", "ep3"]);
    let left: Vec<String> = dropped(&dir.db()).into_iter().map(|(g, _, _)| g).collect();
    assert_eq!(left, vec!["ad1".to_string()]);

    // No filters at all: what they dropped comes in, and its record goes.
    let unfiltered = format!(
        "{HEAD}\n[[feed]]\nurl = \"{}\"\nname = \"Cast\"\n",
        server.url("/cast.xml")
    );
    std::fs::write(dir.config_path(), &unfiltered).unwrap();
    let out = dir.run(&["run", "--once"]).await;
    assert!(out.status.success(), "{out:?}");
    assert_eq!(guids(&dir.db()), vec!["ad1", "ep1", "ep2", "ep3"]);
    assert!(dropped(&dir.db()).is_empty());

    // Retention forgets old records of dropped entries, as it forgets entries.
    dir.db()
        .execute(
            "INSERT INTO filtered_entries (feed_id, guid, raw_hash, reason, filtered_at)
             VALUES (1, 'old', 0, 'drop title /x/', '2020-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
    assert_eq!(dropped(&dir.db()).len(), 1);
    let with_keep = std::fs::read_to_string(dir.config_path()).unwrap().replace(
        "database = \"feeds.db\" # here",
        "database = \"feeds.db\"\nkeep = \"30d\"",
    );
    std::fs::write(dir.config_path(), with_keep).unwrap();
    dir.db()
        .execute(
            "UPDATE filtered_entries SET filtered_at = '2020-01-01T00:00:00Z'",
            [],
        )
        .unwrap();
    let out = dir.run(&["vacuum"]).await;
    assert!(out.status.success(), "{out:?}");
    assert!(dropped(&dir.db()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_filter_regex_is_reported_at_its_position() {
    let dir = Dir::new(
        "[filter.keep]\nauthor = [\"ok\",\n  \"(unclosed\"]\n\n[[feed]]\nurl = \"https://a.example/f\"\n[feed.filter.drop]\ntext = [\"x{2,1}\"]\n",
    );
    let out = dir.run(&["check"]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let path = dir.config_path().display().to_string();
    assert!(
        err.contains(&format!(
            "{path}:3:3: filter.keep.author: invalid regex \"(unclosed\": unclosed group"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{path}:8:9: feed.filter.drop.text: invalid regex")),
        "{err}"
    );
}
