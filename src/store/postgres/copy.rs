//! `feedsieve copy`: every table that holds data, from a SQLite file to a
//! PostgreSQL database or back, ids preserved (story ids users keep still
//! resolve).
//!
//! Rows move in batches in key order ([`super::tables`]), each batch in one
//! transaction of the target together with its resume point (meta
//! `copy.<table>`: the last key copied), so a copy stopped anyhow goes on
//! after its last committed batch when run again. The target records which
//! database it holds (`copy.source`, from the source's first feed and entry),
//! and a target that holds another database's data is refused. At the end the
//! rows of every table are counted on both sides.
//!
//! Both sides are [`Side`]s (`sides.rs`): the driver here holds no SQL. It
//! blocks its thread: never call it on a tokio runtime thread.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha384};

use super::sides::{PgSide, Side, SqliteSide};
use super::tables::{TABLES, Table};
use super::{PgError, PgMigrateError};
use crate::progress::Progress;
use crate::store::{Access, DaemonLock, LockError, StoreError};

/// Rows per batch when not told otherwise (entries are the big rows: ~20 KB
/// each with their texts, so a batch is a few tens of MB at most).
pub const DEFAULT_BATCH_ROWS: usize = 1000;

/// Which way the rows go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// SQLite file → PostgreSQL.
    ToPostgres,
    /// PostgreSQL → SQLite file (new or empty).
    FromPostgres,
}

/// What to copy, and how.
#[derive(Debug, Clone)]
pub struct CopyOptions {
    pub sqlite: PathBuf,
    pub url: String,
    pub direction: Direction,
    /// Rows per batch (at least 1).
    pub batch_rows: usize,
    /// For tests: stop with [`CopyError::Stopped`] after this many batches
    /// committed, as a copy killed there would.
    pub stop_after_batches: Option<u64>,
    /// For tests: migrate the PostgreSQL database only up to this version,
    /// as an older feedsieve would have (`None`: every migration).
    pub migrate_up_to: Option<i64>,
}

/// What a finished copy did.
#[derive(Debug, Clone)]
pub struct CopyReport {
    /// Every table with its row count, the same on both sides.
    pub tables: Vec<(&'static str, u64)>,
    /// Rows this run copied (less than the total when it resumed).
    pub copied: u64,
    /// Whether an earlier, interrupted copy had already moved some rows.
    pub resumed: bool,
    /// Whether the target already held the whole copy (nothing to do but verify).
    pub already_done: bool,
    pub elapsed: Duration,
}

/// A value of one column, as both engines hold it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    Blob(Vec<u8>),
}

/// Why a copy failed.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(transparent)]
    Pg(#[from] PgError),
    #[error("cannot migrate the PostgreSQL database {url}: {source}")]
    PgMigrate { url: String, source: PgMigrateError },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(
        "a feedsieve daemon{} is running on {database}: stop it before copying, so that no row \
         changes while rows move",
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    DaemonRunning { database: String, pid: Option<u32> },
    #[error("copying {table}: {message}")]
    Row {
        table: &'static str,
        message: String,
    },
    #[error(
        "{target} already holds {what} (copy.source {found}, this database is {ours}); \
         copy into an empty database, or drop that one first"
    )]
    Foreign {
        target: String,
        what: &'static str,
        found: String,
        ours: String,
    },
    #[error(
        "{target} already holds data ({rows} rows in {table}) that no copy put there; \
         copy into a new, empty database"
    )]
    NotEmpty {
        target: String,
        table: &'static str,
        rows: u64,
    },
    #[error("another `feedsieve copy` is writing to {0}; wait for it to finish")]
    Busy(String),
    #[error(
        "verification failed: {table} has {source_rows} rows in the source and {target_rows} \
         in the target (was the source written to during the copy? stop its daemon and copy again)"
    )]
    Mismatch {
        table: &'static str,
        source_rows: u64,
        target_rows: u64,
    },
    #[error("stopped after {0} batches, as asked (--stop-after-batches); run again to resume")]
    Stopped(u64),
}

impl CopyError {
    pub(super) fn row(table: &'static str, message: impl Into<String>) -> CopyError {
        CopyError::Row {
            table,
            message: message.into(),
        }
    }
}

/// Runs the copy `options` describe, drawing a progress line on a terminal.
pub fn run(options: &CopyOptions) -> Result<CopyReport, CopyError> {
    let started = Instant::now();
    // No daemon may write the SQLite side while rows move.
    let early = lock_sqlite(&options.sqlite)?;
    let (mut source, mut target): (Box<dyn Side>, Box<dyn Side>) = match options.direction {
        Direction::ToPostgres => (
            Box::new(SqliteSide::open(&options.sqlite, Access::Read)?),
            Box::new(PgSide::open(&options.url, options.migrate_up_to)?),
        ),
        Direction::FromPostgres => (
            Box::new(PgSide::open(&options.url, options.migrate_up_to)?),
            Box::new(SqliteSide::open(&options.sqlite, Access::Create)?),
        ),
    };
    // A new file's folder did not exist before opening made it.
    let _lock = match early {
        Some(lock) => Some(lock),
        None => lock_sqlite(&options.sqlite)?,
    };
    if !target.lock_for_copy()? {
        return Err(CopyError::Busy(target.name()));
    }
    let ours = identity(source.as_mut())?;
    let (resumed, already_done) = check_target(target.as_mut(), &ours)?;

    let mut copied = 0;
    if !already_done {
        let total: u64 = count_all(source.as_mut())?.iter().map(|(_, n)| n).sum();
        let before: u64 = count_all(target.as_mut())?.iter().map(|(_, n)| n).sum();
        let what = match options.direction {
            Direction::ToPostgres => "copying rows to PostgreSQL",
            Direction::FromPostgres => "copying rows from PostgreSQL",
        };
        let progress = Progress::new(what, total.saturating_sub(before));
        let mut batches = 0;
        let batch_rows = options.batch_rows.max(1);
        for table in TABLES {
            let mut after = target.resume_point(table)?;
            if table.key.is_none() && after.is_some() {
                continue;
            }
            loop {
                let batch = source.read(table, after.unwrap_or(i64::MIN), batch_rows)?;
                let Some(last) = batch.last else { break };
                target.write(table, &batch.rows, last)?;
                copied += batch.rows.len() as u64;
                progress.add(batch.rows.len() as u64);
                batches += 1;
                if options.stop_after_batches.is_some_and(|n| batches >= n) {
                    progress.finish();
                    return Err(CopyError::Stopped(batches));
                }
                if table.key.is_none() {
                    break;
                }
                after = Some(last);
            }
        }
        progress.finish();
        target.finish()?;
    }
    let tables = verify(source.as_mut(), target.as_mut())?;
    if !already_done {
        target.set_meta("copy.done", &chrono::Utc::now().to_rfc3339())?;
    }
    Ok(CopyReport {
        tables,
        copied,
        resumed,
        already_done,
        elapsed: started.elapsed(),
    })
}

/// Takes the daemon lock of the SQLite file when its folder can be written:
/// a daemon running on it is refused (its error names its pid). A file whose
/// folder cannot be written (a backup, a read-only mount) has no daemon, nor
/// has one whose folder does not exist yet (`copy --from` makes it).
fn lock_sqlite(path: &Path) -> Result<Option<DaemonLock>, CopyError> {
    use std::io::ErrorKind::{NotFound, PermissionDenied, ReadOnlyFilesystem};
    match DaemonLock::acquire(path) {
        Ok(lock) => Ok(Some(lock)),
        Err(LockError::Io { source, .. })
            if matches!(
                source.kind(),
                PermissionDenied | ReadOnlyFilesystem | NotFound
            ) =>
        {
            Ok(None)
        }
        Err(LockError::Held { database, pid }) => Err(CopyError::DaemonRunning {
            database: database.display().to_string(),
            pid,
        }),
        Err(e) => Err(e.into()),
    }
}

/// Which database `side` holds: a hash of its first feed and first entry
/// (columns that never change once written), "empty" for no rows. A copy has
/// its source's identity, so a copy of a copy is recognised.
pub(super) fn identity(side: &mut dyn Side) -> Result<String, CopyError> {
    let mut text = String::new();
    for (name, columns) in [
        ("feeds", &["id", "url", "added_at"][..]),
        ("entries", &["id", "feed_id", "guid", "fetched_at"][..]),
    ] {
        let Some(table) = TABLES.iter().find(|t| t.name == name) else {
            continue;
        };
        let batch = side.read(table, i64::MIN, 1)?;
        if let Some(row) = batch.rows.first() {
            for (value, (column, _)) in row.iter().zip(table.columns) {
                if columns.contains(column) {
                    text.push_str(&format!("{column}={value:?};"));
                }
            }
        }
    }
    if text.is_empty() {
        return Ok("empty".into());
    }
    let digest = Sha384::digest(text.as_bytes());
    Ok(digest.iter().take(12).map(|b| format!("{b:02x}")).collect())
}

/// Whether the target may take this copy: (resumed, already done).
fn check_target(target: &mut dyn Side, ours: &str) -> Result<(bool, bool), CopyError> {
    match target.meta("copy.source")? {
        Some(found) if found == ours => {
            let done = target.meta("copy.done")?.is_some();
            Ok((!done, done))
        }
        Some(found) => Err(CopyError::Foreign {
            target: target.name(),
            what: "a copy of another database",
            found,
            ours: ours.into(),
        }),
        None => {
            // Meta rows alone are no data: a new SQLite file has some.
            for (table, rows) in count_all(target)? {
                if rows > 0 && table != "meta" {
                    return Err(CopyError::NotEmpty {
                        target: target.name(),
                        table,
                        rows,
                    });
                }
            }
            target.set_meta("copy.source", ours)?;
            Ok((false, false))
        }
    }
}

/// Rows of every copied table (meta without the copy's own rows).
pub(super) fn count_all(side: &mut dyn Side) -> Result<Vec<(&'static str, u64)>, CopyError> {
    TABLES
        .iter()
        .map(|t: &Table| Ok((t.name, side.count(t)?)))
        .collect()
}

/// Counts every table on both sides; an error names the first that differs.
fn verify(
    source: &mut dyn Side,
    target: &mut dyn Side,
) -> Result<Vec<(&'static str, u64)>, CopyError> {
    let theirs = count_all(target)?;
    let ours = count_all(source)?;
    for ((table, source_rows), (_, target_rows)) in ours.iter().zip(&theirs) {
        if source_rows != target_rows {
            return Err(CopyError::Mismatch {
                table,
                source_rows: *source_rows,
                target_rows: *target_rows,
            });
        }
    }
    Ok(ours)
}
