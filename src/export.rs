//! The merged clean feed: reads the de-duplicated stories from the database
//! and renders them as one Atom feed or JSON Feed 1.1, one item per story.
//!
//! Each item is the story's canonical copy (title, link, cleaned HTML, dates)
//! and names every feed that carried it: in a footer of the content, which
//! every reader shows, and machine-readably (Atom `link rel="via"`, JSON Feed
//! `_feedsieve.feeds`). Item ids are `urn:feedsieve:story:<id>`, stable for
//! the life of the story.
//!
//! It only reads: it must never write to the database, never emit a document
//! that does not parse (every text is escaped, characters XML cannot carry
//! are dropped), and never put a link other than http(s) into an href.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::SqlitePool;

use crate::output::xml_escape;
use crate::store::timestamp;

/// The title of the merged feed.
pub const FEED_TITLE: &str = "feedsieve: merged stories";
/// The id of the merged feed.
pub const FEED_ID: &str = "urn:feedsieve:stories";

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot read stories: {0}")]
    Db(#[from] sqlx::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Atom,
    Json,
}

/// One story, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub id: i64,
    pub title: Option<String>,
    /// The canonical copy's link, when it is http(s).
    pub url: Option<String>,
    /// The canonical copy's cleaned HTML.
    pub content_html: String,
    pub author: Option<String>,
    /// The canonical copy's own date, else when the story was first seen.
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// Every stored copy, oldest first.
    pub copies: Vec<StoryCopy>,
}

/// One feed's copy of a story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoryCopy {
    /// The feed's name from the feed list, else its own title, else its URL.
    #[serde(rename = "name")]
    pub feed_name: String,
    /// The feed's home page, when it is http(s).
    #[serde(rename = "home_page_url", skip_serializing_if = "Option::is_none")]
    pub site_url: Option<String>,
    /// This copy's link, when it is http(s).
    #[serde(rename = "url", skip_serializing_if = "Option::is_none")]
    pub entry_url: Option<String>,
    /// Whether this is the story's canonical copy.
    pub canonical: bool,
}

/// The earliest `first_seen_at` a `--since` duration admits, counted back
/// from `now`; `None` (no limit) when it reaches before the calendar.
pub fn cutoff(since: Duration, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    chrono::Duration::from_std(since)
        .ok()
        .and_then(|d| now.checked_sub_signed(d))
}

#[derive(sqlx::FromRow)]
struct StoryRow {
    id: i64,
    canonical_entry_id: Option<i64>,
    title: Option<String>,
    url: Option<String>,
    first_seen_at: String,
    updated_at: String,
    content_html: Option<String>,
    published_at: Option<String>,
    author: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CopyRow {
    story_id: i64,
    entry_id: i64,
    entry_url: Option<String>,
    feed_name: String,
    site_url: Option<String>,
}

/// The stories first seen at or after `since` (all when `None`), newest
/// first, each with its canonical copy and the feeds that carried it.
pub async fn load_stories(
    pool: &SqlitePool,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<Story>, ExportError> {
    // Timestamps are RFC 3339 UTC text with whole seconds: they compare as strings.
    let from = since.map(timestamp).unwrap_or_default();
    let rows: Vec<StoryRow> = sqlx::query_as(
        "SELECT s.id, s.canonical_entry_id, COALESCE(s.title, e.title) AS title,
                COALESCE(s.url, e.url) AS url, s.first_seen_at, s.updated_at,
                e.content_html, e.published_at, e.author
         FROM stories s LEFT JOIN entries e ON e.id = s.canonical_entry_id
         WHERE s.first_seen_at >= ?1
         ORDER BY s.first_seen_at DESC, s.id DESC",
    )
    .bind(&from)
    .fetch_all(pool)
    .await?;
    let copy_rows: Vec<CopyRow> = sqlx::query_as(
        "SELECT e.story_id, e.id AS entry_id, e.url AS entry_url,
                COALESCE(f.name, f.title, f.url) AS feed_name, f.site_url
         FROM entries e
         JOIN feeds f ON f.id = e.feed_id
         JOIN stories s ON s.id = e.story_id
         WHERE s.first_seen_at >= ?1
         ORDER BY e.story_id, e.fetched_at, e.id",
    )
    .bind(&from)
    .fetch_all(pool)
    .await?;
    let mut copies: HashMap<i64, Vec<CopyRow>> = HashMap::new();
    for row in copy_rows {
        copies.entry(row.story_id).or_default().push(row);
    }

    let now = Utc::now();
    Ok(rows
        .into_iter()
        .map(|row| {
            let first_seen = parse_time(Some(&row.first_seen_at)).unwrap_or(now);
            let published = parse_time(row.published_at.as_deref()).unwrap_or(first_seen);
            let updated = parse_time(Some(&row.updated_at))
                .unwrap_or(first_seen)
                .max(published);
            let copies = copies
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(|c| StoryCopy {
                    canonical: Some(c.entry_id) == row.canonical_entry_id,
                    feed_name: c.feed_name,
                    site_url: web_url(c.site_url),
                    entry_url: web_url(c.entry_url),
                })
                .collect();
            Story {
                id: row.id,
                title: row.title.filter(|t| !t.trim().is_empty()),
                url: web_url(row.url),
                content_html: row.content_html.unwrap_or_default(),
                author: row.author.filter(|a| !a.trim().is_empty()),
                published,
                updated,
                copies,
            }
        })
        .collect())
}

fn parse_time(text: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text?.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Keeps a link only when it is an absolute http(s) URL.
fn web_url(url: Option<String>) -> Option<String> {
    let url = url?;
    let parsed = url::Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

/// The story's id as a URI.
pub fn story_id(id: i64) -> String {
    format!("urn:feedsieve:story:{id}")
}

/// The content with a footer naming the feeds that carried the story.
pub fn content_with_footer(story: &Story) -> String {
    if story.copies.is_empty() {
        return story.content_html.clone();
    }
    let names: Vec<String> = story
        .copies
        .iter()
        .map(|c| match &c.entry_url {
            Some(url) => format!(
                "<a href=\"{}\">{}</a>",
                xml_escape(url),
                xml_escape(&c.feed_name)
            ),
            None => xml_escape(&c.feed_name),
        })
        .collect();
    format!(
        "{}\n<hr>\n<p><small>Carried by {}: {}.</small></p>",
        story.content_html,
        if story.copies.len() == 1 {
            "1 feed".to_string()
        } else {
            format!("{} feeds", story.copies.len())
        },
        names.join(", ")
    )
}

/// Renders the stories in `format`; `generated` is the feed's date when it
/// has no stories.
pub fn render(format: Format, stories: &[Story], generated: DateTime<Utc>) -> String {
    match format {
        Format::Atom => render_atom(stories, generated),
        Format::Json => render_json(stories),
    }
}

/// An Atom 1.0 (RFC 4287) feed, one entry per story.
pub fn render_atom(stories: &[Story], generated: DateTime<Utc>) -> String {
    let updated = stories.iter().map(|s| s.updated).max().unwrap_or(generated);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    out.push_str(&format!("  <id>{FEED_ID}</id>\n"));
    out.push_str(&format!("  <title>{}</title>\n", xml_escape(FEED_TITLE)));
    out.push_str(&format!("  <updated>{}</updated>\n", timestamp(updated)));
    out.push_str(&format!(
        "  <generator version=\"{}\">feedsieve</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    // Entries without an author of their own inherit this one (RFC 4287 4.1.1).
    out.push_str("  <author><name>feedsieve</name></author>\n");
    for story in stories {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", story_id(story.id)));
        out.push_str(&format!(
            "    <title type=\"text\">{}</title>\n",
            xml_escape(story.title.as_deref().unwrap_or("Untitled"))
        ));
        if let Some(url) = &story.url {
            out.push_str(&format!(
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                xml_escape(url)
            ));
        }
        for copy in &story.copies {
            if let Some(url) = &copy.entry_url {
                out.push_str(&format!(
                    "    <link rel=\"via\" type=\"text/html\" href=\"{}\" title=\"{}\"/>\n",
                    xml_escape(url),
                    xml_escape(&copy.feed_name)
                ));
            }
        }
        out.push_str(&format!(
            "    <published>{}</published>\n    <updated>{}</updated>\n",
            timestamp(story.published),
            timestamp(story.updated)
        ));
        if let Some(author) = &story.author {
            out.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                xml_escape(author)
            ));
        }
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(&content_with_footer(story))
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'static str,
    description: &'static str,
    authors: [JsonAuthor<'a>; 1],
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    content_html: String,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    authors: Option<[JsonAuthor<'a>; 1]>,
    /// A JSON Feed extension (keys starting with `_` are reserved for them).
    _feedsieve: JsonExtension<'a>,
}

#[derive(Serialize)]
struct JsonExtension<'a> {
    about: &'static str,
    feeds: &'a [StoryCopy],
}

/// A JSON Feed 1.1 document, one item per story.
pub fn render_json(stories: &[Story]) -> String {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: FEED_TITLE,
        description: "De-duplicated, cleaned stories from every feed feedsieve follows",
        authors: [JsonAuthor { name: "feedsieve" }],
        items: stories
            .iter()
            .map(|s| JsonItem {
                id: story_id(s.id),
                url: s.url.as_deref(),
                title: s.title.as_deref(),
                content_html: content_with_footer(s),
                date_published: timestamp(s.published),
                date_modified: timestamp(s.updated),
                authors: s.author.as_deref().map(|name| [JsonAuthor { name }]),
                _feedsieve: JsonExtension {
                    about: "https://github.com/feedsieve/feedsieve",
                    feeds: &s.copies,
                },
            })
            .collect(),
    };
    // Serialising these plain structs cannot fail; fall back to an empty feed anyway.
    let mut text = serde_json::to_string_pretty(&feed).unwrap_or_else(|_| {
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"feedsieve\",\"items\":[]}"
            .to_string()
    });
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> Story {
        let t = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Story {
            id: 7,
            title: Some("Tom & Jerry <3".into()),
            url: Some("https://a.example/x?a=1&b=2".into()),
            content_html: "<p>Body &amp; \u{1}soul</p>".into(),
            author: Some("Ann \"A\"".into()),
            published: t,
            updated: t,
            copies: vec![
                StoryCopy {
                    feed_name: "Site <A>".into(),
                    site_url: None,
                    entry_url: Some("https://a.example/x?a=1&b=2".into()),
                    canonical: true,
                },
                StoryCopy {
                    feed_name: "Site B".into(),
                    site_url: Some("https://b.example/".into()),
                    entry_url: None,
                    canonical: false,
                },
            ],
        }
    }

    #[test]
    fn atom_parses_back_with_escaped_fields_intact() {
        let text = render_atom(&[story()], Utc::now());
        let feed = feed_rs::parser::parse(text.as_bytes()).unwrap();
        assert_eq!(feed.entries.len(), 1);
        let e = &feed.entries[0];
        assert_eq!(e.id, "urn:feedsieve:story:7");
        assert_eq!(e.title.as_ref().unwrap().content, "Tom & Jerry <3");
        assert_eq!(e.links[0].href, "https://a.example/x?a=1&b=2");
        let body = e.content.as_ref().unwrap().body.as_deref().unwrap();
        assert!(body.starts_with("<p>Body &amp; soul</p>"), "{body}");
        assert!(body.contains("Carried by 2 feeds"), "{body}");
        assert!(body.contains("Site &lt;A&gt;"), "{body}");
    }

    #[test]
    fn json_feed_parses_back_and_lists_the_feeds() {
        let text = render_json(&[story()]);
        let feed = feed_rs::parser::parse(text.as_bytes()).unwrap();
        assert_eq!(feed.entries.len(), 1);
        assert_eq!(feed.entries[0].id, "urn:feedsieve:story:7");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(v["items"][0]["_feedsieve"]["feeds"][1]["name"], "Site B");
    }

    #[test]
    fn only_web_links_are_kept() {
        assert_eq!(web_url(Some("javascript:alert(1)".into())), None);
        assert_eq!(web_url(Some("file:///etc/passwd".into())), None);
        assert_eq!(web_url(Some("/relative".into())), None);
        assert_eq!(
            web_url(Some(" https://a.example ".into())).as_deref(),
            Some("https://a.example/")
        );
    }

    #[test]
    fn cutoff_counts_back_and_saturates() {
        let now = Utc::now();
        assert_eq!(
            cutoff(Duration::from_secs(3600), now),
            Some(now - chrono::Duration::hours(1))
        );
        assert_eq!(cutoff(Duration::from_secs(u64::MAX), now), None);
    }
}
