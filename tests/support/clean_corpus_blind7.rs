//! The seventh pass: author bios and update notes, forms 64–75 of each,
//! with the feed's bylines like the sixth pass, and its own article text
//! that a cleaner could mistake for a bio or a note: paragraphs that
//! mention a writer, a photo or an update and are set apart by their type
//! as real articles set them (an italic standfirst, a bold lead-in, a Q&A
//! speaker in bold, a bracketed aside, a blockquote, an italic closing line,
//! the last line of an obituary), each in its own markup and placed where
//! articles place it (the top, anywhere, the very end).
//!
//! Written blind, from how publishing systems and outlets print these
//! things, by someone who had not read the cleaner's rules, their tests or
//! their benchmark notes. Languages new, or nearly, to the corpus sit beside English
//! ones (the dev half's: Finnish, Czech, Turkish, Catalan; the held-out
//! half's are left to its forms). Each bio form models a site, which
//! decides its writers' language and how its feed prints them.
//! Even forms are the dev half, odd forms the held-out half; the article
//! sentences are split the same way (by their index). Part of
//! `clean_corpus.rs` (included from it).

use super::blind6::NotePlace;
use super::{Gen, Placed, esc};

/// A writer, with the forms of the name that pages, feeds and English
/// text print.
#[derive(Debug, Clone, Copy)]
pub(super) struct Writer {
    /// As the writer's own site prints it (Hungarian: family name first;
    /// Greek and Ukrainian: in their own script).
    pub(super) name: &'static str,
    /// As some feed metadata stores it: without diacritics, in Latin
    /// letters, in the Western order, or shorter.
    pub(super) meta: &'static str,
    /// As an English sentence names the writer.
    pub(super) english: &'static str,
    pub(super) she: bool,
    /// The CMS login, which a blog's feed shows when no display name was
    /// set.
    pub(super) login: &'static str,
}

/// The language a seventh- to tenth-pass site writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    En,
    Fi,
    Cs,
    Ro,
    Tr,
    Hu,
    Ca,
    El,
    // The eighth pass's.
    Es,
    Pt,
    De,
    Fr,
    Id,
    Uk,
    Hr,
    // The ninth pass's (their writers are in `clean_corpus_blind9.rs`).
    EnKe,
    EnIn,
    EnAu,
    Hi,
    Sw,
    Ko,
    Ja,
    Tl,
    Af,
    // The tenth pass's (their writers are in `clean_corpus_blind10.rs`).
    EnJm,
    Fa,
    Is,
    EsMx,
    ZhTw,
    EnNg,
    He,
    Et,
    EnNz,
}

// One writer a line: the table reads better than rustfmt's seven lines each.
#[rustfmt::skip]
const WRITERS_EN: &[Writer] = &[
    Writer { name: "Marcus T. Bell", meta: "Marcus Bell", english: "Marcus T. Bell", she: false, login: "mbell" },
    Writer { name: "Rosalind Achebe", meta: "Rosalind Achebe", english: "Rosalind Achebe", she: true, login: "rachebe" },
    Writer { name: "Devin Quartey-Moss", meta: "Devin Quartey-Moss", english: "Devin Quartey-Moss", she: false, login: "dquarteymoss" },
    Writer { name: "Hollis Greer", meta: "Hollis Greer", english: "Hollis Greer", she: true, login: "hgreer" },
    Writer { name: "Beatriz Cardoso", meta: "Bea Cardoso", english: "Beatriz Cardoso", she: true, login: "bcardoso" },
];
#[rustfmt::skip]
const WRITERS_FI: &[Writer] = &[
    Writer { name: "Sanna Mäkelä", meta: "Sanna Makela", english: "Sanna Mäkelä", she: true, login: "smakela" },
    Writer { name: "Mikko Korhonen", meta: "Mikko Korhonen", english: "Mikko Korhonen", she: false, login: "mkorhonen" },
    Writer { name: "Aino Heikkinen", meta: "Aino Heikkinen", english: "Aino Heikkinen", she: true, login: "aheikkinen" },
];
#[rustfmt::skip]
const WRITERS_CS: &[Writer] = &[
    Writer { name: "Jana Nováková", meta: "Jana Novakova", english: "Jana Nováková", she: true, login: "jnovakova" },
    Writer { name: "Petr Dvořák", meta: "Petr Dvorak", english: "Petr Dvořák", she: false, login: "pdvorak" },
    Writer { name: "Tomáš Černý", meta: "Tomas Cerny", english: "Tomáš Černý", she: false, login: "tcerny" },
];
#[rustfmt::skip]
const WRITERS_RO: &[Writer] = &[
    Writer { name: "Ioana Popescu", meta: "Ioana Popescu", english: "Ioana Popescu", she: true, login: "ipopescu" },
    Writer { name: "Andrei Ionescu", meta: "Andrei Ionescu", english: "Andrei Ionescu", she: false, login: "aionescu" },
    Writer { name: "Mihaela Stănescu", meta: "Mihaela Stanescu", english: "Mihaela Stănescu", she: true, login: "mstanescu" },
];
#[rustfmt::skip]
const WRITERS_TR: &[Writer] = &[
    Writer { name: "Ayşe Yılmaz", meta: "Ayse Yilmaz", english: "Ayşe Yılmaz", she: true, login: "ayilmaz" },
    Writer { name: "Mehmet Öztürk", meta: "Mehmet Ozturk", english: "Mehmet Öztürk", she: false, login: "mozturk" },
    Writer { name: "İlker Çelik", meta: "Ilker Celik", english: "İlker Çelik", she: false, login: "icelik" },
];
#[rustfmt::skip]
const WRITERS_HU: &[Writer] = &[
    Writer { name: "Kovács Anna", meta: "Anna Kovács", english: "Anna Kovács", she: true, login: "kovacsa" },
    Writer { name: "Nagy Péter", meta: "Peter Nagy", english: "Péter Nagy", she: false, login: "nagyp" },
    Writer { name: "Szabó Eszter", meta: "Eszter Szabó", english: "Eszter Szabó", she: true, login: "szaboe" },
];
#[rustfmt::skip]
const WRITERS_CA: &[Writer] = &[
    Writer { name: "Jordi Serra i Puig", meta: "Jordi Serra", english: "Jordi Serra", she: false, login: "jserra" },
    Writer { name: "Núria Vilà", meta: "Nuria Vila", english: "Núria Vilà", she: true, login: "nvila" },
    Writer { name: "Montserrat Ferrer", meta: "Montse Ferrer", english: "Montserrat Ferrer", she: true, login: "mferrer" },
];
#[rustfmt::skip]
const WRITERS_EL: &[Writer] = &[
    Writer { name: "Γιώργος Παπαδόπουλος", meta: "Giorgos Papadopoulos", english: "Giorgos Papadopoulos", she: false, login: "gpapadopoulos" },
    Writer { name: "Ελένη Κωνσταντίνου", meta: "Eleni Konstantinou", english: "Eleni Konstantinou", she: true, login: "ekonstantinou" },
];
#[rustfmt::skip]
const WRITERS_ES: &[Writer] = &[
    Writer { name: "Lucía Fernández Ortega", meta: "Lucia Fernandez", english: "Lucía Fernández", she: true, login: "lfernandez" },
    Writer { name: "Alejandro Ruiz Méndez", meta: "Alejandro Ruiz", english: "Alejandro Ruiz", she: false, login: "aruiz" },
    Writer { name: "Carmen Salazar", meta: "Carmen Salazar", english: "Carmen Salazar", she: true, login: "csalazar" },
];
#[rustfmt::skip]
const WRITERS_PT: &[Writer] = &[
    Writer { name: "Mariana Albuquerque", meta: "Mariana Albuquerque", english: "Mariana Albuquerque", she: true, login: "malbuquerque" },
    Writer { name: "João Pedro Carvalho", meta: "Joao Pedro Carvalho", english: "João Pedro Carvalho", she: false, login: "jpcarvalho" },
    Writer { name: "Luíza Batista", meta: "Luiza Batista", english: "Luíza Batista", she: true, login: "lbatista" },
];
#[rustfmt::skip]
const WRITERS_DE: &[Writer] = &[
    Writer { name: "Katharina Weiß", meta: "Katharina Weiss", english: "Katharina Weiß", she: true, login: "kweiss" },
    Writer { name: "Jonas Brückner", meta: "Jonas Brueckner", english: "Jonas Brückner", she: false, login: "jbrueckner" },
    Writer { name: "Lena Hoffmann", meta: "Lena Hoffmann", english: "Lena Hoffmann", she: true, login: "lhoffmann" },
];
#[rustfmt::skip]
const WRITERS_FR: &[Writer] = &[
    Writer { name: "Élodie Gagnon", meta: "Elodie Gagnon", english: "Élodie Gagnon", she: true, login: "egagnon" },
    Writer { name: "Mathieu Bouchard", meta: "Mathieu Bouchard", english: "Mathieu Bouchard", she: false, login: "mbouchard" },
    Writer { name: "Geneviève Tremblay", meta: "Genevieve Tremblay", english: "Geneviève Tremblay", she: true, login: "gtremblay" },
];
#[rustfmt::skip]
const WRITERS_ID: &[Writer] = &[
    Writer { name: "Siti Rahmawati", meta: "Siti Rahmawati", english: "Siti Rahmawati", she: true, login: "srahmawati" },
    Writer { name: "Andi Pratama", meta: "Andi Pratama", english: "Andi Pratama", she: false, login: "apratama" },
    Writer { name: "Dewi Lestari Nugroho", meta: "Dewi Lestari", english: "Dewi Lestari Nugroho", she: true, login: "dlestari" },
];
#[rustfmt::skip]
const WRITERS_UK: &[Writer] = &[
    Writer { name: "Олена Коваленко", meta: "Olena Kovalenko", english: "Olena Kovalenko", she: true, login: "okovalenko" },
    Writer { name: "Андрій Шевчук", meta: "Andrii Shevchuk", english: "Andriy Shevchuk", she: false, login: "ashevchuk" },
    Writer { name: "Ірина Бондар", meta: "Iryna Bondar", english: "Iryna Bondar", she: true, login: "ibondar" },
];
#[rustfmt::skip]
const WRITERS_HR: &[Writer] = &[
    Writer { name: "Ivana Horvat", meta: "Ivana Horvat", english: "Ivana Horvat", she: true, login: "ihorvat" },
    Writer { name: "Marko Babić", meta: "Marko Babic", english: "Marko Babić", she: false, login: "mbabic" },
    Writer { name: "Petra Kovačević", meta: "Petra Kovacevic", english: "Petra Kovačević", she: true, login: "pkovacevic" },
];

impl Lang {
    pub(super) fn writers(self) -> &'static [Writer] {
        match self {
            Lang::En => WRITERS_EN,
            Lang::Fi => WRITERS_FI,
            Lang::Cs => WRITERS_CS,
            Lang::Ro => WRITERS_RO,
            Lang::Tr => WRITERS_TR,
            Lang::Hu => WRITERS_HU,
            Lang::Ca => WRITERS_CA,
            Lang::El => WRITERS_EL,
            Lang::Es => WRITERS_ES,
            Lang::Pt => WRITERS_PT,
            Lang::De => WRITERS_DE,
            Lang::Fr => WRITERS_FR,
            Lang::Id => WRITERS_ID,
            Lang::Uk => WRITERS_UK,
            Lang::Hr => WRITERS_HR,
            Lang::EnKe => super::blind9::WRITERS_EN_KE,
            Lang::EnIn => super::blind9::WRITERS_EN_IN,
            Lang::EnAu => super::blind9::WRITERS_EN_AU,
            Lang::Hi => super::blind9::WRITERS_HI,
            Lang::Sw => super::blind9::WRITERS_SW,
            Lang::Ko => super::blind9::WRITERS_KO,
            Lang::Ja => super::blind9::WRITERS_JA,
            Lang::Tl => super::blind9::WRITERS_TL,
            Lang::Af => super::blind9::WRITERS_AF,
            Lang::EnJm => super::blind10::WRITERS_EN_JM,
            Lang::Fa => super::blind10::WRITERS_FA,
            Lang::Is => super::blind10::WRITERS_IS,
            Lang::EsMx => super::blind10::WRITERS_ES_MX,
            Lang::ZhTw => super::blind10::WRITERS_ZH_TW,
            Lang::EnNg => super::blind10::WRITERS_EN_NG,
            Lang::He => super::blind10::WRITERS_HE,
            Lang::Et => super::blind10::WRITERS_ET,
            Lang::EnNz => super::blind10::WRITERS_EN_NZ,
        }
    }

    /// The word a byline puts before the name.
    fn by(self) -> &'static str {
        match self {
            Lang::En
            | Lang::EnKe
            | Lang::EnIn
            | Lang::EnAu
            | Lang::EnJm
            | Lang::EnNg
            | Lang::EnNz => "By",
            Lang::Fi => "Teksti:",
            Lang::Cs => "Autor:",
            Lang::Ro => "de",
            Lang::Tr => "Haber:",
            Lang::Hu => "Szerző:",
            Lang::Ca => "Per",
            Lang::El => "Γράφει:",
            Lang::Es | Lang::Pt | Lang::EsMx => "Por",
            Lang::De => "Von",
            Lang::Fr => "Par",
            Lang::Id => "Oleh",
            Lang::Uk => "Автор:",
            Lang::Hr => "Piše:",
            Lang::Hi => "लेखक:",
            Lang::Sw => "Na",
            Lang::Ko => "글",
            Lang::Ja => "文",
            Lang::Tl => "Ni",
            Lang::Af => "Deur",
            Lang::Fa => "نویسنده:",
            Lang::Is => "Eftir",
            // Taiwanese bylines join it to the name ("文／林怡君"): see
            // `blind7_bylines`.
            Lang::ZhTw => "文／",
            Lang::He => "מאת",
            Lang::Et => "Autor:",
        }
    }

    /// `s` in capitals, with Turkish's dotted capital I.
    fn upper(self, s: &str) -> String {
        if self == Lang::Tr {
            s.replace('i', "İ").to_uppercase()
        } else {
            s.to_uppercase()
        }
    }

    fn and(self) -> &'static str {
        match self {
            Lang::En
            | Lang::EnKe
            | Lang::EnIn
            | Lang::EnAu
            | Lang::EnJm
            | Lang::EnNg
            | Lang::EnNz => "and",
            Lang::Fi => "ja",
            Lang::Cs => "a",
            Lang::Ro => "și",
            Lang::Tr => "ve",
            Lang::Hu => "és",
            Lang::Ca => "i",
            Lang::El => "και",
            Lang::Es | Lang::EsMx => "y",
            Lang::Pt => "e",
            Lang::De => "und",
            Lang::Fr => "et",
            Lang::Id => "dan",
            Lang::Uk => "та",
            Lang::Hr => "i",
            Lang::Hi => "और",
            Lang::Sw => "na",
            Lang::Ko => "·",
            Lang::Ja => "、",
            Lang::Tl => "at",
            Lang::Af => "en",
            Lang::Fa => "و",
            Lang::Is => "og",
            Lang::ZhTw => "、",
            // Written as a prefix of the next word.
            Lang::He => "ו",
            Lang::Et => "ja",
        }
    }

    /// The news agencies and desks a feed of this language names instead
    /// of a writer.
    fn desks(self) -> &'static [&'static str] {
        match self {
            Lang::En => &["Staff report", "The Associated Press", "News Desk"],
            Lang::Fi => &["STT", "HS", "Toimitus"],
            Lang::Cs => &["ČTK", "Redakce", "iROZHLAS.cz"],
            Lang::Ro => &["Agerpres", "Redacția", "G4Media.ro"],
            Lang::Tr => &["AA", "DHA", "Haber Merkezi"],
            Lang::Hu => &["MTI", "Szerkesztőség", "hvg.hu"],
            Lang::Ca => &["ACN", "Redacció", "EFE"],
            Lang::El => &["ΑΠΕ-ΜΠΕ", "Newsroom", "Σύνταξη"],
            Lang::Es => &["EFE", "Redacción", "Europa Press"],
            Lang::Pt => &["Folhapress", "Redação", "Agência Brasil"],
            Lang::De => &["dpa", "Redaktion", "AFP/dpa"],
            Lang::Fr => &["La Presse Canadienne", "Rédaction", "AFP"],
            Lang::Id => &["Antara", "Redaksi", "Tim detikcom"],
            Lang::Uk => &["Укрінформ", "Редакція", "УНІАН"],
            Lang::Hr => &["Hina", "Redakcija", "Index.hr"],
            Lang::EnKe => &["Nation Reporter", "KNA", "Reuters"],
            Lang::EnIn => &["PTI", "IANS", "HT Correspondent"],
            Lang::EnAu => &["AAP", "Staff reporters", "ABC News"],
            Lang::Hi => &["भाषा", "डेस्क", "आईएएनएस"],
            Lang::Sw => &["Mwandishi Wetu", "Mwananchi", "TBC"],
            Lang::Ko => &["연합뉴스", "뉴스1", "온라인뉴스팀"],
            Lang::Ja => &["共同通信", "時事通信", "編集部"],
            Lang::Tl => &["PNA", "Patnugutan", "Abante"],
            Lang::Af => &["Netwerk24", "Maroela Media", "Redaksie"],
            Lang::EnJm => &["Gleaner Writer", "Observer staff reporter", "JIS"],
            Lang::Fa => &["تحریریه", "خبرگزاری فرانسه", "رویترز"],
            Lang::Is => &["Ritstjórn", "Fréttastofa", "mbl.is"],
            Lang::EsMx => &["Redacción", "EFE", "La Jornada"],
            Lang::ZhTw => &["中央社", "綜合報導", "編輯部"],
            Lang::EnNg => &["NAN", "Our Reporter", "Premium Times"],
            Lang::He => &["מערכת", "ynet", "וואלה! חדשות"],
            Lang::Et => &["BNS", "ERR", "Toimetus"],
            Lang::EnNz => &["RNZ", "1News", "Local Democracy Reporting"],
        }
    }
}

/// The kind of site a bio form models, which decides how its feed prints
/// bylines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    /// Blogs and newsletters on WordPress or Ghost: the display name, the
    /// login, or nothing.
    Blog,
    /// English-language newsrooms: "By", titles and papers, capitals,
    /// RSS `<author>` addresses, desks.
    Newsroom,
    /// Continental dailies and portals: agencies and desks, often no
    /// writer, the name as the metadata stores it.
    Continental,
}

/// How a feed prints an entry's writers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Convention {
    Plain,
    Meta,
    By,
    Decorated,
    Upper,
    Email,
    Login,
    TwoInOne,
    TwoItems,
    Desk,
    None,
}

/// Bylines per 100 entries, by site family.
fn conventions(family: Family) -> &'static [(Convention, u32)] {
    use Convention::*;
    match family {
        Family::Blog => &[
            (Plain, 50),
            (Login, 15),
            (Meta, 10),
            (TwoItems, 5),
            (None, 20),
        ],
        Family::Newsroom => &[
            (Plain, 30),
            (By, 14),
            (Decorated, 14),
            (Upper, 6),
            (Email, 8),
            (TwoInOne, 8),
            (TwoItems, 5),
            (Desk, 8),
            (None, 7),
        ],
        Family::Continental => &[
            (Plain, 34),
            (Meta, 8),
            (By, 6),
            (Decorated, 10),
            (Upper, 4),
            (TwoInOne, 6),
            (Desk, 14),
            (None, 18),
        ],
    }
}

/// The site family and language of each bio form, 64–75.
const BIO_SITES: [(Family, Lang); 12] = [
    (Family::Continental, Lang::Fi),
    (Family::Continental, Lang::Cs),
    (Family::Newsroom, Lang::En),
    (Family::Continental, Lang::Ro),
    (Family::Continental, Lang::Tr),
    (Family::Continental, Lang::Hu),
    (Family::Continental, Lang::Ca),
    (Family::Continental, Lang::El),
    (Family::Blog, Lang::En),
    (Family::Newsroom, Lang::En),
    (Family::Newsroom, Lang::En),
    (Family::Blog, Lang::En),
];

/// Who wrote an entry of the seventh pass, and where it was published.
#[derive(Debug, Clone)]
pub(super) struct Cast {
    pub(super) bio_form: usize,
    has_bio: bool,
    pub(super) writers: Vec<Writer>,
    pub(super) lang: Lang,
}

/// An update-note writer of a pass: markup, probe and place of form `form`.
pub(super) type UpdateForm = fn(&mut Gen, usize) -> (String, String, NotePlace);
/// A bio writer of a pass: markup and probe of the cast's bio form for
/// writer `which`.
pub(super) type BioForm = fn(&mut Gen, &Cast, usize) -> (String, String);

/// Where an article paragraph of this pass goes.
#[derive(Debug, Clone, Copy)]
pub(super) enum MentionPlace {
    /// First, as a standfirst.
    Top,
    /// Anywhere after the first paragraph.
    Anywhere,
    /// Last, as a column's closing line or an obituary's.
    End,
}

/// An article paragraph: its text (which must stay), its markup and where
/// it goes.
pub(super) struct Mention {
    pub(super) text: String,
    pub(super) html: String,
    pub(super) place: MentionPlace,
}

pub(super) const PAPERS: &[&str] = &[
    "Tri-County Register",
    "Mesa Valley Sun",
    "Bayfront Examiner",
    "Ridgeline Press",
];
const ROOMS: &[&str] = &["Ozark Reporting Lab", "the Delta Voice", "Inland Beat"];
pub(super) const PLACES: &[&str] = &[
    "Cedar Falls",
    "Ellensburg",
    "Hattiesburg",
    "Keene",
    "Pueblo",
    "Watertown",
];
pub(super) const DAYS: [&str; 5] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

impl Gen {
    /// Draws the entry's bio form, writers and bylines; keeps the cast for
    /// the entry's bio, notes and article text.
    pub(super) fn blind7_cast(&mut self) -> Vec<String> {
        self.site_cast(super::BLIND7_FORMS, &BIO_SITES)
    }

    /// Draws the entry's bio form out of `forms`, its writers (from the
    /// language of the form's site in `sites`) and the feed's bylines (by
    /// the site family's conventions); keeps the cast for the entry's bio,
    /// notes and article text.
    pub(super) fn site_cast(
        &mut self,
        forms: std::ops::Range<usize>,
        sites: &[(Family, Lang)],
    ) -> Vec<String> {
        let bio_form = self.form_in(forms.clone());
        let (family, lang) = sites[bio_form - forms.start];
        let has_bio = self.rng.u8(..5) != 0;
        let convention = self.weighted(conventions(family));
        let pool = lang.writers();
        let first = pool[self.rng.usize(..pool.len())];
        let mut writers = vec![first];
        if matches!(convention, Convention::TwoInOne | Convention::TwoItems) {
            let second = loop {
                let w = pool[self.rng.usize(..pool.len())];
                if w.name != first.name {
                    break w;
                }
            };
            writers.push(second);
        }
        let cast = Cast {
            bio_form,
            has_bio,
            writers,
            lang,
        };
        let bylines = self.blind7_bylines(&cast, convention);
        self.site_cast = Some(cast);
        bylines
    }

    /// The author names the feed gives, as feed-rs hands them on.
    fn blind7_bylines(&mut self, cast: &Cast, convention: Convention) -> Vec<String> {
        let (lang, w) = (cast.lang, cast.writers[0]);
        let desk = self.pick(lang.desks());
        let line = match convention {
            Convention::None => return Vec::new(),
            Convention::Plain => w.name.to_string(),
            Convention::Meta => w.meta.to_string(),
            Convention::By if lang == Lang::ZhTw => format!("{}{}", lang.by(), w.name),
            Convention::By => format!("{} {}", lang.by(), w.name),
            Convention::Decorated => match (lang, self.rng.u8(..3)) {
                (Lang::En, 0) => format!("{} | {}", w.name, self.pick(PAPERS)),
                (Lang::En, 1) => format!("{}, Staff Writer", w.name),
                (Lang::En, _) => format!("By {}, {}", w.name.to_uppercase(), desk),
                (_, 0) => format!("{} ({desk})", w.name),
                (_, 1) => format!("{}, {desk}", w.name),
                _ => format!("{} / {desk}", w.meta),
            },
            Convention::Upper => lang.upper(w.name),
            // RSS 2.0 `<author>`: an address with the name in brackets,
            // which feed-rs keeps; a bare address names no one.
            Convention::Email => match self.rng.u8(..4) {
                0 => return Vec::new(),
                _ => format!("({})", w.name),
            },
            Convention::Login => w.login.to_string(),
            // Some languages join two names with a mark and no spaces;
            // some write "and" as a prefix of the second name.
            Convention::TwoInOne if matches!(lang, Lang::Ko | Lang::Ja | Lang::ZhTw) => {
                format!("{}{}{}", w.name, lang.and(), cast.writers[1].name)
            }
            Convention::TwoInOne if lang == Lang::He => {
                format!("{} {}{}", w.name, lang.and(), cast.writers[1].name)
            }
            Convention::TwoInOne => {
                format!("{} {} {}", w.name, lang.and(), cast.writers[1].name)
            }
            Convention::TwoItems => {
                return cast.writers.iter().map(|w| w.name.to_string()).collect();
            }
            Convention::Desk => desk.to_string(),
        };
        vec![line]
    }

    /// The entry's update note, where its site prints it, and its bio
    /// boxes in the last slot.
    pub(super) fn blind7_notes_and_bios(&mut self, slots: &mut [Vec<(String, Placed)>]) {
        self.notes_and_bios(
            slots,
            super::BLIND7_FORMS,
            Gen::blind7_update,
            Gen::blind7_bio,
            &[66, 70, 74],
        );
    }

    /// A pass's update note (a form out of `forms`, written by `update`)
    /// where its site prints it, and the cast's bio boxes (written by
    /// `bio`) in the last slot; the bio forms in `boxes_each` print a box
    /// for each of two writers, some of the time.
    pub(super) fn notes_and_bios(
        &mut self,
        slots: &mut [Vec<(String, Placed)>],
        forms: std::ops::Range<usize>,
        update: UpdateForm,
        bio: BioForm,
        boxes_each: &[usize],
    ) {
        let form = self.form_in(forms);
        let (html, probe, place) = update(self, form);
        let note = (html, Placed::new("update", form, probe));
        let after_bio = self.place_note(slots, note, place);
        let bios = self.bios(bio, boxes_each);
        let end = slots.len() - 1;
        slots[end].extend(bios);
        slots[end].extend(after_bio);
    }

    /// The entry's bio boxes: none, one, or one a writer where the site
    /// prints a box for each.
    fn bios(&mut self, bio: BioForm, boxes_each: &[usize]) -> Vec<(String, Placed)> {
        let Some(cast) = self.site_cast.clone() else {
            return Vec::new();
        };
        if !cast.has_bio {
            return Vec::new();
        }
        let boxes_each = boxes_each.contains(&cast.bio_form);
        let count = if cast.writers.len() == 2 && boxes_each && self.rng.bool() {
            2
        } else {
            1
        };
        (0..count)
            .map(|which| {
                let (html, probe) = bio(self, &cast, which);
                (html, Placed::new("bio", cast.bio_form, probe))
            })
            .collect()
    }

    /// Bio markup of seventh-pass form `cast.bio_form` for writer `which`
    /// of the cast, and its probe.
    fn blind7_bio(&mut self, cast: &Cast, which: usize) -> (String, String) {
        let w = cast.writers[which];
        let name = w.name;
        let she = w.she;
        let (he, his) = if she { ("She", "her") } else { ("He", "his") };
        let year = self.rng.u32(1998..2021);
        let n = self.rng.u32(3..25);
        let place = self.pick(PLACES);
        let portrait = format!(
            "<img src=\"https://cdn.example/authors/{}.jpg\" alt=\"{}\">",
            w.login,
            esc(name)
        );
        match cast.bio_form {
            // A Finnish regional daily: the columnist's signature line in
            // italics at the foot, name, paper (in the genitive) and beat.
            64 => {
                let paper = self.pick(&["Aamulehden", "Turun Sanomien", "Savon Sanomien"]);
                let (desk, topic) = self.pick2(&[
                    ("taloustoimittaja", "energiapolitiikkaa"),
                    ("politiikan toimittaja", "kuntataloutta"),
                    ("tiedetoimittaja", "ilmastotutkimusta"),
                ]);
                let text =
                    format!("{name} on {paper} {desk}, joka on seurannut {topic} vuodesta {year}.");
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // 65: held out.
            65 => {
                let (job, worked) = if she {
                    ("redaktorka", "pracovala")
                } else {
                    ("redaktor", "pracoval")
                };
                let rubrika = self.pick(&["domácí", "zahraniční", "ekonomické"]);
                let text = format!(
                    "{name} je {job} {rubrika} rubriky. Předtím {worked} {n} let v regionálním tisku."
                );
                (
                    format!(
                        "<div class=\"autor\">{portrait}<p><strong>{}</strong>{}</p></div>",
                        esc(name),
                        esc(&text[name.len()..])
                    ),
                    text,
                )
            }
            // A US nonprofit newsroom's page, no classes: a heading, the
            // reporter's portrait and one paragraph.
            66 => {
                let room = self.pick(ROOMS);
                let beat = self.pick(&["rural health", "water and drought", "the state prisons"]);
                let text = format!(
                    "{name} covers {beat} for {room}. {he} previously worked at the {} and was a finalist for a national reporting award in {year}.",
                    self.pick(PAPERS)
                );
                (
                    format!(
                        "<div><h3>About the reporter</h3>{portrait}<p>{}</p></div>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // 67: held out.
            67 => {
                let (job, angajat) = if she {
                    ("jurnalistă", "angajată")
                } else {
                    ("jurnalist", "angajat")
                };
                let sectie = self.pick(&["Social", "Politic", "Economic"]);
                let text = format!(
                    "{name} este {job} la secția {sectie}, {angajat} al redacției din {year}. Scrie despre sănătate publică și fonduri europene."
                );
                (
                    format!("<footer><p><small>{}</small></p></footer>", esc(&text)),
                    text,
                )
            }
            // A Turkish columnist's page: the name in bold capitals on its
            // own line, then a paragraph that never names the writer.
            68 => {
                let city = self.pick(&["İzmir", "Bursa", "Trabzon", "Eskişehir"]);
                let fakulte = self.pick(&[
                    "Ankara Üniversitesi İletişim Fakültesi",
                    "Marmara Üniversitesi Gazetecilik Bölümü",
                ]);
                let text = format!(
                    "{city}'de {} yılında doğdu. {fakulte}'nden mezun oldu. {n} yıldır ekonomi muhabiri olarak çalışıyor.",
                    year - 30
                );
                (
                    format!(
                        "<p><strong>{}</strong></p>\n<p>{}</p>",
                        esc(&cast.lang.upper(name)),
                        esc(&text)
                    ),
                    text,
                )
            }
            // 69: held out.
            69 => {
                let lap = self.pick(&["Népszava", "Magyar Hang", "Szabad Föld"]);
                let rovat = self.pick(&["belpolitikai", "gazdasági", "külpolitikai"]);
                let text = format!(
                    "{name} a {lap} {rovat} újságírója, {year} óta dolgozik a lapnál. Korábban vidéki napilapoknál írt oktatásról."
                );
                (format!("<h4>A szerzőről</h4>\n<p>{}</p>", esc(&text)), text)
            }
            // A Catalan daily's opinion page: the name in bold, birthplace
            // and year in brackets, in an aside without classes.
            70 => {
                let city = self.pick(&["Girona", "Reus", "Vic", "Lleida"]);
                let (title, uni) = (
                    if she { "doctora" } else { "doctor" },
                    self.pick(&[
                        "la Universitat de Girona",
                        "la Universitat Pompeu Fabra",
                        "la Universitat de Lleida",
                    ]),
                );
                let tail = format!(
                    " ({city}, {}) és periodista i {title} en Història per {uni}. Col·labora amb aquest diari des de {year}.",
                    year - 35
                );
                (
                    format!(
                        "<aside><p><strong>{}</strong>{}</p></aside>",
                        esc(name),
                        esc(&tail)
                    ),
                    format!("{name}{tail}"),
                )
            }
            // 71: held out.
            71 => {
                let article = if she { "Η" } else { "Ο" };
                let text = format!(
                    "{article} {name} είναι δημοσιογράφος και καλύπτει θέματα περιβάλλοντος από το {year}."
                );
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // A freelancer's WordPress blog: a rule, then the bio in small
            // print.
            72 => {
                let outlets = self.pick(&[
                    "Grist, Civil Eats and The Counter",
                    "Next City and Bloomberg CityLab",
                    "Atlas Obscura and Outside",
                ]);
                let text = format!(
                    "{name} is a freelance writer in {place} whose work has appeared in {outlets}. {he} is working on a book about {his} grandmother’s farm."
                );
                (format!("<hr>\n<p><small>{}</small></p>", esc(&text)), text)
            }
            // 73: held out.
            73 => {
                let text = format!(
                    "{name} is a data reporter at the {}. {he} has built the paper’s election results pages since {year}.",
                    self.pick(PAPERS)
                );
                (
                    format!(
                        "<aside><h2>Authors</h2><ul><li>{portrait}<p>{}</p></li></ul></aside>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // A local paper's corps member line in italics, sometimes with
            // the partnership tagline after it.
            74 => {
                let paper = self.pick(PAPERS);
                let beat = self.pick(&["rural schools", "the environment", "local government"]);
                let text = format!(
                    "{name} is a Report for America corps member covering {beat} for the {paper}. Reach {} at {}@{}.example.",
                    if she { "her" } else { "him" },
                    w.login,
                    paper.split(' ').next().unwrap_or("paper").to_lowercase()
                );
                let tagline = if self.rng.bool() {
                    format!(
                        "\n<p><em>This story was produced in partnership with {}, a nonprofit newsroom.</em></p>",
                        self.pick(ROOMS)
                    )
                } else {
                    String::new()
                };
                (format!("<p><em>{}</em></p>{tagline}", esc(&text)), text)
            }
            // 75: held out.
            _ => {
                let job = self.pick(&[
                    "a retired nurse",
                    "a former school principal",
                    "a beekeeper",
                ]);
                let text = format!("— {name}, {job}, lives in {place}.");
                (format!("<p>{}</p>", esc(&text)), text)
            }
        }
    }

    /// Update-note markup of seventh-pass form `form` (64–75), its probe
    /// and where the site prints it.
    fn blind7_update(&mut self, form: usize) -> (String, String, NotePlace) {
        let hour = self.rng.u32(8..20);
        let minute = self.rng.u32(10..60);
        let n = self.rng.u32(12..90);
        let end_or_after_bio = |g: &mut Gen| {
            if g.rng.u8(..3) == 0 {
                NotePlace::AfterBio
            } else {
                NotePlace::End
            }
        };
        match form {
            // A Czech news site: the time in bold, then what was added,
            // at the top.
            64 => {
                let what = self.pick(&[
                    "doplnili jsme vyjádření mluvčího krajské policie.",
                    "doplnili jsme reakci ministerstva dopravy.",
                    "upřesnili jsme počet zraněných.",
                ]);
                (
                    format!(
                        "<p><strong>Aktualizováno {hour}:{minute}</strong> – {}</p>",
                        esc(what)
                    ),
                    what.to_string(),
                    NotePlace::Top,
                )
            }
            // 65: held out.
            65 => {
                let text = format!(
                    "Frissítés ({hour}:{minute}): a rendőrség közleménye szerint az utat újra megnyitották."
                );
                let place = if self.rng.bool() {
                    NotePlace::Top
                } else {
                    NotePlace::Between
                };
                (
                    format!("<p><strong>{}</strong></p>", esc(&text)),
                    text,
                    place,
                )
            }
            // A Turkish daily: the correction and the apology in italics
            // at the foot.
            66 => {
                let text = format!(
                    "Düzeltme: Haberimizin ilk versiyonunda belediye meclisinin {n} üyeden oluştuğu yazılmıştı. Doğrusu {} üyedir. Okurlarımızdan özür dileriz.",
                    n + 2
                );
                (
                    format!("<p><em>{}</em></p>", esc(&text)),
                    text,
                    end_or_after_bio(self),
                )
            }
            // 67: held out.
            67 => {
                let text = "Actualizare: Ministerul Sănătății a transmis un punct de vedere după publicarea articolului. Îl redăm integral mai jos.".to_string();
                (
                    format!("<p><em>{}</em></p>", esc(&text)),
                    text,
                    NotePlace::Between,
                )
            }
            // A Catalan daily: the editors' note between the paragraphs
            // it concerns, the label in bold, in a bare div.
            68 => {
                let text = format!(
                    "aquesta notícia s'ha actualitzat a les {hour}.{minute} h per incloure la resposta del Departament de Salut."
                );
                (
                    format!(
                        "<div><p><strong>Nota de la redacció:</strong> {}</p></div>",
                        esc(&text)
                    ),
                    text,
                    NotePlace::Between,
                )
            }
            // 69: held out.
            69 => {
                let text = format!(
                    "Διόρθωση: Σε προηγούμενη εκδοχή του άρθρου αναφερόταν λανθασμένα ότι ο δήμος απασχολεί {n} εργαζόμενους. Ο σωστός αριθμός είναι {}.",
                    n + 5
                );
                (
                    format!("<div class=\"diorthosi\"><p>{}</p></div>", esc(&text)),
                    text,
                    end_or_after_bio(self),
                )
            }
            // A results page that says it will be updated, in a bare
            // aside at the top.
            70 => {
                let text = format!(
                    "This page will be updated as results come in from all {n} precincts. Polls closed at 8 p.m."
                );
                (
                    format!("<aside><p>{}</p></aside>", esc(&text)),
                    text,
                    NotePlace::Top,
                )
            }
            // 71: held out.
            71 => {
                let text = format!(
                    "Correction: A photo caption with an earlier version of this story misidentified the woman pictured. She is {}, not her sister.",
                    self.name()
                );
                (
                    format!("<footer><small>{}</small></footer>", esc(&text)),
                    text,
                    end_or_after_bio(self),
                )
            }
            // A disclosure with its own heading at the top, naming the
            // entry's writer.
            72 => {
                let writer = self.cast_writer();
                let kin = self.pick(&["spouse", "brother", "mother"]);
                let text = format!(
                    "{writer}’s {kin} is a nurse at {} General Hospital, which is not a subject of this story.",
                    self.pick(PLACES)
                );
                (
                    format!("<h4>Editor’s note</h4>\n<p>{}</p>", esc(&text)),
                    text,
                    NotePlace::Top,
                )
            }
            // 73: held out.
            73 => {
                let text = format!(
                    "Updated {} p.m. — This story will be updated throughout the evening as the county reports more results.",
                    hour % 12 + 1
                );
                (
                    format!("<div class=\"story-note\"><p>{}</p></div>", esc(&text)),
                    text,
                    NotePlace::Top,
                )
            }
            // A wire story's correction, in small print after a rule, at
            // the foot.
            74 => {
                let text = self
                    .pick(&[
                        "This version corrects the spelling of the deputy minister’s name in the third paragraph.",
                        "This version corrects the year the plant opened to 1987, not 1978.",
                        "This version corrects the name of the river in the fifth paragraph.",
                    ])
                    .to_string();
                (
                    format!("<hr>\n<p><small>{}</small></p>", esc(&text)),
                    text,
                    end_or_after_bio(self),
                )
            }
            // 75: held out.
            _ => {
                let text = format!(
                    "Editor’s note: This story was updated on {} to remove the name of a minor.",
                    self.pick(&["March 12", "July 8", "Nov. 30"])
                );
                (format!("<p>{}</p>", esc(&text)), text, NotePlace::End)
            }
        }
    }

    /// The entry's first writer as English text names them.
    pub(super) fn cast_writer(&self) -> &'static str {
        self.site_cast
            .as_ref()
            .map_or("Hollis Greer", |c| c.writers[0].english)
    }

    /// A seventh-pass article paragraph that mentions a writer, a photo or
    /// an update and is set apart as articles set such text: even indexes
    /// for the dev half, odd for held out.
    pub(super) fn blind7_mention(&mut self) -> Mention {
        let writer = self.cast_writer();
        let writer_his = match &self.site_cast {
            Some(c) if c.writers[0].she => "her",
            _ => "his",
        };
        let other = self.name();
        let paper = self.pick(PAPERS);
        let place = self.pick(PLACES);
        let weekday = self.rng.usize(..DAYS.len());
        let day = DAYS[weekday];
        let tag = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"][weekday];
        let n = self.rng.u32(3..90);
        let year = self.rng.u32(2008..2022);
        let (hour, minute) = (self.rng.u32(5..12), self.rng.u32(10..60));
        use MentionPlace::{Anywhere, End, Top};
        let p = |t: &str| format!("<p>{}</p>", esc(t));
        let em = |t: &str| format!("<p><em>{}</em></p>", esc(t));
        // Each is (its text, its markup, where it goes); a lead-in in bold
        // is part of the text.
        let lead = |label: &str, rest: String| {
            (
                format!("{label} {rest}"),
                format!("<p><strong>{}</strong> {}</p>", esc(label), esc(&rest)),
            )
        };
        let forms: [(String, String, MentionPlace); 24] = [
            // An italic standfirst.
            {
                let t = format!(
                    "For {n} years the ferry at {place} carried commuters across the river. Then the county revised its budget, and the boat has not moved since {day}."
                );
                (t.clone(), em(&t), Top)
            },
            {
                let t = format!(
                    "A photographer spent {n} months with the last dairy farmers of {place}. Her pictures show what is left when the milk truck stops coming."
                );
                (
                    t.clone(),
                    format!("<p class=\"standfirst\">{}</p>", esc(&t)),
                    Top,
                )
            },
            // A bold lead-in.
            {
                let (t, h) = lead(
                    "Why it matters:",
                    format!(
                        "The updated flood map puts {n} more homes in {place} inside the high-risk zone, which means higher insurance bills."
                    ),
                );
                (t, h, Anywhere)
            },
            {
                let (t, h) = lead(
                    "Between the lines:",
                    format!(
                        "The revised estimate, released on {day}, is the third since {year}, and each has been lower than the one before."
                    ),
                );
                (t, h, Anywhere)
            },
            // A Q&A transcript paragraph, the speaker's name in bold.
            {
                let (t, h) = lead(
                    &format!("{other}:"),
                    "I took that photo from my kitchen window. I had no idea it would end up on the front page of every paper in the state.".to_string(),
                );
                (t, h, Anywhere)
            },
            {
                let (t, h) = lead(
                    &format!("{writer}:"),
                    format!(
                        "You wrote in {year} that the plant would never reopen. What changed your mind?"
                    ),
                );
                (t, h, Anywhere)
            },
            // An italic closing line of a column.
            {
                let t = format!(
                    "I wrote here in {year} that the bridge would never be built. On {day} I walked across it, and I was glad to be wrong."
                );
                (t.clone(), em(&t), End)
            },
            {
                let t = format!(
                    "My father kept every photo he ever took of this street. I have them now, {n} shoeboxes of them, and I still do not know what to do with them."
                );
                (t.clone(), format!("<p><i>{}</i></p>", esc(&t)), End)
            },
            // A bracketed aside.
            {
                let t = format!(
                    "[{other} later updated her estimate to {n} families, after the county released its own count.]"
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "(The author of the original survey, {other}, has since retired and did not respond to a request for comment.)"
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A blockquote, a pull quote.
            {
                let t = format!(
                    "“Update: the shelter on Elm Street is full. Please go to the {place} High School gym instead,” the county wrote on Facebook at {hour}:{minute} p.m."
                );
                (
                    t.clone(),
                    format!("<blockquote>{}</blockquote>", p(&t)),
                    Anywhere,
                )
            },
            {
                let t = format!(
                    "“Every picture I took that week in {place}, I took for the people who could not be there.”"
                );
                (
                    t.clone(),
                    format!("<blockquote class=\"pullquote\">{}</blockquote>", p(&t)),
                    Anywhere,
                )
            },
            // An italic sentence about an update to something else.
            {
                let t = format!(
                    "The Weather Service revised its forecast on {day} morning: it now expects {} inches of snow in {place} by Saturday.",
                    n % 14 + 4
                );
                (t.clone(), em(&t), Anywhere)
            },
            {
                let t = format!(
                    "The phone maker said a software update due in {} weeks would fix the battery drain that owners have reported since {year}.",
                    n % 6 + 2
                );
                (t.clone(), em(&t), Anywhere)
            },
            // A last paragraph about a person.
            {
                let t = format!(
                    "{other} is survived by her husband of {n} years, two daughters and a brother in {place}."
                );
                (t.clone(), p(&t), End)
            },
            {
                let t = format!(
                    "{writer}, who reported this story, grew up two streets from the plant; {} father worked there for {n} years.",
                    writer_his
                );
                (t.clone(), p(&t), End)
            },
            // The entry's own writer, named as articles name them.
            {
                let t = format!(
                    "The {paper} first reported the shortfall in {year}, in a story by {writer} that the district disputed at the time."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "Asked by {writer} on {day} whether the photos had been altered, the campaign's spokesman said he would not dignify the question."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // German, with its capitalised nouns.
            {
                let t = format!(
                    "Die Fotografin {other} hat die Bilder der Flut am {tag} aufgenommen; die Stadt hat ihre Karte der Sperrungen seither {} Mal aktualisiert.",
                    n % 5 + 2
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "Der Autor des Gutachtens, {other}, räumte am {tag} ein, dass die Zahlen aus dem Jahr {year} stammen und seither nicht aktualisiert wurden."
                );
                (t.clone(), em(&t), Anywhere)
            },
            // Other languages of this pass.
            {
                let t = format!(
                    "Valokuvaaja {other} otti kuvan sillalta aamulla; kaupunki päivitti tiedotettaan vasta illalla kello {}.",
                    hour + 12
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "Autorka fotografie {other} řekla, že snímek z roku {year} dodnes visí na radnici v {place}."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A name in bold opening a profile in a list of candidates.
            {
                let age = n % 40 + 30;
                let tail = format!(
                    ", {age}, a nurse at {place} General, has served on the school board since {year}. She says the updated budget shortchanges special education."
                );
                (
                    format!("{other}{tail}"),
                    format!("<p><strong>{}</strong>{}</p>", esc(&other), esc(&tail)),
                    Anywhere,
                )
            },
            {
                let age = n % 40 + 30;
                let tail = format!(
                    " ({age}) is a retired firefighter and the author of a history of the {place} volunteer brigade. He wants the fire station kept open."
                );
                (
                    format!("{other}{tail}"),
                    format!("<p><b>{}</b>{}</p>", esc(&other), esc(&tail)),
                    Anywhere,
                )
            },
        ];
        let (text, html, place) = self.sentence_of_half(forms);
        Mention { text, html, place }
    }

    pub(super) fn pick2<A: Copy, B: Copy>(&mut self, xs: &[(A, B)]) -> (A, B) {
        xs[self.rng.usize(..xs.len())]
    }
}
