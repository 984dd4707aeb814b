//! Which engine holds a [`Store`]'s database: a SQLite file (the store's
//! own fields: writer, readers, checkpoints) or a PostgreSQL database, which
//! serves the read commands so far (issue 19). The store's functions ask
//! [`Store::pg`] and run PostgreSQL's statements (`postgres/reads.rs`) when it
//! answers; nothing above `store/` ever chooses an engine. It opens nothing
//! for writing on PostgreSQL: that is refused until the write path is ported.

use std::path::Path;
use std::sync::Arc;

use super::open::Mode;
use super::{Access, Store, StoreError, Writer, postgres};

/// The engine of a [`Store`]: SQLite (the fields beside it), or PostgreSQL,
/// read-only so far.
#[derive(Debug, Clone)]
pub(super) enum Engine {
    Sqlite,
    Postgres(Arc<postgres::Pool>),
}

impl Store {
    /// A PostgreSQL database, for the read commands only so far: anything that
    /// writes is refused. Its schema must be this feedsieve's (made by `copy --to`).
    pub(super) fn open_postgres(url: &Path, access: Access) -> Result<Store, StoreError> {
        let Some(text) = url.to_str().filter(|_| access == Access::Read) else {
            return Err(StoreError::postgres(url));
        };
        let pool = postgres::Pool::open(text)?;
        // The SQLite fields stay unused: every read this store serves on
        // PostgreSQL goes to `pool` first (`Store::pg`).
        let shown = std::path::PathBuf::from(postgres::redact(text));
        Ok(Store {
            engine: Engine::Postgres(Arc::new(pool)),
            mode: Mode::ReadOnly,
            read_only: false,
            writer: Arc::new(tokio::sync::Mutex::new(Writer::new(&shown))),
            path: shown,
            readers: Default::default(),
            checkpoints: Default::default(),
        })
    }

    /// The PostgreSQL database, when this store is one.
    pub(crate) fn pg(&self) -> Option<&postgres::Pool> {
        match &self.engine {
            Engine::Postgres(pool) => Some(pool.as_ref()),
            Engine::Sqlite => None,
        }
    }

    /// Whether changed stories wait in a queue for the full-text index
    /// (SQLite's FTS5); PostgreSQL's index follows every write by itself.
    pub fn queues_search(&self) -> bool {
        matches!(self.engine, Engine::Sqlite)
    }
}
