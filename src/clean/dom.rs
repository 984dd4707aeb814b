//! Parsing and the allowlist: parses an entry's HTML once (html5ever through
//! scraper), keeps only allowlisted elements, attributes and URLs in a small
//! arena the cleaner makes its decisions on, and writes the kept nodes back out
//! as HTML and as plain text.
//!
//! It must never emit a tag, attribute or URL scheme that is not on the
//! allowlist, never recurse without bound (the arena's depth is capped), and
//! never panic on any input.

use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::node::Element;
use scraper::{ElementRef, Html, Node as SNode, Selector};

use super::RemovedBlock;
use super::rules;

/// Deeper elements are unwrapped into their ancestor at this depth, so every
/// later walk over the arena can recurse safely.
const MAX_DEPTH: usize = 160;

/// Longest text kept in a [`RemovedBlock`]: enough to recognise the block.
const REMOVED_TEXT_CHARS: usize = 300;

#[derive(Debug)]
pub(crate) enum Kind {
    Root,
    Element {
        tag: &'static str,
        attrs: Vec<(&'static str, String)>,
    },
    Text(String),
}

#[derive(Debug)]
pub(crate) struct Node {
    pub kind: Kind,
    pub parent: usize,
    pub children: Vec<usize>,
    pub removed: bool,
    /// Words of text in this subtree, and how many of them are link text.
    pub words: u32,
    pub link_words: u32,
    /// Some descendant is a block-level element (segmentation descends).
    pub has_block: bool,
    /// A direct child is `<br>` (the element's lines are separate blocks).
    pub has_br: bool,
    /// Text inside an `<a>`.
    pub in_link: bool,
    /// Removal suggested by class/id tokens; decided once sizes are known,
    /// because the article's own wrapper sometimes carries such a token.
    pub tentative: Option<String>,
}

impl Node {
    pub fn tag(&self) -> &'static str {
        match self.kind {
            Kind::Element { tag, .. } => tag,
            _ => "",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Arena {
    pub nodes: Vec<Node>,
}

/// Elements kept (with their allowed attributes); anything else not in
/// [`DROP`] is unwrapped: its children stay, the tag goes.
const ALLOWED: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "main",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements dropped with everything inside: active content, forms, embeds,
/// document metadata and navigation. Never kept, whatever a rule says.
const DROP: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "param",
    "form",
    "input",
    "button",
    "select",
    "option",
    "optgroup",
    "textarea",
    "datalist",
    "output",
    "noscript",
    "template",
    "svg",
    "math",
    "link",
    "meta",
    "base",
    "title",
    "head",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
    "canvas",
    "audio",
    "video",
    "source",
    "track",
    "portal",
    "dialog",
    "nav",
    "map",
    "area",
    "marquee",
    "blink",
    "keygen",
    "slot",
    "bgsound",
    "isindex",
    "image",
];

/// Block-level elements: they start a new block and a new paragraph of text.
pub(crate) fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "div"
            | "dl"
            | "dt"
            | "figcaption"
            | "figure"
            | "footer"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "li"
            | "main"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

fn is_void(tag: &str) -> bool {
    matches!(tag, "br" | "hr" | "img" | "wbr" | "col")
}

/// Feeds of type text arrive without markup: blank lines are paragraphs,
/// single newlines are line breaks.
fn plain_text_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        for (i, line) in para.lines().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            escape_text(line, &mut out);
        }
        out.push_str("</p>\n");
    }
    out
}

pub(crate) fn collapse_ws(s: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for (n, w) in s.split_whitespace().enumerate() {
        if chars >= max_chars {
            out.push('…');
            break;
        }
        if n > 0 {
            out.push(' ');
        }
        out.push_str(w);
        chars += w.len() + 1;
    }
    out
}

/// Words of a text: whitespace-separated runs, where ideographic scripts
/// (which use no spaces) count about one word per two characters.
pub(crate) fn count_words(s: &str) -> u32 {
    let mut words = 0u32;
    for w in s.split_whitespace() {
        // ASCII fast path: the common case, and the hot loop of a clean.
        if w.is_ascii() {
            if w.bytes().any(|b| b.is_ascii_alphanumeric()) {
                words = words.saturating_add(1);
            }
            continue;
        }
        if !w.chars().any(char::is_alphanumeric) {
            continue;
        }
        let wide = w.chars().filter(|&c| c >= '\u{2E80}').count() as u32;
        words = words.saturating_add(1 + wide / 2);
    }
    words
}

struct Frame<'a> {
    node: NodeRef<'a, SNode>,
    parent: usize,
    depth: usize,
    in_link: bool,
}

/// Parses `html` and builds the arena: unsafe markup, hidden elements, user
/// selector matches and non-content images are dropped here (each recorded
/// in `removed`); class/id tokens only mark a tentative removal.
pub(crate) fn build(
    html: &str,
    selectors: &[&(Selector, String)],
    removed: &mut Vec<RemovedBlock>,
) -> Arena {
    let converted;
    let source = if html.contains('<') {
        html
    } else {
        converted = plain_text_to_html(html);
        &converted
    };
    let doc = Html::parse_fragment(source);
    let mut by_selector: HashMap<NodeId, &str> = HashMap::new();
    for (sel, reason) in selectors.iter().map(|s| (&s.0, s.1.as_str())) {
        for el in doc.select(sel) {
            by_selector.entry(el.id()).or_insert(reason);
        }
    }

    let mut nodes = vec![Node {
        kind: Kind::Root,
        parent: 0,
        children: Vec::new(),
        removed: false,
        words: 0,
        link_words: 0,
        has_block: false,
        has_br: false,
        in_link: false,
        tentative: None,
    }];
    let mut stack: Vec<Frame<'_>> = doc
        .tree
        .root()
        .children()
        .rev()
        .map(|node| Frame {
            node,
            parent: 0,
            depth: 0,
            in_link: false,
        })
        .collect();

    while let Some(Frame {
        node,
        parent,
        depth,
        in_link,
    }) = stack.pop()
    {
        match node.value() {
            SNode::Text(t) => {
                let text: &str = t;
                let idx = nodes.len();
                nodes.push(leaf(Kind::Text(text.to_string()), parent, in_link));
                nodes[parent].children.push(idx);
            }
            SNode::Element(el) => {
                let name = el.name();
                let reason = drop_reason(el, name, &by_selector, node.id());
                if let Some(reason) = reason {
                    let text = if matches!(name, "script" | "style" | "template" | "noscript") {
                        format!("<{name}>")
                    } else {
                        let t = ElementRef::wrap(node)
                            .map(|e| collapse_ws(&e.text().collect::<String>(), REMOVED_TEXT_CHARS))
                            .unwrap_or_default();
                        if t.is_empty() { describe(el, name) } else { t }
                    };
                    removed.push(RemovedBlock { text, reason });
                    continue;
                }
                let tag = ALLOWED.iter().copied().find(|t| *t == name);
                match tag {
                    Some(tag) if depth < MAX_DEPTH => {
                        let Some(attrs) = allowed_attrs(tag, el) else {
                            // An image without a safe source shows nothing.
                            continue;
                        };
                        let idx = nodes.len();
                        let mut n = leaf(Kind::Element { tag, attrs }, parent, in_link);
                        n.tentative = rules::class_reason(el);
                        nodes.push(n);
                        nodes[parent].children.push(idx);
                        if tag == "br" {
                            nodes[parent].has_br = true;
                        }
                        push_frames(&mut stack, node, idx, depth + 1, in_link || tag == "a");
                    }
                    // Unknown tags (and anything beyond the depth cap) are
                    // unwrapped: the text inside may be the article.
                    _ => push_frames(&mut stack, node, parent, depth, in_link),
                }
            }
            SNode::Document | SNode::Fragment => {
                push_frames(&mut stack, node, parent, depth, in_link)
            }
            // Comments, doctypes and processing instructions are never output.
            _ => {}
        }
    }

    // Children always come after their parent, so one backward pass sums
    // the subtree sizes.
    for i in (1..nodes.len()).rev() {
        let (words, links, block) = {
            let n = &nodes[i];
            if let Kind::Text(t) = &n.kind {
                let w = count_words(t);
                (w, if n.in_link { w } else { 0 }, false)
            } else {
                (n.words, n.link_words, n.has_block || is_block(n.tag()))
            }
        };
        if let Kind::Text(_) = nodes[i].kind {
            nodes[i].words = words;
            nodes[i].link_words = links;
        }
        let p = nodes[i].parent;
        nodes[p].words = nodes[p].words.saturating_add(words);
        nodes[p].link_words = nodes[p].link_words.saturating_add(links);
        nodes[p].has_block |= block;
    }
    Arena { nodes }
}

fn push_frames<'a>(
    stack: &mut Vec<Frame<'a>>,
    node: NodeRef<'a, SNode>,
    parent: usize,
    depth: usize,
    in_link: bool,
) {
    stack.extend(node.children().rev().map(|node| Frame {
        node,
        parent,
        depth,
        in_link,
    }));
}

fn leaf(kind: Kind, parent: usize, in_link: bool) -> Node {
    Node {
        kind,
        parent,
        children: Vec::new(),
        removed: false,
        words: 0,
        link_words: 0,
        has_block: false,
        has_br: false,
        in_link,
        tentative: None,
    }
}

fn describe(el: &Element, name: &str) -> String {
    let src = el
        .attr("src")
        .or_else(|| el.attr("href"))
        .or_else(|| el.attr("data"));
    match src {
        Some(s) => format!("<{name} {}>", collapse_ws(s, 120)),
        None => format!("<{name}>"),
    }
}

fn drop_reason(
    el: &Element,
    name: &str,
    by_selector: &HashMap<NodeId, &str>,
    id: NodeId,
) -> Option<String> {
    // Foreign content (SVG, MathML) can smuggle script and style; none of it is text.
    if &*el.name.ns != "http://www.w3.org/1999/xhtml" {
        return Some(format!("unsafe markup <{name}>"));
    }
    if DROP.contains(&name) {
        return Some(if name == "nav" {
            "navigation".to_string()
        } else {
            format!("unsafe or dead markup <{name}>")
        });
    }
    if let Some(reason) = by_selector.get(&id) {
        return Some((*reason).to_string());
    }
    if rules::is_hidden(el) {
        return Some("hidden element".to_string());
    }
    if name == "img" {
        return rules::image_reason(el).map(str::to_string);
    }
    if name == "a" && el.attr("href").is_some_and(rules::is_feed_ad_link) {
        return Some("feed ad link (feedflare)".to_string());
    }
    None
}

/// The attributes an allowed element keeps, URLs checked and cleaned.
/// `None` for an image without a safe source.
fn allowed_attrs(tag: &'static str, el: &Element) -> Option<Vec<(&'static str, String)>> {
    let mut out = Vec::new();
    for (name, value) in el.attrs() {
        let name: &'static str = match (tag, name) {
            (_, "title") => "title",
            (_, "lang") => "lang",
            (_, "dir") => "dir",
            ("a", "href") => {
                if let Some(url) = rules::safe_url(value, true) {
                    out.push(("href", rules::strip_tracking(&url)));
                }
                continue;
            }
            ("img", "src") => {
                if let Some(url) = rules::safe_url(value, false) {
                    out.push(("src", url));
                }
                continue;
            }
            ("blockquote" | "q" | "del" | "ins", "cite") => {
                if let Some(url) = rules::safe_url(value, false) {
                    out.push(("cite", url));
                }
                continue;
            }
            ("img", "alt") => "alt",
            ("img", "width") => "width",
            ("img", "height") => "height",
            ("td" | "th", "colspan") => "colspan",
            ("td" | "th", "rowspan") => "rowspan",
            ("th", "scope") => "scope",
            ("ol", "start") => "start",
            ("ol", "reversed") => "reversed",
            ("ol", "type") => "type",
            ("li", "value") => "value",
            ("time" | "del" | "ins", "datetime") => "datetime",
            _ => continue,
        };
        // Numeric attributes must be numbers; the rest is plain text.
        if matches!(
            name,
            "width" | "height" | "colspan" | "rowspan" | "start" | "value"
        ) && !value.trim().chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        out.push((name, value.to_string()));
    }
    if tag == "img" && !out.iter().any(|(n, _)| *n == "src") {
        return None;
    }
    if tag == "a" && out.iter().any(|(n, _)| *n == "href") {
        out.push(("rel", "noopener noreferrer".to_string()));
    }
    Some(out)
}

pub(crate) fn escape_text(s: &str, out: &mut String) {
    // Copies runs of plain text whole; only the few special bytes are
    // rewritten (U+00A0 is 0xC2 0xA0, and 0xA0 is never a first byte).
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            0xA0 if i > 0 && bytes[i - 1] == 0xC2 => "&nbsp;",
            _ => continue,
        };
        let end = if b == 0xA0 { i - 1 } else { i };
        out.push_str(s.get(start..end).unwrap_or(""));
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or(""));
}

fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// Plain text with paragraphs separated by blank lines.
#[derive(Default)]
struct TextOut {
    out: String,
    line: String,
    space: bool,
}

impl TextOut {
    fn text(&mut self, s: &str, pre: bool) {
        if pre {
            self.line.push_str(s);
            return;
        }
        if s.starts_with(char::is_whitespace) {
            self.space = true;
        }
        for w in s.split_whitespace() {
            if self.space && !self.line.is_empty() && !self.line.ends_with('\n') {
                self.line.push(' ');
            }
            self.line.push_str(w);
            self.space = true;
        }
        self.space = s.ends_with(char::is_whitespace) || (self.space && s.trim().is_empty());
    }

    /// A line break; two in a row end the paragraph.
    fn br(&mut self) {
        if self.line.trim_end_matches(' ').ends_with('\n') {
            self.block();
        } else if !self.line.trim().is_empty() {
            self.line.push('\n');
        }
        self.space = false;
    }

    fn block(&mut self) {
        let t = self.line.trim();
        if !t.is_empty() {
            if !self.out.is_empty() {
                self.out.push_str("\n\n");
            }
            self.out.push_str(t);
        }
        self.line.clear();
        self.space = false;
    }
}

struct Writer<'a> {
    arena: &'a Arena,
    html: String,
    text: TextOut,
    /// Count of things worth showing written so far (non-blank text, images,
    /// rules): an element that adds none is taken back out.
    units: usize,
}

/// Writes the kept nodes as HTML and as plain text.
pub(crate) fn write(arena: &Arena) -> (String, String) {
    let mut w = Writer {
        arena,
        html: String::new(),
        text: TextOut::default(),
        units: 0,
    };
    w.children(0, false);
    w.text.block();
    (w.html.trim().to_string(), w.text.out)
}

impl Writer<'_> {
    fn children(&mut self, idx: usize, pre: bool) {
        let arena = self.arena;
        for &c in &arena.nodes[idx].children {
            self.node(c, pre);
        }
    }

    fn node(&mut self, idx: usize, pre: bool) {
        let arena = self.arena;
        let node = &arena.nodes[idx];
        if node.removed {
            return;
        }
        match &node.kind {
            Kind::Root => self.children(idx, pre),
            Kind::Text(t) => {
                escape_text(t, &mut self.html);
                if !t.trim().is_empty() {
                    self.units += 1;
                }
                self.text.text(t, pre);
            }
            Kind::Element { tag, attrs } => {
                let tag = *tag;
                let (mark, text_mark, units) = (self.html.len(), self.text.line.len(), self.units);
                let block = is_block(tag);
                if block {
                    self.text.block();
                }
                self.html.push('<');
                self.html.push_str(tag);
                for (name, value) in attrs {
                    self.html.push(' ');
                    self.html.push_str(name);
                    self.html.push_str("=\"");
                    escape_attr(value, &mut self.html);
                    self.html.push('"');
                }
                self.html.push('>');
                if is_void(tag) {
                    match tag {
                        "br" => self.text.br(),
                        "img" | "hr" => self.units += 1,
                        _ => {}
                    }
                    return;
                }
                self.children(idx, pre || tag == "pre");
                if self.units == units {
                    // Nothing left inside (its content was boilerplate).
                    self.html.truncate(mark);
                    if !block {
                        self.text.line.truncate(text_mark);
                    }
                    return;
                }
                self.html.push_str("</");
                self.html.push_str(tag);
                self.html.push('>');
                if block {
                    self.text.block();
                    self.html.push('\n');
                }
            }
        }
    }
}

/// The text under `idx` (removed nodes skipped), and its words and link words.
pub(crate) fn gather(
    arena: &Arena,
    idx: usize,
    out: &mut String,
    words: &mut u32,
    links: &mut u32,
) {
    let node = &arena.nodes[idx];
    if node.removed {
        return;
    }
    match &node.kind {
        Kind::Text(t) => {
            if !out.is_empty() && !out.ends_with(' ') && t.starts_with(char::is_whitespace) {
                out.push(' ');
            }
            for (i, w) in t.split_whitespace().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(w);
            }
            if t.ends_with(char::is_whitespace) && !out.is_empty() {
                out.push(' ');
            }
            *words = words.saturating_add(node.words);
            *links = links.saturating_add(node.link_words);
        }
        Kind::Element { tag, .. } => {
            if (is_block(tag) || *tag == "br") && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            for &c in &node.children {
                gather(arena, c, out, words, links);
            }
        }
        Kind::Root => {
            for &c in &node.children {
                gather(arena, c, out, words, links);
            }
        }
    }
}
