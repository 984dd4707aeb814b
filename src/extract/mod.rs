//! Main-article extraction: a whole HTML page in, the article it carries out
//! (title, HTML, plain text).
//!
//! Pure: it never fetches, never touches the database and never sanitises —
//! the returned HTML is the page's own markup, which the caller must run
//! through the cleaner (the same sanitiser as feed content) before storing or
//! showing it.

mod content;
mod page;
mod render;
mod signals;
mod structured;

use scraper::Html;
use url::Url;

use page::{Page, collapse};

/// How the article was found on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// schema.org JSON-LD `articleBody`.
    StructuredData,
    /// A content block chosen from the page's DOM.
    Dom,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::StructuredData => "structured-data",
            Method::Dom => "dom",
        }
    }
}

/// The article a page carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub title: Option<String>,
    /// The article's markup, unsanitised: clean it before use.
    pub html: String,
    /// Plain text, paragraphs separated by a blank line.
    pub text: String,
    pub method: Method,
    /// The writers the page names in its JSON-LD article or its meta tags,
    /// as printed ("Ana Ruiz", "By Ana Ruiz"): the cleaner's byline for a
    /// page read without a feed.
    pub authors: Vec<String>,
}

/// Extracts the main article of `page_html`; `None` when the page has no
/// recognisable article text. `page_url` resolves relative links.
pub fn extract(page_html: &str, page_url: Option<&Url>) -> Option<Article> {
    let document = Html::parse_document(page::bounded_depth(page_html));
    let page = Page::build(&document);
    let structured = structured::read(&page.json_ld);
    let dom = content::find(&page).map(|c| {
        let text = render::text(&page, &c);
        (text, c)
    });
    let title = structured
        .headline
        .clone()
        .or_else(|| page.meta_title.clone())
        .or_else(|| page.h1())
        .or_else(|| page.title.clone());
    let body = structured.body.as_deref().map(structured_text);
    let (text, html, method) = match (dom, body) {
        (Some((text, _)), Some(body)) if structured_is_fuller(&body, &text) => {
            let html = paragraphs_html(&body);
            (body, html, Method::StructuredData)
        }
        (Some((text, c)), _) => {
            let html = render::html(&page, &c, page_url);
            (text, html, Method::Dom)
        }
        (None, Some(body)) => {
            let html = paragraphs_html(&body);
            (body, html, Method::StructuredData)
        }
        (None, None) => return None,
    };
    if text.trim().is_empty() {
        return None;
    }
    let authors = if structured.authors.is_empty() {
        page.meta_authors.clone()
    } else {
        structured.authors.clone()
    };
    Some(Article {
        title,
        html,
        text,
        method,
        authors,
    })
}

/// A trace of the extractor's decisions on `page_html`, one line per run of
/// text (kept or not, why, where), for tuning the heuristics on real pages.
pub fn explain(page_html: &str) -> String {
    let document = Html::parse_document(page::bounded_depth(page_html));
    let page = Page::build(&document);
    content::explain(&page)
}

/// An `articleBody` as plain text, a paragraph per line: some sites put
/// markup in it.
fn structured_text(body: &str) -> String {
    if !body.contains('<') {
        let lines: Vec<String> = body
            .lines()
            .map(collapse)
            .filter(|l| !l.is_empty())
            .collect();
        return lines.join("\n\n");
    }
    let fragment = Html::parse_fragment(page::bounded_depth(body));
    let page = Page::build(&fragment);
    let all = content::Content {
        root: 0,
        keep: vec![true; page.runs.len()],
        furniture: vec![false; page.nodes.len()],
    };
    render::text(&page, &all)
}

/// Whether the JSON-LD body should stand for the article instead of what
/// the DOM gave: only when the DOM found a fragment of it (a page that
/// renders its body with scripts). Sites also cut the body short or pad it
/// with other text, so where the DOM holds an article of its own, the DOM
/// wins; the body must contain what the DOM found, and be over twice as long.
fn structured_is_fuller(body: &str, dom: &str) -> bool {
    use std::collections::HashSet;
    let body_words: HashSet<&str> = body.split(|c: char| !c.is_alphanumeric()).collect();
    let dom_words: Vec<&str> = dom
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let body_count = body
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count();
    let found = dom_words.iter().filter(|w| body_words.contains(*w)).count();
    body_count > 2 * dom_words.len() && found * 5 >= dom_words.len() * 4
}

/// Plain text as HTML paragraphs.
fn paragraphs_html(text: &str) -> String {
    let mut out = String::new();
    for para in text.split("\n\n") {
        let para = collapse(para);
        if para.is_empty() {
            continue;
        }
        out.push_str("<p>");
        for c in para.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c => out.push(c),
            }
        }
        out.push_str("</p>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(words: &str, n: usize) -> String {
        (0..n)
            .map(|i| format!("<p>{words} sentence number {i}, which goes on long enough to read as prose, with a clause or two more to be sure of it.</p>"))
            .collect()
    }

    #[test]
    fn the_article_element_wins_over_the_page_around_it() {
        let page = format!(
            "<html><head><title>T</title></head><body><nav><p>Home</p></nav>\
             <article><h1>Headline</h1>{}</article>\
             <footer><p>Copyright</p></footer></body></html>",
            para("Story", 3)
        );
        let article = extract(&page, None);
        let article = article.as_ref();
        let text = article.map(|a| a.text.as_str()).unwrap_or("");
        assert!(text.starts_with("Story sentence number 0"), "{text}");
        assert!(text.contains("number 2"), "{text}");
        assert!(
            !text.contains("Copyright") && !text.contains("Home") && !text.contains("Headline")
        );
        assert_eq!(article.and_then(|a| a.title.as_deref()), Some("Headline"));
    }

    #[test]
    fn comments_related_lists_and_cookie_banners_are_left_out() {
        let page = format!(
            "<html><body>\
             <div class=\"cookie-banner\"><p>We use cookies to improve your experience on this website, accept them all.</p></div>\
             <div class=\"content\"><h1>Headline</h1>{}\
             <div class=\"related-stories\"><ul><li><a href=/a>Another story about something else entirely</a></li>\
             <li><a href=/b>Yet another story that is linked here</a></li></ul></div>\
             <section id=\"comments\">{}</section></div></body></html>",
            para("Story", 4),
            para("Reader comment", 5)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.contains("Story sentence number 3"), "{text}");
        assert!(!text.contains("cookies"), "{text}");
        assert!(!text.contains("Another story"), "{text}");
        assert!(!text.contains("Reader comment"), "{text}");
    }

    #[test]
    fn byline_and_date_before_the_first_paragraph_are_left_out() {
        let page = format!(
            "<html><body><div><h1>Headline</h1><div><span>By Jane Doe</span></div>\
             <div>Nov. 19, 2019</div>{}<div>Share</div></div></body></html>",
            para("Story", 3)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.starts_with("Story sentence number 0"), "{text}");
        assert!(!text.contains("Jane") && !text.contains("2019") && !text.contains("Share"));
    }

    /// Short lines of a schedule or a standings table, written as
    /// paragraphs: too short to read as prose one by one.
    fn short_lines(n: usize) -> String {
        (0..n)
            .map(|i| format!("<p>June {i} -- Amphitheatre number {i}, Tampa</p>"))
            .collect()
    }

    #[test]
    fn an_article_ending_in_short_lines_keeps_its_tail_but_not_the_list_after_it() {
        let page = format!(
            "<html><body><div class=\"story\"><h1>Headline</h1>{}{}\
             <p>Tickets on sale Friday.</p></div>\
             <div class=\"more\"><h3>Latest</h3><ul>\
             <li><a href=/a>Another story about something else entirely</a></li>\
             <li><a href=/b>Yet another story that is linked from here</a></li></ul></div>\
             </body></html>",
            para("Story", 3),
            short_lines(12)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.contains("June 11 -- Amphitheatre number 11"), "{text}");
        assert!(text.ends_with("Tickets on sale Friday."), "{text}");
        assert!(!text.contains("Another story") && !text.contains("Latest"));
    }

    #[test]
    fn an_article_opening_with_a_short_line_keeps_it() {
        let page = format!(
            "<html><body><div class=\"story\"><h1>Headline</h1>\
             <p>A half century on, the band is still playing.</p><h3>The tour</h3>{}</div></body></html>",
            para("Story", 3)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(
            text.starts_with("A half century on, the band is still playing.\n\nThe tour\n\nStory"),
            "{text}"
        );
    }

    #[test]
    fn many_short_lines_do_not_shrink_the_article_to_one_paragraph() {
        let page = format!(
            "<html><body><nav><a href=/>Home</a></nav><div class=\"standings\">\
             {}{}<p>Closing words on the standings, long enough to be read as a paragraph of prose.</p>\
             </div></body></html>",
            para("Intro", 2),
            short_lines(40)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.starts_with("Intro sentence number 0"), "{text}");
        assert!(text.contains("June 39 -- Amphitheatre number 39"), "{text}");
        assert!(text.ends_with("paragraph of prose."), "{text}");
    }

    #[test]
    fn a_digest_of_items_citing_their_sources_is_kept_whole() {
        let item = |i: usize| {
            format!(
                "<li>Item {i} of the digest says what happened today, in a sentence or two of its own, \
                 <a href=/s{i}>as the outlet that broke the story reported on Monday morning</a>.</li>"
            )
        };
        let items: String = (0..10).map(item).collect();
        let page = format!(
            "<html><body><div class=\"post\"><h1>10 things</h1><p>Good morning! Here is the news.</p>\
             <ol>{items}</ol>{}</div><div class=\"more\"><ul>\
             <li><a href=/a>Another story about something else entirely</a></li>\
             <li><a href=/b>Yet another story that is linked from here</a></li></ul></div>\
             </body></html>",
            para("Outro", 1)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.contains("Item 0 of the digest"), "{text}");
        assert!(text.contains("Item 9 of the digest"), "{text}");
        assert!(!text.contains("Another story"), "{text}");
    }

    #[test]
    fn of_several_article_elements_the_headline_s_is_the_article() {
        let teaser = |n: usize| {
            format!(
                "<article class=\"post\"><h3><a href=/t{n}>Teaser {n}</a></h3>{}</article>",
                para(&format!("Teaser {n}"), 2)
            )
        };
        let teasers: String = (0..4).map(teaser).collect();
        let page = format!(
            "<html><body><div id=\"primary\"><article class=\"post\"><h1>Headline</h1>{}</article>\
             <h3>You may also like</h3>{teasers}</div></body></html>",
            para("Story", 3)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.starts_with("Story sentence number 0"), "{text}");
        assert!(text.ends_with("sure of it."), "{text}");
        assert!(!text.contains("Teaser"), "{text}");
        // A headline over a teaser does not make it the article; the
        // article holding most of the prose is.
        let blurb = |n: usize| {
            format!(
                "<article class=\"teaser\"><h2><a href=/t{n}>Teaser {n}</a></h2>{}</article>",
                para(&format!("Teaser {n}"), 1)
            )
        };
        let blurbs: String = (0..10).map(blurb).collect();
        let page = format!(
            "<html><body><article class=\"story\"><h2>Headline</h2>{}</article>\
             <article class=\"featured\"><h1>Featured</h1><p>A featured teaser, one line long enough to count as prose.</p></article>\
             {blurbs}</body></html>",
            para("Story", 12)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.starts_with("Story sentence number 0"), "{text}");
        assert!(text.contains("Story sentence number 11"), "{text}");
        assert!(
            !text.contains("Teaser") && !text.contains("featured"),
            "{text}"
        );
    }

    /// A linked title, a blurb long enough to read as prose, a byline.
    fn teaser_unit(n: usize) -> String {
        format!(
            "<h5><a href=/t{n}>Teaser title {n}</a></h5>\
             <p class=\"excerpt\">Teaser blurb {n} that sums up another story in one sentence of prose, and a clause.</p>\
             <div>Jane Doe 2019-11-20</div>"
        )
    }

    #[test]
    fn teasers_after_the_article_in_its_block_are_left_out() {
        let teasers: String = (0..3).map(teaser_unit).collect();
        let page = format!(
            "<html><body><div class=\"post-content\"><h1>Headline</h1>{}\
             <h2>Most popular</h2>{teasers}</div></body></html>",
            para("Story", 4)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.contains("Story sentence number 3"), "{text}");
        assert!(
            !text.contains("Teaser") && !text.contains("Most popular"),
            "{text}"
        );
        // A guide made of such units is the article itself.
        let units: String = (0..8).map(teaser_unit).collect();
        let page = format!(
            "<html><body><div class=\"post-content\"><h1>Gift guide</h1>{}{units}</div></body></html>",
            para("Intro", 1)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.contains("Teaser blurb 7"), "{text}");
    }

    #[test]
    fn ad_labels_between_paragraphs_are_left_out() {
        let page = format!(
            "<html><body><div class=\"post\">{}<center>Advert</center>{}\
             <div>ADVERTISEMENT</div>{}</div></body></html>",
            para("One", 2),
            para("Two", 2),
            para("Three", 2)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.contains("Three sentence number 1"), "{text}");
        assert!(!text.to_lowercase().contains("advert"), "{text}");
    }

    #[test]
    fn a_sentence_citing_its_sources_stays_but_a_read_more_line_does_not() {
        let page = format!(
            "<html><body><div class=\"post\">{}\
             <p>The case <a href=/s>had been shelved in 2017 but was re-opened</a> this year.</p>\
             <p>Read more: <a href=/r>Another story about something else entirely</a></p>{}\
             </div></body></html>",
            para("One", 2),
            para("Two", 2)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.contains("The case had been shelved"), "{text}");
        assert!(!text.contains("Read more"), "{text}");
    }

    #[test]
    fn a_hundred_thousand_nested_elements_do_not_overflow_the_stack() {
        let depth = 100_000;
        let mut page = format!("<html><body><div>{}", para("Shallow", 3));
        for _ in 0..depth {
            page.push_str("<div>");
        }
        page.push_str(&para("Deep", 3));
        for _ in 0..depth {
            page.push_str("</div>");
        }
        // A small stack, as on a worker thread: nothing may recurse per level.
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || extract(&page, None).map(|a| (a.text, a.html)));
        let result = handle.ok().and_then(|h| h.join().ok()).flatten();
        let (text, html) = result.unwrap_or_default();
        assert!(text.contains("Shallow sentence number 2"), "{text}");
        assert!(html.contains("Shallow sentence number 2"));
    }

    #[test]
    fn nesting_is_cut_only_past_the_bound() {
        let mut page = String::from("<script>var s = '<div><div><div>';</script><!-- <div> -->");
        for _ in 0..page::MAX_DEPTH {
            page.push_str("<div><p>unclosed");
        }
        assert_eq!(page::bounded_depth(&page), page);
        page.push_str("<div>past");
        assert!(!page::bounded_depth(&page).contains("past"));
    }

    fn with_json_ld(body: &str, dom: &str) -> String {
        let script = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "Structured headline",
            "articleBody": body,
        });
        format!(
            "<html><head><script type=\"application/ld+json\">{script}</script></head>\
             <body><article>{dom}</article></body></html>"
        )
    }

    #[test]
    fn json_ld_body_stands_in_when_the_dom_has_only_a_fragment_of_it() {
        let full: String = (0..12)
            .map(|i| format!("Full story sentence {i} with several words in it. "))
            .collect();
        let teaser = "<p>Full story sentence 0 with several words in it. Full story sentence 1 with several words in it.</p>";
        let article = extract(&with_json_ld(&full, teaser), None);
        assert_eq!(
            article.as_ref().map(|a| a.method),
            Some(Method::StructuredData)
        );
        let text = article.map(|a| a.text).unwrap_or_default();
        assert!(text.contains("sentence 11"), "{text}");
    }

    #[test]
    fn a_json_ld_body_that_is_cut_short_or_foreign_loses_to_the_dom() {
        let dom = para("Story", 6);
        let cut = "Story sentence number 0, which goes on…";
        let article = extract(&with_json_ld(cut, &dom), None);
        assert_eq!(article.as_ref().map(|a| a.method), Some(Method::Dom));
        assert!(article.is_some_and(|a| a.text.contains("number 5")));
        let foreign: String = (0..200).map(|i| format!("Unrelated words {i}. ")).collect();
        let article = extract(&with_json_ld(&foreign, &dom), None);
        assert_eq!(article.as_ref().map(|a| a.method), Some(Method::Dom));
    }

    #[test]
    fn markup_in_a_json_ld_body_becomes_plain_text() {
        let body: String = (0..12)
            .map(|i| format!("<p>Marked <b>up</b> sentence {i} of the story.</p>"))
            .collect();
        let article = extract(&with_json_ld(&body, ""), None);
        let text = article.map(|a| a.text).unwrap_or_default();
        assert!(
            text.starts_with("Marked up sentence 0 of the story."),
            "{text}"
        );
        assert!(!text.contains('<'), "{text}");
    }

    /// Many sites set the standfirst under the headline, outside the
    /// body's element: it is the article's opening, so it is kept, in its
    /// place, in the text and the markup alike.
    #[test]
    fn the_standfirst_under_the_headline_opens_the_article() {
        let lead = "Schwere Schlappe für den Premier: das Parlament vertagt die Abstimmung über den Vertrag.";
        let page = format!(
            "<html><head><title>Parlament vertagt Abstimmung - Zeitung</title></head><body>\
             <div class=\"top\"><h1>Parlament vertagt Abstimmung</h1><div>19. Oktober 2019</div>\
             <p class=\"intro\">{lead}</p></div>\
             <div class=\"article-body\">{}</div></body></html>",
            para("Story", 4)
        );
        let article = extract(&page, None);
        let text = article.as_ref().map(|a| a.text.as_str()).unwrap_or("");
        assert!(text.starts_with(lead), "{text}");
        assert!(text.contains("Story sentence number 3") && !text.contains("2019"));
        let html = article.as_ref().map(|a| a.html.as_str()).unwrap_or("");
        let (at_lead, at_story) = (html.find("Schwere"), html.find("Story sentence"));
        assert!(at_lead.is_some() && at_lead < at_story, "{html}");
        assert!(!html.contains("Parlament vertagt Abstimmung<"), "{html}");
    }

    /// A header inside the article is the article's (its headline and
    /// standfirst); the page's own header is the site's.
    #[test]
    fn the_articles_header_is_its_own_and_the_pages_is_the_sites() {
        let dek = "The council closes the old bridge to cars from March, after engineers found cracks in two piers.";
        let page = format!(
            "<html><body><header><p>The Valley Courier, news of the valley and the towns around it since 1901.</p></header>\
             <article><header><h1>Bridge to close</h1><p class=\"dek\">{dek}</p></header>\
             <div class=\"story-body\">{}</div></article></body></html>",
            para("Story", 4)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.starts_with(dek), "{text}");
        assert!(
            !text.contains("since 1901") && !text.contains("Bridge to close"),
            "{text}"
        );
    }

    /// A page builder's post set in plain elements, with the cards of two
    /// other posts as `<article>` elements under it: the cards are teasers,
    /// not the page's article, however their names read.
    #[test]
    fn article_cards_under_a_post_set_in_other_elements_are_teasers() {
        let card = |n: u32| {
            format!(
                "<article class=\"card\"><h3><a href=/p{n}>Another post {n}</a></h3>\
                 <div class=\"post-text\"><p>The teaser of another post number {n}, long enough to read as a paragraph of prose.</p></div></article>"
            )
        };
        let page = format!(
            "<html><body><h1>Hope</h1><div class=\"widget-post-content\">{}</div>\
             <div class=\"more\">{}{}</div></body></html>",
            para("Story", 5),
            card(1),
            card(2)
        );
        let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
        assert!(text.starts_with("Story sentence number 0"), "{text}");
        assert!(
            text.contains("Story sentence number 4") && !text.contains("teaser"),
            "{text}"
        );
    }

    /// What lies before the body under another heading (a teaser's blurb)
    /// or beyond a list of links is not the article's.
    #[test]
    fn a_blurb_under_a_small_heading_or_past_links_is_not_a_standfirst() {
        let blurb =
            "A blurb of another story that sits before this one, long enough to read as prose.";
        let teaser = format!(
            "<html><head><title>Headline of the page</title></head><body>\
             <h1>Headline of the page</h1><div class=\"box\"><h3>Other news</h3><p>{blurb}</p></div>\
             <div class=\"article-body\">{}</div></body></html>",
            para("Story", 4)
        );
        let past_links = format!(
            "<html><body><h1>Headline of the page</h1><p>{blurb}</p>\
             <div><a href=/a>Home and more of the site</a> <a href=/b>News of the region</a></div>\
             <div class=\"article-body\">{}</div></body></html>",
            para("Story", 4)
        );
        for page in [teaser, past_links] {
            let text = extract(&page, None).map(|a| a.text).unwrap_or_default();
            assert!(text.starts_with("Story sentence number 0"), "{text}");
        }
    }

    #[test]
    fn a_page_without_text_has_no_article() {
        assert_eq!(extract("<html><body><img src=x></body></html>", None), None);
        assert_eq!(extract("", None), None);
        assert_eq!(extract("\u{0}\u{fffd}<<>>&&;</p></div>", None), None);
        let menu = "<html><body><ul><li><a href=/>Home</a></li><li><a href=/n>News</a></li></ul></body></html>";
        assert_eq!(extract(menu, None), None);
    }
}
