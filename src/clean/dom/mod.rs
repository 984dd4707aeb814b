//! Parsing and the allowlist: parses an entry's HTML once (html5ever through
//! our own sink, [`super::sink`]), keeps only allowlisted elements,
//! attributes and URLs in a small arena the cleaner makes its decisions on,
//! and writes the kept nodes back out as HTML and as plain text.
//!
//! Split along its seams: this file holds the arena and its building;
//! [`allow`] says which tags, attributes and URLs are kept; [`scan`] counts
//! words and collapses whitespace (the byte-level scanners); [`write`](mod@write) writes
//! the kept nodes as HTML and text.
//!
//! It must never emit a tag, attribute or URL scheme that is not on the
//! allowlist, never recurse without bound (the arena's depth is capped), and
//! never panic on any input.

mod allow;
mod scan;
mod write;

use std::collections::HashMap;

use scraper::{Html, Selector};

use super::RemovedBlock;
use super::rules;
use super::sink::{self, El};

use allow::*;
pub(crate) use scan::*;
pub(crate) use write::*;

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
        /// Most elements have none: an empty box allocates nothing.
        attrs: Box<[(&'static str, String)]>,
    },
    /// A byte range of [`Arena::text`].
    Text {
        start: usize,
        end: usize,
    },
}

/// No node (links between nodes).
pub(crate) const NONE: usize = usize::MAX;

/// One kept node. Children are linked (`first_child`, `next`), not listed,
/// and text lives in one shared buffer: a node owns no heap memory of its
/// own unless it has attributes, which keeps the arena small next to the
/// html5ever tree it is built from.
#[derive(Debug)]
pub(crate) struct Node {
    pub kind: Kind,
    pub parent: usize,
    pub first_child: usize,
    pub last_child: usize,
    pub next: usize,
    /// Words of text in this subtree, and how many of them are link text.
    pub words: u32,
    pub link_words: u32,
    pub removed: bool,
    /// Some descendant is a block-level element (segmentation descends).
    pub has_block: bool,
    /// A direct child is `<br>` (the element's lines are separate blocks).
    pub has_br: bool,
    /// An image is this node or in its subtree: what tells a caption.
    pub has_img: bool,
    /// A text node whose only whitespace is single ASCII spaces (see
    /// [`scan_text`]).
    pub plain: bool,
    /// A block-level element ([`is_block`] of its tag, decided once here
    /// rather than by string comparisons in every later walk).
    pub block: bool,
}

#[derive(Debug)]
pub(crate) struct Arena {
    pub nodes: Vec<Node>,
    /// The text of every text node, back to back.
    pub text: String,
    /// Removals suggested by class/id tokens, by node, in document order;
    /// decided once sizes are known, because the article's own wrapper
    /// sometimes carries such a token.
    pub tentative: Vec<(usize, String)>,
}

impl Arena {
    /// A text node's text ("" for any other node).
    pub fn text_of(&self, node: &Node) -> &str {
        match node.kind {
            Kind::Text { start, end } => self.text.get(start..end).unwrap_or(""),
            _ => "",
        }
    }

    /// The children of `idx`, in order.
    pub fn children(&self, idx: usize) -> Siblings<'_> {
        Siblings {
            arena: self,
            next: self.nodes.get(idx).map_or(NONE, |n| n.first_child),
        }
    }

    /// `from` and its following siblings up to and including `to`.
    pub fn run(&self, from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
        let mut next = from;
        std::iter::from_fn(move || {
            if next == NONE {
                return None;
            }
            let cur = next;
            next = if cur == to {
                NONE
            } else {
                self.nodes.get(cur).map_or(NONE, |n| n.next)
            };
            Some(cur)
        })
    }

    fn push(&mut self, node: Node) -> usize {
        let idx = self.nodes.len();
        let parent = node.parent;
        self.nodes.push(node);
        if let Some(p) = self.nodes.get_mut(parent) {
            let last = p.last_child;
            p.last_child = idx;
            if last == NONE {
                p.first_child = idx;
            } else if let Some(l) = self.nodes.get_mut(last) {
                l.next = idx;
            }
        }
        idx
    }
}

pub(crate) struct Siblings<'a> {
    arena: &'a Arena,
    next: usize,
}

impl Iterator for Siblings<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        let cur = self.next;
        let n = self.arena.nodes.get(cur)?;
        self.next = n.next;
        Some(cur)
    }
}

/// A parsed node still to visit, and where its arena copy goes.
struct Frame {
    node: usize,
    parent: usize,
    depth: usize,
    in_link: bool,
}

/// User selector matches, as raw node indices. The selectors are scraper's,
/// so they are matched on scraper's tree of a second parse (only for feeds
/// that have any): both trees come from the same html5ever tree builder
/// with sinks that behave alike, so the n-th element of one in document
/// order is the n-th of the other.
fn select(
    source: &str,
    raw: &sink::Raw,
    selectors: &[&(Selector, String)],
) -> HashMap<usize, usize> {
    let mut by_selector = HashMap::new();
    if selectors.is_empty() {
        return by_selector;
    }
    let doc = Html::parse_fragment(source);
    let mut hits: HashMap<ego_tree::NodeId, usize> = HashMap::new();
    for (i, sel) in selectors.iter().enumerate() {
        for el in doc.select(&sel.0) {
            hits.entry(el.id()).or_insert(i);
        }
    }
    if hits.is_empty() {
        return by_selector;
    }
    // Element ordinals in scraper's tree, document order.
    let mut ordinals: HashMap<usize, usize> = HashMap::new();
    for (n, node) in doc
        .tree
        .root()
        .descendants()
        .filter(|n| n.value().is_element())
        .enumerate()
    {
        if let Some(&i) = hits.get(&node.id()) {
            ordinals.insert(n, i);
        }
    }
    let mut n = 0;
    let mut cur = raw.next_in(0, 0, true);
    while cur != sink::NONE {
        if let Some(sink::RawNode {
            data: sink::Data::Element(_),
            ..
        }) = raw.nodes.get(cur)
        {
            if let Some(&i) = ordinals.get(&n) {
                by_selector.insert(cur, i);
            }
            n += 1;
        }
        cur = raw.next_in(0, cur, true);
    }
    by_selector
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
    let mut raw = sink::parse_fragment(source);
    let by_selector = select(source, &raw, selectors);

    // The parsed text buffer becomes the arena's: text nodes keep their
    // ranges, nothing is copied.
    let mut arena = Arena {
        nodes: Vec::with_capacity(raw.nodes.len()),
        text: std::mem::take(&mut raw.text),
        tentative: Vec::new(),
    };
    arena.nodes.push(leaf(Kind::Root, NONE));

    // Depth-first without recursion; the stack holds the next sibling of
    // each open element, so it is as deep as the tree, never as wide.
    let mut stack: Vec<Frame> = Vec::new();
    let first = raw.nodes.first().map_or(sink::NONE, |n| n.first_child);
    let mut cur = (first != sink::NONE).then_some(Frame {
        node: first,
        parent: 0,
        depth: 0,
        in_link: false,
    });
    let mut scratch = String::new();
    let mut attr_buf = Vec::new();
    while let Some(Frame {
        node: idx,
        parent,
        depth,
        in_link,
    }) = cur.take().or_else(|| stack.pop())
    {
        let Some(node) = raw.nodes.get(idx) else {
            continue;
        };
        let next = (node.next != sink::NONE).then_some(Frame {
            node: node.next,
            parent,
            depth,
            in_link,
        });
        // Where the children go, if they are visited at all.
        let mut descend: Option<(usize, usize, bool)> = None;
        match &node.data {
            sink::Data::Text { start, end } => {
                let (start, end) = (*start, *end);
                let mut n = leaf(Kind::Text { start, end }, parent);
                (n.words, n.plain) = scan_text(arena.text.get(start..end).unwrap_or(""));
                n.link_words = if in_link { n.words } else { 0 };
                arena.push(n);
            }
            sink::Data::Element(el) => {
                let name = el.name();
                let by_sel = by_selector
                    .get(&idx)
                    .and_then(|&i| selectors.get(i))
                    .map(|s| s.1.as_str());
                let allowed = allowed_tag(&el.name.local);
                let reason = drop_reason(el, name, allowed.is_some(), by_sel);
                if let Some(reason) = reason {
                    let text = if matches!(name, "script" | "style" | "template" | "noscript") {
                        format!("<{name}>")
                    } else {
                        scratch.clear();
                        raw.subtree_text(&arena.text, idx, &mut scratch);
                        let t = collapse_ws(&scratch, REMOVED_TEXT_CHARS);
                        if t.is_empty() { describe(el, name) } else { t }
                    };
                    removed.push(RemovedBlock { text, reason });
                } else {
                    match allowed {
                        Some(tag) if depth < MAX_DEPTH => {
                            // `None`: an image without a safe source shows nothing.
                            if let Some(attrs) = allowed_attrs(tag, el, &mut attr_buf) {
                                let mut node = leaf(Kind::Element { tag, attrs }, parent);
                                node.block = is_block(tag);
                                node.has_img = tag == "img";
                                let idx = arena.push(node);
                                if let Some(reason) = rules::class_reason(el) {
                                    arena.tentative.push((idx, reason));
                                }
                                if tag == "br"
                                    && let Some(p) = arena.nodes.get_mut(parent)
                                {
                                    p.has_br = true;
                                }
                                descend = Some((idx, depth + 1, in_link || tag == "a"));
                            }
                        }
                        // Unknown tags (and anything beyond the depth cap) are
                        // unwrapped: the text inside may be the article.
                        _ => descend = Some((parent, depth, in_link)),
                    }
                }
            }
            sink::Data::Document | sink::Data::Fragment => descend = Some((parent, depth, in_link)),
            // Comments, doctypes and processing instructions are never output.
            sink::Data::Other => {}
        }
        match (descend, node.first_child) {
            (Some((parent, depth, in_link)), child) if child != sink::NONE => {
                if let Some(next) = next {
                    stack.push(next);
                }
                cur = Some(Frame {
                    node: child,
                    parent,
                    depth,
                    in_link,
                });
            }
            _ => cur = next,
        }
    }
    drop(stack);
    drop(raw);
    arena.nodes.shrink_to_fit();

    // Children always come after their parent, so one backward pass sums
    // the subtree sizes.
    let nodes = &mut arena.nodes;
    for i in (1..nodes.len()).rev() {
        let n = &nodes[i];
        let (words, links, p, img) = (n.words, n.link_words, n.parent, n.has_img);
        let block = n.has_block || n.block;
        if let Some(p) = nodes.get_mut(p) {
            p.words = p.words.saturating_add(words);
            p.link_words = p.link_words.saturating_add(links);
            p.has_block |= block;
            p.has_img |= img;
        }
    }
    arena
}

fn leaf(kind: Kind, parent: usize) -> Node {
    Node {
        kind,
        parent,
        first_child: NONE,
        last_child: NONE,
        next: NONE,
        words: 0,
        link_words: 0,
        removed: false,
        has_block: false,
        has_br: false,
        has_img: false,
        plain: false,
        block: false,
    }
}

/// Appends the text under `idx` (removed nodes skipped) to `out`, whitespace
/// collapsed to single spaces, and adds its words and link words. `from` is
/// where this text began in `out` (what "empty" means here).
pub(crate) fn gather(
    arena: &Arena,
    idx: usize,
    out: &mut String,
    from: usize,
    words: &mut u32,
    links: &mut u32,
) {
    let Some(node) = arena.nodes.get(idx) else {
        return;
    };
    if node.removed {
        return;
    }
    match &node.kind {
        Kind::Text { .. } => {
            let t = arena.text_of(node);
            if out.len() > from && !out.ends_with(' ') && t.starts_with(char::is_whitespace) {
                out.push(' ');
            }
            push_node_words(t, node.plain, out);
            if t.ends_with(char::is_whitespace) && out.len() > from {
                out.push(' ');
            }
            *words = words.saturating_add(node.words);
            *links = links.saturating_add(node.link_words);
        }
        Kind::Element { tag, .. } => {
            if (node.block || *tag == "br") && out.len() > from && !out.ends_with(' ') {
                out.push(' ');
            }
            for c in arena.children(idx) {
                gather(arena, c, out, from, words, links);
            }
        }
        Kind::Root => {
            for c in arena.children(idx) {
                gather(arena, c, out, from, words, links);
            }
        }
    }
}
