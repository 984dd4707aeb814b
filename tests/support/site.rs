//! A news site of summary-only feeds for the full-text tests and the
//! end-to-end example: article bodies from the shared extraction benchmark's
//! ground truth, each inside a realistic page (head and meta, cookie banner,
//! navigation, breadcrumb, headline, byline, figure with caption, an inline
//! "Read more" link, newsletter box, share bar, related list, comments,
//! sidebar, footer), teaser feeds in three formats (RSS "[…]", Atom
//! "Continue reading →", JSON Feed) and a full-content RSS feed of the same
//! articles. Included with `#[path]`; everything here is plain text building.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

pub struct Article {
    pub id: String,
    pub title: String,
    pub paragraphs: Vec<String>,
}

impl Article {
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// The first sentence or so, cut at a word: what a summary feed carries.
    pub fn teaser(&self) -> String {
        let text = self.text();
        let words: Vec<&str> = text.split_whitespace().take(35).collect();
        words.join(" ")
    }
}

/// Up to `n` articles of at least 150 words from the ground truth, in a
/// fixed order (sorted by key), skipping the first `skip`.
pub fn ground_truth(dir: &Path, skip: usize, n: usize) -> Vec<Article> {
    let path = dir.join("bench-data/article-extraction-benchmark/ground-truth.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let truth: HashMap<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    let mut keys: Vec<&String> = truth.keys().collect();
    keys.sort();
    keys.into_iter()
        .filter_map(|key| {
            let body = truth[key]["articleBody"].as_str()?;
            let paragraphs: Vec<String> = body
                .split('\n')
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect();
            let words: usize = paragraphs
                .iter()
                .map(|p| p.split_whitespace().count())
                .sum();
            (words >= 150 && paragraphs.len() >= 3).then(|| {
                let first: Vec<&str> = paragraphs[0].split_whitespace().take(7).collect();
                Article {
                    id: key[..12].to_string(),
                    title: first.join(" "),
                    paragraphs,
                }
            })
        })
        .skip(skip)
        .take(n)
        .collect()
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The article's page on the site at `base` (e.g. `http://127.0.0.1:8080`).
pub fn page(base: &str, article: &Article, others: &[&Article]) -> String {
    let title = escape(&article.title);
    let mut body = String::new();
    let half = article.paragraphs.len() / 2;
    for (i, p) in article.paragraphs.iter().enumerate() {
        body.push_str(&format!("<p>{}</p>\n", escape(p)));
        if i + 1 == half
            && let Some(other) = others.first()
        {
            body.push_str(&format!(
                "<p class=\"inline-related\"><strong>Read more:</strong> <a href=\"{base}/articles/{}\">{}</a></p>\n",
                other.id,
                escape(&other.title)
            ));
        }
    }
    let related: String = others
        .iter()
        .map(|o| {
            format!(
                "<li><a href=\"{base}/articles/{}\">{}</a></li>",
                o.id,
                escape(&o.title)
            )
        })
        .collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | The Loopback Herald</title>
<meta name="description" content="{title}">
<meta property="og:title" content="{title}"><meta property="og:type" content="article">
<link rel="canonical" href="{base}/articles/{id}">
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
<style>.cookie{{position:fixed}}</style>
</head><body>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to improve your experience and to show you personalised advertising. By continuing to browse you accept our cookie policy.</p><button>Accept all cookies</button><button>Manage preferences</button></div>
<header class="site-header"><a class="logo" href="{base}/">The Loopback Herald</a>
<nav class="main-nav"><ul><li><a href="{base}/news">News</a></li><li><a href="{base}/world">World</a></li><li><a href="{base}/business">Business</a></li><li><a href="{base}/technology">Technology</a></li><li><a href="{base}/opinion">Opinion</a></li><li><a href="{base}/sport">Sport</a></li></ul></nav></header>
<nav class="breadcrumb" aria-label="breadcrumb"><a href="{base}/">Home</a> › <a href="{base}/news">News</a> › <span>{title}</span></nav>
<main><article class="story">
<h1 class="headline">{title}</h1>
<p class="byline">By <a href="{base}/authors/staff" rel="author">Staff Reporter</a> · <time datetime="2026-12-01T08:00:00Z">1 December 2026</time> · 6 min read</p>
<figure class="lead-image"><img src="{base}/images/{id}.jpg" alt="A photograph for the story"><figcaption>The scene on Monday morning. Photograph: Herald staff</figcaption></figure>
<div class="story-body">
{body}</div>
<aside class="newsletter-signup"><h3>Get the morning briefing</h3><p>Sign up for our newsletter and get the day's top stories delivered to your inbox every morning.</p><form><input type="email" placeholder="Your email address"><button>Subscribe</button></form></aside>
<div class="share-bar"><span>Share this article:</span> <a href="https://facebook.example/share">Facebook</a> <a href="https://x.example/share">Twitter</a> <a href="mailto:?subject=story">Email</a></div>
</article>
<section class="related"><h2>Related stories</h2><ul>{related}</ul></section>
<section class="comments" id="comments"><h2>Comments (3)</h2>
<div class="comment"><p class="comment-author">reader42</p><p>Great piece, thanks for covering this. I had no idea it was that bad in our area.</p></div>
<div class="comment"><p class="comment-author">jsmith</p><p>This is exactly what I have been saying for years. Nobody listens until it is too late.</p></div>
<div class="comment"><p class="comment-author">anon</p><p>First! Also, the photo caption is wrong.</p></div>
</section></main>
<aside class="sidebar"><h3>Most read</h3><ol><li><a href="{base}/a">Ten things you missed this week</a></li><li><a href="{base}/b">The quiet comeback of the bicycle</a></li><li><a href="{base}/c">What the markets did on Friday</a></li></ol>
<div class="ad">Advertisement</div></aside>
<footer class="site-footer"><p>© 2026 The Loopback Herald. All rights reserved.</p><ul><li><a href="{base}/about">About us</a></li><li><a href="{base}/privacy">Privacy policy</a></li><li><a href="{base}/terms">Terms of use</a></li><li><a href="{base}/contact">Contact</a></li></ul></footer>
</body></html>
"#,
        id = article.id
    )
}

fn link(base: &str, a: &Article) -> String {
    format!("{base}/articles/{}", a.id)
}

/// RSS 2.0 whose items carry the teaser and a WordPress "[…]".
pub fn rss_teasers(base: &str, articles: &[&Article]) -> String {
    let items: String = articles
        .iter()
        .map(|a| {
            format!(
                "<item><guid isPermaLink=\"false\">rss-{id}</guid><title>{t}</title><link>{l}</link><description><![CDATA[<p>{teaser} [&#8230;]</p><p>The post <a href=\"{l}\">{t}</a> appeared first on The Loopback Herald.</p>]]></description></item>\n",
                id = a.id,
                t = escape(&a.title),
                l = link(base, a),
                teaser = escape(&a.teaser()),
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>Herald (RSS summaries)</title><link>{base}/</link>\n{items}</channel></rss>\n"
    )
}

/// Atom whose entries carry a summary and "Continue reading →".
pub fn atom_teasers(base: &str, articles: &[&Article]) -> String {
    let entries: String = articles
        .iter()
        .map(|a| {
            format!(
                "<entry><id>urn:herald:atom:{id}</id><title>{t}</title><link rel=\"alternate\" href=\"{l}\"/><updated>2026-12-01T08:00:00Z</updated><summary type=\"html\">{summary}</summary></entry>\n",
                id = a.id,
                t = escape(&a.title),
                l = link(base, a),
                summary = escape(&format!(
                    "<p>{}… <a href=\"{}\">Continue reading →</a></p>",
                    escape(&a.teaser()),
                    link(base, a)
                )),
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>urn:herald:atom</id><title>Herald (Atom summaries)</title><updated>2026-12-01T08:00:00Z</updated>\n{entries}</feed>\n"
    )
}

/// A JSON Feed digest: a summary and "Read more".
pub fn json_feed_teasers(base: &str, articles: &[&Article]) -> String {
    let items: Vec<serde_json::Value> = articles
        .iter()
        .map(|a| {
            serde_json::json!({
                "id": format!("json-{}", a.id),
                "url": link(base, a),
                "title": a.title,
                "content_html": format!("<p>{}…</p><p><a href=\"{}\">Read more</a></p>", escape(&a.teaser()), link(base, a)),
            })
        })
        .collect();
    serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Herald (JSON digest)",
        "home_page_url": format!("{base}/"),
        "items": items,
    })
    .to_string()
}

/// RSS 2.0 carrying each article in full (another outlet's copy).
pub fn rss_full(base: &str, articles: &[&Article]) -> String {
    let items: String = articles
        .iter()
        .map(|a| {
            let body: String = a
                .paragraphs
                .iter()
                .map(|p| format!("<p>{}</p>", escape(p)))
                .collect();
            format!(
                "<item><guid isPermaLink=\"false\">full-{id}</guid><title>{t}</title><link>{base}/wire/{id}</link><description><![CDATA[{body}]]></description></item>\n",
                id = a.id,
                t = escape(&a.title),
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>Wire (full text)</title><link>{base}/wire</link>\n{items}</channel></rss>\n"
    )
}

/// Lower-case words of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// (recall, precision) of `stored` against `article`, over word multisets:
/// the share of the article's words stored, and the share of stored words
/// that are the article's.
pub fn coverage(article: &str, stored: &str) -> (f64, f64) {
    let mut want: HashMap<String, i64> = HashMap::new();
    for w in words(article) {
        *want.entry(w).or_default() += 1;
    }
    let total_article: i64 = want.values().sum();
    let stored_words = words(stored);
    let mut hit = 0i64;
    for w in &stored_words {
        if let Some(n) = want.get_mut(w)
            && *n > 0
        {
            *n -= 1;
            hit += 1;
        }
    }
    let recall = hit as f64 / total_article.max(1) as f64;
    let precision = hit as f64 / (stored_words.len().max(1)) as f64;
    (recall, precision)
}
