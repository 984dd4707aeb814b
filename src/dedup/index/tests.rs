// Test code: its unwraps act on the tests' own fixed inputs and temporary
// files, never on outside input; a panic is the test failing.

use super::*;
use std::collections::HashMap;

/// Brute force: the ids among `stored` (their pools) sharing one of the
/// query's chosen anchors, each entry's anchors chosen from its pool as they
/// would be now, whenever it was inserted: an entry inserted before some of
/// its anchors became stop-anchors is found under its next ones.
fn brute(index: &AnchorIndex, stored: &HashMap<i64, Vec<u32>>, pool: &[u32]) -> Vec<i64> {
    let query = index.choose(pool);
    let mut want: Vec<i64> = stored
        .iter()
        .filter(|(_, pool)| index.choose(pool).iter().any(|a| query.contains(a)))
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
        stored.insert(id, pool.clone());
        index.insert(id, &pool, id, id as u64, id);
    }
    // Removals and replacements, so backward-shift deletion is exercised.
    for id in (0..3000i64).step_by(7) {
        index.remove(id);
        stored.remove(&id);
    }
    for id in (1..3000i64).step_by(11) {
        let pool: Vec<u32> = (0..20).map(|_| rng.u32(0..40_000)).collect();
        stored.insert(id, pool.clone());
        index.insert(id, &pool, id, id as u64, id);
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
fn a_reserved_index_never_grows_and_keeps_what_it_held() {
    let mut rng = fastrand::Rng::with_seed(3);
    let pool = |rng: &mut fastrand::Rng| -> Vec<u32> { (0..20).map(|_| rng.u32(..)).collect() };
    let mut index = AnchorIndex::new();
    let mut keys = KeyIndex::default();
    let mut pools = Vec::new();
    let (mut table_cells, mut id_cells, mut key_cells) = (0, 0, 0);
    for id in 0..5000i64 {
        if id == 100 {
            // Entries already held are moved into the larger tables.
            index.reserve(4900);
            keys.reserve(4900);
        }
        if id >= 100 && id % 1000 == 0 {
            assert_eq!(
                index.table.cells.len(),
                table_cells,
                "the anchor table grew"
            );
            assert_eq!(index.slots.ids.cells.len(), id_cells, "the id table grew");
            assert_eq!(keys.by_key.cells.len(), key_cells, "the key table grew");
        }
        let p = pool(&mut rng);
        index.insert(id, &p, 0, 0, id);
        keys.insert(id, &[format!("t:{id}"), format!("u:{id}")], 0, id);
        pools.push(p);
        if id == 100 {
            table_cells = index.table.cells.len();
            id_cells = index.slots.ids.cells.len();
            key_cells = keys.by_key.cells.len();
        }
    }
    assert_eq!(
        index.table.cells.len(),
        table_cells,
        "the anchor table grew"
    );
    assert_eq!(keys.by_key.cells.len(), key_cells, "the key table grew");
    for (id, p) in pools.iter().enumerate() {
        let mut got = Vec::new();
        index.candidates(p, i64::MIN..=i64::MAX, -1, &mut got);
        assert!(got.contains(&(id as i64)), "entry {id} lost");
        assert_eq!(keys.lookup(&[format!("u:{id}")]), vec![id as i64]);
    }
}

#[test]
fn remove_prune_and_time_filter() {
    let mut index = AnchorIndex::new();
    index.insert(1, &[10, 11], 100, 1, 1);
    index.insert(2, &[11, 12], 200, 2, 2);
    index.insert(1, &[10, 11], 150, 3, 1); // replacing keeps one copy
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
    keys.insert(1, &["a".into(), "b".into()], 10, 1);
    keys.insert(2, &["b".into()], 20, 2);
    assert_eq!(keys.lookup(&["b".into(), "a".into()]), vec![1, 2]);
    keys.remove(1);
    assert_eq!(keys.lookup(&["a".into(), "b".into()]), vec![2]);
    keys.prune_before(21, 0);
    assert!(keys.lookup(&["b".into()]).is_empty());
}

#[test]
fn ranked_candidates_carry_each_entrys_simhash() {
    let mut index = AnchorIndex::new();
    index.insert(1, &[10, 11], 100, 0xaa, 1);
    index.insert(2, &[11], 100, 0xbb, 2);
    index.insert(1, &[10, 11], 100, 0xcc, 1); // replaced: the new simhash
    let ranked = index.ranked_candidates(&[10, 11], 0..=1000, -1);
    let want = [
        Ranked {
            id: 1,
            shared: 2,
            lead: true,
            simhash: 0xcc,
        },
        Ranked {
            id: 2,
            shared: 1,
            lead: true,
            simhash: 0xbb,
        },
    ];
    assert_eq!(ranked, want);
}

/// A shared anchor is a lead anchor when it is among the first
/// indexed of both entries, whichever looks the other up.
#[test]
fn a_shared_lead_anchor_is_seen_from_both_sides() {
    let mut index = AnchorIndex::new();
    index.insert(1, &[40, 41, 11], 100, 0, 1); // 11 is no lead anchor of 1
    index.insert(2, &[11, 42, 43], 100, 0, 2); // but a lead anchor of 2
    index.insert(3, &[30, 31, 11], 100, 0, 3);
    index.insert(4, &[44, 11, 45], 100, 0, 4); // and of 4
    let lead = |query: &[u32], of: i64| {
        index
            .ranked_candidates(query, 0..=1000, -1)
            .into_iter()
            .find(|r| r.id == of)
            .map(|r| r.lead)
    };
    assert_eq!(lead(&[30, 31, 11], 1), Some(false));
    assert_eq!(lead(&[40, 41, 11], 3), Some(false));
    // A lead anchor of one side only.
    assert_eq!(lead(&[30, 31, 11], 2), Some(false));
    assert_eq!(lead(&[11, 42, 43], 3), Some(false));
    // Of both, either way round.
    assert_eq!(lead(&[11, 42, 43], 4), Some(true));
    assert_eq!(lead(&[44, 11, 45], 2), Some(true));
}

/// The key index against the structure it replaced: every entry's keys
/// in a map, entries older than each prune's time dropped at once.
#[test]
fn key_index_finds_what_eager_pruning_would_keep() {
    let mut rng = fastrand::Rng::with_seed(11);
    let mut index = KeyIndex::default();
    let mut model: HashMap<i64, (Vec<String>, i64)> = HashMap::new();
    let key = |rng: &mut fastrand::Rng| format!("k{}", rng.u32(0..300));
    let mut horizon = 0i64;
    for step in 0..20_000 {
        match rng.u32(0..100) {
            0..70 => {
                let id = rng.i64(0..2_000);
                let keys: Vec<String> = (0..rng.usize(0..=KEYS)).map(|_| key(&mut rng)).collect();
                // Mostly inside the window, a few below its horizon.
                let time = horizon + rng.i64(-50..1_000);
                index.insert(id, &keys, time, id);
                model.remove(&id);
                if !keys.is_empty() {
                    model.insert(id, (keys, time));
                }
            }
            70..80 => {
                let id = rng.i64(0..2_000);
                index.remove(id);
                model.remove(&id);
            }
            80..85 => {
                horizon += rng.i64(0..200);
                index.prune_before(horizon, rng.i64(0..6_400));
                model.retain(|_, (_, time)| *time >= horizon);
            }
            _ => {
                let query: Vec<String> = (0..rng.usize(1..=3)).map(|_| key(&mut rng)).collect();
                let mut want: Vec<i64> = model
                    .iter()
                    .filter(|(_, (keys, _))| keys.iter().any(|k| query.contains(k)))
                    .map(|(&id, _)| id)
                    .collect();
                want.sort_unstable();
                assert_eq!(index.lookup(&query), want, "step {step}");
            }
        }
    }
}

/// Every slot has one posting for each anchor it is indexed under and no
/// other, however its anchors stopped: a refill never posts one twice, nor
/// leaves one out (pools from a small universe, so stops cascade).
#[test]
fn postings_are_exactly_the_indexed_anchors() {
    let mut rng = fastrand::Rng::with_seed(11);
    let mut index = AnchorIndex::new();
    for id in 0..4000i64 {
        let mut pool: Vec<u32> = Vec::new();
        while pool.len() < POOL {
            // The first anchors common (they stop), the next less so (they
            // stop as refills reach them), the rest rare.
            let a = match pool.len() {
                0..10 => rng.u32(0..60),
                10..16 => rng.u32(60..400),
                _ => rng.u32(1000..9000),
            };
            if !pool.contains(&a) {
                pool.push(a);
            }
        }
        index.insert(id, &pool, id, 0, id);
        if id % 5 == 0 {
            index.remove(id / 2);
        }
    }
    let postings = index.table.cells.iter().filter(|c| !c.is_empty()).count();
    let mut expected = 0;
    for slot in 0..index.slots.items.len() as u32 {
        if index.slots.get(slot).id < 0 {
            continue;
        }
        for (_, anchor) in index.indexed(slot) {
            assert!(index.has_posting(anchor, slot));
            expected += 1;
        }
    }
    assert!(expected > 0 && !index.stop.is_empty());
    assert_eq!(postings, expected);
}

/// Postings of `anchor`, as (id, story).
fn postings_of(index: &AnchorIndex, anchor: u32) -> Vec<(i64, i64)> {
    let mut found = Vec::new();
    index.table.for_each(anchor_hash(anchor), |p| {
        if p.anchor == anchor {
            let s = index.slots.get(p.slot);
            found.push((s.id, s.data.story));
        }
    });
    found.sort_unstable();
    found
}

/// Issue 17: hundreds of copies of one story share its anchors. They stop
/// none of them; each anchor keeps the story's newest few (near copies of
/// one text up to `NEAR_COPIES`, the story up to `PER_STORY`), so a copy
/// arriving after the window dropped the first ones still finds it.
#[test]
fn a_story_with_hundreds_of_copies_keeps_its_anchors_and_its_newest_postings() {
    let mut rng = fastrand::Rng::with_seed(5);
    let mut index = AnchorIndex::new();
    let story_pool: Vec<u32> = (100..124).collect();
    let centre = rng.u64(..);
    for id in 0..600i64 {
        // Every copy has the story's anchors; a third are near copies of
        // one text (two bits from it), the rest spread far apart.
        let simhash = if id % 3 == 0 {
            centre ^ (1 << rng.u32(0..64)) ^ (1 << rng.u32(0..64))
        } else {
            rng.u64(..)
        };
        index.insert(id, &story_pool, id, simhash, 7);
    }
    assert!(story_pool.iter().all(|&a| !index.is_stop(a)));
    for anchor in index.choose(&story_pool) {
        let posted = postings_of(&index, anchor);
        assert_eq!(posted.len(), PER_STORY, "anchor {anchor}");
        // The newest entries are posted: all from the last stretch.
        assert!(
            posted
                .iter()
                .all(|&(id, _)| id >= 600 - 4 * PER_STORY as i64)
        );
        let near = posted
            .iter()
            .filter(|&&(id, _)| {
                index.slots.find(id).is_some_and(|slot| {
                    (index.slots.get(slot).data.simhash ^ centre).count_ones() <= 2
                })
            })
            .count();
        assert!(near <= NEAR_COPIES + 1, "{near} near copies posted");
    }
    // The window moves on past most copies: the story is still found.
    index.prune_before(590, 0);
    let mut found = Vec::new();
    index.candidates(&story_pool, i64::MIN..=i64::MAX, -1, &mut found);
    assert!(!found.is_empty() && found.iter().all(|&id| id >= 590));
    assert_eq!(index.len(), 10);
}

/// Near copies of one text take `NEAR_COPIES` postings of an anchor, and
/// the story's other versions keep their own.
#[test]
fn near_copies_share_a_quota_and_other_versions_keep_theirs() {
    let mut index = AnchorIndex::new();
    let pool = [1, 2, 3];
    for id in 0..10i64 {
        index.insert(id, &pool, id, 0b1 << (id % 2), 1); // 2 bits apart at most
    }
    let far = u64::MAX; // 63-64 bits from all of them
    index.insert(10, &pool, 10, far, 1);
    let posted = postings_of(&index, 1);
    let ids: Vec<i64> = posted.iter().map(|&(id, _)| id).collect();
    assert_eq!(ids, vec![6, 7, 8, 9, 10]);
    // Another story's near copy of the same text is posted on its own.
    index.insert(11, &pool, 11, 0, 2);
    assert_eq!(postings_of(&index, 1).len(), 6);
}

/// A phrase that many stories share still becomes a stop-anchor.
#[test]
fn a_phrase_many_stories_share_still_stops() {
    let mut index = AnchorIndex::new();
    for id in 0..(STOP_AFTER as i64 + 1) {
        index.insert(id, &[9, 1000 + id as u32], id, id as u64, id / 2);
    }
    assert!(index.is_stop(9));
    let mut found = Vec::new();
    index.candidates(&[1005], i64::MIN..=i64::MAX, -1, &mut found);
    assert_eq!(found, vec![5]);
}

/// A headline kept by hundreds of copies of one story: the key keeps the
/// story's newest `PER_STORY`, and other stories' entries under it besides.
#[test]
fn a_key_keeps_the_newest_entries_of_each_story() {
    let mut keys = KeyIndex::default();
    let title = vec!["t:one headline for all".to_string()];
    for id in 0..300i64 {
        keys.insert(id, &title, id, 7);
    }
    keys.insert(300, &title, 300, 8);
    let found = keys.lookup(&title);
    let mut want: Vec<i64> = (300 - PER_STORY as i64..300).collect();
    want.push(300);
    assert_eq!(found, want);
    // An older copy arriving late does not displace newer ones.
    keys.insert(1000, &title, 5, 7);
    assert_eq!(keys.lookup(&title), want);
}
