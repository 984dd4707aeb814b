//! De-duplication: fingerprints each entry's cleaned text and joins it to the
//! story it is a syndicated copy of, or to a new story.
//!
//! It runs inside the store's transaction for one feed, so an entry is never
//! committed without its story. It must never glue two different stories
//! together: a candidate found by fingerprint is verified before joining.

use sqlx::SqliteConnection;

use crate::config::DedupConfig;

#[derive(Debug, thiserror::Error)]
pub enum DedupError {
    #[error("database error during de-duplication: {0}")]
    Db(#[from] sqlx::Error),
}

/// Holds the in-memory candidate index and the settings.
#[derive(Debug)]
pub struct Deduper {
    _config: DedupConfig,
}

impl Deduper {
    /// Builds the deduper, loading the recent window of fingerprints.
    pub async fn load(_pool: &sqlx::SqlitePool, config: &DedupConfig) -> Result<Self, DedupError> {
        Ok(Deduper {
            _config: config.clone(),
        })
    }

    /// Assigns fingerprints and stories to entries just inserted or changed in
    /// the current transaction. The entries' rows (title, url, published_at,
    /// content_text) are already written; this fills `simhash` and `story_id`
    /// and keeps `stories` consistent.
    pub async fn assign(
        &self,
        conn: &mut SqliteConnection,
        entry_ids: &[i64],
    ) -> Result<(), DedupError> {
        // Placeholder until de-duplication lands: one story per entry.
        for &id in entry_ids {
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT story_id FROM entries WHERE id = ?")
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?;
            if existing.is_some() {
                continue;
            }
            let story_id: i64 = sqlx::query_scalar(
                "INSERT INTO stories (canonical_entry_id, title, url, first_seen_at, updated_at)
                 SELECT id, title, url, fetched_at, fetched_at FROM entries WHERE id = ?
                 RETURNING id",
            )
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
            sqlx::query("UPDATE entries SET story_id = ? WHERE id = ?")
                .bind(story_id)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}
