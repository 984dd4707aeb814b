//! A tokenizer for the plain HTML feed entries are mostly written in: start
//! and end tags with simple attributes, text, character references that end
//! in `;`, comments, and the raw text of scripts and styles. It hands
//! [`Nested`] the tokens html5ever's tokenizer would, without going through
//! its character-by-character state machine, which was two thirds of the
//! parse of a well-nested entry.
//!
//! It must never guess: at the first construct whose tokens it does not
//! reproduce exactly (a doctype, a bare `<`, a carriage return or NUL, a
//! reference without its `;`, an unusual attribute, text that needs a
//! newline dropped after it), it stops before it, in the data state, and
//! the caller hands the rest to html5ever's tokenizer. It never panics and
//! never reads past the input.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{EndTag, StartTag, Tag, Token, TokenSink, TokenSinkResult};
use html5ever::{Attribute, LocalName, QualName, local_name, ns};

use super::dom;
use super::sink::Nested;

/// How far the tokenizer got.
pub(crate) enum Outcome {
    /// The whole input was tokenized (or [`Nested`] gave up on a token).
    Done,
    /// It stopped at this byte, in the data state, before a construct it
    /// leaves to html5ever; nothing from there on was passed on.
    Stopped(usize),
}

/// Tokenizes `html` into `sink`.
pub(crate) fn run(html: &str, sink: &Nested) -> Outcome {
    let b = html.as_bytes();
    let mut i = 0;
    // html5ever drops a leading byte order mark; its tokenizer does that.
    if html.starts_with('\u{feff}') {
        return Outcome::Stopped(0);
    }
    while i < b.len() {
        if sink.gave_up() {
            return Outcome::Done;
        }
        let run = find_special(b.get(i..).unwrap_or_default());
        if run > 0 {
            sink.chars(html.get(i..i + run).unwrap_or(""));
            i += run;
            continue;
        }
        let step = match b.get(i) {
            Some(b'&') => char_ref(html, i).map(|(text, end)| {
                sink.chars(text.as_str());
                end
            }),
            Some(b'<') => markup(html, i, sink),
            _ => None,
        };
        match step {
            Some(end) => i = end,
            None => return Outcome::Stopped(i),
        }
    }
    Outcome::Done
}

/// The length of the start of `b` free of the bytes that end a run of
/// plain text (`<`, `&`, CR, NUL), eight bytes at a time.
fn find_special(b: &[u8]) -> usize {
    const fn rep(x: u8) -> u64 {
        0x0101_0101_0101_0101 * x as u64
    }
    // The high bit of each zero byte of `v` (and possibly of bytes above a
    // zero one, which only the lowest match is read past).
    let zero = |v: u64| v.wrapping_sub(rep(1)) & !v & rep(0x80);
    dom::first_flagged(b, b' ', |x| {
        zero(x ^ rep(b'<')) | zero(x ^ rep(b'&')) | zero(x ^ rep(b'\r')) | zero(x)
    })
}

/// The character reference at byte `at` (an `&`) as text, and where it
/// ends; `None` for any form this tokenizer leaves to html5ever. `&`
/// followed by anything but a letter, digit or `#` is a plain `&`, as the
/// spec says. In text and attribute values alike: they differ only for
/// references without their `;`, which are left to html5ever.
fn char_ref(html: &str, at: usize) -> Option<(RefText, usize)> {
    let b = html.as_bytes();
    let next = b.get(at + 1).copied();
    match next {
        None => Some((RefText::one('&'), at + 1)),
        Some(c) if !c.is_ascii_alphanumeric() && c != b'#' => Some((RefText::one('&'), at + 1)),
        Some(b'#') => {
            let (hex, digits_at) = match b.get(at + 2) {
                Some(b'x' | b'X') => (true, at + 3),
                _ => (false, at + 2),
            };
            let digits = b
                .get(digits_at..)
                .unwrap_or_default()
                .iter()
                .take_while(|c| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                })
                .count();
            // Long runs of digits overflow; html5ever's rules for them,
            // for a missing `;` and for bad values are its own.
            if digits == 0 || digits > 6 || b.get(digits_at + digits) != Some(&b';') {
                return None;
            }
            let text = html.get(digits_at..digits_at + digits)?;
            let n = u32::from_str_radix(text, if hex { 16 } else { 10 }).ok()?;
            let ok = matches!(n, 0x09 | 0x0A | 0x0C | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFDCF | 0xFDF0..=0x10_FFFF)
                && n & 0xFFFE != 0xFFFE;
            let c = char::from_u32(n).filter(|_| ok)?;
            Some((RefText::one(c), digits_at + digits + 1))
        }
        Some(_) => {
            let name = b
                .get(at + 1..)
                .unwrap_or_default()
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            // No entity's name (with its `;`) is longer than 32 bytes.
            let end = at + 1 + name;
            if name > 31 || b.get(end) != Some(&b';') {
                return None;
            }
            // "name;" is a whole entity name: no longer match can follow a
            // `;`, so this is the reference html5ever reads.
            let key = html.get(at + 1..=end)?;
            match html5ever::data::NAMED_ENTITIES.get(key) {
                Some(&(first, second)) if first != 0 => {
                    let mut t = RefText::one(char::from_u32(first)?);
                    if second != 0 {
                        t.push(char::from_u32(second)?);
                    }
                    Some((t, end + 1))
                }
                _ => None,
            }
        }
    }
}

/// The one or two characters a reference stands for, without a heap string.
struct RefText {
    buf: [u8; 8],
    len: usize,
}

impl RefText {
    fn one(c: char) -> Self {
        let mut t = RefText {
            buf: [0; 8],
            len: 0,
        };
        t.push(c);
        t
    }

    fn push(&mut self, c: char) {
        if let Some(room) = self.buf.get_mut(self.len..) {
            self.len += c.encode_utf8(room).len();
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or("")
    }
}

/// Whitespace between attributes (a CR is left to html5ever, which turns
/// it into a newline first).
fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b' ')
}

/// The name of a tag or attribute starting at `at`: up to whitespace, `/`,
/// `>` (and `=` for an attribute), lower-cased as html5ever does. `None`
/// on a byte it treats specially there, or at the end of the input.
fn name(html: &str, at: usize, attr: bool) -> Option<(LocalName, usize)> {
    let b = html.as_bytes();
    let len = b
        .get(at..)?
        .iter()
        .take_while(|&&c| !(is_space(c) || c == b'/' || c == b'>' || (attr && c == b'=')))
        .count();
    let end = at + len;
    let text = html.get(at..end)?;
    let odd = |c: &u8| matches!(c, b'\r' | 0) || (attr && matches!(c, b'"' | b'\'' | b'<'));
    if len == 0 || end >= b.len() || text.as_bytes().iter().any(odd) {
        return None;
    }
    let name = if text.bytes().any(|c| c.is_ascii_uppercase()) {
        LocalName::from(text.to_ascii_lowercase())
    } else {
        LocalName::from(text)
    };
    Some((name, end))
}

/// Skips whitespace from `at`.
fn skip_space(b: &[u8], mut at: usize) -> usize {
    while b.get(at).copied().is_some_and(is_space) {
        at += 1;
    }
    at
}

/// An attribute value from `at` up to `end` (exclusive), references
/// decoded; `None` on anything html5ever treats specially in it.
fn value(html: &str, at: usize, end: usize) -> Option<StrTendril> {
    let raw = html.get(at..end)?;
    if !raw.contains(['&', '\r', '\0']) {
        return Some(StrTendril::from_slice(raw));
    }
    if raw.contains(['\r', '\0']) {
        return None;
    }
    let mut out = StrTendril::new();
    let mut i = at;
    while i < end {
        let next = html.get(i..end)?.find('&').map_or(end, |k| i + k);
        out.push_slice(html.get(i..next)?);
        if next == end {
            break;
        }
        let (text, after) = char_ref(html, next)?;
        // A reference must not run past the value's end.
        if after > end {
            return None;
        }
        out.push_slice(text.as_str());
        i = after;
    }
    Some(out)
}

/// Raw-text elements: the text up to their end tag is theirs, as is.
fn is_raw_text(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("script")
            | local_name!("style")
            | local_name!("iframe")
            | local_name!("noembed")
            | local_name!("noscript")
            | local_name!("xmp")
    )
}

/// The end of a raw-text element named `name` whose text starts at `from`:
/// where its end tag starts and ends. `None` if there is none, or the text
/// holds something html5ever treats specially (CR, NUL, a script's `<!--`).
fn raw_text_end(html: &str, from: usize, name: &LocalName) -> Option<(usize, usize)> {
    let b = html.as_bytes();
    let n = name.len();
    let mut at = from;
    loop {
        let k = at + html.get(at..)?.find("</")?;
        let candidate = b.get(k + 2..k + 2 + n)?;
        let after = b.get(k + 2 + n).copied();
        if candidate.eq_ignore_ascii_case(name.as_bytes())
            && after.is_some_and(|c| is_space(c) || c == b'/' || c == b'>')
        {
            let text = html.get(from..k)?;
            if text.contains(['\r', '\0'])
                || (*name == local_name!("script") && text.contains("<!--"))
            {
                return None;
            }
            let close = skip_space(b, k + 2 + n);
            return (b.get(close) == Some(&b'>')).then_some((k, close + 1));
        }
        at = k + 2;
    }
}

/// The markup at byte `at` (a `<`): a tag, an end tag or a comment, passed
/// on; returns where it ends.
fn markup(html: &str, at: usize, sink: &Nested) -> Option<usize> {
    let b = html.as_bytes();
    match b.get(at + 1)? {
        c if c.is_ascii_alphabetic() => start_tag(html, at, sink),
        b'/' if b.get(at + 2).is_some_and(u8::is_ascii_alphabetic) => {
            let (name, end) = name(html, at + 2, false)?;
            let close = skip_space(b, end);
            if b.get(close) != Some(&b'>') {
                return None;
            }
            sink.token(tag(EndTag, name, false, Vec::new(), false));
            Some(close + 1)
        }
        b'!' if html.get(at + 2..at + 4) == Some("--") => {
            let body = at + 4;
            let len = html.get(body..)?.find("-->")?;
            let text = html.get(body..body + len)?;
            // `<!-->`, `<!--->` and `--!>` end comments early; NUL and CR
            // are rewritten inside them.
            if text.starts_with('>')
                || text.starts_with("->")
                || text.contains("--!")
                || text.contains(['\r', '\0'])
            {
                return None;
            }
            sink.token(Token::CommentToken(StrTendril::new()));
            Some(body + len + 3)
        }
        _ => None,
    }
}

fn tag(
    kind: html5ever::tokenizer::TagKind,
    name: LocalName,
    self_closing: bool,
    attrs: Vec<Attribute>,
    had_duplicate_attributes: bool,
) -> Token {
    Token::TagToken(Tag {
        kind,
        name,
        self_closing,
        attrs,
        had_duplicate_attributes,
    })
}

/// A start tag at `at`, with its attributes; a raw-text element's text and
/// end tag with it.
fn start_tag(html: &str, at: usize, sink: &Nested) -> Option<usize> {
    let b = html.as_bytes();
    let (tag_name, mut i) = name(html, at + 1, false)?;
    // A newline right after these is dropped by the tree builder, depending
    // on the token that follows: html5ever's business.
    if matches!(
        tag_name,
        local_name!("pre") | local_name!("listing") | local_name!("textarea")
    ) {
        return None;
    }
    let mut attrs: Vec<Attribute> = Vec::new();
    let mut self_closing = false;
    let mut duplicate = false;
    loop {
        i = skip_space(b, i);
        match b.get(i)? {
            b'>' => {
                i += 1;
                break;
            }
            b'/' => {
                if b.get(i + 1) != Some(&b'>') {
                    return None;
                }
                self_closing = true;
                i += 2;
                break;
            }
            b'=' => return None,
            _ => {}
        }
        let (attr_name, end) = name(html, i, true)?;
        i = skip_space(b, end);
        let val = if b.get(i) == Some(&b'=') {
            i = skip_space(b, i + 1);
            match b.get(i)? {
                q @ (b'"' | b'\'') => {
                    let close = i + 1 + html.get(i + 1..)?.find(char::from(*q))?;
                    let v = value(html, i + 1, close)?;
                    i = close + 1;
                    // Another attribute straight after the quote is a parse
                    // error html5ever recovers from its own way.
                    if !b
                        .get(i)
                        .is_some_and(|&c| is_space(c) || c == b'/' || c == b'>')
                    {
                        return None;
                    }
                    v
                }
                b'>' => return None,
                _ => {
                    let len = b
                        .get(i..)?
                        .iter()
                        .take_while(|&&c| !(is_space(c) || c == b'>'))
                        .count();
                    let raw = b.get(i..i + len)?;
                    if raw
                        .iter()
                        .any(|c| matches!(c, b'"' | b'\'' | b'<' | b'=' | b'`'))
                    {
                        return None;
                    }
                    let v = value(html, i, i + len)?;
                    i += len;
                    v
                }
            }
        } else {
            StrTendril::new()
        };
        // A repeated attribute is dropped; the first one stands.
        if attrs.iter().any(|a| a.name.local == attr_name) {
            duplicate = true;
        } else {
            attrs.push(Attribute {
                name: QualName::new(None, ns!(), attr_name),
                value: val,
            });
        }
    }
    if is_raw_text(&tag_name) {
        let (text_end, close) = raw_text_end(html, i, &tag_name)?;
        let name = tag_name.clone();
        if sink.token(tag(StartTag, tag_name, self_closing, attrs, duplicate)) {
            sink.chars(html.get(i..text_end)?);
            sink.token(tag(EndTag, name, false, Vec::new(), false));
        }
        return Some(close);
    }
    sink.token(tag(StartTag, tag_name, self_closing, attrs, duplicate));
    Some(i)
}

impl Nested {
    /// Passes one token on; `true` if it opened raw text.
    fn token(&self, token: Token) -> bool {
        matches!(self.process_token(token, 0), TokenSinkResult::RawData(_))
    }
}
