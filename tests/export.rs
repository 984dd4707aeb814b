//! End-to-end tests of the real binary's OPML import/export and merged feed
//! export, against a database the real pipeline built from local feed files.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Output};

#[path = "support/sql.rs"]
mod sql;

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

const WIRE: &str = "PORTLAND, Maine (Wire) — The city council voted seven to two on Tuesday to convert three downtown parking garages into year-round housing, a plan that supporters say will add nearly four hundred apartments within five years. The garages, built in the seventies, have averaged less than half occupancy since 2021, according to a report by the planning office.";

fn rss(title: &str, items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, item_title, body)| {
            format!(
                "<item><guid>{guid}</guid><link>https://{title}.example/{guid}</link><title>{item_title}</title>\
                 <pubDate>Tue, 24 Nov 2026 14:05:00 GMT</pubDate>\
                 <description>&lt;p&gt;{body}&lt;/p&gt;</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title><link>https://{title}.example/</link>{items}</channel></rss>"
    )
}

fn atom(title: &str, id: &str, entry_title: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <id>urn:{title}</id><title>{title}</title><updated>2026-11-24T15:00:00Z</updated>\
         <entry><id>{id}</id><title>{entry_title}</title><updated>2026-11-24T15:00:00Z</updated>\
         <link href=\"https://{title}.example/{id}\"/>\
         <content type=\"html\">&lt;p&gt;{body}&lt;/p&gt;</content></entry></feed>"
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
    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }
    fn run_with(&self, config: &str, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("--config")
            .arg(self.path(config))
            .args(args)
            .env_remove("FEEDSIEVE_CONFIG")
            .env_remove("FEEDSIEVE_DATABASE")
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    }
    fn run(&self, args: &[&str]) -> Output {
        self.run_with("feedsieve.toml", args)
    }
    /// Two feeds carrying the same wire story, one unrelated feed, a title
    /// that needs escaping; fetched once by the real pipeline.
    fn fetched() -> Setup {
        let s = Setup::new();
        s.write(
            "a.xml",
            &rss(
                "site-a",
                &[
                    (
                        "garages",
                        "Council votes to turn garages into housing",
                        WIRE,
                    ),
                    (
                        "cats",
                        "Tom &amp; Jerry &lt;b&gt; return",
                        "A local cinema revives the cartoon for a week of matinees.",
                    ),
                ],
            ),
        );
        s.write(
            "b.atom",
            &atom(
                "site-b",
                "garages-b",
                "Council votes to turn garages into housing",
                WIRE,
            ),
        );
        s.write(
            "c.xml",
            &rss(
                "harbor",
                &[(
                    "ferry",
                    "Island ferry adds a winter run",
                    "The ferry will add a 6 a.m. winter crossing starting December 1.",
                )],
            ),
        );
        s.write(
            "feedsieve.toml",
            "[storage]\ndatabase = \"state/f.db\"\n\n[[feed]]\nurl = \"file://a.xml\"\nname = \"Site A\"\n\n\
             [[feed]]\nurl = \"file://b.atom\"\n\n[[feed]]\nurl = \"file://c.xml\"\nname = \"Harbor\"\n",
        );
        let out = s.run(&["run", "--once"]);
        assert!(out.status.success(), "{}", stderr(&out));
        s
    }
    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }
    /// The first column of every row, as text (none NULL), read-only.
    fn query(&self, query: &str) -> Vec<String> {
        let conn = sql::connect_read_only(&self.path("state/f.db")).unwrap();
        sql::printed(&conn, query)
            .unwrap_or_else(|e| panic!("{e}: {query}"))
            .into_iter()
            .map(|text| text.unwrap_or_else(|| panic!("NULL from {query}")))
            .collect()
    }
    fn count(&self, sql: &str) -> usize {
        self.query(sql)[0].parse().unwrap()
    }
    fn execute(&self, query: &str) {
        sql::exec(&sql::connect(&self.path("state/f.db")), query, []);
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn export(s: &Setup, args: &[&str]) -> feed_rs::model::Feed {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    let out = s.run(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    feed_rs::parser::parse(out.stdout.as_slice())
        .unwrap_or_else(|e| panic!("export {args:?} does not parse: {e}\n{}", stdout(&out)))
}

fn ids(feed: &feed_rs::model::Feed) -> BTreeSet<String> {
    feed.entries.iter().map(|e| e.id.clone()).collect()
}

#[test]
fn atom_and_json_exports_parse_and_have_one_item_per_story() {
    let s = Setup::fetched();
    let story_ids: BTreeSet<String> = s
        .query("SELECT 'urn:feedsieve:story:' || id FROM stories")
        .into_iter()
        .collect();
    assert!(!story_ids.is_empty());
    for format in ["atom", "json"] {
        let feed = export(&s, &["--format", format]);
        assert_eq!(feed.entries.len(), story_ids.len(), "{format}");
        assert_eq!(ids(&feed), story_ids, "{format}");
        for entry in &feed.entries {
            let id: i64 = entry.id.rsplit(':').next().unwrap().parse().unwrap();
            let title = &s.query(&format!(
                "SELECT COALESCE(s.title, e.title) FROM stories s
                 LEFT JOIN entries e ON e.id = s.canonical_entry_id WHERE s.id = {id}"
            ))[0];
            assert_eq!(&entry.title.as_ref().unwrap().content, title, "{format}");
            // The footer names every feed that carried the story.
            let body = entry
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .unwrap_or_default();
            let feeds = s.query(&format!(
                "SELECT COALESCE(f.name, f.title) FROM entries e JOIN feeds f ON f.id = e.feed_id
                 WHERE e.story_id = {id}"
            ));
            assert!(!feeds.is_empty());
            for name in feeds {
                assert!(body.contains(&name), "{format}: {name} not in {body}");
            }
        }
    }
    // A title with markup characters was among those compared above.
    assert_eq!(
        s.count("SELECT COUNT(*) FROM stories WHERE title LIKE '%&%<%'"),
        1
    );
}

#[test]
fn json_export_lists_each_storys_copies() {
    let s = Setup::fetched();
    let out = s.run(&["export", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], "https://jsonfeed.org/version/1.1");
    let items = doc["items"].as_array().unwrap();
    assert_eq!(items.len(), s.count("SELECT COUNT(*) FROM stories"));
    for item in items {
        let id = item["id"].as_str().unwrap().rsplit(':').next().unwrap();
        let copies = s.count(&format!(
            "SELECT COUNT(*) FROM entries WHERE story_id = {id}"
        ));
        assert_eq!(
            item["_feedsieve"]["feeds"].as_array().unwrap().len(),
            copies,
            "{item}"
        );
    }
}

#[test]
fn since_filters_on_first_seen_and_out_writes_the_file() {
    let s = Setup::fetched();
    let total = s.count("SELECT COUNT(*) FROM stories");
    assert!(total >= 2, "need two stories to age one");
    s.execute(
        "UPDATE stories SET first_seen_at = '2020-01-01T00:00:00Z'
         WHERE id IN (SELECT id FROM stories ORDER BY id LIMIT 1)",
    );
    let recent: BTreeSet<String> = s
        .query(
            "SELECT 'urn:feedsieve:story:' || id FROM stories
             WHERE first_seen_at >= '2021-01-01T00:00:00Z'",
        )
        .into_iter()
        .collect();
    assert!(!recent.is_empty() && recent.len() < total);
    for format in ["atom", "json"] {
        let feed = export(&s, &["--format", format, "--since", "24h"]);
        assert_eq!(ids(&feed), recent, "{format}");
        let feed = export(&s, &["--format", format, "--since", "36500d"]);
        assert_eq!(feed.entries.len(), total, "{format}");
    }

    let out = s.run(&[
        "export",
        "--format",
        "atom",
        "--since",
        "1d",
        "--out",
        s.path("merged.atom").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let feed = feed_rs::parser::parse(s.read("merged.atom").as_bytes()).unwrap();
    assert_eq!(ids(&feed), recent);
    let leftovers: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let bad = s.run(&["export", "--since", "soon"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("soon"), "{}", stderr(&bad));
}

const EXISTING: &str = "# My feeds. Keep this comment.
[storage]
database = \"state/f.db\"   # next to the config

[fetch]
default_interval = \"1h\"

# The one feed I had before.
[[feed]]
url = \"https://News.Example/feed.xml\"
name = \"News\"   # trailing comment
interval = \"15m\"
";

const OPML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My subscriptions</title></head>
  <body>
    <outline text="Tech">
      <outline text="Blog &amp; Co" type="rss" xmlUrl="https://blog.example/rss"/>
      <outline text="Deeper">
        <outline text="Deep one" type="rss" xmlUrl="https://deep.example/atom.xml"/>
      </outline>
    </outline>
    <outline text="News again" type="rss" xmlUrl="https://news.example:443/feed.xml"/>
    <outline text="Blog twice" type="rss" xmlUrl="https://blog.example/rss"/>
    <outline text="Paused" type="rss" xmlUrl="https://paused.example/feed" isComment="true"/>
  </body>
</opml>
"#;

#[test]
fn import_opml_keeps_the_config_and_skips_duplicates() {
    let s = Setup::new();
    s.write("feedsieve.toml", EXISTING);
    s.write("subs.opml", OPML);
    let out = s.run(&["import-opml", s.path("subs.opml").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("added 3 feeds"), "{said}");
    assert!(said.contains("skipped 2"), "{said}");

    let text = s.read("feedsieve.toml");
    // Everything that was there is still there, byte for byte, first.
    assert!(text.starts_with(EXISTING), "{text}");
    assert!(text.contains("url = \"https://deep.example/atom.xml\"\nname = \"Deep one\""));
    assert!(text.contains("name = \"Blog & Co\""));
    assert!(
        text.contains("url = \"https://paused.example/feed\"\nname = \"Paused\"\nenabled = false")
    );
    assert_eq!(text.matches("blog.example").count(), 1, "{text}");
    assert_eq!(text.to_lowercase().matches("news.example").count(), 1);

    let check = s.run(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("4 feeds, 3 enabled"),
        "{}",
        stdout(&check)
    );

    // Importing again adds nothing and leaves the file alone.
    let again = s.run(&["import-opml", s.path("subs.opml").to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("added 0 feeds"),
        "{}",
        stdout(&again)
    );
    assert_eq!(s.read("feedsieve.toml"), text);
}

#[test]
fn malformed_opml_fails_naming_the_file_and_changes_nothing() {
    let s = Setup::new();
    s.write("feedsieve.toml", EXISTING);
    s.write(
        "broken.opml",
        "<opml version=\"2.0\">\n<body>\n<outline text=\"x\" xmlUrl=\"https://x.example/\">\n</body>\n</opml>\n",
    );
    let out = s.run(&["import-opml", s.path("broken.opml").to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("broken.opml:4:"), "{err}");
    assert_eq!(s.read("feedsieve.toml"), EXISTING);

    s.write("feed.opml", &rss("not-opml", &[]));
    let out = s.run(&["import-opml", s.path("feed.opml").to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("feed.opml"), "{}", stderr(&out));
    assert!(stderr(&out).contains("not <opml>"), "{}", stderr(&out));

    let out = s.run(&["import-opml", s.path("missing.opml").to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("missing.opml"), "{}", stderr(&out));
    assert_eq!(s.read("feedsieve.toml"), EXISTING);
}

#[test]
fn export_opml_round_trips_through_import() {
    let s = Setup::new();
    s.write("feedsieve.toml", EXISTING);
    s.write("subs.opml", OPML);
    let out = s.run(&["import-opml", s.path("subs.opml").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let exported = s.run(&["export-opml"]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    s.write("exported.opml", &stdout(&exported));
    s.write("empty.toml", "# nothing yet\n");
    let out = s.run_with(
        "empty.toml",
        &["import-opml", s.path("exported.opml").to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("added 4 feeds"), "{}", stdout(&out));

    let feeds_of = |config: &str| -> BTreeSet<(String, bool)> {
        let c = feedsieve::config::load(&s.path(config)).unwrap();
        c.feeds
            .iter()
            .map(|f| (f.url.to_string(), f.enabled))
            .collect()
    };
    assert_eq!(feeds_of("empty.toml"), feeds_of("feedsieve.toml"));
    assert!(s.read("empty.toml").starts_with("# nothing yet\n"));
}

/// One HTTP/1.1 request over a plain socket: (status, headers, body).
async fn http(addr: std::net::SocketAddr, request: &str) -> (u16, String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status = head[9..12].parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

fn get(path: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n")
}

#[test]
fn serve_answers_both_feeds_with_etags() {
    let s = Setup::fetched();
    let stories = s.count("SELECT COUNT(*) FROM stories");
    Setup::rt().block_on(async {
        let store = feedsieve::store::Store::open(&s.path("state/f.db"))
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(feedsieve::serve::serve(
            listener,
            store.clone(),
            Default::default(),
        ));

        let (status, head, body) = http(addr, &get("/feed.atom", "")).await;
        assert_eq!(status, 200, "{head}");
        assert!(
            head.contains("content-type: application/atom+xml"),
            "{head}"
        );
        let feed = feed_rs::parser::parse(body.as_slice()).unwrap();
        assert_eq!(feed.entries.len(), stories);
        let etag = head
            .lines()
            .find_map(|l| l.strip_prefix("etag: "))
            .unwrap()
            .to_string();
        let (status, _, body) = http(
            addr,
            &get("/feed.atom", &format!("If-None-Match: {etag}\r\n")),
        )
        .await;
        assert_eq!(status, 304);
        assert!(body.is_empty());

        let (status, head, body) = http(addr, &get("/feed.json?since=24h", "")).await;
        assert_eq!(status, 200, "{head}");
        assert!(head.contains("application/feed+json"), "{head}");
        let feed = feed_rs::parser::parse(body.as_slice()).unwrap();
        assert_eq!(feed.entries.len(), stories);

        // RSS 2.0 too, naming the address it was asked at.
        let (status, head, body) = http(addr, &get("/feed.rss?since=24h", "")).await;
        assert_eq!(status, 200, "{head}");
        assert!(head.contains("application/rss+xml"), "{head}");
        let text = String::from_utf8_lossy(&body);
        assert!(
            text.contains("<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"http://x/feed.rss?since=24h\"/>"),
            "{text}"
        );
        let feed = feed_rs::parser::parse(body.as_slice()).unwrap();
        assert_eq!(feed.entries.len(), stories);

        assert_eq!(http(addr, &get("/etc/passwd", "")).await.0, 404);
        assert_eq!(http(addr, &get("/feed.json?since=soon", "")).await.0, 400);
        let post =
            "POST /feed.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(http(addr, post).await.0, 405);
        server.abort();
    });
}
