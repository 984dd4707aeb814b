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
//! with every entry (issue 20).
//!
//! A writer's box is learned per writer: each of an entry's last two short
//! blocks is also counted under each of its writers' names (a hash of the
//! name and the text; a byline naming no person counts as its own words,
//! none as ""), and a block that ends [`WRITER_MIN_COUNT`] of one writer's
//! entries is that writer's box, however it is worded. A feed of many
//! writers never shows one bio in half its entries, so the feed-wide count
//! never learns it. Only *fresh* entries count: those most of whose
//! substantial paragraphs the feed has not shown lately, so the versions of
//! a developing story, or an entry edited and fetched again, never teach
//! their shared last paragraph. A writer's rows stay near two each: a block
//! that ended one of their entries and not the next is forgotten (for a
//! feed without bylines, whose unnamed writer may be several taking turns,
//! not before [`UNNAMED_WRITERS_TURNS`] entries).
//!
//! A site's place for its writers' boxes is learned across its writers: the
//! place (tag, type, surrounding tags) of a last short block that opens
//! with its entry's writer's name, apart from the article's own
//! paragraphs, is counted under [`ANY_WRITER`]; once it ended
//! [`WRITER_MIN_COUNT`] fresh entries, a quarter of the feed's since, a
//! block there that opens with its own writer's name is that writer's box,
//! even a writer new to the feed.
//! It never touches the database.

use std::collections::{BTreeSet, HashMap, HashSet};

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

/// Fresh entries of one writer a block must end to be that writer's box:
/// a sentence two articles of one writer happen to end with is not
/// boilerplate; one that ends three of them, each new to the feed, is a
/// signature.
pub const WRITER_MIN_COUNT: u32 = 3;
/// A writer's block seen fewer than [`WRITER_MIN_COUNT`] times is
/// forgotten after this many of the feed's entries without it: a writer
/// may write one entry in thirty of a busy feed's, and their box must be
/// remembered from one to the next. (A feed whose every entry has a new
/// writer keeps two rows an entry this long: 200 at most.) A block seen
/// once goes sooner, when the writer's next fresh entry does not end with
/// it; under the unnamed writer of a feed without bylines, who may be
/// several writers taking turns, when that entry is more than
/// [`UNNAMED_WRITERS_TURNS`] entries later.
pub const WRITER_MEMORY: u64 = 100;
/// The feed's entries a box of the unnamed writer (a feed without bylines)
/// waits for its next entry: up to this many writers taking turns each
/// keep theirs, and the feed keeps two rows an entry this long.
pub const UNNAMED_WRITERS_TURNS: u64 = 4;

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
    /// The exact hashes of the entry's substantial paragraphs: how many of
    /// them the feed has shown lately tells a fresh entry from another
    /// version of a recent one.
    body: Vec<u64>,
    /// The entry's last short blocks under each writer's name: the hash of
    /// name and text, the writer's index in `writers`, and the sample's
    /// byte range in `samples`.
    tails: Vec<(u64, usize, usize, usize)>,
    /// The entry's writers, as [`writer_block`] hashes their names.
    writers: Vec<String>,
    /// The places (see [`place_block`]) of the entry's last short blocks
    /// that open with its writer's name, and each one's sample range.
    places: Vec<(u64, usize, usize)>,
}

/// The name a feed's bio places are counted under, as a writer: no byline
/// gives it (a byline's words are its key without brackets, or a person's
/// given name and surname).
pub const ANY_WRITER: &str = "(any writer)";

/// The hash a block's *place* (its tag, type and surrounding tags) is
/// counted by when the block ends a fresh entry, opens with the entry's
/// writer's name, and stands apart from the article's own paragraphs. A
/// site prints every writer's box in one place: once enough entries ended
/// so (see [`FeedTemplate::place_recurring`]), a block there that opens
/// with its entry's writer's name is that writer's box, whatever its words
/// and whoever the writer. The article's own place is never counted: there
/// a paragraph that opens with the writer's name may be news about them.
pub(crate) fn place_block(place: u64) -> u64 {
    salted(ANY_WRITER, 0xfd, place)
}

/// The hash a block ending one of `writer`'s entries is counted by: its
/// exact text's hash, salted with the writer's name, so that the feed-wide
/// counts and each writer's never meet.
pub(crate) fn writer_block(writer: &str, exact: u64) -> u64 {
    salted(writer, 0xff, exact)
}

fn salted(writer: &str, salt: u8, hash: u64) -> u64 {
    use std::hash::Hasher;
    let mut h = super::classify::hasher();
    h.write(writer.as_bytes());
    h.write_u8(salt);
    h.write_u64(hash);
    h.finish()
}

/// The hash a block's *shape* (digits masked) is counted by when it ends
/// one of `writer`'s entries: how many of their entries ended with some
/// text of that shape, so that numbers changing across one writer's
/// entries can be told from other writers' boxes of the same wording.
/// Salted apart from [`writer_block`]: a shape is also the exact hash of
/// the text whose every number is "0".
pub(crate) fn writer_shape_block(writer: &str, shape: u64) -> u64 {
    salted(writer, 0xfe, shape)
}

impl Fingerprints {
    /// Room for `blocks` blocks whose samples total `bytes`.
    pub(crate) fn with_capacity(blocks: usize, bytes: usize) -> Self {
        Fingerprints {
            blocks: Vec::with_capacity(blocks),
            samples: String::with_capacity(bytes),
            ..Fingerprints::default()
        }
    }

    pub(crate) fn push(&mut self, exact: u64, shape: u64, sample: &str) {
        let start = self.samples.len();
        self.samples.push_str(sample);
        self.blocks.push((exact, shape, start, self.samples.len()));
    }

    /// A substantial paragraph of the entry's body, by its exact hash.
    pub(crate) fn push_body(&mut self, exact: u64) {
        self.body.push(exact);
    }

    /// The entry's writers, whose tails [`Fingerprints::push_tail`] counts.
    pub(crate) fn set_writers(&mut self, writers: Vec<String>) {
        self.writers = writers;
    }

    /// One of the entry's last short blocks, counted under each writer, and
    /// its shape too when it has numbers (sampled with each run of digits
    /// as "#", so the table tells the two rows apart).
    pub(crate) fn push_tail(&mut self, exact: u64, shape: u64, sample: &str) {
        let start = self.samples.len();
        self.samples.push_str(sample);
        let end = self.samples.len();
        for (i, w) in self.writers.iter().enumerate() {
            self.tails.push((writer_block(w, exact), i, start, end));
        }
        if shape == exact {
            return;
        }
        let start = self.samples.len();
        let mut in_digits = false;
        for c in sample.chars() {
            let digit = c.is_ascii_digit();
            if !digit {
                self.samples.push(c);
            } else if !in_digits {
                self.samples.push('#');
            }
            in_digits = digit;
        }
        let end = self.samples.len();
        for (i, w) in self.writers.iter().enumerate() {
            self.tails
                .push((writer_shape_block(w, shape), i, start, end));
        }
    }

    /// One of the entry's last short blocks that opens with its writer's
    /// name, by its place.
    pub(crate) fn push_place(&mut self, place: u64, sample: &str) {
        let start = self.samples.len();
        self.samples.push_str(sample);
        self.places
            .push((place_block(place), start, self.samples.len()));
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
    /// The writer whose entries the block ends (see [`writer_block`]);
    /// `None` for a block counted across the whole feed.
    pub writer: Option<String>,
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
    /// Writers one of whose blocks reached a box's count since loading (or
    /// the last [`FeedTemplate::take_writers_learned`]): their earlier
    /// entries still hold it.
    learned_writers: BTreeSet<String>,
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
        // Judged before this entry's own blocks are counted.
        let fresh = self.fresh(fingerprints);
        self.entries_seen += 1;
        let now = self.entries_seen;
        for (hash, shape, sample) in fingerprints.iter() {
            self.count(hash, shape, sample, None);
        }
        if fresh {
            self.forget_unrepeated(fingerprints);
            for &(hash, writer, start, end) in &fingerprints.tails {
                let sample = fingerprints.samples.get(start..end).unwrap_or("");
                let writer = fingerprints.writers.get(writer).map(String::as_str);
                self.count(hash, hash, sample, writer);
            }
            for &(hash, start, end) in &fingerprints.places {
                let sample = fingerprints.samples.get(start..end).unwrap_or("");
                self.count(hash, hash, sample, Some(ANY_WRITER));
            }
        }
        let full = self.blocks.len() > MAX_BLOCKS;
        if full || now.is_multiple_of(PRUNE_EVERY) {
            self.prune(full);
        }
    }

    /// Counts one block of the entry being observed, once per entry
    /// (repeats inside one entry are the within-entry rule's business).
    fn count(&mut self, hash: u64, shape: u64, sample: &str, writer: Option<&str>) {
        let now = self.entries_seen;
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
                writer: writer.map(str::to_string),
            }
        });
        if stat.last_seen != now {
            stat.count = stat.count.saturating_add(1);
            stat.last_seen = now;
            self.changed.insert(hash);
            if let Some(w) = &stat.writer
                && (stat.count == WRITER_MIN_COUNT || stat.count == MIN_COUNT)
            {
                self.learned_writers.insert(w.clone());
            }
        }
    }

    /// Forgets the blocks that ended one earlier entry of this entry's
    /// writers and do not end this one: not their box. Keeps a feed's rows
    /// for its writers near two each.
    fn forget_unrepeated(&mut self, fingerprints: &Fingerprints) {
        let ending: HashSet<u64> = fingerprints.tails.iter().map(|t| t.0).collect();
        let writers = &fingerprints.writers;
        let (pruned, changed, loaded_seen, now) = (
            &mut self.pruned,
            &mut self.changed,
            self.loaded_seen,
            self.entries_seen,
        );
        self.blocks.retain(|&hash, s| {
            // The unnamed writer of a feed without bylines may be several
            // writers taking turns: their rows wait a few entries.
            let waited = |w: &String| {
                !w.is_empty() || now.saturating_sub(s.last_seen) > UNNAMED_WRITERS_TURNS
            };
            let stale = s.count <= 1
                && !ending.contains(&hash)
                && s.writer
                    .as_ref()
                    .is_some_and(|w| writers.contains(w) && waited(w));
            if stale {
                changed.remove(&hash);
                if s.first_seen <= loaded_seen {
                    pruned.push(hash);
                }
            }
            !stale
        });
    }

    /// Whether an entry is new to the feed: fewer than half of its
    /// substantial paragraphs, the feed's boilerplate aside, were seen
    /// lately. Another version of a recent entry (a developing story's
    /// update under a new lead, an edit fetched again, a copy) repeats most
    /// of them; a writer's new entry repeats only their box. (A paragraph
    /// is remembered for [`FORGET_SINGLE_AFTER`] entries at least: versions
    /// further apart than that count as fresh.)
    fn fresh(&self, fingerprints: &Fingerprints) -> bool {
        let (mut own, mut seen) = (0usize, 0usize);
        for &h in &fingerprints.body {
            if self.recurring(h).is_none() {
                own += 1;
                seen += usize::from(self.blocks.contains_key(&h));
            }
        }
        own > 0 && 2 * seen < own
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
            let keep = if s.writer.is_some() && s.count < WRITER_MIN_COUNT {
                age <= WRITER_MEMORY
            } else if s.writer.is_some() {
                age <= FORGET_ANY_AFTER
            } else if s.count <= 1 && (s.shape == hash || lone.contains(&hash)) {
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
        let s = self.blocks.get(&hash).filter(|s| s.writer.is_none())?;
        let span = self.entries_seen.saturating_sub(s.first_seen) + 1;
        let often = s.count >= MIN_COUNT && u64::from(s.count) * 2 >= span;
        (often && !self.facts_vary(hash, s)).then_some((s.count, span))
    }

    /// `Some(n)` if the block whose exact hash is `exact` ended `n` of
    /// `writer`'s fresh entries: that writer's box when `n >=
    /// WRITER_MIN_COUNT`. A byline that names no person (a desk, an agency,
    /// none at all) stands for many writers, as the feed does: then `person`
    /// is false and the box needs the feed-wide template's [`MIN_COUNT`].
    /// A block whose numbers change across the writer's entries is content
    /// however often one value ends them (an automated feed's "There is a
    /// 10 percent chance of rain …"), as for the feed's template. For a
    /// person that is read from their own entries (`shape` is the block's
    /// shape hash): other writers' boxes of one wording ("… joined us in
    /// 2014", "… in 2019") do not make this writer's numbers change. For a
    /// byline that names no one, and where the writer's shapes were not
    /// counted from the box's first entry on (a template stored by an
    /// earlier version), the feed's entries tell.
    pub fn writer_recurring(
        &self,
        writer: &str,
        exact: u64,
        shape: u64,
        person: bool,
    ) -> Option<u32> {
        let s = self.blocks.get(&writer_block(writer, exact))?;
        let least = if person { WRITER_MIN_COUNT } else { MIN_COUNT };
        let own_shapes = self
            .blocks
            .get(&writer_shape_block(writer, shape))
            .filter(|sh| person && shape != exact && sh.first_seen <= s.first_seen);
        let numbers_change = match own_shapes {
            // Some other text of the shape ended one of the writer's entries.
            Some(sh) => sh.count > s.count,
            None => self
                .blocks
                .get(&exact)
                .is_some_and(|feed| self.facts_vary(exact, feed)),
        };
        (s.writer.is_some() && s.count >= least && !numbers_change).then_some(s.count)
    }

    /// `Some(n)` if `n` of the feed's fresh entries ended with a block in
    /// `place` that opened with their writer's name: at least
    /// [`WRITER_MIN_COUNT`], and a quarter of the feed's entries since the
    /// first. The feed's writers' boxes stand there (see [`place_block`]).
    pub fn place_recurring(&self, place: u64) -> Option<u32> {
        let s = self.blocks.get(&place_block(place))?;
        let span = self.entries_seen.saturating_sub(s.first_seen) + 1;
        (s.writer.is_some() && s.count >= WRITER_MIN_COUNT && u64::from(s.count) * 4 >= span)
            .then_some(s.count)
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

    /// The writers (as [`writer_block`] names them) one of whose blocks
    /// reached a box's count since the template was loaded or this was last
    /// called, in order: what their entries cleaned before still hold.
    /// [`ANY_WRITER`] among them: a place of the feed's boxes was learned,
    /// and every writer's entries may hold a box there
    /// ([`relearned`](crate::clean::relearned) tells which entries).
    pub fn take_writers_learned(&mut self) -> Vec<String> {
        std::mem::take(&mut self.learned_writers)
            .into_iter()
            .collect()
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
            writer: None,
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

    /// Entry `i` of writer `writer`: paragraphs of its own (or those of
    /// entry `version_of`, with a new lead: a developing story's next
    /// version), then `tail`, counted under the writer.
    fn written(i: u64, writer: &str, tail: u64, version_of: Option<u64>) -> Fingerprints {
        shaped(i, writer, tail, tail, version_of)
    }

    /// [`written`], with a `tail` of shape `shape` (a text with numbers).
    fn shaped(
        i: u64,
        writer: &str,
        tail: u64,
        shape: u64,
        version_of: Option<u64>,
    ) -> Fingerprints {
        let mut f = Fingerprints::default();
        let lead = (i + 1) << 20;
        f.push(lead, lead, "lead");
        f.push_body(lead);
        for p in 1..4 {
            let exact = ((version_of.unwrap_or(i) + 1) << 8) | p;
            f.push(exact, exact, "paragraph");
            f.push_body(exact);
        }
        f.push(tail, shape, "closing");
        f.set_writers(vec![writer.to_string()]);
        f.push_tail(tail, shape, "closing");
        f
    }

    #[test]
    fn a_block_ending_a_writer_s_fresh_entries_is_their_box() {
        let mut t = FeedTemplate::default();
        let bio = 9_001;
        let ana = writer_block("ana ruiz", bio);
        // Two other writers' entries between each of Ana's: the bio is in a
        // third of the feed's entries, never template feed-wide.
        for i in 0..WRITER_MIN_COUNT as u64 {
            t.observe_fingerprints(&written(3 * i, "ana ruiz", bio, None));
            assert_eq!(
                t.writer_recurring("ana ruiz", bio, bio, true),
                (i + 1 >= WRITER_MIN_COUNT as u64).then_some(i as u32 + 1)
            );
            t.observe_fingerprints(&written(3 * i + 1, "tom berg", 100 + i, None));
            t.observe_fingerprints(&written(3 * i + 2, "lee park", 200 + i, None));
        }
        assert_eq!(t.recurring(bio), None);
        // Under another writer's name the same text is not theirs yet, and
        // the salted hash never reads as the feed's template.
        assert_eq!(t.writer_recurring("tom berg", bio, bio, true), None);
        // Under a byline that names no person, three entries are not enough.
        assert_eq!(t.writer_recurring("ana ruiz", bio, bio, false), None);
        assert_eq!(t.recurring(ana), None);
        assert_eq!(
            t.blocks.get(&ana).and_then(|s| s.writer.as_deref()),
            Some("ana ruiz")
        );
    }

    #[test]
    fn versions_of_one_story_never_teach_their_last_paragraph() {
        let mut t = FeedTemplate::default();
        let closing = 4_242;
        let ana = writer_block("ana ruiz", closing);
        // Version 1, then four updates that keep its paragraphs under a new
        // lead: one fresh entry.
        t.observe_fingerprints(&written(0, "ana ruiz", closing, None));
        for v in 1..5 {
            t.observe_fingerprints(&written(v, "ana ruiz", closing, Some(0)));
        }
        assert_eq!(t.blocks.get(&ana).map(|s| s.count), Some(1));
        assert_eq!(t.writer_recurring("ana ruiz", closing, closing, true), None);
        // An entry with no substantial paragraph is not fresh either.
        let mut short = Fingerprints::default();
        short.set_writers(vec!["ana ruiz".into()]);
        short.push_tail(closing, closing, "closing");
        for _ in 0..WRITER_MIN_COUNT {
            t.observe_fingerprints(&short);
        }
        assert_eq!(t.writer_recurring("ana ruiz", closing, closing, true), None);
    }

    #[test]
    fn a_writer_s_block_is_remembered_between_their_entries() {
        let mut t = FeedTemplate::default();
        let bio = 31_337;
        let ana = writer_block("ana ruiz", bio);
        t.observe_fingerprints(&written(0, "ana ruiz", bio, None));
        // Long past an article paragraph's memory, within a writer's.
        for i in 1..=(FORGET_SINGLE_AFTER + 4 * PRUNE_EVERY) {
            t.observe_fingerprints(&entry(i, 2));
        }
        assert_eq!(t.blocks.get(&ana).map(|s| s.count), Some(1));
        for i in 0..=(WRITER_MEMORY + PRUNE_EVERY) {
            t.observe_fingerprints(&entry(i + 1_000, 2));
        }
        assert!(!t.blocks.contains_key(&ana), "kept past WRITER_MEMORY");
    }

    #[test]
    fn a_closing_sentence_whose_numbers_change_is_no_one_s_box() {
        // An automated feed without a byline: each entry ends with the
        // chance of rain, 10 percent in most entries, 20 in some.
        let mut t = FeedTemplate::default();
        let (ten, twenty, shape) = (7_010, 7_020, 7_000);
        for i in 0..4 * u64::from(MIN_COUNT) {
            let mut f = Fingerprints::default();
            let lead = (i + 1) << 20;
            f.push(lead, lead, "lead");
            f.push_body(lead);
            let rain = if i % 4 == 3 { twenty } else { ten };
            f.push(rain, shape, "chance of rain");
            f.set_writers(vec![String::new()]);
            f.push_tail(rain, shape, "chance of rain");
            t.observe_fingerprints(&f);
        }
        let counted = t.blocks.get(&writer_block("", ten)).map(|s| s.count);
        assert!(counted >= Some(MIN_COUNT), "{counted:?}");
        assert_eq!(t.writer_recurring("", ten, shape, false), None);
    }

    #[test]
    fn writers_boxes_of_one_wording_with_their_own_numbers_are_each_theirs() {
        // "… started this newsletter in 2009" under one writer's entries,
        // "… in 2015" under another's: one shape, two boxes.
        let mut t = FeedTemplate::default();
        let (ana_box, tom_box, shape) = (8_009, 8_015, 8_000);
        for i in 0..u64::from(WRITER_MIN_COUNT) {
            t.observe_fingerprints(&shaped(2 * i, "ana ruiz", ana_box, shape, None));
            t.observe_fingerprints(&shaped(2 * i + 1, "tom berg", tom_box, shape, None));
        }
        // Across the feed the numbers change ...
        let feed = t.blocks.get(&ana_box).cloned().unwrap_or_default();
        assert!(t.facts_vary(ana_box, &feed));
        // ... but never within one writer's entries.
        let count = Some(WRITER_MIN_COUNT);
        assert_eq!(t.writer_recurring("ana ruiz", ana_box, shape, true), count);
        assert_eq!(t.writer_recurring("tom berg", tom_box, shape, true), count);
        // A byline that names no one stands for many writers: the feed's
        // entries tell.
        assert_eq!(t.writer_recurring("ana ruiz", ana_box, shape, false), None);
    }

    #[test]
    fn a_person_s_closing_sentence_whose_numbers_change_is_not_their_box() {
        // An automated feed under one person's byline: 10 percent chance of
        // rain in most entries, 20 in some.
        let mut t = FeedTemplate::default();
        let (ten, twenty, shape) = (7_010, 7_020, 7_000);
        for i in 0..4 * u64::from(MIN_COUNT) {
            let rain = if i % 4 == 3 { twenty } else { ten };
            t.observe_fingerprints(&shaped(i, "ana ruiz", rain, shape, None));
        }
        let counted = t
            .blocks
            .get(&writer_block("ana ruiz", ten))
            .map(|s| s.count);
        assert!(counted >= Some(MIN_COUNT), "{counted:?}");
        assert_eq!(t.writer_recurring("ana ruiz", ten, shape, true), None);
    }

    #[test]
    fn a_place_where_entries_of_any_writers_end_with_their_name_is_learned() {
        let mut t = FeedTemplate::default();
        let place = 4_711;
        // Three writers' fresh entries, each ending in the place: learned,
        // though no writer's box has ended even two of their entries.
        for (i, writer) in ["ana ruiz", "tom berg", "lee park"].iter().enumerate() {
            assert_eq!(t.place_recurring(place), None);
            let mut f = written(i as u64, writer, 100 + i as u64, None);
            f.push_place(place, "opens with the writer's name");
            t.observe_fingerprints(&f);
        }
        assert_eq!(t.place_recurring(place), Some(WRITER_MIN_COUNT));
        assert_eq!(t.writer_recurring("ana ruiz", 100, 100, true), None);
        assert_eq!(t.take_writers_learned(), vec![ANY_WRITER.to_string()]);
        // Not another place, and not the place's hash read as a block's.
        assert_eq!(t.place_recurring(place + 1), None);
        assert_eq!(t.recurring(place_block(place)), None);
        // A place seen in fewer than a quarter of the entries since its
        // first is no longer the feed's.
        for i in 3..12 {
            t.observe_fingerprints(&written(i, "kofi okafor", 200 + i, None));
        }
        assert_eq!(t.place_recurring(place), Some(WRITER_MIN_COUNT));
        t.observe_fingerprints(&written(12, "kofi okafor", 300, None));
        assert_eq!(t.place_recurring(place), None);
        // Versions of one story teach no place.
        let mut v = FeedTemplate::default();
        for i in 0..4 {
            let mut f = written(i, "ana ruiz", 400, (i > 0).then_some(0));
            f.push_place(place, "opens with the writer's name");
            v.observe_fingerprints(&f);
        }
        assert_eq!(v.place_recurring(place), None);
    }

    #[test]
    fn writers_taking_turns_in_a_feed_without_bylines_each_keep_their_box() {
        let mut t = FeedTemplate::default();
        let (ana_box, tom_box) = (61_001, 61_002);
        // A byline naming no one stands for many writers: MIN_COUNT entries.
        for i in 0..u64::from(MIN_COUNT) {
            t.observe_fingerprints(&written(2 * i, "", ana_box, None));
            t.observe_fingerprints(&written(2 * i + 1, "", tom_box, None));
        }
        let count = Some(MIN_COUNT);
        assert_eq!(t.writer_recurring("", ana_box, ana_box, false), count);
        assert_eq!(t.writer_recurring("", tom_box, tom_box, false), count);
        // Its rows stay bounded: each entry's own closing line is forgotten
        // after UNNAMED_WRITERS_TURNS entries.
        for i in 0..200 {
            let mut f = written(100 + i, "", ana_box, None);
            f.push(9_000 + i, 9_000 + i, "closing line");
            f.push_tail(9_000 + i, 9_000 + i, "closing line");
            t.observe_fingerprints(&f);
        }
        let rows = t.blocks.values().filter(|s| s.writer.is_some()).count();
        let bound = usize::try_from(UNNAMED_WRITERS_TURNS).unwrap_or(usize::MAX) + 3;
        assert!(rows <= bound, "{rows} rows");
    }

    #[test]
    fn a_writer_keeps_their_box_and_forgets_what_ended_one_entry() {
        let mut t = FeedTemplate::default();
        let bio = 55_555;
        for i in 0..50 {
            // Each entry ends with its own closing line, then the box.
            let mut f = written(i, "ana ruiz", bio, None);
            f.push(900 + i, 900 + i, "closing line");
            f.push_tail(900 + i, 900 + i, "closing line");
            t.observe_fingerprints(&f);
        }
        let rows: Vec<u32> = t
            .blocks
            .values()
            .filter(|s| s.writer.is_some())
            .map(|s| s.count)
            .collect();
        // The box, and the last entry's closing line.
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(t.writer_recurring("ana ruiz", bio, bio, true), Some(50));
        assert_eq!(t.writer_recurring("ana ruiz", 949, 949, true), None);
    }
}
