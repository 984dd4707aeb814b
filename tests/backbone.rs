//! The backbone against real parts: a real HTTP server on 127.0.0.1 (see
//! `support`), the real fetcher, parser, pipeline and store, and a real SQLite
//! file in a tempdir. Assertions are on rows in `feeds` and `entries`.
//!
//! Every failure case also runs a healthy feed in the same `run_once` and
//! checks it was stored: one feed's trouble never reaches another.
//!
//! Over 800 lines on purpose: every file in `tests/` is a test binary of its
//! own, linked against the whole library, so one file per concern keeps the
//! suite's link time (most of CI's build) down; its tests are independent.

mod support;

use std::time::{Duration, Instant};

use support::{Db, Env, Route, Server, brotli_bomb, gzip_bomb, rss};

const HEALTHY: &str = "/healthy";
const SECS: fn(u64) -> Duration = Duration::from_secs;

fn healthy_doc() -> String {
    rss(
        "Healthy",
        &[
            ("h1", "First healthy", "<p>Healthy body one.</p>"),
            ("h2", "Second healthy", "<p>Healthy body two.</p>"),
        ],
    )
}

/// A server with the healthy feed and `routes`, and a config listing them all.
async fn setup(routes: Vec<(&str, Route)>, fetch: &[(&str, &str)]) -> (Server, Env) {
    let server = Server::start().await;
    server.route(HEALTHY, Route::rss(healthy_doc()));
    let mut feeds = vec![server.url(HEALTHY)];
    for (path, route) in routes {
        server.route(path, route);
        feeds.push(server.url(path));
    }
    let env = Env::new(&feeds, fetch);
    (server, env)
}

fn assert_healthy(db: &Db, server: &Server) {
    let feed = db.feed(&server.url(HEALTHY));
    assert_eq!(feed.last_error, None, "healthy feed failed");
    assert_eq!(feed.last_status, Some(200));
    assert_eq!(db.count_entries(&server.url(HEALTHY)), 2);
}

/// Entries as stored must have text and a story, whatever the cleaner and dedup do.
fn assert_complete(entries: &[support::EntryRow]) {
    for e in entries {
        assert!(
            e.content_text
                .as_deref()
                .is_some_and(|t| !t.trim().is_empty()),
            "empty content_text: {e:?}"
        );
        assert!(e.story_id.is_some(), "no story: {e:?}");
    }
}

/// One failing feed next to the healthy one: runs once within `limit`,
/// checks the healthy feed, and returns the failing feed's row.
async fn failing(
    route: Route,
    fetch: &[(&str, &str)],
    limit: Duration,
) -> (Server, Env, Db, support::FeedRow) {
    let (server, env) = setup(vec![("/bad", route)], fetch).await;
    let summary = env.run(limit).await;
    assert_eq!(summary.feeds, 2);
    assert_eq!(summary.failed, 1);
    let db = env.db();
    assert_healthy(&db, &server);
    let feed = db.feed(&server.url("/bad"));
    assert_eq!(feed.consecutive_failures, 1);
    assert!(feed.last_fetched_at.is_some());
    (server, env, db, feed)
}

fn assert_error_contains(feed: &support::FeedRow, needle: &str) {
    assert!(
        feed.error().contains(needle),
        "last_error {:?} does not name {needle:?}",
        feed.last_error
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_format_is_stored() {
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom feed</title><id>urn:a</id>
<updated>2024-05-01T10:00:00Z</updated><link href="https://atom.example/"/>
<entry><id>urn:a:1</id><title>Atom entry</title><updated>2024-05-01T10:00:00Z</updated>
<link href="https://atom.example/1"/><content type="html">&lt;p&gt;Atom body.&lt;/p&gt;</content></entry>
</feed>"#;
    let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"JSON feed",
"home_page_url":"https://json.example/","items":[{"id":"j1","url":"https://json.example/1",
"title":"JSON entry","content_html":"<p>JSON body.</p>","date_published":"2024-05-01T10:00:00Z"}]}"#;
    let rdf = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://rdf.example/index.rdf"><title>RDF feed</title><link>https://rdf.example/</link>
<description>d</description><items><rdf:Seq><rdf:li resource="https://rdf.example/1"/></rdf:Seq></items></channel>
<item rdf:about="https://rdf.example/1"><title>RDF entry</title><link>https://rdf.example/1</link>
<description>RDF body.</description></item>
</rdf:RDF>"#;
    let rss091 = r#"<?xml version="1.0"?>
<rss version="0.91"><channel><title>RSS 0.91 feed</title><link>https://old.example/</link>
<description>d</description><language>en</language>
<item><title>Old entry</title><link>https://old.example/1</link><description>Old body.</description></item>
</channel></rss>"#;
    let (server, env) = setup(
        vec![
            ("/atom", Route::ok("application/atom+xml", atom)),
            ("/json", Route::ok("application/feed+json", json)),
            ("/rdf", Route::ok("application/rdf+xml", rdf)),
            ("/rss091", Route::ok("text/xml", rss091)),
        ],
        &[],
    )
    .await;
    let summary = env.run(SECS(20)).await;
    assert_eq!(summary.failed, 0);
    assert_eq!(summary.inserted, 6);
    let db = env.db();
    assert_healthy(&db, &server);
    for (path, feed_title, entry_title, guid) in [
        ("/atom", "Atom feed", "Atom entry", "urn:a:1"),
        ("/json", "JSON feed", "JSON entry", "j1"),
        ("/rdf", "RDF feed", "RDF entry", "https://rdf.example/1"),
        (
            "/rss091",
            "RSS 0.91 feed",
            "Old entry",
            "https://old.example/1",
        ),
    ] {
        let url = server.url(path);
        let feed = db.feed(&url);
        assert_eq!(feed.last_error, None, "{path}");
        assert_eq!(feed.title.as_deref(), Some(feed_title), "{path}");
        let entries = db.entries(&url);
        assert_eq!(entries.len(), 1, "{path}");
        assert_eq!(entries[0].title.as_deref(), Some(entry_title), "{path}");
        assert_eq!(entries[0].guid, guid, "{path}");
        assert_complete(&entries);
    }
    assert_complete(&db.entries(&server.url(HEALTHY)));
    let json = db.entries(&server.url("/json"));
    assert_eq!(
        json[0].published_at.as_deref(),
        Some("2024-05-01T10:00:00Z")
    );
}

/// A feed with a two-hour `<ttl>`, polled every minute otherwise.
fn ttl_doc() -> String {
    rss("C", &[("c1", "One", "<p>1</p>"), ("c2", "Two", "<p>2</p>")])
        .replace("<channel>", "<channel><ttl>120</ttl>")
}

/// A second run sends the validator, gets 304, and touches no entry; a third
/// run still sends it (a 304 carries no Last-Modified, RFC 9110 §15.4.5), and
/// the feed's `<ttl>` still sets the wait after each 304.
async fn conditional_get(
    route: Route,
    request_header: &str,
    stored: fn(&support::FeedRow) -> bool,
) {
    let (server, env) = setup(vec![("/cond", route)], &[("default_interval", "\"1m\"")]).await;
    let url = server.url("/cond");
    env.run(SECS(10)).await;
    let db = env.db();
    let before = db.entries(&url);
    assert_eq!(before.len(), 2);
    let first = db.feed(&url);
    assert!(stored(&first), "validator not stored: {first:?}");
    assert_eq!(server.requests_to("/cond")[0].header(request_header), None);

    for run in 2..=3 {
        db.exec("UPDATE feeds SET last_fetched_at = '2000-01-01T00:00:00Z'");
        let summary = env.run(SECS(10)).await;
        assert_eq!((summary.inserted, summary.updated), (0, 0), "run {run}");
        let requests = server.requests_to("/cond");
        assert_eq!(requests.len(), run);
        assert!(
            requests[run - 1].header(request_header).is_some(),
            "run {run} sent no {request_header}: {:?}",
            requests[run - 1]
        );
        let feed = db.feed(&url);
        assert_eq!(feed.last_status, Some(304), "run {run}");
        assert_eq!(feed.last_error, None);
        assert_ne!(
            feed.last_fetched_at.as_deref(),
            Some("2000-01-01T00:00:00Z")
        );
        assert!(stored(&feed), "run {run} lost the validator: {feed:?}");
        let wait = feed.wait_secs();
        assert!(
            (6479..=7921).contains(&wait),
            "run {run} waits {wait}s, not the 2h ttl"
        );
        assert_eq!(db.entries(&url), before, "run {run} changed entries");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn not_modified_via_etag() {
    let route = Route::rss(ttl_doc()).header("ETag", "\"v1\"");
    conditional_get(route, "if-none-match", |f| {
        f.etag.as_deref() == Some("\"v1\"")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn not_modified_via_last_modified() {
    let lm = "Wed, 01 May 2024 10:00:00 GMT";
    let route = Route::rss(ttl_doc()).header("Last-Modified", lm);
    conditional_get(route, "if-modified-since", |f| {
        f.last_modified.as_deref() == Some("Wed, 01 May 2024 10:00:00 GMT")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn edited_entry_is_updated_in_place() {
    let (server, env) = setup(
        vec![(
            "/edit",
            Route::rss(rss(
                "E",
                &[("e1", "Original title", "<p>Original body.</p>")],
            )),
        )],
        &[],
    )
    .await;
    let url = server.url("/edit");
    let first = env.run(SECS(10)).await;
    assert_eq!((first.inserted, first.updated), (3, 0));
    let db = env.db();
    let before = db.entries(&url);
    assert_eq!(before.len(), 1);

    server.route(
        "/edit",
        Route::rss(rss("E", &[("e1", "Edited title", "<p>Edited body.</p>")])),
    );
    let second = env.run(SECS(10)).await;
    assert_eq!((second.inserted, second.updated), (0, 1));
    let after = db.entries(&url);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].id, before[0].id);
    assert_eq!(after[0].title.as_deref(), Some("Edited title"));
    assert!(
        after[0]
            .content_raw
            .as_deref()
            .unwrap()
            .contains("Edited body.")
    );
    assert!(
        after[0]
            .content_text
            .as_deref()
            .unwrap()
            .contains("Edited body.")
    );
    assert_complete(&after);
}

#[tokio::test(flavor = "multi_thread")]
async fn http_404_and_500_are_recorded_per_feed() {
    let (server, env) = setup(
        vec![
            ("/gone", Route::status(404)),
            ("/broken", Route::status(500)),
        ],
        &[],
    )
    .await;
    let summary = env.run(SECS(10)).await;
    assert_eq!(summary.failed, 2);
    let db = env.db();
    assert_healthy(&db, &server);
    let gone = db.feed(&server.url("/gone"));
    assert_eq!(gone.last_status, Some(404));
    assert_eq!(gone.error(), "HTTP 404 Not Found");
    let broken = db.feed(&server.url("/broken"));
    assert_eq!(broken.last_status, Some(500));
    assert_eq!(broken.error(), "HTTP 500 Internal Server Error");
    assert_eq!(db.count_entries(&server.url("/gone")), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_answers_times_out() {
    let started = Instant::now();
    let (_s, _e, _db, feed) = failing(Route::Hang, &[("timeout", "\"1s\"")], SECS(5)).await;
    assert!(started.elapsed() < SECS(5));
    assert_error_contains(&feed, "timed out after 1s");
    assert_eq!(feed.last_status, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn headers_trickled_one_byte_per_second_time_out() {
    let (_s, _e, _db, feed) =
        failing(Route::TrickleHeaders, &[("timeout", "\"1s\"")], SECS(5)).await;
    assert_error_contains(&feed, "timed out");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_body_counts_against_the_same_deadline() {
    let body = rss("Slow", &[("s1", "Slow", "<p>slow</p>")]);
    let route = Route::SlowBody {
        body: body.into(),
        chunk: 10,
        delay: Duration::from_millis(200),
    };
    let (_s, _e, _db, feed) = failing(route, &[("timeout", "\"1s\"")], SECS(5)).await;
    assert_error_contains(&feed, "timed out after 1s");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_closed_mid_body_is_an_error() {
    let body = rss("Cut", &[("r1", "Cut", &"<p>cut</p>".repeat(1000))]);
    let (_s, _e, db, feed) =
        failing(Route::ResetMidBody { body: body.into() }, &[], SECS(10)).await;
    assert!(!feed.error().is_empty());
    assert!(
        feed.error().contains("body"),
        "error does not say the body broke: {}",
        feed.error()
    );
    assert_eq!(db.count_entries(&feed.url), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_xml_is_not_a_valid_feed() {
    let doc = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Broken</title><item><title>x</item></channel>";
    let (_s, _e, db, feed) = failing(Route::rss(doc), &[], SECS(10)).await;
    assert_error_contains(&feed, "not a valid feed");
    assert_eq!(feed.last_status, Some(200));
    assert_eq!(db.count_entries(&feed.url), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_html_page_is_not_a_feed() {
    let page = "\n<!DOCTYPE html>\n<html><head><title>Home</title></head><body><p>Welcome</p></body></html>";
    let (_s, _e, _db, feed) =
        failing(Route::ok("text/html; charset=utf-8", page), &[], SECS(10)).await;
    assert_error_contains(&feed, "not a feed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_loop_is_detected() {
    let server_routes = vec![
        ("/loop-a", Route::redirect(302, "/loop-b")),
        ("/loop-b", Route::redirect(302, "/loop-a")),
    ];
    let (server, env) = setup(server_routes, &[]).await;
    let summary = env.run(SECS(10)).await;
    assert_eq!(summary.failed, 2);
    let db = env.db();
    assert_healthy(&db, &server);
    let feed = db.feed(&server.url("/loop-a"));
    assert_error_contains(&feed, "redirect loop");
    // Each feed went round the loop once, not up to max_redirects.
    assert_eq!(server.hits("/loop-a"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn too_many_redirects() {
    let (server, env) = setup(
        vec![("/r0", Route::redirect(302, "/r1"))],
        &[("max_redirects", "2")],
    )
    .await;
    for i in 1..5 {
        server.route(
            &format!("/r{i}"),
            Route::redirect(302, format!("/r{}", i + 1)),
        );
    }
    server.route("/r5", Route::rss(healthy_doc()));
    env.run(SECS(10)).await;
    let db = env.db();
    assert_healthy(&db, &server);
    let feed = db.feed(&server.url("/r0"));
    assert_error_contains(&feed, "too many redirects (more than 2)");
    assert_eq!(server.hits("/r3"), 0);
    assert_eq!(db.count_entries(&feed.url), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_to_a_closed_port_is_a_clear_error() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let (_s, _e, _db, feed) = failing(
        Route::redirect(302, format!("http://{closed}/feed")),
        &[],
        SECS(10),
    )
    .await;
    assert_error_contains(&feed, "onnection refused");
    assert_error_contains(&feed, &closed.to_string());
}

async fn bomb(route: Route) {
    let started = Instant::now();
    let (server, _e, db, feed) = failing(route, &[("max_body", "\"1MiB\"")], SECS(10)).await;
    assert!(started.elapsed() < SECS(10));
    assert_error_contains(&feed, "max_body");
    assert_eq!(db.count_entries(&feed.url), 0);
    assert_eq!(server.hits("/bad"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gzip_bomb_is_cut_at_max_body() {
    let body = gzip_bomb(64 << 20);
    assert!(body.len() < 1 << 20, "not a bomb: {} bytes", body.len());
    bomb(Route::rss(body).header("Content-Encoding", "gzip")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_brotli_bomb_is_cut_at_max_body() {
    let body = brotli_bomb(64 << 20);
    assert!(body.len() < 1 << 20, "not a bomb: {} bytes", body.len());
    bomb(Route::rss(body).header("Content-Encoding", "br")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_body_is_cut_at_max_body() {
    bomb(Route::EndlessChunked).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn latin1_arrives_intact_via_prolog_and_via_header() {
    let latin1 = |prolog: bool| {
        let mut doc = Vec::new();
        if prolog {
            doc.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n");
        }
        let title = b"Cr\xe8me br\xfbl\xe9e";
        doc.extend_from_slice(b"<rss version=\"2.0\"><channel><title>");
        doc.extend_from_slice(title);
        doc.extend_from_slice(b"</title><item><guid>l1</guid><title>");
        doc.extend_from_slice(title);
        doc.extend_from_slice(b"</title><description>");
        doc.extend_from_slice(title);
        doc.extend_from_slice(b" au dessert.</description></item></channel></rss>");
        doc
    };
    let (server, env) = setup(
        vec![
            ("/prolog", Route::ok("application/rss+xml", latin1(true))),
            (
                "/header",
                Route::ok("application/rss+xml; charset=ISO-8859-1", latin1(false)),
            ),
        ],
        &[],
    )
    .await;
    env.run(SECS(10)).await;
    let db = env.db();
    assert_healthy(&db, &server);
    for path in ["/prolog", "/header"] {
        let url = server.url(path);
        assert_eq!(
            db.feed(&url).title.as_deref(),
            Some("Crème brûlée"),
            "{path}"
        );
        let entries = db.entries(&url);
        assert_eq!(entries.len(), 1, "{path}");
        assert_eq!(entries[0].title.as_deref(), Some("Crème brûlée"), "{path}");
        assert!(
            entries[0]
                .content_text
                .as_deref()
                .unwrap()
                .contains("Crème brûlée")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_permanent_redirect_is_remembered() {
    let (server, env) = setup(
        vec![
            ("/old", Route::redirect(301, "/new")),
            (
                "/new",
                Route::rss(rss("Moved", &[("m1", "Moved", "<p>moved</p>")])),
            ),
        ],
        &[],
    )
    .await;
    env.run(SECS(10)).await;
    let db = env.db();
    let old = db.feed(&server.url("/old"));
    assert_eq!(old.last_error, None);
    assert_eq!(old.fetch_url.as_deref(), Some(server.url("/new").as_str()));
    assert_eq!(db.count_entries(&server.url("/old")), 1);
    assert_eq!(server.hits("/old"), 1);
    // "/new" is also listed itself: one hit from it, one through the redirect.
    assert_eq!(server.hits("/new"), 2);

    env.run(SECS(10)).await;
    assert_eq!(
        server.hits("/old"),
        1,
        "the moved feed asked its old address again"
    );
    assert_eq!(server.hits("/new"), 4);
    assert_eq!(db.count_entries(&server.url("/old")), 1);
    assert_eq!(db.feed(&server.url("/old")).last_error, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_temporary_redirect_is_not_remembered() {
    let (server, env) = setup(
        vec![
            ("/tmp", Route::redirect(302, "/today")),
            (
                "/today",
                Route::rss(rss("Today", &[("t1", "Today", "<p>today</p>")])),
            ),
        ],
        &[],
    )
    .await;
    env.run(SECS(10)).await;
    let db = env.db();
    let feed = db.feed(&server.url("/tmp"));
    assert_eq!(feed.last_error, None);
    assert_eq!(feed.fetch_url, None);
    assert_eq!(db.count_entries(&server.url("/tmp")), 1);
    env.run(SECS(10)).await;
    assert_eq!(server.hits("/tmp"), 2);
    assert_eq!(db.feed(&server.url("/tmp")).fetch_url, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_lengthens_the_wait() {
    let route = Route::status(429).header("Retry-After", "7200");
    let (_s, _e, _db, feed) = failing(route, &[("default_interval", "\"1m\"")], SECS(10)).await;
    assert_eq!(feed.last_status, Some(429));
    assert_error_contains(&feed, "HTTP 429");
    // The server asked for two hours: never earlier, whatever the jitter.
    let wait = feed.wait_secs();
    assert!((7200..=7200 * 11 / 10).contains(&wait), "waits {wait}s");
}

#[tokio::test(flavor = "multi_thread")]
async fn backoff_grows_over_failures_and_resets_on_success() {
    let (server, env) = setup(
        vec![("/flaky", Route::status(500))],
        &[("default_interval", "\"1m\""), ("max_backoff", "\"1h\"")],
    )
    .await;
    let url = server.url("/flaky");
    let db_waits = {
        let mut waits = Vec::new();
        for run in 1..=4 {
            env.run(SECS(10)).await;
            let feed = env.db().feed(&url);
            assert_eq!(feed.consecutive_failures, run);
            assert_eq!(feed.last_status, Some(500));
            waits.push(feed.wait_secs());
        }
        waits
    };
    // 1, 2, 4, 8 minutes, each within ±10% jitter (and whole seconds).
    for (i, wait) in db_waits.iter().enumerate() {
        let expected = 60 << i;
        assert!(
            (expected * 9 / 10 - 1..=expected * 11 / 10 + 1).contains(wait),
            "failure {}: waits {wait}s, expected about {expected}s",
            i + 1
        );
    }
    server.route(
        "/flaky",
        Route::rss(rss("F", &[("f1", "Back", "<p>back</p>")])),
    );
    env.run(SECS(10)).await;
    let db = env.db();
    let feed = db.feed(&url);
    assert_eq!(feed.consecutive_failures, 0);
    assert_eq!(feed.last_error, None);
    assert!(
        (53..=67).contains(&feed.wait_secs()),
        "waits {}s",
        feed.wait_secs()
    );
    assert_eq!(db.count_entries(&url), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_guid_repeated_within_a_feed_is_one_row() {
    let doc = rss(
        "D",
        &[
            ("same", "First copy", "<p>first</p>"),
            ("other", "Other", "<p>other</p>"),
            ("same", "Second copy", "<p>second</p>"),
        ],
    );
    let (server, env) = setup(vec![("/dup", Route::rss(doc))], &[]).await;
    env.run(SECS(10)).await;
    let db = env.db();
    let entries = db.entries(&server.url("/dup"));
    assert_eq!(entries.len(), 2);
    let same: Vec<_> = entries.iter().filter(|e| e.guid == "same").collect();
    assert_eq!(same.len(), 1);
    assert_eq!(same[0].title.as_deref(), Some("First copy"));
}

#[tokio::test(flavor = "multi_thread")]
async fn entries_without_guid_or_link_keep_a_stable_identity() {
    let doc = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>
<item><guid></guid><link></link><title>Empty guid and link</title><description>Body A.</description></item>
<item><title>Neither</title><description>Body B.</description></item>
<item><description>Only a body.</description></item>
</channel></rss>"#;
    let (server, env) = setup(vec![("/noid", Route::rss(doc))], &[]).await;
    let url = server.url("/noid");
    env.run(SECS(10)).await;
    let db = env.db();
    let first = db.entries(&url);
    assert_eq!(first.len(), 3);
    for e in &first {
        assert!(e.guid.starts_with("sha:"), "{e:?}");
        assert_eq!(e.url, None);
    }
    assert_complete(&first);
    let second = env.run(SECS(10)).await;
    assert_eq!((second.inserted, second.updated), (0, 0));
    assert_eq!(db.entries(&url), first);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_utf8_and_a_bom_still_parse() {
    let mut broken = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Bad bytes</title><item><guid>u1</guid><title>Caf\xc3 ".to_vec();
    broken.extend_from_slice(
        b"\xff\xfe!</title><description>Still \xe9 here.</description></item></channel></rss>",
    );
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(
        rss("BOM", &[("b1", "Caf\u{e9} with BOM", "<p>bom body</p>")]).as_bytes(),
    );
    // UTF-16 with a BOM, its prolog saying so.
    let utf16_text = rss("UTF-16", &[("w1", "Wide caf\u{e9}", "<p>wide body</p>")])
        .replace("encoding=\"utf-8\"", "encoding=\"UTF-16\"");
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(utf16_text.encode_utf16().flat_map(u16::to_le_bytes));
    let (server, env) = setup(
        vec![
            ("/broken", Route::rss(broken)),
            ("/bom", Route::rss(bom)),
            ("/utf16", Route::ok("text/xml", utf16)),
        ],
        &[],
    )
    .await;
    env.run(SECS(10)).await;
    let db = env.db();
    assert_healthy(&db, &server);
    let entries = db.entries(&server.url("/broken"));
    assert_eq!(entries.len(), 1, "{:?}", db.feed(&server.url("/broken")));
    let title = entries[0].title.as_deref().unwrap();
    assert!(title.starts_with("Caf\u{fffd}"), "{title:?}");
    assert!(
        entries[0]
            .content_text
            .as_deref()
            .unwrap()
            .contains('\u{fffd}')
    );
    let bom = db.entries(&server.url("/bom"));
    assert_eq!(bom.len(), 1, "{:?}", db.feed(&server.url("/bom")));
    assert_eq!(bom[0].title.as_deref(), Some("Café with BOM"));
    let wide = db.entries(&server.url("/utf16"));
    assert_eq!(wide.len(), 1, "{:?}", db.feed(&server.url("/utf16")));
    assert_eq!(wide[0].title.as_deref(), Some("Wide café"));
}

#[tokio::test(flavor = "multi_thread")]
async fn billion_laughs_does_not_expand() {
    let mut doc = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str("]>\n<rss version=\"2.0\"><channel><title>Laughs</title><item><guid>l</guid><title>&lol9;</title><description>&lol9;</description></item></channel></rss>");
    let started = Instant::now();
    let (server, env) = setup(vec![("/lol", Route::rss(doc))], &[]).await;
    env.run(SECS(10)).await;
    assert!(started.elapsed() < SECS(10));
    let db = env.db();
    assert_healthy(&db, &server);
    let url = server.url("/lol");
    let feed = db.feed(&url);
    // Either refused, or parsed without expanding (a billion "lol"s is 3 GB).
    let entries = db.entries(&url);
    if feed.last_error.is_none() {
        assert_eq!(entries.len(), 1);
    }
    for e in entries {
        let len =
            e.content_raw.as_deref().unwrap_or("").len() + e.title.as_deref().unwrap_or("").len();
        assert!(len < 100_000, "entity expanded to {len} bytes");
    }
    assert!(feed.last_status == Some(200), "{feed:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hundred_thousand_items_are_all_stored() {
    const N: usize = 100_000;
    let mut doc = String::with_capacity(N * 120);
    doc.push_str("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>\n");
    for i in 0..N {
        doc.push_str(&format!(
            "<item><guid>g{i}</guid><title>Item {i}</title><description>Body {i}.</description></item>\n"
        ));
    }
    doc.push_str("</channel></rss>");
    let (server, env) = setup(vec![("/big", Route::rss(doc))], &[("timeout", "\"30s\"")]).await;
    let summary = env.run(SECS(120)).await;
    assert_eq!(summary.failed, 0);
    assert_eq!(summary.inserted, N + 2);
    let db = env.db();
    assert_healthy(&db, &server);
    assert_eq!(db.count_entries(&server.url("/big")), N as i64);
    let no_story: i64 = db.scalar(
        "SELECT COUNT(*) FROM entries WHERE story_id IS NULL OR content_text = ''",
        [],
    );
    assert_eq!(no_story, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_twenty_megabyte_entry_fits_under_max_body() {
    let paragraph = "<p>All work and no play makes a long entry. Lorem ipsum dolor sit amet.</p>\n";
    let body = paragraph.repeat(20_000_000 / paragraph.len());
    let doc = rss("Huge", &[("huge", "Huge entry", &body)]);
    assert!(doc.len() > 20_000_000);
    let (server, env) = setup(
        vec![("/huge", Route::rss(doc))],
        &[("max_body", "\"32MiB\""), ("timeout", "\"30s\"")],
    )
    .await;
    env.run(SECS(90)).await;
    let db = env.db();
    assert_healthy(&db, &server);
    let feed = db.feed(&server.url("/huge"));
    assert_eq!(feed.last_error, None);
    let entries = db.entries(&server.url("/huge"));
    assert_eq!(entries.len(), 1);
    // The parser trims the trailing newline, nothing else.
    let stored = entries[0].content_raw.as_deref().unwrap_or("");
    assert_eq!(stored.len(), body.trim_end().len());
    assert_complete(&entries);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_dates_leave_published_at_null() {
    let doc = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Dates</title>
<item><guid>d1</guid><title>Nonsense date</title><pubDate>yesterday-ish, around teatime</pubDate><description>Body one.</description></item>
<item><guid>d2</guid><title>Impossible date</title><pubDate>Mon, 31 Feb 2024 25:61:00 GMT</pubDate><description>Body two.</description></item>
<item><guid>d3</guid><title>Good date</title><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate><description>Body three.</description></item>
</channel></rss>"#;
    let (server, env) = setup(vec![("/dates", Route::rss(doc))], &[]).await;
    env.run(SECS(10)).await;
    let db = env.db();
    let feed = db.feed(&server.url("/dates"));
    assert_eq!(feed.last_error, None);
    let entries = db.entries(&server.url("/dates"));
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].published_at, None);
    assert_eq!(entries[1].published_at, None);
    assert_eq!(
        entries[2].published_at.as_deref(),
        Some("2024-05-01T10:00:00Z")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_file_feed_is_read_and_not_reparsed_when_unchanged() {
    let server = Server::start().await;
    server.route(HEALTHY, Route::rss(healthy_doc()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.xml");
    std::fs::write(
        &path,
        rss("Local", &[("f1", "Local entry", "<p>From disk.</p>")]),
    )
    .unwrap();
    let file_url = url::Url::from_file_path(&path).unwrap().to_string();
    let env = Env::new(&[server.url(HEALTHY), file_url.clone()], &[]);
    env.run(SECS(10)).await;
    let db = env.db();
    assert_healthy(&db, &server);
    let feed = db.feed(&file_url);
    assert_eq!(feed.last_error, None);
    assert!(feed.last_modified.is_some(), "mtime not kept: {feed:?}");
    let entries = db.entries(&file_url);
    assert_eq!(entries.len(), 1);
    assert_complete(&entries);
    let second = env.run(SECS(10)).await;
    assert_eq!((second.inserted, second.updated), (0, 0));
    assert_eq!(db.entries(&file_url), entries);
    assert_eq!(db.feed(&file_url).last_error, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_local_file_is_a_clear_error() {
    let server = Server::start().await;
    server.route(HEALTHY, Route::rss(healthy_doc()));
    let dir = tempfile::tempdir().unwrap();
    let missing = url::Url::from_file_path(dir.path().join("nope.xml"))
        .unwrap()
        .to_string();
    let env = Env::new(&[server.url(HEALTHY), missing.clone()], &[]);
    env.run(SECS(10)).await;
    let db = env.db();
    assert_healthy(&db, &server);
    let feed = db.feed(&missing);
    assert_error_contains(&feed, "cannot read");
    assert_error_contains(&feed, "nope.xml");
    assert_eq!(feed.consecutive_failures, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_permanent_redirect_to_something_not_a_feed_is_not_remembered() {
    // A lapsed domain: the feed moves "permanently" to a parking page.
    let page = "<!DOCTYPE html><html><body>This domain is for sale</body></html>";
    let (server, env) = setup(
        vec![
            ("/lapsed", Route::redirect(301, "/parked")),
            ("/parked", Route::ok("text/html", page)),
        ],
        &[],
    )
    .await;
    let url = server.url("/lapsed");
    env.run(SECS(10)).await;
    let db = env.db();
    assert_healthy(&db, &server);
    let feed = db.feed(&url);
    assert_error_contains(&feed, "not a feed");
    assert_eq!(feed.fetch_url, None, "a failed fetch moved the feed");
    // The domain is renewed: the feed is back at its own address.
    server.route(
        "/lapsed",
        Route::rss(rss("Back", &[("b1", "Back", "<p>back</p>")])),
    );
    env.run(SECS(10)).await;
    assert_eq!(server.hits("/lapsed"), 2);
    let feed = db.feed(&url);
    assert_eq!(feed.last_error, None);
    assert_eq!(db.count_entries(&url), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_redirects_are_clear_errors() {
    let (server, env) = setup(
        vec![
            ("/to-ftp", Route::redirect(302, "ftp://127.0.0.1/feed")),
            ("/no-location", Route::status(302)),
        ],
        &[],
    )
    .await;
    env.run(SECS(10)).await;
    let db = env.db();
    assert_healthy(&db, &server);
    let ftp = db.feed(&server.url("/to-ftp"));
    assert_error_contains(&ftp, "refusing to follow to ftp://127.0.0.1/feed");
    let none = db.feed(&server.url("/no-location"));
    assert_error_contains(&none, "no Location header");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_between_fetches_keeps_the_ttl_for_the_next_304() {
    let good = Route::rss(ttl_doc()).header("ETag", "\"v1\"");
    let (server, env) = setup(
        vec![("/ttl", good.clone())],
        &[("default_interval", "\"1m\"")],
    )
    .await;
    let url = server.url("/ttl");
    env.run(SECS(10)).await;
    server.route("/ttl", Route::status(503));
    env.run(SECS(10)).await;
    server.route("/ttl", good);
    env.run(SECS(10)).await;
    let db = env.db();
    let feed = db.feed(&url);
    assert_eq!(feed.last_status, Some(304));
    let wait = feed.wait_secs();
    assert!(
        (6479..=7921).contains(&wait),
        "waits {wait}s, not the 2h ttl"
    );
}
