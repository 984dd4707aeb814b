//! Every query command of the real binary against a database the real
//! pipeline built from feeds served over HTTP on 127.0.0.1: two sites carry
//! one wire story in their own boilerplate, a third has its own news.

mod support;

use std::process::{Command, Output};

use support::{Env, Route, Server};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

const WIRE: [&str; 4] = [
    "The city council voted on Tuesday to convert three downtown parking garages into year-round housing, a plan that supporters say will add nearly four hundred apartments within five years.",
    "The garages, built in the seventies, have averaged less than half occupancy since the pandemic, according to a report by the planning office released last month.",
    "Converting them will cost an estimated ninety million dollars, about a third of it covered by a state grant, and engineers say the concrete decks can carry residential loads.",
    "Opponents argued that downtown merchants still depend on the spaces during the summer tourist season and asked for a shuttle service from lots on the edge of town.",
];

fn html(paragraphs: &[&str], boilerplate: &str) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!("{body}{boilerplate}")
}

/// Runs the binary off the async runtime, which keeps serving the feeds.
async fn feedsieve(env: &Env, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command
        .arg("--config")
        .arg(env.config_path())
        .args(args)
        .env_remove("RUST_LOG");
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_commands_over_a_database_built_from_loopback_feeds() {
    let server = Server::start().await;
    let site_a = html(
        &WIRE,
        "<p>Advertisement</p><p>Sign up to receive the latest news in your inbox. We don't spam! Read our privacy policy.</p>",
    );
    let site_b = html(
        &WIRE[..3],
        "<p>The post Garages become homes appeared first on Site B News.</p>",
    );
    let other = html(
        &[
            "A storm expected to bring a foot of snow to inland towns on Thursday prompted school closures in three counties, the weather service said on Wednesday morning.",
            "Forecasters said coastal towns would see mostly rain, though gusts could reach fifty miles per hour along exposed shores and several bridges may close.",
        ],
        "",
    );
    server.route(
        "/a.xml",
        Route::rss(support::rss(
            "Site A",
            &[("a1", "Council votes to turn garages into housing", &site_a)],
        )),
    );
    server.route(
        "/b.xml",
        Route::rss(support::rss(
            "Site B",
            &[("b1", "Garages become homes", &site_b)],
        )),
    );
    server.route(
        "/c.xml",
        Route::rss(support::rss(
            "Site C",
            &[("c1", "Snow closes schools", &other)],
        )),
    );
    let env = Env::new(
        &[
            server.url("/a.xml"),
            server.url("/b.xml"),
            server.url("/c.xml"),
        ],
        &[],
    );

    let out = feedsieve(&env, &["run", "--once"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("fetched 3 feeds: 0 failed, 3 new entries"),
        "{out:?}"
    );
    // Two stories (the wire story and the other), both indexed at the end.
    assert!(
        stdout.contains("; 2 stories indexed for search in "),
        "{out:?}"
    );

    // stories: the wire story once, carried by both sites.
    let stories = json(&feedsieve(&env, &["stories", "--json"]).await);
    let stories = stories.as_array().unwrap();
    assert_eq!(stories.len(), 2, "{stories:?}");
    let wire = stories
        .iter()
        .find(|s| s["copies"] == 2)
        .expect("the wire story has two copies");
    assert_eq!(wire["feeds"].as_array().unwrap().len(), 2);
    assert_eq!(
        wire["title"], "Council votes to turn garages into housing",
        "canonical: the copy with the whole text"
    );

    // search: one hit per story, boilerplate not indexed.
    let hits = json(&feedsieve(&env, &["search", "--json", "parking", "garages"]).await);
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
    assert_eq!(hits[0]["copies"], 2);
    let hits = json(&feedsieve(&env, &["search", "--json", "spam"]).await);
    assert_eq!(
        hits.as_array().unwrap().len(),
        0,
        "newsletter boilerplate was indexed: {hits}"
    );

    // export: a valid feed, one item per story, cleaned.
    for format in ["atom", "json"] {
        let out = feedsieve(&env, &["export", "--format", format]).await;
        assert!(out.status.success(), "{out:?}");
        let feed = feed_rs::parser::parse(out.stdout.as_slice())
            .unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(feed.entries.len(), 2, "{format}");
        let all: String = feed
            .entries
            .iter()
            .filter_map(|e| e.content.as_ref()?.body.clone())
            .collect();
        assert!(
            !all.contains("Advertisement") && !all.contains("appeared first on"),
            "{format}: {all}"
        );
    }

    // feeds and export-opml list the three feeds.
    let feeds = json(&feedsieve(&env, &["feeds", "--json"]).await);
    assert_eq!(feeds.as_array().unwrap().len(), 3);
    assert!(
        feeds
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["last_status"] == 200 && f["last_error"].is_null()),
        "{feeds}"
    );
    let opml = feedsieve(&env, &["export-opml"]).await;
    let opml = String::from_utf8_lossy(&opml.stdout);
    assert_eq!(opml.matches("xmlUrl=").count(), 3, "{opml}");

    // preview: what the cleaner removed from site A, and why.
    let preview = json(&feedsieve(&env, &["preview", "--json", &server.url("/a.xml")]).await);
    let removed: Vec<&str> = preview["entries"][0]["removed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["text"].as_str())
        .collect();
    assert!(removed.contains(&"Advertisement"), "{removed:?}");
    assert!(removed.iter().any(|r| r.contains("Sign up")), "{removed:?}");

    // vacuum keeps everything queryable.
    assert!(feedsieve(&env, &["vacuum"]).await.status.success());
    let hits = json(&feedsieve(&env, &["search", "--json", "snow"]).await);
    assert_eq!(hits.as_array().unwrap().len(), 1);
}
