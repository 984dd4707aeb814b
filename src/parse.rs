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
mod tests;
