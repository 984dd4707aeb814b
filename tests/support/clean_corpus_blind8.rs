//! The eighth pass: author bios and update notes, forms 76–87 of each, with
//! the feed's bylines drawn by the seventh pass's machinery (a site family
//! and a language per bio form, its byline conventions and proportions),
//! and its own article text that a cleaner could mistake for a bio or a
//! note.
//!
//! Written blind, from how publishers print these things, by someone who
//! had not read the cleaner's rules, their tests or their benchmark notes.
//! This pass leans on what the earlier ones may under-represent: bios in
//! the article's own plain paragraph type (no italics, no box), bios that
//! never repeat the writer's name (the op-ed's "the writer is …", a
//! newsletter's "I cover …"), guest contributors, a role and an outlet
//! alone, contributor and translation lines, a newsroom's policy footer
//! under the bio; update notes as plain paragraphs, timestamps with what
//! changed, live-blog notes, corrections in the article's own words, at the
//! top, between paragraphs and at the end. Its sites write in English and
//! in languages new or nearly new to the corpus (the dev half's: Indonesian,
//! German, Ukrainian, Québec French, Spanish, Brazilian Portuguese; the
//! held-out half's are left to its forms). Even forms are the dev half, odd
//! forms the held-out half; the article sentences are split the same way
//! (by their index). Every text varies from entry to entry (a time, a
//! figure, a name, a place): a feed of this corpus mixes sites, so a
//! sentence repeated verbatim across its entries would be removed as a
//! repeat instead of being measured as what it is. Part of
//! `clean_corpus.rs` (included from it).

use super::blind6::NotePlace;
use super::blind7::{Cast, DAYS, Family, Lang, Mention, MentionPlace, PAPERS, PLACES};
use super::{Gen, esc};

/// The site family and language of each bio form, 76–87.
const BIO_SITES: [(Family, Lang); 12] = [
    (Family::Continental, Lang::Id),
    (Family::Continental, Lang::Es),
    (Family::Blog, Lang::En),
    (Family::Continental, Lang::Pt),
    (Family::Continental, Lang::De),
    (Family::Newsroom, Lang::En),
    (Family::Continental, Lang::Uk),
    (Family::Continental, Lang::Hr),
    (Family::Newsroom, Lang::En),
    (Family::Newsroom, Lang::En),
    (Family::Continental, Lang::Fr),
    (Family::Continental, Lang::De),
];

/// The bio forms whose sites print a box for each of two writers.
const BOXES_EACH: &[usize] = &[84];

impl Gen {
    /// Draws the entry's bio form, writers and bylines, as the seventh
    /// pass does, from this pass's sites.
    pub(super) fn blind8_cast(&mut self) -> Vec<String> {
        self.site_cast(super::BLIND8_FORMS, &BIO_SITES)
    }

    /// The entry's update note, where its site prints it, and its bio
    /// boxes in the last slot.
    pub(super) fn blind8_notes_and_bios(&mut self, slots: &mut [Vec<(String, super::Placed)>]) {
        self.notes_and_bios(
            slots,
            super::BLIND8_FORMS,
            Gen::blind8_update,
            Gen::blind8_bio,
            BOXES_EACH,
        );
    }

    /// A writer of the site's language who is not one of the entry's
    /// writers, as a contributor line names them.
    fn colleague(&mut self, cast: &Cast) -> &'static str {
        let pool = cast.lang.writers();
        loop {
            let w = pool[self.rng.usize(..pool.len())];
            if cast.writers.iter().all(|c| c.name != w.name) {
                return w.name;
            }
        }
    }

    /// Bio markup of eighth-pass form `cast.bio_form` for writer `which`
    /// of the cast, and its probe.
    fn blind8_bio(&mut self, cast: &Cast, which: usize) -> (String, String) {
        let w = cast.writers[which];
        let name = w.name;
        let she = w.she;
        let (he, his) = if she { ("She", "her") } else { ("He", "his") };
        let year = self.rng.u32(2004..2022);
        let n = self.rng.u32(3..25);
        let place = self.pick(PLACES);
        match cast.bio_form {
            // An Indonesian portal's opinion column: the writer unnamed
            // after an asterisk, in the body's own type, then the
            // newsroom's disclaimer.
            76 => {
                let (role, school) = self.pick2(&[
                    ("dosen Fakultas Hukum", "Universitas Gadjah Mada"),
                    (
                        "peneliti di Pusat Studi Kebijakan Publik",
                        "Universitas Airlangga",
                    ),
                    ("pengajar Ilmu Komunikasi", "Universitas Padjadjaran"),
                ]);
                let text = format!("Penulis adalah {role} {school}.");
                (
                    format!(
                        "<p>*) {}</p>\n<p>Tulisan ini adalah opini pribadi penulis dan tidak mencerminkan pandangan redaksi.</p>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // 77: held out.
            77 => {
                let text = if cast.writers.len() == 2 {
                    "Los autores son investigadores del CONICET y docentes de la Universidad Nacional de Córdoba.".to_string()
                } else {
                    let (autor, docente, ex) = if she {
                        ("La autora", "docente e investigadora", "ex subsecretaria")
                    } else {
                        ("El autor", "docente e investigador", "ex subsecretario")
                    };
                    format!(
                        "{autor} es economista, {docente} de la Universidad de Buenos Aires y {ex} de Hacienda."
                    )
                };
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // A reporter's newsletter (Substack, Buttondown): the sign-off
            // in the first person, in the body's own type, the name never
            // repeated, then the forwarding line.
            78 => {
                let beat = self.pick(&[
                    "water and land use in the Mountain West",
                    "the statehouse and the people it forgets",
                    "housing and zoning across the county",
                ]);
                let text = format!(
                    "I’m a reporter based in {place}, and I cover {beat}. I started this newsletter in {year} after {n} years at the {}.",
                    self.pick(PAPERS)
                );
                (
                    format!(
                        "<p>{}</p>\n<p>If someone forwarded you this email, you can <a href=\"https://newsletter.example/subscribe\">sign up here</a>.</p>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // 79: held out.
            79 => {
                let (desc, autor) = if she {
                    ("Jornalista e escritora", "autora")
                } else {
                    ("Jornalista e escritor", "autor")
                };
                let livro = self.pick(&[
                    "O País das Enchentes",
                    "Cidade Sem Sombra",
                    "A Última Feira",
                ]);
                let text = format!("{desc}, {autor} de “{livro}” ({year}).");
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // A German news site's contributor line at the foot, in the
            // body's own type: the colleagues who helped, no writer.
            80 => {
                let other = self.colleague(cast);
                let agency = self.pick(&["dpa", "AFP", "Reuters"]);
                let text = format!("Mitarbeit: {other}; mit Material von {agency}");
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // 81: held out.
            81 => {
                let group =
                    self.pick(&["Tenants Union", "Food Bank Coalition", "Watershed Council"]);
                let paper = self.pick(PAPERS);
                // A co-written commentary's two writers share one line.
                let text = match cast.writers.get(1) {
                    Some(second) => format!(
                        "{name} is the executive director of the {place} {group}. {} is its board chair.",
                        second.name
                    ),
                    None => format!("{name} is the executive director of the {place} {group}."),
                };
                (
                    format!(
                        "<p>{}</p>\n<p>The {paper} welcomes guest commentaries of up to 650 words. Send yours to opinion@{}.example. The views expressed are the author’s own.</p>",
                        esc(&text),
                        paper.split(' ').next().unwrap_or("paper").to_lowercase()
                    ),
                    text,
                )
            }
            // A Ukrainian site's column: a role and the outlet alone,
            // after a dash, then the note that the column is the author's
            // view.
            82 => {
                let (author, job) = if she {
                    ("Авторка", "журналістка")
                } else {
                    ("Автор", "журналіст")
                };
                let outlet = self.pick(&["ZAXID.NET", "«Суспільне Харків»", "«Вгору»"]);
                let text = if cast.writers.len() == 2 {
                    format!("Автори — журналісти {outlet}")
                } else {
                    format!("{author} — {job} {outlet}")
                };
                (
                    format!(
                        "<p>{}</p>\n<p>Колонка відображає думку автора. Редакція може не поділяти її.</p>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // 83: held out.
            83 => {
                let (autor, novinar, suradnik) = if she {
                    ("Autorica", "novinarka", "suradnica")
                } else {
                    ("Autor", "novinar", "suradnik")
                };
                let portal = self.pick(&["Bilten", "H-Alter", "Lupiga"]);
                let text = if cast.writers.len() == 2 {
                    format!("Autori su novinari i suradnici portala {portal}.")
                } else {
                    format!("{autor} je {novinar} i {suradnik} portala {portal}.")
                };
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // A US paper's op-ed page: the guest's bio in the body's own
            // type, opening on the role rather than the name.
            84 => {
                let (job, teaches) = self.pick2(&[
                    ("public defender", "criminal law"),
                    ("emergency-room nurse", "nursing"),
                    ("county planner", "urban studies"),
                ]);
                let school = self.pick(&[
                    "Tri-County Community College",
                    "Mesa State University",
                    "Ridgeline College",
                ]);
                let book = self.pick(&["The Last Mile", "Paper Towns, Real Rent", "Night Shift"]);
                let text = format!(
                    "A former {job} in {place}, {name} teaches {teaches} at {school}. {he} is the author of “{book},” about {his} years on the job."
                );
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // 85: held out.
            85 => {
                let outlet = self.pick(&["El Faro", "Agência Pública", "Plaza Pública"]);
                let language = if outlet == "Agência Pública" {
                    "Portuguese"
                } else {
                    "Spanish"
                };
                let translator = self.name();
                let text = format!(
                    "This story was first published in {language} by {outlet}. It was translated by {translator} and is republished with permission."
                );
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // A Québec daily's opinion page: "L’auteur(e) est …" after the
            // text, in its own type, then the call for letters.
            86 => {
                let (auteur, prof) = if she {
                    ("L’auteure", "professeure")
                } else {
                    ("L’auteur", "professeur")
                };
                let (field, uni) = self.pick2(&[
                    ("sociologie", "l’Université Laval"),
                    ("science politique", "l’UQAM"),
                    ("droit", "l’Université de Sherbrooke"),
                ]);
                let text = if cast.writers.len() == 2 {
                    format!("Les auteurs sont professeurs de {field} à {uni}.")
                } else {
                    format!("{auteur} est {prof} de {field} à {uni}.")
                };
                let star = if self.rng.bool() { "* " } else { "" };
                (
                    format!(
                        "<p>{star}{}</p>\n<p>Qu’en pensez-vous ? Écrivez-nous à opinion@journal.example.</p>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // 87: held out.
            _ => {
                let (sie, volo) = if she {
                    ("Sie", "Volontärin")
                } else {
                    ("Er", "Volontär")
                };
                let sender = self.pick(&["beim SWR", "beim MDR", "bei Radio Bremen"]);
                let text = format!(
                    "{sie} berichtet seit {year} aus dem Landtag, vorher war {} {volo} {sender}.",
                    sie.to_lowercase()
                );
                (format!("<p>{}</p>", esc(&text)), text)
            }
        }
    }

    /// Update-note markup of eighth-pass form `form` (76–87), its probe
    /// and where the site prints it.
    fn blind8_update(&mut self, form: usize) -> (String, String, NotePlace) {
        let hour = self.rng.u32(8..20);
        let minute = self.rng.u32(10..60);
        let n = self.rng.u32(12..90);
        let day = DAYS[self.rng.usize(..DAYS.len())];
        let plain = |t: &str| format!("<p>{}</p>", esc(t));
        match form {
            // A Spanish daily's breaking story: a plain line at the top
            // saying it is being updated.
            76 => {
                let text = format!(
                    "Noticia en actualización desde las {hour}:{minute} h. Esta información se irá ampliando a medida que haya más datos."
                );
                (plain(&text), text, NotePlace::Top)
            }
            // 77: held out.
            77 => {
                let who = self.pick(&[
                    "речника ДСНС",
                    "начальника обласної військової адміністрації",
                    "представника міськради",
                ]);
                let text = format!("Оновлено о {hour}:{minute}. Додано коментар {who}.");
                (plain(&text), text, NotePlace::Top)
            }
            // A live blog's closing note at the foot, plain.
            78 => {
                let text = format!(
                    "That’s all from us tonight. We’ll be back with live updates from the count at 8 a.m. on {day}."
                );
                (plain(&text), text, NotePlace::End)
            }
            // 79: held out.
            79 => {
                let (was, is) =
                    self.pick2(&[("June", "August"), ("March", "May"), ("fall", "spring")]);
                let text = format!(
                    "We previously reported that the clinic would close in {was}. It will close in {is}. We regret the error."
                );
                let place = if self.rng.bool() {
                    NotePlace::End
                } else {
                    NotePlace::AfterBio
                };
                (plain(&text), text, place)
            }
            // A German daily's correction in the article's own words and
            // type, at the foot.
            80 => {
                let year = self.rng.u32(1955..1990);
                let text = format!(
                    "In einer früheren Version dieses Artikels hieß es, die Brücke sei {year} eröffnet worden. Richtig ist {}. Wir haben den Fehler korrigiert.",
                    year + 4
                );
                (plain(&text), text, NotePlace::End)
            }
            // 81: held out.
            81 => {
                let what = self.pick(&[
                    "ajout de la réaction du préfet",
                    "ajout du bilan de la gendarmerie",
                    "précisions sur le nombre de foyers privés d’électricité",
                ]);
                let text = format!("Mis à jour le {} à {hour} h {minute} : {what}.", n % 28 + 1);
                (plain(&text), text, NotePlace::Top)
            }
            // An Indonesian portal: when the story was updated and what it
            // added, plain, at the top or between the paragraphs.
            82 => {
                let text = format!(
                    "Artikel ini telah diperbarui pada pukul {hour}.{minute} WIB dengan tambahan keterangan dari kepolisian."
                );
                let place = if self.rng.bool() {
                    NotePlace::Top
                } else {
                    NotePlace::Between
                };
                (plain(&text), text, place)
            }
            // 83: held out.
            83 => {
                let text = format!(
                    "Članak je ažuriran u {hour}:{minute} sati s izjavom glasnogovornika policije."
                );
                let place = if self.rng.bool() {
                    NotePlace::Top
                } else {
                    NotePlace::End
                };
                (plain(&text), text, place)
            }
            // A Brazilian portal: the time and what changed, in the body's
            // own type, between the paragraphs it follows.
            84 => {
                let what = self.pick(&[
                    "a prefeitura informou que as aulas da rede municipal foram suspensas",
                    "a Defesa Civil elevou o número de desalojados",
                    "a concessionária disse que a energia foi restabelecida em parte dos bairros",
                ]);
                let text = format!("Atualização às {hour}h{minute}: {what}.");
                (plain(&text), text, NotePlace::Between)
            }
            // 85: held out.
            85 => {
                let text = format!(
                    "Editor’s note, {} p.m.: The paragraph below was added after publication to include the district’s response.",
                    hour % 12 + 1
                );
                (plain(&text), text, NotePlace::Between)
            }
            // A live blog that has ended: the note at the top, with a link
            // to the full report.
            86 => {
                let what = self.pick(&["election night", "the storm", "the budget vote"]);
                let text = format!(
                    "This blog is now closed. Our live coverage of {what} ended at {} p.m.",
                    hour % 12 + 1
                );
                (
                    format!(
                        "<p>{} You can read our full report <a href=\"https://news.example/results-{n}\">here</a>.</p>",
                        esc(&text)
                    ),
                    text,
                    NotePlace::Top,
                )
            }
            // 87: held out.
            _ => {
                let text = format!(
                    "Dieser Newsblog wird laufend aktualisiert. Zuletzt: {hour}.{minute} Uhr"
                );
                (
                    format!("<p>+++ {} +++</p>", esc(&text)),
                    text,
                    NotePlace::Top,
                )
            }
        }
    }

    /// An eighth-pass article paragraph: text that names the entry's
    /// writer as articles do, speaks of updates, corrections, photos or
    /// writers in the article's own voice, or is set apart by its type (a
    /// standfirst, a pull quote, a signed closing line). Even indexes for
    /// the dev half, odd for held out.
    pub(super) fn blind8_mention(&mut self) -> Mention {
        let writer = self.cast_writer();
        let other = self.name();
        let paper = self.pick(PAPERS);
        let place = self.pick(PLACES);
        let day = DAYS[self.rng.usize(..DAYS.len())];
        let n = self.rng.u32(3..90);
        let year = self.rng.u32(2006..2022);
        let few = n % 5 + 2;
        use MentionPlace::{Anywhere, End, Top};
        let p = |t: &str| format!("<p>{}</p>", esc(t));
        let em = |t: &str| format!("<p><em>{}</em></p>", esc(t));
        let forms: [(String, String, MentionPlace); 24] = [
            // A feature's standfirst in bold.
            {
                let t = format!(
                    "The photographs in this story were made over {n} months in {place}, where the last textile mill closed in {year}."
                );
                (
                    t.clone(),
                    format!("<p class=\"dek\"><strong>{}</strong></p>", esc(&t)),
                    Top,
                )
            },
            {
                let t = format!(
                    "Una reportera de este diario pasó {n} días en Villanueva del Río, el pueblo que el censo de {year} dio por vacío. Esto es lo que encontró."
                );
                (t.clone(), em(&t), Top)
            },
            // A pull quote, as WordPress's pullquote block prints it.
            {
                let t = format!(
                    "“They updated the evacuation map {few} times that night, and every time our street in {place} was a different colour.”"
                );
                (
                    t.clone(),
                    format!(
                        "<figure class=\"wp-block-pullquote\"><blockquote><p>{}</p><cite>{}</cite></blockquote></figure>",
                        esc(&t),
                        esc(&other)
                    ),
                    Anywhere,
                )
            },
            {
                let t = format!(
                    "“Nobody corrected the record for {n} years. We did it ourselves, one photo at a time.”"
                );
                (
                    t.clone(),
                    format!("<div class=\"pull-quote\"><p>{}</p></div>", esc(&t)),
                    Anywhere,
                )
            },
            // An editor's letter, signed on its last line.
            {
                let t = format!(
                    "I’ll be at the {place} library on {day} at 6 p.m. to hear what we got wrong this year. — {writer}"
                );
                (t.clone(), em(&t), End)
            },
            {
                let t = format!(
                    "I have covered this county for {n} years, and this is the first election I could not call the night before. — {writer}"
                );
                (
                    t.clone(),
                    format!("<p class=\"signoff\">{}</p>", esc(&t)),
                    End,
                )
            },
            // The entry's writer, named in the story.
            {
                let t = format!(
                    "When {writer} first wrote about the landfill in {year}, the county said it would close within {few} years."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "{other} spoke to {writer} by phone from {place} on {day}, hours after the photos were published."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // Corrections and updates, in the story's own voice.
            {
                let t = format!(
                    "The ministry issued a correction on {day}, saying its earlier figure of {n} closures had counted some schools twice."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "The newspaper apologised on {day} and updated the article online, but the printed edition had already reached {n},000 homes."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A photographer and an update, in Spanish.
            {
                let t = format!(
                    "La fotógrafa {other} tomó la imagen desde un balcón de la calle Mayor; el ayuntamiento actualizó su balance de daños {few} veces esa noche."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "Fotografer {other} mengambil gambar itu pada pagi hari; pemerintah kota baru memperbarui data korban {few} jam kemudian."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // The author of a photo, in Ukrainian.
            {
                let t = format!(
                    "Автор фотографії, {other}, каже, що зробив знімок випадково, повертаючись з роботи о {} ранку.",
                    few + 4
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "Autorica studije, {other}, rekla je da je podatke ažurirala {few} puta prije objave."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A standfirst in Portuguese, in italics.
            {
                let t = format!(
                    "A reportagem percorreu {n} cidades do interior para entender por que o programa, atualizado em {year}, não chegou a quem mais precisa."
                );
                (t.clone(), em(&t), Top)
            },
            {
                let t = format!(
                    "Seit {year} fährt keine Fähre mehr nach Lindenau. Unser Autor ist mit den letzten Pendlern übergesetzt – im Ruderboot."
                );
                (
                    t.clone(),
                    format!("<p><strong>{}</strong></p>", esc(&t)),
                    Top,
                )
            },
            // A columnist's disclosure inside the column.
            {
                let t = format!(
                    "Full disclosure: I went to school with {other}, the mayor’s son, and I told my editors before I started reporting this story."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "I first photographed the quarry in {year}, when {n} families still lived on its rim."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // A profile's last paragraph.
            {
                let t = format!(
                    "{other}, who wrote the original report in {year}, now teaches journalism in {place} and said it was time someone updated it."
                );
                (t.clone(), p(&t), End)
            },
            {
                let t = format!(
                    "Her grandfather’s photographs of the strike, {n} of them, now hang in the town hall of {place}."
                );
                (t.clone(), em(&t), End)
            },
            // The writer named with a role after a comma, as bylines do.
            {
                let t = format!(
                    "As {writer}, the {paper}’s education reporter, noted in {year}, the district has never met its own hiring target."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "{writer} and photographer {other} spent {n} hours at the border crossing on {day}."
                );
                (t.clone(), p(&t), Anywhere)
            },
            // The author of a report, in French.
            {
                let t = format!(
                    "L’auteure du rapport, {other}, a reconnu que les chiffres de {year} n’avaient jamais été mis à jour."
                );
                (t.clone(), p(&t), Anywhere)
            },
            {
                let t = format!(
                    "“We got it wrong, and we have corrected it,” the station’s news director wrote in a note to staff on {day}."
                );
                (
                    t.clone(),
                    format!("<blockquote>{}</blockquote>", p(&t)),
                    Anywhere,
                )
            },
        ];
        let (text, html, place) = self.sentence_of_half(forms);
        Mention { text, html, place }
    }
}
