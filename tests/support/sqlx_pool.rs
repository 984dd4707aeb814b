//! An sqlx pool on a database file, for the tests that still read and
//! write their own rows through sqlx (feedsieve itself talks to SQLite
//! through rusqlite only; included with `#[path]`).

#![allow(dead_code)] // each includer uses a different part

pub async fn pool_of(path: &std::path::Path) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .foreign_keys(true)
        .busy_timeout(std::time::Duration::from_secs(5));
    sqlx::SqlitePool::connect_with(options).await.unwrap()
}

/// Opens (creating and migrating) the database at `path` as feedsieve does,
/// then a pool on it.
pub async fn opened(path: &std::path::Path) -> sqlx::SqlitePool {
    feedsieve::store::Store::open(path)
        .await
        .unwrap()
        .close()
        .await;
    pool_of(path).await
}
