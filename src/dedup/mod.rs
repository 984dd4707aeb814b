//! De-duplication: fingerprints each entry's cleaned text and joins it to the
//! story it is a copy of, or to a new story.
//!
//! It runs inside the store's transaction for one feed, so an entry is never
//! committed without its story. It must never make stories depend on the
//! order entries arrive in, and never glue different stories together on
//! what they merely share: verification weighs what differs (passages of
//! their own on both sides, facts stated differently) as well as what is
//! shared ([`fingerprint::same_story`]).
//!
//! Stories are the connected components of a symmetric relation between
//! entries: two entries of the window are linked when they are candidates
//! of each other (they share an anchor shingle and lie within
//! `max_distance` simhash bits, or, for short texts, share a normalised
//! title or link), pass the sketch test both ways ([`Deduper::sketches_agree`])
//! and verify as copies. Whatever the order, a new entry is linked to every
//! entry already stored that it would have been linked to had it come
//! first, so the components come out the same. An entry linked to entries
//! of several stories joins them into one: the story with the lowest id
//! survives, the others' entries move to it, and each merge is recorded in
//! `story_merges` so an old story id still resolves. A story's canonical
//! entry is chosen by content ([`stories::CANONICAL_ORDER`]), never by
//! arrival.
//!
//! Flow for one entry: [`fingerprint::Analysis`] of its text (made by the
//! pipeline before the writer is taken); candidates from the in-memory
//! [`index`] of the window, at most [`MAX_CANDIDATES`] sharing the most
//! anchors; for each, unless its story is linked already, the sketch test,
//! its stored shingles and verification; the stories of the entries it
//! matches, merged. New entries go through [`Deduper::place`] before their
//! rows are written and [`Deduper::record`] after, so each row is written
//! once; edited entries go through [`Deduper::assign`] after their UPDATE.
//!
//! The simhash alone does not propose candidates: copies lie up to 26 bits
//! apart while hard negatives start at 13, so no radius gives both recall
//! and a fast index, while every copy pair of the labelled corpus shares an
//! anchor.

pub mod fingerprint;
pub mod index;
mod stories;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;

use crate::config::DedupConfig;
use fingerprint::{Analysis, Shingles, same_story};
use index::{AnchorIndex, KeyIndex};

pub use fingerprint::{FINGERPRINT_VERSION, fingerprint};
pub use stories::{StorySummary, list_stories, list_stories_limited};

/// `meta` key holding the [`FINGERPRINT_VERSION`] the stored fingerprints
/// and stories were computed with.
pub const META_FINGERPRINT_VERSION: &str = "dedup.fingerprint_version";
/// `meta` key holding the settings the stories were last rebuilt with.
pub const META_SETTINGS: &str = "dedup.settings";

/// Anchors of one entry that must be shingles of the other, both ways,
/// before two long entries are verified ([`Deduper::sketches_agree`]).
const MIN_SKETCH_HITS: usize = 2;
/// Anchors a candidate shares with an entry for the `max_distance` simhash
/// filter to be waived.
const MIN_SHARED_ANCHORS: usize = 2;
/// Candidates per entry at most: those sharing the most anchors, then the
/// nearest simhash, then the lowest id. Copies share the most anchors, so
/// they come first; the cap only matters for an entry with more than this
/// many candidates (a template's items sharing its fixed text before its
/// anchors turn into stop-anchors), where it bounds the reads.
const MAX_CANDIDATES: usize = 24;
/// Entries assigned per batch during [`rededup`].
const REDEDUP_BATCH: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum DedupError {
    #[error("database error during de-duplication: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("cannot read the feed list of a story: {0}")]
    FeedList(serde_json::Error),
}

/// What [`rededup`] did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RededupReport {
    pub entries: u64,
    pub stories: u64,
    pub fingerprint_version: u32,
    pub elapsed_ms: u64,
}

/// Holds the in-memory candidate index of the window and the settings.
#[derive(Debug)]
pub struct Deduper {
    config: DedupConfig,
    window: Mutex<Window>,
    /// The database the window is still to be read from: it is read when
    /// first needed, not at start, so a `run --once` whose feeds bring
    /// nothing new (all 304, or every entry already stored) never reads it
    /// (at 500,000 entries, about 3 s of CPU and 200 MB). `None` once read,
    /// or when there is nothing to read.
    unread: Mutex<Option<crate::store::Store>>,
    /// Entries whose text `assign` changed, so that `place` does not verify
    /// against what a `prefetch` read of them before (a teaser's page step
    /// racing another feed's read-ahead kept the article out of its story).
    edits: Mutex<EditLog>,
}

/// Which entries were edited when, in generations: `assign` starts a new
/// generation per call; a read-ahead notes the generation it started in.
#[derive(Debug, Default)]
struct EditLog {
    generation: u64,
    /// Each edited entry and the generation of its last edit.
    edited: HashMap<i64, u64>,
    /// Generations up to this one were forgotten (the log is bounded).
    forgotten: u64,
}

/// Edited entries remembered at most; past this the log starts over and
/// read-aheads older than that are read again under the writer.
const EDITS_KEPT: usize = 65_536;

impl EditLog {
    fn record(&mut self, ids: &[i64]) {
        self.generation += 1;
        if self.edited.len() + ids.len() > EDITS_KEPT {
            self.edited.clear();
            self.forgotten = self.generation - 1;
        }
        for &id in ids {
            self.edited.insert(id, self.generation);
        }
    }

    /// Whether anything a read-ahead begun in `generation` may have read
    /// was edited since (or may have been: the edit of the generation it
    /// began in may not have been committed yet when it read).
    fn stale(&self, generation: u64, batch: &Batch) -> bool {
        if generation <= self.forgotten {
            return true;
        }
        let touched = |id: &i64| self.edited.get(id).is_some_and(|&g| g >= generation);
        batch.rows.keys().any(touched)
            || batch.meta.keys().any(touched)
            || batch.sketches.keys().any(touched)
    }
}

/// The recent entries the matcher looks candidates up in. The anchor index
/// also keeps each entry's simhash: `max_distance` rejects an anchor
/// candidate on it before its row is read.
#[derive(Debug, Default)]
struct Window {
    anchors: AnchorIndex,
    keys: KeyIndex,
    /// Latest entry time seen; the window reaches back from here.
    newest: i64,
}

/// One entry row as the matcher needs it, with its text analysed.
#[derive(Debug)]
struct Loaded {
    title: Option<String>,
    url: Option<String>,
    fetched_at: String,
    changed_at: String,
    story_id: Option<i64>,
    /// `fetched_at` in unix seconds; `None` if it does not parse.
    time: Option<i64>,
    text: Text,
    /// The text's length in characters (`entry_shingles.chars`).
    chars: Option<i64>,
}

/// An entry's text as the matcher has it.
#[derive(Debug)]
enum Text {
    /// Analysed from the text: an entry being placed or assigned, which
    /// needs its simhash and anchors to find candidates.
    Analysed(std::sync::Arc<Analysis>),
    /// Read back from `entry_shingles`: a candidate, only verified against.
    Stored(Shingles),
}

impl Text {
    fn shingles(&self) -> &Shingles {
        match self {
            Text::Analysed(analysis) => &analysis.shingles,
            Text::Stored(shingles) => shingles,
        }
    }

    fn analysis(&self) -> Option<&Analysis> {
        match self {
            Text::Analysed(analysis) => Some(analysis),
            Text::Stored(_) => None,
        }
    }
}

impl Loaded {
    fn keys(&self) -> Vec<String> {
        keys_of(self.title.as_deref(), self.url.as_deref())
    }
}

/// The exact-match keys of an entry: its normalised title and link.
fn keys_of(title: Option<&str>, url: Option<&str>) -> Vec<String> {
    let title = title.and_then(fingerprint::title_key);
    let url = url.and_then(fingerprint::url_key);
    title
        .map(|t| format!("t:{t}"))
        .into_iter()
        .chain(url.map(|u| format!("u:{u}")))
        .collect()
}

/// What a candidate is known by before its shingles are read ([`load_meta`]).
#[derive(Debug, Clone, Copy)]
struct Meta {
    story: Option<i64>,
    time: Option<i64>,
    /// Normalised words of its text (`entry_shingles.words`), if stored.
    words: Option<usize>,
}

/// Rows, candidates' metadata and sketches read while placing or assigning
/// entries, so nothing is read twice and earlier entries of a batch are
/// seen by later ones.
#[derive(Default)]
struct Batch {
    rows: HashMap<i64, Loaded>,
    /// Story, time and length of candidates read without their text.
    meta: HashMap<i64, Meta>,
    /// Stored anchors (the bottom-k sketch) of candidates ([`load_meta`]).
    sketches: HashMap<i64, Vec<u32>>,
    /// Entries of this batch whose rows are not written yet (being placed).
    unwritten: HashSet<i64>,
}

impl Batch {
    /// An entry's story and time, from its full row or its metadata.
    fn placed(&self, id: i64) -> Option<(Option<i64>, Option<i64>)> {
        self.rows
            .get(&id)
            .map(|r| (r.story_id, r.time))
            .or_else(|| self.meta.get(&id).map(|m| (m.story, m.time)))
    }

    /// The entry's anchors: from its analysis, else its stored sketch.
    fn sketch(&self, id: i64) -> Option<&[u32]> {
        match self.rows.get(&id).and_then(|r| r.text.analysis()) {
            Some(analysis) => Some(analysis.anchors()),
            None => self.sketches.get(&id).map(Vec::as_slice),
        }
    }

    /// Every entry of story `from` in the batch now counts in story `into`.
    fn rename_story(&mut self, from: i64, into: i64) {
        for row in self.rows.values_mut() {
            if row.story_id == Some(from) {
                row.story_id = Some(into);
            }
        }
        for meta in self.meta.values_mut() {
            if meta.story == Some(from) {
                meta.story = Some(into);
            }
        }
    }
}

/// id, fetched_at, title, url, stored anchors of an entry in the window.
type WindowRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<Vec<u8>>,
    i64,
);

/// An entry row as [`load_rows`] reads it.
struct EntryRow {
    id: i64,
    head: Head,
    /// `entry_shingles`' columns: absent for entries stored before it.
    words: Option<i64>,
    shingles: Option<Vec<u8>>,
    facts: Option<Vec<u8>>,
    /// The text, if read.
    text: Option<String>,
    /// `length(content_text)`, stored or counted.
    chars: Option<i64>,
}

impl TryFrom<&rusqlite::Row<'_>> for EntryRow {
    type Error = rusqlite::Error;

    fn try_from(row: &rusqlite::Row<'_>) -> Result<Self, Self::Error> {
        Ok(EntryRow {
            id: row.get(0)?,
            head: Head {
                title: row.get(1)?,
                url: row.get(2)?,
                fetched_at: row.get(3)?,
                changed_at: row.get(4)?,
                story_id: row.get(5)?,
            },
            words: row.get(6)?,
            shingles: row.get(7)?,
            facts: row.get(8)?,
            text: row.get(9)?,
            chars: row.get(10)?,
        })
    }
}

/// An entry the store is about to insert, as the matcher needs it.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    pub title: Option<&'a str>,
    pub url: Option<&'a str>,
    pub published_at: Option<&'a str>,
    pub text: &'a str,
    /// Computed by the caller, before it takes the writer: [`Analysis::of`]
    /// the text.
    pub analysis: std::sync::Arc<Analysis>,
}

/// What [`Deduper::prefetch`] read before the writer was taken, for
/// [`Deduper::place`] under it.
#[derive(Default)]
pub struct Prefetched {
    batch: Batch,
    /// The edit generation it began in.
    generation: u64,
}

/// The stories chosen for entries before their rows exist
/// ([`Deduper::place`]), so that each row is written once, with its simhash
/// and story, and the stories' rows follow with [`Deduper::record`].
#[derive(Debug, Default)]
pub struct Placement {
    /// Entry id of each incoming entry, in order.
    pub ids: Vec<i64>,
    /// Story id of each incoming entry, in order.
    pub stories: Vec<i64>,
    /// Simhash of each incoming entry, as stored (SQLite has no u64).
    pub simhashes: Vec<i64>,
    /// Analysis and length in characters of each incoming entry, for
    /// `entry_anchors` and `entry_shingles`.
    analyses: Vec<(std::sync::Arc<Analysis>, Option<i64>)>,
    /// Stories to create: (story id, its first entry's index in the input).
    new_stories: Vec<(i64, usize)>,
    /// Stories that gained entries, whose rows must be recomputed.
    touched: BTreeSet<i64>,
    /// Title, url of each incoming entry, and the fetch time, for new stories' rows.
    heads: Vec<(Option<String>, Option<String>)>,
    fetched_at: String,
}

impl Placement {
    /// Story `from` (new in this placement or stored) is merged into `into`:
    /// its incoming entries move, and it is created or refreshed no more.
    fn rename_story(&mut self, from: i64, into: i64) {
        for story in &mut self.stories {
            if *story == from {
                *story = into;
            }
        }
        self.new_stories.retain(|&(story, _)| story != from);
        self.touched.remove(&from);
        self.touched.insert(into);
    }
}

impl Deduper {
    pub async fn load(
        store: &crate::store::Store,
        config: &DedupConfig,
    ) -> Result<Self, DedupError> {
        let stored = store.read(|conn| crate::store::meta_value(conn, META_FINGERPRINT_VERSION))?;
        if stored.as_deref() != Some(FINGERPRINT_VERSION.to_string().as_str()) {
            let any = store.read(crate::store::any_entries)?;
            if any {
                tracing::info!(
                    stored = stored.as_deref().unwrap_or("none"),
                    current = FINGERPRINT_VERSION,
                    "fingerprint version changed: recomputing fingerprints and stories"
                );
                rededup(store, config).await?;
            } else {
                crate::store::write_alone(store, |tx| write_meta(tx, config))?;
            }
        } else {
            let settings = store.read(|conn| crate::store::meta_value(conn, META_SETTINGS))?;
            if settings.as_deref() != Some(settings_text(config).as_str()) {
                // Not automatic: regrouping a large database takes a while,
                // and old stories grouped with other settings stay valid.
                tracing::info!(
                    "[dedup] settings differ from those the stories were built with; \
                     run `feedsieve rededup` to regroup existing entries"
                );
            }
        }

        let deduper = Deduper::empty(config);
        *deduper.unread_source() = Some(store.clone());
        Ok(deduper)
    }

    /// Reads the window from the database if it has not been read yet.
    /// [`prefetch`](Deduper::prefetch), [`place`](Deduper::place) and
    /// [`assign`](Deduper::assign) call it first; the first caller reads
    /// while later ones wait, so no entry is placed against a window that
    /// lacks what was committed before it.
    pub fn ensure_window(&self) -> Result<(), DedupError> {
        let mut unread = self.unread_source();
        if let Some(store) = unread.as_ref() {
            let started = Instant::now();
            self.read_window(store)?;
            tracing::debug!(
                entries = self.indexed(),
                duration_ms = started.elapsed().as_millis() as u64,
                "de-duplication window read"
            );
            *unread = None;
        }
        Ok(())
    }

    /// Whether the window has been read from the database (or needs no
    /// reading): false until the first entry is placed.
    pub fn window_read(&self) -> bool {
        self.unread_source().is_none()
    }

    fn unread_source(&self) -> MutexGuard<'_, Option<crate::store::Store>> {
        self.unread.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the window's entries into the in-memory indexes.
    fn read_window(&self, store: &crate::store::Store) -> Result<(), DedupError> {
        let config = &self.config;
        let now = Utc::now().timestamp();
        let since = DateTime::from_timestamp(now.saturating_sub(window_secs(config)), 0)
            .unwrap_or(DateTime::UNIX_EPOCH)
            .to_rfc3339_opts(SecondsFormat::Secs, true);
        crate::store::read_alone(store, |conn| {
            // The simhash from the placement index: in the row it lies after
            // the bodies, and reading it there walked every overflow page.
            let mut select = conn.prepare(
                "SELECT id, fetched_at, title, url, anchors, simhash FROM
                   (SELECT e.id, e.fetched_at, e.title, e.url, a.anchors,
                           (SELECT p.simhash FROM entries p INDEXED BY entries_placement
                            WHERE p.id = e.id) AS simhash
                    FROM entries e LEFT JOIN entry_anchors a ON a.entry_id = e.id
                    WHERE e.fetched_at >= ?)
                 WHERE simhash IS NOT NULL",
            )?;
            let entries: i64 = conn
                .prepare("SELECT COUNT(*) FROM entries WHERE fetched_at >= ?")?
                .query_row([&since], |row| row.get(0))?;
            let mut rows = select.query([&since])?;
            // Straight into the window, row by row: no list of every row first.
            let mut window = self.lock();
            window.newest = now;
            window.reserve(usize::try_from(entries).unwrap_or(0));
            let mut left_out = 0u64;
            let mut first_left_out = None;
            while let Some(row) = rows.next()? {
                // A row another tool wrote with a value of the wrong type (a
                // BLOB title, say) is left out, as one with an unreadable time
                // is: failing here would stop every feed's new entries.
                let decoded = WindowRow::try_from(row)
                    .ok()
                    .and_then(|r| Some((parse_time(&r.1)?, r)));
                let Some((time, (id, _, title, url, anchors, simhash))) = decoded else {
                    left_out += 1;
                    first_left_out = first_left_out.or(row.get::<_, i64>(0).ok());
                    continue;
                };
                let keys = keys_of(title.as_deref(), url.as_deref());
                let anchors = anchors.as_deref().map(decode_anchors).unwrap_or_default();
                window.add(id, &anchors, time, keys, simhash as u64);
            }
            if left_out > 0 {
                tracing::warn!(
                    entries = left_out,
                    first_entry_id = first_left_out,
                    "entries left out of the de-duplication window: a column holds a value \
                     of the wrong type or fetched_at is not a time"
                );
            }
            Ok::<_, DedupError>(())
        })
    }

    fn empty(config: &DedupConfig) -> Self {
        Deduper {
            config: config.clone(),
            window: Mutex::new(Window::default()),
            unread: Mutex::new(None),
            edits: Mutex::new(EditLog::default()),
        }
    }

    /// Locks the window. A panic elsewhere while it was held may have left it
    /// half-updated, which is harmless: it only proposes candidates, and every
    /// candidate is verified against the database.
    fn lock(&self) -> MutexGuard<'_, Window> {
        self.window.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Number of entries currently in the window's anchor index.
    pub fn indexed(&self) -> usize {
        self.lock().anchors.len()
    }

    /// Empties the window, for a caller that will
    /// place no more entries (`run --once` after its last feed): what comes
    /// next, indexing the new stories for search, then runs without them
    /// (the window's tables are most of the heap at 500,000 entries). Later
    /// entries would still be placed, only without candidates.
    pub fn release(&self) {
        *self.unread_source() = None;
        *self.lock() = Window::default();
    }

    /// Assigns fingerprints and stories to entries just inserted or changed in
    /// the current transaction. The entries' rows (title, url, published_at,
    /// content_text) are already written; this fills `simhash` and `story_id`
    /// and keeps `stories` consistent. Ids whose rows do not exist are skipped.
    pub fn assign(&self, conn: &Connection, entry_ids: &[i64]) -> Result<(), DedupError> {
        self.ensure_window()?;
        self.edits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .record(entry_ids);
        let mut batch = Batch::default();
        load_rows(conn, &mut batch, entry_ids, Need::Analyse)?;
        let mut order: Vec<(&str, i64)> = entry_ids
            .iter()
            .filter_map(|id| batch.rows.get(id).map(|r| (r.fetched_at.as_str(), *id)))
            .collect();
        order.sort_unstable();
        order.dedup();
        let order: Vec<i64> = order.into_iter().map(|(_, id)| id).collect();
        for id in order {
            self.assign_one(conn, &mut batch, id)?;
        }
        self.advance_window(batch.rows.values().filter_map(|r| r.time).max());
        Ok(())
    }

    /// Places one entry whose row is written: it joins (and merges) the
    /// stories of the entries it matches; matching none, it keeps its story
    /// if it is alone there, or starts one. An entry that leaves its story
    /// does not split what stays (a bridge edited away): `rededup` does.
    fn assign_one(&self, conn: &Connection, batch: &mut Batch, id: i64) -> Result<(), DedupError> {
        let Some(entry) = batch.rows.get(&id) else {
            return Ok(());
        };
        // Every entry being assigned was analysed from its text (Need::Analyse).
        let Text::Analysed(analysis) = &entry.text else {
            return Ok(());
        };
        let analysis = analysis.clone();
        let (chars, previous, at) = (entry.chars, entry.story_id, entry.changed_at.clone());
        let linked = self.linked_stories(conn, batch, id)?;
        let story = match linked.split_first() {
            Some((&survivor, merged)) => {
                for &from in merged {
                    crate::store::merge_stories(conn, from, survivor, &at)?;
                    batch.rename_story(from, survivor);
                }
                survivor
            }
            None => match previous {
                Some(story) if !crate::store::story_has_others(conn, story, id)? => story,
                _ => new_story(conn, batch, id)?,
            },
        };
        write_entry(conn, id, &analysis, chars, story)?;
        stories::refresh(conn, story)?;
        if let Some(old) = previous.filter(|old| *old != story && !linked.contains(old)) {
            // Re-chooses the canonical if it left; deletes the story if empty.
            stories::refresh(conn, old)?;
        }
        if let Some(entry) = batch.rows.get_mut(&id) {
            entry.story_id = Some(story);
            if let Some(time) = entry.time {
                let keys = entry.keys();
                self.lock()
                    .add(id, analysis.anchors(), time, keys, analysis.fingerprint());
            }
        }
        Ok(())
    }

    /// The stories (current ids, sorted, each once) of the window's entries
    /// that entry `id` matches. A candidate whose story is linked already is
    /// skipped: verifying it could not change the partition.
    fn linked_stories(
        &self,
        conn: &Connection,
        batch: &mut Batch,
        id: i64,
    ) -> Result<Vec<i64>, DedupError> {
        let Some(entry) = batch.rows.get(&id) else {
            return Ok(Vec::new());
        };
        let candidates = self.candidates(entry, id);
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        load_meta(conn, batch, &candidates)?;
        let mut linked: Vec<i64> = Vec::new();
        for candidate in self.in_time(batch, id, &candidates) {
            let Some((story, _)) = batch.placed(candidate) else {
                continue;
            };
            if story.is_some_and(|s| linked.contains(&s))
                || !self.worth_reading(batch, id, candidate)
            {
                continue;
            }
            if !self.verify(conn, batch, id, candidate)? {
                continue;
            }
            match self.current_story(conn, batch, id, candidate)? {
                Some(story) if !linked.contains(&story) => linked.push(story),
                _ => {}
            }
        }
        linked.sort_unstable();
        Ok(linked)
    }

    /// Reads candidate `other`'s shingles if needed and verifies entry `id`
    /// against it: the sketch test the other way, then [`Deduper::score`].
    fn verify(
        &self,
        conn: &Connection,
        batch: &mut Batch,
        id: i64,
        other: i64,
    ) -> Result<bool, DedupError> {
        load_rows(conn, batch, &[other], Need::Verify)?;
        let (Some(entry), Some(candidate)) = (batch.rows.get(&id), batch.rows.get(&other)) else {
            return Ok(false); // rolled back or deleted under us: not a match
        };
        Ok(self.sketches_agree(batch, other, id, candidate, entry)
            && self.score(entry, candidate).is_some())
    }

    /// The story candidate `other` is in now. A candidate read before the
    /// writer was taken ([`Deduper::prefetch`]) may have been merged into
    /// another story or edited since, by a feed committed in between: its
    /// story is read again, and if its text changed it is verified again.
    fn current_story(
        &self,
        conn: &Connection,
        batch: &mut Batch,
        id: i64,
        other: i64,
    ) -> Result<Option<i64>, DedupError> {
        if batch.unwritten.contains(&other) {
            return Ok(batch.rows.get(&other).and_then(|r| r.story_id));
        }
        let Some((story, changed_at)) = crate::store::entry_story(conn, other)? else {
            return Ok(None);
        };
        let edited = batch
            .rows
            .get(&other)
            .is_some_and(|r| r.changed_at != changed_at);
        if edited {
            batch.rows.remove(&other);
            if !self.verify(conn, batch, id, other)? {
                return Ok(None);
            }
        }
        if let Some(row) = batch.rows.get_mut(&other) {
            row.story_id = story;
        }
        Ok(story)
    }

    /// The `candidates` of entry `id` (their metadata loaded) fetched within
    /// `window` of it, in order.
    fn in_time(&self, batch: &Batch, id: i64, candidates: &[i64]) -> Vec<i64> {
        let Some(time) = batch.rows.get(&id).and_then(|e| e.time) else {
            return Vec::new();
        };
        let window = window_secs(&self.config);
        let times = time.saturating_sub(window)..=time.saturating_add(window);
        candidates
            .iter()
            .copied()
            .filter(|&c| {
                batch
                    .placed(c)
                    .is_some_and(|(_, t)| t.is_some_and(|t| times.contains(&t)))
            })
            .collect()
    }

    /// Whether candidate `other` of entry `id` is worth reading, judged on
    /// its anchors (its bottom-k sketch) alone: at least [`MIN_SKETCH_HITS`]
    /// of them must be shingles of the entry. A copy contains each of the
    /// other's anchors with probability of at least their Jaccard
    /// similarity, so one at the verification floor (J 0.3) fails this with
    /// probability 0.2% (binomial, 24 draws); an unrelated entry that
    /// shares one common phrase (the anchor that made it a candidate)
    /// passes it rarely. Once read, the same test runs the other way
    /// ([`Deduper::sketches_agree`]), so the pair's verdict is the same
    /// whichever came first. Short texts, and entries without stored
    /// anchors, are always read.
    fn worth_reading(&self, batch: &Batch, id: i64, other: i64) -> bool {
        let Some(entry) = batch.rows.get(&id) else {
            return false;
        };
        let other_long = match (batch.rows.get(&other), batch.meta.get(&other)) {
            (Some(row), _) => self.is_long(row),
            (None, Some(meta)) => meta.words.is_none_or(|w| w >= self.config.min_words),
            (None, None) => true,
        };
        !self.is_long(entry)
            || !other_long
            || sketch_hits(batch.sketch(other), entry.text.shingles())
    }

    /// The sketch test both ways, for two long entries: `a`'s anchors in
    /// `b`'s shingles and `b`'s in `a`'s.
    fn sketches_agree(
        &self,
        batch: &Batch,
        a: i64,
        b: i64,
        row_a: &Loaded,
        row_b: &Loaded,
    ) -> bool {
        !self.is_long(row_a)
            || !self.is_long(row_b)
            || (sketch_hits(batch.sketch(a), row_b.text.shingles())
                && sketch_hits(batch.sketch(b), row_a.text.shingles()))
    }

    /// The window's entries that may be copies of `entry` (never `id`
    /// itself): those with the same title or link key, then those sharing
    /// an anchor and within `max_distance` bits, at most
    /// [`MAX_CANDIDATES`] of them, most shared anchors first. Both tests
    /// are symmetric, so a pair is found whichever entry comes second.
    fn candidates(&self, entry: &Loaded, id: i64) -> Vec<i64> {
        let Some(time) = entry.time else {
            return Vec::new();
        };
        let window = window_secs(&self.config);
        let times = time.saturating_sub(window)..=time.saturating_add(window);
        let keys = entry.keys();
        let window = self.lock();
        let mut candidates = window.keys.lookup(&keys);
        candidates.retain(|&c| c != id);
        let Some(analysis) = entry.text.analysis().filter(|_| self.is_long(entry)) else {
            return candidates;
        };
        let own = analysis.fingerprint();
        let mut ranked: Vec<(usize, u32, i64)> = window
            .anchors
            .ranked_candidates(analysis.anchors(), times, id)
            .into_iter()
            .filter_map(|c| {
                // The fast filter: a candidate sharing one anchor whose
                // simhash is further than max_distance bits is not worth
                // reading from disk. Two shared anchors are evidence enough:
                // an excerpt and its article lie up to ~32 bits apart.
                let distance = (own ^ c.simhash).count_ones();
                (distance <= self.config.max_distance || c.shared >= MIN_SHARED_ANCHORS)
                    .then_some((c.shared, distance, c.id))
            })
            .collect();
        // Texts that share passages with many others (a paragraph quoted
        // across a beat, a boilerplate line the cleaner kept) would otherwise
        // make every entry read and verify hundreds of rows. Copies share the
        // most anchors and the nearest simhash, so the best few are enough.
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        ranked.truncate(MAX_CANDIDATES);
        for (_, _, c) in ranked {
            if !candidates.contains(&c) {
                candidates.push(c);
            }
        }
        candidates
    }

    /// Chooses the stories of entries about to be inserted, as [`assign`]
    /// would once they were written, without writing anything but merges
    /// of stored stories: the caller inserts the rows with [`Placement`]'s
    /// ids, simhashes and stories, then calls [`record`]. Entry and story
    /// ids are given out from `next_entry` and `next_story` up, which must
    /// be free (the caller holds the write lock and read the maxima in this
    /// transaction). Incoming entries see each other in order, as entries
    /// of one `assign` batch do.
    ///
    /// Splitting it so is what lets the store write each entry's row once:
    /// setting `simhash` and `story_id` afterwards rewrote every ~20 KB row.
    ///
    /// [`assign`]: Deduper::assign
    /// [`record`]: Deduper::record
    pub fn place(
        &self,
        conn: &Connection,
        next_entry: i64,
        next_story: i64,
        fetched_at: &str,
        incoming: &[Incoming<'_>],
        prefetched: Prefetched,
    ) -> Result<Placement, DedupError> {
        self.ensure_window()?;
        let mut placement = Placement {
            fetched_at: fetched_at.to_string(),
            ..Placement::default()
        };
        let mut batch = prefetched.batch;
        if self
            .edits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .stale(prefetched.generation, &batch)
        {
            // An edit overtook the read-ahead: read again below, as if
            // nothing had been read ahead.
            batch = Batch::default();
        }
        let time = parse_time(fetched_at);
        let ids = self.add_incoming(&mut batch, next_entry, fetched_at, incoming);
        // linked_stories reads only what the prefetch could not know
        // (entries committed since): the batch keeps what it read.
        let mut next_story = next_story;
        let new_from = next_story;
        for (index, (&id, new)) in ids.iter().zip(incoming).enumerate() {
            let linked = self.linked_stories(conn, &mut batch, id)?;
            let story = match linked.split_first() {
                Some((&survivor, merged)) => {
                    for &from in merged {
                        if from < new_from {
                            crate::store::merge_stories(conn, from, survivor, fetched_at)?;
                        }
                        batch.rename_story(from, survivor);
                        placement.rename_story(from, survivor);
                    }
                    survivor
                }
                None => {
                    let story = next_story;
                    next_story = next_story.saturating_add(1);
                    placement.new_stories.push((story, index));
                    story
                }
            };
            placement.touched.insert(story);
            let Some(entry) = batch.rows.get_mut(&id) else {
                continue;
            };
            entry.story_id = Some(story);
            let analysis = &new.analysis;
            if let Some(time) = entry.time {
                let keys = entry.keys();
                self.lock()
                    .add(id, analysis.anchors(), time, keys, analysis.fingerprint());
            }
            placement.ids.push(id);
            placement.stories.push(story);
            // SQLite has no unsigned 64-bit integer: the bits are stored as i64.
            placement.simhashes.push(analysis.fingerprint() as i64);
            placement.analyses.push((analysis.clone(), entry.chars));
            placement
                .heads
                .push((entry.title.clone(), entry.url.clone()));
        }
        self.advance_window(time);
        Ok(placement)
    }

    /// Reads, before the writer is taken, what [`place`](Deduper::place)
    /// will need for these entries: their candidates' stories and sketches,
    /// and the shingles of those worth verifying against. Under the writer,
    /// `place` then reads only what changed since: this is most of its
    /// reading, and the writer is the one serial part of ingestion.
    pub fn prefetch(
        &self,
        conn: &Connection,
        fetched_at: &str,
        incoming: &[Incoming<'_>],
    ) -> Result<Prefetched, DedupError> {
        self.ensure_window()?;
        let generation = self
            .edits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .generation;
        let mut batch = Batch::default();
        // Provisional ids, below any real one: the real ids are given out
        // under the writer.
        let ids = self.add_incoming(&mut batch, i64::MIN / 2, fetched_at, incoming);
        let candidates: Vec<(i64, Vec<i64>)> = ids
            .iter()
            .filter_map(|&id| batch.rows.get(&id).map(|e| (id, self.candidates(e, id))))
            .collect();
        let stored: Vec<i64> = candidates
            .iter()
            .flat_map(|(_, c)| c.iter().copied())
            .filter(|c| !batch.rows.contains_key(c))
            .collect();
        if !stored.is_empty() {
            load_meta(conn, &mut batch, &stored)?;
            // One candidate per story an entry is likely to verify against:
            // the best ranked worth reading (place reads more if it fails).
            let mut worth = Vec::new();
            for (id, candidates) in &candidates {
                let mut stories = Vec::new();
                for c in self.in_time(&batch, *id, candidates) {
                    let story = batch.placed(c).and_then(|(story, _)| story);
                    if story.is_some_and(|s| stories.contains(&s))
                        || !self.worth_reading(&batch, *id, c)
                    {
                        continue;
                    }
                    stories.extend(story);
                    if !batch.rows.contains_key(&c) {
                        worth.push(c);
                    }
                }
            }
            load_rows(conn, &mut batch, &worth, Need::Verify)?;
        }
        for id in ids {
            batch.rows.remove(&id);
            batch.unwritten.remove(&id);
        }
        Ok(Prefetched { batch, generation })
    }

    /// Adds incoming entries to `batch` as unwritten rows with ids from
    /// `first` up.
    fn add_incoming(
        &self,
        batch: &mut Batch,
        first: i64,
        fetched_at: &str,
        incoming: &[Incoming<'_>],
    ) -> Vec<i64> {
        let time = parse_time(fetched_at);
        let ids: Vec<i64> = (0..incoming.len() as i64)
            .map(|i| first.saturating_add(i))
            .collect();
        for (&id, entry) in ids.iter().zip(incoming) {
            let chars = i64::try_from(entry.text.chars().count()).unwrap_or(i64::MAX);
            batch.unwritten.insert(id);
            batch.rows.insert(
                id,
                Loaded {
                    title: entry.title.map(str::to_string),
                    url: entry.url.map(str::to_string),
                    fetched_at: fetched_at.to_string(),
                    changed_at: fetched_at.to_string(),
                    story_id: None,
                    time,
                    text: Text::Analysed(entry.analysis.clone()),
                    chars: Some(chars),
                },
            );
        }
        ids
    }

    /// Writes what [`place`](Deduper::place) decided, once the entries'
    /// rows are in: the new stories, the anchors, and the rows of stories
    /// that gained entries. Needs `PRAGMA defer_foreign_keys` or the new
    /// stories' rows would have to precede the entries that name them.
    pub fn record(&self, conn: &Connection, placement: &Placement) -> Result<(), DedupError> {
        let mut story = conn.prepare_cached(
            "INSERT INTO stories (id, canonical_entry_id, title, url, first_seen_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )?;
        for &(id, index) in &placement.new_stories {
            let (title, url) = placement.heads.get(index).cloned().unwrap_or_default();
            story.execute(rusqlite::params![
                id,
                placement.ids.get(index),
                title,
                url,
                placement.fetched_at,
                placement.fetched_at,
            ])?;
        }
        for (id, (analysis, chars)) in placement.ids.iter().zip(&placement.analyses) {
            save_analysis(conn, *id, analysis, *chars)?;
        }
        for &story in &placement.touched {
            stories::refresh_if_any(conn, story)?;
        }
        Ok(())
    }

    /// Moves the window's end to `time` if later, and drops what fell out.
    fn advance_window(&self, time: Option<i64>) {
        let mut window = self.lock();
        if let Some(newest) = time {
            window.newest = window.newest.max(newest);
        }
        let horizon = window.newest.saturating_sub(window_secs(&self.config));
        window.prune_before(horizon, window_secs(&self.config));
    }

    fn is_long(&self, entry: &Loaded) -> bool {
        entry.text.shingles().words >= self.config.min_words
    }

    /// How well two entries match as copies of one story (higher is better),
    /// or `None` if they are not copies; symmetric. Texts of at least
    /// `min_words` words are compared on shingles and facts; shorter ones
    /// on normalised title or link, and must state no fact differently.
    fn score(&self, a: &Loaded, b: &Loaded) -> Option<f64> {
        if self.is_long(a) && self.is_long(b) {
            same_story(a.text.shingles(), b.text.shingles()).map(|s| s.containment + s.jaccard)
        } else {
            let keys = b.keys();
            let (fa, fb) = (&a.text.shingles().facts, &b.text.shingles().facts);
            (a.keys().iter().any(|k| keys.contains(k)) && fingerprint::conflicts(fa, fb) == 0)
                .then_some(0.0)
        }
    }
}

/// Whether at least [`MIN_SKETCH_HITS`] of `sketch`'s anchors are among
/// `shingles` (true without a sketch, or one too small to tell).
fn sketch_hits(sketch: Option<&[u32]>, shingles: &Shingles) -> bool {
    match sketch {
        Some(sketch) if sketch.len() >= MIN_SKETCH_HITS => sketch
            .iter()
            .filter(|&&a| shingles.has_anchor(a))
            .nth(MIN_SKETCH_HITS - 1)
            .is_some(),
        _ => true,
    }
}

impl Window {
    fn reserve(&mut self, entries: usize) {
        self.anchors.reserve(entries);
        self.keys.reserve(entries);
    }

    fn add(&mut self, id: i64, anchors: &[u32], time: i64, keys: Vec<String>, simhash: u64) {
        // An empty text has no anchors and is only removed (if it was there).
        self.anchors.insert(id, anchors, time, simhash);
        self.keys.insert(id, &keys, time);
    }

    fn prune_before(&mut self, horizon: i64, window: i64) {
        self.anchors.prune_before(horizon, window);
        self.keys.prune_before(horizon, window);
    }
}

/// Recomputes fingerprints and stories over all stored entries, in the
/// order they were fetched, in one transaction: after a change of
/// `[dedup]` settings or of [`FINGERPRINT_VERSION`]. The stories are the
/// ones the daemon makes of the same entries (in any order); their ids
/// are new, and `story_merges` is emptied.
pub async fn rededup(
    store: &crate::store::Store,
    config: &DedupConfig,
) -> Result<RededupReport, DedupError> {
    let started = Instant::now();
    // IMMEDIATE (write_alone): the daemon may be writing; see store::immediate.
    let (entries, stories) = crate::store::write_alone(store, |tx| {
        tx.execute_batch(
            "UPDATE entries SET story_id = NULL, simhash = NULL;
             DELETE FROM stories;
             DELETE FROM entry_anchors;
             DELETE FROM entry_shingles;",
        )?;
        let ids: Vec<i64> = tx
            .prepare("SELECT id FROM entries ORDER BY fetched_at, id")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let deduper = Deduper::empty(config);
        for chunk in ids.chunks(REDEDUP_BATCH) {
            deduper.assign(tx, chunk)?;
        }
        // Story ids start over: neither the old ones' merges nor those made
        // while regrouping mean anything to anyone.
        crate::store::forget_story_merges(tx)?;
        write_meta(tx, config)?;
        let stories: i64 = tx.query_row("SELECT COUNT(*) FROM stories", [], |row| row.get(0))?;
        Ok::<_, DedupError>((ids.len(), stories))
    })?;
    Ok(RededupReport {
        entries: entries as u64,
        stories: stories.max(0) as u64,
        fingerprint_version: FINGERPRINT_VERSION,
        elapsed_ms: started.elapsed().as_millis().min(u64::MAX as u128) as u64,
    })
}

fn write_meta(conn: &Connection, config: &DedupConfig) -> Result<(), DedupError> {
    let mut upsert = conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?;
    for (key, value) in [
        (META_FINGERPRINT_VERSION, FINGERPRINT_VERSION.to_string()),
        (META_SETTINGS, settings_text(config)),
    ] {
        upsert.execute([key, value.as_str()])?;
    }
    Ok(())
}

fn settings_text(config: &DedupConfig) -> String {
    format!(
        "max_distance={} window={}s min_words={}",
        config.max_distance,
        config.window.as_secs(),
        config.min_words
    )
}

fn window_secs(config: &DedupConfig) -> i64 {
    i64::try_from(config.window.as_secs()).unwrap_or(i64::MAX / 4)
}

fn parse_time(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp())
}

/// What [`load_rows`] makes of each row's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Its shingles as stored in `entry_shingles`, without reading the
    /// text: a canonical entry, only verified against. An entry stored
    /// before that table existed is read and analysed from its text.
    Verify,
    /// Its text analysed: an entry being assigned, which needs its simhash
    /// and anchors.
    Analyse,
}

/// The query of [`load_rows`], reading the text with `$text` (an
/// expression for the text, then one for its length in characters).
macro_rules! select_row {
    ($text:literal) => {
        concat!(
            "SELECT e.id, e.title, e.url, e.fetched_at, e.changed_at, e.story_id,
                    sh.words, sh.shingles, sh.facts, ",
            $text,
            // story_id from the placement index: in the row it lies after
            // the three bodies, and reading it there walked every overflow
            // page of the row (the other columns precede the bodies).
            " FROM entries e INDEXED BY entries_placement
             LEFT JOIN entry_shingles sh ON sh.entry_id = e.id
             WHERE e.id = ?"
        )
    };
}

/// Loads the rows of `ids` not loaded yet, as `need` says. Ids without a
/// row are silently absent from the batch.
fn load_rows(
    conn: &Connection,
    batch: &mut Batch,
    ids: &[i64],
    need: Need,
) -> Result<(), DedupError> {
    let missing = unique(
        ids.iter()
            .copied()
            .filter(|id| !batch.rows.contains_key(id)),
    );
    let select = match need {
        // CASE reads the text only where it is used: a row's text lies
        // behind its other two bodies, ~20 KB of overflow pages.
        Need::Verify => select_row!(
            "CASE WHEN sh.entry_id IS NULL OR sh.facts IS NULL THEN e.content_text END,
             CASE WHEN sh.entry_id IS NULL THEN length(e.content_text) ELSE sh.chars END"
        ),
        Need::Analyse => select_row!("e.content_text, length(e.content_text)"),
    };
    let rows: Vec<EntryRow> = select_by_ids(conn, select, &missing)?;
    for row in rows {
        let EntryRow {
            id,
            head,
            words,
            shingles,
            facts,
            text,
            chars,
        } = row;
        let text = match (need, words, shingles, facts) {
            (Need::Verify, Some(words), Some(shingles), Some(facts)) => {
                let words = usize::try_from(words).unwrap_or(0);
                Text::Stored(Shingles::decode(words, &shingles).with_facts(&facts))
            }
            _ => Text::Analysed(std::sync::Arc::new(Analysis::of(
                text.as_deref().unwrap_or(""),
            ))),
        };
        batch.rows.insert(
            id,
            Loaded {
                title: head.title,
                url: head.url,
                time: parse_time(&head.fetched_at),
                fetched_at: head.fetched_at,
                changed_at: head.changed_at,
                story_id: head.story_id,
                text,
                chars,
            },
        );
    }
    Ok(())
}

/// The columns [`load_rows`] reads before the text.
struct Head {
    title: Option<String>,
    url: Option<String>,
    fetched_at: String,
    changed_at: String,
    story_id: Option<i64>,
}

/// Reads the story, time, length and stored anchors (sketch) of each of
/// `ids` not read yet, without their text: what decides whether a
/// candidate is worth reading.
fn load_meta(conn: &Connection, batch: &mut Batch, ids: &[i64]) -> Result<(), DedupError> {
    let missing = unique(ids.iter().copied().filter(|id| batch.placed(*id).is_none()));
    /// Entry id, fetched_at, story, words, sketch.
    type Row = (i64, String, Option<i64>, Option<i64>, Option<Vec<u8>>);
    let rows: Vec<Row> = select_by_ids(
        conn,
        // The index holds these columns; the row has them after its bodies
        // (see migrations/0006_placement_index.sql).
        "SELECT e.id, e.fetched_at, e.story_id, sh.words, a.anchors
         FROM entries e INDEXED BY entries_placement
         LEFT JOIN entry_shingles sh ON sh.entry_id = e.id
         LEFT JOIN entry_anchors a ON a.entry_id = e.id
         WHERE e.id = ?",
        &missing,
    )?;
    for (id, fetched_at, story, words, sketch) in rows {
        if let Some(sketch) = sketch {
            batch.sketches.insert(id, decode_anchors(&sketch));
        }
        batch.meta.insert(
            id,
            Meta {
                story,
                time: parse_time(&fetched_at),
                words: words.and_then(|w| usize::try_from(w).ok()),
            },
        );
    }
    Ok(())
}

/// The ids once each, sorted.
fn unique(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Runs `select`, which takes one id, for each of `ids` (in order, which
/// is the table's: sorted ids read neighbouring pages one after another);
/// all rows, as tuples of the selected columns. One prepared statement for
/// all: without a hand-off per statement, a point query per id costs what a
/// long `IN` list did, and stays prepared.
fn select_by_ids<R>(
    conn: &Connection,
    select: &'static str,
    ids: &[i64],
) -> Result<Vec<R>, DedupError>
where
    R: for<'r> TryFrom<&'r rusqlite::Row<'r>, Error = rusqlite::Error>,
{
    let mut rows = Vec::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(rows);
    }
    let mut statement = conn.prepare_cached(select)?;
    for id in ids {
        let mut found = statement.query([id])?;
        while let Some(found) = found.next()? {
            rows.push(R::try_from(found)?);
        }
    }
    Ok(rows)
}

fn write_entry(
    conn: &Connection,
    id: i64,
    analysis: &Analysis,
    chars: Option<i64>,
    story: i64,
) -> Result<(), DedupError> {
    save_analysis(conn, id, analysis, chars)?;
    // SQLite has no unsigned 64-bit integer: the bits are stored as i64.
    conn.prepare_cached("UPDATE entries SET simhash = ?, story_id = ? WHERE id = ?")?
        .execute([analysis.fingerprint() as i64, story, id])?;
    Ok(())
}

/// Stores an entry's anchors (its sketch), shingles and facts, replacing
/// what it had: every change of an entry's text comes through here, so the
/// stored shingles are never those of an older text.
fn save_analysis(
    conn: &Connection,
    id: i64,
    analysis: &Analysis,
    chars: Option<i64>,
) -> Result<(), DedupError> {
    conn.prepare_cached(
        "INSERT INTO entry_anchors (entry_id, anchors) VALUES (?, ?)
         ON CONFLICT (entry_id) DO UPDATE SET anchors = excluded.anchors",
    )?
    .execute(rusqlite::params![id, encode_anchors(analysis.anchors())])?;
    let words = i64::try_from(analysis.words()).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "INSERT INTO entry_shingles (entry_id, words, chars, shingles, facts) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (entry_id) DO UPDATE SET
            words = excluded.words, chars = excluded.chars, shingles = excluded.shingles,
            facts = excluded.facts",
    )?
    .execute(rusqlite::params![
        id,
        words,
        chars,
        analysis.shingles.encode(),
        analysis.shingles.encode_facts()
    ])?;
    Ok(())
}

/// Anchors as stored in `entry_anchors.anchors`: 4 bytes little-endian each.
fn encode_anchors(anchors: &[u32]) -> Vec<u8> {
    anchors.iter().flat_map(|a| a.to_le_bytes()).collect()
}

/// Reads stored anchors; a trailing partial value (a damaged row) is ignored.
fn decode_anchors(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn new_story(conn: &Connection, batch: &Batch, id: i64) -> Result<i64, DedupError> {
    let (title, url, first_seen, updated) = match batch.rows.get(&id) {
        Some(e) => (
            e.title.clone(),
            e.url.clone(),
            e.fetched_at.clone(),
            e.changed_at.clone(),
        ),
        None => (None, None, String::new(), String::new()),
    };
    let story: i64 = conn
        .prepare_cached(
            "INSERT INTO stories (canonical_entry_id, title, url, first_seen_at, updated_at)
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )?
        .query_row(
            rusqlite::params![id, title, url, first_seen, updated],
            |row| row.get(0),
        )?;
    Ok(story)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic text of `n` distinct made-up words, numbered from `from`.
    fn words(from: usize, n: usize) -> String {
        (from..from + n)
            .map(|i| format!("w{i}x"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn loaded(text: &str) -> Loaded {
        Loaded {
            title: None,
            url: None,
            fetched_at: String::new(),
            changed_at: String::new(),
            story_id: None,
            time: Some(0),
            text: Text::Analysed(std::sync::Arc::new(Analysis::of(text))),
            chars: Some(0),
        }
    }

    #[test]
    fn a_candidate_is_read_only_if_its_sketch_overlaps_the_entry() {
        let deduper = Deduper::empty(&DedupConfig::default());
        let mut batch = Batch::default();
        // The entry: 600 words. A copy that keeps 40% of it (Jaccard ~0.33,
        // near the verification floor) and adds as much of its own.
        let entry = words(0, 600);
        batch.rows.insert(1, loaded(&entry));
        let copy = format!("{} {}", words(0, 240), words(10_000, 240));
        batch
            .sketches
            .insert(2, Analysis::of(&copy).anchors().to_vec());
        assert!(
            deduper.worth_reading(&batch, 1, 2),
            "a copy near the floor is read"
        );
        // An unrelated text that shares with the entry only the phrase its
        // smallest anchor was made from: one hit, not read.
        let unrelated = Analysis::of(&words(20_000, 600));
        let shared_phrase = Analysis::of(&entry).anchors()[0];
        let mut sketch = unrelated.anchors().to_vec();
        sketch[5] = shared_phrase;
        batch.sketches.insert(3, sketch);
        assert!(
            !deduper.worth_reading(&batch, 1, 3),
            "one shared phrase is not enough"
        );
        // Without a stored sketch, or for a short entry, it is read anyway.
        assert!(deduper.worth_reading(&batch, 1, 4));
        batch
            .rows
            .insert(5, loaded("too short to compare on shingles"));
        batch.sketches.insert(6, unrelated.anchors().to_vec());
        assert!(deduper.worth_reading(&batch, 5, 6));
    }

    #[test]
    fn max_distance_is_waived_for_two_shared_anchors() {
        let config = DedupConfig {
            max_distance: 0,
            ..DedupConfig::default()
        };
        let deduper = Deduper::empty(&config);
        let entry = loaded(&words(0, 300));
        let analysis = entry.text.analysis().unwrap().clone();
        let (own, far) = (analysis.fingerprint(), !analysis.fingerprint());
        let anchors = analysis.anchors();
        {
            let mut window = deduper.lock();
            window.add(10, &anchors[..1], 0, Vec::new(), far);
            window.add(11, &anchors[..2], 0, Vec::new(), far);
            window.add(12, &anchors[..1], 0, Vec::new(), own);
        }
        let mut found = deduper.candidates(&entry, 1);
        found.sort_unstable();
        assert_eq!(found, vec![11, 12], "one anchor and 64 bits apart: dropped");
    }

    #[test]
    fn anchors_round_trip_through_their_stored_form() {
        let anchors = vec![0, 1, u32::MAX, 0x0102_0304];
        assert_eq!(decode_anchors(&encode_anchors(&anchors)), anchors);
        assert_eq!(decode_anchors(&[1, 0, 0, 0, 9]), vec![1]);
    }

    #[test]
    fn deduper_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Deduper>();
    }
}

// Test code: its unwraps act on the repository's own migrations and an
// in-memory database, and a panic is the test failing.
#[cfg(test)]
mod stored_shingles_tests {
    use super::*;

    /// An in-memory database with the real schema.
    fn database() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        let mut migrations: Vec<_> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
        migrations.sort();
        for migration in migrations {
            conn.execute_batch(&std::fs::read_to_string(migration).unwrap())
                .unwrap();
        }
        conn.execute_batch(
            "INSERT INTO feeds (id, url, added_at) VALUES (1, 'http://127.0.0.1/feed', '2026-11-29T00:00:00Z');
             INSERT INTO stories (id, canonical_entry_id, first_seen_at, updated_at)
                VALUES (7, 1, '2026-11-29T00:00:00Z', '2026-11-29T00:00:00Z');",
        )
        .unwrap();
        conn
    }

    fn insert_entry(conn: &Connection, id: i64, text: &str) {
        conn.execute(
            "INSERT INTO entries (id, feed_id, guid, fetched_at, changed_at, content_text,
                                  raw_hash, story_id)
             VALUES (?1, 1, ?1, '2026-11-29T00:00:00Z', '2026-11-29T00:00:00Z', ?2, 0, 7)",
            rusqlite::params![id, text],
        )
        .unwrap();
    }

    #[test]
    fn a_canonical_is_verified_on_its_stored_shingles_or_else_its_text() {
        let conn = database();
        let text = "Über 40 Städte: the council voted on Tuesday to let homeowners convert \
                    garages into small flats, a change supporters say will add homes.";
        let analysis = Analysis::of(text);
        let chars = i64::try_from(text.chars().count()).unwrap();
        insert_entry(&conn, 1, text);
        save_analysis(&conn, 1, &analysis, Some(chars)).unwrap();
        // An entry stored before entry_shingles existed has no row there.
        insert_entry(&conn, 2, text);

        let mut batch = Batch::default();
        load_rows(&conn, &mut batch, &[1, 2, 3], Need::Verify).unwrap();
        assert!(!batch.rows.contains_key(&3), "no such entry");
        let stored = &batch.rows[&1];
        assert!(matches!(stored.text, Text::Stored(_)));
        assert_eq!(stored.text.shingles(), &analysis.shingles);
        assert!(
            !stored.text.shingles().facts.is_empty(),
            "facts stored and read"
        );
        assert_eq!(stored.story_id, Some(7));
        let from_text = &batch.rows[&2];
        assert!(matches!(from_text.text, Text::Analysed(_)));
        assert_eq!(from_text.text.shingles(), &analysis.shingles);
        // Both have the length as SQLite counts it: characters.
        assert_eq!(stored.chars, Some(chars));
        assert_eq!(from_text.chars, stored.chars);

        // A new text replaces the stored shingles.
        let edited = Analysis::of("a storm closed schools in three counties on thursday");
        save_analysis(&conn, 1, &edited, Some(52)).unwrap();
        let mut batch = Batch::default();
        load_rows(&conn, &mut batch, &[1], Need::Verify).unwrap();
        assert_eq!(batch.rows[&1].text.shingles(), &edited.shingles);
    }
}
