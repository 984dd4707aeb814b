//! The third pass's surface forms, 24–31 of every kind, and their own
//! article sentences that mention a photo, a writer, an update or a link.
//! Written from how publishing systems mark these up (WordPress classic and
//! block editors, Arc, Brightspot, Substack, Medium, Ghost, AP and Reuters
//! syndication, local-news CMSs) *before* any rule of the third pass was
//! changed; even forms are the dev half, odd forms the held-out half, and
//! the mention sentences are split the same way (by their index).
//! Part of `clean_corpus.rs` (included from it).

use super::{AGENCIES, Gen, SITES, esc, title_case};

impl Gen {
    /// Credit text of blind form `form` (24–31).
    pub(super) fn blind_credit(&mut self, form: usize, name: &str, agency: &str) -> String {
        let site = title_case(self.pick(SITES));
        match form {
            // Arc: photographer and outlet in brackets.
            24 => format!("(Photo by {name}/{site})"),
            // AFP through Getty, upper-case name.
            25 => format!(
                "(Photo by {} / {} via Getty Images)",
                name.to_uppercase(),
                agency.to_uppercase()
            ),
            // Local papers.
            26 => format!("Staff photo by {name}"),
            // Gannett and many dailies: "Name, Outlet".
            27 => format!("{name}, {site}"),
            28 => format!("Photo: Courtesy of {site}"),
            // Gannett's older templates.
            29 => format!("(Photo: {name}/{site})"),
            30 => format!("Photo submitted by {name}"),
            // Bloomberg.
            _ => format!("Photographer: {name}/{agency}"),
        }
    }

    /// Caption markup of blind form `form` (24–31); `scene` is the probe.
    pub(super) fn blind_caption(
        &mut self,
        form: usize,
        scene: &str,
        day: &str,
        img: &str,
    ) -> String {
        let name = self.name();
        let site = title_case(self.pick(SITES));
        let agency = self.pick(AGENCIES);
        match form {
            // Arc XP.
            24 => format!(
                "<figure class=\"c-media-item\">{img}<figcaption class=\"c-media-item__caption\"><span class=\"c-media-item__caption-text\">{scene} on {day}.</span> <span class=\"c-media-item__credit\">({})</span></figcaption></figure>",
                esc(&format!("Photo by {name}/{site}"))
            ),
            // AP syndication: "FILE - …" and the AP credit in one line.
            25 => format!(
                "<p>{img}</p>\n<p>FILE - {scene}, on {day}, March 3, 2024. (AP Photo/{}, File)</p>",
                esc(&name)
            ),
            // Brightspot.
            26 => format!(
                "<div class=\"Enhancement\"><div class=\"Figure\">{img}<div class=\"Figure-content\"><div class=\"Figure-caption\"><p>{scene}.</p></div><div class=\"Figure-credit\">{}</div></div></div></div>",
                esc(agency)
            ),
            // Reuters syndication: the credit in capitals at the end.
            27 => format!(
                "<p>{img}</p>\n<p>{scene} in Springfield, {day}. REUTERS/{}</p>",
                esc(&name)
            ),
            // Substack.
            28 => format!(
                "<div class=\"captioned-image-container\"><figure><a class=\"image-link image2\" href=\"https://cdn.example/full.jpg\">{img}</a><figcaption class=\"image-caption\">{scene}, {day}.</figcaption></figure></div>"
            ),
            // A local-news CMS (BLOX-like): the caption in its own block
            // after the photo's.
            29 => format!(
                "<div class=\"photo-container\">{img}</div>\n<div class=\"caption-text\"><p>{scene} on {day}.</p></div>\n<div class=\"photo-credit\">{}</div>",
                esc(&format!("{name} / {site}"))
            ),
            // WordPress classic editor: centred image, centred italic line.
            30 => format!(
                "<p style=\"text-align: center;\">{img}</p>\n<p style=\"text-align: center;\"><em>{scene} on {day}. Photo by {}</em></p>",
                esc(&name)
            ),
            // WordPress without HTML5 captions: a definition list.
            _ => format!(
                "<dl class=\"wp-caption alignnone\"><dt class=\"wp-caption-dt\">{img}</dt><dd class=\"wp-caption-dd\">{scene} on {day}.</dd></dl>"
            ),
        }
    }

    /// Bio text of blind form `form` (24–31).
    pub(super) fn blind_bio(
        &mut self,
        form: usize,
        name: &str,
        site: &str,
        topic: &str,
        year: u32,
        pron: &str,
    ) -> String {
        let first = name.split(' ').next().unwrap_or("");
        let subject = match pron {
            "her" => "She",
            "him" => "He",
            _ => "They",
        };
        let other = self.pick(SITES);
        match form {
            // Substack / newsletters.
            24 => format!("{name} writes The Ledger Line, a weekly newsletter about {topic}."),
            // Medium.
            25 => format!(
                "{name} is a software engineer and writer in Portland who writes about {topic}."
            ),
            // AP: a contributor line.
            26 => format!("Associated Press writer {name} in Chicago contributed to this report."),
            // Local news: a contact line.
            27 => format!("Contact reporter {name} at {first}@news.example or 555-0142."),
            28 => {
                format!("{name} is a Report for America corps member covering {topic} for {site}.")
            }
            29 => format!(
                "{name} is the {topic} reporter for {site}. Got a tip? Email {first}@news.example."
            ),
            30 => format!(
                "{name} has covered {topic} for {site} since {year}. {subject} previously worked at {other}."
            ),
            _ => format!(
                "{name} is an award-winning journalist whose work has appeared in {site} and {other}."
            ),
        }
    }

    /// Update-note text of blind form `form` (24–31).
    pub(super) fn blind_update(&mut self, form: usize, day: &str) -> String {
        match form {
            24 => "Editor's note: An earlier version of this story incorrectly stated the size of the grant. It has been corrected.".to_string(),
            25 => format!("This story was updated at 6:40 p.m. on {day} to include the final vote."),
            // Reuters.
            26 => "(This story has been refiled to fix a typo in paragraph 3)".to_string(),
            27 => "(Corrects spelling of the mayor's name in second paragraph)".to_string(),
            // AP.
            28 => "This version corrects the date of the meeting to Thursday.".to_string(),
            29 => format!("Originally published {day}; updated with the result of the vote."),
            30 => "A previous version of this post misspelled the name of the contractor. We regret the error.".to_string(),
            // The Guardian's footnote.
            _ => format!(
                "• This article was amended on {day} 2025. An earlier version said the school had 400 pupils; it has 340."
            ),
        }
    }

    /// Inline-link markup of blind form `form` (24–31).
    pub(super) fn blind_link(&mut self, form: usize, a: &str, site: &str) -> String {
        match form {
            // Arc (The Washington Post): the headline in brackets.
            24 => format!("<p>[{a}]</p>"),
            // Axios.
            25 => format!("<p><strong>Go deeper:</strong> {a}</p>"),
            // Gannett: "More:" and a no-break space.
            26 => format!("<p>More:&nbsp;{a}</p>"),
            27 => format!("<p><strong>TRENDING:</strong> {a}</p>"),
            // A local site's list of related stories.
            28 => format!(
                "<p><strong>Related stories from {site}:</strong></p>\n<ul><li>{a}</li></ul>"
            ),
            29 => format!("<p>RECOMMENDED: {a}</p>"),
            // A bare headline link in bold, between paragraphs.
            30 => format!("<p><strong>{a}</strong></p>"),
            _ => format!("<p>ICYMI: {a}</p>"),
        }
    }

    /// A blind-set article sentence that mentions a photo, a writer, an
    /// update or a link: even indexes for the dev half, odd for held out.
    /// Each has a name, a day or a number of its own, as articles do, so
    /// that no sentence recurs verbatim in a feed (the learned template
    /// would take it, and rightly).
    pub(super) fn blind_mention(&mut self) -> String {
        let name = self.name();
        let day = self.pick(&["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]);
        let n = self.rng.u32(2..60);
        let place = self.pick(&["Newark", "Dayton", "Fresno", "Tulsa", "Boise", "Akron"]);
        let forms = [
            format!(
                "In a photo posted to his account on {day}, {name} is seen shaking hands with the developer at the {place} site."
            ),
            format!(
                "The newspaper later said the photograph of {name} had been taken by a freelancer in {place} and published without the family's consent."
            ),
            format!(
                "{name}, a staff writer at the magazine for {n} years, resigned on {day}, citing the new owner's interference."
            ),
            format!(
                "{name} is a correspondent for a radio station in {place} and was held at the border for {n} hours, the station said."
            ),
            format!(
                "The company said it had updated its privacy policy on {day} after regulators in {place} raised concerns about location data."
            ),
            format!(
                "Updated figures released on {day} showed the deficit in {place} was {n} percent larger than first reported."
            ),
            format!(
                "More than {n} percent of the respondents in {place} said they would read more local news if it cost nothing."
            ),
            format!(
                "Also on the {place} ballot is a measure to raise the sales tax by half a cent, which {name} opposes."
            ),
            format!(
                "The photographer, {name}, said the {place} police had asked to see the pictures on {day}."
            ),
            format!(
                "Writer {name} told the {place} court on {day} that the memoir had been edited without consent."
            ),
            format!(
                "Correction fluid, pens and {n} boxes of paper were taken from the {place} office, police said."
            ),
            format!(
                "Credit unions in {place} lent {n} percent more to small businesses this year than last, {name} said."
            ),
        ];
        self.sentence_of_half(forms)
    }
}
