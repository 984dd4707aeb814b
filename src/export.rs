//! The merged clean feed: reads the de-duplicated stories from the database
//! and renders them as one Atom feed or JSON Feed 1.1, one item per story.
//!
//! Also RSS 2.0, for readers and tools that take nothing else.
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

use crate::output::xml_escape;
use crate::store::{CopyRow, EnclosureRow, Store, StoreError, timestamp};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The title of the merged feed.
pub const FEED_TITLE: &str = "feedsieve: merged stories";
/// The id of the merged feed.
pub const FEED_ID: &str = "urn:feedsieve:stories";

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot read stories: {0}")]
    Db(#[from] StoreError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Atom,
    Json,
    Rss,
}

impl Format {
    /// The Content-Type a server sends it with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
            Format::Rss => "application/rss+xml; charset=utf-8",
        }
    }
}

/// Which stories an export holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// First seen at or after this.
    pub since: Option<DateTime<Utc>>,
    /// Carried by at least one feed of this category or one below it
    /// ("News" takes "News/World" too).
    pub category: Option<String>,
    /// At most this many, the newest.
    pub limit: Option<i64>,
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
    /// The canonical copy's attachments (podcast audio, images).
    pub enclosures: Vec<crate::parse::Enclosure>,
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

/// The stories first seen at or after `since` (all when `None`), newest
/// first, each with its canonical copy and the feeds that carried it.
pub async fn load_stories(
    store: &Store,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<Story>, ExportError> {
    load_selected(
        store,
        &Selection {
            since,
            ..Selection::default()
        },
    )
    .await
}

/// The stories of `selection`, newest first, as [`load_stories`].
pub async fn load_selected(
    store: &Store,
    selection: &Selection,
) -> Result<Vec<Story>, ExportError> {
    // Timestamps are RFC 3339 UTC text with whole seconds: they compare as strings.
    let from = selection.since.map(timestamp).unwrap_or_default();
    let rows = store
        .story_rows(
            &from,
            selection.category.as_deref(),
            selection.limit.unwrap_or(-1),
        )
        .await?;
    let mut copies: HashMap<i64, Vec<CopyRow>> = HashMap::new();
    for row in store.copy_rows(&from).await? {
        copies.entry(row.story_id).or_default().push(row);
    }
    let mut enclosures: HashMap<i64, Vec<crate::parse::Enclosure>> = HashMap::new();
    for EnclosureRow {
        story_id: story,
        url,
        mime_type,
        length,
    } in store.enclosure_rows(&from).await?
    {
        // Only web links go into an href.
        let Some(url) = web_url(Some(url)) else {
            continue;
        };
        enclosures
            .entry(story)
            .or_default()
            .push(crate::parse::Enclosure {
                url,
                mime_type,
                length: length.and_then(|n| u64::try_from(n).ok()),
            });
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
                enclosures: enclosures.remove(&row.id).unwrap_or_default(),
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
    render_at(format, stories, generated, None)
}

/// [`render`], naming the address the document is published at
/// (`self_url`: Atom's and RSS's `rel="self"` link, JSON Feed's `feed_url`).
pub fn render_at(
    format: Format,
    stories: &[Story],
    generated: DateTime<Utc>,
    self_url: Option<&str>,
) -> String {
    match format {
        Format::Atom => render_atom_at(stories, generated, self_url),
        Format::Json => render_json_at(stories, self_url),
        Format::Rss => render_rss(stories, generated, self_url),
    }
}

/// An Atom 1.0 (RFC 4287) feed, one entry per story.
pub fn render_atom(stories: &[Story], generated: DateTime<Utc>) -> String {
    render_atom_at(stories, generated, None)
}

fn render_atom_at(stories: &[Story], generated: DateTime<Utc>, self_url: Option<&str>) -> String {
    let updated = stories.iter().map(|s| s.updated).max().unwrap_or(generated);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    out.push_str(&format!("  <id>{FEED_ID}</id>\n"));
    out.push_str(&format!("  <title>{}</title>\n", xml_escape(FEED_TITLE)));
    if let Some(url) = self_url {
        out.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            xml_escape(url)
        ));
    }
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
        for e in &story.enclosures {
            out.push_str(&format!(
                "    <link rel=\"enclosure\" href=\"{}\"{}{}/>\n",
                xml_escape(&e.url),
                e.mime_type
                    .as_deref()
                    .map(|t| format!(" type=\"{}\"", xml_escape(t)))
                    .unwrap_or_default(),
                e.length
                    .map(|n| format!(" length=\"{n}\""))
                    .unwrap_or_default()
            ));
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

/// An RSS 2.0 feed, one item per story: `guid` is the story's URN (not a
/// permalink), `pubDate` its published date, the author in `dc:creator`
/// (RSS's own `author` must be an e-mail address), the feeds that carried
/// it in the footer and as `<source>` of the canonical copy's feed.
pub fn render_rss(stories: &[Story], generated: DateTime<Utc>, self_url: Option<&str>) -> String {
    let updated = stories.iter().map(|s| s.updated).max().unwrap_or(generated);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n",
    );
    out.push_str(&format!("  <title>{}</title>\n", xml_escape(FEED_TITLE)));
    // <link> is the channel's web site: the feed's own address is the best there is.
    out.push_str(&format!(
        "  <link>{}</link>\n",
        xml_escape(self_url.unwrap_or(ABOUT_URL))
    ));
    out.push_str(
        "  <description>De-duplicated, cleaned stories from every feed feedsieve follows</description>\n",
    );
    if let Some(url) = self_url {
        out.push_str(&format!(
            "  <atom:link rel=\"self\" type=\"application/rss+xml\" href=\"{}\"/>\n",
            xml_escape(url)
        ));
    }
    out.push_str(&format!(
        "  <lastBuildDate>{}</lastBuildDate>\n",
        updated.to_rfc2822()
    ));
    out.push_str(&format!(
        "  <generator>feedsieve {}</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for story in stories {
        out.push_str("  <item>\n");
        out.push_str(&format!(
            "    <title>{}</title>\n",
            xml_escape(story.title.as_deref().unwrap_or("Untitled"))
        ));
        if let Some(url) = &story.url {
            out.push_str(&format!("    <link>{}</link>\n", xml_escape(url)));
        }
        out.push_str(&format!(
            "    <guid isPermaLink=\"false\">{}</guid>\n",
            story_id(story.id)
        ));
        out.push_str(&format!(
            "    <pubDate>{}</pubDate>\n",
            story.published.to_rfc2822()
        ));
        if let Some(author) = &story.author {
            out.push_str(&format!(
                "    <dc:creator>{}</dc:creator>\n",
                xml_escape(author)
            ));
        }
        if let Some(source) = story.copies.iter().find(|c| c.canonical)
            && let Some(site) = &source.site_url
        {
            out.push_str(&format!(
                "    <source url=\"{}\">{}</source>\n",
                xml_escape(site),
                xml_escape(&source.feed_name)
            ));
        }
        // RSS 2.0 readers expect at most one enclosure per item: the first.
        if let Some(e) = story.enclosures.first() {
            out.push_str(&format!(
                "    <enclosure url=\"{}\" length=\"{}\" type=\"{}\"/>\n",
                xml_escape(&e.url),
                e.length.unwrap_or(0),
                xml_escape(e.mime_type.as_deref().unwrap_or("application/octet-stream"))
            ));
        }
        out.push_str(&format!(
            "    <description>{}</description>\n",
            xml_escape(&content_with_footer(story))
        ));
        out.push_str("  </item>\n");
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

/// Where feedsieve is described: the JSON Feed extension's `about`.
const ABOUT_URL: &str = "https://github.com/feedsieve/feedsieve";

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    feed_url: Option<&'a str>,
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<JsonAttachment<'a>>,
    /// A JSON Feed extension (keys starting with `_` are reserved for them).
    _feedsieve: JsonExtension<'a>,
}

#[derive(Serialize)]
struct JsonAttachment<'a> {
    url: &'a str,
    mime_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    size_in_bytes: Option<u64>,
}

#[derive(Serialize)]
struct JsonExtension<'a> {
    about: &'static str,
    feeds: &'a [StoryCopy],
}

/// A JSON Feed 1.1 document, one item per story.
pub fn render_json(stories: &[Story]) -> String {
    render_json_at(stories, None)
}

fn render_json_at(stories: &[Story], self_url: Option<&str>) -> String {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: FEED_TITLE,
        feed_url: self_url,
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
                attachments: s
                    .enclosures
                    .iter()
                    .map(|e| JsonAttachment {
                        url: &e.url,
                        // Required by JSON Feed 1.1.
                        mime_type: e.mime_type.as_deref().unwrap_or("application/octet-stream"),
                        size_in_bytes: e.length,
                    })
                    .collect(),
                _feedsieve: JsonExtension {
                    about: ABOUT_URL,
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
            enclosures: vec![crate::parse::Enclosure {
                url: "https://a.example/ep.mp3?x=1&y=2".into(),
                mime_type: Some("audio/mpeg".into()),
                length: Some(1234),
            }],
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
    fn rss_parses_back_and_atom_names_itself() {
        let self_url = "https://me.example/stories.rss?a=1&b=2";
        let text = render_rss(&[story()], Utc::now(), Some(self_url));
        let feed = feed_rs::parser::parse(text.as_bytes()).unwrap();
        assert_eq!(feed.feed_type, feed_rs::model::FeedType::RSS2);
        assert_eq!(feed.entries.len(), 1);
        let e = &feed.entries[0];
        assert_eq!(e.id, "urn:feedsieve:story:7");
        assert_eq!(e.title.as_ref().unwrap().content, "Tom & Jerry <3");
        assert_eq!(e.links[0].href, "https://a.example/x?a=1&b=2");
        assert_eq!(e.published.unwrap(), story().published);
        assert_eq!(e.authors[0].name.as_deref(), Some("Ann \"A\""));
        let body = e
            .summary
            .as_ref()
            .map(|s| s.content.clone())
            .unwrap_or_default();
        assert!(body.contains("Carried by 2 feeds"), "{body}");
        assert!(text.contains("<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"https://me.example/stories.rss?a=1&amp;b=2\"/>"), "{text}");

        let atom = render_at(Format::Atom, &[story()], Utc::now(), Some(self_url));
        let feed = feed_rs::parser::parse(atom.as_bytes()).unwrap();
        assert!(
            feed.links
                .iter()
                .any(|l| l.rel.as_deref() == Some("self") && l.href == self_url),
            "{atom}"
        );
        assert!(!render_atom(&[story()], Utc::now()).contains("rel=\"self\""));
        // The enclosure, in all three formats, as readers see it (feed-rs
        // does not read JSON Feed attachments: checked as JSON).
        let json = render_at(Format::Json, &[story()], Utc::now(), Some(self_url));
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["feed_url"], self_url);
        assert_eq!(
            json["items"][0]["attachments"],
            serde_json::json!([{"url": "https://a.example/ep.mp3?x=1&y=2", "mime_type": "audio/mpeg", "size_in_bytes": 1234}])
        );
        for text in [text, atom] {
            let feed = feed_rs::parser::parse(text.as_bytes()).unwrap();
            let media = &feed.entries[0].media;
            let enclosure_links: Vec<_> = feed.entries[0]
                .links
                .iter()
                .filter(|l| l.rel.as_deref() == Some("enclosure"))
                .map(|l| (l.href.clone(), l.media_type.clone(), l.length))
                .collect();
            let found = media
                .iter()
                .flat_map(|m| &m.content)
                .map(|c| {
                    (
                        c.url.as_ref().map(|u| u.to_string()).unwrap_or_default(),
                        c.content_type.as_ref().map(|t| t.to_string()),
                        c.size,
                    )
                })
                .chain(enclosure_links)
                .collect::<Vec<_>>();
            assert_eq!(
                found,
                vec![(
                    "https://a.example/ep.mp3?x=1&y=2".to_string(),
                    Some("audio/mpeg".to_string()),
                    Some(1234)
                )],
                "{text}"
            );
        }
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
