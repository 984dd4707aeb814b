//! Retention and compaction statements: the rows older than a cutoff, the
//! stories left without entries, and `VACUUM`. The policy (how old is too
//! old, when the search index catches up) is `crate::maintain`'s.

use super::{Store, StoreError};

impl Store {
    /// Deletes entries first stored before `cutoff` and the records of
    /// entries filters dropped as long ago, then the stories left without
    /// entries, and re-points a story whose canonical entry was deleted at
    /// its earliest remaining copy (stamped `now`); one transaction.
    /// Returns the entries and the stories deleted.
    pub async fn prune_before(&self, cutoff: &str, now: &str) -> Result<(u64, u64), StoreError> {
        self.write(|tx| {
            let entries = tx.execute("DELETE FROM entries WHERE fetched_at < ?", [cutoff])?;
            // Records of dropped entries age like entries: one still in its feed
            // is judged (and recorded) again at the next fetch.
            tx.execute("DELETE FROM filtered_entries WHERE filtered_at < ?", [cutoff])?;
            let stories = tx.execute(
                "DELETE FROM stories WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.story_id = stories.id)",
                [],
            )?;
            // A surviving story whose canonical copy was pruned: its earliest remaining copy represents it.
            tx.execute(
                "UPDATE stories SET
                    canonical_entry_id = (SELECT e.id FROM entries e WHERE e.story_id = stories.id
                                          ORDER BY COALESCE(e.published_at, e.fetched_at), e.id LIMIT 1),
                    updated_at = ?
                 WHERE canonical_entry_id IS NULL
                    OR NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = stories.canonical_entry_id)",
                [now],
            )?;
            tx.execute(
                "UPDATE stories SET
                    title = (SELECT title FROM entries WHERE id = stories.canonical_entry_id),
                    url = (SELECT url FROM entries WHERE id = stories.canonical_entry_id)
                 WHERE updated_at = ?",
                [now],
            )?;
            Ok::<_, StoreError>((entries as u64, stories as u64))
        })
        .await
    }

    /// Merges the search index's segments, rewrites the file without free
    /// pages and checkpoints the WAL into it. Needs as much free disk as
    /// the file.
    pub async fn compact(&self, step_done: impl Fn()) -> Result<(), StoreError> {
        super::read_alone(self, |conn| {
            conn.execute(
                "INSERT INTO story_search (story_search) VALUES ('optimize')",
                [],
            )?;
            step_done();
            conn.execute_batch("VACUUM")?;
            step_done();
            super::checkpoint(conn, "TRUNCATE")?;
            step_done();
            Ok(())
        })
    }
}
