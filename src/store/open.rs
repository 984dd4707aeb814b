//! Opening the database: the file's folder, the access a command has
//! ([`Access`]), the read-only fallback, migrations, and the connection
//! settings every connection shares. It runs no query of a stage.

use std::path::Path;
use std::str::FromStr;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::{Access, BUSY_TIMEOUT, StoreError, WAL_SIZE_LIMIT};

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

/// Opens the database as `access` allows; also says whether it was opened
/// read-only.
pub(super) async fn open_with(
    path: &Path,
    access: Access,
) -> Result<(SqlitePool, bool), StoreError> {
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
    // Rows stored before migration 0015 are compressed here, resumably.
    super::read_alone(&pool, super::codec::convert)?;
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

/// A synchronous read-only connection that never migrates nor creates
/// anything, for a look at a database that may be old or another user's
/// (`preview`).
pub(super) fn connect_read_only(path: &Path) -> Result<rusqlite::Connection, rusqlite::Error> {
    use rusqlite::OpenFlags;
    rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}
