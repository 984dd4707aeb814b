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
    // Measured 2026-12-05: wellformed 1749/1749, entities 253/256 (the other
    // three are truncated documents), illformed 15/19, encoding 82/82 (before
    // UTF-32, BOM-less UTF-16, <rss> without <channel>, other RSS versions,
    // CDF and Atom MIME text types were read: 1706, 253, 14, 41).
    for (dir, at_least) in [
        ("wellformed", 1749),
        ("entities", 253),
        ("illformed", 15),
        ("encoding", 82),
    ] {
        let (docs, parsed) = parse_all(&corpus.join(dir));
        assert!(
            parsed >= at_least,
            "{dir}: {parsed} of {docs} parsed, expected at least {at_least}"
        );
    }
}

/// The HTTP Content-Type a case of the suite is meant to be served with
/// (its `Header: Content-type: …` line), read from the leading comment.
fn served_content_type(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    let comment = head.split("-->").next()?;
    comment.lines().find_map(|line| {
        let header = line.trim().strip_prefix("Header:")?.trim();
        let (name, value) = header.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-type")
            .then(|| value.trim().to_string())
    })
}

/// Every well-formed and encoding case of feedparser's suite parses, with
/// the Content-Type it is meant to be served with (those without entries
/// as an empty feed, not an error), and no case of the whole suite panics
/// inside the parser (a caught panic still printed a backtrace into the log).
#[test]
fn every_wellformed_and_encoding_case_parses_and_none_panics() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    let corpus = shared::shared_dir().join("bench-data/feedparser-tests");
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {
        PANICS.fetch_add(1, Ordering::SeqCst);
    }));
    let mut failures = Vec::new();
    let (mut docs, mut with_entries, mut without) = (0, 0, 0);
    for dir in ["wellformed", "encoding", "illformed", "entities"] {
        let must_parse = matches!(dir, "wellformed" | "encoding");
        for path in files(&corpus.join(dir)) {
            let bytes = std::fs::read(&path).unwrap();
            let before = PANICS.load(Ordering::SeqCst);
            let result =
                feedsieve::parse::parse(&bytes, served_content_type(&bytes).as_deref(), None);
            if PANICS.load(Ordering::SeqCst) != before {
                failures.push(format!("{}: panicked", path.display()));
            }
            if !must_parse {
                continue;
            }
            docs += 1;
            match result {
                Ok(feed) if feed.entries.is_empty() => without += 1,
                Ok(_) => with_entries += 1,
                Err(e) => failures.push(format!("{}: {e}", path.display())),
            }
        }
    }
    std::panic::set_hook(previous);
    eprintln!(
        "{docs} documents: {with_entries} with entries, {without} feeds without entries, {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {docs} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
