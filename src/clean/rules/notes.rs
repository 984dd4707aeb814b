//! A note about the story itself (an update, a correction, an editor's
//! note) by a few words in the languages feeds are most often written in:
//! a word of change as the note's label, or anywhere with a time or a word
//! for the story. The phrase rules know the notes' usual wordings; this
//! knows only their vocabulary, so it judges only blocks whose type sets
//! them apart from the article (the classifier checks that): "The agency
//! updated its guidance on Thursday" in an article's paragraph stays.

/// Stems of the words for a change to a story, lower case, matched at a
/// word's start: "updat" is "update", "updated", "updates".
const CHANGE_STEMS: &[&str] = &[
    "updat",
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
    "pembaruan",
    "ralat",
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
];
/// "This" before a word for the story ("denne saken oppdateres").
const THIS: &[&str] = &[
    "this", "the", "denne", "dette", "den", "det", "detta", "diese", "dieser", "dieses", "der",
    "die", "das", "cet", "cette", "este", "esta", "questo", "questa", "dit", "deze", "ten", "ta",
    "tento",
];
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
];

fn is_change(word: &str) -> bool {
    CHANGE_STEMS.iter().any(|s| word.starts_with(s))
}

/// A time of day ("13:42", "9.49", "18h30").
fn is_time(word: &str) -> bool {
    let Some((h, m)) = word.split_once([':', '.', 'h']) else {
        return false;
    };
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    digits(h, 1..=2) && digits(m.trim_end_matches(|c: char| !c.is_ascii_digit()), 2..=2)
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
    if CHANGE_LABELS.iter().any(|l| lower.contains(l)) {
        return true;
    }
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || "()[]*—–:;,".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    let Some(at) = words.iter().position(|w| is_change(w)) else {
        return false;
    };
    // A label: the word of change first, or after words for the story
    // ("Saken oppdateres", "Articolo aggiornato"); "The update, pushed to
    // phones …" is a sentence about something else.
    let story = |w: &str| STORY_WORDS.contains(&w.trim_end_matches(['.', '!', '?']));
    let labelled = words.get(..at).is_some_and(|before| {
        before.is_empty()
            || (before.iter().any(|w| story(w))
                && before.iter().all(|w| story(w) || THIS.contains(w)))
    });
    labelled
        || words.iter().any(|w| is_time(w))
        || words
            .iter()
            .any(|w| STORY_WORDS.contains(&w.trim_end_matches(['.', '!', '?'])))
}

/// Whether a block opens as a note stamped with its time, in any type: a
/// word of change first, or after a word for the story and little words
/// ("Noticia en actualización desde las 14:32 h", "Artikel ini telah
/// diperbarui pada pukul 14.10 WIB", "Updated at 5:45 p.m. with …"), and a
/// time of day among its first words. Such a line says what happened to
/// the story, not in it; "The bill was amended at 10.30" names no story,
/// "Article 5 was amended" a number.
pub(crate) fn stamped_note(lower: &str) -> bool {
    // Split at spaces only: a time keeps its colon ("14:32").
    let words: Vec<&str> = lower
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| "()[]*—–:;,.".contains(c)))
        .filter(|w| !w.is_empty())
        .take(STAMP_WORDS)
        .collect();
    let Some(at) = words
        .iter()
        .take(STAMP_LABEL_AT + 1)
        .position(|w| is_change(w))
    else {
        return false;
    };
    let before = words.get(..at).unwrap_or_default();
    let story = |w: &&str| STORY_WORDS.contains(w);
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
        ] {
            assert!(stamped_note(note), "{note}");
        }
        for sentence in [
            "the bill was amended at 10.30 on monday by the senate.",
            "article 5 was amended at 10.30 on monday.",
            "the software updates at 10:00 every night.",
            "updated figures will follow next week.",
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
        ] {
            assert!(!change_note(text), "{text}");
        }
    }
}
