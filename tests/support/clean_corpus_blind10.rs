//! The tenth pass: author bios and update notes, forms 100–111 of each,
//! with the feed's bylines drawn by the seventh pass's machinery (a site
//! family and a language per bio form, its byline conventions and
//! proportions), and its own article text that a cleaner could mistake for
//! a bio or a note.
//!
//! Written blind, from how publishers print these things, by someone who
//! had not read the cleaner's rules, their tests or their benchmark notes.
//! This pass goes where the earlier nine did not: outlets, publishing
//! systems and languages new to the corpus (the dev half's bios: a
//! Jamaican daily's columns, an Iranian diaspora site in Persian, an
//! Icelandic daily's opinion page, a newsletter sent from Beehiiv, a
//! Mexican digital outlet, a Taiwanese daily's op-eds; its notes: the
//! Persian site, the Icelandic daily, the Taiwanese daily, a podcast's
//! show notes, a university's press office and the Mexican outlet; the
//! held-out half's are left to its forms). Its bios stand where each site
//! prints them, the foot or the top; they name their writer as the byline
//! does, by the first name alone, or not at all; some carry a contact
//! line, a disclaimer or a heading; some speak of two writers, in one line
//! or one footnote each. Its notes say what changed and when, in each
//! site's words, type and local formats (Persian digits and the Iranian
//! calendar, the 24-hour clock), at the top, between paragraphs or at the
//! foot. Its article sentences mention the entry's own writer, a photo, a
//! correction or an update, some set apart by their type (a dek, a bold
//! lead-in, a subhead, a pull quote, an italic closing line). Even forms
//! are the dev half, odd forms the held-out half; the article sentences
//! are split the same way (by their index). Every text varies from entry
//! to entry (a time, a figure, a name, a place): a feed of this corpus
//! mixes sites, so a sentence repeated verbatim across its entries would
//! be removed as a repeat instead of being measured as what it is. Part of
//! `clean_corpus.rs` (included from it).

use super::blind6::NotePlace;
use super::blind7::{Cast, DAYS, Family, Lang, Mention, MentionPlace, PAPERS, PLACES, Writer};
use super::{Gen, Placed, esc};

// One writer a line: the table reads better than rustfmt's seven lines each.
#[rustfmt::skip]
pub(super) const WRITERS_EN_JM: &[Writer] = &[
    Writer { name: "Dionne Campbell-Brown", meta: "Dionne Campbell-Brown", english: "Dionne Campbell-Brown", she: true, login: "dcampbellbrown" },
    Writer { name: "Andre O. Whyte", meta: "Andre Whyte", english: "Andre O. Whyte", she: false, login: "awhyte" },
    Writer { name: "Kerri-Ann McKenzie", meta: "Kerri-Ann McKenzie", english: "Kerri-Ann McKenzie", she: true, login: "kmckenzie" },
    Writer { name: "Garfield Ellington", meta: "Garfield Ellington", english: "Garfield Ellington", she: false, login: "gellington" },
];
// Persian names keep their zero-width non-joiners; the metadata gives
// them in Latin letters.
#[rustfmt::skip]
pub(super) const WRITERS_FA: &[Writer] = &[
    Writer { name: "سارا محمدی", meta: "Sara Mohammadi", english: "Sara Mohammadi", she: true, login: "smohammadi" },
    Writer { name: "رضا کریمی‌نژاد", meta: "Reza Kariminejad", english: "Reza Kariminejad", she: false, login: "rkariminejad" },
    Writer { name: "مریم حسینی", meta: "Maryam Hosseini", english: "Maryam Hosseini", she: true, login: "mhosseini" },
    Writer { name: "بهروز صدری", meta: "Behrouz Sadri", english: "Behrouz Sadri", she: false, login: "bsadri" },
];
#[rustfmt::skip]
pub(super) const WRITERS_IS: &[Writer] = &[
    Writer { name: "Guðrún Sigurðardóttir", meta: "Gudrun Sigurdardottir", english: "Guðrún Sigurðardóttir", she: true, login: "gudruns" },
    Writer { name: "Jón Þór Einarsson", meta: "Jon Thor Einarsson", english: "Jón Þór Einarsson", she: false, login: "jonthor" },
    Writer { name: "Sigríður Ólafsdóttir", meta: "Sigridur Olafsdottir", english: "Sigríður Ólafsdóttir", she: true, login: "sigga" },
    Writer { name: "Bjarki Hrafnsson", meta: "Bjarki Hrafnsson", english: "Bjarki Hrafnsson", she: false, login: "bjarkih" },
];
#[rustfmt::skip]
pub(super) const WRITERS_ES_MX: &[Writer] = &[
    Writer { name: "Ximena Gutiérrez Lara", meta: "Ximena Gutierrez", english: "Ximena Gutiérrez", she: true, login: "xgutierrez" },
    Writer { name: "Emiliano Barrios Ochoa", meta: "Emiliano Barrios", english: "Emiliano Barrios", she: false, login: "ebarrios" },
    Writer { name: "Itzel Cruz Mendoza", meta: "Itzel Cruz", english: "Itzel Cruz", she: true, login: "icruz" },
];
#[rustfmt::skip]
pub(super) const WRITERS_ZH_TW: &[Writer] = &[
    Writer { name: "林怡君", meta: "Lin Yi-chun", english: "Lin Yi-chun", she: true, login: "yclin" },
    Writer { name: "陳建宏", meta: "Chen Chien-hung", english: "Chen Chien-hung", she: false, login: "chchen" },
    Writer { name: "黃雅婷", meta: "Huang Ya-ting", english: "Huang Ya-ting", she: true, login: "ythuang" },
    Writer { name: "張志明", meta: "Chang Chih-ming", english: "Chang Chih-ming", she: false, login: "cmchang" },
];
#[rustfmt::skip]
pub(super) const WRITERS_EN_NG: &[Writer] = &[
    Writer { name: "Chukwuemeka Nwosu", meta: "Emeka Nwosu", english: "Chukwuemeka Nwosu", she: false, login: "cnwosu" },
    Writer { name: "Folasade Adebayo-Ogunleye", meta: "Folasade Adebayo", english: "Folasade Adebayo-Ogunleye", she: true, login: "fadebayo" },
    Writer { name: "Aminu Bello Danjuma", meta: "Aminu Danjuma", english: "Aminu Bello Danjuma", she: false, login: "adanjuma" },
    Writer { name: "Ngozi Eze", meta: "Ngozi Eze", english: "Ngozi Eze", she: true, login: "neze" },
];
#[rustfmt::skip]
pub(super) const WRITERS_HE: &[Writer] = &[
    Writer { name: "דנה לוי", meta: "Dana Levy", english: "Dana Levy", she: true, login: "dlevy" },
    Writer { name: "יובל כהן", meta: "Yuval Cohen", english: "Yuval Cohen", she: false, login: "ycohen" },
    Writer { name: "מיכל אברהמי", meta: "Michal Avrahami", english: "Michal Avrahami", she: true, login: "mavrahami" },
];
#[rustfmt::skip]
pub(super) const WRITERS_ET: &[Writer] = &[
    Writer { name: "Kadri Tamm", meta: "Kadri Tamm", english: "Kadri Tamm", she: true, login: "ktamm" },
    Writer { name: "Margus Kask", meta: "Margus Kask", english: "Margus Kask", she: false, login: "mkask" },
    Writer { name: "Liis Saar", meta: "Liis Saar", english: "Liis Saar", she: true, login: "lsaar" },
];
#[rustfmt::skip]
pub(super) const WRITERS_EN_NZ: &[Writer] = &[
    Writer { name: "Aroha Te Whata", meta: "Aroha Te Whata", english: "Aroha Te Whata", she: true, login: "atewhata" },
    Writer { name: "Callum Ngata", meta: "Callum Ngata", english: "Callum Ngata", she: false, login: "cngata" },
    Writer { name: "Mere Tipene", meta: "Mere Tipene", english: "Mere Tipene", she: true, login: "mtipene" },
    Writer { name: "Liam Whitcombe", meta: "Liam Whitcombe", english: "Liam Whitcombe", she: false, login: "lwhitcombe" },
];

/// The site family and language of each bio form, 100–111.
const BIO_SITES: [(Family, Lang); 12] = [
    (Family::Newsroom, Lang::EnJm),
    (Family::Newsroom, Lang::EnNg),
    (Family::Continental, Lang::Fa),
    (Family::Continental, Lang::He),
    (Family::Continental, Lang::Is),
    (Family::Continental, Lang::Et),
    (Family::Blog, Lang::En),
    (Family::Newsroom, Lang::EnNz),
    // A WordPress site: its feed lists co-authors one by one.
    (Family::Blog, Lang::EsMx),
    (Family::Newsroom, Lang::En),
    (Family::Continental, Lang::ZhTw),
    (Family::Blog, Lang::En),
];

/// The bio forms whose sites print a line for each of two writers.
const BOXES_EACH: &[usize] = &[108];

/// The bio forms whose sites print the writer's box at the top of the
/// article rather than at its foot.
const TOP_BOXES: &[usize] = &[106, 109];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// The months of the Iranian (Solar Hijri) calendar.
const FA_MONTHS: [&str; 12] = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
];

/// `s` with Persian digits, as Iranian sites print numbers.
fn fa_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x06F0 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// `n` with `sep` between its thousands (a dot or a space, as the
/// language writes them): 12.345.
fn grouped(n: u32, sep: &str) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// What a writer's bio gives in brackets after the name, if anything.
fn iwi(w: &Writer) -> &'static str {
    match w.login {
        "atewhata" => " (Ngāti Porou)",
        "cngata" => " (Te Rarawa)",
        "mtipene" => " (Ngāpuhi)",
        _ => "",
    }
}

/// A writer's surname, by which some papers name them.
fn surname(w: &Writer) -> &'static str {
    w.name.rsplit(' ').next().unwrap_or(w.name)
}

impl Gen {
    /// Draws the entry's bio form, writers and bylines, as the seventh
    /// pass does, from this pass's sites.
    pub(super) fn blind10_cast(&mut self) -> Vec<String> {
        self.site_cast(super::BLIND10_FORMS, &BIO_SITES)
    }

    /// The entry's update note, where its site prints it, and its bio
    /// boxes: in the last slot, or first where the site prints them at
    /// the top.
    pub(super) fn blind10_notes_and_bios(&mut self, slots: &mut [Vec<(String, Placed)>]) {
        self.notes_and_bios(
            slots,
            super::BLIND10_FORMS,
            Gen::blind10_update,
            Gen::blind10_bio,
            BOXES_EACH,
        );
        let top = matches!(&self.site_cast, Some(c) if TOP_BOXES.contains(&c.bio_form));
        if top {
            let end = slots.len() - 1;
            let (bios, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut slots[end])
                .into_iter()
                .partition(|(_, p)| p.kind == "bio");
            slots[end] = rest;
            slots[0].splice(0..0, bios);
        }
    }

    /// A writer of `lang`: the entry's first writer if its site writes in
    /// `lang`, otherwise one of that language's (an article in it names
    /// one of its own).
    fn tenth_writer(&mut self, lang: Lang) -> Writer {
        match &self.site_cast {
            Some(c) if c.lang == lang => c.writers[0],
            _ => {
                let pool = lang.writers();
                pool[self.rng.usize(..pool.len())]
            }
        }
    }

    /// What a Taiwanese op-ed's footnote says a writer is, after "為".
    fn tenth_tw_role(&mut self) -> String {
        let n = self.rng.u32(3..30);
        let year = self.rng.u32(1998..2022);
        let city = self.pick(&["臺中", "高雄", "新竹", "臺南"]);
        match self.rng.u8(..4) {
            0 => format!("執業律師，從事勞動訴訟{n}年"),
            1 => format!("國立清華大學經濟學系副教授，{year}年起研究臺灣能源政策"),
            2 => format!("前{city}市議員，曾任社區大學講師{n}年"),
            _ => format!("中央研究院社會學研究所副研究員，{year}年起參與{n}項長照政策研究計畫"),
        }
    }

    /// Bio markup of tenth-pass form `cast.bio_form` for writer `which`
    /// of the cast, and its probe.
    fn blind10_bio(&mut self, cast: &Cast, which: usize) -> (String, String) {
        let w = cast.writers[which];
        let name = w.name;
        let she = w.she;
        let he = if she { "she" } else { "he" };
        let year = self.rng.u32(1995..2022);
        let n = self.rng.u32(3..30);
        // A site that prints a line for each writer speaks of one in each.
        let second = if BOXES_EACH.contains(&cast.bio_form) {
            None
        } else {
            cast.writers.get(1).copied()
        };
        let fill = |s: &str| {
            s.replace("{n}", &n.to_string())
                .replace("{year}", &year.to_string())
                .replace("{year2}", &(year + 4).to_string())
                .replace("{he}", he)
        };
        match cast.bio_form {
            // A Jamaican daily's columns (The Gleaner): the columnist's
            // post in the body's own type at the foot, then the paper's
            // feedback line with the columnist's own address.
            100 => {
                let (one, two) = self.pick2(&[
                    (
                        "an attorney-at-law who has practised in Montego Bay for {n} years",
                        "attorneys-at-law who have practised in Montego Bay for {n} years between them",
                    ),
                    (
                        "a senior lecturer in the Department of Government at the University of the West Indies, Mona, where {he} has taught since {year}",
                        "lecturers in the Department of Government at the University of the West Indies, Mona, and have written on local government reform since {year}",
                    ),
                    (
                        "a chartered accountant who spent {n} years auditing the accounts of public bodies",
                        "chartered accountants who have audited public bodies for {n} years between them",
                    ),
                    (
                        "a retired principal who taught in rural St Elizabeth for {n} years",
                        "retired principals who taught in rural St Elizabeth and St Ann for {n} years between them",
                    ),
                ]);
                let text = match second {
                    Some(b) => format!("{name} and {} are {}.", b.name, fill(two)),
                    None => format!("{name} is {}.", fill(one)),
                };
                let mail = self.pick(&["gmail", "yahoo", "outlook"]);
                (
                    format!(
                        "<p>{}</p>\n<p>Send feedback to columns@gleanerjm.example and {}@{mail}.example.</p>",
                        esc(&text),
                        w.login
                    ),
                    text,
                )
            }
            // 101: held out.
            101 => {
                let city = self.pick(&["Abuja", "Ibadan", "Enugu", "Kano", "Port Harcourt"]);
                let (one, two) = self.pick2(&[
                    (
                        "a professor of political science who has observed {n} elections since {year}",
                        "political scientists who have observed {n} elections since {year}",
                    ),
                    (
                        "a public affairs analyst and a commissioner for information from {year} to {year2}",
                        "public affairs analysts with {n} years in state government between them",
                    ),
                    (
                        "a consultant physician with {n} years in emergency medicine",
                        "consultant physicians with {n} years in emergency medicine between them",
                    ),
                ]);
                let text = match second {
                    Some(b) => format!(
                        "{} and {}, {}, write from {city}.",
                        surname(&w),
                        surname(&b),
                        fill(two)
                    ),
                    None => format!("{}, {}, writes from {city}.", surname(&w), fill(one)),
                };
                (format!("<p>• {}</p>", esc(&text)), text)
            }
            // An Iranian diaspora news site's opinion page (Radio Zamaneh,
            // IranWire): the writer's line in italics at the foot, years in
            // the Iranian calendar and in Persian digits; sometimes the
            // site's disclaimer in small print after it.
            102 => {
                let outlet = self.pick(&["زمانه", "آسو", "ایران‌وایر"]);
                let city = self.pick(&["تبریز", "مشهد", "اصفهان", "شیراز"]);
                // The Iranian year that began in the spring of `year`.
                let y = fa_digits(&(year - 621).to_string());
                let k = fa_digits(&n.to_string());
                let text = match (second, self.rng.u8(..3)) {
                    (Some(b), _) => format!(
                        "{name} و {} روزنامه‌نگار و پژوهشگر حوزه محیط زیست هستند و از سال {y} برای {outlet} می‌نویسند.",
                        b.name
                    ),
                    (None, 0) => format!(
                        "{name} روزنامه‌نگار و پژوهشگر حوزه محیط زیست است و از سال {y} برای {outlet} می‌نویسد."
                    ),
                    (None, 1) => format!(
                        "{name} دانش‌آموخته جامعه‌شناسی از دانشگاه تهران است و {k} سال در روزنامه‌های {city} کار کرده است."
                    ),
                    (None, _) => format!(
                        "{name} حقوق‌دان و پژوهشگر حقوق کار است و از سال {y} پرونده‌های کارگری را دنبال می‌کند."
                    ),
                };
                let disclaimer = if self.rng.bool() {
                    format!(
                        "\n<p><small>دیدگاه‌های مطرح‌شده در این یادداشت لزوماً بازتاب‌دهنده دیدگاه {outlet} نیست.</small></p>"
                    )
                } else {
                    String::new()
                };
                (format!("<p><em>{}</em></p>{disclaimer}", esc(&text)), text)
            }
            // 103: held out.
            103 => {
                let roles: [[&str; 4]; 3] = [
                    [
                        "חוקר בכיר {inst} ועוסק בשלטון המקומי מאז {year}",
                        "חוקרת בכירה {inst} ועוסקת בשלטון המקומי מאז {year}",
                        "חוקרים {inst} ועוסקים בשלטון המקומי מאז {year}",
                        "חוקרות {inst} ועוסקות בשלטון המקומי מאז {year}",
                    ],
                    [
                        "מרצה לכלכלה באוניברסיטת בן־גוריון בנגב ומחבר {n} מחקרים על דיור ציבורי",
                        "מרצה לכלכלה באוניברסיטת בן־גוריון בנגב ומחברת {n} מחקרים על דיור ציבורי",
                        "מרצים לכלכלה באוניברסיטת בן־גוריון בנגב ומחברי {n} מחקרים על דיור ציבורי",
                        "מרצות לכלכלה באוניברסיטת בן־גוריון בנגב ומחברות {n} מחקרים על דיור ציבורי",
                    ],
                    [
                        "עורך דין העוסק בזכויות עובדים זה {n} שנים",
                        "עורכת דין העוסקת בזכויות עובדים זה {n} שנים",
                        "עורכי דין העוסקים בזכויות עובדים מאז {year}",
                        "עורכות דין העוסקות בזכויות עובדים מאז {year}",
                    ],
                ];
                let role = roles[self.rng.usize(..roles.len())];
                let inst = self.pick(&["במכון הישראלי לדמוקרטיה", "במרכז טאוב", "במכון ון ליר"]);
                let fill = |s: &str| fill(s).replace("{inst}", inst);
                let text = match second {
                    Some(b) if she && b.she => format!("הכותבות הן {}.", fill(role[3])),
                    Some(_) => format!("הכותבים הם {}.", fill(role[2])),
                    None if she => format!("הכותבת היא {}.", fill(role[1])),
                    None => format!("הכותב הוא {}.", fill(role[0])),
                };
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // An Icelandic daily's opinion page (Vísir's "Skoðun"): the
            // piece's last paragraph, in the body's own type, says what
            // the writer is and never names them.
            104 => {
                let town = self.pick(&[
                    "á Akureyri",
                    "í Hafnarfirði",
                    "í Reykjanesbæ",
                    "á Selfossi",
                    "á Ísafirði",
                ]);
                let (one, two) = self.pick2(&[
                    (
                        "hagfræðingur og hefur starfað hjá {org} í {n} ár",
                        "hagfræðingar og hafa samtals starfað hjá {org} í {n} ár",
                    ),
                    (
                        "grunnskólakennari {town} og hefur kennt þar frá árinu {year}",
                        "grunnskólakennarar {town} og hafa kennt þar frá árinu {year}",
                    ),
                    (
                        "prófessor í stjórnmálafræði við Háskóla Íslands og hefur rannsakað sveitarstjórnarmál frá árinu {year}",
                        "stjórnmálafræðingar við Háskóla Íslands og hafa rannsakað sveitarstjórnarmál frá árinu {year}",
                    ),
                    (
                        "bæjarfulltrúi {town} og hefur setið í bæjarstjórn í {n} ár",
                        "bæjarfulltrúar {town} og hafa samtals setið í bæjarstjórn í {n} ár",
                    ),
                ]);
                let org = self.pick(&[
                    "Seðlabanka Íslands",
                    "Hagstofu Íslands",
                    "Alþýðusambandi Íslands",
                ]);
                let fill = |s: &str| fill(s).replace("{town}", town).replace("{org}", org);
                let text = match second {
                    Some(_) => format!("Höfundar eru {}.", fill(two)),
                    None => format!("Höfundur er {}.", fill(one)),
                };
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // 105: held out.
            105 => {
                let town = self.pick(&["Tartus", "Pärnus", "Narvas", "Viljandis"]);
                let (one, two) = self.pick2(&[
                    (
                        "Tartu Ülikooli riigiteaduste lektor, kes on uurinud kohalikke valimisi alates {year}. aastast",
                        "Tartu Ülikooli riigiteaduste lektorid, kes on uurinud kohalikke valimisi alates {year}. aastast",
                    ),
                    (
                        "Eesti Panga ökonomist, kes on töötanud keskpangas {n} aastat",
                        "Eesti Panga ökonomistid, kes on töötanud keskpangas kokku {n} aastat",
                    ),
                    (
                        "Tallinna Ülikooli haridusteaduste dotsent ja töötas varem {n} aastat õpetajana {town}",
                        "Tallinna Ülikooli haridusteaduste dotsendid ja töötasid varem kokku {n} aastat õpetajatena {town}",
                    ),
                ]);
                let (head, text) = match second {
                    Some(b) => (
                        "Autoritest",
                        format!(
                            "{name} ja {} on {}.",
                            b.name,
                            fill(two).replace("{town}", town)
                        ),
                    ),
                    None => (
                        "Autorist",
                        format!("{name} on {}.", fill(one).replace("{town}", town)),
                    ),
                };
                (format!("<h4>{head}</h4>\n<p>{}</p>", esc(&text)), text)
            }
            // A newsletter sent from Beehiiv, whose feed carries each
            // issue: a welcome box at the top in the writer's own voice,
            // by the first name alone, in a div with inline styles.
            106 => {
                let first = name.split(' ').next().unwrap_or(name);
                let (job, jobs) = self.pick2(&[
                    ("public-school teacher", "public-school teachers"),
                    ("hospital pharmacist", "hospital pharmacists"),
                    ("municipal bond analyst", "municipal bond analysts"),
                    ("wildland firefighter", "wildland firefighters"),
                ]);
                let city = self.pick(PLACES);
                let weekday = DAYS[self.rng.usize(..DAYS.len())];
                let started = 2015 + year % 10;
                let (we, what) = self.pick2(&[
                    ("I", "send one chart and the story behind it"),
                    (
                        "I",
                        "read the county’s meeting agendas so you don’t have to",
                    ),
                    ("I", "round up what changed in the state’s housing rules"),
                ]);
                let text = match second {
                    Some(b) => format!(
                        "New here? We’re {first} and {}. We spent {n} years between us as {jobs} in {city} before starting this newsletter in {started}, and every {weekday} we {what}.",
                        b.name.split(' ').next().unwrap_or(b.name)
                    ),
                    None => format!(
                        "New here? {we}’m {first}. {we} spent {n} years as a {job} in {city} before starting this newsletter in {started}, and every {weekday} {we} {what}."
                    ),
                };
                (
                    format!(
                        "<div style=\"background-color:#f4f1ea;border-radius:8px;padding:16px 20px\"><p>👋 {}</p></div>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // 107: held out.
            107 => {
                let text = match second {
                    Some(b) => format!(
                        "{name}{} and {}{} are researchers at Te Herenga Waka – Victoria University of Wellington who have studied housing on Māori land since {year}.",
                        iwi(&w),
                        b.name,
                        iwi(&b)
                    ),
                    None => {
                        let role = self.pick(&[
                            "a senior lecturer in Māori health at the University of Otago, where {he} has taught since {year}",
                            "a former Wellington city councillor who sat on its transport committee for {n} years",
                            "a freelance journalist based in Whanganui who has written about water reform since {year}",
                        ]);
                        format!("{name}{} is {}.", iwi(&w), fill(role))
                    }
                };
                (
                    format!(
                        "<div class=\"author-note\"><p><em>{}</em></p></div>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // A Mexican digital outlet's columns (Animal Político's guest
            // blogs, on WordPress): an asterisk after each writer's byline,
            // and at the foot one italic footnote a writer, with their X
            // handle.
            108 => {
                let stars = "*".repeat(which + 1);
                let state = self.pick(&["Guanajuato", "Sinaloa", "Michoacán", "Zacatecas"]);
                let city = self.pick(&["Monterrey", "Oaxaca", "Hermosillo", "Mérida"]);
                let (investiga, profesor, sigue) = if she {
                    ("investigadora", "profesora", "Síguela")
                } else {
                    ("investigador", "profesor", "Síguelo")
                };
                let text = match self.rng.u8(..3) {
                    0 => format!(
                        "{name} es {investiga} del Programa de Política de Drogas del CIDE y estudia la violencia en {state} desde {year}."
                    ),
                    1 => format!(
                        "{name} es periodista independiente en {city} y ha cubierto la crisis del agua durante {n} años."
                    ),
                    _ => format!(
                        "{name} es {profesor} de Ciencia Política en la UNAM y coordina un observatorio electoral desde {year}."
                    ),
                };
                (
                    format!(
                        "<p><em>{stars}{} {sigue} en X: @{}</em></p>",
                        esc(&text),
                        w.login
                    ),
                    text,
                )
            }
            // 109: held out.
            109 => {
                let state = self.pick(&["Arizona", "Michigan", "Georgia", "Wisconsin"]);
                let k = n % 6 + 2;
                let (one, two) = self.pick2(&[
                    (
                        "a professor at Georgetown University Law Center and was a federal prosecutor for {n} years",
                        "professors at Georgetown University Law Center and were federal prosecutors for a combined {n} years",
                    ),
                    (
                        "a former {state} secretary of state who oversaw {n} statewide elections",
                        "former {state} election officials who oversaw {n} statewide elections between them",
                    ),
                    (
                        "a historian at Rice University and the author of {k} books on the American presidency",
                        "historians at Rice University and the authors of {k} books on the American presidency",
                    ),
                ]);
                let fill = |s: &str| {
                    fill(s)
                        .replace("{state}", state)
                        .replace("{k}", &k.to_string())
                };
                let (text, own) = match second {
                    Some(b) => (
                        format!("{name} and {} are {}.", b.name, fill(two)),
                        "their own",
                    ),
                    None => (
                        format!("{name} is {}.", fill(one)),
                        if she { "her own" } else { "his own" },
                    ),
                };
                (
                    format!(
                        "<p><em>Editor’s Note: {} The views expressed in this commentary are {own}.</em></p>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // A Taiwanese daily's op-ed page (the Liberty Times' "自由廣場"):
            // the writer's post in full-width brackets as the last line,
            // in the body's own type; two writers are named in it.
            110 => {
                let text = match second {
                    Some(b) => {
                        let (r1, r2) = (self.tenth_tw_role(), self.tenth_tw_role());
                        format!("作者{name}為{r1}；{}為{r2}", b.name)
                    }
                    None => format!("作者為{}", self.tenth_tw_role()),
                };
                (format!("<p>（{}）</p>", esc(&text)), text)
            }
            // 111: held out.
            _ => {
                let show = self.pick(&["Down the Ballot", "The Long Haul", "Field Notes"]);
                let place = self.pick(PLACES);
                let (job, jobs) = self.pick2(&[
                    ("radio producer", "radio producers"),
                    ("county clerk", "county clerks"),
                    ("long-haul trucker", "long-haul truckers"),
                ]);
                let (head, text) = match second {
                    Some(b) => (
                        "Meet your hosts",
                        format!(
                            "{name} and {} have hosted {show} since {year}. Before that they spent {n} years between them as {jobs} in {place}.",
                            b.name
                        ),
                    ),
                    None => (
                        "Meet your host",
                        format!(
                            "{name} has hosted {show} since {year}. Before that {he} spent {n} years as a {job} in {place}."
                        ),
                    ),
                };
                (format!("<h3>{head}</h3>\n<p>{}</p>", esc(&text)), text)
            }
        }
    }

    /// Update-note markup of tenth-pass form `form` (100–111), its probe
    /// and where the site prints it.
    fn blind10_update(&mut self, form: usize) -> (String, String, NotePlace) {
        let hour = self.rng.u32(8..21);
        let minute = self.rng.u32(10..60);
        let n = self.rng.u32(12..90);
        let weekday = self.rng.usize(..DAYS.len());
        let (month, date) = (self.rng.u32(1..13), self.rng.u32(1..29));
        let year = self.rng.u32(2023..2026);
        let few = n % 5 + 2;
        let plain = |t: &str| format!("<p>{}</p>", esc(t));
        let em = |t: &str| format!("<p><em>{}</em></p>", esc(t));
        let end_or_after_bio = |g: &mut Gen| {
            if g.rng.u8(..3) == 0 {
                NotePlace::AfterBio
            } else {
                NotePlace::End
            }
        };
        match form {
            // The Iranian diaspora site: when the report was updated, by
            // the Iranian calendar and in Persian digits, and what was
            // added, in italics at the foot or the top.
            100 => {
                let what = self.pick(&[
                    "واکنش سخنگوی وزارت امور خارجه",
                    "آمار تازه بازداشت‌شدگان",
                    "گفت‌وگو با یکی از خانواده‌های آسیب‌دیده",
                    "بیانیه سازمان عفو بین‌الملل",
                ]);
                let text = fa_digits(&format!(
                    "این گزارش در تاریخ {date} {} {}، ساعت {hour}:{minute} به‌روزرسانی شد و {what} به آن افزوده شد.",
                    FA_MONTHS[month as usize - 1],
                    year - 621
                ));
                let place = if self.rng.u8(..3) == 0 {
                    NotePlace::Top
                } else {
                    NotePlace::End
                };
                (em(&text), text, place)
            }
            // 101: held out.
            101 => {
                let what = self.pick(&["המפונים", "המשפחות שנפגעו", "העסקים שנסגרו"]);
                let town = self.pick(&["בשדרות", "בקריית שמונה", "בנהריה", "באופקים"]);
                let text = format!(
                    "בגרסה קודמת של הכתבה נכתב בטעות כי מספר {what} {town} עומד על {n}. המספר הנכון הוא {}. הטעות תוקנה.",
                    n + few * 3
                );
                (
                    format!("<p><strong>תיקון:</strong> {}</p>", esc(&text)),
                    text,
                    NotePlace::End,
                )
            }
            // The Icelandic daily (Vísir): "Uppfært klukkan …" in bold as
            // the paragraph's lead, then what is new, at the top or
            // between the paragraphs it follows.
            102 => {
                let region = self.pick(&["Suðausturland", "Vestfirði", "Norðurland eystra"]);
                let rest = match self.rng.u8(..3) {
                    0 => format!(
                        "Lögreglan á Suðurlandi segir að {few} hafi verið fluttir á sjúkrahúsið á Selfossi og að {n} manns hafi gist í fjöldahjálparstöð í nótt."
                    ),
                    1 => format!(
                        "Vegagerðin hefur opnað {} á ný eftir að vegurinn hafði verið lokaður í {} klukkustundir.",
                        self.pick(&[
                            "Hellisheiði",
                            "Holtavörðuheiði",
                            "Öxnadalsheiði",
                            "Fjarðarheiði"
                        ]),
                        n % 20 + 3
                    ),
                    _ => format!(
                        "Veðurstofan hefur gefið út appelsínugula viðvörun fyrir {region} frá klukkan {} í kvöld og gerir ráð fyrir allt að {} metrum á sekúndu.",
                        hour % 4 + 20,
                        n % 20 + 18
                    ),
                };
                let place = if self.rng.bool() {
                    NotePlace::Top
                } else {
                    NotePlace::Between
                };
                (
                    format!(
                        "<p><strong>Uppfært klukkan {hour}:{minute}:</strong> {}</p>",
                        esc(&rest)
                    ),
                    rest,
                    place,
                )
            }
            // 103: held out.
            103 => {
                let state = self.pick(&["Benue", "Kogi", "Bayelsa", "Niger"]);
                let agency = self.pick(&[
                    "Nigeria Police Force",
                    "Nigeria Security and Civil Defence Corps",
                    "Federal Road Safety Corps",
                ]);
                let text = format!(
                    "CORRECTION: An earlier version of this report stated that the {agency} had deployed {n}0 personnel in {state} State. The correct figure is {}0. The error is regretted.",
                    n + few
                );
                (plain(&text), text, end_or_after_bio(self))
            }
            // The Taiwanese daily: an update in full-width brackets, or a
            // correction after "【更正】" with the apology, at the foot.
            104 => {
                let (html, text) = if self.rng.bool() {
                    let who = self.pick(&["交通部", "衛福部", "臺北市政府", "環境部"]);
                    let t = format!(
                        "本文於{year}年{month}月{date}日{hour:02}:{minute}更新，補充{who}回應"
                    );
                    (format!("<p>（{}）</p>", esc(&t)), t)
                } else {
                    let (what, unit) =
                        self.pick2(&[("撤離人數", "人"), ("受損房屋", "戶"), ("停電戶數", "戶")]);
                    let t = format!(
                        "本文原誤植{what}為{n}{unit}，經查證應為{}{unit}，特此更正並致歉。",
                        n + few * 7
                    );
                    (format!("<p>【更正】{}</p>", esc(&t)), t)
                };
                (html, text, end_or_after_bio(self))
            }
            // 105: held out.
            105 => {
                let who = self.pick(&[
                    "Päästeameti",
                    "Tallinna abilinnapea",
                    "Politsei- ja Piirivalveameti",
                    "Terviseameti",
                ]);
                let text = format!("Uudist täiendati kell {hour}.{minute} {who} kommentaariga.");
                let place = if self.rng.bool() {
                    NotePlace::Top
                } else {
                    NotePlace::End
                };
                (em(&text), text, place)
            }
            // A podcast's show notes (public radio's, on Megaphone): the
            // correction to what was said on air, dated, in the notes'
            // own type, at the foot or, now and then, first.
            106 => {
                let place = self.pick(PLACES);
                let then = self.rng.u32(1962..2004);
                let (said, is) = match self.rng.u8(..3) {
                    0 => (
                        format!("the {place} reservoir holds {n} billion gallons"),
                        format!("It holds {} billion gallons", n - few),
                    ),
                    1 => (
                        format!("the {place} rail line opened in {then}"),
                        format!("It opened in {}", then + few),
                    ),
                    _ => (
                        format!("the {then} strike at the {place} mill lasted {n} days"),
                        format!("It lasted {} days", n + few),
                    ),
                };
                let text = format!(
                    "Correction ({} {date}): In this episode, we said {said}. {is}.",
                    MONTHS[month as usize - 1]
                );
                let place = if self.rng.u8(..3) == 0 {
                    NotePlace::Top
                } else {
                    NotePlace::End
                };
                (plain(&text), text, place)
            }
            // 107: held out.
            107 => {
                let what = match self.rng.u8(..2) {
                    0 => {
                        let (a, b) = self.pick2(&[
                            ("Takahanga Marae", "Mangamaunu Marae"),
                            ("Whakarewarewa", "Ōhinemutu"),
                            ("Te Poho-o-Rāwiri Marae", "Whangara Marae"),
                        ]);
                        format!(
                            "to correct the name of the marae where the hui was held. It was {a}, not {b}"
                        )
                    }
                    _ => format!(
                        "to correct the number of homes without drinking water in {}, which was {n}0, not {}0",
                        self.pick(&["Wairoa", "Tolaga Bay", "Kaikohe"]),
                        n + 1
                    ),
                };
                let text = format!(
                    "This article was amended on {date} {} {year} {what}.",
                    MONTHS[month as usize - 1]
                );
                (em(&text), text, NotePlace::End)
            }
            // A university's press office (a Drupal news site): the
            // editor's note on what the release corrects or adds, dated,
            // in italics at the top or the foot.
            108 => {
                let what = match self.rng.u8(..3) {
                    0 => format!(
                        "to correct the amount of the National Science Foundation grant, which is ${few}.{} million",
                        n % 10
                    ),
                    1 => format!(
                        "to clarify that the trial enrolled {n}0 patients at {few} hospitals"
                    ),
                    _ => format!(
                        "to add a link to the study, published {} in {}",
                        DAYS[weekday],
                        self.pick(&[
                            "Nature Communications",
                            "PLOS Medicine",
                            "the Journal of Hydrology",
                        ])
                    ),
                };
                let text = format!(
                    "Editor’s note: This news release was updated {} {date}, {year}, {what}.",
                    MONTHS[month as usize - 1]
                );
                let place = if self.rng.bool() {
                    NotePlace::Top
                } else {
                    NotePlace::End
                };
                (em(&text), text, place)
            }
            // 109: held out.
            109 => {
                let station = self.pick(&["WNTX 7", "KRVA 12", "WCBH 4"]);
                let rest = if self.rng.bool() {
                    format!(
                        "The Highway Patrol now says {few} vehicles were involved in the crash on Route {n}, not {} as first reported.",
                        few + 1
                    )
                } else {
                    format!(
                        "{station} has removed the name of the {}-year-old driver in the Route {n} crash from this story because the driver is a minor.",
                        n % 3 + 15
                    )
                };
                (
                    format!(
                        "<p><strong>Editor’s note, {}:{minute} p.m.:</strong> {}</p>",
                        hour % 12 + 1,
                        esc(&rest)
                    ),
                    rest,
                    NotePlace::Top,
                )
            }
            // The Mexican digital outlet: the editor's note in a classed
            // div, the label in bold, saying when (central Mexico time)
            // and with what the story was updated, at the top or between
            // the paragraphs.
            110 => {
                let what = match self.rng.u8(..3) {
                    0 => format!(
                        "la postura de la Fiscalía General del Estado de {}",
                        self.pick(&["Guerrero", "Chiapas", "Jalisco", "Tamaulipas"])
                    ),
                    1 => format!("el número de personas desplazadas, que ya suma {n}0"),
                    _ => format!(
                        "declaraciones del alcalde de {}",
                        self.pick(&["Acapulco", "Tapachula", "Reynosa", "Zapopan"])
                    ),
                };
                let text = format!(
                    "Esta nota fue actualizada a las {hour}:{minute} horas, tiempo del centro de México, para incluir {what}."
                );
                let place = if self.rng.bool() {
                    NotePlace::Top
                } else {
                    NotePlace::Between
                };
                (
                    format!(
                        "<div class=\"nota-editor\"><p><strong>Nota del editor:</strong> {}</p></div>",
                        esc(&text)
                    ),
                    text,
                    place,
                )
            }
            // 111: held out.
            _ => {
                let place = self.pick(PLACES);
                let (what, was) = match self.rng.u8(..2) {
                    0 => (
                        format!("the {place} library levy failed by {n} votes"),
                        format!("It failed by {}", n + few * 4),
                    ),
                    _ => (
                        format!("the new {place} bus route starts on {}", DAYS[weekday]),
                        format!("It starts on the {}th", date % 10 + 10),
                    ),
                };
                let text = format!(
                    "Correction: In last week’s issue I wrote that {what}. {was}. Thanks to the {few} of you who wrote in."
                );
                (
                    format!(
                        "<div style=\"border-left:4px solid #e0483e;padding-left:12px\"><p>📌 {}</p></div>",
                        esc(&text)
                    ),
                    text,
                    NotePlace::Top,
                )
            }
        }
    }

    /// A tenth-pass article paragraph: text that names the entry's writer
    /// as articles do, speaks of photos, corrections or updates in the
    /// article's own voice and languages, or is set apart by its type (a
    /// dek, a bold lead-in, a subhead, a pull quote, an italic closing
    /// line). Even indexes for the dev half, odd for held out.
    pub(super) fn blind10_mention(&mut self) -> Mention {
        let writer = self.cast_writer();
        let writer_he = match &self.site_cast {
            Some(c) if c.writers[0].she => "she",
            _ => "he",
        };
        let other = self.name();
        let paper = self.pick(PAPERS);
        let place = self.pick(PLACES);
        let weekday = self.rng.usize(..DAYS.len());
        let day = DAYS[weekday];
        let is_day = [
            "mánudag",
            "þriðjudag",
            "miðvikudag",
            "fimmtudag",
            "föstudag",
        ][weekday];
        let fa_day = ["دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه"][weekday];
        let et_day = [
            "esmaspäeval",
            "teisipäeval",
            "kolmapäeval",
            "neljapäeval",
            "reedel",
        ][weekday];
        let he_day = ["שני", "שלישי", "רביעי", "חמישי", "שישי"][weekday];
        let n = self.rng.u32(3..90);
        let year = self.rng.u32(2006..2022);
        let few = n % 5 + 2;
        let fa = self.tenth_writer(Lang::Fa).name;
        let zh = self.tenth_writer(Lang::ZhTw).name;
        let mx = self.tenth_writer(Lang::EsMx).name;
        let he = self.tenth_writer(Lang::He);
        let nz = self.tenth_writer(Lang::EnNz).name;
        let tw_place = self.pick(&["雲林縣西螺鎮", "屏東縣東港鎮", "花蓮縣玉里鎮"]);
        let mx_city = self.pick(&["Villahermosa", "Tijuana", "Culiacán"]);
        let jm_place = self.pick(&["Portmore", "May Pen", "Spanish Town", "Mandeville"]);
        let ng_place = self.pick(&["Makurdi", "Ogoja", "Yenagoa", "Lokoja"]);
        let nz_place = self.pick(&["Ruatōria", "Kaikohe", "Ōpōtiki", "Wairoa"]);
        use MentionPlace::{Anywhere, End, Top};
        let p = |t: &str| format!("<p>{}</p>", esc(t));
        let em = |t: &str| format!("<p><em>{}</em></p>", esc(t));
        let lead = |label: &str, tag: &str, rest: String| {
            (
                format!("{label} {rest}"),
                format!("<p><{tag}>{label}</{tag}> {}</p>", esc(&rest)),
                Anywhere,
            )
        };
        let forms: [(String, String, MentionPlace); 24] = [
            // A feature's dek, as a theme prints the subtitle, naming its
            // own writer.
            {
                let t = format!(
                    "{writer} spent {n} nights with the ambulance crews of {place}. What {writer_he} saw explains why the county’s updated response times look better on paper than on the street."
                );
                (
                    t.clone(),
                    format!("<h2 class=\"subtitle\">{}</h2>", esc(&t)),
                    Top,
                )
            },
            {
                let t = format!(
                    "{} years after the flood, residents of {ng_place} are still waiting for the relocation promised in {year}. {writer} reports.",
                    n % 12 + 2
                );
                (
                    t.clone(),
                    format!("<p><strong>{}</strong></p>", esc(&t)),
                    Top,
                )
            },
            // A bold lead-in, part of the paragraph's text.
            lead(
                "The latest:",
                "strong",
                format!(
                    "Police said on {day} that {n} people had been detained after the protest in {place}, up from the {few} they reported over the weekend."
                ),
            ),
            lead(
                "Catch up quick:",
                "b",
                format!(
                    "The league rewrote its concussion protocol on {day}, its first change since {year}, after {n} players were cleared to return within a week."
                ),
            ),
            // A Persian story naming its photographer.
            {
                let t = fa_digits(&format!(
                    "عکاس این گزارش، {fa}، می‌گوید این عکس را ساعت {few} صبح روز {fa_day} گرفته است، {n} دقیقه پیش از رسیدن مأموران."
                ));
                (t.clone(), p(&t), Anywhere)
            },
            {
                let photographer = if he.she { "הצלמת" } else { "הצלם" };
                let t = format!(
                    "{photographer} {} תיעד{} את ההפגנה ביום {he_day} בערב, כשעה לפני שהמשטרה פיזרה את {n} המפגינים האחרונים.",
                    he.name,
                    if he.she { "ה" } else { "" }
                );
                (t.clone(), p(&t), Anywhere)
            },
            // An Icelandic correction, in the story's own voice.
            {
                let t = format!(
                    "Hagstofa Íslands leiðrétti tölur sínar á {is_day}: íbúum landsins fjölgaði um {} á síðasta ári en ekki {} eins og fyrst var greint frá.",
                    grouped(9_000 + n * 37, "."),
                    grouped(9_000 + n * 37 + few * 250, ".")
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let births = 10_000 + n * 13;
                let t = format!(
                    "Statistikaamet parandas {et_day} oma rahvastikuandmeid: möödunud aastal sündis Eestis {} last, mitte {}.",
                    grouped(births, " "),
                    grouped(births + few * 40, " ")
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A Taiwanese story naming the paper's reporter.
            {
                let t = format!(
                    "本報記者{zh}{year}年曾到{tw_place}採訪，當時鎮上還有{n}家碾米廠，如今只剩{few}家。"
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "When {nz} first visited the marae at {nz_place} in {year}, the wharekai had been closed for {n} months."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A pull quote in an aside.
            {
                let t = format!(
                    "“We printed {n} corrections that year, and nearly every one was a name someone had spelled for us over the phone.”"
                );
                (
                    t.clone(),
                    format!("<aside class=\"pull-quote\"><p>{}</p></aside>", esc(&t)),
                    Anywhere,
                )
            },
            {
                let t = format!(
                    "“I have updated my résumé {n} times since the mill closed, and nobody has called me back,” said {other}."
                );
                (
                    t.clone(),
                    format!("<blockquote><p>{}</p></blockquote>", esc(&t)),
                    Anywhere,
                )
            },
            // A Mexican story quoting the photographer.
            {
                let t = format!(
                    "Según {mx}, fotoperiodista que tomó la imagen desde la azotea de un hotel en {mx_city}, el agua subió {n} centímetros en menos de {few} horas."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "{writer} covered the franchise for the {paper} from {year} until it left {place}, {} seasons in all.",
                    n % 9 + 3
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A column's italic closing line, in the first person.
            {
                let t = format!(
                    "My mother still keeps the photo from the {place} parade of {year} on her fridge. She was {}, and she is the one holding the flag.",
                    n % 12 + 6
                );
                (t.clone(), em(&t), End)
            },
            {
                let t = format!(
                    "I still have the notebook from that first interview in {year}. The last page says only: call back {day}, {few} p.m."
                );
                (t.clone(), format!("<p><i>{}</i></p>", esc(&t)), End)
            },
            // The entry's own writer, in the story.
            {
                let t = format!(
                    "{writer} first asked the port authority for the inspection reports in {year}; the last of the {n} files arrived on {day}."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "Our correspondent, who visited {ng_place} on {day}, counted {n} shops still shut {few} days after the curfew was lifted."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A Jamaican story about photos and an advisory updated.
            {
                let t = format!(
                    "Photographs taken by residents of {jm_place} show the gully overflowing by {few} a.m., {} hours before the National Works Agency updated its advisory.",
                    n % 7 + 2
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "{other}, the study’s lead author, updated the model with {n} more years of rainfall data before it was published on {day}."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A subhead.
            {
                let what = self.pick(&["ridership", "enrolment", "turnout", "census", "budget"]);
                let t = format!("Why {place}’s {year} {what} figures were revised");
                (t.clone(), format!("<h3>{}</h3>", esc(&t)), Anywhere)
            },
            {
                let t = format!(
                    "Tartu linn uuendas {et_day} oma liikluskava: kesklinnas kaob {n} parkimiskohta ja {few} bussiliini saavad uue peatuse."
                );
                (t.clone(), em(&t), Top)
            },
            // A Persian story about figures being updated.
            {
                let t = fa_digits(&format!(
                    "وزارت بهداشت روز {fa_day} آمار قربانیان را به‌روز کرد و شمار جان‌باختگان را {n} نفر اعلام کرد."
                ));
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "משרד התחבורה עדכן ביום {he_day} את לוח הזמנים של הרכבת, ו־{n} רכבות יקדימו את יציאתן בכ־{few} דקות."
                );
                (t.clone(), p(&t), Anywhere)
            },
        ];
        let (text, html, place) = self.sentence_of_half(forms);
        Mention { text, html, place }
    }
}
