//! One daemon per database: `run` (and `run --once`) hold an exclusive
//! advisory lock on `<database>.lock` for as long as they run, so a second
//! daemon started on the same file (a second unit, a forgotten shell) stops
//! with an error naming the first one's pid instead of fetching every feed a
//! second time. The kernel drops the lock when the process dies, however it
//! dies, so a killed daemon never leaves a stale lock behind; the file itself
//! stays (removing it would let two daemons lock two different files).
//!
//! It never touches the database; read commands, `rededup`, `reclean` and
//! `vacuum` do not take it (SQLite's own locking orders their writes).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another feedsieve daemon{} is already running on {database}: one database takes one \
         daemon; stop it first, or give this one a database of its own (--database)",
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default(),
        database = database.display()
    )]
    Held { database: PathBuf, pid: Option<u32> },
    #[error("cannot lock {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Held while the daemon runs; dropping it (or the process ending) frees the
/// database for another daemon.
#[derive(Debug)]
pub struct DaemonLock {
    _file: File,
}

/// `<database>.lock`, beside the database and its `-wal`/`-shm` files.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl DaemonLock {
    /// Takes the lock for `database`, without waiting, and writes this
    /// process's pid into the lock file for the next one's error message.
    pub fn acquire(database: &Path) -> Result<DaemonLock, LockError> {
        let path = lock_path(database);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                // The pid is a courtesy: a file being rewritten reads as none.
                let pid = file
                    .read_to_string(&mut text)
                    .ok()
                    .and_then(|_| text.trim().parse().ok());
                return Err(LockError::Held {
                    database: database.to_path_buf(),
                    pid,
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(DaemonLock { _file: file })
    }
}

// Test code: its unwraps act on the test's own fixed inputs and temporary
// files, never on outside input; a panic is the test failing.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_database_is_refused_with_the_first_ones_pid() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("f.db");
        let first = DaemonLock::acquire(&db).unwrap();
        let err = DaemonLock::acquire(&db).unwrap_err();
        assert!(
            matches!(err, LockError::Held { pid: Some(p), .. } if p == std::process::id()),
            "{err:?}"
        );
        assert!(err.to_string().contains("f.db"), "{err}");
        // Another database is another lock.
        let other = DaemonLock::acquire(&dir.path().join("g.db")).unwrap();
        drop(first);
        let again = DaemonLock::acquire(&db).unwrap();
        drop((other, again));
        assert_eq!(
            std::fs::read_to_string(lock_path(&db)).unwrap().trim(),
            std::process::id().to_string()
        );
    }
}
