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
//! skipped when anchors are chosen, for queries and for later entries alike.
//!
//! It only ever holds ids, anchors and times, never decides a match (the
//! caller verifies every candidate against the database), and it may hold
//! ids whose rows were rolled back: callers must tolerate that.

use std::collections::{BTreeSet, HashMap, HashSet};

/// Anchors indexed per entry. Copies with Jaccard similarity J share none of
/// them with probability about (1 - J)^ANCHORS: 1.4% at J = 0.3 (the
/// verification floor), 0.02% at J = 0.5. On the labelled corpus every
/// copy pair shares one from 6 anchors on.
pub const ANCHORS: usize = 12;

/// Posting-list length at which an anchor becomes a stop-anchor. It also
/// bounds the candidates one anchor can bring to ANCHORS * STOP_AFTER.
pub const STOP_AFTER: usize = 64;

/// Marks a vacant table cell (no slot has this number).
const VACANT: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Posting {
    anchor: u32,
    slot: u32,
}

const EMPTY: Posting = Posting {
    anchor: 0,
    slot: VACANT,
};

#[derive(Debug, Clone, Copy)]
struct Slot {
    id: i64,
    time: i64,
}

/// Anchors of the window's entries, with the time (unix seconds) of each.
#[derive(Debug)]
pub struct AnchorIndex {
    /// Linear probing; a power of two long, at most 3/4 full.
    table: Vec<Posting>,
    postings: usize,
    /// Entry of each slot; `id` is -1 for a free slot.
    slots: Vec<Slot>,
    /// The anchors indexed for each slot, [`ANCHORS`] per slot, the unused
    /// ones [`VACANT`]: removal needs them.
    slot_anchors: Vec<u32>,
    free: Vec<u32>,
    slot_of: HashMap<i64, u32>,
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
            table: vec![EMPTY; 1024],
            postings: 0,
            slots: Vec::new(),
            slot_anchors: Vec::new(),
            free: Vec::new(),
            slot_of: HashMap::new(),
            stop: HashSet::new(),
            pruned_to: i64::MIN,
        }
    }

    /// Number of entries stored.
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
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

    /// Adds or replaces entry `id` with the anchors chosen from `pool`.
    pub fn insert(&mut self, id: i64, pool: &[u32], time: i64) {
        self.remove(id);
        let chosen = self.choose(pool);
        if chosen.is_empty() {
            return;
        }
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Slot { id, time };
                slot
            }
            None => {
                self.slots.push(Slot { id, time });
                self.slot_anchors.extend([VACANT; ANCHORS]);
                (self.slots.len() - 1) as u32
            }
        };
        self.slot_of.insert(id, slot);
        let base = slot as usize * ANCHORS;
        let mut kept = 0;
        for anchor in chosen {
            if self.add_posting(anchor, slot) {
                self.slot_anchors[base + kept] = anchor;
                kept += 1;
            }
        }
        for cell in &mut self.slot_anchors[base + kept..base + ANCHORS] {
            *cell = VACANT;
        }
    }

    pub fn remove(&mut self, id: i64) {
        let Some(slot) = self.slot_of.remove(&id) else {
            return;
        };
        let base = slot as usize * ANCHORS;
        for i in base..base + ANCHORS {
            let anchor = std::mem::replace(&mut self.slot_anchors[i], VACANT);
            if anchor != VACANT {
                self.remove_posting(anchor, slot);
            }
        }
        self.slots[slot as usize].id = -1;
        self.free.push(slot);
    }

    /// Drops every entry older than `time`. Lookups filter on time anyway, so
    /// this only bounds memory: it scans the slots once the horizon has moved
    /// by a 64th of `window` seconds since the last scan, not on every call.
    pub fn prune_before(&mut self, time: i64, window: i64) {
        if time < self.pruned_to.saturating_add(window / 64) {
            return;
        }
        self.pruned_to = time;
        let old: Vec<i64> = self
            .slots
            .iter()
            .filter(|s| s.id >= 0 && s.time < time)
            .map(|s| s.id)
            .collect();
        for id in old {
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
        self.hits(pool, times, exclude, out);
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
    /// number of the query's chosen anchors it shares: the more, the likelier
    /// a copy (a copy shares about J × [`ANCHORS`], an article that only
    /// quotes a paragraph of the query one or two). Most shared first, ties
    /// by id.
    pub fn ranked_candidates(
        &self,
        pool: &[u32],
        times: std::ops::RangeInclusive<i64>,
        exclude: i64,
    ) -> Vec<(i64, usize)> {
        let mut hits = Vec::new();
        self.hits(pool, times, exclude, &mut hits);
        let mut ranked: Vec<(i64, usize)> = Vec::new();
        for id in hits {
            match ranked.last_mut() {
                Some((last, shared)) if *last == id => *shared += 1,
                _ => ranked.push((id, 1)),
            }
        }
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
    }

    /// Appends to `out`, sorted, the ids of every posting of the anchors
    /// chosen from `pool` (an id once per shared anchor).
    fn hits(
        &self,
        pool: &[u32],
        times: std::ops::RangeInclusive<i64>,
        exclude: i64,
        out: &mut Vec<i64>,
    ) {
        let start = out.len();
        for anchor in self.choose(pool) {
            self.for_each_posting(anchor, |slot| {
                let s = self.slots[slot as usize];
                if s.id != exclude && times.contains(&s.time) {
                    out.push(s.id);
                }
            });
        }
        out[start..].sort_unstable();
    }

    /// Approximate heap bytes in use, for the benchmark's memory figure.
    pub fn approx_bytes(&self) -> usize {
        self.table.capacity() * std::mem::size_of::<Posting>()
            + self.slots.capacity() * std::mem::size_of::<Slot>()
            + self.slot_anchors.capacity() * 4
            + self.free.capacity() * 4
            // hashbrown: key + value + 1 control byte per bucket.
            + self.slot_of.capacity() * (8 + 4 + 1) * 8 / 7
            + self.stop.capacity() * (4 + 1) * 8 / 7
    }

    fn home(&self, anchor: u32) -> usize {
        // Fibonacci hashing: anchors are hash bits already, but the bottom-k
        // choice skews them, so they are mixed once more.
        let bits = self.table.len().trailing_zeros();
        ((u64::from(anchor).wrapping_mul(0x9E37_79B9_7F4A_7C15)) >> (64 - bits)) as usize
    }

    fn for_each_posting(&self, anchor: u32, mut f: impl FnMut(u32)) {
        let mask = self.table.len() - 1;
        let mut i = self.home(anchor);
        loop {
            let p = self.table[i];
            if p.slot == VACANT {
                return;
            }
            if p.anchor == anchor {
                f(p.slot);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a posting, unless the anchor is or now becomes a stop-anchor;
    /// returns whether it was added.
    fn add_posting(&mut self, anchor: u32, slot: u32) -> bool {
        if self.stop.contains(&anchor) {
            return false;
        }
        if (self.postings + 1) * 4 > self.table.len() * 3 {
            self.grow();
        }
        let mask = self.table.len() - 1;
        let mut i = self.home(anchor);
        let mut count = 0;
        while self.table[i].slot != VACANT {
            if self.table[i].anchor == anchor {
                count += 1;
            }
            i = (i + 1) & mask;
        }
        if count + 1 >= STOP_AFTER {
            self.make_stop(anchor);
            return false;
        }
        self.table[i] = Posting { anchor, slot };
        self.postings += 1;
        true
    }

    /// Turns `anchor` into a stop-anchor: drops its postings, and its entry
    /// in the anchor lists of the slots that had it.
    fn make_stop(&mut self, anchor: u32) {
        let mut slots = Vec::new();
        self.for_each_posting(anchor, |slot| slots.push(slot));
        for slot in slots {
            self.remove_posting(anchor, slot);
            let base = slot as usize * ANCHORS;
            let list = &mut self.slot_anchors[base..base + ANCHORS];
            if let Some(pos) = list.iter().position(|&a| a == anchor) {
                list[pos..].rotate_left(1);
                list[ANCHORS - 1] = VACANT;
            }
        }
        self.stop.insert(anchor);
    }

    /// Removes one posting; backward-shift deletion keeps every other
    /// posting reachable from its home cell without tombstones.
    fn remove_posting(&mut self, anchor: u32, slot: u32) {
        let mask = self.table.len() - 1;
        let mut i = self.home(anchor);
        loop {
            let p = self.table[i];
            if p.slot == VACANT {
                return;
            }
            if p.anchor == anchor && p.slot == slot {
                break;
            }
            i = (i + 1) & mask;
        }
        let mut hole = i;
        let mut j = i;
        loop {
            j = (j + 1) & mask;
            let p = self.table[j];
            if p.slot == VACANT {
                break;
            }
            let home = self.home(p.anchor);
            // Move p into the hole if its home is not cyclically in (hole, j].
            let in_between = if hole <= j {
                hole < home && home <= j
            } else {
                hole < home || home <= j
            };
            if !in_between {
                self.table[hole] = p;
                hole = j;
            }
        }
        self.table[hole] = EMPTY;
        self.postings -= 1;
    }

    fn grow(&mut self) {
        let doubled = vec![EMPTY; self.table.len() * 2];
        let old = std::mem::replace(&mut self.table, doubled);
        let mask = self.table.len() - 1;
        for p in old.into_iter().filter(|p| p.slot != VACANT) {
            let mut i = self.home(p.anchor);
            while self.table[i].slot != VACANT {
                i = (i + 1) & mask;
            }
            self.table[i] = p;
        }
    }
}

/// Short entries of the window by normalised title and link. Each key is
/// kept as a 64-bit hash, once, in one ordered set of (key, id): the keys
/// as strings, stored twice with a map entry and a vector per key, were
/// ~570 bytes an entry, the largest part of a 500,000-entry window (peak
/// RSS 643 MB at 10,000 × 50). Two keys that share a hash only make a
/// candidate, which verification compares on the keys themselves.
#[derive(Debug, Default)]
pub struct KeyIndex {
    by_key: BTreeSet<(u64, i64)>,
    keys_of: HashMap<i64, (Vec<u64>, i64)>,
    by_time: BTreeSet<(i64, i64)>,
}

fn key_hash(key: &str) -> u64 {
    siphasher::sip::SipHasher13::new_with_keys(0x6b65_7969_6e64_6578, 0x6665_6564_7369_6576)
        .hash(key.as_bytes())
}

impl KeyIndex {
    /// Adds or replaces the keys of entry `id`, at `time` (unix seconds).
    pub fn insert(&mut self, id: i64, keys: Vec<String>, time: i64) {
        self.remove(id);
        if keys.is_empty() {
            return;
        }
        let hashes: Vec<u64> = keys.iter().map(|k| key_hash(k)).collect();
        for &hash in &hashes {
            self.by_key.insert((hash, id));
        }
        self.keys_of.insert(id, (hashes, time));
        self.by_time.insert((time, id));
    }

    /// Drops every entry older than `time`.
    pub fn prune_before(&mut self, time: i64) {
        let old: Vec<i64> = self
            .by_time
            .range(..(time, i64::MIN))
            .map(|&(_, id)| id)
            .collect();
        for id in old {
            self.remove(id);
        }
    }

    pub fn remove(&mut self, id: i64) {
        let Some((hashes, time)) = self.keys_of.remove(&id) else {
            return;
        };
        self.by_time.remove(&(time, id));
        for hash in hashes {
            self.by_key.remove(&(hash, id));
        }
    }

    /// Ids stored under any of `keys`, each once.
    pub fn lookup(&self, keys: &[String]) -> Vec<i64> {
        let mut ids: Vec<i64> = keys
            .iter()
            .map(|k| key_hash(k))
            .flat_map(|hash| self.by_key.range((hash, i64::MIN)..=(hash, i64::MAX)))
            .map(|&(_, id)| id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force: the ids among `stored` (anchors as chosen when each was
    /// inserted) sharing one of the query's chosen anchors, stop-anchors
    /// ignored on both sides.
    fn brute(index: &AnchorIndex, stored: &HashMap<i64, Vec<u32>>, pool: &[u32]) -> Vec<i64> {
        let query = index.choose(pool);
        let mut want: Vec<i64> = stored
            .iter()
            .filter(|(_, chosen)| {
                chosen
                    .iter()
                    .any(|a| !index.is_stop(*a) && query.contains(a))
            })
            .map(|(&id, _)| id)
            .collect();
        want.sort_unstable();
        want
    }

    #[test]
    fn finds_every_entry_sharing_an_anchor_and_ignores_stop_anchors() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut index = AnchorIndex::new();
        let mut stored: HashMap<i64, Vec<u32>> = HashMap::new();
        // Anchors from a small universe, so entries share them; anchor 7 is
        // in every pool and must become a stop-anchor.
        for id in 0..3000i64 {
            let mut pool = vec![7u32];
            while pool.len() < 20 {
                let a = rng.u32(0..40_000);
                if !pool.contains(&a) {
                    pool.push(a);
                }
            }
            stored.insert(id, index.choose(&pool));
            index.insert(id, &pool, id);
        }
        // Removals and replacements, so backward-shift deletion is exercised.
        for id in (0..3000i64).step_by(7) {
            index.remove(id);
            stored.remove(&id);
        }
        for id in (1..3000i64).step_by(11) {
            let pool: Vec<u32> = (0..20).map(|_| rng.u32(0..40_000)).collect();
            stored.insert(id, index.choose(&pool));
            index.insert(id, &pool, id);
        }
        assert!(index.is_stop(7));
        assert!(!index.choose(&[7, 1, 2]).contains(&7));
        for q in 0..300 {
            let pool: Vec<u32> = if q % 2 == 0 {
                let (_, p) = stored.iter().nth(q).unwrap();
                p.clone()
            } else {
                (0..20).map(|_| rng.u32(0..40_000)).collect()
            };
            let mut got = Vec::new();
            index.candidates(&pool, i64::MIN..=i64::MAX, -1, &mut got);
            assert_eq!(got, brute(&index, &stored, &pool), "query {q}");
        }
        // Only anchor 7 is shared by all: a query with nothing else finds
        // nothing.
        let mut got = Vec::new();
        index.candidates(&[7], i64::MIN..=i64::MAX, -1, &mut got);
        assert!(got.is_empty());
    }

    #[test]
    fn remove_prune_and_time_filter() {
        let mut index = AnchorIndex::new();
        index.insert(1, &[10, 11], 100);
        index.insert(2, &[11, 12], 200);
        index.insert(1, &[10, 11], 150); // replacing keeps one copy
        let mut got = Vec::new();
        index.candidates(&[11], 0..=1000, -1, &mut got);
        assert_eq!(got, vec![1, 2]);
        got.clear();
        index.candidates(&[11], 160..=1000, -1, &mut got);
        assert_eq!(got, vec![2]);
        got.clear();
        index.candidates(&[11], 0..=1000, 2, &mut got);
        assert_eq!(got, vec![1]);
        index.prune_before(160, 0);
        assert_eq!(index.len(), 1);
        index.remove(2);
        assert!(index.is_empty());
        got.clear();
        index.candidates(&[10, 11, 12], 0..=1000, -1, &mut got);
        assert!(got.is_empty());
    }

    #[test]
    fn key_index_lookup_and_remove() {
        let mut keys = KeyIndex::default();
        keys.insert(1, vec!["a".into(), "b".into()], 10);
        keys.insert(2, vec!["b".into()], 20);
        assert_eq!(keys.lookup(&["b".into(), "a".into()]), vec![1, 2]);
        keys.remove(1);
        assert_eq!(keys.lookup(&["a".into(), "b".into()]), vec![2]);
        keys.prune_before(21);
        assert!(keys.lookup(&["b".into()]).is_empty());
    }
}
