//! Storage: the database of feeds, entries and stories, a SQLite file or a
//! PostgreSQL database (issue 19).
//!
//! One transaction per fetched feed, so a crash never leaves half a feed.
//! It never fetches, parses, cleans or decides: it persists and reads what
//! the stages give it, and the pipeline says in which order (a feed's write
//! is a closure the pipeline runs inside [`Store::write_feed`]'s transaction).
//!
//! Here: the errors, the [`Store`] handle (its single writer, its readers,
//! checkpoints) and the statements the de-duplicator's decisions call.
//! `open.rs` opens and migrates the file; `feeds.rs` holds the feed rows,
//! `entries.rs` the entry rows and pages; `maintain.rs` retention and
//! vacuum, `export.rs` the merged feed's reads; `postgres/` PostgreSQL's
//! side. Which engine runs a statement is decided here, in `store/`, never
//! above: each function matches the [`Db`] it is lent, or asks [`Store::pg`].

pub(crate) mod stories;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

mod claims;
mod engine;
mod entries;
mod export;
mod feeds;
#[cfg(test)]
pub(crate) mod fixtures;
mod lock;
mod maintain;
mod migrate;
mod open;

pub use claims::{Claim, Member, Renewal, end_claim, others_may_write};
use engine::Engine;
pub use entries::*;
pub use export::{CopyRow, EnclosureRow, StoryRow};
pub use feeds::*;
pub use lock::{DaemonLock, LockError, lock_path};
pub use migrate::MigrateError;
pub use open::connect_sync;
use open::{Mode, open_with};

pub mod codec;
pub mod postgres;
pub(crate) mod search;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot open database {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot migrate database {path}: {source}")]
    Migrate { path: String, source: MigrateError },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Codec(String),
    #[error(
        "no database at {path}: `feedsieve run` creates it; check --database, \
         $FEEDSIEVE_DATABASE or [storage] database{hint}"
    )]
    Missing { path: String, hint: String },
    #[error("permission denied: {what} {path}")]
    PermissionDenied { what: &'static str, path: String },
    #[error(
        "cannot create database {path}: its folder {folder} does not exist, nor does \
         the folder above it (only the database's own folder is created)"
    )]
    NoFolder { path: String, folder: String },
    #[error(
        "database {path} was made by an older feedsieve and needs migrating, which a \
         read-only open cannot do; run feedsieve once with write access to it"
    )]
    Outdated { path: String },
    #[error(transparent)]
    Pg(#[from] postgres::PgError),
    #[error(
        "feed {feed_id}'s lease was lost (held now by {}); this fetch's write was rolled back",
        owner.as_deref().unwrap_or("nobody")
    )]
    ClaimLost { feed_id: i64, owner: Option<String> },
}

/// How a command may use the database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// `run`: creates the file if missing, and its own folder (not deeper).
    Create,
    /// Maintenance that writes (`vacuum`, `reclean`, `rededup`): the file must exist.
    Existing,
    /// Read commands: the file must exist; when it cannot be written (another
    /// user's, a backup, a read-only mount) it is opened read-only.
    Read,
}

/// How long a statement waits for SQLite's locks before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a RESTART checkpoint, which holds the writer, waits for readers
/// to leave the WAL: a reader left open in sqlite3 must not stall ingestion.
const RESTART_WAIT: Duration = Duration::from_millis(250);

/// Bytes the WAL file is cut back to once checkpointed (see [`connect_sync`]).
const WAL_SIZE_LIMIT: u64 = 64 << 20;
/// WAL pages after which a commit's task checkpoints (SQLite's own default).
const CHECKPOINT_PAGES: i64 = 1000;
/// WAL pages beyond which a checkpoint holds the writer and restarts the
/// WAL. Checkpoints that run beside the writer copy the WAL into the
/// database, but SQLite starts the WAL over only when a transaction begins
/// on a fully copied WAL with no reader in it, which a busy daemon (the next
/// feed's transaction queued, other feeds reading ahead) rarely offers: the
/// WAL grew past 1 GB in a 1,000-feed ingest without this.
const WAL_RESTART_PAGES: i64 = 8192;
/// Page cache of the writer's connection (KiB): the matcher's reads under the
/// writer and the inserts' index pages stay in memory. It fills up in a cold
/// run and was the largest part of its heap at 16 MB: 4 MB took 12 MB off
/// peak RSS at 200 feeds x 20 entries (70 to 58 MB) at the same CPU time.
const WRITER_CACHE_KIB: u32 = 4 * 1024;

/// The database handle: synchronous read connections, and one connection
/// of its own that writes fetched feeds one at a time, so feeds finishing
/// together queue in-process instead of failing on SQLITE_BUSY.
#[derive(Debug, Clone)]
pub struct Store {
    /// Which engine holds the database.
    engine: Engine,
    /// How connections open the file (read-write, or the read-only fallback).
    mode: Mode,
    /// Opened read-only ([`Access::Read`] on a file that cannot be written).
    pub read_only: bool,
    path: std::path::PathBuf,
    writer: Arc<tokio::sync::Mutex<Writer>>,
    readers: Arc<Readers>,
    checkpoints: Arc<Checkpoints>,
}

/// The writer's connection, synchronous: a feed's whole transaction runs
/// on the thread that holds the writer ([`run_blocking`]), where sqlx sent
/// each of its ~15 statements to SQLite's thread and back, and on two busy
/// cores each hand-off waited for the scheduler (0.4–0.5 ms a statement at
/// load 4, a third of the time a feed held the writer). Its commits never
/// checkpoint: SQLite's autocheckpoint copies the WAL into the database
/// inside the commit, while the writer, the one serial part of ingestion, is
/// still held; the task that committed checkpoints instead, after letting
/// the writer go ([`Store::checkpoint_if_due`]). Its page cache is larger
/// than the readers': the matcher's reads and the inserts' index pages stay in
/// memory.
#[derive(Debug)]
struct Writer {
    path: std::path::PathBuf,
    conn: Option<rusqlite::Connection>,
}

impl Writer {
    fn new(path: &Path) -> Writer {
        Writer {
            path: path.to_path_buf(),
            conn: None,
        }
    }

    /// Runs `work` in one IMMEDIATE transaction on the writer's connection
    /// (opened on first use, reopened if a failed transaction left it
    /// unusable), committing if it returns `Ok`; on this thread.
    fn transaction<R, E: From<rusqlite::Error>>(
        &mut self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, E>,
    ) -> Result<R, E> {
        if let Some(conn) = &self.conn
            && !conn.is_autocommit()
            // A transaction that failed is rolled back when dropped; when
            // SQLite itself had ended it (SQLITE_FULL) that ROLLBACK fails,
            // and the connection must not stay inside it.
            && conn.execute_batch("ROLLBACK").is_err()
        {
            tracing::warn!("reopening the writer's database connection after a failed transaction");
            self.conn = None;
        }
        let conn = match &mut self.conn {
            Some(conn) => conn,
            None => {
                let conn = connect_sync(&self.path)?;
                conn.pragma_update(None, "wal_autocheckpoint", 0)?;
                conn.pragma_update(None, "cache_size", -i64::from(WRITER_CACHE_KIB))?;
                self.conn.insert(conn)
            }
        };
        immediate(conn, work)
    }
}

/// Runs `work` in one IMMEDIATE transaction on `conn`, committed if it
/// returns `Ok`, rolled back otherwise. IMMEDIATE takes the write lock up
/// front: a deferred transaction that reads and then writes fails at once
/// with SQLITE_BUSY_SNAPSHOT (not retried by the busy timeout) when another
/// process committed in between, such as the daemon and `feedsieve search`.
pub(crate) fn immediate<R, E: From<rusqlite::Error>>(
    conn: &mut rusqlite::Connection,
    work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, E>,
) -> Result<R, E> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let result = work(&tx)?;
    tx.commit()?;
    Ok(result)
}

/// A connection lent to the pipeline's write and to de-duplication, the one
/// stage that reads and records rows as it decides: they can hand it to this
/// module's functions and do nothing else with it (the connection inside is
/// private to storage), so every statement stays in `store/`. Either
/// engine's: each function matches it once and runs that engine's statements
/// (PostgreSQL's in `postgres/`), so the stages above stay engine-blind.
#[derive(Clone, Copy)]
pub struct Db<'c>(Conn<'c>);

/// The connection inside a [`Db`].
#[derive(Clone, Copy)]
enum Conn<'c> {
    Sqlite(&'c rusqlite::Connection),
    Postgres(&'c postgres::Lent),
}

/// The SQLite connection inside a [`Db`]; on PostgreSQL, returns from the
/// function what `$pg` (a PostgreSQL statement function over `$lent`) gives.
macro_rules! sqlite_or {
    ($db:expr, |$lent:ident| $pg:expr) => {
        match $db.0 {
            $crate::store::Conn::Sqlite(conn) => conn,
            $crate::store::Conn::Postgres($lent) => return Ok($pg?),
        }
    };
}
use sqlite_or;

impl<'c> Db<'c> {
    /// Lends `conn` (a transaction or a reader's connection) to a stage.
    pub fn new(conn: &'c rusqlite::Connection) -> Db<'c> {
        Db(Conn::Sqlite(conn))
    }

    /// Lends a PostgreSQL session (a transaction or autocommit).
    pub(crate) fn pg(lent: &'c postgres::Lent) -> Db<'c> {
        Db(Conn::Postgres(lent))
    }
}

/// [`write_alone`] for work that holds only a [`Db`], on either engine (on
/// PostgreSQL one transaction holding the write lock, on a pooled session).
pub fn write_alone_db<R: Send, E: From<StoreError> + Send>(
    store: &Store,
    work: impl FnOnce(Db<'_>) -> Result<R, E> + Send,
) -> Result<R, E> {
    if let Some(pool) = store.pg() {
        return pool
            .write(|lent| work(Db::pg(lent)).map_err(LentError::Work))
            .map_err(LentError::into_inner);
    }
    write_alone(store, |tx| work(Db::new(tx)).map_err(LentError::Work))
        .map_err(LentError::into_inner)
}

/// [`read_alone`] for work that holds only a [`Db`], on either engine.
pub fn read_alone_db<R: Send, E: From<StoreError> + Send>(
    store: &Store,
    work: impl FnOnce(Db<'_>) -> Result<R, E> + Send,
) -> Result<R, E> {
    if store.pg().is_some() {
        return store.read_db(work);
    }
    read_alone(store, |conn| work(Db::new(conn)).map_err(LentError::Work))
        .map_err(LentError::into_inner)
}

/// The error of work lent a [`Db`], or of the connection or transaction
/// around it: so the `_db` variants reuse [`write_alone`], [`read_alone`]
/// and [`Store::read`] while the work's error knows only [`StoreError`].
enum LentError<E> {
    Sql(rusqlite::Error),
    Pg(postgres::PgError),
    Work(E),
}

impl<E> From<rusqlite::Error> for LentError<E> {
    fn from(e: rusqlite::Error) -> Self {
        LentError::Sql(e)
    }
}

impl<E> From<postgres::PgError> for LentError<E> {
    fn from(e: postgres::PgError) -> Self {
        LentError::Pg(e)
    }
}

impl<E: From<StoreError>> LentError<E> {
    fn into_inner(self) -> E {
        match self {
            LentError::Sql(e) => E::from(StoreError::from(e)),
            LentError::Pg(e) => E::from(StoreError::from(e)),
            LentError::Work(e) => e,
        }
    }
}

/// Runs synchronous database work on this thread. On the multi-threaded
/// runtime the worker hands its other tasks to another thread first
/// (`block_in_place`), so they go on meanwhile; elsewhere (tests on the
/// current-thread runtime, no runtime) it simply runs.
pub fn run_blocking<R>(work: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

/// Runs `work` in one IMMEDIATE transaction on a synchronous connection of
/// its own to `store`'s database, on this thread: for commands (a daemon's
/// writes go through [`Store::write`]'s queue).
pub fn write_alone<R, E: From<rusqlite::Error>>(
    store: &Store,
    work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, E>,
) -> Result<R, E> {
    read_alone(store, |conn| immediate(conn, work))
}

/// Runs `work` on a synchronous connection of its own to `store`'s
/// database (not one kept for reuse), on this thread: for long reads and
/// work that changes the connection.
pub fn read_alone<R, E: From<rusqlite::Error>>(
    store: &Store,
    work: impl FnOnce(&mut rusqlite::Connection) -> Result<R, E>,
) -> Result<R, E> {
    run_blocking(|| work(&mut store.connect()?))
}

/// Synchronous read connections, kept for reuse: opening one costs more
/// than the reads a feed makes.
#[derive(Debug, Default)]
struct Readers(std::sync::Mutex<Vec<rusqlite::Connection>>);

/// Read connections kept at most (as many as feeds read at once).
const READERS_KEPT: usize = 8;

struct ClearOnDrop<'a>(&'a std::sync::atomic::AtomicBool);

impl Drop for ClearOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Pages written since the last checkpoint (estimated), whether one runs,
/// and the WAL size at which the next RESTART is tried (0: the default
/// [`WAL_RESTART_PAGES`]; raised after readers kept one from finishing).
#[derive(Debug, Default)]
struct Checkpoints {
    pages_since: std::sync::atomic::AtomicI64,
    running: std::sync::atomic::AtomicBool,
    restart_at: std::sync::atomic::AtomicI64,
}

/// RFC 3339 UTC with whole seconds: the one timestamp format in the database.
pub fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn now() -> String {
    timestamp(chrono::Utc::now())
}

impl Store {
    /// Opens the database for `run`, creating it if missing.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, Access::Create).await
    }

    /// Opens the database as `access` allows (see [`Access`]).
    pub async fn open_with(path: &Path, access: Access) -> Result<Store, StoreError> {
        if postgres::is_url(path) {
            return Store::open_postgres(path, access);
        }
        let mode = run_blocking(|| open_with(path, access))?;
        Ok(Store {
            engine: Engine::Sqlite,
            mode,
            read_only: mode != Mode::Write,
            path: path.to_path_buf(),
            writer: Arc::new(tokio::sync::Mutex::new(Writer::new(path))),
            readers: Default::default(),
            checkpoints: Default::default(),
        })
    }

    /// Closes the writer's and the readers' connections; the last connection to close checkpoints the WAL into the database.
    pub async fn close(&self) {
        if let Some(pool) = self.pg() {
            pool.close();
            return;
        }
        let writer = self.writer.lock().await.conn.take();
        if let Some(conn) = writer
            && let Err((_, e)) = conn.close()
        {
            tracing::warn!(error = %e, "closing the writer's database connection");
        }
        self.readers
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// A new connection to the database, set up as [`Store::open`] found
    /// it could be opened (read-only ones set `query_only`).
    fn connect(&self) -> Result<rusqlite::Connection, rusqlite::Error> {
        open::connect(&self.path, self.mode)
    }

    /// Runs `work` in one write transaction on the writer's connection, on
    /// this thread, after the feeds queued before it: committed if it
    /// returns `Ok`, rolled back otherwise.
    pub async fn write<R, E: From<rusqlite::Error>>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, E>,
    ) -> Result<R, E> {
        let mut writer = self.writer.lock().await;
        run_blocking(|| writer.transaction(work))
    }

    /// [`Store::write`] for work that holds only a [`Db`], on either engine
    /// (on PostgreSQL one transaction holding the write lock, as
    /// [`Store::write_feed`]'s).
    pub async fn write_db<R: Send, E: From<rusqlite::Error> + From<StoreError> + Send>(
        &self,
        work: impl FnOnce(Db<'_>) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        let mut writer = self.writer.lock().await;
        self.write_held(&mut writer, work)
    }

    /// Runs `work` in one write transaction while the caller holds the
    /// writer: on SQLite the writer's connection, on PostgreSQL a pooled
    /// session holding the database's write lock (`postgres::Pool::write`).
    fn write_held<R: Send, E: From<rusqlite::Error> + From<StoreError> + Send>(
        &self,
        writer: &mut Writer,
        work: impl FnOnce(Db<'_>) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        match self.pg() {
            Some(pool) => pool
                .write(|lent| work(Db::pg(lent)).map_err(LentError::Work))
                .map_err(LentError::into_inner),
            None => run_blocking(|| writer.transaction(|tx| work(Db::new(tx)))),
        }
    }

    /// Runs one feed's write as [`Store::write`] does, then checkpoints
    /// once enough pages gathered (`wal_pages`: about how many the commit
    /// adds to the WAL, [`wal_pages`]); also returns how long it
    /// waited for the writer (other feeds' transactions).
    ///
    /// On PostgreSQL the transaction runs on a pooled session, whole on this
    /// thread (off the runtime), one feed at a time as on SQLite: the
    /// de-duplicator's placements read what earlier feeds wrote, and its
    /// in-memory window follows the order of commits. The transaction also
    /// holds the database's write lock (`postgres::Pool::write`) so that
    /// writers in other processes take turns with this one.
    pub async fn write_feed<R: Send, E: From<rusqlite::Error> + From<StoreError> + Send>(
        &self,
        wal_pages: i64,
        work: impl FnOnce(Db<'_>) -> Result<R, E> + Send,
    ) -> Result<(R, Duration), E> {
        let waited = std::time::Instant::now();
        let mut writer = self.writer.lock().await;
        let lock_wait = waited.elapsed();
        let result = self.write_held(&mut writer, work)?;
        drop(writer);
        if self.pg().is_none() {
            self.checkpoint_if_due(wal_pages).await;
        }
        Ok((result, lock_wait))
    }

    /// Runs read-only `work` on a synchronous connection of its own (reads
    /// in autocommit see what was committed when each statement starts), on
    /// this thread.
    pub fn read<R, E: From<rusqlite::Error>>(
        &self,
        work: impl FnOnce(&rusqlite::Connection) -> Result<R, E>,
    ) -> Result<R, E> {
        let kept = self
            .readers
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop();
        let conn = match kept {
            Some(conn) => conn,
            None => self.connect()?,
        };
        let result = run_blocking(|| work(&conn));
        if conn.is_autocommit() {
            let mut readers = self.readers.0.lock().unwrap_or_else(|e| e.into_inner());
            if readers.len() < READERS_KEPT {
                readers.push(conn);
            }
        }
        result
    }

    /// [`Store::read`] for work that holds only a [`Db`], on either engine
    /// (on PostgreSQL a pooled session in autocommit).
    pub fn read_db<R: Send, E: From<StoreError> + Send>(
        &self,
        work: impl FnOnce(Db<'_>) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        if let Some(pool) = self.pg() {
            return pool
                .lend(|lent| work(Db::pg(lent)).map_err(LentError::Work))
                .map_err(LentError::into_inner);
        }
        self.read(|conn| work(Db::new(conn)).map_err(LentError::Work))
            .map_err(LentError::into_inner)
    }

    /// Whether the database file opens and answers a query now (for
    /// `/healthz`): on a connection of its own, read-only, so a file gone
    /// from under the daemon is seen (kept connections would still answer
    /// from the old file) and none is created in its place.
    pub fn ping(&self) -> Result<(), StoreError> {
        if let Some(pool) = self.pg() {
            // A session of its own: a kept one would answer for a server
            // that no longer takes new connections.
            return Ok(pool.ping()?);
        }
        run_blocking(|| {
            let failed = |source| StoreError::Open {
                path: self.path.display().to_string(),
                source,
            };
            let conn = open::connect_read_only(&self.path).map_err(failed)?;
            match conn.query_row("SELECT 1 FROM meta LIMIT 1", [], |_| Ok(())) {
                Ok(()) | Err(rusqlite::Error::QueryReturnedNoRows) => Ok(()),
                Err(e) => Err(failed(e)),
            }
        })
    }

    /// Counts pages a commit wrote to the WAL and, once about
    /// [`CHECKPOINT_PAGES`] have gathered, copies the WAL into the database
    /// (PASSIVE, as SQLite's autocheckpoint does) on a reader's connection, with
    /// the writer free for the next feed. One checkpoint at a time.
    async fn checkpoint_if_due(&self, pages: i64) {
        let c = &self.checkpoints;
        let gathered = c.pages_since.fetch_add(pages, Ordering::Relaxed) + pages;
        if gathered < CHECKPOINT_PAGES || c.running.swap(true, Ordering::AcqRel) {
            return;
        }
        // Cleared however this ends, a cancelled task included.
        let _running = ClearOnDrop(&c.running);
        c.pages_since.store(0, Ordering::Relaxed);
        let started = std::time::Instant::now();
        let passive = self.read(|conn| checkpoint(conn, "PASSIVE"));
        let restart_at = c.restart_at.load(Ordering::Relaxed).max(WAL_RESTART_PAGES);
        match passive {
            Ok((_, log, copied)) if log > restart_at => {
                // No commit lands while the writer is held; RESTART waits
                // (briefly) for readers to leave the WAL, so the next commit
                // writes it from the start, and SQLite cuts the file back to
                // `journal_size_limit`.
                let _writer = self.writer.lock().await;
                match self.restart_wal() {
                    Ok(0) => {
                        c.restart_at.store(0, Ordering::Relaxed);
                        tracing::debug!(log, copied, duration = ?started.elapsed(), "WAL restarted");
                    }
                    Ok(_) => {
                        // A reader stays in the WAL (a transaction left open
                        // in sqlite3?): try again once it has grown as much.
                        c.restart_at
                            .store(log.saturating_add(WAL_RESTART_PAGES), Ordering::Relaxed);
                        tracing::debug!(log, "a reader kept the WAL from restarting");
                    }
                    Err(e) => tracing::warn!(error = %e, "checkpointing the database's WAL"),
                }
            }
            Ok((_, log, copied)) => {
                tracing::trace!(log, copied, duration = ?started.elapsed(), "WAL checkpointed");
            }
            Err(e) => tracing::warn!(error = %e, "checkpointing the database's WAL"),
        }
    }

    /// Runs a RESTART checkpoint that waits at most [`RESTART_WAIT`] for
    /// readers; returns SQLite's busy flag (1: readers kept it from
    /// finishing).
    fn restart_wal(&self) -> Result<i64, rusqlite::Error> {
        // A connection of its own: never kept with the short wait.
        read_alone(self, |conn| {
            conn.busy_timeout(RESTART_WAIT)?;
            Ok(checkpoint(conn, "RESTART")?.0)
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Indexes every story queued for full-text search, `batch` stories per
    /// transaction on the writer's connection ([`search::BATCH_BETWEEN_FEEDS`]
    /// while feeds may wait, else [`search::BATCH_ALONE`]); returns how many
    /// were indexed. Taking the writer (not a connection of its own) queues each
    /// batch between feeds' transactions instead of contending for SQLite's
    /// write lock, whose busy handler sleeps in steps of up to 100 ms.
    ///
    /// [`search::BATCH_BETWEEN_FEEDS`]: crate::search::BATCH_BETWEEN_FEEDS
    /// [`search::BATCH_ALONE`]: crate::search::BATCH_ALONE
    pub async fn catch_up_search(&self, batch: i64) -> Result<usize, StoreError> {
        if !self.queues_search() {
            return Ok(0);
        }
        let mut total = 0;
        loop {
            let indexed = self
                .write(|tx| crate::search::index_batch(tx, batch))
                .await?;
            if indexed == 0 {
                return Ok(total);
            }
            total += indexed;
            // The index and its copy of each text: about three pages a story.
            let pages = i64::try_from(indexed).unwrap_or(i64::MAX).saturating_mul(3);
            self.checkpoint_if_due(pages).await;
        }
    }
}

/// Runs `PRAGMA wal_checkpoint(kind)`: SQLite's busy flag, the WAL's pages
/// and the pages copied into the database.
fn checkpoint(conn: &rusqlite::Connection, kind: &str) -> Result<(i64, i64, i64), rusqlite::Error> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({kind})"), [], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    })
}

/// A value of the `meta` table; `None` when it has no row.
pub fn meta_value(db: Db<'_>, key: &str) -> Result<Option<String>, StoreError> {
    let conn = sqlite_or!(db, |pg| postgres::stories::meta_value(pg, key));
    use rusqlite::OptionalExtension;
    conn.prepare_cached("SELECT value FROM meta WHERE key = ?")?
        .query_row([key], |row| row.get(0))
        .optional()
        .map_err(StoreError::from)
}

/// Whether any entry is stored.
pub fn any_entries(db: Db<'_>) -> Result<bool, StoreError> {
    let conn = sqlite_or!(db, |pg| postgres::stories::any_entries(pg));
    conn.query_row("SELECT EXISTS (SELECT 1 FROM entries)", [], |row| {
        row.get(0)
    })
    .map_err(StoreError::from)
}

/// A row of `clean_template_blocks`: block hash, shape hash, count, first
/// and last seen, sample, writer.
pub(crate) type TemplateBlockRow = (i64, Option<i64>, i64, i64, i64, String, Option<String>);

/// What the cleaner learned about a feed's template (empty if nothing yet).
pub fn load_template(db: Db<'_>, feed_id: i64) -> Result<crate::clean::FeedTemplate, StoreError> {
    use rusqlite::OptionalExtension;
    let conn = sqlite_or!(db, |pg| postgres::templates::load(pg, feed_id)
        .map(template_of));
    let seen: Option<i64> = conn
        .prepare_cached("SELECT entries_seen FROM clean_templates WHERE feed_id = ?")?
        .query_row([feed_id], |row| row.get(0))
        .optional()?;
    let Some(seen) = seen else {
        return Ok(template_of(None));
    };
    let rows: Vec<TemplateBlockRow> = conn
        .prepare_cached(
            "SELECT block_hash, shape_hash, seen_count, first_seen, last_seen, sample, writer
             FROM clean_template_blocks WHERE feed_id = ?",
        )?
        .query_map([feed_id], |row| row.try_into())?
        .collect::<Result<_, _>>()?;
    Ok(template_of(Some((seen, rows))))
}

/// A template from its stored count and blocks (`None`: nothing learned).
fn template_of(stored: Option<(i64, Vec<TemplateBlockRow>)>) -> crate::clean::FeedTemplate {
    use crate::clean::{BlockStat, FeedTemplate};
    let Some((seen, rows)) = stored else {
        return FeedTemplate::default();
    };
    let clamp = |v: i64| u64::try_from(v).unwrap_or(0);
    // u64 hashes are stored as i64 bit patterns; no shape means the block's
    // own hash (a block without digits, or one stored before 0012).
    let blocks = rows
        .into_iter()
        .map(|(hash, shape, count, first, last, sample, writer)| {
            let stat = BlockStat {
                count: u32::try_from(count).unwrap_or(0),
                first_seen: clamp(first),
                last_seen: clamp(last),
                shape: shape.unwrap_or(hash) as u64,
                sample,
                writer,
            };
            (hash as u64, stat)
        });
    FeedTemplate::from_stored(clamp(seen), blocks)
}

/// Writes what changed in a feed's template since it was loaded (counted
/// blocks, pruned blocks). Run it inside the caller's transaction so a
/// crash never leaves half a template.
pub fn save_template(
    db: Db<'_>,
    feed_id: i64,
    template: &crate::clean::FeedTemplate,
) -> Result<(), StoreError> {
    let to_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    // The sample stays as first stored; a shape the same as the hash is
    // stored as NULL.
    let changed = template.changed_blocks().map(|(hash, s)| {
        (
            hash as i64,
            i64::from(s.count),
            to_i64(s.first_seen),
            to_i64(s.last_seen),
            s.sample.as_str(),
            (s.shape != hash).then_some(s.shape as i64),
            s.writer.as_deref(),
        )
    });
    let pruned = template.pruned_blocks().iter().map(|&hash| hash as i64);
    let conn = sqlite_or!(db, |pg| postgres::templates::save(
        pg,
        feed_id,
        to_i64(template.entries_seen),
        &pruned.collect::<Vec<_>>(),
        &changed.collect::<Vec<_>>(),
    ));
    conn.prepare_cached(
        "INSERT INTO clean_templates (feed_id, entries_seen) VALUES (?, ?)
         ON CONFLICT (feed_id) DO UPDATE SET entries_seen = excluded.entries_seen",
    )?
    .execute([feed_id, to_i64(template.entries_seen)])?;
    let mut pruned = pruned.peekable();
    if pruned.peek().is_some() {
        let mut delete = conn.prepare_cached(
            "DELETE FROM clean_template_blocks WHERE feed_id = ? AND block_hash = ?",
        )?;
        for hash in pruned {
            delete.execute([feed_id, hash])?;
        }
    }
    let mut upsert = conn.prepare_cached(
        "INSERT INTO clean_template_blocks
           (feed_id, block_hash, seen_count, first_seen, last_seen, sample, shape_hash, writer)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (feed_id, block_hash) DO UPDATE SET seen_count = excluded.seen_count,
           first_seen = excluded.first_seen, last_seen = excluded.last_seen",
    )?;
    for (hash, count, first, last, sample, shape, writer) in changed {
        upsert.execute(rusqlite::params![
            feed_id, hash, count, first, last, sample, shape, writer
        ])?;
    }
    Ok(())
}

/// Merges story `from` into story `into` (the de-duplicator found an entry
/// that links them): `from`'s entries move to `into`, `from`'s row goes,
/// and `story_merges` records that `from` (and every id merged into it
/// before) now resolves to `into`. The caller refreshes `into`'s row.
pub fn merge_stories(db: Db<'_>, from: i64, into: i64, at: &str) -> Result<(), StoreError> {
    let conn = sqlite_or!(db, |pg| postgres::stories::merge_stories(
        pg, from, into, at
    ));
    conn.prepare_cached("UPDATE entries SET story_id = ?2 WHERE story_id = ?1")?
        .execute([from, into])?;
    conn.prepare_cached("UPDATE story_merges SET into_id = ?2 WHERE into_id = ?1")?
        .execute([from, into])?;
    conn.prepare_cached(
        "INSERT INTO story_merges (story_id, into_id, merged_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (story_id) DO UPDATE SET into_id = excluded.into_id,
            merged_at = excluded.merged_at",
    )?
    .execute(rusqlite::params![from, into, at])?;
    conn.prepare_cached("DELETE FROM stories WHERE id = ?")?
        .execute([from])?;
    tracing::debug!(from, into, "stories merged");
    Ok(())
}

/// Empties `story_merges`: `rededup` gives out new story ids.
pub fn forget_story_merges(db: Db<'_>) -> Result<(), StoreError> {
    let conn = sqlite_or!(db, |pg| postgres::stories::forget_story_merges(pg));
    conn.execute("DELETE FROM story_merges", [])?;
    Ok(())
}

/// Whether story `story` has an entry other than `entry`.
pub fn story_has_others(db: Db<'_>, story: i64, entry: i64) -> Result<bool, StoreError> {
    let conn = sqlite_or!(db, |pg| postgres::stories::story_has_others(
        pg, story, entry
    ));
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM entries WHERE story_id = ? AND id != ?)")?
        .query_row([story, entry], |row| row.get(0))
        .map_err(StoreError::from)
}

/// An entry's story and `changed_at` as stored now; `None` if it has no row.
pub fn entry_story(db: Db<'_>, entry: i64) -> Result<Option<(Option<i64>, String)>, StoreError> {
    let conn = sqlite_or!(db, |pg| postgres::stories::entry_story(pg, entry));
    use rusqlite::OptionalExtension;
    conn.prepare_cached("SELECT story_id, changed_at FROM entries WHERE id = ?")?
        .query_row([entry], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()
        .map_err(StoreError::from)
}
