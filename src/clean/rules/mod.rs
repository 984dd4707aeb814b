//! The built-in boilerplate knowledge: phrase patterns per boilerplate class,
//! class/id tokens of ad, share, newsletter and related containers, tracking
//! images, URL schemes and tracking parameters.
//!
//! Each rule judges one element or one block on its own and names itself; it
//! never removes anything (the classifier decides) and must stay general:
//! patterns describe a class of boilerplate, never one site's exact string.
//!
//! Split along its seams: this file holds the phrase rules and [`Builtin`],
//! which applies them to a block's text; [`text`] lower-cases text and
//! holds the cheap checks that spare most blocks a regex; [`markup`]
//! judges elements (class/id tokens, hidden elements, tracking images,
//! URLs); [`people`] holds what tells an author's bio and a photo credit
//! (names, agencies) by their words; [`byline`] reads the entry's writers
//! from its feed and finds a block that opens with one's name; [`notes`]
//! knows the vocabulary of notes about a change to the story. The tests
//! are in `tests.rs`.

mod byline;
mod markup;
mod notes;
mod people;
#[cfg(test)]
mod tests;
mod text;

use std::hash::Hasher;

use super::sink::El as Element;
use regex::{Regex, RegexSet};

use super::CleanError;
use super::dom;
pub(crate) use byline::{
    Writer, names_writer, opens_with_writer, writer_bio, writer_is, writer_keys, writers,
};
pub(crate) use markup::*;
pub(crate) use notes::{
    change_note, live_closing, note_head, script_note, stamped_note, story_note,
};
use people::*;
pub(crate) use people::{
    BIO_MAX_WORDS, bio_head, credit_marked, disclaimer, first_person, name_alone, named_lead,
    names_again, reported, signed_off, tagline_happening, unnamed_tagline, written_lower,
};
pub(crate) use text::*;

/// Blocks longer than this are article text as far as phrase rules go: the
/// boilerplate classes below are all short.
pub(crate) const PHRASE_MAX_WORDS: u32 = 80;
/// The longest block a whole-block label rule ([`LONE`]) may remove.
const LONE_MAX_WORDS: u32 = 20;

/// A phrase rule: its reason, its pattern, and the longest block it may remove.
struct Rule {
    name: &'static str,
    pattern: &'static str,
    max_words: u32,
}

const fn rule(name: &'static str, pattern: &'static str, max_words: u32) -> Rule {
    Rule {
        name,
        pattern,
        max_words,
    }
}

/// Whole-block labels, matched against the block's "bare" text (lower case,
/// only letters, digits and single spaces).
const LONE: &[Rule] = &[
    rule(
        "ad marker",
        r"^(advertisement|advertisements|advertising|advertorial|ad|ads|anzeige|werbung|publicit[eé]|publicidad|publicidade|pubblicit[aà]|reklama|реклама|広告|광고|sponsored|sponsored (content|post|posts|links?|stories|by)|paid (content|post|partner content)|promoted|promoted (content|stories)|partner content|(story|article|content|text) continues (below|after)( (this|the))?( (advertisement|ad))?|continue reading (the main story|below)|scroll (down )?to continue( with content)?|skip (this )?ad|remove ads|ad feedback|report (this )?ad|ad choices|adchoices)$",
        12,
    ),
    rule(
        "share buttons",
        r"^((share|share this|share on|share via|shares|tweet|email|e mail|mail|print|pin|pin it|save|copy|copy link|link|teilen|drucken|partager|imprimer|compartir|imprimir|compartilhar|condividi|stampa|delen|udostępnij|drukuj|поделиться|facebook|twitter|linkedin|whatsapp|reddit|pinterest|telegram|x|messenger|flipboard|pocket|tumblr|mastodon|threads|bluesky|sms|more|this|article|story|post|page|opens in new window|on|it|comments?|\d+)( |$))+$",
        20,
    ),
    rule(
        "like button",
        r"^(like this|like loading|loading|be the first to like this|\d+ (likes?|bloggers like this))$",
        10,
    ),
    // A copyright line in the languages feeds are most often written in
    // ends so ("© 2024 Kurier. Alle Rechte vorbehalten."): by its end, so
    // the tail check spares every other block.
    rule(
        "copyright notice",
        r"(alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|todos os direitos reservados|tutti i diritti riservati|alle rechten voorbehouden|wszelkie prawa zastrzeżone|все права защищены)$",
        20,
    ),
    rule(
        "logo or icon label",
        r"^((site|company|brand|header|footer|the|our|main|\w+) )?(logo|favicon|icon|avatar)( (logo|favicon|icon|image|img|png|jpg|svg|small|large))*$",
        4,
    ),
];

const SHARE_WORDS: &[&str] = &[
    "share",
    "tweet",
    "facebook",
    "twitter",
    "linkedin",
    "whatsapp",
    "reddit",
    "pinterest",
    "telegram",
    "flipboard",
    "tumblr",
    "mastodon",
    "bluesky",
    "messenger",
    "pocket",
    "email",
    "print",
    "teilen",
    "partager",
    "compartir",
    "compartilhar",
    "condividi",
    "delen",
    "udostępnij",
    "поделиться",
];

/// Phrase patterns, matched against the block's lower-cased text.
const PHRASES: &[Rule] = &[
    rule(
        "syndication footer",
        r"^the post .+ (appeared|was published) first on .+",
        80,
    ),
    rule(
        "syndication footer",
        r"^(this|the) (post|article|story|piece|content|entry|report|item|blog post|column)( was| is| has been| had been)?( originally| first)? (published|appeared|posted|syndicated|republished|reposted)\b",
        40,
    ),
    rule(
        "syndication footer",
        r"^(originally|first) (published|appeared|posted) (on|at|in|by|here)\b",
        30,
    ),
    // The same footer as WordPress's translations print it (German,
    // French, Spanish, Portuguese, Italian, Dutch, Polish, Russian).
    rule(
        "syndication footer",
        r"^(der beitrag .+ erschien zuerst auf|l'article .+ est apparu en premier sur|la entrada .+ (se publicó|apareció|aparece) primero en|o post .+ apareceu primeiro em|l'articolo .+ (sembra essere il primo su|proviene da)|het bericht .+ verscheen eerst op|(wpis|artykuł|post) .+ pojawił się (po raz pierwszy )?(na|w)|запись .+ впервые появилась (на|в)) .+",
        80,
    ),
    rule(
        "syndication footer",
        r"\b(republished|reprinted|reproduced|reposted|published|used|shared) (here )?with (the )?(kind |express )?permission\b",
        40,
    ),
    rule(
        "syndication footer",
        r"\bbe sure to check out (more|the rest) of\b",
        40,
    ),
    rule(
        "read-more link",
        r"^(read|see|view|get) (the )?(full|original|complete|entire|whole|rest of (the|this))\b",
        20,
    ),
    rule("read-more link", r"^read more\b", 15),
    rule(
        "read-more link",
        r"^(weiterlesen|mehr lesen|lire la suite|leer más|seguir leyendo|leia mais|continue lendo|continua a leggere|leggi tutto|lees verder|czytaj dalej|czytaj więcej|читать далее)(\s|$|[:.…»›>])",
        15,
    ),
    rule("read-more link", r"^(continue|keep) reading\b", 20),
    rule("copyright notice", r"^(©|\(c\)|copyright\b)", 50),
    rule("copyright notice", r"\ball rights reserved\b", 50),
    rule(
        "copyright notice",
        r"\bmay not be (re)?(published|reproduced|distributed|redistributed|rewritten|broadcast|copied|reposted)\b",
        50,
    ),
    rule(
        "share/follow call",
        r"^share (this|the|on|via|with)\b.*(facebook|twitter|linkedin|email|friends?|article|story|post)",
        15,
    ),
    rule(
        "share/follow call",
        r"^(click|tap) to (share|email|print|tweet|pin)\b",
        15,
    ),
    rule(
        "share/follow call",
        r"^(follow|like|find|connect with|join) .{1,40}? (on|at|via) (twitter|facebook|instagram|x|linkedin|youtube|tiktok|threads|bluesky|mastodon|google news|telegram|whatsapp|flipboard|social media)\b",
        30,
    ),
    rule("share/follow call", r"^follow us\b", 20),
    rule(
        "share/follow call",
        r"^(folgen sie uns|folge uns|folgt uns|suivez-nous|suivez nous|síguenos|siguenos|sígannos|siga-nos|sigam-nos|seguici|seguiteci|volg ons|obserwuj nas|подписывайтесь на нас)(\s|$|[:.,!])",
        20,
    ),
    // A reading-time strip ("By the staff · 7 min read"): its number
    // changes from entry to entry, so the template, which learns exact
    // text, does not take it.
    rule(
        "reading time",
        r"\b\d+ ?-? ?(min|mins|minute|minutes)\.? read\b|\breading time\b",
        12,
    ),
    // Photo credits: a line that names who took or owns a picture.
    rule(
        "photo credit",
        r"^[(\[]?(lead |top |header |featured? |main |hero |cover |file )?(photo|photograph|image|picture|pic|illustration|graphic|artwork)s?( illustration| essay| montage| composite)?( credits?)?( by\b| ?:| ?/| ?\|| ?©| courtesy\b| via\b| (submitted|provided|supplied|contributed|taken) by\b)",
        12,
    ),
    // The BBC's "Image copyright Getty Images": short, or it is a sentence
    // about copyright.
    rule(
        "photo credit",
        r"^[(\[]?(image|photo|picture|photograph)s? copyright\b",
        6,
    ),
    rule(
        "photo credit",
        r"^[(\[]?(credits?|(image|photo|picture|photograph) (credits?|source)|source of (the )?(image|photo)|courtesy)\s*:",
        30,
    ),
    rule(
        "photo credit",
        r"^[(\[]?(ap|afp|reuters|getty|getty images|epa|upi|dpa|file|staff|handout|pool|courtesy|submitted|contributed|supplied|provided|ap file|associated press|the associated press|pa|anadolu|xinhua) (file )?(photo|photograph|image|picture|pic)s?(\s*$|\s*[/:|)\]]| by\b| courtesy\b)",
        30,
    ),
    rule("photo credit", r"^[(\[]?courtesy (of )?\S", 8),
    // "Foto: …", "Bild: …", "Фото: …", "Crédit photo : …": the labels of
    // the languages feeds are most often written in.
    rule(
        "photo credit",
        r"^[(\[]?(fotos?|fotó|fotograf(ie|ía|ia)|bild(er|quelle|nachweis)?|beeld|foto ?quelle|fotonachweis|фото|фотография|zdjęci[ea]|fot\.|imagen|imágenes|immagin[ei]|crédits? photos?|kuva|φωτογραφία)\s*(:|/|\||©)",
        12,
    ),
    rule(
        "photo credit",
        r"\(((ap|afp|reuters|epa|upi|dpa|pa|xinhua|getty|ap file) )?(photo|image|pic)(graph|ture)?s?( credits?)?( by\b| ?:| courtesy\b| via\b| ?/| ?©)",
        60,
    ),
    // Notes about the story itself: updates and corrections.
    rule(
        "update note",
        r"^[(\[*]?(correction|clarification|editor'?s'? note|editors'? note|ed\.? note|update|updated|last updated)s?\b[^:]{0,25}?[:—–]",
        80,
    ),
    rule(
        "update note",
        r"^[(\[*]?(updated|last updated|first published|published|posted)( on| at)?:? (\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)",
        15,
    ),
    rule(
        "update note",
        r"^[(\[*]?((editor'?s'? )?note:? )?(this|the above) (story|article|post|report|piece|item|page|blog post|column|list|guide|review)( has| had| was| is| will| may)?( been| be| being)? (updated|corrected|amended|revised|edited|changed|clarified|refiled|reissued)\b",
        80,
    ),
    rule(
        "update note",
        r"^[(\[*]?an? (earlier|previous|prior|original) version of this (story|article|post|report|piece|item|page|column)\b",
        80,
    ),
    rule(
        "update note",
        r"^[(\[*]?(updated (with|to (include|add|reflect|correct))|this is a (developing|breaking)|this (story|article) is (developing|breaking)|this (story|article) (will|may) be updated|we (have )?(updated|corrected|amended|revised) this (story|article|post|report|piece))\b",
        40,
    ),
    // The labels of update notes in the languages feeds are most often
    // written in: "Aktualisiert am 3. Mai:", "Mise à jour :", "Nota del
    // editor:", "Обновлено: 12.05".
    rule(
        "update note",
        r"^[(\[*]?(aktualisiert|aktualisierung|zuletzt aktualisiert|korrektur|berichtigung|anmerkung der redaktion|hinweis der redaktion|mis à jour|mise à jour|rectificatif|note de la rédaction|actualizado|actualización|corrección|fe de erratas|fe de errores|nota del editor|nota de la redacción|aggiornato|aggiornamento|correzione|nota della redazione|atualizado|atualização|correção|nota da redação|bijgewerkt|correctie|noot van de redactie|zaktualizowano|aktualizacja|sprostowanie|od redakcji|обновлено|исправлено|примечание редакции|korrekturhinweis|transparenzhinweis|erratum|précision|aclaración|rectificación|precisazione|rettifica|errata corrige|errata|esclarecimento|rectificatie|rättelse|uppdaterad|uppdatering|rettelse|opdateret|korrektion|oppdatert|korrigering|oprava|aktualizace|aktualizováno)(\s[^:]{0,25}?)?\s*[:—–]",
        80,
    ),
    rule(
        "update note",
        r"^[(\[*]?(aktualisiert|zuletzt aktualisiert|stand|mis à jour|actualizado|aggiornato|atualizado|bijgewerkt|zaktualizowano|обновлено)( am| le| el| il| em| op| на)?:? \d",
        15,
    ),
    // A correction's own paragraph, as the New York Times prints it under
    // its "Correction:" label: "An article on Sunday about … misstated …".
    rule(
        "update note",
        r"^an? (article|story|report|review|obituary|picture caption|photo caption|caption|headline|chart|graphic|map|video)\b.{0,200}\b(misstated|misidentified|misspelled|misattributed|misquoted|incorrectly (described|stated|said|reported|identified|referred|gave)|referred erroneously|erroneously)\b",
        80,
    ),
    // "An earlier version of this story …" and "This story has been
    // updated …" in the languages feeds are most often written in.
    rule(
        "update note",
        r"^[(\[*]?(en una versión anterior de (esta|este) (noticia|información|artículo|nota)|dans une (précédente|première) version de cet article|in einer früheren (version|fassung) (dieses|des) (artikels|beitrags|textes)|in una (precedente|prima) versione (di questo|dell['’] ?)articolo|numa versão anterior (desta|deste) (notícia|artigo|texto)|in een eerdere versie van dit (artikel|bericht)|w (poprzedniej|pierwszej) wersji (tego )?(artykułu|tekstu)|в предыдущей версии (этой )?(статьи|материала))",
        80,
    ),
    rule(
        "update note",
        r"^[(\[*]?(cet article a été (mis à jour|corrigé|modifié)|este (artículo|texto) (ha sido|fue) (actualizado|corregido)|esta (noticia|información) (ha sido|fue) (actualizada|corregida)|dieser (artikel|beitrag|text) wurde (aktualisiert|korrigiert|geändert)|questo articolo è stato (aggiornato|corretto)|este (artigo|texto) foi (atualizado|actualizado|corrigido)|esta notícia foi (atualizada|actualizada|corrigida)|(notícia|artigo) (atualizad[oa]|actualizad[oa]) (às|em|a)|dit artikel is (bijgewerkt|aangepast|gecorrigeerd)|ten (artykuł|tekst) (został|zostal) (zaktualizowany|poprawiony))\b",
        60,
    ),
    // A live blog's closing or pausing line: "This blog is now closed.",
    // "That's all from us tonight.", "Dieser Liveblog ist beendet."
    rule(
        "update note",
        r"^(this (live )?blog is (now )?(closed|paused)|(that's|that’s|that is) (all|it) from (us|me)\b|we('re| are| have)? (now )?(paused|pausing|ending|ended|closed|closing|wrapping up|wrapped up) (our|this|the) live (blog|coverage|updates)|our live coverage (of [^.]{1,60} )?(has )?(now )?(ended|closed|finished)|(dieser|der|unser) (live-?blog|liveticker|newsblog|ticker) (ist|wird) (hiermit |nun |jetzt )?(beendet|geschlossen)|ce (direct|live) est (désormais |maintenant )?(terminé|clos|fermé)|(este|el) directo (ha )?(finalizado|terminado)|(questa|la) diretta (è|si è) (terminata|conclusa|chiusa)|(este|o) (liveblog|ao vivo|minuto a minuto) (foi )?(encerrado|terminou))\b",
        60,
    ),
    // A prompt to the reader after the article: no part of it.
    rule(
        "reader prompt",
        r"^(do you have an opinion on the issues raised in this article|have your say\b|if you would like to (submit|send) a letter|was this (article|story|page) helpful|ist dieser (beitrag|artikel) hilfreich|did you (find|like|enjoy) this (article|story))",
        60,
    ),
    // Wire services' change notes in brackets, at the top: "(Corrects
    // spelling of the mayor's name in second paragraph)", "(Adds comment
    // from the ministry)". A whole paragraph in brackets that opens with
    // the verb is no sentence of the article.
    rule(
        "update note",
        r"^\((corrects|adds|updates|recasts|refiles|fixes|removes|changes|rewrites|inserts|clarifies|deletes|restores|replaces|moves|withdraws)\b[^()]*\)$",
        40,
    ),
    // A note that names the story first: "Story updated with the
    // council's response." (not "Story time is at 10 a.m.").
    rule(
        "update note",
        r"^[(\[*]?(story|article|post|report) (updated|corrected|amended|revised|refiled)\b",
        40,
    ),
    // A blogger's note: "[Edit 3/4: I've fixed the link above.]".
    rule(
        "update note",
        r"^[(\[*]?edit( \d{1,2}[/.]\d{1,2}([/.]\d{2,4})?)?\s*:",
        60,
    ),
    // "Originally published March 3; updated with the result of the vote."
    rule(
        "update note",
        r"^[(\[*]?(originally |first )?(published|posted)\b[^;]{0,40}[;,] (last )?(updated|modified|revised)\b",
        25,
    ),
    // Wire services' change notes: "This version corrects the date …".
    rule(
        "update note",
        r"^[(\[*]?(this|the above) (version|story|article|report|item|post)( of (this|the) (story|article|report))? (corrects|clarifies|updates|removes|fixes)\b",
        40,
    ),
    // The wire tagline of a story's other writers.
    rule(
        "author bio (contributor line)",
        r"\bcontributed (reporting )?to (this|the) (report|story|article)\b",
        40,
    ),
    // A link to another story set between the paragraphs; "On
    // HoustonChronicle.com:" names the site it is on.
    rule(
        "inline related link",
        r"^(more|read more|more news|read|related|go deeper|dig deeper|go further|icymi|in case you missed it|see more|more coverage|must see|editor'?s picks?|top stor(y|ies)|further reading|more to read|related (story|stories|article|articles|coverage|content|link|links|reading|video)|see also|also read|read also|also see|also|don't miss|do not miss|must read|recommended|previously|click here|read next|up next|in other news|also on [^ :]+|(more |also )?on [a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,6})\s*(:|>>|»|›|\|)",
        30,
    ),
    // The same labels in the languages feeds are most often written in.
    rule(
        "inline related link",
        r"^(lesen sie (auch|mehr)|lies auch|auch interessant|mehr zum thema|mehr dazu|zum weiterlesen|weiterlesen|siehe auch|passend (dazu|zum thema)|lesetipp|lire aussi|à lire (aussi|également)|a lire (aussi|également)|voir aussi|à voir aussi|sur le même sujet|lee (también|además)|lea (también|además)|te puede interesar|le puede interesar|ver también|leia (também|mais)|veja (também|mais)|saiba mais|leggi anche|leggi pure|vedi anche|potrebbe interessarti|lees ook|lees meer|zie ook|czytaj (też|także|również|więcej)|zobacz (też|także|również)|przeczytaj (też|także|również)|polecamy|читайте (также|еще|ещё)|смотрите также|по теме|читайте також)\s*(:|>>|»|›|\|)",
        30,
    ),
    rule(
        "inline media link",
        r"^(watch|listen|video|videos|photos|gallery|photo gallery|in pictures|podcast|explainer|analysis|opinion|trending|latest|explore|check out|live updates|live)\s*(:|>>|»|›|\|)",
        30,
    ),
];

/// A wire photo's caption as the agencies' style writes it, which no
/// article sentence does: "In this Nov. 10, 2019, file photo, …", or a
/// scene that ends with its weekday, date, year and place ("… speaks
/// during a campaign stop, Tuesday, Nov. 19, 2019, in Columbia, S.C.", "…
/// against the Thunder on Tuesday, Nov. 19, 2019, in Los Angeles."): the
/// place is a name and perhaps its state or country after one comma, not a
/// clause ("…, in Columbia, and a second vote is due in May." is news),
/// and perhaps its credit. Captions set in galleries and figures without
/// a caption's name or an image beside them go by these words alone.
const WIRE_CAPTION: [&str; 2] = [
    r"^in this( (mon|tues|wednes|thurs|fri|satur|sun)day,)? ((jan|feb|aug|sept?|oct|nov|dec)\.|march|april|may|june|july) \d{1,2}, (19|20)\d\d,? (file |handout |courtesy )?(photo|photograph|image|picture|frame grab)",
    // Anchored at the end only, so the search runs backwards from it.
    r"(,| on) (mon|tues|wednes|thurs|fri|satur|sun)day, ((jan|feb|aug|sept?|oct|nov|dec)\.|march|april|may|june|july) \d{1,2}, (19|20)\d\d(, (in|at|near|outside|inside|on) [^(),]{2,50}(, [^(), ]+( [^(), ]+){0,2})?)?\.?( \([^)]*photo[^)]*\))?$",
];
/// The longest block taken for a wire caption by its words.
const WIRE_CAPTION_MAX_WORDS: u32 = 60;

/// Bullets, arrows and dashes that may lead a label.
const DECORATION: &[char] = &[
    '»', '›', '>', '•', '*', '▶', '►', '·', '-', '–', '—', '|', '→', ' ',
];

/// Between the lower-case texts of two blocks in their shared buffer: a
/// byte none of the literals of [`Builtin::needs`] holds.
pub(crate) const BLOCK_SEPARATOR: char = '\n';

/// Literals one of which every unanchored [`PHRASES`] pattern needs: most
/// blocks are article text that has none, and this one literal search is
/// much cheaper than the pattern set, whose own prefixes ("used", "shared",
/// "published") are common words. Keep in step with [`PHRASES`] (a test
/// checks each unanchored pattern names one).
const PHRASES_ANY_NEEDS: &[&str] = &[
    "permission",
    "be sure to check out",
    "all rights reserved",
    "may not be",
    "min read",
    "mins read",
    "minute read",
    "minutes read",
    "min. read",
    "reading time",
    "(photo",
    "photo/",
    "(image",
    "(pic",
    "contributed",
];

/// Calls to act that mark a subscription block (second person, imperative).
const NEWSLETTER_CALLS: &[&str] = &[
    r"^(sign up|signup|subscribe|join|register|get|enter|don't miss|never miss|stay (informed|updated|in the know|up to date|connected)|want (more|the latest))\b",
    r"\byour (inbox|e-?mail)\b",
    r"\bwe('ll| will)? (don't|do not|never|won't|will not|hate) (spam|share your)",
    r"\bno spam\b",
    r"\b(our|the) privacy (policy|notice|statement)\b",
    r"\bunsubscribe (at any time|anytime)\b",
    r"\bby (signing up|subscribing|clicking|entering)\b",
    r"\bthanks?( you)? for (signing up|subscribing)\b",
    r"\b(sign up|subscribe) (for|to|today|now|here|free)\b",
];

/// Topic words of a subscription block.
const NEWSLETTER_TERMS: &[&str] = &[
    r"\bsign(ing)? ?up\b",
    r"\bsubscri(be|bed|bing|ption|ptions)\b",
    r"\b(get|receive) (the latest|our|daily|weekly|breaking)\b",
    r"\bterms (of (use|service)|and conditions)\b",
    r"\bopt[- ]?(in|out)\b",
];

/// Literals one of which every [`NEWSLETTER_TOPICS`] pattern needs ("mail"
/// stands for "e-mail", "email" and "mailing list"): a block without any
/// cannot be a subscription block, and the calls set, whose prefixes ("we",
/// "by") are everywhere, is not run on it. Keep in step (a test checks).
const TOPICS_NEED: &[&str] = &[
    "newsletter",
    "inbox",
    "spam",
    "privacy",
    "mail",
    "unsubscribe",
    "delivered",
    "digest",
    "briefing",
    "roundup",
];

/// Words only a subscription block uses: "sign up for a free trial" is
/// article text about a product, "sign up ... in your inbox" is not.
const NEWSLETTER_TOPICS: &[&str] = &[
    r"\bnewsletters?\b",
    r"\binbox(es)?\b",
    r"\bspam\b",
    r"\bprivacy (policy|notice|statement)\b",
    r"\bmailing list\b",
    r"\bunsubscribe\b",
    r"\be-?mail (address|updates|alerts?|list)\b|\byour e-?mail\b",
    r"\bdelivered (straight |directly )?to your\b",
    r"\b(daily|weekly|morning|evening) (digest|briefing|roundup|email|newsletter)\b",
];

/// Heads of related-link blocks; a match counts only for a lone label, a
/// block with a colon near the start, or a link-heavy block.
const RELATED: &str = r"^(more from|more on|more about|more stories|more news|more coverage|more like this|more in|you (may|might|will) (also )?(like|enjoy|be interested)|we recommend|recommended( for you| reading| stories| articles| videos)?|related( stories| articles| posts| coverage| content| reading| news| links| topics| videos)?|see also|also (read|see|on|watch)|read (also|next)|what to read next|don't miss|most (popular|read|viewed|shared)|trending( now| stories)?|further reading|top stories|popular (posts|stories)|in case you missed it|editor'?s picks|up next|watch next|suggested (reading|articles|stories)|previous (post|article)|next (post|article))\b|^(mehr zum thema|mehr dazu|das könnte (sie|dich|euch) (auch )?interessieren|lesen sie auch|auch interessant|weitere (artikel|themen|beiträge|nachrichten|meldungen)|neueste (artikel|beiträge|nachrichten)|ähnliche (artikel|beiträge)|verwandte (artikel|themen|beiträge)|zum weiterlesen|lire aussi|à lire aussi|a lire aussi|sur le même sujet|articles (similaires|liés|associés)|voir aussi|à voir aussi|te puede interesar|noticias relacionadas|artículos relacionados|lee también|lea también|ver también|leia também|veja também|notícias relacionadas|leggi anche|articoli correlati|potrebbe interessarti|lees ook|gerelateerde artikelen|zie ook|zobacz (też|także|również)|czytaj (też|także|również)|polecane|podobne artykuły|читайте также|похожие статьи|по теме)(\s|$|[:.!?…»›|])";

/// Weak hints that make a short block at the article's edge boilerplate.
/// Anchored at the start: "request for comment" ends many news stories.
const EDGE_HINT: &str = r"^\W*(share|follow|subscribe|newsletter|related|recommended|comments|leave a comment|tags?|tagged|filed under|posted in|categor(y|ies)|click here|read more|more from|sign up|sponsored|advert\w*|promo\w*|photo credit|image credit|source|via)\b";

/// A short note at the article's edge about the story itself ("Changes
/// were made to this story after …"): it names this story and a change.
/// Both must match; "the story had been updated" is the article's.
const EDGE_NOTE: [&str; 2] = [
    r"\b(this|the above) (story|article|post|report|piece|version|page|item|column)\b",
    r"\b(updated|corrected|changed|changes|amended|revised|edited|refiled|clarified|misstated|misspelled|misidentified|incorrectly|in error)\b",
];

#[derive(Debug)]
pub(crate) struct Builtin {
    lone: RegexSet,
    lone_tails: Ends,
    /// [`PHRASES`] anchored at the start (a quick anchored search), and the
    /// rest, each with the rule indices of its patterns.
    phrases_start: (RegexSet, Vec<usize>),
    phrases_start_heads: Starts,
    phrases_any: (RegexSet, Vec<usize>),
    /// [`PHRASES_ANY_NEEDS`] and [`TOPICS_NEED`], as literal searches, and
    /// both at once (which most blocks, having none, stop at).
    phrases_any_needs: Regex,
    topics_need: Regex,
    any_need: Regex,
    calls: RegexSet,
    terms: RegexSet,
    topics: RegexSet,
    related: Regex,
    related_heads: Starts,
    edge_hint: Regex,
    edge_note: [Regex; 2],
    url: Regex,
    bio_name: Regex,
    bio_name_other: Regex,
    bio_words: Regex,
    bio_contact: Regex,
    bio_tagline: Regex,
    bio_beat: Regex,
    unnamed_trade: Regex,
    name_credit: Regex,
    wire_caption: [Regex; 2],
    weekday_comma: memchr::memmem::Finder<'static>,
}

pub(crate) struct Verdict {
    pub reason: &'static str,
}

impl Builtin {
    pub fn new() -> Result<Self, CleanError> {
        let err = |e: regex::Error| CleanError::InvalidRule {
            rule: "built-in".to_string(),
            message: e.to_string(),
        };
        // ASCII word boundaries: a Unicode `\b` can stop the regex crate's
        // lazy DFA on non-ASCII text. The patterns' words are ASCII, so
        // nothing is lost.
        let ascii = |p: &str| p.replace(r"\b", r"(?-u:\b)");
        let set = |ps: &mut dyn Iterator<Item = &str>| RegexSet::new(ps.map(ascii)).map_err(err);
        Ok(Builtin {
            lone: set(&mut LONE.iter().map(|r| r.pattern))?,
            lone_tails: Ends::of(&LONE.iter().map(|r| ascii(r.pattern)).collect::<Vec<_>>()),
            phrases_start: phrase_set(true).map_err(err)?,
            phrases_start_heads: Starts::of(&phrase_patterns(true)),
            phrases_any: phrase_set(false).map_err(err)?,
            phrases_any_needs: literals(PHRASES_ANY_NEEDS).map_err(err)?,
            topics_need: literals(TOPICS_NEED).map_err(err)?,
            any_need: literals(&[PHRASES_ANY_NEEDS, TOPICS_NEED].concat()).map_err(err)?,
            calls: set(&mut NEWSLETTER_CALLS.iter().copied())?,
            terms: set(&mut NEWSLETTER_TERMS.iter().copied())?,
            topics: set(&mut NEWSLETTER_TOPICS.iter().copied())?,
            related: Regex::new(&ascii(RELATED)).map_err(err)?,
            related_heads: Starts::of(&[ascii(RELATED)]),
            edge_hint: Regex::new(&ascii(EDGE_HINT)).map_err(err)?,
            edge_note: [
                Regex::new(&ascii(EDGE_NOTE[0])).map_err(err)?,
                Regex::new(&ascii(EDGE_NOTE[1])).map_err(err)?,
            ],
            url: Regex::new(r"(https?://|www\.)\S+").map_err(err)?,
            bio_name: Regex::new(BIO_NAME).map_err(err)?,
            bio_name_other: Regex::new(BIO_NAME_OTHER).map_err(err)?,
            bio_words: Regex::new(&ascii(BIO_WORDS)).map_err(err)?,
            bio_contact: Regex::new(&ascii(BIO_CONTACT)).map_err(err)?,
            bio_tagline: Regex::new(BIO_TAGLINE).map_err(err)?,
            bio_beat: Regex::new(&ascii(BIO_BEAT)).map_err(err)?,
            unnamed_trade: Regex::new(UNNAMED_TRADE).map_err(err)?,
            name_credit: Regex::new(NAME_CREDIT).map_err(err)?,
            wire_caption: [
                Regex::new(&ascii(WIRE_CAPTION[0])).map_err(err)?,
                Regex::new(&ascii(WIRE_CAPTION[1])).map_err(err)?,
            ],
            weekday_comma: memchr::memmem::Finder::new("day, "),
        })
    }

    /// For each block's range of `lowers`, whether it holds one of the
    /// literals some phrase or subscription rule needs ([`PHRASES_ANY_NEEDS`],
    /// [`TOPICS_NEED`]): one search of the whole buffer instead of one per
    /// block, which was most of the phrase rules' time (few blocks hold
    /// any). The ranges are in buffer order, [`BLOCK_SEPARATOR`] between
    /// them, which no literal holds, so no match spans two blocks and the
    /// first one in each block is found; an empty range holds nothing.
    pub fn needs(&self, lowers: &str, ranges: impl Iterator<Item = (usize, usize)>) -> Vec<bool> {
        let mut hits = self.any_need.find_iter(lowers).peekable();
        ranges
            .map(|(start, end)| {
                if start == end {
                    return false;
                }
                // Matches before this range belong to earlier ones.
                while hits.next_if(|m| m.start() < start).is_some() {}
                hits.peek().is_some_and(|m| m.end() <= end)
            })
            .collect()
    }

    /// The phrase rule a short block breaks, if any. `needs`: what
    /// [`Builtin::needs`] says of the block. `scratch` is any buffer,
    /// reused from block to block.
    pub fn phrase(
        &self,
        lower: &str,
        words: u32,
        link_words: u32,
        needs: bool,
        scratch: &mut String,
    ) -> Option<Verdict> {
        if words > PHRASE_MAX_WORDS {
            return None;
        }
        // A bullet or arrow before a label ("» Related: …") is decoration;
        // before nothing but a link ("→ <a>Headline</a>"), it points
        // elsewhere.
        let trimmed = lower.trim_start_matches(DECORATION);
        if trimmed.len() < lower.trim_start().len() && words <= 20 && link_words >= words {
            return Some(Verdict {
                reason: "inline related link",
            });
        }
        let lower = trimmed;
        // Whole-block labels are short; most blocks skip this pass.
        scratch.clear();
        if words <= LONE_MAX_WORDS && self.lone_tails.may_match(bare_tail(lower)) {
            bare_into(lower, scratch);
        }
        let bare = scratch.as_str();
        let first = |set: &RegexSet, rules: &[Rule], text: &str| {
            // Most blocks match nothing: a plain `is_match` stops early,
            // the overlapping search runs only on a hit. No label matches
            // an empty text (a test checks), and longer blocks have none.
            if text.is_empty() || !set.is_match(text) {
                return None;
            }
            set.matches(text)
                .iter()
                .find(|&i| rules.get(i).is_some_and(|r| words <= r.max_words))
                .and_then(|i| rules.get(i))
                .map(|r| Verdict { reason: r.name })
        };
        // The first phrase rule (in `PHRASES` order) that matches and
        // applies at this length.
        let phrase = || {
            let hits = |(set, idx): &(RegexSet, Vec<usize>)| {
                let found = set.is_match(lower).then(|| set.matches(lower));
                found
                    .into_iter()
                    .flat_map(|m| m.into_iter())
                    .filter_map(|i| idx.get(i).copied())
                    .filter(|&i| PHRASES.get(i).is_some_and(|r| words <= r.max_words))
                    .min()
            };
            let any = needs && self.phrases_any_needs.is_match(lower);
            let start = self.phrases_start_heads.may_match(lower);
            [
                start.then(|| hits(&self.phrases_start)).flatten(),
                any.then(|| hits(&self.phrases_any)).flatten(),
            ]
            .into_iter()
            .flatten()
            .min()
            .and_then(|i| PHRASES.get(i))
            .map(|r| Verdict { reason: r.name })
        };
        // Each form needs its words: most blocks skip both regexes. Before
        // the phrase rules: a wire caption may end with its credit ("… (AP
        // Photo/Name)"), and the block is the caption.
        let wire = words <= WIRE_CAPTION_MAX_WORDS
            && ((lower.starts_with("in this ") && self.wire_caption[0].is_match(lower))
                || (self.weekday_comma.find(lower.as_bytes()).is_some()
                    && self.wire_caption[1].is_match(lower)));
        if wire {
            return Some(Verdict {
                reason: "image caption (a wire photo's dated caption)",
            });
        }
        if let Some(v) = first(&self.lone, LONE, bare).or_else(phrase) {
            // The button list pattern accepts filler words ("more", "this",
            // "post") so it also needs one word that names a button; a
            // "Watch:" or "Photos:" line is a link to elsewhere only when
            // it is mostly link.
            let ok = match v.reason {
                "share buttons" => bare.split(' ').any(|w| SHARE_WORDS.contains(&w)),
                "inline media link" => link_words > 0 && link_words * 2 >= words,
                _ => true,
            };
            if ok {
                return Some(v);
            }
        }
        if words <= AGENCY_CREDIT_MAX_WORDS && agency_credit(lower) {
            return Some(Verdict {
                reason: "photo credit",
            });
        }
        // Named as the other credit lines: a caption above it pairs with
        // it as with them (classify).
        if words <= CREDIT_AT_END_MAX_WORDS && credit_at_end(lower) {
            return Some(Verdict {
                reason: "photo credit",
            });
        }
        if words <= 60
            && needs
            && self.topics_need.is_match(lower)
            && self.calls.is_match(lower)
            && self.topics.is_match(lower)
        {
            let hits = self.terms.matches(lower).iter().count()
                + self.calls.matches(lower).iter().count()
                + self.topics.matches(lower).iter().count();
            if hits >= 3 {
                return Some(Verdict {
                    reason: "newsletter signup",
                });
            }
        }
        if words <= 25 && self.is_related_head(lower) {
            let colon = lower
                .char_indices()
                .take_while(|(i, _)| *i < 40)
                .any(|(_, c)| c == ':');
            if words <= 6 || colon || link_words * 2 >= words {
                return Some(Verdict {
                    reason: "related links",
                });
            }
        }
        None
    }

    pub fn is_related_head(&self, lower: &str) -> bool {
        self.related_heads.may_match(lower) && self.related.is_match(lower)
    }

    pub fn edge_hint(&self, lower: &str) -> bool {
        self.edge_hint.is_match(lower)
    }

    /// A note about the story itself, by its words ([`EDGE_NOTE`]); only
    /// its place at the article's edge makes it one. "This version of the
    /// bill was amended …" is about another version.
    pub fn edge_note(&self, lower: &str) -> bool {
        let [story, change] = &self.edge_note;
        let about_story = story.find_iter(lower).any(|m| {
            let after: Vec<&str> = lower[m.end()..].split_whitespace().collect();
            !m.as_str().ends_with("version") || !notes::of_something_else(&after)
        });
        about_story && change.is_match(lower)
    }

    /// Any word of the boilerplate classes: what makes a repeated block
    /// suspicious rather than a refrain of the article.
    pub fn weak_hint(&self, lower: &str) -> bool {
        self.edge_hint.is_match(lower)
            || self.calls.is_match(lower)
            || self.topics.is_match(lower)
            || self.is_related_head(lower)
    }

    /// The hash a block is known by across entries (and within one): its
    /// lower-cased text with URLs masked and each run of ASCII digits
    /// replaced by one "0", so "© 2024" and "© 2025", "2 min read" and
    /// "12 min read", or a per-entry link are the same block.
    #[cfg(test)]
    pub fn key_hash(&self, lower: &str) -> u64 {
        self.key_hashes(lower).0
    }

    /// The block's shape (the hash above) and its exact text's hash
    /// (URLs masked, digits as they are): the template learns a block by
    /// its exact text, so that a sentence whose numbers change from entry
    /// to entry is never its boilerplate. Without digits the two are one
    /// hash, computed once.
    pub fn key_hashes(&self, lower: &str) -> (u64, u64) {
        let masked = if lower.contains("http") || lower.contains("www.") {
            self.url.replace_all(lower, "<url>")
        } else {
            std::borrow::Cow::Borrowed(lower)
        };
        let mut h = super::classify::hasher();
        let mut had_digits = false;
        let mut rest = masked.as_bytes();
        // Most text has few digits: the next one is found eight bytes at a
        // time (a byte is a digit if it is below 10 once XORed with '0').
        let digit = |x: u64| {
            let v = x ^ rep(b'0');
            v.wrapping_sub(rep(10)) & !v & rep(0x80)
        };
        loop {
            let at = dom::first_flagged(rest, 0, digit);
            let (text, tail) = rest.split_at(at.min(rest.len()));
            h.write(text);
            if tail.is_empty() {
                break;
            }
            h.write(b"0");
            had_digits = true;
            let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
            rest = tail.get(digits..).unwrap_or_default();
        }
        let shape = std::hash::Hasher::finish(&h);
        if !had_digits {
            return (shape, shape);
        }
        let mut exact = super::classify::hasher();
        exact.write(masked.as_bytes());
        (shape, std::hash::Hasher::finish(&exact))
    }
}

/// The phrase patterns anchored at the start (or the others), as a set, with
/// each set member's index in [`PHRASES`].
fn phrase_set(anchored: bool) -> Result<(RegexSet, Vec<usize>), regex::Error> {
    let idx: Vec<usize> = (0..PHRASES.len())
        .filter(|&i| PHRASES[i].pattern.starts_with('^') == anchored)
        .collect();
    let set = RegexSet::new(phrase_patterns(anchored))?;
    Ok((set, idx))
}

/// The [`PHRASES`] patterns anchored at the start (or the others), in
/// order, with ASCII word boundaries.
fn phrase_patterns(anchored: bool) -> Vec<String> {
    PHRASES
        .iter()
        .filter(|r| r.pattern.starts_with('^') == anchored)
        .map(|r| r.pattern.replace(r"\b", r"(?-u:\b)"))
        .collect()
}

/// A search for any of `words`, literally (the regex crate runs an
/// alternation of plain literals as a vectorised multi-literal search).
fn literals(words: &[&str]) -> Result<Regex, regex::Error> {
    let escaped: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    Regex::new(&escaped.join("|"))
}
