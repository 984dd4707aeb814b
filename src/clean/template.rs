//! Per-feed template learning: blocks that recur across many entries of one
//! feed are that feed's boilerplate. Counts persist in SQLite
//! (`clean_templates`, `clean_template_blocks`, migration 0002).
//!
//! Never removes a block on too little evidence: a block must appear in at
//! least [`MIN_COUNT`] entries and in at least half of the entries seen since
//! it first appeared. The stored template is bounded ([`MAX_BLOCKS`] rows per
//! feed, rare and stale blocks pruned).

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension};

use super::CleanedEntry;

/// Fewest entries a block must appear in to count as template: a quote or a
/// phrase repeated in a few articles is not boilerplate.
pub const MIN_COUNT: u32 = 5;
/// Most blocks remembered per feed.
pub const MAX_BLOCKS: usize = 2000;
/// A block seen once is forgotten after this many further entries.
const FORGET_SINGLE_AFTER: u64 = 60;
/// Any block is forgotten after this many entries without it.
const FORGET_ANY_AFTER: u64 = 1000;

/// The distinct blocks of one entry, as the template counts them: each
/// block's hash of its normalised text (lower case, digits and URLs masked)
/// and the start of its text, stored so the table reads well in sqlite3.
/// The samples share one buffer: only blocks new to the template need
/// theirs as a string of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fingerprints {
    /// Hash and byte range of the sample in `samples`, in block order.
    blocks: Vec<(u64, usize, usize)>,
    samples: String,
}

impl Fingerprints {
    /// Room for `blocks` blocks whose samples total `bytes`.
    pub(crate) fn with_capacity(blocks: usize, bytes: usize) -> Self {
        Fingerprints {
            blocks: Vec::with_capacity(blocks),
            samples: String::with_capacity(bytes),
        }
    }

    pub(crate) fn push(&mut self, hash: u64, sample: &str) {
        let start = self.samples.len();
        self.samples.push_str(sample);
        self.blocks.push((hash, start, self.samples.len()));
    }

    /// Each block's hash and sample, in block order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &str)> {
        self.blocks
            .iter()
            .map(|&(hash, start, end)| (hash, self.samples.get(start..end).unwrap_or("")))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockStat {
    /// Entries the block appeared in.
    pub count: u32,
    /// `entries_seen` (1-based) when it first and last appeared.
    pub first_seen: u64,
    pub last_seen: u64,
    pub sample: String,
}

/// What the cleaner has learned about one feed's recurring blocks.
#[derive(Debug, Clone, Default)]
pub struct FeedTemplate {
    pub entries_seen: u64,
    pub blocks: HashMap<u64, BlockStat>,
    /// Blocks added or counted since [`load`](FeedTemplate::load): the rows
    /// [`save`](FeedTemplate::save) writes. A feed's template holds up to
    /// [`MAX_BLOCKS`] rows, and a poll brings a few new entries: rewriting
    /// them all at each poll was most of a small feed's write.
    changed: HashSet<u64>,
    /// Blocks pruned since loading: the rows `save` deletes.
    pruned: Vec<u64>,
}

impl FeedTemplate {
    /// Records the blocks of one new or changed entry. `cleaned` must be the
    /// cleaner's output for `raw_html` (it carries the entry's block
    /// fingerprints); for any other `CleanedEntry` the raw HTML is analysed
    /// again.
    pub fn observe(&mut self, raw_html: &str, cleaned: &CleanedEntry) {
        match &cleaned.fingerprints {
            Some(f) => self.observe_fingerprints(f),
            None => {
                let f = super::fingerprints(raw_html);
                self.observe_fingerprints(&f);
            }
        }
    }

    pub(crate) fn observe_fingerprints(&mut self, fingerprints: &Fingerprints) {
        self.entries_seen += 1;
        let now = self.entries_seen;
        for (hash, sample) in fingerprints.iter() {
            let stat = self.blocks.entry(hash).or_insert_with(|| BlockStat {
                count: 0,
                first_seen: now,
                last_seen: 0,
                sample: sample.to_string(),
            });
            // Each block counts once per entry (repeats inside one entry are
            // the within-entry rule's business).
            if stat.last_seen != now {
                stat.count = stat.count.saturating_add(1);
                stat.last_seen = now;
                self.changed.insert(hash);
            }
        }
        if self.blocks.len() > MAX_BLOCKS {
            self.prune();
        }
    }

    /// Drops stale and rare blocks, then the least seen, down to 3/4 of the cap.
    fn prune(&mut self) {
        let now = self.entries_seen;
        let pruned = &mut self.pruned;
        self.blocks.retain(|&hash, s| {
            let age = now.saturating_sub(s.last_seen);
            let keep = if s.count <= 1 {
                age <= FORGET_SINGLE_AFTER
            } else {
                age <= FORGET_ANY_AFTER
            };
            if !keep {
                pruned.push(hash);
            }
            keep
        });
        if self.blocks.len() > MAX_BLOCKS * 3 / 4 {
            let mut ranked: Vec<(u64, u32, u64)> = self
                .blocks
                .iter()
                .map(|(h, s)| (*h, s.count, s.last_seen))
                .collect();
            ranked.sort_unstable_by_key(|&(_, count, last)| std::cmp::Reverse((count, last)));
            for (h, _, _) in ranked.into_iter().skip(MAX_BLOCKS * 3 / 4) {
                self.blocks.remove(&h);
                self.pruned.push(h);
            }
        }
        for h in &self.pruned {
            self.changed.remove(h);
        }
    }

    /// `Some((n, m))` if the block is template: seen in `n` of the `m`
    /// entries since it first appeared, with `n >= MIN_COUNT` and `2n >= m`.
    pub fn recurring(&self, hash: u64) -> Option<(u32, u64)> {
        let s = self.blocks.get(&hash)?;
        let span = self.entries_seen.saturating_sub(s.first_seen) + 1;
        (s.count >= MIN_COUNT && u64::from(s.count) * 2 >= span).then_some((s.count, span))
    }

    pub fn load(conn: &Connection, feed_id: i64) -> Result<Self, rusqlite::Error> {
        let seen: Option<i64> = conn
            .prepare_cached("SELECT entries_seen FROM clean_templates WHERE feed_id = ?")?
            .query_row([feed_id], |row| row.get(0))
            .optional()?;
        let Some(seen) = seen else {
            return Ok(FeedTemplate::default());
        };
        let rows: Vec<(i64, i64, i64, i64, String)> = conn
            .prepare_cached(
                "SELECT block_hash, seen_count, first_seen, last_seen, sample
                 FROM clean_template_blocks WHERE feed_id = ?",
            )?
            .query_map([feed_id], |row| row.try_into())?
            .collect::<Result<_, _>>()?;
        let clamp = |v: i64| u64::try_from(v).unwrap_or(0);
        let blocks = rows
            .into_iter()
            .map(|(hash, count, first, last, sample)| {
                let stat = BlockStat {
                    count: u32::try_from(count).unwrap_or(0),
                    first_seen: clamp(first),
                    last_seen: clamp(last),
                    sample,
                };
                (hash as u64, stat)
            })
            .collect();
        Ok(FeedTemplate {
            entries_seen: clamp(seen),
            blocks,
            ..FeedTemplate::default()
        })
    }

    /// Writes what changed in the template since it was loaded (counted
    /// blocks, pruned blocks). Run it inside the caller's transaction so a
    /// crash never leaves half a template.
    pub fn save(&self, conn: &Connection, feed_id: i64) -> Result<(), rusqlite::Error> {
        let to_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        conn.prepare_cached(
            "INSERT INTO clean_templates (feed_id, entries_seen) VALUES (?, ?)
             ON CONFLICT (feed_id) DO UPDATE SET entries_seen = excluded.entries_seen",
        )?
        .execute([feed_id, to_i64(self.entries_seen)])?;
        if !self.pruned.is_empty() {
            let mut delete = conn.prepare_cached(
                "DELETE FROM clean_template_blocks WHERE feed_id = ? AND block_hash = ?",
            )?;
            for &hash in &self.pruned {
                // u64 hashes are stored as i64 bit patterns.
                delete.execute([feed_id, hash as i64])?;
            }
        }
        let mut upsert = conn.prepare_cached(
            "INSERT INTO clean_template_blocks (feed_id, block_hash, seen_count, first_seen, last_seen, sample)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (feed_id, block_hash) DO UPDATE SET seen_count = excluded.seen_count,
               first_seen = excluded.first_seen, last_seen = excluded.last_seen",
        )?;
        // The sample stays as first stored.
        for hash in &self.changed {
            let Some(s) = self.blocks.get(hash) else {
                continue;
            };
            upsert.execute(rusqlite::params![
                feed_id,
                *hash as i64,
                i64::from(s.count),
                to_i64(s.first_seen),
                to_i64(s.last_seen),
                s.sample,
            ])?;
        }
        Ok(())
    }
}
