//! De-duplication benchmark: pairwise precision/recall/F1 of the matcher on
//! the labelled corpus (pairs in isolation, and the whole stage through
//! the store's insert path on SQLite), candidates per lookup, and candidate-lookup
//! latency of the anchor index against a linear scan of the same anchors,
//! measured in the same run, with the index's memory per entry; and the
//! corpora of issue 17 (templated news, excerpts, developing stories, a
//! shared press statement), each half (tuned on, held out) through the
//! store's insert path in a shuffled order.
//!
//! It only reads `shared/` and prints; it never writes into the repository.

#[path = "../tests/support/dedup_corpus.rs"]
mod corpus;
#[path = "../tests/support/dedup_db.rs"]
mod db;
#[path = "../tests/support/dedup_hard.rs"]
mod hard;

use std::hint::black_box;
use std::time::Instant;

use feedsieve::config::DedupConfig;
use feedsieve::dedup::fingerprint::{
    Analysis, conflicts, hamming, headlines_agree, own_passages, same_story, similarity,
    starts_with, verdict,
};
use feedsieve::dedup::index::{ANCHORS, AnchorIndex, STOP_AFTER};

/// The settings under test: the defaults.
/// The default settings; `DEDUP_BENCH_MAX_DISTANCE` overrides the simhash
/// filter to measure its effect on recall and time.
fn bench_config() -> DedupConfig {
    let mut config = DedupConfig::default();
    if let Some(k) = std::env::var("DEDUP_BENCH_MAX_DISTANCE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.max_distance = k;
    }
    println!("max_distance = {}", config.max_distance);
    config
}

fn main() {
    // DEDUP_BENCH_ONLY=stories runs just the story-level part (for sweeps);
    // =load just the window's load time.
    let only = std::env::var("DEDUP_BENCH_ONLY").unwrap_or_default();
    if only == "load" {
        load_time();
        return;
    }
    let corpus = corpus::build(&corpus::bodies(), usize::MAX);
    if only.is_empty() {
        quality(&corpus);
    }
    if only != "why" {
        stories(&corpus);
    }
    if only.is_empty() || only == "hard" {
        hard_cases();
    }
    if only.is_empty() || only == "hard" || only == "mass" {
        mass_syndication(&corpus);
    }
    if only == "why" {
        why(&corpus);
    }
    if only.is_empty() {
        load_time();
        lookup_latency();
    }
}

/// The whole stage on the corpus: every document stored as an entry (in a
/// shuffled order, one transaction each, from 12 feeds), grouped by
/// the pipeline's insert path (`pipeline::insert_new`, which places entries with the deduper); pairwise precision/recall of the resulting stories.
fn stories(corpus: &corpus::Corpus) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = db::open().await;
        let config = bench_config();
        let deduper = feedsieve::dedup::Deduper::load(&db.store, &config).await.unwrap();
        let mut feeds = Vec::new();
        for f in 0..12 {
            feeds.push(db::feed(&db, &format!("feed{f}")));
        }
        let mut order: Vec<usize> = (0..corpus.docs.len()).collect();
        fastrand::Rng::with_seed(9).shuffle(&mut order);
        let mut entry_of = vec![0i64; corpus.docs.len()];
        let started = Instant::now();
        for (minute, &d) in order.iter().enumerate() {
            let doc = &corpus.docs[d];
            let e = db::NewEntry::new(feeds[d % 12], &format!("doc{d}"), &doc.title, &doc.text, db::ts(minute as i64));
            entry_of[d] = db::insert(&db, &deduper, &[e])[0];
        }
        let elapsed = started.elapsed();
        let story: std::collections::HashMap<i64, Option<i64>> = db::grouping(&db).into_iter().collect();
        let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
        let n = corpus.docs.len();
        for i in 0..n {
            for j in i + 1..n {
                let same = story[&entry_of[i]].is_some() && story[&entry_of[i]] == story[&entry_of[j]];
                match (corpus.is_positive(i, j), same) {
                    (true, true) => tp += 1,
                    (false, true) => fp += 1,
                    (true, false) => fn_ += 1,
                    _ => {}
                }
            }
        }
        let precision = tp as f64 / (tp + fp).max(1) as f64;
        let recall = tp as f64 / (tp + fn_).max(1) as f64;
        let stories: i64 = db::sql::scalar(&db.conn(), "SELECT COUNT(*) FROM stories", []);
        let groups = corpus.docs.iter().map(|d| d.group).max().map_or(0, |g| g + 1);
        println!(
            "stories (the store's insert path on SQLite): precision {precision:.4}  recall {recall:.4}  F1 {:.4}  (tp {tp}, fp {fp}, fn {fn_}); {stories} stories for {groups} true groups; {:.2} ms per entry including its transaction",
            2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE),
            elapsed.as_secs_f64() * 1000.0 / n as f64
        );
    });
}

/// `Deduper::load` of a window of 10^5 entries with stored anchors (rows
/// written directly, as `assign` leaves them).
fn load_time() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = db::open().await;
        let config = bench_config();
        feedsieve::dedup::Deduper::load(&db.store, &config).await.unwrap();
        let feed = db::feed(&db, "load");
        let mut rng = fastrand::Rng::with_seed(5);
        let n = 100_000usize;
        let mut conn = db.conn();
        let tx = conn.transaction().unwrap();
        for i in 0..n {
            let at = db::ts((i / 100) as i64);
            let id: i64 = db::sql::scalar(
                &tx,
                "INSERT INTO entries (feed_id, guid, url, title, fetched_at, changed_at, content_text, raw_hash, simhash)
                 VALUES (?, ?, ?, ?, ?, ?, '', 0, ?) RETURNING id",
                (
                    feed,
                    format!("g{i}"),
                    format!("https://load.example/{i}"),
                    format!("A headline for entry number {i}"),
                    &at,
                    &at,
                    rng.i64(..),
                ),
            );
            let anchors: Vec<u8> = (0..24).flat_map(|_| rng.u32(..).to_le_bytes()).collect();
            db::sql::exec(&tx, "INSERT INTO entry_anchors (entry_id, anchors) VALUES (?, ?)", (id, anchors));
        }
        tx.commit().unwrap();
        let t = Instant::now();
        let deduper = feedsieve::dedup::Deduper::load(&db.store, &config).await.unwrap();
        let opened = t.elapsed();
        // The window is read lazily, by the first entry placed: time that read
        // too, or the figure would measure an empty index.
        deduper.ensure_window().unwrap();
        assert_eq!(deduper.indexed(), n, "every stored entry is inside the window");
        println!(
            "\n== load: Deduper::load {:.0} ms, then the window's first read of {} entries with stored anchors: {:.0} ms",
            opened.as_secs_f64() * 1000.0,
            deduper.indexed(),
            (t.elapsed() - opened).as_secs_f64() * 1000.0
        );
    });
}

/// Isolated pair decisions: a shared anchor (with the stop-anchors that the
/// whole corpus makes) and verification, for every pair of documents; the
/// simhash distances are printed to show why they no longer pick candidates.
fn quality(corpus: &corpus::Corpus) {
    let config = bench_config();
    let analyses: Vec<Analysis> = corpus.docs.iter().map(|d| Analysis::of(&d.text)).collect();
    let fps: Vec<u64> = analyses.iter().map(Analysis::fingerprint).collect();
    let n = corpus.docs.len();
    println!(
        "== matcher quality: {n} documents, {} groups, {} hard-negative pairs ({ANCHORS} anchors, stop-anchor after {STOP_AFTER}, min_words {})",
        corpus
            .docs
            .iter()
            .map(|d| d.group)
            .max()
            .map_or(0, |g| g + 1),
        corpus.hard_negatives.len(),
        config.min_words
    );
    let mut index = AnchorIndex::new();
    for (i, a) in analyses.iter().enumerate() {
        index.insert(i as i64, a.anchors(), 0, 0, i as i64);
    }
    let chosen: Vec<Vec<u32>> = analyses.iter().map(|a| index.choose(a.anchors())).collect();
    let mut per_lookup: Vec<usize> = (0..n)
        .map(|i| {
            let mut out = Vec::new();
            index.candidates(analyses[i].anchors(), 0..=0, i as i64, &mut out);
            out.len()
        })
        .collect();
    per_lookup.sort_unstable();

    let mut positive_distances = Vec::new();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let (mut verify_only_fn, mut candidate_pairs) = (0usize, 0usize);
    let mut misses: Vec<String> = Vec::new();
    let mut false_hits: Vec<String> = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let positive = corpus.is_positive(i, j);
            let long =
                analyses[i].words() >= config.min_words && analyses[j].words() >= config.min_words;
            let candidate = long && chosen[i].iter().any(|a| chosen[j].contains(a));
            candidate_pairs += usize::from(candidate);
            let verified = || same_story(&analyses[i].shingles, &analyses[j].shingles).is_some();
            let predicted = candidate && verified();
            if positive {
                positive_distances.push(hamming(fps[i], fps[j]));
                if !verified() {
                    verify_only_fn += 1;
                }
            }
            match (positive, predicted) {
                (true, true) => tp += 1,
                (false, true) => {
                    fp += 1;
                    let s = similarity(&analyses[i].shingles.set, &analyses[j].shingles.set);
                    false_hits.push(format!(
                        "{} vs {} containment={:.2} jaccard={:.2}",
                        corpus.docs[i].kind, corpus.docs[j].kind, s.containment, s.jaccard
                    ));
                }
                (true, false) => {
                    fn_ += 1;
                    let s = similarity(&analyses[i].shingles.set, &analyses[j].shingles.set);
                    misses.push(format!(
                        "{} vs {} candidate={candidate} containment={:.2} jaccard={:.2} words={}/{}",
                        corpus.docs[i].kind,
                        corpus.docs[j].kind,
                        s.containment,
                        s.jaccard,
                        analyses[i].words(),
                        analyses[j].words()
                    ));
                }
                (false, false) => {}
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE);
    println!(
        "pairs in isolation: precision {precision:.4}  recall {recall:.4}  F1 {f1:.4}  (tp {tp}, fp {fp}, fn {fn_}; of the fn, {verify_only_fn} rejected by verification, the rest share no anchor)"
    );
    let pct = |v: &[usize], p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    println!(
        "candidates per lookup over the corpus: mean {:.2} p50 {} p99 {} max {}; {candidate_pairs} candidate pairs of {} (verification rejects the rest); {} stop-anchors",
        per_lookup.iter().sum::<usize>() as f64 / n as f64,
        pct(&per_lookup, 0.5),
        pct(&per_lookup, 0.99),
        per_lookup[n - 1],
        n * (n - 1) / 2,
        (0..n)
            .flat_map(|i| analyses[i].anchors().iter().copied())
            .filter(|&a| index.is_stop(a))
            .collect::<std::collections::HashSet<u32>>()
            .len()
    );

    positive_distances.sort_unstable();
    let pctu = |v: &[u32], p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    let mut hard: Vec<u32> = corpus
        .hard_negatives
        .iter()
        .map(|&(a, b)| hamming(fps[a], fps[b]))
        .collect();
    hard.sort_unstable();
    println!(
        "simhash (not a candidate source): copies Hamming min {} p10 {} median {} p90 {} p99 {} max {}; hard negatives min {} p10 {} median {}",
        positive_distances[0],
        pctu(&positive_distances, 0.10),
        pctu(&positive_distances, 0.5),
        pctu(&positive_distances, 0.9),
        pctu(&positive_distances, 0.99),
        positive_distances[positive_distances.len() - 1],
        hard[0],
        pctu(&hard, 0.10),
        pctu(&hard, 0.5)
    );
    for m in misses.iter().take(8) {
        println!("  missed: {m}");
    }
    for h in false_hits.iter().take(8) {
        println!("  false match: {h}");
    }
}

/// A synthetic entry's anchor pool: mostly hashes of its own shingles, and
/// one in twenty drawn from 2,000 common phrases, most often from the first
/// ones (what makes stop-anchors).
fn synthetic_pool(rng: &mut fastrand::Rng) -> Vec<u32> {
    (0..24)
        .map(|_| {
            if rng.u32(0..20) == 0 {
                let r = rng.f64();
                (r * r * 2000.0) as u32
            } else {
                rng.u32(2000..u32::MAX)
            }
        })
        .collect()
}

fn lookup_latency() {
    println!(
        "\n== candidate lookup: anchor index vs linear scan of the same anchors ({ANCHORS} anchors an entry)"
    );
    let mut rng = fastrand::Rng::with_seed(42);
    for n in [10_000usize, 100_000, 1_000_000] {
        let pools: Vec<Vec<u32>> = (0..n).map(|_| synthetic_pool(&mut rng)).collect();
        let mut index = AnchorIndex::new();
        let t = Instant::now();
        for (i, pool) in pools.iter().enumerate() {
            index.insert(i as i64, pool, 0, 0, i as i64);
        }
        let build = t.elapsed();
        // What the index holds for each entry: the first anchors of its pool
        // that are not stop-anchors now, whenever it was inserted.
        let mut flat = vec![u32::MAX; n * ANCHORS];
        for (i, pool) in pools.iter().enumerate() {
            for (k, a) in index.choose(pool).into_iter().enumerate() {
                flat[i * ANCHORS + k] = a;
            }
        }
        // Half the queries are copies of a stored entry (a third of their
        // anchors changed), half new stories.
        // Fewer at 10^6, where each scan takes tens of milliseconds.
        let queries: Vec<Vec<u32>> = (0..(30_000_000 / n).min(3000))
            .map(|q| {
                if q % 2 == 0 {
                    let mut pool = pools[rng.usize(..n)].clone();
                    for a in pool.iter_mut() {
                        if rng.u32(0..3) == 0 {
                            *a = rng.u32(2000..u32::MAX);
                        }
                    }
                    pool
                } else {
                    synthetic_pool(&mut rng)
                }
            })
            .collect();
        // Index and scan alternate per query, so noise from other work on
        // the machine falls on both alike.
        let mut out = Vec::new();
        let mut index_times = Vec::with_capacity(queries.len());
        let mut scan_times = Vec::with_capacity(queries.len());
        let mut counts = Vec::with_capacity(queries.len());
        let (mut found_index, mut found_scan) = (0usize, 0usize);
        for pool in &queries {
            out.clear();
            let t = Instant::now();
            index.candidates(pool, 0..=0, -1, &mut out);
            index_times.push(t.elapsed().as_nanos() as u64);
            found_index += black_box(&out).len();
            counts.push(out.len());
            let t = Instant::now();
            let query = index.choose(pool);
            let hits = black_box(&flat)
                .chunks_exact(ANCHORS)
                .enumerate()
                .filter(|(_, anchors)| anchors.iter().any(|a| *a != u32::MAX && query.contains(a)))
                .map(|(i, _)| i)
                .collect::<Vec<_>>();
            scan_times.push(t.elapsed().as_nanos() as u64);
            found_scan += hits.len();
        }
        assert_eq!(
            found_index, found_scan,
            "the index must find what the scan finds"
        );
        index_times.sort_unstable();
        scan_times.sort_unstable();
        counts.sort_unstable();
        let p = |v: &[u64], q: f64| v[((v.len() - 1) as f64 * q).round() as usize] as f64 / 1000.0;
        let (ip50, ip99, sp50, sp99) = (
            p(&index_times, 0.5),
            p(&index_times, 0.99),
            p(&scan_times, 0.5),
            p(&scan_times, 0.99),
        );
        println!(
            "n={n:>9}: index p50 {ip50:>7.1} µs p99 {ip99:>7.1} µs | scan p50 {sp50:>8.1} µs p99 {sp99:>8.1} µs | index/scan p50 {:.4} p99 {:.4} | candidates/lookup mean {:.2} p99 {} | build {:.0} ms, ~{} bytes/entry",
            ip50 / sp50,
            ip99 / sp99,
            found_index as f64 / queries.len() as f64,
            counts[(counts.len() - 1) * 99 / 100],
            build.as_secs_f64() * 1000.0,
            index.approx_bytes() / n
        );
    }
}

/// Stores `items` in a seeded shuffled order through the store's insert
/// path (one fetch each, from six feeds); each item's story, and the
/// milliseconds per entry.
fn store_shuffled(items: &[hard::Item], seed: u64) -> (Vec<Option<i64>>, f64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = db::open().await;
        let deduper = feedsieve::dedup::Deduper::load(&db.store, &DedupConfig::default())
            .await
            .unwrap();
        let mut feeds = Vec::new();
        for f in 0..6 {
            feeds.push(db::feed(&db, &format!("feed{f}")));
        }
        let mut order: Vec<usize> = (0..items.len()).collect();
        fastrand::Rng::with_seed(seed).shuffle(&mut order);
        let mut entry_of = vec![0i64; items.len()];
        let started = Instant::now();
        for (minute, &i) in order.iter().enumerate() {
            let item = &items[i];
            let e = db::NewEntry::new(
                feeds[i % 6],
                &format!("i{i}"),
                &item.title,
                &item.text,
                db::ts(minute as i64),
            );
            entry_of[i] = db::insert(&db, &deduper, &[e])[0];
        }
        let per_entry = started.elapsed().as_secs_f64() * 1000.0 / items.len().max(1) as f64;
        let mut stories = Vec::new();
        for id in entry_of {
            stories.push(db::story_of(&db, id));
        }
        (stories, per_entry)
    })
}

/// The corpora of issue 17, each half through the store's insert path.
fn hard_cases() {
    let bodies = corpus::bodies();
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "\n== issue 17 corpora (store's insert path, shuffled order; templates 0-5 and even bodies tuned on, 6-11 and odd bodies held out)"
    );
    for half in [hard::Half::Tune, hard::Half::HeldOut] {
        let items = hard::templated(half, 25);
        let (stories, ms) = store_shuffled(&items, 11);
        let (wrong, total) = hard::wrongly_merged(&items, &stories);
        let (copies, of_copies) = hard::joined_first(&items, &stories, "templated-copy");
        let (cut, of_cut) = hard::joined_first(&items, &stories, "templated-cut");
        println!(
            "{half:?} templated ({} templates × 25 items × 3 copies): merged with a different item {wrong}/{total} = {:.2}%; syndicated copies joined {}/{} = {:.2}% (with credit line {copies}/{of_copies}, without last paragraph {cut}/{of_cut}); {ms:.2} ms/entry",
            half.templates().len(),
            pct(wrong, total),
            copies + cut,
            of_copies + of_cut,
            pct(copies + cut, of_copies + of_cut)
        );
        let joined = |label: &str, items: Vec<hard::Item>, seed: u64, kind: &str| {
            let (stories, ms) = store_shuffled(&items, seed);
            let (joined, total) = hard::joined_first(&items, &stories, kind);
            let (wrong, all) = hard::wrongly_merged(&items, &stories);
            println!(
                "{half:?} {label}: joined {joined}/{total} = {:.2}%; wrongly merged {wrong}/{all}; {ms:.2} ms/entry",
                pct(joined, total)
            );
        };
        joined(
            "excerpts (joining the full copy)",
            hard::excerpts(&bodies, half, 60),
            12,
            "excerpt",
        );
        joined(
            "developing stories (4 versions each; versions joining the first)",
            hard::developing(&bodies, half, 20),
            13,
            "developing",
        );
        let items = hard::press_statements(&bodies, half, 8);
        let (stories, ms) = store_shuffled(&items, 14);
        let (wrong, all) = hard::wrongly_merged(&items, &stories);
        println!(
            "{half:?} press statement quoted by 4 articles (8 statements): articles merged {wrong}/{all}; {ms:.2} ms/entry"
        );
    }
}

/// The labelled corpus's documents as items of the issue 17 corpora.
fn items_of(corpus: &corpus::Corpus) -> Vec<hard::Item> {
    corpus
        .docs
        .iter()
        .map(|d| hard::Item {
            group: d.group,
            kind: d.kind,
            title: d.title.clone(),
            text: d.text.clone(),
        })
        .collect()
}

/// Items as sets of item indices, one set per story, sorted: comparable
/// across databases whose story ids differ.
fn partition(stories: &[Option<i64>]) -> Vec<Vec<usize>> {
    let mut by_story = std::collections::BTreeMap::<Option<i64>, Vec<usize>>::new();
    for (i, story) in stories.iter().enumerate() {
        by_story.entry(*story).or_default().push(i);
    }
    let mut parts: Vec<Vec<usize>> = by_story.into_values().collect();
    parts.sort();
    parts
}

/// Issue 17 at scale: a wire story carried by hundreds of feeds in one
/// window (`DEDUP_BENCH_MASS=ARTICLES×COPIES`, default 10×300), each half
/// in three shuffled orders: copies and excerpts joined, wrong merges,
/// whether the orders agree, and the cost an entry against the labelled
/// corpus's, stored the same way in the same run.
fn mass_syndication(corpus: &corpus::Corpus) {
    let bodies = corpus::bodies();
    let size = std::env::var("DEDUP_BENCH_MASS").unwrap_or_default();
    let (articles, copies) = size
        .split_once(['x', '×'])
        .and_then(|(a, c)| Some((a.trim().parse().ok()?, c.trim().parse().ok()?)))
        .unwrap_or((10, 300));
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    let ordinary = items_of(corpus);
    let (_, base_ms) = store_shuffled(&ordinary, 21);
    println!(
        "\n== a story with hundreds of copies ({articles} articles × {copies} copies a half, 3 shuffled orders; baseline: the labelled corpus, {} entries, {base_ms:.2} ms/entry)",
        ordinary.len()
    );
    for half in [hard::Half::Tune, hard::Half::HeldOut] {
        let items = hard::mass_syndicated(&bodies, half, articles, copies);
        let mut first: Option<Vec<Vec<usize>>> = None;
        let mut same_orders = 0;
        for seed in 0..3 {
            let (stories, ms) = store_shuffled(&items, 30 + seed);
            let (joined, of) = hard::joined_first(&items, &stories, "mass-copy");
            let (excerpts, of_excerpts) = hard::joined_first(&items, &stories, "mass-excerpt");
            let (wrong, all) = hard::wrongly_merged(&items, &stories);
            let parts = partition(&stories);
            let alone = parts.iter().filter(|p| p.len() == 1).count();
            println!(
                "{half:?} order {seed}: {} stories for {} articles ({alone} entries alone); copies joined {joined}/{of} = {:.2}%, excerpts {excerpts}/{of_excerpts} = {:.2}%; wrongly merged {wrong}/{all}; {ms:.2} ms/entry = {:.2}× baseline",
                parts.len(),
                items.iter().map(|i| i.group).max().map_or(0, |g| g + 1),
                pct(joined, of),
                pct(excerpts, of_excerpts),
                ms / base_ms
            );
            match &first {
                None => first = Some(parts),
                Some(first) => same_orders += usize::from(*first == parts),
            }
        }
        println!("{half:?}: orders 1 and 2 gave order 0's partition: {same_orders}/2");
    }
}

/// One pair as the matcher sees it: words, simhash distance, anchors of
/// one among the other's shingles (the sketch test, both ways), overlap,
/// facts in conflict, passages of their own, where the shared text lies,
/// and the verdict with its reason.
fn explain(a: &Analysis, b: &Analysis, titles: (&str, &str)) -> String {
    let (sa, sb) = (&a.shingles, &b.shingles);
    let headline = headlines_agree(Some(titles.0), Some(titles.1));
    let s = similarity(&sa.set, &sb.set);
    let hits = |x: &Analysis, y: &Analysis| {
        x.anchors()
            .iter()
            .filter(|&&h| y.shingles.has_anchor(h))
            .count()
    };
    let shared_anchors = a
        .anchors()
        .iter()
        .filter(|h| b.anchors().contains(h))
        .count();
    // What the index holds of each (no stop-anchors in a fresh one).
    let chosen_b = &b.anchors()[..b.anchors().len().min(ANCHORS)];
    let chosen = a.anchors()[..a.anchors().len().min(ANCHORS)]
        .iter()
        .filter(|h| chosen_b.contains(h))
        .count();
    format!(
        "words {}/{} dist {} anchors shared {} (indexed {chosen}) sketch {}/{} | shared {} C {:.2} J {:.2} conflicts {} | own a {:?} own b {:?} | a starts b {} b starts a {} | headline {headline} | {:?}",
        a.words(),
        b.words(),
        hamming(a.fingerprint(), b.fingerprint()),
        shared_anchors,
        hits(a, b),
        hits(b, a),
        s.shared,
        s.containment,
        s.jaccard,
        conflicts(&sa.facts, &sb.facts),
        own_passages(sa, sb),
        own_passages(sb, sa),
        starts_with(sb, sa),
        starts_with(sa, sb),
        verdict(sa, sb, headline).map(|m| if m.excerpt { "excerpt" } else { "copy" })
    )
}

/// `DEDUP_BENCH_ONLY=why`: the tuning material's misses, pair by pair.
/// The labelled corpus's groups that the insert path splits (each pair
/// across the parts), and the excerpts of the tuning half (even bodies)
/// that stay out of their article's story: the scored draw and three more
/// draws of other cuts, lead lines and outlets. Never the held-out half.
fn why(corpus: &corpus::Corpus) {
    let items = items_of(corpus);
    let analyses: Vec<Analysis> = items.iter().map(|i| Analysis::of(&i.text)).collect();
    let (stories, _) = store_shuffled(&items, 9);
    let mut by_group = std::collections::BTreeMap::<usize, Vec<usize>>::new();
    for (i, item) in items.iter().enumerate() {
        by_group.entry(item.group).or_default().push(i);
    }
    println!("== labelled corpus: groups split by the insert path");
    let mut missed = 0;
    for members in by_group.values() {
        for (k, &i) in members.iter().enumerate() {
            for &j in &members[k + 1..] {
                if stories[i] != stories[j] {
                    missed += 1;
                    println!(
                        "  group {} {} ({:?}) vs {} ({:?}): {}",
                        items[i].group,
                        items[i].kind,
                        stories[i],
                        items[j].kind,
                        stories[j],
                        explain(
                            &analyses[i],
                            &analyses[j],
                            (&items[i].title, &items[j].title)
                        )
                    );
                }
            }
        }
    }
    println!("  {missed} pairs apart");
    let mut merged = std::collections::HashMap::<i64, std::collections::BTreeSet<usize>>::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(s) = stories[i] {
            merged.entry(s).or_default().insert(item.group);
        }
    }
    for (story, groups) in merged.iter().filter(|(_, g)| g.len() > 1) {
        println!("  story {story} holds groups {groups:?}");
    }

    // The labelled corpus's pairs that share an anchor and are ruled out
    // by shape although one side has no long passage of its own: the
    // ambiguity of a text wholly at the start of a longer one.
    println!("== labelled corpus: contained pairs ruled out by shape");
    let mut index = feedsieve::dedup::index::AnchorIndex::new();
    for (i, a) in analyses.iter().enumerate() {
        index.insert(i as i64, a.anchors(), 0, 0, i as i64);
    }
    let chosen: Vec<Vec<u32>> = analyses.iter().map(|a| index.choose(a.anchors())).collect();
    for i in 0..items.len() {
        for j in i + 1..items.len() {
            if !chosen[i].iter().any(|a| chosen[j].contains(a)) {
                continue;
            }
            let (a, b) = (&analyses[i].shingles, &analyses[j].shingles);
            if let Err(feedsieve::dedup::fingerprint::Rejection::Shape(s)) = verdict(a, b, false) {
                let (oa, ob) = (own_passages(a, b), own_passages(b, a));
                if oa.longest.min(ob.longest) <= 24 {
                    println!(
                        "  {} {} vs {} [{}]: tail/shared {:.2}/{:.2} J {:.2} | {}",
                        if items[i].group == items[j].group {
                            "POS"
                        } else {
                            "neg"
                        },
                        items[i].kind,
                        items[j].kind,
                        items[i].group,
                        oa.trailing as f64 / s.shared as f64,
                        ob.trailing as f64 / s.shared as f64,
                        s.jaccard,
                        explain(
                            &analyses[i],
                            &analyses[j],
                            (&items[i].title, &items[j].title)
                        )
                    );
                }
            }
        }
    }

    let bodies = corpus::bodies();
    for (draw, seed) in [17_002u64, 1, 2, 3].into_iter().enumerate() {
        let items = hard::excerpts_seeded(&bodies, hard::Half::Tune, usize::MAX, seed);
        let (stories, _) = store_shuffled(&items, 12);
        let (joined, total) = hard::joined_first(&items, &stories, "excerpt");
        println!("== tuning-half excerpts, draw {draw} (seed {seed}): joined {joined}/{total}");
        for pair in items.chunks(2) {
            let [full, excerpt] = pair else { continue };
            let k = items
                .iter()
                .position(|i| std::ptr::eq(i, full))
                .unwrap_or(0);
            if stories[k] != stories[k + 1] {
                println!(
                    "  group {}: {}",
                    full.group,
                    explain(
                        &Analysis::of(&excerpt.text),
                        &Analysis::of(&full.text),
                        (&excerpt.title, &full.title)
                    )
                );
            }
        }
    }
}
