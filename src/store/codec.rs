//! Compression of what only feedsieve reads back: each entry's raw HTML (kept
//! for `reclean`) and the fetched pages, stored as zstd frames in
//! `entries.content_raw_zstd` and `entry_pages.html_zstd` (migration 0015);
//! and the conversion of rows stored before, in batches that resume where an
//! interrupted run stopped.
//!
//! zstd (the reference library through the `zstd` crate): at level 3 it packs
//! a 3–10 KB entry of HTML to about a third in tens of microseconds and
//! unpacks it faster still, and its frames are read by the `zstd` command
//! line tool. Everything users query stays plain text: only columns nothing
//! but feedsieve reads are packed. It never decides what is stored.

use std::time::Instant;

use super::StoreError;
use crate::progress::Progress;

/// zstd's default level: most of the ratio at a small part of the cost of
/// the higher levels, which matters because entries are packed on the
/// ingest path.
const LEVEL: i32 = 3;

/// Rows packed per transaction by [`convert`]: a batch holds the write lock
/// for well under a second.
const CONVERT_BATCH: i64 = 500;

/// A text packed with [`pack`], ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed(Vec<u8>);

impl Packed {
    pub fn of(text: &str) -> Packed {
        Packed(pack(text))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

thread_local! {
    /// One compression context per thread, kept: making one per entry
    /// allocates and frees its tables every time.
    static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

/// `text` as a zstd frame.
pub fn pack(text: &str) -> Vec<u8> {
    let packed = COMPRESSOR.with(|cell| {
        let mut cell = cell.try_borrow_mut().ok()?;
        if cell.is_none() {
            *cell = zstd::bulk::Compressor::new(LEVEL).ok();
        }
        cell.as_mut()?.compress(text.as_bytes()).ok()
    });
    // A context could not be made (out of memory): one for this call.
    packed.unwrap_or_else(|| {
        zstd::bulk::compress(text.as_bytes(), LEVEL).unwrap_or_else(|_| Vec::new())
    })
}

/// The text of a frame [`pack`] made. A damaged or foreign value (the column
/// edited by hand) is an error, not a panic.
pub fn unpack(frame: &[u8]) -> Result<String, StoreError> {
    let bytes = zstd::stream::decode_all(frame)
        .map_err(|e| StoreError::Codec(format!("cannot decompress a stored value: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|_| StoreError::Codec("a decompressed value is not UTF-8".into()))
}

/// `packed` when present, else `plain` (a row written before migration 0015
/// and not converted yet), else "".
pub fn unpack_or(packed: Option<&[u8]>, plain: Option<String>) -> Result<String, StoreError> {
    match packed {
        Some(frame) => unpack(frame),
        None => Ok(plain.unwrap_or_default()),
    }
}

/// One table's conversion: its resume point in `meta`, and how to read and
/// rewrite a batch of its rows.
struct Conversion {
    what: &'static str,
    meta_key: &'static str,
    count: &'static str,
    select: &'static str,
    update: &'static str,
}

const CONVERSIONS: [Conversion; 2] = [
    Conversion {
        what: "entries",
        meta_key: "codec.entries_converted_through",
        count: "SELECT COUNT(*) FROM entries WHERE id > ?1",
        select: "SELECT id, content_raw FROM entries WHERE id > ?1 ORDER BY id LIMIT ?2",
        update: "UPDATE entries SET content_raw_zstd = ?2, content_raw = NULL WHERE id = ?1",
    },
    Conversion {
        what: "pages",
        meta_key: "codec.pages_converted_through",
        count: "SELECT COUNT(*) FROM entry_pages WHERE entry_id > ?1",
        select: "SELECT entry_id, NULLIF(html, '') FROM entry_pages WHERE entry_id > ?1 \
                 ORDER BY entry_id LIMIT ?2",
        update: "UPDATE entry_pages SET html_zstd = ?2, html = '' WHERE entry_id = ?1",
    },
];

/// What [`convert`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ConvertReport {
    pub rows: u64,
    pub bytes_before: u64,
    pub bytes_after: u64,
}

impl ConvertReport {
    fn plus(self, other: ConvertReport) -> ConvertReport {
        ConvertReport {
            rows: self.rows + other.rows,
            bytes_before: self.bytes_before + other.bytes_before,
            bytes_after: self.bytes_after + other.bytes_after,
        }
    }
}

/// Packs the raw HTML and pages stored before migration 0015, `batch` rows a
/// transaction, each batch moving the table's resume point in `meta`; the
/// point is deleted when the table is done, after which this costs one read.
/// Rows already packed (written by this version) are left as they are.
pub fn convert(conn: &mut rusqlite::Connection) -> Result<ConvertReport, StoreError> {
    convert_in_batches(conn, CONVERT_BATCH, None)
}

/// [`convert`] with the batch size chosen, stopping after `max_batches`
/// batches when given (tests interrupt a conversion with it).
pub fn convert_in_batches(
    conn: &mut rusqlite::Connection,
    batch: i64,
    max_batches: Option<usize>,
) -> Result<ConvertReport, StoreError> {
    use rusqlite::OptionalExtension;
    let mut report = ConvertReport::default();
    let mut batches = 0usize;
    for c in &CONVERSIONS {
        let after: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [c.meta_key], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(mut after) = after.and_then(|v| v.parse::<i64>().ok()) else {
            continue;
        };
        let total: i64 = conn.query_row(c.count, [after], |r| r.get(0))?;
        let mut table = ConvertReport::default();
        let progress = Progress::new(&format!("compressing stored {}", c.what), total as u64);
        let started = Instant::now();
        loop {
            if max_batches.is_some_and(|max| batches >= max) {
                progress.finish();
                return Ok(report.plus(table));
            }
            batches += 1;
            let done = super::immediate(conn, |tx| -> Result<bool, StoreError> {
                let rows: Vec<(i64, Option<String>)> = tx
                    .prepare_cached(c.select)?
                    .query_map([after, batch], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                let Some(&(last, _)) = rows.last() else {
                    tx.execute("DELETE FROM meta WHERE key = ?1", [c.meta_key])?;
                    return Ok(true);
                };
                let mut update = tx.prepare_cached(c.update)?;
                for (id, plain) in &rows {
                    // NULL: written by this version already (or never had any).
                    let Some(plain) = plain else { continue };
                    let frame = pack(plain);
                    table.rows += 1;
                    table.bytes_before += plain.len() as u64;
                    table.bytes_after += frame.len() as u64;
                    update.execute(rusqlite::params![id, frame])?;
                }
                tx.execute(
                    "UPDATE meta SET value = ?2 WHERE key = ?1",
                    rusqlite::params![c.meta_key, last.to_string()],
                )?;
                after = last;
                progress.add(rows.len() as u64);
                Ok(false)
            })?;
            if done {
                break;
            }
        }
        progress.finish();
        report = report.plus(table);
        if table.rows > 0 {
            tracing::info!(
                table = c.what,
                rows = table.rows,
                bytes_before = table.bytes_before,
                bytes_after = table.bytes_after,
                seconds = started.elapsed().as_secs_f64(),
                "compressed stored HTML"
            );
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_text_comes_back_the_same() {
        let html = "<p>Ünïcödé and &amp; entities</p>".repeat(200);
        let frame = pack(&html);
        assert!(frame.len() < html.len() / 5, "{} bytes", frame.len());
        assert_eq!(unpack(&frame).unwrap(), html);
        assert_eq!(unpack(&pack("")).unwrap(), "");
    }

    #[test]
    fn damaged_frames_are_errors() {
        assert!(unpack(b"<p>plain text, not a frame</p>").is_err());
        let mut frame = pack(&"some text ".repeat(100));
        frame.truncate(frame.len() / 2);
        assert!(unpack(&frame).is_err());
    }
}
