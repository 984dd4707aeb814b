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

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, LocalName, QualName, local_name, ns};

/// No node (links between nodes).
pub(crate) const NONE: usize = usize::MAX;

/// An element as the parser made it: its name and its attributes, sorted by
/// name like scraper's (the order they are written back out in).
#[derive(Debug)]
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

/// Parses `html` as the contents of a `<body>`, as scraper's
/// `Html::parse_fragment` does.
pub(crate) fn parse_fragment(html: &str) -> Raw {
    let mut raw = Raw {
        nodes: Vec::with_capacity(html.len() / 24 + 4),
        text: String::with_capacity(html.len()),
        no_name: QualName::new(None, ns!(), LocalName::from("")),
    };
    raw.new_node(Data::Document);
    let sink = Sink(RefCell::new(raw));
    html5ever::driver::parse_fragment(
        sink,
        Default::default(),
        QualName::new(None, ns!(html), local_name!("body")),
        Vec::new(),
        false,
    )
    .one(html)
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
            NodeOrText::AppendText(text) => {
                let Some(last) = raw.nodes.get(*parent).map(|p| p.last_child) else {
                    return;
                };
                if !(raw.is_text(last) && raw.extend_text(last, &text)) {
                    let t = raw.new_text(&text);
                    raw.append_child(*parent, t);
                }
            }
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
