//! PostgreSQL's migrations: `migrations/postgres/*.sql`, embedded at build time
//! (build.rs), applied in version order, each in its own transaction with its
//! record in `feedsieve_migrations` (version, description, SHA-384 of the SQL).
//! A transaction-level advisory lock orders daemons migrating one database at
//! once, so each migration is applied exactly once. It runs no statement of
//! its own beyond that bookkeeping.

use std::time::Instant;

use crate::store::migrate::{Disagreement, Migration, check_applied, checksum};

/// Every migration of `migrations/postgres/`, in version order.
pub const MIGRATIONS: &[Migration] = include!(concat!(env!("OUT_DIR"), "/postgres_migrations.rs"));

/// The advisory lock key migrations hold (an arbitrary constant: "feedsieve" in ASCII, cut).
const LOCK_KEY: i64 = 0x6665_6564_7369_6576;

/// Why the schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum PgMigrateError {
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
        source: postgres::Error,
    },
    #[error(
        "it holds no feedsieve database: `feedsieve run` makes one, `feedsieve copy --to` \
         fills one from a SQLite file"
    )]
    Empty,
    #[error(
        "it needs migration {0}, which `feedsieve run` (or `copy --to`) applies \
         (it was made by an older feedsieve)"
    )]
    Behind(i64),
    #[error(transparent)]
    Sql(#[from] postgres::Error),
}

impl From<Disagreement> for PgMigrateError {
    fn from(d: Disagreement) -> Self {
        match d {
            Disagreement::Newer(v) => PgMigrateError::Newer(v),
            Disagreement::Changed(v) => PgMigrateError::Changed(v),
        }
    }
}

/// The recorded `(version, checksum)` of every applied migration. `try_get`,
/// not `get`: a table of that name made by something else is an error, not
/// a panic.
fn applied(
    client: &mut impl postgres::GenericClient,
) -> Result<Vec<(i64, Vec<u8>)>, postgres::Error> {
    client
        .query(
            "SELECT version, checksum FROM feedsieve_migrations ORDER BY version",
            &[],
        )?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// Checks, changing nothing, that the database has every migration of this
/// feedsieve, each with this feedsieve's SQL, and none it does not know: for
/// opening a database that only reads.
pub fn check(client: &mut postgres::Client) -> Result<(), PgMigrateError> {
    let recorded: bool = client
        .query_one(
            "SELECT to_regclass('feedsieve_migrations') IS NOT NULL",
            &[],
        )?
        .try_get(0)?;
    if !recorded {
        return Err(PgMigrateError::Empty);
    }
    let applied = applied(client)?;
    check_applied(MIGRATIONS, &applied)?;
    match MIGRATIONS
        .iter()
        .find(|m| !applied.iter().any(|(v, _)| *v == m.version))
    {
        Some(m) => Err(PgMigrateError::Behind(m.version)),
        None => Ok(()),
    }
}

/// Applies the migrations the database has not had yet; returns how many.
/// Checks the ones it has had first: same SQL, none unknown.
pub fn run(client: &mut postgres::Client) -> Result<usize, PgMigrateError> {
    run_up_to(client, i64::MAX)
}

/// [`run`], stopping after version `last`: for tests, which make a database
/// as an older feedsieve left it, to see the later migrations apply to it.
pub fn run_up_to(client: &mut postgres::Client, last: i64) -> Result<usize, PgMigrateError> {
    // Under the migrations' lock too: daemons of a fleet started at once on
    // an empty database all create this table, and `IF NOT EXISTS` does not
    // keep two sessions from colliding in the catalog (one failed with a
    // duplicate key in pg_type).
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS feedsieve_migrations (
            version        BIGINT PRIMARY KEY,
            description    TEXT NOT NULL,
            installed_on   TIMESTAMPTZ NOT NULL DEFAULT now(),
            checksum       BYTEA NOT NULL,
            execution_ms   BIGINT NOT NULL
        )",
    )?;
    tx.commit()?;
    let mut count = 0;
    for m in MIGRATIONS.iter().take_while(|m| m.version <= last) {
        let started = Instant::now();
        let mut tx = client.transaction()?;
        // Held to the end of this transaction: another process migrating the
        // same database waits here, then finds this migration recorded.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])?;
        let applied = applied(&mut tx)?;
        check_applied(MIGRATIONS, &applied)?;
        if applied.iter().any(|(v, _)| *v == m.version) {
            continue;
        }
        tx.batch_execute(m.sql)
            .map_err(|source| PgMigrateError::Apply {
                version: m.version,
                description: m.description,
                source,
            })?;
        let millis = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO feedsieve_migrations (version, description, checksum, execution_ms)
             VALUES ($1, $2, $3, $4)",
            &[&m.version, &m.description, &checksum(m.sql), &millis],
        )?;
        tx.commit()?;
        tracing::info!(
            version = m.version,
            description = m.description,
            "PostgreSQL database migrated"
        );
        count += 1;
    }
    Ok(count)
}

// Test code: its unwraps act on the build's own embedded list.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_listed_in_version_order() {
        assert!(!MIGRATIONS.is_empty());
        assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
        assert_eq!(MIGRATIONS[0].description, "init");
    }
}
