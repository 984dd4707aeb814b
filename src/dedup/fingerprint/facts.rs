//! Facts: the numbers and names a text states, each with the two words
//! before it, so that two texts saying different things in the same place
//! ("prices fall 11 cents" against "prices fall 3 cents") can be told
//! apart. Pure: text in, sorted hashes out.

/// A fact of a text, packed in a `u64`: the hash of the two words before
/// it (its context) in the high 32 bits, the hash of the fact itself in the
/// low 32. Facts are numbers (any token with a digit: "11", "$2.76",
/// "4:12", "24-17") and names (capitalised words that do not start a
/// sentence: "in Pennsylvania", "the Hawks").
pub type Fact = u64;

/// The facts of a text, sorted and distinct. Tokens are split on white
/// space and trimmed of punctuation; each token's context is the two tokens
/// before it, lower-cased.
pub fn facts_of(text: &str) -> Vec<Fact> {
    let mut facts = Vec::new();
    let mut context = [0u64; 2];
    let mut sentence_start = true;
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
            facts.push(u64::from(at) << 32 | u64::from(word as u32));
        }
        context = [context[1], word];
        sentence_start = ends_sentence(raw);
    }
    facts.sort_unstable();
    facts.dedup();
    facts
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
    let (mut i, mut j, mut conflicts) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (ca, cb) = (a[i] >> 32, b[j] >> 32);
        if ca < cb {
            i += 1;
        } else if cb < ca {
            j += 1;
        } else {
            let (ea, eb) = (run_end(a, i), run_end(b, j));
            if !shares_value(&a[i..ea], &b[j..eb]) {
                conflicts += 1;
            }
            i = ea;
            j = eb;
        }
    }
    conflicts
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

/// Whether two runs of one context (sorted) share a fact.
fn shares_value(a: &[Fact], b: &[Fact]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}
