//! The generated corpus of the kinds benchmark (`benches/clean_kinds.rs`)
//! measures what it says it measures: for the eighth pass, every probe the
//! bench looks for is in the entry's markup (a probe that never was there
//! would count as removed), every article sentence is there to be kept,
//! each half draws only its own forms, and a seed gives the same entries.

// The bench uses the automated feeds too; this test does not.
#[allow(unused_imports)]
#[path = "support/clean_corpus.rs"]
mod clean_corpus;

use clean_corpus::{Entry, Gen, Half, Set};

/// Article paragraphs as the shared benchmark's bodies give them: plain
/// text, some with characters the markup must escape.
const PARAGRAPHS: &[&str] = &[
    "The council met on Tuesday evening to discuss the budget for the coming year.",
    "Residents of the eastern districts said the bus cuts had doubled their commute.",
    "Officials said the shortfall, about 4% of spending, would be met from reserves.",
    "A spokesman for the mayor declined to say whether layoffs were planned.",
    "Smith & Sons, the oldest firm in town, has bid for the contract <again>.",
    "The vote was postponed until the auditors report in the spring.",
    "Teachers' unions have threatened to strike if class sizes grow.",
    "The last time the city borrowed this much was in 1998.",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `count` entries of the eighth pass's `half`, each of between one and
/// eight of the paragraphs.
fn entries(seed: u64, half: Half, count: usize) -> Vec<Entry> {
    let mut g = Gen::with_set(seed, half, Set::Blind8);
    (0..count)
        .map(|i| g.entry(&PARAGRAPHS[..1 + i % PARAGRAPHS.len()]))
        .collect()
}

#[test]
fn eighth_pass_probes_and_article_sentences_are_in_the_markup() {
    for half in [Half::Dev, Half::Held] {
        for e in entries(88, half, 400) {
            for p in &e.placed {
                assert!(
                    e.html.contains(&esc(&p.probe)),
                    "{} form {} probe {:?} is not in its entry",
                    p.kind,
                    p.form,
                    p.probe
                );
            }
            for a in &e.article {
                assert!(
                    e.html.contains(&esc(a)),
                    "article paragraph {a:?} is not in its entry"
                );
            }
            for m in &e.mentions {
                assert!(e.article.contains(m), "mention {m:?} is not article text");
            }
        }
    }
}

#[test]
fn each_half_of_the_eighth_pass_draws_only_its_own_forms() {
    for (half, parity) in [(Half::Dev, 0), (Half::Held, 1)] {
        let mut bio_forms = std::collections::BTreeSet::new();
        let mut update_forms = std::collections::BTreeSet::new();
        for e in entries(8, half, 400) {
            for p in &e.placed {
                assert_eq!(p.form % 2, parity, "{} form {} in {half:?}", p.kind, p.form);
                let range = match p.kind {
                    "bio" | "update" => 76..88,
                    _ => 32..40,
                };
                assert!(range.contains(&p.form), "{} form {}", p.kind, p.form);
                match p.kind {
                    "bio" => bio_forms.insert(p.form),
                    "update" => update_forms.insert(p.form),
                    _ => false,
                };
            }
        }
        // Every form of the half is drawn: six bios, six notes.
        assert_eq!(bio_forms.len(), 6, "{half:?} bio forms {bio_forms:?}");
        assert_eq!(
            update_forms.len(),
            6,
            "{half:?} update forms {update_forms:?}"
        );
    }
}

#[test]
fn the_eighth_pass_is_deterministic_and_its_bylines_vary() {
    let first = entries(8287, Half::Dev, 200);
    let again = entries(8287, Half::Dev, 200);
    for (a, b) in first.iter().zip(&again) {
        assert_eq!(a.html, b.html);
        assert_eq!(a.bylines, b.bylines);
    }
    // Entries without a byline, with one and with two writers, as feeds
    // give them.
    let counts: Vec<usize> = first.iter().map(|e| e.bylines.len()).collect();
    for n in 0..=2 {
        assert!(counts.contains(&n), "no entry with {n} bylines");
    }
    // Not every entry has a bio; most do.
    let with_bio = first
        .iter()
        .filter(|e| e.placed.iter().any(|p| p.kind == "bio"))
        .count();
    assert!(
        (100..200).contains(&with_bio),
        "{with_bio} of 200 entries have a bio"
    );
}
