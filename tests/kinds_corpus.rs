//! The generated corpus of the kinds benchmark (`benches/clean_kinds.rs`)
//! measures what it says it measures: for the eighth to tenth passes,
//! every probe the bench looks for is in the entry's markup (a probe that
//! never was there would count as removed), every article sentence is
//! there to be kept, each half draws only its own forms, and a seed gives
//! the same entries; for the ninth and tenth, no probe is inside an article
//! sentence.

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

/// `html` without its tags (its text, still escaped).
fn without_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// `count` entries of `set`'s `half`, each of between one and eight of
/// the paragraphs.
fn entries(set: Set, seed: u64, half: Half, count: usize) -> Vec<Entry> {
    let mut g = Gen::with_set(seed, half, set);
    (0..count)
        .map(|i| g.entry(&PARAGRAPHS[..1 + i % PARAGRAPHS.len()]))
        .collect()
}

/// Every probe of `set`'s entries is in its entry's markup, and so is
/// every article sentence.
fn probes_and_article_sentences_are_in_the_markup(set: Set, seed: u64) {
    for half in [Half::Dev, Half::Held] {
        for e in entries(set, seed, half, 400) {
            for p in &e.placed {
                assert!(
                    e.html.contains(&esc(&p.probe)),
                    "{} form {} probe {:?} is not in its entry",
                    p.kind,
                    p.form,
                    p.probe
                );
            }
            // A lead-in in bold is part of its paragraph's text.
            let text = without_tags(&e.html);
            for a in &e.article {
                assert!(
                    text.contains(&esc(a)),
                    "article paragraph {a:?} is not in its entry"
                );
            }
            for m in &e.mentions {
                assert!(e.article.contains(m), "mention {m:?} is not article text");
            }
        }
    }
}

/// Each half of `set` draws only its own bio and update forms out of
/// `forms` (its other kinds from the fourth pass's), and all of them.
fn each_half_draws_only_its_own_forms(set: Set, seed: u64, forms: std::ops::Range<usize>) {
    for (half, parity) in [(Half::Dev, 0), (Half::Held, 1)] {
        let mut bio_forms = std::collections::BTreeSet::new();
        let mut update_forms = std::collections::BTreeSet::new();
        for e in entries(set, seed, half, 400) {
            for p in &e.placed {
                assert_eq!(p.form % 2, parity, "{} form {} in {half:?}", p.kind, p.form);
                let range = match p.kind {
                    "bio" | "update" => forms.clone(),
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

/// `set` gives the same entries for a seed, and its bylines vary as feeds
/// give them.
fn deterministic_and_bylines_vary(set: Set, seed: u64) {
    let first = entries(set, seed, Half::Dev, 200);
    let again = entries(set, seed, Half::Dev, 200);
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

/// No probe of `set`'s entries is inside an article sentence, of its own
/// entry or of another (a feed mixes entries): a probe found in kept
/// article text would count as a miss.
fn no_probe_inside_an_article_sentence(set: Set, seed: u64) {
    for half in [Half::Dev, Half::Held] {
        let es = entries(set, seed, half, 400);
        let probes: std::collections::BTreeSet<&str> = es
            .iter()
            .flat_map(|e| e.placed.iter().map(|p| p.probe.as_str()))
            .collect();
        for a in es.iter().flat_map(|e| &e.article) {
            for p in &probes {
                assert!(!a.contains(p), "probe {p:?} is inside article text {a:?}");
            }
        }
    }
}

#[test]
fn eighth_pass_probes_and_article_sentences_are_in_the_markup() {
    probes_and_article_sentences_are_in_the_markup(Set::Blind8, 88);
}

#[test]
fn each_half_of_the_eighth_pass_draws_only_its_own_forms() {
    each_half_draws_only_its_own_forms(Set::Blind8, 8, 76..88);
}

#[test]
fn the_eighth_pass_is_deterministic_and_its_bylines_vary() {
    deterministic_and_bylines_vary(Set::Blind8, 8287);
}

#[test]
fn ninth_pass_probes_and_article_sentences_are_in_the_markup() {
    probes_and_article_sentences_are_in_the_markup(Set::Blind9, 99);
    no_probe_inside_an_article_sentence(Set::Blind9, 99);
}

#[test]
fn each_half_of_the_ninth_pass_draws_only_its_own_forms() {
    each_half_draws_only_its_own_forms(Set::Blind9, 9, 88..100);
}

#[test]
fn the_ninth_pass_is_deterministic_and_its_bylines_vary() {
    deterministic_and_bylines_vary(Set::Blind9, 9299);
}

#[test]
fn tenth_pass_probes_and_article_sentences_are_in_the_markup() {
    probes_and_article_sentences_are_in_the_markup(Set::Blind10, 1010);
    no_probe_inside_an_article_sentence(Set::Blind10, 1010);
}

#[test]
fn each_half_of_the_tenth_pass_draws_only_its_own_forms() {
    each_half_draws_only_its_own_forms(Set::Blind10, 10, 100..112);
}

#[test]
fn the_tenth_pass_is_deterministic_and_its_bylines_vary() {
    deterministic_and_bylines_vary(Set::Blind10, 10299);
}
