//! The in-memory candidate index of the recent window: finds the stored
//! entries sharing an anchor shingle with a query without scanning them all,
//! and the short entries sharing a normalised title or link.
//!
//! Anchors are each entry's bottom-k shingle hashes
//! ([`crate::dedup::fingerprint::Analysis::anchors`]). The index keeps, for
//! each entry, the first [`ANCHORS`] of them that are not stop-anchors, in one
//! open-addressing table of (anchor, slot) pairs: 8 bytes a posting and no
//! allocation per anchor, which matters at a million entries times a dozen
//! anchors. An anchor whose posting list reaches [`STOP_AFTER`] entries is a
//! common phrase ("according to the", a site's footer), not evidence of a
//! copy: it becomes a stop-anchor, its postings are dropped, and it is
//! skipped when anchors are chosen, for queries and for every entry alike:
//! the entries that had it are indexed under the next anchor of their pool
//! instead. So at any time every entry is indexed under the anchors a query
//! with its pool would choose then, whenever it arrived (issue 17, item 4:
//! entries indexed before a template's anchors stopped kept none, and their
//! copies arriving later could not find them).
//!
//! An anchor keeps few postings of one story: at most [`NEAR_COPIES`] of
//! its near copies of one text and [`PER_STORY`] in all. The copies of a
//! wire story carried by hundreds of feeds share nearly all their anchors,
//! and counted one by one they turned every anchor of the story into a
//! stop-anchor at its 64th copy, after which no copy found it (issue 17: at
//! ~220 copies an article, two thirds stayed alone, and which ones depended
//! on the order). A story's postings under an anchor are its newest entries
//! having it, so it is found as long as any of them is in the window, and
//! an anchor of its own text never stops. An entry whose quota is full
//! under one of its anchors is not posted there: a copy looking it up finds
//! its story through the near copies that are.
//!
//! Entries sit in numbered slots, and every table holds slot numbers (4
//! bytes) or postings (8), never a copy of an id or a key: at 500,000
//! entries a window's bytes per entry are most of the daemon's memory.
//!
//! It only ever holds ids, anchors, times, simhashes and key hashes, never
//! decides a match (the caller verifies every candidate against the
//! database), and it may hold ids whose rows were rolled back: callers must
//! tolerate that.

use std::collections::HashSet;

/// Anchors indexed per entry. Copies with Jaccard similarity J share none of
/// them with probability about (1 - J)^ANCHORS: 1.4% at J = 0.3 (the
/// verification floor), 0.02% at J = 0.5. On the labelled corpus every
/// copy pair shares one from 6 anchors on.
pub const ANCHORS: usize = 12;

/// Posting-list length at which an anchor becomes a stop-anchor. It also
/// bounds the candidates one anchor can bring to ANCHORS * STOP_AFTER.
pub const STOP_AFTER: usize = 64;

/// Postings of one story's near copies of one text (within
/// [`NEAR_COPY_BITS`] of the entry being posted) an anchor keeps at most:
/// their newest. What verifies with an entry left unposted almost always
/// verifies with the near copies posted in its place, so which ones are
/// posted rarely decides a link (not never: it is a bound, not a proof of
/// order independence); the story's other versions (an excerpt, a trimmed copy,
/// an update) keep their own postings, for entries that verify with only
/// some of the story. Capping a story at 4 in all, whatever the distance,
/// left one version of a 13-entry story unfound in one order of 20.
pub const NEAR_COPIES: usize = 4;

/// Simhash bits within which two entries of one story are near copies for
/// [`NEAR_COPIES`]. Copies of one article differing by a line of their own
/// lie 0-7 bits apart (median 4); one cut by a paragraph, 3-13 (median 7);
/// an excerpt, 8-31.
pub const NEAR_COPY_BITS: u32 = 6;

/// Postings of one story an anchor keeps at most, near copies or not (a
/// story copied by hundreds of papers, each trimming and editing, spreads
/// over 20 bits): its newest. Well under [`STOP_AFTER`], so that an anchor
/// of a story's own text never stops however many copies arrive, and a
/// phrase stops once it is shared beyond a few stories.
pub const PER_STORY: usize = 16;

/// Keys kept per entry by [`KeyIndex`]: its normalised title and link.
pub const KEYS: usize = 2;

/// Anchors kept per slot: an entry's whole pool, so it can be indexed under
/// further ones when some of its first become stop-anchors.
pub const POOL: usize = crate::dedup::fingerprint::ANCHOR_POOL;

/// Marks a vacant table cell (no slot has this number).
const VACANT: u32 = u32::MAX;

/// Fibonacci hashing's multiplier: anchors are hash bits already, but the
/// bottom-k choice skews them, and ids are sequential, so every hash is
/// mixed once more before its top bits choose a cell.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// A cell of a [`Probe`] table, with a value that marks it vacant.
trait Cell: Copy + PartialEq {
    const EMPTY: Self;
    fn is_empty(self) -> bool;
}

impl Cell for u32 {
    const EMPTY: u32 = VACANT;
    fn is_empty(self) -> bool {
        self == VACANT
    }
}

/// An open-addressing table with linear probing: a power of two long, at
/// most 3/4 full, no allocation per item. Cells may share a hash (it is a
/// multiset); the caller tells a cell's hash (`hash_of`) and compares what a
/// cell stands for itself, so a cell can be a bare slot number, 4 bytes,
/// where a hash map of ids would hold the id, the value and padding.
#[derive(Debug)]
struct Probe<C> {
    cells: Vec<C>,
    len: usize,
}

impl<C: Cell> Probe<C> {
    fn new(cells: usize) -> Self {
        Probe {
            cells: vec![C::EMPTY; cells.next_power_of_two().max(2)],
            len: 0,
        }
    }

    fn home(&self, hash: u64) -> usize {
        let bits = self.cells.len().trailing_zeros();
        (hash.wrapping_mul(GOLDEN) >> (64 - bits)) as usize
    }

    /// The first cell from `hash`'s home on that `found` accepts, if any
    /// before a vacant cell (every cell of that hash lies before one).
    fn find(&self, hash: u64, mut found: impl FnMut(C) -> bool) -> Option<C> {
        let mask = self.cells.len() - 1;
        let mut i = self.home(hash);
        loop {
            let c = self.cells[i];
            if c.is_empty() {
                return None;
            }
            if found(c) {
                return Some(c);
            }
            i = (i + 1) & mask;
        }
    }

    /// Calls `f` with every cell from `hash`'s home up to a vacant cell:
    /// all the cells of that hash, and others the caller skips.
    fn for_each(&self, hash: u64, mut f: impl FnMut(C)) {
        self.find(hash, |c| {
            f(c);
            false
        });
    }

    fn insert(&mut self, hash: u64, cell: C, hash_of: impl Fn(C) -> u64) {
        if (self.len + 1) * 4 > self.cells.len() * 3 {
            self.grow(&hash_of);
        }
        let mask = self.cells.len() - 1;
        let mut i = self.home(hash);
        while !self.cells[i].is_empty() {
            i = (i + 1) & mask;
        }
        self.cells[i] = cell;
        self.len += 1;
    }

    /// Removes one cell equal to `cell`; backward-shift deletion keeps every
    /// other cell reachable from its home without tombstones.
    fn remove(&mut self, hash: u64, cell: C, hash_of: impl Fn(C) -> u64) {
        let mask = self.cells.len() - 1;
        let mut i = self.home(hash);
        loop {
            let c = self.cells[i];
            if c.is_empty() {
                return;
            }
            if c == cell {
                break;
            }
            i = (i + 1) & mask;
        }
        let mut hole = i;
        let mut j = i;
        loop {
            j = (j + 1) & mask;
            let c = self.cells[j];
            if c.is_empty() {
                break;
            }
            let home = self.home(hash_of(c));
            // Move c into the hole if its home is not cyclically in (hole, j].
            let in_between = if hole <= j {
                hole < home && home <= j
            } else {
                hole < home || home <= j
            };
            if !in_between {
                self.cells[hole] = c;
                hole = j;
            }
        }
        self.cells[hole] = C::EMPTY;
        self.len -= 1;
    }

    fn grow(&mut self, hash_of: &impl Fn(C) -> u64) {
        self.resize(self.cells.len() * 2, hash_of);
    }

    /// Makes room for `additional` more cells without growing on the way.
    fn reserve(&mut self, additional: usize, hash_of: &impl Fn(C) -> u64) {
        let cells = (self.len + additional).saturating_mul(4) / 3 + 1;
        let cells = cells.checked_next_power_of_two().unwrap_or(cells);
        if cells > self.cells.len() {
            self.resize(cells, hash_of);
        }
    }

    /// Moves every cell into a table of `cells` cells (a power of two).
    fn resize(&mut self, cells: usize, hash_of: &impl Fn(C) -> u64) {
        let old = std::mem::replace(&mut self.cells, vec![C::EMPTY; cells]);
        let mask = self.cells.len() - 1;
        for c in old.into_iter().filter(|c| !c.is_empty()) {
            let mut i = self.home(hash_of(c));
            while !self.cells[i].is_empty() {
                i = (i + 1) & mask;
            }
            self.cells[i] = c;
        }
    }

    fn bytes(&self) -> usize {
        self.cells.capacity() * std::mem::size_of::<C>()
    }
}

fn id_hash(id: i64) -> u64 {
    id as u64
}

fn anchor_hash(anchor: u32) -> u64 {
    u64::from(anchor)
}

/// What the anchor index keeps of an entry besides its anchors.
#[derive(Debug, Clone, Copy)]
struct Placed {
    simhash: u64,
    /// Its story when it was added: a story merged away since keeps its
    /// postings under its old id, which only lets the merged story hold a
    /// few more than [`PER_STORY`] under an anchor.
    story: i64,
}

/// Postings of one kind seen under an anchor, and the oldest of them (by
/// time, then id) with its slot.
#[derive(Debug, Default, Clone, Copy)]
struct Oldest {
    count: usize,
    oldest: Option<((i64, i64), u32)>,
}

impl Oldest {
    fn see(&mut self, age: (i64, i64), slot: u32) {
        self.count += 1;
        if self.oldest.is_none_or(|(o, _)| age < o) {
            self.oldest = Some((age, slot));
        }
    }
}

/// What [`AnchorIndex::add_posting`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Posted {
    /// The entry has a posting under the anchor (perhaps in place of an
    /// older entry of its story).
    Added,
    /// Its quota under the anchor (its near copies', or its story's) is
    /// full of newer entries: it is found through them.
    Covered,
    /// The anchor has [`STOP_AFTER`] postings: it is to become a stop-anchor.
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Posting {
    anchor: u32,
    slot: u32,
}

impl Cell for Posting {
    const EMPTY: Posting = Posting {
        anchor: 0,
        slot: VACANT,
    };
    fn is_empty(self) -> bool {
        self.slot == VACANT
    }
}

fn posting_hash(p: Posting) -> u64 {
    anchor_hash(p.anchor)
}

/// An entry of the window in a [`Slab`]: its id, time (unix seconds), and
/// what the index keeps of it.
#[derive(Debug, Clone, Copy)]
struct Item<T> {
    /// -1 for a free slot.
    id: i64,
    time: i64,
    data: T,
}

/// The window's entries in numbered slots (reused once freed), found by id
/// through a table of slot numbers: 4 bytes a cell, where a map from id to
/// slot held 16 and a control byte per bucket.
#[derive(Debug)]
struct Slab<T> {
    items: Vec<Item<T>>,
    free: Vec<u32>,
    ids: Probe<u32>,
}

impl<T: Copy> Slab<T> {
    fn new() -> Self {
        Slab {
            items: Vec::new(),
            free: Vec::new(),
            ids: Probe::new(64),
        }
    }

    fn get(&self, slot: u32) -> &Item<T> {
        &self.items[slot as usize]
    }

    fn reserve(&mut self, entries: usize) {
        self.items.reserve(entries);
        let items = &self.items;
        self.ids
            .reserve(entries, &|s: u32| id_hash(items[s as usize].id));
    }

    fn find(&self, id: i64) -> Option<u32> {
        self.ids.find(id_hash(id), |s| self.get(s).id == id)
    }

    /// Stores `entry` (whose id must not be stored) in a free slot or a new
    /// one at the end.
    fn add(&mut self, entry: Item<T>) -> u32 {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.items[slot as usize] = entry;
                slot
            }
            None => {
                self.items.push(entry);
                (self.items.len() - 1) as u32
            }
        };
        let items = &self.items;
        self.ids
            .insert(id_hash(entry.id), slot, |s| id_hash(items[s as usize].id));
        slot
    }

    /// Frees the slot of entry `id`; returns the slot and what it held.
    fn take(&mut self, id: i64) -> Option<(u32, Item<T>)> {
        let slot = self.find(id)?;
        let items = &self.items;
        self.ids
            .remove(id_hash(id), slot, |s| id_hash(items[s as usize].id));
        let entry = self.items[slot as usize];
        self.items[slot as usize].id = -1;
        self.free.push(slot);
        Some((slot, entry))
    }

    /// Ids of the stored entries older than `time`.
    fn older_than(&self, time: i64) -> Vec<i64> {
        self.items
            .iter()
            .filter(|e| e.id >= 0 && e.time < time)
            .map(|e| e.id)
            .collect()
    }

    fn bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<Item<T>>()
            + self.free.capacity() * 4
            + self.ids.bytes()
    }
}

/// A candidate of [`AnchorIndex::ranked_candidates`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    pub id: i64,
    /// The query's chosen anchors it shares.
    pub shared: usize,
    /// Whether one of them is among the first [`LEAD_INDEXED`] anchors
    /// indexed of both the query and the candidate: the smallest shingles
    /// of their starts (`Analysis::anchors` leads with them), which an
    /// excerpt and its article share whatever their lengths. Symmetric,
    /// as is `shared`: either entry looking the other up finds the same.
    /// (Of either instead of both, unrelated entries sharing a common
    /// phrase near one's start came in too: 5% more ingest CPU.)
    pub lead: bool,
    pub simhash: u64,
}

/// Anchors at the head of an entry's indexed ones that count as its lead
/// anchors ([`Ranked::lead`]): the pool leads with
/// [`crate::dedup::fingerprint::LEAD_ANCHORS`] of them.
pub const LEAD_INDEXED: usize = crate::dedup::fingerprint::LEAD_ANCHORS;

/// Anchors of the window's entries, with the time (unix seconds) and
/// simhash of each.
#[derive(Debug)]
pub struct AnchorIndex {
    /// (anchor, slot) postings: 8 bytes each, no allocation per anchor.
    table: Probe<Posting>,
    /// Each entry's simhash, kept here rather than in a map of its own:
    /// the matcher reads it for every candidate the anchors bring (the
    /// `max_distance` filter), and a map by id cost ~50 bytes an entry more.
    slots: Slab<Placed>,
    /// The anchor pool of each slot, [`POOL`] per slot, the unused cells
    /// [`VACANT`]: its postings are the first [`ANCHORS`] non-stop ones,
    /// which removal and the refill after a stop need (4 bytes × [`POOL`]
    /// a slot, where the indexed anchors alone were × [`ANCHORS`]).
    slot_pool: Vec<u32>,
    stop: HashSet<u32>,
    /// Oldest time that may still be stored: pruning is a scan of the
    /// slots, done only once the horizon has moved by `prune_step`.
    pruned_to: i64,
}

impl Default for AnchorIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl AnchorIndex {
    pub fn new() -> Self {
        AnchorIndex {
            table: Probe::new(1024),
            slots: Slab::new(),
            slot_pool: Vec::new(),
            stop: HashSet::new(),
            pruned_to: i64::MIN,
        }
    }

    /// Number of entries stored.
    pub fn len(&self) -> usize {
        self.slots.ids.len
    }

    pub fn is_empty(&self) -> bool {
        self.slots.ids.len == 0
    }

    /// Whether `anchor` is a stop-anchor.
    pub fn is_stop(&self, anchor: u32) -> bool {
        self.stop.contains(&anchor)
    }

    /// The first [`ANCHORS`] of `pool` that are not stop-anchors: the ones an
    /// entry with that pool is indexed and looked up under.
    pub fn choose(&self, pool: &[u32]) -> Vec<u32> {
        pool.iter()
            .copied()
            // VACANT marks unused anchor cells, so it is never indexed.
            .filter(|&a| a != VACANT && !self.stop.contains(&a))
            .take(ANCHORS)
            .collect()
    }

    /// Makes room for `entries` more entries, as reading the window knows
    /// it will add: growing by doubling on the way moved every posting
    /// again at each step, and held the old table beside the new one (at
    /// 500,000 entries, 32 MB beside 64 MB).
    pub fn reserve(&mut self, entries: usize) {
        self.slots.reserve(entries);
        self.slot_pool.reserve(entries.saturating_mul(POOL));
        self.table
            .reserve(entries.saturating_mul(ANCHORS), &posting_hash);
    }

    /// Adds or replaces entry `id`, of story `story`, with the anchors
    /// chosen from `pool`.
    pub fn insert(&mut self, id: i64, pool: &[u32], time: i64, simhash: u64, story: i64) {
        self.remove(id);
        if self.choose(pool).is_empty() {
            return;
        }
        let slot = self.slots.add(Item {
            id,
            time,
            data: Placed { simhash, story },
        });
        let base = slot as usize * POOL;
        if self.slot_pool.len() < base + POOL {
            self.slot_pool.resize(base + POOL, VACANT);
        }
        let cells = &mut self.slot_pool[base..base + POOL];
        cells.fill(VACANT);
        for (cell, &anchor) in cells.iter_mut().zip(pool) {
            *cell = anchor;
        }
        self.index_slots(slot);
    }

    /// The first [`ANCHORS`] non-stop anchors of `slot`'s pool, with their
    /// place among them: the ones it has postings under.
    fn indexed(&self, slot: u32) -> impl Iterator<Item = (usize, u32)> + '_ {
        let base = slot as usize * POOL;
        self.slot_pool[base..base + POOL]
            .iter()
            .copied()
            .filter(|&a| a != VACANT && !self.stop.contains(&a))
            .take(ANCHORS)
            .enumerate()
    }

    fn has_posting(&self, anchor: u32, slot: u32) -> bool {
        let wanted = Posting { anchor, slot };
        self.table
            .find(anchor_hash(anchor), |p| p == wanted)
            .is_some()
    }

    /// Gives `fresh`, a slot without postings, one for every anchor it is
    /// to be indexed under ([`indexed`](Self::indexed)). An anchor that
    /// becomes a stop-anchor on the way takes the postings of other slots
    /// with it, and they are given the ones they now lack in turn.
    fn index_slots(&mut self, fresh: u32) {
        let mut slots = vec![fresh];
        let mut first = true;
        while let Some(slot) = slots.pop() {
            // The fresh slot has no postings the first time; later (a slot
            // whose anchor stopped, the fresh one too if a refill stopped
            // one of its) a slot lacks only what the stop took, so it looks
            // for its postings before adding: never one twice.
            let check = !std::mem::take(&mut first);
            let base = slot as usize * POOL;
            let mut kept = 0;
            for i in base..base + POOL {
                let anchor = self.slot_pool[i];
                if kept == ANCHORS {
                    break;
                }
                if anchor == VACANT || self.stop.contains(&anchor) {
                    continue;
                }
                if check && self.has_posting(anchor, slot) {
                    kept += 1;
                    continue;
                }
                match self.add_posting(anchor, slot) {
                    Posted::Added | Posted::Covered => kept += 1,
                    Posted::Full => slots.extend(self.make_stop(anchor)),
                }
            }
        }
    }

    pub fn remove(&mut self, id: i64) {
        let Some((slot, _)) = self.slots.take(id) else {
            return;
        };
        let anchors: Vec<u32> = self.indexed(slot).map(|(_, a)| a).collect();
        for anchor in anchors {
            self.table
                .remove(anchor_hash(anchor), Posting { anchor, slot }, posting_hash);
        }
        let base = slot as usize * POOL;
        self.slot_pool[base..base + POOL].fill(VACANT);
    }

    /// Drops every entry older than `time`. Lookups filter on time anyway, so
    /// this only bounds memory: it scans the slots once the horizon has moved
    /// by a 64th of `window` seconds since the last scan, not on every call.
    pub fn prune_before(&mut self, time: i64, window: i64) {
        if time < self.pruned_to.saturating_add(window / 64) {
            return;
        }
        self.pruned_to = time;
        for id in self.slots.older_than(time) {
            self.remove(id);
        }
    }

    /// Appends to `out` every stored id, other than `exclude`, whose time lies
    /// in `times` and that shares at least one of the anchors chosen from
    /// `pool`, each once (sorted).
    pub fn candidates(
        &self,
        pool: &[u32],
        times: std::ops::RangeInclusive<i64>,
        exclude: i64,
        out: &mut Vec<i64>,
    ) {
        let start = out.len();
        self.hits(pool, times, exclude, |id, _, _, _| out.push(id));
        out[start..].sort_unstable();
        let mut kept = start;
        for i in start..out.len() {
            if i == start || out[i] != out[kept - 1] {
                out[kept] = out[i];
                kept += 1;
            }
        }
        out.truncate(kept);
    }

    /// The candidates of [`candidates`](Self::candidates), each with the
    /// number of the query's chosen anchors it shares (the more, the likelier
    /// a copy: a copy shares about J × [`ANCHORS`], an article that only
    /// quotes a paragraph of the query one or two) and its simhash. Most
    /// shared first, ties by id.
    pub fn ranked_candidates(
        &self,
        pool: &[u32],
        times: std::ops::RangeInclusive<i64>,
        exclude: i64,
    ) -> Vec<Ranked> {
        let mut hits = Vec::new();
        self.hits(pool, times, exclude, |id, slot, at, anchor| {
            let lead = at < LEAD_INDEXED
                && self
                    .indexed(slot)
                    .take(LEAD_INDEXED)
                    .any(|(_, a)| a == anchor);
            hits.push((id, slot, lead));
        });
        hits.sort_unstable();
        let mut ranked: Vec<Ranked> = Vec::new();
        for (id, slot, lead) in hits {
            match ranked.last_mut() {
                Some(last) if last.id == id => {
                    last.shared += 1;
                    last.lead |= lead;
                }
                _ => ranked.push(Ranked {
                    id,
                    shared: 1,
                    lead,
                    simhash: self.slots.get(slot).data.simhash,
                }),
            }
        }
        ranked.sort_by(|a, b| b.shared.cmp(&a.shared).then(a.id.cmp(&b.id)));
        ranked
    }

    /// Calls `hit` with the id and slot of every posting of the anchors
    /// chosen from `pool` (an id once per shared anchor), the anchor's
    /// place among those chosen, and the anchor.
    fn hits(
        &self,
        pool: &[u32],
        times: std::ops::RangeInclusive<i64>,
        exclude: i64,
        mut hit: impl FnMut(i64, u32, usize, u32),
    ) {
        for (at, anchor) in self.choose(pool).into_iter().enumerate() {
            self.table.for_each(anchor_hash(anchor), |p| {
                if p.anchor != anchor {
                    return;
                }
                let s = self.slots.get(p.slot);
                if s.id != exclude && times.contains(&s.time) {
                    hit(s.id, p.slot, at, anchor);
                }
            });
        }
    }

    /// Approximate heap bytes in use, for the benchmark's memory figure.
    pub fn approx_bytes(&self) -> usize {
        self.table.bytes()
            + self.slots.bytes()
            + self.slot_pool.capacity() * 4
            // hashbrown: key + 1 control byte per bucket.
            + self.stop.capacity() * (4 + 1) * 8 / 7
    }

    /// Adds a posting of a non-stop anchor for `slot`, unless its story
    /// holds newer ones there up to its quota ([`NEAR_COPIES`] of near
    /// copies of it, [`PER_STORY`] in all) or the anchor has enough
    /// postings to become a stop-anchor. The oldest posting of a full quota
    /// gives way to a newer entry: the window drops its oldest entries
    /// first, so a story keeps its postings while any entry of it with the
    /// anchor is there.
    fn add_posting(&mut self, anchor: u32, slot: u32) -> Posted {
        let placed = self.slots.get(slot);
        let (story, simhash) = (placed.data.story, placed.data.simhash);
        let age = (placed.time, placed.id);
        let mut count = 0;
        let (mut near, mut same) = (Oldest::default(), Oldest::default());
        self.table.for_each(anchor_hash(anchor), |p| {
            if p.anchor != anchor {
                return;
            }
            count += 1;
            let other = self.slots.get(p.slot);
            if other.data.story == story {
                let other_age = (other.time, other.id);
                same.see(other_age, p.slot);
                if (other.data.simhash ^ simhash).count_ones() <= NEAR_COPY_BITS {
                    near.see(other_age, p.slot);
                }
            }
        });
        let full = if near.count >= NEAR_COPIES {
            Some(near)
        } else if same.count >= PER_STORY {
            Some(same)
        } else {
            None
        };
        if let Some(quota) = full {
            return match quota.oldest {
                Some((old_age, old)) if old_age < age => {
                    self.table.remove(
                        anchor_hash(anchor),
                        Posting { anchor, slot: old },
                        posting_hash,
                    );
                    self.table
                        .insert(anchor_hash(anchor), Posting { anchor, slot }, posting_hash);
                    Posted::Added
                }
                _ => Posted::Covered,
            };
        }
        if count + 1 >= STOP_AFTER {
            return Posted::Full;
        }
        self.table
            .insert(anchor_hash(anchor), Posting { anchor, slot }, posting_hash);
        Posted::Added
    }

    /// Turns `anchor` into a stop-anchor: drops its postings; returns the
    /// slots that had them, to be indexed under their next anchors. Entries
    /// that were covered by their story's postings under it keep what they
    /// have: their story's posted entries, indexed under their next anchors,
    /// hold the story's place there.
    fn make_stop(&mut self, anchor: u32) -> Vec<u32> {
        let mut slots = Vec::new();
        self.table.for_each(anchor_hash(anchor), |p| {
            if p.anchor == anchor {
                slots.push(p.slot);
            }
        });
        for &slot in &slots {
            self.table
                .remove(anchor_hash(anchor), Posting { anchor, slot }, posting_hash);
        }
        self.stop.insert(anchor);
        slots
    }
}

/// What the key index keeps of an entry.
#[derive(Debug, Clone, Copy)]
struct Keys {
    keys: [u64; KEYS],
    count: u8,
    /// Its story when added, for the quota of [`PER_STORY`] a key.
    story: i64,
    /// Added below the horizon: still found until the next prune, as it
    /// would be had pruning removed every old entry at once.
    below: bool,
}

/// Short entries of the window by normalised title and link. Each key is
/// kept as a 64-bit hash in its entry's slot; a table of slot numbers finds
/// them by hash, another by id: ~60 bytes an entry, where ordered sets of
/// (hash, id) and (time, id) and a map of each id's keys were ~185 (and the
/// keys as strings ~570, the largest part of a 500,000-entry window). Two
/// keys that share a hash only make a candidate, which verification
/// compares on the keys themselves.
#[derive(Debug)]
pub struct KeyIndex {
    slots: Slab<Keys>,
    /// Cells `slot << 1 | k` for key `k` of a slot, hashed by that key.
    by_key: Probe<u32>,
    /// The latest time pruned before: older entries are not found, though
    /// they stay in memory until the next scan (see `pruned_to`).
    horizon: i64,
    /// Slots added below `horizon` since the last prune.
    below: Vec<u32>,
    /// Horizon of the last scan of the slots: like the anchors', it runs once
    /// the horizon has moved by a 64th of the window.
    pruned_to: i64,
}

impl Default for KeyIndex {
    fn default() -> Self {
        KeyIndex {
            slots: Slab::new(),
            by_key: Probe::new(64),
            horizon: i64::MIN,
            below: Vec::new(),
            pruned_to: i64::MIN,
        }
    }
}

fn key_hash(key: &str) -> u64 {
    siphasher::sip::SipHasher13::new_with_keys(0x6b65_7969_6e64_6578, 0x6665_6564_7369_6576)
        .hash(key.as_bytes())
}

impl KeyIndex {
    /// Makes room for `entries` more entries: see [`AnchorIndex::reserve`].
    pub fn reserve(&mut self, entries: usize) {
        self.slots.reserve(entries);
        let slots = &self.slots.items;
        self.by_key
            .reserve(entries.saturating_mul(KEYS), &|c| Self::key_of(slots, c));
    }

    fn key_of(slots: &[Item<Keys>], cell: u32) -> u64 {
        slots[(cell >> 1) as usize].data.keys[(cell & 1) as usize]
    }

    /// Adds or replaces the keys of entry `id`, of story `story`, at `time`
    /// (unix seconds): at most [`KEYS`] of them (the title's and the
    /// link's), further ones are not kept. A key keeps the newest
    /// [`PER_STORY`] entries of one story, as an anchor does: the copies of
    /// a wire story that kept its headline made every copy read hundreds.
    pub fn insert(&mut self, id: i64, keys: &[String], time: i64, story: i64) {
        self.remove(id);
        debug_assert!(keys.len() <= KEYS, "more keys than a slot holds");
        if keys.is_empty() {
            return;
        }
        let mut data = Keys {
            keys: [0; KEYS],
            count: 0,
            story,
            below: time < self.horizon,
        };
        for (cell, key) in data.keys.iter_mut().zip(keys) {
            *cell = key_hash(key);
            data.count += 1;
        }
        let slot = self.slots.add(Item { id, time, data });
        if data.below {
            self.below.push(slot);
        }
        for k in 0..u32::from(data.count) {
            self.post(slot << 1 | k);
        }
    }

    /// Adds key cell `cell` unless its story has [`PER_STORY`] newer
    /// entries under that key; the oldest of a full quota gives way.
    fn post(&mut self, cell: u32) {
        let slots = &self.slots.items;
        let key = Self::key_of(slots, cell);
        let me = &slots[(cell >> 1) as usize];
        let mut same = Oldest::default();
        self.by_key.for_each(key, |c| {
            let other = &slots[(c >> 1) as usize];
            if Self::key_of(slots, c) == key && other.data.story == me.data.story {
                same.see((other.time, other.id), c);
            }
        });
        if same.count >= PER_STORY {
            match same.oldest {
                Some((age, old)) if age < (me.time, me.id) => {
                    self.by_key.remove(key, old, |c| Self::key_of(slots, c));
                }
                _ => return,
            }
        }
        let slots = &self.slots.items;
        self.by_key.insert(key, cell, |c| Self::key_of(slots, c));
    }

    /// Drops every entry older than `time`, which never decreases from one
    /// call to the next (the window's end only moves forward). They are no
    /// longer found from now on; their memory goes at the next scan, once
    /// `time` has moved by a 64th of `window` seconds since the last.
    pub fn prune_before(&mut self, time: i64, window: i64) {
        self.horizon = self.horizon.max(time);
        for slot in std::mem::take(&mut self.below) {
            let s = *self.slots.get(slot);
            if s.id >= 0 && s.data.below {
                self.remove(s.id);
            }
        }
        if time < self.pruned_to.saturating_add(window / 64) {
            return;
        }
        self.pruned_to = time;
        for id in self.slots.older_than(time) {
            self.remove(id);
        }
    }

    pub fn remove(&mut self, id: i64) {
        let Some((slot, entry)) = self.slots.take(id) else {
            return;
        };
        let slots = &self.slots.items;
        for k in 0..u32::from(entry.data.count) {
            let cell = slot << 1 | k;
            self.by_key
                .remove(Self::key_of(slots, cell), cell, |c| Self::key_of(slots, c));
        }
    }

    /// Ids stored under any of `keys`, each once.
    pub fn lookup(&self, keys: &[String]) -> Vec<i64> {
        let mut ids = Vec::new();
        for hash in keys.iter().map(|k| key_hash(k)) {
            self.by_key.for_each(hash, |cell| {
                let s = self.slots.get(cell >> 1);
                let found = s.data.keys[(cell & 1) as usize] == hash;
                if found && (s.time >= self.horizon || s.data.below) {
                    ids.push(s.id);
                }
            });
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

#[cfg(test)]
mod tests;
