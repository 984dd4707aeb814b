//! Parsing and the allowlist: parses an entry's HTML once (html5ever through
//! our own sink, [`super::sink`]), keeps only allowlisted elements,
//! attributes and URLs in a small arena the cleaner makes its decisions on,
//! and writes the kept nodes back out as HTML and as plain text.
//!
//! It must never emit a tag, attribute or URL scheme that is not on the
//! allowlist, never recurse without bound (the arena's depth is capped), and
//! never panic on any input.

use std::collections::HashMap;

use scraper::{Html, Selector};

use super::RemovedBlock;
use super::rules;
use super::sink::{self, El};

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

/// Declares [`allowed_tag`] (and the list for the tests) from one list.
macro_rules! allowed {
    ($($tag:tt),* $(,)?) => {
        /// The list, for the tests.
        #[cfg(test)]
        const ALLOWED: &[&str] = &[$($tag),*];

        /// Elements kept (with their allowed attributes); anything else not
        /// in [`DROP`] is unwrapped: its children stay, the tag goes. The
        /// answer is the tag's static name; a switch on the interned name
        /// (html5ever interns every allowed tag statically), not a string
        /// search per element.
        fn allowed_tag(name: &html5ever::LocalName) -> Option<&'static str> {
            match *name {
                $(html5ever::local_name!($tag) => Some($tag),)*
                _ => None,
            }
        }
    };
}

allowed![
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
    let mut out = String::with_capacity(s.len().min(max_chars + 64));
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

/// Byte classes for the word scanners: ASCII whitespace (what
/// `char::is_whitespace` accepts, vertical tab included), ASCII letters and
/// digits, and the bytes of non-ASCII characters, which are decoded.
const WS: u8 = 1;
const ALNUM: u8 = 2;
const HIGH: u8 = 4;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b >= 0x80 {
            HIGH
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
            WS
        } else if b.is_ascii_alphanumeric() {
            ALNUM
        } else {
            0
        };
        i += 1;
    }
    t
};

/// Unicode's General Punctuation block (dashes, curly quotes, ellipses, odd
/// spaces): frequent in feeds' text, and none of it is a letter or digit or
/// has a case, which saves the Unicode table lookups for it.
pub(crate) const PUNCTUATION: std::ops::RangeInclusive<char> = '\u{2000}'..='\u{206F}';

/// A letter of the commonest non-ASCII alphabets in feeds' text (Latin-1's
/// accented letters, Cyrillic) and its lower case, by arithmetic: spares a
/// Unicode table search for each such letter. `None` for anything else.
pub(crate) fn common_letter_lower(c: char) -> Option<char> {
    let shift = |by: u32| char::from_u32(u32::from(c) + by);
    match c {
        '\u{DF}'..='\u{FF}' if c != '\u{F7}' => Some(c),
        '\u{C0}'..='\u{DE}' if c != '\u{D7}' => shift(0x20),
        '\u{430}'..='\u{45F}' => Some(c),
        '\u{410}'..='\u{42F}' => shift(0x20),
        '\u{400}'..='\u{40F}' => shift(0x50),
        _ => None,
    }
}

/// `char::is_alphanumeric`, sparing the Unicode tables for the commonest
/// non-ASCII characters of feeds' text (punctuation, Latin-1, Cyrillic).
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    !PUNCTUATION.contains(&c) && (common_letter_lower(c).is_some() || c.is_alphanumeric())
}

/// The character at byte `i` of `s` and its length (`None` off a boundary,
/// which the scanners, stepping by whole characters, never ask for).
#[inline]
fn char_at(s: &str, i: usize) -> (Option<char>, usize) {
    match s.get(i..).and_then(|t| t.chars().next()) {
        Some(c) => (Some(c), c.len_utf8()),
        None => (None, 1),
    }
}

/// The whitespace-separated words of `s` as byte ranges, like
/// `str::split_whitespace`: a table lookup per ASCII byte, decoding only the
/// non-ASCII characters (feeds' text is mostly ASCII with a few curly quotes
/// or no-break spaces, which must not send a whole node down the slow path).
#[inline]
fn for_each_range(s: &str, mut f: impl FnMut(usize, usize)) {
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        // Between words.
        let start = loop {
            let Some(&c) = b.get(i) else { return };
            match CLASS[usize::from(c)] {
                WS => i += 1,
                HIGH => match char_at(s, i) {
                    (Some(ch), len) if ch.is_whitespace() => i += len,
                    _ => break i,
                },
                _ => break i,
            }
        };
        // In a word.
        loop {
            let Some(&c) = b.get(i) else {
                f(start, b.len());
                return;
            };
            match CLASS[usize::from(c)] {
                WS => break,
                HIGH => match char_at(s, i) {
                    (Some(ch), _) if ch.is_whitespace() => break,
                    (_, len) => i += len,
                },
                _ => i += 1,
            }
        }
        f(start, i);
    }
}

/// The words of a text (whitespace-separated runs with a letter or digit,
/// where ideographic scripts, which use no spaces, count about one word per
/// two characters), and whether the text is plain: its only whitespace is
/// single ASCII spaces, so its words joined by single spaces are the text
/// itself with the spaces at its ends trimmed (the writers then copy it
/// whole instead of word by word). One pass, no per-word rescan: ASCII
/// stretches a 64-byte chunk at a time as bit masks ([`Scan::ascii_chunk`]),
/// anything else byte by byte ([`Scan::byte`]).
pub(crate) fn scan_text(s: &str) -> (u32, bool) {
    const CHUNK: usize = 64;
    let b = s.as_bytes();
    let mut st = Scan::new();
    let mut i = 0;
    while i < b.len() {
        let chunk = b.get(i..b.len().min(i + CHUNK)).unwrap_or_default();
        // A word carrying wide characters into the chunk counts them at its
        // end, which only the byte-wise path tracks. A short ASCII run (the
        // spaces and punctuation between words of Cyrillic or Greek text)
        // is cheaper byte-wise too than through the masks: the masks need
        // eight ASCII bytes (or the whole chunk) to start with.
        let head_ascii = match chunk.first_chunk::<8>() {
            Some(eight) => u64::from_le_bytes(*eight) & 0x8080_8080_8080_8080 == 0,
            None => !chunk.is_empty() && chunk.is_ascii(),
        };
        if st.wide == 0 && head_ascii {
            // The chunk's ASCII start, from the masks' own high bits; a
            // curly quote or accented letter goes byte-wise alone, not with
            // the rest of its chunk.
            let masks = chunk_masks(chunk);
            let ascii = (masks.3.trailing_zeros() as usize).min(chunk.len());
            st.ascii_chunk(masks, ascii, i == 0);
            i += ascii;
        } else {
            i = st.byte(s, i);
            // The rest of a run of non-ASCII characters, without a chunk
            // each (their chunks would have no ASCII start either).
            while b.get(i).is_some_and(|&c| !c.is_ascii()) {
                i = st.byte(s, i);
            }
        }
    }
    st.finish()
}

/// The length of the ASCII start of `bytes`, eight bytes at a time: the
/// first byte with its high bit set ends it. Lower-casing asks it once per
/// run of ASCII (word counting reads it off its masks).
#[inline]
pub(crate) fn ascii_prefix(bytes: &[u8]) -> usize {
    first_flagged(bytes, 0, |x| x & 0x8080_8080_8080_8080)
}

/// The index of the first byte `flags` marks (by the high bit of that byte
/// in an eight-byte little-endian word; a marked byte may also mark bytes
/// after it, never before), or the length if none is. The last word is
/// padded with `pad`, which must not be marked.
#[inline]
pub(crate) fn first_flagged(bytes: &[u8], pad: u8, flags: impl Fn(u64) -> u64) -> usize {
    let mut at = 0;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(w);
        let hit = flags(u64::from_le_bytes(eight));
        if hit != 0 {
            return at + (hit.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let rest = words.remainder();
    // Shifted in byte by byte: a copy of up to seven bytes into a padded
    // word was a call to memcpy and a stalled load, on every call.
    let last = rest
        .iter()
        .rev()
        .fold(u64::from_le_bytes([pad; 8]), |w, &b| {
            (w << 8) | u64::from(b)
        });
    let hit = flags(last);
    if hit != 0 {
        return at + (hit.trailing_zeros() / 8) as usize;
    }
    at + rest.len()
}

/// For eight ASCII bytes (one per byte of `x`, the first lowest), a bit per
/// byte: whitespace (as [`CLASS`]), letter or digit, space. Byte-wise
/// range tests within one `u64` (no byte reaches 0x80, so no carry crosses
/// into the next), instead of a table lookup per byte.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[inline]
fn ascii_masks(x: u64) -> (u64, u64, u64) {
    const fn rep(b: u8) -> u64 {
        0x0101_0101_0101_0101 * b as u64
    }
    const HIGH_BITS: u64 = rep(0x80);
    // The high bit of each byte: byte >= lo, byte <= hi.
    let ge = |v: u64, lo: u8| v.wrapping_add(rep(0x80 - lo)) & HIGH_BITS;
    let le = |v: u64, hi: u8| !v.wrapping_add(rep(0x7f - hi)) & HIGH_BITS;
    // One bit per byte, the first byte's lowest.
    let bits = |m: u64| (m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    let space = ge(x, b' ') & le(x, b' ');
    let ws = space | (ge(x, b'\t') & le(x, b'\r'));
    let folded = x | rep(0x20);
    let alnum = (ge(folded, b'a') & le(folded, b'z')) | (ge(x, b'0') & le(x, b'9'));
    (bits(ws), bits(alnum), bits(space))
}

/// For up to 64 bytes, a bit per byte (the first lowest): whitespace (as
/// [`CLASS`]), letter or digit, space, and non-ASCII. Bytes past the end
/// are none of these. The first three are right only up to the first
/// non-ASCII byte (a carry of the byte-wise range tests runs from it into
/// the bytes after it). Eight bytes at a time in a `u64`.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn swar_masks(chunk: &[u8]) -> (u64, u64, u64, u64) {
    let (mut ws, mut alnum, mut space, mut high) = (0u64, 0u64, 0u64, 0u64);
    for (k, eight) in chunk.chunks(8).take(8).enumerate() {
        // Zero padding is neither whitespace nor a letter or digit.
        let mut bytes = [0u8; 8];
        if let Some(head) = bytes.get_mut(..eight.len()) {
            head.copy_from_slice(eight);
        }
        let x = u64::from_le_bytes(bytes);
        let (w, a, s) = ascii_masks(x);
        let h = ((x & 0x8080_8080_8080_8080) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        ws |= w << (8 * k);
        alnum |= a << (8 * k);
        space |= s << (8 * k);
        high |= h << (8 * k);
    }
    (ws, alnum, space, high)
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn chunk_masks(chunk: &[u8]) -> (u64, u64, u64, u64) {
    swar_masks(chunk)
}

/// [`swar_masks`] sixteen bytes at a time with SSE2, which every x86-64
/// processor has: the eight-byte range tests and bit gathering were most
/// of word counting, itself the largest single cost of cleaning. Rust lets
/// a `#[target_feature]` function be called only in `unsafe`, even for a
/// feature the target always has: the crate's one `unsafe` block.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn chunk_masks(chunk: &[u8]) -> (u64, u64, u64, u64) {
    // SAFETY: the only requirement of calling a `#[target_feature]`
    // function is that the processor has the feature, and SSE2 is part of
    // the x86-64 baseline: every processor this code runs on has it (the
    // target enables it for all code already, and this is compiled only
    // when it does).
    unsafe { sse2_masks(chunk) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn sse2_masks(chunk: &[u8]) -> (u64, u64, u64, u64) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x,
        _mm_set1_epi8, _mm_sub_epi8,
    };
    // Zero padding is neither whitespace nor a letter or digit.
    let mut bytes = [0u8; 64];
    let n = chunk.len().min(64);
    if let (Some(head), Some(src)) = (bytes.get_mut(..n), chunk.get(..n)) {
        head.copy_from_slice(src);
    }
    // Bytes `b` with `lo <= b <= lo + span`, as 0xFF (unsigned: the
    // difference wraps for bytes below `lo`).
    let within = |v: __m128i, lo: u8, span: u8| {
        let d = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
        _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(span as i8)), d)
    };
    let bits = |m: __m128i| u64::from(_mm_movemask_epi8(m) as u16);
    let (mut ws, mut alnum, mut space, mut high) = (0u64, 0u64, 0u64, 0u64);
    for (k, sixteen) in bytes.chunks_exact(16).enumerate() {
        let (mut lo, mut hi) = ([0u8; 8], [0u8; 8]);
        lo.copy_from_slice(sixteen.get(..8).unwrap_or(&[0; 8]));
        hi.copy_from_slice(sixteen.get(8..).unwrap_or(&[0; 8]));
        let v = _mm_set_epi64x(i64::from_le_bytes(hi), i64::from_le_bytes(lo));
        let sp = _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8));
        let w = _mm_or_si128(sp, within(v, b'\t', b'\r' - b'\t'));
        let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
        let a = _mm_or_si128(within(folded, b'a', b'z' - b'a'), within(v, b'0', 9));
        ws |= bits(w) << (16 * k);
        alnum |= bits(a) << (16 * k);
        space |= bits(sp) << (16 * k);
        high |= bits(v) << (16 * k);
    }
    (ws, alnum, space, high)
}

/// [`scan_text`]'s state between bytes. `alnum`: the current word has a
/// letter or digit; `wide`: its wide characters.
struct Scan {
    words: u32,
    plain: bool,
    alnum: bool,
    wide: u32,
    in_word: bool,
}

impl Scan {
    fn new() -> Self {
        Scan {
            words: 0,
            plain: true,
            alnum: false,
            wide: 0,
            in_word: false,
        }
    }

    /// The words and plainness, counting a word still open at the end.
    fn finish(self) -> (u32, bool) {
        let end = u32::from(self.in_word && self.alnum) * (1 + self.wide / 2);
        (self.words.saturating_add(end), self.plain)
    }

    /// The character at byte `i`; returns where the next one starts.
    #[inline]
    fn byte(&mut self, s: &str, i: usize) -> usize {
        let Some(&c) = s.as_bytes().get(i) else {
            return i + 1;
        };
        let class = CLASS[usize::from(c)];
        if class == HIGH {
            // Cyrillic (U+0400-047F, two bytes led by 0xD0 or 0xD1) is all
            // letters: no decoding, no table.
            if matches!(c, 0xD0 | 0xD1)
                && s.as_bytes().get(i + 1).is_some_and(|&n| n & 0xC0 == 0x80)
            {
                self.alnum = true;
                self.in_word = true;
                return i + 2;
            }
            // Other non-ASCII: decoded, and judged as the character it is.
            let (ch, len) = char_at(s, i);
            match ch {
                Some(ch) if ch.is_whitespace() => {
                    self.plain = false;
                    if self.in_word && self.alnum {
                        self.words = self.words.saturating_add(1 + self.wide / 2);
                    }
                    (self.alnum, self.wide, self.in_word) = (false, 0, false);
                }
                Some(ch) => {
                    // As `chars().any(char::is_alphanumeric)`: the Unicode
                    // tables only until one is found.
                    self.alnum = self.alnum || is_alphanumeric(ch);
                    self.wide += u32::from(ch >= '\u{2E80}');
                    self.in_word = true;
                }
                None => self.in_word = true,
            }
            return i + len;
        }
        // ASCII, without a branch on the byte: a word boundary every few
        // bytes would be a mispredicted jump each time.
        let ws = class == WS;
        let ends_counted_word = ws & self.in_word & self.alnum;
        self.words = self
            .words
            .saturating_add(u32::from(ends_counted_word) * (1 + self.wide / 2));
        self.plain &= !(ws & ((c != b' ') | ((i > 0) & !self.in_word)));
        self.alnum = !ws & (self.alnum | (class == ALNUM));
        self.wide *= u32::from(!ws);
        self.in_word = !ws;
        i + 1
    }

    /// The first `len` (1 to 64) bytes of a chunk, all ASCII, at once
    /// (`wide` is 0), from the chunk's [`chunk_masks`]: a bit per byte for
    /// whitespace and for letters and digits. A word is counted at its last
    /// letter or digit, the one whose next letter, digit or whitespace is
    /// whitespace; a word still open at the end is carried in the state, as
    /// the byte-wise path carries it.
    fn ascii_chunk(
        &mut self,
        (ws, alnum, space, _): (u64, u64, u64, u64),
        len: usize,
        at_start: bool,
    ) {
        let valid = u64::MAX >> (64 - len);
        let (ws, alnum, space) = (ws & valid, alnum & valid, space & valid);
        // For each byte, the kind (whitespace or not) of the nearest letter,
        // digit or whitespace at or after it in the chunk, if there is one.
        let (mut known, mut is_ws) = (ws | alnum, ws);
        for shift in [1, 2, 4, 8, 16, 32] {
            is_ws |= (is_ws >> shift) & !known;
            known |= known >> shift;
        }
        let (next_known, next_ws) = (known >> 1, is_ws >> 1);
        let ends = alnum & next_known & next_ws;
        let mut words = ends.count_ones();
        // A word carried in with a letter or digit ends at the chunk's first
        // whitespace, unless it has another letter or digit before that
        // (then counted in `ends`).
        if self.in_word && self.alnum && known & 1 == 1 && is_ws & 1 == 1 {
            words += 1;
        }
        self.words = self.words.saturating_add(words);
        // Plain: every whitespace byte is a space that follows a word (or
        // starts the text).
        let after_word = ((!ws & valid) << 1) | u64::from(self.in_word);
        let first = u64::from(at_start);
        if ws & !space != 0 || ws & !after_word & !first != 0 {
            self.plain = false;
        }
        let last = len - 1;
        let sig = ws | alnum;
        if sig != 0 {
            let top = 63 - sig.leading_zeros() as usize;
            self.alnum = (alnum >> top) & 1 == 1;
        }
        self.in_word = (ws >> last) & 1 == 0;
    }
}

/// Appends the words of `s` to `out` separated by single spaces (what
/// joining `split_whitespace` gives), copying each stretch whose words are
/// already single-spaced in one go. Returns whether any word was written.
pub(crate) fn push_words(s: &str, out: &mut String) -> bool {
    let b = s.as_bytes();
    let mut run: Option<(usize, usize)> = None;
    for_each_range(s, |start, end| {
        run = match run {
            Some((first, last)) if start == last + 1 && b.get(last) == Some(&b' ') => {
                Some((first, end))
            }
            Some((first, last)) => {
                out.push_str(s.get(first..last).unwrap_or(""));
                out.push(' ');
                Some((start, end))
            }
            None => Some((start, end)),
        };
    });
    match run {
        Some((first, last)) => {
            out.push_str(s.get(first..last).unwrap_or(""));
            true
        }
        None => false,
    }
}

/// [`push_words`] for a text node: a plain one (see [`scan_text`]) is its
/// own words already, copied whole.
fn push_node_words(t: &str, plain: bool, out: &mut String) -> bool {
    if plain {
        let words = t.trim_matches(' ');
        out.push_str(words);
        !words.is_empty()
    } else {
        push_words(t, out)
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

fn describe(el: &El, name: &str) -> String {
    let src = el
        .attr("src")
        .or_else(|| el.attr("href"))
        .or_else(|| el.attr("data"));
    match src {
        Some(s) => format!("<{name} {}>", collapse_ws(s, 120)),
        None => format!("<{name}>"),
    }
}

/// Why an element goes with everything inside, if it does. `allowed`: the
/// name is one [`allowed_tag`] knows (and so not on [`DROP`], which is not
/// searched).
fn drop_reason(el: &El, name: &str, allowed: bool, by_selector: Option<&str>) -> Option<String> {
    // Foreign content (SVG, MathML) can smuggle script and style; none of it is text.
    if el.name.ns != html5ever::ns!(html) {
        return Some(format!("unsafe markup <{name}>"));
    }
    if !allowed && DROP.contains(&name) {
        return Some(if name == "nav" {
            "navigation".to_string()
        } else {
            format!("unsafe or dead markup <{name}>")
        });
    }
    if let Some(reason) = by_selector {
        return Some(reason.to_string());
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
fn allowed_attrs(
    tag: &'static str,
    el: &El,
    out: &mut Vec<(&'static str, String)>,
) -> Option<Box<[(&'static str, String)]>> {
    out.clear();
    for (name, value) in el.attrs() {
        let name: &'static str = match (tag, name) {
            (_, "title") => "title",
            (_, "lang") => "lang",
            (_, "dir") => "dir",
            ("a", "href") => {
                if let Some(url) = rules::safe_url(value, true) {
                    out.push(("href", rules::strip_tracking(url)));
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
    // Allocated once at its size, from a buffer reused for every element:
    // a vector grown from nothing and then shrunk into a box was three
    // allocations for a link.
    Some(out.drain(..).collect())
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

fn escape_attr(s: &str, out: &mut String) {
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
struct TextOut {
    out: String,
    line: String,
    space: bool,
}

impl TextOut {
    fn text(&mut self, s: &str, plain: bool, pre: bool) {
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
    fn children(&mut self, idx: usize, pre: bool) {
        let arena = self.arena;
        for c in arena.children(idx) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_punctuation_has_no_letters_digits_or_case() {
        for c in PUNCTUATION {
            assert!(!c.is_alphanumeric(), "{c:?}");
            assert!(c.to_lowercase().eq([c]), "{c:?}");
        }
    }

    #[test]
    fn common_letters_lower_case_as_unicode_says() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            if let Some(l) = common_letter_lower(c) {
                assert!(c.is_alphanumeric(), "{c:?}");
                assert!(c.to_lowercase().eq([l]), "{c:?}");
            }
        }
    }

    #[test]
    fn allowlist_is_matched_by_name_and_apart_from_the_drop_list() {
        assert!(ALLOWED.iter().all(|a| !DROP.contains(a)));
        for tag in ALLOWED {
            let name = html5ever::LocalName::from(*tag);
            assert_eq!(allowed_tag(&name), Some(*tag));
        }
        for tag in DROP.iter().chain(&["font", "blink", "x-widget", "A", ""]) {
            assert_eq!(
                allowed_tag(&html5ever::LocalName::from(*tag)),
                None,
                "{tag}"
            );
        }
    }

    /// Every length of tail (the bytes past the last whole eight), with
    /// the flagged byte anywhere or nowhere, and a pad that must not count.
    #[test]
    fn first_flagged_finds_the_first_flagged_byte() {
        let high = |x: u64| x & 0x8080_8080_8080_8080;
        for len in 0..40 {
            for at in 0..=len {
                let mut bytes = vec![b'a'; len];
                if let Some(b) = bytes.get_mut(at) {
                    *b = 0xC3;
                }
                assert_eq!(first_flagged(&bytes, 0, high), at, "{len} {at}");
                assert_eq!(ascii_prefix(&bytes), at, "{len} {at}");
                // Flagged bytes after the first do not matter.
                bytes.iter_mut().skip(at).for_each(|b| *b = 0xD0);
                assert_eq!(first_flagged(&bytes, 0, high), at, "{len} {at}");
            }
        }
    }

    #[test]
    fn ascii_masks_match_the_byte_classes() {
        for c in 0u8..0x80 {
            for k in 0..8 {
                let mut bytes = [b'x'; 8];
                bytes[k] = c;
                let (ws, alnum, space) = ascii_masks(u64::from_le_bytes(bytes));
                let class = CLASS[usize::from(c)];
                assert_eq!((ws >> k) & 1 == 1, class == WS, "{c:#x}");
                assert_eq!(alnum | (1 << k), 0xff, "{c:#x}");
                assert_eq!((alnum >> k) & 1 == 1, class == ALNUM, "{c:#x}");
                assert_eq!((space >> k) & 1 == 1, c == b' ', "{c:#x}");
                assert_eq!(ws & !(1 << k), 0, "{c:#x}");
            }
        }
    }

    #[test]
    fn chunked_word_scan_matches_the_bytewise_one() {
        // Texts of every length across the 64-byte chunks, from pieces that
        // put words, punctuation, odd whitespace and wide characters at
        // every offset.
        const PIECES: &[&str] = &[
            "a",
            "Z9",
            " ",
            "  ",
            "\t",
            "\n",
            ",",
            "--",
            "'",
            "\u{a0}",
            "\u{3000}",
            "\u{4e2d}\u{6587}",
            "\u{e9}",
            "\u{201c}",
            "x",
            ". ",
            "\u{b}",
            "\u{41f}\u{440}\u{438}\u{432}\u{435}\u{442}",
            "\u{401}\u{47f}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut random = move |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below as u64) as usize
        };
        for _ in 0..20_000 {
            let mut s = String::new();
            let len = random(160);
            while s.len() < len {
                s.push_str(PIECES[random(PIECES.len())]);
            }
            let mut st = Scan::new();
            let mut i = 0;
            while i < s.len() {
                i = st.byte(&s, i);
            }
            assert_eq!(scan_text(&s), st.finish(), "{s:?}");
        }
    }

    #[test]
    fn chunk_masks_match_the_eight_byte_ones() {
        // Every ASCII byte at every position, chunks of every length.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut random_chunk = |spread: u32, below: u64| -> Vec<u8> {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 65) as usize;
            (0..len)
                .map(|i| (seed.rotate_left(i as u32 * spread) % below) as u8)
                .collect()
        };
        for _ in 0..20_000 {
            let chunk = random_chunk(7, 128);
            assert_eq!(chunk_masks(&chunk), swar_masks(&chunk), "{chunk:?}");
        }
        let all: Vec<u8> = (0..128).collect();
        for c in all.chunks(64) {
            assert_eq!(chunk_masks(c), swar_masks(c));
        }
        // With non-ASCII bytes: the same high bits, and the same classes
        // before the first of them (all that the scan reads).
        for _ in 0..20_000 {
            let chunk = random_chunk(5, 256);
            let (a, b) = (chunk_masks(&chunk), swar_masks(&chunk));
            assert_eq!(a.3, b.3, "{chunk:?}");
            let before = (1u64 << a.3.trailing_zeros().min(63)) - 1;
            assert_eq!(
                (a.0 & before, a.1 & before, a.2 & before),
                (b.0 & before, b.1 & before, b.2 & before),
                "{chunk:?}"
            );
        }
    }

    #[test]
    fn two_byte_cyrillic_is_all_letters() {
        // What the word scanner's shortcut for lead bytes 0xD0 and 0xD1
        // assumes of U+0400-047F.
        for c in '\u{400}'..='\u{47f}' {
            assert!(c.is_alphanumeric() && !c.is_whitespace(), "{c:?}");
            let mut utf8 = [0u8; 4];
            assert!(matches!(
                c.encode_utf8(&mut utf8).as_bytes(),
                [0xD0 | 0xD1, _]
            ));
        }
    }

    #[test]
    fn ascii_word_count_matches_the_general_one() {
        for s in [
            "",
            "  a  b ",
            "x\u{b}y",
            "-- a1 --",
            " plain text, single spaced ",
            "a  b c\u{a0}d \u{2003} e\u{3000}f ",
            "one,two three\n",
            "\t\r\n",
            "caf\u{e9}\u{a0}na\u{ef}ve \u{201c}q\u{201d}\u{3000}x",
            "\u{41f}\u{440}\u{438}\u{432}\u{435}\u{442}, \u{43c}\u{438}\u{440}! \u{401}\u{436} 2024",
        ] {
            let general = s
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count() as u32;
            let (count, plain) = scan_text(s);
            assert_eq!(count, general, "{s:?}");
            let mut joined = String::from("x");
            let any = push_words(s, &mut joined);
            let words: Vec<&str> = s.split_whitespace().collect();
            assert_eq!(joined, format!("x{}", words.join(" ")), "{s:?}");
            assert_eq!(any, !words.is_empty(), "{s:?}");
            if plain {
                assert_eq!(s.trim_matches(' '), words.join(" "), "{s:?}");
            }
        }
    }
}
