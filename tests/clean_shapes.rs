//! Issue 17 item 6, third pass: boilerplate known by its shape or its
//! container, each beside article sentences that say the same words and
//! must stay.

use feedsieve::clean::Cleaner;
use feedsieve::config::CleanRules;

const LONG: &str = "The county's emergency office said on Wednesday that the flood barriers along the river held through the night, although two low-lying streets were closed as a precaution.";
const LONG2: &str = "Officials said a full review of the barrier's performance would be published before the end of the month, and that the pumps would be inspected again.";

fn clean(parts: &[&str]) -> (String, Vec<(String, String)>) {
    let html: String = parts.concat();
    let out = Cleaner::new(&CleanRules::default())
        .unwrap()
        .clean(&html, None, None);
    let removed = out
        .removed
        .iter()
        .map(|r| (r.text.clone(), r.reason.clone()))
        .collect();
    (out.text, removed)
}

#[test]
fn boilerplate_by_shape_and_container_goes_and_the_article_stays() {
    let keep = [
        LONG,
        "She said the story had been updated so many times that readers no longer trusted it.",
        LONG2,
        "The photographer, Ana Ruiz, said the police had asked to see the pictures.",
    ];
    let p = |t: &str| format!("<p>{t}</p>\n");
    let (text, removed) = clean(&[
        &p("Changes were made to this story after it was first published."),
        &p(keep[0]),
        // A caption in a container of its own, not named a caption.
        "<div class=\"photo\"><img src=\"https://cdn.example/a.jpg\"><p class=\"photo-text\">Volunteers stack sandbags on Tuesday.</p></div>\n",
        &p(keep[1]),
        // A figure's caption and credit, removed by their class, belong to
        // its image; the next image has a caption of its own.
        "<div class=\"figure\"><img src=\"https://cdn.example/b.jpg\"><div class=\"caption\">A pump.</div><div class=\"credit\">Getty Images</div></div>\n",
        "<p><img src=\"https://cdn.example/c.jpg\"></p>\n",
        &p("<em>Crews repair the levee at dawn on Monday. Photo by Tom Berg</em>"),
        &p("[<a href=\"https://news.example/1\">How the barrier was built in six weeks</a>]"),
        &p(keep[2]),
        &p("<strong><a href=\"https://news.example/2\">Flood insurance claims rise</a></strong>"),
        "<p><img src=\"https://cdn.example/d.jpg\"></p>\n",
        &p("Pictured: the river at its highest, on Sunday."),
        &p("Photo illustration: Metro Ledger"),
        &p(keep[3]),
        &p("(This story has been refiled to fix a typo in paragraph 3)"),
        &p("This version corrects the date of the meeting."),
        &p("Associated Press writer Lee Park in Chicago contributed to this report."),
        &p("Ana Park writes The Ledger Line, a weekly newsletter about state politics."),
    ]);
    for k in keep {
        assert!(text.contains(k), "lost {k:?}:\n{text}");
    }
    for gone in [
        "Changes were made",
        "Volunteers stack",
        "Crews repair",
        "How the barrier",
        "Flood insurance",
        "Pictured:",
        "Photo illustration",
        "refiled",
        "This version corrects",
        "contributed to this report",
        "The Ledger Line",
    ] {
        assert!(!text.contains(gone), "kept {gone:?}:\n{text}\n{removed:#?}");
    }
    // The images stay, and each removal says why.
    let why = |t: &str| {
        removed
            .iter()
            .find(|(x, _)| x.contains(t))
            .map_or("", |(_, r)| r.as_str())
    };
    assert!(why("Volunteers").starts_with("image caption"));
    assert!(why("How the barrier").starts_with("inline related link"));
    assert!(why("Changes were made").starts_with("update note"));
    assert!(why("contributed").starts_with("author bio"));
}
