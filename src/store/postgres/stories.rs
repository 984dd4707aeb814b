//! PostgreSQL's statements for the stories and what the de-duplicator reads
//! and records: story rows kept in step with their entries, merges, entries'
//! stories and analyses, the candidate rows and the window read at start,
//! and `meta`. Each does what its SQLite counterpart in `store/stories.rs` or
//! `store/mod.rs` does, with the same rows in the same order (texts that
//! order rows compare byte-wise, `COLLATE "C"`, and NULLs sort as SQLite's
//! do). It decides nothing; the store's functions choose the engine.

use postgres::Row;

use super::{Lent, PgError};
use crate::store::stories::{
    ChangesRead, MatchRow, PlacedRow, StoredAnalysis, StoryRow, TextRead, WindowChange, WindowRow,
};

/// The database's write lock: the advisory lock every writing transaction
/// takes first and holds to its commit (`Pool::write`), so that writers take
/// turns, as SQLite's one writer does, and the largest ids a writer reads
/// stay free until it commits (see [`super::entries::reserve_ids`]). An
/// arbitrary constant: "feedsieve ids" in ASCII, cut.
pub(super) const WRITE_LOCK: i64 = 0x6665_6564_6964_7300;

/// SQLite's `stories::CANONICAL_ORDER` (which see): PostgreSQL sorts NULLs
/// last in ascending order and first in descending, SQLite the other way.
const CANONICAL_ORDER: &str = "published_at IS NULL, published_at COLLATE \"C\",
     COALESCE((SELECT chars FROM entry_shingles WHERE entry_id = entries.id),
              length(content_text)) DESC NULLS LAST,
     url COLLATE \"C\" NULLS FIRST, guid COLLATE \"C\", feed_id, id";

/// `stories::refresh_if_any`'s statement.
fn refresh_statement() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "UPDATE stories SET canonical_entry_id = c.id, title = c.title, url = c.url,
                    first_seen_at = agg.first_seen, updated_at = agg.updated
             FROM (SELECT id, title, url FROM entries WHERE story_id = $1
                   ORDER BY {CANONICAL_ORDER} LIMIT 1) AS c,
                  (SELECT MIN(fetched_at COLLATE \"C\") AS first_seen,
                          MAX(changed_at COLLATE \"C\") AS updated
                   FROM entries WHERE story_id = $1) AS agg
             WHERE stories.id = $1
             RETURNING canonical_entry_id"
        )
    })
}

pub(crate) fn refresh_if_any(pg: &Lent, story: i64) -> Result<Option<Option<i64>>, PgError> {
    pg.with(|s| {
        let update = s.prepare(refresh_statement())?;
        match s.client.query_opt(&update, &[&story])? {
            Some(row) => Ok(Some(row.try_get(0)?)),
            None => Ok(None),
        }
    })
}

/// `stories::refresh_gained`.
pub(crate) fn refresh_gained(pg: &Lent, story: i64, gained: i64) -> Result<(), PgError> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        format!(
            "UPDATE stories SET canonical_entry_id = c.id, title = c.title, url = c.url,
                    first_seen_at = LEAST(stories.first_seen_at COLLATE \"C\", n.fetched_at),
                    updated_at = GREATEST(stories.updated_at COLLATE \"C\", n.changed_at)
             FROM (SELECT id, title, url FROM entries
                   WHERE id IN ($2, (SELECT canonical_entry_id FROM stories WHERE id = $1))
                     AND story_id = $1
                   ORDER BY {CANONICAL_ORDER} LIMIT 1) AS c,
                  (SELECT fetched_at, changed_at FROM entries
                   WHERE id = $2 AND story_id = $1) AS n
             WHERE stories.id = $1"
        )
    });
    pg.with(|s| {
        let update = s.prepare(sql)?;
        s.client.execute(&update, &[&story, &gained])?;
        Ok(())
    })
}

pub(crate) fn delete_story(pg: &Lent, story: i64) -> Result<(), PgError> {
    pg.with(|s| {
        let delete = s.prepare("DELETE FROM stories WHERE id = $1")?;
        s.client.execute(&delete, &[&story])?;
        Ok(())
    })
}

pub(crate) fn insert_story(pg: &Lent, id: Option<i64>, row: &StoryRow) -> Result<i64, PgError> {
    // The next id as SQLite gives it (max + 1), never the identity's
    // sequence, which the ids given out by hand leave behind; the caller's
    // transaction holds the write lock.
    pg.with(|s| {
        let insert = s.prepare(
            "INSERT INTO stories (id, canonical_entry_id, title, url, first_seen_at, updated_at)
             VALUES (COALESCE($1, (SELECT COALESCE(MAX(id), 0) + 1 FROM stories)),
                     $2, $3, $4, $5, $6)
             RETURNING id",
        )?;
        s.client
            .query_one(
                &insert,
                &[
                    &id,
                    &row.canonical,
                    &row.title,
                    &row.url,
                    &row.first_seen_at,
                    &row.updated_at,
                ],
            )?
            .try_get(0)
    })
}

pub(crate) fn set_entry_story(
    pg: &Lent,
    entry: i64,
    simhash: i64,
    story: i64,
) -> Result<(), PgError> {
    pg.with(|s| {
        let update = s.prepare("UPDATE entries SET simhash = $1, story_id = $2 WHERE id = $3")?;
        s.client.execute(&update, &[&simhash, &story, &entry])?;
        Ok(())
    })
}

pub(crate) fn save_analysis(pg: &Lent, entry: i64, stored: &StoredAnalysis) -> Result<(), PgError> {
    pg.with(|s| {
        // Both tables in one statement: a round trip fewer for every entry.
        let upsert = s.prepare(
            "WITH anchors AS (
                INSERT INTO entry_anchors (entry_id, anchors) VALUES ($1, $2)
                ON CONFLICT (entry_id) DO UPDATE SET anchors = excluded.anchors)
             INSERT INTO entry_shingles (entry_id, words, chars, shingles, facts)
             VALUES ($1, $3, $4, $5, $6)
             ON CONFLICT (entry_id) DO UPDATE SET
                words = excluded.words, chars = excluded.chars, shingles = excluded.shingles,
                facts = excluded.facts",
        )?;
        s.client.execute(
            &upsert,
            &[
                &entry,
                &stored.anchors,
                &stored.words,
                &stored.chars,
                &stored.shingles,
                &stored.facts,
            ],
        )?;
        Ok(())
    })
}

pub(crate) fn forget_stories(pg: &Lent) -> Result<Vec<i64>, PgError> {
    pg.with(|s| {
        s.client.batch_execute(
            "UPDATE entries SET story_id = NULL, simhash = NULL;
             DELETE FROM stories;
             DELETE FROM entry_anchors;
             DELETE FROM entry_shingles;",
        )?;
        s.client
            .query(
                "SELECT id FROM entries ORDER BY fetched_at COLLATE \"C\", id",
                &[],
            )?
            .iter()
            .map(|row| row.try_get(0))
            .collect()
    })
}

pub(crate) fn count(pg: &Lent) -> Result<i64, PgError> {
    pg.with(|s| {
        s.client
            .query_one("SELECT COUNT(*) FROM stories", &[])?
            .try_get(0)
    })
}

pub(crate) fn meta_value(pg: &Lent, key: &str) -> Result<Option<String>, PgError> {
    pg.with(|s| {
        let select = s.prepare("SELECT value FROM meta WHERE key = $1")?;
        s.client
            .query_opt(&select, &[&key])?
            .map(|row| row.try_get(0))
            .transpose()
    })
}

pub(crate) fn set_meta(pg: &Lent, key: &str, value: &str) -> Result<(), PgError> {
    pg.with(|s| {
        let upsert = s.prepare(
            "INSERT INTO meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )?;
        s.client.execute(&upsert, &[&key, &value])?;
        Ok(())
    })
}

pub(crate) fn any_entries(pg: &Lent) -> Result<bool, PgError> {
    pg.with(|s| {
        s.client
            .query_one("SELECT EXISTS (SELECT 1 FROM entries)", &[])?
            .try_get(0)
    })
}

pub(crate) fn merge_stories(pg: &Lent, from: i64, into: i64, at: &str) -> Result<(), PgError> {
    pg.with(|s| {
        let entries = s.prepare("UPDATE entries SET story_id = $2 WHERE story_id = $1")?;
        s.client.execute(&entries, &[&from, &into])?;
        let earlier = s.prepare("UPDATE story_merges SET into_id = $2 WHERE into_id = $1")?;
        s.client.execute(&earlier, &[&from, &into])?;
        let record = s.prepare(
            "INSERT INTO story_merges (story_id, into_id, merged_at) VALUES ($1, $2, $3)
             ON CONFLICT (story_id) DO UPDATE SET into_id = excluded.into_id,
                merged_at = excluded.merged_at",
        )?;
        s.client.execute(&record, &[&from, &into, &at])?;
        let delete = s.prepare("DELETE FROM stories WHERE id = $1")?;
        s.client.execute(&delete, &[&from])?;
        Ok(())
    })
}

pub(crate) fn forget_story_merges(pg: &Lent) -> Result<(), PgError> {
    pg.with(|s| s.client.batch_execute("DELETE FROM story_merges"))
}

pub(crate) fn story_has_others(pg: &Lent, story: i64, entry: i64) -> Result<bool, PgError> {
    pg.with(|s| {
        let select =
            s.prepare("SELECT EXISTS (SELECT 1 FROM entries WHERE story_id = $1 AND id <> $2)")?;
        s.client.query_one(&select, &[&story, &entry])?.try_get(0)
    })
}

pub(crate) fn entry_story(pg: &Lent, entry: i64) -> Result<Option<(Option<i64>, String)>, PgError> {
    pg.with(|s| {
        let select = s.prepare("SELECT story_id, changed_at FROM entries WHERE id = $1")?;
        s.client
            .query_opt(&select, &[&entry])?
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .transpose()
    })
}

/// The query of [`match_rows`], reading the text with `$text`.
macro_rules! match_rows_sql {
    ($text:literal) => {
        concat!(
            "SELECT e.id, e.title, e.url, e.fetched_at, e.changed_at, e.story_id,
                    sh.words, sh.shingles, sh.facts, ",
            $text,
            " FROM unnest($1::bigint[]) WITH ORDINALITY AS wanted (id, position)
             JOIN entries e ON e.id = wanted.id
             LEFT JOIN entry_shingles sh ON sh.entry_id = e.id
             ORDER BY wanted.position"
        )
    };
}

/// `stories::match_rows`: one statement for all of `ids`, rows in their order.
pub(crate) fn match_rows(pg: &Lent, ids: &[i64], read: TextRead) -> Result<Vec<MatchRow>, PgError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = match read {
        TextRead::IfUnstored => match_rows_sql!(
            "CASE WHEN sh.entry_id IS NULL OR sh.facts IS NULL THEN e.content_text END,
             CASE WHEN sh.entry_id IS NULL THEN length(e.content_text)::bigint ELSE sh.chars END"
        ),
        TextRead::Always => match_rows_sql!("e.content_text, length(e.content_text)::bigint"),
    };
    pg.with(|s| {
        let select = s.prepare(select)?;
        s.client
            .query(&select, &[&ids])?
            .iter()
            .map(|row| {
                Ok(MatchRow {
                    id: row.try_get(0)?,
                    title: row.try_get(1)?,
                    url: row.try_get(2)?,
                    fetched_at: row.try_get(3)?,
                    changed_at: row.try_get(4)?,
                    story_id: row.try_get(5)?,
                    words: row.try_get(6)?,
                    shingles: row.try_get(7)?,
                    facts: row.try_get(8)?,
                    text: row.try_get(9)?,
                    chars: row.try_get(10)?,
                })
            })
            .collect()
    })
}

/// `stories::placed_rows`: one statement for all of `ids`, rows in their order.
pub(crate) fn placed_rows(pg: &Lent, ids: &[i64]) -> Result<Vec<PlacedRow>, PgError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    pg.with(|s| {
        let select = s.prepare(
            "SELECT e.id, e.fetched_at, e.story_id, a.anchors
             FROM unnest($1::bigint[]) WITH ORDINALITY AS wanted (id, position)
             JOIN entries e ON e.id = wanted.id
             LEFT JOIN entry_anchors a ON a.entry_id = e.id
             ORDER BY wanted.position",
        )?;
        s.client
            .query(&select, &[&ids])?
            .iter()
            .map(|row| {
                Ok(PlacedRow {
                    id: row.try_get(0)?,
                    fetched_at: row.try_get(1)?,
                    story: row.try_get(2)?,
                    sketch: row.try_get(3)?,
                })
            })
            .collect()
    })
}

pub(crate) fn count_fetched_since(pg: &Lent, since: &str) -> Result<i64, PgError> {
    pg.with(|s| {
        s.client
            .query_one(
                "SELECT COUNT(*) FROM entries WHERE fetched_at COLLATE \"C\" >= $1",
                &[&since],
            )?
            .try_get(0)
    })
}

/// `stories::window_rows`, in the order of fetch time.
pub(crate) fn window_rows(
    pg: &Lent,
    since: &str,
    mut each: impl FnMut(Result<WindowRow, Option<i64>>),
) -> Result<(), PgError> {
    let rows = pg.with(|s| {
        s.client.query(
            "SELECT e.id, e.fetched_at, e.title, e.url, a.anchors, e.simhash, e.revision,
                    e.story_id
             FROM entries e LEFT JOIN entry_anchors a ON a.entry_id = e.id
             WHERE e.fetched_at COLLATE \"C\" >= $1 AND e.simhash IS NOT NULL
             ORDER BY e.fetched_at COLLATE \"C\", e.id",
            &[&since],
        )
    })?;
    for row in &rows {
        each(window_row(row, 0).map_err(|_| row.try_get::<_, i64>(0).ok()));
    }
    Ok(())
}

/// The columns of a [`WindowRow`] from `first` on: id, fetched_at, title,
/// url, anchors, simhash, revision, story_id.
fn window_row(row: &Row, first: usize) -> Result<WindowRow, postgres::Error> {
    Ok(WindowRow {
        id: row.try_get(first)?,
        fetched_at: row.try_get(first + 1)?,
        title: row.try_get(first + 2)?,
        url: row.try_get(first + 3)?,
        anchors: row.try_get(first + 4)?,
        simhash: row.try_get(first + 5)?,
        revision: row.try_get(first + 6)?,
        story: row.try_get(first + 7)?,
    })
}

/// What `window_changes` reads, in one statement (one snapshot, one round
/// trip, under the write lock): kind 0, an entry changed since `$2` and
/// fetched at or after `$1`, as it is now; kind 1, one left without a
/// fingerprint (never kept in a window); kind 2, one deleted
/// (`entry_removals`); and last, kind 3, how far that reaches: the highest
/// number on any entry, whatever its fetch time (an old entry edited is not
/// read, and not read again next time either), and the transaction.
///
/// The anchors come by a subquery per row, not a join: prepared once, the
/// statement soon runs on a generic plan, which guessed a ninth of the
/// entries changed and hashed a scan of all of `entry_anchors` (growing with
/// the database, where the rows changed since are a few).
const WINDOW_CHANGES: &str = "SELECT CASE WHEN e.simhash IS NULL THEN 1 ELSE 0 END,
            e.id, e.fetched_at, e.title, e.url,
            (SELECT a.anchors FROM entry_anchors a WHERE a.entry_id = e.id),
            COALESCE(e.simhash, 0), e.revision, e.story_id
     FROM entries e
     WHERE e.revision > $2 AND e.fetched_at COLLATE \"C\" >= $1
     UNION ALL
     SELECT 2, r.entry_id, r.fetched_at, NULL, NULL, NULL, 0, r.revision, NULL
     FROM entry_removals r WHERE r.revision > $2
     UNION ALL
     SELECT 3, txid_current(), '', NULL, NULL, NULL, 0,
            COALESCE((SELECT MAX(revision) FROM entries), 0), NULL";

/// `stories::window_changes`.
pub(crate) fn window_changes(
    pg: &Lent,
    since: &str,
    after: i64,
    mut each: impl FnMut(Result<WindowChange, Option<i64>>),
) -> Result<ChangesRead, PgError> {
    let rows = pg.with(|s| {
        let select = s.prepare(WINDOW_CHANGES)?;
        s.client.query(&select, &[&since, &after])
    })?;
    let mut read = ChangesRead {
        through: after,
        transaction: 0,
    };
    for row in &rows {
        let kind: i32 = row.try_get(0)?;
        let id = || row.try_get::<_, i64>(1).ok();
        match kind {
            0 => each(
                window_row(row, 1)
                    .map(WindowChange::Entry)
                    .map_err(|_| id()),
            ),
            1 | 2 => match id() {
                Some(gone) => each(Ok(WindowChange::Gone(gone))),
                None => each(Err(None)),
            },
            _ => read.transaction = row.try_get(1)?,
        }
        read.through = read.through.max(row.try_get(7)?);
    }
    Ok(read)
}

/// `stories::changes_reached`.
pub(crate) fn changes_reached(pg: &Lent) -> Result<ChangesRead, PgError> {
    pg.with(|s| {
        let select = s.prepare("SELECT COALESCE(MAX(revision), 0), txid_current() FROM entries")?;
        let row = s.client.query_one(&select, &[])?;
        Ok(ChangesRead {
            through: row.try_get(0)?,
            transaction: row.try_get(1)?,
        })
    })
}
