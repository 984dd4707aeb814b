//! PostgreSQL's statements for the entry rows: a fetch's known guids, the ids
//! given out before its inserts, new entries inserted whole, changed ones
//! updated, their enclosures, and the page step's rows. Each does what its
//! SQLite counterpart in `store/entries.rs` does; the values (packed raw
//! HTML, JSON lists, page columns) come ready from there. It decides nothing.

use std::collections::HashMap;

use super::{Lent, PgError, Session};
use crate::store::{DuePage, EntryWrite, Placed, StoredTextColumns, TextRewrite, codec};

/// The stored raw hash of each of `guids` that the feed has: one statement.
pub(crate) fn guid_hashes(
    pg: &Lent,
    feed_id: i64,
    guids: &[&str],
) -> Result<HashMap<String, i64>, PgError> {
    if guids.is_empty() {
        return Ok(HashMap::new());
    }
    pg.with(|s| {
        let select =
            s.prepare("SELECT guid, raw_hash FROM entries WHERE feed_id = $1 AND guid = ANY($2)")?;
        s.client
            .query(&select, &[&feed_id, &guids])?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
    })
}

/// The first free entry id and story id, as `entries::reserve_ids` gives them
/// on SQLite: the largest plus one. Not the identity columns' sequences: the
/// de-duplicator gives out ids one after another from these before it knows
/// how many stories it makes, and blocks taken from a sequence by concurrent
/// writers interleave. Instead the caller's transaction holds the database's
/// write lock from its start ([`super::stories::WRITE_LOCK`], `Pool::write`),
/// so another writer (another daemon of a fleet) waits for its commit and
/// then reads the ids it inserted: writers are serialised from their first
/// statement to commit, as SQLite's one writer is, and everything before
/// (fetch, parse, clean, the matcher's read-ahead) still runs beside them.
/// The lock is taken in a statement before this one: in READ COMMITTED each
/// statement reads from a snapshot taken when it starts, so a read that
/// waited for the lock inside its own statement would miss the rows the
/// writer before committed.
pub(crate) fn reserve_ids(pg: &Lent) -> Result<(i64, i64), PgError> {
    pg.with(|s| {
        let select = s.prepare(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM entries),
                    (SELECT COALESCE(MAX(id), 0) FROM stories)",
        )?;
        let row = s.client.query_one(&select, &[])?;
        let (entry, story): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        Ok((entry.saturating_add(1), story.saturating_add(1)))
    })
}

/// The values of one new or changed entry, as `entries.rs` computes them.
pub(crate) struct EntryValues<'a> {
    pub entry: &'a EntryWrite,
    pub authors: Option<String>,
    pub categories: Option<String>,
    pub teaser: Option<&'a str>,
    pub due: Option<&'a str>,
}

/// Inserts one new entry with its [`Placed`] columns (an entry without an
/// id gets the next, under the write lock the transaction holds).
pub(crate) fn insert_entry(
    pg: &Lent,
    feed_id: i64,
    fetched_at: &str,
    v: &EntryValues<'_>,
    placed: Placed,
) -> Result<Option<i64>, PgError> {
    let e = v.entry;
    pg.with(|s| {
        let insert = s.prepare(
            "INSERT INTO entries (id, feed_id, guid, url, title, author, published_at, updated_at,
                                  fetched_at, changed_at, content_raw_delta, content_html,
                                  content_text, raw_hash, simhash, story_id, authors, categories,
                                  teaser_text, page_due_at)
             VALUES (COALESCE($1, (SELECT COALESCE(MAX(id), 0) + 1 FROM entries)),
                     $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13, $14, $15, $16,
                     $17, $18, $19)
             RETURNING id",
        )?;
        let row = s.client.query_one(
            &insert,
            &[
                &placed.id,
                &feed_id,
                &e.guid,
                &e.url,
                &e.title,
                &e.author,
                &e.published_at,
                &e.updated_at,
                &fetched_at,
                &e.content_raw.as_bytes(),
                &e.content_html,
                &e.content_text,
                &e.raw_hash,
                &placed.simhash,
                &placed.story,
                &v.authors,
                &v.categories,
                &v.teaser,
                &v.due,
            ],
        )?;
        row.try_get(0)
    })
}

/// Writes a changed entry's new text, found by feed and guid; returns its id.
pub(crate) fn update_entry(
    pg: &Lent,
    feed_id: i64,
    fetched_at: &str,
    v: &EntryValues<'_>,
) -> Result<i64, PgError> {
    let e = v.entry;
    pg.with(|s| {
        let update = s.prepare(
            "UPDATE entries SET
                url = $1, title = $2, author = $3, published_at = $4, updated_at = $5,
                changed_at = $6, content_raw = NULL, content_raw_zstd = NULL,
                content_raw_delta = $7, content_html = $8, content_text = $9,
                raw_hash = $10, authors = $11, categories = $12, text_source = 'feed',
                teaser_text = $13, page_error = NULL, page_attempts = 0, page_due_at = $14
             WHERE feed_id = $15 AND guid = $16
             RETURNING id",
        )?;
        s.client
            .query_one(
                &update,
                &[
                    &e.url,
                    &e.title,
                    &e.author,
                    &e.published_at,
                    &e.updated_at,
                    &fetched_at,
                    &e.content_raw.as_bytes(),
                    &e.content_html,
                    &e.content_text,
                    &e.raw_hash,
                    &v.authors,
                    &v.categories,
                    &v.teaser,
                    &v.due,
                    &feed_id,
                    &e.guid,
                ],
            )?
            .try_get(0)
    })
}

/// Replaces an entry's enclosure rows.
pub(crate) fn write_enclosures(
    pg: &Lent,
    entry_id: i64,
    enclosures: &[crate::parse::Enclosure],
) -> Result<(), PgError> {
    pg.with(|s| {
        let delete = s.prepare("DELETE FROM entry_enclosures WHERE entry_id = $1")?;
        s.client.execute(&delete, &[&entry_id])?;
        let insert = s.prepare(
            "INSERT INTO entry_enclosures (entry_id, position, url, type, length)
             VALUES ($1, $2, $3, $4, $5)",
        )?;
        for (position, e) in enclosures.iter().enumerate() {
            let position = i64::try_from(position).unwrap_or(i64::MAX);
            let length = e.length.and_then(|n| i64::try_from(n).ok());
            s.client.execute(
                &insert,
                &[&entry_id, &position, &e.url, &e.mime_type, &length],
            )?;
        }
        Ok(())
    })
}

/// `entries::due_pages`' rows: the packed page, the plain one, and the rest
/// as that function reads them.
pub(crate) type DueRow = (
    i64,
    String,
    String,
    i64,
    Option<Vec<u8>>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub(crate) fn due_pages(
    pg: &Lent,
    feed_id: i64,
    now: &str,
    limit: i64,
) -> Result<Vec<DueRow>, PgError> {
    pg.with(|s| {
        let select = s.prepare(
            "SELECT e.id, e.url, COALESCE(e.teaser_text, e.content_text, ''), e.page_attempts,
                    p.html_zstd, p.html, p.etag, p.last_modified, e.authors
             FROM entries e LEFT JOIN entry_pages p ON p.entry_id = e.id
             WHERE e.feed_id = $1 AND e.page_due_at IS NOT NULL
                   AND e.page_due_at COLLATE \"C\" <= $2 AND e.url IS NOT NULL
             ORDER BY e.page_due_at COLLATE \"C\", e.id LIMIT $3",
        )?;
        s.client
            .query(&select, &[&feed_id, &now, &limit])?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                    r.try_get(5)?,
                    r.try_get(6)?,
                    r.try_get(7)?,
                    r.try_get(8)?,
                ))
            })
            .collect()
    })
}

/// Where `raw_of` finds an entry's raw HTML: the delta, its base, the text
/// it was packed against, and the older columns.
pub(crate) type RawColumns = (
    Option<Vec<u8>>,
    Option<String>,
    Option<String>,
    Option<Vec<u8>>,
    Option<String>,
);

pub(crate) fn raw_columns(pg: &Lent, id: i64) -> Result<Option<RawColumns>, PgError> {
    pg.with(|s| {
        let select = s.prepare(
            "SELECT e.content_raw_delta, b.html, e.content_html, e.content_raw_zstd, e.content_raw
             FROM entries e LEFT JOIN entry_raw_bases b ON b.entry_id = e.id WHERE e.id = $1",
        )?;
        s.client
            .query_opt(&select, &[&id])?
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                ))
            })
            .transpose()
    })
}

/// One page attempt's statement on the entry's row (see `entries::write_page`).
pub(crate) enum PageUpdate<'a> {
    Article {
        html: &'a str,
        text: &'a str,
        raw: Option<Vec<u8>>,
    },
    KeptTeaser {
        note: &'a str,
    },
    Failed {
        error: &'a str,
        retry_at: &'a str,
    },
}

pub(crate) fn write_page(
    pg: &Lent,
    feed_id: i64,
    w: &crate::store::PageWrite,
    update: PageUpdate<'_>,
) -> Result<(), PgError> {
    pg.with(|s| {
        match update {
            PageUpdate::Article { html, text, raw } => {
                let update = s.prepare(
                    "UPDATE entries SET content_html = $1, content_text = $2, text_source = 'page',
                        page_url = $3, page_fetched_at = $4, page_error = NULL,
                        page_attempts = 0, page_due_at = NULL,
                        content_raw_delta = COALESCE($7, content_raw_delta)
                     WHERE id = $5 AND feed_id = $6",
                )?;
                s.client.execute(
                    &update,
                    &[
                        &html,
                        &text,
                        &w.page_url,
                        &w.fetched_at,
                        &w.entry_id,
                        &feed_id,
                        &raw,
                    ],
                )?;
            }
            PageUpdate::KeptTeaser { note } => {
                let update = s.prepare(
                    "UPDATE entries SET page_url = $1, page_fetched_at = $2, page_error = $3,
                        page_attempts = 0, page_due_at = NULL
                     WHERE id = $4 AND feed_id = $5",
                )?;
                s.client.execute(
                    &update,
                    &[&w.page_url, &w.fetched_at, &note, &w.entry_id, &feed_id],
                )?;
            }
            PageUpdate::Failed { error, retry_at } => {
                let update = s.prepare(
                    "UPDATE entries SET page_url = COALESCE($1, page_url), page_fetched_at = $2,
                        page_error = $3, page_attempts = page_attempts + 1, page_due_at = $4
                     WHERE id = $5 AND feed_id = $6",
                )?;
                s.client.execute(
                    &update,
                    &[
                        &w.page_url,
                        &w.fetched_at,
                        &error,
                        &retry_at,
                        &w.entry_id,
                        &feed_id,
                    ],
                )?;
            }
        }
        if let Some(page) = &w.page {
            keep_page(s, w.entry_id, page)?;
        }
        Ok(())
    })
}

/// Keeps a fetched page (packed) for reclean, replacing the entry's last.
fn keep_page(
    s: &mut Session,
    entry_id: i64,
    page: &crate::store::StoredPage,
) -> Result<(), postgres::Error> {
    let upsert = s.prepare(
        "INSERT INTO entry_pages (entry_id, html, html_zstd, etag, last_modified)
         SELECT id, '', $2, $3, $4 FROM entries WHERE id = $1
         ON CONFLICT (entry_id) DO UPDATE SET html = excluded.html,
            html_zstd = excluded.html_zstd, etag = excluded.etag,
            last_modified = excluded.last_modified",
    )?;
    s.client.execute(
        &upsert,
        &[
            &entry_id,
            &codec::pack(&page.html),
            &page.etag,
            &page.last_modified,
        ],
    )?;
    Ok(())
}

/// Turns [`DueRow`]s into what the page step needs (shared with SQLite's reads).
pub(crate) fn due_page(row: DueRow) -> DuePage {
    let (entry_id, url, teaser_text, attempts, packed, plain, etag, last_modified, authors) = row;
    DuePage {
        entry_id,
        url,
        teaser_text,
        attempts: u32::try_from(attempts).unwrap_or(0),
        stored: crate::store::stored_page(packed, plain, etag, last_modified),
        authors: crate::store::authors_of(authors),
    }
}

/// `entries::stored_texts`' rows.
pub(crate) fn stored_texts(
    pg: &Lent,
    feed_id: i64,
    after: i64,
    limit: i64,
    newest_first: bool,
) -> Result<Vec<StoredTextColumns>, PgError> {
    use crate::store::entries::stored_texts_select;
    pg.with(|s| {
        let select = s.prepare(if newest_first {
            concat!(
                stored_texts_select!(),
                " WHERE e.feed_id = $1 AND e.id > $2 ORDER BY e.id DESC LIMIT $3"
            )
        } else {
            concat!(
                stored_texts_select!(),
                " WHERE e.feed_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $3"
            )
        })?;
        s.client
            .query(&select, &[&feed_id, &after, &limit])?
            .iter()
            .map(|r| {
                Ok(StoredTextColumns {
                    id: r.try_get(0)?,
                    html: r.try_get(1)?,
                    text: r.try_get(2)?,
                    text_source: r.try_get(3)?,
                    teaser: r.try_get(4)?,
                    page_url: r.try_get(5)?,
                    raw_packed: r.try_get(6)?,
                    raw_plain: r.try_get(7)?,
                    page_packed: r.try_get(8)?,
                    page_plain: r.try_get(9)?,
                    raw_delta: r.try_get(10)?,
                    base: r.try_get(11)?,
                    authors: r.try_get(12)?,
                })
            })
            .collect()
    })
}

/// `entries::rewrite_texts`: entries' texts cleaned again.
pub(crate) fn rewrite_texts(pg: &Lent, rewrites: &[TextRewrite]) -> Result<(), PgError> {
    pg.with(|s| {
        let update = s.prepare(
            "UPDATE entries SET content_html = $1, content_text = $2, text_source = $3,
                teaser_text = COALESCE($4, teaser_text),
                page_error = CASE WHEN $3 = 'page' THEN NULL ELSE page_error END,
                content_raw_delta = $6, content_raw_zstd = NULL, content_raw = NULL
             WHERE id = $5",
        )?;
        for u in rewrites {
            s.client.execute(
                &update,
                &[
                    &u.html,
                    &u.text,
                    &u.source,
                    &u.teaser,
                    &u.id,
                    &u.raw.as_bytes(),
                ],
            )?;
        }
        Ok(())
    })
}

pub(crate) fn entry_count(pg: &Lent) -> Result<i64, PgError> {
    pg.with(|s| {
        s.client
            .query_one("SELECT COUNT(*) FROM entries", &[])?
            .try_get(0)
    })
}
