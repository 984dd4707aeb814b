//! The tokenizer-only parse of well-nested input ([`Nested`]): the tree
//! builder's "in body" rules where it neither closes an element implicitly
//! nor repairs one, building the same tree through the same [`Sink`].
//!
//! It must give up (and so leave the entry to the tree builder) at the first
//! token it is not sure of; giving up is always safe.

use super::*;

/// What one token asks of the tokenizer.
pub(super) enum Step {
    Continue,
    /// The element just opened holds raw text of this kind.
    RawText(RawKind),
    /// The input needs the tree builder.
    GiveUp,
}

/// The tree builder's "in body" rules for well-nested input: what it does
/// when it neither closes an element implicitly nor repairs one (see the
/// module's doc). Anything else gives up; giving up is always safe.
pub(crate) struct Nested {
    pub(super) sink: Sink,
    /// The open elements and their names; the first is the root `html`.
    pub(super) open: RefCell<Vec<(usize, LocalName)>>,
    /// The current element is a script, style, iframe, textarea and the
    /// like: characters up to its end tag are its text.
    pub(super) raw_text: Cell<bool>,
    /// A newline right after `<pre>`, `<listing>` or `<textarea>` is not
    /// text; reset by every token, as the tree builder does.
    pub(super) ignore_lf: Cell<bool>,
    pub(super) gave_up: Cell<bool>,
    /// The tokenizer is ending: it must not be stopped any more (html5ever
    /// asserts that), so a give-up only marks the result void.
    pub(super) ending: Cell<bool>,
}

/// `special` elements of the HTML spec (html5ever's `special_tag`): they
/// stop the search for an open `<li>`, `<dd>` or `<dt>` to close.
pub(super) fn is_special(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("address")
            | local_name!("applet")
            | local_name!("area")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("blockquote")
            | local_name!("body")
            | local_name!("br")
            | local_name!("button")
            | local_name!("caption")
            | local_name!("center")
            | local_name!("col")
            | local_name!("colgroup")
            | local_name!("dd")
            | local_name!("details")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("embed")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("frame")
            | local_name!("frameset")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("head")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("hr")
            | local_name!("html")
            | local_name!("iframe")
            | local_name!("img")
            | local_name!("input")
            | local_name!("li")
            | local_name!("link")
            | local_name!("listing")
            | local_name!("main")
            | local_name!("marquee")
            | local_name!("menu")
            | local_name!("meta")
            | local_name!("nav")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("noscript")
            | local_name!("object")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("param")
            | local_name!("plaintext")
            | local_name!("pre")
            | local_name!("script")
            | local_name!("section")
            | local_name!("select")
            | local_name!("source")
            | local_name!("style")
            | local_name!("summary")
            | local_name!("table")
            | local_name!("tbody")
            | local_name!("td")
            | local_name!("template")
            | local_name!("textarea")
            | local_name!("tfoot")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("title")
            | local_name!("tr")
            | local_name!("track")
            | local_name!("ul")
            | local_name!("wbr")
            | local_name!("xmp")
    )
}

pub(super) fn is_heading(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
    )
}

impl Nested {
    /// It met a token that needs the tree builder.
    pub(crate) fn gave_up(&self) -> bool {
        self.gave_up.get()
    }

    /// Character tokens, as [`TokenSink::process_token`] takes them.
    pub(crate) fn chars(&self, text: &str) {
        let ignore_lf = self.ignore_lf.take();
        if !self.gave_up.get() {
            self.append_chars(text, ignore_lf);
        }
    }

    pub(super) fn append_chars(&self, text: &str, ignore_lf: bool) {
        let text = match text.strip_prefix('\n') {
            Some(rest) if ignore_lf => rest,
            _ => text,
        };
        if !text.is_empty() {
            self.sink.append_text(self.current().0, text);
        }
    }

    pub(super) fn current(&self) -> (usize, LocalName) {
        // The root is never popped (an end tag never names it here), so
        // the stack is never empty; the document is a harmless fallback.
        self.open
            .borrow()
            .last()
            .cloned()
            .unwrap_or((0, local_name!("html")))
    }

    pub(super) fn is_open(&self, name: &LocalName) -> bool {
        self.open.borrow().iter().any(|(_, n)| n == name)
    }

    /// Inserts the element into the current one; void elements are not
    /// opened.
    pub(super) fn insert(&self, tag: Tag, open: bool) {
        let (parent, _) = self.current();
        let name = tag.name.clone();
        let el = self.sink.create_element(
            QualName::new(None, ns!(html), tag.name),
            tag.attrs,
            ElementFlags::default(),
        );
        self.sink.append(&parent, NodeOrText::AppendNode(el));
        if open {
            self.open.borrow_mut().push((el, name));
        }
    }

    pub(super) fn pop(&self) {
        let mut open = self.open.borrow_mut();
        if open.len() > 1 {
            open.pop();
        }
    }

    /// The builder's search for an open list item of `names` to close
    /// before a new one: from the current element down to the first
    /// special one other than address, div and p.
    pub(super) fn closes_item(&self, names: &[LocalName]) -> bool {
        for (_, n) in self.open.borrow().iter().rev() {
            if names.contains(n) {
                return true;
            }
            if is_special(n)
                && !matches!(
                    *n,
                    local_name!("address") | local_name!("div") | local_name!("p")
                )
            {
                return false;
            }
        }
        false
    }

    pub(super) fn start(&self, tag: Tag) -> Step {
        // A start tag that would close an open <p> (the builder looks in
        // button scope; any open <p> is stricter).
        let closes_p = || self.is_open(&local_name!("p"));
        match tag.name {
            // Other insertion modes, repairs, foreign content, head
            // elements, encoding hints: the tree builder's business.
            local_name!("html")
            | local_name!("head")
            | local_name!("body")
            | local_name!("frameset")
            | local_name!("frame")
            | local_name!("table")
            | local_name!("caption")
            | local_name!("col")
            | local_name!("colgroup")
            | local_name!("tbody")
            | local_name!("thead")
            | local_name!("tfoot")
            | local_name!("tr")
            | local_name!("td")
            | local_name!("th")
            | local_name!("select")
            | local_name!("option")
            | local_name!("optgroup")
            | local_name!("rb")
            | local_name!("rtc")
            | local_name!("rp")
            | local_name!("rt")
            | local_name!("math")
            | local_name!("svg")
            | local_name!("image")
            | local_name!("nobr")
            | local_name!("template")
            | local_name!("plaintext")
            | local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("title")
            | local_name!("noframes") => Step::GiveUp,
            local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("center")
            | local_name!("details")
            | local_name!("dialog")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("main")
            | local_name!("menu")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("search")
            | local_name!("section")
            | local_name!("summary")
            | local_name!("ul") => {
                if closes_p() {
                    return Step::GiveUp;
                }
                self.insert(tag, true);
                Step::Continue
            }
            local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6") => {
                if closes_p() || is_heading(&self.current().1) {
                    return Step::GiveUp;
                }
                self.insert(tag, true);
                Step::Continue
            }
            local_name!("pre") | local_name!("listing") => {
                if closes_p() {
                    return Step::GiveUp;
                }
                self.insert(tag, true);
                self.ignore_lf.set(true);
                Step::Continue
            }
            local_name!("form") => {
                // A nested form is dropped by the builder.
                if closes_p() || self.is_open(&local_name!("form")) {
                    return Step::GiveUp;
                }
                self.insert(tag, true);
                Step::Continue
            }
            local_name!("li") => {
                if self.closes_item(&[local_name!("li")]) || closes_p() {
                    return Step::GiveUp;
                }
                self.insert(tag, true);
                Step::Continue
            }
            local_name!("dd") | local_name!("dt") => {
                if self.closes_item(&[local_name!("dd"), local_name!("dt")]) || closes_p() {
                    return Step::GiveUp;
                }
                self.insert(tag, true);
                Step::Continue
            }
            // Nested buttons and links are closed (or split) by the builder.
            local_name!("button") | local_name!("a") => {
                if self.is_open(&tag.name) {
                    return Step::GiveUp;
                }
                self.insert(tag, true);
                Step::Continue
            }
            local_name!("area")
            | local_name!("br")
            | local_name!("embed")
            | local_name!("img")
            | local_name!("keygen")
            | local_name!("wbr")
            | local_name!("input")
            | local_name!("param")
            | local_name!("source")
            | local_name!("track") => {
                self.insert(tag, false);
                Step::Continue
            }
            local_name!("hr") => {
                if closes_p() {
                    return Step::GiveUp;
                }
                self.insert(tag, false);
                Step::Continue
            }
            local_name!("textarea") => {
                self.insert(tag, true);
                self.ignore_lf.set(true);
                Step::RawText(RawKind::Rcdata)
            }
            local_name!("xmp") => {
                if closes_p() {
                    return Step::GiveUp;
                }
                self.insert(tag, true);
                Step::RawText(RawKind::Rawtext)
            }
            // <noscript> too: html5ever parses with scripting enabled.
            local_name!("iframe")
            | local_name!("noembed")
            | local_name!("noscript")
            | local_name!("style") => {
                self.insert(tag, true);
                Step::RawText(RawKind::Rawtext)
            }
            local_name!("script") => {
                self.insert(tag, true);
                Step::RawText(RawKind::ScriptData)
            }
            // Formatting elements, <applet>, <object>, unknown elements
            // (a self-closing flag is ignored on them, as the builder does).
            _ => {
                self.insert(tag, true);
                Step::Continue
            }
        }
    }

    pub(super) fn end(&self, name: &LocalName) -> Step {
        let (_, current) = self.current();
        let closes_current = *name == current && self.open.borrow().len() > 1;
        match *name {
            // No <body> is in scope in a fragment: ignored.
            local_name!("body") | local_name!("html") => Step::Continue,
            // </br> is a <br>, a stray </p> an empty <p>.
            local_name!("br")
            | local_name!("p")
            | local_name!("template")
            | local_name!("option")
                if !closes_current =>
            {
                Step::GiveUp
            }
            // Any open heading is closed by any heading's end tag.
            _ if is_heading(name)
                && !closes_current
                && self.open.borrow().iter().any(|(_, n)| is_heading(n)) =>
            {
                Step::GiveUp
            }
            _ if closes_current => {
                self.pop();
                Step::Continue
            }
            // Closing something further down the stack: the builder's.
            _ if self.is_open(name) => Step::GiveUp,
            // Nothing of that name is open: ignored.
            _ => Step::Continue,
        }
    }

    pub(super) fn step(&self, token: Token, ignore_lf: bool) -> Step {
        match token {
            Token::ParseError(_) | Token::DoctypeToken(_) | Token::EOFToken => Step::Continue,
            // Ignored in body; the tokenizer never sends one in raw text.
            Token::NullCharacterToken if !self.raw_text.get() => Step::Continue,
            Token::CommentToken(text) if !self.raw_text.get() => {
                let c = self.sink.create_comment(text);
                self.sink
                    .append(&self.current().0, NodeOrText::AppendNode(c));
                Step::Continue
            }
            Token::CharacterTokens(text) => {
                self.append_chars(&text, ignore_lf);
                Step::Continue
            }
            // In raw text the tokenizer sends only its element's end tag.
            Token::TagToken(tag) if self.raw_text.get() => {
                if tag.kind == EndTag {
                    self.pop();
                    self.raw_text.set(false);
                    Step::Continue
                } else {
                    Step::GiveUp
                }
            }
            Token::TagToken(tag) if tag.kind == StartTag => self.start(tag),
            Token::TagToken(tag) => self.end(&tag.name),
            Token::NullCharacterToken | Token::CommentToken(_) => Step::GiveUp,
        }
    }
}

impl TokenSink for Nested {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        // Taken by every token, parse errors included, as the builder does.
        let ignore_lf = self.ignore_lf.take();
        if self.gave_up.get() {
            return TokenSinkResult::Continue;
        }
        match self.step(token, ignore_lf) {
            Step::Continue => TokenSinkResult::Continue,
            Step::RawText(kind) => {
                self.raw_text.set(true);
                TokenSinkResult::RawData(kind)
            }
            Step::GiveUp => {
                self.gave_up.set(true);
                // `Script` stops the tokenizer at once (and only sets its
                // state, which is thrown away); never while it is ending.
                if self.ending.get() {
                    TokenSinkResult::Continue
                } else {
                    TokenSinkResult::Script(())
                }
            }
        }
    }
}
