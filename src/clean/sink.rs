//! Our own html5ever `TreeSink`: the parser builds a small flat tree of
//! indices (no `Rc`, no per-node heap besides an element's name and
//! attributes) with all text in one shared buffer, which [`super::dom`] then
//! sanitises into its arena, reusing the text buffer as it is.
//!
//! It mirrors scraper's sink exactly (text merging, sorted attributes,
//! template contents as a fragment child), so the tree is the one scraper
//! would build and user selectors matched on scraper's tree map onto it by
//! element order. It must never panic: every handle the tree builder passes
//! is one we handed out, and a stale one is ignored rather than indexed.
//!
//! Most entries are well nested: each end tag closes the element opened
//! last, and no start tag needs an element closed for it. For those the tree
//! builder only nests, and [`Nested`] does that itself on html5ever's
//! tokenizer, through the same sink (the builder's insertion modes and
//! repairs were a third of the parse). At the first token that would need
//! the builder (a misnested or implied end tag, tables, forms of lists,
//! foreign content, head elements) it gives up, and the entry is parsed
//! again with the tree builder; so the tree is always the builder's.

mod nested;

pub(crate) use nested::*;

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use std::cell::Cell;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::states::{RawKind, State};
use html5ever::tokenizer::{
    BufferQueue, EndTag, StartTag, Tag, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, LocalName, QualName, TokenizerResult, local_name, ns};

use super::lexer;

/// No node (links between nodes).
pub(crate) const NONE: usize = usize::MAX;

/// An element as the parser made it: its name and its attributes, sorted by
/// name like scraper's (the order they are written back out in).
#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(crate) struct El {
    pub name: QualName,
    pub attrs: Vec<Attribute>,
}

impl El {
    /// The element's local name ("div").
    pub fn name(&self) -> &str {
        &self.name.local
    }

    /// An attribute without namespace, by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name.ns == ns!() && a.name.prefix.is_none() && &*a.name.local == name)
            .map(|a| &*a.value)
    }

    /// Every attribute as (local name, value), in order.
    pub fn attrs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.attrs.iter().map(|a| (&*a.name.local, &*a.value))
    }
}

#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(crate) enum Data {
    Document,
    /// A template's contents.
    Fragment,
    Element(El),
    /// A byte range of [`Raw::text`].
    Text {
        start: usize,
        end: usize,
    },
    /// Comments, doctypes, processing instructions: never output.
    Other,
}

#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(crate) struct RawNode {
    pub data: Data,
    pub parent: usize,
    pub first_child: usize,
    pub last_child: usize,
    pub prev: usize,
    pub next: usize,
}

/// The parsed tree. Node 0 is the document.
#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(crate) struct Raw {
    pub nodes: Vec<RawNode>,
    /// Every text node's text (and some merged-away leftovers), back to back.
    pub text: String,
    /// What `elem_name` answers for a handle that is not an element (the
    /// tree builder never asks, but nothing here may panic).
    no_name: QualName,
}

impl Raw {
    /// The node after `idx` in document order within the subtree of `root`
    /// (children first), without a stack.
    pub fn next_in(&self, root: usize, idx: usize, into_children: bool) -> usize {
        if into_children
            && let Some(n) = self.nodes.get(idx)
            && n.first_child != NONE
        {
            return n.first_child;
        }
        let mut cur = idx;
        while cur != root {
            let Some(n) = self.nodes.get(cur) else {
                return NONE;
            };
            if n.next != NONE {
                return n.next;
            }
            cur = n.parent;
        }
        NONE
    }

    /// Appends the text of every text node under `root`, in order; `text`
    /// is the text buffer (taken out of the tree by then).
    pub fn subtree_text(&self, text: &str, root: usize, out: &mut String) {
        let mut cur = self.next_in(root, root, true);
        while cur != NONE {
            if let Some(RawNode {
                data: Data::Text { start, end },
                ..
            }) = self.nodes.get(cur)
            {
                out.push_str(text.get(*start..*end).unwrap_or(""));
            }
            cur = self.next_in(root, cur, true);
        }
    }

    fn new_node(&mut self, data: Data) -> usize {
        self.nodes.push(RawNode {
            data,
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            prev: NONE,
            next: NONE,
        });
        self.nodes.len() - 1
    }

    fn detach(&mut self, idx: usize) {
        let Some(n) = self.nodes.get_mut(idx) else {
            return;
        };
        let (parent, prev, next) = (n.parent, n.prev, n.next);
        n.parent = NONE;
        n.prev = NONE;
        n.next = NONE;
        if let Some(p) = self.nodes.get_mut(prev) {
            p.next = next;
        } else if let Some(p) = self.nodes.get_mut(parent) {
            p.first_child = next;
        }
        if let Some(n) = self.nodes.get_mut(next) {
            n.prev = prev;
        } else if let Some(p) = self.nodes.get_mut(parent) {
            p.last_child = prev;
        }
    }

    fn append_child(&mut self, parent: usize, child: usize) {
        if parent >= self.nodes.len() || child >= self.nodes.len() || parent == child {
            return;
        }
        self.detach(child);
        let last = self.nodes[parent].last_child;
        {
            let c = &mut self.nodes[child];
            c.parent = parent;
            c.prev = last;
        }
        match self.nodes.get_mut(last) {
            Some(l) => l.next = child,
            None => self.nodes[parent].first_child = child,
        }
        self.nodes[parent].last_child = child;
    }

    fn insert_before(&mut self, sibling: usize, new: usize) {
        if sibling >= self.nodes.len() || new >= self.nodes.len() || sibling == new {
            return;
        }
        self.detach(new);
        let (parent, prev) = (self.nodes[sibling].parent, self.nodes[sibling].prev);
        if parent == NONE {
            return;
        }
        {
            let n = &mut self.nodes[new];
            n.parent = parent;
            n.prev = prev;
            n.next = sibling;
        }
        self.nodes[sibling].prev = new;
        match self.nodes.get_mut(prev) {
            Some(p) => p.next = new,
            None => {
                if let Some(p) = self.nodes.get_mut(parent) {
                    p.first_child = new;
                }
            }
        }
    }

    /// Adds `text` to the text node `idx`, keeping its range contiguous.
    fn extend_text(&mut self, idx: usize, text: &str) -> bool {
        let len = self.text.len();
        let Some(RawNode {
            data: Data::Text { start, end },
            ..
        }) = self.nodes.get_mut(idx)
        else {
            return false;
        };
        if *end != len {
            // Not the last text written (rare): move it to the end first.
            let (s, e) = (*start, *end);
            *start = len;
            *end = len + (e - s);
            self.text.extend_from_within(s..e);
        }
        self.text.push_str(text);
        if let Some(RawNode {
            data: Data::Text { end, .. },
            ..
        }) = self.nodes.get_mut(idx)
        {
            *end = self.text.len();
        }
        true
    }

    fn new_text(&mut self, text: &str) -> usize {
        let start = self.text.len();
        self.text.push_str(text);
        self.new_node(Data::Text {
            start,
            end: self.text.len(),
        })
    }

    /// Text appended to `parent`, merged into its last child if that is
    /// text, as scraper's sink does.
    fn append_text(&mut self, parent: usize, text: &str) {
        let Some(last) = self.nodes.get(parent).map(|p| p.last_child) else {
            return;
        };
        if !(self.is_text(last) && self.extend_text(last, text)) {
            let t = self.new_text(text);
            self.append_child(parent, t);
        }
    }

    fn is_text(&self, idx: usize) -> bool {
        matches!(
            self.nodes.get(idx),
            Some(RawNode {
                data: Data::Text { .. },
                ..
            })
        )
    }
}

pub(crate) struct Sink(RefCell<Raw>);

impl Sink {
    fn append_text(&self, parent: usize, text: &str) {
        self.0.borrow_mut().append_text(parent, text);
    }

    fn new(html: &str) -> Self {
        let mut raw = Raw {
            nodes: Vec::with_capacity(html.len() / 24 + 4),
            text: String::with_capacity(html.len()),
            no_name: QualName::new(None, ns!(), LocalName::from("")),
        };
        raw.new_node(Data::Document);
        Sink(RefCell::new(raw))
    }
}

/// The context element of a fragment parse.
fn body() -> QualName {
    QualName::new(None, ns!(html), local_name!("body"))
}

/// Parses `html` as the contents of a `<body>`, as scraper's
/// `Html::parse_fragment` does: without the tree builder if the input is
/// well nested ([`Nested`]), else with it.
pub(crate) fn parse_fragment(html: &str) -> Raw {
    parse_nested(html).unwrap_or_else(|| parse_with_tree_builder(html))
}

/// Parses `html` with html5ever's tree builder, whatever it holds.
pub(crate) fn parse_with_tree_builder(html: &str) -> Raw {
    html5ever::driver::parse_fragment(
        Sink::new(html),
        Default::default(),
        body(),
        Vec::new(),
        false,
    )
    .one(html)
}

/// Parses a well-nested `html` on the tokenizer alone; `None` as soon as it
/// needs the tree builder. The sink sees the calls the builder would make,
/// in the same order (the context element first, then the root `html`).
pub(crate) fn parse_nested(html: &str) -> Option<Raw> {
    let sink = Sink::new(html);
    sink.create_element(body(), Vec::new(), ElementFlags::default());
    let root = sink.create_element(
        QualName::new(None, ns!(html), local_name!("html")),
        Vec::new(),
        ElementFlags::default(),
    );
    sink.append(&0, NodeOrText::AppendNode(root));
    let nested = Nested {
        sink,
        open: RefCell::new(vec![(root, local_name!("html"))]),
        raw_text: Cell::new(false),
        ignore_lf: Cell::new(false),
        gave_up: Cell::new(false),
        ending: Cell::new(false),
    };
    // Our own tokenizer takes the plain start of the entry (usually all of
    // it); html5ever's goes on from where it stopped, in the data state.
    let from = match lexer::run(html, &nested) {
        lexer::Outcome::Done => {
            return (!nested.gave_up.get()).then(|| nested.sink.finish());
        }
        lexer::Outcome::Stopped(at) => at,
    };
    // The options the driver gives the tokenizer for a `<body>` context;
    // a byte order mark is only dropped at the very start.
    let opts = TokenizerOpts {
        initial_state: Some(State::Data),
        discard_bom: from == 0,
        ..TokenizerOpts::default()
    };
    let tokenizer = Tokenizer::new(nested, opts);
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html.get(from..).unwrap_or("")));
    while let TokenizerResult::Script(()) = tokenizer.feed(&input) {
        if tokenizer.sink.gave_up.get() {
            return None;
        }
    }
    tokenizer.sink.ending.set(true);
    tokenizer.end();
    let nested = tokenizer.sink;
    (!nested.gave_up.get()).then(|| nested.sink.finish())
}

impl TreeSink for Sink {
    type Handle = usize;
    type Output = Raw;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Raw {
        self.0.into_inner()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> usize {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a usize) -> Ref<'a, QualName> {
        Ref::map(self.0.borrow(), |raw| match raw.nodes.get(*target) {
            Some(RawNode {
                data: Data::Element(el),
                ..
            }) => &el.name,
            _ => &raw.no_name,
        })
    }

    fn create_element(&self, name: QualName, mut attrs: Vec<Attribute>, _: ElementFlags) -> usize {
        let template = name.ns == ns!(html) && name.local == local_name!("template");
        attrs.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        let mut raw = self.0.borrow_mut();
        let idx = raw.new_node(Data::Element(El { name, attrs }));
        if template {
            let contents = raw.new_node(Data::Fragment);
            raw.append_child(idx, contents);
        }
        idx
    }

    fn create_comment(&self, _text: StrTendril) -> usize {
        self.0.borrow_mut().new_node(Data::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        self.0.borrow_mut().new_node(Data::Other)
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {
        let mut raw = self.0.borrow_mut();
        let idx = raw.new_node(Data::Other);
        raw.append_child(0, idx);
    }

    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        let mut raw = self.0.borrow_mut();
        match child {
            NodeOrText::AppendNode(c) => raw.append_child(*parent, c),
            NodeOrText::AppendText(text) => raw.append_text(*parent, &text),
        }
    }

    fn append_before_sibling(&self, sibling: &usize, new_node: NodeOrText<usize>) {
        let mut raw = self.0.borrow_mut();
        if let NodeOrText::AppendNode(n) = new_node {
            raw.detach(n);
        }
        let Some((parent, prev)) = raw.nodes.get(*sibling).map(|s| (s.parent, s.prev)) else {
            return;
        };
        if parent == NONE {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(n) => raw.insert_before(*sibling, n),
            NodeOrText::AppendText(text) => {
                if !(raw.is_text(prev) && raw.extend_text(prev, &text)) {
                    let t = raw.new_text(&text);
                    raw.insert_before(*sibling, t);
                }
            }
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &usize,
        prev_element: &usize,
        child: NodeOrText<usize>,
    ) {
        let has_parent = self
            .0
            .borrow()
            .nodes
            .get(*element)
            .is_some_and(|n| n.parent != NONE);
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn get_template_contents(&self, target: &usize) -> usize {
        let raw = self.0.borrow();
        match raw.nodes.get(*target).map(|n| n.first_child) {
            Some(c)
                if matches!(
                    raw.nodes.get(c),
                    Some(RawNode {
                        data: Data::Fragment,
                        ..
                    })
                ) =>
            {
                c
            }
            _ => *target,
        }
    }

    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn add_attrs_if_missing(&self, target: &usize, attrs: Vec<Attribute>) {
        let mut raw = self.0.borrow_mut();
        let Some(RawNode {
            data: Data::Element(el),
            ..
        }) = raw.nodes.get_mut(*target)
        else {
            return;
        };
        for attr in attrs {
            if let Err(i) = el.attrs.binary_search_by(|a| a.name.cmp(&attr.name)) {
                el.attrs.insert(i, attr);
            }
        }
    }

    fn remove_from_parent(&self, target: &usize) {
        self.0.borrow_mut().detach(*target);
    }

    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        let mut raw = self.0.borrow_mut();
        if *node == *new_parent {
            return;
        }
        let mut c = raw.nodes.get(*node).map_or(NONE, |n| n.first_child);
        while c != NONE {
            let next = raw.nodes.get(c).map_or(NONE, |n| n.next);
            raw.append_child(*new_parent, c);
            c = next;
        }
    }
}

#[cfg(test)]
#[path = "../../tests/support/shared.rs"]
mod shared;

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree of the tokenizer-only parse is the tree builder's, wherever
    /// it does not give up; `true` if it did not.
    fn same_tree(html: &str) -> bool {
        match parse_nested(html) {
            Some(raw) => {
                assert!(raw == parse_with_tree_builder(html), "{html:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn well_nested_input_parses_as_the_tree_builder_parses_it() {
        for html in [
            "",
            "plain text",
            "<p>a <a href=\"x\">b</a> c</p>\n<p>d</p>",
            "<div class=\"x\"><p>a</p><ul><li>1</li><li>2<ul><li>3</li></ul></li></ul></div>",
            "<p>a<!-- c -->b</p>",
            "<pre>\nkept\n</pre><pre>\n\nsecond</pre><textarea>\nx</textarea><listing>\ny</listing>",
            "<script>if (a < b) { x('</p>') }</script><style>p{}</style><iframe src=x><p>no</p></iframe>",
            "<noscript><p>n</p></noscript><xmp><b>x</b></xmp><noembed>e</noembed>",
            "<form><input type=email><button>Go</button></form>",
            "<b><b><b><b>x</b></b></b></b><i>y</i>",
            "<img src=a><br/><hr><wbr><span/>after<div/>in div",
            "<dl><dt>a</dt><dd>b</dd></dl><h2>h</h2><h3>i</h3>",
            "</span>stray</em><p>x</p></body></html>",
            "a\u{0}b<p>\r\nc\rd</p>&amp;&lt;&nbsp;&copy x",
            "<!DOCTYPE html><p>x</p>",
            "<object><param name=a><b>x</b></object><marquee>m</marquee>",
            "<x-widget a=1 b=2 a=3>custom</x-widget><o:p></o:p>",
            "<p>unclosed <b>bold",
            "<script>unterminated",
            "<p>a</p",
            "<p",
            "<",
            // Each needs the tree builder somewhere.
            "<p>a<div>b</div>c</p>",
            "<b>x<p>y</b>z</p>",
            "<ul><li>a<li>b</ul>",
            "<a href=x>1<a href=y>2</a>",
            "<table><tr><td>a</td></tr><p>stray</p></table>",
            "<h1>a<h2>b</h1>",
            "<select><option>x</select>after",
            "<template><p>t</p></template>after",
            "<svg><script>alert(1)</script></svg>",
            "<plaintext><p>x",
            "<title>t</title><p>b",
            "<frameset><frame></frameset>",
            "<body onload=x><p>b</body>",
            "<html><head><p>x</head></html>",
            "<dl><dt>a<dd>b<dt>c</dl>",
            "<em><b>x</em>y</b>z",
            "<form><p>f</form>g",
            "<p>x</br>y</p>",
            "</p>",
            "<image src=x>",
            "<ruby>a<rt>b</rt></ruby>",
            // Where our own tokenizer stops and html5ever's goes on.
            "<P CLASS=\"a\" Class=b ID='c' data-x=1 checked>x</P>",
            "<a href=\"/x?a=1&amp;b=2&c=3&#38;&#x26;&copy;&nbsp;&lt\">AT&T &amp; Q & A &#8217; &#x201C;</a>",
            "<p>&notit; &amp &#128; &#0; &#xD800; &#1114112; &#65535; &#x1F600; &ThisIsNotOne;</p>",
            "<img src=a/b/ alt=x/><img src=\"a\"alt=b><img src='a' / ><img src=a`b>",
            "<p a=\"1\" a=\"2\" b=>x</p><p =a>y</p><p a\"b=1>z</p>",
            "<script>a<b && c</scriptx></SCRIPT ><style>p{}</style/><style>q</style>",
            "<script><!-- x --></script><noscript>&amp;</noscript><iframe>",
            "<!----><!-- a -- b --><!-- c --!><!--><!--->x<!-- d --->",
            "\u{feff}<p>bom</p>\u{feff}",
            "<p>a\r\nb</p><p>c</p>",
            "<p>x</p>< p><p>y</p><?php x ?><!x><p>z</p></ p>",
            "<pre>\nx</pre><p>after pre</p><textarea>\nt</textarea>",
            "<div\n\tclass=\"a\"\x0cid=b\n>in</div\n>",
            "<p>end &amp",
            "<p>end <a href=\"x",
            "<p>end <!-- x",
            "<p>end </p",
            "<b>x</b><b>x</b>",
        ] {
            same_tree(html);
        }
        assert!(same_tree("<p>a<b>b</b></p><ul><li>x</li></ul>"));
        assert!(!same_tree("<p>a<div>b</div></p>"));
    }

    /// Over feedparser's corpus, its documents as they are and with their
    /// escaped HTML unescaped into markup: thousands of odd and hostile
    /// inputs, most of which the tokenizer-only parse takes.
    #[test]
    fn feedparser_corpus_parses_as_the_tree_builder_parses_it() {
        let root = shared::shared_dir().join("bench-data/feedparser-tests");
        let mut dirs = vec![root];
        let (mut nested, mut all) = (0, 0);
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let doc = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                let unescaped = doc
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&");
                for html in [doc, unescaped] {
                    all += 1;
                    nested += usize::from(same_tree(&html));
                }
            }
        }
        assert!(all >= 4200 && nested >= all / 2, "{nested} of {all}");
    }
}
