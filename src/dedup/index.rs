//! The in-memory candidate index of the recent window: finds the stored
//! fingerprints within a Hamming distance of a query without scanning them
//! all, and the short entries sharing a normalised title or link.
//!
//! Fingerprint lookup is a multi-index (Manku et al. 2007, Norouzi et al.
//! 2012): the 64 bits are cut into 5 blocks of 13/13/13/13/12 bits, and each
//! block has a table of 2^13 buckets holding the fingerprints whose block has
//! that value. By pigeonhole, two fingerprints at most `k` bits apart differ
//! in at most `k / 5` bits in at least one block, so a lookup visits, in every
//! table, the buckets within radius `r = k / 5` of the query's block (92
//! buckets per table for k = 12) and checks the full distance of what it finds
//! there. Exact: it finds every stored fingerprint within `k`.
//!
//! It only ever holds ids, fingerprints and times, never decides a match (the
//! caller verifies every candidate against the database), and it may hold ids
//! whose rows were rolled back: callers must tolerate that.

use std::collections::{BTreeSet, HashMap};

/// (first bit, width) of each block.
const BLOCKS: [(u32, u32); 5] = [(0, 13), (13, 13), (26, 13), (39, 13), (52, 12)];

/// One bucket: fingerprints and their ids in parallel, so a lookup scans a
/// dense array of 8-byte fingerprints and touches ids only on a hit.
#[derive(Debug, Clone, Default)]
struct Bucket {
    fingerprints: Vec<u64>,
    ids: Vec<i64>,
}

/// Fingerprints of the window, with the time (unix seconds) of each entry.
#[derive(Debug)]
pub struct FingerprintIndex {
    /// `tables[b][block value]`: the entries whose block `b` has that value.
    tables: Vec<Vec<Bucket>>,
    stored: HashMap<i64, (u64, i64)>,
    by_time: BTreeSet<(i64, i64)>,
}

impl Default for FingerprintIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl FingerprintIndex {
    pub fn new() -> Self {
        FingerprintIndex {
            tables: BLOCKS
                .iter()
                .map(|&(_, width)| vec![Bucket::default(); 1 << width])
                .collect(),
            stored: HashMap::new(),
            by_time: BTreeSet::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.stored.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stored.is_empty()
    }

    /// Adds or replaces the fingerprint of entry `id`.
    pub fn insert(&mut self, id: i64, fingerprint: u64, time: i64) {
        self.remove(id);
        for (table, &(shift, width)) in self.tables.iter_mut().zip(BLOCKS.iter()) {
            let bucket = &mut table[block(fingerprint, shift, width)];
            bucket.fingerprints.push(fingerprint);
            bucket.ids.push(id);
        }
        self.stored.insert(id, (fingerprint, time));
        self.by_time.insert((time, id));
    }

    pub fn remove(&mut self, id: i64) {
        let Some((fingerprint, time)) = self.stored.remove(&id) else {
            return;
        };
        self.by_time.remove(&(time, id));
        for (table, &(shift, width)) in self.tables.iter_mut().zip(BLOCKS.iter()) {
            let bucket = &mut table[block(fingerprint, shift, width)];
            if let Some(pos) = bucket.ids.iter().position(|&other| other == id) {
                bucket.ids.swap_remove(pos);
                bucket.fingerprints.swap_remove(pos);
            }
        }
    }

    /// Drops every entry older than `time`; returns their ids.
    pub fn prune_before(&mut self, time: i64) -> Vec<i64> {
        let old: Vec<i64> = self
            .by_time
            .range(..(time, i64::MIN))
            .map(|&(_, id)| id)
            .collect();
        for &id in &old {
            self.remove(id);
        }
        old
    }

    /// The time stored with `id`.
    pub fn time_of(&self, id: i64) -> Option<i64> {
        self.stored.get(&id).map(|&(_, t)| t)
    }

    /// Appends to `out` every stored `(id, distance)` within `max_distance`
    /// bits of `query` whose time lies in `times`, each once.
    pub fn candidates(
        &self,
        query: u64,
        max_distance: u32,
        times: std::ops::RangeInclusive<i64>,
        out: &mut Vec<(i64, u32)>,
    ) {
        let radius = max_distance / BLOCKS.len() as u32;
        for (b, (table, &(shift, width))) in self.tables.iter().zip(BLOCKS.iter()).enumerate() {
            let q = block(query, shift, width);
            for_each_within(q, width, radius, &mut |bucket| {
                let bucket = &table[bucket];
                for (pos, &fingerprint) in bucket.fingerprints.iter().enumerate() {
                    let d = (fingerprint ^ query).count_ones();
                    if d > max_distance {
                        continue;
                    }
                    // Reported by the first table whose block is within the
                    // radius, so no entry is reported twice without a set.
                    let seen_earlier = BLOCKS[..b].iter().any(|&(s, w)| {
                        (block(fingerprint, s, w) ^ block(query, s, w)).count_ones() <= radius
                    });
                    if seen_earlier {
                        continue;
                    }
                    let id = bucket.ids[pos];
                    if self
                        .stored
                        .get(&id)
                        .is_some_and(|&(_, t)| times.contains(&t))
                    {
                        out.push((id, d));
                    }
                }
            });
        }
    }

    /// Approximate heap bytes in use, for the benchmark's memory figure.
    pub fn approx_bytes(&self) -> usize {
        let header = std::mem::size_of::<Bucket>();
        let tables: usize = self
            .tables
            .iter()
            .map(|t| {
                t.len() * header
                    + t.iter()
                        .map(|b| (b.fingerprints.capacity() + b.ids.capacity()) * 8)
                        .sum::<usize>()
            })
            .sum();
        // HashMap: key + value + 1 control byte per slot; BTreeSet: the pair
        // plus roughly a third again for node overhead.
        let stored = self.stored.capacity() * (8 + 16 + 1);
        let by_time = self.by_time.len() * 16 * 4 / 3;
        tables + stored + by_time
    }
}

fn block(fingerprint: u64, shift: u32, width: u32) -> usize {
    ((fingerprint >> shift) & ((1u64 << width) - 1)) as usize
}

/// Calls `f` with every `width`-bit value within `radius` bits of `value`.
fn for_each_within(value: usize, width: u32, radius: u32, f: &mut impl FnMut(usize)) {
    fn flip(value: usize, from: u32, width: u32, left: u32, f: &mut impl FnMut(usize)) {
        f(value);
        if left == 0 {
            return;
        }
        for bit in from..width {
            flip(value ^ (1 << bit), bit + 1, width, left - 1, f);
        }
    }
    flip(value, 0, width, radius.min(width), f);
}

/// Short entries of the window by normalised title and link.
#[derive(Debug, Default)]
pub struct KeyIndex {
    by_key: HashMap<String, Vec<i64>>,
    keys_of: HashMap<i64, (Vec<String>, i64)>,
    by_time: BTreeSet<(i64, i64)>,
}

impl KeyIndex {
    /// Adds or replaces the keys of entry `id`, at `time` (unix seconds).
    pub fn insert(&mut self, id: i64, keys: Vec<String>, time: i64) {
        self.remove(id);
        if keys.is_empty() {
            return;
        }
        for key in &keys {
            self.by_key.entry(key.clone()).or_default().push(id);
        }
        self.keys_of.insert(id, (keys, time));
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
        let Some((keys, time)) = self.keys_of.remove(&id) else {
            return;
        };
        self.by_time.remove(&(time, id));
        for key in keys {
            if let Some(ids) = self.by_key.get_mut(&key) {
                ids.retain(|&other| other != id);
                if ids.is_empty() {
                    self.by_key.remove(&key);
                }
            }
        }
    }

    /// Ids stored under any of `keys`, each once.
    pub fn lookup(&self, keys: &[String]) -> Vec<i64> {
        let mut ids: Vec<i64> = keys
            .iter()
            .filter_map(|k| self.by_key.get(k))
            .flatten()
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly_what_a_linear_scan_finds() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut index = FingerprintIndex::new();
        let stored: Vec<u64> = (0..5000).map(|_| rng.u64(..)).collect();
        for (i, &fp) in stored.iter().enumerate() {
            index.insert(i as i64, fp, 0);
        }
        for k in [0, 3, 7, 12, 17] {
            for q in 0..50 {
                // Queries near stored fingerprints, so there is something to find.
                let mut query = stored[q * 7];
                for _ in 0..rng.u32(0..=k) {
                    query ^= 1 << rng.u32(0..64);
                }
                let mut got = Vec::new();
                index.candidates(query, k, 0..=0, &mut got);
                got.sort_unstable();
                let want: Vec<(i64, u32)> = stored
                    .iter()
                    .enumerate()
                    .map(|(i, &fp)| (i as i64, hamming(fp, query)))
                    .filter(|&(_, d)| d <= k)
                    .collect();
                assert_eq!(got, want, "k = {k}");
            }
        }
    }

    fn hamming(a: u64, b: u64) -> u32 {
        (a ^ b).count_ones()
    }

    #[test]
    fn remove_prune_and_time_filter() {
        let mut index = FingerprintIndex::new();
        index.insert(1, 0xFF, 100);
        index.insert(2, 0xFE, 200);
        index.insert(1, 0xFF, 150); // replacing keeps one copy
        let mut got = Vec::new();
        index.candidates(0xFF, 2, 0..=1000, &mut got);
        assert_eq!(got.len(), 2);
        got.clear();
        index.candidates(0xFF, 2, 160..=1000, &mut got);
        assert_eq!(got, vec![(2, 1)]);
        assert_eq!(index.prune_before(160), vec![1]);
        assert_eq!(index.len(), 1);
        index.remove(2);
        assert!(index.is_empty());
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
