//! Text as the phrase rules read it: lower case with typographic quotes
//! folded, the bare letters-and-digits form of labels, and the prefilters
//! ([`Starts`], [`Ends`]) that let most blocks skip a regex call.
//!
//! It must give the same answers as the plain definitions it speeds up (the
//! tests compare them).

use super::*;

/// What every match of a set of start-anchored patterns begins with: up to
/// four bytes of each literal prefix regex-syntax finds in them, as
/// (bytes, mask) of a little-endian word. A block whose start matches none
/// cannot match, and skips the regex call (most blocks: article paragraphs
/// rarely open with "the post", "read more" or "related"), which for a
/// short anchored search is mostly fixed cost.
/// Filed by their first byte (every literal has one), so a text is held
/// against the few that start as it does, not all of them: the phrase
/// rules know labels in several languages, a few hundred starts.
#[derive(Debug)]
pub(super) struct Starts(pub(super) Option<Vec<Vec<(u32, u32)>>>);

impl Starts {
    /// `None` inside when some pattern is not anchored at the start or may
    /// begin with anything: then every text may match.
    pub(super) fn of(patterns: &[String]) -> Self {
        Starts(Self::heads(patterns).map(|heads| {
            let mut by_first = vec![Vec::new(); 256];
            for (bytes, mask) in heads {
                if let Some(bucket) = by_first.get_mut((bytes & 0xFF) as usize) {
                    bucket.push((bytes, mask));
                }
            }
            by_first
        }))
    }

    pub(super) fn heads(patterns: &[String]) -> Option<Vec<(u32, u32)>> {
        use regex_syntax::hir::Look;
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let mut out = Vec::new();
        for p in patterns {
            let hir = regex_syntax::Parser::new().parse(p).ok()?;
            // Anchored as a whole, not in one branch only (`^a|b`).
            if !hir.properties().look_set_prefix().contains(Look::Start) {
                return None;
            }
            // Only the first four bytes are kept, but the extractor gives up
            // (an infinite set) past its default total of 250 literals,
            // which the multilingual label rules exceed.
            let mut seq = Extractor::new()
                .kind(ExtractKind::Prefix)
                .limit_total(4096)
                .extract(&hir);
            seq.keep_first_bytes(4);
            seq.dedup();
            for lit in seq.literals()? {
                let bytes = lit.as_bytes();
                if bytes.is_empty() {
                    return None;
                }
                let (mut word, mut mask) = ([0u8; 4], [0u8; 4]);
                for (i, &b) in bytes.iter().take(4).enumerate() {
                    word[i] = b;
                    mask[i] = 0xFF;
                }
                out.push((u32::from_le_bytes(word), u32::from_le_bytes(mask)));
            }
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// `false` only if `text` cannot match.
    #[inline]
    pub(super) fn may_match(&self, text: &str) -> bool {
        let Some(heads) = &self.0 else {
            return true;
        };
        let mut word = [0u8; 4];
        for (w, &b) in word.iter_mut().zip(text.as_bytes()) {
            *w = b;
        }
        let head = u32::from_le_bytes(word);
        heads
            .get((head & 0xFF) as usize)
            .is_some_and(|starts| starts.iter().any(|&(bytes, mask)| head & mask == bytes))
    }
}

/// How every match of a set of end-anchored patterns ends, as [`Starts`]
/// knows how they begin: up to four bytes of each literal suffix, as
/// (bytes, mask) of a word whose lowest byte is the text's last, filed by
/// that byte. Most texts judged with it are not labels at all, and their
/// last word shows it without the text being rewritten for the patterns.
#[derive(Debug)]
pub(super) struct Ends(pub(super) Option<Vec<Vec<(u32, u32)>>>);

impl Ends {
    /// `None` inside when some pattern may end with anything.
    pub(super) fn of(patterns: &[String]) -> Self {
        Ends(Self::tails(patterns))
    }

    pub(super) fn tails(patterns: &[String]) -> Option<Vec<Vec<(u32, u32)>>> {
        use regex_syntax::hir::Look;
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let mut out = vec![Vec::new(); 256];
        for p in patterns {
            let hir = regex_syntax::Parser::new().parse(p).ok()?;
            if !hir.properties().look_set_suffix().contains(Look::End) {
                return None;
            }
            // Room for `\d`, every decimal digit of Unicode, as a class.
            let mut seq = Extractor::new()
                .kind(ExtractKind::Suffix)
                .limit_class(1_000)
                .limit_total(10_000)
                .extract(&hir);
            seq.keep_last_bytes(4);
            seq.dedup();
            for lit in seq.literals()? {
                let bytes = lit.as_bytes();
                // [`bare_tail`] never ends with a space and reads missing
                // bytes as NUL.
                if bytes.last() == Some(&b' ') {
                    continue;
                }
                if bytes.is_empty() || bytes.contains(&0) {
                    return None;
                }
                let (mut word, mut mask) = (0u32, 0u32);
                for (k, &b) in bytes.iter().rev().enumerate() {
                    word |= u32::from(b) << (8 * k);
                    mask |= 0xFF << (8 * k);
                }
                // A short whole match is the whole text: nothing before it.
                if lit.is_exact() && bytes.len() < 4 {
                    mask |= 0xFF << (8 * bytes.len());
                }
                out.get_mut(usize::from(bytes.last().copied().unwrap_or(0)))?
                    .push((word, mask));
            }
        }
        for tails in &mut out {
            tails.sort_unstable();
            tails.dedup();
        }
        Some(out)
    }

    /// `false` only if no match ends in `tail` (from [`bare_tail`]).
    #[inline]
    pub(super) fn may_match(&self, tail: u32) -> bool {
        let Some(by_last) = &self.0 else {
            return true;
        };
        by_last
            .get((tail & 0xFF) as usize)
            .is_some_and(|tails| tails.iter().any(|&(bytes, mask)| tail & mask == bytes))
    }
}

/// A character `bare` keeps: a letter or digit.
#[inline]
pub(super) fn bare_keeps(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        // Two-byte Cyrillic is all letters (as [`bare_into`] reads it).
        ('\u{400}'..='\u{47F}').contains(&c) || dom::is_alphanumeric(c)
    }
}

/// The last four bytes of `bare``(lower)`, the last one lowest and NUL
/// where it is shorter, without writing it: a backward scan that stops as
/// soon as it has them.
pub(super) fn bare_tail(lower: &str) -> u32 {
    let (mut tail, mut n, mut gap) = (0u32, 0usize, false);
    for c in lower.chars().rev() {
        if !bare_keeps(c) {
            gap = true;
            continue;
        }
        // The character and, read backwards, the single space between it
        // and the word after it (none after the last word).
        let mut buf = [b' '; 5];
        let mut len = c.encode_utf8(&mut buf).len();
        if gap && n > 0 {
            len += 1;
        }
        gap = false;
        for &b in buf.get(..len).unwrap_or_default().iter().rev() {
            tail |= u32::from(b) << (8 * n);
            n += 1;
            if n == 4 {
                return tail;
            }
        }
    }
    tail
}

/// Lower case with typographic quotes folded, for phrase patterns, appended
/// to `out`: byte-wise for ASCII text.
pub(crate) fn lower_into(text: &str, out: &mut String) {
    let mut rest = text;
    while !rest.is_empty() {
        // A run of ASCII is copied and lower-cased whole; feeds' text is
        // mostly ASCII between a few curly quotes and dashes.
        let ascii = dom::ascii_prefix(rest.as_bytes());
        let (run, tail) = rest.split_at(ascii);
        let start = out.len();
        out.push_str(run);
        if let Some(new) = out.get_mut(start..) {
            new.make_ascii_lowercase();
        }
        let end = lower_mixed(tail, out);
        rest = tail.get(end..).unwrap_or("");
    }
}

/// [`lower_into`] from a non-ASCII character up to the next long ASCII
/// stretch; returns where it stopped. What lower-casing leaves as it is
/// (lower-case Cyrillic, spaces, punctuation) is copied a stretch at a
/// time: Cyrillic text is mostly lower case, and a push per character was
/// most of its cleaning time. Such stretches are found eight bytes at a
/// time ([`kept_bytes`]), the rest character by character.
pub(super) fn lower_mixed(text: &str, out: &mut String) -> usize {
    let b = text.as_bytes();
    let (mut i, mut from) = (0, 0);
    loop {
        // Eight bytes at a time while none needs more than copying.
        if let Some(nine) = b.get(i..).and_then(<[u8]>::first_chunk::<9>) {
            let (mut word, mut next) = ([0u8; 8], [0u8; 8]);
            word.copy_from_slice(nine.get(..8).unwrap_or(&[0; 8]));
            next.copy_from_slice(nine.get(1..).unwrap_or(&[0; 8]));
            let x = u64::from_le_bytes(word);
            if x & rep(0x80) == 0 {
                // Eight ASCII bytes: back to the run-wise path.
                break;
            }
            let kept = kept_bytes(x, u64::from_le_bytes(next));
            i += kept;
            if kept == 8 {
                continue;
            }
        }
        let Some(&c) = b.get(i) else { break };
        if !c.is_ascii() {
            // U+0430-045F, lower-case Cyrillic, which [`push_lower`] keeps,
            // by one comparison (a branch on the lead byte was a
            // misprediction every few letters).
            let pair = u16::from_be_bytes([c, b.get(i + 1).copied().unwrap_or(0)]);
            if (0xD0B0..=0xD19F).contains(&pair) {
                i += 2;
                continue;
            }
        } else if dom::ascii_prefix(b.get(i..).unwrap_or_default()) >= 8 {
            break;
        } else if !c.is_ascii_uppercase() {
            i += 1;
            continue;
        }
        out.push_str(text.get(from..i).unwrap_or(""));
        // Always a character boundary: `i` moves by whole characters.
        let Some(ch) = text.get(i..).and_then(|t| t.chars().next()) else {
            return b.len();
        };
        push_lower(ch, out);
        i += ch.len_utf8();
        from = i;
    }
    out.push_str(text.get(from..i).unwrap_or(""));
    i
}

/// `x` in every byte of a word.
pub(super) const fn rep(x: u8) -> u64 {
    0x0101_0101_0101_0101 * x as u64
}

/// How many of the eight bytes of `x` (the first lowest; `next` is the
/// same text one byte on) lower-casing keeps, counted from the first: ASCII
/// other than capitals, lower-case two-byte Cyrillic (U+0430-045F, as
/// [`lower_mixed`] keeps it) and the continuation bytes after them. Every
/// test is exact per byte (no carry or borrow crosses bytes), so a byte
/// counted is one the character-wise rule copies as it is.
#[inline]
pub(super) fn kept_bytes(x: u64, next: u64) -> usize {
    let high = rep(0x80);
    // The high bit of each byte equal to zero, exactly.
    let is_zero = |v: u64| !(((v & rep(0x7F)) + rep(0x7F)) | v) & high;
    let low7 = x & rep(0x7F);
    let capital = (low7 + rep(0x80 - b'A')) & !(low7 + rep(0x80 - b'Z' - 1)) & !x & high;
    let lead = x & (x << 1) & high;
    // The continuation byte after a lead: 0xB0-0xBF after 0xD0 (U+0430-
    // 043F), 0x80-0x9F after 0xD1 (U+0440-045F).
    let lower_d0 = is_zero(x ^ rep(0xD0)) & is_zero((next & rep(0x30)) ^ rep(0x30));
    let lower_d1 = is_zero(x ^ rep(0xD1)) & is_zero(next & rep(0x20));
    // A lead in the last byte stops too: its character is not all here.
    let stop = capital | (lead & !(lower_d0 | lower_d1)) | (lead & (high << 56));
    (stop.trailing_zeros() / 8) as usize
}

/// One character of [`lower_into`]'s output.
#[inline]
pub(super) fn push_lower(c: char, out: &mut String) {
    match c {
        _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        '\u{2018}' | '\u{2019}' | '\u{02bc}' => out.push('\''),
        '\u{201c}' | '\u{201d}' => out.push('"'),
        // Dashes, quotes, ellipses: no case, and no table lookup.
        _ if dom::PUNCTUATION.contains(&c) => out.push(c),
        _ => match dom::common_letter_lower(c) {
            Some(lower) => out.push(lower),
            None => out.extend(c.to_lowercase()),
        },
    }
}

/// Only letters and digits, single-spaced: for whole-block labels, where
/// decoration ("— ADVERTISEMENT —", "Share:") must not matter.
#[cfg(test)]
pub(super) fn bare(lower: &str) -> String {
    let mut out = String::new();
    bare_into(lower, &mut out);
    out
}

/// `bare`, appended to `out`.
pub(super) fn bare_into(lower: &str, out: &mut String) {
    let bytes = lower.as_bytes();
    let from = out.len();
    let mut space = false;
    let mut i = 0;
    while i < bytes.len() {
        // A run of ASCII letters and digits and two-byte Cyrillic (all
        // letters) is copied whole; any other character is decoded and
        // judged on its own.
        let start = i;
        loop {
            match bytes.get(i) {
                Some(c) if c.is_ascii_alphanumeric() => i += 1,
                Some(0xD0 | 0xD1) if bytes.get(i + 1).is_some_and(|&n| n & 0xC0 == 0x80) => {
                    i += 2;
                }
                _ => break,
            }
        }
        let (alnum, end) = if i > start {
            (true, i)
        } else if bytes.get(i).is_some_and(u8::is_ascii) {
            (false, i + 1)
        } else {
            match lower.get(i..).and_then(|t| t.chars().next()) {
                Some(c) => (dom::is_alphanumeric(c), i + c.len_utf8()),
                None => (false, i + 1),
            }
        };
        if alnum {
            if space && out.len() > from {
                out.push(' ');
            }
            space = false;
            out.push_str(lower.get(start..end).unwrap_or(""));
        } else {
            space = true;
        }
        i = end;
    }
}
