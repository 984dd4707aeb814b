//! The fourth pass's surface forms, 32–39 of every kind, and their own
//! article sentences that mention a photo, a writer, an update or a link.
//! Written blind: from how publishing systems and outlets print these kinds
//! (WordPress block gallery and author-box plugins, Vox Media's Chorus, The
//! Guardian's and the BBC's markup, The Conversation's republishing footer,
//! AP, Reuters and NYT wording, McClatchy taglines, and German, French,
//! Spanish, Italian, Portuguese, Polish and Dutch outlets) by someone who
//! had not read the cleaner's rules or their tests. Unlike the earlier
//! passes, each form here gives its whole markup (where the block sits, an
//! image beside it or not, class names or not) and its own probe; the
//! non-English forms bring their own scenes and headlines. Even forms are
//! the dev half, odd forms the held-out half, and the mention sentences are
//! split the same way (by their index).
//! Part of `clean_corpus.rs` (included from it).

use super::{AGENCIES, Gen, SCENES, esc};

const SCENES_DE: &[&str] = &[
    "Feuerwehrleute löschen einen Brand in einer Lagerhalle am Hafen",
    "Pendler warten am Hauptbahnhof auf einen verspäteten Regionalzug",
    "Demonstrierende ziehen mit Transparenten durch die Innenstadt",
    "Ein Kran hebt ein Brückenteil über die Autobahn",
];
const SCENES_FR: &[&str] = &[
    "Des pompiers luttent contre un incendie dans un entrepôt",
    "Des manifestants défilent contre la réforme des retraites",
    "Des voyageurs attendent un train sur le quai de la gare",
    "Des bénévoles trient des dons dans une salle municipale",
];
const SCENES_ES: &[&str] = &[
    "Bomberos trabajan en la extinción de un incendio en una nave industrial",
    "Viajeros esperan en el andén durante la huelga de transporte",
    "Manifestantes recorren el centro de la ciudad",
    "Voluntarios reparten comida en un comedor social",
];
const SCENES_IT: &[&str] = &[
    "Vigili del fuoco al lavoro per spegnere un incendio in un capannone",
    "Pendolari in attesa del treno alla stazione Centrale",
    "Manifestanti davanti al palazzo della Regione",
    "Volontari spalano il fango dalle strade dopo l'alluvione",
];
const SCENES_PT: &[&str] = &[
    "Bombeiros combatem incêndio em galpão na Zona Norte",
    "Passageiros aguardam ônibus no terminal durante a greve",
    "Moradores retiram lama de casas após a enchente",
    "Manifestantes ocupam a avenida durante o protesto",
];
const HEADLINES_DE: &[&str] = &[
    "Stadtrat vertagt Entscheidung über neues Parkhaus",
    "Was der neue Nahverkehrsplan für Pendler bedeutet",
    "Unwetter: Tausende Haushalte ohne Strom",
];
const HEADLINES_ES: &[&str] = &[
    "El Ayuntamiento aplaza la votación sobre el nuevo aparcamiento",
    "Qué cambia con el nuevo mapa de autobuses",
    "Miles de hogares sin luz tras la tormenta",
];
const HEADLINES_FR: &[&str] = &[
    "Le conseil municipal reporte le vote sur le parking du centre-ville",
    "Ce que change le nouveau plan de transports pour les usagers",
    "Tempête : des milliers de foyers privés d'électricité",
];
const HEADLINES_IT: &[&str] = &[
    "Il consiglio comunale rinvia il voto sul nuovo parcheggio",
    "Cosa cambia con la nuova mappa dei trasporti",
    "Maltempo, migliaia di case senza corrente",
];
const HEADLINES_PL: &[&str] = &[
    "Rada miasta odkłada głosowanie w sprawie parkingu",
    "Co oznacza nowa mapa komunikacji dla pasażerów",
    "Burza: tysiące domów bez prądu",
];

impl Gen {
    /// Caption markup of fourth-pass form `form` (32–39) and its probe
    /// (the scene, which only the caption says).
    pub(super) fn blind4_caption(&mut self, form: usize, img: &str) -> (String, String) {
        let name = self.name();
        let day = self.pick(&["Monday", "Tuesday", "Thursday", "Saturday"]);
        let scene = self.pick(SCENES);
        let date = self.rng.u32(1..29);
        match form {
            // Die Zeit / Spiegel-like German figure whose lazy-loaded image
            // left only a <picture> with a <source>; caption and copyright in
            // their own spans.
            32 => {
                let scene = self.pick(SCENES_DE);
                (
                    format!(
                        "<figure class=\"article__media\"><picture><source srcset=\"https://cdn.example/bild-{date}.webp\" type=\"image/webp\"></picture><figcaption class=\"figure__caption\"><span class=\"figure__text\">{scene}.</span> <span class=\"figure__copyright\">© {}/dpa</span></figcaption></figure>",
                        esc(&name)
                    ),
                    scene.to_string(),
                )
            }
            // WordPress block gallery (WP 5.x): one item of a list.
            33 => (
                format!(
                    "<figure class=\"wp-block-gallery columns-1 is-cropped\"><ul class=\"blocks-gallery-grid\"><li class=\"blocks-gallery-item\"><figure>{img}<figcaption class=\"blocks-gallery-item__caption\">{scene} on {day}.</figcaption></figure></li></ul></figure>"
                ),
                scene.to_string(),
            ),
            // The Guardian's feed markup: caption and "Photograph:" credit
            // in spans of one figcaption.
            34 => {
                let agency = self.pick(AGENCIES);
                (
                    format!(
                        "<figure class=\"element element-image\" data-media-id=\"a1b2c3d4\">{img}<figcaption> <span class=\"element-image__caption\">{scene} in Manchester on {day}.</span> <span class=\"element-image__credit\">Photograph: {}/{agency}</span> </figcaption></figure>",
                        esc(&name)
                    ),
                    scene.to_string(),
                )
            }
            // Le Monde: place and date in the caption, the credit in
            // capitals after it.
            35 => {
                let scene = self.pick(SCENES_FR);
                let city = self.pick(&["Lyon", "Marseille", "Rennes", "Lille"]);
                (
                    format!(
                        "<figure class=\"article__media\">{img}<figcaption class=\"article__legend\">{scene}, à {city}, le {date} mars 2024. <span class=\"article__credit\">{} / AFP</span></figcaption></figure>",
                        esc(&name.to_uppercase())
                    ),
                    scene.to_string(),
                )
            }
            // Il Post (WordPress, HTML5 captions): the agency and the
            // photographer in capitals in brackets at the end.
            36 => {
                let scene = self.pick(SCENES_IT);
                let city = self.pick(&["Torino", "Bologna", "Napoli", "Genova"]);
                (
                    format!(
                        "<figure id=\"attachment_{date}\" class=\"wp-caption aligncenter\">{img}<figcaption class=\"wp-caption-text\">{scene} a {city}, lunedì {date} marzo 2025 (ANSA/{})</figcaption></figure>",
                        esc(&name.to_uppercase())
                    ),
                    scene.to_string(),
                )
            }
            // BBC: "Image source," above and a visually hidden "Image
            // caption," inside the caption.
            37 => {
                let agency = self.pick(AGENCIES);
                (
                    format!(
                        "<figure><div class=\"image-wrapper\">{img}</div><p class=\"image-copyright\"><span class=\"visually-hidden\">Image source, </span>{agency}</p><figcaption><span class=\"visually-hidden\">Image caption, </span>{scene}</figcaption></figure>"
                    ),
                    scene.to_string(),
                )
            }
            // El País: a lazy-load placeholder GIF as the image, caption and
            // "Name (EFE)" in spans.
            38 => {
                let scene = self.pick(SCENES_ES);
                let city = self.pick(&["Valencia", "Sevilla", "Bilbao", "Zaragoza"]);
                let dia = self.pick(&["lunes", "martes", "jueves", "sábado"]);
                (
                    format!(
                        "<figure class=\"a_m\"><span class=\"a_m_w\"><img src=\"data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7\" data-src=\"https://cdn.example/fotos/{date}.jpg\" alt=\"\"></span><figcaption class=\"a_m_p\"><span>{scene}, este {dia} en {city}.</span><span class=\"a_m_m\">{} (EFE)</span></figcaption></figure>",
                        esc(&name)
                    ),
                    scene.to_string(),
                )
            }
            // g1 (Globo): a bare paragraph after the image, no classes,
            // "— Foto:" and the credit at the end.
            _ => {
                let scene = self.pick(SCENES_PT);
                (
                    format!("<p>{img}</p>\n<p>{scene} — Foto: {}/g1</p>", esc(&name)),
                    scene.to_string(),
                )
            }
        }
    }

    /// Photo-credit markup of fourth-pass form `form` (32–39) and its probe
    /// (the credit text).
    pub(super) fn blind4_credit(&mut self, form: usize) -> (String, String) {
        let name = self.name();
        let img = self.image();
        let text = match form {
            32 => format!("© picture alliance / dpa | {name}"),
            33 => format!("{name} for The New York Times"),
            34 => format!("{} / DIVERGENCE POUR « LE MONDE »", name.to_uppercase()),
            35 => format!("Photo by {name} / The Verge"),
            36 => format!("Foto: {name} - Europa Press"),
            37 => format!("Fot. {name} / Agencja Wyborcza.pl"),
            38 => format!("Beeld {name} / ANP"),
            _ => format!("Foto: {name}/Estadão"),
        };
        let t = esc(&text);
        let html = match form {
            // German dailies: the picture-alliance line in its own box
            // under the image.
            32 => format!("{img}\n<div class=\"bildquelle\">{t}</div>"),
            // NYT: a visually hidden "Credit..." before the name, alone in
            // the figcaption.
            33 => format!(
                "<figure>{img}<figcaption><span class=\"credit\"><span class=\"visually-hidden\">Credit...</span>{t}</span></figcaption></figure>"
            ),
            // Le Monde: the credit line alone, its lazy image dropped by the
            // feed.
            34 => format!("<p class=\"article__credit\">{t}</p>"),
            // Vox Media's Chorus: the credit in a <cite> inside the figure.
            35 => format!("<figure class=\"e-image\">{img}<cite>{t}</cite></figure>"),
            // A Spanish regional site: the credit in a span of its own
            // paragraph after the image's.
            36 => format!("<p>{img}</p>\n<p><span class=\"foto-firma\">{t}</span></p>"),
            // Gazeta Wyborcza: image and source in one box.
            37 => format!(
                "<div class=\"art-img\">{img}<span class=\"art-img-source\">{t}</span></div>"
            ),
            // de Volkskrant / NRC: "Beeld" after a line break, no classes.
            38 => format!("<p>{img}<br>{t}</p>"),
            // Estadão: the credit in italics, no image left in the feed.
            _ => format!("<p><em>{t}</em></p>"),
        };
        (html, text)
    }

    /// Author-bio markup of fourth-pass form `form` (32–39) and its probe.
    pub(super) fn blind4_bio(
        &mut self,
        form: usize,
        name: &str,
        site: &str,
        topic: &str,
        year: u32,
        pron: &str,
    ) -> (String, String) {
        let slug = name.replace([' ', '\''], "-").to_lowercase();
        let she = pron == "her";
        let n = self.rng.u32(4..25);
        match form {
            // WordPress "Simple Author Box" plugin appended to the content.
            32 => {
                let text = format!(
                    "{name} has spent {n} years reporting on {topic}, first for a wire service in Brussels and now for {site}."
                );
                (
                    format!(
                        "<div class=\"saboxplugin-wrap\"><div class=\"saboxplugin-tab\"><div class=\"saboxplugin-gravatar\"><img src=\"https://secure.gravatar.com/avatar/{slug}?s=100\" width=\"100\" height=\"100\" alt=\"{}\"></div><div class=\"saboxplugin-authorname\"><a href=\"https://news.example/author/{slug}/\" class=\"vcard author\"><span class=\"fn\">{}</span></a></div><div class=\"saboxplugin-desc\"><div><p>{}</p></div></div></div></div>",
                        esc(name),
                        esc(name),
                        esc(&text)
                    ),
                    text,
                )
            }
            // Taz / Süddeutsche: the name in bold, then year of birth,
            // studies and desk, in an aside.
            33 => {
                let role = if she { "Redakteurin" } else { "Redakteur" };
                let ressort = self.pick(&["Wirtschaft", "Politik", "Wissen", "Lokales"]);
                let born = self.rng.u32(1970..1996);
                let text = format!(
                    "Jahrgang {born}, studierte Politikwissenschaft in Leipzig und ist seit {year} {role} im Ressort {ressort}."
                );
                (
                    format!(
                        "<aside class=\"autorinfo\"><p><strong>{}</strong>, {}</p></aside>",
                        esc(name),
                        esc(&text)
                    ),
                    text,
                )
            }
            // El País opinion pieces: the author's post in italics at the
            // foot.
            34 => {
                let post = if she { "catedrática" } else { "catedrático" };
                let campo =
                    self.pick(&["Economía Aplicada", "Derecho Constitucional", "Sociología"]);
                let uni = self.pick(&["Sevilla", "Salamanca", "Granada", "Oviedo"]);
                let text = format!("{name} es {post} de {campo} en la Universidad de {uni}.");
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // The Conversation's republishing footer: name, post and
            // university, then the licence line.
            35 => {
                let post = self.pick(&[
                    "Senior Lecturer in Public Health",
                    "Associate Professor of Economics",
                    "Research Fellow in Marine Biology",
                    "Professor of Urban Planning",
                ]);
                let uni = self.pick(&[
                    "University of Bristol",
                    "Monash University",
                    "Cardiff University",
                ]);
                (
                    format!(
                        "<p><span><a href=\"https://theconversation.com/profiles/{slug}-{n}\">{}</a>, {post}, <em><a href=\"https://theconversation.com/institutions/x\">{uni}</a></em></span></p>\n<p>This article is republished from <a href=\"https://theconversation.com\">The Conversation</a> under a Creative Commons license. Read the <a href=\"https://theconversation.com/x-{n}\">original article</a>.</p>",
                        esc(name)
                    ),
                    post.to_string(),
                )
            }
            // The Guardian's opinion pieces: a one-line bio, then the
            // letters invitation in italics.
            36 => {
                let text = format!("{name} is a Guardian columnist");
                (
                    format!(
                        "<p>{}</p>\n<p><em>Do you have an opinion on the issues raised in this article? If you would like to submit a response of up to 300 words by email to be considered for publication in our <a href=\"https://news.example/letters\">letters</a> section, please <a href=\"mailto:letters@news.example\">click here</a>.</em></p>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // Ouest-France / regional French: an avatar and the name in
            // bold, in an aside.
            37 => {
                let service = self.pick(&["Planète", "Économie", "Société", "International"]);
                let subject = if she { "Elle" } else { "Il" };
                let text = format!(
                    "est journaliste au service {service}. {subject} suit les questions d'énergie depuis {year}."
                );
                (
                    format!(
                        "<aside class=\"bloc-auteur\"><img src=\"https://cdn.example/auteurs/{slug}.jpg\" alt=\"\"><p><strong>{}</strong> {}</p></aside>",
                        esc(name),
                        esc(&text)
                    ),
                    text,
                )
            }
            // An Italian daily's author box with its own heading.
            38 => {
                let tema = self.pick(&["politica estera", "sanità", "scuola", "ambiente"]);
                let text = format!(
                    "{name} è giornalista professionista dal {year} e si occupa di {tema}."
                );
                (
                    format!(
                        "<div class=\"box-autore\"><h3>L'autore</h3><p>{}</p></div>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // McClatchy's tagline: name, phone and handle, nothing else.
            _ => {
                let handle = name.replace([' ', '\''], "").to_lowercase();
                let text = format!("{name}: 916-555-01{n:02}, @{handle}");
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
        }
    }

    /// Update-note markup of fourth-pass form `form` (32–39) and its probe.
    pub(super) fn blind4_update(&mut self, form: usize) -> (String, String) {
        let hour = self.rng.u32(1..12);
        let minute = self.rng.u32(10..60);
        match form {
            // NYT: the "Correction:" head and date, then the print
            // corrections column's sentence.
            32 => {
                let day = self.pick(&["March 3, 2025", "Jan. 14, 2025", "Sept. 9, 2025"]);
                let text = format!(
                    "An article on Sunday about the city's budget misstated the number of new police officers. It is {}, not 210.",
                    100 + minute
                );
                (
                    format!(
                        "<p><strong>Correction:</strong> {day}</p>\n<p>{}</p>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // Der Spiegel: "Anmerkung der Redaktion" in italics.
            33 => {
                let text = format!(
                    "Anmerkung der Redaktion: In einer früheren Version dieses Artikels hieß es, der Stadtrat habe den Haushalt mit {minute} Stimmen beschlossen. Tatsächlich waren es {}. Wir haben die Stelle korrigiert.",
                    minute + 2
                );
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // AP's breaking-news head, as a bare paragraph.
            34 => {
                let text =
                    "THIS IS A BREAKING NEWS UPDATE. AP’s earlier story follows below.".to_string();
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // Ouest-France-like: an update line in a classed div.
            35 => {
                let text = format!(
                    "Cet article a été mis à jour le {} mars à {} h {minute} avec la réaction de la préfecture.",
                    hour + 1,
                    hour + 8
                );
                (
                    format!("<div class=\"article-maj\">{}</div>", esc(&text)),
                    text,
                )
            }
            // El País: "Fe de errores" in bold, then the correction.
            36 => {
                let text = format!(
                    "En una versión anterior de esta noticia se indicaba que el pleno aprobó el presupuesto con {minute} votos a favor. Fueron {}.",
                    minute - 3
                );
                (
                    format!("<p><strong>Fe de errores:</strong> {}</p>", esc(&text)),
                    text,
                )
            }
            // Reuters: what the new version adds, in brackets.
            37 => {
                let text = format!(
                    "(Adds quotes from union leader, details on strike in paragraphs {}-{})",
                    hour + 2,
                    hour + 5
                );
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // The Verge (Chorus): the update head in bold, inside italics.
            38 => {
                let day = self.pick(&[
                    "March 3rd",
                    "January 14th",
                    "September 9th",
                    "November 21st",
                ]);
                let text = format!("Update {day}, {hour}:{minute}PM ET:");
                (
                    format!(
                        "<p><em><strong>{}</strong> Added a statement from the company.</em></p>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // Público (Portugal): an update line in italics.
            _ => {
                let text = format!(
                    "Notícia actualizada às {}h{minute} com declarações do ministro da Saúde.",
                    hour + 8
                );
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
        }
    }

    /// Inline-link markup of fourth-pass form `form` (32–39) and its probe
    /// (the linked headline). `head` is an English headline; the
    /// non-English forms pick their own.
    pub(super) fn blind4_link(&mut self, form: usize, url: &str, head: &str) -> (String, String) {
        let head = match form {
            32 => self.pick(HEADLINES_DE).to_string(),
            34 => self.pick(HEADLINES_ES).to_string(),
            35 => self.pick(HEADLINES_FR).to_string(),
            36 => self.pick(HEADLINES_IT).to_string(),
            37 => self.pick(HEADLINES_PL).to_string(),
            // Fox News prints its related headlines in capitals.
            38 => head.to_uppercase(),
            _ => head.to_string(),
        };
        let a = format!("<a href=\"{url}\">{}</a>", esc(&head));
        let html = match form {
            // Tagesschau: "Mehr zum Thema" and a list.
            32 => format!("<p><strong>Mehr zum Thema:</strong></p>\n<ul><li>{a}</li></ul>"),
            // The Guardian's rich link: an aside with "Related:".
            33 => format!(
                "<aside class=\"element element-rich-link\"> <p> <span>Related: </span>{a} </p> </aside>"
            ),
            // Spanish news sites.
            34 => format!("<p><strong>Te puede interesar:</strong> {a}</p>"),
            // Le Monde: "Lire aussi |" and the subscribers-only flag.
            35 => format!(
                "<p><em>Lire aussi |</em> <span class=\"icon__premium\">Article réservé à nos abonnés</span> {a}</p>"
            ),
            // Italian dailies: the label and the link in two paragraphs.
            36 => format!("<p><strong>LEGGI ANCHE</strong></p>\n<p>{a}</p>"),
            // Polish portals.
            37 => format!("<p><b>Czytaj także:</b> {a}</p>"),
            // Fox News: a bare bold link in capitals, no label.
            38 => format!("<p><strong>{a}</strong></p>"),
            // A news site's related-stories box: a heading and a list.
            _ => format!(
                "<div class=\"related-content\"><h3>Related Stories</h3><ul><li>{a}</li></ul></div>"
            ),
        };
        (html, head)
    }

    /// A fourth-pass article sentence that mentions a photo, a writer, an
    /// update or a link (some in the languages of the forms): even indexes
    /// for the dev half, odd for held out. Each has a name, a day or a
    /// number of its own, so that no sentence recurs verbatim in a feed.
    pub(super) fn blind4_mention(&mut self) -> String {
        let name = self.name();
        let day = self.pick(&["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]);
        let n = self.rng.u32(3..90);
        let place = self.pick(&["Macon", "Duluth", "Yakima", "Modesto", "Erie", "Joplin"]);
        let forms = [
            format!(
                "Photo by photo, the exhibition in {place} traces {n} years of the mill's decline, from the first layoffs to the fire."
            ),
            format!(
                "The caption under the picture, written by an intern, misidentified {name} as the mayor's brother, the paper acknowledged on {day}."
            ),
            format!(
                "{name} is a reporter at heart, friends say, even after {n} years running the family's hardware store in {place}."
            ),
            format!(
                "Related by marriage to two of the defendants, {name} stepped aside from the {place} case on {day}."
            ),
            format!(
                "The update, pushed to phones in {place} on {day}, disabled the emergency alert feature for {n} hours."
            ),
            format!(
                "Corrections to the voter rolls in {place} removed {n} names, {name} told reporters on {day}."
            ),
            format!(
                "{name}, who wrote the original investigation in 1998, said on {day} that the paper had never corrected it."
            ),
            format!(
                "Courtesy of a donor who asked not to be named, every pupil in {place} will get a laptop this autumn, {name} said."
            ),
            format!(
                "The link between the two outbreaks in {place} was confirmed on {day}, when sequencing matched {n} samples."
            ),
            format!(
                "Image rights for the {n} portraits remain with {name}'s estate, the {place} museum said."
            ),
            format!(
                "Updated on {day}, the county's flood map now places {n} homes in {place} inside the high-risk zone."
            ),
            format!(
                "Follow-up tests on {day} found lead in {n} of the {place} school's taps, {name} said."
            ),
            format!(
                "Photographs taken by {name} in {place} on {day} show the levee breaching at least {n} minutes before the sirens sounded."
            ),
            format!(
                "Watch parties were held in {n} bars across {place} on {day}, organisers said."
            ),
            format!("Das Foto, das {name} in {place} aufnahm, wurde mehr als {n}.000 Mal geteilt."),
            format!(
                "Les photos prises par {name} à {place} montrent {n} policiers bousculant des journalistes."
            ),
            format!(
                "{name}, periodista del diario durante {n} años, dejó la redacción tras publicar la investigación sobre el puerto de {place}."
            ),
            format!(
                "L'articolo, aggiornato in serata, riportava che a {place} erano stati evacuati {n} edifici, ha detto {name}."
            ),
            format!(
                "Author {name}, whose memoir about growing up in {place} sold {n},000 copies, will speak at the library on {day}."
            ),
            format!(
                "A fotografia de {name}, feita em {place}, venceu o prémio de fotojornalismo entre {n} concorrentes."
            ),
        ];
        self.sentence_of_half(forms)
    }
}
