//! PostgreSQL's statements for the cleaner's learned templates
//! (`clean_templates`, `clean_template_blocks`): read a feed's, write what
//! changed. The same rows as `store/mod.rs`'s SQLite statements; the store
//! turns them into a `FeedTemplate` (or the changes into values) for both.

use super::{Lent, PgError};
use crate::store::TemplateBlockRow;

/// A feed's `entries_seen` (`None`: nothing learned yet) and its blocks.
pub(crate) fn load(
    pg: &Lent,
    feed_id: i64,
) -> Result<Option<(i64, Vec<TemplateBlockRow>)>, PgError> {
    pg.with(|s| {
        let seen = s.prepare("SELECT entries_seen FROM clean_templates WHERE feed_id = $1")?;
        let Some(seen) = s.client.query_opt(&seen, &[&feed_id])? else {
            return Ok(None);
        };
        let blocks = s.prepare(
            "SELECT block_hash, shape_hash, seen_count, first_seen, last_seen, sample, writer
             FROM clean_template_blocks WHERE feed_id = $1",
        )?;
        let rows = s
            .client
            .query(&blocks, &[&feed_id])?
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
                ))
            })
            .collect::<Result<_, postgres::Error>>()?;
        Ok(Some((seen.try_get(0)?, rows)))
    })
}

/// A changed block as written: hash, count, first and last seen, sample,
/// shape (`None`: the hash), writer (`None`: the feed's), as
/// `store::save_template` computes them.
pub(crate) type ChangedBlock<'a> = (i64, i64, i64, i64, &'a str, Option<i64>, Option<&'a str>);

/// Writes a template's count, its pruned blocks and its changed blocks.
pub(crate) fn save(
    pg: &Lent,
    feed_id: i64,
    entries_seen: i64,
    pruned: &[i64],
    changed: &[ChangedBlock<'_>],
) -> Result<(), PgError> {
    pg.with(|s| {
        let seen = s.prepare(
            "INSERT INTO clean_templates (feed_id, entries_seen) VALUES ($1, $2)
             ON CONFLICT (feed_id) DO UPDATE SET entries_seen = excluded.entries_seen",
        )?;
        s.client.execute(&seen, &[&feed_id, &entries_seen])?;
        if !pruned.is_empty() {
            let delete = s.prepare(
                "DELETE FROM clean_template_blocks WHERE feed_id = $1 AND block_hash = ANY($2)",
            )?;
            s.client.execute(&delete, &[&feed_id, &pruned])?;
        }
        if changed.is_empty() {
            return Ok(());
        }
        // One statement for all of a feed's changed blocks (a cold feed
        // changes ~175): a statement a block was a round trip each, most
        // of a cold run's statements.
        let upsert = s.prepare(
            "INSERT INTO clean_template_blocks
               (feed_id, block_hash, seen_count, first_seen, last_seen, sample, shape_hash,
                writer)
             SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],
                                      $6::text[], $7::bigint[], $8::text[])
             ON CONFLICT (feed_id, block_hash) DO UPDATE SET seen_count = excluded.seen_count,
               first_seen = excluded.first_seen, last_seen = excluded.last_seen",
        )?;
        let column =
            |pick: fn(&ChangedBlock<'_>) -> i64| -> Vec<i64> { changed.iter().map(pick).collect() };
        let samples: Vec<&str> = changed.iter().map(|c| c.4).collect();
        let shapes: Vec<Option<i64>> = changed.iter().map(|c| c.5).collect();
        let writers: Vec<Option<&str>> = changed.iter().map(|c| c.6).collect();
        s.client.execute(
            &upsert,
            &[
                &feed_id,
                &column(|c| c.0),
                &column(|c| c.1),
                &column(|c| c.2),
                &column(|c| c.3),
                &samples,
                &shapes,
                &writers,
            ],
        )?;
        Ok(())
    })
}
