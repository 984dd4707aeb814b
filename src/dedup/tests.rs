//! Unit tests of the matcher, its rows and its window.
//!
//! Test code: its unwraps act on the tests' own fixed inputs and temporary
//! files, never on outside input; a panic is the test failing.

use super::rows::*;
use super::window::*;
use super::*;

/// Deterministic text of `n` distinct made-up words, numbered from `from`.
fn words(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("w{i}x"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn loaded(text: &str) -> Loaded {
    Loaded {
        title: None,
        url: None,
        fetched_at: String::new(),
        changed_at: String::new(),
        story_id: None,
        time: Some(0),
        text: Text::Analysed(std::sync::Arc::new(Analysis::of(text))),
        chars: Some(0),
    }
}

fn anchored(id: i64) -> Candidate {
    Candidate {
        id,
        by_key: false,
        anchored: false,
    }
}

#[test]
fn a_candidate_is_read_only_if_its_sketch_overlaps_the_entry() {
    let deduper = Deduper::empty(&DedupConfig::default());
    let mut batch = Batch::default();
    // The entry: 600 words. A copy that keeps 40% of it (Jaccard ~0.33,
    // near the verification floor) and adds as much of its own.
    let entry = words(0, 600);
    batch.rows.insert(1, loaded(&entry));
    let copy = format!("{} {}", words(0, 240), words(10_000, 240));
    batch
        .sketches
        .insert(2, Analysis::of(&copy).anchors().to_vec());
    assert!(
        deduper.worth_reading(&batch, 1, anchored(2)),
        "a copy near the floor is read"
    );
    // An unrelated text that shares with the entry only the phrase its
    // smallest anchor was made from: one hit, not read.
    let unrelated = Analysis::of(&words(20_000, 600));
    let shared_phrase = Analysis::of(&entry).anchors()[0];
    let mut sketch = unrelated.anchors().to_vec();
    sketch[5] = shared_phrase;
    batch.sketches.insert(3, sketch);
    assert!(
        !deduper.worth_reading(&batch, 1, anchored(3)),
        "one shared phrase is not enough"
    );
    // Unless it shares a title or link key: it may be a short text.
    assert!(deduper.worth_reading(
        &batch,
        1,
        Candidate {
            id: 3,
            by_key: true,
            anchored: false,
        }
    ));
    // Without a stored sketch, or for a short entry, it is read anyway.
    assert!(deduper.worth_reading(&batch, 1, anchored(4)));
    batch
        .rows
        .insert(5, loaded("too short to compare on shingles"));
    batch.sketches.insert(6, unrelated.anchors().to_vec());
    assert!(deduper.worth_reading(&batch, 5, anchored(6)));
}

#[test]
fn a_read_ahead_is_stale_only_after_an_edit_of_what_it_read() {
    let mut batch = Batch::default();
    batch
        .rows
        .insert(1, loaded("an entry read ahead of the writer"));
    let mut log = EditLog::default();
    assert!(!log.stale(0, &batch), "nothing was edited yet");
    log.record(&[2]);
    assert!(!log.stale(0, &batch), "another entry was edited");
    log.record(&[1]);
    assert!(log.stale(0, &batch), "it was edited after the read began");
    assert!(
        log.stale(2, &batch),
        "edited in the generation the read began in"
    );
    assert!(!log.stale(3, &batch), "edited before the read began");
    // Past EDITS_KEPT the log forgets: older read-aheads count as stale.
    let many: Vec<i64> = (10..10 + EDITS_KEPT as i64).collect();
    log.record(&many);
    assert!(log.stale(2, &batch), "its generation was forgotten");
    assert!(!log.stale(3, &batch), "begun in the generation that forgot");
}

/// An anchor of both starts (the first two indexed of each) or two shared
/// anchors waive the distance; one other anchor does not.
#[test]
fn max_distance_is_waived_for_two_shared_anchors_or_a_lead_one() {
    let config = DedupConfig {
        max_distance: 0,
        ..DedupConfig::default()
    };
    let deduper = Deduper::empty(&config);
    let entry = loaded(&words(0, 300));
    let analysis = entry.text.analysis().unwrap().clone();
    let (own, far) = (analysis.fingerprint(), !analysis.fingerprint());
    let anchors = analysis.anchors();
    {
        let mut window = deduper.lock();
        // 1 and 2 stand for anchors of their own, before the shared one.
        window.add(10, &[1, 2, anchors[5]], 0, Vec::new(), far, 10);
        window.add(11, &[1, 2, anchors[4], anchors[5]], 0, Vec::new(), far, 11);
        window.add(12, &[1, 2, anchors[5]], 0, Vec::new(), own, 12);
        window.add(13, &anchors[..1], 0, Vec::new(), far, 13);
        // The candidate's first anchor, but no lead anchor of the entry.
        window.add(14, &[anchors[7], 7, 8], 0, Vec::new(), far, 14);
    }
    let mut found: Vec<i64> = deduper.candidates(&entry, 1).iter().map(|c| c.id).collect();
    found.sort_unstable();
    assert_eq!(
        found,
        vec![11, 12, 13],
        "one anchor and 64 bits apart: dropped"
    );
}

#[test]
fn anchors_round_trip_through_their_stored_form() {
    let anchors = vec![0, 1, u32::MAX, 0x0102_0304];
    assert_eq!(decode_anchors(&encode_anchors(&anchors)), anchors);
    assert_eq!(decode_anchors(&[1, 0, 0, 0, 9]), vec![1]);
}

#[test]
fn deduper_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Deduper>();
}

// Rows read back through the store's own statements, from an in-memory
// database the store's fixtures fill (no SQL here).
mod stored_shingles_tests {
    use super::*;
    use crate::store::fixtures::{database, insert_entry};

    #[test]
    fn a_canonical_is_verified_on_its_stored_shingles_or_else_its_text() {
        let conn = database();
        let text = "Über 40 Städte: the council voted on Tuesday to let homeowners convert \
                    garages into small flats, a change supporters say will add homes.";
        let analysis = Analysis::of(text);
        let chars = i64::try_from(text.chars().count()).unwrap();
        insert_entry(&conn, 1, text);
        save_analysis(Db::new(&conn), 1, &analysis, Some(chars)).unwrap();
        // An entry stored before entry_shingles existed has no row there.
        insert_entry(&conn, 2, text);

        let mut batch = Batch::default();
        load_rows(Db::new(&conn), &mut batch, &[1, 2, 3], Need::Verify).unwrap();
        assert!(!batch.rows.contains_key(&3), "no such entry");
        let stored = &batch.rows[&1];
        assert!(matches!(stored.text, Text::Stored(_)));
        assert_eq!(stored.text.shingles(), &analysis.shingles);
        assert!(
            !stored.text.shingles().facts.is_empty(),
            "facts stored and read"
        );
        assert_eq!(stored.story_id, Some(7));
        let from_text = &batch.rows[&2];
        assert!(matches!(from_text.text, Text::Analysed(_)));
        assert_eq!(from_text.text.shingles(), &analysis.shingles);
        // Both have the length as SQLite counts it: characters.
        assert_eq!(stored.chars, Some(chars));
        assert_eq!(from_text.chars, stored.chars);

        // A new text replaces the stored shingles.
        let edited = Analysis::of("a storm closed schools in three counties on thursday");
        save_analysis(Db::new(&conn), 1, &edited, Some(52)).unwrap();
        let mut batch = Batch::default();
        load_rows(Db::new(&conn), &mut batch, &[1], Need::Verify).unwrap();
        assert_eq!(batch.rows[&1].text.shingles(), &edited.shingles);
    }
}
