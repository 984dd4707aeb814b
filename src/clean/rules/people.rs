//! What tells the two kinds that are about people by their words: an
//! author's bio (a name, a verb, what bios say of journalists, in English
//! and in the other languages feeds are most often written in; a box's
//! head, "About Ana Ruiz") and a photo credit (a photographer, an agency, an
//! outlet). Each judges one block's text; only the classifier's place rules
//! (the end of the entry, beside an image) make most of them boilerplate.

use super::Builtin;

/// The longest block taken for part of an author's bio (a columnist's box
/// may list six books).
pub(crate) const BIO_MAX_WORDS: u32 = 100;
/// The start of an author's bio: a name (not a pronoun or article), then
/// what bios say of people. Matched against the block's own text, for its
/// capitals. A bio box may be headed ("About the author:"), and the name may
/// be followed by a handle in brackets or an appositive or relative clause
/// between commas ("Ana Ruiz, a contributing writer, lives in …"; "…, who
/// has covered the courts since 2010, is …"): what follows the name is what
/// tells a bio, and the clause only delays it: after a clause, the bio's
/// words must be in what follows it ("Ana Ruiz, who covers the courts, was
/// subpoenaed" is news about a reporter). A bio may also name its subject
/// after a descriptor that ends with the trade ("Pulitzer Prize-winning
/// journalist Ana Ruiz writes …"); then too the bio's words must follow the
/// name ("Former reporter Ana Ruiz was arrested in Texas" is news). "Was"
/// says a bio only before what the person was ("was a reporter at …", "was
/// born in …"): "Ana Ruiz was detained while covering the protest" is news.
pub(super) const BIO_NAME: &str = r"^(?:About the (?:author|writer|reporter)s?:? )?(?P<descriptor>(?:[\p{L}\-]+ ){0,3}(?i:journalist|reporter|writer|columnist|correspondent|editor|photographer|critic) )?(?:(?:Dr|Mr|Ms|Mrs|Prof)\.? )?(?P<name>\p{Lu}[\p{L}'’.\-]*(?: \p{Lu}[\p{L}'’.\-]*){0,3})(?: \([^()]{1,40}\))?(?P<clause>, (?:a|an|the|our|who|whose|formerly|previously|now)\b[^,]{1,80},|,)? (?:now |also )?(?:is|was (?:a|an|the|previously|formerly|born)|has been|has|joined|covers|covered|reports|writes|wrote|edits|previously|spent|began|started|leads|lives|holds|graduated|came|contributed|reported)\b";
/// The start of an author's bio in the other languages feeds are most
/// often written in: a name, the verb "to be" and the trade ("Ana Ruiz es
/// periodista y …", "Anna Bianchi è giornalista professionista dal 2004",
/// "Jan Kowalski jest dziennikarzem …"), the trade perhaps compounded
/// ("Wirtschaftsredakteurin", "frilansjournalist"). The trade says it is a bio, so
/// no further words are needed; only the place (the end) makes it one.
pub(super) const BIO_NAME_OTHER: &str = r"^(?P<name>\p{Lu}[\p{L}'’.\-]*(?: (?:de |da |di |van |von |del |dos )?\p{Lu}[\p{L}'’.\-]*){1,3}),? (?:(?:es|est|ist|è|é|jest|era|war|foi|fue|était|är|er|je|var|byl|byla|on|este|adalah|ialah|είναι|yra|ir|là|lavora come|arbeitet als|trabaja como|travaille comme) (?:(?:un|una|uno|une|ein|eine|um|uma|el|la|il|lo|der|die|de|het|o|a) )?(?:[\p{L}\-]+ )?(?i:\p{L}*(?:periodista|redactor|redactora|corresponsal|catedrático|catedrática|profesora?|escritora?|columnista|journaliste|rédacteur|rédactrice|correspondante?|chroniqueur|chroniqueuse|professeure?|écrivaine?|journalist|journalistin|redakteur|redakteurin|korrespondent|korrespondentin|autor|autorin|kolumnist|kolumnistin|professor|professorin|giornalista|redattore|redattrice|corrispondente|scrittore|scrittrice|editorialista|jornalista|repórter|correspondente|colunista|dziennikarz|dziennikarzem|dziennikarka|dziennikarką|redaktor|redaktorką|redaktorem|korespondent|korespondentką|felietonista|verslaggever|correspondent|columnist|redacteur|schrijver|hoogleraar|reporter|skribent|redaktör|redaktør|journalisten|novinář|novinářka|reportér|reportérka|zpravodaj|zpravodajka|komentátor|komentátorka|toimittaja|toimittajana|kirjeenvaihtaja|reportteri|kolumnisti|jurnalist|jurnalistă|jurnalistul|redactor|corespondent|újságíró|tudósító|szerkesztő|gazeteci|muhabir|köşe yazarı|editör|журналіст|журналістка|журналист|журналистка|корреспондент|кореспондент|кореспондентка|редактор|редакторка|оглядач|оглядачка|обозреватель|колумніст|колумнистка|δημοσιογράφος|ανταποκριτής|ανταποκρίτρια|αρθρογράφος|wartawan|wartawati|jurnalis|kolumnis|nhà báo|phóng viên|novinar|novinarka|dopisnik|dopisnica|žurnalist|žurnalistka|novinár|novinárka))\b|(?:—|–) (?i:журналіст|журналістка|журналист|журналистка|корреспондент|кореспондент|кореспондентка|редактор|редакторка|оглядач|оглядачка|обозреватель|колумніст|колумнистка)\b|(?i:újságíró|tudósító|gazeteci|muhabir|δημοσιογράφος|wartawan|jurnalis)(?:,| ve | és | dan | και ))";

/// A bio that never names its writer, lower case: a pronoun (nothing in
/// the languages that drop it) and "to be", then a journalist's trade a
/// few words on ("She is a reporter at …", "I'm a reporter based in …",
/// "Sie ist Redakteurin …", "Es periodista y …"). Only journalists' trades:
/// "She is a professor at Yale" ends many stories about a professor.
pub(super) const UNNAMED_TRADE: &str = r"^(?:(?:she|he|they|i)(?:'m|’m|'s|’s| is| are| am| was| has been| have been|'ve been|’ve been)|(?:sie|er) (?:ist|war)|(?:elle|il) (?:est|était)|(?:ella |él )?(?:es|fue)|(?:lei |lui )?(?:è|era)|(?:ela |ele )?(?:é|foi)|(?:zij|hij|ze) (?:is|was)|(?:hon|han) (?:är|var|er)) (?:[\p{L}\-]+ ){0,4}?\p{L}*(?:reporter|journalist|correspondent|writer|columnist|editor|contributor|photographer|photojournalist|critic|freelancer|blogger|author of|periodista|redactora?|corresponsal|columnista|journaliste|rédacteur|rédactrice|correspondante?|chroniqueur|chroniqueuse|journalistin|redakteurin|redakteur|korrespondentin|korrespondent|kolumnistin|kolumnist|autorin|giornalista|redattore|redattrice|corrispondente|editorialista|jornalista|repórter|correspondente|colunista|verslaggever|redacteur|skribent|redaktör|redaktør)\b";

/// Whether a block opens in the first person with "to be" ("I'm …", "I
/// have been …").
pub(crate) fn first_person(lower: &str) -> bool {
    [
        "i'm ",
        "i’m ",
        "i am ",
        "i've been ",
        "i’ve been ",
        "i have been ",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// The most words of a bio that never names its writer.
const UNNAMED_WRITER_BIO_MAX_WORDS: u32 = 50;

/// How an unnamed tagline starts ("The writer is a former ambassador"),
/// lower case, after a bracket or a footnote's star, in the languages
/// opinion pages are most often written in.
const UNNAMED_BIO: &[&str] = &[
    "the writer is",
    "the writer was",
    "the author is",
    "the authors are",
    "the columnist is",
    "l'auteur est",
    "l’auteur est",
    "l'auteure est",
    "l’auteure est",
    "l'autrice est",
    "l’autrice est",
    "les auteurs sont",
    "les auteures sont",
    "der autor ist",
    "die autorin ist",
    "die autoren sind",
    "el autor es",
    "la autora es",
    "los autores son",
    "o autor é",
    "a autora é",
    "os autores são",
    "l'autore è",
    "l’autore è",
    "l'autrice è",
    "l’autrice è",
    "gli autori sono",
    "de auteur is",
    "de schrijver is",
    "författaren är",
    "forfatteren er",
    "kirjoittaja on",
    "autor jest",
    "autorka jest",
    "autor je",
    "autorka je",
    "l'autor és",
    "l’autor és",
    "l'autora és",
    "l’autora és",
    "autorul este",
    "autoarea este",
    "penulis adalah",
    "penulis merupakan",
    "автор —",
    "авторка —",
    "автори —",
    "автор –",
    "авторка –",
    "автор является",
    "авторът е",
    "аутор је",
    "avtor je",
    "avtorica je",
    "autor on",
    "autors ir",
    "autorius yra",
    "autorė yra",
    "penulis ialah",
    "tác giả là",
    "skribenten är",
    "skribenten er",
    "作者为",
    "作者是",
    "作者為",
    "höfundur er",
    "höfundar eru",
    "הכותב הוא",
    "הכותבת היא",
    "ผู้เขียนเป็น",
    "mwandishi ni",
    "ang may-akda ay",
    "the writers are",
    "ο συγγραφέας είναι",
    "η συγγραφέας είναι",
    "ο αρθρογράφος είναι",
    "η αρθρογράφος είναι",
    "yazar,",
    "a szerző a ",
    "a szerző az ",
];
/// A tagline's disclaimer, lower case: the views are the writer's own.
const DISCLAIMERS: &[&str] = &[
    "views are personal",
    "views expressed are",
    "views are his own",
    "views are her own",
    "views are their own",
    "opinions expressed are",
    "do not necessarily reflect",
    "does not necessarily reflect",
    "n'engagent que",
    "n’engagent que",
    "gibt die meinung",
    "meinung des autors",
    "meinung der autorin",
    "opinión del autor",
    "opinión de la autora",
    "opinião do autor",
    "opinião da autora",
    "opinione dell'autore",
    "opinione dell’autore",
    "opini pribadi",
    "tidak mencerminkan",
    "думку автор",
    "мнение автора",
    "poglądy autora",
    "names van de auteur",
];

/// Words that start a sentence but never a name.
pub(super) const NOT_NAMES: &[&str] = &[
    "He", "She", "They", "It", "The", "This", "That", "These", "Those", "A", "An", "We", "I",
    "You", "His", "Her", "Our", "Their", "Its", "There", "Here", "What", "Who", "Which", "But",
    "And", "If", "When", "Now", "Then", "Also", "Still", "Yet",
];
/// What a bio says of its subject.
pub(super) const BIO_WORDS: &str = r"\b(writes (a|an|the) (\w+ )?(column|blog|newsletter)|educator|keynote speaker|(co-?)?founder of|(daily|weekly|monthly) newsletter|newsletter (about|on)|reporter|writer|correspondent|editor|journalist|columnist|contributor|contributing|producer|photographer|photojournalist|intern|bureau|freelance|freelancer|anchor|critic|blogger|author of|covers|covered|covering|edits|reports on|reporting on|writes about|writing about|has written for|has reported|reported (this story |this article |this report )?from|host of|contributed (reporting|to this))\b";
/// A journalist's beat.
pub(super) const BIO_BEAT: &str =
    r"\b(covers|covered|covering|reports on|reporting on|writes about|writing about|edits)\b";
/// A sentence that reports what someone said is news about the person, not
/// the person's own bio ("Ana Ruiz is a correspondent for a radio station
/// and was held at the border for six hours, the station said").
const REPORTED: &[&str] = &[
    " said",
    " says",
    " told ",
    "according to",
    " dijo",
    " afirmó",
    " a déclaré",
    " a dit",
    " sagte",
    " erklärte",
    " ha detto",
    " disse",
    " powiedział",
    " zei ",
];
/// A contact or follow line of a bio box, or its link to the writer's
/// other work ("More articles from Ana Ruiz").
pub(super) const BIO_CONTACT: &str = r"^(you can )?(follow|reach|contact|email|e-mail|message|dm|tweet at|find) (him|her|them|me|the (author|writer|reporter|columnist)|(the )?(reporter|writer|author|columnist|editor|correspondent)s? \w+)\b|^(e-?mail|twitter|x|instagram|threads|bluesky|mastodon|phone)\s*:\s*\S|\bcan be reached (at|by|on|via)\b|^(with )?(additional )?(reporting|writing|editing|research) by\b|^(con (información|informacion|reporte|informes) de|mit material (von|der)|mitarbeit:|avec (l'afp|l’afp|afp|reuters|ap)\b|con (informazioni|fonti) di|com (informações|agências))|^\S+@\S+\.[a-z]+$|^send (your )?(feedback|comments|letters) to \S+@|^(see |view |read )?(more|all) (articles|stories|posts|columns|reporting|work)? ?(from|by) \S";

/// A writer's tagline that says how to reach them: a name, a colon, dash
/// or comma, then an address, a handle or a phone number ("Ana Ruiz:
/// 916-555-0142, @anaruiz", "Ana Ruiz — aruiz@herald.example"). Matched
/// against the block's own text, for the name's capitals.
pub(super) const BIO_TAGLINE: &str = r"^\p{Lu}[\p{L}'’.\-]+(?: \p{Lu}[\p{L}'’.\-]+){1,2}\s*(?::|—|–|\||,)\s*(?:\S+@\S+\.\w+|@\w{2,}|\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4})";
/// The longest tagline taken for one.
const BIO_TAGLINE_MAX_WORDS: u32 = 15;

/// Picture agencies and libraries, lower case: a short line that ends with
/// one after a slash, bar, dash or "via" is a photo credit
/// ("Jane Doe/AP", "Jane Doe via Getty Images").
pub(super) const AGENCIES: &[&str] = &[
    "getty images",
    "getty",
    "the associated press",
    "associated press",
    "ap",
    "afp",
    "reuters",
    "epa",
    "epa-efe",
    "shutterstock",
    "istock",
    "istockphoto",
    "alamy",
    "alamy stock photo",
    "bloomberg",
    "zuma press",
    "zuma wire",
    "sipa usa",
    "nurphoto",
    "unsplash",
    "pexels",
    "wikimedia commons",
    "flickr",
    "upi",
    "dpa",
    "anadolu agency",
    "xinhua",
];
/// What stands between a photographer's name and the agency: a mark, or
/// a word.
pub(super) const AGENCY_MARKS: &[&str] = &["/", "|", "—", "–"];
/// A name, a comma and an agency ("Jane Doe, AP", "Jane Doe, Associated
/// Press"): the name before the comma is at most this many words, so that
/// a list that ends with an agency ("Germany, France and AP") does not
/// count (nor does a sentence, which has a clause of its own).
pub(super) const AGENCY_COMMA_NAME_WORDS: usize = 4;
/// Only "via": "reported by Reuters" ends an article's sentence.
pub(super) const AGENCY_WORDS: &[&str] = &[" via"];
/// The longest line taken for an agency credit.
pub(super) const AGENCY_CREDIT_MAX_WORDS: u32 = 12;
/// A photographer's credit to a publication, which only its place beside an
/// image tells from a line of text: a name, "for" or a mark, and a
/// title-cased outlet ("Jane Doe for The Times", "Jane Doe | Metro Ledger").
/// A comma may stand for the mark ("Jane Doe, The Metro Ledger").
/// Matched against the block's own text, for its capitals.
pub(super) const NAME_CREDIT: &str = r"^\p{Lu}[\p{L}'’.\-]+(?: \p{Lu}[\p{L}'’.\-]+){1,2}(?: (?:for|/|\||—|–)|,) (?:the )?\p{Lu}[\p{L}'’.&\-]*(?: (?:of |the )?\p{Lu}[\p{L}'’.&\-]*){0,4}$";

impl Builtin {
    /// Whether a block reads as the start of an author's bio: a name, a
    /// verb, and what bios say ("Ana Ruiz joined the Herald in 2014 and
    /// covers the courts"). Only the classifier's place rule (the end of the
    /// entry) makes it boilerplate: an article may say as much of someone.
    /// Returns the name the bio is of.
    pub fn bio_start<'t>(&self, text: &'t str, lower: &str, words: u32) -> Option<&'t str> {
        if words > BIO_MAX_WORDS {
            return None;
        }
        // An opinion page's unnamed tagline: "(The writer is a former
        // ambassador. Views are personal.)". Bracketed, or with the
        // disclaimer: "The writer is expected at the festival" is news.
        if unnamed_tagline(lower).is_some_and(|marked| marked || disclaimer(lower)) {
            return Some("");
        }
        let first = text.split([' ', ',']).next().unwrap_or("");
        if NOT_NAMES.contains(&first) || reported(lower) {
            return None;
        }
        let Some(found) = self.bio_name.captures(text) else {
            // Another language's bio names the trade itself.
            let other = self.bio_name_other.captures(text)?;
            return other.name("name").map(|m| m.as_str());
        };
        let name = found.get(0)?;
        let person = found.name("name").map_or("", |m| m.as_str());
        // After a clause, what is said of the person is the rest (rare:
        // lower-cased here rather than located in `lower`).
        let predicate = found
            .name("clause")
            .filter(|c| c.len() > 1)
            .map(|c| c.end())
            .or_else(|| {
                found
                    .name("descriptor")
                    .and(found.name("name"))
                    .map(|n| n.end())
            })
            .map(|from| text.get(from..).unwrap_or("").to_lowercase());
        let lower = predicate.as_deref().unwrap_or(lower);
        // And where (in the clause too): a named outlet, a handle or
        // address, or a beat ("a reporter for a student paper" may be anyone).
        let from = found.name("clause").map_or(name.end(), |c| c.start());
        let rest = text.get(from..).unwrap_or("");
        let placed = rest
            .split_whitespace()
            .any(|w| w.starts_with(char::is_uppercase) || w.contains('@'))
            || self.bio_beat.is_match(lower);
        (placed && self.bio_words.is_match(lower)).then_some(person)
    }

    /// A bio box's contact or follow line ("Follow her on Twitter",
    /// "Email: …", "Reporting by …").
    pub fn bio_contact(&self, lower: &str, words: u32) -> bool {
        words <= 25 && self.bio_contact.is_match(lower)
    }

    /// A writer's tagline with an address, a handle or a phone number
    /// ("Ana Ruiz: 916-555-0142, @anaruiz").
    pub fn bio_tagline(&self, text: &str, words: u32) -> bool {
        words <= BIO_TAGLINE_MAX_WORDS && self.bio_tagline.is_match(text)
    }

    /// Whether a block is a bio that never names its writer ("She is a
    /// reporter at the Herald …", "I'm a reporter based in …"): a pronoun,
    /// "to be" and a journalist's trade. The classifier takes it only as
    /// an entry's last block, and without a byline only in the first
    /// person. Not what was said of someone.
    pub fn unnamed_writer_bio(&self, lower: &str, words: u32) -> bool {
        words <= UNNAMED_WRITER_BIO_MAX_WORDS
            && !reported(lower)
            && self
                .unnamed_trade
                .is_match(lower.trim_start_matches(['(', '*', ')', ' ']))
    }

    /// A bio box's further sentences about its subject ("She previously
    /// covered …").
    pub fn bio_more(&self, lower: &str, words: u32) -> bool {
        words <= BIO_MAX_WORDS
            && ["he ", "she ", "they ", "his ", "her ", "their "]
                .iter()
                .any(|p| lower.starts_with(p))
    }

    /// Whether a short line beside an image credits its picture without
    /// saying so: a photographer's name and a publication ("Jane Doe for The
    /// Times"), or only an agency's name ("Getty Images"). Only its place
    /// makes it a credit.
    pub fn credit_by_place(&self, text: &str, lower: &str, words: u32) -> bool {
        if words > AGENCY_CREDIT_MAX_WORDS {
            return false;
        }
        let line = lower.trim_matches(|c: char| c == '(' || c == ')' || c == '.' || c == ' ');
        AGENCIES.contains(&line) || self.name_credit.is_match(text)
    }
}

/// Whether a block opens as an opinion page's unnamed tagline ("The writer
/// is …", "L’auteure est …", "Penulis adalah …"), and whether a bracket or
/// a footnote's star marks it so. Unmarked, it needs a disclaimer in it or
/// right under it, or to be the entry's last line and say what the author
/// is (see [`tagline_happening`]): "The author is expected at the
/// festival" ends a book review. Japanese, Korean and Arabic ones count
/// only when marked ([`MARKED_UNNAMED_BIO`]), Hindi ones by their verb
/// ([`hindi_tagline`]).
pub(crate) fn unnamed_tagline(lower: &str) -> Option<bool> {
    // A bracket, or a footnote's star ("*) ", "* ").
    let marked = lower
        .strip_prefix('(')
        .or_else(|| lower.strip_prefix('（'))
        .or_else(|| {
            lower
                .strip_prefix('*')
                .map(|r| r.trim_start_matches(')').trim_start())
        });
    let rest = marked.unwrap_or(lower);
    if UNNAMED_BIO.iter().any(|p| rest.starts_with(p)) || hindi_tagline(rest) {
        return Some(marked.is_some());
    }
    // Taglines whose words also open the article's own sentences about the
    // writer ("筆者は昨年、現地を訪れた"): only in brackets.
    (marked.is_some() && MARKED_UNNAMED_BIO.iter().any(|p| rest.starts_with(p))).then_some(true)
}

/// The starts of taglines that go only in brackets (see
/// [`unnamed_tagline`]), lower case.
const MARKED_UNNAMED_BIO: &[&str] = &["筆者は", "필자는", "الكاتب ", "الكاتبة "];

/// A Hindi tagline: "लेखक"/"लेखिका" as its subject (no postposition after
/// it: "लेखक को पुरस्कार …" is about the writer), ending with "है"/"हैं"
/// ("लेखक वरिष्ठ पत्रकार हैं।").
fn hindi_tagline(rest: &str) -> bool {
    let Some(after) = rest
        .strip_prefix("लेखक ")
        .or_else(|| rest.strip_prefix("लेखिका "))
    else {
        return false;
    };
    let postposition = after
        .split_whitespace()
        .next()
        .is_some_and(|w| ["को", "ने", "का", "की", "के", "से"].contains(&w));
    let first_sentence = after.split('।').next().unwrap_or(after);
    let end = first_sentence.trim_end_matches([')', '.', ' ']);
    !postposition && (end.ends_with(" है") || end.ends_with(" हैं"))
}

/// Whether an unnamed tagline says what is happening to the author, not
/// what the author is: a participle after its verb ("The author is
/// expected at the festival", "L'auteur est attendu …", "is based in"
/// aside).
pub(crate) fn tagline_happening(lower: &str) -> bool {
    let rest = lower.trim_start_matches(['(', '*', ')', ' ']);
    let Some(after) = UNNAMED_BIO.iter().find_map(|p| rest.strip_prefix(p)) else {
        return false;
    };
    let words: Vec<&str> = after
        .split_whitespace()
        .map(|w| w.trim_end_matches(|c: char| !c.is_alphabetic()))
        .collect();
    // "is currently working", "is now expected".
    let next = words
        .iter()
        .find(|w| !(w.ends_with("ly") || ["now", "still", "also", "already"].contains(w)))
        .copied()
        .unwrap_or("");
    let english = (next.ends_with("ing") || next.ends_with("ed"))
        && !["based", "retired", "married", "trained", "qualified"].contains(&next);
    // German puts the participle last: "Der Autor ist am Montag gestorben".
    let german = rest.starts_with("der ") || rest.starts_with("die ");
    let last_participle = german
        && words
            .last()
            .is_some_and(|w| w.starts_with("ge") && w.len() > 4);
    english || last_participle || PARTICIPLES_HAPPENING.contains(&next)
}

/// Participles of what happens to an author in the other languages of
/// [`UNNAMED_BIO`] ("attendu", "esperado", "atteso").
const PARTICIPLES_HAPPENING: &[&str] = &[
    "attendu",
    "attendue",
    "invité",
    "invitée",
    "esperado",
    "esperada",
    "invitado",
    "invitada",
    "atteso",
    "attesa",
    "invitato",
    "invitata",
    "convidado",
    "convidada",
    "aguardado",
    "aguardada",
];

/// Whether a block says the views are the writer's own (in it, or as the
/// line under a tagline).
pub(crate) fn disclaimer(lower: &str) -> bool {
    DISCLAIMERS.iter().any(|d| lower.contains(d))
}

/// Whether a block ends with a way to reach its writer as its last word,
/// set after the text as a signature is: an email address or a handle with
/// no stop after it ("… constitutional law for 20 years.
/// aodhiambo@strathmore.example", "… county budgets. @bouma_ke", "청주/이서연
/// 기자 sylee@hani.example"). An address that ends a sentence ("Write to us
/// at opinion@…") is the sentence's, and an article's own paragraph ends
/// with a word of its sentence.
pub(crate) fn signed_off(text: &str) -> bool {
    let Some(last) = text.split_whitespace().next_back() else {
        return false;
    };
    if !last.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
        return false;
    }
    let word = |s: &str| {
        s.len() >= 2
            && s.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '+'))
    };
    match last.split_once('@') {
        // A handle.
        Some(("", handle)) => word(handle) && !handle.contains('@'),
        // An address: a domain with a dot after the "@".
        Some((user, domain)) => {
            word(user)
                && word(domain)
                && domain
                    .split_once('.')
                    .is_some_and(|(host, tld)| !host.is_empty() && tld.len() >= 2)
        }
        None => false,
    }
}

/// Whether a block reports what someone said ("… the station said").
pub(crate) fn reported(lower: &str) -> bool {
    REPORTED.iter().any(|r| lower.contains(r))
}

/// Little words inside a name ("Ana de la Cruz", "Jan van Berg").
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "di", "do", "dos", "das", "del", "della", "van", "von", "der", "den", "ten", "ter",
    "le", "la", "du", "bin", "al", "el",
];
/// Capitalised words that open a sentence but no name in the other
/// languages feeds are most often written in (articles, pronouns, a
/// greeting).
const NOT_NAMES_OTHER: &[&str] = &[
    "Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Einer", "Alle", "Vielen", "Le", "La",
    "Les", "Un", "Une", "El", "Los", "Las", "Una", "Il", "Lo", "Gli", "Uno", "De", "Het", "Een",
    "O", "Os", "As", "Um", "Uma", "Ich", "Wir", "Sie", "Er", "Es", "Je", "Nous", "Yo", "Io", "Ik",
];
/// Titles before a name.
const NAME_TITLES: &[&str] = &["Dr.", "Dr", "Prof.", "Prof", "Mr.", "Ms.", "Mrs."];
/// The most capitalised words of a name.
const NAME_MAX_WORDS: usize = 4;

/// The person's name a block opens with, when more is said after it: two
/// to four capitalised words (after a title), ended by a lower-case word,
/// a comma, or the end of the block's bold opening part ("<strong>Ana
/// Ruiz</strong> er journalist …", "Ana Ruiz est maîtresse de conférences
/// …"; not a colon, a speaker's label), in any language, in a sentence (ending with its full stop: a
/// score line, "Merritt Island d. Titusville", is none). Only a block set
/// apart at the end of an entry makes that a bio: an article's last
/// paragraph may well open with someone's name. `text` has its whitespace
/// collapsed.
pub(crate) fn named_lead(text: &str, lead_bold_words: u8) -> Option<&str> {
    // A capitalised word, or an initial ("Robert J. Lindqvist").
    let capital = |w: &str| {
        let mut chars = w.chars();
        let initial = chars.next().is_some_and(char::is_uppercase)
            && chars.next() == Some('.')
            && chars.next().is_none();
        initial || (w.starts_with(char::is_uppercase) && w.chars().any(char::is_lowercase))
    };
    if !text.ends_with('.') {
        return None;
    }
    let bold = usize::from(lead_bold_words);
    let (mut start, mut end, mut names) = (None, 0, 0);
    let mut offset = 0;
    for (i, raw) in text.split(' ').enumerate() {
        let at = offset;
        offset += raw.len() + 1;
        let word = raw.trim_end_matches([',', ':']);
        if i == 0 && NAME_TITLES.contains(&word) {
            continue;
        }
        if capital(word) {
            if names == 0 && (NOT_NAMES.contains(&word) || NOT_NAMES_OTHER.contains(&word)) {
                return None;
            }
            start.get_or_insert(at);
            names += 1;
            end = at + word.len();
            if names > NAME_MAX_WORDS {
                return None;
            }
            if raw.contains(':') {
                // A speaker's label before a quote ("Sportdirektor Bruno
                // Hübner: „Ich …"), not a bio.
                return None;
            }
            if word.len() < raw.len() {
                // "Ana Ruiz, …": the name ends here.
                return (names >= 2).then(|| text.get(start?..end)).flatten();
            }
        } else if names > 0 && NAME_PARTICLES.contains(&word) {
            continue;
        } else {
            let bold_ends = bold > 0 && i == bold;
            let said = bold_ends || word.starts_with(char::is_lowercase);
            return (said && names >= 2)
                .then(|| text.get(start?..end))
                .flatten();
        }
    }
    None
}

/// Whether a block is a person's name alone, as a writer's box is headed
/// by it ("MEHMET ÖZTÜRK", "Ana M. Ruiz"): two to four capitalised words or
/// initials (in title case or capitals), nothing else, no word that opens
/// sentences rather than names ("The", "Der").
pub(crate) fn name_alone(text: &str) -> bool {
    let words: Vec<&str> = text.split(' ').collect();
    if !(2..=NAME_MAX_WORDS).contains(&words.len()) {
        return false;
    }
    // Each part of "Jean-Luc" or "O'Neill" capitalised; "ÖZTÜRK" in
    // capitals.
    let part = |p: &str| {
        let mut chars = p.chars();
        chars.next().is_some_and(char::is_uppercase)
            && (chars.clone().all(char::is_lowercase) || chars.all(char::is_uppercase))
    };
    let name_word = |w: &str| {
        let initial =
            w.chars().count() == 2 && w.ends_with('.') && w.starts_with(char::is_uppercase);
        let not_name = NOT_NAMES
            .iter()
            .chain(NOT_NAMES_OTHER)
            .any(|n| n.eq_ignore_ascii_case(w));
        initial
            || (w.chars().count() >= 2 && !not_name && w.split(['-', '\'', '\u{2019}']).all(part))
    };
    let surnames = words.iter().filter(|w| !w.ends_with('.')).count();
    surnames >= 1 && words.iter().all(|w| name_word(w))
}

/// Whether a block (lower case) says again a word of a name that heads it
/// ("Bee Simulator" over "In Bee Simulator kannst Du …"); initials and
/// short particles do not count.
pub(crate) fn names_again(name: &str, lower: &str) -> bool {
    let words = name_words(name);
    lower
        .split(|c: char| !c.is_alphabetic())
        .any(|x| words.iter().any(|w| w == x))
}

/// Whether a word of a name-like heading is written in lower case in the
/// entry's text (case kept): then it is a word, not a name ("Looking Ahead"
/// over an article that says "looking"); a person's name never is.
pub(crate) fn written_lower(name: &str, texts: &str) -> bool {
    let words = name_words(name);
    texts
        .split(|c: char| !c.is_alphabetic())
        .any(|x| x.starts_with(char::is_lowercase) && words.iter().any(|w| w == x))
}

/// A name's words of three letters or more, lower case: what
/// [`names_again`] and [`written_lower`] look for (not initials or short
/// particles).
fn name_words(name: &str) -> Vec<String> {
    name.split(' ')
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

/// Whether a short line ends with a picture agency after a separator
/// ("jane doe / ap", "(photo by x via getty images)"): by suffix, without a
/// regex, since few lines end so.
pub(super) fn agency_credit(lower: &str) -> bool {
    let line = lower.trim_end_matches(['.', ')', ']', ' ']);
    AGENCIES.iter().any(|agency| {
        let Some(before) = line.strip_suffix(agency) else {
            return false;
        };
        let before = before.trim_end();
        // A mark right before the agency, or a word after a space (so that
        // "cheap" does not end with "ap"), and a name before either.
        let rest = AGENCY_MARKS
            .iter()
            .find_map(|m| before.strip_suffix(m))
            .or_else(|| {
                (before.len() < line.len() - agency.len())
                    .then(|| AGENCY_WORDS.iter().find_map(|w| before.strip_suffix(w)))
                    .flatten()
            });
        if rest.is_some_and(|r| !r.trim().is_empty()) {
            return true;
        }
        // "Jane Doe, AP": a short name before a comma, no clause of its own.
        before.strip_suffix(',').is_some_and(|name| {
            let n = name.split_whitespace().count();
            (1..=AGENCY_COMMA_NAME_WORDS).contains(&n) && !name.contains([',', ':', ';', '(', ')'])
        })
    })
}

/// The longest block taken for a caption with its credit at the end: a
/// longer one is a paragraph that happens to end with a credit.
pub(super) const CREDIT_AT_END_MAX_WORDS: u32 = 30;

/// The marks that open a picture's credit at the end of its caption.
const CREDIT_MARKS: &[&str] = &[
    "©",
    "(c)",
    "photo:",
    "foto:",
    "bild:",
    "фото:",
    "credit:",
    "credits:",
];

/// Whether a line carries a picture's credit mark anywhere ("… — Foto:
/// Ana Ruiz/g1", "© Ana Ruiz"): a caption with its credit.
pub(crate) fn credit_marked(lower: &str) -> bool {
    CREDIT_MARKS.iter().any(|mark| lower.contains(mark))
}

/// Whether a short block ends with its picture's credit after a bar or a
/// sentence: "Lee Elder, 1975. | © Name/Getty Images", "… mit Freunden.
/// Foto: Name", "… during the cruise phase. Credit: ESA". The credit is a few words with no sentence of its own. By
/// substring, without a regex: most blocks hold none of the marks.
pub(super) fn credit_at_end(lower: &str) -> bool {
    let line = lower.trim_end();
    // Every mark ends with one of these bytes ('©' is C2 A9): one pass
    // spares most blocks the searches below.
    if memchr::memchr3(b':', b')', 0xA9, line.as_bytes()).is_none() {
        return false;
    }
    if slashed_credit_at_end(line) {
        return true;
    }
    CREDIT_MARKS.iter().any(|mark| {
        let Some(at) = line.rfind(mark) else {
            return false;
        };
        let (before, credit) = (line[..at].trim_end(), line[at + mark.len()..].trim());
        let opens = before.ends_with(['|', '/', '·', '•'])
            || (before.ends_with(['.', '!', '?', '…', '"', ')']) && line[..at].ends_with(' '));
        opens
            && !before
                .trim_end_matches(['|', '/', '·', '•'])
                .trim()
                .is_empty()
            && (1..=60).contains(&credit.chars().count())
            && !credit.contains(['.', '!', '?', '©', '|'])
    })
}

/// Heads of an author's box that name no one, lower case: the box is the
/// author's ("About the author", "Sobre o autor", "Über den Autor").
const AUTHOR_HEADS: &[&str] = &[
    "the author",
    "l'autore",
    "l’autore",
    "l'autrice",
    "l’autrice",
    "l'auteur",
    "l’auteur",
    "l'auteure",
    "el autor",
    "la autora",
    "o autor",
    "a autora",
    "der autor",
    "die autorin",
    "de auteur",
    "autor",
    "autorin",
    "about the author",
    "about the authors",
    "about the writer",
    "about the reporter",
    "sobre o autor",
    "sobre a autora",
    "sobre el autor",
    "sobre la autora",
    "über den autor",
    "über die autorin",
    "à propos de l'auteur",
    "à propos de l’auteur",
    "acerca del autor",
    "sull'autore",
    "sull’autore",
    "over de auteur",
    "o autorze",
    "об авторе",
];

/// Labels that head an author's box before the person's name, lower case
/// ("About Ana Ruiz", "Sobre Ana Ruiz", "Über Ana Ruiz").
const ABOUT_LABELS: &[&str] = &[
    "about",
    "sobre",
    "über",
    "à propos de",
    "a propos de",
    "acerca de",
    "informazioni su",
];

/// The most words a box head's name may have; it has at least two, so that
/// "About Us" or "Über Uns" name no one.
const HEAD_NAME_WORDS: usize = 4;

/// Whether a short block heads an author's box, and whom it names: `""` for
/// a head that names no one ("About the author"), the name for a label and
/// a name in capitals ("Sobre Carlos Nadalim" gives "Carlos Nadalim").
/// Only what follows the head (a block that names the person, at the end
/// of the entry) makes it one: the classifier checks that.
pub(crate) fn bio_head<'t>(text: &'t str, lower: &str) -> Option<&'t str> {
    let lower = lower.trim_end_matches([':', ' ']);
    if AUTHOR_HEADS.contains(&lower) {
        return Some("");
    }
    let label = ABOUT_LABELS
        .iter()
        .find(|l| lower.strip_prefix(**l).is_some_and(|r| r.starts_with(' ')))?;
    let skip = label.split(' ').count();
    let name = text
        .trim()
        .splitn(skip + 1, char::is_whitespace)
        .nth(skip)?
        .trim()
        .trim_end_matches(':');
    let words = name.split_whitespace().count();
    ((2..=HEAD_NAME_WORDS).contains(&words)
        && name
            .split_whitespace()
            .all(|w| w.starts_with(char::is_uppercase)))
    .then_some(name)
}

/// Whether a caption ends with its credit in brackets, names between
/// slashes after its sentence: "… map of Titan. (nasa/jpl-caltech/asu)",
/// "… in 1975. (jane doe/the times)". "(50/50)" or "(and/or)" after a
/// sentence is no credit: letters on both sides, a few words.
fn slashed_credit_at_end(line: &str) -> bool {
    let Some(inner) = line.strip_suffix(')') else {
        return false;
    };
    let Some(open) = inner.rfind('(') else {
        return false;
    };
    let (before, credit) = (&inner[..open], &inner[open + 1..]);
    let lettered = |s: &str| s.chars().any(char::is_alphabetic);
    before
        .trim_end()
        .ends_with(['.', '!', '?', '"', '\u{201d}'])
        && before.ends_with(' ')
        && credit.split_whitespace().count() <= 6
        && credit.split('/').count() >= 2
        && credit
            .split('/')
            .all(|part| lettered(part) && part.len() <= 40)
        && !matches!(credit, "and/or" | "he/him" | "she/her" | "they/them")
}
