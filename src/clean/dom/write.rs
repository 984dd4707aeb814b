//! Writing: the kept nodes of the arena as safe HTML and as plain text, and
//! plain-text entries turned into paragraphs.
//!
//! It must never write a node the arena does not hold, and escapes every
//! text and attribute value it writes.

use super::*;

/// Feeds of type text arrive without markup: blank lines are paragraphs,
/// single newlines are line breaks.
pub(super) fn plain_text_to_html(text: &str) -> String {
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

pub(crate) fn escape_text(s: &str, out: &mut String) {
    // Copies runs of plain text whole; only the few special bytes are
    // rewritten (U+00A0 is 0xC2 0xA0, and 0xA0 is never a first byte).
    // Text is scanned a chunk at a time with a test the compiler
    // vectorises; only a chunk with a special byte is looked at byte by byte.
    const CHUNK: usize = 32;
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>' | 0xA0);
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + CHUNK).min(bytes.len());
        let chunk = bytes.get(at..end).unwrap_or_default();
        if chunk.iter().fold(false, |any, &b| any | special(b)) {
            for (i, &b) in chunk.iter().enumerate().map(|(j, b)| (at + j, b)) {
                let rep = match b {
                    b'&' => "&amp;",
                    b'<' => "&lt;",
                    b'>' => "&gt;",
                    0xA0 if i > 0 && bytes.get(i - 1) == Some(&0xC2) => "&nbsp;",
                    _ => continue,
                };
                let end = if b == 0xA0 { i - 1 } else { i };
                out.push_str(s.get(start..end).unwrap_or(""));
                out.push_str(rep);
                start = i + 1;
            }
        }
        at = end;
    }
    out.push_str(s.get(start..).unwrap_or(""));
}

pub(super) fn escape_attr(s: &str, out: &mut String) {
    // Copied a run at a time between the few special bytes (URLs are most
    // of it, and a push per character was most of writing them).
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => continue,
        };
        out.push_str(s.get(from..i).unwrap_or(""));
        out.push_str(rep);
        from = i + 1;
    }
    out.push_str(s.get(from..).unwrap_or(""));
}

/// Plain text with paragraphs separated by blank lines.
#[derive(Default)]
pub(super) struct TextOut {
    out: String,
    line: String,
    space: bool,
}

impl TextOut {
    pub(super) fn text(&mut self, s: &str, plain: bool, pre: bool) {
        if pre {
            self.line.push_str(s);
            return;
        }
        if s.starts_with(char::is_whitespace) {
            self.space = true;
        }
        // A space before the first word, if there is one (taken back if
        // not); the words after it are single-spaced.
        let mark = self.line.len();
        if self.space && !self.line.is_empty() && !self.line.ends_with('\n') {
            self.line.push(' ');
        }
        let any = push_node_words(s, plain, &mut self.line);
        if !any {
            self.line.truncate(mark);
        }
        self.space = s.ends_with(char::is_whitespace) || (self.space && !any);
    }

    /// A line break; two in a row end the paragraph.
    pub(super) fn br(&mut self) {
        if self.line.trim_end_matches(' ').ends_with('\n') {
            self.block();
        } else if !self.line.trim().is_empty() {
            self.line.push('\n');
        }
        self.space = false;
    }

    pub(super) fn block(&mut self) {
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

pub(super) struct Writer<'a> {
    arena: &'a Arena,
    html: String,
    text: TextOut,
    /// Count of things worth showing written so far (non-blank text, images,
    /// rules): an element that adds none is taken back out.
    units: usize,
}

/// Writes the kept nodes as HTML and as plain text.
pub(crate) fn write(arena: &Arena) -> (String, String) {
    let len = arena.text.len();
    let mut w = Writer {
        arena,
        // Text plus room for the tags; trimmed to size at the end.
        html: String::with_capacity(len + len / 4 + 64),
        text: TextOut {
            out: String::with_capacity(len),
            ..TextOut::default()
        },
        units: 0,
    };
    w.children(0, false);
    w.text.block();
    let (mut html, mut text) = (w.html, w.text.out);
    // Trimmed in place: no second copy of a big entry.
    let end = html.trim_end().len();
    html.truncate(end);
    let lead = html.len() - html.trim_start().len();
    html.drain(..lead);
    html.shrink_to_fit();
    text.shrink_to_fit();
    (html, text)
}

impl Writer<'_> {
    pub(super) fn children(&mut self, idx: usize, pre: bool) {
        let arena = self.arena;
        for c in arena.children(idx) {
            self.node(c, pre);
        }
    }

    pub(super) fn node(&mut self, idx: usize, pre: bool) {
        let arena = self.arena;
        let node = &arena.nodes[idx];
        if node.removed {
            return;
        }
        match &node.kind {
            Kind::Root => self.children(idx, pre),
            Kind::Text { .. } => {
                let t = arena.text_of(node);
                escape_text(t, &mut self.html);
                if node.words > 0 || !t.trim().is_empty() {
                    self.units += 1;
                }
                self.text.text(t, node.plain, pre);
            }
            Kind::Element { tag, attrs } => {
                let tag = *tag;
                let (mark, text_mark, units) = (self.html.len(), self.text.line.len(), self.units);
                let block = node.block;
                if block {
                    self.text.block();
                }
                self.html.push('<');
                self.html.push_str(tag);
                for (name, value) in attrs.iter() {
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
