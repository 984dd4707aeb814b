//! The sixth pass: author bios and update notes, forms 52–63 of each, their
//! own article sentences that mention a writer, an author, an update or a
//! correction, and, new in this pass, each entry's byline metadata: the
//! author names a feed gives for the entry, as feed-rs hands them on
//! (RSS `<author>` and `<dc:creator>` go through its name/email split, so
//! `kbrennan@paper.example (Kate Brennan)` becomes `(Kate Brennan)` and a
//! bare address names no one; Atom and JSON Feed names come as printed).
//!
//! Written blind, from how publishing systems and outlets print these
//! things, by someone who had not read the cleaner's rules, their tests or
//! their benchmark notes. Every entry has one or two writers; its bylines
//! follow the conventions of the site family its bio form models
//! (WordPress themes, US news CMSs, European dailies), and the bio may name
//! the writer more fully or more briefly than the byline does (a middle
//! initial, a nickname, "Dr.", diacritics the metadata drops). A quarter of
//! the entries have no bio at all but still carry bylines. Some mention
//! sentences name the entry's own writer, as articles do when the reporter
//! is part of the story or a column speaks of its writer. Even forms are
//! the dev half, odd forms the held-out half; the mention sentences are
//! split the same way (by their index). Part of `clean_corpus.rs`
//! (included from it).

use super::{Gen, Placed, esc};

/// A writer, with the forms of the name that bylines and bios print.
#[derive(Debug, Clone, Copy)]
pub(super) struct Person {
    first: &'static str,
    /// What the writer goes by ("Kate" for Katherine), if anything else.
    nick: Option<&'static str>,
    middle: Option<&'static str>,
    last: &'static str,
    /// The name without diacritics or curly apostrophes, as some CMS
    /// metadata stores it.
    plain: Option<(&'static str, &'static str)>,
    she: bool,
    /// The CMS login, which WordPress shows when no display name was set.
    login: &'static str,
}

// One writer a line: the table reads better than rustfmt's nine lines each.
#[rustfmt::skip]
const PEOPLE: &[Person] = &[
    Person { first: "Katherine", nick: Some("Kate"), middle: Some("L."), last: "Brennan-Ortiz", plain: None, she: true, login: "kbrennan" },
    Person { first: "Robert", nick: Some("Bob"), middle: Some("J."), last: "Lindqvist", plain: None, she: false, login: "rlindqvist" },
    Person { first: "José", nick: None, middle: Some("Luis"), last: "Álvarez", plain: Some(("Jose", "Alvarez")), she: false, login: "jalvarez" },
    Person { first: "Siobhán", nick: None, middle: None, last: "Ní Bhriain", plain: Some(("Siobhan", "Ni Bhriain")), she: true, login: "sbhriain" },
    Person { first: "Mohammed", nick: Some("Mo"), middle: None, last: "Al-Rashid", plain: None, she: false, login: "malrashid" },
    Person { first: "Anne-Marie", nick: None, middle: Some("C."), last: "Duval", plain: None, she: true, login: "amduval" },
    Person { first: "Wojciech", nick: None, middle: None, last: "Kowalczyk", plain: None, she: false, login: "wkowalczyk" },
    Person { first: "Ingrid", nick: None, middle: Some("M."), last: "Solberg", plain: None, she: true, login: "isolberg" },
    Person { first: "Thi Lan", nick: None, middle: None, last: "Nguyen", plain: None, she: true, login: "tlnguyen" },
    Person { first: "Elizabeth", nick: Some("Liz"), middle: Some("A."), last: "Whitaker", plain: None, she: true, login: "lwhitaker" },
    Person { first: "Giovanni", nick: Some("Gianni"), middle: None, last: "De Luca", plain: None, she: false, login: "gdeluca" },
    Person { first: "Jürgen", nick: None, middle: None, last: "Maier", plain: Some(("Juergen", "Maier")), she: false, login: "jmaier" },
    Person { first: "Patricia", nick: Some("Trish"), middle: None, last: "O’Hara", plain: Some(("Patricia", "O'Hara")), she: true, login: "pohara" },
    Person { first: "Daniel", nick: Some("Dan"), middle: Some("R."), last: "Okonkwo", plain: None, she: false, login: "dokonkwo" },
    Person { first: "Marta", nick: None, middle: None, last: "Wiśniewska", plain: Some(("Marta", "Wisniewska")), she: true, login: "mwisniewska" },
    Person { first: "Henrik", nick: None, middle: Some("B."), last: "Dahl", plain: None, she: false, login: "hdahl" },
];

/// Which form of a writer's name a byline or a bio prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameForm {
    Full,
    Middle,
    Nick,
    Doctor,
    Plain,
}

impl Person {
    /// The name in `form`; a person without that form gets the full name.
    fn named(&self, form: NameForm) -> String {
        let (first, last) = (self.first, self.last);
        match (form, self.middle, self.nick, self.plain) {
            (NameForm::Middle, Some(m), ..) => format!("{first} {m} {last}"),
            (NameForm::Nick, _, Some(n), _) => format!("{n} {last}"),
            (NameForm::Doctor, ..) => format!("Dr. {first} {last}"),
            (NameForm::Plain, .., Some((f, l))) => format!("{f} {l}"),
            _ => format!("{first} {last}"),
        }
    }

    /// What colleagues call the writer.
    fn called(&self) -> &'static str {
        self.nick.unwrap_or(self.first)
    }
}

/// The language a sixth-pass site writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    De,
    Fr,
    Es,
    Pl,
    Da,
}

/// The kind of site a bio form models, which decides how its feed prints
/// bylines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// WordPress themes and plugins: `<dc:creator>` is the display name,
    /// or the login when none was set; Co-Authors Plus gives one element a
    /// writer.
    WordPress,
    /// US newspaper and nonprofit CMSs (Arc, BLOX, Drupal): "By" prefixes,
    /// titles after a comma, capitals, RSS `<author>` with an address,
    /// wire and desk names.
    UsNews,
    /// European dailies: often no author at all, agency names, the writer
    /// with the agency.
    European,
}

/// How a feed prints an entry's writers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Convention {
    Plain,
    By,
    WithTitle,
    Upper,
    Email,
    Login,
    TwoInOne,
    TwoItems,
    Desk,
    None,
}

/// Bylines per 100 entries, by site family: what real feeds of that kind
/// print, as the writer of this pass saw them.
fn conventions(family: Family) -> &'static [(Convention, u32)] {
    use Convention::*;
    match family {
        Family::WordPress => &[
            (Plain, 50),
            (Login, 20),
            (TwoItems, 8),
            (TwoInOne, 2),
            (WithTitle, 5),
            (Desk, 5),
            (None, 10),
        ],
        Family::UsNews => &[
            (Plain, 28),
            (By, 14),
            (WithTitle, 12),
            (Upper, 6),
            (Email, 8),
            (TwoInOne, 7),
            (TwoItems, 5),
            (Desk, 10),
            (None, 10),
        ],
        Family::European => &[
            (Plain, 38),
            (By, 4),
            (WithTitle, 4),
            (Upper, 4),
            (TwoInOne, 6),
            (TwoItems, 2),
            (Desk, 14),
            (None, 28),
        ],
    }
}

/// The site family and language of each bio form, 52–63.
const BIO_SITES: [(Family, Lang); 12] = [
    (Family::WordPress, Lang::En),
    (Family::UsNews, Lang::En),
    (Family::European, Lang::De),
    (Family::European, Lang::Es),
    (Family::UsNews, Lang::En),
    (Family::WordPress, Lang::En),
    (Family::European, Lang::Fr),
    (Family::European, Lang::Pl),
    (Family::UsNews, Lang::En),
    (Family::UsNews, Lang::En),
    (Family::European, Lang::Da),
    (Family::UsNews, Lang::En),
];

/// The bio form whose bio names both writers.
const BOTH_WRITERS_FORM: usize = 61;

/// Who wrote an entry of the sixth pass and how its site names them.
#[derive(Debug, Clone)]
pub(super) struct Cast {
    bio_form: usize,
    has_bio: bool,
    writers: Vec<Person>,
    /// The form of the name the site uses in its bylines and its text.
    by_name: NameForm,
    /// The form of the name its bio box prints.
    bio_name: NameForm,
    lang: Lang,
}

impl Cast {
    fn writer(&self) -> Person {
        self.writers[0]
    }

    /// The writer as the article's own text names them: the site's usual
    /// form, but with the diacritics its metadata may drop, and without
    /// the "Dr." a byline may add.
    fn writer_name(&self) -> String {
        let form = match self.by_name {
            NameForm::Plain | NameForm::Doctor => NameForm::Full,
            other => other,
        };
        self.writer().named(form)
    }
}

/// Where an update note goes in its entry.
pub(super) enum NotePlace {
    Top,
    Between,
    End,
    AfterBio,
}

const PAPERS: &[&str] = &[
    "Lakeshore Gazette",
    "Piedmont Journal",
    "Salt Flats Tribune",
    "Cascade Courier",
];
const NEWSROOMS: &[&str] = &[
    "the Prairie Ledger",
    "the Gulf Coast Observer",
    "High Country Report",
];
const PLACES: &[&str] = &["Dayton", "Yakima", "Joplin", "Lowell", "Macon", "Bemidji"];

impl Gen {
    pub(super) fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u32 = xs.iter().map(|(_, w)| w).sum();
        let mut at = self.rng.u32(..total);
        for &(x, w) in xs {
            if at < w {
                return x;
            }
            at -= w;
        }
        xs[xs.len() - 1].0
    }

    fn person(&mut self) -> Person {
        PEOPLE[self.rng.usize(..PEOPLE.len())]
    }

    /// Draws the entry's writers, its bio form and its bylines; keeps the
    /// cast for the entry's bio and mention sentences.
    pub(super) fn blind6_cast(&mut self) -> Vec<String> {
        let bio_form = self.form_in(super::BLIND6_FORMS);
        let (family, lang) = BIO_SITES[bio_form - super::BLIND6_FORMS.start];
        let has_bio = self.rng.u8(..4) != 0;
        let convention = self.weighted(conventions(family));
        let mut writers = vec![self.person()];
        let two = matches!(convention, Convention::TwoInOne | Convention::TwoItems);
        if two || bio_form == BOTH_WRITERS_FORM {
            let second = loop {
                let p = self.person();
                if p.last != writers[0].last {
                    break p;
                }
            };
            writers.push(second);
        }
        use NameForm::*;
        let by_name = self.weighted(&[
            (Full, 62),
            (Nick, 12),
            (Middle, 10),
            (Plain, 12),
            (Doctor, 4),
        ]);
        // Continental feeds do not print a doctor's title in the byline.
        let by_name = if by_name == Doctor && lang != Lang::En {
            Full
        } else {
            by_name
        };
        let bio_name = self.weighted(&[
            (Full, 55),
            (Middle, 20),
            (Nick, 10),
            (Doctor, 10),
            (Plain, 5),
        ]);
        let cast = Cast {
            bio_form,
            has_bio,
            writers,
            by_name,
            bio_name,
            lang,
        };
        let bylines = self.bylines(&cast, convention);
        self.cast = Some(cast);
        bylines
    }

    /// The author names the feed gives, as feed-rs hands them on.
    fn bylines(&mut self, cast: &Cast, convention: Convention) -> Vec<String> {
        let w = cast.writer();
        let name = w.named(cast.by_name);
        let lang = cast.lang;
        let by = match lang {
            Lang::En => "By",
            Lang::De => "Von",
            Lang::Fr => "Par",
            Lang::Es => "Por",
            Lang::Pl => "Autor:",
            Lang::Da => "Af",
        };
        let and = match lang {
            Lang::En => "and",
            Lang::De => "und",
            Lang::Fr => "et",
            Lang::Es => "y",
            Lang::Pl => "i",
            Lang::Da => "og",
        };
        let agencies: &[&str] = match lang {
            Lang::En => &["Associated Press", "Reuters", "The Canadian Press"],
            Lang::De => &["dpa", "AFP", "epd"],
            Lang::Fr => &["AFP", "Reuters"],
            Lang::Es => &["EFE", "Europa Press"],
            Lang::Pl => &["PAP"],
            Lang::Da => &["Ritzau"],
        };
        let agency = self.pick(agencies);
        let line = match convention {
            Convention::None => return Vec::new(),
            Convention::Plain => name,
            Convention::By => format!("{by} {name}"),
            Convention::WithTitle if lang == Lang::En => {
                let paper = self.pick(PAPERS);
                let title = self.pick(&[
                    "Staff Writer",
                    "Staff Reporter",
                    "Correspondent",
                    "Contributing Writer",
                ]);
                match self.rng.u8(..3) {
                    0 => format!("{name} | {paper}"),
                    _ => format!("{name}, {title}"),
                }
            }
            // Continental feeds add the agency the piece drew on.
            Convention::WithTitle => {
                if self.rng.bool() {
                    format!("{name}, {agency}")
                } else {
                    format!("{name} ({agency})")
                }
            }
            Convention::Upper => {
                if self.rng.bool() && lang == Lang::En {
                    format!("BY {}", name.to_uppercase())
                } else {
                    name.to_uppercase()
                }
            }
            // RSS 2.0 `<author>` is an address, the name in brackets;
            // feed-rs keeps the brackets, and a bare address names no one.
            Convention::Email => match self.rng.u8(..5) {
                0 => return Vec::new(),
                _ => format!("({name})"),
            },
            Convention::Login => match self.rng.u8(..20) {
                0..12 => w.login.to_string(),
                12..17 => w.called().to_string(),
                _ => "admin".to_string(),
            },
            Convention::TwoInOne => {
                let other = cast.writers[1].named(NameForm::Full);
                match self.rng.u8(..20) {
                    0..12 => format!("{name} {and} {other}"),
                    12..17 => format!("{name}, {other}"),
                    _ => format!("{by} {name} {and} {other}"),
                }
            }
            Convention::TwoItems => {
                return vec![name, cast.writers[1].named(NameForm::Full)];
            }
            Convention::Desk => match (lang, self.rng.u8(..3)) {
                (Lang::En, 0) => self
                    .pick(&["Staff Reports", "Gazette Staff", "Editorial Team"])
                    .to_string(),
                (Lang::De, 0) => "Redaktion".to_string(),
                (Lang::Fr, 0) => "La rédaction".to_string(),
                (Lang::Es, 0) => "Redacción".to_string(),
                (Lang::Pl, 0) => "Redakcja".to_string(),
                (Lang::Da, 0) => "Redaktionen".to_string(),
                _ => agency.to_string(),
            },
        };
        vec![line]
    }

    /// The entry's bio boxes: none, one, or one a writer where the site
    /// prints a box for each of two writers.
    pub(super) fn blind6_bios(&mut self) -> Vec<(String, Placed)> {
        let Some(cast) = self.cast.clone() else {
            return Vec::new();
        };
        if !cast.has_bio {
            return Vec::new();
        }
        let mut bios = vec![self.blind6_bio(&cast, 0)];
        let boxes_each = matches!(cast.bio_form, 52 | 56 | 60);
        if cast.writers.len() == 2 && boxes_each && self.rng.bool() {
            bios.push(self.blind6_bio(&cast, 1));
        }
        bios.into_iter()
            .map(|(html, probe)| (html, Placed::new("bio", cast.bio_form, probe)))
            .collect()
    }

    /// Bio markup of sixth-pass form `cast.bio_form` for writer `which`
    /// of the cast, and its probe.
    fn blind6_bio(&mut self, cast: &Cast, which: usize) -> (String, String) {
        let w = cast.writers[which];
        // Only some of these sites would print a doctor's title.
        let form = if cast.bio_name == NameForm::Doctor && !matches!(cast.bio_form, 52 | 53 | 55) {
            NameForm::Full
        } else {
            cast.bio_name
        };
        let name = w.named(form);
        let slug = format!("{}-{}", w.first, w.last)
            .to_lowercase()
            .replace([' ', '’', '\''], "-");
        let mail = w.login;
        let she = w.she;
        let (he, his) = if she { ("She", "her") } else { ("He", "his") };
        let year = self.rng.u32(1998..2022);
        let n = self.rng.u32(3..30);
        let place = self.pick(PLACES);
        match cast.bio_form {
            // Genesis (WordPress theme framework): the author box, with a
            // Gravatar and "About <name>" above the profile's description.
            52 => {
                let what = self.pick(&[
                    "a garden designer and writer",
                    "a retired science teacher who writes about birds",
                    "a home cook and recipe developer",
                    "a cyclist and trail volunteer",
                ]);
                let text = format!(
                    "{name} is {what} in {place}. {he} has answered readers' questions here every Friday for {n} years."
                );
                (
                    format!(
                        "<section class=\"author-box\" itemprop=\"author\" itemscope itemtype=\"https://schema.org/Person\"><img alt=\"\" src=\"https://secure.gravatar.com/avatar/{slug}?s=70&amp;d=mm&amp;r=g\" class=\"avatar avatar-70 photo\" height=\"70\" width=\"70\"><h4 class=\"author-box-title\">About <span itemprop=\"name\">{}</span></h4><div class=\"author-box-content\" itemprop=\"description\"><p>{}</p></div></section>",
                        esc(&w.named(cast.by_name)),
                        esc(&text)
                    ),
                    text,
                )
            }
            // 53: held out.
            53 => {
                let handle = format!("@{}", w.login);
                let text = format!("{name}: {mail}@healthnews.example, {handle}");
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // A German daily: "Die Autorin" / "Der Autor" as a small
            // heading above year of birth, desk and posting, in a box.
            54 => {
                let ressort = self.pick(&["Wirtschaft", "Politik", "Wissenschaft", "Kultur"]);
                let city = self.pick(&["Brüssel", "Warschau", "Kopenhagen", "Madrid"]);
                let (head, job) = if she {
                    ("Die Autorin", "Redakteurin")
                } else {
                    ("Der Autor", "Redakteur")
                };
                let text = format!(
                    "{name}, Jahrgang {}, ist {job} im Ressort {ressort} und berichtet seit {year} aus {city}.",
                    year - 30
                );
                (
                    format!(
                        "<div class=\"infobox infobox--autor\"><h3>{head}</h3><p>{}</p></div>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // 55: held out.
            55 => {
                let (prof, inst) = (
                    if she { "politóloga" } else { "politólogo" },
                    self.pick(&["la Universidad de Buenos Aires", "el CONICET", "la UNAM"]),
                );
                let text = format!(
                    "(*) {name} es {prof} e investigador{} de {inst}.",
                    if she { "a" } else { "" }
                );
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // Stateline (States Newsroom): the reporter's address line,
            // sometimes followed by the network's own description.
            56 => {
                let text = format!(
                    "Stateline reporter {name} can be reached at {mail}@stateline.example."
                );
                // The network's description comes once, after the last box.
                let last_box = which + 1 == cast.writers.len();
                let network = if self.rng.bool() && last_box {
                    "\n<p><em>Stateline is part of States Newsroom, a nonprofit news network supported by grants and a coalition of donors as a 501c(3) public charity.</em></p>"
                } else {
                    ""
                };
                (format!("<p>{}</p>{network}", esc(&text)), text)
            }
            // 57: held out.
            57 => {
                let text = format!(
                    "Hi, I’m {}! I write about budget travel and the odd bit of code from a flat in {place}. When I’m not here, I’m probably on a night train.",
                    w.called()
                );
                (
                    format!(
                        "<hr class=\"wp-block-separator\">\n<h3 class=\"wp-block-heading\">About me</h3>\n<p>{}</p>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // A French daily's opinion page (tribune): post, university
            // and latest book, in italics at the foot.
            58 => {
                let post = self.pick(if she {
                    &[
                        "maîtresse de conférences en sociologie",
                        "professeure de droit public",
                        "chercheuse au CNRS",
                    ]
                } else {
                    &[
                        "maître de conférences en sociologie",
                        "professeur de droit public",
                        "chercheur au CNRS",
                    ]
                });
                let uni = self.pick(&[
                    "l’université de Lille",
                    "Sciences Po Lyon",
                    "l’université de Rennes",
                ]);
                let livre = self.pick(&[
                    "La Ville sans voitures",
                    "Les Oubliés du rail",
                    "Une République des maires",
                ]);
                let text = format!(
                    "{name} est {post} à {uni}. {} de « {livre} » (Seuil, {}).",
                    if she {
                        "Elle est l’autrice"
                    } else {
                        "Il est l’auteur"
                    },
                    year + 2
                );
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // 59: held out.
            59 => {
                let kim = if she {
                    "dziennikarka i reporterka"
                } else {
                    "dziennikarz i reporter"
                };
                let text = format!(
                    "{name} – {kim}, od {year} r. związan{} z działem krajowym. Autor{} książki „Miasto po powodzi”.",
                    if she { "a" } else { "y" },
                    if she { "ka" } else { "" }
                );
                (format!("<p><strong>{}</strong></p>", esc(&text)), text)
            }
            // A nonprofit newsroom on Drupal: the staff profile's bio
            // field, portrait first.
            60 => {
                let room = self.pick(NEWSROOMS);
                let text = format!(
                    "{name} is an investigative reporter at {room}. {he} has covered prisons and policing since {year}, and {his} reporting on heat in county jails won a regional Edward R. Murrow Award."
                );
                (
                    format!(
                        "<div class=\"field field--name-field-bio field--type-text-long field--label-hidden\"><div class=\"media media--type-image\"><img src=\"https://newsroom.example/sites/default/files/styles/thumbnail/public/staff/{slug}.jpg\" alt=\"Portrait of {}\"></div><p>{}</p></div>",
                        esc(&name),
                        esc(&text)
                    ),
                    text,
                )
            }
            // 61: held out.
            61 => {
                let other = cast.writers[1 - which].named(NameForm::Full);
                let text = format!(
                    "{name} and {other} are reporters on the {} investigations team. Reach them at tips@investigations.example.",
                    self.pick(PAPERS)
                );
                (format!("<footer><p>{}</p></footer>", esc(&text)), text)
            }
            // Danish op-ed (kronik): the writer's post after the name in
            // bold.
            62 => {
                let post = self.pick(&[
                    "ph.d. i statskundskab og lektor ved Aarhus Universitet",
                    "cand.mag. i historie og freelancejournalist",
                    "tidligere borgmester og formand for Kommunernes Landsforening",
                ]);
                let text = format!("{name} er {post}.");
                (
                    format!("<p><strong>{}</strong> er {}.</p>", esc(&name), esc(post)),
                    text,
                )
            }
            // 63: held out.
            _ => {
                let paper = self.pick(PAPERS);
                let text = format!(
                    "{name} has been the {paper}'s statehouse reporter since {year}. {he} grew up in {place}."
                );
                (
                    format!(
                        "<blockquote class=\"tagline\"><p>{}</p></blockquote>\n<p><strong>Have a tip?</strong> Text our newsroom at 555-01{n:02}.</p>",
                        esc(&text)
                    ),
                    text,
                )
            }
        }
    }

    /// The entry's update note, where its site prints it, and its bio
    /// boxes in the last slot.
    pub(super) fn blind6_notes_and_bios(&mut self, slots: &mut [Vec<(String, Placed)>]) {
        let form = self.form_in(super::BLIND6_FORMS);
        let (html, probe, place) = self.blind6_update(form);
        let note = (html, Placed::new("update", form, probe));
        let after_bio = self.place_note(slots, note, place);
        let bios = self.blind6_bios();
        let end = slots.len() - 1;
        slots[end].extend(bios);
        slots[end].extend(after_bio);
    }

    /// Puts `note` in its slot, or hands it back when it goes after the
    /// bio boxes, which are drawn after it.
    pub(super) fn place_note(
        &mut self,
        slots: &mut [Vec<(String, Placed)>],
        note: (String, Placed),
        place: NotePlace,
    ) -> Option<(String, Placed)> {
        let end = slots.len() - 1;
        match place {
            NotePlace::Top => slots[0].push(note),
            NotePlace::Between => {
                let at = self.between(end);
                slots[at].push(note);
            }
            NotePlace::End => slots[end].push(note),
            NotePlace::AfterBio => return Some(note),
        }
        None
    }

    /// Update-note markup of sixth-pass form `form` (52–63), its probe
    /// and where the site prints it.
    pub(super) fn blind6_update(&mut self, form: usize) -> (String, String, NotePlace) {
        let hour = self.rng.u32(8..20);
        let minute = self.rng.u32(10..60);
        let n = self.rng.u32(12..90);
        let end_or_after_bio = |g: &mut Gen| {
            if g.rng.u8(..4) == 0 {
                NotePlace::AfterBio
            } else {
                NotePlace::End
            }
        };
        match form {
            // WordPress: a Gutenberg group block with a background colour
            // at the top of a how-to post; the probe is what changed.
            52 => {
                let day = self.pick(&["March 4", "May 19", "Oct. 2"]);
                let text = format!(
                    "Since this post went up, the maker has released firmware {}.{n}, which fixes the pairing bug; the steps below still work if you haven’t installed it.",
                    hour % 5 + 2
                );
                (
                    format!(
                        "<div class=\"wp-block-group has-pale-cyan-blue-background-color has-background\"><p><strong>Update, {day}:</strong> {}</p></div>",
                        esc(&text)
                    ),
                    text,
                    NotePlace::Top,
                )
            }
            // 53: held out.
            53 => {
                let text = format!(
                    "Clarification: This story has been updated to make clear that the {n} layoffs were announced by the parent company, not the hospital."
                );
                let place = end_or_after_bio(self);
                (format!("<hr>\n<p>{}</p>", esc(&text)), text, place)
            }
            // An Italian daily: the time of the update and what it added,
            // in italics, without a full stop.
            54 => {
                let cosa = self.pick(&[
                    "la replica del sindaco",
                    "le dichiarazioni della Procura",
                    "il bilancio aggiornato dei feriti",
                ]);
                let text = format!("Articolo aggiornato alle {hour}:{minute} con {cosa}");
                let place = if self.rng.bool() {
                    NotePlace::Top
                } else {
                    end_or_after_bio(self)
                };
                (format!("<p><em>{}</em></p>", esc(&text)), text, place)
            }
            // 55: held out.
            55 => {
                let text = format!(
                    "Sprostowanie: w pierwotnej wersji tekstu podaliśmy, że radni przyjęli uchwałę {n} głosami. W rzeczywistości za głosowało {} radnych. Za błąd przepraszamy.",
                    n - 3
                );
                (
                    format!("<p><em>{}</em></p>", esc(&text)),
                    text,
                    end_or_after_bio(self),
                )
            }
            // A clarification box with its own heading, between the
            // paragraphs it concerns.
            56 => {
                let text = format!(
                    "This story has been clarified to note that the ${n} million grant was awarded by the state, not by the county."
                );
                (
                    format!(
                        "<aside class=\"correction\"><h4>Clarification</h4><p>{}</p></aside>",
                        esc(&text)
                    ),
                    text,
                    NotePlace::Between,
                )
            }
            // 57: held out.
            57 => {
                let text = format!(
                    "Nota de la redacción: este artículo fue actualizado a las {hour}.{minute} horas para incluir la respuesta del Ministerio de Sanidad."
                );
                (
                    format!("<p><strong><em>{}</em></strong></p>", esc(&text)),
                    text,
                    NotePlace::Top,
                )
            }
            // A French daily: "Rectificatif" in bold (with the French
            // non-breaking space before the colon), the correction in
            // italics.
            58 => {
                let text = format!(
                    "dans une précédente version de cet article, nous indiquions que le conseil municipal comptait {n} élus. Il en compte {}. Nos excuses à nos lecteurs.",
                    n + 4
                );
                (
                    format!(
                        "<p><strong>Rectificatif\u{a0}:</strong> <em>{}</em></p>",
                        esc(&text)
                    ),
                    text,
                    end_or_after_bio(self),
                )
            }
            // 59: held out.
            59 => {
                let text = format!(
                    "Hinweis: In einer früheren Fassung dieses Textes hieß es, die Sanierung koste {n} Millionen Euro. Richtig sind {} Millionen Euro. Wir haben den Fehler korrigiert.",
                    n + 6
                );
                (
                    format!("<div class=\"hinweis\"><p>{}</p></div>", esc(&text)),
                    text,
                    NotePlace::Between,
                )
            }
            // Norwegian breaking news (VG, NRK): one bold line saying the
            // story will be updated, at the top or the foot.
            60 => {
                let text = self
                    .pick(&["Saken oppdateres.", "Denne saken oppdateres."])
                    .to_string();
                let place = if self.rng.bool() {
                    NotePlace::Top
                } else {
                    NotePlace::End
                };
                (
                    format!("<p><strong>{}</strong></p>", esc(&text)),
                    text,
                    place,
                )
            }
            // 61: held out.
            61 => {
                let text = "This is a developing story. Check back for updates.".to_string();
                (
                    format!("<p><i>{}</i></p>", esc(&text)),
                    text,
                    NotePlace::Top,
                )
            }
            // AP: an EDITOR'S NOTE paragraph in capitals, with an em
            // dash, before the story.
            62 => {
                let text = self
                    .pick(&[
                        "EDITOR’S NOTE — This story includes discussion of suicide. If you or someone you know needs help, the national suicide and crisis lifeline in the U.S. is available by calling or texting 988.",
                        "EDITOR’S NOTE — This story is part of an occasional series on how climate change is reshaping life in small towns.",
                        "EDITOR’S NOTE — Associated Press journalists spent three months reporting this story, interviewing dozens of current and former workers.",
                    ])
                    .to_string();
                (format!("<p>{}</p>", esc(&text)), text, NotePlace::Top)
            }
            // 63: held out.
            _ => {
                let text =
                    format!("Juttua päivitetty kello {hour}.{minute}: lisätty poliisin tiedote.");
                (
                    format!("<p><em>{}</em></p>", esc(&text)),
                    text,
                    NotePlace::Top,
                )
            }
        }
    }

    /// A sixth-pass article sentence that mentions a writer, an author, an
    /// update or a correction, some naming the entry's own writer as the
    /// story does: even indexes for the dev half, odd for held out.
    pub(super) fn blind6_mention(&mut self) -> String {
        let cast = self.cast.clone();
        let writer = cast.as_ref().map(Cast::writer_name).unwrap_or_default();
        let last = cast.as_ref().map(|c| c.writer().last).unwrap_or_default();
        let other = self.name();
        let paper = self.pick(PAPERS);
        let place = self.pick(PLACES);
        let weekday = self.rng.usize(..5);
        let day = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"][weekday];
        let tag = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"][weekday];
        let dia = ["lunes", "martes", "miércoles", "jueves", "viernes"][weekday];
        let called = cast
            .as_ref()
            .map(|c| c.writer().called())
            .unwrap_or_default();
        let n = self.rng.u32(3..90);
        let year = self.rng.u32(2009..2022);
        let forms = [
            format!(
                "{writer}, who was covering the march for the {paper}, was pushed to the ground by an officer near the {place} courthouse on {day} and treated for a cut to the head."
            ),
            format!(
                "The sheriff declined to say why {writer}, a reporter for this newspaper, had been kept out of the {place} hearing on {day}."
            ),
            format!(
                "\"We are not going to comment on rumours,\" the county's spokesman told the {paper}'s {writer} on {day}, before hanging up."
            ),
            format!(
                "{other}, whose memoir about growing up in {place} was published in {year}, said she had not spoken to her brother in {n} years."
            ),
            format!(
                "The revised figures, published on {day}, show {n} more deaths than the ministry first reported."
            ),
            format!(
                "Corrected ballots were mailed to {n} voters in {place} on {day} after a printing error left off one candidate."
            ),
            format!(
                "The author of the audit, {other}, told lawmakers on {day} that {n} contracts had been signed without a tender."
            ),
            format!(
                "When {writer} asked the superintendent on {day} how many teachers had left since {year}, he said he would have to check; the district's own records show {n}."
            ),
            format!(
                "Readers still stop me in the aisles of the {place} market to ask whether I am the same {last} who wrote about the school closures {} years ago; I am.",
                n % 20 + 2
            ),
            format!(
                "\"{called}, you of all people should know better,\" the councilman told me after {day}'s meeting, and he was right: I have covered {place}'s budgets for {n} years."
            ),
            format!(
                "Auf Nachfrage von {writer} sagte eine Sprecherin der Stadt am {tag}, man prüfe die Zahlen noch; betroffen seien {n} Haushalte."
            ),
            format!(
                "Il giornalista {other} ha raccontato di aver ricevuto {n} minacce dopo l'inchiesta sul porto di {place}."
            ),
            format!(
                "La corrección llegó el {dia}: el ayuntamiento admitió que eran {n} viviendas y no las 300 anunciadas."
            ),
            format!(
                "Editors of the {place} yearbook updated the list of graduates on {day}, adding {n} names that had been left out."
            ),
            format!(
                "{other}, whose biography of the senator comes out next spring, said she had interviewed {n} of his former aides."
            ),
            format!(
                "In a column published on {day}, {writer} argued that the {place} council had broken its own rules {n} times since {year}."
            ),
            format!(
                "Interrogé par {writer} le {n} mars, le maire a reconnu que le chantier avait pris plusieurs mois de retard."
            ),
            format!(
                "W rozmowie z {other} burmistrz przyznał, że aktualizacja planu miejscowego potrwa jeszcze {n} miesięcy."
            ),
            format!(
                "Since the last update to the flood map in {year}, {n} homes have been built in {place} in areas now considered high risk."
            ),
            format!(
                "{writer} and a photographer spent {n} days with the crew in {place}, sleeping in the truck between shifts."
            ),
        ];
        self.sentence_of_half(forms)
    }
}
