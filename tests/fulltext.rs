//! Full text for summary-only feeds, against real parts: feeds and pages
//! served over HTTP on 127.0.0.1 (the server counts every request), the real
//! pipeline and a real SQLite file, and the real binary for `extract`,
//! `preview`, `feeds` and `reclean`.

#[path = "support/shared.rs"]
mod shared;
#[path = "support/site.rs"]
mod site;
mod support;

use std::process::{Command, Output};
use std::time::Duration;

use site::Article;
use support::{Env, Route, Server};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");
const SECS: fn(u64) -> Duration = Duration::from_secs;

/// A config with `[fetch]` lines and feeds given as (url, extra lines).
fn env_with(fetch: &str, feeds: &[(String, &str)]) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!("[storage]\ndatabase = \"feeds.db\"\n\n[fetch]\n{fetch}\n");
    if !fetch.contains("timeout") {
        text.push_str("timeout = \"10s\"\n");
    }
    for (url, extra) in feeds {
        text.push_str(&format!("\n[[feed]]\nurl = \"{url}\"\n{extra}\n"));
    }
    let path = dir.path().join("feedsieve.toml");
    std::fs::write(&path, &text).unwrap();
    let config = feedsieve::config::parse(&text, &path).unwrap();
    Env { dir, config }
}

fn articles(n: usize) -> Vec<Article> {
    site::ground_truth(&shared::shared_dir(), 0, n)
}

/// Serves each article's page at /articles/<id>.
fn serve_pages(server: &Server, articles: &[Article]) {
    let base = format!("http://{}", server.addr);
    for (i, a) in articles.iter().enumerate() {
        let others: Vec<&Article> = articles
            .iter()
            .cycle()
            .skip(i + 1)
            .take(3)
            .filter(|o| o.id != a.id)
            .collect();
        server.route(
            &format!("/articles/{}", a.id),
            Route::ok("text/html; charset=utf-8", site::page(&base, a, &others)),
        );
    }
}

#[derive(Debug)]
struct PageRow {
    guid: String,
    content_text: Option<String>,
    teaser_text: Option<String>,
    text_source: String,
    page_url: Option<String>,
    page_error: Option<String>,
    page_attempts: i64,
    page_due_at: Option<String>,
    story_id: Option<i64>,
}

fn page_rows(env: &Env, feed_url: &str) -> Vec<PageRow> {
    support::sql::rows_with(
        &env.db().conn(),
        "SELECT e.guid, e.content_text, e.teaser_text, e.text_source, e.page_url, e.page_error,
                e.page_attempts, e.page_due_at, e.story_id
         FROM entries e JOIN feeds f ON f.id = e.feed_id WHERE f.url = ? ORDER BY e.id",
        [feed_url],
        |row| {
            Ok(PageRow {
                guid: row.get("guid")?,
                content_text: row.get("content_text")?,
                teaser_text: row.get("teaser_text")?,
                text_source: row.get("text_source")?,
                page_url: row.get("page_url")?,
                page_error: row.get("page_error")?,
                page_attempts: row.get("page_attempts")?,
                page_due_at: row.get("page_due_at")?,
                story_id: row.get("story_id")?,
            })
        },
    )
}

fn content_kind(env: &Env, feed_url: &str) -> Option<String> {
    env.db()
        .scalar("SELECT content_kind FROM feeds WHERE url = ?", [feed_url])
}

fn article_hits(server: &Server) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/articles/") || r.path.starts_with("/p/"))
        .count()
}

/// Runs the binary off the async runtime, which keeps serving.
async fn feedsieve(args: Vec<String>) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).env_remove("RUST_LOG");
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn args(env: &Env, rest: &[&str]) -> Vec<String> {
    let mut all = vec![
        "--config".to_string(),
        env.config_path().display().to_string(),
    ];
    all.extend(rest.iter().map(|s| s.to_string()));
    all
}

/// The small end-to-end site: three teaser feeds (RSS, Atom, JSON Feed)
/// and a full-content feed of the same articles. Each teaser entry gets its
/// page's article, joins the full copy's story, and the full feed's links
/// are never requested; a second run fetches no page again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teaser_feeds_get_their_articles_and_join_the_full_copies() {
    let server = Server::start().await;
    let base = format!("http://{}", server.addr);
    let all = articles(6);
    assert_eq!(all.len(), 6);
    serve_pages(&server, &all);
    let refs: Vec<&Article> = all.iter().collect();
    server.route(
        "/rss.xml",
        Route::rss(site::rss_teasers(&base, &refs[0..2])),
    );
    server.route(
        "/atom.xml",
        Route::ok(
            "application/atom+xml",
            site::atom_teasers(&base, &refs[2..4]),
        ),
    );
    server.route(
        "/feed.json",
        Route::ok(
            "application/feed+json",
            site::json_feed_teasers(&base, &refs[4..6]),
        ),
    );
    server.route("/full.xml", Route::rss(site::rss_full(&base, &refs)));
    let feeds: Vec<(String, &str)> = ["/rss.xml", "/atom.xml", "/feed.json", "/full.xml"]
        .iter()
        .map(|p| (server.url(p), ""))
        .collect();
    let env = env_with("", &feeds);
    let summary = env.run(SECS(60)).await;
    assert_eq!(summary.failed, 0);
    assert_eq!((summary.pages, summary.pages_failed), (6, 0));

    let full = page_rows(&env, &server.url("/full.xml"));
    assert_eq!(full.len(), 6);
    assert!(
        full.iter()
            .all(|r| r.text_source == "feed" && r.page_due_at.is_none())
    );
    assert_eq!(server.hits("/wire/x"), 0);
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/wire/"))
    );
    assert_eq!(
        content_kind(&env, &server.url("/full.xml")).as_deref(),
        Some("full")
    );

    for (feed, range) in [
        ("/rss.xml", 0..2),
        ("/atom.xml", 2..4),
        ("/feed.json", 4..6),
    ] {
        let rows = page_rows(&env, &server.url(feed));
        assert_eq!(rows.len(), 2, "{feed}");
        for (row, article) in rows.iter().zip(&all[range]) {
            assert_eq!(row.text_source, "page", "{feed}: {row:?}");
            assert_eq!(row.page_error, None, "{feed}");
            let link = format!("{base}/articles/{}", article.id);
            assert_eq!(row.page_url.as_deref(), Some(link.as_str()));
            let teaser = row.teaser_text.as_deref().unwrap_or("");
            assert!(
                teaser.split_whitespace().count() < 60,
                "{feed}: teaser {teaser}"
            );
            let text = row.content_text.as_deref().unwrap_or("");
            let (recall, precision) = site::coverage(&article.text(), text);
            assert!(recall >= 0.9, "{feed} {}: recall {recall:.3}", article.id);
            assert!(
                precision >= 0.8,
                "{feed} {}: precision {precision:.3}",
                article.id
            );
            // The page copy joined the full copy's story.
            let full_copy = full
                .iter()
                .find(|r| r.guid == format!("full-{}", article.id))
                .unwrap();
            assert_eq!(row.story_id, full_copy.story_id, "{feed} {}", article.id);
        }
    }
    let fetched = article_hits(&server);
    assert_eq!(fetched, 6, "one request per teaser entry");
    // A second run: the feeds answer the same, no page is fetched again.
    env.run(SECS(60)).await;
    assert_eq!(article_hits(&server), fetched);
}

fn teaser_feed(base: &str, items: &[(&str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, path)| {
            format!(
                "<item><guid>{guid}</guid><title>Story {guid}</title><link>{base}{path}</link><description>Officials said on Monday that the plan would go ahead despite objections from residents […]</description></item>"
            )
        })
        .collect();
    format!("<rss version=\"2.0\"><channel><title>Teasers</title>{items}</channel></rss>")
}

fn full_feed(base: &str, items: &[(&str, &str, &Article)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, path, a)| {
            let body: String = a.paragraphs.iter().map(|p| format!("<p>{}</p>", site::escape(p))).collect();
            format!(
                "<item><guid>{guid}</guid><title>Story {guid}</title><link>{base}{path}</link><description><![CDATA[{body}]]></description></item>"
            )
        })
        .collect();
    format!("<rss version=\"2.0\"><channel><title>Full</title>{items}</channel></rss>")
}

/// `always` fetches the pages of short entries that are not cut off (which
/// `auto` leaves), `never` leaves a teaser feed's alone, and `preview` says
/// so per entry, as it tells teasers from full content in `auto`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn always_and_never_override_detection() {
    let server = Server::start().await;
    let base = format!("http://{}", server.addr);
    let all = articles(2);
    serve_pages(&server, &all);
    let p0 = format!("/articles/{}", all[0].id);
    let p1 = format!("/articles/{}", all[1].id);
    server.route(
        "/full.xml",
        Route::rss(full_feed(&base, &[("f1", &p0, &all[0])])),
    );
    server.route(
        "/summary.xml",
        Route::rss(format!(
            "<rss version=\"2.0\"><channel><title>S</title><item><guid>s1</guid><title>S</title>\
             <link>{base}{p0}</link><description>A whole short summary of the story.</description></item></channel></rss>"
        )),
    );
    server.route(
        "/teasers.xml",
        Route::rss(teaser_feed(&base, &[("t1", &p1)])),
    );
    let env = env_with(
        "",
        &[
            (server.url("/summary.xml"), "full_text = \"always\""),
            (server.url("/teasers.xml"), "full_text = \"never\""),
        ],
    );
    let preview = feedsieve(args(&env, &["preview", &server.url("/teasers.xml")])).await;
    let stdout = String::from_utf8_lossy(&preview.stdout);
    assert!(
        stdout.contains("page: not fetched: full_text = \"never\""),
        "{stdout}"
    );
    let preview = feedsieve(args(&env, &["preview", &server.url("/summary.xml")])).await;
    let stdout = String::from_utf8_lossy(&preview.stdout);
    assert!(
        stdout.contains("page: would be fetched: full_text = \"always\""),
        "{stdout}"
    );
    env.run(SECS(60)).await;
    assert_eq!(server.hits(&p0), 1);
    assert_eq!(server.hits(&p1), 0);
    let summary = page_rows(&env, &server.url("/summary.xml"));
    assert_eq!(summary[0].text_source, "page");
    let teasers = page_rows(&env, &server.url("/teasers.xml"));
    assert_eq!(teasers[0].text_source, "feed");
    assert_eq!(teasers[0].page_due_at, None);

    // In auto (a config without the keys), preview tells a teaser from full content.
    let auto = env_with(
        "",
        &[
            (server.url("/full.xml"), ""),
            (server.url("/teasers.xml"), ""),
            (server.url("/summary.xml"), ""),
        ],
    );
    let preview = feedsieve(args(&auto, &["preview", &server.url("/summary.xml")])).await;
    let stdout = String::from_utf8_lossy(&preview.stdout);
    assert!(
        stdout.contains("page: not fetched: short (7 words) but not cut off"),
        "{stdout}"
    );
    let preview = feedsieve(args(&auto, &["preview", &server.url("/teasers.xml")])).await;
    let stdout = String::from_utf8_lossy(&preview.stdout);
    assert!(
        stdout.contains("page: would be fetched: teaser (") && stdout.contains("cut off: \"[…]\""),
        "{stdout}"
    );
    let preview = feedsieve(args(&auto, &["preview", &server.url("/full.xml")])).await;
    let stdout = String::from_utf8_lossy(&preview.stdout);
    assert!(
        stdout.contains("page: not fetched: the feed carries full content"),
        "{stdout}"
    );
}

/// Pages that 404, time out, exceed max_body, are PDFs or redirect in a
/// loop: each entry keeps its teaser and records its error, the feed and its
/// other entries are stored, `feeds` counts the failures, nothing is retried
/// before its backoff, and once it has passed the next run retries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_pages_keep_the_teaser_and_are_retried_after_a_backoff() {
    let server = Server::start().await;
    let base = format!("http://{}", server.addr);
    let all = articles(2);
    serve_pages(&server, &all);
    let good = format!("/articles/{}", all[0].id);
    server.route("/p/missing", Route::status(404));
    server.route("/p/hang", Route::Hang);
    server.route(
        "/p/huge",
        Route::ok(
            "text/html",
            format!(
                "<html><body><p>{}</p></body></html>",
                "word ".repeat(40_000)
            ),
        ),
    );
    server.route(
        "/p/report",
        Route::ok("application/pdf", "%PDF-1.7 not a page"),
    );
    server.route("/p/loop-a", Route::redirect(302, "/p/loop-b"));
    server.route("/p/loop-b", Route::redirect(302, "/p/loop-a"));
    let cases = [
        ("missing", "/p/missing", "HTTP 404"),
        ("hang", "/p/hang", "timed out"),
        ("huge", "/p/huge", "exceeds max_body"),
        ("report", "/p/report", "not an HTML page (application/pdf)"),
        ("loop", "/p/loop-a", "redirect loop"),
    ];
    let mut items: Vec<(&str, &str)> = cases.iter().map(|(g, p, _)| (*g, *p)).collect();
    items.push(("good", &good));
    server.route("/teasers.xml", Route::rss(teaser_feed(&base, &items)));
    let env = env_with(
        "timeout = \"2s\"\nmax_body = \"128KiB\"",
        &[(server.url("/teasers.xml"), "")],
    );
    let summary = env.run(SECS(30)).await;
    assert_eq!(summary.failed, 0, "a page's failure is not the feed's");
    let rows = page_rows(&env, &server.url("/teasers.xml"));
    assert_eq!(rows.len(), 6);
    let now = feedsieve::store::now();
    for (guid, _, error) in cases {
        let row = rows.iter().find(|r| r.guid == guid).unwrap();
        assert_eq!(row.text_source, "feed", "{guid}");
        assert_eq!(row.content_text, row.teaser_text, "{guid}: teaser kept");
        assert!(
            row.content_text
                .as_deref()
                .unwrap_or("")
                .contains("Officials said")
        );
        let recorded = row.page_error.as_deref().unwrap_or("");
        assert!(
            recorded.contains(error),
            "{guid}: {recorded:?} lacks {error:?}"
        );
        assert_eq!(row.page_attempts, 1, "{guid}");
        let due = row.page_due_at.as_deref().unwrap();
        assert!(
            due > now.as_str(),
            "{guid}: retried no sooner than its backoff ({due})"
        );
    }
    let good_row = rows.iter().find(|r| r.guid == "good").unwrap();
    assert_eq!(good_row.text_source, "page");

    let feeds = feedsieve(args(&env, &["feeds", "--json"])).await;
    let feeds: serde_json::Value = serde_json::from_slice(&feeds.stdout).unwrap();
    assert_eq!(feeds[0]["pages_failed"], 5, "{feeds}");
    assert_eq!(feeds[0]["pages_fetched"], 1, "{feeds}");

    // Not due yet: the next run requests none of them.
    let before = server.requests().len();
    env.run(SECS(30)).await;
    let paths: Vec<String> = server.requests()[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(paths, vec!["/teasers.xml".to_string()]);

    // The backoff passes (moved back in the database), the pages work now.
    for (path, article) in [("/p/missing", &all[1]), ("/p/report", &all[1])] {
        server.route(
            path,
            Route::ok("text/html", site::page(&base, article, &[])),
        );
    }
    let db = env.db();
    db.exec(
        "UPDATE entries SET page_due_at = '2000-01-01T00:00:00Z' WHERE page_due_at IS NOT NULL",
    );
    env.run(SECS(30)).await;
    let rows = page_rows(&env, &server.url("/teasers.xml"));
    for row in &rows {
        match row.guid.as_str() {
            "missing" | "report" | "good" => {
                assert_eq!(row.text_source, "page", "{row:?}");
                assert_eq!(row.page_error, None);
                assert_eq!(row.page_due_at, None);
            }
            _ => {
                assert_eq!(row.text_source, "feed");
                assert_eq!(row.page_attempts, 2, "{row:?}");
            }
        }
    }
    // The backoff doubled for the ones that failed twice.
    let waits: Vec<i64> = rows
        .iter()
        .filter(|r| r.page_attempts == 2)
        .map(|r| {
            let due =
                chrono::DateTime::parse_from_rfc3339(r.page_due_at.as_deref().unwrap()).unwrap();
            (due.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds()
        })
        .collect();
    assert_eq!(waits.len(), 3);
    assert!(waits.iter().all(|w| (3500..=3600).contains(w)), "{waits:?}");

    // The feed was learned as a feed of teasers: preview (which reads that
    // from the database) calls its next short entry a teaser, marker or not.
    assert_eq!(
        content_kind(&env, &server.url("/teasers.xml")).as_deref(),
        Some("teasers")
    );
    server.route(
        "/teasers.xml",
        Route::rss(format!(
            "<rss version=\"2.0\"><channel><title>T</title><item><guid>n</guid><title>N</title>\
             <link>{base}/p/next</link><description>A whole short note.</description></item></channel></rss>"
        )),
    );
    let preview = feedsieve(args(&env, &["preview", &server.url("/teasers.xml")])).await;
    let stdout = String::from_utf8_lossy(&preview.stdout);
    assert!(
        stdout.contains("page: would be fetched: teaser (4 words) in a feed of teasers"),
        "{stdout}"
    );
}

/// A public feed's pages may not reach a private address: both a link to an
/// IP literal and one to a name that resolves to loopback are refused, with
/// no request made. The same feed, counted as what it is (loopback), may.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guard_refuses_private_pages_of_a_public_feed() {
    let server = Server::start().await;
    let all = articles(2);
    serve_pages(&server, &all);
    let literal = format!("http://{}/articles/{}", server.addr, all[0].id);
    let by_name = format!(
        "http://localhost:{}/articles/{}",
        server.addr.port(),
        all[1].id
    );
    let feed = format!(
        "<rss version=\"2.0\"><channel><title>T</title>\
         <item><guid>lit</guid><title>A</title><link>{literal}</link><description>Officials said on Monday that the plan would go ahead […]</description></item>\
         <item><guid>name</guid><title>B</title><link>{by_name}</link><description>Officials said on Tuesday that the plan would go ahead […]</description></item>\
         </channel></rss>"
    );
    server.route("/feed.xml", Route::rss(feed));
    let env = env_with("", &[(server.url("/feed.xml"), "")]);

    let mut pipeline = feedsieve::pipeline::Pipeline::new(&env.config)
        .await
        .unwrap();
    pipeline.count_feeds_as_public();
    let states = pipeline.store.sync_feeds(&env.config.feeds).await.unwrap();
    let job = feedsieve::pipeline::FeedJob::new(states[0].id, &env.config.feeds[0], &env.config);
    let report = pipeline.run_feed(&job).await.unwrap();
    assert_eq!(report.error, None);
    assert_eq!((report.pages, report.pages_failed), (0, 2));
    assert_eq!(
        article_hits(&server),
        0,
        "no request reached the private pages"
    );
    let rows = page_rows(&env, &server.url("/feed.xml"));
    for row in &rows {
        let error = row.page_error.as_deref().unwrap_or("");
        assert!(
            // localhost may resolve to ::1 first.
            error.contains("refused")
                && (error.contains("private address (127.0.0.1)")
                    || error.contains("private address (::1)")),
            "{row:?}"
        );
        assert_eq!(row.text_source, "feed");
    }
    pipeline.store.close().await;

    // The feed really is on loopback: counted as such, its pages are fetched.
    env.db()
        .exec("UPDATE entries SET page_due_at = '2000-01-01T00:00:00Z'");
    env.run(SECS(30)).await;
    let rows = page_rows(&env, &server.url("/feed.xml"));
    assert!(rows.iter().all(|r| r.text_source == "page"), "{rows:?}");
}

/// A paywall or consent page yields the teaser again (or less): the teaser
/// is kept, the reason recorded, and the page not fetched again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paywall_page_keeps_the_teaser() {
    let server = Server::start().await;
    let base = format!("http://{}", server.addr);
    let wall = "<!DOCTYPE html><html><head><title>Story</title></head><body>\
        <div class=\"consent\"><p>We value your privacy. Accept cookies to continue.</p></div>\
        <article><h1>Story</h1><p>Officials said on Monday that the plan would go ahead despite objections from residents.</p>\
        <div class=\"paywall\"><p>Subscribe to continue reading. Already a subscriber? Log in.</p></div></article></body></html>";
    server.route("/p/wall", Route::ok("text/html", wall));
    server.route(
        "/teasers.xml",
        Route::rss(teaser_feed(&base, &[("w", "/p/wall")])),
    );
    let env = env_with("", &[(server.url("/teasers.xml"), "")]);
    env.run(SECS(30)).await;
    let rows = page_rows(&env, &server.url("/teasers.xml"));
    assert_eq!(rows[0].text_source, "feed");
    assert_eq!(rows[0].content_text, rows[0].teaser_text);
    assert!(
        rows[0]
            .page_error
            .as_deref()
            .unwrap_or("")
            .contains("paywall"),
        "{:?}",
        rows[0]
    );
    assert_eq!(rows[0].page_due_at, None);
    env.run(SECS(30)).await;
    assert_eq!(server.hits("/p/wall"), 1);
}

/// An article that ends in a run of short lines (a tour's dates, written as
/// paragraphs) is stored whole from its realistic page, and nothing of the
/// page around it (related list, comments, sidebar, footer) comes with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_ending_in_short_lines_is_stored_with_its_tail() {
    let server = Server::start().await;
    let base = format!("http://{}", server.addr);
    let mut paragraphs: Vec<String> = (0..4)
        .map(|i| {
            format!(
                "The band announced on Monday the leg {i} of a tour that will take it across the country next summer, with guests."
            )
        })
        .collect();
    paragraphs.push("The tour dates:".to_string());
    paragraphs.extend((1..=25).map(|d| format!("June {d} -- Amphitheatre, Town {d}")));
    paragraphs.push("Tickets go on sale Friday.".to_string());
    let article = Article {
        id: "shortlines01".to_string(),
        title: "The band announced a tour".to_string(),
        paragraphs,
    };
    let other = articles(1);
    let page = site::page(&base, &article, &other.iter().collect::<Vec<_>>());
    server.route("/p/tour", Route::ok("text/html; charset=utf-8", page));
    server.route(
        "/teasers.xml",
        Route::rss(teaser_feed(&base, &[("tour", "/p/tour")])),
    );
    let env = env_with("", &[(server.url("/teasers.xml"), "")]);
    env.run(SECS(30)).await;
    let rows = page_rows(&env, &server.url("/teasers.xml"));
    assert_eq!(rows[0].text_source, "page", "{:?}", rows[0]);
    let text = rows[0].content_text.as_deref().unwrap_or("");
    assert!(text.contains("June 25 -- Amphitheatre, Town 25"), "{text}");
    assert!(text.contains("Tickets go on sale Friday."), "{text}");
    let (recall, precision) = site::coverage(&article.text(), text);
    assert!(
        recall >= 0.95 && precision >= 0.95,
        "{recall} {precision}: {text}"
    );
    for furniture in [
        "Related stories",
        "Comments",
        "Most read",
        "All rights reserved",
    ] {
        assert!(!text.contains(furniture), "{furniture}: {text}");
    }
}

/// `reclean` after a rule change re-extracts a page-extracted entry from the
/// stored page, with no request at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reclean_reextracts_stored_pages_without_requests() {
    let server = Server::start().await;
    let base = format!("http://{}", server.addr);
    let all = articles(1);
    serve_pages(&server, &all);
    let path = format!("/articles/{}", all[0].id);
    server.route(
        "/teasers.xml",
        Route::rss(teaser_feed(&base, &[("r", &path)])),
    );
    let env = env_with("", &[(server.url("/teasers.xml"), "")]);
    env.run(SECS(30)).await;
    let before = page_rows(&env, &server.url("/teasers.xml"));
    assert_eq!(before[0].text_source, "page");
    let last = all[0].paragraphs.last().unwrap();
    let phrase: String = last
        .split_whitespace()
        .take(6)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(before[0].content_text.as_deref().unwrap().contains(&phrase));

    let requests = server.requests().len();
    // With the same rules, reclean finds what the pipeline stored.
    let out = feedsieve(args(&env, &["reclean"])).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(": 0 changed"), "{stdout}");
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    let pattern = regex::escape(&phrase).replace('\\', "\\\\");
    std::fs::write(
        env.config_path(),
        format!("[clean]\nremove = [\"{pattern}\"]\n{config}"),
    )
    .unwrap();
    let out = feedsieve(args(&env, &["reclean"])).await;
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(": 1 changed"), "{stdout}");
    assert_eq!(server.requests().len(), requests, "reclean made a request");
    let after = page_rows(&env, &server.url("/teasers.xml"));
    assert_eq!(after[0].text_source, "page");
    let text = after[0].content_text.as_deref().unwrap();
    assert!(!text.contains(&phrase), "{text}");
    let (recall, _) = site::coverage(&all[0].text(), text);
    assert!(recall > 0.8, "{recall}");
}

/// `extract` on a file and on a URL: the article's title and text, one JSON
/// object a line with `source` as given; it reads no config.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extract_prints_the_article_of_a_file_and_a_url() {
    let server = Server::start().await;
    let all = articles(2);
    serve_pages(&server, &all);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.html");
    let base = format!("http://{}", server.addr);
    std::fs::write(&file, site::page(&base, &all[0], &[&all[1]])).unwrap();
    let url = format!("{base}/articles/{}", all[1].id);
    let file_arg = file.display().to_string();
    let missing_config = dir.path().join("no-such.toml").display().to_string();
    let out = feedsieve(vec![
        "--config".into(),
        missing_config,
        "extract".into(),
        "--json".into(),
        file_arg.clone(),
        url.clone(),
    ])
    .await;
    assert!(out.status.success(), "{out:?}");
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for (line, (source, article)) in lines.iter().zip([(&file_arg, &all[0]), (&url, &all[1])]) {
        assert_eq!(line["source"].as_str(), Some(source.as_str()));
        assert_eq!(
            line["title"].as_str(),
            Some(article.title.as_str()),
            "{line}"
        );
        let (recall, _) = site::coverage(&article.text(), line["text"].as_str().unwrap());
        assert!(recall > 0.9, "{source}: {recall}");
        let html = line["html"].as_str().unwrap();
        assert!(html.contains("<p>") && !html.contains("<script"), "{html}");
    }
    assert_eq!(server.hits(&format!("/articles/{}", all[1].id)), 1);
    // Plain output, and a failing source makes the exit status non-zero.
    let out = feedsieve(vec!["extract".into(), file_arg, server.url("/nothing")]).await;
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(&format!("== {}", all[0].title)),
        "{stdout}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("HTTP 404"),
        "{out:?}"
    );
}
