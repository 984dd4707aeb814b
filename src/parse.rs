//! Parsing: turns the bytes of an RSS 0.9x/1.0/2.0, Atom or JSON Feed document
//! into feed metadata and entries, whatever the character encoding.
//!
//! It decodes to UTF-8 first (BOM, then the HTTP charset, then the XML prolog,
//! then UTF-8 with replacement), so feed-rs always sees UTF-8. It gives every
//! entry a stable identity within its feed. It never cleans, sanitises or
//! stores; the content is passed on exactly as the feed had it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use encoding_rs::Encoding;
use siphasher::sip::SipHasher13;
use std::hash::Hasher;

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("empty document")]
    Empty,
    #[error("not a feed: the server sent an HTML page, not RSS, Atom or JSON Feed")]
    HtmlPage,
    #[error("not a valid feed: {0}")]
    Invalid(String),
}

/// A parsed feed: its own metadata and its entries.
#[derive(Debug, Clone, Default)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub site_url: Option<String>,
    /// RSS `<ttl>`: the publisher's hint of how long to cache the feed.
    pub ttl: Option<Duration>,
    pub entries: Vec<ParsedEntry>,
}

/// One entry as the feed had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedEntry {
    /// Identity within the feed: id/guid, else link, else a hash of title and content.
    pub guid: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The entry's HTML body (content, else summary), as received.
    pub content_html: String,
    /// Every author's name, in feed order (`author` is the first).
    pub authors: Vec<String>,
    /// The entry's categories or tags (their terms, else labels), in feed order.
    pub categories: Vec<String>,
    /// Attachments: RSS `<enclosure>`, Media RSS, Atom `rel="enclosure"`, JSON Feed attachments.
    pub enclosures: Vec<Enclosure>,
}

/// One attachment of an entry (a podcast episode's audio, an image).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Enclosure {
    pub url: String,
    /// The MIME type as the feed gave it.
    pub mime_type: Option<String>,
    /// The size in bytes as the feed gave it.
    pub length: Option<u64>,
}

/// Parses a feed document. `content_type` is the HTTP Content-Type header, if
/// any; `base_url` resolves relative links.
pub fn parse(
    bytes: &[u8],
    content_type: Option<&str>,
    base_url: Option<&str>,
) -> Result<ParsedFeed, ParseError> {
    let text = decode(bytes, content_type);
    let text = text.trim_start_matches('\u{feff}');
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(ParseError::Empty);
    }
    if looks_like_html(trimmed) {
        return Err(ParseError::HtmlPage);
    }
    let parser = feed_rs::parser::Builder::new()
        .sanitize_content(false)
        .base_uri(base_url)
        // An empty id tells us the feed had none, so our own rule applies below.
        .id_generator(|_, _, _| String::new())
        .build();
    let document = strip_xml_declaration(trimmed);
    // quick-xml (under feed-rs) panics on a second XML declaration naming an
    // encoding once it is past its first buffer (found by fuzzing). XML allows
    // the declaration only at the very start, so such a document is not XML.
    if has_inner_xml_declaration(document) {
        return Err(ParseError::Invalid(
            "an XML declaration (<?xml …?>) in the middle of the document".into(),
        ));
    }
    let is_json = document.starts_with('{');
    let document = if is_json {
        std::borrow::Cow::Borrowed(document)
    } else {
        // The text is UTF-8 now, and the declaration says so: without one,
        // quick-xml guesses the encoding from the first bytes, and a guess
        // of UTF-16 made it panic (feedparser's utf-16be-autodetect case).
        let document = repair_xml_entities(document);
        let document = match cdf_to_rss(&document) {
            Some(rss) => std::borrow::Cow::Owned(rss),
            None => document,
        };
        let document = repair_atom_text_types(&document);
        let document = add_rss_version(&document);
        let document = add_rss_channel(&document);
        std::borrow::Cow::Owned(format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{document}"
        ))
    };
    let feed = match parse_guarded(&parser, &document) {
        Err(first) if is_json => match repair_json_feed(&document) {
            Some(repaired) => parse_guarded(&parser, &repaired).map_err(|_| first)?,
            None => return Err(first),
        },
        other => other?,
    };

    let site_url = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.clone());
    let entries = feed.entries.into_iter().map(convert_entry).collect();
    Ok(ParsedFeed {
        title: feed
            .title
            .map(|t| t.content.trim().to_string())
            .filter(|t| !t.is_empty()),
        site_url,
        ttl: feed
            .ttl
            .map(|minutes| Duration::from_secs(u64::from(minutes) * 60)),
        entries,
    })
}

/// feed-rs behind a panic guard: a panic deep in its XML reader (seen on
/// odd encodings in the feedparser corpus) becomes this feed's parse error.
fn parse_guarded(
    parser: &feed_rs::parser::Parser,
    document: &str,
) -> Result<feed_rs::model::Feed, ParseError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        parser.parse(document.as_bytes())
    }))
    .map_err(|_| ParseError::Invalid("the feed parser crashed on this document".into()))?
    .map_err(|e| ParseError::Invalid(e.to_string()))
}

/// Repairs what real feeds get wrong about XML entities: a bare `&` (as in
/// "AT&T") becomes `&amp;`, and an HTML entity XML does not define (`&nbsp;`,
/// `&eacute;`) becomes its numeric reference, so the feed parses and the
/// text reads right. CDATA sections, comments and processing instructions
/// are left alone. Allocates only when something needs repair.
pub fn repair_xml_entities(xml: &str) -> std::borrow::Cow<'_, str> {
    let bytes = xml.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `xml` already in `out`
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let skip_to = |close: &str| {
                    xml[i..]
                        .find(close)
                        .map(|p| i + p + close.len())
                        .unwrap_or(bytes.len())
                };
                i = if xml[i..].starts_with("<![CDATA[") {
                    skip_to("]]>")
                } else if xml[i..].starts_with("<!--") {
                    skip_to("-->")
                } else if xml[i..].starts_with("<?") {
                    skip_to("?>")
                } else {
                    i + 1
                };
            }
            b'&' => {
                let (replacement, len) = entity_fix(&xml[i..]);
                if let Some(replacement) = replacement {
                    let buf = out.get_or_insert_with(|| String::with_capacity(xml.len() + 64));
                    buf.push_str(&xml[copied..i]);
                    buf.push_str(&replacement);
                    copied = i + len;
                }
                i += len.max(1);
            }
            _ => i += 1,
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(xml),
        Some(mut buf) => {
            buf.push_str(&xml[copied..]);
            std::borrow::Cow::Owned(buf)
        }
    }
}

/// For text starting at `&`: the replacement (None if it is fine as it is)
/// and how many bytes the reference spans.
fn entity_fix(text: &str) -> (Option<String>, usize) {
    let body = &text[1..];
    let end = body
        .char_indices()
        .take(40)
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '#'))
        .map(|(i, c)| (i, c == ';'));
    let Some((name_len, true)) = end else {
        return (Some("&amp;".into()), 1);
    };
    let name = &body[..name_len];
    let span = name_len + 2;
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse().ok(),
        };
        return match code.and_then(char::from_u32).filter(|c| is_xml_char(*c)) {
            // XML writes hexadecimal references with a lowercase x only.
            Some(c) if num.starts_with('X') => (Some(format!("&#x{:x};", u32::from(c))), span),
            Some(_) => (None, span),
            None => (Some("&#xFFFD;".into()), span),
        };
    }
    if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") {
        return (None, span);
    }
    match html5ever::data::NAMED_ENTITIES.get(&format!("{name};")) {
        Some(&(first, second)) if first != 0 => {
            let mut refs = format!("&#{first};");
            if second != 0 {
                refs.push_str(&format!("&#{second};"));
            }
            (Some(refs), span)
        }
        _ => (Some("&amp;".into()), 1),
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Where the root element's start tag begins: after whitespace, comments,
/// processing instructions and a DOCTYPE.
fn root_start(xml: &str) -> Option<usize> {
    let mut at = 0;
    loop {
        let rest = xml.get(at..)?;
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        let skip = |open: &str, close: &str| {
            trimmed
                .strip_prefix(open)
                .and_then(|r| r.find(close).map(|i| open.len() + i + close.len()))
        };
        match skip("<!--", "-->")
            .or_else(|| skip("<?", "?>"))
            .or_else(|| skip("<!", ">"))
        {
            Some(len) => at += len,
            None => return trimmed.starts_with('<').then_some(at),
        }
    }
}

/// The `<rss …>` start tag of a document whose root it is: where it starts
/// and ends (after `>`). An `<rss` elsewhere (quoted in an Atom entry's
/// CDATA, say) is not it.
fn rss_start_tag(xml: &str) -> Option<(usize, usize)> {
    let at = root_start(xml).filter(|&at| xml[at..].starts_with("<rss"))?;
    let rest = &xml[at + 4..];
    if !(rest.starts_with('>') || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let end = xml[at..].find('>').map(|e| at + e + 1)?;
    Some((at, end))
}

/// feed-rs recognises RSS only by its `version` attribute, and only the
/// versions 0.91, 0.92 and 2.0; old and hand-written feeds leave it out
/// (`<rss>`) or write others (0.93, 0.94, 2.01). They are read as RSS 2.0.
fn add_rss_version(xml: &str) -> std::borrow::Cow<'_, str> {
    let Some((at, end)) = rss_start_tag(xml) else {
        return std::borrow::Cow::Borrowed(xml);
    };
    let tag = &xml[at..end];
    let Some(version) = RSS_VERSION.captures(tag) else {
        return std::borrow::Cow::Owned(format!(
            "{} version=\"2.0\"{}",
            &xml[..at + 4],
            &xml[at + 4..]
        ));
    };
    let (Some(whole), Some(value)) = (version.get(0), version.get(2)) else {
        return std::borrow::Cow::Borrowed(xml);
    };
    if matches!(value.as_str(), "2.0" | "0.91" | "0.92") {
        return std::borrow::Cow::Borrowed(xml);
    }
    std::borrow::Cow::Owned(format!(
        "{}version=\"2.0\"{}",
        &xml[..at + whole.start()],
        &xml[at + whole.end()..]
    ))
}

// Both patterns are constants, compiled on first use; the parse tests run
// them, so a typo fails the tests, never a feed: the expects cannot fire on input.
static RSS_VERSION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"\bversion\s*=\s*(["'])([^"']*)["']"#).expect("a valid pattern")
});

/// RSS puts everything in `<channel>`; an `<rss>` without one (an empty
/// document, or items straight under `<rss>`) is read as if it had one: an
/// empty feed, or its items.
fn add_rss_channel(xml: &str) -> std::borrow::Cow<'_, str> {
    let Some((_, end)) = rss_start_tag(xml) else {
        return std::borrow::Cow::Borrowed(xml);
    };
    if xml[end..].contains("<channel") {
        return std::borrow::Cow::Borrowed(xml);
    }
    let close = xml
        .rfind("</rss")
        .filter(|&c| c >= end)
        .unwrap_or(xml.len());
    std::borrow::Cow::Owned(format!(
        "{}<channel>{}</channel>{}",
        &xml[..end],
        &xml[end..close],
        &xml[close..]
    ))
}

/// Atom text constructs name their type as `text`, `html` or `xhtml`;
/// feed-rs refuses anything else, and feeds write MIME types there
/// (`application/xhtml+xml`, `text/plain`), an empty type, or a base64
/// document of another type (which Atom 0.3 allowed). Each is read as what
/// it is: XHTML, text, or the decoded text.
fn repair_atom_text_types(xml: &str) -> std::borrow::Cow<'_, str> {
    let atom = xml.contains("<feed") || xml.contains(":feed") || xml.contains("<entry");
    if !atom || !xml.contains("type=") {
        return std::borrow::Cow::Borrowed(xml);
    }
    ATOM_TEXT_TYPE.replace_all(xml, |caps: &regex::Captures<'_>| {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let (open, kind, rest, body, close) = (&caps[1], &caps[3], &caps[4], &caps[5], &caps[6]);
        let is_content = caps[2].ends_with("content");
        let fixed = match kind.trim().to_ascii_lowercase().as_str() {
            // A self-closed element has no body of its own to rewrite.
            _ if rest.ends_with('/') => return whole.to_string(),
            "text" | "html" | "xhtml" | "text/html" => return whole.to_string(),
            "application/xhtml+xml" => "xhtml",
            "" => "text",
            t if t.starts_with("text/") => "text",
            // feed-rs reads content of any media type itself.
            _ if is_content => return whole.to_string(),
            _ => {
                use base64::Engine as _;
                let compact: String = body.split_whitespace().collect();
                return match base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                {
                    Some(text) => format!(
                        "{open} type=\"text\"{rest}>{}{close}",
                        crate::output::xml_escape(&text)
                    ),
                    None => format!("{open} type=\"text\"{rest}>{body}{close}"),
                };
            }
        };
        format!("{open} type=\"{fixed}\"{rest}>{body}{close}")
    })
}

/// An Atom text construct (or content) with a `type` attribute and its body
/// up to the matching end tag: (1) `<name …` before the type, (2) the name,
/// (3) the type, (4) what follows it in the tag, (5) the body, (6) the end tag.
static ATOM_TEXT_TYPE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"(?s)(<((?:[A-Za-z_][\w.-]*:)?(?:title|subtitle|tagline|rights|copyright|summary|content|info))\b[^>]*?)\s+type\s*=\s*["']([^"']*)["']([^>]*?)>(.*?)(</(?:[A-Za-z_][\w.-]*:)?(?:title|subtitle|tagline|rights|copyright|summary|content|info)\s*>)"#,
    )
    .expect("a valid pattern")
});

/// Microsoft's Channel Definition Format (`<CHANNEL HREF=…><ITEM …>`, 1997),
/// which feedparser still reads, as the RSS 2.0 it maps onto: `HREF` is the
/// link, `LASTMOD` the date, `TITLE` and `ABSTRACT` the title and
/// description; other elements are left out. `None` when the document's
/// root is not a CDF `<CHANNEL>` or it does not read as XML.
fn cdf_to_rss(xml: &str) -> Option<String> {
    use quick_xml::events::{BytesStart, Event};
    let after = xml[root_start(xml)?..].strip_prefix("<CHANNEL")?;
    if !after.starts_with(|c: char| c == '>' || c == '/' || c.is_whitespace()) {
        return None;
    }
    let mapped = |e: &BytesStart<'_>| match e.name().into_inner() {
        "CHANNEL" => Some("channel"),
        "ITEM" => Some("item"),
        "TITLE" => Some("title"),
        "ABSTRACT" => Some("description"),
        _ => None,
    };
    let open = |out: &mut String, name: &str, e: &BytesStart<'_>| -> Option<()> {
        out.push_str(&format!("<{name}>"));
        for attr in e.attributes() {
            let attr = attr.ok()?;
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()?;
            let value = crate::output::xml_escape(value.trim());
            match attr.key.into_inner() {
                "HREF" => out.push_str(&format!("<link>{value}</link>")),
                "LASTMOD" => out.push_str(&format!("<pubDate>{value}</pubDate>")),
                _ => {}
            }
        }
        Some(())
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = String::from("<rss version=\"2.0\">");
    // Open elements: the RSS name each became (None: left out with its content).
    let mut open_elements: Vec<Option<&str>> = Vec::new();
    loop {
        let event = reader.read_event().ok()?;
        let kept = open_elements.iter().all(Option::is_some);
        match event {
            Event::Start(e) => {
                let name = mapped(&e).filter(|_| kept);
                if let Some(name) = name {
                    open(&mut out, name, &e)?;
                }
                open_elements.push(name);
            }
            Event::Empty(e) => {
                if let Some(name) = mapped(&e).filter(|_| kept) {
                    open(&mut out, name, &e)?;
                    out.push_str(&format!("</{name}>"));
                }
            }
            Event::End(_) => {
                if let Some(Some(name)) = open_elements.pop() {
                    out.push_str(&format!("</{name}>"));
                }
            }
            Event::Text(t) if kept && !open_elements.is_empty() => {
                out.push_str(AsRef::<str>::as_ref(&t));
            }
            Event::GeneralRef(r) if kept && !open_elements.is_empty() => {
                out.push('&');
                out.push_str(AsRef::<str>::as_ref(&r));
                out.push(';');
            }
            Event::CData(c) if kept && !open_elements.is_empty() => {
                out.push_str(&crate::output::xml_escape(AsRef::<str>::as_ref(&c)));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out.push_str("</rss>");
    Some(out)
}

/// JSON Feeds in the wild write item ids as numbers; the spec says strings.
fn repair_json_feed(text: &str) -> Option<String> {
    let mut doc: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut changed = false;
    for item in doc.get_mut("items")?.as_array_mut()? {
        if let Some(id) = item.get_mut("id")
            && id.is_number()
        {
            *id = serde_json::Value::String(id.to_string());
            changed = true;
        }
    }
    changed.then(|| doc.to_string())
}

fn convert_entry(entry: feed_rs::model::Entry) -> ParsedEntry {
    let url = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| entry.links.first())
        .map(|l| l.href.trim().to_string())
        .filter(|u| !u.is_empty());
    let title = entry
        .title
        .map(|t| t.content.trim().to_string())
        .filter(|t| !t.is_empty());
    let content_html = entry
        .content
        .and_then(|c| c.body)
        .filter(|b| !b.trim().is_empty())
        .or_else(|| entry.summary.map(|s| s.content))
        .unwrap_or_default();
    let authors = distinct(
        entry
            .authors
            .iter()
            .filter_map(|p| p.name.as_deref())
            .map(str::to_string),
    );
    let author = authors.first().cloned();
    let categories = distinct(entry.categories.iter().map(|c| {
        if c.term.trim().is_empty() {
            c.label.clone().unwrap_or_default()
        } else {
            c.term.clone()
        }
    }));
    let enclosures = enclosures_of(&entry.links, &entry.media);
    let id = entry.id.trim();
    let guid = if !id.is_empty() {
        id.to_string()
    } else if let Some(url) = &url {
        url.clone()
    } else {
        content_guid(title.as_deref(), &content_html)
    };
    ParsedEntry {
        guid,
        url,
        title,
        author,
        published_at: entry.published.or(entry.updated),
        updated_at: entry.updated,
        content_html,
        authors,
        categories,
        enclosures,
    }
}

/// Trimmed, non-empty, first occurrence only, in order.
fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in values {
        let value = value.trim();
        if !value.is_empty() && !out.iter().any(|v| v == value) {
            out.push(value.to_string());
        }
    }
    out
}

/// Attachments from Atom `rel="enclosure"` links and from media objects
/// (feed-rs puts RSS `<enclosure>`, Media RSS and JSON Feed attachments
/// there), each URL once.
fn enclosures_of(
    links: &[feed_rs::model::Link],
    media: &[feed_rs::model::MediaObject],
) -> Vec<Enclosure> {
    let from_links = links
        .iter()
        .filter(|l| l.rel.as_deref() == Some("enclosure"))
        .map(|l| Enclosure {
            url: l.href.trim().to_string(),
            mime_type: l.media_type.clone(),
            length: l.length,
        });
    let from_media = media.iter().flat_map(|m| &m.content).filter_map(|c| {
        Some(Enclosure {
            url: c.url.as_ref()?.to_string(),
            mime_type: c.content_type.as_ref().map(|t| t.to_string()),
            length: c.size,
        })
    });
    let mut out: Vec<Enclosure> = Vec::new();
    for enclosure in from_links.chain(from_media) {
        if !enclosure.url.is_empty() && !out.iter().any(|e| e.url == enclosure.url) {
            out.push(enclosure);
        }
    }
    out
}

/// A stable identity for an entry with neither id nor link. Fixed keys, so the
/// same entry hashes the same in every build and run.
fn content_guid(title: Option<&str>, content: &str) -> String {
    let mut h = SipHasher13::new_with_keys(0x6665_6564_7369_6576, 0x6775_6964_7631_0000);
    h.write(title.unwrap_or("").as_bytes());
    h.write_u8(0xff);
    h.write(content.as_bytes());
    format!("sha:{:016x}", h.finish())
}

/// Decodes to UTF-8: a BOM wins, then the HTTP charset, then the XML prolog's
/// encoding, else UTF-8; invalid sequences become U+FFFD rather than errors.
/// A document with no BOM whose first bytes are `<` (or `<?`) in UTF-16 or
/// UTF-32 is read in that encoding (XML 1.0, appendix F), whatever a label says.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some(wide) = Wide::of_bom(bytes).or_else(|| Wide::sniff(bytes)) {
        return wide.decode(bytes);
    }
    let label = content_type
        .and_then(charset_of)
        .filter(|label| Encoding::for_label(label).is_some() || Wide::of_label(label).is_some())
        .or_else(|| prolog_encoding(bytes));
    if let Some(wide) = label.and_then(Wide::of_label) {
        return wide.decode(bytes);
    }
    let encoding = Encoding::for_bom(bytes)
        .map(|(e, _)| e)
        .or_else(|| label.and_then(Encoding::for_label))
        .unwrap_or(encoding_rs::UTF_8);
    // A label saying UTF-16 on bytes that have no BOM and do not start as
    // UTF-16 is almost always a mislabelled ASCII-compatible document.
    let encoding = if (encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE)
        && Encoding::for_bom(bytes).is_none()
    {
        encoding_rs::UTF_8
    } else {
        encoding
    };
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

/// The UTF-16 and UTF-32 byte orders, which `encoding_rs` (a WHATWG
/// decoder) reads only partly: UTF-32 not at all, UTF-16 only with a BOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Wide {
    fn of_bom(bytes: &[u8]) -> Option<Wide> {
        // UTF-32LE's BOM starts as UTF-16LE's: test it first.
        match bytes {
            [0xff, 0xfe, 0, 0, ..] => Some(Wide::Utf32Le),
            [0, 0, 0xfe, 0xff, ..] => Some(Wide::Utf32Be),
            [0xff, 0xfe, ..] => Some(Wide::Utf16Le),
            [0xfe, 0xff, ..] => Some(Wide::Utf16Be),
            _ => None,
        }
    }

    /// `<` as the first character, in a wide encoding, with no BOM.
    fn sniff(bytes: &[u8]) -> Option<Wide> {
        match bytes {
            [b'<', 0, 0, 0, ..] => Some(Wide::Utf32Le),
            [0, 0, 0, b'<', ..] => Some(Wide::Utf32Be),
            [b'<', 0, _, 0, ..] => Some(Wide::Utf16Le),
            [0, b'<', 0, _, ..] => Some(Wide::Utf16Be),
            _ => None,
        }
    }

    /// UTF-32 labels (UTF-16 ones are left to `encoding_rs` and its checks).
    fn of_label(label: &[u8]) -> Option<Wide> {
        let label = std::str::from_utf8(label).ok()?.trim().to_ascii_lowercase();
        match label.as_str() {
            "utf-32" | "utf32" | "ucs-4" | "utf-32be" | "utf32be" => Some(Wide::Utf32Be),
            "utf-32le" | "utf32le" => Some(Wide::Utf32Le),
            _ => None,
        }
    }

    /// Decodes, dropping a BOM; what is not a character becomes U+FFFD.
    fn decode(self, bytes: &[u8]) -> String {
        match self {
            Wide::Utf16Le | Wide::Utf16Be => {
                let encoding = if self == Wide::Utf16Le {
                    encoding_rs::UTF_16LE
                } else {
                    encoding_rs::UTF_16BE
                };
                let (text, _) = encoding.decode_with_bom_removal(bytes);
                text.into_owned()
            }
            Wide::Utf32Le | Wide::Utf32Be => {
                let text: String = bytes
                    .chunks(4)
                    .map(|c| {
                        let word: [u8; 4] = c.try_into().unwrap_or([0xff; 4]);
                        let code = if self == Wide::Utf32Le {
                            u32::from_le_bytes(word)
                        } else {
                            u32::from_be_bytes(word)
                        };
                        char::from_u32(code).unwrap_or('\u{fffd}')
                    })
                    .collect();
                text.trim_start_matches('\u{feff}').to_string()
            }
        }
    }
}

fn charset_of(content_type: &str) -> Option<&[u8]> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').trim_matches('\'').as_bytes())
    })
}

/// The `encoding="…"` of an XML declaration at the start of the document.
fn prolog_encoding(bytes: &[u8]) -> Option<&[u8]> {
    let head = &bytes[..bytes.len().min(512)];
    let start = head.windows(5).position(|w| w == b"<?xml")?;
    let end = start + head[start..].windows(2).position(|w| w == b"?>")?;
    let decl = &head[start..end];
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let rest = &decl[at + 8..];
    let quote_at = rest.iter().position(|&c| c == b'"' || c == b'\'')?;
    let quote = rest[quote_at];
    let value = &rest[quote_at + 1..];
    let close = value.iter().position(|&c| c == quote)?;
    Some(&value[..close])
}

/// Drops a leading XML declaration: the text is UTF-8 now, whatever it said.
fn strip_xml_declaration(text: &str) -> &str {
    if text.starts_with("<?xml")
        && let Some(end) = text.find("?>")
    {
        return text[end + 2..].trim_start();
    }
    text
}

/// Whether `<?xml` opens a processing instruction (an XML declaration, not
/// `<?xml-stylesheet`) outside comments and CDATA sections.
fn has_inner_xml_declaration(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let skip_to = |rest: &str, end: &str| rest.find(end).map(|j| j + end.len());
        let next = if rest.starts_with("<!--") {
            skip_to(rest, "-->")
        } else if rest.starts_with("<![CDATA[") {
            skip_to(rest, "]]>")
        } else if let Some(after) = rest.strip_prefix("<?xml") {
            if after.is_empty() || after.starts_with(|c: char| c.is_whitespace() || c == '?') {
                return true;
            }
            Some(1)
        } else {
            Some(1)
        };
        match next {
            Some(n) => rest = &rest[n..],
            None => return false,
        }
    }
    false
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    let head = strip_xml_declaration(&head);
    let head = head.trim_start();
    let mut head = head;
    while let Some(rest) = head.strip_prefix("<!--") {
        head = rest
            .find("-->")
            .map(|i| rest[i + 3..].trim_start())
            .unwrap_or("");
    }
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_xml_declaration_is_an_error_not_a_panic() {
        // Minimised from a cargo-fuzz crash (fuzz/corpus/parse_clean/regression-inner-decl.xml).
        let doc = format!(
            "<rss version=\"2.0\"><channel>{}<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><title>T</title></channel></rss>",
            "\u{fffd}".repeat(4000)
        );
        let err = parse(doc.as_bytes(), None, None).unwrap_err();
        assert!(err.to_string().contains("XML declaration"), "{err}");
        // In CDATA or a comment it is text, and a stylesheet PI is fine.
        let ok = "<?xml version=\"1.0\"?><?xml-stylesheet href=\"s.xsl\"?><rss version=\"2.0\"><channel><title>T</title><!-- <?xml version=\"1.0\"?> --><item><guid>a</guid><description><![CDATA[<?xml version=\"1.0\" encoding=\"utf-8\"?>]]></description></item></channel></rss>";
        let feed = parse(ok.as_bytes(), None, None).unwrap();
        assert_eq!(feed.entries.len(), 1);
        assert!(feed.entries[0].content_html.contains("<?xml"));
    }

    const RSS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>https://s.example/</link><ttl>90</ttl>
<item><guid>g1</guid><title>One</title><link>https://s.example/1</link><description>&lt;p&gt;Body&lt;/p&gt;</description></item>
<item><title>Two</title><link>https://s.example/2</link><description>B2</description></item>
<item><title>Three</title><description>B3</description></item>
</channel></rss>"#;

    #[test]
    fn identity_prefers_guid_then_link_then_hash() {
        let feed = parse(RSS.as_bytes(), None, None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("T"));
        assert_eq!(feed.ttl, Some(Duration::from_secs(90 * 60)));
        let guids: Vec<_> = feed.entries.iter().map(|e| e.guid.as_str()).collect();
        assert_eq!(guids[0], "g1");
        assert_eq!(guids[1], "https://s.example/2");
        assert!(guids[2].starts_with("sha:"));
        assert_eq!(feed.entries[0].content_html, "<p>Body</p>");
        // The hash is stable: parse again, same identity.
        let again = parse(RSS.as_bytes(), None, None).unwrap();
        assert_eq!(again.entries[2].guid, feed.entries[2].guid);
    }

    #[test]
    fn latin1_by_prolog_and_by_header() {
        let mut doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Cr".to_vec();
        doc.extend_from_slice(&[0xe8, b'm', b'e', b' ', b'b', b'r', 0xfb, b'l', 0xe9, b'e']);
        doc.extend_from_slice(b"</title></channel></rss>");
        let feed = parse(&doc, None, None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Crème brûlée"));
        // The same bytes without a prolog, labelled only by the HTTP header.
        let bare = &doc[doc.iter().position(|&c| c == b'>').unwrap() + 1..];
        let feed = parse(bare, Some("application/rss+xml; charset=iso-8859-1"), None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Crème brûlée"));
    }

    #[test]
    fn html_and_garbage_are_errors() {
        let html = "<!DOCTYPE html><html><body>hi</body></html>";
        assert!(matches!(
            parse(html.as_bytes(), None, None),
            Err(ParseError::HtmlPage)
        ));
        assert!(matches!(parse(b"  ", None, None), Err(ParseError::Empty)));
        assert!(matches!(
            parse(b"<rss><channel><item>", None, None),
            Err(ParseError::Invalid(_))
        ));
    }

    #[test]
    fn entities_that_break_real_feeds_are_repaired() {
        let doc = "<rss version=\"2.0\"><channel><title>AT&T &amp; Caf&eacute;&nbsp;news &copy; &#169; &bogus; &#0;</title>\
                   <item><title>Q&A</title><description><![CDATA[<p>keep &nbsp; & raw</p>]]></description></item></channel></rss>";
        let feed = parse(doc.as_bytes(), None, None).unwrap();
        assert_eq!(
            feed.title.as_deref(),
            Some("AT&T & Café\u{a0}news © © &bogus; \u{fffd}")
        );
        assert_eq!(feed.entries[0].title.as_deref(), Some("Q&A"));
        assert_eq!(feed.entries[0].content_html, "<p>keep &nbsp; & raw</p>");
        assert_eq!(repair_xml_entities("<t>&#X41;</t>"), "<t>&#x41;</t>");
        let clean = "<a>&amp;&lt;&#x41;<!-- & --></a>";
        assert!(matches!(
            repair_xml_entities(clean),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn rss_without_version_is_read_as_rss() {
        let doc =
            "<!-- c --><rss>\n<channel><title>testing &hellip; entity</title></channel></rss>";
        let feed = parse(doc.as_bytes(), None, None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("testing \u{2026} entity"));
        assert!(matches!(
            add_rss_version("<rss version=\"0.91\">"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(
            add_rss_version("<rssfeed>"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    fn utf32(text: &str, big_endian: bool) -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                let c = u32::from(c);
                if big_endian {
                    c.to_be_bytes()
                } else {
                    c.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn wide_encodings_with_and_without_bom() {
        let doc = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>Crème 😀</title></channel></rss>";
        for big_endian in [true, false] {
            let plain16 = utf16(doc, big_endian);
            let mut bom16 = utf16("\u{feff}", big_endian);
            bom16.extend_from_slice(&plain16);
            let wide32 = doc.replace("utf-16", "utf-32");
            let plain32 = utf32(&wide32, big_endian);
            let mut bom32 = utf32("\u{feff}", big_endian);
            bom32.extend_from_slice(&plain32);
            for bytes in [plain16, bom16, plain32, bom32] {
                let feed = parse(&bytes, None, None).unwrap();
                assert_eq!(feed.title.as_deref(), Some("Crème 😀"), "{big_endian}");
            }
        }
        // A UTF-8 document whose prolog says UTF-16 is still read as UTF-8.
        let feed = parse(doc.as_bytes(), Some("text/xml"), None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Crème 😀"));
    }

    #[test]
    fn rss_without_channel_or_with_other_versions() {
        let empty = parse(b"<rss version=\"2.0\">\n</rss>", None, None).unwrap();
        assert!(empty.entries.is_empty());
        let bare = parse(b"<rss><item><title>A</title></item></rss>", None, None).unwrap();
        assert_eq!(bare.entries[0].title.as_deref(), Some("A"));
        for version in ["0.93", "0.94", "2.01", "2.1"] {
            let doc = format!(
                "<rss version='{version}'><channel><item><title>A</title></item></channel></rss>"
            );
            let feed = parse(doc.as_bytes(), None, None).unwrap();
            assert_eq!(feed.entries.len(), 1, "{version}");
        }
    }

    #[test]
    fn rss_quoted_inside_another_feed_is_left_alone() {
        let doc = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title><entry><id>e</id>\
                   <content type=\"html\"><![CDATA[<rss> is a format]]></content></entry></feed>";
        let feed = parse(doc.as_bytes(), None, None).unwrap();
        assert_eq!(feed.entries[0].content_html, "<rss> is a format");
        assert_eq!(
            root_start("<!-- c --><?pi x?><!DOCTYPE rss>\n <rss>"),
            Some(34)
        );
    }

    #[test]
    fn cdf_channels_are_read() {
        let doc = "<CHANNEL HREF=\"http://www.example.org/\" LASTMOD=\"2004-04-06T23:05:43-05:00\"><TITLE>C</TITLE><LOGO HREF=\"x\"/>\
                   <ITEM HREF=\"http://www.example.org/1\"><TITLE>Item &amp; one</TITLE><ABSTRACT>About it</ABSTRACT></ITEM></CHANNEL>";
        let feed = parse(doc.as_bytes(), None, None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("C"));
        assert_eq!(feed.site_url.as_deref(), Some("http://www.example.org/"));
        let item = &feed.entries[0];
        assert_eq!(item.title.as_deref(), Some("Item & one"));
        assert_eq!(item.url.as_deref(), Some("http://www.example.org/1"));
        assert_eq!(item.content_html, "About it");
    }

    #[test]
    fn atom_text_with_mime_types_is_read() {
        let doc = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>\
                   <title type=\"application/octet-stream\">\n RXhhbXBsZSA8Yj5BdG9tPC9iPg==\n</title>\
                   <summary type=\"\">plain</summary><content type=\"application/xhtml+xml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">x</div></content></entry></feed>";
        let feed = parse(doc.as_bytes(), None, None).unwrap();
        assert_eq!(
            feed.entries[0].title.as_deref(),
            Some("Example <b>Atom</b>")
        );
    }

    #[test]
    fn html_after_several_comments_is_recognised() {
        let page = "<!-- a --> <!-- b -->\n<!DOCTYPE html><html></html>";
        assert!(matches!(
            parse(page.as_bytes(), None, None),
            Err(ParseError::HtmlPage)
        ));
    }

    #[test]
    fn enclosures_categories_and_authors_are_kept() {
        let rss = r#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>P</title>
<item><guid>e1</guid><title>Episode 1</title><category>Audio</category><category> Tech </category><category>Audio</category>
<dc:creator>Ann</dc:creator><enclosure url="https://p.example/e1.mp3" type="audio/mpeg" length="12345"/>
<pubDate>Tue, 24 Nov 2026 14:05:00 GMT</pubDate></item></channel></rss>"#;
        let e = &parse(rss.as_bytes(), None, None).unwrap().entries[0];
        assert_eq!(e.categories, vec!["Audio", "Tech"]);
        assert_eq!(e.authors, vec!["Ann"]);
        assert_eq!(
            e.enclosures,
            vec![Enclosure {
                url: "https://p.example/e1.mp3".into(),
                mime_type: Some("audio/mpeg".into()),
                length: Some(12345),
            }]
        );
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><id>f</id><title>A</title><updated>2026-11-24T15:00:00Z</updated>
<entry><id>a1</id><title>T</title><updated>2026-11-25T15:00:00Z</updated><published>2026-11-24T15:00:00Z</published>
<author><name>Bo</name></author><author><name>Cy</name></author><category term="rust" label="Rust"/>
<link rel="enclosure" href="https://a.example/pic.jpg" type="image/jpeg" length="99"/></entry></feed>"#;
        let e = &parse(atom.as_bytes(), None, None).unwrap().entries[0];
        assert_eq!(e.authors, vec!["Bo", "Cy"]);
        assert_eq!(e.author.as_deref(), Some("Bo"));
        assert_eq!(e.categories, vec!["rust"]);
        assert_eq!(e.enclosures[0].url, "https://a.example/pic.jpg");
        assert_eq!(e.enclosures[0].length, Some(99));
        assert_eq!(
            e.published_at.unwrap().to_rfc3339(),
            "2026-11-24T15:00:00+00:00"
        );
        assert_eq!(
            e.updated_at.unwrap().to_rfc3339(),
            "2026-11-25T15:00:00+00:00"
        );
    }

    #[test]
    fn json_feed_with_numeric_ids() {
        let doc = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":42,"content_text":"x"},{"id":"b","content_text":"y"}]}"#;
        let feed = parse(doc.as_bytes(), None, None).unwrap();
        let ids: Vec<_> = feed.entries.iter().map(|e| e.guid.as_str()).collect();
        assert_eq!(ids, vec!["42", "b"]);
    }

    #[test]
    fn json_feed() {
        let doc = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","content_html":"<p>x</p>","url":"https://j.example/1","title":"A"}]}"#;
        let feed = parse(doc.as_bytes(), Some("application/feed+json"), None).unwrap();
        assert_eq!(feed.entries.len(), 1);
        assert_eq!(feed.entries[0].content_html, "<p>x</p>");
        assert_eq!(feed.entries[0].url.as_deref(), Some("https://j.example/1"));
    }
}
