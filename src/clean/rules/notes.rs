//! A note about the story itself (an update, a correction, an editor's
//! note, a live blog's last line) by a few words in the languages feeds are
//! most often written in: a word of change as the note's label, or anywhere
//! with a time or a word for the story. The phrase rules know the notes'
//! usual wordings; this knows only their vocabulary, so it judges blocks
//! whose type sets them apart from the article ([`change_note`]), or, in
//! the article's own type, only a block stamped with its time
//! ([`stamped_note`]) or one at the article's edge that opens with the story
//! itself ([`story_note`], [`live_closing`]); the classifier checks the
//! place. "The agency updated its guidance on Thursday" in an article's
//! paragraph stays, and so does "The report will be updated next year" at
//! its end.

/// Stems of the words for a change to a story, lower case, matched at a
/// word's start: "updat" is "update", "updated", "updates".
const CHANGE_STEMS: &[&str] = &[
    "updat",
    "uppfær",
    "leiðrétt",
    "correction",
    "corrected",
    "corrects",
    "clarif",
    "amended",
    "aktualis",
    "aktualiz",
    "zaktualiz",
    "berichtig",
    "korrektur",
    "korrigiert",
    "korrigert",
    "korrigeret",
    "korrigerad",
    "korrigering",
    "transparenzhinweis",
    "actualis",
    "actualiz",
    "atualiz",
    "aggiorn",
    "rectif",
    "retific",
    "rettific",
    "corrigé",
    "corrigée",
    "corrigido",
    "corrigida",
    "corregid",
    "corrección",
    "correção",
    "correcção",
    "correzion",
    "correctie",
    "gecorrigeerd",
    "bijgewerkt",
    "oppdater",
    "opdater",
    "uppdater",
    "rettelse",
    "rättelse",
    "rättad",
    "sprostow",
    "oprava",
    "opraveno",
    "erratum",
    "errata",
    "aclaración",
    "esclarec",
    "precisazione",
    "päivit",
    "korjat",
    "actualitz",
    "correcció",
    "düzeltme",
    "güncellen",
    "corectur",
    "frissít",
    "helyesbít",
    "ενημέρω",
    "διόρθω",
    "diperbarui",
    "diperbaharui",
    "dikemaskini",
    "pembaruan",
    "ralat",
    "ενημερών",
    "ενημερώθ",
    "обновл",
    "оновл",
    "исправл",
    "виправл",
    "актуализ",
    "ажурир",
    "ažurir",
    "posodob",
    "posodablj",
    "atnaujin",
    "atjaunin",
    "uuenda",
    "koreksi",
    "oikaisu",
    "helyreigazít",
    "ispravak",
    "ispravk",
    "rectificare",
    "pembetulan",
    "dibetulkan",
    "korekta",
];
/// Words of a change that are written as two ("cập nhật", "dikemas
/// kini"), lower case: each pair counts as one word of change.
const CHANGE_PAIRS: &[(&str, &str)] = &[("cập", "nhật"), ("dikemas", "kini")];
/// Stems of the words for what was added to a story or changed in it
/// ("Dieser Text wurde um … ergänzt", "Новость дополняется", "Ce texte a
/// été modifié"): a change only beside a word for the story, as "the set
/// was completed" or "the law was changed" says nothing of one.
const ADDITION_STEMS: &[&str] = &[
    "ergänzt",
    "complété",
    "complétée",
    "ampliad",
    "ampliació",
    "aangevuld",
    "uzupełnion",
    "uzupełnia",
    "doplněn",
    "doplnen",
    "dopunjen",
    "dopunjava",
    "kiegészítet",
    "kiegészül",
    "täiendat",
    "papildināt",
    "дополнен",
    "дополня",
    "доповнен",
    "доповню",
    "допълнен",
    "допълва",
    "допуњен",
    "допуњава",
    "erweitert",
    "ampliará",
    "ampliaremos",
    "modifi",
    "geändert",
    "alterad",
    "aangepast",
    "gewijzigd",
    "zmienion",
    "změněn",
    "upraven",
    "izmijenjen",
    "izmenjen",
    "spremenjen",
    "изменен",
    "змінен",
    "değiştiril",
    "düzenlen",
    "ändrad",
    "ändrats",
    "endret",
    "ændret",
    "muokat",
    "módosít",
    "diubah",
    "τροποποι",
    "άλλαξε",
    "edited",
    "changed",
    "refreshed",
];
/// Labels of several words, lower case, anywhere in the note.
const CHANGE_LABELS: &[&str] = &[
    "mis à jour",
    "mise à jour",
    "editor's note",
    "editors' note",
    "editor’s note",
    "note de la rédaction",
    "nota del editor",
    "nota de la redacción",
    "nota della redazione",
    "nota da redação",
    "anmerkung der redaktion",
    "hinweis der redaktion",
    "noot van de redactie",
    "od redakcji",
    "nota de la redacció",
    "nota redacției",
    "nota redactiei",
    "nota editorului",
    "nota redakcji",
    "catatan redaksi",
    "catatan editor",
    "toimittajan huomautus",
    "toimituksen huomautus",
    "napomena urednika",
    "napomena uredništva",
    "uredniška opomba",
    "poznámka redakce",
    "poznámka redakcie",
    "примітка редакції",
    "editörün notu",
    "editör notu",
    "σημείωση της σύνταξης",
    "σημείωση σύνταξης",
    "redaktionell anmärkning",
    "redaksjonell merknad",
    "redaktionel note",
    "redaktionel bemærkning",
    "a szerkesztőség megjegyzése",
];
/// "This" before a word for the story ("denne saken oppdateres").
const THIS: &[&str] = &[
    "this", "the", "denne", "dette", "den", "det", "detta", "diese", "dieser", "dieses", "der",
    "die", "das", "cet", "cette", "ce", "este", "esta", "questo", "questa", "dit", "deze", "ten",
    "ta", "tento", "bu", "ez", "tämä", "tätä", "tässä", "acest", "această", "αυτό", "αυτή", "этот",
    "эта", "этой", "цей", "ця", "цю", "ovaj", "ova", "ovo", "tej", "tego", "denna",
];
/// "This" after the word for the story ("artikel ini", "articolul acesta").
const THIS_AFTER: &[&str] = &["ini", "acesta", "aceasta"];
/// Words for the story itself, lower case.
const STORY_WORDS: &[&str] = &[
    "story",
    "article",
    "post",
    "report",
    "piece",
    "version",
    "artikel",
    "artikels",
    "beitrag",
    "beitrags",
    "text",
    "textes",
    "texte",
    "artikkel",
    "artikkelen",
    "artikeln",
    "sak",
    "saken",
    "saka",
    "articolo",
    "artículo",
    "artigo",
    "notícia",
    "noticia",
    "notizia",
    "nota",
    "bericht",
    "tekst",
    "tekstu",
    "artykuł",
    "artykułu",
    "článek",
    "článku",
    "článok",
    "texto",
    "matéria",
    "información",
    "meldung",
    "nachricht",
    "haber",
    "haberi",
    "makale",
    "berita",
    "cikk",
    "cikket",
    "cikkünket",
    "hír",
    "hírt",
    "știre",
    "știrea",
    "articol",
    "articolul",
    "vijest",
    "vest",
    "članak",
    "članek",
    "članku",
    "správa",
    "správu",
    "juttu",
    "juttua",
    "uutinen",
    "uutista",
    "artikkeli",
    "artikkelia",
    "artiklen",
    "nyhed",
    "nyheden",
    "uudis",
    "uudist",
    "straipsnis",
    "ziņa",
    "raksts",
    "новость",
    "новина",
    "новину",
    "статья",
    "статью",
    "стаття",
    "статтю",
    "статията",
    "материал",
    "матеріал",
    "вестта",
    "вест",
    "вијест",
    "είδηση",
    "άρθρο",
    "άρθρου",
    "bài",
    "headline",
    "tulisan",
    "статьи",
    "статті",
    "haberin",
];
/// Words for the story's title ("Der Titel dieses Artikels wurde
/// geändert", "Haberin başlığı güncellendi").
const TITLE_WORDS: &[&str] = &[
    "titel",
    "überschrift",
    "titre",
    "titular",
    "título",
    "titolo",
    "kop",
    "τίτλος",
    "заголовок",
    "tytuł",
    "başlığı",
    "başlık",
    "judul",
    "otsikko",
    "otsikkoa",
    "rubrik",
    "rubriken",
    "overskrift",
    "overskriften",
    "nadpis",
    "naslov",
    "címe",
    "titlul",
    "titlu",
];
/// Words that say a story is still developing, beside a word for the story
/// ("Developing story", "Noticia en desarrollo", "Notizia in evoluzione").
const DEVELOPING: &[&str] = &[
    "developing",
    "desarrollo",
    "sviluppo",
    "evoluzione",
    "desenvolvimento",
    "entwicklung",
    "développement",
    "ontwikkeling",
    "развитии",
    "розвитку",
    "razvoju",
    "rozwojowa",
    "gelişiyor",
];
/// "Earlier" before a word for a version ("In einer früheren Fassung hieß
/// es …"): a correction, whatever label it has.
const EARLIER: &[&str] = &[
    "earlier",
    "previous",
    "früheren",
    "vorherigen",
    "précédente",
    "première",
    "anterior",
    "precedente",
    "eerdere",
    "vorige",
    "poprzedniej",
    "wcześniejszej",
    "предыдущей",
    "попередній",
    "tidligere",
    "tidigare",
    "aiemmassa",
    "korábbi",
    "anterioară",
    "prethodnoj",
    "předchozí",
    "önceki",
];
const VERSION: &[&str] = &[
    "version",
    "fassung",
    "versión",
    "versione",
    "versão",
    "versie",
    "wersji",
    "версии",
    "версії",
    "versjon",
    "versjonen",
    "versionen",
    "versiossa",
    "verziójában",
    "versiune",
    "verziji",
    "verzi",
    "sürümünde",
];

/// Every word a note needs one of, as one search: most blocks hold none,
/// and the word-by-word tests below cost more than this (`None` only if it
/// would not build, when every block is tested).
static VOCABULARY: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    let words = [
        CHANGE_STEMS,
        ADDITION_STEMS,
        CHANGE_LABELS,
        NOTE_HEADS,
        DEVELOPING,
        EARLIER,
        LIVE,
        LIVE_NOUNS,
        TO_FOLLOW,
    ]
    .concat()
    .into_iter()
    .chain(CHANGE_PAIRS.iter().map(|p| p.0))
    .collect::<Vec<_>>();
    super::literals(&words).ok()
});

/// Labels that open a note in languages whose words the lists above cannot
/// split (Chinese, Japanese, Korean) or in scripts they have no word for
/// (Devanagari, Bengali, Arabic, Persian, Hebrew, Thai), and in Swahili and
/// Tagalog, lower case: the note's first word, after a bracket or a
/// reference mark, and a label's end right after it ("【訂正】", "更正：",
/// "\[정정\]", "अपडेट:", "تحديث:"). "修正案は可決された" opens with a word of
/// change and no label's end.
const SCRIPT_LABELS: &[&str] = &[
    "更新",
    "更正",
    "訂正",
    "追記",
    "修正",
    "编者注",
    "編者注",
    "編集部注",
    "정정",
    "수정",
    "업데이트",
    "अपडेट",
    "संशोधन",
    "सुधार",
    "تحديث",
    "تصحيح",
    "עדכון",
    "תיקון",
    "อัปเดต",
    "แก้ไข",
    "به‌روزرسانی",
    "اصلاحیه",
    "আপডেট",
    "সংশোধনী",
    "marekebisho",
    "pagwawasto",
];
/// What ends a label in those languages.
const SCRIPT_LABEL_ENDS: &[char] = &[':', '：', '】', ']', '）', ')', '」'];
/// Words for this story in those languages ("この記事は", "यह खबर", "هذا
/// الخبر", "Habari hii"), lower case.
const SCRIPT_STORY: &[&str] = &[
    "この記事",
    "本記事",
    "記事初出",
    "本文",
    "本报道",
    "本報導",
    "이 기사",
    "본지는",
    "यह खबर",
    "इस खबर",
    "यह लेख",
    "इस लेख",
    "هذا الخبر",
    "هذا المقال",
    "הידיעה",
    "הכתבה",
    "ข่าวนี้",
    "این خبر",
    "این گزارش",
    "این مطلب",
    "این یادداشت",
    "এই খবর",
    "habari hii",
    "balitang ito",
    "artikulong ito",
];
/// Words of a change to a story in those languages, or of its earlier
/// version ("訂正いたします", "अपडेट की गई", "imesasishwa", "toleo la
/// awali"), lower case: beside a word for the story, in any order ("تم
/// تحديث هذا الخبر").
const SCRIPT_CHANGE: &[&str] = &[
    "更新",
    "更正",
    "訂正",
    "追記",
    "修正",
    "수정",
    "정정",
    "바로잡",
    "업데이트",
    "अपडेट",
    "संशोधित",
    "पिछले संस्करण",
    "تحديث",
    "تصحيح",
    "نسخة سابقة",
    "עודכנ",
    "תוקנ",
    "גרסה קודמת",
    "อัปเดต",
    "แก้ไข",
    "به‌روز",
    "আপডেট",
    "imesasishwa",
    "toleo la awali",
    "in-update",
    "na-update",
    "naunang bersyon",
];

/// Any word [`script_note`] needs: most blocks have none.
static SCRIPT_VOCABULARY: std::sync::LazyLock<Option<regex::Regex>> =
    std::sync::LazyLock::new(|| {
        let words = [SCRIPT_LABELS, SCRIPT_STORY, SCRIPT_CHANGE].concat();
        super::literals(&words).ok()
    });

/// Whether a block is a note on the story in one of the languages of
/// [`SCRIPT_LABELS`]: it opens with such a label, or names this story and
/// a change to it. Asked by [`change_note`] and [`story_note`], so it
/// goes where they go: set apart, or at the article's edge.
pub(crate) fn script_note(lower: &str) -> bool {
    if SCRIPT_VOCABULARY
        .as_ref()
        .is_some_and(|v| !v.is_match(lower))
    {
        return false;
    }
    let rest = lower.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '※' | '*' | '（' | '(' | '【' | '[' | '「')
    });
    let labelled = SCRIPT_LABELS.iter().any(|l| {
        rest.strip_prefix(l)
            .is_some_and(|after| after.trim_start().starts_with(SCRIPT_LABEL_ENDS))
    });
    labelled
        || (SCRIPT_STORY.iter().any(|w| lower.contains(w))
            && SCRIPT_CHANGE.iter().any(|w| lower.contains(w)))
}

/// Whether a block holds a word some note needs: when not, none of the
/// tests here can say it is one.
fn may_be_note(lower: &str) -> bool {
    VOCABULARY.as_ref().is_none_or(|v| v.is_match(lower))
}

fn is_change(word: &str) -> bool {
    CHANGE_STEMS.iter().any(|s| word.starts_with(s))
}

/// A word without its elided article ("d'actualisation", "l’article").
fn unelided(word: &str) -> &str {
    ["d'", "l'", "d’", "l’", "dell'", "dell’"]
        .iter()
        .find_map(|p| word.strip_prefix(p))
        .unwrap_or(word)
}

fn is_story(word: &str) -> bool {
    STORY_WORDS.contains(&unelided(word.trim_end_matches(['.', '!', '?'])))
}

/// Where the first word of change is among `words`: a word of change, the
/// first of a pair ("cập nhật"), or, when a word for the story is among
/// them, a word of addition ("Dieser Text wurde um … ergänzt").
fn change_at(words: &[&str]) -> Option<usize> {
    let any_story = || words.iter().any(|w| is_story(w));
    words
        .iter()
        .enumerate()
        .position(|(i, w)| {
            let w = unelided(w);
            is_change(w)
                || CHANGE_PAIRS.iter().any(|&(a, b)| {
                    w == a
                        && words
                            .get(i + 1)
                            .is_some_and(|n| n.trim_end_matches(['.', '!', '?']) == b)
                })
        })
        .or_else(|| {
            words
                .iter()
                .position(|w| ADDITION_STEMS.iter().any(|s| w.starts_with(s)))
                .filter(|_| any_story())
        })
        .or_else(|| developing(words))
        .or_else(|| earlier_version(words))
}

/// Where a word that says the story is developing stands beside a word for
/// the story ("Developing story", "Noticia en desarrollo").
fn developing(words: &[&str]) -> Option<usize> {
    let near_story = |i: usize| {
        words
            .get(i.saturating_sub(2)..words.len().min(i + 3))
            .is_some_and(|near| near.iter().any(|w| is_story(w)))
    };
    words.iter().enumerate().position(|(i, w)| {
        DEVELOPING.contains(&w.trim_end_matches(['.', '!', '?'])) && near_story(i)
    })
}

/// Where "an earlier version" is among `words`.
fn earlier_version(words: &[&str]) -> Option<usize> {
    words.windows(2).enumerate().position(|(i, pair)| {
        EARLIER.contains(&pair[0])
            && VERSION.contains(&pair[1].trim_end_matches(['.', ',']))
            && !of_something_else(words.get(i + 2..).unwrap_or_default())
    })
}

/// Whether the words after "an earlier version" say it was of something
/// other than the story ("An earlier version of the plan had no ferry"):
/// "of", then a word that is no word for the story, past little words.
pub(super) fn of_something_else(after: &[&str]) -> bool {
    let mut rest = after.iter().copied();
    rest.next() == Some("of")
        && rest
            .find(|w| !["the", "this", "a", "an", "its", "their", "our"].contains(w))
            .is_some_and(|w| !is_story(w))
}

/// Words for live coverage, alone or with a determiner before them.
const LIVE: &[&str] = &[
    "live", "direct", "directo", "direto", "diretta", "vivo", "żywo",
];
/// Words for live coverage on their own ("Liveblog", "Liveticker").
const LIVE_NOUNS: &[&str] = &[
    "liveblog",
    "live-blog",
    "liveticker",
    "live-ticker",
    "newsblog",
    "newsticker",
    "minuto-a-minuto",
];
/// What follows "live" in English ("live blog", "our live coverage").
const LIVE_AFTER: &[&str] = &["blog", "coverage", "updates", "ticker", "thread", "stream"];
/// Words for coverage, which make any word for live coverage's
/// ("cobertura en directo", "copertura in diretta").
const COVERAGE: &[&str] = &[
    "coverage",
    "cobertura",
    "copertura",
    "couverture",
    "berichterstattung",
    "retransmisión",
    "transmisión",
    "transmissão",
    "relacja",
    "relację",
];
/// A newsroom's own coverage: "our", "this" before the word for live.
const OURS: &[&str] = &[
    "our", "this", "ce", "notre", "nuestro", "nuestra", "este", "esta", "nostro", "nostra",
    "questo", "questa", "nosso", "nossa", "unser", "unseren", "unserem", "diesen", "dieser",
    "naszą", "tę",
];
/// "We": the newsroom ends its coverage ("Wir beenden …").
const WE: &[&str] = &[
    "we", "we're", "we’re", "us", "wir", "nous", "nosotros", "noi", "nós", "my", "мы", "ми",
];
/// Stems of the words for ending or pausing it.
const LIVE_END: &[&str] = &[
    "end",
    "conclud",
    "close",
    "closing",
    "paus",
    "wrap",
    "finish",
    "beend",
    "schließ",
    "geschlossen",
    "fin",
    "termin",
    "conclu",
    "finisc",
    "chiud",
    "chius",
    "encerr",
    "cerr",
    "zakończ",
    "kończ",
    "ukonč",
    "заверш",
    "закры",
    "befejez",
    "sona",
];

/// Whether a short block says the newsroom's live coverage ends or pauses
/// ("That concludes our live coverage for today", "Wir beenden an dieser
/// Stelle unseren Liveblog", "Il nostro live finisce qui"): a word for live
/// coverage (a noun of its own, "live" before "blog" or "coverage", a word
/// for live beside one for coverage, or after "our" or "this") and a word
/// for its end. Told only at the article's edge.
pub(crate) fn live_closing(lower: &str) -> bool {
    if !may_be_note(lower) {
        return false;
    }
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || ".,;:!?()[]—–\"“”«»".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    let coverage = words.iter().any(|w| COVERAGE.contains(w));
    let live = words.iter().enumerate().any(|(i, w)| {
        LIVE_NOUNS.contains(w)
            || (LIVE.contains(w)
                && (coverage
                    || (*w == "live" && words.get(i + 1).is_some_and(|n| LIVE_AFTER.contains(n)))
                    || i.checked_sub(1)
                        .and_then(|p| words.get(p))
                        .is_some_and(|p| OURS.contains(p))))
    });
    let ours = words.iter().any(|w| OURS.contains(w) || WE.contains(w));
    live && ours
        && words
            .iter()
            .any(|w| LIVE_END.iter().any(|e| w.starts_with(e)))
}

/// A time of day ("13:42", "9.49", "18h30", and the whole hour as French
/// and Portuguese write it, "18h").
fn is_time(word: &str) -> bool {
    let Some((h, m)) = word.split_once([':', '.', 'h']) else {
        return false;
    };
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let hour = || h.parse::<u8>().is_ok_and(|h| h < 24);
    let whole_hour = word.ends_with('h') && m.is_empty() && hour();
    digits(h, 1..=2)
        && (whole_hour || digits(m.trim_end_matches(|c: char| !c.is_ascii_digit()), 2..=2))
}

/// Words that open a correction's or an editor's label (a heading over the
/// note: "Editor's note", "Correction", "Rectificatif"), lower case.
const NOTE_HEADS: &[&str] = &[
    "correction",
    "clarif",
    "rectif",
    "retific",
    "rettific",
    "berichtig",
    "korrektur",
    "correcció",
    "corrección",
    "correção",
    "correzion",
    "correctie",
    "düzeltme",
    "sprostow",
    "oprava",
    "erratum",
    "errata",
    "rättelse",
    "rettelse",
    "aclaración",
    "precisazione",
    "helyesbít",
    "διόρθω",
    "koreksi",
    "oikaisu",
    "helyreigazít",
    "ispravak",
    "rectificare",
    "pembetulan",
    "korekta",
    "исправлени",
    "виправлення",
];

/// Whether a short block is a note's label that heads the note under it:
/// an editor's note or a correction by its label ("Editor's note",
/// "Correction:", "Nota de la redacció"), not an update's ("Update" heads
/// live blogs' news).
pub(crate) fn note_head(lower: &str) -> bool {
    let label = lower.trim_end_matches([':', '.', ' ']);
    CHANGE_LABELS.contains(&label) || NOTE_HEADS.iter().any(|h| label.starts_with(h))
}

/// Whether a short block's words say it is a note about a change to the
/// story: a word of change among its first words (its label: "Saken
/// oppdateres.", "Rectificatif :"), or anywhere with a time or a word for
/// the story ("Articolo aggiornato alle 13:42"), or a label of several
/// words ("Note de la rédaction").
pub(crate) fn change_note(lower: &str) -> bool {
    if script_note(lower) {
        return true;
    }
    if !may_be_note(lower) {
        return false;
    }
    if CHANGE_LABELS.iter().any(|l| lower.contains(l)) {
        return true;
    }
    let words = note_words(lower);
    let Some(at) = change_at(&words) else {
        return false;
    };
    // A label: the word of change first, or after words for the story
    // ("Saken oppdateres", "Articolo aggiornato"); "The update, pushed to
    // phones …" is a sentence about something else.
    let labelled = words.get(..at).is_some_and(|before| {
        (before.is_empty() && !compound_head(lower))
            || (names_story(before) && before.iter().all(|w| is_story(w) || THIS.contains(w)))
    });
    labelled
        || words.iter().any(|w| is_time(w))
        || names_story(&words)
        || earlier_version(&words).is_some()
}

/// English words for the story that name other things too after "the" or
/// "a": "The report was updated in May to include the second pier" is an
/// agency's report, "this report" the story.
const SHARED_STORY: &[&str] = &["report", "post", "piece", "version", "text"];

/// Whether `words` name the story: a word for it, but not one of
/// [`SHARED_STORY`] after "the" or "a".
fn names_story(words: &[&str]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        let shared = SHARED_STORY.contains(&w.trim_end_matches(['.', '!', '?']))
            && i.checked_sub(1)
                .and_then(|p| words.get(p))
                .is_some_and(|p| ["the", "a", "an"].contains(p));
        is_story(w) && !shared
    })
}

/// Words that may follow a correction's label word without a mark between
/// ("Correction appended", "Correction to this article", "Rectificación
/// de la redacción").
const HEAD_GOES_ON: &[&str] = &[
    "appended", "to", "notice", "note", "and", "of", "on", "made", "issued", "de", "del", "della",
    "der", "des", "du", "da", "do", "zur", "zum", "van", "à", "a",
];

/// Whether a block opens with a correction's word as part of a noun of
/// its own ("Correction fluid, pens and 42 boxes …", "Corrections officers
/// found …"): the word runs straight on into another, with no mark, time
/// or bracket after it.
fn compound_head(lower: &str) -> bool {
    let mut raw = lower.split_whitespace();
    let (Some(first), Some(next)) = (raw.next(), raw.next()) else {
        return false;
    };
    note_head(first)
        && first.ends_with(char::is_alphabetic)
        && next.starts_with(char::is_alphabetic)
        && !HEAD_GOES_ON.contains(&next.trim_end_matches([':', '.', ',']))
}

/// Whether a short block in the article's own type says what happened to
/// the story: it opens with a word for the story or its title ("Saken
/// oppdateres", "Dieser Artikel wird laufend aktualisiert", "Le titre de
/// cet article a été modifié") and has a word of change, or says the story
/// is developing, or promises more of it in a few words ("Details to
/// follow"), or names an earlier version ("In einer früheren Fassung hieß
/// es …"). Stricter than
/// [`change_note`], which judges blocks whose type sets them apart: "The
/// council will give an update at 7:30 p.m." closes articles, and "Updated
/// figures follow next week" too. Told only at the article's edge.
pub(crate) fn story_note(lower: &str) -> bool {
    if script_note(lower) {
        return true;
    }
    if !may_be_note(lower) {
        return false;
    }
    let words = note_words(lower);
    // A label of a few words first ("Koreksi:", "Catatan redaksi:",
    // "Eilmeldung –"): the note may follow it.
    let after_label = lower
        .split_once([':', ',', '–', '—'])
        .filter(|(head, _)| head.split_whitespace().count() <= NOTE_LABEL_WORDS);
    // Only a colon ends a correction's label: "Correction fluid, pens and
    // 42 boxes …" is no note.
    let colon_label = lower.split_once(':').is_some_and(|(head, _)| {
        head.split_whitespace().count() <= NOTE_LABEL_WORDS && note_head(head.trim())
    });
    if colon_label {
        return true;
    }
    let rest = after_label.map(|(_, rest)| note_words(rest));
    let story_led =
        story_led(&words) || rest.as_deref().is_some_and(story_led) || title_led(&words);
    let changed = || change_at(&words).is_some() || CHANGE_LABELS.iter().any(|l| lower.contains(l));
    let said = || {
        words
            .iter()
            .any(|w| SAID.contains(w) || (is_story(w) && !VERSION.contains(w)))
    };
    (story_led && changed())
        || developing(&words).is_some()
        || more_to_follow(&words)
        || (earlier_version(&words).is_some() && said())
}

/// Whether `words` open with "this story" (in any of its orders: "Dieser
/// Artikel", "Artikel ini"), or with a bare or definite word for the story
/// in a label's few words ("Saken oppdateres", "Η είδηση ενημερώνεται") or
/// stamped with a time ("Die Meldung wurde um 14.20 Uhr aktualisiert"):
/// "Der Bericht soll im Frühjahr ergänzt werden" is the article's.
fn story_led(words: &[&str]) -> bool {
    // "This version of the bill was amended …" is a bill's.
    let is_story = |w: &str| is_story(w) && !VERSION.contains(&w);
    let label = words.len() <= STORY_LABEL_WORDS || words.iter().any(|w| is_time(w));
    match words {
        [first, second, ..] if is_story(first) && THIS_AFTER.contains(second) => true,
        [first, ..] if is_story(first) => label,
        [det, second, ..] => {
            is_story(second)
                && ((THIS.contains(det) && !DEFINITE.contains(det))
                    || (label
                        && (ARTICLES.contains(det) || DEFINITE.contains(det))
                        && !ENGLISH_STORY.contains(second)))
        }
        _ => false,
    }
}

/// Words that promise more of the story ("More details to come", "Weitere
/// Details folgen", "Ayrıntılar birazdan") ...
const MORE: &[&str] = &[
    "more",
    "details",
    "mehr",
    "weitere",
    "détails",
    "detalles",
    "detalhes",
    "dettagli",
    "aggiornamenti",
    "szczegółów",
    "подробности",
    "подробнее",
    "ayrıntılar",
    "tietoa",
    "informationen",
    "informations",
    "información",
    "informações",
    "informazioni",
];
/// ... and words that say it comes soon.
const TO_FOLLOW: &[&str] = &[
    "come",
    "follow",
    "folgen",
    "folgt",
    "kürze",
    "venir",
    "suivre",
    "breve",
    "seguiranno",
    "seguono",
    "volgen",
    "wkrótce",
    "позже",
    "ближайшее",
    "geliyor",
    "birazdan",
    "myöhemmin",
    "soon",
    "shortly",
];
/// The most words of a promise of more: "More details of the plan will
/// come next month" is the article's.
const MORE_TO_FOLLOW_WORDS: usize = 6;

/// Whether a short line promises more of the story soon ("Details to
/// follow.", "Mehr in Kürze.", "Son dakika haberi, ayrıntılar geliyor.").
fn more_to_follow(words: &[&str]) -> bool {
    let bare = || words.iter().map(|w| w.trim_end_matches(['.', '!', '…']));
    words.len() <= MORE_TO_FOLLOW_WORDS
        && bare().any(|w| MORE.contains(&w))
        && bare().any(|w| TO_FOLLOW.contains(&w))
}

/// Whether `words` open with the story's title ("Le titre de cet article
/// …", "Haberin başlığı …"): a word for the title among the first three and
/// a word for the story among the first five. Not English: "The title of
/// the report was changed after protests" is any report's, and the English
/// edge note names "this story".
fn title_led(words: &[&str]) -> bool {
    let head = |n: usize| words.iter().take(n).map(|w| w.trim_end_matches(['.', ',']));
    head(3).any(|w| TITLE_WORDS.contains(&w)) && head(5).any(is_story)
}

/// The most words of a label before a note ("Catatan redaksi:").
const NOTE_LABEL_WORDS: usize = 3;
/// The most words of a note that names the story without "this".
const STORY_LABEL_WORDS: usize = 6;
/// Definite articles among [`THIS`]: "the report" is any report.
const DEFINITE: &[&str] = &["the", "den", "det", "der", "die", "das"];
/// What an earlier version "said" ("In einer früheren Fassung hieß es …"),
/// which makes it the story's and not a bill's.
const SAID: &[&str] = &[
    "said",
    "stated",
    "misstated",
    "reported",
    "hieß",
    "hiess",
    "stand",
    "dijo",
    "decía",
    "indicaba",
    "señalaba",
    "disait",
    "indiquait",
    "affirmait",
    "diceva",
    "riportava",
    "dizia",
    "indicava",
    "stond",
    "stod",
    "stated",
    "говорилось",
    "указывалось",
    "говорилося",
];

/// Articles before a word for the story in other languages ("A cikket",
/// "Η είδηση", "La notizia"); "a" before an English one starts a sentence
/// ("A report updated on Monday …").
const ARTICLES: &[&str] = &[
    "a", "az", "η", "το", "la", "le", "el", "il", "lo", "o", "os", "een", "ein", "eine",
];
const ENGLISH_STORY: &[&str] = &[
    "story", "article", "post", "report", "piece", "version", "text",
];

/// A block's words, split where a note's label or a time would be.
fn note_words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| c.is_whitespace() || "()[]*—–:;,".contains(c))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether a block opens as a note stamped with its time, in any type: a
/// word of change first, or after a word for the story and little words
/// ("Noticia en actualización desde las 14:32 h", "Artikel ini telah
/// diperbarui pada pukul 14.10 WIB", "Updated at 5:45 p.m. with …"), and a
/// time of day among its first words. Such a line says what happened to
/// the story, not in it; "The bill was amended at 10.30" names no story,
/// "Article 5 was amended" a number.
pub(crate) fn stamped_note(lower: &str) -> bool {
    if !may_be_note(lower) {
        return false;
    }
    // Split at spaces only: a time keeps its colon ("14:32").
    let words: Vec<&str> = lower
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| "()[]*—–:;,.".contains(c)))
        .filter(|w| !w.is_empty())
        .take(STAMP_WORDS)
        .collect();
    let Some(at) = change_at(&words).filter(|&at| at <= STAMP_LABEL_AT) else {
        return false;
    };
    let before = words.get(..at).unwrap_or_default();
    let story = |w: &&str| is_story(w);
    let little = |w: &&str| {
        THIS.contains(w)
            || (w.chars().count() <= LITTLE_WORD_CHARS && w.chars().all(char::is_alphabetic))
    };
    let labelled = before.is_empty()
        || (before.iter().any(story) && before.iter().all(|w| story(w) || little(w)));
    labelled && words.iter().skip(at + 1).any(|w| is_time(w))
}

/// How many words of a note the stamp's label and time are looked for in.
const STAMP_WORDS: usize = 10;
/// The most words before a stamped note's word of change.
const STAMP_LABEL_AT: usize = 3;
/// The longest little word before it ("en", "ini", "telah", "has").
const LITTLE_WORD_CHARS: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_stamped_with_its_time_is_told_in_any_type() {
        for note in [
            "noticia en actualización desde las 14:32 h. esta información se irá ampliando.",
            "artikel ini telah diperbarui pada pukul 14.10 wib dengan tambahan keterangan.",
            "updated at 5:45 p.m. with the vote count.",
            "atualização às 14h32: a prefeitura suspendeu as aulas.",
            "article actualisé à 18h avec la réaction du maire.",
            "uppfært klukkan 17:29: lögreglan segir að 6 hafi verið fluttir.",
        ] {
            assert!(stamped_note(note), "{note}");
        }
        for sentence in [
            "the bill was amended at 10.30 on monday by the senate.",
            "article 5 was amended at 10.30 on monday.",
            "the software updates at 10:00 every night.",
            "updated figures will follow next week.",
            "updated figures arrive every 48h from the sensors.",
        ] {
            assert!(!stamped_note(sentence), "{sentence}");
        }
    }

    #[test]
    fn notes_in_any_wording_name_a_change_to_the_story() {
        for note in [
            "saken oppdateres.",
            "denne saken oppdateres.",
            "articolo aggiornato alle 13:42 con le dichiarazioni della procura",
            "rectificatif : dans une précédente version de cet article",
            "updated at 5 p.m. with the vote count",
            "this post was corrected on monday to fix a name.",
            "note de la rédaction : le texte a été modifié",
            "[update 18h30] la préfecture a levé l'alerte.",
            "wij hebben dit bericht bijgewerkt met een reactie van de gemeente.",
            "correction appended: the ferry carried 300 people a day.",
            "correction (may 3): the bridge opened in 1911.",
            "an earlier version of this story gave the wrong year.",
            "an earlier version misstated the mayor's name.",
            "this report was updated to include the mayor's response.",
            "the story was updated at 5 p.m. with the vote count.",
        ] {
            assert!(change_note(note), "{note}");
        }
    }

    #[test]
    fn note_heads_are_editors_and_corrections_labels() {
        for head in [
            "editor's note",
            "correction:",
            "nota de la redacció",
            "rectificatif :",
        ] {
            assert!(note_head(head), "{head}");
        }
        for text in ["update", "live updates", "the correction came on tuesday."] {
            assert!(!note_head(text), "{text}");
        }
    }

    #[test]
    fn sentences_about_a_change_to_something_else_are_not_notes() {
        for text in [
            "the agency updated its guidance on thursday for the two closed streets.",
            "since the last update to the flood map in 2014, 83 homes have been built.",
            "if i remember correctly, the bridge opened in 1911.",
            "the update, pushed to phones in erie on friday, disabled the alert feature for 49 hours.",
            "the council will vote on the plan in may.",
            "correction fluid, pens and 42 boxes of files were found in the office.",
            "corrections officers found the inmate in his cell.",
            "an earlier version of the plan, released in 2019, had no ferry service.",
            "the report was updated in may to include the second pier.",
        ] {
            assert!(!change_note(text), "{text}");
        }
    }

    #[test]
    fn a_note_in_plain_type_opens_with_the_story_and_names_a_change() {
        for note in [
            "saken oppdateres.",
            "dieser artikel wird laufend aktualisiert.",
            "die meldung wurde um 14.20 uhr aktualisiert.",
            "artikel ini dikemas kini pada jam 2.20 petang.",
            "η είδηση ενημερώνεται.",
            "ultim'ora, notizia in fase di aggiornamento.",
            "developing story — more to come.",
            "hinweis: in einer früheren fassung hieß es, die brücke sei gesperrt.",
            "koreksi: artikel ini sebelumnya menyebut jumlah korban 12 orang.",
            "ce texte a été modifié lundi pour corriger le nom du maire.",
            "le titre de cet article a été modifié.",
            "haberin başlığı güncellendi.",
            "details to follow.",
            "weitere details folgen.",
            "son dakika haberi, ayrıntılar geliyor.",
        ] {
            assert!(story_note(note), "{note}");
        }
        for sentence in [
            // Definite articles name any report, a bill has versions, and a
            // bare word for the story starts long sentences.
            "the report will be updated next year, the agency said.",
            "der bericht soll im frühjahr ergänzt werden.",
            "an earlier version of the bill was rejected in 2019.",
            "this version of the plan was approved by the council.",
            "berita itu diperbarui oleh kementerian pada senin.",
            "correction fluid, pens and 42 boxes of paper were taken.",
            "the developing storm could reach the coast by friday.",
            "details of the settlement were not disclosed.",
            "more details of the plan will come next month.",
            "der titel des buches wurde 1998 geändert.",
        ] {
            assert!(!story_note(sentence), "{sentence}");
        }
    }

    #[test]
    fn only_the_newsroom_s_own_live_coverage_ends_in_a_closing_line() {
        for line in [
            "that concludes our live coverage for today.",
            "this live blog has now ended.",
            "wir beenden an dieser stelle unseren liveblog.",
            "nous mettons fin à ce direct.",
            "damos por concluida esta cobertura en directo.",
            "il nostro live finisce qui.",
        ] {
            assert!(live_closing(line), "{line}");
        }
        for sentence in [
            "the city said the live stream of the meeting ended early.",
            "the live concert ended just before midnight.",
            "our live coverage of the election starts at 6 p.m.",
            "la diretta della partita finisce alle 22.",
        ] {
            assert!(!live_closing(sentence), "{sentence}");
        }
    }
}
