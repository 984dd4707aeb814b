//! The tables `feedsieve copy` moves, column by column, with the type each
//! column has on both sides: the one list the copy, its resume points and its
//! verification read. Tables come in an order where every foreign key points
//! at a table copied before. It holds no statement of its own.

/// A column's type in both engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// SQLite INTEGER, PostgreSQL BIGINT.
    Int,
    /// SQLite INTEGER 0/1, PostgreSQL BOOLEAN.
    Bool,
    /// TEXT in both.
    Text,
    /// SQLite BLOB, PostgreSQL BYTEA.
    Blob,
}

/// One table as copy sees it.
#[derive(Debug)]
pub(super) struct Table {
    pub name: &'static str,
    /// The integer column rows are copied in the order of, in batches that
    /// never split one value's rows (`None`: the table is copied whole, in one
    /// batch: `meta`).
    pub key: Option<&'static str>,
    /// Whether `key` is the table's identity (its sequence is moved past the
    /// largest copied id).
    pub identity: bool,
    pub columns: &'static [(&'static str, Kind)],
}

/// Columns a later PostgreSQL migration added: (table, column, the
/// schema version that added it). A database at an older version (a copy
/// a test makes as an older feedsieve would, `migrate_up_to`) has none of
/// them: the copy writes NULL for them to SQLite and leaves them out there.
const PG_ADDED: &[(&str, &str, i64)] = &[("clean_template_blocks", "writer", 9)];

impl Table {
    /// The column names, comma-separated.
    pub fn column_list(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(n, _)| *n).collect();
        names.join(", ")
    }

    /// Whether each column exists in a PostgreSQL schema at `version`.
    pub fn in_pg_schema(&self, version: i64) -> Vec<bool> {
        self.columns
            .iter()
            .map(|(column, _)| {
                !PG_ADDED
                    .iter()
                    .any(|&(t, c, added)| t == self.name && c == *column && added > version)
            })
            .collect()
    }

    /// The columns that order rows inside one key value (the primary key's
    /// other columns), so both sides read rows in one order.
    pub fn order(&self) -> &'static str {
        match self.name {
            "clean_template_blocks" => "feed_id, block_hash",
            "clean_templates" => "feed_id",
            "entry_enclosures" => "entry_id, position",
            "filtered_entries" => "feed_id, guid",
            "meta" => "key",
            "feeds" | "stories" | "entries" => "id",
            "story_merges" => "story_id",
            _ => "entry_id",
        }
    }
}

use Kind::{Blob, Bool, Int, Text};

/// Every table that holds data, parents first. Not copied: SQLite's
/// `search_dirty` and full-text index (PostgreSQL's search vector is computed
/// by the engine; a SQLite copy queues every story and indexes them),
/// `_sqlx_migrations` / `feedsieve_migrations` (each side's own record), and
/// meta's `copy.*` rows (a copy's own resume points).
pub(super) const TABLES: &[Table] = &[
    Table {
        name: "feeds",
        key: Some("id"),
        identity: true,
        columns: &[
            ("id", Int),
            ("url", Text),
            ("fetch_url", Text),
            ("name", Text),
            ("title", Text),
            ("site_url", Text),
            ("enabled", Bool),
            ("added_at", Text),
            ("last_fetched_at", Text),
            ("last_success_at", Text),
            ("last_status", Int),
            ("last_error", Text),
            ("consecutive_failures", Int),
            ("last_duration_ms", Int),
            ("etag", Text),
            ("last_modified", Text),
            ("next_fetch_at", Text),
            ("min_interval_secs", Int),
            ("content_kind", Text),
            ("category", Text),
        ],
    },
    Table {
        name: "stories",
        key: Some("id"),
        identity: true,
        columns: &[
            ("id", Int),
            ("canonical_entry_id", Int),
            ("title", Text),
            ("url", Text),
            ("first_seen_at", Text),
            ("updated_at", Text),
        ],
    },
    Table {
        name: "story_merges",
        key: Some("story_id"),
        identity: false,
        columns: &[("story_id", Int), ("into_id", Int), ("merged_at", Text)],
    },
    Table {
        name: "entries",
        key: Some("id"),
        identity: true,
        columns: &[
            ("id", Int),
            ("feed_id", Int),
            ("guid", Text),
            ("url", Text),
            ("title", Text),
            ("author", Text),
            ("published_at", Text),
            ("updated_at", Text),
            ("fetched_at", Text),
            ("changed_at", Text),
            ("content_raw", Text),
            ("content_html", Text),
            ("content_text", Text),
            ("raw_hash", Int),
            ("simhash", Int),
            ("story_id", Int),
            ("text_source", Text),
            ("teaser_text", Text),
            ("page_url", Text),
            ("page_fetched_at", Text),
            ("page_error", Text),
            ("page_attempts", Int),
            ("page_due_at", Text),
            ("categories", Text),
            ("authors", Text),
            ("content_raw_zstd", Blob),
            ("content_raw_delta", Blob),
        ],
    },
    Table {
        name: "entry_pages",
        key: Some("entry_id"),
        identity: false,
        columns: &[
            ("entry_id", Int),
            ("html", Text),
            ("etag", Text),
            ("last_modified", Text),
            ("html_zstd", Blob),
        ],
    },
    Table {
        name: "entry_enclosures",
        key: Some("entry_id"),
        identity: false,
        columns: &[
            ("entry_id", Int),
            ("position", Int),
            ("url", Text),
            ("type", Text),
            ("length", Int),
        ],
    },
    Table {
        name: "entry_anchors",
        key: Some("entry_id"),
        identity: false,
        columns: &[("entry_id", Int), ("anchors", Blob)],
    },
    Table {
        name: "entry_shingles",
        key: Some("entry_id"),
        identity: false,
        columns: &[
            ("entry_id", Int),
            ("words", Int),
            ("chars", Int),
            ("shingles", Blob),
            ("facts", Blob),
        ],
    },
    Table {
        name: "entry_raw_bases",
        key: Some("entry_id"),
        identity: false,
        columns: &[("entry_id", Int), ("html", Text)],
    },
    Table {
        name: "clean_templates",
        key: Some("feed_id"),
        identity: false,
        columns: &[("feed_id", Int), ("entries_seen", Int)],
    },
    Table {
        name: "clean_template_blocks",
        key: Some("feed_id"),
        identity: false,
        columns: &[
            ("feed_id", Int),
            ("block_hash", Int),
            ("seen_count", Int),
            ("first_seen", Int),
            ("last_seen", Int),
            ("sample", Text),
            ("shape_hash", Int),
            ("writer", Text),
        ],
    },
    Table {
        name: "filtered_entries",
        key: Some("feed_id"),
        identity: false,
        columns: &[
            ("feed_id", Int),
            ("guid", Text),
            ("raw_hash", Int),
            ("title", Text),
            ("url", Text),
            ("reason", Text),
            ("filtered_at", Text),
        ],
    },
    Table {
        name: "meta",
        key: None,
        identity: false,
        columns: &[("key", Text), ("value", Text)],
    },
];

// Test code: its unwraps act on an in-memory database the test makes.
#[cfg(test)]
mod tests {
    use super::*;

    /// A migration that adds a table or a column must add it here too (and
    /// to migrations/postgres/), or copies would silently leave it behind.
    #[test]
    fn every_sqlite_table_and_column_is_copied_or_named_as_not() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::store::migrate::run(&mut conn).unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let not_copied = |name: &str| {
            name == "_sqlx_migrations" || name == "search_dirty" || name.starts_with("story_search")
        };
        for name in tables.iter().filter(|n| !not_copied(n)) {
            let table = TABLES
                .iter()
                .find(|t| t.name == name)
                .unwrap_or_else(|| panic!("table {name} is not copied"));
            let columns: Vec<String> = conn
                .prepare(&format!(
                    "SELECT name FROM pragma_table_info('{name}') ORDER BY cid"
                ))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let ours: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
            assert_eq!(columns, ours, "columns of {name}");
        }
        assert_eq!(
            TABLES.len(),
            tables.iter().filter(|n| !not_copied(n)).count()
        );
    }
}
