//! OPML: reads subscription lists into feeds, adds them to the TOML feed list,
//! and renders the feed list as OPML 2.0.
//!
//! Importing edits the config with `toml_edit`, so the user's comments and
//! layout survive, and it validates the result with [`config::parse`] before
//! anything is written. It must never write a config that does not load,
//! never write one in place (a temporary file is renamed over it, so the
//! daemon's watcher never sees half a file), and never panic on any OPML
//! input. It never touches the network or the database.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use quick_xml::events::{BytesStart, Event};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
use url::Url;

use crate::config::{self, ConfigError, line_col};
use crate::output::{WriteError, write_atomic, xml_escape};

/// One feed of an OPML subscription list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    /// The `xmlUrl`, as written.
    pub url: String,
    /// The outline's `title`, else its `text` (when it is not just the URL).
    pub name: Option<String>,
    /// False for a commented-out outline (`isComment="true"`, or inside one).
    pub enabled: bool,
    /// The folders (outlines without `xmlUrl`) it is nested in, joined
    /// with `/`: "News/World".
    pub category: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    #[error("cannot read OPML file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{col}: not valid OPML: {message}", path.display())]
    Malformed {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Opml(#[from] OpmlError),
    /// The config itself does not load (before anything was changed).
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{}: `feed` must be a list of [[feed]] tables to add feeds to it", path.display())]
    FeedNotTables { path: PathBuf },
    #[error("{}: cannot edit the config: {message}", path.display())]
    Edit { path: PathBuf, message: String },
    /// The edited config would not load; nothing was written.
    #[error("the imported feeds would make the config invalid, so nothing was written:\n{0}")]
    Invalid(ConfigError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Why an OPML feed was not added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The config already lists it.
    AlreadyListed,
    /// An earlier outline of the same OPML file has the same URL.
    Repeated,
    /// The URL is not one feedsieve can fetch.
    BadUrl(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub url: String,
    pub reason: SkipReason,
}

/// What an import did (or, from [`import_text`], would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: Vec<OpmlFeed>,
    pub skipped: Vec<Skipped>,
}

/// Reads the feeds of an OPML file.
pub fn read(path: &Path) -> Result<Vec<OpmlFeed>, OpmlError> {
    let bytes = std::fs::read(path).map_err(|source| OpmlError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&crate::parse::decode(&bytes, None), path)
}

/// Finds every outline with an `xmlUrl`, at any depth, in document order;
/// the outlines around it are its category. `path` only names the file in
/// errors.
pub fn parse(text: &str, path: &Path) -> Result<Vec<OpmlFeed>, OpmlError> {
    let malformed = |offset: usize, message: String| {
        let (line, col) = line_col(text, offset);
        OpmlError::Malformed {
            path: path.to_path_buf(),
            line,
            col,
            message,
        }
    };
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(true);
    // Open elements: name, whether it is (inside) a commented outline, where it starts.
    let mut open: Vec<(String, bool, usize)> = Vec::new();
    // The folder of each open element: an outline without xmlUrl names one.
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut seen_root = false;
    let mut feeds = Vec::new();
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                return Err(malformed(reader.error_position() as usize, e.to_string()));
            }
        };
        let end = reader.buffer_position() as usize;
        // The `<` of the tag just read: attribute values cannot hold a raw `<`.
        let start = text.get(..end).and_then(|t| t.rfind('<')).unwrap_or(0);
        let (element, is_empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                open.pop();
                folders.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = element.local_name().into_inner().to_string();
        if !seen_root {
            if name != "opml" {
                return Err(malformed(
                    start,
                    format!("the root element is <{name}>, not <opml>"),
                ));
            }
            seen_root = true;
        } else if open.is_empty() {
            return Err(malformed(start, "more than one root element".into()));
        }
        let parent_commented = open.last().is_some_and(|(_, c, _)| *c);
        let mut commented = parent_commented;
        let mut folder = None;
        if name == "outline" {
            let attrs = attributes(element).map_err(|m| malformed(start, m))?;
            commented |= attrs.is_comment;
            let has_url = attrs
                .xml_url
                .as_deref()
                .is_some_and(|u| !u.trim().is_empty());
            if !has_url {
                folder = attrs
                    .title
                    .clone()
                    .or(attrs.text.clone())
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty());
            }
            if let Some(url) = attrs.xml_url.filter(|u| !u.trim().is_empty()) {
                let url = url.trim().to_string();
                let name = attrs
                    .title
                    .or(attrs.text)
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty() && *n != url);
                let path: Vec<&str> = folders.iter().flatten().map(String::as_str).collect();
                feeds.push(OpmlFeed {
                    url,
                    name,
                    enabled: !commented,
                    category: config::normalize_category(&path.join("/")),
                });
            }
        }
        if !is_empty {
            open.push((name, commented, start));
            folders.push(folder);
        }
    }
    if !seen_root {
        return Err(malformed(text.len(), "no <opml> element".into()));
    }
    if let Some((name, _, at)) = open.last() {
        let (line, col) = line_col(text, *at);
        return Err(malformed(
            text.len(),
            format!("the file ends before <{name}> (line {line}, column {col}) is closed"),
        ));
    }
    Ok(feeds)
}

#[derive(Default)]
struct OutlineAttributes {
    xml_url: Option<String>,
    title: Option<String>,
    text: Option<String>,
    is_comment: bool,
}

fn attributes(element: &BytesStart<'_>) -> Result<OutlineAttributes, String> {
    let mut out = OutlineAttributes::default();
    for attr in element.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute in <outline>: {e}"))?;
        let key = attr.key.local_name().into_inner().to_ascii_lowercase();
        let slot = match key.as_str() {
            // Exporters disagree on the case of xmlUrl.
            "xmlurl" => &mut out.xml_url,
            "title" => &mut out.title,
            "text" => &mut out.text,
            "iscomment" => {
                let v = attr
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| format!("bad isComment value: {e}"))?;
                out.is_comment = v.trim().eq_ignore_ascii_case("true");
                continue;
            }
            _ => continue,
        };
        let v = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad {key} value: {e}"))?;
        *slot = Some(v.into_owned());
    }
    Ok(out)
}

/// The key two feed URLs are compared by: the URL as the config resolves it
/// (scheme and host lower-cased, default port dropped, `file://` made
/// absolute), without its fragment, which is never sent to a server.
pub(crate) fn url_key(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    url.to_string()
}

/// Adds the feeds not already listed to the config text, keeping its
/// comments and layout, and validates the result as if it were at
/// `config_path`. Returns the new text (equal to the old when nothing was
/// added) and what was added and skipped. `source` names the OPML file in a
/// comment above the first added feed.
pub fn import_text(
    config_text: &str,
    config_path: &Path,
    feeds: &[OpmlFeed],
    source: &str,
) -> Result<(String, ImportSummary), ImportError> {
    add_feeds(
        config_text,
        config_path,
        feeds,
        Some(&format!("Imported from {}", one_line(source))),
    )
}

/// Adds the feeds not already listed to the config text, as [`import_text`]
/// does (`feedsieve add` uses it too), with `comment`, if any, above the
/// first one.
pub fn add_feeds(
    config_text: &str,
    config_path: &Path,
    feeds: &[OpmlFeed],
    comment: Option<&str>,
) -> Result<(String, ImportSummary), ImportError> {
    let current = config::parse(config_text, config_path)?;
    let base_dir = config_dir(config_path);
    let mut known: HashSet<String> = current.feeds.iter().map(|f| url_key(&f.url)).collect();
    let mut summary = ImportSummary::default();
    for feed in feeds {
        let reason = match config::resolve_feed_url(&feed.url, &base_dir) {
            Err(message) => Some(SkipReason::BadUrl(message)),
            Ok(url) if !known.insert(url_key(&url)) => {
                if current
                    .feeds
                    .iter()
                    .any(|f| url_key(&f.url) == url_key(&url))
                {
                    Some(SkipReason::AlreadyListed)
                } else {
                    Some(SkipReason::Repeated)
                }
            }
            Ok(_) => None,
        };
        match reason {
            Some(reason) => summary.skipped.push(Skipped {
                url: feed.url.clone(),
                reason,
            }),
            None => summary.added.push(feed.clone()),
        }
    }
    if summary.added.is_empty() {
        return Ok((config_text.to_string(), summary));
    }

    let edit_error = |message: String| ImportError::Edit {
        path: config_path.to_path_buf(),
        message,
    };
    let mut doc: DocumentMut = config_text
        .parse()
        .map_err(|e: toml_edit::TomlError| edit_error(e.message().to_string()))?;
    // With no [[feed]] yet, the new tables go at the very end: the text after
    // the last table (the document's "trailing", e.g. a closing comment)
    // moves above them instead of below.
    let mut lead = String::new();
    if !doc.contains_key("feed") {
        lead = doc.trailing().as_str().unwrap_or("").to_string();
        doc.set_trailing("");
    }
    let list = doc
        .entry("feed")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| ImportError::FeedNotTables {
            path: config_path.to_path_buf(),
        })?;
    for (i, feed) in summary.added.iter().enumerate() {
        let mut table = Table::new();
        table.insert("url", value(feed.url.as_str()));
        if let Some(name) = &feed.name {
            table.insert("name", value(name.as_str()));
        }
        if let Some(category) = &feed.category {
            table.insert("category", value(category.as_str()));
        }
        if !feed.enabled {
            table.insert("enabled", value(false));
        }
        let prefix = if i == 0 {
            match comment {
                Some(comment) => format!("{lead}\n# {}\n", one_line(comment)),
                None => format!("{lead}\n"),
            }
        } else {
            "\n".to_string()
        };
        table.decor_mut().set_prefix(prefix);
        list.push(table);
    }
    let mut text = doc.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    config::parse(&text, config_path).map_err(ImportError::Invalid)?;
    Ok((text, summary))
}

/// Imports the feeds of the OPML file at `opml_path` into the config file at
/// `config_path`, replacing it atomically when anything was added.
pub fn import_file(config_path: &Path, opml_path: &Path) -> Result<ImportSummary, ImportError> {
    let feeds = read(opml_path)?;
    let config_text = std::fs::read_to_string(config_path).map_err(|source| ConfigError::Read {
        path: config_path.to_path_buf(),
        source,
    })?;
    let source = opml_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| opml_path.display().to_string());
    let (text, summary) = import_text(&config_text, config_path, &feeds, &source)?;
    if !summary.added.is_empty() {
        write_atomic(config_path, text.as_bytes())?;
    }
    Ok(summary)
}

pub(crate) fn config_dir(config_path: &Path) -> PathBuf {
    match config_path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn one_line(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// The feeds of a config, for [`render`]: its URLs (as resolved, so `file://`
/// paths are absolute), names, and enabled flags.
pub fn feeds_of(config: &config::Config) -> Vec<OpmlFeed> {
    config
        .feeds
        .iter()
        .map(|f| OpmlFeed {
            url: f.url.to_string(),
            name: f.name.clone(),
            enabled: f.enabled,
            category: f.category.clone(),
        })
        .collect()
}

/// A folder of the rendered outline tree.
#[derive(Default)]
struct Folder<'a> {
    name: String,
    folders: Vec<Folder<'a>>,
    feeds: Vec<&'a OpmlFeed>,
}

impl<'a> Folder<'a> {
    /// Files `feed` under its category's folders, making them as needed
    /// (in order of first use).
    fn file(&mut self, feed: &'a OpmlFeed) {
        let mut folder = self;
        for level in feed.category.as_deref().unwrap_or("").split('/') {
            let level = level.trim();
            if level.is_empty() {
                continue;
            }
            let at = match folder.folders.iter().position(|f| f.name == level) {
                Some(at) => at,
                None => {
                    folder.folders.push(Folder {
                        name: level.to_string(),
                        ..Folder::default()
                    });
                    folder.folders.len() - 1
                }
            };
            folder = &mut folder.folders[at];
        }
        folder.feeds.push(feed);
    }

    fn render(&self, depth: usize, out: &mut String) {
        let indent = "  ".repeat(depth + 2);
        for feed in &self.feeds {
            render_feed(feed, &indent, out);
        }
        for folder in &self.folders {
            let name = xml_escape(&folder.name);
            out.push_str(&format!(
                "{indent}<outline text=\"{name}\" title=\"{name}\">\n"
            ));
            folder.render(depth + 1, out);
            out.push_str(&format!("{indent}</outline>\n"));
        }
    }
}

fn render_feed(feed: &OpmlFeed, indent: &str, out: &mut String) {
    let text = feed.name.as_deref().unwrap_or(&feed.url);
    out.push_str(&format!(
        "{indent}<outline type=\"rss\" text=\"{}\"",
        xml_escape(text)
    ));
    if let Some(name) = &feed.name {
        out.push_str(&format!(" title=\"{}\"", xml_escape(name)));
    }
    out.push_str(&format!(" xmlUrl=\"{}\"", xml_escape(&feed.url)));
    if !feed.enabled {
        out.push_str(" isComment=\"true\"");
    }
    out.push_str("/>\n");
}

/// Renders feeds as an OPML 2.0 document. Disabled feeds are commented-out
/// outlines (`isComment="true"`, the OPML way), so they survive a round trip;
/// categories are nested folder outlines, one level per `/`.
pub fn render(feeds: &[OpmlFeed], title: &str, created: chrono::DateTime<chrono::Utc>) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n",
    );
    out.push_str(&format!("    <title>{}</title>\n", xml_escape(title)));
    out.push_str(&format!(
        "    <dateCreated>{}</dateCreated>\n",
        created.to_rfc2822()
    ));
    out.push_str("    <docs>http://opml.org/spec2.opml</docs>\n  </head>\n  <body>\n");
    let mut root = Folder::default();
    for feed in feeds {
        root.file(feed);
    }
    root.render(0, &mut out);
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NESTED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Subs</title></head>
  <body>
    <outline text="News">
      <outline text="World" title="World &amp; More" type="rss" xmlUrl="https://a.example/world.xml"/>
      <outline text="Deep">
        <outline text="https://b.example/feed" xmlurl="https://b.example/feed"/>
      </outline>
    </outline>
    <outline text="Old" isComment="true">
      <outline text="Gone" xmlUrl="https://c.example/rss"/>
    </outline>
    <outline text="Just a link" htmlUrl="https://d.example/"/>
  </body>
</opml>"#;

    fn p(text: &str) -> Result<Vec<OpmlFeed>, OpmlError> {
        parse(text, Path::new("subs.opml"))
    }

    #[test]
    fn finds_nested_feeds_with_names_and_comments() {
        let feeds = p(NESTED).unwrap();
        assert_eq!(
            feeds,
            vec![
                OpmlFeed {
                    url: "https://a.example/world.xml".into(),
                    name: Some("World & More".into()),
                    enabled: true,
                    category: Some("News".into()),
                },
                OpmlFeed {
                    url: "https://b.example/feed".into(),
                    name: None,
                    enabled: true,
                    category: Some("News/Deep".into()),
                },
                OpmlFeed {
                    url: "https://c.example/rss".into(),
                    name: Some("Gone".into()),
                    enabled: false,
                    category: Some("Old".into()),
                },
            ]
        );
    }

    #[test]
    fn malformed_opml_names_file_line_and_column() {
        let e = p("<opml>\n<body>\n  <outline text=\"a\" xmlUrl=\"x\">\n</body></opml>")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("subs.opml:4:"), "{e}");
        let e = p("<rss version=\"2.0\"/>").unwrap_err().to_string();
        assert!(e.contains("<rss>, not <opml>"), "{e}");
        let e = p("<opml><body>").unwrap_err().to_string();
        assert!(
            e.contains("before <body> (line 1, column 7) is closed"),
            "{e}"
        );
        let e = p("").unwrap_err().to_string();
        assert!(e.contains("no <opml>"), "{e}");
        let e =
            p("<opml><body><outline text=\"&nbsp;\" xmlUrl=\"https://a.example/\"/></body></opml>")
                .unwrap_err()
                .to_string();
        assert!(e.starts_with("subs.opml:1:13:"), "{e}");
    }

    #[test]
    fn import_skips_known_repeated_and_bad_urls() {
        let config = "# my feeds\n[fetch]\ntimeout = \"5s\" # short\n\n[[feed]]\nurl = \"HTTPS://A.example:443/world.xml\"\n";
        let feeds = vec![
            OpmlFeed {
                url: "https://a.example/world.xml#top".into(),
                name: None,
                enabled: true,
                category: None,
            },
            OpmlFeed {
                url: "https://n.example/new".into(),
                name: Some("New \"one\"".into()),
                enabled: true,
                category: None,
            },
            OpmlFeed {
                url: "https://n.example/new".into(),
                name: None,
                enabled: true,
                category: None,
            },
            OpmlFeed {
                url: "gopher://x.example/".into(),
                name: None,
                enabled: true,
                category: None,
            },
            OpmlFeed {
                url: "https://off.example/".into(),
                name: None,
                enabled: false,
                category: None,
            },
        ];
        let path = Path::new("/etc/feedsieve/feedsieve.toml");
        let (text, summary) = import_text(config, path, &feeds, "subs.opml").unwrap();
        assert!(text.starts_with(config), "{text}");
        assert_eq!(summary.added.len(), 2);
        let reasons: Vec<_> = summary.skipped.iter().map(|s| &s.reason).collect();
        assert!(matches!(
            reasons.as_slice(),
            [
                SkipReason::AlreadyListed,
                SkipReason::Repeated,
                SkipReason::BadUrl(_)
            ]
        ));
        let c = config::parse(&text, path).unwrap();
        assert_eq!(c.feeds.len(), 3);
        assert_eq!(c.feeds[1].name.as_deref(), Some("New \"one\""));
        assert!(!c.feeds[2].enabled);
        assert!(text.contains("# Imported from subs.opml"), "{text}");
    }

    #[test]
    fn import_into_an_empty_config_and_nothing_new_leaves_it_alone() {
        let path = Path::new("/tmp/f.toml");
        let feeds = p(NESTED).unwrap();
        let (text, summary) = import_text("", path, &feeds, "s").unwrap();
        assert_eq!(summary.added.len(), 3);
        let (again, summary) = import_text(&text, path, &feeds, "s").unwrap();
        assert_eq!(again, text);
        assert!(summary.added.is_empty());
        assert_eq!(summary.skipped.len(), 3);
    }

    #[test]
    fn a_feed_key_that_is_not_tables_is_an_error() {
        let feeds = p(NESTED).unwrap();
        let e = import_text("feed = 3\n", Path::new("/tmp/f.toml"), &feeds, "s").unwrap_err();
        // config::parse already refuses it, before any edit.
        assert!(matches!(e, ImportError::Config(_)), "{e}");
    }

    #[test]
    fn render_round_trips_through_parse() {
        let feeds = vec![
            OpmlFeed {
                url: "https://a.example/f?x=1&y=<2>".into(),
                name: Some("A & \"B\"".into()),
                enabled: true,
                category: None,
            },
            OpmlFeed {
                url: "file:///srv/feeds/b.xml".into(),
                name: None,
                enabled: false,
                category: Some("News/World".into()),
            },
            OpmlFeed {
                url: "https://c.example/".into(),
                name: None,
                enabled: true,
                category: Some("News".into()),
            },
            OpmlFeed {
                url: "https://d.example/".into(),
                name: None,
                enabled: true,
                category: Some("News/World".into()),
            },
        ];
        let text = render(&feeds, "t", chrono::Utc::now());
        // Nested outlines, one per folder, feeds grouped under their folder.
        assert_eq!(text.matches("text=\"World\"").count(), 1, "{text}");
        assert_eq!(text.matches("text=\"News\"").count(), 1, "{text}");
        let mut back = p(&text).unwrap();
        let order = |f: &OpmlFeed| f.url.clone();
        back.sort_by_key(order);
        let mut want = feeds.clone();
        want.sort_by_key(order);
        assert_eq!(back, want);
    }
}
