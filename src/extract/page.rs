//! The page as the extractor sees it: one iterative walk over scraper's tree
//! into a flat array of the elements and text nodes that can hold article
//! text (document order, each subtree a contiguous range), the text cut into
//! runs (the inline text between two block boundaries: the paragraphs the
//! article is made of), and what the head says (titles, JSON-LD scripts).
//!
//! It never recurses (a page of 100,000 nested elements is walked like a flat
//! one) and never panics on what a page holds.

use ego_tree::NodeRef;
use scraper::{Html, node::Node as DomNode};

use super::signals::{self, TagClass};

/// No node / no run.
pub(super) const NONE: u32 = u32::MAX;

/// An element or text node that can hold article text.
pub(super) struct Node<'a> {
    pub dom: NodeRef<'a, DomNode>,
    pub parent: u32,
    /// One past the last node of this subtree.
    pub end: u32,
    /// `None` for a text node.
    pub class: Option<TagClass>,
    /// Named or tagged as page furniture (before the withdrawals).
    pub furniture: bool,
    /// Named as comments: furniture whatever it holds.
    pub comments: bool,
    /// Named as the article body (`itemprop=articleBody`, "article-body").
    pub body_hint: bool,
    /// For a text node: the run it belongs to.
    pub run: u32,
}

/// Inline text between two block boundaries: one paragraph.
#[derive(Debug, Clone)]
pub(super) struct Run {
    /// The innermost block element around it.
    pub owner: u32,
    /// Its first and last text node.
    pub first: u32,
    pub last: u32,
    /// Non-space bytes of text, and of them inside links.
    pub len: u32,
    pub link: u32,
    /// 1..=6 when the run is (in) a heading, else 0.
    pub heading: u8,
}

impl Run {
    pub fn link_density(&self) -> f32 {
        if self.len == 0 {
            0.0
        } else {
            self.link as f32 / self.len as f32
        }
    }
}

pub(super) struct Page<'a> {
    pub nodes: Vec<Node<'a>>,
    pub runs: Vec<Run>,
    /// The `<title>` text.
    pub title: Option<String>,
    /// `og:title` / `twitter:title`.
    pub meta_title: Option<String>,
    /// The writers the head's meta tags name (`author`, `article:author`
    /// when it is no address, `dc.creator`, `parsely-author`, …).
    pub meta_authors: Vec<String>,
    /// The text of each `application/ld+json` script.
    pub json_ld: Vec<String>,
}

fn non_space_len(text: &str) -> u32 {
    let n = text.bytes().filter(|b| !b.is_ascii_whitespace()).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn subtree_text(node: NodeRef<'_, DomNode>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if let Some(t) = d.value().as_text() {
            out.push_str(t);
        }
    }
    out
}

/// A hidden element: its text is not on the page a reader sees.
fn hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return true;
    }
    el.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

struct Open {
    idx: u32,
    block: bool,
    link: bool,
    heading: u8,
}

impl<'a> Page<'a> {
    pub fn build(html: &'a Html) -> Page<'a> {
        let mut page = Page {
            nodes: Vec::with_capacity(html.tree.nodes().len() / 2 + 1),
            runs: Vec::new(),
            title: None,
            meta_title: None,
            meta_authors: Vec::new(),
            json_ld: Vec::new(),
        };
        let root = html.tree.root();
        let mut stack: Vec<Open> = Vec::new();
        let mut run: Option<Run> = None;
        let mut links = 0u32;
        let mut cur = root.first_child();
        while let Some(node) = cur {
            let mut descend = false;
            match node.value() {
                DomNode::Element(el) => {
                    let name = el.name();
                    let class = signals::tag_class(name);
                    if class == TagClass::Skip || hidden(el) {
                        page.note_head(node, el);
                        if class == TagClass::Skip && name == "head" {
                            descend_head(&mut page, node);
                        }
                    } else {
                        let idx = page.nodes.len() as u32;
                        let block = !matches!(class, TagClass::Inline | TagClass::Break);
                        if block {
                            page.flush(&mut run);
                        }
                        let tokens = signals::tokens(&[
                            el.attr("class").unwrap_or(""),
                            el.attr("id").unwrap_or(""),
                        ]);
                        // A header inside an article (or the page's main
                        // part, or its body) is the article's own: its
                        // headline, standfirst and byline, not the site's.
                        let article_header = name == "header"
                            && stack.iter().any(|o| {
                                page.nodes.get(o.idx as usize).is_some_and(|n| {
                                    n.body_hint
                                        || n.dom
                                            .value()
                                            .as_element()
                                            .is_some_and(|e| matches!(e.name(), "article" | "main"))
                                })
                            });
                        let furniture = (class == TagClass::Furniture && !article_header)
                            || el.attr("role").is_some_and(signals::furniture_role)
                            || (tokens.furniture && !matches!(name, "body" | "html"));
                        let body_hint = tokens.body
                            || el
                                .attr("itemprop")
                                .is_some_and(|p| p.eq_ignore_ascii_case("articleBody"));
                        page.nodes.push(Node {
                            dom: node,
                            parent: stack.last().map_or(NONE, |o| o.idx),
                            end: idx + 1,
                            class: Some(class),
                            furniture,
                            comments: tokens.comments,
                            body_hint,
                            run: NONE,
                        });
                        if class == TagClass::Break {
                            // A line break is part of the paragraph's text.
                        } else if node.has_children() {
                            let heading = match class {
                                TagClass::Heading(h) => h,
                                _ => stack.last().map_or(0, |o| o.heading),
                            };
                            let link = name == "a";
                            links += u32::from(link);
                            stack.push(Open {
                                idx,
                                block,
                                link,
                                heading,
                            });
                            descend = true;
                        } else if block {
                            page.flush(&mut run);
                        }
                    }
                }
                DomNode::Text(text) => {
                    let len = non_space_len(text);
                    if len > 0 || run.is_some() {
                        let idx = page.nodes.len() as u32;
                        let open = stack.last();
                        let r = run.get_or_insert_with(|| Run {
                            owner: stack.iter().rev().find(|o| o.block).map_or(NONE, |o| o.idx),
                            first: idx,
                            last: idx,
                            len: 0,
                            link: 0,
                            heading: open.map_or(0, |o| o.heading),
                        });
                        r.last = idx;
                        r.len = r.len.saturating_add(len);
                        if links > 0 {
                            r.link = r.link.saturating_add(len);
                        }
                        page.nodes.push(Node {
                            dom: node,
                            parent: open.map_or(NONE, |o| o.idx),
                            end: idx + 1,
                            class: None,
                            furniture: false,
                            comments: false,
                            body_hint: false,
                            run: page.runs.len() as u32,
                        });
                    }
                }
                _ => {}
            }
            if descend {
                cur = node.first_child();
                continue;
            }
            // Next: the sibling, else close ancestors until one has a sibling.
            let mut at = node;
            loop {
                if let Some(next) = at.next_sibling() {
                    cur = Some(next);
                    break;
                }
                match at.parent() {
                    Some(parent) if parent.id() != root.id() => {
                        if let Some(open) = stack.pop() {
                            let end = page.nodes.len() as u32;
                            if let Some(n) = page.nodes.get_mut(open.idx as usize) {
                                n.end = end;
                            }
                            links = links.saturating_sub(u32::from(open.link));
                            if open.block {
                                page.flush(&mut run);
                            }
                        }
                        at = parent;
                    }
                    _ => {
                        cur = None;
                        break;
                    }
                }
            }
        }
        page.flush(&mut run);
        page
    }

    fn flush(&mut self, run: &mut Option<Run>) {
        if let Some(r) = run.take() {
            if r.len > 0 {
                self.runs.push(r);
            } else {
                // Whitespace only: its text nodes belong to no run.
                for n in &mut self.nodes[r.first as usize..=r.last as usize] {
                    if n.class.is_none() {
                        n.run = NONE;
                    }
                }
            }
        }
    }

    /// Titles and JSON-LD from a skipped element.
    fn note_head(&mut self, node: NodeRef<'a, DomNode>, el: &scraper::node::Element) {
        match el.name() {
            "title" if self.title.is_none() => {
                let t = collapse(&subtree_text(node));
                if !t.is_empty() {
                    self.title = Some(t);
                }
            }
            "meta" => {
                let key = el.attr("property").or_else(|| el.attr("name"));
                let Some((key, content)) = key.zip(el.attr("content")) else {
                    return;
                };
                let key = key.to_ascii_lowercase();
                let t = collapse(content);
                if t.is_empty() {
                    return;
                }
                if self.meta_title.is_none() && matches!(key.as_str(), "og:title" | "twitter:title")
                {
                    self.meta_title = Some(t);
                } else if AUTHOR_METAS.contains(&key.as_str())
                    && !t.starts_with("http")
                    && !self.meta_authors.contains(&t)
                {
                    self.meta_authors.push(t);
                }
            }
            "script"
                if el
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                self.json_ld.push(subtree_text(node));
            }
            _ => {}
        }
    }
}

/// Meta tags that name the page's writers.
const AUTHOR_METAS: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "cxenseparse:author",
];

/// The head's elements of interest (titles, meta, JSON-LD), without
/// recursion: `descendants` walks the tree iteratively.
fn descend_head<'a>(page: &mut Page<'a>, head: NodeRef<'a, DomNode>) {
    for d in head.descendants().skip(1) {
        if let DomNode::Element(el) = d.value() {
            page.note_head(d, el);
        }
    }
}

/// Whitespace collapsed to single spaces, trimmed.
pub(super) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

impl Page<'_> {
    /// The text of the first `h1` on the page.
    pub fn h1(&self) -> Option<String> {
        let run = self.runs.iter().position(|r| r.heading == 1)?;
        let text = self.run_text(run);
        (!text.is_empty()).then_some(text)
    }

    /// The text of run `i`, whitespace collapsed.
    pub fn run_text(&self, i: usize) -> String {
        let mut text = String::new();
        if let Some(run) = self.runs.get(i) {
            let last = (run.last as usize).min(self.nodes.len().saturating_sub(1));
            for node in self.nodes.get(run.first as usize..=last).unwrap_or(&[]) {
                if node.run == i as u32
                    && let Some(t) = node.dom.value().as_text()
                {
                    text.push_str(t);
                }
            }
        }
        collapse(&text)
    }
}

/// Elements nested deeper than this are not parsed: no article is that deep,
/// and the HTML tree builder looks through every open element for each new
/// tag, so a page of 100,000 nested elements would cost it 5·10⁹ steps.
pub(super) const MAX_DEPTH: usize = 2_000;

/// `html` up to the tag that would nest past [`MAX_DEPTH`] (all of it on any
/// ordinary page). Counts only elements that are always closed explicitly,
/// so pages full of unclosed `<p>` or `<li>` are not cut short.
pub(super) fn bounded_depth(html: &str) -> &str {
    const NESTING: &[&str] = &[
        "div",
        "span",
        "section",
        "article",
        "main",
        "aside",
        "nav",
        "header",
        "footer",
        "a",
        "b",
        "i",
        "em",
        "strong",
        "font",
        "table",
        "ul",
        "ol",
        "blockquote",
        "form",
        "center",
        "figure",
        "small",
        "u",
        "s",
        "sub",
        "sup",
        "code",
        "label",
    ];
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = bytes
        .get(i..)
        .and_then(|b| b.iter().position(|&c| c == b'<'))
    {
        let at = i + off;
        let rest = &bytes[at + 1..];
        if rest.starts_with(b"!--") {
            i = find(bytes, at + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = at + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        let name = &bytes[name_start..name_start + name_len];
        if !closing && (name.eq_ignore_ascii_case(b"script") || name.eq_ignore_ascii_case(b"style"))
        {
            // Raw text: skip to its end tag, whatever it looks like inside.
            let end: &[u8] = if name.len() == 6 {
                b"</script"
            } else {
                b"</style"
            };
            i = find_ci(bytes, name_start, end).unwrap_or(bytes.len());
            continue;
        }
        if NESTING
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
        {
            if closing {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                if depth > MAX_DEPTH {
                    return html.get(..at).unwrap_or("");
                }
            }
        }
        i = name_start + name_len;
    }
    html
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ci(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}
