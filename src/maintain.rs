//! Maintenance of the stored data: retention (`[storage] keep`) and vacuum.
//!
//! Pruning removes old entries, the stories left without entries, and their
//! search rows, in one transaction, and re-points a story whose canonical
//! entry was pruned at its earliest remaining copy, and forgets the records
//! of entries filters dropped as long ago. It never touches feeds.

use std::time::Duration;

use chrono::Utc;
use serde::Serialize;
use sqlx::SqlitePool;

use crate::store::{self, StoreError};

#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct PruneReport {
    pub entries: u64,
    pub stories: u64,
    /// Stories indexed for search on the way (the index is brought up to
    /// date after pruning, so it counts what the caller's indexing would have).
    pub indexed: usize,
}

/// Deletes entries first stored more than `keep` ago. An entry still in its
/// feed comes back as new at the next fetch (with a fresh `fetched_at`), so
/// it is kept at most one more period; see README "Retention".
pub async fn prune(pool: &SqlitePool, keep: Duration) -> Result<PruneReport, StoreError> {
    let cutoff = Utc::now() - chrono::Duration::from_std(keep).unwrap_or(chrono::Duration::MAX);
    let cutoff = store::timestamp(cutoff);
    let now = store::now();
    let mut tx = crate::store::begin_write(pool).await?;
    let entries = sqlx::query("DELETE FROM entries WHERE fetched_at < ?")
        .bind(&cutoff)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    // Records of dropped entries age like entries: one still in its feed
    // is judged (and recorded) again at the next fetch.
    sqlx::query("DELETE FROM filtered_entries WHERE filtered_at < ?")
        .bind(&cutoff)
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
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE stories SET
            title = (SELECT title FROM entries WHERE id = stories.canonical_entry_id),
            url = (SELECT url FROM entries WHERE id = stories.canonical_entry_id)
         WHERE updated_at = ?",
    )
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let indexed = crate::search::catch_up(pool).await?;
    Ok(PruneReport {
        entries,
        stories,
        indexed,
    })
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct VacuumReport {
    pub bytes_before: u64,
    pub bytes_after: u64,
}

/// Compacts the database: merges the search index, checkpoints the WAL and
/// rewrites the file without free pages. Needs as much free disk as the file.
pub async fn vacuum(pool: &SqlitePool, path: &std::path::Path) -> Result<VacuumReport, StoreError> {
    let size = || file_size(path) + file_size(&path.with_extension("db-wal"));
    let bytes_before = size();
    crate::search::catch_up(pool).await?;
    // Three steps, each one statement: the line says which one runs.
    let progress =
        crate::progress::Progress::new("vacuum steps (merge index, rewrite, checkpoint)", 3);
    sqlx::query("INSERT INTO story_search (story_search) VALUES ('optimize')")
        .execute(pool)
        .await?;
    progress.add(1);
    sqlx::query("VACUUM").execute(pool).await?;
    progress.add(1);
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await?;
    progress.add(1);
    progress.finish();
    Ok(VacuumReport {
        bytes_before,
        bytes_after: size(),
    })
}

fn file_size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
