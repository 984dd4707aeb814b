//! The read commands' statements on PostgreSQL: the `feeds` overview, the
//! story list, the merged feed's rows and the ranked full-text query. Each
//! returns the same rows, in the same order, as its SQLite counterpart in
//! `store/` (texts that order rows compare byte-wise, `COLLATE "C"`, as
//! SQLite's do). It only reads; the store's functions choose the engine.

use postgres::Client;
use postgres::types::ToSql;

use super::PgError;
use crate::search::{Op, Part, SearchHit};
use crate::store::{CopyRow, EnclosureRow, FeedOverview, StoryRow, stories::StorySummary};

/// SQLite's `LIMIT -1` (no limit) is PostgreSQL's `LIMIT NULL`.
fn limit(n: i64) -> Option<i64> {
    (n >= 0).then_some(n)
}

/// The overview `feedsieve feeds` prints (`Store::feed_overview`).
pub(crate) fn feed_overview(client: &mut Client) -> Result<Vec<FeedOverview>, PgError> {
    let rows = client.query(
        "SELECT f.id, f.url, f.fetch_url, COALESCE(f.name, f.title) AS name, f.enabled,
                f.last_fetched_at, f.last_status, f.last_error,
                CASE WHEN f.enabled THEN f.next_fetch_at END AS next_fetch_at,
                (SELECT COUNT(*) FROM entries e WHERE e.feed_id = f.id) AS entries,
                f.category,
                (SELECT COUNT(*) FROM filtered_entries d WHERE d.feed_id = f.id) AS filtered,
                (SELECT COUNT(*) FROM entries e
                 WHERE e.feed_id = f.id AND e.text_source = 'page') AS pages_fetched,
                (SELECT COUNT(*) FROM entries e
                 WHERE e.feed_id = f.id AND e.page_error IS NOT NULL) AS pages_failed
         FROM feeds f ORDER BY f.enabled DESC, f.id",
        &[],
    )?;
    rows.iter()
        .map(|row| {
            Ok(FeedOverview {
                id: row.try_get(0)?,
                url: row.try_get(1)?,
                fetch_url: row.try_get(2)?,
                name: row.try_get(3)?,
                enabled: row.try_get(4)?,
                last_fetched_at: row.try_get(5)?,
                last_status: row.try_get(6)?,
                last_error: row.try_get(7)?,
                next_fetch_at: row.try_get(8)?,
                entries: row.try_get(9)?,
                category: row.try_get(10)?,
                filtered: row.try_get(11)?,
                pages_fetched: row.try_get(12)?,
                pages_failed: row.try_get(13)?,
            })
        })
        .collect()
}

/// Stories first seen at or after `since` ("" for all), newest first, at
/// most `limit` (`stories::list_stories_limited`).
pub(crate) fn stories(
    client: &mut Client,
    since: &str,
    limit: Option<i64>,
) -> Result<Vec<StorySummary>, PgError> {
    let limit = limit.and_then(self::limit);
    let rows = client.query(
        "SELECT s.id, s.title, s.url, s.canonical_entry_id, s.first_seen_at, s.updated_at,
                (SELECT c.published_at FROM entries c WHERE c.id = s.canonical_entry_id),
                COUNT(e.id),
                array_agg(DISTINCT COALESCE(f.name, f.title, f.url))
         FROM stories s
         JOIN entries e ON e.story_id = s.id
         JOIN feeds f ON f.id = e.feed_id
         WHERE s.first_seen_at COLLATE \"C\" >= $1
         GROUP BY s.id
         ORDER BY s.first_seen_at COLLATE \"C\" DESC, s.id DESC
         LIMIT $2",
        &[&since, &limit],
    )?;
    rows.iter()
        .map(|row| {
            let mut feeds: Vec<String> = row.try_get(8)?;
            feeds.sort();
            Ok(StorySummary {
                id: row.try_get(0)?,
                title: row.try_get(1)?,
                url: row.try_get(2)?,
                canonical_entry_id: row.try_get(3)?,
                first_seen_at: row.try_get(4)?,
                updated_at: row.try_get(5)?,
                published_at: row.try_get(6)?,
                copies: row.try_get(7)?,
                feeds,
            })
        })
        .collect()
}

/// The merged feed's stories (`Store::story_rows`).
pub(crate) fn story_rows(
    client: &mut Client,
    from: &str,
    category: Option<&str>,
    limit: i64,
) -> Result<Vec<StoryRow>, PgError> {
    let rows = client.query(
        "SELECT s.id, s.canonical_entry_id, COALESCE(s.title, e.title) AS title,
                COALESCE(s.url, e.url) AS url, s.first_seen_at, s.updated_at,
                e.content_html, e.published_at, e.author
         FROM stories s LEFT JOIN entries e ON e.id = s.canonical_entry_id
         WHERE s.first_seen_at COLLATE \"C\" >= $1
           AND ($2::text IS NULL OR EXISTS (
                SELECT 1 FROM entries c JOIN feeds f ON f.id = c.feed_id
                WHERE c.story_id = s.id
                  AND (f.category = $2 OR left(f.category, length($2) + 1) = $2 || '/')))
         ORDER BY s.first_seen_at COLLATE \"C\" DESC, s.id DESC
         LIMIT $3",
        &[&from, &category, &self::limit(limit)],
    )?;
    rows.iter()
        .map(|row| {
            Ok(StoryRow {
                id: row.try_get(0)?,
                canonical_entry_id: row.try_get(1)?,
                title: row.try_get(2)?,
                url: row.try_get(3)?,
                first_seen_at: row.try_get(4)?,
                updated_at: row.try_get(5)?,
                content_html: row.try_get(6)?,
                published_at: row.try_get(7)?,
                author: row.try_get(8)?,
            })
        })
        .collect()
}

/// Every copy of the stories first seen at or after `from` (`Store::copy_rows`).
pub(crate) fn copy_rows(client: &mut Client, from: &str) -> Result<Vec<CopyRow>, PgError> {
    let rows = client.query(
        "SELECT e.story_id, e.id AS entry_id, e.url AS entry_url,
                COALESCE(f.name, f.title, f.url) AS feed_name, f.site_url
         FROM entries e
         JOIN feeds f ON f.id = e.feed_id
         JOIN stories s ON s.id = e.story_id
         WHERE s.first_seen_at COLLATE \"C\" >= $1
         ORDER BY e.story_id, e.fetched_at COLLATE \"C\", e.id",
        &[&from],
    )?;
    rows.iter()
        .map(|row| {
            Ok(CopyRow {
                story_id: row.try_get(0)?,
                entry_id: row.try_get(1)?,
                entry_url: row.try_get(2)?,
                feed_name: row.try_get(3)?,
                site_url: row.try_get(4)?,
            })
        })
        .collect()
}

/// The canonical copies' enclosures (`Store::enclosure_rows`).
pub(crate) fn enclosure_rows(
    client: &mut Client,
    from: &str,
) -> Result<Vec<EnclosureRow>, PgError> {
    let rows = client.query(
        "SELECT s.id AS story_id, x.url, x.type AS mime_type, x.length
         FROM stories s JOIN entry_enclosures x ON x.entry_id = s.canonical_entry_id
         WHERE s.first_seen_at COLLATE \"C\" >= $1
         ORDER BY s.id, x.position",
        &[&from],
    )?;
    rows.iter()
        .map(|row| {
            Ok(EnclosureRow {
                story_id: row.try_get(0)?,
                url: row.try_get(1)?,
                mime_type: row.try_get(2)?,
                length: row.try_get(3)?,
            })
        })
        .collect()
}

/// `ts_headline`'s options: about 30 words around the terms, each in
/// \[brackets\], as the SQLite path's snippet marks them.
const HEADLINE: &str = "StartSel=[, StopSel=], MaxWords=30, MinWords=15, ShortWord=0";

/// The stories whose canonical copy matches `query`, best first (score:
/// `-ts_rank`, so lower is better, as SQLite's bm25 reports it), with a
/// `ts_headline` snippet of the copy's text.
pub(crate) fn search(
    client: &mut Client,
    query: &[Part],
    limit: i64,
) -> Result<Vec<SearchHit>, PgError> {
    let tsquery = tsquery(query, &fold(client, query)?);
    let limit = self::limit(limit);
    let params: [&(dyn ToSql + Sync); 3] = [&tsquery, &limit, &HEADLINE];
    let rows = client.query(
        "SELECT h.story_id, h.title, h.url, h.first_seen_at, h.published_at, h.score, h.copies,
                ts_headline('simple', h.body, h.q, $3)
         FROM (SELECT s.id AS story_id, s.title, s.url, s.first_seen_at, e.published_at,
                      -- ts_rank's weights for D, C, B, A: titles (A) weigh ten times
                      -- the text (B), as in SQLite's bm25(story_search, 10.0, 1.0).
                      -ts_rank('{0.1, 0.1, 0.1, 1.0}', e.search_vector, q)::float8 AS score,
                      (SELECT COUNT(*) FROM entries c WHERE c.story_id = s.id) AS copies,
                      left(coalesce(e.content_text, ''), 262144) AS body, q
               FROM to_tsquery('simple', $1) AS q,
                    stories s JOIN entries e ON e.id = s.canonical_entry_id
               WHERE e.search_vector @@ q
               ORDER BY score, s.id
               LIMIT $2) AS h
         ORDER BY h.score, h.story_id",
        &params,
    )?;
    rows.iter()
        .map(|row| {
            Ok(SearchHit {
                story_id: row.try_get(0)?,
                title: row.try_get(1)?,
                url: row.try_get(2)?,
                first_seen_at: row.try_get(3)?,
                published_at: row.try_get(4)?,
                score: row.try_get(5)?,
                copies: row.try_get(6)?,
                snippet: row.try_get(7)?,
                body: None,
            })
        })
        .collect()
}

/// Every word and phrase of the query as `entries.search_vector` reads text
/// (`feedsieve_search_text`, migration 0002: accents folded, `-`, `+`, `.`,
/// `/`, `@`, `<`, `>` and `&` as spaces), in the query's order. The server folds them, with the
/// very function the index uses, so both sides always agree: unaccent's rules
/// are the server's, and a copy of them here could drift. Folding can yield
/// quotes ('’' is `'`), so it happens before [`tsquery`] escapes the terms.
fn fold(client: &mut Client, parts: &[Part]) -> Result<Vec<String>, PgError> {
    let terms: Vec<&str> = parts
        .iter()
        .filter_map(|part| match part {
            Part::Word { text, .. } | Part::Phrase(text) => Some(text.as_str()),
            Part::Op(_) => None,
        })
        .collect();
    let row = client.query_one(
        "SELECT coalesce(array_agg(feedsieve_search_text(t) ORDER BY i), '{}')
         FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i)",
        &[&terms],
    )?;
    Ok(row.try_get(0)?)
}

/// The parsed query as `to_tsquery` text, with FTS5's meaning: terms side by
/// side must all match (`&`), `OR` is `|`, `a NOT b` is `a & !b` (tsquery's
/// precedence, `!` over `&` over `|`, is FTS5's), a phrase or a word the
/// parser splits ("covid-19") is a quoted lexeme whose tokens must follow
/// each other, `word*` a prefix (`:*`). `folded` holds the words and phrases
/// as [`fold`] returned them, in order (a term it lacks is taken as written).
pub(crate) fn tsquery(parts: &[Part], folded: &[String]) -> String {
    let quote = |text: &str, prefix: bool| {
        let escaped = text.replace('\\', "\\\\").replace('\'', "''");
        format!("'{escaped}'{}", if prefix { ":*" } else { "" })
    };
    let mut folded = folded.iter();
    let mut term = |text: &str| folded.next().map_or(text.to_string(), String::clone);
    let mut out = String::new();
    let mut after_term = false;
    for part in parts {
        match part {
            Part::Word { text, prefix } => {
                if after_term {
                    out.push_str(" & ");
                }
                out.push_str(&quote(&term(text), *prefix));
                after_term = true;
            }
            Part::Phrase(text) => {
                if after_term {
                    out.push_str(" & ");
                }
                out.push_str(&quote(&term(text), false));
                after_term = true;
            }
            Part::Op(op) => {
                out.push_str(match op {
                    Op::And => " & ",
                    Op::Or => " | ",
                    Op::Not => " & !",
                });
                after_term = false;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_keep_their_fts5_meaning_as_tsquery_text() {
        let parse = |q: &str| crate::search::parse_query(q).unwrap_or_default();
        let as_written = |q: &str| tsquery(&parse(q), &[]);
        assert_eq!(as_written("parking garages"), "'parking' & 'garages'");
        assert_eq!(
            as_written("\"city council\" OR mayor"),
            "'city council' | 'mayor'"
        );
        assert_eq!(as_written("garage* NOT mall"), "'garage':* & !'mall'");
        assert_eq!(as_written("a\\b AND c"), "'a\\\\b' & 'c'");
    }

    #[test]
    fn folded_terms_replace_the_written_ones_in_order_and_are_escaped() {
        let parts = crate::search::parse_query("Café* OR \"New York-listed\" NOT l’Oréal")
            .unwrap_or_default();
        let folded = ["Cafe", "New York listed", "l'Oreal"].map(String::from);
        assert_eq!(
            tsquery(&parts, &folded),
            "'Cafe':* | 'New York listed' & !'l''Oreal'"
        );
    }
}
