//! Tests of the built-in rules.
//!
//! Test code: its unwraps act on the tests' own fixed inputs and temporary
//! files, never on outside input; a panic is the test failing.

use super::*;

#[test]
fn strips_tracking_params_only() {
    assert_eq!(
        strip_tracking("https://a.b/x?utm_source=f&id=3&fbclid=9#top".into()),
        "https://a.b/x?id=3#top"
    );
    assert_eq!(strip_tracking("/p?utm_medium=rss".into()), "/p");
    assert_eq!(
        strip_tracking("https://a.b/x?q=a%20b".into()),
        "https://a.b/x?q=a%20b"
    );
}

#[test]
fn refuses_unsafe_schemes() {
    assert!(safe_url("javascript:alert(1)", true).is_none());
    assert!(safe_url(" JaVa\tScRiPt:alert(1)", true).is_none());
    assert!(safe_url("data:text/html,x", true).is_none());
    assert!(safe_url("vbscript:x", true).is_none());
    assert!(safe_url("mailto:a@b.c", false).is_none());
    assert_eq!(safe_url("/a/b:c", false).as_deref(), Some("/a/b:c"));
    assert_eq!(
        safe_url("https://x.y/", false).as_deref(),
        Some("https://x.y/")
    );
}

/// Each pattern a literal prefilter stands for contains one of its
/// literals (a new pattern without one would never run).
#[test]
fn prefilters_cover_their_patterns() {
    let unanchored = PHRASES.iter().filter(|r| !r.pattern.starts_with('^'));
    for r in unanchored {
        assert!(
            PHRASES_ANY_NEEDS.iter().any(|l| r.pattern.contains(l)),
            "{}",
            r.pattern
        );
    }
    for p in NEWSLETTER_TOPICS {
        assert!(TOPICS_NEED.iter().any(|l| p.contains(l)), "{p}");
    }
}

#[test]
fn start_checks_know_their_patterns() {
    let b = Builtin::new().unwrap();
    // Both sets are known literals, so the checks do skip blocks.
    assert!(b.phrases_start_heads.0.is_some() && b.related_heads.0.is_some());
    // Unanchored or open-ended patterns give no check.
    assert!(Starts::of(&[r"\bno spam\b".to_string()]).0.is_none());
    assert!(Starts::of(&[r"^read|more".to_string()]).0.is_none());
    assert!(Starts::of(&[r"^\W*(share|follow)".to_string()]).0.is_none());
    // Every start a rule's own match has passes.
    for text in [
        "the post x appeared first on y",
        "\u{a9} 2024 site",
        "(c) 2024",
        "read more",
        "follow us on x",
        "related",
        "more from the site",
        "you may also like",
        "don't miss",
        "up next",
    ] {
        assert!(
            b.phrases_start_heads.may_match(text) || b.related_heads.may_match(text),
            "{text:?}"
        );
    }
    assert!(!b.phrases_start_heads.may_match("officials said on monday"));
    assert!(!b.related_heads.may_match("officials said on monday"));
}

/// 5,000 texts of up to `most` pieces, pseudo-randomly chosen.
fn random_texts(pieces: &[&str], most: u64) -> Vec<String> {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..5_000)
        .map(|_| {
            (0..next() % most)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect()
        })
        .collect()
}

#[test]
fn key_hash_is_the_hash_of_the_text_with_digit_runs_masked() {
    // The stored template keys: SipHash of the text with each run of
    // ASCII digits written as one "0", whatever the digits' offsets.
    let b = Builtin::new().unwrap();
    let reference = |text: &str| {
        let mut masked = Vec::new();
        let mut in_digits = false;
        for &c in text.as_bytes() {
            if c.is_ascii_digit() {
                if !in_digits {
                    masked.push(b'0');
                }
                in_digits = true;
            } else {
                masked.push(c);
                in_digits = false;
            }
        }
        let mut h = super::super::classify::hasher();
        h.write(&masked);
        h.finish()
    };
    let pieces = [
        "a", "9", "42", "2026 ", "text ", "\u{e9}", "\u{430}", "/", "0", " ",
    ];
    for text in random_texts(&pieces, 40) {
        assert_eq!(b.key_hash(&text), reference(&text), "{text:?}");
    }
    assert_eq!(
        b.key_hash("\u{a9} 2024 planet daily"),
        b.key_hash("\u{a9} 1999 planet daily")
    );
}

#[test]
fn lower_into_lowers_character_by_character() {
    // The stretch-wise copy of text lower-casing keeps is the
    // character-wise rule, over ASCII runs of every length around
    // Cyrillic, Latin-1, quotes and caseless scripts.
    let pieces = [
        "The ",
        "QUICK",
        "brown ",
        "FoX",
        "jumped over the lazy dog ",
        "\u{41f}\u{440}\u{438}",
        "\u{432}\u{435}\u{442}",
        " \u{41c}\u{418}\u{420} ",
        "\u{401}\u{451}\u{40f}\u{45f}\u{460}\u{461}",
        "\u{404}\u{456}\u{457}\u{48a}\u{48b}\u{430}\u{44f}\u{43f}\u{440}",
        "\u{43e}\u{447}\u{435}\u{43d}\u{44c} ",
        "\u{c9}T\u{c9}",
        "\u{2019}",
        "\u{201c}",
        "\u{2014}",
        "\u{3a3}\u{3c3}",
        "\u{d55c}\u{ad6d}",
        "\u{130}",
        "\u{212a}",
        "12345678 ",
        ".",
    ];
    for text in random_texts(&pieces, 12) {
        let (mut fast, mut slow) = (String::from("x"), String::from("x"));
        lower_into(&text, &mut fast);
        for c in text.chars() {
            push_lower(c, &mut slow);
        }
        assert_eq!(fast, slow, "{text:?}");
    }
}

/// The texts the label check is tried on: labels, near misses and
/// article words, with punctuation, digits of several scripts,
/// Cyrillic and CJK.
fn label_texts() -> Vec<String> {
    let pieces = [
        "advertisement",
        "ad",
        "ads",
        "read",
        " ",
        " ",
        " ",
        "— ",
        ", ",
        "share",
        "on",
        "x",
        "facebook",
        "3",
        "\u{663}",
        "\u{967}",
        "12 ",
        "likes",
        "like this",
        "loading",
        "site ",
        "logo",
        " icon",
        "png",
        "реклама",
        "\u{420}\u{435}\u{43a}\u{43b}\u{430}\u{43c}\u{430}",
        "広告",
        "광고",
        "publicité",
        "sponsored by",
        "the",
        "story continues below",
        "avatar",
        "kitchen",
        "\u{43a}\u{443}\u{445}\u{43d}\u{44e}",
        "caf\u{e9}",
        "!",
        "\u{2014}",
    ];
    let mut texts = random_texts(&pieces, 8);
    texts.extend(
        LONE.iter()
            .flat_map(|_| ["", " ", "ad", "x", "1"])
            .map(str::to_string),
    );
    texts
}

#[test]
fn bare_tail_is_the_end_of_the_bare_text() {
    for text in label_texts() {
        let lower = {
            let mut s = String::new();
            lower_into(&text, &mut s);
            s
        };
        let bare = bare(&lower);
        let mut want = 0u32;
        for (k, &b) in bare.as_bytes().iter().rev().take(4).enumerate() {
            want |= u32::from(b) << (8 * k);
        }
        assert_eq!(bare_tail(&lower), want, "{text:?}");
    }
}

/// Every label the patterns match passes the check on its end, and the
/// check does turn texts away.
#[test]
fn label_ends_cover_their_patterns() {
    let b = Builtin::new().unwrap();
    assert!(b.lone_tails.0.is_some());
    let (mut matched, mut skipped) = (0, 0);
    for text in label_texts() {
        let mut lower = String::new();
        lower_into(&text, &mut lower);
        let bare = bare(&lower);
        let may = b.lone_tails.may_match(bare_tail(&lower));
        if b.lone.is_match(&bare) {
            matched += 1;
            assert!(may, "{text:?}");
        }
        skipped += usize::from(!may);
    }
    assert!(matched > 100 && skipped > 1_000, "{matched} {skipped}");
    for label in [
        "ad",
        "реклама",
        "広告",
        "\u{663}\u{664} likes",
        "share \u{967}",
        "our logo",
    ] {
        assert!(b.lone.is_match(label) && b.lone_tails.may_match(bare_tail(label)));
    }
    for text in [
        "read",
        "kitchen",
        "a storm",
        "\u{43a}\u{443}\u{445}\u{43d}\u{44e}",
    ] {
        assert!(!b.lone_tails.may_match(bare_tail(text)), "{text:?}");
    }
    // An open-ended pattern gives no check.
    assert!(Ends::of(&[r"^ad\w+".to_string()]).0.is_none());
    assert!(Ends::of(&[r"^ad\b".to_string()]).0.is_none());
}

/// One search of the shared buffer says of each block what a search
/// of the block alone says, literals cut by block ends included.
#[test]
fn needs_of_all_blocks_match_each_blocks_own_search() {
    let b = Builtin::new().unwrap();
    for lit in PHRASES_ANY_NEEDS.iter().chain(TOPICS_NEED) {
        assert!(!lit.contains(BLOCK_SEPARATOR), "{lit}");
    }
    let pieces = [
        "mai", "l", "spa", "m ", "inbox", "in", "box", "may not", " be", "x", "news", "letter",
        "\u{43f}", "privacy ", "di", "gest", "", " ",
    ];
    let texts = random_texts(&pieces, 6);
    for group in texts.chunks(7) {
        let mut lowers = String::new();
        let mut ranges = Vec::new();
        for (i, t) in group.iter().enumerate() {
            // Some blocks are long, with no text in the buffer.
            if i % 3 == 2 {
                ranges.push((0, 0));
                continue;
            }
            if !lowers.is_empty() {
                lowers.push(BLOCK_SEPARATOR);
            }
            let start = lowers.len();
            lowers.push_str(t);
            ranges.push((start, lowers.len()));
        }
        let want: Vec<bool> = ranges
            .iter()
            .map(|&(s, e)| s < e && b.any_need.is_match(&lowers[s..e]))
            .collect();
        assert_eq!(b.needs(&lowers, ranges.iter().copied()), want, "{group:?}");
    }
}

#[test]
fn bare_keeps_letters_and_digits_single_spaced() {
    for s in [
        "",
        "  ",
        "— advertisement —",
        "share: a1b2 ,, c",
        "caf\u{e9} \u{43e}\u{43a} x!",
        "\u{43f}\u{440}\u{438}\u{432}\u{435}\u{442}, \u{43c}\u{438}\u{440}\u{ab}\u{45f}\u{47f}\u{bb}2024\u{482}x",
        "\u{d55c}\u{ad6d} \u{2014} 12\u{430}",
    ] {
        let mut general = String::new();
        let mut space = false;
        for c in s.chars() {
            if c.is_alphanumeric() {
                if space && !general.is_empty() {
                    general.push(' ');
                }
                space = false;
                general.push(c);
            } else {
                space = true;
            }
        }
        assert_eq!(bare(s), general, "{s:?}");
    }
}

#[test]
fn no_label_is_empty() -> Result<(), CleanError> {
    assert!(!Builtin::new()?.lone.is_match(""));
    Ok(())
}

#[test]
fn splits_class_parts() {
    let mut ps = Vec::new();
    parts("adSlot-2 header", &mut ps);
    assert_eq!(ps, ["ad", "slot", "2", "header"]);
}

mod agency_tests {
    #[test]
    fn agency_credits_end_with_an_agency_after_a_mark_or_word() {
        for credit in [
            "jane doe/ap",
            "jane doe / ap",
            "(photo by tom berg via getty images)",
            "ana ruiz | reuters.",
            "lee park via bloomberg",
            "photo: sam chen — afp",
            "jane doe, ap",
            "ringo h.w. chiu, ap",
            "al goldis, associated press",
        ] {
            assert!(super::agency_credit(credit), "{credit}");
        }
        for text in [
            "it was cheap",
            "ap",
            "/ap",
            "the deal was reported by reuters",
            "shares fell after the news",
            "germany, france and ap",
            "he said the photographer, who works for reuters, ap",
        ] {
            assert!(!super::agency_credit(text), "{text}");
        }
    }

    #[test]
    fn a_captions_credit_ends_it_after_a_bar_or_a_sentence() {
        for caption in [
            "lee elder war beim masters 1975 der zuschauermagnet. | © augusta national/getty images",
            "die brücke am montagmorgen. foto: jana schmidt",
            "the pier on monday. photo: valley transit",
            "мост утром. фото: иван петров",
            "the old mill before the fire. (c) town archive",
            "the first global geologic map of titan. (nasa/jpl-caltech/asu)",
            "the shuttle on its pad in 1981. (jane doe/the times)",
            "the council in session. credit: valley transit",
        ] {
            assert!(super::credit_at_end(caption), "{caption}");
        }
        for text in [
            // No caption before the mark: a credit line alone, or a
            // copyright line (other rules' business).
            "© 2024 neustadt kurier",
            "| © getty images",
            // A sentence after the mark, or a mark inside a sentence.
            "the court ruled. © the publisher keeps its rights. the rest is free.",
            "he wrote to the paper: photo: none were taken",
            "the ratio was 3:2 in the end",
            "the council met on monday.",
            // Slashes in brackets that are no names.
            "the seats were split evenly. (50/50)",
            "the form asks for a name. (and/or)",
            "the ratio was (3/4)",
        ] {
            assert!(!super::credit_at_end(text), "{text}");
        }
    }
}

/// The BBC's "Image copyright …" line is a credit; "On <site>:" before a
/// headline points to another story; "Photo copyright law" is neither.
#[test]
fn credit_and_link_labels_of_real_pages() -> Result<(), CleanError> {
    let b = Builtin::new()?;
    let mut scratch = String::new();
    let reason = |lower: &str, links: u32, scratch: &mut String| {
        let words = u32::try_from(lower.split_whitespace().count()).unwrap_or(u32::MAX);
        let needs = b.needs(lower, [(0, lower.len())].into_iter())[0];
        b.phrase(lower, words, links, needs, scratch)
            .map(|v| v.reason)
    };
    assert_eq!(
        reason("image copyright getty images", 0, &mut scratch),
        Some("photo credit")
    );
    assert_eq!(
        reason(
            "on houstonchronicle.com: car sales plunge in august",
            6,
            &mut scratch
        ),
        Some("inline related link")
    );
    assert_eq!(
        reason(
            "photo copyright law changed in 2019, the court said in its ruling.",
            0,
            &mut scratch
        ),
        None
    );
    // Wire change notes and a dateline's update; a sentence that says when
    // something was published and updated is the article's.
    for (text, why) in [
        (
            "(corrects spelling of the mayor's name in second paragraph)",
            Some("update note"),
        ),
        (
            "originally published sept. 9; updated with the result of the vote.",
            Some("update note"),
        ),
        (
            "published in 1998, the guide was updated in 2005 and again last year.",
            None,
        ),
        (
            "an article on sunday about the bridge misstated its length. it is 340 meters, not 210.",
            Some("update note"),
        ),
        (
            "an article in the journal found the bridge had been poorly maintained for years.",
            None,
        ),
        (
            "fe de errores: en una versión anterior de esta noticia se indicaba otra fecha.",
            Some("update note"),
        ),
        (
            "in einer früheren version dieses artikels hieß es, die brücke sei 200 meter lang.",
            Some("update note"),
        ),
        (
            "do you have an opinion on the issues raised in this article? email us a letter.",
            Some("reader prompt"),
        ),
        (
            "story updated with the council's response.",
            Some("update note"),
        ),
        (
            "[edit 3/4: i've fixed the link above.]",
            Some("update note"),
        ),
        (
            "that's all from us tonight. we'll be back with live updates at 8 a.m.",
            Some("update note"),
        ),
        (
            "this blog is now closed. our live coverage of the storm ended at 11 p.m.",
            Some("update note"),
        ),
        (
            "dieser liveblog ist beendet. vielen dank fürs mitlesen.",
            Some("update note"),
        ),
        (
            "that is all from the archive, the librarian said of the two letters.",
            None,
        ),
        (
            "story time is at 10 a.m. on saturdays in the library.",
            None,
        ),
        (
            "rättelse: i en tidigare version angavs fel datum för mötet.",
            Some("update note"),
        ),
        (
            "go deeper: the council's plan for the old bridge",
            Some("inline related link"),
        ),
        (
            "icymi: the council's plan for the old bridge",
            Some("inline related link"),
        ),
    ] {
        let links = if why == Some("inline related link") {
            6
        } else {
            0
        };
        assert_eq!(reason(text, links, &mut scratch), why, "{text}");
    }
    Ok(())
}

/// Reported speech is news about a person, not the person's bio; a box's
/// link to the writer's other work is part of it.
#[test]
fn bios_are_not_reported_speech() -> Result<(), CleanError> {
    let b = Builtin::new()?;
    let bio = |text: &str| {
        let words = u32::try_from(text.split_whitespace().count()).unwrap_or(u32::MAX);
        b.bio_start(text, &text.to_lowercase(), words).is_some()
    };
    assert!(bio(
        "Ana Ruiz is a correspondent for Radio Lviv and covers the courts."
    ));
    assert!(!bio(
        "Ana Ruiz is a correspondent for a radio station in Lviv and was held at the border for six hours, the station said."
    ));
    assert!(!bio(
        "Ana Ruiz, a reporter for The Times, told Reuters she would appeal."
    ));
    // A descriptor before the name: the bio's words must follow the name.
    assert!(bio(
        "Pulitzer Prize-winning journalist Ana Ruiz writes a weekly column for The Herald."
    ));
    assert!(!bio(
        "Former reporter Ana Ruiz was arrested in Texas last week on fraud charges."
    ));
    // Other languages: the trade after the verb "to be" tells a bio;
    // reported speech is news there too.
    assert!(bio(
        "Anna Bianchi è giornalista professionista dal 2004 e si occupa di cronaca."
    ));
    assert!(bio(
        "Lucía Romero es catedrática de Derecho Constitucional en la Universidad de Sevilla."
    ));
    assert!(!bio(
        "María López es periodista y fue detenida ayer en la frontera, dijo la policía."
    ));
    assert!(!bio("Lucía Romero es la alcaldesa de Sevilla desde 2019."));
    assert!(bio(
        "Karin Lund är reporter på Sydsvenskan och bevakar rättsfrågor."
    ));
    assert!(bio("Ana Ruiz reported from Kyiv for The Herald."));
    // Compounded trades; an opinion page's unnamed tagline, bracketed or
    // with its disclaimer, but not a sentence about a writer.
    assert!(bio("Anna Svensson är frilansjournalist och bor i Malmö."));
    assert!(bio("Jana Becker ist Wirtschaftsredakteurin in Frankfurt."));
    assert!(bio("(The writer is a former ambassador to Japan.)"));
    assert!(bio(
        "The writer is a former ambassador to Japan. Views are personal."
    ));
    assert!(!bio(
        "The writer is expected at the book festival on Friday."
    ));
    assert!(!bio("Ana Ruiz reported the theft to the police in Kyiv."));
    // Taglines with an address; wire credits in other languages.
    assert!(b.bio_tagline("Ana Ruiz: 916-555-0142, @anaruiz", 4));
    assert!(b.bio_tagline("Ana Ruiz — aruiz@herald.example", 4));
    assert!(!b.bio_tagline("Tickets: 916-555-0142", 2));
    assert!(!b.bio_tagline("The council meets at 7 p.m.: call 916-555-0142.", 9));
    assert!(b.bio_contact("with reporting by ana ruiz in kyiv", 7));
    assert!(b.bio_contact("con información de efe y europa press", 7));
    assert!(b.bio_contact("more articles from emiliano bellini", 4));
    assert!(b.bio_contact("see all stories by ana ruiz", 5));
    assert!(b.bio_contact(
        "send feedback to columns@gleaner.example and awhyte@mail.example.",
        7
    ));
    assert!(!b.bio_contact("send feedback to the council before friday.", 7));
    assert!(!b.bio_contact("more articles are expected next week", 6));
    Ok(())
}

/// A bio box's head names its subject after a label, in the languages the
/// labels know, or names no one ("About the author"); a label before one
/// word or lower-case words names no one.
#[test]
fn bio_heads_name_their_subject() {
    fn head(t: &str) -> Option<&str> {
        super::bio_head(t, &t.to_lowercase())
    }
    assert_eq!(head("Sobre Carlos Nadalim"), Some("Carlos Nadalim"));
    assert_eq!(head("Über Anna Maria Schmidt:"), Some("Anna Maria Schmidt"));
    assert_eq!(head("À propos de Jeanne Roux"), Some("Jeanne Roux"));
    assert_eq!(head("About the Author"), Some(""));
    assert_eq!(head("Sobre o autor"), Some(""));
    assert_eq!(head("About Us"), None);
    assert_eq!(head("About the new bridge"), None);
    assert_eq!(head("Carlos Nadalim"), None);
}

/// A name alone is two to four capitalised words or initials, in title case
/// or capitals; a subhead of sentence words, a label or a number is none.
/// A heading's words said again under it, or written in lower case in the
/// entry, tell a section's subject or a word, not a writer's name.
#[test]
fn a_name_alone_is_told_from_a_subhead() {
    for name in [
        "MEHMET ÖZTÜRK",
        "Ana M. Ruiz",
        "Jean-Luc O'Neill",
        "KATARZYNA NOWAK",
    ] {
        assert!(super::name_alone(name), "{name}");
    }
    for not in [
        "Ana",
        "The Road Ahead",
        "Der Vorstand",
        "What Comes Next",
        "Domestic industry",
        "Top 10 Picks",
        "Ana Ruiz:",
        "One Two Three Four Five",
        "A. B.",
    ] {
        assert!(!super::name_alone(not), "{not}");
    }
    assert!(super::names_again(
        "Bee Simulator",
        "in bee simulator kannst du mit bis zu 4 spielern spielen."
    ));
    assert!(!super::names_again(
        "MEHMET ÖZTÜRK",
        "bursa'de 1978 yılında doğdu."
    ));
    assert!(super::written_lower(
        "Looking Ahead",
        "The council is looking at two plans."
    ));
    assert!(!super::written_lower(
        "Ana Ruiz",
        "The council met Ana Ruiz on Monday."
    ));
}

#[test]
fn edge_notes_are_about_this_story_not_another_version_of_something() -> Result<(), CleanError> {
    let b = Builtin::new()?;
    for note in [
        "this story was updated at 5:45 p.m. with the vote count.",
        "this version of the story was corrected to fix the mayor's name.",
        "this version has been edited for length.",
    ] {
        assert!(b.edge_note(note), "{note}");
    }
    for text in [
        "this version of the bill was amended in committee.",
        "this version of the plan changes the route of the bus lane.",
    ] {
        assert!(!b.edge_note(text), "{text}");
    }
    Ok(())
}

#[test]
fn a_sign_off_ends_with_an_address_or_a_handle() {
    for text in [
        "Ms Odhiambo is an advocate of the High Court. aodhiambo@strathmore.example",
        "Mr Ouma lectures in economics at Strathmore University. @bouma_ke",
        "청주/이서연 기자 sylee@hani.example",
    ] {
        assert!(signed_off(text), "{text}");
    }
    for text in [
        "The council meets at 7 p.m. on Tuesday.",
        "She posted the video as @ on Tuesday.",
        "Send your questions to the clerk @ city hall",
        "The address was ana@ and nothing else.",
        "Reach her at ana@herald",
        "Écrivez-nous à opinion@journal.example.",
        "Questions? Write to the desk at bridges@council.example.",
        "",
    ] {
        assert!(!signed_off(text), "{text}");
    }
}

#[test]
fn notes_in_scripts_without_spaces_or_other_words_for_update() {
    for note in [
        "※記事初出時、開催日を5月12日と記載しておりましたが、正しくは5月13日です。お詫びして訂正いたします。",
        "【訂正】本記事の初出時、社名に誤りがありました。",
        "更正：本文此前将会议日期误写为5月12日，现已更正。",
        "[정정] 본지는 지난 5일자 기사에서 회의 날짜를 잘못 보도했기에 바로잡습니다.",
        "(यह खबर 14:20 बजे अपडेट की गई है।)",
        "تم تحديث هذا الخبر الساعة 15:30 بإضافة بيان الشرطة.",
        "עדכון: הידיעה עודכנה עם תגובת המשטרה.",
        "habari hii imesasishwa saa 8 mchana kuongeza kauli ya polisi.",
        "pagwawasto: sa naunang bersyon ng artikulong ito, mali ang petsa.",
        "این گزارش در تاریخ ۲۵ دی ۱۴۰۴، ساعت ۹:۴۸ به‌روزرسانی شد و آمار تازه به آن افزوده شد.",
    ] {
        assert!(story_note(note), "{note}");
        assert!(change_note(note), "{note}");
    }
    for line in [
        "修正案は国会で可決された。",
        "同社は来月、料金体系を更新する予定だ。",
        "市は誤った数字を訂正し、住民に謝罪した。",
        "교육청은 잘못된 통계를 바로잡겠다고 밝혔다.",
        "सरकार ने कहा कि वह अगले महीने नियमों में संशोधन करेगी।",
        "وقالت الشركة إنها ستقوم بتحديث تطبيقها الشهر المقبل.",
        "serikali imesema itafanya marekebisho ya sheria mwakani.",
        "این گزارش تازه‌ترین آمار وزارت بهداشت را نشان می‌دهد.",
    ] {
        assert!(!story_note(line), "{line}");
        assert!(!change_note(line), "{line}");
    }
}

#[test]
fn taglines_in_hindi_chinese_hebrew_thai_swahili_tagalog_and_icelandic() {
    for (tagline, marked) in [
        ("(लेखक वरिष्ठ पत्रकार हैं।)", true),
        ("लेखिका दिल्ली विश्वविद्यालय में प्रोफेसर हैं।", false),
        ("作者为北京大学国际关系学院教授。", false),
        ("הכותב הוא עיתונאי ופרשן פוליטי.", false),
        ("ผู้เขียนเป็นอาจารย์คณะรัฐศาสตร์", false),
        ("mwandishi ni mhadhiri wa uchumi.", false),
        ("ang may-akda ay propesor ng agham pampulitika.", false),
        ("（作者為執業律師，從事勞動訴訟24年）", true),
        (
            "höfundur er prófessor í stjórnmálafræði við háskóla íslands.",
            false,
        ),
        // Only in brackets.
        ("（筆者はジャーナリスト）", true),
        ("(필자는 전 외교부 차관이다.)", true),
        ("(الكاتبة صحفية مقيمة في بيروت)", true),
    ] {
        assert_eq!(unnamed_tagline(tagline), Some(marked), "{tagline}");
    }
    for line in [
        "लेखक को अगले महीने पुरस्कार दिया जाएगा।",
        "लेखक ने कहा कि किताब अगले साल आएगी।",
        "筆者は昨年、現地を訪れた。",
        "필자는 지난해 현장을 방문했다.",
        "الكاتب سيزور القاهرة الشهر المقبل.",
        "作者本人并未回应记者的采访请求。",
    ] {
        assert_eq!(unnamed_tagline(line), None, "{line}");
    }
}
