//! Retention and compaction statements: the rows older than a cutoff, the
//! stories left without entries, and `VACUUM`. The policy (how old is too
//! old, when the search index catches up) is `crate::maintain`'s.

use super::{Store, StoreError, begin_write};

impl Store {
    /// Deletes entries first stored before `cutoff` and the records of
    /// entries filters dropped as long ago, then the stories left without
    /// entries, and re-points a story whose canonical entry was deleted at
    /// its earliest remaining copy (stamped `now`); one transaction.
    /// Returns the entries and the stories deleted.
    pub async fn prune_before(&self, cutoff: &str, now: &str) -> Result<(u64, u64), StoreError> {
        let mut tx = begin_write(&self.pool).await?;
        let entries = sqlx::query("DELETE FROM entries WHERE fetched_at < ?")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // Records of dropped entries age like entries: one still in its feed
        // is judged (and recorded) again at the next fetch.
        sqlx::query("DELETE FROM filtered_entries WHERE filtered_at < ?")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?;
        let stories = sqlx::query("DELETE FROM stories WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.story_id = stories.id)")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // A surviving story whose canonical copy was pruned: its earliest remaining copy represents it.
        sqlx::query(
            "UPDATE stories SET
                canonical_entry_id = (SELECT e.id FROM entries e WHERE e.story_id = stories.id
                                      ORDER BY COALESCE(e.published_at, e.fetched_at), e.id LIMIT 1),
                updated_at = ?
             WHERE canonical_entry_id IS NULL
                OR NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = stories.canonical_entry_id)",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE stories SET
                title = (SELECT title FROM entries WHERE id = stories.canonical_entry_id),
                url = (SELECT url FROM entries WHERE id = stories.canonical_entry_id)
             WHERE updated_at = ?",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((entries, stories))
    }

    /// Merges the search index's segments, rewrites the file without free
    /// pages and checkpoints the WAL into it. Needs as much free disk as
    /// the file.
    pub async fn compact(&self, step_done: impl Fn()) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO story_search (story_search) VALUES ('optimize')")
            .execute(&self.pool)
            .await?;
        step_done();
        sqlx::query("VACUUM").execute(&self.pool).await?;
        step_done();
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        step_done();
        Ok(())
    }
}
