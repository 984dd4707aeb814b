//! The schema's migrations: `migrations/*.sql`, embedded at build time
//! (build.rs), applied in version order on a rusqlite connection, each in
//! its own transaction with its record. The record is sqlx's
//! `_sqlx_migrations` table, same columns and checksum (SHA-384 of the SQL),
//! so databases made by the releases that migrated through sqlx upgrade in
//! place. It never runs a statement of its own beyond the bookkeeping.

use std::time::Instant;

use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha384};

/// One file of `migrations/`.
#[derive(Debug)]
pub struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub sql: &'static str,
}

/// Every migration, in version order.
pub(crate) const MIGRATIONS: &[Migration] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// Why the schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("migration {0} failed part-way before (its record says so); restore a backup")]
    Dirty(i64),
    #[error(
        "the database was migrated to version {0}, which this feedsieve does not know: \
         it was made by a newer feedsieve"
    )]
    Newer(i64),
    #[error("migration {0} was applied with different SQL than this feedsieve's")]
    Changed(i64),
    #[error("migration {version} ({description}): {source}")]
    Apply {
        version: i64,
        description: &'static str,
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

/// The newest migration this build knows.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// A migration's checksum as recorded: SHA-384 of its SQL (as sqlx did).
/// PostgreSQL's runner records the same.
pub(crate) fn checksum(sql: &str) -> Vec<u8> {
    Sha384::digest(sql.as_bytes()).to_vec()
}

/// How a database's record of applied migrations disagrees with a build's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Disagreement {
    /// A version this build does not know: a newer feedsieve made the database.
    Newer(i64),
    /// A version applied with other SQL than this build's.
    Changed(i64),
}

/// Checks each recorded `(version, checksum)` against `known`: every one
/// known, with the same SQL. Both engines' runners, and PostgreSQL's
/// read-only check, go through here.
pub(crate) fn check_applied(
    known: &[Migration],
    applied: &[(i64, Vec<u8>)],
) -> Result<(), Disagreement> {
    for (version, sum) in applied {
        match known.iter().find(|m| m.version == *version) {
            None => return Err(Disagreement::Newer(*version)),
            Some(m) if checksum(m.sql) != *sum => return Err(Disagreement::Changed(*version)),
            Some(_) => {}
        }
    }
    Ok(())
}

impl From<Disagreement> for MigrateError {
    fn from(d: Disagreement) -> Self {
        match d {
            Disagreement::Newer(v) => MigrateError::Newer(v),
            Disagreement::Changed(v) => MigrateError::Changed(v),
        }
    }
}

/// The newest migration recorded as applied; `None` when the record is
/// missing or unreadable (a file that is not ours, or never migrated).
pub(crate) fn applied_version(conn: &Connection) -> Option<i64> {
    conn.query_row(
        "SELECT MAX(version) FROM _sqlx_migrations WHERE success",
        [],
        |row| row.get::<_, Option<i64>>(0),
    )
    .ok()
    .flatten()
}

/// Applies the migrations `conn`'s database has not had yet; returns how
/// many. Checks the ones it has had first: same SQL, none unknown.
pub(crate) fn run(conn: &mut Connection) -> Result<usize, MigrateError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
            version BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            success BOOLEAN NOT NULL,
            checksum BLOB NOT NULL,
            execution_time BIGINT NOT NULL
        );",
    )?;
    let dirty: Option<i64> = conn
        .query_row(
            "SELECT version FROM _sqlx_migrations WHERE success = false ORDER BY version LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(version) = dirty {
        return Err(MigrateError::Dirty(version));
    }
    let applied: Vec<(i64, Vec<u8>)> = conn
        .prepare("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    check_applied(MIGRATIONS, &applied)?;
    let mut count = 0;
    for m in MIGRATIONS {
        if applied.iter().any(|(v, _)| *v == m.version) {
            continue;
        }
        let started = Instant::now();
        // The script and its record in one transaction: never applied twice.
        let tx = conn.transaction()?;
        let apply = |source| MigrateError::Apply {
            version: m.version,
            description: m.description,
            source,
        };
        tx.execute_batch(m.sql).map_err(apply)?;
        tx.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (?1, ?2, TRUE, ?3, -1)",
            rusqlite::params![m.version, m.description, checksum(m.sql)],
        )?;
        tx.commit()?;
        let nanos = i64::try_from(started.elapsed().as_nanos()).unwrap_or(i64::MAX);
        conn.execute(
            "UPDATE _sqlx_migrations SET execution_time = ?1 WHERE version = ?2",
            [nanos, m.version],
        )?;
        tracing::info!(
            version = m.version,
            description = m.description,
            "database migrated"
        );
        count += 1;
    }
    Ok(count)
}

// Test code: its unwraps act on the test's own fixed inputs and temporary
// files, never on outside input; a panic is the test failing.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_listed_in_version_order_without_gaps_in_the_list() {
        assert!(MIGRATIONS.len() >= 14);
        assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
        assert_eq!(MIGRATIONS[0].description, "init");
    }

    #[test]
    fn migrations_apply_once_and_are_recorded_as_sqlx_did() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(run(&mut conn).unwrap(), MIGRATIONS.len());
        assert_eq!(run(&mut conn).unwrap(), 0);
        assert_eq!(applied_version(&conn), Some(latest()));
        let (description, sum): (String, Vec<u8>) = conn
            .query_row(
                "SELECT description, checksum FROM _sqlx_migrations WHERE version = 13",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(description, "feed url userinfo");
        assert_eq!(sum.len(), 48);
    }

    #[test]
    fn an_unknown_or_changed_migration_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn).unwrap();
        conn.execute(
            "UPDATE _sqlx_migrations SET checksum = x'00' WHERE version = 2",
            [],
        )
        .unwrap();
        assert!(matches!(run(&mut conn), Err(MigrateError::Changed(2))));
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (9999, 'future', TRUE, x'00', 0)",
            [],
        )
        .unwrap();
        assert!(matches!(run(&mut conn), Err(MigrateError::Newer(9999))));
    }
}
