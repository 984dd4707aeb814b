//! Storage: the SQLite database of feeds, entries and stories.
//!
//! One transaction per fetched feed, so a crash never leaves half a feed.
//! It never fetches, parses or cleans; it only persists what the stages made.

pub(crate) mod stories;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {path}: {source}")]
    Open { path: String, source: sqlx::Error },
    #[error("cannot migrate database {path}: {source}")]
    Migrate {
        path: String,
        source: sqlx::migrate::MigrateError,
    },
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("de-duplication failed: {0}")]
    Dedup(String),
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

/// Where the systemd unit keeps the service's database, named when a read
/// command finds no database elsewhere.
const SERVICE_DATABASE: &str = "/var/lib/feedsieve/feedsieve.db";

/// What [`Store::open`] connects the pool and the writer with.
fn connect_options(path: &Path) -> Result<SqliteConnectOptions, StoreError> {
    Ok(SqliteConnectOptions::from_str("sqlite:")
        .map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?
        .filename(path)
        .foreign_keys(true)
        // A user's long read in sqlite3 must not make the daemon's writes fail.
        .busy_timeout(BUSY_TIMEOUT))
}

/// The options of a connection that may write: WAL, and the WAL cut back
/// after checkpoints.
fn writable_options(path: &Path, create: bool) -> Result<SqliteConnectOptions, StoreError> {
    Ok(connect_options(path)?
        .create_if_missing(create)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        // After a checkpoint has caught up, the next commit reuses the WAL
        // from its start and SQLite cuts the file back to this size.
        .pragma("journal_size_limit", WAL_SIZE_LIMIT.to_string()))
}

/// Creates the database file's own folder when it is missing (`run` on a
/// fresh install), and only that one: a typo deeper in the path is an error,
/// not a new tree of folders.
fn create_own_folder(path: &Path) -> Result<(), StoreError> {
    let shown = || path.display().to_string();
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    if dir.is_dir() {
        return Ok(());
    }
    let above_exists = dir
        .parent()
        .is_none_or(|up| up.as_os_str().is_empty() || up.is_dir());
    if !above_exists {
        return Err(StoreError::NoFolder {
            path: shown(),
            folder: dir.display().to_string(),
        });
    }
    std::fs::create_dir(dir).map_err(|e| io_error(path, "cannot create the folder of", e))?;
    tracing::info!(folder = %dir.display(), "created the database's folder");
    Ok(())
}

/// Turns an I/O error about the database file into a plain message.
fn io_error(path: &Path, what: &'static str, e: std::io::Error) -> StoreError {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            StoreError::PermissionDenied {
                what,
                path: path.display().to_string(),
            }
        }
        _ => StoreError::Open {
            path: path.display().to_string(),
            source: sqlx::Error::Io(e),
        },
    }
}

/// Checks that an existing database file is there and readable, so a
/// missing file is reported as such (never created) and an unreadable one
/// as "permission denied".
fn check_existing(path: &Path) -> Result<(), StoreError> {
    match std::fs::File::open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let service = Path::new(SERVICE_DATABASE);
            let hint = if path != service && service.exists() {
                format!(" (the service's database is {SERVICE_DATABASE})")
            } else {
                String::new()
            };
            Err(StoreError::Missing {
                path: path.display().to_string(),
                hint,
            })
        }
        Err(e) => Err(io_error(path, "cannot read database", e)),
    }
}

/// Whether an open or a first statement failed because the file or its
/// folder cannot be written (or its WAL index created): worth trying read-only.
fn is_write_refused(e: &StoreError) -> bool {
    let sqlx_error = match e {
        StoreError::Open { source, .. } | StoreError::Db(source) => source,
        StoreError::Migrate {
            source: sqlx::migrate::MigrateError::Execute(source),
            ..
        } => source,
        _ => return false,
    };
    match sqlx_error {
        sqlx::Error::Database(db) => {
            // SQLITE_READONLY (8) and SQLITE_CANTOPEN (14), with their extended codes.
            let code = db.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
            matches!(code & 0xff, 8 | 14)
        }
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::PermissionDenied,
        _ => false,
    }
}

/// How long a statement waits for SQLite's locks before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a RESTART checkpoint, which holds the writer, waits for readers
/// to leave the WAL: a reader left open in sqlite3 must not stall ingestion.
const RESTART_WAIT: Duration = Duration::from_millis(250);

/// Bytes the WAL file is cut back to once checkpointed (see [`connect_options`]).
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
/// writer and the inserts' index pages stay in memory.
const WRITER_CACHE_KIB: u32 = 16 * 1024;

/// Opens (creating if needed) the database and applies migrations.
pub async fn open(path: &Path) -> Result<SqlitePool, StoreError> {
    Ok(open_with(path, Access::Create).await?.0)
}

/// Opens the database as `access` allows; also says whether it was opened
/// read-only.
pub async fn open_with(path: &Path, access: Access) -> Result<(SqlitePool, bool), StoreError> {
    match access {
        Access::Create => create_own_folder(path)?,
        Access::Existing | Access::Read => check_existing(path)?,
    }
    // SQLite quietly opens a file it cannot write read-only, and the first
    // write fails far from here; so ask the file system first, as SQLite does.
    if access != Access::Create
        && let Err(e) = std::fs::OpenOptions::new().write(true).open(path)
    {
        if access == Access::Read {
            tracing::debug!(error = %e, "opening the database read-only");
            return open_read_only(path).await.map(|pool| (pool, true));
        }
        return Err(io_error(path, "cannot write database", e));
    }
    let writable = writable_options(path, access == Access::Create)?;
    match connect_pool(path, writable).await {
        Ok(pool) => return Ok((pool, false)),
        Err(e) if access == Access::Read && is_write_refused(&e) => {
            tracing::debug!(error = %e, "opening the database read-only");
        }
        Err(e) if is_write_refused(&e) && access == Access::Existing => {
            return Err(StoreError::PermissionDenied {
                what: "cannot write database",
                path: path.display().to_string(),
            });
        }
        Err(e) => return Err(e),
    }
    open_read_only(path).await.map(|pool| (pool, true))
}

/// Opens a database that cannot be written. `mode=ro` first, which still
/// sees a running daemon's commits; it needs the WAL index (`-shm`) to exist
/// or its folder to be writable. Failing that (a backup, a read-only mount)
/// the file is read as `immutable`: nothing else may be changing it.
async fn open_read_only(path: &Path) -> Result<SqlitePool, StoreError> {
    let shown = path.display().to_string();
    let base = connect_options(path)?
        .read_only(true)
        .pragma("query_only", "ON");
    let pool = match connect_pool_only(path, base.clone()).await {
        Ok(pool) => pool,
        Err(e) if is_write_refused(&e) => {
            tracing::debug!(error = %e, "reading the database as immutable");
            connect_pool_only(path, base.immutable(true))
                .await
                .map_err(|e| {
                    if is_write_refused(&e) {
                        StoreError::PermissionDenied {
                            what: "cannot read database",
                            path: shown.clone(),
                        }
                    } else {
                        e
                    }
                })?
        }
        Err(e) => return Err(e),
    };
    let migrator = sqlx::migrate!("./migrations");
    let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&pool)
            .await
            .map_err(|_| StoreError::Outdated {
                path: shown.clone(),
            })?;
    if applied.unwrap_or(0) < known {
        return Err(StoreError::Outdated { path: shown });
    }
    Ok(pool)
}

/// Connects the pool and migrates.
async fn connect_pool(
    path: &Path,
    options: SqliteConnectOptions,
) -> Result<SqlitePool, StoreError> {
    let pool = connect_pool_only(path, options).await?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .map_err(|source| StoreError::Migrate {
            path: path.display().to_string(),
            source,
        })?;
    Ok(pool)
}

/// Connects the pool and reads the schema once, so a file that cannot be
/// opened fails here and not at the first query.
async fn connect_pool_only(
    path: &Path,
    options: SqliteConnectOptions,
) -> Result<SqlitePool, StoreError> {
    let shown = path.display().to_string();
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        // When SQLite itself ends a transaction on an error (SQLITE_FULL,
        // SQLITE_IOERR), sqlx's ROLLBACK on drop then fails and the connection
        // goes back to the pool still counting an open transaction: every later
        // `begin_with` on it fails ("non-zero transaction depth"), so the daemon
        // never recovered from a full disk. Such a connection is discarded.
        // Checked as it goes back to the pool, not as it is given out: a
        // check on acquire was one more round trip to SQLite's thread for
        // every read, most of them on a connection that needed none.
        .after_release(|conn, _| {
            Box::pin(async move {
                use sqlx::Connection;
                if !conn.is_in_transaction() {
                    return Ok(true);
                }
                // A dropped transaction's ROLLBACK is queued: the ping runs
                // after it, and then the count is right.
                conn.ping().await?;
                if conn.is_in_transaction() {
                    tracing::warn!(
                        "discarding a database connection left inside a failed transaction"
                    );
                    return Ok(false);
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await
        .map_err(|source| StoreError::Open {
            path: shown.clone(),
            source,
        })?;
    sqlx::query("SELECT COUNT(*) FROM sqlite_master")
        .execute(&pool)
        .await
        .map_err(|source| StoreError::Open {
            path: shown,
            source,
        })?;
    Ok(pool)
}

/// The database handle: a pool for reads, and one connection of its own
/// that writes fetched feeds one at a time, so feeds finishing together
/// queue in-process instead of failing on SQLITE_BUSY.
#[derive(Debug, Clone)]
pub struct Store {
    pub pool: SqlitePool,
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
/// than the pool's: the matcher's reads and the inserts' index pages stay in
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
    fn transaction<R>(
        &mut self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
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

/// Runs `work` in one IMMEDIATE transaction on `conn` (the reason is
/// [`begin_write`]'s), committed if it returns `Ok`, rolled back otherwise.
pub(crate) fn immediate<R, E: From<rusqlite::Error>>(
    conn: &mut rusqlite::Connection,
    work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, E>,
) -> Result<R, E> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let result = work(&tx)?;
    tx.commit()?;
    Ok(result)
}

/// Opens a synchronous connection to the database [`open`] created and
/// migrated, set up as the pool's are. The ingest path reads and writes
/// through these on the thread doing the work.
pub fn connect_sync(path: &Path) -> Result<rusqlite::Connection, rusqlite::Error> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT as i64)?;
    // The matcher's and the writer's statements, each prepared once.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Whether `pool` was opened read-only (such pools set `query_only`): its
/// users skip the bookkeeping writes a read may otherwise make.
pub async fn is_read_only(pool: &SqlitePool) -> Result<bool, StoreError> {
    let on: i64 = sqlx::query_scalar("PRAGMA query_only")
        .fetch_one(pool)
        .await?;
    Ok(on != 0)
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

/// Runs `work` in one transaction on a synchronous connection of its own to
/// `pool`'s database, on this thread: for commands that have only the pool
/// (a daemon's writes go through [`Store::write`]).
pub fn write_alone<R, E: From<rusqlite::Error>>(
    pool: &SqlitePool,
    work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, E>,
) -> Result<R, E> {
    read_alone(pool, |conn| immediate(conn, work))
}

/// Runs `work` on a synchronous connection of its own to `pool`'s
/// database, on this thread: for reads of many rows, which through the
/// pool cross from sqlx's thread one row at a time (loading a 100,000-entry
/// window so was 18% of a warm poll's CPU in that thread's kernel time).
pub fn read_alone<R, E: From<rusqlite::Error>>(
    pool: &SqlitePool,
    work: impl FnOnce(&mut rusqlite::Connection) -> Result<R, E>,
) -> Result<R, E> {
    let path = pool.connect_options().get_filename().to_path_buf();
    run_blocking(|| work(&mut connect_sync(&path)?))
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

/// A feed's stored state, as the scheduler and fetcher need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedState {
    pub id: i64,
    pub url: String,
    pub fetch_url: Option<String>,
    pub name: Option<String>,
    pub title: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub consecutive_failures: i64,
    pub next_fetch_at: Option<String>,
    pub min_interval_secs: Option<i64>,
    /// What its recent entries showed: `fulltext::ContentKind` as text.
    pub content_kind: Option<String>,
}

/// The columns of [`FeedState`], for every query that reads one.
pub const FEED_STATE_COLUMNS: &str = "id, url, fetch_url, name, title, etag, last_modified, \
     consecutive_failures, next_fetch_at, min_interval_secs, content_kind";

/// The outcome of one fetch attempt, for the feed's row.
#[derive(Debug, Clone, Default)]
pub struct FetchRecord {
    pub fetched_at: String,
    pub status: Option<u16>,
    /// `None` on success.
    pub error: Option<String>,
    pub duration_ms: i64,
    /// New validators (only set on success).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// A permanent redirect's target, remembered for later fetches (only
    /// when the fetch succeeded: a feed "moved" to a parking page has not moved).
    pub moved_to: Option<String>,
    pub next_fetch_at: String,
    pub min_interval_secs: Option<i64>,
    /// The feed's own title and home page, when the fetch parsed.
    pub title: Option<String>,
    pub site_url: Option<String>,
    /// What the entry filters dropped (and let in again) in this fetch.
    pub filtered: FilterOutcome,
    /// What this fetch's entries taught about the feed (`Some` when it
    /// brought new or changed entries): `fulltext::ContentKind` as text.
    pub content_kind: Option<Option<&'static str>>,
}

/// One new or changed entry, cleaned, ready to write.
#[derive(Debug, Clone)]
pub struct EntryWrite {
    pub guid: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub published_at: Option<String>,
    pub updated_at: Option<String>,
    pub content_raw: String,
    pub content_html: String,
    pub content_text: String,
    pub raw_hash: i64,
    /// The de-duplicator's analysis of `content_text`, made before the
    /// writer is taken (it is the costliest part of matching).
    pub analysis: std::sync::Arc<crate::dedup::fingerprint::Analysis>,
    /// Its text is a teaser whose page the page step fetches.
    pub page_wanted: bool,
    /// Authors, categories and enclosures.
    pub extras: EntryExtras,
}

/// What an entry carries besides its text: stored in `entries.authors`,
/// `entries.categories` (JSON arrays) and `entry_enclosures`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryExtras {
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    pub enclosures: Vec<crate::parse::Enclosure>,
}

impl EntryExtras {
    /// A list as its JSON column: NULL when empty.
    fn json(values: &[String]) -> Option<String> {
        if values.is_empty() {
            return None;
        }
        serde_json::to_string(values).ok()
    }

    /// Replaces the entry's enclosure rows with these.
    fn write_enclosures(
        &self,
        conn: &rusqlite::Connection,
        entry_id: i64,
    ) -> Result<(), StoreError> {
        conn.prepare_cached("DELETE FROM entry_enclosures WHERE entry_id = ?")?
            .execute([entry_id])?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO entry_enclosures (entry_id, position, url, type, length) VALUES (?, ?, ?, ?, ?)",
        )?;
        for (position, e) in self.enclosures.iter().enumerate() {
            insert.execute(rusqlite::params![
                entry_id,
                position as i64,
                e.url,
                e.mime_type,
                e.length.and_then(|n| i64::try_from(n).ok()),
            ])?;
        }
        Ok(())
    }
}

impl EntryWrite {
    pub fn incoming(&self) -> crate::dedup::Incoming<'_> {
        crate::dedup::Incoming {
            title: self.title.as_deref(),
            url: self.url.as_deref(),
            published_at: self.published_at.as_deref(),
            text: &self.content_text,
            analysis: self.analysis.clone(),
        }
    }
}

/// What one write changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteSummary {
    pub inserted: usize,
    pub updated: usize,
    /// Time spent waiting for the writer (other feeds' transactions).
    pub lock_wait: Duration,
    /// Time spent in `Deduper::assign`.
    pub dedup: Duration,
}

/// Starts a write transaction. IMMEDIATE takes the write lock up front: a
/// deferred transaction that reads and then writes fails at once with
/// SQLITE_BUSY_SNAPSHOT (not retried by the busy timeout) when another
/// process committed in between, such as the daemon and `feedsieve search`.
pub async fn begin_write(
    pool: &SqlitePool,
) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
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
        let (pool, read_only) = open_with(path, access).await?;
        Ok(Store {
            pool,
            read_only,
            path: path.to_path_buf(),
            writer: Arc::new(tokio::sync::Mutex::new(Writer::new(path))),
            readers: Default::default(),
            checkpoints: Default::default(),
        })
    }

    /// Closes the writer's and the readers' connections and the pool; the
    /// last connection to close checkpoints the WAL into the database.
    pub async fn close(&self) {
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
        self.pool.close().await;
    }

    /// Runs `work` in one write transaction on the writer's connection, on
    /// this thread, after the feeds queued before it: committed if it
    /// returns `Ok`, rolled back otherwise.
    pub async fn write<R>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut writer = self.writer.lock().await;
        run_blocking(|| writer.transaction(work))
    }

    /// Runs read-only `work` on a synchronous connection of its own (reads
    /// in autocommit see what was committed when each statement starts), on
    /// this thread.
    pub fn read<R>(
        &self,
        work: impl FnOnce(&rusqlite::Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let kept = self
            .readers
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop();
        let conn = match kept {
            Some(conn) => conn,
            None => connect_sync(&self.path)?,
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

    /// Counts pages a commit wrote to the WAL and, once about
    /// [`CHECKPOINT_PAGES`] have gathered, copies the WAL into the database
    /// (PASSIVE, as SQLite's autocheckpoint does) on a pool connection, with
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
        let passive: Result<(i64, i64, i64), sqlx::Error> =
            sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_one(&self.pool)
                .await;
        let restart_at = c.restart_at.load(Ordering::Relaxed).max(WAL_RESTART_PAGES);
        match passive {
            Ok((_, log, copied)) if log > restart_at => {
                // No commit lands while the writer is held; RESTART waits
                // (briefly) for readers to leave the WAL, so the next commit
                // writes it from the start, and SQLite cuts the file back to
                // `journal_size_limit`.
                let _writer = self.writer.lock().await;
                match self.restart_wal().await {
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
    async fn restart_wal(&self) -> Result<i64, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        let set_wait = |wait: Duration| format!("PRAGMA busy_timeout = {}", wait.as_millis());
        sqlx::query(sqlx::AssertSqlSafe(set_wait(RESTART_WAIT)))
            .execute(&mut *conn)
            .await?;
        let restart: Result<(i64, i64, i64), sqlx::Error> =
            sqlx::query_as("PRAGMA wal_checkpoint(RESTART)")
                .fetch_one(&mut *conn)
                .await;
        let reset = sqlx::query(sqlx::AssertSqlSafe(set_wait(BUSY_TIMEOUT)))
            .execute(&mut *conn)
            .await;
        if reset.is_err() {
            // Never back in the pool with the short wait.
            conn.close_on_drop();
        }
        reset?;
        Ok(restart?.0)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes the feeds table match the feed list: adds new feeds, updates
    /// names, marks feeds no longer listed (or disabled) as disabled. Rows are
    /// never deleted here: a feed removed by mistake keeps its history.
    pub async fn sync_feeds(
        &self,
        feeds: &[crate::config::FeedConfig],
    ) -> Result<Vec<FeedState>, StoreError> {
        let added_at = now();
        self.write(|tx| {
            tx.execute("UPDATE feeds SET enabled = 0", [])?;
            let mut upsert = tx.prepare(
                "INSERT INTO feeds (url, name, enabled, added_at, category) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT(url) DO UPDATE SET name = excluded.name, enabled = excluded.enabled,
                                                category = excluded.category",
            )?;
            for feed in feeds {
                upsert.execute(rusqlite::params![
                    feed.url.as_str(),
                    feed.name.as_deref(),
                    feed.enabled,
                    &added_at,
                    feed.category.as_deref(),
                ])?;
            }
            Ok(())
        })
        .await?;
        let query = format!("SELECT {FEED_STATE_COLUMNS} FROM feeds WHERE enabled = 1");
        Ok(sqlx::query_as::<_, FeedState>(sqlx::AssertSqlSafe(query))
            .fetch_all(&self.pool)
            .await?)
    }

    /// Reads ahead, before the writer is taken, what the matcher will need
    /// under it to place `entries` ([`Deduper::prefetch`]), on a reader
    /// connection, on this thread. Most of the matcher's reading happens
    /// here: the writer is the one serial part of ingestion.
    ///
    /// [`Deduper::prefetch`]: crate::dedup::Deduper::prefetch
    pub fn prefetch(
        &self,
        dedup: &crate::dedup::Deduper,
        fetched_at: &str,
        entries: &[EntryWrite],
    ) -> Result<crate::dedup::Prefetched, StoreError> {
        if entries.is_empty() {
            return Ok(crate::dedup::Prefetched::default());
        }
        let incoming: Vec<crate::dedup::Incoming<'_>> =
            entries.iter().map(EntryWrite::incoming).collect();
        self.read(|conn| {
            dedup
                .prefetch(conn, fetched_at, &incoming)
                .map_err(|e| StoreError::Dedup(e.to_string()))
        })
    }

    /// Writes one fetch in a single transaction: new and changed entries,
    /// their stories (through `dedup`, with what [`Store::prefetch`] read
    /// for them, or reading it here if `prefetched` is `None`), the
    /// cleaner's learned template, and the feed's fetch record. Either all
    /// of it lands or none.
    pub async fn write_fetch(
        &self,
        feed_id: i64,
        record: &FetchRecord,
        entries: &[EntryWrite],
        template: Option<&crate::clean::FeedTemplate>,
        dedup: &crate::dedup::Deduper,
        prefetched: Option<crate::dedup::Prefetched>,
    ) -> Result<WriteSummary, StoreError> {
        let started = std::time::Instant::now();
        let prefetched = match prefetched {
            Some(prefetched) => prefetched,
            None => self.prefetch(dedup, &record.fetched_at, entries)?,
        };
        let prefetch = started.elapsed();
        let waited = std::time::Instant::now();
        let mut writer = self.writer.lock().await;
        let mut summary = WriteSummary {
            lock_wait: waited.elapsed(),
            dedup: prefetch,
            ..WriteSummary::default()
        };
        run_blocking(|| {
            writer.transaction(|tx| {
                write_fetch_in(
                    tx,
                    feed_id,
                    record,
                    entries,
                    template,
                    dedup,
                    prefetched,
                    &mut summary,
                )
            })
        })?;
        drop(writer);
        self.checkpoint_if_due(wal_pages(entries)).await;
        Ok(summary)
    }

    /// Indexes every story queued for full-text search, `batch` stories per
    /// transaction on the writer's connection ([`search::BATCH_BETWEEN_FEEDS`]
    /// while feeds may wait, else [`search::BATCH_ALONE`]); returns how many
    /// were indexed. Taking the writer (not a pool connection) queues each
    /// batch between feeds' transactions instead of contending for SQLite's
    /// write lock, whose busy handler sleeps in steps of up to 100 ms.
    ///
    /// [`search::BATCH_BETWEEN_FEEDS`]: crate::search::BATCH_BETWEEN_FEEDS
    /// [`search::BATCH_ALONE`]: crate::search::BATCH_ALONE
    pub async fn catch_up_search(&self, batch: i64) -> Result<usize, StoreError> {
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

    /// Writes one feed's page attempts in a single transaction (see
    /// [`write_pages_in`]); an entry pruned meanwhile is skipped.
    pub async fn write_pages(
        &self,
        feed_id: i64,
        writes: &[PageWrite],
        template: Option<&crate::clean::FeedTemplate>,
        dedup: &crate::dedup::Deduper,
    ) -> Result<(), StoreError> {
        if writes.is_empty() {
            return Ok(());
        }
        self.write(|tx| write_pages_in(tx, feed_id, writes, template, dedup))
            .await?;
        let bytes: usize = writes
            .iter()
            .map(|w| w.page.as_ref().map_or(0, |p| p.html.len()) + 4096)
            .sum();
        self.checkpoint_if_due(4 + i64::try_from(bytes / 3000).unwrap_or(i64::MAX))
            .await;
        Ok(())
    }

    /// The feed overview that `feedsieve feeds` prints.
    pub async fn feed_overview(&self) -> Result<Vec<FeedOverview>, StoreError> {
        Ok(sqlx::query_as::<_, FeedOverview>(
            "SELECT f.id, f.url, f.fetch_url, COALESCE(f.name, f.title) AS name, f.enabled,
                    f.last_fetched_at, f.last_status, f.last_error,
                    -- A disabled feed is not due: its last due time is history.
                    CASE WHEN f.enabled THEN f.next_fetch_at END AS next_fetch_at,
                    (SELECT COUNT(*) FROM entries e WHERE e.feed_id = f.id) AS entries,
                    f.category,
                    (SELECT COUNT(*) FROM filtered_entries d WHERE d.feed_id = f.id) AS filtered,
                    (SELECT COUNT(*) FROM entries e
                     WHERE e.feed_id = f.id AND e.text_source = 'page') AS pages_fetched,
                    (SELECT COUNT(*) FROM entries e
                     WHERE e.feed_id = f.id AND e.page_error IS NOT NULL) AS pages_failed
             FROM feeds f ORDER BY f.enabled DESC, f.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

/// An entry whose page is due: never fetched since the entry came or
/// changed, or failed and its wait is over.
#[derive(Debug, Clone)]
pub struct DuePage {
    pub entry_id: i64,
    pub url: String,
    /// The feed's own cleaned text, which the article must beat.
    pub teaser_text: String,
    /// Failed attempts in a row so far.
    pub attempts: u32,
    /// The page as last fetched, for a conditional GET's 304.
    pub stored: Option<StoredPage>,
}

/// A fetched page as kept in `entry_pages`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredPage {
    pub html: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What one page attempt did to its entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageOutcome {
    /// The page's article (cleaned) replaces the teaser.
    Article { html: String, text: String },
    /// The page was read, but its article was not worth more than the
    /// teaser (a paywall, a consent wall): the teaser stays, `note` says why,
    /// and the page is not fetched again unless the entry changes.
    KeptTeaser { note: String },
    /// The fetch failed: the teaser stays and the page is tried again at
    /// `retry_at`.
    Failed { error: String, retry_at: String },
}

/// One page attempt, ready to write.
#[derive(Debug, Clone)]
pub struct PageWrite {
    pub entry_id: i64,
    pub fetched_at: String,
    /// Where its redirects ended.
    pub page_url: Option<String>,
    /// The page to keep for reclean (`None`: keep what is stored).
    pub page: Option<StoredPage>,
    pub outcome: PageOutcome,
}

/// The entries of `feed_id` whose page is due at `now`, the longest
/// waiting first, at most `limit`.
pub fn due_pages(
    conn: &rusqlite::Connection,
    feed_id: i64,
    now: &str,
    limit: usize,
) -> Result<Vec<DuePage>, StoreError> {
    let mut select = conn.prepare_cached(
        "SELECT e.id, e.url, COALESCE(e.teaser_text, e.content_text, ''), e.page_attempts,
                p.html, p.etag, p.last_modified
         FROM entries e LEFT JOIN entry_pages p ON p.entry_id = e.id
         WHERE e.feed_id = ?1 AND e.page_due_at IS NOT NULL AND e.page_due_at <= ?2
               AND e.url IS NOT NULL
         ORDER BY e.page_due_at, e.id LIMIT ?3",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = select.query_map(rusqlite::params![feed_id, now, limit], |row| {
        let html: Option<String> = row.get(4)?;
        Ok(DuePage {
            entry_id: row.get(0)?,
            url: row.get(1)?,
            teaser_text: row.get(2)?,
            attempts: u32::try_from(row.get::<_, i64>(3)?).unwrap_or(0),
            stored: html.map(|html| StoredPage {
                html,
                etag: row.get(5).ok().flatten(),
                last_modified: row.get(6).ok().flatten(),
            }),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes page attempts in one transaction: each entry's text, source,
/// page columns and kept page; the entries whose text grew to the article
/// go through the de-duplicator's edit path (`Deduper::assign`: new
/// fingerprints, maybe another story); and the feed's template, which
/// learned from the pages.
fn write_pages_in(
    tx: &rusqlite::Connection,
    feed_id: i64,
    writes: &[PageWrite],
    template: Option<&crate::clean::FeedTemplate>,
    dedup: &crate::dedup::Deduper,
) -> Result<(), StoreError> {
    let mut grown = Vec::new();
    for w in writes {
        match &w.outcome {
            PageOutcome::Article { html, text } => {
                tx.prepare_cached(
                    "UPDATE entries SET content_html = ?1, content_text = ?2, text_source = 'page',
                        page_url = ?3, page_fetched_at = ?4, page_error = NULL,
                        page_attempts = 0, page_due_at = NULL
                     WHERE id = ?5 AND feed_id = ?6",
                )?
                .execute(rusqlite::params![
                    html,
                    text,
                    w.page_url,
                    w.fetched_at,
                    w.entry_id,
                    feed_id
                ])?;
                grown.push(w.entry_id);
            }
            PageOutcome::KeptTeaser { note } => {
                tx.prepare_cached(
                    "UPDATE entries SET page_url = ?1, page_fetched_at = ?2, page_error = ?3,
                        page_attempts = 0, page_due_at = NULL
                     WHERE id = ?4 AND feed_id = ?5",
                )?
                .execute(rusqlite::params![
                    w.page_url,
                    w.fetched_at,
                    note,
                    w.entry_id,
                    feed_id
                ])?;
            }
            PageOutcome::Failed { error, retry_at } => {
                tx.prepare_cached(
                    "UPDATE entries SET page_url = COALESCE(?1, page_url), page_fetched_at = ?2,
                        page_error = ?3, page_attempts = page_attempts + 1, page_due_at = ?4
                     WHERE id = ?5 AND feed_id = ?6",
                )?
                .execute(rusqlite::params![
                    w.page_url,
                    w.fetched_at,
                    error,
                    retry_at,
                    w.entry_id,
                    feed_id
                ])?;
            }
        }
        if let Some(page) = &w.page {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO entry_pages (entry_id, html, etag, last_modified)
                 SELECT id, ?2, ?3, ?4 FROM entries WHERE id = ?1",
            )?
            .execute(rusqlite::params![
                w.entry_id,
                page.html,
                page.etag,
                page.last_modified
            ])?;
        }
    }
    if !grown.is_empty() {
        dedup
            .assign(tx, &grown)
            .map_err(|e| StoreError::Dedup(e.to_string()))?;
    }
    if let Some(template) = template {
        save_template(tx, feed_id, template)?;
    }
    Ok(())
}

/// About how many pages a fetch's commit adds to the WAL: its entries' text
/// (three copies of each body), spread over data, overflow and index pages,
/// and the feed's row and stories, at least.
fn wal_pages(entries: &[EntryWrite]) -> i64 {
    let bytes: usize = entries
        .iter()
        .map(|e| e.content_raw.len() + e.content_html.len() + e.content_text.len() + 512)
        .sum();
    4 + i64::try_from(bytes / 3000).unwrap_or(i64::MAX)
}

/// The body of [`Store::write_fetch`], inside its transaction.
#[allow(clippy::too_many_arguments)]
fn write_fetch_in(
    tx: &rusqlite::Connection,
    feed_id: i64,
    record: &FetchRecord,
    entries: &[EntryWrite],
    template: Option<&crate::clean::FeedTemplate>,
    dedup: &crate::dedup::Deduper,
    prefetched: crate::dedup::Prefetched,
    summary: &mut WriteSummary,
) -> Result<(), StoreError> {
    // Read again inside the write transaction: no other writer can add
    // one of these guids before the inserts below.
    let guids: Vec<&str> = entries.iter().map(|e| e.guid.as_str()).collect();
    let stored = guid_hashes(tx, feed_id, &guids)?;
    // A guid given twice is inserted once, then updated, as a feed
    // reader would show its last copy.
    let mut fresh_guids = std::collections::HashSet::new();
    let (fresh, updates): (Vec<&EntryWrite>, Vec<&EntryWrite>) = entries
        .iter()
        .partition(|e| !stored.contains_key(&e.guid) && fresh_guids.insert(e.guid.as_str()));
    if !fresh.is_empty() {
        let started = std::time::Instant::now();
        summary.inserted = fresh.len();
        insert_new(tx, feed_id, &record.fetched_at, &fresh, dedup, prefetched)?;
        summary.dedup += started.elapsed();
    }
    let mut changed = Vec::with_capacity(updates.len());
    if !updates.is_empty() {
        let mut update = tx.prepare_cached(
            "UPDATE entries SET
                url = ?, title = ?, author = ?, published_at = ?, updated_at = ?,
                changed_at = ?, content_raw = ?, content_html = ?, content_text = ?,
                raw_hash = ?, authors = ?, categories = ?, text_source = 'feed',
                teaser_text = ?, page_error = NULL, page_attempts = 0, page_due_at = ?
             WHERE feed_id = ? AND guid = ?
             RETURNING id",
        )?;
        for e in updates {
            summary.updated += 1;
            // A changed entry is the feed's text again until its page is
            // fetched anew (the page may have changed with it).
            let (teaser, due) = page_columns(e, &record.fetched_at);
            let id: i64 = update.query_row(
                rusqlite::params![
                    e.url,
                    e.title,
                    e.author,
                    e.published_at,
                    e.updated_at,
                    record.fetched_at,
                    e.content_raw,
                    e.content_html,
                    e.content_text,
                    e.raw_hash,
                    EntryExtras::json(&e.extras.authors),
                    EntryExtras::json(&e.extras.categories),
                    teaser,
                    due,
                    feed_id,
                    e.guid,
                ],
                |row| row.get(0),
            )?;
            e.extras.write_enclosures(tx, id)?;
            changed.push(id);
        }
    }
    if !changed.is_empty() {
        let started = std::time::Instant::now();
        dedup
            .assign(tx, &changed)
            .map_err(|e| StoreError::Dedup(e.to_string()))?;
        summary.dedup += started.elapsed();
    }
    if let Some(template) = template {
        save_template(tx, feed_id, template)?;
    }
    record_filtered(tx, feed_id, &record.fetched_at, &record.filtered)?;
    let ok = record.error.is_none();
    tx.prepare_cached(
        "UPDATE feeds SET
            last_fetched_at = ?1, last_status = ?2, last_error = ?3, last_duration_ms = ?4,
            last_success_at = CASE WHEN ?5 THEN ?1 ELSE last_success_at END,
            consecutive_failures = CASE WHEN ?5 THEN 0 ELSE consecutive_failures + 1 END,
            etag = CASE WHEN ?5 THEN ?6 ELSE etag END,
            last_modified = CASE WHEN ?5 THEN ?7 ELSE last_modified END,
            fetch_url = CASE WHEN ?5 THEN COALESCE(?8, fetch_url) ELSE fetch_url END,
            next_fetch_at = ?9,
            min_interval_secs = CASE WHEN ?5 THEN ?10 ELSE min_interval_secs END,
            title = COALESCE(?11, title), site_url = COALESCE(?12, site_url),
            content_kind = CASE WHEN ?14 THEN ?15 ELSE content_kind END
         WHERE id = ?13",
    )?
    .execute(rusqlite::params![
        record.fetched_at,
        record.status.map(i64::from),
        record.error,
        record.duration_ms,
        ok,
        record.etag,
        record.last_modified,
        record.moved_to,
        record.next_fetch_at,
        record.min_interval_secs,
        record.title,
        record.site_url,
        feed_id,
        record.content_kind.is_some(),
        record.content_kind.flatten(),
    ])?;
    Ok(())
}

/// `teaser_text` and `page_due_at` of an entry as the feed gives it: a
/// wanted page is due at once.
fn page_columns<'a>(e: &'a EntryWrite, fetched_at: &'a str) -> (Option<&'a str>, Option<&'a str>) {
    if e.page_wanted {
        (Some(e.content_text.as_str()), Some(fetched_at))
    } else {
        (None, None)
    }
}

/// A feed's learned template (if it has learned anything) and its stored
/// `content_kind`, found by its URL, read from `database` read-only; nothing
/// when the file, the feed or the rows are missing or unreadable (`preview`
/// then starts from nothing, as for a new feed).
pub fn stored_feed_state(
    database: &Path,
    url: &str,
) -> (Option<crate::clean::FeedTemplate>, Option<String>) {
    use rusqlite::OptionalExtension;
    if !database.is_file() {
        return (None, None);
    }
    let Ok(conn) = rusqlite::Connection::open_with_flags(
        database,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return (None, None);
    };
    let Ok(Some((feed_id, kind))) = conn
        .query_row(
            "SELECT id, content_kind FROM feeds WHERE url = ?1 OR fetch_url = ?1",
            [url],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Option<String>>(1)?)),
        )
        .optional()
    else {
        return (None, None);
    };
    let template = load_template(&conn, feed_id)
        .ok()
        .filter(|t| t.entries_seen > 0);
    (template, kind)
}

/// What the cleaner learned about a feed's template (empty if nothing yet).
pub fn load_template(
    conn: &rusqlite::Connection,
    feed_id: i64,
) -> Result<crate::clean::FeedTemplate, rusqlite::Error> {
    use crate::clean::{BlockStat, FeedTemplate};
    use rusqlite::OptionalExtension;
    let seen: Option<i64> = conn
        .prepare_cached("SELECT entries_seen FROM clean_templates WHERE feed_id = ?")?
        .query_row([feed_id], |row| row.get(0))
        .optional()?;
    let Some(seen) = seen else {
        return Ok(FeedTemplate::default());
    };
    type Row = (i64, Option<i64>, i64, i64, i64, String);
    let rows: Vec<Row> = conn
        .prepare_cached(
            "SELECT block_hash, shape_hash, seen_count, first_seen, last_seen, sample
             FROM clean_template_blocks WHERE feed_id = ?",
        )?
        .query_map([feed_id], |row| row.try_into())?
        .collect::<Result<_, _>>()?;
    let clamp = |v: i64| u64::try_from(v).unwrap_or(0);
    // u64 hashes are stored as i64 bit patterns; no shape means the block's
    // own hash (a block without digits, or one stored before 0012).
    let blocks = rows
        .into_iter()
        .map(|(hash, shape, count, first, last, sample)| {
            let stat = BlockStat {
                count: u32::try_from(count).unwrap_or(0),
                first_seen: clamp(first),
                last_seen: clamp(last),
                shape: shape.unwrap_or(hash) as u64,
                sample,
            };
            (hash as u64, stat)
        });
    Ok(FeedTemplate::from_stored(clamp(seen), blocks))
}

/// Writes what changed in a feed's template since it was loaded (counted
/// blocks, pruned blocks). Run it inside the caller's transaction so a
/// crash never leaves half a template.
pub fn save_template(
    conn: &rusqlite::Connection,
    feed_id: i64,
    template: &crate::clean::FeedTemplate,
) -> Result<(), rusqlite::Error> {
    let to_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO clean_templates (feed_id, entries_seen) VALUES (?, ?)
         ON CONFLICT (feed_id) DO UPDATE SET entries_seen = excluded.entries_seen",
    )?
    .execute([feed_id, to_i64(template.entries_seen)])?;
    let pruned = template.pruned_blocks();
    if !pruned.is_empty() {
        let mut delete = conn.prepare_cached(
            "DELETE FROM clean_template_blocks WHERE feed_id = ? AND block_hash = ?",
        )?;
        for &hash in pruned {
            delete.execute([feed_id, hash as i64])?;
        }
    }
    let mut upsert = conn.prepare_cached(
        "INSERT INTO clean_template_blocks
           (feed_id, block_hash, seen_count, first_seen, last_seen, sample, shape_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (feed_id, block_hash) DO UPDATE SET seen_count = excluded.seen_count,
           first_seen = excluded.first_seen, last_seen = excluded.last_seen",
    )?;
    // The sample stays as first stored; a shape the same as the hash is
    // stored as NULL.
    for (hash, s) in template.changed_blocks() {
        upsert.execute(rusqlite::params![
            feed_id,
            hash as i64,
            i64::from(s.count),
            to_i64(s.first_seen),
            to_i64(s.last_seen),
            s.sample,
            (s.shape != hash).then_some(s.shape as i64),
        ])?;
    }
    Ok(())
}

/// The stored raw hash of each of `guids` that the feed has.
pub fn guid_hashes(
    conn: &rusqlite::Connection,
    feed_id: i64,
    guids: &[&str],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let mut known = std::collections::HashMap::new();
    let mut select =
        conn.prepare_cached("SELECT raw_hash FROM entries WHERE feed_id = ? AND guid = ?")?;
    for &guid in guids {
        use rusqlite::OptionalExtension;
        if let Some(hash) = select
            .query_row(rusqlite::params![feed_id, guid], |row| row.get::<_, i64>(0))
            .optional()?
        {
            known.insert(guid.to_string(), hash);
        }
    }
    Ok(known)
}

/// Inserts a feed's entries whose guids are not stored yet (the caller
/// checked, inside this write transaction), each row once and complete: the
/// de-duplicator (with what it prefetched before the writer was taken,
/// `Deduper::prefetch`) places them in stories first (with ids given out
/// here), then their rows go in, then the stories' rows. Writing simhash and
/// story_id afterwards, as before, rewrote each ~20 KB row a second time.
pub fn insert_new(
    conn: &rusqlite::Connection,
    feed_id: i64,
    fetched_at: &str,
    fresh: &[&EntryWrite],
    dedup: &crate::dedup::Deduper,
    prefetched: crate::dedup::Prefetched,
) -> Result<(), StoreError> {
    // The new stories' rows come after the entries that name them, hence the
    // PRAGMA (it ends with the transaction). INTEGER PRIMARY KEY without
    // AUTOINCREMENT: SQLite itself would give out max + 1, and the write
    // lock is ours until commit. (An id set by hand near i64::MAX makes the
    // inserts fail on a duplicate id: the feed's error, not a crash.)
    conn.pragma_update(None, "defer_foreign_keys", "ON")?;
    let (last_entry, last_story): (i64, i64) = conn
        .prepare_cached(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM entries),
                    (SELECT COALESCE(MAX(id), 0) FROM stories)",
        )?
        .query_row([], |row| row.try_into())?;
    let incoming: Vec<crate::dedup::Incoming<'_>> = fresh.iter().map(|e| e.incoming()).collect();
    let placement = dedup
        .place(
            conn,
            last_entry.saturating_add(1),
            last_story.saturating_add(1),
            fetched_at,
            &incoming,
            prefetched,
        )
        .map_err(|e| StoreError::Dedup(e.to_string()))?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO entries (id, feed_id, guid, url, title, author, published_at, updated_at,
                              fetched_at, changed_at, content_raw, content_html, content_text,
                              raw_hash, simhash, story_id, authors, categories,
                              teaser_text, page_due_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?;
    for (index, e) in fresh.iter().enumerate() {
        let id = placement.ids.get(index).copied();
        let (teaser, due) = page_columns(e, fetched_at);
        insert.execute(rusqlite::params![
            id,
            feed_id,
            e.guid,
            e.url,
            e.title,
            e.author,
            e.published_at,
            e.updated_at,
            fetched_at,
            fetched_at,
            e.content_raw,
            e.content_html,
            e.content_text,
            e.raw_hash,
            placement.simhashes.get(index),
            placement.stories.get(index),
            EntryExtras::json(&e.extras.authors),
            EntryExtras::json(&e.extras.categories),
            teaser,
            due,
        ])?;
        if let Some(id) = id
            && !e.extras.enclosures.is_empty()
        {
            e.extras.write_enclosures(conn, id)?;
        }
    }
    dedup
        .record(conn, &placement)
        .map_err(|e| StoreError::Dedup(e.to_string()))?;
    Ok(())
}

/// Merges story `from` into story `into` (the de-duplicator found an entry
/// that links them): `from`'s entries move to `into`, `from`'s row goes,
/// and `story_merges` records that `from` (and every id merged into it
/// before) now resolves to `into`. The caller refreshes `into`'s row.
pub fn merge_stories(
    conn: &rusqlite::Connection,
    from: i64,
    into: i64,
    at: &str,
) -> Result<(), rusqlite::Error> {
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
pub fn forget_story_merges(conn: &rusqlite::Connection) -> Result<(), rusqlite::Error> {
    conn.execute("DELETE FROM story_merges", [])?;
    Ok(())
}

/// Whether story `story` has an entry other than `entry`.
pub fn story_has_others(
    conn: &rusqlite::Connection,
    story: i64,
    entry: i64,
) -> Result<bool, rusqlite::Error> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM entries WHERE story_id = ? AND id != ?)")?
        .query_row([story, entry], |row| row.get(0))
}

/// An entry's story and `changed_at` as stored now; `None` if it has no row.
pub fn entry_story(
    conn: &rusqlite::Connection,
    entry: i64,
) -> Result<Option<(Option<i64>, String)>, rusqlite::Error> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached("SELECT story_id, changed_at FROM entries WHERE id = ?")?
        .query_row([entry], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()
}

/// One row of `feedsieve feeds`.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct FeedOverview {
    pub id: i64,
    pub url: String,
    pub fetch_url: Option<String>,
    pub name: Option<String>,
    pub enabled: bool,
    pub last_fetched_at: Option<String>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub next_fetch_at: Option<String>,
    pub entries: i64,
    /// Entries whose text is their page's article.
    pub pages_fetched: i64,
    /// Entries whose page could not be used (`entries.page_error`).
    pub pages_failed: i64,
    /// The feed's `category` from the feed list.
    pub category: Option<String>,
    /// Entries its `[filter]` rules dropped (rows of `filtered_entries`).
    pub filtered: i64,
}

/// An entry a `[filter]` rule dropped, as `filtered_entries` records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilteredEntry {
    pub guid: String,
    pub raw_hash: i64,
    pub title: Option<String>,
    pub url: Option<String>,
    pub reason: String,
}

/// What the filters made of one fetch's new entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterOutcome {
    /// Dropped now (first time, or changed since, or by another rule).
    pub dropped: Vec<FilteredEntry>,
    /// Guids dropped by an earlier fetch that the rules now let in.
    pub admitted: Vec<String>,
}

/// The recorded drop (raw hash, reason) of each of `guids` that the feed
/// has in `filtered_entries`.
pub fn filtered_hashes(
    conn: &rusqlite::Connection,
    feed_id: i64,
    guids: &[&str],
) -> Result<std::collections::HashMap<String, (i64, String)>, StoreError> {
    use rusqlite::OptionalExtension;
    let mut found = std::collections::HashMap::new();
    let mut select = conn.prepare_cached(
        "SELECT raw_hash, reason FROM filtered_entries WHERE feed_id = ? AND guid = ?",
    )?;
    for &guid in guids {
        if let Some(row) = select
            .query_row(rusqlite::params![feed_id, guid], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })
            .optional()?
        {
            found.insert(guid.to_string(), row);
        }
    }
    Ok(found)
}

/// Records the entries a filter dropped in this fetch (replacing an older
/// record of the same entry) and forgets the records of entries the rules
/// now let in; inside the fetch's transaction.
fn record_filtered(
    tx: &rusqlite::Connection,
    feed_id: i64,
    at: &str,
    outcome: &FilterOutcome,
) -> Result<(), StoreError> {
    if !outcome.dropped.is_empty() {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO filtered_entries (feed_id, guid, raw_hash, title, url, reason, filtered_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(feed_id, guid) DO UPDATE SET raw_hash = excluded.raw_hash,
                title = excluded.title, url = excluded.url, reason = excluded.reason,
                filtered_at = excluded.filtered_at",
        )?;
        for d in &outcome.dropped {
            upsert.execute(rusqlite::params![
                feed_id, d.guid, d.raw_hash, d.title, d.url, d.reason, at
            ])?;
        }
    }
    if !outcome.admitted.is_empty() {
        let mut forget =
            tx.prepare_cached("DELETE FROM filtered_entries WHERE feed_id = ? AND guid = ?")?;
        for guid in &outcome.admitted {
            forget.execute(rusqlite::params![feed_id, guid])?;
        }
    }
    Ok(())
}
