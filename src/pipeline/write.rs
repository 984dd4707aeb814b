//! The order of a feed's write, which the pipeline owns: inside the store's
//! one transaction per feed, the de-duplicator places new entries (ids given
//! out by the store), their rows go in, the stories' rows follow, changed
//! entries are written and re-assigned, then the cleaner's learned template
//! and the fetch's record. The store persists each piece; the de-duplicator
//! decides; neither calls the other.
//!
//! It never fetches, parses or cleans: it writes what the stages made.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::clean::FeedTemplate;
use crate::dedup::fingerprint::Analysis;
use crate::dedup::{Deduper, Incoming, Prefetched};
use crate::store::{self, Db, EntryWrite, FetchRecord, PageWrite, Store};

use super::PipelineError;

/// One new or changed entry, cleaned, ready to write, with the
/// de-duplicator's analysis of its text, made before the writer is taken
/// (it is the costliest part of matching).
#[derive(Debug, Clone)]
pub struct ReadyEntry {
    pub entry: EntryWrite,
    pub analysis: Arc<Analysis>,
}

impl ReadyEntry {
    /// Analyses `entry`'s text.
    pub fn new(entry: EntryWrite) -> ReadyEntry {
        ReadyEntry {
            analysis: Arc::new(Analysis::of(&entry.content_text)),
            entry,
        }
    }

    /// The entry as the de-duplicator sees it.
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming {
            title: self.entry.title.as_deref(),
            url: self.entry.url.as_deref(),
            published_at: self.entry.published_at.as_deref(),
            text: &self.entry.content_text,
            analysis: self.analysis.clone(),
        }
    }
}

/// What one feed's write changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteSummary {
    pub inserted: usize,
    pub updated: usize,
    /// Time spent waiting for the writer (other feeds' transactions).
    pub lock_wait: Duration,
    /// Time spent in the de-duplicator (read-ahead, placement, assignment).
    pub dedup: Duration,
    /// The highest entry id this write gave out, once committed.
    pub newest_entry: Option<i64>,
    /// The entries this write inserted or changed: cleaned with the
    /// template as it now stands.
    pub written: Vec<i64>,
}

/// Reads ahead, before the writer is taken, what the matcher will need
/// under it to place `entries` ([`Deduper::prefetch`]), on a reader
/// connection, on this thread. Most of the matcher's reading happens here:
/// the writer is the one serial part of ingestion.
pub fn prefetch(
    store: &Store,
    dedup: &Deduper,
    fetched_at: &str,
    entries: &[ReadyEntry],
) -> Result<Prefetched, PipelineError> {
    if entries.is_empty() {
        return Ok(Prefetched::default());
    }
    let incoming: Vec<Incoming<'_>> = entries.iter().map(ReadyEntry::incoming).collect();
    store.read_db(|db| Ok(dedup.prefetch(db, fetched_at, &incoming)?))
}

/// Writes one fetch in a single transaction: new and changed entries, their
/// stories (placed with what [`prefetch`] read for them, or reading it here
/// if `prefetched` is `None`), the cleaner's learned template, and the
/// feed's fetch record, and the end of the feed's `claim` when it has one
/// (a lost claim rolls everything back). Either all of it lands or none. A
/// fetch without new or changed entries writes only its feed's own rows,
/// without a turn on the writer ([`Store::write_feed_own`]).
#[allow(clippy::too_many_arguments)]
pub async fn write_fetch(
    store: &Store,
    dedup: &Deduper,
    feed_id: i64,
    claim: Option<&store::Claim>,
    record: &FetchRecord,
    entries: &[ReadyEntry],
    template: Option<&FeedTemplate>,
    prefetched: Option<Prefetched>,
) -> Result<WriteSummary, PipelineError> {
    let started = Instant::now();
    if entries.is_empty() {
        // Nothing for the de-duplicator to place, no ids to give out: only
        // this feed's rows change, which its claim guards, so the write
        // needs no turn on the writer (on PostgreSQL, the fleet-wide lock).
        let ((), lock_wait) = store
            .write_feed_own(|db| {
                end_claim_in(db, claim, record)?;
                finish_in(db, feed_id, record, template)
            })
            .await?;
        return Ok(WriteSummary {
            lock_wait,
            ..WriteSummary::default()
        });
    }
    let prefetched = match prefetched {
        Some(prefetched) => prefetched,
        None => prefetch(store, dedup, &record.fetched_at, entries)?,
    };
    let mut summary = WriteSummary {
        dedup: started.elapsed(),
        ..WriteSummary::default()
    };
    let pages = store::wal_pages(entries.iter().map(|e| &e.entry));
    let ((), lock_wait) = store
        .write_feed(pages, |db| {
            write_fetch_in(
                db,
                dedup,
                feed_id,
                claim,
                record,
                entries,
                template,
                prefetched,
                &mut summary,
            )
        })
        .await?;
    summary.lock_wait = lock_wait;
    Ok(summary)
}

/// The body of [`write_fetch`], inside its transaction.
#[allow(clippy::too_many_arguments)]
fn write_fetch_in(
    db: Db<'_>,
    dedup: &Deduper,
    feed_id: i64,
    claim: Option<&store::Claim>,
    record: &FetchRecord,
    entries: &[ReadyEntry],
    template: Option<&FeedTemplate>,
    prefetched: Prefetched,
    summary: &mut WriteSummary,
) -> Result<(), PipelineError> {
    end_claim_in(db, claim, record)?;
    // What other daemons committed, before this transaction adds a row.
    dedup.catch_up(db)?;
    // Read again inside the write transaction: no other writer can add
    // one of these guids before the inserts below.
    let guids: Vec<&str> = entries.iter().map(|e| e.entry.guid.as_str()).collect();
    let stored = store::guid_hashes(db, feed_id, &guids)?;
    // A guid given twice is inserted once, then updated, as a feed
    // reader would show its last copy.
    let mut fresh_guids = std::collections::HashSet::new();
    let (fresh, updates): (Vec<&ReadyEntry>, Vec<&ReadyEntry>) = entries.iter().partition(|e| {
        !stored.contains_key(&e.entry.guid) && fresh_guids.insert(e.entry.guid.as_str())
    });
    if !fresh.is_empty() {
        let started = Instant::now();
        summary.inserted = fresh.len();
        let ids = insert_new(db, dedup, feed_id, &record.fetched_at, &fresh, prefetched)?;
        summary.newest_entry = ids.iter().copied().max();
        summary.written = ids;
        summary.dedup += started.elapsed();
    }
    let updates: Vec<&EntryWrite> = updates.iter().map(|e| &e.entry).collect();
    summary.updated = updates.len();
    let changed = store::update_entries(db, feed_id, &record.fetched_at, &updates)?;
    summary.written.extend(&changed);
    if !changed.is_empty() {
        let started = Instant::now();
        dedup.assign(db, &changed)?;
        summary.dedup += started.elapsed();
    }
    finish_in(db, feed_id, record, template)
}

/// Ends the feed's claim, first in a fetch's transaction so that a daemon
/// whose claim was lost does no more work: the transaction rolls back.
fn end_claim_in(
    db: Db<'_>,
    claim: Option<&store::Claim>,
    record: &FetchRecord,
) -> Result<(), PipelineError> {
    if let Some(claim) = claim {
        store::end_claim(db, claim, &record.next_fetch_at)?;
    }
    Ok(())
}

/// Last in a fetch's transaction: the cleaner's learned template and the
/// fetch's record.
fn finish_in(
    db: Db<'_>,
    feed_id: i64,
    record: &FetchRecord,
    template: Option<&FeedTemplate>,
) -> Result<(), PipelineError> {
    if let Some(template) = template {
        store::save_template(db, feed_id, template)?;
    }
    store::record_fetch(db, feed_id, record)?;
    Ok(())
}

/// Inserts a feed's entries whose guids are not stored yet (the caller
/// checked, inside this write transaction), each row once and complete: the
/// de-duplicator (with what it prefetched before the writer was taken)
/// places them in stories first, with the ids the store gives out, then
/// new stories' rows go in, then the entries' rows, then the analyses and
/// the stories' refreshed rows. Writing simhash and story_id
/// afterwards, as before, rewrote each ~20 KB row a second time. Returns the
/// ids given out.
pub fn insert_new(
    db: Db<'_>,
    dedup: &Deduper,
    feed_id: i64,
    fetched_at: &str,
    fresh: &[&ReadyEntry],
    prefetched: Prefetched,
) -> Result<Vec<i64>, PipelineError> {
    let (next_entry, next_story) = store::reserve_ids(db)?;
    let incoming: Vec<Incoming<'_>> = fresh.iter().map(|e| e.incoming()).collect();
    let placement = dedup.place(
        db, next_entry, next_story, fetched_at, &incoming, prefetched,
    )?;
    let rows: Vec<(&EntryWrite, store::Placed)> = fresh
        .iter()
        .enumerate()
        .map(|(index, e)| {
            let placed = store::Placed {
                id: placement.ids.get(index).copied(),
                simhash: placement.simhashes.get(index).copied(),
                story: placement.stories.get(index).copied(),
            };
            (&e.entry, placed)
        })
        .collect();
    // Stories first, so every entry's story exists as its row goes in.
    dedup.record_stories(db, &placement)?;
    store::insert_entries(db, feed_id, fetched_at, &rows)?;
    dedup.record(db, &placement)?;
    Ok(placement.ids)
}

/// Writes one feed's page attempts in a single transaction: each entry's
/// text and page columns; the entries whose text grew to the article go
/// through the de-duplicator's edit path (`Deduper::assign`: new
/// fingerprints, maybe another story); and the feed's template, which
/// learned from the pages.
pub async fn write_pages(
    store: &Store,
    dedup: &Deduper,
    feed_id: i64,
    writes: &[PageWrite],
    template: Option<&FeedTemplate>,
) -> Result<(), PipelineError> {
    if writes.is_empty() {
        return Ok(());
    }
    let bytes: usize = writes
        .iter()
        .map(|w| w.page.as_ref().map_or(0, |p| p.html.len()) + 4096)
        .sum();
    let pages = 4 + i64::try_from(bytes / 3000).unwrap_or(i64::MAX);
    store
        .write_feed(pages, |db| -> Result<(), PipelineError> {
            dedup.catch_up(db)?;
            let mut grown = Vec::new();
            for w in writes {
                if store::write_page(db, feed_id, w)? {
                    grown.push(w.entry_id);
                }
            }
            if !grown.is_empty() {
                dedup.assign(db, &grown)?;
            }
            if let Some(template) = template {
                store::save_template(db, feed_id, template)?;
            }
            Ok(())
        })
        .await?;
    Ok(())
}

/// Writes entries' texts cleaned again (`reclean`, a writer's learned box)
/// in one transaction: each entry's text, then the de-duplicator's edit
/// path for them (new fingerprints, maybe another story).
pub async fn write_rewrites(
    store: &Store,
    dedup: &Deduper,
    rewrites: &[store::TextRewrite],
) -> Result<(), PipelineError> {
    if rewrites.is_empty() {
        return Ok(());
    }
    let bytes: usize = rewrites.iter().map(|r| r.html.len() + r.text.len()).sum();
    let pages = 4 + i64::try_from(bytes / 3000).unwrap_or(i64::MAX);
    let ids: Vec<i64> = rewrites.iter().map(|r| r.id).collect();
    store
        .write_feed(pages, |db| -> Result<(), PipelineError> {
            // Daemons sharing the database may have written since.
            dedup.catch_up(db)?;
            store::rewrite_texts(db, rewrites)?;
            Ok(dedup.assign(db, &ids)?)
        })
        .await?;
    Ok(())
}
