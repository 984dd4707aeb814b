//! Fingerprints and similarity of an entry's cleaned text: normalisation into
//! words, word 3-shingles, the 64-bit simhash kept in `entries.simhash`, the
//! precise shingle-set measure that verifies a candidate, and the keys that
//! short entries are matched on.
//!
//! Pure functions only: it never touches the database or the index. Its output
//! is stored on disk, so it must never change what it computes without bumping
//! [`FINGERPRINT_VERSION`] (a bump makes the next load re-fingerprint and
//! re-group everything). It hashes explicit bytes with fixed keys and never
//! goes through `std::hash::Hash`, whose byte stream is not promised stable
//! across compiler versions.

use std::hash::Hasher;

use siphasher::sip::SipHasher13;

mod facts;
pub use facts::{
    Conflicts, Fact, MAX_CLOSING_WORDS, closing_note, conflicts, conflicts_by_place, facts_of,
};

/// Version of the fingerprint and shingle format stored in `entries.simhash`,
/// `entry_anchors` and `entry_shingles`. Bump it whenever anything in this
/// module changes the value of [`fingerprint`], [`Analysis::anchors`] or
/// [`Shingles`] for some text.
/// 2: anchors added (the simhash itself is unchanged since 1). Stored
/// shingles came later without a bump: entries without them are verified
/// from their text.
/// 3: facts (numbers and names in their context) stored with the shingles,
/// and stories as connected components of the match relation: a new
/// version regroups every story.
/// 4: the first anchor is the smallest of the first 16 shingles (was 48),
/// so that a one-paragraph excerpt holds it; excerpts and headlines count
/// in the verdict. Regroups every story.
/// 5: a fact records whether it lies in the text's closing note (its short
/// last paragraph), and conflicts that lie only there are weighed apart
/// ([`verdict`]). Re-stores every entry's facts and regroups every story.
pub const FINGERPRINT_VERSION: u32 = 5;

/// Fixed SipHash keys: the fingerprint must be the same on every machine and
/// in every build, so the keys are constants and not secrets.
const KEY0: u64 = 0x6665_6564_7369_6576; // "feedsiev"
const KEY1: u64 = 0x6465_6475_7073_6831; // "dedupsh1"

/// Words per shingle. Three keeps word order (two articles about one event
/// share vocabulary, not three-word runs) while one changed word only spoils
/// three shingles.
const SHINGLE_WORDS: usize = 3;

/// Verification thresholds, tuned on the labelled corpus (`cargo bench --bench
/// dedup`). Containment (shared shingles over the smaller set) tolerates a cut
/// ending, an added lead and boilerplate leftovers; the Jaccard floor stops a
/// short text that is wholly quoted inside a much longer one (a follow-up)
/// from counting as a copy of it.
pub const MIN_CONTAINMENT: f64 = 0.6;
pub const MIN_JACCARD: f64 = 0.3;

/// Below this Jaccard similarity, two texts that pass the floors above are
/// copies only if at most one of them has a passage of its own longer than
/// [`MAX_OWN_PASSAGE`] shingles. A copy cuts the ending or adds a lead, a
/// dateline, a boilerplate line: one side's extra text is short. A splice,
/// digest or follow-up that reproduces most of an article also carries long
/// passages the article lacks, while the article keeps a part that was left
/// out: both sides have long passages of their own. Above this similarity
/// the texts are too alike for that to matter. On the labelled corpus no
/// hard negative reaches J 0.54, and no copy pair has both sides' longest own
/// passage over 24 shingles, while 35 of the 38 splices that pass the floors
/// have.
pub const CLEAR_JACCARD: f64 = 0.6;
pub const MAX_OWN_PASSAGE: usize = 24;

/// An excerpt (an aggregator's first paragraphs of an article, with a
/// "Read the full story at …" line) is far shorter than its article, so
/// the Jaccard floor rejects it. It is a copy if it shares at least this
/// many shingles with the article, this share of its own shingles, has no
/// passage of its own longer than [`MAX_OWN_PASSAGE`], and what it shares
/// lies at the article's start ([`starts_with`]): the excerpt is where the
/// article starts. A text that quotes a passage from the middle of another (a
/// press statement) has passages of its own around it, and is not one.
pub const MIN_EXCERPT_SHARED: usize = 15;
pub const MIN_EXCERPT_CONTAINMENT: f64 = 0.55;
/// An excerpt is a small part of its article: under this Jaccard
/// similarity. A text wholly at the start of a longer one and a larger
/// part of it is a complete article with another appended (a digest or
/// splice), unless the two are so alike (over [`CLEAR_JACCARD`]) that one
/// is the other with its end cut.
pub const MAX_EXCERPT_JACCARD: f64 = 0.36;

/// Shared shingles that outweigh one conflicting fact ([`conflicts`]): two
/// texts sharing this many shingles per fact stated differently may still
/// be one story (a developing story whose rewritten first sentence updates
/// a number); sharing fewer, they are items of one template that state
/// different facts (one state's lottery draw and another's).
pub const SHINGLES_PER_CONFLICT: usize = 40;

/// Anchors computed and stored per entry: more than the index uses, so it
/// can skip anchors that turned out to be common phrases and still index
/// enough of the rest.
pub const ANCHOR_POOL: usize = 24;

/// Titles with fewer words are too generic ("Weather", "Daily briefing") to
/// join short entries on.
const MIN_TITLE_WORDS: usize = 4;

/// What verifying two texts as copies needs: the low [`SHINGLE_BITS`] bits
/// of their shingle hashes, in text order and as a sorted set. It is stored
/// per entry (`entry_shingles`, [`Shingles::encode`]), so a story's
/// canonical entry is verified against without reading its text (which
/// lies behind the row's other two bodies, ~20 KB of overflow pages) or
/// analysing it again: the two were a sixth of all ingest CPU.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shingles {
    /// Number of normalised words.
    pub words: usize,
    /// Shingle values in text order, repeats included.
    pub order: Vec<u32>,
    /// Distinct shingle values, sorted ascending.
    pub set: Vec<u32>,
    /// The text's facts ([`facts_of`]), sorted and distinct.
    pub facts: Vec<Fact>,
}

/// Bits kept of each shingle hash in [`Shingles`]. Two unrelated texts of
/// 1,000 shingles each share 1,000² / 2²⁴ = 0.06 values by chance, which
/// moves their overlap by 0.006%, far below any threshold; three bytes a
/// shingle instead of four kept the stored rows at half a page (a 10%
/// smaller database at 1,000 feeds × 50 entries).
pub const SHINGLE_BITS: u32 = 24;
const SHINGLE_MASK: u32 = (1 << SHINGLE_BITS) - 1;
const SHINGLE_BYTES: usize = (SHINGLE_BITS / 8) as usize;

impl Shingles {
    fn from_order(words: usize, order: Vec<u32>) -> Self {
        let set = sorted_distinct(&order);
        Shingles {
            words,
            order,
            set,
            facts: Vec::new(),
        }
    }

    /// These shingles with the facts stored beside them
    /// ([`Shingles::encode_facts`]); a trailing partial value is ignored.
    pub fn with_facts(mut self, bytes: &[u8]) -> Self {
        self.facts = bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect();
        self
    }

    /// The stored form of [`Shingles::facts`]: 8 bytes little-endian each.
    pub fn encode_facts(&self) -> Vec<u8> {
        self.facts.iter().flat_map(|f| f.to_le_bytes()).collect()
    }

    /// The stored form of [`Shingles::order`]: 3 bytes little-endian each.
    pub fn encode(&self) -> Vec<u8> {
        self.order
            .iter()
            .flat_map(|v| v.to_le_bytes().into_iter().take(SHINGLE_BYTES))
            .collect()
    }

    /// These shingles without the text's closing note (as its facts record
    /// it, [`facts::closing_words`]): the shingles wholly before it and the
    /// facts outside it.
    fn without_closing(&self) -> Shingles {
        let before = self.words.saturating_sub(facts::closing_words(&self.facts));
        let wholly_before = before.saturating_sub(SHINGLE_WORDS - 1);
        let order = self.order[..wholly_before.min(self.order.len())].to_vec();
        Shingles {
            facts: self
                .facts
                .iter()
                .copied()
                .filter(|&f| !facts::in_closing(f))
                .collect(),
            ..Shingles::from_order(before, order)
        }
    }

    /// Whether another text's anchor is one of these shingles (to the
    /// [`SHINGLE_BITS`] bits kept).
    pub fn has_anchor(&self, anchor: u32) -> bool {
        self.set.binary_search(&(anchor & SHINGLE_MASK)).is_ok()
    }

    /// Reads [`Shingles::encode`]'s bytes back; a trailing partial value
    /// (a damaged row) is ignored.
    pub fn decode(words: usize, bytes: &[u8]) -> Self {
        let order = bytes
            .chunks_exact(SHINGLE_BYTES)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], 0]))
            .collect();
        Shingles::from_order(words, order)
    }
}

/// Sets smaller than this are sorted by comparison: a radix sort's
/// passes over its 256 counters would cost more than they save.
const RADIX_MIN: usize = 256;

/// `values` sorted ascending, each once. Shingle values have
/// [`SHINGLE_BITS`] bits, so three passes of a byte each sort them, to
/// the same result as `sort_unstable` with fewer steps: every candidate's
/// shingles are sorted as they are read, under the writer. Any wider value
/// falls back to the comparison sort.
fn sorted_distinct(values: &[u32]) -> Vec<u32> {
    let mut set = values.to_vec();
    if set.len() < RADIX_MIN || set.iter().any(|&v| v > SHINGLE_MASK) {
        set.sort_unstable();
    } else {
        let mut scratch = vec![0u32; set.len()];
        for shift in (0..SHINGLE_BITS).step_by(8) {
            // Where the next value of each byte goes: counts, then starts.
            let mut next = [0usize; 256];
            for &v in &set {
                next[((v >> shift) & 0xFF) as usize] += 1;
            }
            let mut start = 0;
            for slot in next.iter_mut() {
                let count = *slot;
                *slot = start;
                start += count;
            }
            for &v in &set {
                let slot = &mut next[((v >> shift) & 0xFF) as usize];
                scratch[*slot] = v;
                *slot += 1;
            }
            std::mem::swap(&mut set, &mut scratch);
        }
    }
    set.dedup();
    set
}

/// What the de-duplicator needs to know about one text: its [`Shingles`],
/// and what finds its candidates (the simhash and the anchors).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    pub shingles: Shingles,
    simhash: u64,
    anchors: Vec<u32>,
}

impl Analysis {
    pub fn of(text: &str) -> Self {
        let mut words = Vec::new();
        for_each_word(text, |w| words.push(hash_bytes(w.as_bytes())));
        let order: Vec<u64> = if words.is_empty() {
            Vec::new()
        } else if words.len() < SHINGLE_WORDS {
            vec![hash_words(&words)]
        } else {
            words.windows(SHINGLE_WORDS).map(hash_words).collect()
        };
        let mut distinct = order.clone();
        distinct.sort_unstable();
        distinct.dedup();
        Analysis {
            simhash: simhash(&distinct),
            anchors: anchors(&order, &distinct),
            shingles: Shingles {
                facts: facts_of(text),
                ..Shingles::from_order(
                    words.len(),
                    order.iter().map(|&h| h as u32 & SHINGLE_MASK).collect(),
                )
            },
        }
    }

    /// Number of normalised words.
    pub fn words(&self) -> usize {
        self.shingles.words
    }

    pub fn fingerprint(&self) -> u64 {
        self.simhash
    }

    /// The text's anchor shingles: a bottom-k sketch, the [`ANCHOR_POOL`]
    /// smallest shingle hashes, cut to their low 32 bits, led by the
    /// smallest of its start (so an excerpt finds its article). Two texts with
    /// Jaccard similarity J share none of the bottom k of their union with
    /// probability about (1 - J)^k, so copies almost always share an anchor
    /// while unrelated texts share one only through a common phrase. The
    /// low bits are kept because the smallest hashes all have zero high bits.
    pub fn anchors(&self) -> &[u32] {
        &self.anchors
    }
}

/// Shingles at a text's start whose smallest hashes lead its anchors.
const LEAD_SHINGLES: usize = 48;
/// Shingles at the very start whose smallest hash is the first anchor: no
/// more than an excerpt of one short paragraph holds (it shares at least
/// [`MIN_EXCERPT_SHARED`] shingles with its article).
const FIRST_SHINGLES: usize = 16;
/// Anchors taken from the start before the rest: the smallest of the first
/// [`FIRST_SHINGLES`], then the smallest other of the first
/// [`LEAD_SHINGLES`].
pub const LEAD_ANCHORS: usize = 2;

/// [`Analysis::anchors`] of shingle hashes in text order and sorted,
/// distinct: the smallest of the first [`FIRST_SHINGLES`], the smallest
/// other of the first [`LEAD_SHINGLES`], then the smallest of all. A text's
/// bottom-k rarely holds a shingle of an excerpt of it (its first
/// paragraphs, a tenth of it), while the smallest hashes of its start are
/// the excerpt's too; the first one even when the excerpt is one short
/// paragraph (from the first 48 shingles only, 2 of the 12 one-paragraph
/// excerpts of `tests/dedup.rs` held neither of their article's lead
/// anchors, and 6 only one).
fn anchors(order: &[u64], sorted: &[u64]) -> Vec<u32> {
    let first = order[..order.len().min(FIRST_SHINGLES)]
        .iter()
        .min()
        .copied();
    let mut lead: Vec<u64> = order[..order.len().min(LEAD_SHINGLES)].to_vec();
    lead.sort_unstable();
    lead.dedup();
    let mut anchors: Vec<u32> = Vec::with_capacity(ANCHOR_POOL);
    let lead = first
        .into_iter()
        .chain(lead.into_iter().filter(|&h| Some(h) != first))
        .take(LEAD_ANCHORS);
    for h in lead.chain(sorted.iter().copied()) {
        if anchors.len() == ANCHOR_POOL {
            break;
        }
        let a = h as u32;
        // Two shingles can share their low bits; an anchor counts once.
        if !anchors.contains(&a) {
            anchors.push(a);
        }
    }
    anchors
}

/// The stable 64-bit simhash of a cleaned text (0 for a text without words).
pub fn fingerprint(text: &str) -> u64 {
    Analysis::of(text).fingerprint()
}

/// Number of bits in which two fingerprints differ.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Charikar's simhash over a set of feature hashes, each weighing one: a
/// shingle repeated in the text (a boilerplate line printed twice) counts once.
pub fn simhash(features: &[u64]) -> u64 {
    if features.is_empty() {
        return 0;
    }
    // A bit is set when more features have it set than not: counting the
    // ones (branch-free, so it vectorises) and comparing with half is the
    // same as summing +1 / -1.
    let mut ones = [0u32; 64];
    for &h in features {
        for (bit, count) in ones.iter_mut().enumerate() {
            *count += ((h >> bit) & 1) as u32;
        }
    }
    let n = features.len() as u64;
    ones.iter()
        .enumerate()
        .filter(|(_, c)| 2 * u64::from(**c) > n)
        .fold(0u64, |acc, (bit, _)| acc | (1 << bit))
}

/// Overlap of two shingle sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    pub shared: usize,
    /// Shared shingles over the smaller set's size.
    pub containment: f64,
    /// Shared shingles over the union's size.
    pub jaccard: f64,
}

impl Similarity {
    /// Whether two texts are copies of one story.
    pub fn is_same_story(&self) -> bool {
        self.containment >= MIN_CONTAINMENT && self.jaccard >= MIN_JACCARD
    }
}

/// Whether two analysed texts are copies of one story; their overlap if so.
/// Symmetric: `same_story(a, b)` and `same_story(b, a)` agree, so stories
/// made of its verdicts do not depend on which text came first.
///
/// What is shared counts for a match; what differs counts against it: a
/// long passage of its own on both sides (a splice, a digest), and facts
/// stated differently in the same place ([`conflicts`]). Containment of a
/// short text in the start of a long one counts for it (an excerpt).
pub fn same_story(a: &Shingles, b: &Shingles) -> Option<Similarity> {
    verdict(a, b, false).ok().map(|m| m.similarity)
}

/// Two texts found to be copies of one story ([`verdict`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub similarity: Similarity,
    /// Only as an excerpt: one text is a small part at the start of the
    /// other, which goes on with a long passage of its own.
    pub excerpt: bool,
}

/// Why [`verdict`] found two texts not to be copies of one story.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rejection {
    /// No shingle in common.
    Disjoint,
    /// Under the containment and Jaccard floors and no excerpt by size.
    BelowFloors(Similarity),
    /// More facts stated differently than the shared text outweighs.
    Facts(Similarity, usize),
    /// Passages of their own on both sides, or shared text away from the
    /// start: a splice, a digest, a quote.
    Shape(Similarity),
    /// One repeats itself, and the two share its refrain but not its order
    /// ([`verdict`]): two texts going round one loop of phrases.
    Order(Similarity),
}

/// [`same_story`] with the reason for a no, and one piece of evidence
/// from outside the texts: whether the two run under one headline
/// ([`headlines_agree`]). Symmetric in `a` and `b`.
///
/// A text wholly at the start of a longer one that goes on with a long
/// passage of its own is either an excerpt or a cut copy of it (the
/// first paragraphs; the first two thirds) or a complete article with
/// another appended after it (a digest, a splice): the shingles cannot
/// tell the two apart, as the cut end of a copy and what a digest appends
/// overlap in length (0.5 to 0.96 and 0.7 to 1.3 times the shared text on
/// the labelled corpus). Without a shared headline such a pair is an
/// excerpt only while the short text is a small part of the long one
/// (under [`MAX_EXCERPT_JACCARD`]); under one headline it is an excerpt
/// at any size, as aggregators and syndicated copies keep the article's
/// headline and a digest has one of its own.
///
/// Sets and passages see a text that repeats itself (`repeats_itself`)
/// as its few distinct shingles: a pair with one is a copy only if the
/// two also run together in order (`runs_together`).
pub fn verdict(a: &Shingles, b: &Shingles, same_headline: bool) -> Result<Match, Rejection> {
    let found = verdict_on_sets(a, b, same_headline)?;
    if (repeats_itself(a) || repeats_itself(b)) && !runs_together(a, b) {
        return Err(Rejection::Order(found.similarity));
    }
    Ok(found)
}

/// A text repeats itself when it has fewer than half as many distinct
/// shingles as shingles: a refrain, a chant, a row or a phrase printed over
/// and over (prose repeats a few percent of its shingles). Its few distinct
/// shingles are all that [`similarity`] and [`own_passages`] see of it, so
/// another text going round the same refrain in another order looks like
/// its copy, or like the article it is the excerpt of.
fn repeats_itself(s: &Shingles) -> bool {
    s.set.len() * 2 < s.order.len()
}

/// Consecutive shingles that two texts must share, in order, for the
/// stretch to count as running together (`runs_together`, in
/// [`verdict`]): twice the longest passage of its own a copy may have,
/// about fifty words.
pub const IN_ORDER_RUN: usize = 2 * MAX_OWN_PASSAGE;

/// Whether two texts run together, in order: half of the shingles of one
/// of them lie in stretches of at least [`IN_ORDER_RUN`] consecutive
/// shingles (half the shorter text, if less: a one-paragraph excerpt and
/// its "Read the full story" line) that the other has too. A copy, a cut
/// copy or an excerpt is the other text's words in the same order,
/// broken only by its own lines and changed words (a labelled copy pair of
/// an article printed four times over shares stretches of 98 to 623); two
/// texts going round one refrain in different orders share every shingle
/// but only short stretches (on the ingest bench's chain text, a loop of
/// 19 shingles with a choice of word every few words: three such texts
/// joined 14 of 74,500 stories; issue 17, item 4).
fn runs_together(a: &Shingles, b: &Shingles) -> bool {
    let (a, b) = (&a.order, &b.order);
    let run = IN_ORDER_RUN.min(a.len().min(b.len()).div_ceil(2)).max(1);
    covered_by_runs(a, b, run) * 2 >= a.len() || covered_by_runs(b, a, run) * 2 >= b.len()
}

/// How many values of `a` lie in a run of `len` consecutive values that
/// `b` has too: the runs of `b` by a rolling hash, those of `a` looked up
/// and compared. O(|a| + |b|) for any `len`.
fn covered_by_runs(a: &[u32], b: &[u32], len: usize) -> usize {
    if a.len() < len || b.len() < len {
        return 0;
    }
    let mut starts: std::collections::HashMap<u64, Vec<usize>> = std::collections::HashMap::new();
    for (at, hash) in run_hashes(b, len) {
        starts.entry(hash).or_default().push(at);
    }
    let (mut covered, mut covered_to) = (0, 0);
    for (at, hash) in run_hashes(a, len) {
        let shared = starts.get(&hash).is_some_and(|found| {
            found
                .iter()
                .any(|&from| b[from..from + len] == a[at..at + len])
        });
        if shared {
            covered += at + len - at.max(covered_to);
            covered_to = at + len;
        }
    }
    covered
}

/// The start and hash of every run of `len` consecutive values of
/// `values`: a polynomial hash modulo 2^64 with an odd base, moved on by one
/// value at a time by taking the oldest value's power out.
fn run_hashes(values: &[u32], len: usize) -> impl Iterator<Item = (usize, u64)> + '_ {
    const BASE: u64 = 0x100_0000_01b3;
    let oldest = (1..len).fold(1u64, |p, _| p.wrapping_mul(BASE));
    values
        .iter()
        .enumerate()
        .scan(0u64, move |hash, (i, &v)| {
            if i >= len {
                *hash = hash.wrapping_sub(u64::from(values[i - len]).wrapping_mul(oldest));
            }
            *hash = hash.wrapping_mul(BASE).wrapping_add(u64::from(v));
            Some((i + 1).checked_sub(len).map(|at| (at, *hash)))
        })
        .flatten()
}

/// [`verdict`] on what the shingle sets, the passages and the facts say,
/// before the order of a text that repeats itself is looked at.
fn verdict_on_sets(a: &Shingles, b: &Shingles, same_headline: bool) -> Result<Match, Rejection> {
    weigh(a, b, same_headline, 0)
}

/// [`verdict_on_sets`], with `notes` facts already found stated
/// differently in closing notes cut off the two texts (0 or 1).
///
/// Facts that differ in both texts' closing notes ([`closing_note`]: each
/// text's short last paragraph, "Site 12, item 3: … harbour number 12003."
/// against "Site 40, item 3: … 40003.") are either notes of each copy's own
/// appended to one story or one template's last fact ("The jackpot is now
/// $N.") differing between two items worded alike elsewhere: the texts
/// cannot tell which. So the notes are cut off, the rest is weighed alone,
/// and the notes count as one fact stated differently, whatever their
/// number: two texts that differ in nothing else must share
/// [`SHINGLES_PER_CONFLICT`] shingles, as when they differ in one fact
/// anywhere. A note stating two numbers no longer outweighs a verbatim
/// copy of a short story; two items of a template that differ in one last
/// fact are weighed as one fact against what the rest shares (the words
/// their closing lines share no longer count for them); facts that differ
/// elsewhere count as before. An excerpt's note is its own line at its
/// edge, where facts may differ (as in its "Read the full story at …"
/// line).
fn weigh(
    a: &Shingles,
    b: &Shingles,
    same_headline: bool,
    notes: usize,
) -> Result<Match, Rejection> {
    let s = similarity(&a.set, &b.set);
    if s.shared == 0 {
        return Err(Rejection::Disjoint);
    }
    let may_excerpt = (s.jaccard < MAX_EXCERPT_JACCARD || same_headline)
        && s.shared >= MIN_EXCERPT_SHARED
        && s.containment >= MIN_EXCERPT_CONTAINMENT;
    // Below the floors and no excerpt: no passage can make it a copy, so
    // the passages are not walked. The facts come next, before the
    // passages, as they cost less: either test failing is a no, whichever
    // runs first.
    if s.jaccard < CLEAR_JACCARD && !s.is_same_story() && !may_excerpt {
        return Err(Rejection::BelowFloors(s));
    }
    let conflicting = conflicts_by_place(&a.facts, &b.facts);
    if conflicting.closing > 0 {
        // Without their notes, the texts have no fact in a note: this
        // recurses once.
        return weigh(&a.without_closing(), &b.without_closing(), same_headline, 1);
    }
    let conflicting = conflicting.body + notes;
    let disagree = conflicting * SHINGLES_PER_CONFLICT > s.shared;
    if disagree && !may_excerpt {
        return Err(Rejection::Facts(s, conflicting));
    }
    if s.jaccard >= CLEAR_JACCARD && !disagree {
        return Ok(Match {
            similarity: s,
            excerpt: false,
        });
    }
    let (own_a, own_b) = (own_passages(a, b), own_passages(b, a));
    if disagree {
        // Facts that differ are evidence against a match only where they
        // can lie in text both share. An excerpt that runs verbatim
        // through the article's start, its own words only at its edges (a
        // "From <Outlet>:" line, "Read the full story at <Outlet>"), states
        // what differs there: "at the [Valley Herald]" against the
        // article's "at the [Ryman]" is no disagreement. Two items of one
        // template differ inside what they share (each fact a gap in it).
        let verbatim = own_a.inner == 0 && own_b.inner == 0;
        let edges = |short: &Shingles, long: &Shingles, own_long: OwnPassages| {
            short.set.len() <= long.set.len()
                && own_long.leading <= MAX_OWN_PASSAGE
                && starts_with(long, short)
        };
        if !(verbatim && (edges(a, b, own_b) || edges(b, a, own_a))) {
            return Err(Rejection::Facts(s, conflicting));
        }
    }
    // A text with a passage of its own after what it shares with
    // another, over half as long as what they share (what a splice
    // appends is 0.71 to 1.6 times it on the labelled corpus, but so is
    // a copy's cut end up to 0.70: a few such copies stay apart; a
    // digest, a splice
    // that carries a whole article and another after it, a quote inside
    // an article), is not a copy of it: a copy cuts a paragraph or two
    // of its original's end, and an excerpt is a small part (below).
    let appends = |own: OwnPassages| own.trailing > MAX_OWN_PASSAGE && own.trailing * 2 > s.shared;
    let copy = s.is_same_story()
        && ((own_a.longest <= MAX_OWN_PASSAGE && !appends(own_b))
            || (own_b.longest <= MAX_OWN_PASSAGE && !appends(own_a))
            // A developing story: paragraphs added and the first
            // sentence rewritten at the top, the rest kept on both sides.
            || own_a.below_top().max(own_b.below_top()) <= MAX_OWN_PASSAGE);
    // With facts that disagree only an excerpt (above) is left.
    if copy && !disagree {
        return Ok(Match {
            similarity: s,
            excerpt: false,
        });
    }
    // Either text may be the excerpt when both are the same size.
    let excerpt =
        |short: &Shingles, own_short: OwnPassages, long: &Shingles, own_long: OwnPassages| {
            own_short.longest <= MAX_OWN_PASSAGE
                && own_long.leading <= MAX_OWN_PASSAGE
                && starts_with(long, short)
        };
    let excerpt = may_excerpt
        && ((a.set.len() <= b.set.len() && excerpt(a, own_a, b, own_b))
            || (b.set.len() <= a.set.len() && excerpt(b, own_b, a, own_a)));
    if excerpt {
        Ok(Match {
            similarity: s,
            excerpt: true,
        })
    } else {
        Err(Rejection::Shape(s))
    }
}

/// Whether two entries run under one headline: the shorter title's words
/// (at least [`MIN_TITLE_WORDS`] of them) appear in order and together in
/// the longer one, both as [`title_key`] normalises them. An aggregator's
/// "\<headline\> - \<Outlet\>", a numbered wire update of the headline and an
/// upper-cased headline agree with the article's; a digest's own title
/// does not.
pub fn headlines_agree(a: Option<&str>, b: Option<&str>) -> bool {
    let (Some(a), Some(b)) = (a.and_then(title_key), b.and_then(title_key)) else {
        return false;
    };
    contains_words(&a, &b) || contains_words(&b, &a)
}

/// Whether `short` (words joined by single spaces) stands in `long` as
/// whole words.
fn contains_words(long: &str, short: &str) -> bool {
    let bytes = long.as_bytes();
    // `at` and `end` bound a match, so both indexes are inside `long`.
    long.match_indices(short).any(|(at, _)| {
        let end = at + short.len();
        (at == 0 || bytes[at - 1] == b' ') && (end == long.len() || bytes[end] == b' ')
    })
}

/// Where one text's passages of its own lie, against another text: the
/// lengths (in shingles) of its run at the start, its run at the end, and
/// the longest run between them, and its longest run anywhere. For where
/// they lie, a shared stretch shorter than [`MIN_SHARED_STRETCH`] shingles
/// (a common phrase met by chance: "said in a statement") does not end a
/// passage; `longest` counts every shared shingle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OwnPassages {
    pub leading: usize,
    pub inner: usize,
    pub trailing: usize,
    pub longest: usize,
}

/// Consecutive shared shingles that mark where two texts run together.
pub const MIN_SHARED_STRETCH: usize = 4;

impl OwnPassages {
    /// The longest passage of its own that is not at the top.
    fn below_top(&self) -> usize {
        self.inner.max(self.trailing)
    }
}

/// Whether `long` starts with what it shares with `short`: of its shared
/// stretches of [`MIN_SHARED_STRETCH`] shingles or more (shorter ones are
/// phrases met by chance), four fifths of the shingles lie in stretches
/// that start within `short`'s length and [`MAX_OWN_PASSAGE`] twice over.
/// The rest may be a sentence the article repeats further down.
pub fn starts_with(long: &Shingles, short: &Shingles) -> bool {
    let limit = short.order.len() + 2 * MAX_OWN_PASSAGE;
    let (mut early, mut all) = (0usize, 0usize);
    let mut stretch = 0usize;
    let mut count = |stretch: usize, end: usize| {
        if stretch >= MIN_SHARED_STRETCH {
            all += stretch;
            if end - stretch < limit {
                early += stretch;
            }
        }
    };
    for (at, h) in long.order.iter().enumerate() {
        if short.set.binary_search(h).is_ok() {
            stretch += 1;
        } else {
            count(stretch, at);
            stretch = 0;
        }
    }
    count(stretch, long.order.len());
    all > 0 && early * 5 >= all * 4
}

/// [`OwnPassages`] of `a` against `b`.
pub fn own_passages(a: &Shingles, b: &Shingles) -> OwnPassages {
    let mut own = OwnPassages::default();
    // Strict runs, for `longest`.
    let mut run = 0;
    // Runs ended only by a stretch of MIN_SHARED_STRETCH shared shingles:
    // `pending` counts the current run, `stretch` the shared ones after it.
    let (mut pending, mut stretch) = (0usize, 0usize);
    let mut anchored = false;
    let close = |own: &mut OwnPassages, pending: usize, anchored: bool| {
        if anchored {
            own.inner = own.inner.max(pending);
        } else {
            own.leading = pending;
        }
    };
    for h in &a.order {
        if b.set.binary_search(h).is_ok() {
            own.longest = own.longest.max(run);
            run = 0;
            stretch += 1;
            if stretch == MIN_SHARED_STRETCH {
                close(&mut own, pending, anchored);
                anchored = true;
                pending = 0;
            }
        } else {
            run += 1;
            if stretch < MIN_SHARED_STRETCH {
                pending += stretch;
            }
            stretch = 0;
            pending += 1;
        }
    }
    own.longest = own.longest.max(run);
    if stretch < MIN_SHARED_STRETCH {
        pending += stretch;
    }
    if anchored {
        own.trailing = pending;
    } else {
        own.leading = pending;
        own.trailing = pending;
    }
    own
}

/// Compares two sorted, de-duplicated shingle sets by merging them.
pub fn similarity(a: &[u32], b: &[u32]) -> Similarity {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let smaller = a.len().min(b.len());
    let union = a.len() + b.len() - shared;
    Similarity {
        shared,
        containment: if smaller == 0 {
            0.0
        } else {
            shared as f64 / smaller as f64
        },
        jaccard: if union == 0 {
            0.0
        } else {
            shared as f64 / union as f64
        },
    }
}

/// Normalised title for exact matching of short entries: lower-cased words
/// joined by single spaces; `None` when too short to be specific.
pub fn title_key(title: &str) -> Option<String> {
    // Joined as they come, in one string: a string per word was a tenth of
    // reading the window (every entry's title, every time it is read).
    let mut key = String::with_capacity(title.len());
    let mut words = 0;
    for_each_word(title, |w| {
        if words > 0 {
            key.push(' ');
        }
        key.push_str(w);
        words += 1;
    });
    (words >= MIN_TITLE_WORDS).then_some(key)
}

/// Normalised link for exact matching of short entries: scheme, `www.`,
/// fragment, trailing slash and `utm_*` tracking parameters do not count.
pub fn url_key(link: &str) -> Option<String> {
    let url = url::Url::parse(link.trim()).ok()?;
    let host = url.host_str()?;
    let host = host
        .strip_prefix("www.")
        .unwrap_or(host)
        .to_ascii_lowercase();
    let path = url.path().trim_end_matches('/');
    let query: Vec<String> = url
        .query_pairs()
        .filter(|(k, _)| !k.starts_with("utm_"))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let mut key = format!("{host}{path}");
    if !query.is_empty() {
        key.push('?');
        key.push_str(&query.join("&"));
    }
    Some(key)
}

/// Calls `f` with each normalised word: maximal runs of letters and digits,
/// lower-cased. Han and kana characters are words on their own, since Chinese
/// and Japanese text has no spaces to split on.
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    for ch in text.chars() {
        if ch.is_ascii() {
            if ch.is_ascii_alphanumeric() {
                word.push(ch.to_ascii_lowercase());
            } else if !word.is_empty() {
                f(&word);
                word.clear();
            }
        } else if is_ideographic(ch) {
            if !word.is_empty() {
                f(&word);
                word.clear();
            }
            word.push(ch);
            f(&word);
            word.clear();
        } else if let Some(lower) = common_letter_lowercase(ch) {
            word.push(lower);
        } else if !is_punctuation(ch) && ch.is_alphanumeric() {
            word.extend(ch.to_lowercase());
        } else if !word.is_empty() {
            f(&word);
            word.clear();
        }
    }
    if !word.is_empty() {
        f(&word);
    }
}

/// The lower case of a letter of Latin-1 (à, É, ß), basic Greek or basic
/// Cyrillic, without the Unicode tables (finding a char's case there was a
/// quarter of analysing European text); `None` for any other char. A test
/// checks every char of these ranges against the standard library.
fn common_letter_lowercase(ch: char) -> Option<char> {
    let c = ch as u32;
    let lower = match c {
        0xC0..=0xD6 | 0xD8..=0xDE => c + 0x20,
        0xDF..=0xF6 | 0xF8..=0xFF => c,
        0x391..=0x3A1 | 0x3A3..=0x3A9 => c + 0x20,
        0x3AC..=0x3CE => c,
        0x410..=0x42F => c + 0x20,
        0x430..=0x44F => c,
        _ => return None,
    };
    char::from_u32(lower)
}

/// No-break space and the General Punctuation block (curly quotes, dashes,
/// ellipsis, zero-width spaces): common in articles, never letters or digits,
/// and answered here without the Unicode tables (a test checks every one).
fn is_punctuation(ch: char) -> bool {
    matches!(ch as u32, 0xA0 | 0x2000..=0x206F)
}

fn is_ideographic(ch: char) -> bool {
    matches!(ch as u32,
        0x3040..=0x30FF     // hiragana, katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // compatibility ideographs
        | 0x20000..=0x2FA1F)
}

/// SipHash-1-3 of `bytes` in one call: the same value as `write` then
/// `finish`, without the streaming hasher's buffering (a word or a shingle
/// is hashed per word of every text analysed).
fn hash_bytes(bytes: &[u8]) -> u64 {
    SipHasher13::new_with_keys(KEY0, KEY1).hash(bytes)
}

/// Hashes a run of word hashes as little-endian bytes (never `write_u64`,
/// whose bytes follow the machine's endianness).
fn hash_words(words: &[u64]) -> u64 {
    if let [a, b, c] = words {
        // A shingle in one call: the same byte stream (so the same hash).
        let mut bytes = [0u8; 24];
        bytes[..8].copy_from_slice(&a.to_le_bytes());
        bytes[8..16].copy_from_slice(&b.to_le_bytes());
        bytes[16..].copy_from_slice(&c.to_le_bytes());
        return hash_bytes(&bytes);
    }
    let mut h = SipHasher13::new_with_keys(KEY0, KEY1);
    for w in words {
        h.write(&w.to_le_bytes());
    }
    h.finish()
}

#[cfg(test)]
mod tests;
