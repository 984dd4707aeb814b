//! Maintenance of the stored data: retention (`[storage] keep`), the
//! shingles of entries past the de-duplication window, and vacuum.
//!
//! Pruning removes old entries, the stories left without entries, and their
//! search rows, in one transaction, and re-points a story whose canonical
//! entry was pruned at its earliest remaining copy, and forgets the records
//! of entries filters dropped as long ago. It never touches feeds, and its
//! statements are the store's (`store/maintain.rs`).

use std::time::Duration;

use crate::store::{self, Store, StoreError};
use chrono::Utc;
use serde::Serialize;

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
pub async fn prune(store: &Store, keep: Duration) -> Result<PruneReport, StoreError> {
    let cutoff = Utc::now() - chrono::Duration::from_std(keep).unwrap_or(chrono::Duration::MAX);
    let cutoff = store::timestamp(cutoff);
    let (entries, stories) = store.prune_before(&cutoff, &store::now()).await?;
    let indexed = crate::search::catch_up(store).await?;
    Ok(PruneReport {
        entries,
        stories,
        indexed,
    })
}

/// How long past the de-duplication window an entry keeps its shingles:
/// candidates lie within the window of an entry fetched now (the matcher's
/// index holds no older one), and the day covers a clock set back or a
/// window read at start from a slightly later "now". A candidate past it
/// would still be verified right, from its text, only slower.
const SHINGLES_MARGIN: Duration = Duration::from_secs(86_400);

/// Rows emptied per transaction by [`forget_shingles`]: each batch holds the
/// writer for a fraction of a second, so feeds are written in between.
const FORGET_BATCH: i64 = 2_000;

/// Empties the stored shingles and facts of entries fetched longer ago than
/// `window` (the de-duplication window) and a day (migration 0017): no new
/// entry can have them as candidates, and the matcher verifies from the
/// text any entry without them. Batches of their own transactions, with a
/// progress line; interrupted, the next run goes on (it is idempotent).
/// Returns how many entries' shingles were emptied.
pub async fn forget_shingles(store: &Store, window: Duration) -> Result<u64, StoreError> {
    let horizon = window.saturating_add(SHINGLES_MARGIN);
    let cutoff = Utc::now() - chrono::Duration::from_std(horizon).unwrap_or(chrono::Duration::MAX);
    let cutoff = store::timestamp(cutoff);
    let total = store.shingles_kept_before(&cutoff)?;
    if total == 0 {
        return Ok(0);
    }
    let progress = crate::progress::Progress::new(
        "forgetting shingles of entries past the de-duplication window",
        total,
    );
    let mut forgotten = 0;
    loop {
        let n = store.forget_shingles_before(&cutoff, FORGET_BATCH).await?;
        if n == 0 {
            break;
        }
        forgotten += n;
        progress.add(n);
    }
    progress.finish();
    Ok(forgotten)
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct VacuumReport {
    pub bytes_before: u64,
    pub bytes_after: u64,
}

/// Compacts the database: merges the search index, checkpoints the WAL and
/// rewrites the file without free pages (needs as much free disk as the
/// file); on PostgreSQL, `VACUUM (ANALYZE)`.
pub async fn vacuum(store: &Store) -> Result<VacuumReport, StoreError> {
    let bytes_before = store.size_bytes()?;
    crate::search::catch_up(store).await?;
    // Three steps, each one statement: the line says which one runs.
    let progress =
        crate::progress::Progress::new("vacuum steps (merge index, rewrite, checkpoint)", 3);
    store.compact(|| progress.add(1)).await?;
    progress.finish();
    Ok(VacuumReport {
        bytes_before,
        bytes_after: store.size_bytes()?,
    })
}
