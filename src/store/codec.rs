//! Compression of what only feedsieve reads back: each entry's raw HTML (kept
//! for `reclean`) and the fetched pages. The raw HTML is a zstd frame packed
//! with the entry's own `content_html` as its dictionary
//! (`entries.content_raw_delta`, migration 0016): the cleaned HTML is most of
//! the raw HTML, so the frame holds little more than what the cleaner took
//! out. Pages are plain zstd frames (`entry_pages.html_zstd`, migration 0015).
//! And the conversion of rows stored before, in batches that resume where an
//! interrupted run stopped.
//!
//! zstd (the reference library through the `zstd` crate): at level 3 it packs
//! a 3–10 KB entry of HTML to about a third in tens of microseconds and
//! unpacks it faster still, and its frames are read by the `zstd` command
//! line tool (`zstd -d -D html` for a frame packed against `html`).
//! Everything users query stays plain text: only columns nothing but
//! feedsieve reads are packed. It never decides what is stored.

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

/// A text packed with [`pack`] or [`pack_against`], ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed(Vec<u8>);

impl Packed {
    /// `text` packed alone. Stored as an entry's raw HTML it still decodes:
    /// a frame that never refers to a dictionary decodes with any.
    pub fn of(text: &str) -> Packed {
        Packed(pack(text))
    }

    /// `text` packed against `base` ([`pack_against`]): an entry's raw HTML
    /// against the `content_html` stored beside it.
    pub fn against(text: &str, base: &str) -> Packed {
        Packed(pack_against(text, base))
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
    /// The same for [`pack_against`], whose context is given a dictionary
    /// per call (and writes checksums).
    static DELTA_COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
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

/// `text` as a zstd frame packed with `base` as its dictionary (zstd's "raw
/// content" dictionary: `base` is taken as text that came before, so every
/// run `text` shares with it costs a few bytes). The frame carries a
/// checksum of `text`, so decoding it with another base is an error, not
/// wrong text. Text never starts with zstd's dictionary magic number (its
/// bytes are not UTF-8), so `base` is always taken as raw content.
pub fn pack_against(text: &str, base: &str) -> Vec<u8> {
    let packed = DELTA_COMPRESSOR.with(|cell| {
        let mut cell = cell.try_borrow_mut().ok()?;
        if cell.is_none() {
            let mut compressor = zstd::bulk::Compressor::new(LEVEL).ok()?;
            compressor
                .set_parameter(zstd::zstd_safe::CParameter::ChecksumFlag(true))
                .ok()?;
            *cell = Some(compressor);
        }
        let compressor = cell.as_mut()?;
        compressor.set_dictionary(LEVEL, base.as_bytes()).ok()?;
        let frame = compressor.compress(text.as_bytes()).ok();
        // The next call sets its own; this one's copy is not kept.
        let _ = compressor.set_dictionary(LEVEL, &[]);
        frame
    });
    // A context could not be made (out of memory): a frame of its own,
    // which decodes against any base.
    packed.unwrap_or_else(|| pack(text))
}

/// The text of a frame [`pack`] made. A damaged or foreign value (the column
/// edited by hand) is an error, not a panic.
pub fn unpack(frame: &[u8]) -> Result<String, StoreError> {
    let bytes = zstd::stream::decode_all(frame)
        .map_err(|e| StoreError::Codec(format!("cannot decompress a stored value: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|_| StoreError::Codec("a decompressed value is not UTF-8".into()))
}

/// The text of a frame [`pack_against`] made with `base`. Another base, or
/// a damaged frame, is an error (the frame's checksum), not a panic.
pub fn unpack_against(frame: &[u8], base: &str) -> Result<String, StoreError> {
    use std::io::Read;
    let failed =
        |e: std::io::Error| StoreError::Codec(format!("cannot decompress a stored value: {e}"));
    let mut decoder =
        zstd::stream::read::Decoder::with_dictionary(frame, base.as_bytes()).map_err(failed)?;
    let mut bytes = Vec::new();
    decoder.read_to_end(&mut bytes).map_err(failed)?;
    String::from_utf8(bytes)
        .map_err(|_| StoreError::Codec("a decompressed value is not UTF-8".into()))
}

/// An entry's raw HTML from the columns that may hold it: `delta` (packed
/// against `bases`: the text kept in `entry_raw_bases`, if any, then
/// `content_html`; the first that decodes it), else `packed` (a plain frame,
/// stored before migration 0016 and not converted yet), else `plain`
/// (before 0015), else "".
pub fn raw_html(
    delta: Option<&[u8]>,
    bases: &[Option<&str>],
    packed: Option<&[u8]>,
    plain: Option<String>,
) -> Result<String, StoreError> {
    let Some(delta) = delta else {
        return unpack_or(packed, plain);
    };
    let mut error = None;
    // A base row left by an entry deleted and its id given out again
    // (foreign keys off in sqlite3) fails the checksum: the next is tried.
    for base in bases.iter().flatten() {
        match unpack_against(delta, base) {
            Ok(text) => return Ok(text),
            Err(e) => error = Some(e),
        }
    }
    match error {
        Some(e) => Err(e),
        None => unpack_against(delta, ""),
    }
}

/// `packed` when present, else `plain` (a row written before migration 0015
/// and not converted yet), else "".
pub fn unpack_or(packed: Option<&[u8]>, plain: Option<String>) -> Result<String, StoreError> {
    match packed {
        Some(frame) => unpack(frame),
        None => Ok(plain.unwrap_or_default()),
    }
}

/// What a row stored before (bytes) and its new frame.
type Repacked = (u64, Vec<u8>);

/// One table's conversion: its resume point in `meta`, and how to read and
/// rewrite a batch of its rows.
struct Conversion {
    what: &'static str,
    meta_key: &'static str,
    count: &'static str,
    /// The rows after `?1` by id, at most `?2`; the id first.
    select: &'static str,
    /// A row's new frame: what it stored before and the frame, or `None`
    /// when the row needs nothing (written by this version already, or
    /// holding nothing).
    pack: fn(&rusqlite::Row<'_>) -> Result<Option<Repacked>, StoreError>,
    /// `?1` the id, `?2` the frame.
    update: &'static str,
}

const CONVERSIONS: [Conversion; 2] = [
    // The raw HTML as text (before migration 0015) or as a frame of its own
    // (0015), packed again against the row's content_html (0016). Rows that
    // 0015's conversion had not reached go straight to the new form.
    Conversion {
        what: "entries",
        meta_key: "codec.raw_delta_through",
        count: "SELECT COUNT(*) FROM entries WHERE id > ?1",
        select: "SELECT id, content_raw_delta IS NOT NULL, content_raw_zstd, content_raw, \
                 content_html FROM entries WHERE id > ?1 ORDER BY id LIMIT ?2",
        pack: |row| {
            let done: bool = row.get(1)?;
            let packed: Option<Vec<u8>> = row.get(2)?;
            let plain: Option<String> = row.get(3)?;
            if done || (packed.is_none() && plain.is_none()) {
                return Ok(None);
            }
            let before = packed
                .as_ref()
                .map_or_else(|| plain.as_ref().map_or(0, String::len), Vec::len);
            let raw = unpack_or(packed.as_deref(), plain)?;
            let html: Option<String> = row.get(4)?;
            Ok(Some((
                before as u64,
                pack_against(&raw, html.as_deref().unwrap_or("")),
            )))
        },
        update: "UPDATE entries SET content_raw_delta = ?2, content_raw_zstd = NULL, \
                 content_raw = NULL WHERE id = ?1",
    },
    Conversion {
        what: "pages",
        meta_key: "codec.pages_converted_through",
        count: "SELECT COUNT(*) FROM entry_pages WHERE entry_id > ?1",
        select: "SELECT entry_id, NULLIF(html, '') FROM entry_pages WHERE entry_id > ?1 \
                 ORDER BY entry_id LIMIT ?2",
        pack: |row| {
            // NULL: written by this version already (or never had any).
            let plain: Option<String> = row.get(1)?;
            Ok(plain.map(|plain| (plain.len() as u64, pack(&plain))))
        },
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

/// Packs the raw HTML stored before migration 0016 against its entry's
/// content_html and the pages stored before 0015, `batch` rows a
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
                let mut select = tx.prepare_cached(c.select)?;
                let mut rows = select.query([after, batch])?;
                let mut frames: Vec<(i64, Vec<u8>)> = Vec::new();
                let mut last = None;
                let mut read = 0u64;
                while let Some(row) = rows.next()? {
                    let id: i64 = row.get(0)?;
                    last = Some(id);
                    read += 1;
                    if let Some((before, frame)) = (c.pack)(row)? {
                        table.rows += 1;
                        table.bytes_before += before;
                        table.bytes_after += frame.len() as u64;
                        frames.push((id, frame));
                    }
                }
                drop(rows);
                let Some(last) = last else {
                    tx.execute("DELETE FROM meta WHERE key = ?1", [c.meta_key])?;
                    return Ok(true);
                };
                let mut update = tx.prepare_cached(c.update)?;
                for (id, frame) in &frames {
                    update.execute(rusqlite::params![id, frame])?;
                }
                tx.execute(
                    "UPDATE meta SET value = ?2 WHERE key = ?1",
                    rusqlite::params![c.meta_key, last.to_string()],
                )?;
                after = last;
                progress.add(read);
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

// Test code: its unwraps act on the test's own fixed inputs and temporary
// files, never on outside input; a panic is the test failing.
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
    fn a_frame_against_its_base_needs_that_base() {
        let base = "<p>The council voted on the harbour budget late on Tuesday.</p>".repeat(3);
        let raw = format!("<div class=\"post\">{base}<div class=\"share\">Share</div></div>");
        let frame = pack_against(&raw, &base);
        assert!(frame.len() < pack(&raw).len(), "{} bytes", frame.len());
        assert_eq!(unpack_against(&frame, &base).unwrap(), raw);
        // Another base fails the frame's checksum: an error, not other text.
        assert!(unpack_against(&frame, "<p>edited by hand</p>").is_err());
        assert!(unpack_against(&frame, "").is_err());
        // The kept base is tried first, then content_html.
        let bases = [Some("<p>stale</p>"), Some(base.as_str())];
        assert_eq!(raw_html(Some(&frame), &bases, None, None).unwrap(), raw);
        // A frame packed alone decodes against any base.
        assert_eq!(unpack_against(&pack(&raw), "<p>other</p>").unwrap(), raw);
        assert_eq!(unpack_against(&pack_against("", ""), "").unwrap(), "");
    }

    #[test]
    fn damaged_frames_are_errors() {
        assert!(unpack(b"<p>plain text, not a frame</p>").is_err());
        let mut frame = pack(&"some text ".repeat(100));
        frame.truncate(frame.len() / 2);
        assert!(unpack(&frame).is_err());
    }
}
