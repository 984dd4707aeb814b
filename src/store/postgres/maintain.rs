//! PostgreSQL's statements for retention and the shingles' horizon: the rows
//! older than a cutoff, the stories left without entries, and emptying the
//! shingles of entries past the de-duplication window (and the removals of
//! such entries, which only PostgreSQL records). Each does what its
//! SQLite counterpart in `store/maintain.rs` does; the policy (how old is
//! too old) is `crate::maintain`'s.

use super::{Lent, PgError};

/// `maintain::KEPT_BEFORE`: the partial index `entry_shingles_kept` lists
/// only the rows still holding shingles.
const KEPT_BEFORE: &str = "SELECT s.entry_id FROM entry_shingles s
     JOIN entries e ON e.id = s.entry_id
     WHERE s.shingles <> '\\x'::bytea AND e.fetched_at COLLATE \"C\" < $1 LIMIT $2";

pub(crate) fn shingles_kept_before(pg: &Lent, cutoff: &str) -> Result<i64, PgError> {
    pg.with(|s| {
        let none: Option<i64> = None;
        s.client
            .query_one(
                &format!("SELECT COUNT(*) FROM ({KEPT_BEFORE}) AS kept"),
                &[&cutoff, &none],
            )?
            .try_get(0)
    })
}

/// Also deletes the removals (`entry_removals`) of entries fetched before
/// `cutoff`: past the de-duplication window, no daemon's window holds them.
pub(crate) fn forget_shingles_before(pg: &Lent, cutoff: &str, batch: i64) -> Result<u64, PgError> {
    pg.with(|s| {
        s.client.execute(
            "DELETE FROM entry_removals WHERE fetched_at COLLATE \"C\" < $1",
            &[&cutoff],
        )?;
        s.client.execute(
            &format!(
                "UPDATE entry_shingles SET shingles = '\\x'::bytea, facts = NULL
                 WHERE entry_id IN ({KEPT_BEFORE})"
            ),
            &[&cutoff, &batch],
        )
    })
}

/// `Store::prune_before` inside the caller's transaction: returns the entries
/// and the stories deleted.
pub(crate) fn prune_before(pg: &Lent, cutoff: &str, now: &str) -> Result<(u64, u64), PgError> {
    pg.with(|s| {
        let c = &mut s.client;
        let entries = c.execute(
            "DELETE FROM entries WHERE fetched_at COLLATE \"C\" < $1",
            &[&cutoff],
        )?;
        c.execute(
            "DELETE FROM filtered_entries WHERE filtered_at COLLATE \"C\" < $1",
            &[&cutoff],
        )?;
        let stories = c.execute(
            "DELETE FROM stories
             WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.story_id = stories.id)",
            &[],
        )?;
        c.execute(
            "UPDATE stories SET
                canonical_entry_id = (SELECT e.id FROM entries e WHERE e.story_id = stories.id
                                      ORDER BY COALESCE(e.published_at, e.fetched_at) COLLATE \"C\",
                                               e.id
                                      LIMIT 1),
                updated_at = $1
             WHERE canonical_entry_id IS NULL
                OR NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = stories.canonical_entry_id)",
            &[&now],
        )?;
        c.execute(
            "UPDATE stories SET
                title = (SELECT title FROM entries WHERE id = stories.canonical_entry_id),
                url = (SELECT url FROM entries WHERE id = stories.canonical_entry_id)
             WHERE updated_at = $1",
            &[&now],
        )?;
        Ok((entries, stories))
    })
}
