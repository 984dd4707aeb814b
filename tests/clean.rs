//! The cleaner end to end: fixture entries carrying each boilerplate class
//! around real article text (boilerplate gone, every article word kept), the
//! seed post, user rules, the feedparser hostile-HTML corpus (nothing unsafe
//! survives, nothing panics) and template learning persisted in SQLite.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use feedsieve::clean::{CleanedEntry, Cleaner, EntryInput, FeedTemplate};
use feedsieve::config::CleanRules;

#[path = "support/shared.rs"]
mod shared;
use shared::shared_dir as shared;

#[path = "support/sql.rs"]
mod sql;

/// Ground-truth article bodies, in id order.
fn bodies() -> Vec<String> {
    let path = shared().join("bench-data/article-extraction-benchmark/ground-truth.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let map: BTreeMap<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    map.values()
        .map(|v| v["articleBody"].as_str().unwrap_or("").to_string())
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn paragraphs(body: &str) -> Vec<&str> {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn as_html(paras: &[&str]) -> String {
    paras
        .iter()
        .map(|p| format!("<p>{}</p>\n", escape(p)))
        .collect()
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every paragraph's word sequence appears, in full, in the cleaned text.
fn assert_kept(paras: &[&str], out: &CleanedEntry, what: &str) {
    let text = format!(" {} ", words(&out.text).join(" "));
    for p in paras {
        let w = words(p).join(" ");
        if w.is_empty() {
            continue;
        }
        assert!(
            text.contains(&format!(" {w} ")),
            "{what}: article paragraph lost: {p:?}\nremoved: {:#?}",
            out.removed
        );
    }
}

struct Fixture {
    name: String,
    html: String,
    article: Vec<String>,
    gone: Vec<String>,
    gone_html: Vec<String>,
    kept_html: Vec<String>,
    reasons: Vec<String>,
}

fn fixtures() -> Vec<Fixture> {
    let bodies = bodies();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean");
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    paths.sort();
    for path in paths {
        let src = std::fs::read_to_string(&path).unwrap();
        let mut f = Fixture {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            html: String::new(),
            article: Vec::new(),
            gone: Vec::new(),
            gone_html: Vec::new(),
            kept_html: Vec::new(),
            reasons: Vec::new(),
        };
        for line in src.lines() {
            let t = line.trim();
            if let Some(c) = t.strip_prefix("<!--").and_then(|t| t.strip_suffix("-->")) {
                let (key, value) = c.trim().split_once(": ").unwrap();
                let v = value.trim().to_string();
                match key {
                    "gone" => f.gone.push(v),
                    "gone-html" => f.gone_html.push(v),
                    "kept-html" => f.kept_html.push(v),
                    "reason" => f.reasons.push(v),
                    _ => panic!("{}: unknown key {key}", f.name),
                }
                continue;
            }
            if let Some(spec) = t.strip_prefix("{{").and_then(|t| t.strip_suffix("}}")) {
                let (kind, n) = spec.split_once(' ').unwrap();
                let paras = paragraphs(&bodies[n.parse::<usize>().unwrap()]);
                let half = paras.len() / 2;
                let part = match kind {
                    "ARTICLE" => &paras[..],
                    "HALF1" => &paras[..half],
                    "HALF2" => &paras[half..],
                    _ => panic!("{}: unknown placeholder {kind}", f.name),
                };
                f.html.push_str(&as_html(part));
                f.article.extend(part.iter().map(|p| p.to_string()));
                continue;
            }
            f.html.push_str(line);
            f.html.push('\n');
        }
        out.push(f);
    }
    out
}

/// Asserts that `gone` left the entry and that `preview` names the reason.
fn assert_removed_for(out: &CleanedEntry, gone: &str, reason: &str) {
    assert!(!out.text.contains(gone), "kept {gone:?}:\n{}", out.text);
    let why = out.removed.iter().find(|b| b.text.contains(gone));
    assert!(
        why.is_some_and(|b| b.reason.starts_with(reason)),
        "{gone:?}: {why:?}"
    );
}

/// A short news story with no boilerplate, for the kinds' tests below.
const BRIDGE_STORY: [&str; 3] = [
    "The council voted on Tuesday to close the old bridge to cars from March, after engineers found cracks in two of its piers.",
    "Residents have asked for a ferry service while the bridge is repaired, and the council said it would study the idea.",
    "The repairs are expected to take two years and cost about $40 million, paid mostly by the state.",
];

/// Asserts every paragraph of `article` is in the cleaned text, verbatim.
fn assert_article_kept(out: &CleanedEntry, article: &[&str]) {
    for a in article {
        assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
    }
}

/// `article`'s paragraphs and then `last`, each in a plain `<p>`, cleaned
/// as an entry by `authors`.
fn clean_ending(article: &[&str], last: &str, authors: &[String]) -> CleanedEntry {
    let body: String = article.iter().map(|a| format!("<p>{a}</p>\n")).collect();
    clean_by(&format!("{body}<p>{last}</p>"), authors)
}

/// `html` cleaned as an entry by `authors`, with no template.
fn clean_by(html: &str, authors: &[String]) -> CleanedEntry {
    cleaner().clean_entry(EntryInput { html, authors }, None, None)
}

fn cleaner() -> Cleaner {
    Cleaner::new(&CleanRules::default()).unwrap()
}

#[test]
fn fixtures_lose_boilerplate_and_keep_the_article() {
    let c = cleaner();
    let all = fixtures();
    assert!(all.len() >= 7, "fixtures missing");
    for f in &all {
        let out = c.clean(&f.html, None, None);
        for g in &f.gone {
            assert!(
                !out.text.to_lowercase().contains(&g.to_lowercase()),
                "{}: {g:?} survived in the text:\n{}",
                f.name,
                out.text
            );
        }
        for g in &f.gone_html {
            assert!(
                !out.html.contains(g.as_str()),
                "{}: {g:?} survived in the HTML:\n{}",
                f.name,
                out.html
            );
        }
        for k in &f.kept_html {
            assert!(
                out.html.contains(k.as_str()),
                "{}: {k:?} lost from the HTML:\n{}",
                f.name,
                out.html
            );
        }
        for r in &f.reasons {
            assert!(
                out.removed.iter().any(|b| b.reason.contains(r.as_str())),
                "{}: no removal with reason {r:?}: {:#?}",
                f.name,
                out.removed
            );
        }
        assert!(out.removed.iter().all(|b| !b.reason.is_empty()));
        let article: Vec<&str> = f.article.iter().map(String::as_str).collect();
        assert_kept(&article, &out, &f.name);
    }
}

/// The seed post as a syndication site publishes it, one `<p>` per line.
fn seed_html() -> String {
    let seed = std::fs::read_to_string(shared().join("seeds/syndicated-article.txt")).unwrap();
    paragraphs(&seed)
        .iter()
        .map(|p| {
            let p = escape(p)
                .replace(
                    "[link]",
                    "<a href=\"https://site.example/privacy?utm_source=feed\">",
                )
                .replace("[/link]", "</a>");
            format!("<p>{p}</p>\n")
        })
        .collect()
}

#[test]
fn seed_post_loses_all_boilerplate_and_keeps_every_sentence() {
    let out = cleaner().clean(&seed_html(), None, None);
    let text = out.text.to_lowercase();
    for g in [
        "advertisement",
        "logo-favicon",
        "sign up",
        "inbox",
        "spam",
        "privacy policy",
        "originally published",
        "check out more of their content",
    ] {
        assert!(!text.contains(g), "{g:?} survived:\n{}", out.text);
    }
    let seed = std::fs::read_to_string(shared().join("seeds/syndicated-article.txt")).unwrap();
    let article: Vec<&str> = paragraphs(&seed)
        .into_iter()
        .take_while(|p| !p.starts_with("Logo-favicon"))
        .filter(|p| *p != "Advertisement")
        .collect();
    assert!(article.len() > 15);
    assert_kept(&article, &out, "seed");
    // Paragraphs stay paragraphs.
    assert_eq!(out.text.split("\n\n").count(), article.len());
    assert_eq!(
        out.removed
            .iter()
            .filter(|b| b.reason == "ad marker")
            .count(),
        4
    );
}

#[test]
fn plain_text_content_is_cleaned_too() {
    let seed = std::fs::read_to_string(shared().join("seeds/syndicated-article.txt")).unwrap();
    let out = cleaner().clean(&seed, None, None);
    assert!(!out.text.contains("Advertisement"));
    assert!(!out.text.contains("Logo-favicon"));
    assert!(
        out.text
            .contains("El Salvador boasts the highest incarceration rate in the world")
    );
}

#[test]
fn real_article_bodies_lose_almost_nothing() {
    // The ground-truth bodies are article text: the few blocks the cleaner
    // takes out of them must be boilerplate the annotators left in (photo
    // credits, "originally published on", copyright lines).
    let c = cleaner();
    let (mut removed_words, mut total_words) = (0usize, 0usize);
    for body in bodies() {
        let out = c.clean(&as_html(&paragraphs(&body)), None, None);
        total_words += words(&body).len();
        removed_words += out
            .removed
            .iter()
            .map(|b| words(&b.text).len())
            .sum::<usize>();
        if std::env::var_os("SHOW_REMOVED").is_some() {
            for b in &out.removed {
                eprintln!("{}: {}", b.reason, b.text);
            }
        }
    }
    // 0.155% after issue 17's kinds: the photo credits ("(Image credit:
    // …)", "Image Source: … / Shutterstock") and update and correction
    // notes ("Editor's note: This story was updated at …", "Correction,
    // Nov. 15, 2019: This article originally misidentified …") left in by
    // the annotators are boilerplate the cleaner removes since issue 17
    // (under 0.1% before it). 0.178% since the labels of other languages:
    // one Russian page's six "Фото: личный архив …" credits and an Italian
    // "Leggi anche" (read also) heading, kept by the annotators too.
    let share = removed_words as f64 / total_words as f64;
    assert!(
        share < 0.0019,
        "removed {removed_words} of {total_words} words of real article text"
    );
}

#[test]
fn short_paragraphs_are_kept() {
    let html = "<p>Yes.</p><p>He left.</p><p>It rained on Monday, and the match was called off after an hour of waiting in the stands.</p><p>No.</p>";
    let out = cleaner().clean(html, None, None);
    assert!(out.removed.is_empty(), "{:#?}", out.removed);
    assert_eq!(
        out.text,
        "Yes.\n\nHe left.\n\nIt rained on Monday, and the match was called off after an hour of waiting in the stands.\n\nNo."
    );
}

#[test]
fn user_rules_remove_and_keep() {
    let global = CleanRules {
        remove: vec![r"(?i)^listen to this story".into()],
        remove_selectors: vec!["div.author-box".into()],
        keep: vec![r"Advertisement of the year".into()],
    };
    let c = Cleaner::new(&global).unwrap();
    let feed = c
        .feed_rules(&CleanRules {
            remove: vec![r"^Tips\? Write to".into()],
            ..CleanRules::default()
        })
        .unwrap();
    let html = "<p>Listen to this story (4 min)</p>\
        <p>The jury picked the Advertisement of the year on Friday.</p>\
        <p>Advertisement</p>\
        <div class=\"author-box\"><p>Jane writes about cities.</p></div>\
        <p>Tips? Write to tips@planet.example</p>";
    let out = c.clean(html, Some(&feed), None);
    assert_eq!(
        out.text,
        "The jury picked the Advertisement of the year on Friday."
    );
    let reasons: Vec<&str> = out.removed.iter().map(|b| b.reason.as_str()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("listen to this story")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("div.author-box")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r.contains("Tips")), "{reasons:?}");
    assert!(
        Cleaner::new(&CleanRules {
            remove: vec!["(".into()],
            ..CleanRules::default()
        })
        .is_err()
    );
    assert!(
        c.feed_rules(&CleanRules {
            remove_selectors: vec!["div[".into()],
            ..CleanRules::default()
        })
        .is_err()
    );
}

#[test]
fn nothing_panics_on_odd_input() {
    let c = cleaner();
    let deep = "<div>".repeat(3_000) + "deep text" + &"</div>".repeat(3_000);
    let out = c.clean(&deep, None, None);
    assert!(out.text.contains("deep text"));
    let spans = "<span><b>".repeat(2_000) + "x";
    c.clean(&spans, None, None);
    for odd in [
        "",
        "<",
        "&",
        "<p",
        "</p></div>",
        "\u{0}<p>\u{0}</p>",
        "<a href='\u{1}javascript:x'>a</a>",
        "<svg><script>alert(1)</script></svg>",
        "<table><td>1<td>2</table>",
        "<math><mi xlink:href=\"javascript:x\">m</mi></math>",
    ] {
        let out = c.clean(odd, None, None);
        assert!(!out.html.contains("javascript"), "{odd:?} -> {}", out.html);
        assert!(!out.html.contains("<script"), "{odd:?} -> {}", out.html);
    }
}

/// Every file of the feedparser corpus under `dir`.
fn corpus(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The HTML-bearing fields of a feed document: every entry's content,
/// summary and title, and the feed's own title and description, as feed-rs
/// reads them; for documents feed-rs refuses (Atom 0.3, odd encodings), the
/// text of the usual elements, crudely unescaped.
fn contents(bytes: &[u8]) -> Vec<String> {
    let parser = feed_rs::parser::Builder::new()
        .sanitize_content(false)
        .build();
    // feed-rs 3.0 (quick-xml 0.42) panics on a few encoding cases; that is
    // the parse stage's concern, not the cleaner's: fall back to the crude
    // extraction for those.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(bytes)))
        .ok()
        .and_then(Result::ok);
    if let Some(feed) = parsed {
        let mut out = Vec::new();
        out.extend(feed.title.map(|t| t.content));
        out.extend(feed.description.map(|t| t.content));
        for e in feed.entries {
            out.extend(e.content.and_then(|c| c.body));
            out.extend(e.summary.map(|t| t.content));
            out.extend(e.title.map(|t| t.content));
        }
        if !out.is_empty() {
            return out;
        }
    }
    crude_contents(&String::from_utf8_lossy(bytes))
}

fn crude_contents(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in [
        "summary",
        "content",
        "description",
        "title",
        "content:encoded",
        "body",
        "info",
        "tagline",
        "subtitle",
        "copyright",
    ] {
        let re = regex::Regex::new(&format!(r"(?s)<{tag}(\s[^>]*)?>(.*?)</{tag}>")).unwrap();
        for cap in re.captures_iter(xml) {
            let inner = &cap[2];
            let inner = inner
                .strip_prefix("<![CDATA[")
                .and_then(|i| i.strip_suffix("]]>"))
                .map(str::to_string)
                .unwrap_or_else(|| {
                    inner
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&quot;", "\"")
                        .replace("&#39;", "'")
                        .replace("&amp;", "&")
                });
            out.push(inner);
        }
    }
    out
}

/// No element, attribute or URL in `html` that could run script.
fn assert_safe(html: &str, what: &str) {
    let doc = scraper::Html::parse_fragment(html);
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let name = el.name();
        assert!(
            !matches!(
                name,
                "script"
                    | "style"
                    | "iframe"
                    | "object"
                    | "embed"
                    | "applet"
                    | "form"
                    | "input"
                    | "button"
                    | "textarea"
                    | "select"
                    | "svg"
                    | "math"
                    | "link"
                    | "meta"
                    | "base"
                    | "frame"
                    | "frameset"
            ),
            "{what}: <{name}> survived: {html}"
        );
        for (attr, value) in el.attrs() {
            assert!(
                !attr.starts_with("on"),
                "{what}: event handler {attr} survived: {html}"
            );
            assert!(
                !matches!(attr, "style" | "class" | "id" | "srcdoc" | "formaction"),
                "{what}: {attr} survived"
            );
            let v: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect();
            let v = v.to_ascii_lowercase();
            assert!(
                !v.starts_with("javascript:")
                    && !v.starts_with("vbscript:")
                    && !v.starts_with("data:"),
                "{what}: unsafe URL {value:?} survived: {html}"
            );
        }
    }
}

#[test]
fn sanitize_corpus_leaves_nothing_unsafe() {
    let c = cleaner();
    let files = corpus(&shared().join("bench-data/feedparser-tests/wellformed/sanitize"));
    let files: Vec<_> = files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    assert_eq!(files.len(), 745);
    let mut fields = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let what = path.file_name().unwrap().to_string_lossy();
        for html in contents(&bytes) {
            fields += 1;
            let out = c.clean(&html, None, None);
            assert_safe(&out.html, &what);
            // Cleaning is stable: the output is already clean.
            assert_safe(&c.clean(&out.html, None, None).html, &what);
        }
    }
    assert!(fields >= 745, "only {fields} fields found");
}

#[test]
fn whole_feedparser_corpus_never_panics() {
    let c = cleaner();
    let files = corpus(&shared().join("bench-data/feedparser-tests"));
    assert!(files.len() >= 2100, "{} files", files.len());
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let what = path.display().to_string();
        // The parsed fields, and the whole document as if it were HTML.
        let mut inputs = contents(&bytes);
        inputs.push(String::from_utf8_lossy(&bytes).into_owned());
        for html in inputs {
            let out = c.clean(&html, None, None);
            assert_safe(&out.html, &what);
        }
    }
}

// ---------------------------------------------------------------- template --

const FOOTER: &str =
    "Planet Daily is an independent newsroom. Tips? Write to news@planet.example or call 555 0100.";
const QUOTE: &str =
    "\u{201c}We will rebuild the harbour, whatever it takes,\u{201d} the mayor said.";

/// Entry `i` of a feed: two paragraphs of a real body, then the footer.
fn entry(bodies: &[String], i: usize, with_quote: bool) -> String {
    let paras = paragraphs(&bodies[i]);
    let mut html = as_html(&paras[..paras.len().min(2)]);
    if with_quote {
        html.push_str(&format!("<p>{}</p>\n", escape(QUOTE)));
    }
    html.push_str(&format!("<p>{}</p>\n", escape(FOOTER)));
    html
}

async fn new_feed(path: &Path) -> (rusqlite::Connection, i64) {
    let conn = sql::opened(path).await;
    let (id,): (i64,) = sql::row(
        &conn,
        "INSERT INTO feeds (url, added_at) VALUES ('https://planet.example/feed', '2026-01-01T00:00:00Z') RETURNING id",
        [],
    );
    (conn, id)
}

/// What the template tests start from: a fresh database file with one
/// feed, the real article bodies and the cleaner.
struct TemplateSetup {
    dir: tempfile::TempDir,
    db: PathBuf,
    bodies: Vec<String>,
    cleaner: Cleaner,
    /// The test's own connection, opened with the feed.
    conn: rusqlite::Connection,
    feed_id: i64,
}

async fn template_setup() -> TemplateSetup {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("feedsieve.db");
    let (conn, feed_id) = new_feed(&db).await;
    TemplateSetup {
        dir,
        db,
        bodies: bodies(),
        cleaner: cleaner(),
        conn,
        feed_id,
    }
}

#[tokio::test]
async fn template_learning_persists_and_guards_real_content() {
    let TemplateSetup {
        dir: _dir,
        db,
        bodies,
        cleaner: c,
        conn,
        feed_id,
    } = template_setup().await;
    {
        let mut template =
            feedsieve::store::load_template(feedsieve::store::Db::new(&conn), feed_id).unwrap();
        assert_eq!(template.entries_seen, 0);
        // Eight entries, one at a time as the pipeline sees them; the quote
        // appears in three of them.
        for i in 0..8 {
            let html = entry(&bodies, i, i % 3 == 0);
            let out = c.clean(&html, None, Some(&template));
            template.observe(&html, &out);
        }
        feedsieve::store::save_template(feedsieve::store::Db::new(&conn), feed_id, &template)
            .unwrap();
    }
    drop(conn);

    // A new process: the template comes back from the file.
    let _pool = feedsieve::store::Store::open(&db).await.unwrap();
    let conn = feedsieve::store::connect_sync(&db).unwrap();
    let template =
        feedsieve::store::load_template(feedsieve::store::Db::new(&conn), feed_id).unwrap();
    assert_eq!(template.entries_seen, 8);

    let html = entry(&bodies, 20, true);
    let out = c.clean(&html, None, Some(&template));
    assert!(!out.text.contains("independent newsroom"), "{}", out.text);
    let footer = out
        .removed
        .iter()
        .find(|b| b.text.contains("independent newsroom"))
        .unwrap();
    assert_eq!(footer.reason, "repeats in 8 of 8 entries of this feed");
    // The quote recurs in only three entries: article text, kept.
    assert!(
        out.text.contains("We will rebuild the harbour"),
        "{:#?}",
        out.removed
    );
    assert_kept(&paragraphs(&bodies[20])[..2], &out, "entry 20");
    // An entry whose only paragraph is the footer keeps it.
    let only = format!("<p>{}</p>", escape(FOOTER));
    let out = c.clean(&only, None, Some(&template));
    assert!(
        out.text.contains("independent newsroom"),
        "{:#?}",
        out.removed
    );
    // The template learns text, not shape: the footer with another phone
    // number is another block, not yet seen, and kept.
    let other = entry(&bodies, 21, false).replace("555 0100", "555 0199");
    let out = c.clean(&other, None, Some(&template));
    assert!(out.text.contains("555 0199"), "{:#?}", out.removed);
}

#[tokio::test]
async fn clean_batch_learns_a_first_fetch() {
    let bodies = bodies();
    let c = cleaner();
    let htmls: Vec<String> = (30..60).map(|i| entry(&bodies, i, i % 10 == 0)).collect();
    let refs: Vec<&str> = htmls.iter().map(String::as_str).collect();
    let mut template = FeedTemplate::default();
    let outs = c.clean_batch(&refs, None, &mut template);
    assert_eq!(template.entries_seen, 30);
    for (i, out) in outs.iter().enumerate() {
        assert!(!out.text.contains("independent newsroom"), "entry {i}");
        assert_kept(
            &paragraphs(&bodies[30 + i])[..2.min(paragraphs(&bodies[30 + i]).len())],
            out,
            "batch",
        );
    }
    // Three entries carry the quote: kept.
    assert_eq!(
        outs.iter()
            .filter(|o| o.text.contains("We will rebuild the harbour"))
            .count(),
        3
    );
    assert!(
        outs[0]
            .removed
            .iter()
            .any(|b| b.reason == "repeats in 30 of 30 entries of this feed")
    );
}

#[test]
fn template_stays_bounded() {
    let c = cleaner();
    let mut template = FeedTemplate::default();
    for i in 0..3000 {
        let html = format!(
            "<p>Unique paragraph number {i} about topic {}.</p><p>Shared footer line of the feed.</p>",
            i * 7919
        );
        let out = c.clean(&html, None, Some(&template));
        template.observe(&html, &out);
    }
    assert!(template.blocks.len() <= feedsieve::clean::template::MAX_BLOCKS);
    // Digits are masked, so the "unique" lines are one block too; the
    // footer survives every prune either way.
    let out = c.clean(
        "<p>Fresh text here.</p><p>Shared footer line of the feed.</p>",
        None,
        Some(&template),
    );
    assert_eq!(out.text, "Fresh text here.");
}

/// The template is saved incrementally (only counted and pruned blocks):
/// after every save, a fresh load reads back exactly what was in memory,
/// through pruning past `MAX_BLOCKS`.
#[tokio::test]
async fn template_saves_match_memory_through_pruning() {
    let TemplateSetup {
        dir: _dir,
        db: _,
        bodies,
        cleaner: c,
        conn,
        feed_id,
    } = template_setup().await;
    let mut distinct = std::collections::HashSet::new();
    for round in bodies.chunks(bodies.len().div_ceil(4)) {
        let mut template =
            feedsieve::store::load_template(feedsieve::store::Db::new(&conn), feed_id).unwrap();
        for body in round {
            let paras = paragraphs(body);
            distinct.extend(paras.iter().cloned());
            let html = as_html(&paras);
            let out = c.clean(&html, None, Some(&template));
            template.observe(&html, &out);
        }
        feedsieve::store::save_template(feedsieve::store::Db::new(&conn), feed_id, &template)
            .unwrap();
        let reloaded =
            feedsieve::store::load_template(feedsieve::store::Db::new(&conn), feed_id).unwrap();
        assert_eq!(reloaded.entries_seen, template.entries_seen);
        assert_eq!(reloaded.blocks.len(), template.blocks.len());
        assert!(
            reloaded.blocks == template.blocks,
            "stored template differs"
        );
    }
    // Pruning happened: far more distinct blocks were seen than are kept.
    let (rows,): (i64,) = sql::row(
        &conn,
        "SELECT COUNT(*) FROM clean_template_blocks WHERE feed_id = ?",
        [feed_id],
    );
    assert!(
        distinct.len() > feedsieve::clean::template::MAX_BLOCKS,
        "{}",
        distinct.len()
    );
    assert!(
        (rows as usize) <= feedsieve::clean::template::MAX_BLOCKS,
        "{rows}"
    );
}

/// Real pages' conventions for the kinds of issue 17 (item 6), found by
/// words and places alone (no class or id): a caption that repeats its
/// image's alt text (twice, in a gallery), a caption and credit in a box of their
/// own, a "Name, AP" credit, the BBC's "Image copyright" line, an "On
/// <site>:" link, a bio box followed by short labels. Each goes with a
/// reason `preview` shows; the article around them stays, and so do an
/// italic question beside a picture and a sentence reporting what a
/// correspondent said.
#[test]
fn real_page_conventions_go_with_their_reasons() {
    let article = [
        "The council voted on Tuesday to close the old bridge to cars from March, after engineers found cracks in two of its piers.",
        "“Why are we still driving over it?”",
        "Residents have asked for a ferry service while the bridge is repaired, and the council said it would study the idea.",
        "Ana Ruiz is a correspondent for a radio station in the valley and was held at the checkpoint for six hours, the station said.",
        "The repairs are expected to take two years and cost about $40 million, paid mostly by the state.",
    ];
    let html = format!(
        "<p>{}</p>\n\
         <div><img alt=\"Workers inspect a pier of the old bridge\" src=\"https://example.com/pier.jpg\"></div>\n\
         <div>Workers inspect a pier of the old bridge</div>\n\
         <p><em><img src=\"https://example.com/q.jpg\">{}</em></p>\n\
         <p>{}</p>\n\
         <div><p>Commuters wait for a bus on the north bank on Monday.</p><p>Image: Valley Transit</p></div>\n\
         <p><strong>On valleycourier.com:</strong> <a href=\"https://valleycourier.com/x\">Ferry plan gets a first hearing</a></p>\n\
         <p>{}</p>\n\
         <div><img src=\"https://example.com/crane.jpg\"></div>\n\
         <div>Image copyright Getty Images</div>\n\
         <p>{}</p>\n\
         <div><img src=\"https://example.com/b.jpg\"></div>\n\
         <p>Cars cross the bridge on Friday.</p>\n\
         <p>Jane Doe, AP</p>\n\
         <div><div>Tom Berg joined the Valley Courier in 2015 and covers transport and city hall.</div>\n\
         <div>More articles from Tom Berg</div><div>Featured Video</div></div>",
        article[0], article[1], article[2], article[3], article[4]
    );
    let out = cleaner().clean(&html, None, None);
    for a in article {
        assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
    }
    for (gone, reason) in [
        (
            "Workers inspect a pier",
            "image caption (repeats the alt text",
        ),
        ("Commuters wait for a bus", "image caption (with its credit"),
        ("Ferry plan gets a first hearing", "inline related link"),
        ("Image copyright Getty Images", "photo credit"),
        ("Jane Doe, AP", "photo credit"),
        ("Tom Berg joined the Valley Courier", "author bio"),
        ("More articles from Tom Berg", "author bio"),
    ] {
        assert_removed_for(&out, gone, reason);
    }
    // A gallery prints a caption twice, for two screen sizes: both copies
    // repeat the alt text, here without the credit the caption adds.
    let gallery = format!(
        "<p>{}</p>\n<div><img alt=\"Traders work on the floor of the exchange on Monday\" src=\"https://example.com/t.jpg\"></div>\n\
         <div><div>Traders work on the floor of the exchange on Monday. Photo: Jane Doe, AP</div>\n\
         <div>Traders work on the floor of the exchange on Monday. Photo: Jane Doe, AP</div></div>\n<p>{}</p>",
        article[0], article[2]
    );
    let out = cleaner().clean(&gallery, None, None);
    assert!(!out.text.contains("Traders work"), "{}", out.text);
    assert!(out.text.contains(article[0]) && out.text.contains(article[2]));
}

/// Feeds are written in many languages, and so is their boilerplate: the
/// labels of credits, related and read-more links, update notes, follow
/// calls, share buttons, copyright lines and WordPress's translated
/// "appeared first on" footer go with their reasons, while article
/// sentences that use the same words in a sentence of their own stay.
#[test]
fn labels_in_other_languages_go_with_their_reasons() {
    let article = [
        "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke ab März für Autos zu sperren, nachdem Risse in zwei Pfeilern gefunden wurden.",
        "Das Foto zeigt den Riss im zweiten Pfeiler, den die Ingenieure im Januar entdeckten.",
        "Lesen Sie auch die Stellungnahme des Bauamts, die der Stadtrat am Montag veröffentlicht hat.",
        "La reparación costará unos 40 millones de euros y durará dos años, según el ayuntamiento.",
        "Le conseil a mis à jour son plan de circulation pour les bus qui traversent le pont.",
        "Wszyscy mieszkańcy mogą zobaczyć także nowe trasy autobusów na stronie miasta.",
        "Фото моста сделали жители северного берега в понедельник утром.",
    ];
    let boilerplate = [
        (
            "<p>Foto: Jana Schmidt / dpa</p>",
            "Jana Schmidt",
            "photo credit",
        ),
        ("<p>Фото: Иван Петров</p>", "Иван Петров", "photo credit"),
        (
            "<div>Die Brücke am Montagmorgen. | © Stadt Neustadt/Getty Images</div>",
            "Die Brücke am Montagmorgen",
            "photo credit",
        ),
        (
            "<p>Lesen Sie auch: <a href=\"https://example.de/x\">Fähre kommt im Sommer</a></p>",
            "Fähre kommt im Sommer",
            "inline related link",
        ),
        (
            "<p>Czytaj też: <a href=\"https://example.pl/x\">Nowy most w planach</a></p>",
            "Nowy most w planach",
            "inline related link",
        ),
        ("<h3>Mehr zum Thema</h3>", "Mehr zum Thema", "related links"),
        ("<p>Weiterlesen …</p>", "Weiterlesen", "read-more link"),
        (
            "<p>Aktualisiert am 3. Mai: Die Kosten wurden korrigiert.</p>",
            "Die Kosten wurden korrigiert",
            "update note",
        ),
        (
            "<p>Síguenos en Telegram, Instagram, Facebook y Twitter</p>",
            "Síguenos en Telegram",
            "share/follow call",
        ),
        ("<p>Teilen Drucken</p>", "Teilen Drucken", "share buttons"),
        (
            "<p>Der Beitrag Brücke gesperrt erschien zuerst auf Neustadt Kurier.</p>",
            "erschien zuerst auf",
            "syndication footer",
        ),
        (
            "<p>© 2024 Neustadt Kurier. Alle Rechte vorbehalten.</p>",
            "Alle Rechte vorbehalten",
            "copyright notice",
        ),
    ];
    let mut html = String::new();
    for (i, a) in article.iter().enumerate() {
        html.push_str(&format!("<p>{a}</p>\n"));
        if let Some((b, _, _)) = boilerplate.get(2 * i) {
            html.push_str(b);
        }
        if let Some((b, _, _)) = boilerplate.get(2 * i + 1) {
            html.push_str(b);
        }
    }
    let out = cleaner().clean(&html, None, None);
    for a in article {
        assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
    }
    for (_, gone, reason) in boilerplate {
        assert_removed_for(&out, gone, reason);
    }
}

/// A wire photo's caption in a gallery or figure that names neither, and
/// holds no image (lazy-loaded): its dated words, as the agencies' style
/// writes them, tell it. Article sentences with a date stay.
#[test]
fn wire_captions_go_by_their_dated_words() {
    let article = [
        "The candidate spoke to about two hundred supporters at a diner on Tuesday, Nov. 19, and promised to return.",
        "The vote, held Tuesday, Nov. 19, 2019, in Columbia, was the first of three on the plan.",
        "In this election the turnout was higher than in 2016, officials said on Wednesday.",
    ];
    let captions = [
        "Former Massachusetts Gov. Deval Patrick, left, speaks with a business owner during a campaign stop, Tuesday, Nov. 19, 2019, in Columbia, S.C.",
        "In this Sunday, Nov. 10, 2019, photograph, a long row of unsold sports-utility vehicles sits at a dealership in Littleton, Colo. (AP Photo/David Zalubowski)",
        "Supporters cheer as the results come in, Wednesday, Nov. 20, 2019. (AP Photo/Jane Doe)",
    ];
    let html = format!(
        "<p>{}</p><ul><li>{}</li><li>{}</li></ul><p>{}</p><div><div>{}</div></div><p>{}</p>",
        article[0], captions[0], captions[1], article[1], captions[2], article[2]
    );
    let out = cleaner().clean(&html, None, None);
    for a in article {
        assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
    }
    for c in captions {
        let start: String = c.chars().take(40).collect();
        assert_removed_for(&out, &start, "image caption");
    }
}

/// An author's box goes by its head in any language ("Sobre <name>"), by a
/// heading that is its subject's name, or by a descriptor before the name
/// ("Pulitzer Prize-winning journalist …"); a caption by its credit or its
/// wire date at the end. An article's last paragraph about a reporter, a
/// last section headed "About <something>" that the text under it does not
/// name, and a quoted tweet's attribution line stay.
#[test]
fn bio_boxes_go_by_their_heads_and_captions_by_their_ends() {
    let article = [
        "The council voted on Tuesday to close the old bridge to cars from March, after engineers found cracks in two of its piers.",
        "Residents have asked for a ferry service while the bridge is repaired, and the council said it would study the idea.",
        "The repairs are expected to take two years and cost about $40 million, paid mostly by the state.",
    ];
    let body = article.map(|a| format!("<p>{a}</p>\n")).concat();
    let boxes = [
        (
            "<h4>Sobre Carlos Nadal</h4>\n<img alt=\"Carlos Nadal\" src=\"https://example.com/cn.jpg\">\n\
             <p>Pai de dois filhos, Carlos Nadal é coordenador pedagógico numa escola em Londrina e escreve sobre educação infantil.</p>\n\
             <p><a href=\"https://facebook.com/cn\">Facebook</a></p>",
            ["Sobre Carlos Nadal", "Pai de dois filhos"],
        ),
        (
            "<div><h4>Pamela Stone</h4><div>Pamela Stone is an online educator, keynote speaker, and the founder of Brand School.</div></div>",
            ["Pamela Stone", "online educator"],
        ),
        (
            "<p><em>Tom Berg: 916-555-0142, @tomberg</em></p>",
            ["916-555-0142", "@tomberg"],
        ),
        (
            "<div>Pulitzer Prize-winning journalist Tom Berg writes a weekly column on the economy for the Valley Courier. He lives in Springfield.</div>",
            ["Pulitzer Prize-winning", "He lives in Springfield"],
        ),
    ];
    for (bio, gone) in boxes {
        let out = cleaner().clean(&format!("{body}{bio}"), None, None);
        for a in article {
            assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
        }
        for g in gone {
            assert_removed_for(&out, g, "author bio");
        }
    }
    for (last, lines) in [
        (
            "<p>Former reporter Tom Berg was arrested in Texas last week on fraud charges.</p>",
            &["Former reporter Tom Berg was arrested"][..],
        ),
        (
            "<h3>About Town Hall</h3>\n<p>The hall opened in 1911 and seats 400 people in its main chamber.</p>",
            &["About Town Hall", "The hall opened in 1911"],
        ),
        (
            "<h3>Maria Stone</h3>\n<p>The mayor thanked her for forty years at the library desk.</p>",
            &["Maria Stone", "The mayor thanked her"],
        ),
        (
            "<blockquote><p>The bridge closes to cars from March <a href=\"https://t.co/x\">pic.twitter.com/x</a></p>\n\
             <p>— Valley Courier (@valleycourier) <a href=\"https://twitter.com/valleycourier/status/1\">November 4, 2019</a></p></blockquote>",
            &[
                "The bridge closes to cars",
                "(@valleycourier) November 4, 2019",
            ],
        ),
    ] {
        let out = cleaner().clean(&format!("{body}{last}"), None, None);
        for line in lines {
            assert!(out.text.contains(line), "lost {line:?}:\n{}", out.text);
        }
    }
    // A contact line alone ends many stories.
    let out = cleaner().clean(
        &format!(
            "{body}<p>Contact reporter Ana Ruiz at ana@valleycourier.example or 555-0142.</p>"
        ),
        None,
        None,
    );
    assert_removed_for(&out, "Contact reporter Ana Ruiz", "author bio");
    // A headline link after a label of any words goes; a link after a
    // label that says where a fact comes from or how to get something
    // stays.
    let links = format!(
        "<p>{}</p>\n<p><strong>Go deeper:</strong> <a href=\"https://valleycourier.example/1\">Ferry plan gets a first hearing</a></p>\n\
         <p>{}</p>\n<p>Mehr: <a href=\"https://valleycourier.example/2\">Die Fähre kommt im Sommer</a></p>\n\
         <p>Source: <a href=\"https://bls.example\">Bureau of Labor Statistics</a></p>\n\
         <p>Tickets: <a href=\"https://hall.example\">Buy them at the box office</a></p>\n<p>{} {}</p>",
        article[0], article[1], article[2], article[0]
    );
    let out = cleaner().clean(&links, None, None);
    // A label alone heads the list of links under it; a figure whose
    // caption and credit went by their class has its caption, so the
    // short paragraph under it is the article's.
    let listed = format!(
        "<p>{}</p>\n<p><strong>Mehr zum Thema:</strong></p>\n<ul><li><a href=\"https://valleycourier.example/3\">Fähre soll im Sommer kommen</a></li></ul>\n\
         <figure><img src=\"https://example.com/f.jpg\"><figcaption><span class=\"element-image__caption\">Crowds gather on the bank on Monday.</span> \
         <span class=\"element-image__credit\">Photograph: Jane Doe/AFP</span></figcaption></figure>\n<p>What the ferry would cost</p>\n<p>{} {}</p>",
        article[0], article[1], article[2]
    );
    let listed = cleaner().clean(&listed, None, None);
    assert_removed_for(&listed, "Fähre soll im Sommer kommen", "related links");
    assert_removed_for(&listed, "Crowds gather on the bank", "image caption");
    assert!(
        listed.text.contains("What the ferry would cost"),
        "{}",
        listed.text
    );
    for kept in ["Bureau of Labor Statistics", "Buy them at the box office"] {
        assert!(out.text.contains(kept), "lost {kept:?}:\n{}", out.text);
    }
    for gone in [
        "Ferry plan gets a first hearing",
        "Die Fähre kommt im Sommer",
    ] {
        assert_removed_for(&out, gone, "inline related link");
    }
    let captions = format!(
        "<p>{}</p>\n<div><div>Lakers forward Anthony Davis dunks during the first half against the Thunder on Tuesday, Nov. 19, 2019, in Los Angeles.</div></div>\n\
         <p>{}</p>\n<p>Council members listen to residents during the meeting. Credit: Jane Doe</p>\n\
         <p>{}</p>\n<p>Joe Biden speaks to supporters in Iowa. (AP Photo/John Locher)</p>\n\
         <div><img src=\"https://example.com/b.jpg\"></div>\n<p>Jane Doe, The Valley Courier</p>\n\
         <p>The vote took place on Tuesday, Nov. 19, 2019, in Columbia, and a second one is due in May.</p>",
        article[0], article[1], article[2]
    );
    let out = cleaner().clean(&captions, None, None);
    assert!(out.text.contains("The vote took place"), "{}", out.text);
    assert_removed_for(&out, "Anthony Davis dunks", "image caption");
    assert_removed_for(&out, "Council members listen", "photo credit");
    assert_removed_for(&out, "Joe Biden speaks", "photo credit");
    assert_removed_for(&out, "Jane Doe, The Valley Courier", "photo credit");
}

/// The entry's writers, as its feed names them, tell their bio boxes in any
/// language and wording: a block at the end, set apart from the article's
/// paragraphs, that opens with the writer's name (in a fuller or shorter
/// form, in capitals), co-writers' boxes together, or the name alone
/// heading the box; a portrait's bio goes as a bio, not a caption. Without
/// the byline the same name forms stay. In the article's own type, a last
/// paragraph that opens with the writer's name goes only when it then says
/// what the writer is ("Jan Berg, Jahrgang 1975, ist …"); one that says
/// what the writer did is news about the writer and stays, as do one that
/// names the writer later, someone else, or reports what was said, and a
/// long one.
#[test]
fn the_feeds_byline_tells_its_writers_bio_in_any_wording() {
    let article = [
        "The council voted on Tuesday to close the old bridge to cars from March, after engineers found cracks in two of its piers.",
        "Residents have asked for a ferry service while the bridge is repaired, and the council said it would study the idea.",
        "The repairs are expected to take two years and cost about $40 million, paid mostly by the state.",
    ];
    let body = article.map(|a| format!("<p>{a}</p>\n")).concat();
    let entry = |html: &str, authors: &[&str]| {
        let authors: Vec<String> = authors.iter().map(|a| a.to_string()).collect();
        cleaner().clean_entry(
            EntryInput {
                html: &format!("{body}{html}"),
                authors: &authors,
            },
            None,
            None,
        )
    };
    let gone = [
        (
            "<p><small>ANA RUIZ schrijft sinds 2019 over klimaat en woont in Utrecht.</small></p>",
            &["aruiz@courier.example (Ana Ruiz)"][..],
            &["ANA RUIZ schrijft"][..],
        ),
        (
            "<p><em>Dr. Ana M. Ruiz teaches at Porto and has two cats; her book on ferries is out in May.</em></p>",
            &["By ANA RUIZ"],
            &["Dr. Ana M. Ruiz teaches"],
        ),
        (
            "<p><em>Ana Ruiz sigue la política local desde Sevilla.</em></p>\n<p><em>Tom Berg pisze o transporcie z Gdańska.</em></p>",
            &["Ana Ruiz and Tom Berg"],
            &["Ana Ruiz sigue", "Tom Berg pisze"],
        ),
        (
            "<h4>Ana Ruiz</h4>\n<p>Cities, bridges and the money behind them. Lives in Porto.</p>",
            &["Ana Ruiz"],
            &["Ana Ruiz", "Cities, bridges"],
        ),
        (
            "<p><strong>İLKER ÇELİK</strong></p>\n<p>İzmir'de 1971 yılında doğdu. 3 yıldır ekonomi muhabiri olarak çalışıyor.</p>",
            &["İlker Çelik (DHA)"],
            &["İLKER ÇELİK", "yılında doğdu"],
        ),
        (
            "<p><em>Ana Ruiz covers the county for the Courier.</em></p>\n<p><em>This story was produced in partnership with the Delta Voice, a nonprofit newsroom.</em></p>\n<p><em>Tom Berg covers the courts for the Courier.</em></p>",
            &["Ana Ruiz and Tom Berg"],
            &["Ana Ruiz covers", "Tom Berg covers"],
        ),
        (
            "<img src=\"https://courier.example/ana.jpg\" alt=\"\">\n<p><em>Ana Ruiz, unsere Frau in Porto</em></p>",
            &["Ana Ruiz"],
            &["unsere Frau in Porto"],
        ),
        // In the article's own type: the writer's name, then what the
        // writer is.
        (
            "<p>Jan Berg, Jahrgang 1975, ist seit zwölf Jahren beim Kurier und lebt in Kassel.</p>",
            &["Von Jan Berg"],
            &["Jahrgang 1975"],
        ),
        (
            "<p>Ana Ruiz es doctora en Historia por la Universidad de Sevilla.</p>",
            &["Ana Ruiz"],
            &["doctora en Historia"],
        ),
        (
            "<p>Ana Ruiz is based in Lisbon, where she lives with two cats and a boat.</p>",
            &["Ana Ruiz"],
            &["based in Lisbon"],
        ),
    ];
    for (bio, authors, probes) in gone {
        let out = entry(bio, authors);
        for a in article {
            assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
        }
        for p in probes {
            assert_removed_for(&out, p, "author bio");
        }
        // Without the byline, a name in capitals is not enough, nor what
        // a name in plain type is.
        if bio.contains("schrijft") || bio.contains("Jahrgang") || bio.contains(" es doctora") {
            let out = entry(bio, &[]);
            assert!(out.text.contains(probes[0]), "{}", out.text);
        }
    }
    let long = format!(
        "Ana Ruiz walked the length of the bridge with the engineers on Monday. {}",
        article.join(" ")
    );
    for last in [
        "In an interview with Ana Ruiz on Monday, the mayor said the ferry would run by June.".to_string(),
        "Ana Ruiz, the reporter who first wrote about the cracks, was thanked by the council, the mayor said.".to_string(),
        "Tom Ruiz schrijft sinds 2019 over klimaat en woont in Utrecht.".to_string(),
        "Ana Ruiz was detained by the police for six hours while covering the protest.".to_string(),
        "Ana Ruiz, who covered the march, is recovering from a cut to the head.".to_string(),
        "Ana Ruiz on Monday walked the length of the closed bridge with two engineers.".to_string(),
        "Ana Ruiz este lunes recorrió el puente cerrado con dos ingenieros.".to_string(),
        "Ana Ruiz is a correspondent for a radio station and was held for six hours, the station said.".to_string(),
        long,
    ] {
        let out = entry(&format!("<p>{last}</p>"), &["Ana Ruiz"]);
        let head: String = last.chars().take(50).collect();
        assert!(out.text.contains(&head), "lost {head:?}:\n{}", out.text);
    }
    // A byline that names a desk names no one.
    let out = entry(
        "<p>Staff Reports compiled this story from council minutes.</p>",
        &["Staff Reports"],
    );
    assert!(out.text.contains("Staff Reports compiled"), "{}", out.text);
}

/// What the type sets apart from the article tells notes and writers' boxes
/// in words no rule lists: a short note in italics, in bold, in brackets or
/// in a box of its own that names a change to the story (by its label, a
/// time or a word for the story) goes wherever it stands, in any language;
/// an italic or bold-led last block that opens with a person's name and
/// says more goes as a bio. The same words in the article's own paragraphs
/// stay, as do an italic sentence about some other update (of "the
/// report", not "this report") or an earlier version of something else, a bold sentence that opens with a
/// correction's word as part of a noun, a speaker's bold label before a
/// quote, a score line, and a German sentence whose capitalised nouns are
/// no name.
#[test]
fn set_apart_notes_and_boxes_go_in_any_wording_and_the_article_stays() {
    let article = [
        "The council voted on Tuesday to close the old bridge to cars from March, after engineers found cracks in two of its piers.",
        "Residents have asked for a ferry service while the bridge is repaired, and the council said it would study the idea.",
        "The repairs are expected to take two years and cost about $40 million, paid mostly by the state.",
    ];
    let p = |t: &str| format!("<p>{t}</p>\n");
    let notes = [
        (
            "<p><strong>Saken oppdateres.</strong></p>",
            "Saken oppdateres",
        ),
        (
            "<p><em>Articolo aggiornato alle 13:42 con la replica del sindaco</em></p>",
            "Articolo aggiornato",
        ),
        (
            "<aside><p>Wij hebben dit bericht bijgewerkt met een reactie van de gemeente.</p></aside>",
            "bericht bijgewerkt",
        ),
        (
            "<p>[Päivitetty 12.5. klo 14.10: lisätty kaupungin vastaus.]</p>",
            "Päivitetty",
        ),
        (
            "<p><em>Correction appended: the ferry carried 300 people a day, not 3,000.</em></p>",
            "Correction appended",
        ),
        (
            "<p><em>An earlier version of this story gave the wrong year for the first crack.</em></p>",
            "An earlier version",
        ),
    ];
    for (note, probe) in notes {
        let html = format!(
            "{}{note}\n{}{}",
            p(article[0]),
            p(article[1]),
            p(article[2])
        );
        let out = cleaner().clean(&html, None, None);
        for a in article {
            assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
        }
        assert_removed_for(&out, probe, "update note");
    }
    // An editor's note's label heads the note under it, whatever it says.
    let html = format!(
        "<h4>Editor’s note</h4>\n<p>Ana Ruiz’s brother is a nurse at the county hospital, which is not a subject of this story.</p>\n{}{}{}",
        p(article[0]),
        p(article[1]),
        p(article[2])
    );
    let out = cleaner().clean(&html, None, None);
    assert_removed_for(&out, "brother is a nurse", "update note");
    for a in article {
        assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
    }
    // An italic standfirst over a picture whose figcaption holds its
    // caption is the article's, not the picture's caption.
    let standfirst = "For 53 years the ferry carried commuters across the river. Then the county revised its budget.";
    let html = format!(
        "<p><em>{standfirst}</em></p>\n<figure><img src=\"https://cdn.example/f.jpg\" alt=\"\"><figcaption>The ferry at its dock on Tuesday.</figcaption></figure>\n{}{}{}",
        p(article[0]),
        p(article[1]),
        p(article[2])
    );
    let out = cleaner().clean(&html, None, None);
    assert!(
        out.text.contains(standfirst),
        "lost the standfirst:\n{}",
        out.text
    );
    let bios = [
        "<p><em>Anne-Marie Duval est maîtresse de conférences en sociologie à Lyon. Elle est l’autrice de deux livres.</em></p>",
        "<p><strong>Elizabeth Whitaker</strong> er tidligere borgmester og formand for Kommunernes Landsforening.</p>",
    ];
    for bio in bios {
        let html = format!("{}{}{}{bio}", p(article[0]), p(article[1]), p(article[2]));
        let out = cleaner().clean(&html, None, None);
        for a in article {
            assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
        }
        let start = if bio.contains("Duval") {
            "Anne-Marie Duval est"
        } else {
            "er tidligere borgmester"
        };
        assert_removed_for(&out, start, "author bio");
    }
    // Without a byline, another person's italic line above an italic bio is
    // the article's (its closing line), not a co-writer's box.
    let closing =
        "Maria Berg kept the ferry's log for forty years; it is now in the county museum.";
    let html = format!(
        "{}{}<p><em>{closing}</em></p>\n{}",
        p(article[0]),
        p(article[1]),
        bios[0]
    );
    let out = cleaner().clean(&html, None, None);
    assert!(
        out.text.contains(closing),
        "lost the closing line:\n{}",
        out.text
    );
    assert_removed_for(&out, "Anne-Marie Duval est", "author bio");
    for last in [
        p("Saken oppdateres jevnlig av kommunen, som har lagt ut et nytt kart over stengte veier."),
        p("Anne-Marie Duval est maîtresse de conférences en sociologie à Lyon."),
        p("<em>The agency updated its flood guidance on Thursday for the two closed streets.</em>"),
        p(
            "<strong>Der Vorsitzende des Aufsichtsrats Wolfgang Berg:</strong> „Ich freue mich, dass es uns gelungen ist.“",
        ),
        p("<strong>Merritt Island d. Titusville</strong> 3-2"),
        p("<em>Alle Orte der Impfung sind immer aktuell im Netz abrufbar.</em>"),
        p(
            "<strong>Correction fluid, pens and 42 boxes of files were found in the engineers’ office.</strong>",
        ),
        p("<em>An earlier version of the plan, released in 2019, had no ferry service.</em>"),
        p("<em>The report was updated in May to include the second pier.</em>"),
    ] {
        let html = format!("{}{}{}{last}", p(article[0]), p(article[1]), p(article[2]));
        let out = cleaner().clean(&html, None, None);
        let text: String = last
            .replace("<em>", "")
            .replace("</em>", "")
            .replace("<strong>", "")
            .replace("</strong>", "")
            .replace("<p>", "")
            .replace("</p>\n", "");
        let head: String = text.chars().take(30).collect();
        assert!(out.text.contains(&head), "lost {head:?}:\n{}", out.text);
    }
}

/// A picture that has its own caption (a classed figcaption, a line in its
/// own paragraph after a break, a copyright line under it) claims no
/// neighbour as its caption: an
/// italic standfirst over it, or an italic sentence under it past another
/// captioned picture, is the article's. The line in its paragraph goes.
#[test]
fn a_picture_with_its_own_caption_claims_no_neighbour() {
    let article = [
        "The council voted on Tuesday to close the old bridge to cars from March, after engineers found cracks in two of its piers.",
        "Residents have asked for a ferry service while the bridge is repaired, and the council said it would study the idea.",
    ];
    let italic = "The Weather Service revised its forecast on Friday morning: it now expects 5 inches of snow by Saturday.";
    let figure = |class: &str, caption: &str| {
        format!(
            "<figure><img src=\"https://cdn.example/{class}.jpg\" alt=\"\"><figcaption class=\"{class}\">{caption}</figcaption></figure>\n"
        )
    };
    // Caption and credit in spans of their own, as a newspaper CMS sets them.
    let first = "<figure><img src=\"https://cdn.example/a.jpg\" alt=\"\"><figcaption> <span class=\"element-image__caption\">Students walk across the campus on Saturday.</span> <span class=\"element-image__credit\">Photograph: Yuki Sato/AFP</span> </figcaption></figure>\n";
    let second = figure(
        "wp-caption-text",
        "Firefighters at work near the harbour on Monday.",
    );
    let layouts = [
        // Two captioned figures, then the italic sentence under them.
        format!("{first}{second}<p><em>{italic}</em></p>\n"),
        // The italic sentence over a captioned figure, a bare picture after it.
        format!(
            "<p><em>{italic}</em></p>\n{first}<img src=\"https://cdn.example/bare.jpg\" alt=\"\">\n"
        ),
        // Over a picture whose own paragraph holds its credit after a break.
        format!(
            "<p><em>{italic}</em></p>\n<p><img src=\"https://cdn.example/p.jpg\" alt=\"\"><br>Beeld Omar McAllister / ANP</p>\n"
        ),
        // Over a picture with a copyright line right under it.
        format!(
            "<p><em>{italic}</em></p>\n<img src=\"https://cdn.example/c.jpg\" alt=\"\">\n<div>© picture alliance / dpa | Elena Okafor</div>\n"
        ),
    ];
    let mut lost = Vec::new();
    for layout in layouts {
        let html = format!("<p>{}</p>\n{layout}<p>{}</p>", article[0], article[1]);
        let out = cleaner().clean(&html, None, None);
        if !out.text.contains(italic) {
            lost.push(format!("lost the italic sentence in {layout}"));
        }
        for a in article {
            assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
        }
        for gone in ["Students walk", "Beeld Omar"] {
            if layout.contains(gone) && out.text.contains(gone) {
                lost.push(format!("kept {gone:?}"));
            }
        }
    }
    assert!(lost.is_empty(), "{lost:#?}");
    // A caption over the first of two pictures whose second has a caption
    // of its own is the first one's.
    let html = format!(
        "<p>{}</p>\n<p><small>A crane lifts a beam into place downtown on Sunday.</small></p>\n<img src=\"https://cdn.example/1.jpg\" alt=\"\">\n<div class=\"photo\"><img src=\"https://cdn.example/2.jpg\" alt=\"\"><p>The new bridge from the east bank at dusk.</p></div>\n<p>{}</p>",
        article[0], article[1]
    );
    let out = cleaner().clean(&html, None, None);
    assert_removed_for(&out, "A crane lifts", "image caption");
}

/// An editor's note's label that the feed prints in many entries is taken by
/// the learned template first; it still heads the note under it.
#[test]
fn a_learned_note_label_still_heads_its_note() {
    let bodies: Vec<String> = (0..8)
        .map(|i| {
            format!(
                "<h4>Editor’s note</h4>\n<p>Writer {i}’s brother is a nurse at the county hospital, which is not a subject of this story.</p>\n<p>Story {i}: the council voted on Tuesday to close the old bridge number {i} to cars from March, after engineers found cracks.</p>\n<p>Residents of district {i} have asked for a ferry service while the bridge is repaired, and the council said it would study it.</p>"
            )
        })
        .collect();
    let refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
    let mut template = FeedTemplate::default();
    let outs = cleaner().clean_batch(&refs, None, &mut template);
    let learned = outs.iter().any(|o| {
        o.removed
            .iter()
            .any(|b| b.text.contains("Editor’s note") && b.reason.starts_with("repeats in"))
    });
    assert!(learned, "the template never took the label: {outs:#?}");
    for (i, out) in outs.iter().enumerate() {
        assert_removed_for(out, "brother is a nurse", "update note");
        assert!(out.text.contains(&format!("Story {i}:")), "{}", out.text);
    }
}

/// A person's name alone in capitals, in bold or as a heading, over the
/// entry's last short sentences is a signature heading the writer's box,
/// whatever the byline says (none, an agency): the box goes. A subhead of words the article writes in lower
/// case, a list of people each under a name, and a section that names its
/// subject again stay.
#[test]
fn a_name_alone_heads_the_writers_box_and_sections_stay() {
    let article = [
        "The council voted on Tuesday to close the old bridge to cars from March, after engineers found cracks in two of its piers.",
        "Residents have asked for a ferry service while the bridge is repaired, and the council is looking at the idea.",
    ];
    let body = format!("<p>{}</p>\n<p>{}</p>\n", article[0], article[1]);
    let box_text =
        "Urodziła się w Gdańsku w 1985 roku. Od 12 lat pracuje jako dziennikarka ekonomiczna.";
    for head in [
        "<p><strong>KATARZYNA NOWAK</strong></p>",
        "<h4>KATARZYNA NOWAK</h4>",
    ] {
        for byline in [&[][..], &["PAP".to_string()][..]] {
            let html = format!("{body}{head}\n<p>{box_text}</p>");
            let out = cleaner().clean_entry(
                EntryInput {
                    html: &html,
                    authors: byline,
                },
                None,
                None,
            );
            assert_removed_for(&out, "Urodziła się", "author bio");
            assert!(!out.text.contains("NOWAK") && !out.text.contains("Nowak"));
            for a in article {
                assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
            }
        }
    }
    let stay = [
        // A subhead whose word the article writes in lower case.
        format!("{body}<h3>LOOKING AHEAD</h3>\n<p>The council will vote on the plan in March.</p>"),
        // A name in title case may head a section about that person.
        format!(
            "{body}<h3>Maria Stone</h3>\n<p>The mayor thanked her for forty years at the library.</p>"
        ),
        // A list of people, each under a name.
        format!(
            "{body}<h3>SERENA WILLIAMS</h3>\n<p>Few players have won as often on grass.</p>\n<h3>STEFFI GRAF</h3>\n<p>She won all four majors and gold in one year.</p>"
        ),
        // A section that names its subject again.
        format!(
            "{body}<p><strong>BEE SIMULATOR</strong></p>\n<p>In Bee Simulator up to four players fly together.</p>"
        ),
    ];
    for html in stay {
        let out = cleaner().clean(&html, None, None);
        let last = html
            .rsplit("<p>")
            .next()
            .and_then(|p| p.split('<').next())
            .unwrap_or_default();
        assert!(out.text.contains(last), "lost {last:?}:\n{}", out.text);
    }
}

/// An opinion page's unnamed tagline ("The writer is …", in the languages
/// op-eds are written in) goes at the end when a footnote's star or a
/// bracket marks it, or a line under it says the views are the writer's
/// own (which goes with it), or, unmarked, as the entry's last line. (A
/// book review that ends on its author's life loses that line: the blind
/// passes' plain-type taglines outweighed it, see BENCHMARKS.md.)
#[test]
fn an_opinion_pages_unnamed_tagline_goes_when_marked_or_disclaimed() {
    let article = [
        "The council voted on Tuesday to close the old bridge to cars from March, after engineers found cracks in two of its piers.",
        "Residents have asked for a ferry service while the bridge is repaired, and the council said it would study the idea.",
    ];
    let body = format!("<p>{}</p>\n<p>{}</p>\n", article[0], article[1]);
    for (tail, gone) in [
        (
            "<p>*) Penulis adalah peneliti di Pusat Studi Kebijakan Publik Universitas Airlangga.</p>",
            &["Penulis adalah"][..],
        ),
        (
            "<p>* L’auteure est professeure de droit à l’Université de Sherbrooke.</p>",
            &["L’auteure est"],
        ),
        (
            "<p>Авторка — журналістка ZAXID.NET</p>\n<p>Колонка відображає думку автора. Редакція може не поділяти її.</p>",
            &["Авторка", "Колонка відображає"],
        ),
        (
            "<p>Der Autor ist Politikwissenschaftler in Kassel.</p>\n<p>Der Text gibt die Meinung des Autors wieder.</p>",
            &["Der Autor ist", "gibt die Meinung"],
        ),
    ] {
        let out = cleaner().clean(&format!("{body}{tail}"), None, None);
        for a in article {
            assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
        }
        for g in gone {
            assert_removed_for(&out, g, "author bio");
        }
    }
    for last in [
        "The author is a former nurse who lives in Ohio with her two sons.",
        "L’auteur est un ancien juge qui vit à Lyon.",
    ] {
        let out = cleaner().clean(&format!("{body}<p>{last}</p>"), None, None);
        assert_removed_for(&out, last, "author bio");
        // Not the last line: the article's.
        let html = format!("<p>{}</p><p>{last}</p><p>{}</p>", article[0], article[1]);
        let out = cleaner().clean(&html, None, None);
        assert!(out.text.contains(last), "lost {last:?}:\n{}", out.text);
    }
}

/// A note stamped with its time ("Noticia en actualización desde las
/// 14:32 h", "Artikel ini telah diperbarui pada pukul 14.10 WIB") goes in
/// the article's own type, at the top or between paragraphs; a sentence of
/// the article with a change and a time stays.
#[test]
fn a_note_stamped_with_its_time_goes_in_plain_type() {
    let article = [
        "The council voted on Tuesday to close the old bridge to cars from March, after engineers found cracks in two of its piers.",
        "Residents have asked for a ferry service while the bridge is repaired, and the council said it would study the idea.",
        "The repairs are expected to take two years and cost about $40 million, paid mostly by the state.",
    ];
    let p = |t: &str| format!("<p>{t}</p>\n");
    for (note, top) in [
        (
            "Noticia en actualización desde las 14:32 h. Esta información se irá ampliando.",
            true,
        ),
        (
            "Artikel ini telah diperbarui pada pukul 14.10 WIB dengan tambahan keterangan dari kepolisian.",
            false,
        ),
    ] {
        let html = if top {
            format!(
                "{}{}{}{}",
                p(note),
                p(article[0]),
                p(article[1]),
                p(article[2])
            )
        } else {
            format!(
                "{}{}{}{}",
                p(article[0]),
                p(note),
                p(article[1]),
                p(article[2])
            )
        };
        let out = cleaner().clean(&html, None, None);
        let head: String = note.chars().take(20).collect();
        assert_removed_for(&out, &head, "update note");
        for a in article {
            assert!(out.text.contains(a), "lost {a:?}:\n{}", out.text);
        }
    }
    for sentence in [
        "The bill was amended at 10.30 on Monday by the senate, which sent it back to the house.",
        "Article 5 was amended at 10.30 on Monday, the ministry said.",
    ] {
        let html = format!("{}{}{}", p(article[0]), p(sentence), p(article[1]));
        let out = cleaner().clean(&html, None, None);
        assert!(
            out.text.contains(sentence),
            "lost {sentence:?}:\n{}",
            out.text
        );
    }
}

/// A note about the story in the article's own type, in the languages feeds
/// are written in, goes at the top or the foot of the article: a word for
/// the story that opens it and a word of change ("Новость дополняется",
/// "Dieser Text wurde um eine Stellungnahme ergänzt", or its title: "Le
/// titre de cet article a été modifié"), a story still developing, more of
/// it promised in a few words ("Details to follow"), an earlier version, a
/// correction's or an editor's label, or the newsroom's live coverage
/// ending. A closing sentence of the article with such words stays.
#[test]
fn a_note_about_the_story_goes_at_the_article_s_edge_in_plain_type() {
    let article = &BRIDGE_STORY[..];
    let body: String = article.iter().map(|a| format!("<p>{a}</p>\n")).collect();
    for note in [
        "Dieser Artikel wird laufend aktualisiert.",
        "Dieser Text wurde um eine Stellungnahme der Stadt ergänzt.",
        "Cet article est en cours d'actualisation.",
        "Esta noticia se está actualizando.",
        "Noticia en desarrollo.",
        "Notizia in aggiornamento.",
        "Dit bericht is aangevuld met een reactie van de gemeente.",
        "Juttua päivitetään.",
        "Artykuł jest aktualizowany.",
        "A cikket folyamatosan frissítjük.",
        "Vijest se ažurira.",
        "Новость дополняется.",
        "Новину доповнено о 14:20.",
        "Η είδηση ενημερώνεται.",
        "Haber güncelleniyor.",
        "Berita ini akan terus diperbarui.",
        "Bài viết đang được cập nhật.",
        "Hinweis: In einer früheren Fassung hieß es, die Brücke sei gesperrt.",
        "Catatan redaksi: Judul artikel ini telah diubah pada Senin.",
        "Oikaisu: Jutussa kerrottiin aiemmin virheellisesti, että silta suljetaan.",
        "Ce texte a été modifié lundi pour corriger le nom du maire.",
        "That concludes our live coverage for today.",
        "Wir beenden an dieser Stelle unseren Liveblog.",
        "Il nostro live finisce qui.",
        "Le titre de cet article a été modifié.",
        "Haberin başlığı güncellendi.",
        "Details to follow.",
        "Weitere Details folgen.",
        "Son dakika haberi, ayrıntılar geliyor.",
    ] {
        let head: String = note.chars().take(16).collect();
        for html in [
            format!("<p>{note}</p>\n{body}"),
            format!("{body}<p>{note}</p>\n"),
        ] {
            let out = cleaner().clean(&html, None, None);
            assert_removed_for(&out, &head, "update note");
            assert_article_kept(&out, article);
        }
    }
    for last in [
        "The report will be updated next year, the agency said.",
        "Officials will give an update at 10:30 a.m. on Thursday.",
        "Updated figures are expected next month.",
        "An earlier version of the bill was rejected in 2019.",
        "Der Bericht soll im Frühjahr ergänzt werden.",
        "Berita itu diperbarui oleh kementerian pada Senin.",
        "The city said the live stream of the meeting ended early.",
        "La diretta della partita finisce alle 22.",
        "Correction fluid, pens and 42 boxes of paper were taken from the office, police said.",
        "Il testo della legge è stato modificato dalla Camera.",
        "This version of the bill was amended in committee.",
        "Details of the settlement were not disclosed.",
        "Der Titel des Buches wurde 1998 geändert.",
    ] {
        let out = cleaner().clean(&format!("{body}<p>{last}</p>"), None, None);
        assert_article_kept(&out, &[last]);
    }
}

/// A plain last paragraph that says what the byline's writer is or does
/// for a living goes, past a mark before the name or a bracket after it or
/// an apposition before it ("A former public defender, Ana Ruiz teaches …"),
/// with the verb "to be" of Finnish and Romanian unless it opens news, and
/// a Turkish sentence's copula suffix; where the writer lives, or news
/// about the writer, stays.
#[test]
fn a_plain_last_paragraph_on_what_the_writer_is_or_does_goes() {
    let article = &BRIDGE_STORY[..2];
    let authors = ["Ana Ruiz".to_string()];
    let clean = |last: &str| clean_ending(article, last, &authors);
    for bio in [
        "— Ana Ruiz is a freelance writer in Denver.",
        "Ana Ruiz (Madrid, 1975) es periodista y escritora.",
        "Ana Ruiz teaches journalism at the University of Oregon.",
        "Ana Ruiz writes the weekly Commute column.",
        "Ana Ruiz arbeitet als freie Journalistin in Wien.",
        "Ana Ruiz on kaupunkisuunnittelun tutkija Aalto-yliopistossa.",
        "Ana Ruiz este cercetătoare la Universitatea din București.",
        "Ana Ruiz Boğaziçi Üniversitesi'nde öğretim üyesidir.",
        "A former public defender in Denver, Ana Ruiz teaches criminal law at Regis University.",
    ] {
        let out = clean(bio);
        let head: String = bio.chars().take(12).collect();
        assert_removed_for(&out, &head, "author bio");
        assert_article_kept(&out, article);
    }
    for last in [
        "Ana Ruiz on Monday visited the bridge for the last time.",
        "Ana Ruiz este lunes presentó su renuncia.",
        "Ana Ruiz lives two streets from the bridge and crosses it every day.",
        "Ana Ruiz was detained while covering the march.",
        "A lifelong resident of the valley, Ana Ruiz was arrested on Friday.",
        "A former nurse, Ana Ruiz said the ward had never been this full.",
    ] {
        let out = clean(last);
        assert_article_kept(&out, &[last]);
    }
}

/// An image has one caption: an italic line of the article above a picture
/// whose caption, with its credit, stands under it is the article's, and the
/// line under it is the caption; without that line under the picture, the
/// italic line beside it is taken for its caption.
#[test]
fn an_italic_line_above_a_picture_captioned_under_it_is_the_article_s() {
    let article = &BRIDGE_STORY[..];
    let italic = "The photographs of the strike, all 20 of them, now hang in the town hall.";
    let caption = "Moradores retiram lama de casas após a enchente — Foto: Ana Ruiz/g1";
    let body = |under: &str| {
        format!(
            "<p>{}</p><p>{}</p><p><em>{italic}</em></p><p><img src=\"https://cdn.example/a.jpg\" alt=\"\"></p>{under}<p>{}</p>",
            article[0], article[1], article[2]
        )
    };
    let out = clean_by(&body(&format!("<p>{caption}</p>")), &[]);
    assert_article_kept(&out, article);
    assert_article_kept(&out, &[italic]);
    assert_removed_for(&out, "Moradores retiram lama", "image caption");
    let out = clean_by(&body(""), &[]);
    assert_article_kept(&out, article);
    assert_removed_for(&out, italic, "image caption");
}

/// A rule (`<hr>`) over an entry's last few short blocks sets them apart as
/// its foot: when one of them names the byline's writer, they are the
/// writer's box, in any wording; without the rule, or when the foot names
/// no writer of the entry, or holds more than a box's blocks, they stay.
#[test]
fn short_blocks_under_a_rule_that_name_the_writer_are_the_writer_s_box() {
    let article = &BRIDGE_STORY[..];
    let authors = ["Ana Ruiz".to_string()];
    let body: String = article.iter().map(|a| format!("<p>{a}</p>\n")).collect();
    let clean = |foot: &[&str], authors: &[String]| {
        let foot: String = foot.iter().map(|f| format!("<p>{f}</p>")).collect();
        clean_by(&format!("{body}<hr>\n{foot}"), authors)
    };
    let bio = "Ana Ruiz keeps bees on a roof in Leith and answers every letter about them.";
    let more = "Her third book comes out in the spring.";
    for foot in [&[bio][..], &[bio, more], &["Über Ana Ruiz", bio, more]] {
        let out = clean(foot, &authors);
        for f in foot {
            assert_removed_for(&out, f, "author bio");
        }
        assert_article_kept(&out, article);
    }
    // No rule: a plain last paragraph in no words a rule knows stays.
    let out = clean_ending(article, bio, &authors);
    assert_article_kept(&out, &[bio]);
    // Another writer's entry, or no byline: nothing names its writer.
    for authors in [&["Tom Berg".to_string()][..], &[]] {
        let out = clean(&[bio, more], authors);
        assert_article_kept(&out, &[bio, more]);
    }
    // More than a box: a section of the article after a rule.
    let out = clean(&[bio, more, more, more], &authors);
    assert_article_kept(&out, &[bio]);
}

/// A byline's entry whose last plain paragraph is a bio that never names
/// its writer, a pronoun and a journalist's trade ("I'm a reporter based in
/// …", "Sie ist Redakteurin …"), loses it; without a byline (but in the
/// first person), or when the pronoun's trade is no journalist's, or what
/// follows is news, it stays.
#[test]
fn a_last_paragraph_on_the_writer_s_trade_without_their_name_goes_under_a_byline() {
    let article = &BRIDGE_STORY[..2];
    let authors = ["Ana Ruiz".to_string()];
    let clean = |last: &str, authors: &[String]| clean_ending(article, last, authors);
    for bio in [
        "She is a reporter at the Herald covering city hall.",
        "I’m a reporter based in Denver, and I cover water and land use.",
        "He has been a staff writer since 2015 and writes about housing.",
        "Sie ist Redakteurin im Ressort Politik.",
        "Es periodista y cubre la información municipal desde 2016.",
        "È giornalista e scrive di ambiente.",
    ] {
        let out = clean(bio, &authors);
        let head: String = bio.chars().take(12).collect();
        assert_removed_for(&out, &head, "author bio");
        assert_article_kept(&out, article);
        // Without a byline no one's bio is known to end the entry, but a
        // newsletter's writer speaks in the first person.
        let out = clean(bio, &[]);
        let first_person = bio.starts_with("I’m");
        assert_eq!(
            !out.text.contains(bio),
            first_person,
            "{bio:?} without a byline"
        );
    }
    for last in [
        "She is expected to appear in court on Monday.",
        "She is a professor of engineering and studied the piers for the council.",
        "He is a reporter at the Herald and was arrested on Friday, his editor said.",
        "She has been a member of the council since 2015 and chairs its budget committee.",
        "Es la tercera vez que el tribunal aplaza el juicio.",
    ] {
        let out = clean(last, &authors);
        assert_article_kept(&out, &[last]);
    }
}

/// An entry whose last line points somewhere (a letters address, a signup
/// link) ends its article on the line above: an op-ed's unnamed tagline
/// there goes, and so does a newsletter writer's first-person bio, byline
/// or not, the line under it as the box's foot; an article's closing line
/// above it that is no bio stays, and so does the line.
#[test]
fn a_bio_above_the_entry_s_last_address_line_goes() {
    let article = &BRIDGE_STORY[..2];
    let address = "Qu’en pensez-vous ? Écrivez-nous à opinion@journal.example.";
    let signup = "If someone forwarded you this email, you can <a href=\"https://newsletter.example/subscribe\">sign up here</a>.";
    for (bio, below) in [
        (
            "L’auteure est professeure de sociologie à l’Université de Lyon.",
            address,
        ),
        (
            "I’m a reporter based in Denver, and I cover water and land use.",
            signup,
        ),
    ] {
        let out = clean_ending(article, &format!("{bio}</p>\n<p>{below}"), &[]);
        let head: String = bio.chars().take(12).collect();
        assert_removed_for(&out, &head, "author bio");
        assert_article_kept(&out, article);
        // The box runs to the entry's end, its foot with it.
        assert!(!out.text.contains("you can"), "{}", out.text);
        assert!(!out.text.contains("Écrivez-nous"), "{}", out.text);
    }
    let authors = ["Ana Ruiz".to_string()];
    for closing in [
        "She is expected to appear in court on Monday.",
        "I’m a nurse at the county hospital, and I have never seen the ward this full.",
    ] {
        let out = clean_ending(article, &format!("{closing}</p>\n<p>{address}"), &authors);
        assert_article_kept(&out, &[closing]);
        assert!(out.text.contains("Écrivez-nous"), "{}", out.text);
    }
}

/// A bio in the article's own type at the entry's foot, in the languages
/// feeds are written in: a name and the writer's trade after the verb "to
/// be" (Finnish "on", Romanian "este", a dash in Ukrainian and Russian) or
/// at once (Hungarian, Turkish), or an op-ed's unnamed tagline as the
/// entry's last line. What happens to an author, and a last paragraph that
/// names a journalist in a sentence, stay.
#[test]
fn a_plain_bio_at_the_foot_goes_in_other_languages_and_taglines_unmarked() {
    let article = &BRIDGE_STORY[..2];
    let body: String = article.iter().map(|a| format!("<p>{a}</p>\n")).collect();
    let authors = ["Ana Ruiz".to_string()];
    for bio in [
        "Ana Ruiz on toimittaja, joka kirjoittaa liikenteestä.",
        "Ana Ruiz este jurnalistă la secția politică.",
        "Ana Ruiz újságíró, a belpolitikai rovat munkatársa.",
        "Ana Ruiz — журналістка, пише про транспорт.",
        "Ana Ruiz gazeteci ve ulaşım haberlerini takip ediyor.",
        "The author is a professor of urban planning at the University of Lisbon.",
        "El autor es profesor de urbanismo en la Universidad de Sevilla.",
        "Penulis adalah dosen perencanaan kota di Universitas Indonesia.",
        "Ο συγγραφέας είναι καθηγητής πολεοδομίας στο ΕΜΠ.",
    ] {
        let html = format!("{body}<p>{bio}</p>");
        let head: String = bio.chars().take(16).collect();
        for entry in [
            EntryInput::new(&html),
            EntryInput {
                html: &html,
                authors: &authors,
            },
        ] {
            let out = cleaner().clean_entry(entry, None, None);
            assert_removed_for(&out, &head, "author bio");
            assert_article_kept(&out, article);
        }
    }
    for last in [
        "The author is expected at the festival on Saturday.",
        "The writer is currently working on a sequel.",
        "L'auteur est attendu au Salon du livre de Paris.",
        "Der Autor ist am Montag gestorben.",
        "Tom Berg — the journalist who broke the story — was fired in May.",
        "Mehmet Öztürk gazeteci olarak 1990'da başladı.",
        "Ana Ruiz este lunes presentó su renuncia.",
    ] {
        let out = cleaner().clean(&format!("{body}<p>{last}</p>"), None, None);
        assert_article_kept(&out, &[last]);
    }
}

/// Item 6's bios by how any language's newsroom signs them: an entry that
/// ends with a way to reach its writer (an address or a handle set after
/// the text, no stop after it) ends with their sign-off. An address that
/// ends a sentence, and what stands above it, stay.
#[test]
fn a_sign_off_with_an_address_ends_a_bio_in_any_language() {
    let article = &BRIDGE_STORY;
    for last in [
        "Ms Odhiambo is an advocate of the High Court and has practised constitutional law for 20 years. aodhiambo@strathmore.example",
        "Mr Ouma is a senior lecturer in economics who has advised 8 county governments. @bouma_ke",
        "청주/이서연 기자 sylee@hani.example",
    ] {
        let out = clean_ending(article, last, &[]);
        let head: String = last.chars().take(12).collect();
        assert_removed_for(&out, &head, "author bio");
        assert_article_kept(&out, article);
    }
    for (closing, last) in [
        (
            "Kofi Haddad is a former editor of Civic Wire and now runs a bakery on Main Street, where the meeting was held.",
            "Questions about the bridge? Write to the desk at bridges@council.example.",
        ),
        (
            "The council will publish the engineers' report on its website next week.",
            "Residents can send their questions to the bridge office at bridges@council.example.",
        ),
    ] {
        let out = clean_ending(article, &format!("{closing}</p>\n<p>{last}"), &[]);
        assert_article_kept(&out, &[closing, last]);
        assert_article_kept(&out, article);
    }
}

/// Item 6's notes and op-ed taglines in languages written without spaces
/// or in scripts the rules had no word for (`examples/probe/notes-4.txt`,
/// `bios-5.txt`): a note goes at the article's top and foot, even one long
/// enough to count as a paragraph of its own; a tagline goes as the
/// entry's last line. The same words in the article's own sentences stay.
#[test]
fn notes_and_taglines_in_other_scripts_go_and_article_sentences_stay() {
    let article = &BRIDGE_STORY;
    for note in [
        "※記事初出時、開催日を5月12日と記載しておりましたが、正しくは5月13日です。お詫びして訂正いたします。",
        "[정정] 본지는 지난 5일자 기사에서 회의 날짜를 잘못 보도했기에 바로잡습니다.",
        "(यह खबर 14:20 बजे अपडेट की गई है।)",
        "تم تحديث هذا الخبر الساعة 15:30 بإضافة بيان الشرطة.",
        "Habari hii imesasishwa saa 8 mchana kuongeza kauli ya polisi.",
    ] {
        let head: String = note.chars().take(6).collect();
        let top: String = std::iter::once(note)
            .chain(article.iter().copied())
            .map(|p| format!("<p>{p}</p>\n"))
            .collect();
        for out in [
            cleaner().clean(&top, None, None),
            clean_ending(article, note, &[]),
        ] {
            assert_removed_for(&out, &head, "update note");
            assert_article_kept(&out, article);
        }
    }
    for tagline in [
        "(लेखक वरिष्ठ पत्रकार हैं।)",
        "（筆者はジャーナリスト）",
        "作者为北京大学国际关系学院教授。",
        "Mwandishi ni mhadhiri wa uchumi katika Chuo Kikuu cha Dar es Salaam.",
    ] {
        let out = clean_ending(article, tagline, &[]);
        let head: String = tagline.chars().take(4).collect();
        assert_removed_for(&out, &head, "author bio");
        assert_article_kept(&out, article);
    }
    for line in [
        "同社は来月、料金体系を更新する予定だ。",
        "교육청은 잘못된 통계를 바로잡겠다고 밝혔다.",
        "सरकार ने कहा कि वह अगले महीने नियमों में संशोधन करेगी।",
        "लेखक को अगले महीने पुरस्कार दिया जाएगा।",
        "筆者が取材した住民の多くは、移転に反対している。",
        "Serikali imesema itafanya marekebisho ya sheria mwakani.",
    ] {
        let out = clean_ending(article, line, &[]);
        assert_article_kept(&out, &[line]);
    }
}

/// A note on the story right above the writer's box stands at the
/// article's foot once the box is gone, and goes as a note there does,
/// though the box is long enough to count as the article's last paragraph
/// while the edges are first looked at.
#[test]
fn a_note_above_the_writer_s_box_goes_with_the_box_gone() {
    let article = &BRIDGE_STORY;
    let authors = ["Ana Ruiz".to_string()];
    for note in [
        "※記事初出時、開催日を5月12日と記載しておりましたが、正しくは5月13日です。お詫びして訂正いたします。",
        "Dieser Artikel wird laufend aktualisiert.",
    ] {
        let ending = format!(
            "{note}</p>\n<p>Ana Ruiz is a reporter at the Herald who has covered the county's bridges, roads and transit budgets since 2015, after six years at the Valley Courier."
        );
        let out = clean_ending(article, &ending, &authors);
        let head: String = note.chars().take(8).collect();
        assert_removed_for(&out, &head, "update note");
        assert_removed_for(&out, "Ana Ruiz is a reporter", "author bio");
        assert_article_kept(&out, article);
    }
}
