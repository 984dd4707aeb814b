//! The parser against feedparser's 2,100-document test corpus (in
//! ../shared): nothing may panic, and the share of documents read must not
//! fall below what it is today (a regression guard for the repairs in
//! `parse`: bare ampersands, HTML entities, `<rss>` without a version,
//! numeric JSON Feed ids).

use std::path::{Path, PathBuf};

#[path = "support/shared.rs"]
mod shared;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// (documents, parsed) for one folder of the corpus.
fn parse_all(dir: &Path) -> (usize, usize) {
    let docs = files(dir);
    let parsed = docs
        .iter()
        .filter(|path| feedsieve::parse::parse(&std::fs::read(path).unwrap(), None, None).is_ok())
        .count();
    (docs.len(), parsed)
}

#[test]
fn the_feedparser_corpus_parses_without_panics() {
    let corpus = shared::shared_dir().join("bench-data/feedparser-tests");
    assert!(
        corpus.is_dir(),
        "{} not found; set FEEDSIEVE_SHARED",
        corpus.display()
    );
    // Measured 2026-11-28: wellformed 1706/1749, entities 253/256 (the other
    // three are truncated documents), illformed 14/19, encoding 41/82 (most
    // of the rest have no <channel>, or are UTF-32, which no WHATWG decoder reads).
    for (dir, at_least) in [
        ("wellformed", 1700),
        ("entities", 253),
        ("illformed", 14),
        ("encoding", 41),
    ] {
        let (docs, parsed) = parse_all(&corpus.join(dir));
        assert!(
            parsed >= at_least,
            "{dir}: {parsed} of {docs} parsed, expected at least {at_least}"
        );
    }
}
