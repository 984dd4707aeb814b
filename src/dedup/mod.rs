//! De-duplication: fingerprints each entry's cleaned text and joins it to the
//! story it is a copy of, or to a new story.
//!
//! It runs inside the store's transaction for one feed, so an entry is never
//! committed without its story. It runs no SQL: it is lent a [`Db`], which
//! only `store::` functions can use, and storage records what it decides.
//! It must never make stories depend on the
//! order entries arrive in, and never glue different stories together on
//! what they merely share: verification weighs what differs (passages of
//! their own on both sides, facts stated differently) as well as what is
//! shared ([`fingerprint::same_story`]).
//!
//! Stories are the connected components of a symmetric relation between
//! entries: two entries of the window are linked when they are candidates
//! of each other (they share an anchor shingle and lie within
//! `max_distance` simhash bits, or share two anchors or an anchor of both
//! starts whatever their distance; or share a normalised title or link), pass the
//! sketch test both ways ([`Deduper::sketches_agree`]) and verify as
//! copies: on shingles, facts and, where the shingles cannot tell an
//! excerpt from a digest, headlines (and order, for a text that repeats
//! itself); a short entry (under `min_words`)
//! on its keys, or as the excerpt of a long one it is anchored to. Whatever the order, a new entry is linked to every
//! story already stored that it would have been linked to had it come
//! first, so the components come out the same. It meets a story through
//! the entries the index keeps of it, which are bounded: under one anchor
//! or key, a story's newest few near copies of a text and newest
//! [`index::PER_STORY`] in all (a wire story carried by hundreds of feeds
//! would otherwise turn its own anchors into stop-anchors, or make every
//! copy read all the others). An entry linked to entries
//! of several stories joins them into one: the story with the lowest id
//! survives, the others' entries move to it, and each merge is recorded in
//! `story_merges` so an old story id still resolves. A story's canonical
//! entry is chosen by content (`store::stories::CANONICAL_ORDER`), never by
//! arrival.
//!
//! Flow for one entry: [`fingerprint::Analysis`] of its text (made by the
//! pipeline before the writer is taken); candidates from the in-memory
//! [`index`] of the window, at most [`MAX_CANDIDATES`] sharing the most
//! anchors; for each, unless its story is linked already, the sketch test,
//! its stored shingles and verification; the stories of the entries it
//! matches, merged. New entries go through [`Deduper::place`] before their
//! rows are written and [`Deduper::record`] after, so each row is written
//! once; edited entries go through [`Deduper::assign`] after their row is rewritten.
//!
//! The simhash alone does not propose candidates: copies lie up to 26 bits
//! apart while hard negatives start at 13, so no radius gives both recall
//! and a fast index, while every copy pair of the labelled corpus shares an
//! anchor.

pub mod fingerprint;
pub mod index;
mod matcher;
mod rows;
#[cfg(test)]
mod tests;
mod window;

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use crate::store::Db;
use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::DedupConfig;
use fingerprint::Analysis;

use crate::store::stories;
pub use crate::store::stories::{StorySummary, list_stories, list_stories_limited};
pub use fingerprint::{FINGERPRINT_VERSION, fingerprint};
use rows::*;
use window::*;

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
/// anchors turn into stop-anchors), where it bounds the reads. Which 24
/// depends on what the window holds; it is kept because copies outrank a
/// template's siblings (20 orders of 120 entries a template give one
/// partition), not because it is proven never to decide a link.
const MAX_CANDIDATES: usize = 24;
/// Entries assigned per batch during [`rededup`].
const REDEDUP_BATCH: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum DedupError {
    #[error("de-duplication: {0}")]
    Store(#[from] crate::store::StoreError),
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
    /// Stories that took in another: their rows are recomputed from all
    /// their entries, the rows of the others that gained entries only from
    /// what they gained.
    absorbed: BTreeSet<i64>,
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
        self.absorbed.remove(&from);
        self.absorbed.insert(into);
    }
}

impl Deduper {
    pub async fn load(
        store: &crate::store::Store,
        config: &DedupConfig,
    ) -> Result<Self, DedupError> {
        let stored = store.read_db(|db| crate::store::meta_value(db, META_FINGERPRINT_VERSION))?;
        if stored.as_deref() != Some(FINGERPRINT_VERSION.to_string().as_str()) {
            let any = store.read_db(crate::store::any_entries)?;
            if any {
                tracing::info!(
                    stored = stored.as_deref().unwrap_or("none"),
                    current = FINGERPRINT_VERSION,
                    "fingerprint version changed: recomputing fingerprints and stories"
                );
                rededup(store, config).await?;
            } else {
                crate::store::write_alone_db(store, |db| write_meta(db, config))?;
            }
        } else {
            let settings = store.read_db(|db| crate::store::meta_value(db, META_SETTINGS))?;
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
        crate::store::read_alone_db(store, |conn| {
            let since = self.since(Utc::now().timestamp());
            let entries = stories::count_fetched_since(conn, &since)?;
            self.lock().reserve(usize::try_from(entries).unwrap_or(0));
            self.read_rows(conn, &since)
        })
    }

    /// Brings the window up to date with every change other processes
    /// committed to the entries it holds since it last looked (issue 19):
    /// entries inserted, texts edited in place, entries moved to another
    /// story or merged, entries deleted by retention; by other daemons
    /// (their page steps too), `rededup` or `reclean`. The store reads
    /// them as "what changed since change number N" (`stories::window_changes`);
    /// the changed entries also count as edits (the edit log), so that a
    /// read-ahead that read one of them before is read again.
    ///
    /// Every caller that places or assigns entries calls it first in its
    /// write transaction, under the write lock. Why nothing is skipped: on
    /// PostgreSQL every transaction that writes entries holds the one write
    /// lock from its first statement to its commit, and takes its change
    /// numbers from one sequence while it holds it, so every number of a
    /// transaction is larger than every number of the transactions that
    /// committed before it: commit order is number order. Reading under the
    /// lock, this transaction sees every transaction committed before it
    /// and none in flight; so every change not yet seen has a number above
    /// the highest it saw before. The window's first read (not under the
    /// lock) sees the transactions committed before its snapshot, whose
    /// numbers are all below those of any that commits after it. A sequence
    /// never gives a number twice, so a rolled-back transaction leaves a gap,
    /// never a number that a later change reuses. Deletions leave a numbered
    /// row (`entry_removals`); they are applied before the entries read, as
    /// an id deleted and then given out again has the deletion's number below
    /// the new row's. On a SQLite file (one writer: this process, whose
    /// window took each change as it made it) the store reads nothing.
    pub fn catch_up(&self, conn: Db<'_>) -> Result<(), DedupError> {
        if !self.window_read() {
            // The first read, still to come, will see every commit.
            return Ok(());
        }
        let started = Instant::now();
        let newest = self.lock().newest;
        let since = self.since(newest.max(Utc::now().timestamp()));
        let after = self.lock().seen;
        let mut entries = Vec::new();
        let mut gone = Vec::new();
        let mut unreadable = Unreadable::default();
        let read = stories::window_changes(conn, &since, after, |change| match change {
            Ok(stories::WindowChange::Entry(row)) => entries.push(row),
            Ok(stories::WindowChange::Gone(id)) => gone.push(id),
            Err(id) => unreadable.note(id),
        })?;
        let Some(read) = read else {
            return Ok(());
        };
        let mut changed: Vec<i64> = gone.clone();
        changed.extend(entries.iter().map(|r| r.id));
        {
            let mut window = self.lock();
            window.newest = window.newest.max(Utc::now().timestamp());
            for &id in &gone {
                window.remove(id);
            }
            for row in entries {
                let id = row.id;
                if !add_row(&mut window, row) {
                    // Its time is unreadable: it is no candidate.
                    window.remove(id);
                    unreadable.note(Some(id));
                }
            }
            window.seen = window.seen.max(read.through);
            window.caught_up_in = Some(read.transaction);
        }
        if !changed.is_empty() {
            self.edits
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .record(&changed);
        }
        unreadable.warn();
        tracing::debug!(
            rows = changed.len() as u64,
            duration_us = started.elapsed().as_micros() as u64,
            "caught up with what other daemons committed"
        );
        Ok(())
    }

    /// Marks this transaction's own changes of entries as seen, once they are
    /// written (end of [`record`](Self::record) and [`assign`](Self::assign)):
    /// the window placed them itself, and reading them back at the next
    /// [`catch_up`](Self::catch_up) would only count them as edits and throw
    /// read-aheads away. Only in the transaction that caught up: then every
    /// number up to the highest it sees is either read already or its own
    /// (the write lock kept every other writer out since). If it rolls back,
    /// its numbers are never given out again: marking them loses nothing.
    fn mark_own_changes(&self, conn: Db<'_>) -> Result<(), DedupError> {
        if self.lock().caught_up_in.is_none() {
            return Ok(());
        }
        let Some(reached) = stories::changes_reached(conn)? else {
            return Ok(());
        };
        let mut window = self.lock();
        if window.caught_up_in == Some(reached.transaction) {
            window.seen = window.seen.max(reached.through);
        }
        Ok(())
    }

    /// The earliest fetch time the window holds when it ends at `end`.
    fn since(&self, end: i64) -> String {
        DateTime::from_timestamp(end.saturating_sub(window_secs(&self.config)), 0)
            .unwrap_or(DateTime::UNIX_EPOCH)
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// Adds the entries fetched at or after `since` to the window, row by
    /// row, and notes the highest change number read.
    fn read_rows(&self, conn: Db<'_>, since: &str) -> Result<(), DedupError> {
        // Straight into the window, row by row: no list of every row first.
        let mut window = self.lock();
        window.newest = window.newest.max(Utc::now().timestamp());
        let mut unreadable = Unreadable::default();
        stories::window_rows(conn, since, |row| {
            // A row another tool wrote with a value of the wrong type (a
            // BLOB title, say) is left out, as one with an unreadable time
            // is: failing here would stop every feed's new entries.
            match row {
                Ok(r) => {
                    let (id, revision) = (r.id, r.revision);
                    if add_row(&mut window, r) {
                        window.seen = window.seen.max(revision);
                    } else {
                        unreadable.note(Some(id));
                    }
                }
                Err(id) => unreadable.note(id),
            }
        })?;
        drop(window);
        unreadable.warn();
        Ok(())
    }

    /// How far apart in fetch time two entries may be and still be
    /// candidates of each other (`[dedup] window`): maintenance forgets
    /// the shingles of entries older than that.
    pub fn window(&self) -> std::time::Duration {
        self.config.window
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
    pub fn assign(&self, conn: Db<'_>, entry_ids: &[i64]) -> Result<(), DedupError> {
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
        self.mark_own_changes(conn)
    }

    /// Chooses the stories of entries about to be inserted, as [`assign`]
    /// would once they were written, without writing anything but merges
    /// of stored stories: the caller inserts the rows with [`Placement`]'s
    /// ids, simhashes and stories between [`record_stories`] and [`record`]. Entry and story
    /// ids are given out from `next_entry` and `next_story` up, which must
    /// be free (the caller holds the write lock and read the maxima in this
    /// transaction). Incoming entries see each other in order, as entries
    /// of one `assign` batch do.
    ///
    /// Splitting it so is what lets the store write each entry's row once:
    /// setting `simhash` and `story_id` afterwards rewrote every ~20 KB row.
    ///
    /// [`assign`]: Deduper::assign
    /// [`record_stories`]: Deduper::record_stories
    /// [`record`]: Deduper::record
    pub fn place(
        &self,
        conn: Db<'_>,
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
            let Some(entry) = batch.rows.get_mut(&id) else {
                continue;
            };
            entry.story_id = Some(story);
            let analysis = &new.analysis;
            self.remember(entry, id, analysis, story);
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
        conn: Db<'_>,
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
        let candidates: Vec<(i64, Vec<Candidate>)> = ids
            .iter()
            .filter_map(|&id| batch.rows.get(&id).map(|e| (id, self.candidates(e, id))))
            .collect();
        let stored: Vec<i64> = candidates
            .iter()
            .flat_map(|(_, c)| c.iter().map(|c| c.id))
            .filter(|c| !batch.rows.contains_key(c))
            .collect();
        if !stored.is_empty() {
            load_meta(conn, &mut batch, stored.iter().copied())?;
            // One candidate per story an entry is likely to verify against:
            // the best ranked worth reading (place reads more if it fails).
            let mut worth = Vec::new();
            for (id, candidates) in &candidates {
                let mut stories = Vec::new();
                for c in self.in_time(&batch, *id, candidates) {
                    let story = batch.placed(c.id).and_then(|(story, _)| story);
                    if story.is_some_and(|s| stories.contains(&s))
                        || !self.worth_reading(&batch, *id, c)
                    {
                        continue;
                    }
                    stories.extend(story);
                    if !batch.rows.contains_key(&c.id) {
                        worth.push(c.id);
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

    /// Writes the rows of the stories [`place`](Deduper::place) created,
    /// before the entries' rows that name them: with the stories first,
    /// every foreign key holds as each row goes in. (Deferring the checks
    /// instead took `PRAGMA defer_foreign_keys`, and a PRAGMA that sets a
    /// flag expires every statement the connection prepared: the writer
    /// compiled each of its statements again in every feed's transaction,
    /// 4–6% of a cold run's CPU, under the writer.) The rows' canonical
    /// entry, title and times are those of the story's first incoming
    /// entry until [`record`](Deduper::record) refreshes them.
    pub fn record_stories(&self, conn: Db<'_>, placement: &Placement) -> Result<(), DedupError> {
        for &(id, index) in &placement.new_stories {
            let (title, url) = placement.heads.get(index).cloned().unwrap_or_default();
            let row = stories::StoryRow {
                canonical: placement.ids.get(index).copied(),
                title,
                url,
                first_seen_at: placement.fetched_at.clone(),
                updated_at: placement.fetched_at.clone(),
            };
            stories::insert_story(conn, Some(id), &row)?;
        }
        Ok(())
    }

    /// Writes the rest of what [`place`](Deduper::place) decided, once the
    /// entries' rows are in: the anchors and shingles, and the rows of
    /// stories that gained entries. [`record_stories`](Deduper::record_stories)
    /// came before the entries.
    pub fn record(&self, conn: Db<'_>, placement: &Placement) -> Result<(), DedupError> {
        for (id, (analysis, chars)) in placement.ids.iter().zip(&placement.analyses) {
            save_analysis(conn, *id, analysis, *chars)?;
        }
        for (&id, &story) in placement.ids.iter().zip(&placement.stories) {
            if !placement.absorbed.contains(&story) {
                stories::refresh_gained(conn, story, id)?;
            }
        }
        for &story in &placement.absorbed {
            stories::refresh_if_any(conn, story)?;
        }
        self.mark_own_changes(conn)
    }

    /// Puts entry `id`, placed in `story`, in the window (if it has a time).
    fn remember(&self, entry: &Loaded, id: i64, analysis: &Analysis, story: i64) {
        if let Some(time) = entry.time {
            self.lock().add(
                id,
                analysis.anchors(),
                time,
                entry.keys(),
                analysis.fingerprint(),
                story,
            );
        }
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
    let (entries, stories) = crate::store::write_alone_db(store, |tx| {
        let ids = stories::forget_stories(tx)?;
        let deduper = Deduper::empty(config);
        for chunk in ids.chunks(REDEDUP_BATCH) {
            deduper.assign(tx, chunk)?;
        }
        // Story ids start over: neither the old ones' merges nor those made
        // while regrouping mean anything to anyone.
        crate::store::forget_story_merges(tx)?;
        write_meta(tx, config)?;
        Ok::<_, DedupError>((ids.len(), stories::count(tx)?))
    })?;
    Ok(RededupReport {
        entries: entries as u64,
        stories,
        fingerprint_version: FINGERPRINT_VERSION,
        elapsed_ms: started.elapsed().as_millis().min(u64::MAX as u128) as u64,
    })
}

fn write_meta(conn: Db<'_>, config: &DedupConfig) -> Result<(), DedupError> {
    for (key, value) in [
        (META_FINGERPRINT_VERSION, FINGERPRINT_VERSION.to_string()),
        (META_SETTINGS, settings_text(config)),
    ] {
        stories::set_meta(conn, key, &value)?;
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

/// Adds an entry read from the database to the window (replacing what it
/// held of it); false, adding nothing, when its fetch time is not a time.
fn add_row(window: &mut Window, row: stories::WindowRow) -> bool {
    let Some(time) = parse_time(&row.fetched_at) else {
        return false;
    };
    let keys = keys_of(row.title.as_deref(), row.url.as_deref());
    let anchors = row
        .anchors
        .as_deref()
        .map(decode_anchors)
        .unwrap_or_default();
    // An entry not yet in a story (a row caught between its insert and its
    // placement) is a story of its own: no story id is negative.
    let story = row.story.unwrap_or(-1 - row.id);
    // SQLite has no u64: the simhash's bits are stored as i64.
    window.add(row.id, &anchors, time, keys, row.simhash as u64, story);
    true
}

/// Rows left out of the window because a column held a value of the wrong
/// type or `fetched_at` is not a time: counted, and warned of once.
#[derive(Default)]
struct Unreadable {
    rows: u64,
    first: Option<i64>,
}

impl Unreadable {
    fn note(&mut self, id: Option<i64>) {
        self.rows += 1;
        self.first = self.first.or(id);
    }

    fn warn(&self) {
        if self.rows > 0 {
            tracing::warn!(
                entries = self.rows,
                first_entry_id = self.first,
                "entries left out of the de-duplication window: a column holds a value \
                 of the wrong type or fetched_at is not a time"
            );
        }
    }
}
