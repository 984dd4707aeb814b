//! Retention and compaction statements: the rows older than a cutoff, the
//! stories left without entries, the shingles of entries past the
//! de-duplication window, and `VACUUM`. The policy (how old is too
//! old, when the search index catches up) is `crate::maintain`'s.

use super::postgres::maintain as pg;
use super::{Store, StoreError};

/// The entries fetched before `?1` whose shingles are still stored, at most
/// `?2` (-1: all). The partial index `entry_shingles_kept` lists only the
/// rows still holding shingles, so this reads what aged since the last run
/// (and the window's entries), not the whole table; `fetched_at` lies before
/// the bodies in an entries row, on its first page.
const KEPT_BEFORE: &str = "SELECT s.entry_id FROM entry_shingles s INDEXED BY entry_shingles_kept
     JOIN entries e ON e.id = s.entry_id
     WHERE s.shingles <> X'' AND e.fetched_at < ?1 LIMIT ?2";

impl Store {
    /// Deletes entries first stored before `cutoff` and the records of
    /// entries filters dropped as long ago, then the stories left without
    /// entries, and re-points a story whose canonical entry was deleted at
    /// its earliest remaining copy (stamped `now`); one transaction.
    /// Returns the entries and the stories deleted.
    pub async fn prune_before(&self, cutoff: &str, now: &str) -> Result<(u64, u64), StoreError> {
        if let Some(pool) = self.pg() {
            return pool.write(|lent| Ok(pg::prune_before(lent, cutoff, now)?));
        }
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

    /// Entries fetched before `cutoff` whose shingles are still stored
    /// (for the progress line of [`Store::forget_shingles_before`]).
    pub fn shingles_kept_before(&self, cutoff: &str) -> Result<u64, StoreError> {
        if let Some(pool) = self.pg() {
            let n = pool.lend(|lent| pg::shingles_kept_before(lent, cutoff))?;
            return Ok(u64::try_from(n).unwrap_or(0));
        }
        self.read(|conn| {
            let n: i64 = conn
                .prepare_cached(&format!("SELECT COUNT(*) FROM ({KEPT_BEFORE})"))?
                .query_row(rusqlite::params![cutoff, -1], |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    /// Empties the shingles and facts of at most `batch` entries fetched
    /// before `cutoff`, in one transaction; returns how many. What is left
    /// (`shingles` X'', `facts` NULL, `words` and `chars` kept) is the form
    /// the matcher reads as "verify from the text" (migration 0017).
    pub async fn forget_shingles_before(
        &self,
        cutoff: &str,
        batch: i64,
    ) -> Result<u64, StoreError> {
        if let Some(pool) = self.pg() {
            return Ok(pool.write(|lent| pg::forget_shingles_before(lent, cutoff, batch))?);
        }
        self.write(|tx| {
            let n = tx
                .prepare_cached(&format!(
                    "UPDATE entry_shingles SET shingles = X'', facts = NULL
                     WHERE entry_id IN ({KEPT_BEFORE})"
                ))?
                .execute(rusqlite::params![cutoff, batch])?;
            Ok::<_, StoreError>(n as u64)
        })
        .await
    }

    /// Merges the search index's segments, rewrites the file without free
    /// pages and checkpoints the WAL into it. Needs as much free disk as
    /// the file.
    ///
    /// On PostgreSQL: `VACUUM (ANALYZE)` of the database (dead rows' space
    /// made reusable, the planner's statistics refreshed; the files are not
    /// rewritten, as `VACUUM FULL`, which locks every table, would), as
    /// three steps for the progress line.
    pub async fn compact(&self, step_done: impl Fn() + Send + Sync) -> Result<(), StoreError> {
        if let Some(pool) = self.pg() {
            pool.run(|client| {
                step_done();
                client.batch_execute("VACUUM (ANALYZE)")?;
                step_done();
                step_done();
                Ok(())
            })?;
            return Ok(());
        }
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

    /// The bytes the database takes: the SQLite file and its WAL, or the
    /// PostgreSQL database's size (`pg_database_size`).
    pub fn size_bytes(&self) -> Result<u64, StoreError> {
        if let Some(pool) = self.pg() {
            let bytes = pool.run(|client| {
                Ok(client
                    .query_one("SELECT pg_database_size(current_database())", &[])?
                    .try_get::<_, i64>(0)?)
            })?;
            return Ok(u64::try_from(bytes).unwrap_or(0));
        }
        let size = |path: &std::path::Path| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        Ok(size(self.path()) + size(&self.path().with_extension("db-wal")))
    }
}
