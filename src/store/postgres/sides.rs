//! The two ends of `feedsieve copy`: every statement the copy runs, on a
//! SQLite file ([`SqliteSide`], rusqlite) or a PostgreSQL database
//! ([`PgSide`], binary COPY in, batched reads out). Each write is one batch
//! and its resume point in one transaction. No decision is made here.

use std::path::Path;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use rusqlite::OptionalExtension;
use rusqlite::types::ValueRef;

use super::copy::{CopyError, Value};
use super::tables::{Kind, TABLES, Table};
use crate::store::{Access, StoreError, open};

/// Rows of one batch, and the last key value among them (`None`: no rows).
#[derive(Debug, Default)]
pub(super) struct Batch {
    pub rows: Vec<Vec<Value>>,
    pub last: Option<i64>,
}

/// One end of a copy.
pub(super) trait Side {
    /// For messages: the file, or the URL without its password.
    fn name(&self) -> String;
    /// The rows of the next keys after `after` (at least `limit` rows, unless
    /// the table ends, never part of one key's rows); the whole table for a
    /// table without a key.
    fn read(&mut self, table: &Table, after: i64, limit: usize) -> Result<Batch, CopyError>;
    /// Writes `rows` and the resume point `through`, in one transaction.
    fn write(&mut self, table: &Table, rows: &[Vec<Value>], through: i64) -> Result<(), CopyError>;
    /// The resume point of `table`: the last key copied.
    fn resume_point(&mut self, table: &Table) -> Result<Option<i64>, CopyError>;
    /// Rows of `table` (meta: without the copy's `copy.*` rows).
    fn count(&mut self, table: &Table) -> Result<u64, CopyError>;
    fn meta(&mut self, key: &str) -> Result<Option<String>, CopyError>;
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), CopyError>;
    /// Whether no other copy writes here at the same time (false: one does).
    fn lock_for_copy(&mut self) -> Result<bool, CopyError>;
    /// After the last batch: what the engine needs (sequences past the ids).
    fn finish(&mut self) -> Result<(), CopyError>;
}

/// `SELECT` of the rows of the keys after `$1`, at least `$2` rows' worth
/// (`?` placeholders for SQLite, `$n` for PostgreSQL).
fn select(table: &Table, pg: bool, columns: &str) -> String {
    let (a, b) = if pg { ("$1", "$2") } else { ("?1", "?2") };
    let name = table.name;
    match table.key {
        Some(key) => format!(
            "SELECT {columns} FROM {name}
             WHERE {key} > {a} AND {key} <= (SELECT MAX({key}) FROM
                   (SELECT {key} FROM {name} WHERE {key} > {a} ORDER BY {key} LIMIT {b}) AS next)
             ORDER BY {}",
            table.order()
        ),
        None => format!(
            "SELECT {columns} FROM {name} WHERE key NOT LIKE 'copy.%' ORDER BY {}",
            table.order()
        ),
    }
}

fn count_sql(table: &Table) -> String {
    match table.key {
        Some(_) => format!("SELECT COUNT(*) FROM {}", table.name),
        None => format!(
            "SELECT COUNT(*) FROM {} WHERE key NOT LIKE 'copy.%'",
            table.name
        ),
    }
}

fn resume_key(table: &Table) -> String {
    format!("copy.{}", table.name)
}

/// The last key value of `rows` for `table` (its first column).
fn last_key(table: &Table, rows: &[Vec<Value>]) -> Option<i64> {
    if table.key.is_none() {
        return Some(1);
    }
    match rows.last()?.first()? {
        Value::Int(k) => Some(*k),
        _ => None,
    }
}

/// A SQLite file.
pub(super) struct SqliteSide {
    conn: rusqlite::Connection,
    path: String,
}

impl SqliteSide {
    /// Opens (and, for `Access::Create`, creates) and migrates the file.
    pub fn open(path: &Path, access: Access) -> Result<SqliteSide, CopyError> {
        let mode = open::open_with(path, access)?;
        let conn = open::connect(path, mode).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Ok(SqliteSide {
            conn,
            path: path.display().to_string(),
        })
    }
}

fn sqlite_value(
    table: &Table,
    column: &str,
    kind: Kind,
    value: ValueRef<'_>,
) -> Result<Value, CopyError> {
    let wrong = |found: &str| {
        CopyError::row(
            table.name,
            format!("column {column} holds {found} where {kind:?} was expected"),
        )
    };
    Ok(match (kind, value) {
        (_, ValueRef::Null) => Value::Null,
        (Kind::Int, ValueRef::Integer(i)) => Value::Int(i),
        (Kind::Bool, ValueRef::Integer(i)) => Value::Bool(i != 0),
        (Kind::Text, ValueRef::Text(t)) => {
            Value::Text(String::from_utf8(t.to_vec()).map_err(|_| wrong("text that is not UTF-8"))?)
        }
        (Kind::Blob, ValueRef::Blob(b)) => Value::Blob(b.to_vec()),
        (_, ValueRef::Integer(_)) => return Err(wrong("an integer")),
        (_, ValueRef::Real(_)) => return Err(wrong("a real number")),
        (_, ValueRef::Text(_)) => return Err(wrong("text")),
        (_, ValueRef::Blob(_)) => return Err(wrong("a blob")),
    })
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::ToSqlOutput::Borrowed;
        Ok(match self {
            Value::Null => Borrowed(ValueRef::Null),
            Value::Int(i) => Borrowed(ValueRef::Integer(*i)),
            Value::Bool(b) => Borrowed(ValueRef::Integer(i64::from(*b))),
            Value::Text(t) => Borrowed(ValueRef::Text(t.as_bytes())),
            Value::Blob(b) => Borrowed(ValueRef::Blob(b)),
        })
    }
}

impl Side for SqliteSide {
    fn name(&self) -> String {
        self.path.clone()
    }

    fn read(&mut self, table: &Table, after: i64, limit: usize) -> Result<Batch, CopyError> {
        let sql = select(table, false, &table.column_list());
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut statement = self.conn.prepare_cached(&sql).map_err(StoreError::from)?;
        let mut rows = match table.key {
            Some(_) => statement.query(rusqlite::params![after, limit]),
            None => statement.query([]),
        }
        .map_err(StoreError::from)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let mut values = Vec::with_capacity(table.columns.len());
            for (i, (column, kind)) in table.columns.iter().enumerate() {
                let value = row.get_ref(i).map_err(StoreError::from)?;
                values.push(sqlite_value(table, column, *kind, value)?);
            }
            out.push(values);
        }
        let last = if out.is_empty() {
            None
        } else {
            last_key(table, &out)
        };
        Ok(Batch { rows: out, last })
    }

    fn write(&mut self, table: &Table, rows: &[Vec<Value>], through: i64) -> Result<(), CopyError> {
        let tx = self.conn.transaction().map_err(StoreError::from)?;
        if table.key.is_none() {
            tx.execute("DELETE FROM meta WHERE key NOT LIKE 'copy.%'", [])
                .map_err(StoreError::from)?;
        }
        {
            let marks = vec!["?"; table.columns.len()].join(", ");
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({marks})",
                table.name,
                table.column_list()
            );
            let mut insert = tx.prepare_cached(&sql).map_err(StoreError::from)?;
            for row in rows {
                insert
                    .execute(rusqlite::params_from_iter(row.iter()))
                    .map_err(StoreError::from)?;
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            [resume_key(table), through.to_string()],
        )
        .map_err(StoreError::from)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }

    fn resume_point(&mut self, table: &Table) -> Result<Option<i64>, CopyError> {
        Ok(self.meta(&resume_key(table))?.and_then(|v| v.parse().ok()))
    }

    fn count(&mut self, table: &Table) -> Result<u64, CopyError> {
        let n: i64 = self
            .conn
            .query_row(&count_sql(table), [], |r| r.get(0))
            .map_err(StoreError::from)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, CopyError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(StoreError::from)?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), CopyError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                [key, value],
            )
            .map_err(StoreError::from)?;
        Ok(())
    }

    fn lock_for_copy(&mut self) -> Result<bool, CopyError> {
        // The daemon lock, taken by the copy before opening, covers the file.
        Ok(true)
    }

    fn finish(&mut self) -> Result<(), CopyError> {
        Ok(())
    }
}

/// A PostgreSQL database.
pub(super) struct PgSide {
    client: postgres::Client,
    url: String,
    /// The schema version it was migrated to (the latest but in tests).
    version: i64,
}

/// The session-level advisory lock a copy holds on its PostgreSQL database
/// ("feedsieve copy", cut to 8 bytes).
const COPY_LOCK_KEY: i64 = 0x6673_2063_6f70_7900;

impl PgSide {
    /// Connects and migrates (up to version `up_to`, for tests; all of them
    /// by default).
    pub fn open(url: &str, up_to: Option<i64>) -> Result<PgSide, CopyError> {
        let mut client = super::connect(url)?;
        super::migrate::run_up_to(&mut client, up_to.unwrap_or(i64::MAX)).map_err(|source| {
            CopyError::PgMigrate {
                url: super::redact(url),
                source,
            }
        })?;
        let latest = super::migrate::MIGRATIONS.last().map_or(0, |m| m.version);
        Ok(PgSide {
            client,
            url: super::redact(url),
            version: up_to.map_or(latest, |v| v.min(latest)),
        })
    }

    /// The table's columns this database's schema has, comma-separated.
    fn column_list(&self, table: &Table) -> String {
        let names: Vec<&str> = table
            .columns
            .iter()
            .zip(table.in_pg_schema(self.version))
            .filter(|(_, here)| *here)
            .map(|((n, _), _)| *n)
            .collect();
        names.join(", ")
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => i.to_sql(ty, out),
            Value::Bool(b) => b.to_sql(ty, out),
            Value::Text(t) => t.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [Type::INT8, Type::BOOL, Type::TEXT, Type::BYTEA].contains(ty)
    }

    to_sql_checked!();
}

fn pg_type(kind: Kind) -> Type {
    match kind {
        Kind::Int => Type::INT8,
        Kind::Bool => Type::BOOL,
        Kind::Text => Type::TEXT,
        Kind::Blob => Type::BYTEA,
    }
}

fn pg_value(row: &postgres::Row, i: usize, kind: Kind) -> Result<Value, postgres::Error> {
    Ok(match kind {
        Kind::Int => row
            .try_get::<_, Option<i64>>(i)?
            .map_or(Value::Null, Value::Int),
        Kind::Bool => row
            .try_get::<_, Option<bool>>(i)?
            .map_or(Value::Null, Value::Bool),
        Kind::Text => row
            .try_get::<_, Option<String>>(i)?
            .map_or(Value::Null, Value::Text),
        Kind::Blob => row
            .try_get::<_, Option<Vec<u8>>>(i)?
            .map_or(Value::Null, Value::Blob),
    })
}

impl Side for PgSide {
    fn name(&self) -> String {
        self.url.clone()
    }

    fn read(&mut self, table: &Table, after: i64, limit: usize) -> Result<Batch, CopyError> {
        let present = table.in_pg_schema(self.version);
        let sql = select(table, true, &self.column_list(table));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = match table.key {
            Some(_) => self.client.query(&sql, &[&after, &limit]),
            None => self.client.query(&sql, &[]),
        }
        .map_err(super::PgError::from)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            // A column the schema lacks reads as NULL, in its place.
            let mut at = 0;
            let values = table
                .columns
                .iter()
                .zip(&present)
                .map(|((_, kind), &here)| {
                    if !here {
                        return Ok(Value::Null);
                    }
                    at += 1;
                    pg_value(row, at - 1, *kind)
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(super::PgError::from)?;
            out.push(values);
        }
        let last = if out.is_empty() {
            None
        } else {
            last_key(table, &out)
        };
        Ok(Batch { rows: out, last })
    }

    fn write(&mut self, table: &Table, rows: &[Vec<Value>], through: i64) -> Result<(), CopyError> {
        let pg = |e: postgres::Error| CopyError::row(table.name, e.to_string());
        let (present, columns) = (table.in_pg_schema(self.version), self.column_list(table));
        let mut tx = self.client.transaction().map_err(pg)?;
        if table.key.is_none() {
            tx.execute("DELETE FROM meta WHERE key NOT LIKE 'copy.%'", &[])
                .map_err(pg)?;
        }
        let sink = tx
            .copy_in(&format!(
                "COPY {} ({columns}) FROM STDIN (FORMAT binary)",
                table.name,
            ))
            .map_err(pg)?;
        let types: Vec<Type> = table
            .columns
            .iter()
            .zip(&present)
            .filter(|(_, here)| **here)
            .map(|((_, k), _)| pg_type(*k))
            .collect();
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        for row in rows {
            let values: Vec<&(dyn ToSql + Sync)> = row
                .iter()
                .zip(&present)
                .filter(|(_, here)| **here)
                .map(|(v, _)| v as &(dyn ToSql + Sync))
                .collect();
            writer.write(&values).map_err(pg)?;
        }
        writer.finish().map_err(pg)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&resume_key(table), &through.to_string()],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)?;
        Ok(())
    }

    fn resume_point(&mut self, table: &Table) -> Result<Option<i64>, CopyError> {
        Ok(self.meta(&resume_key(table))?.and_then(|v| v.parse().ok()))
    }

    fn count(&mut self, table: &Table) -> Result<u64, CopyError> {
        let n: i64 = self
            .client
            .query_one(&count_sql(table), &[])
            .and_then(|row| row.try_get(0))
            .map_err(super::PgError::from)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, CopyError> {
        let row = self
            .client
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])
            .map_err(super::PgError::from)?;
        Ok(row
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(super::PgError::from)?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), CopyError> {
        self.client
            .execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )
            .map_err(super::PgError::from)?;
        Ok(())
    }

    fn lock_for_copy(&mut self) -> Result<bool, CopyError> {
        let locked = self
            .client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&COPY_LOCK_KEY])
            .and_then(|row| row.try_get(0))
            .map_err(super::PgError::from)?;
        Ok(locked)
    }

    fn finish(&mut self) -> Result<(), CopyError> {
        // New rows take ids past every copied one; a story's also past every
        // merged-away id, which story_ids still resolves.
        for table in TABLES.iter().filter(|t| t.identity) {
            let merged = if table.name == "stories" {
                "(SELECT MAX(story_id) FROM story_merges)"
            } else {
                "NULL"
            };
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'),
                               GREATEST(COALESCE((SELECT MAX(id) FROM {0}), 0),
                                        COALESCE({merged}, 0)) + 1, false)",
                table.name
            );
            self.client
                .execute(&sql, &[])
                .map_err(super::PgError::from)?;
        }
        Ok(())
    }
}
