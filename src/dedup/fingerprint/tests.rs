// Test code: its unwraps act on the tests' own fixed inputs and temporary
// files, never on outside input; a panic is the test failing.

use super::*;

#[test]
fn normalisation_ignores_case_punctuation_and_spacing() {
    assert_eq!(
        fingerprint("The cat sat on the mat."),
        fingerprint("  the CAT sat\n\non  the mat ")
    );
    assert_eq!(fingerprint(""), 0);
    assert_eq!(Analysis::of("日本語").words(), 3);
}

/// Stored fingerprints and anchors must not change between builds or
/// versions without a FINGERPRINT_VERSION bump: these values were
/// computed by version 2 and pin it, ASCII and non-ASCII paths alike.
#[test]
fn fingerprints_are_stable_across_builds() {
    let text = "The Senate voted 52–48 on Thursday. « Ça déménage », dit l'ÉLU; \
                    東京で会議が開かれた. Straße STRASSE İstanbul ǅemal 42nd x²";
    let analysis = Analysis::of(text);
    assert_eq!(analysis.words(), 28);
    assert_eq!(analysis.fingerprint(), 0x982d_bfa3_a60e_1d2f);
    assert_eq!(
        analysis.anchors(),
        [
            2387582313, 4067155495, 729222304, 253543647, 3743605847, 2711297486, 3124386367,
            1703827855, 1074756254, 2810773871, 3128309679, 1046075681, 3775133832, 1792013545,
            2533304154, 111662319, 747904273, 1594918317, 3571732878, 2528996218, 2434932037,
            910441739, 3837269512, 3227034751
        ]
    );
}

/// The words as the tokeniser made them before its ASCII fast path:
/// stored fingerprints depend on every word being the same.
fn reference_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for ch in text.chars() {
        if is_ideographic(ch) {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            words.push(ch.to_string());
        } else if ch.is_alphanumeric() {
            word.extend(ch.to_lowercase());
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
fn the_ascii_fast_path_makes_the_same_words() {
    let alphabet: Vec<char> =
        "aZ09 .,'’-_\n\t<>&éÉßİıǅΣσςЖж東京ア١٢°²½\u{301}\u{200b}😀\u{a0}—…“\u{2070}\u{2071}"
            .chars()
            .collect();
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..2000 {
        let len = rng.usize(0..80);
        let text: String = (0..len)
            .map(|_| alphabet[rng.usize(..alphabet.len())])
            .collect();
        let mut words = Vec::new();
        for_each_word(&text, |w| words.push(w.to_string()));
        assert_eq!(words, reference_words(&text), "{text:?}");
    }
}

#[test]
fn common_letters_lower_case_as_the_standard_library_does() {
    let mut covered = 0;
    for c in (0..=0x4FF).filter_map(char::from_u32) {
        if let Some(lower) = common_letter_lowercase(c) {
            covered += 1;
            assert!(c.is_alphanumeric(), "{c:?}");
            assert_eq!(
                c.to_lowercase().collect::<String>(),
                lower.to_string(),
                "{c:?}"
            );
        }
    }
    assert_eq!(covered, 62 + 59 + 64);
}

#[test]
fn the_punctuation_shortcut_only_skips_what_is_no_letter_or_digit() {
    let shortcut: Vec<char> = (0..=0x2FFF)
        .filter_map(char::from_u32)
        .filter(|&c| is_punctuation(c))
        .collect();
    assert_eq!(shortcut.len(), 1 + 0x70);
    for c in shortcut {
        assert!(!c.is_alphanumeric(), "{c:?} is a letter or digit");
    }
}

#[test]
fn stored_shingles_verify_as_the_analysed_ones_do() {
    let article = "The council voted on Tuesday to let homeowners convert garages \
                       into small flats, a change supporters say will add hundreds of homes \
                       within two years while critics warn about parking on narrow streets.";
    let copy = format!("CITY (Wire) - {article} Read more at the Daily Example.");
    let (a, b) = (Analysis::of(article), Analysis::of(&copy));
    let stored =
        Shingles::decode(b.words(), &b.shingles.encode()).with_facts(&b.shingles.encode_facts());
    assert_eq!(stored, b.shingles);
    assert!(same_story(&a.shingles, &stored).is_some());
    let other = Analysis::of("A storm closed schools in three counties on Thursday.");
    assert!(same_story(&other.shingles, &stored).is_none());
    // A cut value at the end (a damaged row) is dropped, not misread.
    let mut bytes = b.shingles.encode();
    bytes.pop();
    assert_eq!(
        Shingles::decode(b.words(), &bytes).order,
        b.shingles.order[..b.shingles.order.len() - 1]
    );
}

#[test]
fn the_radix_sort_sorts_as_the_comparison_sort_does() {
    let mut rng = fastrand::Rng::with_seed(11);
    for len in [0, 1, 5, RADIX_MIN - 1, RADIX_MIN, 1000, 5000] {
        for range in [SHINGLE_MASK, 300, u32::MAX] {
            let values: Vec<u32> = (0..len).map(|_| rng.u32(0..=range)).collect();
            let mut expected = values.clone();
            expected.sort_unstable();
            expected.dedup();
            assert_eq!(
                sorted_distinct(&values),
                expected,
                "{len} values to {range}"
            );
        }
    }
}

#[test]
fn short_texts_still_get_a_shingle() {
    assert_eq!(Analysis::of("hello world").shingles.set.len(), 1);
    assert_eq!(Analysis::of("a b c d").shingles.set.len(), 2);
}

#[test]
fn similarity_counts_shared_shingles() {
    let a = Analysis::of("one two three four five six");
    let b = Analysis::of("one two three four five six seven eight");
    let s = similarity(&a.shingles.set, &b.shingles.set);
    assert_eq!(s.shared, 4);
    assert!((s.containment - 1.0).abs() < 1e-9);
    assert!((s.jaccard - 4.0 / 6.0).abs() < 1e-9);
}

#[test]
fn facts_stated_differently_in_one_place_conflict() {
    let pa = facts_of(
        "Average gasoline prices in Pennsylvania have fallen 11 cents per gallon \
             in the last week, averaging $2.76 a gallon today.",
    );
    let wi = facts_of(
        "Average gasoline prices in Wisconsin have fallen 3 cents per gallon \
             in the last week, averaging $4.22 a gallon today.",
    );
    assert_eq!(conflicts(&pa, &wi), 3, "state, cents, price");
    assert_eq!(conflicts(&wi, &pa), 3);
    // A copy with a dateline and a credit: nothing disagrees.
    let copy = facts_of(
        "HARRISBURG (Metro Wire) — Average gasoline prices in Pennsylvania have fallen \
             11 cents per gallon in the last week, averaging $2.76 a gallon today. \
             Copyright 2026 Metro Wire.",
    );
    assert_eq!(conflicts(&pa, &copy), 0);
    // A sentence's first word is no name; lower-case words are no facts.
    assert!(facts_of("Officials said the road was closed.").is_empty());
}

/// Paragraph `i` of a made-up article: words of its own, numbered.
fn paragraph(i: usize) -> String {
    (0..40)
        .map(|w| format!("w{i}x{w}"))
        .collect::<Vec<_>>()
        .join(" ")
        + "."
}

fn text(paragraphs: impl IntoIterator<Item = usize>) -> Shingles {
    let paras: Vec<String> = paragraphs.into_iter().map(paragraph).collect();
    Analysis::of(&paras.join("\n\n")).shingles
}

#[test]
fn what_is_shared_and_what_differs_decide_together() {
    let full = text(0..12);
    // An excerpt: the first three paragraphs and a line of its own.
    let mut excerpt = (0..3).map(paragraph).collect::<Vec<_>>();
    excerpt.push("Read the full story at the Daily Courier.".into());
    let excerpt = Analysis::of(&excerpt.join("\n\n")).shingles;
    assert!(same_story(&excerpt, &full).is_some(), "excerpt joins");
    // The same paragraphs from the middle: quoted, not an excerpt.
    assert!(
        same_story(&text(5..8), &full).is_none(),
        "quote from the middle"
    );
    // A press statement (paragraph 50) quoted by two articles.
    let one = text([0, 1, 50, 2, 3]);
    let two = text([10, 11, 12, 50, 13]);
    assert!(same_story(&one, &two).is_none(), "shared statement");
    // Developing: two paragraphs added at the top, the first rewritten.
    let v1 = text(0..8);
    let v2 = text([20, 21, 30, 1, 2, 3, 4, 5, 6, 7]);
    assert!(same_story(&v1, &v2).is_some(), "developing versions join");
    // A splice of two articles' halves matches neither.
    let spliced = text([0, 1, 2, 3, 40, 41, 42, 43]);
    assert!(same_story(&spliced, &v1).is_none(), "splice");
    // Every verdict is the same both ways.
    let all = [&full, &excerpt, &one, &two, &v1, &v2, &spliced];
    for a in all {
        for b in all {
            assert_eq!(same_story(a, b).is_some(), same_story(b, a).is_some());
        }
    }
}

/// An excerpt's own lines name its outlet where the article names
/// something else after the same two words ("at the [Valley Herald]",
/// "at the [Ryman]"): no disagreement, as they lie outside what the
/// two share. A fact that differs inside the shared text still rules
/// the pair out.
#[test]
fn an_excerpts_own_lines_state_no_conflicting_fact() {
    let mut paras: Vec<String> = (0..12).map(paragraph).collect();
    paras[6] = format!("The band played at the Ryman on Friday. {}", paras[6]);
    let article = Analysis::of(&paras.join("\n\n")).shingles;
    let excerpt = |first: &str| {
        Analysis::of(&format!(
            "From the Daily Courier:\n\n{first}\n\nRead the full story at the Valley Herald."
        ))
        .shingles
    };
    let own = excerpt(&paras[0]);
    assert!(conflicts(&own.facts, &article.facts) >= 1);
    assert!(
        similarity(&own.set, &article.set).shared < SHINGLES_PER_CONFLICT,
        "too few shared shingles to outweigh it"
    );
    assert!(same_story(&own, &article).is_some(), "the excerpt joins");
    // The same excerpt stating a number of its own inside the text.
    let mut words: Vec<&str> = paras[0].split(' ').collect();
    words.insert(20, "in 1999 and");
    let changed = words.join(" ");
    let mut other = paras.clone();
    let mut article_words: Vec<&str> = paras[0].split(' ').collect();
    article_words.insert(20, "in 2004 and");
    other[0] = article_words.join(" ");
    let other = Analysis::of(&other.join("\n\n")).shingles;
    assert!(
        same_story(&excerpt(&changed), &other).is_none(),
        "a fact that differs inside what they share"
    );
    assert!(same_story(&other, &excerpt(&changed)).is_none());
}

#[test]
fn keys_normalise_titles_and_links() {
    assert_eq!(
        title_key("Storm hits the COAST, again!"),
        Some("storm hits the coast again".into())
    );
    assert_eq!(title_key("Weather"), None);
    assert_eq!(
        url_key("https://www.Example.org/a/b/?utm_source=x&id=3#top"),
        url_key("http://example.org/a/b?id=3")
    );
    assert_eq!(url_key("not a url"), None);
}

#[test]
fn headlines_agree_on_whole_words_of_the_shorter_title() {
    let article = Some("Council votes to turn garages into flats");
    for other in [
        "Council votes to turn garages into flats - The Valley Courier",
        "UPDATE 2-Council votes to turn garages into flats",
        "COUNCIL VOTES TO TURN GARAGES INTO FLATS",
    ] {
        assert!(headlines_agree(article, Some(other)), "{other}");
        assert!(headlines_agree(Some(other), article), "{other}");
    }
    // A digest's own title; a word cut in two; too short to tell.
    assert!(!headlines_agree(
        article,
        Some("Morning briefing: five things to know")
    ));
    assert!(!headlines_agree(
        article,
        Some("Council votes to turn garages into flatsville")
    ));
    assert!(!headlines_agree(Some("Flats"), Some("Flats")));
    assert!(!headlines_agree(article, None));
}

#[test]
fn what_lies_in_common_runs_is_counted_once() {
    let a = [1, 2, 3, 4, 5, 6, 7];
    let b = [9, 9, 3, 4, 5, 8, 1, 2, 3, 4];
    // 1 2 3 4 (in b from its 7th value) and 3 4 5 overlap in a.
    assert_eq!(covered_by_runs(&a, &b, 3), 5);
    assert_eq!(covered_by_runs(&a, &b, 4), 4);
    assert_eq!(covered_by_runs(&a, &b, 5), 0);
    assert_eq!(covered_by_runs(&a, &a, a.len()), a.len());
    assert_eq!(covered_by_runs(&a, &b[..2], 3), 0);
}

/// Two texts going round one refrain in their own order share all its
/// shingles; a copy of one runs with it in order.
#[test]
fn refrains_in_another_order_are_not_copies_and_their_copies_are() {
    let refrain = |choices: &[usize]| {
        choices
            .iter()
            .map(|&c| {
                if c == 0 {
                    "row your boat gently down the stream"
                } else {
                    "row your boat merrily down the stream"
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let one = refrain(&[0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1]);
    let other = refrain(&[1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0]);
    let (a, b) = (Analysis::of(&one), Analysis::of(&other));
    assert!(repeats_itself(&a.shingles));
    assert!(matches!(
        verdict(&a.shingles, &b.shingles, true),
        Err(Rejection::Order(_))
    ));
    let copy = Analysis::of(&format!("{one} Distributed by Wire 3."));
    assert!(verdict(&a.shingles, &copy.shingles, false).is_ok());
    assert!(verdict(&copy.shingles, &a.shingles, false).is_ok());
}

/// A short wire story (70 words, as the shortest of the loopback world's
/// articles) in two paragraphs.
const WIRE: &str = "Rescuers pulled a fisherman from the cold water off Point Reyes on \
    Tuesday after his boat capsized in heavy swells, the Coast Guard said. He was \
    taken to a hospital in San Rafael with mild hypothermia and is expected to \
    recover.\n\nThe boat, a 28-foot trawler, had left Bodega Bay before dawn. A \
    passing crew heard the fisherman's radio call and stayed with him until a \
    helicopter arrived about 40 minutes later.";

/// The wire story with a last paragraph of a site's own: the template of
/// every site's note, with its own numbers.
fn noted(site: u32, item: u32) -> Shingles {
    Analysis::of(&format!(
        "{WIRE}\n\nSite {site}, item {item}: a note of its own about harbour number {}.",
        site * 1000 + item
    ))
    .shingles
}

#[test]
fn the_closing_note_is_a_short_last_paragraph_after_another() {
    let text = format!("{WIRE}\n\nContact the Springfield Herald newsroom at 555-0134.\n");
    let note = closing_note(&text);
    let starts = note.is_some_and(|(at, _)| text[at..].starts_with("Contact the Springfield"));
    assert!(starts, "{note:?}");
    assert_eq!(
        note.map(|(_, words)| words),
        Some(8),
        "555-0134 is two words, as Analysis counts them"
    );
    // One paragraph only, a last paragraph over the limit, or one without
    // words: no note.
    assert_eq!(
        closing_note("Contact the Springfield Herald at 555-0134."),
        None
    );
    let long = vec!["word"; MAX_CLOSING_WORDS + 1].join(" ");
    assert_eq!(closing_note(&format!("{WIRE}\n\n{long}")), None);
    let limit = vec!["word"; MAX_CLOSING_WORDS].join(" ");
    assert!(closing_note(&format!("{WIRE}\n\n{limit}")).is_some());
    assert_eq!(closing_note(&format!("{WIRE}\n\n— * —")), None);
    assert_eq!(closing_note("\n\nContact us at 555-0134."), None);
}

#[test]
fn facts_that_differ_only_in_both_closing_notes_are_counted_apart() {
    let (one, other) = (noted(12, 3), noted(40, 3));
    let found = conflicts_by_place(&one.facts, &other.facts);
    assert_eq!(
        found,
        Conflicts {
            body: 0,
            closing: 2
        },
        "the site and the harbour number"
    );
    assert_eq!(conflicts(&one.facts, &other.facts), 2);
    // The same fact in a note on one side and in the body on the other
    // is the same fact.
    let in_body = Analysis::of(&format!(
        "{WIRE} Site 12, item 3: a note of its own about harbour number 12003.\n\nEnds."
    ))
    .shingles;
    assert_eq!(conflicts(&one.facts, &in_body.facts), 0);
    // A number that differs in the note on one side and in the body on
    // the other is a conflict of the body.
    let changed = Analysis::of(&format!(
        "{WIRE} Site 12, item 3: a note of its own about harbour number 99003.\n\nEnds."
    ))
    .shingles;
    assert_eq!(
        conflicts_by_place(&one.facts, &changed.facts),
        Conflicts {
            body: 1,
            closing: 0
        }
    );
}

/// Copies of a short story, each with a note of its own stating two
/// numbers, are one story: before, the two conflicts needed 80 shared
/// shingles and the copies share about 70. A template's items, worded
/// alike but for one fact in the body, stay apart, and so do items that
/// differ only in their closing line while what they share is short.
#[test]
fn notes_of_their_own_do_not_outweigh_a_verbatim_copy() {
    let (one, other) = (noted(12, 3), noted(40, 7));
    let shared = similarity(&one.set, &other.set).shared;
    assert!(shared < 2 * SHINGLES_PER_CONFLICT, "{shared}");
    assert!(same_story(&one, &other).is_some());
    assert!(same_story(&other, &one).is_some());
    // As stored (a candidate is verified from its stored row): the same.
    let stored = Shingles::decode(other.words, &other.encode()).with_facts(&other.encode_facts());
    assert_eq!(stored, other);
    assert!(same_story(&one, &stored).is_some());
    // The same numbers stated in the body instead: two items of a template.
    let body = |site: u32| {
        Analysis::of(&format!(
            "{}\n\nThe rest of the story is told elsewhere.",
            WIRE.replace("28-foot", &format!("{site}-foot"))
                .replace("40 minutes", &format!("{} minutes", site + 1))
        ))
        .shingles
    };
    assert!(same_story(&body(12), &body(40)).is_none());
    // A body fact that differs counts with the notes: the bodies differ in
    // the boat's length, the notes in two numbers.
    let both = Analysis::of(&format!(
        "{}\n\nSite 40, item 7: a note of its own about harbour number 40007.",
        WIRE.replace("28-foot", "35-foot")
    ))
    .shingles;
    assert!(same_story(&one, &both).is_none());
}

/// A template whose items differ only in their closing line ("The jackpot
/// is now $N million.") is weighed as before: one fact that differs,
/// against what the rest shares. Short items stay apart.
#[test]
fn a_templates_last_fact_counts_as_one_conflict() {
    let draw = |jackpot: u32| {
        Analysis::of(&format!(
            "No ticket matched all five numbers in Saturday night's Mega Draw, lottery \
             officials said. The next drawing is Wednesday night, and tickets are sold \
             across the state.\n\nThe jackpot is now ${jackpot} million."
        ))
        .shingles
    };
    let (one, other) = (draw(150), draw(170));
    assert_eq!(
        conflicts_by_place(&one.facts, &other.facts).closing,
        1,
        "the jackpot"
    );
    assert!(similarity(&one.set, &other.set).shared < SHINGLES_PER_CONFLICT);
    assert!(matches!(
        verdict(&one, &other, false),
        Err(Rejection::Facts(_, 1))
    ));
    assert!(same_story(&other, &one).is_none());
    assert!(same_story(&one, &draw(150)).is_some(), "a copy of one draw");
}

/// An aggregator's excerpt of a story, with its "Read the full story at
/// …" line and the site's note after it, joins a full copy with another
/// site's note: the notes are the two texts' edges.
#[test]
fn an_excerpt_with_a_note_of_its_own_joins_a_copy_with_another() {
    let mut paras: Vec<String> = (0..8).map(paragraph).collect();
    // A short first paragraph: what the excerpt shares outweighs no fact.
    paras[0] = paras[0].split(' ').take(25).collect::<Vec<_>>().join(" ") + ".";
    let note = |site: u32| {
        format!("Site {site}, item 3: a note of its own about harbour number {site}003.")
    };
    let full = Analysis::of(&format!("{}\n\n{}", paras.join("\n\n"), note(12))).shingles;
    let excerpt = Analysis::of(&format!(
        "{}\n\nRead the full story at the Valley Herald.\n\n{}",
        paras[..1].join("\n\n"),
        note(40)
    ))
    .shingles;
    assert!(similarity(&excerpt.set, &full.set).shared < SHINGLES_PER_CONFLICT);
    let found = verdict(&excerpt, &full, false);
    assert!(found.is_ok_and(|m| m.excerpt), "{found:?}");
    let found = verdict(&full, &excerpt, false);
    assert!(found.is_ok_and(|m| m.excerpt), "{found:?}");
}
