//! Facts: the numbers and names a text states, each with the two words
//! before it, so that two texts saying different things in the same place
//! ("prices fall 11 cents" against "prices fall 3 cents") can be told
//! apart; and whether a fact lies in the text's closing note (its short
//! last paragraph), where a syndicated copy states what is its own. Pure:
//! text in, sorted hashes out.

/// A fact of a text, packed in a `u64`: the hash of the two words before
/// it (its context) in the high 32 bits; below them the hash of the fact
/// itself, whose low [`CLOSING_BITS`] bits are replaced by the length in
/// words of the text's closing note ([`closing_note`]) when the fact lies
/// in it, 0 elsewhere. Facts are numbers (any token with a digit: "11",
/// "$2.76", "4:12", "24-17") and names (capitalised words that do not start
/// a sentence: "in Pennsylvania", "the Hawks").
pub type Fact = u64;

/// Low bits of a [`Fact`] that hold its closing note's length in words.
/// 27 bits of the fact's own hash are left: two different facts in one
/// context collide once in 2^27 comparisons.
pub const CLOSING_BITS: u32 = 5;
const CLOSING_MASK: u64 = (1 << CLOSING_BITS) - 1;

/// A last paragraph of at most this many words is a closing note: the
/// longest passage of its own a copy may carry
/// ([`super::MAX_OWN_PASSAGE`]) is the most a site's own line adds ("Site
/// 12, item 3: a note of its own about harbour number 12003.", "Contact
/// the Springfield Herald newsroom at 555-0134."). Fits [`CLOSING_BITS`].
pub const MAX_CLOSING_WORDS: usize = super::MAX_OWN_PASSAGE;
const _: () = assert!(MAX_CLOSING_WORDS as u64 <= CLOSING_MASK);

/// The text's closing note: its last paragraph (after its last blank
/// line), when it has at most [`MAX_CLOSING_WORDS`] words and a paragraph
/// with words comes before it. Its byte offset and its length in words
/// (as [`super::Analysis`] counts them).
pub fn closing_note(text: &str) -> Option<(usize, usize)> {
    let text = text.trim_end();
    let at = text.rfind("\n\n")? + 2;
    let mut words = 0;
    super::for_each_word(&text[at..], |_| words += 1);
    // A word before it: any letter or digit, found at once (counting the
    // words before would walk the whole text again).
    let words_before = text[..at].chars().any(char::is_alphanumeric);
    ((1..=MAX_CLOSING_WORDS).contains(&words) && words_before).then_some((at, words))
}

/// The facts of a text, sorted and distinct. Tokens are split on white
/// space and trimmed of punctuation; each token's context is the two tokens
/// before it, lower-cased. Facts in the closing note ([`closing_note`])
/// carry its length.
pub fn facts_of(text: &str) -> Vec<Fact> {
    let mut facts = Vec::new();
    let mut context = [0u64; 2];
    let mut sentence_start = true;
    let (closing_at, closing_words) = closing_note(text).unwrap_or((usize::MAX, 0));
    for raw in text.split_whitespace() {
        let token = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if token.is_empty() {
            sentence_start |= ends_sentence(raw);
            continue;
        }
        let word = token_hash(token);
        let is_number = token.bytes().any(|b| b.is_ascii_digit());
        // A capital that starts a sentence says nothing: "The", "Officials".
        let is_name = !sentence_start && token.chars().next().is_some_and(char::is_uppercase);
        if is_number || is_name {
            let at = mix(context[0], context[1]) as u32;
            // `raw` is a slice of `text`: its distance from the start is its offset.
            let offset = raw.as_ptr() as usize - text.as_ptr() as usize;
            let closing = if offset >= closing_at {
                closing_words
            } else {
                0
            };
            facts.push(
                u64::from(at) << 32 | (u64::from(word as u32) & !CLOSING_MASK) | closing as u64,
            );
        }
        context = [context[1], word];
        sentence_start = ends_sentence(raw);
    }
    facts.sort_unstable();
    facts.dedup();
    facts
}

/// The length in words of the closing note the facts were stated with, as
/// its facts record it: 0 when no fact lies in one.
pub fn closing_words(facts: &[Fact]) -> usize {
    facts
        .iter()
        .map(|f| (f & CLOSING_MASK) as usize)
        .max()
        .unwrap_or(0)
}

/// Whether the fact lies in its text's closing note.
pub fn in_closing(fact: Fact) -> bool {
    fact & CLOSING_MASK != 0
}

/// FNV-1a of a token's lower-cased UTF-8 bytes: explicit arithmetic, so the
/// same on every machine and build, and cheap enough to run on every token
/// (SipHash per token made analysing a text a third slower).
fn token_hash(token: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    };
    for ch in token.chars() {
        if ch.is_ascii() {
            eat(ch.to_ascii_lowercase() as u8);
        } else {
            for lower in ch.to_lowercase() {
                let mut buf = [0u8; 4];
                lower.encode_utf8(&mut buf).bytes().for_each(&mut eat);
            }
        }
    }
    h
}

/// Combines two token hashes into a context hash (order matters).
fn mix(a: u64, b: u64) -> u64 {
    (a.rotate_left(29) ^ b).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (a >> 17)
}

fn ends_sentence(raw: &str) -> bool {
    raw.trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')'])
        .ends_with(['.', '!', '?', ':'])
}

/// Contexts where both texts state a fact and no fact of one is a fact of
/// the other: "fall \[11\] cents" against "fall \[3\] cents". Copies state the
/// same facts in the same places; a text that only adds or lacks passages
/// has facts in contexts the other lacks, which do not count.
pub fn conflicts(a: &[Fact], b: &[Fact]) -> usize {
    let found = conflicts_by_place(a, b);
    found.body + found.closing
}

/// [`conflicts`] by where they lie.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Conflicts {
    /// Conflicts with a fact outside a closing note on either side.
    pub body: usize,
    /// Conflicts whose facts all lie in the closing notes of both texts.
    pub closing: usize,
}

/// [`conflicts`], each counted where it lies: wholly in both texts'
/// closing notes, or elsewhere.
pub fn conflicts_by_place(a: &[Fact], b: &[Fact]) -> Conflicts {
    let (mut i, mut j) = (0, 0);
    let mut found = Conflicts::default();
    while i < a.len() && j < b.len() {
        let (ca, cb) = (a[i] >> 32, b[j] >> 32);
        if ca < cb {
            i += 1;
        } else if cb < ca {
            j += 1;
        } else {
            let (ea, eb) = (run_end(a, i), run_end(b, j));
            let (ra, rb) = (&a[i..ea], &b[j..eb]);
            if !shares_value(ra, rb) {
                if ra.iter().chain(rb).all(|&f| in_closing(f)) {
                    found.closing += 1;
                } else {
                    found.body += 1;
                }
            }
            i = ea;
            j = eb;
        }
    }
    found
}

/// End of the run of facts sharing `facts[start]`'s context.
fn run_end(facts: &[Fact], start: usize) -> usize {
    let context = facts[start] >> 32;
    start
        + facts[start..]
            .iter()
            .take_while(|f| *f >> 32 == context)
            .count()
}

/// Whether two runs of one context (sorted) share a fact, wherever it
/// lies: the closing bits do not count. Masking them keeps each run
/// sorted, as they are the lowest.
fn shares_value(a: &[Fact], b: &[Fact]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match (a[i] & !CLOSING_MASK).cmp(&(b[j] & !CLOSING_MASK)) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}
