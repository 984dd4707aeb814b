//! Feed autodiscovery: from a site's address to its feed (`feedsieve add`,
//! `feedsieve preview` on a home page).
//!
//! An address that serves a feed is that feed. An HTML page names its feeds
//! in `<link rel="alternate" type="application/rss+xml" href="…">` (read by
//! [`feed_links`], pure); a page that names none is tried at the site's
//! common feed paths (`/feed`, `/rss.xml`, `/atom.xml`, `/index.xml`, …),
//! and only paths that answer with a document that parses as a feed count.
//! It only reads over the network with the caller's [`Fetcher`]: it never
//! writes a file or the database, and it never picks one of several feeds
//! for the user.

use url::Url;

use crate::fetch::{FetchError, Fetcher, Validators};
use crate::parse::{self, ParseError};

/// Paths tried at the site's root when a page names no feed, in this order.
pub const COMMON_PATHS: &[&str] = &[
    "/feed",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.xml",
    "/rss",
    "/feed.json",
];

/// MIME types of `<link rel="alternate">` that name a feed.
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/rdf+xml",
    "application/json",
    "application/xml",
    "text/xml",
];

/// A feed found for an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub url: Url,
    /// The link's `title`, or the feed's own title when it was fetched.
    pub title: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("cannot fetch {url}: {source}")]
    Fetch { url: String, source: FetchError },
    #[error("{url}: {source}")]
    NotAFeed { url: String, source: ParseError },
    #[error(
        "{url} is a web page that names no feed, and none of its site's common feed paths ({}) serves one",
        COMMON_PATHS.join(", ")
    )]
    NoFeed { url: String },
    #[error("{url} offers {} feeds; pick one by its URL:\n{}", found.len(), list(found))]
    Several { url: String, found: Vec<Found> },
}

fn list(found: &[Found]) -> String {
    found
        .iter()
        .map(|f| match &f.title {
            Some(title) => format!("  {}  ({title})", f.url),
            None => format!("  {}", f.url),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one feed at `url` ([`discover`]); several are an error that lists
/// them, for the user to pick.
pub async fn discover_one(fetcher: &Fetcher, url: &Url) -> Result<Found, DiscoverError> {
    let mut found = discover(fetcher, url).await?;
    if found.len() == 1 {
        return Ok(found.remove(0));
    }
    Err(DiscoverError::Several {
        url: url.to_string(),
        found,
    })
}

/// The feeds a page declares in `<link rel="alternate">` of a feed type,
/// with relative links resolved against `base` (or the page's own `<base
/// href>`), each URL once, in page order. Only http(s) links are kept.
pub fn feed_links(html: &str, base: &Url) -> Vec<Found> {
    let document = scraper::Html::parse_document(html);
    let base = scraper::Selector::parse("base[href]")
        .ok()
        .and_then(|s| document.select(&s).next())
        .and_then(|b| b.value().attr("href"))
        .and_then(|href| base.join(href.trim()).ok())
        .unwrap_or_else(|| base.clone());
    let Ok(links) = scraper::Selector::parse("link[rel][href]") else {
        return Vec::new();
    };
    let mut found: Vec<Found> = Vec::new();
    for link in document.select(&links) {
        let element = link.value();
        let rel = element.attr("rel").unwrap_or("");
        let is_alternate = rel
            .split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case("alternate"));
        let mime = element
            .attr("type")
            .map(|t| {
                t.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        if !is_alternate || !FEED_TYPES.contains(&mime.as_str()) {
            continue;
        }
        let Some(url) = element
            .attr("href")
            .and_then(|href| base.join(href.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
        else {
            continue;
        };
        if found.iter().any(|f| f.url == url) {
            continue;
        }
        let title = element
            .attr("title")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        found.push(Found { url, title });
    }
    found
}

/// The feeds at `url`: itself when it serves a feed; else the feeds its page
/// declares; else the common paths at its site's root that serve a feed
/// (the same document at two paths counts once). Never empty when `Ok`.
pub async fn discover(fetcher: &Fetcher, url: &Url) -> Result<Vec<Found>, DiscoverError> {
    let response = fetcher
        .fetch(url, &Validators::default())
        .await
        .map_err(|source| DiscoverError::Fetch {
            url: url.to_string(),
            source,
        })?;
    let body = response.body.unwrap_or_default();
    let content_type = response.content_type.as_deref();
    match parse::parse(&body, content_type, Some(url.as_str())) {
        Ok(feed) => {
            return Ok(vec![Found {
                url: url.clone(),
                title: feed.title,
            }]);
        }
        Err(ParseError::HtmlPage) => {}
        Err(source) => {
            return Err(DiscoverError::NotAFeed {
                url: url.to_string(),
                source,
            });
        }
    }
    let page = parse::decode(&body, content_type);
    let declared = feed_links(&page, url);
    if !declared.is_empty() {
        return Ok(declared);
    }
    let tries = COMMON_PATHS.iter().filter_map(|path| url.join(path).ok());
    let answers = futures_util::future::join_all(tries.map(|candidate| async move {
        let response = fetcher
            .fetch(&candidate, &Validators::default())
            .await
            .ok()?;
        let body = response.body?;
        let feed = parse::parse(
            &body,
            response.content_type.as_deref(),
            Some(candidate.as_str()),
        )
        .ok()?;
        Some((candidate, feed.title, body))
    }))
    .await;
    let mut found = Vec::new();
    let mut bodies: Vec<Vec<u8>> = Vec::new();
    for (candidate, title, body) in answers.into_iter().flatten() {
        if bodies.contains(&body) {
            continue;
        }
        bodies.push(body);
        found.push(Found {
            url: candidate,
            title,
        });
    }
    if found.is_empty() {
        return Err(DiscoverError::NoFeed {
            url: url.to_string(),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_feeds_are_found_resolved_and_deduplicated() {
        let page = r#"<!DOCTYPE html><html><head>
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/rss+xml" title=" Posts " href="/feed/">
            <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="atom.xml">
            <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
            <link rel="alternate" type="application/rss+xml" href="/feed/">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head><body><a href="/rss.xml">RSS</a></body></html>"#;
        let base = Url::parse("https://blog.example/posts/").unwrap();
        let found = feed_links(page, &base);
        let urls: Vec<&str> = found.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://blog.example/feed/",
                "https://blog.example/posts/atom.xml"
            ]
        );
        assert_eq!(found[0].title.as_deref(), Some("Posts"));
        assert_eq!(found[1].title, None);
    }

    #[test]
    fn a_base_element_moves_relative_links() {
        let page = r#"<html><head><base href="https://cdn.example/x/">
            <link rel="alternate" type="application/feed+json" href="feed.json"></head></html>"#;
        let found = feed_links(page, &Url::parse("https://site.example/").unwrap());
        assert_eq!(found[0].url.as_str(), "https://cdn.example/x/feed.json");
        assert!(
            feed_links(
                "<html><body>no feeds</body></html>",
                &Url::parse("https://s.example/").unwrap()
            )
            .is_empty()
        );
    }
}
