//! Which full-text index design costs ingest least? Writes the same real
//! article text (ground-truth bodies from ../shared) in per-feed transactions
//! of 50 rows, as the daemon does, with each FTS5 design, and prints rows/s
//! as a ratio to the same writes without any full-text index, measured in
//! the same run.
//!
//! Run: cargo bench --bench fts

use std::time::Instant;

use rusqlite::Connection;

const ROWS: usize = 20_000;
const PER_TXN: usize = 50;

#[path = "../tests/support/shared.rs"]
mod shared;
use shared::shared_dir;

fn bodies() -> Vec<(String, String)> {
    let path = shared_dir().join("bench-data/article-extraction-benchmark/ground-truth.json");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("ground-truth.json")).expect("json");
    json.as_object()
        .expect("object")
        .values()
        .filter_map(|v| v["articleBody"].as_str())
        .map(|body| {
            let title: String = body
                .split_whitespace()
                .take(8)
                .collect::<Vec<_>>()
                .join(" ");
            (title, body.to_string())
        })
        .collect()
}

const SCHEMA: &str = "CREATE TABLE entries (id INTEGER PRIMARY KEY, feed_id INTEGER, guid TEXT, title TEXT, content_text TEXT, UNIQUE(feed_id, guid));";

struct Design {
    name: &'static str,
    setup: &'static str,
    /// Run after each per-feed transaction's inserts, inside it (?1, ?2: first and last id).
    per_txn: Option<&'static str>,
    /// Run once every `every` rows in its own transaction (deferred indexing).
    deferred: Option<(&'static str, usize)>,
}

/// Statements are prepared once per connection (`prepare_cached`), as the
/// daemon's are.
fn run(design: &Design, data: &[(String, String)]) -> f64 {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut conn = Connection::open(dir.path().join("b.db")).expect("connect");
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .expect("WAL");
    conn.pragma_update(None, "synchronous", "NORMAL")
        .expect("synchronous");
    conn.execute_batch(SCHEMA).expect("schema");
    if !design.setup.is_empty() {
        conn.execute_batch(design.setup).expect("setup");
    }
    let start = Instant::now();
    let mut id = 0i64;
    let mut indexed_up_to = 0i64;
    for chunk in 0..ROWS / PER_TXN {
        let tx = conn.transaction().expect("begin");
        let first = id + 1;
        for i in 0..PER_TXN {
            id += 1;
            let (title, body) = &data[(chunk * PER_TXN + i) % data.len()];
            tx.prepare_cached("INSERT INTO entries (id, feed_id, guid, title, content_text) VALUES (?, ?, ?, ?, ?)")
                .and_then(|mut insert| insert.execute((id, chunk as i64, id.to_string(), title, body)))
                .expect("insert");
        }
        if let Some(sql) = design.per_txn {
            tx.prepare_cached(sql)
                .and_then(|mut index| index.execute([first, id]))
                .expect("per txn");
        }
        tx.commit().expect("commit");
        if let Some((sql, every)) = design.deferred
            && (id - indexed_up_to) as usize >= every
        {
            let tx = conn.transaction().expect("begin");
            tx.prepare_cached(sql)
                .and_then(|mut index| index.execute([indexed_up_to + 1, id]))
                .expect("deferred");
            tx.commit().expect("commit");
            indexed_up_to = id;
        }
    }
    ROWS as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let data = bodies();
    let avg = data.iter().map(|(_, b)| b.len()).sum::<usize>() / data.len().max(1);
    println!(
        "fts: {ROWS} rows of real article text (avg {avg} bytes), {PER_TXN} rows per transaction"
    );
    let designs = [
        Design { name: "no full-text index (baseline)", setup: "", per_txn: None, deferred: None },
        Design {
            name: "external content, trigger per row",
            setup: "CREATE VIRTUAL TABLE fts USING fts5(title, content_text, content='entries', content_rowid='id');
                    CREATE TRIGGER ai AFTER INSERT ON entries BEGIN
                      INSERT INTO fts(rowid, title, content_text) VALUES (new.id, new.title, new.content_text); END;",
            per_txn: None,
            deferred: None,
        },
        Design {
            name: "external content, one INSERT…SELECT per feed",
            setup: "CREATE VIRTUAL TABLE fts USING fts5(title, content_text, content='entries', content_rowid='id');",
            per_txn: Some("INSERT INTO fts(rowid, title, content_text) SELECT id, title, content_text FROM entries WHERE id BETWEEN ?1 AND ?2"),
            deferred: None,
        },
        Design {
            name: "external content, deferred batches of 5000",
            setup: "CREATE VIRTUAL TABLE fts USING fts5(title, content_text, content='entries', content_rowid='id');",
            per_txn: None,
            deferred: Some(("INSERT INTO fts(rowid, title, content_text) SELECT id, title, content_text FROM entries WHERE id BETWEEN ?1 AND ?2", 5000)),
        },
        Design {
            name: "external content, trigger, detail=column",
            setup: "CREATE VIRTUAL TABLE fts USING fts5(title, content_text, content='entries', content_rowid='id', detail=column);
                    CREATE TRIGGER ai AFTER INSERT ON entries BEGIN
                      INSERT INTO fts(rowid, title, content_text) VALUES (new.id, new.title, new.content_text); END;",
            per_txn: None,
            deferred: None,
        },
        Design {
            name: "one INSERT…SELECT per feed, tokenize=ascii",
            setup: "CREATE VIRTUAL TABLE fts USING fts5(title, content_text, content='entries', content_rowid='id', tokenize='ascii');",
            per_txn: Some("INSERT INTO fts(rowid, title, content_text) SELECT id, title, content_text FROM entries WHERE id BETWEEN ?1 AND ?2"),
            deferred: None,
        },
        Design {
            name: "one INSERT…SELECT per feed, first 2000 chars",
            setup: "CREATE VIRTUAL TABLE fts USING fts5(title, content_text, content='', contentless_delete=1);",
            per_txn: Some("INSERT INTO fts(rowid, title, content_text) SELECT id, title, substr(content_text, 1, 2000) FROM entries WHERE id BETWEEN ?1 AND ?2"),
            deferred: None,
        },
        Design {
            name: "CHOSEN: external via a view, deferred 5000, 2/3",
            // Issue 20: the index reads the text where it is stored (a view,
            // as story_search_source) instead of keeping its own copy.
            setup: "CREATE VIEW src AS SELECT id, title, content_text FROM entries;
                    CREATE VIRTUAL TABLE fts USING fts5(title, content_text, content='src', content_rowid='id',
                                                        tokenize='unicode61 remove_diacritics 2');",
            per_txn: None,
            deferred: Some(("INSERT INTO fts(rowid, title, content_text) SELECT id, title, content_text FROM src WHERE id BETWEEN ?1 AND ?2 AND id % 3 != 0", 5000)),
        },
        Design {
            name: "before #20: own content, deferred 5000, 2/3",
            setup: "CREATE VIRTUAL TABLE fts USING fts5(title, content_text, tokenize='unicode61 remove_diacritics 2');",
            per_txn: None,
            // Stories, not entries: with a third of entries syndicated copies, about two thirds are indexed.
            deferred: Some(("INSERT INTO fts(rowid, title, content_text) SELECT id, title, content_text FROM entries WHERE id BETWEEN ?1 AND ?2 AND id % 3 != 0", 5000)),
        },
        Design {
            name: "index only a third (canonical copies)",
            setup: "CREATE VIRTUAL TABLE fts USING fts5(title, content_text, content='entries', content_rowid='id');
                    CREATE TRIGGER ai AFTER INSERT ON entries WHEN new.id % 3 = 0 BEGIN
                      INSERT INTO fts(rowid, title, content_text) VALUES (new.id, new.title, new.content_text); END;",
            per_txn: None,
            deferred: None,
        },
    ];
    let mut baseline = 0.0;
    println!("{:<48} {:>10} {:>8}", "design", "rows/s", "ratio");
    for design in &designs {
        let rate = run(design, &data);
        if baseline == 0.0 {
            baseline = rate;
        }
        println!(
            "{:<48} {:>10.0} {:>8.2}",
            design.name,
            rate,
            rate / baseline
        );
    }
}
