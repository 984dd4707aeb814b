//! Storage: the SQLite database of feeds, entries and stories.
//!
//! One transaction per fetched feed, so a crash never leaves half a feed.
//! It never fetches, parses or cleans; it only persists what the stages made.

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
}

/// What [`Store::open`] connects the pool and the writer with.
fn connect_options(path: &Path) -> Result<SqliteConnectOptions, StoreError> {
    let shown = path.display().to_string();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
            path: shown.clone(),
            source: sqlx::Error::Io(e),
        })?;
    }
    Ok(SqliteConnectOptions::from_str("sqlite:")
        .map_err(|source| StoreError::Open {
            path: shown,
            source,
        })?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        // A user's long read in sqlite3 must not make the daemon's writes fail.
        .busy_timeout(BUSY_TIMEOUT)
        // After a checkpoint has caught up, the next commit reuses the WAL
        // from its start and SQLite cuts the file back to this size.
        .pragma("journal_size_limit", WAL_SIZE_LIMIT.to_string()))
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
    let shown = path.display().to_string();
    let options = connect_options(path)?;
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
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .map_err(|source| StoreError::Migrate {
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
}

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
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        Ok(Store {
            pool: open(path).await?,
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
                "INSERT INTO feeds (url, name, enabled, added_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT(url) DO UPDATE SET name = excluded.name, enabled = excluded.enabled",
            )?;
            for feed in feeds {
                upsert.execute(rusqlite::params![
                    feed.url.as_str(),
                    feed.name.as_deref(),
                    feed.enabled,
                    &added_at
                ])?;
            }
            Ok(())
        })
        .await?;
        Ok(sqlx::query_as::<_, FeedState>(
            "SELECT id, url, fetch_url, name, title, etag, last_modified, consecutive_failures,
                    next_fetch_at, min_interval_secs
             FROM feeds WHERE enabled = 1",
        )
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

    /// The feed overview that `feedsieve feeds` prints.
    pub async fn feed_overview(&self) -> Result<Vec<FeedOverview>, StoreError> {
        Ok(sqlx::query_as::<_, FeedOverview>(
            "SELECT f.id, f.url, f.fetch_url, COALESCE(f.name, f.title) AS name, f.enabled,
                    f.last_fetched_at, f.last_status, f.last_error, f.next_fetch_at,
                    (SELECT COUNT(*) FROM entries e WHERE e.feed_id = f.id) AS entries
             FROM feeds f ORDER BY f.enabled DESC, f.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
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
                raw_hash = ?
             WHERE feed_id = ? AND guid = ?
             RETURNING id",
        )?;
        for e in updates {
            summary.updated += 1;
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
                    feed_id,
                    e.guid,
                ],
                |row| row.get(0),
            )?;
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
            title = COALESCE(?11, title), site_url = COALESCE(?12, site_url)
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
    ])?;
    Ok(())
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
                              raw_hash, simhash, story_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?;
    for (index, e) in fresh.iter().enumerate() {
        insert.execute(rusqlite::params![
            placement.ids.get(index),
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
        ])?;
    }
    dedup
        .record(conn, &placement)
        .map_err(|e| StoreError::Dedup(e.to_string()))?;
    Ok(())
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
}
