//! Ingest benchmark: N feeds × M entries served from a loopback HTTP server,
//! fetched by the real binary (`feedsieve run --once`) cold and then warm
//! (every feed answering 304), by the library for the per-stage split, and by
//! newsboat on the same feeds; plus the floor: the same bytes through parsing
//! alone and bare batched SQLite inserts alone. Every figure is printed with
//! its ratio to a baseline measured in the same run (the floor, or the cold
//! run), because this 2-core machine is shared and absolute timings drift.
//!
//! Run: `cargo bench --bench ingest` (small: 200 and 2,000 feeds × 20 entries)
//! or `BENCH_SCALE=full cargo bench --bench ingest` (200, 2,000 and 10,000
//! feeds × 50 entries). `BENCH_FEEDS=200,500` and `BENCH_ENTRIES=30` override
//! the sizes; `BENCH_NEWSBOAT=0` skips newsboat; `BENCH_PERF=FILE` records each
//! feedsieve run with `perf record` into FILE.0 (cold), FILE.1 (warm), ... (with
//! `BENCH_PERF_CALLGRAPH=1`, DWARF call graphs; with
//! `BENCH_PERF_EVENT=sched:sched_switch`, every time a thread leaves the CPU
//! and why, instead of samples); `BENCH_WRAP="CMD ARGS"` runs each feedsieve
//! child under another command (heaptrack); `BENCH_ONLY=cold` runs the cold
//! run alone (for A/B runs of two builds); `BENCH_ONLY=versus` runs only
//! feedsieve's and newsboat's cold runs, alternating `BENCH_ROUNDS` times
//! (default 3), with medians; `BENCH_KEEP=1` keeps the bench's
//! directory; the library run for the stage split is skipped above 2,000
//! feeds unless `BENCH_SPLIT_ALL=1`. With `BENCH_ONLY=cold`, `BENCH_STEADY=1`
//! then runs `feedsieve vacuum` five days later (under `faketime`) and
//! prints the footprint again: every entry past the de-duplication window.
//!
//! Entries are generated from the real article bodies in
//! `shared/bench-data/article-extraction-benchmark/ground-truth.json` (read in
//! place, never copied into the repository): 3–10 KB of HTML each, made of
//! paragraphs walked from a word chain over all articles (their words, word
//! pairs and punctuation; see `WordChain`), so unrelated entries share only
//! common phrases, plus a share widget and a tracking pixel for the cleaner
//! to remove. `BENCH_TEXT=paragraphs` draws whole real paragraphs instead (a
//! stress case: unrelated entries then share paragraphs). Every third entry of a feed is a syndicated story that four feeds
//! carry (same text, a different "published by" footer): a third of the
//! entries are copies the de-duplication has to join.
//!
//! `BENCH_COPIES=N`: syndicated stories are carried by N feeds instead of
//! four (hundreds: one wire story in every feed's window; every other
//! feed's copy with a headline of its own); the cold run
//! prints how many stories the world is built as.
//!
//! `BENCH_DATABASE=postgres://…` (with `BENCH_ONLY=cold`): the cold run stores
//! into that PostgreSQL database instead of a SQLite file, emptied first (its
//! `public` schema dropped and made again: give it a database of its own);
//! the line then gives the database's size, not the file's.
//!
//! `BENCH_CONTENT=pages`: each entry carries instead the article markup of
//! one of the real pages of `article-extraction-benchmark/html/` (167 of 181
//! have 3 article blocks or more; links,
//! attributes, figures with `srcset`, lists, embeds, as
//! `tests/support/clean_real.rs` cuts it from the page), with only its text
//! nodes' words replaced by chain text of the same length; the widget,
//! pixel and syndication are as above. Real markup makes the text a
//! smaller share of an entry's bytes than the plain paragraphs do, which is
//! what the footprint depends on (see [`Pages`]).

use std::convert::Infallible;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};

const CONCURRENCY: usize = 32;
/// Syndicated stories are carried by this many feeds.
const COPIES: usize = 4;
const LAST_MODIFIED: &str = "Sun, 01 Nov 2026 00:00:00 GMT";

// Only `load` is used here: the labelling API is the cleaner benches'.
#[path = "../tests/support/clean_real.rs"]
#[allow(dead_code)]
mod clean_real;
#[path = "../tests/support/shared.rs"]
mod shared;
use shared::shared_dir;

#[path = "ingest/world.rs"]
mod world;
use world::*;

fn url(addr: SocketAddr, shape: Shape, f: usize) -> String {
    format!("http://{addr}/n{}/m{}/f{f}.xml", shape.feeds, shape.entries)
}

/// `/n{N}/m{M}/f{i}.xml` → the feed's bytes, generated per request (a 10,000
/// × 50 set is 3 GB). Validators answer 304, as a well-behaved server does.
async fn serve(
    c: Arc<Corpus>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let parsed = (|| {
        let path = req.uri().path().strip_prefix("/n")?.strip_suffix(".xml")?;
        let mut parts = path.split('/');
        let feeds = parts.next()?.parse().ok()?;
        let entries = parts.next()?.strip_prefix('m')?.parse().ok()?;
        let f: usize = parts.next()?.strip_prefix('f')?.parse().ok()?;
        (f < feeds).then_some((Shape { feeds, entries }, f))
    })();
    let Some((shape, f)) = parsed else {
        let mut r = Response::new(Full::new(Bytes::new()));
        *r.status_mut() = StatusCode::NOT_FOUND;
        return Ok(r);
    };
    let etag = format!("\"b{}-{}-{f}\"", shape.feeds, shape.entries);
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &hyper::header::HeaderValue| v.to_str().ok())
    };
    let fresh = header(hyper::header::IF_NONE_MATCH) == Some(etag.as_str())
        || (header(hyper::header::IF_NONE_MATCH).is_none()
            && header(hyper::header::IF_MODIFIED_SINCE) == Some(LAST_MODIFIED));
    let builder = Response::builder()
        .header(hyper::header::ETAG, &etag)
        .header(hyper::header::LAST_MODIFIED, LAST_MODIFIED);
    let response = if fresh {
        builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Full::new(Bytes::new()))
    } else {
        builder
            .header(
                hyper::header::CONTENT_TYPE,
                "application/rss+xml; charset=utf-8",
            )
            .body(Full::new(Bytes::from(feed_xml(&c, shape, f))))
    };
    Ok(response.expect("response"))
}

/// The server runs on its own thread and single-threaded runtime; its CPU is
/// not counted in the child process figures (it is in the library run's).
fn start_server(c: Arc<Corpus>) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let c = c.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| serve(c.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    addr
}

fn write_config(dir: &Path, addr: SocketAddr, shape: Shape) -> PathBuf {
    let database = postgres_database().unwrap_or_else(|| "feedsieve.db".to_string());
    // per_host high: every feed is on one loopback host, and the default
    // (2) would serialise them all.
    let mut toml = format!(
        "[storage]\ndatabase = \"{database}\"\n\n[fetch]\ntimeout = \"120s\"\n\
         concurrency = {CONCURRENCY}\nper_host = {CONCURRENCY}\n\n"
    );
    for f in 0..shape.feeds {
        let _ = writeln!(toml, "[[feed]]\nurl = \"{}\"", url(addr, shape, f));
    }
    let path = dir.join("feedsieve.toml");
    std::fs::write(&path, toml).expect("config");
    path
}

/// `BENCH_DATABASE`, when it names a PostgreSQL database.
fn postgres_database() -> Option<String> {
    std::env::var("BENCH_DATABASE")
        .ok()
        .filter(|d| feedsieve::store::postgres::is_url(Path::new(d)))
}

/// Empties the PostgreSQL database (its `public` schema, where feedsieve's
/// tables and its migrations' record live), so a cold run starts from
/// nothing. (The synchronous client off the bench's async runtime.)
fn empty_postgres(url: &str) {
    feedsieve::store::postgres::off_runtime(|| {
        let mut client = feedsieve::store::postgres::connect(url).expect("BENCH_DATABASE");
        client
            .batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            .expect("emptying BENCH_DATABASE");
    })
}

/// The PostgreSQL database's size in MB.
fn postgres_mb(url: &str) -> f64 {
    feedsieve::store::postgres::off_runtime(|| {
        let mut client = feedsieve::store::postgres::connect(url).expect("BENCH_DATABASE");
        let bytes: i64 = client
            .query_one("SELECT pg_database_size(current_database())", &[])
            .and_then(|row| row.try_get(0))
            .expect("database size");
        bytes as f64 / 1e6
    })
}

/// Whole-process figures of a child, from GNU time.
#[derive(Debug, Default, Clone, Copy)]
struct Proc {
    wall: f64,
    cpu: f64,
    rss_mb: f64,
}

fn timed(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> (Proc, String) {
    let out_file = dir.join("time.out");
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-f").arg("%e %U %S %M").arg("-o").arg(&out_file);
    // BENCH_PERF=FILE: the children run under `perf record` (a flat profile;
    // the bench profile keeps symbols and line tables). Times then include
    // perf's own overhead.
    // BENCH_WRAP="heaptrack -o FILE" (any command prefix, split on spaces):
    // the children run under it, for memory profiles.
    if let Ok(wrap) = std::env::var("BENCH_WRAP") {
        cmd.args(wrap.split_whitespace());
    }
    if let Ok(perf_out) = std::env::var("BENCH_PERF") {
        static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let perf_out = format!("{perf_out}.{run}");
        cmd.args(["perf", "record", "-o", &perf_out]);
        // BENCH_PERF_CALLGRAPH=1: with DWARF call graphs (who calls the hot
        // spots), at a lower rate so a 2,000-feed run stays ~250 MB.
        // BENCH_PERF_EVENT=sched:sched_switch: every time a thread leaves
        // the CPU instead of samples (off-CPU time: what threads wait on).
        match std::env::var("BENCH_PERF_EVENT") {
            Ok(event) => cmd.args(["-e", &event]),
            Err(_) if std::env::var_os("BENCH_PERF_CALLGRAPH").is_some() => cmd.args(["-F", "299"]),
            Err(_) => cmd.args(["-F", "999"]),
        };
        if std::env::var_os("BENCH_PERF_CALLGRAPH").is_some() {
            cmd.args(["--call-graph", "dwarf,8192"]);
        }
        cmd.arg("--");
    }
    cmd.arg(program).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("run /usr/bin/time");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    if !output.status.success() {
        eprintln!(
            "{program} failed: {}\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = std::fs::read_to_string(&out_file).expect("time output");
    let last = text.lines().last().unwrap_or("");
    let v: Vec<f64> = last
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    assert_eq!(v.len(), 4, "unexpected /usr/bin/time output: {text}");
    (
        Proc {
            wall: v[0],
            cpu: v[1] + v[2],
            rss_mb: v[3] / 1024.0,
        },
        stdout,
    )
}

fn feedsieve(dir: &Path, config: &Path) -> (Proc, String) {
    timed(
        dir,
        env!("CARGO_BIN_EXE_feedsieve"),
        &[
            "--config",
            config.to_str().expect("utf-8 path"),
            "run",
            "--once",
        ],
        &[("RUST_LOG", "warn")],
    )
}

/// `BENCH_STEADY=1` (with `BENCH_ONLY=cold`): the footprint of a database
/// whose entries are all past the de-duplication window, as months of
/// feeds are, made by the daemon's own path: `feedsieve vacuum` run five
/// days later (libfaketime's `faketime`; the bench's window is the default
/// 3 days, plus the day's margin), which forgets the entries' shingles and
/// compacts the file.
fn steady_state(c: &Corpus, shape: Shape, dir: &Path, config: &Path) {
    let (p, out) = timed(
        dir,
        "faketime",
        &[
            "-f",
            "+5d",
            env!("CARGO_BIN_EXE_feedsieve"),
            "--config",
            config.to_str().expect("utf-8 path"),
            "vacuum",
        ],
        &[("RUST_LOG", "warn")],
    );
    if out.trim().is_empty() {
        println!("  steady state skipped: `faketime` failed (apt-get install faketime)");
        return;
    }
    println!(
        "  steady state, `feedsieve vacuum` 5 days later: {} | {p:?}",
        out.trim().replace('\n', "; ")
    );
    if let Some(f) = footprint(c, shape, dir) {
        println!("{f}");
    }
}

fn db_size_mb(dir: &Path) -> f64 {
    ["feedsieve.db", "feedsieve.db-wal", "feedsieve.db-shm"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len() as f64)
        .sum::<f64>()
        / 1e6
}

/// Stored bytes per entry against the entries' content (the HTML each entry
/// carries in its feed): the whole file after a checkpoint, each table and
/// index (SQLite's dbstat), and the content columns. A line per part, and
/// the ratio with and without the parts other issues own (entry_shingles:
/// de-duplication; clean_template_blocks: the cleaner).
fn footprint(c: &Corpus, shape: Shape, dir: &Path) -> Option<String> {
    // With real markup, also the entries' text share and how well zstd
    // (the store's level, 3) packs each one alone: the two properties of
    // the content that the footprint depends on and the default mode's
    // plain paragraphs do not have.
    let (mut content, mut text, mut packed) = (0usize, 0usize, 0usize);
    for (f, j) in (0..shape.feeds).flat_map(|f| (0..shape.entries).map(move |j| (f, j))) {
        let e = entry(c, shape, f, j);
        content += e.html.len();
        if c.pages.is_some() {
            text += e.text.len();
            packed += zstd::bulk::compress(e.html.as_bytes(), 3).map_or(0, |z| z.len());
        }
    }
    let conn = rusqlite::Connection::open(dir.join("feedsieve.db")).ok()?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .ok()?;
    let entries: f64 = conn
        .query_row("SELECT COUNT(*) FROM entries", [], |r| r.get::<_, i64>(0))
        .ok()? as f64;
    let per_entry = content as f64 / entries;
    let file: f64 = conn
        .query_row(
            "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
            [],
            |r| r.get::<_, i64>(0),
        )
        .ok()? as f64;
    let mut tables: Vec<(String, f64)> = conn
        .prepare("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        .ok()?
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as f64)))
        .ok()?
        .filter_map(Result::ok)
        .collect();
    let others: f64 = tables
        .iter()
        .filter(|(name, _)| name == "entry_shingles" || name == "clean_template_blocks")
        .map(|(_, b)| b)
        .sum();
    let columns: Vec<(String, f64)> = [
        "content_raw",
        "content_raw_zstd",
        "content_raw_delta",
        "content_html",
        "content_text",
        "teaser_text",
    ]
    .iter()
    .filter_map(|col| {
        conn.query_row(
            &format!("SELECT COALESCE(SUM(length(CAST({col} AS BLOB))), 0) FROM entries"),
            [],
            |r| r.get::<_, i64>(0),
        )
        .ok()
        .map(|b| (col.to_string(), b as f64))
    })
    .collect();
    let mut out = format!(
        "  footprint: {:.0} bytes stored per entry for {per_entry:.0} bytes of content = {:.2}× \
         ({:.2}× without entry_shingles and clean_template_blocks); file {:.1} MB\n",
        file / entries,
        file / entries / per_entry,
        (file - others) / entries / per_entry,
        file / 1e6
    );
    if c.pages.is_some() {
        let _ = writeln!(
            out,
            "    content: text nodes {:.0} bytes/entry ({:.2}× the content); zstd -3 packs an entry {:.2}×",
            text as f64 / entries,
            text as f64 / content as f64,
            content as f64 / packed as f64
        );
    }
    tables.retain(|(_, b)| b / entries >= 10.0);
    let _ = writeln!(
        out,
        "    by table (bytes/entry): {}",
        tables
            .iter()
            .map(|(name, b)| format!("{name} {:.0}", b / entries))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = write!(
        out,
        "    entries' columns (bytes/entry): {}",
        columns
            .iter()
            .map(|(name, b)| format!("{name} {:.0}", b / entries))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Some(out)
}

/// Free space where the databases go, from df(1) (no statvfs binding here).
fn free_mb(dir: &Path) -> f64 {
    Command::new("df")
        .args(["--output=avail", "-B1M"])
        .arg(dir)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .nth(1)
                .and_then(|l| l.trim().parse().ok())
        })
        .unwrap_or(f64::MAX)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The seconds `run --once` reports indexing for search after the last
/// feed ("... stories indexed for search in 3.1 s").
fn index_seconds(out: &str) -> Option<f64> {
    let (_, after) = out.split_once("indexed for search in ")?;
    after.split_whitespace().next()?.parse().ok()
}

/// The floor: the same bytes through parsing alone, and through bare
/// batched inserts alone (one transaction per feed, 50-row multi-VALUES
/// statements, into the real schema without stories, dedup or FTS queue
/// work). Single-threaded; the cleaner on a sample of entries, for scale.
struct Floor {
    parse: f64,
    insert: f64,
    /// Cleaner seconds per entry, from a sample.
    clean_per_entry: f64,
    mb: f64,
}

fn floor(c: &Corpus, shape: Shape) -> Floor {
    let mut parse = Duration::ZERO;
    let mut bytes = 0usize;
    let mut parsed_entries = 0usize;
    for f in 0..shape.feeds {
        let xml = feed_xml(c, shape, f);
        bytes += xml.len();
        let t = Instant::now();
        let feed = feedsieve::parse::parse(
            xml.as_bytes(),
            Some("application/rss+xml; charset=utf-8"),
            Some("http://127.0.0.1/feed.xml"),
        )
        .expect("parse");
        parse += t.elapsed();
        parsed_entries += feed.entries.len();
    }
    assert_eq!(parsed_entries, shape.feeds * shape.entries);

    let cleaner = feedsieve::clean::Cleaner::new(&Default::default()).expect("cleaner");
    let sample: Vec<Entry> = (0..shape.feeds.min(20))
        .flat_map(|f| (0..shape.entries).map(move |j| (f, j)))
        .map(|(f, j)| entry(c, shape, f, j))
        .collect();
    let t = Instant::now();
    for e in &sample {
        std::hint::black_box(cleaner.clean(&e.html, None, None));
    }
    let clean_per_entry = t.elapsed().as_secs_f64() / sample.len() as f64;

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("floor.db");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            feedsieve::store::Store::open(&path)
                .await
                .expect("open")
                .close()
                .await
        });
    // A plain connection, set as the floor's sqlx connection was when its
    // earlier figures were measured: foreign keys on, SQLite's default
    // synchronous (FULL, where the daemon's is NORMAL); each statement
    // prepared once.
    let mut conn = rusqlite::Connection::open(&path).expect("conn");
    conn.pragma_update(None, "foreign_keys", "ON")
        .expect("foreign keys");
    let now = feedsieve::store::now();
    let raw_hash = 0i64;
    let mut insert = Duration::ZERO;
    for f in 0..shape.feeds {
        let entries: Vec<Entry> = (0..shape.entries).map(|j| entry(c, shape, f, j)).collect();
        let t = Instant::now();
        let tx = conn.transaction().expect("begin");
        let feed_id: i64 = tx
            .prepare_cached("INSERT INTO feeds (url, added_at) VALUES (?, ?) RETURNING id")
            .and_then(|mut feed| {
                feed.query_row((format!("http://floor/{f}"), &now), |row| row.get(0))
            })
            .expect("feed");
        for chunk in entries.chunks(50) {
            let sql = format!(
                "INSERT INTO entries (feed_id, guid, url, title, published_at, fetched_at, \
                 changed_at, content_raw, content_html, content_text, raw_hash) VALUES {}",
                vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
            );
            let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * 11);
            for e in chunk {
                values.extend([
                    &feed_id as &dyn rusqlite::ToSql,
                    &e.link,
                    &e.link,
                    &e.title,
                    &e.published,
                    &now,
                    &now,
                    &e.html,
                    &e.html,
                    &e.text,
                    &raw_hash,
                ]);
            }
            tx.prepare_cached(&sql)
                .and_then(|mut rows| rows.execute(values.as_slice()))
                .expect("insert");
        }
        tx.commit().expect("commit");
        insert += t.elapsed();
    }
    Floor {
        parse: parse.as_secs_f64(),
        insert: insert.as_secs_f64(),
        clean_per_entry,
        mb: bytes as f64 / 1e6,
    }
}

/// The library, in this process, for the stage split (the server shares
/// the process, so its wall time is a little worse than the binary's).
fn library_run(dir: &Path, config: &Path) -> (f64, feedsieve::daemon::OnceSummary) {
    // A database of its own: the binary's runs left theirs warm.
    let config =
        feedsieve::config::load_with(config, Some(&dir.join("library.db"))).expect("config");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let t = Instant::now();
    let summary = rt
        .block_on(feedsieve::daemon::run_once(&config))
        .expect("run_once");
    (t.elapsed().as_secs_f64(), summary)
}

fn newsboat(dir: &Path, addr: SocketAddr, shape: Shape) -> Option<Proc> {
    let urls: String = (0..shape.feeds)
        .map(|f| url(addr, shape, f) + "\n")
        .collect();
    std::fs::write(dir.join("urls"), urls).expect("urls");
    // As many parallel downloads as feedsieve's fetch concurrency.
    std::fs::write(
        dir.join("config"),
        format!("reload-threads {CONCURRENCY}\n"),
    )
    .expect("config");
    let d = |f: &str| dir.join(f).to_string_lossy().to_string();
    let (proc_, _) = timed(
        dir,
        "newsboat",
        &[
            "-u",
            &d("urls"),
            "-c",
            &d("cache.db"),
            "-C",
            &d("config"),
            "-x",
            "reload",
        ],
        &[("HOME", &d(""))],
    );
    let items: Option<i64> = Command::new("sqlite3")
        .arg(d("cache.db"))
        .arg("SELECT COUNT(*) FROM rss_item")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok());
    if let Some(items) = items {
        println!("  newsboat stored {items} items");
    }
    Some(proc_)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Cold runs of feedsieve and newsboat on the same feeds, alternating, each
/// in a fresh folder; every run and the medians are printed.
fn versus(c: &Corpus, addr: SocketAddr, shape: Shape, newsboat_ok: &Result<(), String>) {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let mut ours: Vec<Proc> = Vec::new();
    let mut theirs: Vec<Proc> = Vec::new();
    for round in 0..rounds {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = write_config(dir.path(), addr, shape);
        let (cold, out) = feedsieve(dir.path(), &config);
        println!(
            "  round {round} feedsieve: {cold:?} | {} (load average {})",
            out.trim(),
            loadavg()
        );
        if round == 0
            && let Some(f) = footprint(c, shape, dir.path())
        {
            println!("{f}");
        }
        ours.push(cold);
        drop(dir);
        if newsboat_ok.is_ok() {
            let nb_dir = tempfile::tempdir().expect("tempdir");
            if let Some(p) = newsboat(nb_dir.path(), addr, shape) {
                println!("  round {round} newsboat:  {p:?}");
                theirs.push(p);
            }
        }
    }
    let med =
        |runs: &[Proc], f: fn(&Proc) -> f64| median(&mut runs.iter().map(f).collect::<Vec<_>>());
    let (wall, cpu, rss) = (
        med(&ours, |p| p.wall),
        med(&ours, |p| p.cpu),
        med(&ours, |p| p.rss_mb),
    );
    println!(
        "  median of {rounds}: feedsieve {wall:.2} s wall, {cpu:.2} s CPU, {rss:.0} MB peak RSS"
    );
    if !theirs.is_empty() {
        let (nb_wall, nb_cpu, nb_rss) = (
            med(&theirs, |p| p.wall),
            med(&theirs, |p| p.cpu),
            med(&theirs, |p| p.rss_mb),
        );
        println!(
            "  median of {rounds}: newsboat {nb_wall:.2} s wall, {nb_cpu:.2} s CPU, {nb_rss:.0} MB peak RSS \
             → feedsieve {:.2}× faster (wall), {:.2}× the CPU, {:.2}× the RSS",
            nb_wall / wall,
            cpu / nb_cpu,
            rss / nb_rss
        );
    }
}

fn have_newsboat() -> Result<(), String> {
    if std::env::var("BENCH_NEWSBOAT").as_deref() == Ok("0") {
        return Err("BENCH_NEWSBOAT=0".into());
    }
    match Command::new("newsboat").arg("--version").output() {
        Ok(o) if o.status.success() => Ok(()),
        _ => Err("newsboat is not installed (apt-get install newsboat)".into()),
    }
}

fn sizes() -> (Vec<usize>, usize) {
    let full = std::env::var("BENCH_SCALE").as_deref() == Ok("full");
    let feeds = std::env::var("BENCH_FEEDS")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| {
            if full {
                vec![200, 2_000, 10_000]
            } else {
                vec![200, 2_000]
            }
        });
    let entries = std::env::var("BENCH_ENTRIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if full { 50 } else { 20 });
    (feeds, entries)
}

fn main() {
    let corpus = Arc::new(load_corpus());
    let addr = start_server(corpus.clone());
    let (feed_counts, entries) = sizes();
    let newsboat_ok = have_newsboat();
    println!(
        "== ingest bench: feeds {feed_counts:?} × {entries} entries; {} paragraphs of real article text; \
         {} cores; fetch concurrency {CONCURRENCY}, per_host {CONCURRENCY}",
        corpus.raw.len(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    if let Err(why) = &newsboat_ok {
        println!("newsboat section skipped: {why}");
    }
    if let Some(pages) = &corpus.pages {
        println!(
            "BENCH_CONTENT=pages: entries carry the article markup of {} real pages, their text nodes' words walked from the chain",
            pages.templates.len()
        );
    }
    let mut table = String::new();
    for &n in &feed_counts {
        let shape = Shape { feeds: n, entries };
        let total = (n * entries) as f64;
        let dir = tempfile::tempdir().expect("tempdir");
        // About 23 KB an entry (raw, clean HTML, text); the library run's
        // database sits next to the binary's. A full disk would fail the run,
        // and every other user of the machine.
        let need_mb = total * 0.023 * if n <= 2_000 { 2.0 } else { 1.0 } + 500.0;
        let free = free_mb(dir.path());
        if free < need_mb {
            println!(
                "-- {n} feeds × {entries} entries SKIPPED: needs about {need_mb:.0} MB of disk, {free:.0} MB free"
            );
            continue;
        }
        let config = write_config(dir.path(), addr, shape);
        println!(
            "-- {n} feeds × {entries} entries  (load average {})",
            loadavg()
        );

        // BENCH_ONLY=versus: feedsieve's and newsboat's cold runs alone,
        // alternating (BENCH_ROUNDS rounds, 3 by default), each in a fresh
        // folder, with medians: issue 20's side-by-side figures.
        if std::env::var("BENCH_ONLY").as_deref() == Ok("versus") {
            versus(&corpus, addr, shape, &newsboat_ok);
            continue;
        }
        // BENCH_ONLY=cold: the cold run alone (no floor, warm run, split or
        // newsboat), for quick A/B runs of one figure.
        let cold_only = std::env::var("BENCH_ONLY").as_deref() == Ok("cold");
        if cold_only {
            let pg = postgres_database();
            if let Some(url) = &pg {
                empty_postgres(url);
            }
            let load_before = loadavg();
            let (cold, out) = feedsieve(dir.path(), &config);
            let db_mb = match &pg {
                Some(url) => postgres_mb(url),
                None => db_size_mb(dir.path()),
            };
            println!(
                "  cold: {} (built as {} stories) | {cold:?} db {db_mb:.0} MB{} (load average {load_before} → {})",
                out.trim(),
                built_stories(shape),
                if pg.is_some() { " (PostgreSQL)" } else { "" },
                loadavg()
            );
            if pg.is_some() {
                continue;
            }
            if let Some(f) = footprint(&corpus, shape, dir.path()) {
                println!("{f}");
            }
            if std::env::var("BENCH_STEADY").as_deref() == Ok("1") {
                steady_state(&corpus, shape, dir.path(), &config);
            }
            // BENCH_KEEP=1: the directory stays, for runs by hand against its database.
            if std::env::var("BENCH_KEEP").as_deref() == Ok("1") {
                println!("  kept {}", dir.keep().display());
            }
            continue;
        }
        let fl = floor(&corpus, shape);
        let floor_secs = fl.parse + fl.insert;
        let clean_secs = fl.clean_per_entry * total;
        println!(
            "  floor: {:.0} MB of feeds; parse {:.2} s ({:.0} MB/s), bare batched inserts {:.2} s \
             ({:.0} rows/s); cleaner alone ≈ {:.2} s ({:.2} ms/entry, sampled)",
            fl.mb,
            fl.parse,
            fl.mb / fl.parse,
            fl.insert,
            total / fl.insert,
            clean_secs,
            fl.clean_per_entry * 1e3
        );

        let load_before = loadavg();
        let (cold, out) = feedsieve(dir.path(), &config);
        let db_mb = db_size_mb(dir.path());
        println!("  cold: {} | {cold:?} db {db_mb:.0} MB", out.trim());
        if let Some(f) = footprint(&corpus, shape, dir.path()) {
            println!("{f}");
        }
        let index_secs = index_seconds(&out);
        let (warm, out) = feedsieve(dir.path(), &config);
        println!(
            "  warm: {} | {warm:?}  (load average {})",
            out.trim(),
            loadavg()
        );

        // The split needs a second full ingest; at 10,000 feeds that doubles a
        // long run, so only on request there.
        let split_all = std::env::var("BENCH_SPLIT_ALL").as_deref() == Ok("1");
        let (lib_wall, s) = if n <= 2_000 || split_all {
            library_run(dir.path(), &config)
        } else {
            println!("  library split skipped above 2,000 feeds (BENCH_SPLIT_ALL=1 runs it)");
            (0.0, Default::default())
        };
        let st = s.stages;
        let parts = [
            ("fetch", st.fetch),
            ("parse", st.parse),
            ("clean", st.clean),
            ("dedup", st.dedup),
            ("store", st.store),
        ];
        let busy: f64 = parts.iter().map(|(_, d)| d.as_secs_f64()).sum();
        let mut split: Vec<String> = if busy == 0.0 {
            vec!["not measured".into()]
        } else {
            parts
                .iter()
                .map(|(name, d)| format!("{name} {:.0}%", 100.0 * d.as_secs_f64() / busy))
                .collect()
        };
        if let Some(secs) = index_secs {
            split.push(format!("then search index {secs:.1} s"));
        }
        println!(
            "  library: {:.2} s wall, {} new entries; stage seconds summed over feeds: fetch {:.2}, parse {:.2}, \
             clean {:.2}, dedup {:.2}, store {:.2} (+ waiting for the writer {:.2})",
            lib_wall,
            s.inserted,
            st.fetch.as_secs_f64(),
            st.parse.as_secs_f64(),
            st.clean.as_secs_f64(),
            st.dedup.as_secs_f64(),
            st.store.as_secs_f64(),
            st.store_wait.as_secs_f64()
        );

        let nb = match (&newsboat_ok, n <= 2_000) {
            (Ok(()), true) => {
                let nb_dir = tempfile::tempdir().expect("tempdir");
                let p = newsboat(nb_dir.path(), addr, shape);
                if let Some(p) = p {
                    println!("  newsboat: {p:?}");
                }
                p
            }
            _ => None,
        };
        let _ = writeln!(
            table,
            "| {n} × {entries} | {:.1} s | {:.0} | {:.1} s | {:.0} MB | {:.0} MB | {} | {:.2}× ({:.1} s) | {:.2}× ({:.1} s) | {:.2} s, {:.2} ms CPU/feed ({:.0} feeds/s) | {} | {} → {} |",
            cold.wall,
            total / cold.wall,
            cold.cpu,
            cold.rss_mb,
            db_mb,
            split.join(", "),
            cold.wall / floor_secs,
            floor_secs,
            cold.wall / (floor_secs + clean_secs),
            floor_secs + clean_secs,
            warm.cpu,
            warm.cpu * 1e3 / n as f64,
            n as f64 / warm.wall,
            nb.map_or("—".to_string(), |p| format!(
                "{:.1} s, {:.0} MB ({:.2}× feedsieve's wall)",
                p.wall,
                p.rss_mb,
                p.wall / cold.wall
            )),
            load_before,
            loadavg(),
        );
        // Each row as soon as it is measured: a later size may not finish.
        println!("  row: {}", table.lines().last().unwrap_or(""));
    }
    println!(
        "\n| feeds × entries | cold wall | entries/s | cold CPU | peak RSS | db size | stage split (summed over feeds) | wall ÷ floor (parse + inserts) | wall ÷ floor incl. cleaner | warm poll (all 304) | newsboat cold | load average |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|\n{table}"
    );
}
