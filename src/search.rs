//! Full-text search over stories, ranked with titles weighted, one hit per
//! story: SQLite's FTS5 (bm25) or PostgreSQL's `tsvector` (`ts_rank`), the
//! query parsed here once ([`parse_query`]) and run by `store::search`.
//!
//! On SQLite, writers never touch the index directly: triggers queue changed
//! stories in `search_dirty`, and `index_batch` indexes the queue in large batches:
//! the daemon every few seconds and at the end of `run --once`, through its
//! writer (`Store::catch_up_search`); `search` and other commands before
//! they query, through [`catch_up`], so results are never stale. PostgreSQL
//! keeps its index itself, on every write: nothing is queued there. It never
//! changes entries or stories.

use serde::Serialize;

use crate::store::{Store, StoreError};

/// Stories indexed per transaction while feeds wait for the writer (the
/// daemon's catch-up every few seconds): a batch keeps the write lock for
/// well under a second.
pub const BATCH_BETWEEN_FEEDS: i64 = 2000;
/// Stories indexed per transaction when nothing waits for the writer (the
/// end of `run --once`, commands). FTS5 writes a segment per transaction
/// (or per 32 MB of pending tokens, migration 0009) and merges segments
/// as they pile up: on the 37,250 stories of a 1,000 x 50 bench database,
/// batches of 10,000 with the 32 MB buffer index in 3.6-3.9 s against
/// 5.1-5.4 s for batches of 2,000 with 8 MB (2,000 with 32 MB: 4.8 s;
/// 10,000 with 8 MB: 4.5 s; 20,000 with 64 MB: no better).
pub const BATCH_ALONE: i64 = 10_000;

/// Indexes every queued story; returns how many were (re)indexed. The
/// daemon indexes through its writer instead ([`Store::catch_up_search`]);
/// this is for commands, on a connection of their own.
///
/// [`Store::catch_up_search`]: crate::store::Store::catch_up_search
pub async fn catch_up(store: &Store) -> Result<usize, StoreError> {
    if !store.queues_search() {
        return Ok(0);
    }
    // One connection for every batch, a transaction each.
    crate::store::read_alone(store, |conn| {
        let queued = crate::store::search::queued(conn)?;
        // Small queues (a command after a few new stories) draw nothing.
        let progress = crate::progress::Progress::new("indexing stories for search", queued);
        let mut total = 0;
        loop {
            let indexed = crate::store::immediate(conn, |tx| index_batch(tx, BATCH_ALONE))?;
            if indexed == 0 {
                progress.finish();
                return Ok(total);
            }
            progress.add(indexed as u64);
            total += indexed;
        }
    })
}

/// Empties the index and queues every story for the next [`catch_up`]:
/// before `rededup` rewrites every story, so that its deletes do not each
/// take their story's tokens out of the index one at a time. (PostgreSQL's
/// index follows the rows by itself: nothing to do there.)
pub async fn forget_index(store: &Store) -> Result<(), StoreError> {
    if !store.queues_search() {
        return Ok(());
    }
    crate::store::write_alone(store, |tx| crate::store::search::forget_index(tx))
}

/// Indexes up to `batch` queued stories, inside the caller's write
/// transaction; returns how many (0: the queue is empty).
pub(crate) fn index_batch(conn: &rusqlite::Connection, batch: i64) -> Result<usize, StoreError> {
    crate::store::search::index_batch(conn, batch)
}

/// One search result: a story.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub story_id: i64,
    pub title: Option<String>,
    pub url: Option<String>,
    pub first_seen_at: String,
    /// The canonical copy's own published date, when the feed gave one.
    pub published_at: Option<String>,
    /// The engine's score, lower is better: SQLite's bm25, PostgreSQL's
    /// `-ts_rank` (not comparable between the two).
    pub score: f64,
    pub copies: i64,
    pub snippet: String,
    #[serde(skip)]
    pub(crate) body: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("empty search query")]
    EmptyQuery,
    #[error("invalid search query {query:?}: {message}")]
    BadQuery { query: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Searches titles and cleaned text. `query` is plain words (all must match);
/// `"a phrase"`, `OR`, `NOT` and `prefix*` work as in FTS5, and anything else
/// is taken literally, so "covid-19" or "AT&T" need no escaping.
pub async fn search(store: &Store, query: &str, limit: i64) -> Result<Vec<SearchHit>, SearchError> {
    let parts = parse_query(query).ok_or(SearchError::EmptyQuery)?;
    // A read-only database is searched as indexed: stories the daemon
    // stored since its last indexing pass (within seconds) are not found yet.
    if !store.read_only {
        catch_up(store).await?;
    }
    let hits = crate::store::search::matching(store, &parts, limit).map_err(|e| match e {
        crate::store::search::MatchError::BadQuery(message) => SearchError::BadQuery {
            query: query.to_string(),
            message,
        },
        crate::store::search::MatchError::Store(e) => SearchError::Store(e),
    })?;
    let terms = query_terms(query);
    Ok(hits
        .into_iter()
        .map(|mut hit| {
            // The engine's own snippet when it made one (PostgreSQL's ts_headline).
            if hit.snippet.is_empty() {
                hit.snippet = snippet(hit.body.as_deref().unwrap_or(""), &terms, 30);
            }
            hit.body = None;
            hit
        })
        .collect())
}

/// One piece of a parsed search query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A word, taken literally; `prefix`: it ended in `*`.
    Word { text: String, prefix: bool },
    /// A quoted phrase.
    Phrase(String),
    /// An operator between two terms.
    Op(Op),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    And,
    Or,
    Not,
}

/// Parses user input: quoted phrases stay phrases, `OR`/`NOT`/`AND` between
/// terms stay operators, a trailing `*` makes a prefix, every other word is
/// literal; `None` when no term is left. The store turns it into its
/// engine's query.
pub fn parse_query(input: &str) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    let mut rest = input.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('"') {
            let end = after.find('"').unwrap_or(after.len());
            let phrase = after[..end].trim();
            if !phrase.is_empty() {
                parts.push(Part::Phrase(phrase.replace('"', "")));
            }
            rest = after.get(end + 1..).unwrap_or("").trim_start();
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        rest = rest[end..].trim_start();
        let op = match word {
            "OR" => Some(Op::Or),
            "NOT" => Some(Op::Not),
            "AND" => Some(Op::And),
            _ => None,
        };
        match op {
            // An operator between terms; a dangling one is dropped, not searched for.
            Some(op) => {
                if !parts.is_empty() && !rest.is_empty() {
                    parts.push(Part::Op(op));
                }
            }
            None => {
                let (stem, prefix) = match word.strip_suffix('*') {
                    Some(stem) if !stem.is_empty() => (stem, true),
                    _ => (word, false),
                };
                let text = stem.replace('"', "");
                if text.chars().any(char::is_alphanumeric) {
                    parts.push(Part::Word { text, prefix });
                }
            }
        }
    }
    // A query that ended in an operator, or was all punctuation, has no terms.
    while matches!(parts.last(), Some(Part::Op(_))) {
        parts.pop();
    }
    (!parts.is_empty()).then_some(parts)
}

/// Turns user input into an FTS5 expression: words are quoted (so
/// punctuation is literal), quoted phrases stay phrases, `OR`/`NOT`/`AND`
/// stay operators, a trailing `*` stays a prefix search.
pub fn to_fts_query(input: &str) -> Option<String> {
    parse_query(input).map(|parts| fts_expression(&parts))
}

/// A parsed query as an FTS5 expression.
pub(crate) fn fts_expression(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|part| match part {
            Part::Word { text, prefix } => format!("\"{text}\"{}", if *prefix { "*" } else { "" }),
            Part::Phrase(text) => format!("\"{text}\""),
            Part::Op(Op::And) => "AND".to_string(),
            Part::Op(Op::Or) => "OR".to_string(),
            Part::Op(Op::Not) => "NOT".to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn query_terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(*w, "OR" | "NOT" | "AND"))
        .map(str::to_lowercase)
        .collect()
}

/// About `words` words of `body` around the first query term, the terms in
/// \[brackets\].
pub fn snippet(body: &str, terms: &[String], words: usize) -> String {
    let tokens: Vec<&str> = body.split_whitespace().collect();
    let is_term = |token: &str| {
        let bare: String = token
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        !bare.is_empty() && terms.iter().any(|t| bare.starts_with(t.as_str()))
    };
    let first = tokens.iter().position(|t| is_term(t)).unwrap_or(0);
    let start = first.saturating_sub(words / 3);
    let end = (start + words).min(tokens.len());
    let mut out: Vec<String> = tokens[start..end]
        .iter()
        .map(|t| {
            if is_term(t) {
                format!("[{t}]")
            } else {
                t.to_string()
            }
        })
        .collect();
    if start > 0 {
        out.insert(0, "…".into());
    }
    if end < tokens.len() {
        out.push("…".into());
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_queries_become_safe_fts_expressions() {
        assert_eq!(
            to_fts_query("parking garages").as_deref(),
            Some("\"parking\" \"garages\"")
        );
        assert_eq!(
            to_fts_query("covid-19 AT&T").as_deref(),
            Some("\"covid-19\" \"AT&T\"")
        );
        assert_eq!(
            to_fts_query("\"city council\" OR mayor").as_deref(),
            Some("\"city council\" OR \"mayor\"")
        );
        assert_eq!(to_fts_query("garage*").as_deref(), Some("\"garage\"*"));
        assert_eq!(to_fts_query("OR mayor OR").as_deref(), Some("\"mayor\""));
        assert_eq!(to_fts_query(" -- ** "), None);
        assert_eq!(
            to_fts_query("\"unclosed phrase").as_deref(),
            Some("\"unclosed phrase\"")
        );
    }

    #[test]
    fn snippets_centre_on_the_first_term() {
        let body = (1..=100)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ")
            + " garages here";
        let s = snippet(&body, &["garages".into()], 12);
        assert!(s.contains("[garages]"), "{s}");
        assert!(s.starts_with('…'), "{s}");
        assert_eq!(snippet("short text", &["absent".into()], 12), "short text");
    }
}
