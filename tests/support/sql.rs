//! The tests' own reads and writes on a database file, through rusqlite,
//! feedsieve's one SQLite driver: a connection opened as feedsieve opens its
//! own, and one-line queries on it. Part of `support/mod.rs`; tests and
//! benches that need only this include it with `#[path]`.

#![allow(dead_code)] // each includer uses a different part

use std::path::Path;

use rusqlite::types::FromSql;
use rusqlite::{Connection, Params, Row};

/// A connection to the existing database at `path`, set up as feedsieve's
/// own ([`feedsieve::store::connect_sync`]: foreign keys on, a 30 s busy
/// timeout). It holds no transaction between statements, so tests that run
/// the daemon beside it can open one per check.
pub fn connect(path: &Path) -> Connection {
    feedsieve::store::connect_sync(path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()))
}

/// A read-only connection to the database at `path` (rusqlite's 5 s busy
/// timeout), as a user's `sqlite3 -readonly` would have; an error where
/// there is no file yet.
pub fn connect_read_only(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
}

/// Opens (creating and migrating) the database at `path` as feedsieve
/// does, closes it, then connects to it.
pub async fn opened(path: &Path) -> Connection {
    feedsieve::store::Store::open(path)
        .await
        .unwrap()
        .close()
        .await;
    connect(path)
}

/// The first column of the first row `sql` returns.
pub fn scalar<T: FromSql>(conn: &Connection, sql: &str, params: impl Params) -> T {
    conn.query_row(sql, params, |row| row.get(0))
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
}

/// The first row `sql` returns, as a tuple.
pub fn row<T>(conn: &Connection, sql: &str, params: impl Params) -> T
where
    T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error>,
{
    conn.query_row(sql, params, |row| T::try_from(row))
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
}

/// Every row `sql` returns, as tuples.
pub fn rows<T>(conn: &Connection, sql: &str, params: impl Params) -> Vec<T>
where
    T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error>,
{
    rows_with(conn, sql, params, |row| T::try_from(row))
}

/// The first column of every row `sql` returns.
pub fn column<T: FromSql>(conn: &Connection, sql: &str, params: impl Params) -> Vec<T> {
    rows_with(conn, sql, params, |row| row.get(0))
}

/// Every row `sql` returns, each made by `f`.
pub fn rows_with<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Vec<T> {
    conn.prepare(sql)
        .and_then(|mut statement| statement.query_map(params, f)?.collect())
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
}

/// Runs one statement; the rows it changed.
pub fn exec(conn: &Connection, sql: &str, params: impl Params) -> usize {
    conn.execute(sql, params)
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
}

/// The first column of every row `sql` returns, as `sqlite3` prints it:
/// integers in decimal, text as it is, NULL as `None`. Errors (a database
/// not made yet, a table not there yet) are returned, not raised.
pub fn printed(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<Option<String>>> {
    use rusqlite::types::ValueRef;
    let mut statement = conn.prepare(sql)?;
    let mut rows = statement.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(match row.get_ref(0)? {
            ValueRef::Null => None,
            ValueRef::Integer(n) => Some(n.to_string()),
            ValueRef::Text(text) => Some(String::from_utf8_lossy(text).into_owned()),
            other => panic!("neither an integer nor text: {other:?} from {sql}"),
        });
    }
    Ok(out)
}

/// Brings the database at `path` (created if missing) to the schema of
/// migrations `migrations/*.sql` up to `last`, each applied once and recorded in `_sqlx_migrations` as sqlx's
/// migrator recorded them (the releases that migrated through sqlx): the
/// description from the file's name, the SHA-384 of its SQL. A file as an
/// older release left it, which feedsieve must then accept and upgrade; the
/// checksums are computed here, not taken from feedsieve.
pub fn migrated_up_to(path: &Path, last: i64) {
    use sha2::{Digest, Sha384};
    let mut conn = Connection::open(path).unwrap();
    // As sqlx's connections had it, during its migrations too.
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
            version BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            success BOOLEAN NOT NULL,
            checksum BLOB NOT NULL,
            execution_time BIGINT NOT NULL
        );",
    )
    .unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|file| file.unwrap().path())
        .filter(|file| file.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let applied: Vec<i64> = column(&conn, "SELECT version FROM _sqlx_migrations", []);
    for file in files {
        let name = file.file_stem().unwrap().to_str().unwrap();
        let (version, description) = name.split_once('_').unwrap();
        let version: i64 = version.parse().unwrap();
        if version > last || applied.contains(&version) {
            continue;
        }
        let script = std::fs::read_to_string(&file).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(&script)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        tx.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (?1, ?2, TRUE, ?3, 0)",
            rusqlite::params![
                version,
                description.replace('_', " "),
                Sha384::digest(script.as_bytes()).to_vec()
            ],
        )
        .unwrap();
        tx.commit().unwrap();
    }
}
