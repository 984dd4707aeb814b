//! Per-feed template learning: blocks whose exact text recurs across many
//! entries of one feed are that feed's boilerplate. The store keeps the
//! counts (`clean_templates`, `clean_template_blocks`, migrations 0002 and
//! 0012; `store::load_template`, `store::save_template`).
//!
//! Never removes a block on too little evidence: a block must appear in at
//! least [`MIN_COUNT`] entries and in at least half of the entries seen since
//! it first appeared, with the same text. A block whose words recur but whose
//! numbers change (an automated feed's "there have been 4 earthquakes within
//! 100 miles") is content: while another text of the same shape is recent,
//! neither is template. The stored template is bounded: every
//! [`PRUNE_EVERY`] entries the blocks that can no longer matter are
//! forgotten (a text seen once, after [`FORGET_SINGLE_AFTER`] entries; one
//! with numbers that has a shape-mate, whose numbers it tells change, after
//! [`VARIANT_MEMORY`]; any block seen fewer than [`MIN_COUNT`] times, after
//! [`FORGET_RARE_AFTER`]),
//! and a feed never holds more than [`MAX_BLOCKS`]. Most of a feed's blocks
//! are its articles' paragraphs, each seen once, so a feed's rows stay near
//! its boilerplate plus the last few entries' paragraphs instead of growing
//! with every entry (issue 20). It never touches the database.

use std::collections::{HashMap, HashSet};

use super::CleanedEntry;

/// Fewest entries a block must appear in to count as template: a quote or a
/// phrase repeated in a few articles is not boilerplate.
pub const MIN_COUNT: u32 = 5;
/// Most blocks remembered per feed.
pub const MAX_BLOCKS: usize = 2000;
/// A block seen once, without digits, is forgotten after this many further
/// entries: a feed's boilerplate is in at least half of its entries, so it
/// comes again well before (it is missed for 16 entries running with odds
/// of 1 in 65,536), and an article's paragraph never does.
pub const FORGET_SINGLE_AFTER: u64 = 16;
/// A block seen fewer than [`MIN_COUNT`] times is forgotten after this many
/// entries without it.
const FORGET_RARE_AFTER: u64 = 60;
/// Any block is forgotten after this many entries without it.
const FORGET_ANY_AFTER: u64 = 1000;
/// Stale blocks are pruned every this many entries (counted by
/// `entries_seen`, so the same entries give the same template).
pub const PRUNE_EVERY: u64 = 16;

/// A block's text of another shape-mate seen within this many entries
/// makes it content; a block with digits seen once is remembered as long.
pub const VARIANT_MEMORY: u64 = 60;

/// The distinct blocks of one entry, as the template counts them: each
/// block's hash of its exact text (lower case, URLs masked), the hash of
/// its shape (digits masked too) and the start of its text, stored so the
/// table reads well in sqlite3. The samples share one buffer: only blocks
/// new to the template need theirs as a string of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fingerprints {
    /// Exact hash, shape hash and byte range of the sample in `samples`, in
    /// block order.
    blocks: Vec<(u64, u64, usize, usize)>,
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

    pub(crate) fn push(&mut self, exact: u64, shape: u64, sample: &str) {
        let start = self.samples.len();
        self.samples.push_str(sample);
        self.blocks.push((exact, shape, start, self.samples.len()));
    }

    /// Each block's exact hash, shape hash and sample, in block order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64, &str)> {
        self.blocks.iter().map(|&(exact, shape, start, end)| {
            (exact, shape, self.samples.get(start..end).unwrap_or(""))
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockStat {
    /// Entries the block appeared in.
    pub count: u32,
    /// `entries_seen` (1-based) when it first and last appeared.
    pub first_seen: u64,
    pub last_seen: u64,
    /// The hash of the block's shape (digits masked); the block's own hash
    /// when it has no digits.
    pub shape: u64,
    pub sample: String,
}

/// What the cleaner has learned about one feed's recurring blocks.
#[derive(Debug, Clone, Default)]
pub struct FeedTemplate {
    pub entries_seen: u64,
    pub blocks: HashMap<u64, BlockStat>,
    /// Blocks added or counted since [`load_template`](crate::store::load_template): the rows
    /// [`save_template`](crate::store::save_template) writes. A feed's template holds up to
    /// [`MAX_BLOCKS`] rows, and a poll brings a few new entries: rewriting
    /// them all at each poll was most of a small feed's write.
    changed: HashSet<u64>,
    /// Blocks pruned since loading: the rows `save` deletes.
    pruned: Vec<u64>,
    /// `entries_seen` when loaded: a block first seen after it was never
    /// stored, and pruning it deletes nothing.
    loaded_seen: u64,
    /// The blocks of each shape whose text differs from the shape (those
    /// with digits), to find a block's shape-mates.
    variants: HashMap<u64, Vec<u64>>,
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
        for (hash, shape, sample) in fingerprints.iter() {
            let stat = self.blocks.entry(hash).or_insert_with(|| {
                if shape != hash {
                    self.variants.entry(shape).or_default().push(hash);
                }
                BlockStat {
                    count: 0,
                    first_seen: now,
                    last_seen: 0,
                    shape,
                    sample: sample.to_string(),
                }
            });
            // Each block counts once per entry (repeats inside one entry are
            // the within-entry rule's business).
            if stat.last_seen != now {
                stat.count = stat.count.saturating_add(1);
                stat.last_seen = now;
                self.changed.insert(hash);
            }
        }
        let full = self.blocks.len() > MAX_BLOCKS;
        if full || now.is_multiple_of(PRUNE_EVERY) {
            self.prune(full);
        }
    }

    /// Drops stale and rare blocks; when the template is `full`, then the
    /// least seen, down to 3/4 of the cap.
    fn prune(&mut self, full: bool) {
        let now = self.entries_seen;
        // Only this call's: a block pruned earlier may have come back since,
        // and must then be written again.
        let before = self.pruned.len();
        // A text with digits tells its shape-mates' numbers change: it is
        // remembered as long as that matters while it has a mate. Alone (an
        // article's paragraph with a year in it) it is any text seen once.
        // (A mate is another text of its shape, or the shape's own hash: the
        // text with every number "0".)
        let lone: HashSet<u64> = self
            .blocks
            .iter()
            .filter(|&(&h, s)| {
                s.count <= 1
                    && s.shape != h
                    && self.variants.get(&s.shape).is_none_or(|m| m.len() <= 1)
                    && !self.blocks.contains_key(&s.shape)
            })
            .map(|(&h, _)| h)
            .collect();
        let (pruned, loaded_seen) = (&mut self.pruned, self.loaded_seen);
        self.blocks.retain(|&hash, s| {
            let age = now.saturating_sub(s.last_seen);
            let keep = if s.count <= 1 && (s.shape == hash || lone.contains(&hash)) {
                age <= FORGET_SINGLE_AFTER
            } else if s.count <= 1 {
                age <= VARIANT_MEMORY
            } else if s.count < MIN_COUNT {
                age <= FORGET_RARE_AFTER
            } else {
                age <= FORGET_ANY_AFTER
            };
            if !keep && s.first_seen <= loaded_seen {
                pruned.push(hash);
            }
            keep
        });
        if full && self.blocks.len() > MAX_BLOCKS * 3 / 4 {
            let mut ranked: Vec<(u64, u32, u64)> = self
                .blocks
                .iter()
                .map(|(h, s)| (*h, s.count, s.last_seen))
                .collect();
            // Ties by hash: the map's order differs from run to run.
            ranked.sort_unstable_by_key(|&(h, count, last)| (std::cmp::Reverse((count, last)), h));
            for (h, _, _) in ranked.into_iter().skip(MAX_BLOCKS * 3 / 4) {
                let stored = self
                    .blocks
                    .remove(&h)
                    .is_some_and(|s| s.first_seen <= self.loaded_seen);
                if stored {
                    self.pruned.push(h);
                }
            }
        }
        for h in self.pruned.get(before..).unwrap_or_default() {
            self.changed.remove(h);
        }
        // Blocks new since loading and pruned already need no write.
        let blocks = &self.blocks;
        self.changed.retain(|h| blocks.contains_key(h));
        let blocks = &self.blocks;
        self.variants.retain(|_, hashes| {
            hashes.retain(|h| blocks.contains_key(h));
            !hashes.is_empty()
        });
    }

    /// `Some((n, m))` if the block is template: seen in `n` of the `m`
    /// entries since it first appeared, with `n >= MIN_COUNT` and `2n >= m`,
    /// and no other text of its shape seen while it was, nor lately.
    pub fn recurring(&self, hash: u64) -> Option<(u32, u64)> {
        let s = self.blocks.get(&hash)?;
        let span = self.entries_seen.saturating_sub(s.first_seen) + 1;
        let often = s.count >= MIN_COUNT && u64::from(s.count) * 2 >= span;
        (often && !self.facts_vary(hash, s)).then_some((s.count, span))
    }

    /// Whether another text of the block's shape (other numbers) was seen
    /// during the block's own span or within [`VARIANT_MEMORY`] entries.
    fn facts_vary(&self, hash: u64, s: &BlockStat) -> bool {
        let mates = self.variants.get(&s.shape).map_or(&[][..], Vec::as_slice);
        // The shape's own hash is also the exact hash of the text whose
        // every number is "0".
        let zero = (s.shape != hash).then_some(s.shape);
        let recent = self.entries_seen.saturating_sub(VARIANT_MEMORY);
        mates
            .iter()
            .copied()
            .chain(zero)
            .filter(|&h| h != hash)
            .filter_map(|h| self.blocks.get(&h))
            .any(|o| {
                o.last_seen >= recent
                    || (o.last_seen >= s.first_seen && o.first_seen <= s.last_seen)
            })
    }

    /// A template as stored: `entries_seen` and each block by its hash.
    pub fn from_stored(
        entries_seen: u64,
        blocks: impl IntoIterator<Item = (u64, BlockStat)>,
    ) -> Self {
        let blocks: HashMap<u64, BlockStat> = blocks.into_iter().collect();
        let mut variants: HashMap<u64, Vec<u64>> = HashMap::new();
        for (&hash, s) in &blocks {
            if s.shape != hash {
                variants.entry(s.shape).or_default().push(hash);
            }
        }
        // In a fixed order whatever the map's: which mate is found first
        // does not change the answer, but the same input gives the same state.
        for hashes in variants.values_mut() {
            hashes.sort_unstable();
        }
        FeedTemplate {
            entries_seen,
            blocks,
            variants,
            loaded_seen: entries_seen,
            ..FeedTemplate::default()
        }
    }

    /// The blocks added or counted since the template was loaded: the rows
    /// to write.
    pub fn changed_blocks(&self) -> impl Iterator<Item = (u64, &BlockStat)> {
        self.changed
            .iter()
            .filter_map(|h| self.blocks.get(h).map(|s| (*h, s)))
    }

    /// The blocks pruned since the template was loaded: the rows to delete.
    pub fn pruned_blocks(&self) -> &[u64] {
        &self.pruned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entry `i` of a feed: `paras` paragraphs of its own (half of them
    /// with digits), a footer every entry has, and a line with a count that
    /// takes two values.
    fn entry(i: u64, paras: u64) -> Fingerprints {
        let mut f = Fingerprints::default();
        for p in 0..paras {
            let exact = ((i + 1) << 8) | p;
            // Half the paragraphs have digits: their shape is their own,
            // as no other text shares it.
            let shape = if p % 2 == 0 { exact } else { exact | (1 << 60) };
            f.push(exact, shape, "paragraph");
        }
        f.push(1, 1, "footer");
        f.push(10 + i % 2, 10, "count of 1 or 2");
        f
    }

    #[test]
    fn a_feed_s_blocks_stay_bounded_and_its_template_is_kept() {
        let mut t = FeedTemplate::default();
        let paras = 12;
        for i in 0..400 {
            t.observe_fingerprints(&entry(i, paras));
        }
        // The footer and both counts, and the paragraphs of the last 16 + 16
        // entries at most (those with digits too: no other text has their
        // shape).
        let bound = 3 + paras * (FORGET_SINGLE_AFTER + PRUNE_EVERY);
        assert!(
            (t.blocks.len() as u64) <= bound,
            "{} blocks, more than {bound}",
            t.blocks.len()
        );
        // Before this bound every paragraph of the last 1,000 entries stayed
        // (up to MAX_BLOCKS).
        assert!(t.blocks.len() < MAX_BLOCKS / 2);
        assert_eq!(t.recurring(1), Some((400, 400)));
        // The count whose value changes is content, however often seen.
        assert_eq!(t.recurring(10), None);
        assert_eq!(t.recurring(11), None);
    }

    #[test]
    fn a_text_seen_once_whose_shape_mate_is_known_is_kept_longer() {
        let mut t = FeedTemplate::default();
        let mut mates = Fingerprints::default();
        mates.push(500, 600, "there have been 4 quakes");
        mates.push(501, 600, "there have been 5 quakes");
        t.observe_fingerprints(&mates);
        for i in 0..(FORGET_SINGLE_AFTER + 2 * PRUNE_EVERY) {
            t.observe_fingerprints(&entry(i, 1));
        }
        assert!(t.blocks.contains_key(&500) && t.blocks.contains_key(&501));
        for i in 0..VARIANT_MEMORY {
            t.observe_fingerprints(&entry(i + 100, 1));
        }
        assert!(!t.blocks.contains_key(&500));
    }

    #[test]
    fn a_block_pruned_and_seen_again_is_written_again() {
        let mut once = Fingerprints::default();
        once.push(77, 77, "seen twice, far apart");
        let stored = BlockStat {
            count: 1,
            first_seen: 1,
            last_seen: 1,
            shape: 77,
            sample: "seen twice, far apart".into(),
        };
        let mut t = FeedTemplate::from_stored(1, [(77, stored)]);
        for i in 0..(FORGET_SINGLE_AFTER + PRUNE_EVERY) {
            t.observe_fingerprints(&entry(i, 1));
        }
        assert!(t.pruned_blocks().contains(&77));
        t.observe_fingerprints(&once);
        // Another prune after it came back must not drop its write.
        for i in 0..PRUNE_EVERY {
            t.observe_fingerprints(&entry(i + 100, 1));
        }
        assert!(t.changed_blocks().any(|(h, _)| h == 77));
    }

    #[test]
    fn a_block_never_stored_is_pruned_without_a_delete() {
        let mut t = FeedTemplate::from_stored(3, []);
        for i in 0..(FORGET_SINGLE_AFTER + 2 * PRUNE_EVERY) {
            t.observe_fingerprints(&entry(i, 4));
        }
        assert!(t.blocks.len() < 4 * (FORGET_SINGLE_AFTER + 2 * PRUNE_EVERY) as usize);
        assert!(t.pruned_blocks().is_empty());
        // What is written is what is held.
        assert!(t.changed_blocks().all(|(h, _)| t.blocks.contains_key(&h)));
        assert_eq!(t.changed_blocks().count(), t.blocks.len());
    }
}
