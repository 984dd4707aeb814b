//! Text scanning: word counts, whitespace collapsing and the byte-class
//! scanners (eight bytes at a time, SSE2 where there is) behind them.
//!
//! It must give the same answers as the character-wise definitions (the
//! tests compare them) and never read outside its input.

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
pub(super) const WS: u8 = 1;
pub(super) const ALNUM: u8 = 2;
pub(super) const HIGH: u8 = 4;

pub(super) static CLASS: [u8; 256] = {
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
pub(super) fn char_at(s: &str, i: usize) -> (Option<char>, usize) {
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
pub(super) fn for_each_range(s: &str, mut f: impl FnMut(usize, usize)) {
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
pub(super) fn ascii_masks(x: u64) -> (u64, u64, u64) {
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
pub(super) fn swar_masks(chunk: &[u8]) -> (u64, u64, u64, u64) {
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
pub(super) fn chunk_masks(chunk: &[u8]) -> (u64, u64, u64, u64) {
    swar_masks(chunk)
}

/// `swar_masks` sixteen bytes at a time with SSE2, which every x86-64
/// processor has: the eight-byte range tests and bit gathering were most
/// of word counting, itself the largest single cost of cleaning. Rust lets
/// a `#[target_feature]` function be called only in `unsafe`, even for a
/// feature the target always has: the crate's one `unsafe` block.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(super) fn chunk_masks(chunk: &[u8]) -> (u64, u64, u64, u64) {
    // SAFETY: the only requirement of calling a `#[target_feature]`
    // function is that the processor has the feature, and SSE2 is part of
    // the x86-64 baseline: every processor this code runs on has it (the
    // target enables it for all code already, and this is compiled only
    // when it does).
    unsafe { sse2_masks(chunk) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
pub(super) fn sse2_masks(chunk: &[u8]) -> (u64, u64, u64, u64) {
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
pub(super) struct Scan {
    words: u32,
    plain: bool,
    alnum: bool,
    wide: u32,
    in_word: bool,
}

impl Scan {
    pub(super) fn new() -> Self {
        Scan {
            words: 0,
            plain: true,
            alnum: false,
            wide: 0,
            in_word: false,
        }
    }

    /// The words and plainness, counting a word still open at the end.
    pub(super) fn finish(self) -> (u32, bool) {
        let end = u32::from(self.in_word && self.alnum) * (1 + self.wide / 2);
        (self.words.saturating_add(end), self.plain)
    }

    /// The character at byte `i`; returns where the next one starts.
    #[inline]
    pub(super) fn byte(&mut self, s: &str, i: usize) -> usize {
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
    pub(super) fn ascii_chunk(
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
pub(super) fn push_node_words(t: &str, plain: bool, out: &mut String) -> bool {
    if plain {
        let words = t.trim_matches(' ');
        out.push_str(words);
        !words.is_empty()
    } else {
        push_words(t, out)
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
