//! Issue 17, items 5 and 6, through the real pipeline: feeds served over
//! HTTP on 127.0.0.1, `run_once` into a real SQLite file, and the real
//! binary's `preview`.
//!
//! Item 5: an automated feed whose entries repeat a sentence with other
//! numbers keeps it in every entry, however many fetches the template has
//! seen, while its verbatim footer is learned and removed. Item 6: image
//! captions, photo credits, author bios, update notes and inline "MORE:"
//! links are removed (their labels in another language too), and article
//! sentences that mention a photo, a writer or an update stay; `preview`
//! says why a caption, a bio or a credit went.

mod support;
#[path = "support/writers.rs"]
mod writers;

use std::process::Command;
use std::time::Duration;

use support::{Env, Route, Server, rss, sql};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

const FOOTER: &str = "This report was produced by the Valley Courier data desk from public records. Questions? Write to data@valleycourier.example.";

/// Quake entry `i`: a first sentence with its own facts, and the sentence
/// the feed repeats in every entry with other numbers. Its count takes few
/// values, so the same text also recurs verbatim in several entries.
fn quake(i: usize) -> (String, String, String) {
    let lead = format!(
        "A magnitude {}.{} earthquake struck {} miles north of Ridgecrest at {}:{:02} a.m. on day {i}, the U.S. Geological Survey said.",
        2 + i % 3,
        (i * 7) % 10,
        3 + i % 9,
        1 + i % 11,
        (i * 13) % 60
    );
    let fact = format!(
        "In the last 10 days, there have been {} earthquakes of magnitude 3.0 or greater within 100 miles of Ridgecrest.",
        1 + (i * 5) % 2
    );
    let html = format!("<p>{lead}</p>\n<p>{fact}</p>\n<p>{FOOTER}</p>");
    (lead, fact, html)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_automated_feed_keeps_its_fact_sentence_and_loses_its_verbatim_footer() {
    let server = Server::start().await;
    let url = server.url("/quakes.xml");
    let env = Env::new(std::slice::from_ref(&url), &[]);
    // Ten fetches; each serves the five newest entries, three of them new.
    let total = 5 + 9 * 3;
    let mut served: usize = 5;
    for fetch in 0..10 {
        let items: Vec<(String, String, String)> = (served.saturating_sub(5)..served)
            .map(|i| (format!("q{i}"), format!("Quake {i}"), quake(i).2))
            .collect();
        server.route("/quakes.xml", Route::rss(rss("Quakes", &items)));
        env.run(Duration::from_secs(20)).await;
        if fetch < 9 {
            served += 3;
        }
    }
    assert_eq!(served, total);
    let db = env.db();
    let entries = db.entries(&url);
    assert_eq!(entries.len(), total);
    for e in &entries {
        let i: usize = e.guid.trim_start_matches('q').parse().unwrap();
        let (lead, fact, _) = quake(i);
        let text = e.content_text.as_deref().unwrap_or("");
        assert!(text.contains(&lead), "entry {i}: {text}");
        assert!(
            text.contains(&fact),
            "entry {i} lost its fact sentence: {text}"
        );
        // The first fetch's five entries are learned together (one batch).
        assert!(
            !text.contains("data desk"),
            "entry {i} kept the footer: {text}"
        );
    }
    // The footer is stored as template by its exact text; the fact
    // sentence's rows carry their shape, all the same.
    let (footer_count,): (i64,) = db.row(
        "SELECT seen_count FROM clean_template_blocks
         WHERE sample LIKE 'This report was produced%' AND writer IS NULL",
        [],
    );
    assert_eq!(footer_count, total as i64);
    let (variants, shapes): (i64, i64) = db.row(
        "SELECT COUNT(*), COUNT(DISTINCT shape_hash) FROM clean_template_blocks
         WHERE sample LIKE 'In the last 10 days%' AND writer IS NULL",
        [],
    );
    assert_eq!((variants, shapes), (2, 1));
}

/// Four paragraphs of article text, two of which mention a photo, a writer
/// and an update, and must stay wherever they stand.
const ARTICLE: [&str; 5] = [
    "The county's emergency office said on Wednesday that the flood barriers along the river held through the night, although two low-lying streets were closed as a precaution.",
    "The photo, taken by a tourist from the footbridge, shows the water within a few inches of the top of the barrier shortly before midnight.",
    "Maria Okafor joined the company in 2014 and has run its pumping stations since the last major flood, which damaged three of them beyond repair.",
    "The agency updated its guidance on Thursday morning, telling residents of the two closed streets that they could return to their homes by noon.",
    "Officials said a full review of the barrier's performance would be published before the end of the month.",
];

fn kinds_entry() -> String {
    let p = |t: &str| format!("<p>{t}</p>\n");
    let mut html = String::new();
    html.push_str(&p(
        "<em>Update, March 3: The road along the river has reopened.</em>",
    ));
    html.push_str(&p(ARTICLE[0]));
    html.push_str("<figure><img src=\"https://cdn.example/flood.jpg\" alt=\"\"><figcaption>Volunteers stack sandbags along the river wall on Tuesday.</figcaption></figure>\n");
    html.push_str(&p(ARTICLE[1]));
    html.push_str(&p(
        "READ MORE: <a href=\"https://news.example/1\">How the barrier was built in six weeks</a>",
    ));
    html.push_str(&p(ARTICLE[2]));
    html.push_str("<p><img src=\"https://cdn.example/pump.jpg\" alt=\"\"></p>\n");
    html.push_str(&p("(Photo by Tom Berg via Getty Images)"));
    html.push_str(&p(ARTICLE[3]));
    html.push_str("<div class=\"wp-caption\"><img src=\"https://cdn.example/street.jpg\" alt=\"\"><p class=\"wp-caption-text\">A closed street near the pumping station</p></div>\n");
    html.push_str(&p("RELATED: <a href=\"https://news.example/2\">Flood insurance claims rise across the county</a>"));
    html.push_str(&p(ARTICLE[4]));
    html.push_str(&p(
        "Correction: An earlier version of this story misstated the height of the barrier.",
    ));
    html.push_str(&p(
        "Lee Park joined the Valley Courier in 2014 and reports on climate and infrastructure.",
    ));
    html.push_str(&p("Follow her on Twitter @leepark."));
    html
}

/// What of each kind the entry holds, and the reason `preview` must give.
const KINDS: [(&str, &str); 9] = [
    ("The road along the river has reopened", "update note"),
    ("Volunteers stack sandbags", "image caption"),
    ("How the barrier was built", "read-more link"),
    ("Tom Berg via Getty", "photo credit"),
    ("A closed street near the pumping station", "image caption"),
    ("Flood insurance claims rise", "inline related link"),
    ("misstated the height", "update note"),
    ("Lee Park joined the Valley Courier", "author bio"),
    ("Follow her on Twitter", "share/follow call"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn captions_credits_bios_notes_and_inline_links_go_and_the_article_stays() {
    let server = Server::start().await;
    let url = server.url("/flood.xml");
    server.route(
        "/flood.xml",
        Route::rss(rss("Flood", &[("f1", "Barriers hold", kinds_entry())])),
    );
    let env = Env::new(std::slice::from_ref(&url), &[]);
    env.run(Duration::from_secs(20)).await;
    let db = env.db();
    let entries = db.entries(&url);
    let text = entries[0].content_text.as_deref().unwrap_or("");
    for a in ARTICLE {
        assert!(text.contains(a), "article sentence lost: {a}\n{text}");
    }
    for (probe, _) in KINDS {
        assert!(!text.contains(probe), "{probe:?} kept:\n{text}");
    }
    // The images themselves stay.
    let (html,): (String,) = db.row("SELECT content_html FROM entries WHERE guid = 'f1'", []);
    for img in ["flood.jpg", "pump.jpg", "street.jpg"] {
        assert!(html.contains(img), "{img} lost: {html}");
    }

    // `preview` names the reason for each.
    let removed = preview_removed(&env, &url).await;
    for (probe, reason) in KINDS {
        assert_removed_as(&removed, probe, reason);
    }
    // The class a caption was known by is in its reason.
    assert!(
        removed
            .iter()
            .any(|r| r["reason"] == "image caption (class \"wp-caption-text\")"),
        "{removed:#?}"
    );
}

/// A German entry's credit, related link, update note and WordPress
/// footer, in their own words, go as the English ones do; its article
/// sentences, one of them about a photo, stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kinds_in_another_language_go_and_the_article_stays() {
    let server = Server::start().await;
    let url = server.url("/hochwasser.xml");
    let article = [
        "Die Sandsäcke entlang der Uferpromenade haben das Wasser in der Nacht zum Dienstag zurückgehalten, teilte die Stadt mit.",
        "Das Foto eines Anwohners zeigt, wie hoch das Wasser an der Mauer stand.",
        "Die Pumpstation am Nordufer soll bis Ende des Monats wieder arbeiten.",
    ];
    let kinds = [
        ("<p>Foto: Jana Schmidt</p>", "Jana Schmidt", "photo credit"),
        (
            "<p>Lesen Sie auch: <a href=\"https://news.example/3\">So wurde die Mauer gebaut</a></p>",
            "So wurde die Mauer gebaut",
            "inline related link",
        ),
        (
            "<p>Aktualisiert am 3. März: Die Uferstraße ist wieder offen.</p>",
            "Die Uferstraße ist wieder offen",
            "update note",
        ),
        (
            "<p>Der Beitrag Sandsäcke halten erschien zuerst auf Neustadt Kurier.</p>",
            "erschien zuerst auf",
            "syndication footer",
        ),
    ];
    let html = format!(
        "<p>{}</p>\n<p><img src=\"https://cdn.example/mauer.jpg\" alt=\"\"></p>\n{}\n<p>{}</p>\n{}\n<p>{}</p>\n{}\n{}",
        article[0], kinds[0].0, article[1], kinds[1].0, article[2], kinds[2].0, kinds[3].0
    );
    server.route(
        "/hochwasser.xml",
        Route::rss(rss("Hochwasser", &[("d1", "Sandsäcke halten", html)])),
    );
    let env = Env::new(std::slice::from_ref(&url), &[]);
    env.run(Duration::from_secs(20)).await;
    let entries = env.db().entries(&url);
    let text = entries[0].content_text.as_deref().unwrap_or("");
    for a in article {
        assert!(text.contains(a), "article sentence lost: {a}\n{text}");
    }
    for (_, probe, _) in kinds {
        assert!(!text.contains(probe), "{probe:?} kept:\n{text}");
    }

    let removed = preview_removed(&env, &url).await;
    for (_, probe, reason) in kinds {
        assert_removed_as(&removed, probe, reason);
    }
}

/// What the real binary's `preview --json` says it removed from the feed's
/// first entry.
async fn preview_removed(env: &Env, url: &str) -> Vec<serde_json::Value> {
    preview_entries(env, url).await[0]["removed"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// What `feedsieve preview --json` shows of each entry of the feed at `url`.
async fn preview_entries(env: &Env, url: &str) -> Vec<serde_json::Value> {
    let mut command = Command::new(BIN);
    command
        .arg("--config")
        .arg(env.config_path())
        .args(["preview", "--json", url])
        .env_remove("RUST_LOG");
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let preview: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    preview["entries"].as_array().cloned().unwrap_or_default()
}

/// The stored text of the entry `guid`.
fn entry_text(env: &Env, guid: &str) -> String {
    let (text,): (String,) = env
        .db()
        .row("SELECT content_text FROM entries WHERE guid = ?", [guid]);
    text
}

/// `feedsieve reclean` finds what the daemon stored: it changes no entry.
async fn assert_reclean_changes_nothing(env: &Env) {
    let out = support::run_binary(
        BIN,
        vec![
            "--config".into(),
            env.config_path().display().to_string(),
            "reclean".into(),
        ],
    )
    .await;
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 changed"),
        "{out:?}"
    );
}

/// Some removed block holds `probe` and gives a reason starting `reason`.
fn assert_removed_as(removed: &[serde_json::Value], probe: &str, reason: &str) {
    assert!(
        removed.iter().any(|r| {
            r["text"].as_str().is_some_and(|t| t.contains(probe))
                && r["reason"].as_str().is_some_and(|x| x.starts_with(reason))
        }),
        "{probe:?} not removed as {reason:?}: {removed:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bio_like_sentences_inside_the_article_stay() {
    // The same words as a bio, but inside the article: its last paragraph
    // is ordinary text, so nothing at the end is a bio box.
    let server = Server::start().await;
    let url = server.url("/inside.xml");
    let body = [
        "Lee Park is a reporter for the Valley Courier and was the first to see the leaked memo, she told the committee on Tuesday.",
        "The photo of the memo, which the committee later published, shows eleven pages naming four officials.",
        ARTICLE[4],
    ];
    let html: String = body.iter().map(|t| format!("<p>{t}</p>\n")).collect();
    server.route(
        "/inside.xml",
        Route::rss(rss("Inside", &[("i1", "Memo", html)])),
    );
    let env = Env::new(std::slice::from_ref(&url), &[]);
    env.run(Duration::from_secs(20)).await;
    let entries = env.db().entries(&url);
    let text = entries[0].content_text.as_deref().unwrap_or("");
    for b in body {
        assert!(text.contains(b), "{b:?} lost:\n{text}");
    }
}

/// Quake entry `i` of the migration test: a lead whose numbers change in
/// every entry, a count sentence with two values, and a verbatim footer.
fn old_quake(i: usize) -> String {
    quake(i).2
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration_0012_converts_a_template_learned_by_shape() {
    use feedsieve::clean::{Cleaner, FeedTemplate};
    use std::collections::BTreeMap;

    let server = Server::start().await;
    let url = server.url("/old.xml");
    let env = Env::new(std::slice::from_ref(&url), &[]);

    // What the cleaner before 0012 learned from the feed's first 8 entries:
    // one row per block *shape* (digits masked), counted over every entry
    // of that shape. The current cleaner's shape hash is that old key.
    let learned = 8;
    let htmls: Vec<String> = (0..learned).map(old_quake).collect();
    let refs: Vec<&str> = htmls.iter().map(String::as_str).collect();
    let cleaner = Cleaner::new(&Default::default()).unwrap();
    let mut now = FeedTemplate::default();
    cleaner.clean_batch(&refs, None, &mut now);
    // shape -> (count, first, last, sample of the first text of the shape)
    let mut old: BTreeMap<u64, (u32, u64, u64, String)> = BTreeMap::new();
    // (The cleaner before 0012 counted no writer's boxes.)
    let mut by_first: Vec<_> = now.blocks.values().filter(|s| s.writer.is_none()).collect();
    by_first.sort_by_key(|s| s.first_seen);
    for s in by_first {
        let row = old
            .entry(s.shape)
            .or_insert((0, u64::MAX, 0, s.sample.clone()));
        row.0 += s.count;
        row.1 = row.1.min(s.first_seen);
        row.2 = row.2.max(s.last_seen);
    }
    // Every lead has one shape: the old key counted it in all 8 entries,
    // which is the bug 0012 fixes.
    let lead_shape = old
        .iter()
        .find(|(_, r)| r.3.starts_with("A magnitude"))
        .map(|(h, r)| (*h, r.0))
        .unwrap();
    assert_eq!(lead_shape.1, learned as u32);

    // A database at migration 0011 holding those rows.
    let db_path = env.db_path();
    sql::migrated_up_to(&db_path, 11);
    let conn = sql::connect(&db_path);
    let columns: Vec<(String,)> = sql::rows(
        &conn,
        "SELECT name FROM pragma_table_info('clean_template_blocks')",
        [],
    );
    assert!(
        !columns.iter().any(|(c,)| c == "shape_hash"),
        "not the old shape: {columns:?}"
    );
    sql::exec(
        &conn,
        "INSERT INTO feeds (id, url, added_at) VALUES (7, ?, '2026-01-01T00:00:00Z')",
        [&url],
    );
    sql::exec(
        &conn,
        "INSERT INTO clean_templates (feed_id, entries_seen) VALUES (7, ?)",
        [learned as i64],
    );
    for (hash, (count, first, last, sample)) in &old {
        sql::exec(
            &conn,
            "INSERT INTO clean_template_blocks
               (feed_id, block_hash, seen_count, first_seen, last_seen, sample)
             VALUES (7, ?, ?, ?, ?, ?)",
            (
                *hash as i64,
                i64::from(*count),
                *first as i64,
                *last as i64,
                sample,
            ),
        );
    }
    drop(conn);

    // The current code opens it (applying 0012 onwards) and fetches three
    // new entries.
    let items: Vec<(String, String, String)> = (learned..learned + 3)
        .map(|i| (format!("q{i}"), format!("Quake {i}"), old_quake(i)))
        .collect();
    server.route("/old.xml", Route::rss(rss("Quakes", &items)));
    env.run(Duration::from_secs(20)).await;
    let db = env.db();

    // The footer's row (no digits: its old key is its exact text's) is
    // kept and counted on; the rows of texts with digits are gone.
    let rows: Vec<(i64, Option<i64>, i64, String)> = db.rows(
        "SELECT block_hash, shape_hash, seen_count, sample FROM clean_template_blocks
         WHERE feed_id = 7 AND writer IS NULL",
        [],
    );
    let footer = rows
        .iter()
        .find(|r| r.3.starts_with("This report was produced"))
        .expect("the footer's row was dropped");
    assert_eq!(footer.1, None);
    assert_eq!(footer.2, learned as i64 + 3);
    for (hash, (_, _, _, sample)) in &old {
        if sample.contains(|c: char| c.is_ascii_digit()) {
            assert!(
                !rows.iter().any(|r| r.0 == *hash as i64),
                "old shape row kept: {sample}"
            );
        }
    }
    let (seen,): (i64,) = db.row(
        "SELECT entries_seen FROM clean_templates WHERE feed_id = 7",
        [],
    );
    assert_eq!(seen, learned as i64 + 3);

    // Cleaning goes on from the converted template: the footer, learned
    // before the migration, goes from the first new entry; the lead and the
    // count sentence, which the old shape key would have removed, stay.
    let entries = db.entries(&url);
    assert_eq!(entries.len(), 3);
    for e in &entries {
        let i: usize = e.guid.trim_start_matches('q').parse().unwrap();
        let (lead, fact, _) = quake(i);
        let text = e.content_text.as_deref().unwrap_or("");
        assert!(text.contains(&lead), "entry {i}: {text}");
        assert!(text.contains(&fact), "entry {i}: {text}");
        assert!(
            !text.contains("data desk"),
            "entry {i} kept the footer: {text}"
        );
    }
}

/// The feed's byline tells its writer's bio in a wording no rule knows:
/// through `run_once` (the writer read from `<dc:creator>` and RSS 2.0's
/// `<author>`), `preview`, and `reclean`, which reads the writers back from
/// `entries.authors` and so keeps the daemon's result. Another entry whose
/// last paragraph names its writer later stays whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feeds_byline_tells_its_writers_bio_through_the_daemon_preview_and_reclean() {
    let server = Server::start().await;
    let url = server.url("/byline.xml");
    let body: String = ARTICLE[..3]
        .iter()
        .map(|t| format!("<p>{t}</p>\n"))
        .collect();
    let bio =
        "<em>A. RUIZ schrijft sinds 2019 over water en woont in Utrecht met twee katten.</em>";
    let interview = "In an interview with Tom Berg on Monday, the mayor said the barrier would be raised by a metre before next winter.";
    let item = |guid: &str, byline: &str, last: &str| {
        format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><title>{guid}</title><link>https://example.org/{guid}</link>{byline}<description><![CDATA[{body}<p>{last}</p>]]></description></item>\n"
        )
    };
    let feed = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>Byline</title><link>https://example.org/</link>\n{}{}</channel></rss>",
        item("b1", "<dc:creator>Ana Ruiz</dc:creator>", bio),
        item(
            "b2",
            "<author>tberg@courier.example (Tom Berg)</author>",
            interview
        ),
    );
    server.route("/byline.xml", Route::rss(feed));
    let env = Env::new(std::slice::from_ref(&url), &[]);
    env.run(Duration::from_secs(20)).await;
    let texts = |env: &Env| -> Vec<String> {
        let mut entries = env.db().entries(&url);
        entries.sort_by(|a, b| a.guid.cmp(&b.guid));
        entries
            .into_iter()
            .map(|e| e.content_text.unwrap_or_default())
            .collect()
    };
    let stored = texts(&env);
    assert_eq!(stored.len(), 2);
    for text in &stored {
        for a in &ARTICLE[..3] {
            assert!(text.contains(a), "article sentence lost: {a}\n{text}");
        }
    }
    assert!(!stored[0].contains("schrijft"), "bio kept:\n{}", stored[0]);
    // Without the byline, "A. RUIZ" is no name the cleaner knows.
    let cleaner = feedsieve::clean::Cleaner::new(&Default::default()).unwrap();
    let alone = cleaner.clean(&format!("{body}<p>{bio}</p>"), None, None);
    assert!(alone.text.contains("schrijft"), "{}", alone.text);
    assert!(stored[1].contains(interview), "lost:\n{}", stored[1]);

    let removed = preview_removed(&env, &url).await;
    assert_removed_as(&removed, "A. RUIZ schrijft", "author bio");

    let config = env.config_path();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .arg("--config")
            .arg(config)
            .arg("reclean")
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        texts(&env),
        stored,
        "reclean changed what the daemon stored"
    );
}

/// Item 6's bios in a feed of several writers: a box no rule knows goes
/// once it has ended three of its writer's entries, new to the feed, from
/// those entries too (the first was stored a fetch before), and `preview`
/// says so, though another writer's box of the same wording gives another
/// year (numbers that change across the feed, not across hers); a box seen
/// twice stays; the shared closing paragraph of a
/// developing story's versions stays in every version; `reclean` agrees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_s_box_is_learned_from_their_entries() {
    let server = Server::start().await;
    let url = server.url("/opinion.xml");
    let env = Env::new(std::slice::from_ref(&url), &[]);
    let [first, second] = writers::fetches();
    server.route("/opinion.xml", Route::rss(first));
    env.run(Duration::from_secs(20)).await;
    server.route("/opinion.xml", Route::rss(second));
    env.run(Duration::from_secs(20)).await;

    let text_of = |guid: &str| entry_text(&env, guid);
    for i in 1..=5 {
        let text = text_of(&format!("w{i}"));
        for p in writers::own_paragraphs(i) {
            assert!(text.contains(&p), "w{i} lost {p:?}:\n{text}");
        }
    }
    // Ana's box ended three of her entries by the second fetch: gone from
    // the second and third, and from the first, cleaned at the first fetch
    // and cleaned again once the box was learned.
    for guid in ["w1", "w3", "w5"] {
        assert!(
            !text_of(guid).contains(writers::ANA_BOX),
            "{guid} kept Ana's box"
        );
    }
    // Tom's ended two: it stays.
    for guid in ["w2", "w4"] {
        assert!(
            text_of(guid).contains(writers::TOM_BOX),
            "{guid} lost Tom's box"
        );
    }
    // Three versions of one story share their last paragraph: they teach
    // nothing, and it stays.
    for v in 1..=3 {
        assert!(
            text_of(&format!("v{v}")).contains(writers::HEARING),
            "version {v}"
        );
    }
    let (writer, count): (String, i64) = env.db().row(
        "SELECT writer, seen_count FROM clean_template_blocks WHERE sample LIKE '%since 2014%' AND writer <> ''",
        [],
    );
    assert_eq!((writer.as_str(), count), ("ana ruiz", 3));

    // `preview` of the feed's first entry (Ana's latest) says why.
    let removed = preview_removed(&env, &url).await;
    assert_removed_as(
        &removed,
        "This letter has gone out",
        "author bio (ends 3 of this writer's entries in this feed)",
    );

    // `reclean` finds the same.
    assert_reclean_changes_nothing(&env).await;
    assert!(
        !text_of("w1").contains(writers::ANA_BOX),
        "reclean put Ana's box back"
    );
    assert!(text_of("w2").contains(writers::TOM_BOX));
    assert!(text_of("v1").contains(writers::HEARING));
}

/// Item 6's bios on a site that prints every writer's box in one place of
/// its own (a section after the article), in wordings no rule knows: once
/// three entries new to the feed, by any writers, ended there with a block
/// opening with their writer's name, a block there opening with its
/// entry's writer's name goes, from the entries stored before too;
/// `preview` says why and `reclean` agrees. The article's own last
/// paragraph opening with the writer's name stays (news about her), and
/// so does a block in the box's place that opens with someone else's name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_s_place_for_its_writers_boxes_is_learned() {
    let server = Server::start().await;
    let url = server.url("/site.xml");
    let env = Env::new(std::slice::from_ref(&url), &[]);
    let [first, second] = writers::site_fetches();
    server.route("/site.xml", Route::rss(first));
    env.run(Duration::from_secs(20)).await;
    let text_of = |guid: &str| entry_text(&env, guid);
    // Two entries teach nothing yet: no rule knows the wording.
    let s0 = text_of("s0");
    assert!(s0.contains(&writers::site_box(0)), "{s0}");
    server.route("/site.xml", Route::rss(second));
    env.run(Duration::from_secs(20)).await;

    for i in 0..writers::SITE_WRITERS.len() {
        let text = text_of(&format!("s{i}"));
        assert!(
            !text.contains(&writers::site_box(i)),
            "s{i} kept its box:\n{text}"
        );
        for p in writers::own_paragraphs(200 + i) {
            assert!(text.contains(&p), "s{i} lost {p:?}:\n{text}");
        }
    }
    assert!(text_of("t1").contains(writers::ABOUT_THE_WRITER));
    assert!(text_of("t2").contains(writers::NOT_THE_WRITER));
    let (count,): (i64,) = env.db().row(
        "SELECT seen_count FROM clean_template_blocks WHERE writer = ?",
        [feedsieve::clean::ANY_WRITER],
    );
    assert_eq!(count, 5);

    let removed: Vec<serde_json::Value> = preview_entries(&env, &url)
        .await
        .iter()
        .flat_map(|e| e["removed"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_removed_as(
        &removed,
        "the desk that follows the courts",
        "author bio (opens with its writer's name, in the place where 5 of this feed's entries end",
    );

    assert_reclean_changes_nothing(&env).await;
}

/// Item 6's bios under a heading the site prints over every writer's box:
/// once the feed's template learned "About the author" as boilerplate, the
/// heading still takes the box under it, worded anew for each writer, in
/// the entries fetched after (and when all are cleaned again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_box_heading_learned_as_template_still_heads_the_box() {
    let server = Server::start().await;
    let url = server.url("/headed.xml");
    let env = Env::new(std::slice::from_ref(&url), &[]);
    let [first, second] = writers::headed_fetches();
    server.route("/headed.xml", Route::rss(first));
    env.run(Duration::from_secs(20)).await;
    server.route("/headed.xml", Route::rss(second));
    env.run(Duration::from_secs(20)).await;
    let (count,): (i64,) = env.db().row(
        "SELECT seen_count FROM clean_template_blocks WHERE lower(sample) = lower(?) AND writer IS NULL",
        [writers::BOX_HEAD],
    );
    assert!(count >= 5, "the heading was not learned: {count}");

    let check = |when: &str| {
        for i in 0..10 {
            let text = entry_text(&env, &format!("h{i}"));
            assert!(
                !text.contains(&writers::site_box(i)) && !text.contains(writers::BOX_HEAD),
                "h{i} kept its box {when}:\n{text}"
            );
            for p in writers::own_paragraphs(400 + i) {
                assert!(text.contains(&p), "h{i} lost {p:?} {when}:\n{text}");
            }
        }
    };
    check("as stored");
    let removed = preview_removed(&env, &url).await;
    assert_removed_as(&removed, "the desk that follows", "author bio");
    assert_reclean_changes_nothing(&env).await;
    check("recleaned");
}
