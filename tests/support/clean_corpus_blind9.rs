//! The ninth pass: author bios and update notes, forms 88–99 of each, with
//! the feed's bylines drawn by the seventh pass's machinery (a site family
//! and a language per bio form, its byline conventions and proportions),
//! and its own article text that a cleaner could mistake for a bio or a
//! note.
//!
//! Written blind, from how publishers print these things, by someone who
//! had not read the cleaner's rules, their tests or their benchmark notes.
//! This pass goes to outlets and systems the earlier ones did not visit:
//! African, Indian, Australian and Asian papers, trade and nonprofit
//! press, and languages new to the corpus (the dev half's bios and notes:
//! Hindi in Devanagari, Korean, Tagalog, Japanese and Vietnamese, beside
//! English as Kenyan, Australian and American sites write it; the
//! held-out half's are left to its forms). Its bios name their writer as the byline does,
//! by an honorific and the surname, by a shorter name, or not at all; some
//! carry a contact line, a disclaimer or a heading; a few speak of two
//! writers. Its notes say what changed and when, in each site's words and
//! type, at the top, between paragraphs or at the foot. Its article
//! sentences mention the entry's own writer, a photo, a correction or an
//! update, some set apart by their type (a standfirst, a bold subhead or
//! lead-in, a pull quote, an italic closing line). Even forms are the dev
//! half, odd forms the held-out half; the article sentences are split the
//! same way (by their index). Every text varies from entry to entry (a
//! time, a figure, a name, a place): a feed of this corpus mixes sites, so
//! a sentence repeated verbatim across its entries would be removed as a
//! repeat instead of being measured as what it is. Part of
//! `clean_corpus.rs` (included from it).

use super::blind6::NotePlace;
use super::blind7::{Cast, DAYS, Family, Lang, Mention, MentionPlace, PAPERS, PLACES, Writer};
use super::{Gen, esc};

// One writer a line: the table reads better than rustfmt's seven lines each.
// Kenyan papers' writers; a bio names them by an honorific and the surname.
#[rustfmt::skip]
pub(super) const WRITERS_EN_KE: &[Writer] = &[
    Writer { name: "Wanjiru Kamau", meta: "Wanjiru Kamau", english: "Wanjiru Kamau", she: true, login: "wkamau" },
    Writer { name: "Brian Otieno Ouma", meta: "Brian Ouma", english: "Brian Otieno Ouma", she: false, login: "bouma" },
    Writer { name: "Achieng' Odhiambo", meta: "Achieng Odhiambo", english: "Achieng' Odhiambo", she: true, login: "aodhiambo" },
    Writer { name: "Kipchumba Rotich", meta: "Kipchumba Rotich", english: "Kipchumba Rotich", she: false, login: "krotich" },
];
#[rustfmt::skip]
pub(super) const WRITERS_EN_IN: &[Writer] = &[
    Writer { name: "Ananya Raghavan", meta: "Ananya Raghavan", english: "Ananya Raghavan", she: true, login: "araghavan" },
    Writer { name: "Siddharth Menon", meta: "Siddharth Menon", english: "Siddharth Menon", she: false, login: "smenon" },
    Writer { name: "Rohan Deshpande", meta: "Rohan Deshpande", english: "Rohan Deshpande", she: false, login: "rdeshpande" },
];
// Australian writers, whose metadata (and the opinion pages' taglines)
// may give the shorter name they write under.
#[rustfmt::skip]
pub(super) const WRITERS_EN_AU: &[Writer] = &[
    Writer { name: "Matthew O'Loughlin", meta: "Matt O'Loughlin", english: "Matthew O'Loughlin", she: false, login: "moloughlin" },
    Writer { name: "Georgina Tran", meta: "Georgie Tran", english: "Georgina Tran", she: true, login: "gtran" },
    Writer { name: "Lachlan Whitfield", meta: "Lachlan Whitfield", english: "Lachlan Whitfield", she: false, login: "lwhitfield" },
];
#[rustfmt::skip]
pub(super) const WRITERS_HI: &[Writer] = &[
    Writer { name: "प्रिया शर्मा", meta: "Priya Sharma", english: "Priya Sharma", she: true, login: "psharma" },
    Writer { name: "राजेश कुमार सिंह", meta: "Rajesh Kumar Singh", english: "Rajesh Kumar Singh", she: false, login: "rksingh" },
    Writer { name: "अनुराग त्रिपाठी", meta: "Anurag Tripathi", english: "Anurag Tripathi", she: false, login: "atripathi" },
    Writer { name: "नेहा वर्मा", meta: "Neha Verma", english: "Neha Verma", she: true, login: "nverma" },
];
#[rustfmt::skip]
pub(super) const WRITERS_SW: &[Writer] = &[
    Writer { name: "Neema Mwakalinga", meta: "Neema Mwakalinga", english: "Neema Mwakalinga", she: true, login: "nmwakalinga" },
    Writer { name: "Juma Said Hamisi", meta: "Juma Hamisi", english: "Juma Said Hamisi", she: false, login: "jhamisi" },
    Writer { name: "Rehema Mushi", meta: "Rehema Mushi", english: "Rehema Mushi", she: true, login: "rmushi" },
];
#[rustfmt::skip]
pub(super) const WRITERS_KO: &[Writer] = &[
    Writer { name: "김지현", meta: "Kim Ji-hyun", english: "Kim Ji-hyun", she: true, login: "jhkim" },
    Writer { name: "박민수", meta: "Park Min-su", english: "Park Min-su", she: false, login: "mspark" },
    Writer { name: "이서연", meta: "Lee Seo-yeon", english: "Lee Seo-yeon", she: true, login: "sylee" },
];
#[rustfmt::skip]
pub(super) const WRITERS_JA: &[Writer] = &[
    Writer { name: "佐藤美咲", meta: "Misaki Sato", english: "Misaki Sato", she: true, login: "msato" },
    Writer { name: "田中健太", meta: "Kenta Tanaka", english: "Kenta Tanaka", she: false, login: "ktanaka" },
    Writer { name: "高橋裕子", meta: "Yuko Takahashi", english: "Yuko Takahashi", she: true, login: "ytakahashi" },
];
// Filipino writers, whose metadata may give the nickname they go by.
#[rustfmt::skip]
pub(super) const WRITERS_TL: &[Writer] = &[
    Writer { name: "Maria Theresa Dizon", meta: "Tess Dizon", english: "Maria Theresa Dizon", she: true, login: "tdizon" },
    Writer { name: "Jose Antonio Villanueva", meta: "Jun Villanueva", english: "Jose Antonio Villanueva", she: false, login: "jvillanueva" },
    Writer { name: "Kristine Joy Manalo", meta: "Kristine Manalo", english: "Kristine Joy Manalo", she: true, login: "kmanalo" },
];
#[rustfmt::skip]
pub(super) const WRITERS_AF: &[Writer] = &[
    Writer { name: "Annelie Botha", meta: "Annelie Botha", english: "Annelie Botha", she: true, login: "abotha" },
    Writer { name: "Pieter du Plessis", meta: "Pieter du Plessis", english: "Pieter du Plessis", she: false, login: "pduplessis" },
    Writer { name: "Marietjie van der Merwe", meta: "Marietjie vd Merwe", english: "Marietjie van der Merwe", she: true, login: "mvandermerwe" },
];

/// Names the article sentences give people in languages whose sites have
/// no writers in this pass.
const VI_NAMES: &[&str] = &["Nguyễn Thị Lan", "Trần Minh Đức", "Lê Hoàng Nam"];
const MS_NAMES: &[&str] = &["Nurul Aina Rahman", "Mohd Faizal Ismail", "Tan Wei Ling"];

/// The site family and language of each bio form, 88–99.
const BIO_SITES: [(Family, Lang); 12] = [
    (Family::Newsroom, Lang::EnKe),
    (Family::Newsroom, Lang::EnIn),
    (Family::Continental, Lang::Hi),
    (Family::Continental, Lang::Sw),
    (Family::Continental, Lang::Ko),
    (Family::Continental, Lang::Ja),
    (Family::Blog, Lang::En),
    (Family::Newsroom, Lang::En),
    (Family::Continental, Lang::Tl),
    (Family::Continental, Lang::Af),
    (Family::Newsroom, Lang::EnAu),
    (Family::Newsroom, Lang::En),
];

/// The bio forms whose sites print a paragraph for each of two writers.
const BOXES_EACH: &[usize] = &[99];

/// How a Japanese profile reads a writer's name, in kana.
fn reading(w: &Writer) -> &'static str {
    match w.login {
        "msato" => "さとう・みさき",
        "ktanaka" => "たなか・けんた",
        _ => "たかはし・ゆうこ",
    }
}

/// A Kenyan paper's way of naming a writer in a bio: "Ms Kamau".
fn honorific(w: &Writer) -> String {
    let surname = w.name.rsplit(' ').next().unwrap_or(w.name);
    format!("{} {surname}", if w.she { "Ms" } else { "Mr" })
}

impl Gen {
    /// Draws the entry's bio form, writers and bylines, as the seventh
    /// pass does, from this pass's sites.
    pub(super) fn blind9_cast(&mut self) -> Vec<String> {
        self.site_cast(super::BLIND9_FORMS, &BIO_SITES)
    }

    /// The entry's update note, where its site prints it, and its bio
    /// boxes in the last slot.
    pub(super) fn blind9_notes_and_bios(&mut self, slots: &mut [Vec<(String, super::Placed)>]) {
        self.notes_and_bios(
            slots,
            super::BLIND9_FORMS,
            Gen::blind9_update,
            Gen::blind9_bio,
            BOXES_EACH,
        );
    }

    /// The entry's first writer as their own site prints the name, if the
    /// site writes in `lang`; otherwise a writer of `lang` (an article in
    /// that language names one of its own).
    fn named_in(&mut self, lang: Lang) -> &'static str {
        match &self.site_cast {
            Some(c) if c.lang == lang => c.writers[0].name,
            _ => {
                let pool = lang.writers();
                pool[self.rng.usize(..pool.len())].name
            }
        }
    }

    /// Bio markup of ninth-pass form `cast.bio_form` for writer `which`
    /// of the cast, and its probe.
    fn blind9_bio(&mut self, cast: &Cast, which: usize) -> (String, String) {
        let w = cast.writers[which];
        let name = w.name;
        let she = w.she;
        let (he, his) = if she { ("She", "her") } else { ("He", "his") };
        let year = self.rng.u32(1996..2022);
        let n = self.rng.u32(3..28);
        let second = cast.writers.get(1).copied();
        match cast.bio_form {
            // A Kenyan daily's opinion page (Nation Media Group): the
            // writer by honorific and surname, in the body's own type,
            // then an address or a handle in the same paragraph.
            88 => {
                let (one, two) = self.pick2(&[
                    (
                        "a senior lecturer in economics at Strathmore University who has advised {n} county governments on their budgets",
                        "lecturers in economics at Strathmore University who have advised {n} county governments on their budgets",
                    ),
                    (
                        "an advocate of the High Court and has practised constitutional law for {n} years",
                        "advocates of the High Court and have practised constitutional law for {n} years between them",
                    ),
                    (
                        "a public policy analyst and was Kisumu’s county executive for finance from {year} to {year2}",
                        "public policy analysts at the Mizani Institute, which has reviewed {n} county budgets since {year}",
                    ),
                ]);
                let fill = |s: &str| {
                    s.replace("{n}", &n.to_string())
                        .replace("{year}", &year.to_string())
                        .replace("{year2}", &(year + 3).to_string())
                };
                let text = match second {
                    Some(b) => {
                        format!("{} and {} are {}.", honorific(&w), honorific(&b), fill(two))
                    }
                    None => format!("{} is {}.", honorific(&w), fill(one)),
                };
                let contact = if self.rng.bool() {
                    format!(
                        "{}@{}.example",
                        w.login,
                        self.pick(&["gmail", "nation", "strathmore"])
                    )
                } else {
                    format!("@{}_ke", w.login)
                };
                (format!("<p>{} {}</p>", esc(&text), esc(&contact)), text)
            }
            // 89: held out.
            89 => {
                let (one, two) = self.pick2(&[
                    (
                        "a fellow at the Centre for Policy Research, New Delhi, and has studied municipal finance since {year}",
                        "fellows at the Centre for Policy Research, New Delhi, who have studied municipal finance since {year}",
                    ),
                    (
                        "a Bengaluru-based journalist who has reported on urban water supply for {n} years",
                        "Bengaluru-based journalists who have reported on urban water supply for {n} years",
                    ),
                    (
                        "an associate professor of economics at Ashoka University and the author of {n} papers on rural credit",
                        "economists at Ashoka University and the authors of {n} papers on rural credit",
                    ),
                ]);
                let fill = |s: &str| {
                    s.replace("{n}", &n.to_string())
                        .replace("{year}", &year.to_string())
                };
                let text = match second {
                    Some(b) => format!("{name} and {} are {}.", b.name, fill(two)),
                    None => format!("{name} is {}.", fill(one)),
                };
                (
                    format!(
                        "<p><em>{} The views expressed are personal.</em></p>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // A Hindi daily's editorial page (Dainik Jagran, Amar Ujala):
            // the writer unnamed, in brackets, in the body's own type;
            // sometimes the disclaimer after it.
            90 => {
                let (lekhak, rahe) = if she {
                    ("लेखिका", "रही")
                } else {
                    ("लेखक", "रहे")
                };
                let text = if second.is_some() {
                    let uni = self.pick(&[
                        "दिल्ली विश्वविद्यालय",
                        "बनारस हिंदू विश्वविद्यालय",
                        "इलाहाबाद विश्वविद्यालय",
                    ]);
                    format!(
                        "लेखक द्वय {uni} में अर्थशास्त्र के प्राध्यापक हैं और {n} वर्षों से ग्रामीण रोजगार पर शोध कर रहे हैं"
                    )
                } else {
                    match self.rng.u8(..3) {
                        0 => format!(
                            "{lekhak} वरिष्ठ पत्रकार हैं और {n} वर्षों से संसद की रिपोर्टिंग कर {rahe} हैं"
                        ),
                        1 => format!(
                            "{lekhak} {year} बैच {} पूर्व आईएएस अधिकारी हैं",
                            if she { "की" } else { "के" }
                        ),
                        _ => {
                            let uni = self.pick(&[
                                "दिल्ली विश्वविद्यालय",
                                "बनारस हिंदू विश्वविद्यालय",
                                "इलाहाबाद विश्वविद्यालय",
                            ]);
                            format!(
                                "{lekhak} {uni} में राजनीति विज्ञान पढ़ा{} हैं और {year} से चुनावों पर लिख {rahe} हैं",
                                if she { "ती" } else { "ते" }
                            )
                        }
                    }
                };
                let disclaimer = if self.rng.bool() {
                    "\n<p><strong>डिस्क्लेमर:</strong> ये लेखक के निजी विचार हैं।</p>"
                } else {
                    ""
                };
                (format!("<p>({})</p>{disclaimer}", esc(&text)), text)
            }
            // 91: held out.
            91 => {
                let (kazi, kazi_wengi) = self.pick2(&[
                    ("mhadhiri wa uchumi", "wahadhiri wa uchumi"),
                    (
                        "mhadhiri wa sayansi ya siasa",
                        "wahadhiri wa sayansi ya siasa",
                    ),
                    ("mhadhiri wa sheria", "wahadhiri wa sheria"),
                ]);
                let chuo = self.pick(&["Dar es Salaam", "Dodoma", "Mzumbe"]);
                let phone = format!(
                    "07{} {:03} {:03}",
                    54 + n % 4,
                    self.rng.u32(..1000),
                    self.rng.u32(..1000)
                );
                let text = if second.is_some() {
                    format!(
                        "Waandishi ni {kazi_wengi} katika Chuo Kikuu cha {chuo}. Wanapatikana kwa simu {phone}."
                    )
                } else {
                    format!(
                        "Mwandishi ni {kazi} katika Chuo Kikuu cha {chuo}. Anapatikana kwa simu {phone}."
                    )
                };
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // A Korean daily (the Hankyoreh, the Kyunghyang Shinmun): the
            // reporter's name, "기자" and the address as the article's
            // last line, in the body's own type, after the regional
            // desk's city when there is one; two reporters share it.
            92 => {
                let domain = self.pick(&["hani.example", "khan.example", "kmib.example"]);
                // A story from a regional desk names its city first.
                let city = match self.rng.usize(..12) {
                    i @ 0..8 => {
                        [
                            "광주", "대구", "부산", "대전", "청주", "춘천", "전주", "창원",
                        ][i]
                            .to_string()
                            + "/"
                    }
                    _ => String::new(),
                };
                let text = match second {
                    Some(b) => format!("{city}{name} {} 기자 {}@{domain}", b.name, w.login),
                    None => format!("{city}{name} 기자 {}@{domain}", w.login),
                };
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // 93: held out.
            93 => {
                let pref = self.pick(&["大阪府", "北海道", "福岡県", "宮城県"]);
                let uni = self.pick(&["早稲田大学", "京都大学", "東北大学"]);
                let desk = self.pick(&["社会部", "経済部", "地方部"]);
                let joined = 1988 + year % 20;
                let text = format!(
                    "{}年{pref}生まれ。{uni}卒業後、{joined}年入社。{desk}、{}支局などを経て、{}年から編集委員。",
                    joined - 23,
                    self.pick(&["神戸", "仙台", "那覇"]),
                    joined + n % 10 + 8,
                );
                (
                    format!(
                        "<h3>筆者プロフィール</h3>\n<p><strong>{}</strong>（{}）</p>\n<p>{}</p>",
                        esc(name),
                        reading(&w),
                        esc(&text)
                    ),
                    text,
                )
            }
            // A trade magazine's contributed column (the B2B press on
            // WordPress): "About the author" in a bold paragraph of its
            // own, then the guest's post, company and years in the trade.
            94 => {
                let (post, (company, trade)) = self.pick2(&[
                    (
                        "vice president of supply chain",
                        ("Corvane Logistics", "freight and warehousing"),
                    ),
                    (
                        "chief information security officer",
                        ("Halberd Systems", "industrial cybersecurity"),
                    ),
                    (
                        "director of clinical operations",
                        ("Tessellate Health", "hospital operations"),
                    ),
                ]);
                let (head, text) = match second {
                    Some(b) => (
                        "About the authors",
                        format!(
                            "{name} is {post} at {company}. {} leads its {trade} practice and has worked in the field since {year}.",
                            b.name
                        ),
                    ),
                    None => (
                        "About the author",
                        format!(
                            "{name} is {post} at {company}. {he} has more than {n} years of experience in {trade}."
                        ),
                    ),
                };
                (
                    format!("<p><strong>{head}</strong></p>\n<p>{}</p>", esc(&text)),
                    text,
                )
            }
            // 95: held out.
            95 => {
                let council = self.pick(&[
                    "Shropshire Council",
                    "North Yorkshire Council",
                    "Cornwall Council",
                    "Fife Council",
                ]);
                // The scheme began in 2018.
                let text = format!(
                    "{name} is a Local Democracy Reporter covering {council}, where {} has reported on {n} budget meetings since {}.",
                    if she { "she" } else { "he" },
                    2018 + year % 6
                );
                (
                    format!(
                        "<p>{}</p>\n<p>The Local Democracy Reporting Service is funded by the BBC and shares stories with local newsrooms.</p>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // A Filipino-language opinion section (Rappler's, Pinoy
            // Weekly's): "Si … ay …" in italics at the foot, the full
            // name where the feed may give the nickname.
            96 => {
                let city = self.pick(&["Lungsod Quezon", "Iloilo", "Cagayan de Oro"]);
                let text = match second {
                    Some(b) => format!(
                        "Sina {name} at {} ay mga mananaliksik sa Unibersidad ng Pilipinas Diliman. Nagsusulat sila tungkol sa pabahay mula pa noong {year}.",
                        b.name
                    ),
                    None => match self.rng.u8(..3) {
                        0 => format!(
                            "Si {name} ay guro ng Araling Panlipunan sa isang pampublikong paaralan sa {city} sa loob ng {n} taon."
                        ),
                        1 => format!(
                            "Si {name} ay dating mamamahayag ng radyo sa {city} at nagsusulat ng kolum mula pa noong {year}."
                        ),
                        _ => format!(
                            "Si {name} ay mananaliksik sa Unibersidad ng Pilipinas Diliman at may-akda ng {n} pag-aaral tungkol sa pagsasaka."
                        ),
                    },
                };
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // 97: held out.
            97 => {
                let (vak, uni) = self.pick2(&[
                    ("politieke wetenskap", "die Universiteit Stellenbosch"),
                    ("ekonomie", "die Universiteit van die Vrystaat"),
                    ("geskiedenis", "die Universiteit van Pretoria"),
                ]);
                let text = if second.is_some() {
                    format!(
                        "Die skrywers is dosente in {vak} aan {uni}. Hulle skryf sedert {year} saam oor plaaslike regering."
                    )
                } else {
                    format!(
                        "Die skrywer is ’n dosent in {vak} aan {uni} en skryf al {n} jaar lank rubrieke oor plaaslike regering."
                    )
                };
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // An Australian metro daily's opinion page (Nine: the Herald,
            // The Age): one italic line at the foot, the writer under the
            // shorter name they write under.
            98 => {
                let (one, two) = self.pick2(&[
                    (
                        "a senior fellow at the Grattan Institute and a former Treasury economist",
                        "researchers at the Grattan Institute",
                    ),
                    (
                        "an associate professor of public health at Monash University",
                        "public health researchers at Monash University",
                    ),
                    (
                        "a former chief of staff to a NSW planning minister",
                        "former advisers to NSW planning ministers",
                    ),
                ]);
                let text = match second {
                    Some(b) => format!(
                        "{} and {} are {two}. Their report on the {year} housing accord is published on {day}.",
                        w.meta,
                        b.meta,
                        day = DAYS[n as usize % DAYS.len()]
                    ),
                    None => format!(
                        "{} is {one}. {he} has written about {his} state’s budgets for {n} years.",
                        w.meta
                    ),
                };
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // 99: held out.
            _ => {
                let (org, topic) = self.pick2(&[
                    (
                        "the Urban Institute’s Housing Finance Policy Center",
                        "mortgage lending",
                    ),
                    (
                        "the Center on Budget and Policy Priorities",
                        "state tax policy",
                    ),
                    ("the Rural Health Research Gateway", "hospital closures"),
                ]);
                let role = self.pick(&[
                    "a senior research associate",
                    "a policy analyst",
                    "a fellow",
                ]);
                let tail = format!(
                    "is {role} at {org}, where {} has studied {topic} since {year}.",
                    if she { "she" } else { "he" }
                );
                (
                    format!("<p><strong>{}</strong> {}</p>", esc(name), esc(&tail)),
                    tail,
                )
            }
        }
    }

    /// Update-note markup of ninth-pass form `form` (88–99), its probe
    /// and where the site prints it.
    fn blind9_update(&mut self, form: usize) -> (String, String, NotePlace) {
        let hour = self.rng.u32(8..20);
        let minute = self.rng.u32(10..60);
        let n = self.rng.u32(12..90);
        let day = DAYS[self.rng.usize(..DAYS.len())];
        let (month, date) = (self.rng.u32(1..13), self.rng.u32(1..28));
        let year = self.rng.u32(2023..2026);
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
            // A Japanese tech news site (ITmedia, Impress Watch): "※", the
            // correction and the apology in the body's own type, at the
            // foot (now and then at the top).
            88 => {
                let text = if self.rng.bool() {
                    format!(
                        "※記事初出時、発売日を{month}月{date}日と記載しておりましたが、正しくは{month}月{}日です。お詫びして訂正いたします。",
                        date + 1
                    )
                } else {
                    format!(
                        "※記事初出時、税込価格を{n},800円と記載しておりましたが、正しくは{},800円です。お詫びして訂正いたします。",
                        n + 3
                    )
                };
                let place = if self.rng.u8(..4) == 0 {
                    NotePlace::Top
                } else {
                    NotePlace::End
                };
                (plain(&text), text, place)
            }
            // 89: held out.
            89 => {
                let (said, was) = self.pick2(&[
                    ("Casiguran, Aurora", "Dinalungan, Aurora"),
                    ("Guiuan, Eastern Samar", "Salcedo, Eastern Samar"),
                    ("Santa Ana, Cagayan", "Gonzaga, Cagayan"),
                ]);
                let text = format!(
                    "Editor’s Note: In an earlier version of this story, we reported that the typhoon made landfall in {said} at {}:{minute} a.m. It made landfall in {was}. This has been corrected.",
                    hour % 12 + 1
                );
                (em(&text), text, end_or_after_bio(self))
            }
            // A Hindi news site: when the story was updated and what it
            // added, in brackets in the body's own type, at the foot.
            90 => {
                let (what, added) = self.pick2(&[
                    ("पुलिस अधीक्षक का बयान", "जोड़ा गया है"),
                    ("जिलाधिकारी की प्रतिक्रिया", "जोड़ी गई है"),
                    ("घायलों की नई संख्या", "जोड़ी गई है"),
                ]);
                let text = format!("यह खबर {hour}:{minute} बजे अपडेट की गई है। इसमें {what} {added}।");
                (format!("<p>({})</p>", esc(&text)), text, NotePlace::End)
            }
            // 91: held out.
            91 => {
                let what = self.pick(&["경찰 발표", "소방당국의 피해 집계", "시 관계자의 해명"]);
                let text = format!(
                    "※ 이 기사는 {hour}시 {minute}분 최초 보도 이후 {what} 내용을 추가해 수정했습니다."
                );
                (plain(&text), text, NotePlace::End)
            }
            // A US nonprofit newsroom (ProPublica, The Texas Tribune): a
            // dated update in italics at the top, saying what happened
            // after the story ran.
            92 => {
                let months = [
                    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.",
                    "Oct.", "Nov.", "Dec.",
                ];
                let place = self.pick(PLACES);
                let what = match self.rng.u8(..3) {
                    0 => format!(
                        "the state health department said it would reopen the maternity ward at the {place} clinic"
                    ),
                    1 => format!(
                        "the county sheriff released the remaining {n} hours of jail video to the families"
                    ),
                    _ => format!(
                        "the school board voted to refund ${n},000 to families in {place} who were overcharged for bus passes"
                    ),
                };
                let text = format!(
                    "Update, {} {date}, {year}: After this story was published, {what}.",
                    months[month as usize - 1]
                );
                (em(&text), text, NotePlace::Top)
            }
            // 93: held out.
            93 => {
                let who = self.pick(&[
                    "Jeshi la Polisi mkoani Arusha",
                    "Waziri wa Afya",
                    "Mamlaka ya Hali ya Hewa Tanzania (TMA)",
                ]);
                let text =
                    format!("Taarifa hii imesasishwa saa {hour}:{minute} kuongeza kauli ya {who}.");
                (
                    format!("<p><strong>{}</strong></p>", esc(&text)),
                    text,
                    NotePlace::Top,
                )
            }
            // An Australian public broadcaster (ABC News): "Editor's note"
            // and the date in bold, then what was corrected, at the foot.
            94 => {
                let town = self.pick(&["Lismore", "Bairnsdale", "Gympie", "Forbes"]);
                let rest = format!(
                    "This story has been updated to correct the number of homes evacuated in {town}, which was {n}, not {}.",
                    n + 10
                );
                (
                    format!(
                        "<p><strong>Editor’s note ({date}/{month}/{year}):</strong> {}</p>",
                        esc(&rest)
                    ),
                    rest,
                    NotePlace::End,
                )
            }
            // 95: held out.
            95 => {
                let org = self.pick(&[
                    "Network Rail",
                    "the local NHS trust",
                    "Thames Water",
                    "the district council",
                ]);
                let text = format!(
                    "This article was updated at {}.{minute}pm on {day} to include a statement from {org}.",
                    hour % 12 + 1
                );
                (plain(&text), text, end_or_after_bio(self))
            }
            // A Vietnamese news site (VnExpress, Tuổi Trẻ): when the story
            // was updated and with whose answer, in italics at the foot.
            96 => {
                let city = self.pick(&["Hà Nội", "Đà Nẵng", "Cần Thơ"]);
                let text = format!(
                    "Bài viết được cập nhật lúc {hour}h{minute} ngày {date}/{month} với phản hồi của Sở Giao thông Vận tải {city}."
                );
                (em(&text), text, NotePlace::End)
            }
            // 97: held out.
            97 => {
                let who = self.pick(&[
                    "Polis Diraja Malaysia",
                    "Jabatan Meteorologi Malaysia",
                    "Kementerian Kesihatan",
                ]);
                let text = format!(
                    "Berita ini dikemas kini pada pukul {}.{minute} petang dengan kenyataan daripada {who}.",
                    hour % 6 + 1
                );
                (plain(&text), text, NotePlace::Top)
            }
            // A trade publication (Industry Dive's): the editor's note in
            // italics, at the top or the foot.
            98 => {
                let company = self.pick(&["Dollar General", "Kroger", "Walgreens", "Target"]);
                let quarter = self.pick(&["first-quarter", "second-quarter", "third-quarter"]);
                let text = format!(
                    "Editor’s note: This story has been updated with comments from {company}’s chief executive on the company’s {quarter} earnings call, held {day}, and with its count of {n}0 store closures."
                );
                let place = if self.rng.bool() {
                    NotePlace::Top
                } else {
                    NotePlace::End
                };
                (em(&text), text, place)
            }
            // 99: held out.
            _ => {
                let state = self.pick(&["Karnataka", "Odisha", "Maharashtra", "Assam"]);
                let text = format!(
                    "[This copy has been updated at {}:{minute} pm IST with details from the {state} Chief Minister’s press conference.]",
                    hour % 12 + 1
                );
                (plain(&text), text, NotePlace::Between)
            }
        }
    }

    /// A ninth-pass article paragraph: text that names the entry's writer
    /// as articles do, speaks of photos, corrections or updates in the
    /// article's own voice and languages, or is set apart by its type (a
    /// standfirst, a bold subhead or lead-in, a pull quote, an italic
    /// closing line). Even indexes for the dev half, odd for held out.
    pub(super) fn blind9_mention(&mut self) -> Mention {
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
        let hi_day = ["सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार"][weekday];
        let sw_day = ["Jumatatu", "Jumanne", "Jumatano", "Alhamisi", "Ijumaa"][weekday];
        let n = self.rng.u32(3..90);
        let year = self.rng.u32(2006..2022);
        let date = self.rng.u32(1..29);
        let few = n % 5 + 2;
        let ko = self.named_in(Lang::Ko);
        let ja = self.named_in(Lang::Ja);
        let hi = self.named_in(Lang::Hi);
        let sw = self.named_in(Lang::Sw);
        let tl = self.named_in(Lang::Tl);
        let af = self.named_in(Lang::Af);
        let vi = self.pick(VI_NAMES);
        let ms = self.pick(MS_NAMES);
        let pref = self.pick(&["熊本県", "鹿児島県", "広島県"]);
        let tl_place = self.pick(&["Tacloban", "Marikina", "Naga"]);
        let births = 230_000 + n * 137;
        use MentionPlace::{Anywhere, End, Top};
        let p = |t: &str| format!("<p>{}</p>", esc(t));
        let em = |t: &str| format!("<p><em>{}</em></p>", esc(t));
        let forms: [(String, String, MentionPlace); 24] = [
            // A feature's standfirst in italics, naming its own writer.
            {
                let t = format!(
                    "{writer} first photographed the ferry at {place} in {year}. {} months after the new bridge opened, {writer_he} went back to see who still waits on the landing.",
                    n % 20 + 4
                );
                (
                    t.clone(),
                    format!("<p class=\"intro\"><em>{}</em></p>", esc(&t)),
                    Top,
                )
            },
            {
                let t = format!(
                    "The state updated its bushfire risk maps on {day} for the first time since {year}. Another {n} homes around {place} are now in the highest zone."
                );
                (
                    t.clone(),
                    format!("<p class=\"lead\"><strong>{}</strong></p>", esc(&t)),
                    Top,
                )
            },
            // A Korean story naming a reporter of the paper.
            {
                let t = format!(
                    "본지 {ko} 기자가 {date}일 현장을 다시 찾았을 때 복구 공사는 {n}%가량 진행된 상태였다."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "통계청은 {date}일 지난해 출생아 수 잠정치를 {}명에서 {}명으로 정정했다고 밝혔다.",
                    thousands(births),
                    thousands(births - few * 211)
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A pull quote, as WordPress's quote block prints it.
            {
                let t = format!(
                    "“The first photo anyone sent me that night was of my own front door, with the water {n} centimetres up the frame.”"
                );
                (
                    t.clone(),
                    format!(
                        "<blockquote class=\"wp-block-quote\"><p>{}</p><cite>{}</cite></blockquote>",
                        esc(&t),
                        esc(&other)
                    ),
                    Anywhere,
                )
            },
            {
                let t = format!(
                    "“I read {writer}’s story about the mine in {year} and wrote to the minister that same night,” said {other}, who has farmed near {place} for {n} years."
                );
                (
                    t.clone(),
                    format!("<blockquote><p>{}</p></blockquote>", esc(&t)),
                    Anywhere,
                )
            },
            // A correction, in the story's own voice.
            {
                let t = format!(
                    "The electoral commission corrected its turnout figure on {day}, to {n}.{few} per cent from {}.{few} per cent, after a tallying error at {} polling stations.",
                    n + 1,
                    few * 3
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "रेलवे ने {hi_day} को समय-सारिणी अपडेट की, जिसके बाद {n} ट्रेनों के समय में बदलाव हुआ है।"
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A Hindi story naming its photographer.
            {
                let t = format!(
                    "फोटो पत्रकार {hi} ने यह तस्वीर {hi_day} सुबह {few} बजे ली थी, जब पानी पुल के ऊपर से बह रहा था।"
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "本紙の{ja}記者は{year}年から同町の復興を取材しており、{few}回目の訪問で初めて町長に話を聞くことができた。"
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A Japanese story about a warning being updated.
            {
                let t = format!(
                    "気象庁は{date}日午後{few}時すぎ、{pref}の大雨警報を更新し、{n}市町村に土砂災害警戒情報を出した。"
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!("A correction that came {n} days too late");
                (
                    t.clone(),
                    format!("<p><strong>{}</strong></p>", esc(&t)),
                    Anywhere,
                )
            },
            // A bold lead-in, part of the paragraph's text.
            {
                let label = "What changed:";
                let rest = format!(
                    "The updated timetable, published on {day}, drops {few} early services on the {place} line and moves the last train {} minutes earlier.",
                    n % 40 + 5
                );
                (
                    format!("{label} {rest}"),
                    format!("<p><strong>{label}</strong> {}</p>", esc(&rest)),
                    Anywhere,
                )
            },
            {
                let t = format!(
                    "The photographs of her brother are still on the fridge in {place}, {n} years after he left for the mine."
                );
                (t.clone(), format!("<p><i>{}</i></p>", esc(&t)), End)
            },
            // A column's italic closing line, in the first person.
            {
                let t = format!(
                    "I asked {other} what the minister should hear from {place}. “The same thing we told him in {year},” came the answer."
                );
                (t.clone(), em(&t), End)
            },
            {
                let t = format!(
                    "Die fotograaf {af} het die foto van die brug in {year} geneem, net {few} dae voor die vloed."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A Tagalog story quoting the photographer.
            {
                let t = format!(
                    "Ayon kay {tl}, na kumuha ng larawan, umabot sa {n} pamilya ang lumikas bago mag-alas-{few} ng umaga."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "Jurugambar {ms} berkata gambar itu dirakam kira-kira pukul {few} pagi, sebelum pihak berkuasa mengemas kini jumlah mangsa kepada {n} orang."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // The entry's own writer, in the story.
            {
                let t = format!(
                    "{writer}, who covered the trial for the {paper}, was called as a witness by the defence on {day} and questioned for {few} hours."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "{writer} asked the ministry on {day} for the full list of {n} schools; it has not provided one."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A Swahili story quoting the photographer.
            {
                let t = format!(
                    "Mpiga picha {sw} alisema aliipiga picha hiyo saa {few} asubuhi, dakika {n} kabla ya polisi kufika."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "Wizara ya Afya ilisahihisha takwimu zake {sw_day}, ikisema vifo {n} vilihesabiwa mara mbili."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A Vietnamese story naming the photographer.
            {
                let t = format!(
                    "Theo {vi}, người chụp bức ảnh, nước đã dâng cao {n} cm chỉ trong {few} giờ."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "Hanggang ngayon, nakasabit pa rin sa dingding ng kanilang bahay sa {tl_place} ang litratong kuha ni {tl} noong {year}."
                );
                (t.clone(), em(&t), End)
            },
        ];
        let (text, html, place) = self.sentence_of_half(forms);
        Mention { text, html, place }
    }
}

/// `n` with commas between its thousands: 230,137.
fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
