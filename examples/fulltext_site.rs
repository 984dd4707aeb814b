//! The full-text end-to-end target: a loopback site of summary-only feeds
//! (RSS with "[…]", Atom with "Continue reading →", a JSON Feed digest)
//! whose links serve realistic pages built around the article bodies of the
//! shared extraction benchmark's ground truth, plus a full-content feed
//! carrying the same articles. One `run_once` with `full_text = "auto"`,
//! then, as the baseline in the same run, the same site with `"never"`.
//!
//! Reports, per teaser entry, how much of the article its stored text holds
//! (recall) and how much of the stored text is article (precision), over
//! word multisets, and whether it joined the full copy's story.
//!
//! `cargo run --release --example fulltext_site` (`FEEDSIEVE_SHARED` to
//! point at the shared folder; `FULLTEXT_ARTICLES=n` for fewer articles).

#[path = "../tests/support/shared.rs"]
mod shared;
#[path = "../tests/support/site.rs"]
mod site;
#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use site::Article;
use support::{Route, Server};

struct Figures {
    entries: usize,
    from_pages: usize,
    recall: Vec<f64>,
    precision: Vec<f64>,
    joined: usize,
    wall: Duration,
    page_requests: usize,
    /// Entries below 0.95 recall: article id and recall.
    low: Vec<(String, f64)>,
    /// The lowest-recall entry: its article id, the article and the stored text.
    worst: Option<(f64, String, String, String)>,
}

async fn run(articles: &[Article], full_text: &str) -> Figures {
    let server = Server::start().await;
    let base = format!("http://{}", server.addr);
    for (i, a) in articles.iter().enumerate() {
        let others: Vec<&Article> = articles.iter().cycle().skip(i + 1).take(4).collect();
        server.route(
            &format!("/articles/{}", a.id),
            Route::ok("text/html; charset=utf-8", site::page(&base, a, &others)),
        );
    }
    let refs: Vec<&Article> = articles.iter().collect();
    let third = refs.len().div_ceil(3);
    let parts: Vec<&[&Article]> = refs.chunks(third).collect();
    server.route("/rss.xml", Route::rss(site::rss_teasers(&base, parts[0])));
    server.route(
        "/atom.xml",
        Route::ok("application/atom+xml", site::atom_teasers(&base, parts[1])),
    );
    server.route(
        "/feed.json",
        Route::ok(
            "application/feed+json",
            site::json_feed_teasers(&base, parts[2]),
        ),
    );
    server.route("/full.xml", Route::rss(site::rss_full(&base, &refs)));

    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = format!(
        "[storage]\ndatabase = \"feeds.db\"\n[fetch]\nfull_text = \"{full_text}\"\npages_per_run = 1000\n"
    );
    for path in ["/rss.xml", "/atom.xml", "/feed.json", "/full.xml"] {
        text.push_str(&format!("[[feed]]\nurl = \"{}\"\n", server.url(path)));
    }
    let path = dir.path().join("feedsieve.toml");
    std::fs::write(&path, &text).expect("config");
    let config = feedsieve::config::parse(&text, &path).expect("config parses");
    let started = Instant::now();
    feedsieve::daemon::run_once(&config).await.expect("run");
    let wall = started.elapsed();

    let rows: Vec<(String, String, String, Option<i64>)> = support::sql::rows(
        &support::sql::connect(&config.storage.database),
        "SELECT e.guid, COALESCE(e.content_text, ''), e.text_source, e.story_id FROM entries e",
        [],
    );
    let story_of = |guid: &str| rows.iter().find(|r| r.0 == guid).and_then(|r| r.3);
    let mut figures = Figures {
        entries: 0,
        from_pages: 0,
        recall: Vec::new(),
        precision: Vec::new(),
        joined: 0,
        wall,
        page_requests: server
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/articles/"))
            .count(),
        worst: None,
        low: Vec::new(),
    };
    for a in articles {
        for prefix in ["rss-", "urn:herald:atom:", "json-"] {
            let guid = format!("{prefix}{}", a.id);
            let Some(row) = rows.iter().find(|r| r.0 == guid) else {
                continue;
            };
            figures.entries += 1;
            figures.from_pages += usize::from(row.2 == "page");
            let (recall, precision) = site::coverage(&a.text(), &row.1);
            if figures.worst.as_ref().is_none_or(|w| recall < w.0) {
                figures.worst = Some((recall, a.id.clone(), a.text(), row.1.clone()));
            }
            if recall < 0.95 {
                figures.low.push((a.id.clone(), recall));
            }
            figures.recall.push(recall);
            figures.precision.push(precision);
            let full = story_of(&format!("full-{}", a.id));
            figures.joined += usize::from(full.is_some() && full == row.3);
        }
    }
    figures
}

fn summary(name: &str, f: &Figures) {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let min = |v: &[f64]| v.iter().copied().fold(1.0f64, f64::min);
    let at_least = |v: &[f64], t: f64| v.iter().filter(|x| **x >= t).count();
    let both = f
        .recall
        .iter()
        .zip(&f.precision)
        .filter(|(r, p)| **r >= 0.95 && **p >= 0.95)
        .count();
    println!(
        "{name:>6}: {} teaser entries, {} from pages ({} page requests), wall {:.2} s",
        f.entries,
        f.from_pages,
        f.page_requests,
        f.wall.as_secs_f64()
    );
    println!(
        "        recall    mean {:.4}  min {:.4}  >= 0.95: {}/{}",
        mean(&f.recall),
        min(&f.recall),
        at_least(&f.recall, 0.95),
        f.entries
    );
    println!(
        "        precision mean {:.4}  min {:.4}  >= 0.95: {}/{}",
        mean(&f.precision),
        min(&f.precision),
        at_least(&f.precision, 0.95),
        f.entries
    );
    println!(
        "        both >= 0.95: {both}/{}; joined the full copy's story: {}/{}",
        f.entries, f.joined, f.entries
    );
    if !f.low.is_empty() {
        let low: Vec<String> = f.low.iter().map(|(id, r)| format!("{id} {r:.3}")).collect();
        println!("        recall below 0.95: {}", low.join(", "));
    }
    if let Some((recall, id, article, stored)) = &f.worst
        && std::env::var_os("FULLTEXT_SHOW_WORST").is_some()
    {
        println!("        lowest recall {recall:.4}: article {id}");
        println!("--- article\n{article}\n--- stored\n{stored}\n---");
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let n = std::env::var("FULLTEXT_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    let articles = site::ground_truth(&shared::shared_dir(), 0, n);
    println!(
        "{} articles of >= 150 words from the ground truth",
        articles.len()
    );
    let auto = run(&articles, "auto").await;
    let never = run(&articles, "never").await;
    summary("auto", &auto);
    summary("never", &never);
}
