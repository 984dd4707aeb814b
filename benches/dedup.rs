//! De-duplication benchmark: pairwise precision/recall/F1 of the matcher on
//! the labelled corpus (with the distance distributions behind it), and
//! candidate-lookup latency of the multi-index against a linear scan of the
//! same fingerprints, measured in the same run.
//!
//! It only reads `shared/` and prints; it never writes into the repository.

#[path = "../tests/support/dedup_corpus.rs"]
mod corpus;
#[path = "../tests/support/dedup_db.rs"]
mod db;

use std::hint::black_box;
use std::time::Instant;

use feedsieve::config::DedupConfig;
use feedsieve::dedup::fingerprint::{Analysis, hamming, similarity};
use feedsieve::dedup::index::FingerprintIndex;

/// The settings under test: the defaults, or `max_distance` from
/// `DEDUP_BENCH_K` to measure another threshold without editing code.
fn bench_config() -> DedupConfig {
    let mut config = DedupConfig::default();
    if let Some(k) = std::env::var("DEDUP_BENCH_K")
        .ok()
        .and_then(|k| k.parse().ok())
    {
        config.max_distance = k;
    }
    config
}

fn main() {
    let corpus = corpus::build(&corpus::bodies(), usize::MAX);
    quality(&corpus);
    stories(&corpus);
    lookup_latency();
}

/// The whole stage on the corpus: every document stored as an entry (in a
/// shuffled order, one transaction each, from 12 feeds), grouped by
/// `Deduper::assign`; pairwise precision/recall of the resulting stories.
fn stories(corpus: &corpus::Corpus) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = db::open().await;
        let config = bench_config();
        let deduper = feedsieve::dedup::Deduper::load(&db.pool, &config).await.unwrap();
        let mut feeds = Vec::new();
        for f in 0..12 {
            feeds.push(db::feed(&db.pool, &format!("feed{f}")).await);
        }
        let mut order: Vec<usize> = (0..corpus.docs.len()).collect();
        fastrand::Rng::with_seed(9).shuffle(&mut order);
        let mut entry_of = vec![0i64; corpus.docs.len()];
        let started = Instant::now();
        for (minute, &d) in order.iter().enumerate() {
            let doc = &corpus.docs[d];
            let e = db::NewEntry::new(feeds[d % 12], &format!("doc{d}"), &doc.title, &doc.text, db::ts(minute as i64));
            entry_of[d] = db::insert(&db.pool, &deduper, &[e]).await[0];
        }
        let elapsed = started.elapsed();
        let story: std::collections::HashMap<i64, Option<i64>> = db::grouping(&db.pool).await.into_iter().collect();
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
        let stories: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stories").fetch_one(&db.pool).await.unwrap();
        let groups = corpus.docs.iter().map(|d| d.group).max().map_or(0, |g| g + 1);
        println!(
            "stories (assign on SQLite): precision {precision:.4}  recall {recall:.4}  F1 {:.4}  (tp {tp}, fp {fp}, fn {fn_}); {stories} stories for {groups} true groups; {:.2} ms per entry including its transaction",
            2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE),
            elapsed.as_secs_f64() * 1000.0 / n as f64
        );
    });
}

/// Isolated pair decisions: fingerprint distance within `max_distance` and
/// verification, for every pair of documents.
fn quality(corpus: &corpus::Corpus) {
    let config = bench_config();
    let analyses: Vec<Analysis> = corpus.docs.iter().map(|d| Analysis::of(&d.text)).collect();
    let fps: Vec<u64> = analyses.iter().map(Analysis::fingerprint).collect();
    let n = corpus.docs.len();
    println!(
        "== matcher quality: {n} documents, {} groups, {} hard-negative pairs (max_distance {}, min_words {})",
        corpus
            .docs
            .iter()
            .map(|d| d.group)
            .max()
            .map_or(0, |g| g + 1),
        corpus.hard_negatives.len(),
        config.max_distance,
        config.min_words
    );

    let mut positive_distances = Vec::new();
    let mut negative_min = u32::MAX;
    let mut negative_close = 0usize; // negatives within max_distance
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut verify_only_fn = 0usize;
    let mut misses: Vec<String> = Vec::new();
    let mut false_hits: Vec<String> = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let d = hamming(fps[i], fps[j]);
            let positive = corpus.is_positive(i, j);
            let long =
                analyses[i].words >= config.min_words && analyses[j].words >= config.min_words;
            let verified =
                || similarity(&analyses[i].shingles, &analyses[j].shingles).is_same_story();
            let predicted = long && d <= config.max_distance && verified();
            if positive {
                positive_distances.push(d);
                if !verified() {
                    verify_only_fn += 1;
                }
            } else {
                negative_min = negative_min.min(d);
                if d <= config.max_distance {
                    negative_close += 1;
                }
            }
            match (positive, predicted) {
                (true, true) => tp += 1,
                (false, true) => {
                    fp += 1;
                    false_hits.push(format!(
                        "{} vs {} (d={d})",
                        corpus.docs[i].kind, corpus.docs[j].kind
                    ));
                }
                (true, false) => {
                    fn_ += 1;
                    let s = similarity(&analyses[i].shingles, &analyses[j].shingles);
                    misses.push(format!(
                        "{} vs {} d={d} containment={:.2} jaccard={:.2} words={}/{}",
                        corpus.docs[i].kind,
                        corpus.docs[j].kind,
                        s.containment,
                        s.jaccard,
                        analyses[i].words,
                        analyses[j].words
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
        "pairs in isolation: precision {precision:.4}  recall {recall:.4}  F1 {f1:.4}  (tp {tp}, fp {fp}, fn {fn_}; of the fn, {verify_only_fn} rejected by verification, the rest beyond max_distance)"
    );

    positive_distances.sort_unstable();
    let pct = |v: &[u32], p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    println!(
        "positive pairs ({}): Hamming min {} p10 {} median {} p90 {} p99 {} max {}",
        positive_distances.len(),
        positive_distances[0],
        pct(&positive_distances, 0.10),
        pct(&positive_distances, 0.5),
        pct(&positive_distances, 0.9),
        pct(&positive_distances, 0.99),
        positive_distances[positive_distances.len() - 1]
    );
    let mut hard: Vec<u32> = corpus
        .hard_negatives
        .iter()
        .map(|&(a, b)| hamming(fps[a], fps[b]))
        .collect();
    hard.sort_unstable();
    println!(
        "hard negatives ({}): Hamming min {} p10 {} median {}; all negative pairs: min {negative_min}, {negative_close} within max_distance (verification rejects them)",
        hard.len(),
        hard[0],
        pct(&hard, 0.10),
        pct(&hard, 0.5)
    );
    // Recall at other distances, to show where the default sits.
    let row: Vec<String> = [3u32, 6, 8, 10, 12, 14, 16]
        .iter()
        .map(|&k| {
            let within = positive_distances.iter().filter(|&&d| d <= k).count();
            format!(
                "k={k}: {:.3}",
                within as f64 / positive_distances.len() as f64
            )
        })
        .collect();
    println!("share of positive pairs within k: {}", row.join("  "));
    let mut hard_sims: Vec<(f64, f64, &str)> = corpus
        .hard_negatives
        .iter()
        .map(|&(a, b)| {
            let s = similarity(&analyses[a].shingles, &analyses[b].shingles);
            (s.containment, s.jaccard, corpus.docs[b].kind)
        })
        .collect();
    hard_sims.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!(
        "highest hard-negative containments: {}",
        hard_sims
            .iter()
            .take(5)
            .map(|(c, j, k)| format!("{k} c={c:.2} j={j:.2}"))
            .collect::<Vec<_>>()
            .join("; ")
    );
    for m in misses.iter().take(8) {
        println!("  missed: {m}");
    }
    for h in false_hits.iter().take(8) {
        println!("  false match: {h}");
    }
}

fn lookup_latency() {
    let k = bench_config().max_distance;
    println!("\n== candidate lookup, k = {k}: multi-index vs linear scan of the same fingerprints");
    let mut rng = fastrand::Rng::with_seed(42);
    for n in [10_000usize, 100_000, 1_000_000] {
        let fps: Vec<u64> = (0..n).map(|_| rng.u64(..)).collect();
        let mut index = FingerprintIndex::new();
        let t = Instant::now();
        for (i, &fp) in fps.iter().enumerate() {
            index.insert(i as i64, fp, 0);
        }
        let build = t.elapsed();
        // Half the queries are near a stored fingerprint (a copy arriving),
        // half random (a new story).
        let queries: Vec<u64> = (0..3000)
            .map(|q| {
                if q % 2 == 0 {
                    let mut fp = fps[rng.usize(..n)];
                    for _ in 0..rng.u32(0..=k) {
                        fp ^= 1 << rng.u32(0..64);
                    }
                    fp
                } else {
                    rng.u64(..)
                }
            })
            .collect();
        // Index and scan alternate per query, so noise from other work on
        // the machine falls on both alike.
        let mut out = Vec::new();
        let mut index_times = Vec::with_capacity(queries.len());
        let mut scan_times = Vec::with_capacity(queries.len());
        let (mut found_index, mut found_scan) = (0usize, 0usize);
        for &q in &queries {
            out.clear();
            let t = Instant::now();
            index.candidates(q, k, 0..=0, &mut out);
            index_times.push(t.elapsed().as_nanos() as u64);
            found_index += black_box(&out).len();
            let t = Instant::now();
            let hits = black_box(&fps)
                .iter()
                .enumerate()
                .filter(|(_, fp)| (**fp ^ q).count_ones() <= k)
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
        let p = |v: &[u64], q: f64| v[((v.len() - 1) as f64 * q).round() as usize] as f64 / 1000.0;
        let (ip50, ip99, sp50, sp99) = (
            p(&index_times, 0.5),
            p(&index_times, 0.99),
            p(&scan_times, 0.5),
            p(&scan_times, 0.99),
        );
        println!(
            "n={n:>9}: index p50 {ip50:>8.1} µs p99 {ip99:>8.1} µs | scan p50 {sp50:>8.1} µs p99 {sp99:>8.1} µs | speed-up p50 {:.1}x p99 {:.1}x | build {:.0} ms, ~{} bytes/fingerprint, {found_index} hits",
            sp50 / ip50,
            sp99 / ip99,
            build.as_secs_f64() * 1000.0,
            index.approx_bytes() / n
        );
    }
}
