//! Story lookup at 10^6 stored entries on PostgreSQL (issue 19): what
//! placing one new entry costs there, database round trips included, and
//! the lookups README documents for PostgreSQL, each against a primary-key
//! point SELECT measured in the same run.
//!
//! Fill: a throwaway PostgreSQL (tests/support/pg.rs) gets `BENCH_ENTRIES`
//! entries (default 1,000,000) from 2,000 feeds by binary COPY, in stories
//! of 1 to 10 copies (4 on average, ~250,000 stories), every 50th story id
//! merged away into the one before it (`story_merges`). Texts are 90-170
//! words (~0.5-1 KB) drawn from the word frequencies of the 181 real
//! article bodies in ../shared, plus a made-up name and a number per story
//! (the rare terms real news has); a copy is its story's text cut short by
//! a few words. Every row is what the insert path writes: the engine
//! computes `search_vector` (a generated column) during COPY, and
//! `simhash`, `entry_anchors` and `entry_shingles` are the real
//! `Analysis` of each text; `content_raw_delta` is the real packing. Only
//! the foreign-key checks are off during COPY (the rows are consistent by
//! construction), and the secondary indexes of `entries` are dropped
//! before and built again after from their own definitions. All entries
//! fall inside the de-duplication window (3 days): the worst case, the
//! window holding all 10^6.
//!
//! Then, in one run:
//! * the window load a restarted daemon pays (`Deduper::load` and its
//!   first read of the window): time, resident memory kept and peak;
//! * `BENCH_LOOKUPS` placements (default 2,000), half copies of a stored
//!   entry (checked to land in its story), half new stories, each the
//!   real path (`pipeline::prefetch` on a reader, then `write_fetch`, one
//!   transaction under the write lock), each followed by the baseline;
//!   the stored size of the COPYed rows' columns against the placed ones';
//! * 200 merges of two stored stories (`store::merge_stories`), a write
//!   transaction each;
//! * `BENCH_LOG_LOOKUPS` more placements (default 600) and 100 merges with
//!   the server logging every statement's duration
//!   (`log_min_duration_statement = 0`, on the throwaway server only): each
//!   statement's own server time (bind + execute), p50/p99;
//! * the README's lookups: an entry's story (`story_list`, the entries of
//!   a story), a story id resolved through `story_ids`, `feedsieve
//!   search` and README's `websearch_to_tsquery` query by how common the
//!   terms are, and `feedsieve stories` for the last day.
//!
//! Run: cargo bench --bench pg_lookup (BENCH_ENTRIES=50000 for a quick look;
//! BENCH_HOLD_SECS=600 keeps the database that long afterwards, to EXPLAIN).
//! It caches nothing: the database goes with the run.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use feedsieve::config::DedupConfig;
use feedsieve::dedup::fingerprint::Analysis;
use feedsieve::dedup::{Deduper, FINGERPRINT_VERSION, META_FINGERPRINT_VERSION};
use feedsieve::pipeline::{ReadyEntry, prefetch, write_fetch};
use feedsieve::store::codec::Packed;
use feedsieve::store::postgres::{connect, migrate, off_runtime};
use feedsieve::store::{Access, EntryExtras, EntryWrite, FetchRecord, Store};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;

// The TLS server is for the tests only.
#[allow(dead_code)]
#[path = "../tests/support/pg.rs"]
mod pg;
#[path = "support/timing.rs"]
mod timing;

use timing::{env, ms, percentile, summary};

/// How wide the name column of a summary line is.
const NAME_WIDTH: usize = 44;
#[path = "../tests/support/shared.rs"]
mod shared;

const FEEDS: usize = 2_000;
/// Copies per story, drawn uniformly: 4 on average.
const COPIES: [usize; 8] = [1, 1, 2, 3, 4, 5, 6, 10];
/// Every this many story ids, one was merged into the id before it.
const MERGED_EVERY: i64 = 50;
/// Entries generated and copied per chunk.
const CHUNK: usize = 10_000;
/// The window the fill spreads entries over: inside `[dedup] window` (3 days).
const SPAN_SECS: i64 = 3 * 86_400 - 3_600;

/// Words of real articles, drawn by their frequency there.
struct Words {
    words: Vec<String>,
    /// Cumulative counts, for drawing by frequency.
    cumulative: Vec<u64>,
}

impl Words {
    fn load() -> Words {
        let path =
            shared::shared_dir().join("bench-data/article-extraction-benchmark/ground-truth.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).expect("ground-truth.json is an object");
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for body in map.values().filter_map(|v| v.get("articleBody")?.as_str()) {
            for word in body.split_whitespace() {
                *counts.entry(word).or_default() += 1;
            }
        }
        let mut by_count: Vec<(&str, u64)> = counts.into_iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut total = 0;
        let cumulative = by_count
            .iter()
            .map(|(_, n)| {
                total += n;
                total
            })
            .collect();
        Words {
            words: by_count.iter().map(|(w, _)| w.to_string()).collect(),
            cumulative,
        }
    }

    fn draw(&self, rng: &mut fastrand::Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1);
        let at = rng.u64(0..total);
        let i = self.cumulative.partition_point(|&c| c <= at);
        &self.words[i.min(self.words.len() - 1)]
    }

    /// Plain lower-case words (as the index holds them), most common first.
    fn plain(&self) -> Vec<&str> {
        self.words
            .iter()
            .map(String::as_str)
            .filter(|w| w.len() > 2 && w.bytes().all(|b| b.is_ascii_lowercase()))
            .collect()
    }
}

/// A made-up name from syllables: a rare term of one story.
fn name(rng: &mut fastrand::Rng) -> String {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mer", "vin", "to", "ra", "sel", "dun", "bri", "op", "zel", "mar", "qui",
        "ten", "ash", "gor", "li", "ven", "pra", "hul", "es", "nor", "tik", "wa",
    ];
    let mut out = String::new();
    for _ in 0..3 {
        out.push_str(SYLLABLES[rng.usize(0..SYLLABLES.len())]);
    }
    let mut chars = out.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Story `story`'s title, text (paragraphs), and its rare name.
struct StoryText {
    title: String,
    words: Vec<String>,
    name: String,
}

fn story_text(words: &Words, story: u64) -> StoryText {
    let mut rng = fastrand::Rng::with_seed(story.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 19);
    let name = name(&mut rng);
    let length = rng.usize(90..=170);
    let mut text: Vec<String> = (0..length)
        .map(|_| words.draw(&mut rng).to_string())
        .collect();
    // The story's name and a number of its own, as news text has.
    for _ in 0..3 {
        let at = rng.usize(0..text.len());
        text[at] = name.clone();
    }
    let at = rng.usize(0..text.len());
    text[at] = rng.u32(10..1_000_000).to_string();
    let mut title: Vec<String> = (0..rng.usize(6..11))
        .map(|_| words.draw(&mut rng).to_string())
        .collect();
    title[0] = name.clone();
    StoryText {
        title: title.join(" "),
        words: text,
        name,
    }
}

/// Copy `copy`'s text of a story: the story's words, its last few cut.
fn copy_text(story: &StoryText, cut: usize) -> (String, String) {
    let keep = story.words.len().saturating_sub(cut).max(1);
    let paragraphs: Vec<String> = story.words[..keep]
        .chunks(45)
        .map(|chunk| chunk.join(" "))
        .collect();
    let text = paragraphs.join("\n\n");
    let html = paragraphs
        .iter()
        .map(|p| format!("<p>{p}</p>"))
        .collect::<Vec<_>>()
        .join("\n");
    (text, html)
}

/// One entry of the fill, with everything its rows hold.
struct Row {
    id: i64,
    feed: i64,
    story: i64,
    url: String,
    title: String,
    published_at: String,
    fetched_at: String,
    text: String,
    html: String,
    raw: Vec<u8>,
    raw_hash: i64,
    analysis: Analysis,
    /// The story's row, written with its canonical (first) copy: its last
    /// copy's fetch time.
    story_updated: Option<String>,
}

/// The plan of the fill: story index → its id and first entry id.
struct Plan {
    /// (story id, first entry id, copies) by story index.
    stories: Vec<(i64, i64, usize)>,
    entries: usize,
    start: chrono::DateTime<Utc>,
}

fn story_id_of(index: usize) -> i64 {
    // Ids 1, 2, ... skipping every MERGED_EVERY-th: merged away.
    let index = index as i64;
    index + 1 + index / (MERGED_EVERY - 1)
}

fn plan(entries: usize) -> Plan {
    let mut rng = fastrand::Rng::with_seed(7);
    let mut stories = Vec::new();
    let mut next_entry = 1i64;
    let mut total = 0;
    while total < entries {
        let copies = COPIES[rng.usize(0..COPIES.len())].min(entries - total);
        stories.push((story_id_of(stories.len()), next_entry, copies));
        next_entry += copies as i64;
        total += copies;
    }
    Plan {
        stories,
        entries,
        start: Utc::now() - chrono::Duration::seconds(SPAN_SECS + 600),
    }
}

fn time_text(t: chrono::DateTime<Utc>) -> String {
    feedsieve::store::timestamp(t)
}

/// The rows of story `index` (all its copies).
fn story_rows(words: &Words, plan: &Plan, index: usize) -> Vec<Row> {
    let (story, first, copies) = plan.stories[index];
    let text = story_text(words, index as u64);
    let seen = plan.start
        + chrono::Duration::milliseconds(
            (index as f64 / plan.stories.len() as f64 * SPAN_SECS as f64 * 1000.0) as i64,
        );
    (0..copies)
        .map(|copy| {
            let id = first + copy as i64;
            let feed = ((index * 7 + copy * 131) % FEEDS) as i64 + 1;
            let (body, html) = copy_text(&text, copy * 3);
            let raw = raw_of(&html);
            let analysis = Analysis::of(&body);
            let fetched = seen + chrono::Duration::seconds(copy as i64 * 97);
            let published = seen - chrono::Duration::seconds(600 - copy as i64 * 30);
            let last = seen + chrono::Duration::seconds((copies as i64 - 1) * 97);
            Row {
                story_updated: (copy == 0).then(|| time_text(last)),
                id,
                feed,
                story,
                url: format!("https://site{feed}.example/news/{index}-{copy}"),
                title: text.title.clone(),
                published_at: time_text(published),
                fetched_at: time_text(fetched),
                raw: Packed::against(&raw, &html).as_bytes().to_vec(),
                raw_hash: fastrand::Rng::with_seed(id as u64).i64(..),
                text: body,
                html,
                analysis,
            }
        })
        .collect()
}

/// The HTML a feed sent for an entry whose cleaned HTML is `html`.
fn raw_of(html: &str) -> String {
    format!("<div class=\"entry-content\">{html}</div>")
}

fn encode_anchors(anchors: &[u32]) -> Vec<u8> {
    anchors.iter().flat_map(|a| a.to_le_bytes()).collect()
}

/// Copies the plan into the database; returns how long it took.
fn fill(url: &str, words: &Words, plan: &Plan) {
    let started = Instant::now();
    let mut admin = connect(url).expect("connect");
    migrate::run(&mut admin).expect("migrate");
    let mut copy_feeds = admin
        .copy_in("COPY feeds (url, added_at, next_fetch_at, enabled) FROM STDIN")
        .expect("COPY feeds");
    for feed in 1..=FEEDS {
        use std::io::Write as _;
        writeln!(
            copy_feeds,
            "https://site{feed}.example/feed\t2026-11-01T00:00:00Z\t2099-01-01T00:00:00Z\tt"
        )
        .expect("COPY feed row");
    }
    copy_feeds.finish().expect("COPY feeds finish");
    // The secondary indexes of entries, built again after the rows are in.
    let indexes: Vec<(String, String)> = admin
        .query(
            "SELECT i.relname::text, pg_get_indexdef(i.oid)
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
             WHERE x.indrelid = 'entries'::regclass AND NOT x.indisprimary AND NOT x.indisunique",
            &[],
        )
        .expect("indexes")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for (name, _) in &indexes {
        admin
            .batch_execute(&format!("DROP INDEX {name}"))
            .expect("drop index");
    }
    let mut clients: Vec<postgres::Client> = (0..4)
        .map(|_| {
            let mut c = connect(url).expect("connect");
            // No foreign-key triggers: stories come after the entries naming them.
            c.batch_execute("SET session_replication_role = replica")
                .expect("replica role");
            c
        })
        .collect();
    let [c_entries, c_anchors, c_shingles, c_stories] = &mut clients[..] else {
        unreachable!("four clients")
    };
    let sink = c_entries
        .copy_in(
            "COPY entries (id, feed_id, guid, url, title, author, published_at, updated_at,
                           fetched_at, changed_at, content_raw_delta, content_html, content_text,
                           raw_hash, simhash, story_id, text_source, authors, categories)
             FROM STDIN BINARY",
        )
        .expect("COPY entries");
    let t = Type::TEXT;
    let mut entries = BinaryCopyInWriter::new(
        sink,
        &[
            Type::INT8,
            Type::INT8,
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            t.clone(),
            Type::BYTEA,
            t.clone(),
            t.clone(),
            Type::INT8,
            Type::INT8,
            Type::INT8,
            t.clone(),
            t.clone(),
            t.clone(),
        ],
    );
    let sink = c_anchors
        .copy_in("COPY entry_anchors (entry_id, anchors) FROM STDIN BINARY")
        .expect("COPY anchors");
    let mut anchors = BinaryCopyInWriter::new(sink, &[Type::INT8, Type::BYTEA]);
    let sink = c_shingles
        .copy_in("COPY entry_shingles (entry_id, words, chars, shingles, facts) FROM STDIN BINARY")
        .expect("COPY shingles");
    let mut shingles = BinaryCopyInWriter::new(
        sink,
        &[Type::INT8, Type::INT8, Type::INT8, Type::BYTEA, Type::BYTEA],
    );
    let sink = c_stories
        .copy_in(
            "COPY stories (id, canonical_entry_id, title, url, first_seen_at, updated_at)
             FROM STDIN BINARY",
        )
        .expect("COPY stories");
    let mut stories = BinaryCopyInWriter::new(
        sink,
        &[Type::INT8, Type::INT8, t.clone(), t.clone(), t.clone(), t],
    );
    let authors = Some(r#"["Staff Reporter"]"#.to_string());
    let categories = Some(r#"["News"]"#.to_string());
    let none: Option<String> = None;
    // Two threads make the rows (analysis and packing are most of the
    // client's work), chunk by chunk, while this one streams them.
    let story_chunks: Vec<std::ops::Range<usize>> = (0..plan.stories.len())
        .step_by(CHUNK / 4)
        .map(|s| s..(s + CHUNK / 4).min(plan.stories.len()))
        .collect();
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Row>>(4);
    let mut copied = 0usize;
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let chunks = &story_chunks;
        for _ in 0..2 {
            let send = send.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(range) = chunks.get(i) else { break };
                    let rows: Vec<Row> = range
                        .clone()
                        .flat_map(|s| story_rows(words, plan, s))
                        .collect();
                    if send.send(rows).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        for rows in receive {
            for r in &rows {
                let guid = &r.url;
                entries
                    .write(&[
                        &r.id,
                        &r.feed,
                        guid,
                        &r.url,
                        &r.title,
                        &"Staff Reporter",
                        &r.published_at,
                        &none,
                        &r.fetched_at,
                        &r.fetched_at,
                        &r.raw,
                        &r.html,
                        &r.text,
                        &r.raw_hash,
                        &(r.analysis.fingerprint() as i64),
                        &r.story,
                        &"feed",
                        &authors,
                        &categories,
                    ])
                    .expect("COPY entry");
                anchors
                    .write(&[&r.id, &encode_anchors(r.analysis.anchors())])
                    .expect("COPY anchors");
                let chars = r.text.chars().count() as i64;
                shingles
                    .write(&[
                        &r.id,
                        &(r.analysis.words() as i64),
                        &chars,
                        &r.analysis.shingles.encode(),
                        &r.analysis.shingles.encode_facts(),
                    ])
                    .expect("COPY shingles");
                // The first copy is the earliest published and the longest:
                // the canonical entry, as the store chooses it.
                if let Some(updated) = &r.story_updated {
                    stories
                        .write(&[&r.story, &r.id, &r.title, &r.url, &r.fetched_at, updated])
                        .expect("COPY story");
                }
            }
            copied += rows.len();
            if copied % 100_000 < rows.len() {
                eprintln!(
                    "  {copied} entries copied, {:.0} s",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    });
    entries.finish().expect("COPY entries finish");
    anchors.finish().expect("COPY anchors finish");
    shingles.finish().expect("COPY shingles finish");
    stories.finish().expect("COPY stories finish");
    drop(clients);
    let copied_in = started.elapsed();
    // Every MERGED_EVERY-th id was merged into the one before it.
    admin
        .execute(
            "INSERT INTO story_merges (story_id, into_id, merged_at)
             SELECT s.id + 1, s.id, s.updated_at FROM stories s
             WHERE (s.id + 1) % $1 = 0",
            &[&MERGED_EVERY],
        )
        .expect("story_merges");
    admin
        .execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2)",
            &[&META_FINGERPRINT_VERSION, &FINGERPRINT_VERSION.to_string()],
        )
        .expect("meta");
    admin
        .batch_execute("SET maintenance_work_mem = '1GB'")
        .expect("maintenance_work_mem");
    for (_, definition) in &indexes {
        admin.batch_execute(definition).expect("create index");
    }
    let indexed_in = started.elapsed() - copied_in;
    admin.batch_execute("VACUUM ANALYZE").expect("vacuum");
    let row = admin
        .query_one(
            "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM stories),
                    (SELECT count(*) FROM story_merges),
                    pg_size_pretty(pg_total_relation_size('entries')),
                    pg_size_pretty(pg_database_size(current_database()))",
            &[],
        )
        .expect("counts");
    let (n, s, m): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    let (size, db): (String, String) = (row.get(3), row.get(4));
    println!(
        "fill: {n} entries in {s} stories ({m} more ids merged away) from {FEEDS} feeds: \
         copied in {:.0} s, indexes built in {:.0} s, vacuumed in {:.0} s; \
         entries with indexes and TOAST {size}, database {db}",
        copied_in.as_secs_f64(),
        indexed_in.as_secs_f64(),
        (started.elapsed() - copied_in - indexed_in).as_secs_f64()
    );
}

fn ratio(name: &str, (a50, a99): (Duration, Duration), (b50, b99): (Duration, Duration)) {
    println!(
        "  {name}: p50 {:.1}x, p99 {:.1}x the baseline",
        ms(a50) / ms(b50).max(1e-9),
        ms(a99) / ms(b99).max(1e-9)
    );
}

/// This process's CPU time so far, user and system.
fn cpu_time() -> Duration {
    // SAFETY: getrusage writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// A process's resident memory and its peak, in MB (/proc/self/status).
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The baseline: a primary-key point SELECT on the same table.
const BASELINE: &str = "SELECT id, story_id, fetched_at FROM entries WHERE id = $1";
/// Where a placed entry landed: its story and how many entries that holds.
const LANDED: &str = "SELECT e.story_id,
        (SELECT count(*) FROM entries c WHERE c.story_id = e.story_id)
    FROM entries e WHERE e.id = $1";

/// The primary-key point SELECT the lookups are compared with.
struct Baseline {
    client: postgres::Client,
    select: postgres::Statement,
    max_id: i64,
    rng: fastrand::Rng,
}

impl Baseline {
    fn new(url: &str) -> Baseline {
        let mut client = connect(url).expect("connect");
        let select = client.prepare(BASELINE).expect("prepare");
        let max_id: i64 = client
            .query_one("SELECT max(id) FROM entries", &[])
            .expect("max")
            .get(0);
        Baseline {
            client,
            select,
            max_id,
            rng: fastrand::Rng::with_seed(3),
        }
    }

    fn time(&mut self) -> Duration {
        let id = self.rng.i64(1..=self.max_id);
        let t = Instant::now();
        let row = self
            .client
            .query_opt(&self.select, &[&id])
            .expect("baseline");
        let took = t.elapsed();
        std::hint::black_box(row);
        took
    }
}

/// A new entry to place: a copy of story `index` (cut differently from
/// every stored copy), or a story of its own.
fn lookup_entry(words: &Words, story: u64, cut: usize, guid: &str) -> ReadyEntry {
    let text = story_text(words, story);
    let (body, html) = copy_text(&text, cut);
    let raw = raw_of(&html);
    ReadyEntry::new(EntryWrite {
        guid: guid.to_string(),
        url: Some(guid.to_string()),
        title: Some(text.title),
        author: Some("Staff Reporter".into()),
        published_at: Some(time_text(Utc::now())),
        updated_at: None,
        content_raw: Packed::against(&raw, &html),
        content_html: html,
        content_text: body,
        raw_hash: fastrand::i64(..),
        page_wanted: false,
        extras: EntryExtras::default(),
    })
}

fn record(now: &str) -> FetchRecord {
    FetchRecord {
        fetched_at: now.to_string(),
        status: Some(200),
        error: None,
        duration_ms: 120,
        etag: None,
        last_modified: None,
        moved_to: None,
        next_fetch_at: "2099-01-01T00:00:00Z".into(),
        min_interval_secs: None,
        title: None,
        site_url: None,
        filtered: Default::default(),
        content_kind: None,
    }
}

/// What a round of placements measured.
#[derive(Default)]
struct Placements {
    prefetch: Vec<Duration>,
    write: Vec<Duration>,
    total_copy: Vec<Duration>,
    total_new: Vec<Duration>,
    baseline: Vec<Duration>,
    joined: usize,
    copies: usize,
    new_alone: usize,
    news: usize,
}

/// `n` placements, half copies of stored stories, half new stories.
#[allow(clippy::too_many_arguments)]
async fn place(
    store: &Store,
    dedup: &Deduper,
    words: &Words,
    plan: &Plan,
    baseline: &mut Baseline,
    round: &str,
    n: usize,
    seed: u64,
) -> Placements {
    let mut out = Placements::default();
    let mut rng = fastrand::Rng::with_seed(seed);
    for i in 0..n {
        let copy = i % 2 == 0;
        let index = rng.usize(0..plan.stories.len());
        let (story, fresh) = if copy {
            (index as u64, None)
        } else {
            let fresh = plan.stories.len() as u64 + seed * 1_000_000 + i as u64;
            (fresh, Some(fresh))
        };
        let feed = rng.i64(1..=FEEDS as i64);
        let guid = format!("https://site{feed}.example/{round}/{i}");
        let entry = lookup_entry(words, story, if copy { 2 } else { 0 }, &guid);
        let now = time_text(Utc::now());
        let entries = [entry];
        let t = Instant::now();
        let prefetched = prefetch(store, dedup, &now, &entries).expect("prefetch");
        let read_ahead = t.elapsed();
        let w = Instant::now();
        let summary = write_fetch(
            store,
            dedup,
            feed,
            None,
            &record(&now),
            &entries,
            None,
            Some(prefetched),
        )
        .await
        .expect("write_fetch");
        let written = w.elapsed();
        let total = t.elapsed();
        out.prefetch.push(read_ahead);
        out.write.push(written);
        let base = off_runtime(|| baseline.time());
        out.baseline.push(base);
        // Where it landed: a copy in its story, a new story alone.
        let id = summary.newest_entry.expect("an entry was inserted");
        let landed: (Option<i64>, i64) = off_runtime(|| {
            let row = baseline.client.query_one(LANDED, &[&id]).expect("landed");
            (row.get(0), row.get(1))
        });
        match fresh {
            None => {
                out.copies += 1;
                out.total_copy.push(total);
                if landed.0 == Some(plan.stories[index].0) {
                    out.joined += 1;
                }
            }
            Some(_) => {
                out.news += 1;
                out.total_new.push(total);
                if landed.1 == 1 {
                    out.new_alone += 1;
                }
            }
        }
    }
    out
}

/// The server's log file: tests/support/pg.rs starts it with `-l DIR/log`
/// beside `DIR/data`. `None` on a server of `$FEEDSIEVE_TEST_POSTGRES`.
fn server_log(client: &mut postgres::Client) -> Option<std::path::PathBuf> {
    if std::env::var_os("FEEDSIEVE_TEST_POSTGRES").is_some() {
        return None;
    }
    let data: String = client.query_one("SHOW data_directory", &[]).ok()?.get(0);
    let log = Path::new(&data).parent()?.join("log");
    log.exists().then_some(log)
}

/// Each statement's server time per call (its bind and execute, and its
/// parse when unnamed), from the log lines `log_min_duration_statement = 0`
/// writes: "... [pid] LOG:  duration: 0.123 ms  execute s3: SELECT ...",
/// the statement's further lines indented by a tab.
fn statement_times(log: &str) -> HashMap<String, Vec<Duration>> {
    let mut times: HashMap<String, Vec<Duration>> = HashMap::new();
    // Per backend: time of parse and bind waiting for their execute.
    let mut pending: HashMap<String, f64> = HashMap::new();
    let mut current: Option<(String, String, f64, bool)> = None;
    let mut finish = |entry: Option<(String, String, f64, bool)>,
                      pending: &mut HashMap<String, f64>| {
        let Some((pid, sql, millis, execute)) = entry else {
            return;
        };
        let waiting = pending.remove(&pid).unwrap_or(0.0) + millis;
        if execute {
            let key = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            times
                .entry(key)
                .or_default()
                .push(Duration::from_secs_f64(waiting / 1000.0));
        } else {
            pending.insert(pid, waiting);
        }
    };
    for line in log.lines() {
        if let Some(more) = line.strip_prefix('\t') {
            if let Some((_, sql, _, _)) = current.as_mut() {
                sql.push(' ');
                sql.push_str(more);
            }
            continue;
        }
        finish(current.take(), &mut pending);
        let Some((head, rest)) = line.split_once(" LOG:  duration: ") else {
            continue;
        };
        let pid = head
            .rsplit_once('[')
            .map(|(_, p)| p.trim_end_matches(']').to_string())
            .unwrap_or_default();
        let Some((millis, rest)) = rest.split_once(" ms  ") else {
            continue;
        };
        let Ok(millis) = millis.parse::<f64>() else {
            continue;
        };
        // "execute s3: SQL", "bind <unnamed>: SQL", "statement: SQL".
        let (kind, sql) = match rest.split_once(": ") {
            Some((kind, sql)) => (kind, sql),
            None => continue,
        };
        let execute = kind.starts_with("execute") || kind == "statement";
        current = Some((pid, sql.to_string(), millis, execute));
    }
    finish(current.take(), &mut pending);
    times
}

/// The times of calls made until a time budget runs out, and the rows
/// they returned.
struct Timer {
    started: Instant,
    budget: Duration,
    times: Vec<Duration>,
    rows: usize,
}

impl Timer {
    fn new(budget: Duration) -> Timer {
        Timer {
            started: Instant::now(),
            budget,
            times: Vec::new(),
            rows: 0,
        }
    }

    /// Records a call begun at `begun` that returned `rows` rows; false
    /// once the budget ran out.
    fn record(&mut self, begun: Instant, rows: usize) -> bool {
        self.times.push(begun.elapsed());
        self.rows += rows;
        self.started.elapsed() < self.budget
    }

    /// Times `run` over `args`, within the budget.
    fn run<A>(
        mut self,
        args: impl IntoIterator<Item = A>,
        mut run: impl FnMut(A) -> usize,
    ) -> Self {
        for a in args {
            let t = Instant::now();
            let rows = run(a);
            if !self.record(t, rows) {
                break;
            }
        }
        self
    }

    fn summary(mut self, name: &str) {
        summary(
            &format!("{name} ({} rows)", self.rows),
            NAME_WIDTH,
            &mut self.times,
        );
    }
}

fn main() {
    let entries = env("BENCH_ENTRIES", 1_000_000);
    let lookups = env("BENCH_LOOKUPS", 2_000);
    let logged = env("BENCH_LOG_LOOKUPS", 600);
    let words = Words::load();
    let plan = plan(entries);
    let db = pg::database();
    fill(&db.url, &words, &plan);
    println!(
        "load average at the start of the rounds: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let url = db.url.clone();
    let words = Arc::new(words);
    let plan = Arc::new(plan);
    runtime
        .block_on(runtime.spawn(rounds(url, words, plan, lookups, logged)))
        .expect("rounds");
    // BENCH_HOLD_SECS=600 keeps the database that long, to look at plans.
    let hold = env("BENCH_HOLD_SECS", 0);
    if hold > 0 {
        eprintln!("the database stays for {hold} s: {}", db.url);
        std::thread::sleep(Duration::from_secs(hold as u64));
    }
}

async fn rounds(url: String, words: Arc<Words>, plan: Arc<Plan>, lookups: usize, logged: usize) {
    let store = Store::open_with(Path::new(&url), Access::Create)
        .await
        .expect("open the store");
    let config = DedupConfig::default();

    // What a restarted daemon pays before its first placement. The fill's
    // freed memory goes back to the system first, and the peak is reset,
    // so both figures are the window's.
    // SAFETY: malloc_trim only returns free memory of the allocator's own.
    unsafe { libc::malloc_trim(0) };
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (before, _) = memory();
    let t = Instant::now();
    let dedup = Deduper::load(&store, &config).await.expect("load");
    let loaded = t.elapsed();
    off_runtime(|| dedup.ensure_window()).expect("window");
    let read = t.elapsed();
    // What the read freed (its rows) is not the window's.
    // SAFETY: as above.
    unsafe { libc::malloc_trim(0) };
    let (after, peak) = memory();
    println!(
        "window: Deduper::load {:.3} s, then its first read of the window {:.1} s: {} entries \
         indexed; resident memory {:.0} MB more kept, peak {:.0} MB above the start",
        loaded.as_secs_f64(),
        (read - loaded).as_secs_f64(),
        dedup.indexed(),
        after - before,
        peak - before
    );

    let mut baseline = off_runtime(|| Baseline::new(&url));
    // A few placements first, so sessions and their statements are prepared.
    place(&store, &dedup, &words, &plan, &mut baseline, "warm", 40, 1).await;
    let cpu = cpu_time();
    let mut p = place(
        &store,
        &dedup,
        &words,
        &plan,
        &mut baseline,
        "timed",
        lookups,
        2,
    )
    .await;
    let cpu = cpu_time() - cpu;
    println!(
        "{lookups} placements of one new entry (each its own feed write), with the baseline; \
         copies that joined their story: {}/{}, new entries alone in a new story: {}/{}; \
         this process's CPU {:.2} ms a placement (the entry's analysis and the check included)",
        p.joined,
        p.copies,
        p.new_alone,
        p.news,
        ms(cpu) / lookups as f64
    );
    let mut total: Vec<Duration> = p.total_copy.iter().chain(&p.total_new).copied().collect();
    let whole = summary("placement: prefetch + write_fetch", NAME_WIDTH, &mut total);
    summary("  a copy of a stored entry", NAME_WIDTH, &mut p.total_copy);
    summary("  a new story", NAME_WIDTH, &mut p.total_new);
    summary(
        "  prefetch (reader, before the lock)",
        NAME_WIDTH,
        &mut p.prefetch,
    );
    summary("  write_fetch (one transaction)", NAME_WIDTH, &mut p.write);
    let base = summary(
        "baseline: entries primary-key SELECT",
        NAME_WIDTH,
        &mut p.baseline,
    );
    ratio("placement / baseline", whole, base);
    off_runtime(|| rows_alike(&mut baseline.client, plan.entries as i64));
    let merges = 200;
    let merges_logged = 100;
    let mut t = merge(&store, &plan, merges, 4).await;
    summary(
        &format!("{merges} merges of two stored stories, a transaction each"),
        NAME_WIDTH,
        &mut t,
    );

    // Each statement's own server time.
    let mut admin = off_runtime(|| connect(&url)).expect("connect");
    if let Some(log) = off_runtime(|| server_log(&mut admin)) {
        let start = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
        settings(
            &mut admin,
            &[
                "ALTER SYSTEM SET log_min_duration_statement = 0",
                "ALTER SYSTEM SET log_parameter_max_length = 0",
            ],
        );
        place(
            &store,
            &dedup,
            &words,
            &plan,
            &mut baseline,
            "logged",
            logged,
            3,
        )
        .await;
        merge(&store, &plan, merges_logged, 5).await;
        settings(
            &mut admin,
            &[
                "ALTER SYSTEM RESET log_min_duration_statement",
                "ALTER SYSTEM RESET log_parameter_max_length",
            ],
        );
        let text = std::fs::read(&log).unwrap_or_default();
        let text = String::from_utf8_lossy(&text[(start as usize).min(text.len())..]).into_owned();
        // The bench's own statements are not the placement's.
        let own =
            [BASELINE, LANDED].map(|sql| sql.split_whitespace().collect::<Vec<_>>().join(" "));
        let mut times: Vec<(String, Vec<Duration>)> = statement_times(&text)
            .into_iter()
            .filter(|(sql, t)| t.len() >= merges_logged.min(logged) / 2 && !own.contains(sql))
            .collect();
        times.sort_by_key(|t| std::cmp::Reverse(t.1.iter().sum::<Duration>()));
        println!(
            "{logged} placements and {merges_logged} merges more, each statement's server \
             time (bind + execute; those run {merges_logged} times or more, most total time first):"
        );
        for (sql, mut t) in times {
            let short: String = sql.chars().take(110).collect();
            let (p50, p99) = (percentile_of(&mut t, 0.5), percentile_of(&mut t, 0.99));
            println!(
                "  n={:<5} p50 {:>7.3} ms  p99 {:>7.3} ms  {short}",
                t.len(),
                ms(p50),
                ms(p99)
            );
        }
    } else {
        println!("(per-statement times need the throwaway server's log: skipped)");
    }

    user_lookups(&store, &url, &words, &plan, &mut baseline).await;
    // A client ends its session on a runtime of its own: not on this one's thread.
    off_runtime(move || drop((admin, baseline)));
    store.close().await;
}

/// Merges `n` pairs of stored stories (the higher id into the lower), each
/// in a write transaction of its own, as `Deduper::place` does when an
/// entry links two stories (without the survivor's refresh, which follows
/// there); returns each transaction's time.
async fn merge(store: &Store, plan: &Plan, n: usize, seed: u64) -> Vec<Duration> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut times = Vec::new();
    // Story ids that never were merged yet: even plan indexes into odd ones.
    for _ in 0..n {
        let a = rng.usize(0..plan.stories.len() / 2) * 2;
        let (into, from) = (plan.stories[a].0, plan.stories[a + 1].0);
        let at = time_text(Utc::now());
        let t = Instant::now();
        store
            .write_feed(4, |db| feedsieve::store::merge_stories(db, from, into, &at))
            .await
            .expect("merge");
        times.push(t.elapsed());
    }
    times
}

/// Compares the rows COPY wrote with those the insert path wrote (the
/// placements'): the stored size of each column, on average.
fn rows_alike(client: &mut postgres::Client, copied: i64) {
    let mut sizes = |rows: &str| -> String {
        let row = client
            .query_one(
                &format!(
                    "SELECT count(*), avg(pg_column_size(content_text))::int,
                            avg(pg_column_size(content_html))::int,
                            avg(pg_column_size(content_raw_delta))::int,
                            avg(pg_column_size(search_vector))::int,
                            avg(pg_column_size(e.*))::int,
                            avg(length(content_text))::int
                     FROM entries e WHERE {rows}"
                ),
                &[&copied],
            )
            .expect("column sizes");
        let v: Vec<i32> = (1..7).map(|i| row.get(i)).collect();
        format!(
            "{} rows: text {} chars; stored bytes: text {}, html {}, raw {}, search_vector {}, row {}",
            row.get::<_, i64>(0),
            v[5],
            v[0],
            v[1],
            v[2],
            v[3],
            v[4]
        )
    };
    println!("  rows by COPY:        {}", sizes("id <= $1"));
    println!("  rows by write_fetch: {}", sizes("id > $1"));
}

/// Applies server settings (ALTER SYSTEM, each its own statement) now.
fn settings(admin: &mut postgres::Client, statements: &[&str]) {
    off_runtime(|| {
        for sql in statements.iter().chain(&["SELECT pg_reload_conf()"]) {
            admin.batch_execute(sql).expect("server setting");
        }
    });
    // Each session reads the new settings when its signal arrives.
    std::thread::sleep(Duration::from_millis(500));
}

fn percentile_of(list: &mut [Duration], p: f64) -> Duration {
    list.sort();
    percentile(list, p)
}

/// The lookups README documents for PostgreSQL.
async fn user_lookups(
    store: &Store,
    url: &str,
    words: &Words,
    plan: &Plan,
    baseline: &mut Baseline,
) {
    println!("README's lookups, each on one connection, with the baseline:");
    let n = 2_000;
    let mut rng = fastrand::Rng::with_seed(11);
    let entry_ids: Vec<i64> = (0..n).map(|_| rng.i64(1..=plan.entries as i64)).collect();
    let story_ids: Vec<i64> = (0..n)
        .map(|_| plan.stories[rng.usize(0..plan.stories.len())].0)
        .collect();
    // Half merged-away ids, half live ones.
    let old_ids: Vec<i64> = story_ids
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            if i % 2 == 0 {
                (s / MERGED_EVERY + 1) * MERGED_EVERY
            } else {
                s
            }
        })
        .collect();
    let mut client = off_runtime(|| connect(url)).expect("connect");
    off_runtime(|| {
        let story_of_entry = client
            .prepare(
                "SELECT l.story_id, l.title, l.copies, l.feed_count, l.feeds FROM story_list l
                 WHERE l.story_id = (SELECT story_id FROM entries WHERE id = $1)",
            )
            .expect("prepare");
        let entries_of_story = client
            .prepare("SELECT id, feed_id, title, url FROM entries WHERE story_id = $1 ORDER BY id")
            .expect("prepare");
        let resolve = client
            .prepare("SELECT current_story_id FROM story_ids WHERE story_id = $1")
            .expect("prepare");
        let budget = Duration::from_secs(60);
        Timer::new(budget)
            .run(&entry_ids, |id| {
                let rows = client.query(&story_of_entry, &[id]);
                rows.expect("story_list").len()
            })
            .summary("an entry's story_list row");
        Timer::new(budget)
            .run(&story_ids, |id| {
                let rows = client.query(&entries_of_story, &[id]);
                rows.expect("entries").len()
            })
            .summary("a story's entries");
        Timer::new(budget)
            .run(&old_ids, |id| {
                let rows = client.query(&resolve, &[id]);
                rows.expect("story_ids").len()
            })
            .summary("story_ids: half merged ids");
        let mut base: Vec<Duration> = (0..n).map(|_| baseline.time()).collect();
        summary(
            "baseline: entries primary-key SELECT",
            NAME_WIDTH,
            &mut base,
        );
    });

    // Search, by how common the terms are.
    let plain = words.plain();
    let mut rng = fastrand::Rng::with_seed(13);
    let names: Vec<String> = (0..40)
        .map(|_| story_text(words, rng.u64(0..plan.stories.len() as u64)).name)
        .collect();
    let pick = |range: std::ops::Range<usize>, k: usize, rng: &mut fastrand::Rng| -> Vec<String> {
        (0..k)
            .map(|_| plain[rng.usize(range.clone()).min(plain.len() - 1)].to_string())
            .collect()
    };
    let mid = pick(800..2_000, 40, &mut rng);
    let common = pick(15..60, 40, &mut rng);
    let pairs: Vec<String> = pick(800..2_000, 80, &mut rng)
        .chunks(2)
        .map(|p| p.join(" "))
        .collect();
    let classes: [(&str, Vec<String>); 4] = [
        ("a story's rare name", names),
        ("a word of rank 800-2000", mid),
        ("two words of rank 800-2000", pairs),
        ("a word of rank 15-60", common),
    ];
    let readme = "SELECT s.id, s.title, ts_headline('simple', e.content_text, q) AS snippet
        FROM stories s JOIN entries e ON e.id = s.canonical_entry_id,
             websearch_to_tsquery('simple', feedsieve_search_text($1)) AS q
        WHERE e.search_vector @@ q
        ORDER BY ts_rank(e.search_vector, q) DESC LIMIT 20";
    let count = "SELECT count(*) FROM entries e
        WHERE e.search_vector @@ websearch_to_tsquery('simple', feedsieve_search_text($1))";
    let budget = Duration::from_secs(30);
    for (class, queries) in &classes {
        let matched: i64 = off_runtime(|| {
            client
                .query_one(count, &[&queries[0]])
                .map(|r| r.get(0))
                .unwrap_or(-1)
        });
        println!(
            "  search, {class} (e.g. '{}': {matched} entries match):",
            queries[0]
        );
        let mut timer = Timer::new(budget);
        for q in queries {
            let t = Instant::now();
            let hits = feedsieve::search::search(store, q, 20).await;
            if !timer.record(t, hits.expect("search").len()) {
                break;
            }
        }
        timer.summary("  feedsieve search, limit 20");
        off_runtime(|| {
            Timer::new(budget)
                .run(queries, |q| {
                    client.query(readme, &[q]).expect("readme search").len()
                })
                .summary("  README's websearch query")
        });
    }
    let since = Utc::now() - chrono::Duration::days(1);
    let mut timer = Timer::new(budget);
    for _ in 0..20 {
        let t = Instant::now();
        let listed = feedsieve::dedup::list_stories_limited(store, Some(since), Some(50)).await;
        if !timer.record(t, listed.expect("stories").len()) {
            break;
        }
    }
    timer.summary("feedsieve stories, last day, limit 50");
    let mut base: Vec<Duration> = (0..200).map(|_| off_runtime(|| baseline.time())).collect();
    summary(
        "baseline: entries primary-key SELECT",
        NAME_WIDTH,
        &mut base,
    );
    off_runtime(move || drop(client));
}
