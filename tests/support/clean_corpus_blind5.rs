//! The fifth pass's surface forms of the two kinds the rules still miss
//! most: author bios and update notes, forms 40–51 of each, and their own
//! article sentences that mention a writer or an update. Written blind,
//! from how publishing systems and outlets print them (Lee's BLOX pages,
//! Gannett's network tagline, Substack and Ghost newsletters, PublishPress
//! author boxes, Telegraph and Indian Express opinion footers, Canadian
//! Press, AP, Reuters, Bloomberg and EFE change notes, Tribune/Hearst
//! editor's notes, CNHI print clarifications, a blogger's edit note, and
//! Dutch and Swedish papers) by someone who had not read the cleaner's
//! rules, their tests or their benchmark notes. Each form gives its whole
//! markup and its probe. Even forms are the dev half, odd forms the
//! held-out half, and the mention sentences are split the same way (by
//! their index). Part of `clean_corpus.rs` (included from it).

use super::{Gen, esc};

const PAPERS: &[&str] = &[
    "Quad-City Times",
    "Billings Gazette",
    "Wisconsin State Journal",
    "Arizona Daily Star",
];
const PAPERS_NL: &[&str] = &["de Volkskrant", "NRC", "Trouw", "het Parool"];
const PAPERS_SV: &[&str] = &["Dagens Nyheter", "Svenska Dagbladet", "Sydsvenskan"];

impl Gen {
    /// Author-bio markup of fifth-pass form `form` (40–51) and its probe.
    pub(super) fn blind5_bio(
        &mut self,
        form: usize,
        name: &str,
        site: &str,
        topic: &str,
        year: u32,
        pron: &str,
    ) -> (String, String) {
        let slug = name.replace([' ', '\''], "-").to_lowercase();
        let mail = name.replace([' ', '\''], ".").to_lowercase();
        let she = pron == "her";
        let n = self.rng.u32(10..99);
        match form {
            // Lee Enterprises (BLOX/TownNews): a rule, then the reporter's
            // beat, phone and email in small print.
            40 => {
                let paper = self.pick(PAPERS);
                let text = format!(
                    "{name} is the {topic} reporter for the {paper}. Contact {pron} at 563-383-22{n} or {mail}@lee.example."
                );
                (format!("<hr>\n<p><small>{}</small></p>", esc(&text)), text)
            }
            // Gannett: the USA TODAY Network tagline with a tip line.
            41 => {
                let paper = self.pick(&[
                    "Detroit Free Press",
                    "The Tennessean",
                    "Indianapolis Star",
                    "Asbury Park Press",
                ]);
                let text = format!(
                    "{name} covers breaking news and public safety for the {paper}, part of the USA TODAY Network. Got a tip? Call 317-444-61{n}."
                );
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // Substack: a rule, then the author's note in italics with a
            // linked book title after the probe.
            42 => {
                let letter =
                    self.pick(&["Slow Boil", "The Back Page", "Field Notes", "Ground Truth"]);
                let text =
                    format!("{name} writes {letter}, a reader-supported newsletter about {topic}.");
                (
                    format!(
                        "<div><hr></div>\n<p><em>{} {} is also the author of <a href=\"https://bookshop.example/{slug}\">The Salt Roads</a> (Norton, {}).</em></p>",
                        esc(&text),
                        if she { "She" } else { "He" },
                        year + 1
                    ),
                    text,
                )
            }
            // Ghost: a grey callout card with an emoji.
            43 => {
                let text = format!(
                    "{name} is a contributing editor who spent {} years at {site} before going independent in {year}.",
                    n % 20 + 3
                );
                (
                    format!(
                        "<div class=\"kg-card kg-callout-card kg-callout-card-grey\"><div class=\"kg-callout-emoji\">✍️</div><div class=\"kg-callout-text\">{}</div></div>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // Dutch national daily: an aside with a portrait.
            44 => {
                let krant = self.pick(PAPERS_NL);
                let beat = self.pick(&["binnenland", "economie", "wetenschap", "onderwijs"]);
                let wie = if she { "zij" } else { "hij" };
                let text = format!(
                    "{name} is verslaggever {beat} bij {krant}. Eerder werkte {wie} als correspondent in Berlijn."
                );
                (
                    format!(
                        "<aside class=\"auteur\"><img src=\"https://cdn.example/auteurs/{slug}.jpg\" alt=\"{}\"><p>{}</p></aside>",
                        esc(name),
                        esc(&text)
                    ),
                    text,
                )
            }
            // A Dutch online magazine: "Over de auteur" heading in a box.
            45 => {
                let over = self.pick(&["klimaat", "zorg", "wonen", "technologie"]);
                let text = format!(
                    "{name} schrijft over {over} en is sinds {year} vaste medewerker. Tips zijn welkom via {mail}@redactie.example."
                );
                (
                    format!(
                        "<div class=\"author-info\"><h4>Over de auteur</h4><p>{}</p></div>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // Swedish: a freelance reporter's line in italics.
            46 => {
                let stad = self.pick(&["Malmö", "Umeå", "Göteborg", "Visby"]);
                let tidning = self.pick(PAPERS_SV);
                let text = format!(
                    "{name} är frilansjournalist i {stad} och skriver regelbundet för {tidning}."
                );
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // Swedish debate/culture page: the signature in a footer, the
            // name and the descriptor in two paragraphs.
            47 => {
                let bok = self.pick(&["Vinterhamnen", "Det tysta huset", "Skuggor över Norrland"]);
                let text = format!("kulturskribent och författare, aktuell med boken ”{bok}”");
                (
                    format!(
                        "<footer><p><strong>{}</strong></p><p>{}</p></footer>",
                        esc(name),
                        esc(&text)
                    ),
                    text,
                )
            }
            // WordPress "PublishPress Authors" box: a heading, a list item
            // with an avatar, the name, the description and an email link.
            48 => {
                let text = format!(
                    "{name} has covered {topic} for trade titles since {year} and edits the weekly briefing for {site}."
                );
                (
                    format!(
                        "<div class=\"pp-multiple-authors-boxes-wrapper\"><h2 class=\"widget-title box-header-title\">Author</h2><ul class=\"pp-multiple-authors-boxes-ul\"><li class=\"pp-multiple-authors-boxes-li\"><div class=\"pp-author-boxes-avatar\"><img src=\"https://secure.gravatar.com/avatar/{slug}?s=80\" alt=\"\"></div><div><a class=\"pp-author-boxes-name\" href=\"https://trade.example/author/{slug}/\">{}</a><p class=\"pp-author-boxes-description multiple-authors-description\">{}</p><a href=\"mailto:{mail}@trade.example\">Email</a></div></li></ul></div>",
                        esc(name),
                        esc(&text)
                    ),
                    text,
                )
            }
            // The Telegraph's opinion pieces: one italic line without a
            // full stop.
            49 => {
                let tank = self.pick(&[
                    "Centre for Policy Studies",
                    "Institute of Economic Affairs",
                    "Resolution Foundation",
                ]);
                let text = format!(
                    "{name} is director of research at the {tank} and a former Treasury adviser"
                );
                (format!("<p><i>{}</i></p>", esc(&text)), text)
            }
            // Indian Express / The Hindu opinion pages: the writer unnamed,
            // in brackets, with the disclaimer.
            50 => {
                let subject = self.pick(&["economics", "political science", "public policy"]);
                let uni = self.pick(&[
                    "Ashoka University",
                    "Jawaharlal Nehru University",
                    "the University of Hyderabad",
                ]);
                let text = format!(
                    "(The writer is a retired professor of {subject} at {uni}. Views are personal.)"
                );
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // The Canadian Press: "With files from" at the foot.
            _ => {
                let city = self.pick(&["Ottawa", "Edmonton", "Halifax", "Winnipeg"]);
                let text = format!("— With files from {name} in {city}");
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
        }
    }

    /// Update-note markup of fifth-pass form `form` (40–51) and its probe.
    pub(super) fn blind5_update(&mut self, form: usize) -> (String, String) {
        let hour = self.rng.u32(1..12);
        let minute = self.rng.u32(10..60);
        let n = self.rng.u32(20..90);
        match form {
            // AP: a correction sentence as the first line.
            40 => {
                let text = format!(
                    "This story has been corrected to show that the county jail holds {} inmates, not {}.",
                    n * 10,
                    n * 10 + 100
                );
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // Reuters: the refile note in brackets.
            41 => {
                let text = format!(
                    "(Refiles to add dropped word in paragraph {})",
                    hour % 9 + 2
                );
                (format!("<p>{}</p>", esc(&text)), text)
            }
            // Bloomberg: what the new version adds, in italics.
            42 => {
                let what = self.pick(&[
                    "closing share price",
                    "analyst comment",
                    "company statement",
                    "chart",
                ]);
                let which = self.pick(&["third", "fifth", "seventh"]);
                let text = format!("(Updates with {what} in {which} paragraph.)");
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // The Independent / Telegraph: the amendment footnote.
            43 => {
                let text = format!(
                    "This article has been amended to reflect that the inquiry heard evidence from {n} witnesses, not {}.",
                    n + 4
                );
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // Dutch daily: "Correctie" with a date, in italics.
            44 => {
                let text = format!(
                    "Correctie {} maart: in een eerdere versie van dit artikel stond dat de gemeenteraad {n} zetels telt. Dat zijn er {}.",
                    hour + 10,
                    n + 5
                );
                (format!("<p><i>{}</i></p>", esc(&text)), text)
            }
            // Dutch regional broadcaster: what was added, in italics.
            45 => {
                let wie = self.pick(&["de wethouder", "de burgemeester", "de provincie"]);
                let text = format!(
                    "Dit bericht is om {}.{minute} uur aangevuld met een reactie van {wie}.",
                    hour + 8
                );
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // Swedish: "Rättelse" paragraph with its own class.
            46 => {
                let text = format!(
                    "Rättelse: I en tidigare version av artikeln angavs fel datum för omröstningen i kommunfullmäktige. Rätt datum är den {} mars.",
                    hour + 10
                );
                (format!("<p class=\"correction\">{}</p>", esc(&text)), text)
            }
            // Swedish: a time-stamped update line.
            47 => {
                let text = format!(
                    "Artikeln uppdaterades kl. {}.{minute} med kommentar från kommunstyrelsens ordförande.",
                    hour + 8
                );
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // Tribune / Hearst: an editor's note box at the top, with a
            // curly apostrophe.
            48 => {
                let text = format!(
                    "An earlier headline on this story overstated the number of layoffs at the plant. The company is cutting {n} jobs."
                );
                (
                    format!(
                        "<div class=\"editors-note\"><p><strong>Editor’s note:</strong> {}</p></div>",
                        esc(&text)
                    ),
                    text,
                )
            }
            // CNHI: the print clarification, label in bold capitals.
            49 => {
                let day = self.pick(&["Sunday", "Tuesday", "Wednesday", "Saturday"]);
                let text = format!(
                    "A story on Page A1 of the {day} edition about the school board race should have said that the incumbent has served {} terms.",
                    hour % 3 + 2
                );
                (format!("<p><b>CLARIFICATION:</b> {}</p>", esc(&text)), text)
            }
            // A blogger's edit note in brackets and italics.
            50 => {
                let day = self.pick(&["3/4", "3/5", "11/21", "1/14"]);
                let text = format!(
                    "[Edit {day}: A reader pointed out that the {n} percent figure was for the whole state, not the county. I’ve fixed it above.]"
                );
                (format!("<p><em>{}</em></p>", esc(&text)), text)
            }
            // EFE: what the new version adds, in brackets, in Spanish.
            _ => {
                let what = self.pick(&[
                    "declaraciones del ministro del Interior",
                    "el balance de víctimas",
                    "la reacción de la oposición",
                ]);
                let text = format!("(Actualiza con {what})");
                (format!("<p>{}</p>", esc(&text)), text)
            }
        }
    }

    /// A fifth-pass article sentence that mentions a writer or an update
    /// (some in Dutch and Swedish): even indexes for the dev half, odd for
    /// held out. Each has a name, a day or a number of its own.
    pub(super) fn blind5_mention(&mut self) -> String {
        let name = self.name();
        let day = self.pick(&["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]);
        let n = self.rng.u32(3..90);
        let place = self.pick(&["Kenosha", "Pueblo", "Bangor", "Lufkin", "Ames", "Dothan"]);
        let forms = [
            format!(
                "{name}, a freelance reporter who covered the {place} mine collapse, was detained at the border on {day} and held for {n} hours."
            ),
            format!(
                "The state updated its sex-education law last year, and {n} districts around {place} have yet to change their curriculum, {name} said."
            ),
            format!(
                "Editors at the {place} weekly said on {day} that they had corrected {n} stories in the past year, more than in the previous decade."
            ),
            format!(
                "{name} joined the {place} fire department in 1998 and was its chief for {n} years."
            ),
            format!(
                "Contact with the crew was lost at {n} minutes past four, the coastguard in {place} said on {day}."
            ),
            format!(
                "The clarification the district issued on {day} said {n} teachers, not all of them, would be moved to the new {place} campus."
            ),
            format!(
                "{name}, whose novel about the {place} strike was shortlisted for a prize, said on {day} that she had based it on her father's letters."
            ),
            format!(
                "The software update, which the city installed on {day}, left {n} traffic lights in {place} flashing red."
            ),
            format!(
                "{name} is a reporter's reporter, colleagues said at the memorial in {place}, someone who made {n} calls before writing a line."
            ),
            format!(
                "Amended twice since it passed, the {place} ordinance now allows {n} food trucks downtown, {name} said."
            ),
            format!(
                "With reporting from the union's own surveys, {name} told the board on {day} that {n} nurses in {place} planned to quit."
            ),
            format!(
                "The editor's note added to the 2011 series on {day} acknowledged that {name} had not been told of the payments."
            ),
            format!(
                "{name} is verslaggever geweest bij de regionale omroep en werkt nu {n} jaar als wethouder in {place}."
            ),
            format!(
                "Volgens de bijgewerkte cijfers van dinsdag zijn in {place} {n} woningen getroffen door de overstroming."
            ),
            format!(
                "{name}, som i {n} år skrev om lokalpolitiken i {place}, lämnade tidningen i protest mot nedskärningarna."
            ),
            format!(
                "Kommunen rättade i går uppgiften om skolan i {place}: {n} elever, inte hälften, berörs av flytten."
            ),
        ];
        self.sentence_of_half(forms)
    }
}
