//! PostgreSQL's statements for the feed rows: the feed list kept in step with
//! the config, a feed's state, the filters' records and each fetch's record.
//! Each does what its SQLite counterpart in `store/feeds.rs` does. It decides
//! nothing about when a feed is due; the scheduler does, from these rows.

use std::collections::HashMap;

use postgres::Row;

use super::{Lent, PgError};
use crate::store::{FeedState, FetchRecord, FilterOutcome};

/// The columns of [`FeedState`], in its order.
const STATE: &str = "SELECT id, url, fetch_url, name, title, etag, last_modified, \
     consecutive_failures, next_fetch_at, min_interval_secs, content_kind, settings FROM feeds";

fn state_of(row: &Row) -> Result<FeedState, postgres::Error> {
    Ok(FeedState {
        id: row.try_get(0)?,
        url: row.try_get(1)?,
        fetch_url: row.try_get(2)?,
        name: row.try_get(3)?,
        title: row.try_get(4)?,
        etag: row.try_get(5)?,
        last_modified: row.try_get(6)?,
        consecutive_failures: row.try_get(7)?,
        next_fetch_at: row.try_get(8)?,
        min_interval_secs: row.try_get(9)?,
        content_kind: row.try_get(10)?,
        settings: row.try_get(11)?,
    })
}

/// `Store::sync_feeds` inside the caller's transaction, which holds the write
/// lock: every feed disabled, the listed ones upserted (a new feed gets the
/// largest id plus one, as on SQLite) with `settings[i]` for `feeds[i]`
/// (NULL without), the enabled ones' states returned by id.
pub(crate) fn sync(
    pg: &Lent,
    feeds: &[crate::config::FeedConfig],
    settings: Option<&[String]>,
    added_at: &str,
) -> Result<Vec<FeedState>, PgError> {
    pg.with(|s| {
        s.client.batch_execute("UPDATE feeds SET enabled = FALSE")?;
        let upsert = s.prepare(
            "INSERT INTO feeds (id, url, name, enabled, added_at, category, settings)
             VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM feeds), $1, $2, $3, $4, $5, $6)
             ON CONFLICT (url) DO UPDATE SET name = excluded.name, enabled = excluded.enabled,
                                             category = excluded.category,
                                             settings = excluded.settings",
        )?;
        for (i, feed) in feeds.iter().enumerate() {
            let settings = settings.and_then(|all| all.get(i));
            s.client.execute(
                &upsert,
                &[
                    &feed.url.as_str(),
                    &feed.name.as_deref(),
                    &feed.enabled,
                    &added_at,
                    &feed.category.as_deref(),
                    &settings,
                ],
            )?;
        }
        s.client
            .query(&format!("{STATE} WHERE enabled ORDER BY id"), &[])?
            .iter()
            .map(state_of)
            .collect()
    })
}

/// Applies `feeds` (as [`sync`]) only when `stamp`, the version of the file
/// they come from, was never applied to this database: recorded in
/// `feed_lists` in the same transaction. Otherwise changes nothing. Returns
/// whether it applied, and the enabled feeds either way.
pub(crate) fn apply_list(
    pg: &Lent,
    feeds: &[crate::config::FeedConfig],
    settings: &[String],
    stamp: &str,
    applied_by: &str,
    added_at: &str,
) -> Result<(bool, Vec<FeedState>), PgError> {
    let new = pg.with(|s| {
        s.client.execute(
            "INSERT INTO feed_lists (stamp, applied_by) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&stamp, &applied_by],
        )
    })? == 1;
    if new {
        return Ok((true, sync(pg, feeds, Some(settings), added_at)?));
    }
    let states = pg.with(|s| {
        s.client
            .query(&format!("{STATE} WHERE enabled ORDER BY id"), &[])?
            .iter()
            .map(state_of)
            .collect()
    })?;
    Ok((false, states))
}

pub(crate) fn feed_state(pg: &Lent, feed_id: i64) -> Result<FeedState, PgError> {
    pg.with(|s| {
        let select = s.prepare(state_by_id())?;
        state_of(&s.client.query_one(&select, &[&feed_id])?)
    })
}

/// `feeds::feed_states`: one statement.
pub(crate) fn feed_states(pg: &Lent, feed_ids: &[i64]) -> Result<Vec<FeedState>, PgError> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| format!("{STATE} WHERE id = ANY($1)"));
    pg.with(|s| {
        let select = s.prepare(sql)?;
        s.client
            .query(&select, &[&feed_ids])?
            .iter()
            .map(state_of)
            .collect()
    })
}

/// [`STATE`] for one feed, as a `'static` statement the session prepares once.
fn state_by_id() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| format!("{STATE} WHERE id = $1"))
}

/// The recorded drop (raw hash, reason) of each of `guids`: one statement.
pub(crate) fn filtered_hashes(
    pg: &Lent,
    feed_id: i64,
    guids: &[&str],
) -> Result<HashMap<String, (i64, String)>, PgError> {
    if guids.is_empty() {
        return Ok(HashMap::new());
    }
    pg.with(|s| {
        let select = s.prepare(
            "SELECT guid, raw_hash, reason FROM filtered_entries
             WHERE feed_id = $1 AND guid = ANY($2)",
        )?;
        s.client
            .query(&select, &[&feed_id, &guids])?
            .iter()
            .map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?))))
            .collect()
    })
}

/// `feeds::record_fetch`: the filters' records, then the feed's row.
pub(crate) fn record_fetch(pg: &Lent, feed_id: i64, record: &FetchRecord) -> Result<(), PgError> {
    pg.with(|s| {
        let FilterOutcome { dropped, admitted } = &record.filtered;
        if !dropped.is_empty() {
            let upsert = s.prepare(
                "INSERT INTO filtered_entries
                    (feed_id, guid, raw_hash, title, url, reason, filtered_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (feed_id, guid) DO UPDATE SET raw_hash = excluded.raw_hash,
                    title = excluded.title, url = excluded.url, reason = excluded.reason,
                    filtered_at = excluded.filtered_at",
            )?;
            for d in dropped {
                s.client.execute(
                    &upsert,
                    &[
                        &feed_id,
                        &d.guid,
                        &d.raw_hash,
                        &d.title,
                        &d.url,
                        &d.reason,
                        &record.fetched_at,
                    ],
                )?;
            }
        }
        if !admitted.is_empty() {
            let forget =
                s.prepare("DELETE FROM filtered_entries WHERE feed_id = $1 AND guid = ANY($2)")?;
            s.client.execute(&forget, &[&feed_id, admitted])?;
        }
        let update = s.prepare(
            "UPDATE feeds SET
                last_fetched_at = $1, last_status = $2, last_error = $3, last_duration_ms = $4,
                last_success_at = CASE WHEN $5 THEN $1 ELSE last_success_at END,
                consecutive_failures = CASE WHEN $5 THEN 0 ELSE consecutive_failures + 1 END,
                etag = CASE WHEN $5 THEN $6 ELSE etag END,
                last_modified = CASE WHEN $5 THEN $7 ELSE last_modified END,
                fetch_url = CASE WHEN $5 THEN COALESCE($8, fetch_url) ELSE fetch_url END,
                next_fetch_at = $9,
                min_interval_secs = CASE WHEN $5 THEN $10 ELSE min_interval_secs END,
                title = COALESCE($11, title), site_url = COALESCE($12, site_url),
                content_kind = CASE WHEN $14 THEN $15 ELSE content_kind END
             WHERE id = $13",
        )?;
        s.client.execute(
            &update,
            &[
                &record.fetched_at,
                &record.status.map(i64::from),
                &record.error,
                &record.duration_ms,
                &record.error.is_none(),
                &record.etag,
                &record.last_modified,
                &record.moved_to,
                &record.next_fetch_at,
                &record.min_interval_secs,
                &record.title,
                &record.site_url,
                &feed_id,
                &record.content_kind.is_some(),
                &record.content_kind.flatten(),
            ],
        )?;
        Ok(())
    })
}

pub(crate) fn feed_urls(pg: &Lent) -> Result<Vec<(i64, String)>, PgError> {
    pg.with(|s| {
        s.client
            .query("SELECT id, url FROM feeds ORDER BY id", &[])?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    })
}
