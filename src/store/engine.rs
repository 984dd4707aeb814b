//! Which engine holds a [`Store`]'s database: a SQLite file (the store's
//! own fields: writer, readers, checkpoints) or a PostgreSQL database (issue
//! 19), which serves every command that opens a database. The
//! store's functions ask [`Store::pg`], or match the [`super::Db`] they are
//! lent, and run PostgreSQL's statements (`postgres/`) there; nothing above
//! `store/` ever chooses an engine.

use std::path::Path;
use std::sync::Arc;

use super::open::Mode;
use super::{Access, Store, StoreError, Writer, postgres};

/// The engine of a [`Store`]: SQLite (the fields beside it), or PostgreSQL.
#[derive(Debug, Clone)]
pub(super) enum Engine {
    Sqlite,
    Postgres(Arc<postgres::Pool>),
}

impl Store {
    /// A PostgreSQL database: for `run` ([`Access::Create`]), whose schema is
    /// made or brought up to date here, or for the other commands, whose
    /// schema must be this feedsieve's already.
    pub(super) fn open_postgres(url: &Path, access: Access) -> Result<Store, StoreError> {
        // `postgres::is_url` said it is UTF-8.
        let text = url.to_string_lossy();
        let pool = match access {
            Access::Create => postgres::Pool::open_migrated(&text)?,
            Access::Existing | Access::Read => postgres::Pool::open(&text)?,
        };
        // The SQLite fields stay unused: everything this store serves on
        // PostgreSQL goes to `pool` first (`Store::pg`). The writer's path is
        // no file, and its connection (opened without create) would fail.
        let shown = std::path::PathBuf::from(postgres::redact(&text));
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

    /// Whether `database` (`[storage] database`) names this store's database.
    pub fn is_at(&self, database: &Path) -> bool {
        match &self.engine {
            // The store shows its URL without the password.
            Engine::Postgres(_) => {
                self.path == Path::new(&postgres::redact(&database.to_string_lossy()))
            }
            Engine::Sqlite => self.path == database,
        }
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
