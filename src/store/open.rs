//! Opening the database: the file's folder, the access a command has
//! ([`Access`]), the read-only fallback, migrations, and the connection
//! settings every connection shares. It runs no query of a stage.

use std::path::Path;

use super::migrate::{self, MigrateError};
use super::{Access, BUSY_TIMEOUT, StoreError, WAL_SIZE_LIMIT};

/// Where the systemd unit keeps the service's database, named when a read
/// command finds no database elsewhere.
const SERVICE_DATABASE: &str = "/var/lib/feedsieve/feedsieve.db";

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
        _ => StoreError::Io {
            path: path.display().to_string(),
            source: e,
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
    let sql_error = match e {
        StoreError::Open { source, .. } | StoreError::Sql(source) => source,
        StoreError::Migrate {
            source: MigrateError::Apply { source, .. } | MigrateError::Sql(source),
            ..
        } => source,
        StoreError::Io { source, .. } => {
            return source.kind() == std::io::ErrorKind::PermissionDenied;
        }
        _ => return false,
    };
    match sql_error {
        // SQLITE_READONLY (8) and SQLITE_CANTOPEN (14), with their extended codes.
        rusqlite::Error::SqliteFailure(e, _) => matches!(e.extended_code & 0xff, 8 | 14),
        _ => false,
    }
}

/// How the store's connections open the file, as [`open_with`] found it
/// could be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Read and write (WAL).
    Write,
    /// `mode=ro`: sees a running daemon's commits.
    ReadOnly,
    /// `immutable=1`: a backup or a read-only mount, which nothing changes.
    Immutable,
}

/// Opens the database as `access` allows, migrating it when writable; says
/// how its connections are to be opened ([`connect`]).
pub(super) fn open_with(path: &Path, access: Access) -> Result<Mode, StoreError> {
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
            return open_read_only(path);
        }
        return Err(io_error(path, "cannot write database", e));
    }
    match open_writable(path, access == Access::Create) {
        Ok(()) => return Ok(Mode::Write),
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
    open_read_only(path)
}

/// Opens a database that cannot be written. `mode=ro` first, which still
/// sees a running daemon's commits; it needs the WAL index (`-shm`) to exist
/// or its folder to be writable. Failing that (a backup, a read-only mount)
/// the file is read as `immutable`: nothing else may be changing it.
fn open_read_only(path: &Path) -> Result<Mode, StoreError> {
    let shown = path.display().to_string();
    let opened = |mode| {
        let conn = connect(path, mode).map_err(|source| StoreError::Open {
            path: shown.clone(),
            source,
        })?;
        conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |_| Ok(()))
            .map_err(|source| StoreError::Open {
                path: shown.clone(),
                source,
            })?;
        Ok::<_, StoreError>((conn, mode))
    };
    let (conn, mode) = match opened(Mode::ReadOnly) {
        Ok(opened) => opened,
        Err(e) if is_write_refused(&e) => {
            tracing::debug!(error = %e, "reading the database as immutable");
            opened(Mode::Immutable).map_err(|e| {
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
    if migrate::applied_version(&conn).unwrap_or(0) < migrate::latest() {
        return Err(StoreError::Outdated { path: shown });
    }
    Ok(mode)
}

/// Opens the file for writing (creating it if `create`), turns WAL on,
/// migrates, and converts rows stored before migration 0015.
fn open_writable(path: &Path, create: bool) -> Result<(), StoreError> {
    use rusqlite::OpenFlags;
    let shown = || path.display().to_string();
    let open_error = |source| StoreError::Open {
        path: shown(),
        source,
    };
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let mut conn = rusqlite::Connection::open_with_flags(path, flags).map_err(open_error)?;
    set_up(&conn).map_err(open_error)?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .map_err(open_error)?;
    migrate::run(&mut conn).map_err(|source| StoreError::Migrate {
        path: shown(),
        source,
    })?;
    // Rows stored before migration 0015 are compressed here, resumably.
    super::codec::convert(&mut conn)?;
    Ok(())
}

/// The settings every connection shares.
fn set_up(conn: &rusqlite::Connection) -> Result<(), rusqlite::Error> {
    // A user's long read in sqlite3 must not make the daemon's writes fail.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// A connection to the database [`open_with`] opened, in its `mode`.
pub(super) fn connect(path: &Path, mode: Mode) -> Result<rusqlite::Connection, rusqlite::Error> {
    use rusqlite::OpenFlags;
    let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match mode {
        Mode::Write => return connect_sync(path),
        Mode::ReadOnly => rusqlite::Connection::open_with_flags(path, read_only)?,
        Mode::Immutable => rusqlite::Connection::open_with_flags(
            immutable_uri(path),
            read_only | OpenFlags::SQLITE_OPEN_URI,
        )?,
    };
    set_up(&conn)?;
    conn.pragma_update(None, "query_only", "ON")?;
    Ok(conn)
}

/// `file:` URI of `path` with `immutable=1`; the characters a URI gives a
/// meaning to are escaped.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3F"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Opens a synchronous read-write connection to the database [`open_with`]
/// created and migrated. The ingest path reads and writes
/// through these on the thread doing the work.
pub fn connect_sync(path: &Path) -> Result<rusqlite::Connection, rusqlite::Error> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    set_up(&conn)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // After a checkpoint has caught up, the next commit reuses the WAL from
    // its start and SQLite cuts the file back to this size.
    conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT as i64)?;
    // The matcher's and the writer's statements, each prepared once.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
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
