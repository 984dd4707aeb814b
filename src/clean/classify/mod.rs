//! Blocks and decisions: splits the sanitised arena into text blocks
//! (paragraphs, list items, lines between `<br>`s) and decides, block by
//! block, what is boilerplate, combining user rules, phrase rules, repeats
//! within the entry, the feed's learned template, related-link runs,
//! short link-heavy blocks at the article's edges, the entry's writers as
//! its feed names them, and what the type sets apart from the article.
//!
//! It must never drop a block without a reason, and never leave an entry
//! empty on soft evidence alone (repeats, template, edge heuristics).
//!
//! Split along its seam: `segment.rs` makes the blocks; this file holds the
//! block type and the decisions.

use std::borrow::Cow;

use siphasher::sip::SipHasher13;

use super::rules::{self, Builtin};
use super::template::FeedTemplate;

mod segment;
pub(crate) use segment::segment;

/// Fixed hash keys: template keys are stored on disk, so they must not change
/// between runs or releases.
const KEY0: u64 = 0x6665_6564_7369_6576;
const KEY1: u64 = 0x636c_6561_6e65_7231;

/// A block with at least this many words, not link-heavy, is article body:
/// the edges of the article lie before the first and after the last one.
const SUBSTANTIAL_WORDS: u32 = 20;

/// The longest block taken for an image's caption by its place alone.
const CAPTION_MAX_WORDS: u32 = 40;
/// Words a caption and credit's box may hold besides them (a hidden
/// "Caption" or "Image" label).
const PAIR_SLACK_WORDS: u32 = 3;
/// Short lines after a bio box that are no part of the article ("Featured
/// Video", a handle, "[protected email address]"): at most this many, of at
/// most [`TRAILING_LABEL_WORDS`] words, without a sentence's end.
const TRAILING_LABELS: usize = 3;
const TRAILING_LABEL_WORDS: u32 = 4;
/// Or set apart from the article (a network's tagline in italics), of at
/// most this many words.
const TRAILING_APART_WORDS: u32 = 60;
/// The most words of a last line that points somewhere (an address, a
/// link), which the lines above it may end the article before.
const ADDRESS_LINE_WORDS: u32 = 20;

/// Labels a caption may open with, before a colon (lower case; "Below,
/// we analyze …" is the article's).
const CAPTION_LABELS: &[&str] = &[
    "pictured",
    "above",
    "below",
    "top",
    "bottom",
    "left",
    "right",
    "inset",
    "from left",
    "left to right",
    "clockwise from top left",
];

/// How many of the entry's last blocks the search for an author box's head
/// looks at: its head, a bio, a contact line and one more.
const BIO_BOX_BLOCKS: usize = 4;
/// The longest head of an author's box ("About the author", "Sobre Ana
/// Maria Ruiz").
const BIO_HEAD_WORDS: u32 = 6;
/// The longest line that is the entry's writer's name alone, the head of
/// the writer's box ("Dr. Ana María Ruiz").
const WRITER_HEAD_WORDS: u32 = 5;
/// The most words of a copyright line that is a picture's credit.
const CREDIT_LINE_WORDS: u32 = 12;
/// The most words of a line saying the views are the writer's own.
const DISCLAIMER_WORDS: u32 = 40;
/// The most blocks under a name alone that make its box.
const NAME_HEAD_BLOCKS: usize = 2;

/// The longest note about a change to the story taken by its type and
/// vocabulary ([`rules::change_note`]), and the longest heading that is
/// such a note's label.
const NOTE_MAX_WORDS: u32 = 40;
const NOTE_HEAD_WORDS: u32 = 2;
/// The longest note told by its words alone at the article's edge, in
/// plain type: "Dieser Artikel wird laufend aktualisiert." is one line.
const NOTE_EDGE_WORDS: u32 = 25;
/// The most words of a note in a script without spaces (see
/// `rules::script_note`) taken as the article's first or last paragraph.
const SCRIPT_NOTE_WORDS: u32 = 60;
/// The longest label that heads the note under it ("Nota de la redacció"),
/// and the longest note it heads.
const NOTE_LABEL_WORDS: u32 = 4;
const NOTE_BODY_WORDS: u32 = 80;

/// The longest headline link taken for an inline link by its shape alone.
const LONE_LINK_MAX_WORDS: u32 = 20;

pub(crate) fn hasher() -> SipHasher13 {
    SipHasher13::new_with_keys(KEY0, KEY1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strength {
    /// A rule about the block itself: it stands even if the entry ends empty.
    Hard,
    /// Evidence from elsewhere (repeats, template, position): withdrawn if
    /// the entry would be left without text.
    Soft,
}

#[derive(Debug)]
pub(crate) struct Block {
    /// The block's nodes: `first` and its following siblings up to `last`.
    pub first: usize,
    pub last: usize,
    /// Byte range of the block's text in [`Blocks::text`] (whitespace
    /// collapsed, trimmed).
    pub text: (usize, usize),
    /// Byte range of its lower-cased text in [`Blocks::lower`]; kept only
    /// for blocks short enough for the phrase rules (see [`lower_of`]).
    pub lower: (usize, usize),
    pub words: u32,
    pub link_words: u32,
    pub tag: &'static str,
    /// Shape key (lower case, digits and URLs masked): what "repeated
    /// within the entry" compares, and how the template tells a block whose
    /// numbers change from one entry to the next.
    pub key: u64,
    /// Template key: the exact text's hash (lower case, URLs masked).
    pub exact: u64,
    pub protected: bool,
    /// Where the block stands next to images ([`AFTER_IMAGE`], ...).
    pub flags: u8,
    pub typeset: Typeset,
    /// The element holding the block's first node (0: the entry itself),
    /// and its words: a caption and its credit share a small one.
    pub container: usize,
    pub container_words: u32,
    /// Where and how the block is set: its tag, its type and the tags of
    /// the elements around it, hashed. A site prints every writer's box in
    /// the same place; the template learns which place ends its entries
    /// with their writers' names (see `template`).
    pub place: u64,
    /// A horizontal rule (`<hr>`) comes right before the block, with no
    /// text between: what follows it is set apart from what came before.
    pub after_rule: bool,
    pub verdict: Option<(String, Strength)>,
}

/// How a block is set in type: what sets a note or a writer's box apart
/// from the article's paragraphs in any language.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Typeset {
    /// All its words are in emphasis (`em`, `i`, `small`, `cite`).
    pub emphasis: bool,
    /// All its words are in bold (`strong`, `b`).
    pub bold: bool,
    /// The words of the bold part it opens with, when more follows
    /// ("<strong>Ana Ruiz</strong> er journalist …"); 0 when none.
    pub lead_bold_words: u8,
}

/// An image comes right before the block (no text between).
pub(crate) const AFTER_IMAGE: u8 = 1;
/// An image comes right after the block.
pub(crate) const BEFORE_IMAGE: u8 = 2;
/// The block's own run holds an image.
pub(crate) const WITH_IMAGE: u8 = 4;
/// Inside a `<figcaption>`.
pub(crate) const IN_FIGCAPTION: u8 = 8;
/// In the image's own small paragraph, after it and a line break
/// (`<p><img><br>Beeld Ana Ruiz / ANP</p>`): what the paragraph says is the
/// image's.
pub(crate) const IMAGE_PARAGRAPH: u8 = 16;
/// More than one image comes right before the block.
pub(crate) const AFTER_IMAGES: u8 = 32;
/// Inside a small container that holds an image (a figure by another
/// name: `<div class="photo"><img><p>…</p></div>`).
pub(crate) const IN_FIGURE: u8 = 64;
/// Right after an image whose alt text it repeats (CMSs fill the alt with
/// the caption), or after such a block: the image's own description.
pub(crate) const ALT_TEXT: u8 = 128;

/// The most blocks under a rule at the entry's end taken for its writer's
/// box (a heading, the bio, a contact line).
const RULED_FOOT_BLOCKS: usize = 3;

/// The most blocks at an entry's end counted under its writers' names (a
/// writer's box and its contact line), and the most looked through for
/// them (past share lines, labels and links).
pub(crate) const WRITER_TAIL_BLOCKS: usize = 2;
pub(crate) const WRITER_TAIL_SCAN: usize = 6;
/// The fewest words of a block counted under the writers' names (a label
/// is the feed-wide template's business).
const WRITER_TAIL_MIN_WORDS: u32 = 4;

impl Block {
    /// Whether the block, among an entry's last, is counted under its
    /// writers' names (see `template`): a few words at least, no longer
    /// than a bio, and not mostly links.
    pub(crate) fn writer_tail(&self) -> bool {
        (WRITER_TAIL_MIN_WORDS..=rules::BIO_MAX_WORDS).contains(&self.words) && !self.link_heavy()
    }

    pub(crate) fn link_heavy(&self) -> bool {
        self.link_words * 2 >= self.words
    }
}

/// An entry's blocks, their texts back to back in two shared buffers (no
/// string of its own per block).
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    pub list: Vec<Block>,
    pub text: String,
    pub lower: String,
    /// While segmenting: images (runs holding one) since the last block.
    images_pending: u8,
    /// While segmenting: text was removed (by its class) since the last
    /// block, such as an image's caption named so.
    removed_since_block: bool,
    /// While segmenting: the last image lost text after it (its caption);
    /// more removed text before the next block is still its own (a credit
    /// after the caption), not the next image's caption.
    image_captioned: bool,
    /// While segmenting: the element holding the last pending image.
    image_parent: usize,
    /// While segmenting: images since the last block, also those whose
    /// caption its class removed.
    images_since_block: u8,
    /// While segmenting: the alt text of the image just before the next
    /// block (empty when none).
    alt: String,
    /// While segmenting: a horizontal rule since the last block.
    rule_pending: bool,
}

impl Blocks {
    /// Text was removed by its class while segmenting. Right after an
    /// image, it was that image's caption, so neither the next block nor the
    /// one above the image is beside it as its caption; before one (or in
    /// its run), it is the next image's.
    fn text_removed(&mut self) {
        if self.images_pending > 0 {
            // One image: its caption was below it (after two, the second's).
            if self.images_pending == 1
                && let Some(above) = self.list.last_mut()
            {
                above.flags &= !BEFORE_IMAGE;
            }
            self.images_pending = 0;
            self.image_captioned = true;
        } else if !self.image_captioned {
            self.removed_since_block = true;
        }
    }
}

fn slice(buf: &str, (start, end): (usize, usize)) -> &str {
    buf.get(start..end).unwrap_or("")
}

impl Blocks {
    pub fn text_of(&self, b: &Block) -> &str {
        slice(&self.text, b.text)
    }

    /// The start of the block's text, as the template stores it.
    pub fn sample(&self, b: &Block) -> &str {
        let text = self.text_of(b);
        // 100 bytes of ASCII are 100 characters: no need to count them.
        let end = match text.as_bytes().get(..100) {
            None => text.len(),
            Some(head) if head.is_ascii() => 100,
            // The 101st character's start, by the bytes that start one
            // (not UTF-8 continuations), without decoding.
            Some(_) => text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| (b as i8) >= -0x40)
                .nth(100)
                .map_or(text.len(), |(i, _)| i),
        };
        text.get(..end).unwrap_or(text)
    }

    /// See [`in_article_place`].
    pub(crate) fn in_article_place(&self, i: usize, writers: &[rules::Writer]) -> bool {
        in_article_place(&self.list, &self.text, &self.lower, i, writers)
    }

    /// Whether the block opens with the name of one of `writers` and says
    /// no more than a bio, reporting nothing (see `rules::writer_bio`).
    pub(crate) fn opens_writer_bio(&self, b: &Block, writers: &[rules::Writer]) -> bool {
        opens_writer_bio(&self.text, &self.lower, b, writers)
    }
}

/// [`Blocks::opens_writer_bio`] on the blocks' shared buffers, for the
/// decisions, which hold the list mutably apart from them.
fn opens_writer_bio(texts: &str, lowers: &str, b: &Block, writers: &[rules::Writer]) -> bool {
    !writers.is_empty()
        && rules::writer_bio(
            slice(texts, b.text),
            &lower_of(texts, lowers, b),
            b.words,
            writers,
        )
        .is_some()
}

/// Whether a substantial paragraph above block `i` stands in its place
/// (see [`Block::place`]) and is no writer's bio: the article's own place,
/// where a paragraph that opens with the writer's name may be news about
/// them. Only a place apart from it holds a site's boxes.
fn in_article_place(
    list: &[Block],
    texts: &str,
    lowers: &str,
    i: usize,
    writers: &[rules::Writer],
) -> bool {
    let Some(b) = list.get(i) else {
        return false;
    };
    list.get(..i).unwrap_or_default().iter().any(|a| {
        a.place == b.place
            && a.words >= SUBSTANTIAL_WORDS
            && !a.link_heavy()
            && !opens_writer_bio(texts, lowers, a, writers)
    })
}

fn lower_of<'a>(text: &'a str, lower: &'a str, b: &Block) -> Cow<'a, str> {
    if b.words <= rules::PHRASE_MAX_WORDS {
        Cow::Borrowed(slice(lower, b.lower))
    } else {
        let mut s = String::new();
        rules::lower_into(slice(text, b.text), &mut s);
        Cow::Owned(s)
    }
}

/// Labels before a link that name where a fact comes from or how to reach
/// something, not another story ("Source: <a>Bureau of Labor
/// Statistics</a>", "Tickets: <a>…</a>"): lower case.
const FACT_LABELS: &[&str] = &[
    "source",
    "sources",
    "data",
    "via",
    "credit",
    "credits",
    "photo",
    "image",
    "tickets",
    "website",
    "web",
    "info",
    "information",
    "phone",
    "email",
    "address",
    "where",
    "when",
    "cost",
    "price",
    "location",
    "map",
    "download",
    "pdf",
    "document",
    "documents",
];

/// The fewest linked words a labelled link needs: a headline, not a site's
/// name.
const LABELLED_LINK_MIN_WORDS: u32 = 4;

/// The words of a short label that opens a line ("Go deeper:", "ICYMI:",
/// "Mehr:"): one to three words without digits before a colon, none of
/// [`FACT_LABELS`].
fn link_label_words(text: &str) -> Option<u32> {
    let colon = text.char_indices().take(40).find(|(_, c)| *c == ':')?.0;
    let label = text.get(..colon)?;
    let label = label.trim_matches(|c: char| !c.is_alphanumeric());
    let words = label.split_whitespace().count();
    let fact = FACT_LABELS.contains(&label.to_lowercase().as_str());
    ((1..=3).contains(&words) && !fact && !label.contains(|c: char| c.is_ascii_digit()))
        .then(|| u32::try_from(words).unwrap_or(u32::MAX))
}

/// Whether a line is an embedded post's attribution, the last line of a
/// quoted tweet ("— Ana Ruiz (@anaruiz) November 4, 2019"): a link at the
/// article's edge, but part of what the article quotes.
fn post_attribution(text: &str) -> bool {
    let year = text
        .rsplit(' ')
        .next()
        .is_some_and(|y| y.len() == 4 && y.bytes().all(|c| c.is_ascii_digit()));
    text.starts_with(['—', '–']) && text.contains("(@") && year
}

/// Where the article's paragraphs stand: the element and the tag that hold
/// the most words of its substantial blocks (a long bio in a box of its
/// own is not where the article is).
#[derive(Clone, Copy, PartialEq, Eq)]
struct ArticlePlace {
    container: usize,
    tag: &'static str,
}

impl ArticlePlace {
    fn of(blocks: &[Block]) -> Option<ArticlePlace> {
        let mut places: Vec<(ArticlePlace, u32)> = Vec::new();
        let substantial = blocks
            .iter()
            .filter(|b| b.verdict.is_none() && b.words >= SUBSTANTIAL_WORDS && !b.link_heavy());
        for b in substantial {
            let place = ArticlePlace {
                container: b.container,
                tag: b.tag,
            };
            match places.iter_mut().find(|(p, _)| *p == place) {
                Some((_, words)) => *words += b.words,
                None => places.push((place, b.words)),
            }
        }
        // Of equals, the first: the same answer for the same input.
        places
            .iter()
            .rev()
            .max_by_key(|(_, words)| *words)
            .map(|(place, _)| *place)
    }
}

/// Whether a block's type sets it apart from the article's paragraphs, as
/// notes and writers' boxes are in any language: in emphasis or bold, in
/// brackets, or (`bold_opening`) opening with a bold part.
fn typeset_apart(b: &Block, text: &str, bold_opening: bool) -> bool {
    let bracketed = (text.starts_with('[') && text.ends_with(']'))
        || (text.starts_with('(') && text.ends_with(')'));
    b.typeset.emphasis
        || b.typeset.bold
        || (bold_opening && b.typeset.lead_bold_words > 0)
        || bracketed
}

/// [`typeset_apart`] without a bold opening, or in another element than
/// the article's paragraphs (an `<aside>`, a box of its own). Real pages
/// wrap their own paragraphs in many elements, so only a note's short,
/// worded block goes by its place (measured on the outside pages: a bio
/// by its place took article text).
fn set_apart(b: &Block, text: &str, article: Option<ArticlePlace>) -> bool {
    typeset_apart(b, text, false)
        || article.is_some_and(|a| a.container != b.container || a.tag != b.tag)
}

/// Whether a block opens with the name of one of the entry's writers.
fn opens_with_writer(b: &Block, texts: &str, writers: &[rules::Writer]) -> bool {
    rules::opens_with_writer(slice(texts, b.text), writers).is_some()
}

/// What the decisions need besides the blocks.
pub(crate) struct Context<'a> {
    pub builtin: &'a Builtin,
    pub keep: &'a dyn Fn(&str) -> bool,
    pub remove: &'a dyn Fn(&str) -> Option<String>,
    pub template: Option<&'a FeedTemplate>,
    /// The entry's writers, as its feed names them (none when it does not).
    pub writers: &'a [rules::Writer],
    /// The names the template learned the writers' boxes under.
    pub writer_keys: &'a [String],
}

/// Whether a block under an image reads as its caption: a phrase without a
/// sentence's end, in the image's own paragraph, or in sentence case and of
/// some length (a subhead is short or title-cased: "NISSAN SENTRA").
fn unfinished_under_image(b: &Block, text: &str) -> bool {
    let phrase = b.words <= 25
        && !text.ends_with([
            '.', '!', '?', '"', '\u{201d}', '\u{2019}', '\'', ')', ':', '…',
        ]);
    let lower_words = text
        .split(' ')
        .filter(|w| w.starts_with(char::is_lowercase))
        .count();
    let sentence_case = b.words >= 5 && lower_words * 3 >= b.words as usize;
    b.flags & (AFTER_IMAGE | WITH_IMAGE) != 0
        && phrase
        && (b.flags & (WITH_IMAGE | IMAGE_PARAGRAPH) != 0 || sentence_case)
}

/// The article's core: from the first to the last substantial block not yet
/// removed (`(1, 0)`, an empty range, when there is none).
fn core(blocks: &[Block]) -> (usize, usize) {
    let substantial =
        |b: &Block| b.verdict.is_none() && b.words >= SUBSTANTIAL_WORDS && !b.link_heavy();
    match (
        blocks.iter().position(substantial),
        blocks.iter().rposition(substantial),
    ) {
        (Some(first), Some(last)) => (first, last),
        _ => (1, 0),
    }
}

/// Short blocks at the edges of the article (outside its core): links,
/// boilerplate words and notes on the story.
fn edge_blocks(blocks: &mut [Block], texts: &str, lowers: &str, cx: &Context<'_>) {
    let (first, last) = core(blocks);
    if first <= last {
        for (i, b) in blocks.iter_mut().enumerate() {
            if b.protected || b.verdict.is_some() {
                continue;
            }
            let lower = slice(lowers, b.lower);
            // A note in a script written without spaces counts a word for
            // about two characters, so a long one is substantial enough to
            // be the article's first or last paragraph: it still goes there,
            // when others remain.
            let core_edge = (i == first || i == last) && first < last;
            if core_edge && b.words <= SCRIPT_NOTE_WORDS && rules::script_note(lower) {
                b.verdict = Some((
                    "update note (a change to the story, at the edge of the article)".into(),
                    Strength::Soft,
                ));
                continue;
            }
            if (first..=last).contains(&i) {
                continue;
            }
            if b.link_heavy() && b.words <= 40 && !post_attribution(slice(texts, b.text)) {
                b.verdict = Some((
                    "link-heavy block at the edge of the article".into(),
                    Strength::Soft,
                ));
            } else if b.words <= 12 && cx.builtin.edge_hint(lower) {
                b.verdict = Some((
                    "short block at the edge of the article with a boilerplate word".into(),
                    Strength::Soft,
                ));
            } else if b.words <= 40 && cx.builtin.edge_note(lower) {
                b.verdict = Some((
                    "update note (about this story, at the edge of the article)".into(),
                    Strength::Soft,
                ));
            } else if b.words <= NOTE_EDGE_WORDS
                && (rules::story_note(lower) || rules::live_closing(lower))
            {
                b.verdict = Some((
                    "update note (a change to the story, at the edge of the article)".into(),
                    Strength::Soft,
                ));
            }
        }
    }
}

/// Decides every block's verdict.
pub(crate) fn decide(all: &mut Blocks, cx: &Context<'_>) {
    let Blocks {
        list: blocks,
        text: texts,
        lower: lowers,
        ..
    } = all;
    let (texts, lowers) = (texts.as_str(), lowers.as_str());
    let mut scratch = String::new();
    let needs = cx.builtin.needs(lowers, blocks.iter().map(|b| b.lower));
    // 1. Rules about the block's own text.
    for (b, needs) in blocks.iter_mut().zip(needs) {
        if (cx.keep)(slice(texts, b.text)) {
            b.protected = true;
            continue;
        }
        if let Some(reason) = (cx.remove)(slice(texts, b.text)) {
            b.verdict = Some((reason, Strength::Hard));
            continue;
        }
        if let Some(v) = cx.builtin.phrase(
            slice(lowers, b.lower),
            b.words,
            b.link_words,
            needs,
            &mut scratch,
        ) {
            b.verdict = Some((v.reason.to_string(), Strength::Hard));
        }
    }

    // 1b. Image captions, by their place: inside a figcaption, or a short
    // paragraph beside an image that reads as one (set in emphasis, without
    // a sentence's end, or next to a photo credit). The first paragraph
    // after a lead image is article text, so place alone is not enough.
    // A credit line, not a link to a gallery ("PHOTOS: <a>…</a>").
    let credit =
        |b: &Block| matches!(&b.verdict, Some((r, _)) if r == "photo credit") && !b.link_heavy();
    let caption =
        |b: &Block| matches!(&b.verdict, Some((r, _)) if r.starts_with(rules::IMAGE_CAPTION));
    for i in 0..blocks.len() {
        let Some((before, rest)) = blocks.split_at_mut_checked(i) else {
            break;
        };
        let Some((b, after)) = rest.split_first_mut() else {
            break;
        };
        // An image has one caption: when the block above it was taken for
        // it, the block under it is not by its place.
        let captioned_above = before.last().is_some_and(|p| {
            p.flags & BEFORE_IMAGE != 0
                && p.flags & (AFTER_IMAGE | WITH_IMAGE | IN_FIGCAPTION) == 0
                && caption(p)
        }) && b.flags & AFTER_IMAGES == 0;
        if captioned_above {
            b.flags &= !AFTER_IMAGE;
        }
        // Nor is the block above an image its caption when the image's own
        // paragraph, figure or figcaption holds text, or a credit or caption
        // comes right under it (an italic standfirst over the lead picture).
        let captioned_below = b.flags & (AFTER_IMAGE | WITH_IMAGE | IN_FIGURE | IN_FIGCAPTION) == 0
            && after.first().is_some_and(|n| {
                let under = n.flags & AFTER_IMAGE != 0 && n.flags & AFTER_IMAGES == 0;
                // A short copyright line right under a picture is its credit
                // ("© picture alliance / dpa | Ana Ruiz").
                let copyright = n.words <= CREDIT_LINE_WORDS
                    && matches!(&n.verdict, Some((r, _)) if r.starts_with("copyright notice"));
                // The line under it reads as its caption with its credit,
                // decided below ("Moradores retiram lama … — Foto: Ana
                // Ruiz/g1"). Without a credit it may be a subhead.
                let reads_as_caption = || {
                    n.verdict.is_none()
                        && !n.protected
                        && unfinished_under_image(n, slice(texts, n.text))
                        && rules::credit_marked(&lower_of(texts, lowers, n))
                };
                // Its caption is the last picture's when pictures stand
                // between (a caption above the first of several).
                (n.flags & (WITH_IMAGE | IN_FIGURE | IN_FIGCAPTION) != 0
                    && n.flags & AFTER_IMAGES == 0)
                    || (under
                        && (credit(n)
                            || caption(n)
                            || copyright
                            || n.flags & IMAGE_PARAGRAPH != 0
                            || reads_as_caption()))
            });
        if captioned_below {
            b.flags &= !BEFORE_IMAGE;
        }
        // A longer figcaption holds the article: a page that sets its lead
        // under the lead picture (measured on the outside pages).
        if b.protected || b.verdict.is_some() || b.words > CAPTION_MAX_WORDS * 2 {
            continue;
        }
        if b.flags & IN_FIGCAPTION != 0 {
            b.verdict = Some(("image caption (figcaption)".into(), Strength::Hard));
            continue;
        }
        if b.flags & ALT_TEXT != 0 && !b.tag.starts_with('h') {
            b.verdict = Some((
                "image caption (repeats the alt text of the image above it)".into(),
                Strength::Soft,
            ));
            continue;
        }
        // A caption and its credit, alone in a box of their own (not the
        // entry, not the article's wrapper): "<div><p>…</p><p>Image: …</p>
        // </div>". Wire copy's "(Graphic: …)" lines after a paragraph stand
        // among the article's paragraphs.
        // A wire caption may be long: the box's holding only the two is
        // what tells it.
        let paired = b.words <= CAPTION_MAX_WORDS * 2
            && b.container != 0
            && after.first().is_some_and(|n| {
                credit(n)
                    && n.container == b.container
                    && b.container_words <= b.words + n.words + PAIR_SLACK_WORDS
            });
        if paired && !b.tag.starts_with('h') && b.tag != "li" {
            b.verdict = Some((
                "image caption (with its credit, in a box of their own)".into(),
                Strength::Soft,
            ));
            continue;
        }
        let beside = b.flags & (AFTER_IMAGE | BEFORE_IMAGE | WITH_IMAGE | IN_FIGURE) != 0;
        if !beside || b.words > CAPTION_MAX_WORDS || b.tag.starts_with('h') || b.tag == "li" {
            continue;
        }
        // Under the image, a phrase without a sentence's end: in the
        // image's own paragraph, or a lower-case phrase of some length (a
        // subhead is short or title-cased: "NISSAN SENTRA", "Story
        // Timeline").
        let text = slice(texts, b.text);
        let under_image = b.flags & (AFTER_IMAGE | WITH_IMAGE) != 0;
        // A caption says what the picture shows; a question or a trailing
        // "…" is the writer's voice ("“Why are we talking about this?”"
        // in italics beside a floated picture).
        let voiced = text
            .trim_end_matches(['"', '\u{201d}', '\u{2019}', '\'', ' '])
            .ends_with(['?', '…']);
        let unfinished = unfinished_under_image(b, text);
        // Image, this block, then a credit: the caption and its credit.
        // A paragraph of some length before a credit line is the article's
        // (wire copy puts "(Graphic: …)" lines after its paragraphs).
        let by_credit = under_image
            && b.words <= 25
            && after
                .first()
                .is_some_and(|n| credit(n) && n.flags & (AFTER_IMAGE | WITH_IMAGE) == 0);
        if under_image
            && cx
                .builtin
                .credit_by_place(text, slice(lowers, b.lower), b.words)
        {
            b.verdict = Some((
                "photo credit (a name beside an image)".into(),
                Strength::Soft,
            ));
            continue;
        }
        // A caption's own label ("Pictured: …", "Above: …").
        let lower = slice(lowers, b.lower);
        let labelled = CAPTION_LABELS
            .iter()
            .any(|l| lower.strip_prefix(l).is_some_and(|r| r.starts_with(':')));
        // The block is no longer than a caption here (checked above).
        let emphasised = b.typeset.emphasis && !voiced;
        if emphasised || b.flags & IN_FIGURE != 0 || unfinished || by_credit || labelled {
            b.verdict = Some((
                "image caption (short paragraph beside an image)".into(),
                Strength::Soft,
            ));
        }
    }

    // 1c. A headline link alone in its paragraph between the article's
    // paragraphs ("[<a>Headline</a>]", "<strong><a>Headline</a></strong>"),
    // or after a short label of its own ("Go deeper: <a>Headline</a>",
    // in any words): a pointer to another story. Not a list item (a list
    // of links may be the article's), not a sentence.
    for b in blocks.iter_mut() {
        if b.protected
            || b.verdict.is_some()
            || matches!(b.tag, "li" | "td" | "th" | "dd" | "dt")
            || b.tag.starts_with('h')
        {
            continue;
        }
        let text = slice(texts, b.text);
        let label = if b.link_words < b.words {
            match link_label_words(text) {
                Some(n)
                    if b.words - b.link_words <= n && b.link_words >= LABELLED_LINK_MIN_WORDS =>
                {
                    n
                }
                _ => continue,
            }
        } else {
            0
        };
        if !(3..=LONE_LINK_MAX_WORDS + label).contains(&b.words)
            || text.ends_with(['.', '!', '?', ':'])
        {
            continue;
        }
        let why = if label == 0 {
            "inline related link (a headline link alone in its paragraph)"
        } else {
            "inline related link (a headline link after a short label)"
        };
        b.verdict = Some((why.into(), Strength::Soft));
    }

    // 2. Repeated verbatim within this entry, where it is also at the
    // article's edge or mostly links, and is links or has a boilerplate word:
    // a signup box printed twice. Other repeats are kept: interviews repeat
    // their questions, recipes their steps, and both are article text
    // (measured on the benchmark's real bodies).
    let (first, last) = core(blocks);
    // Counted in a sorted list: the keys are hashes already, and hashing
    // them again for a map cost more than the sort.
    let mut keys: Vec<u64> = blocks
        .iter()
        .filter(|b| b.words >= 3 && !matches!(b.tag, "td" | "th"))
        .map(|b| b.key)
        .collect();
    keys.sort_unstable();
    // Both ends of the key's run by binary search: counting the run itself
    // made an entry of N copies of one paragraph cost N² (a 20 MB entry of
    // one repeated line took 17 s to clean).
    let seen = |key: u64| {
        let from = keys.partition_point(|&k| k < key);
        let to = keys.partition_point(|&k| k <= key);
        u32::try_from(to.saturating_sub(from)).unwrap_or(u32::MAX)
    };
    for (i, b) in blocks.iter_mut().enumerate() {
        let n = seen(b.key);
        if n < 2 || b.protected || b.verdict.is_some() {
            continue;
        }
        let placed = !(first..=last).contains(&i) || b.link_heavy();
        if placed && (b.link_heavy() || cx.builtin.weak_hint(&lower_of(texts, lowers, b))) {
            b.verdict = Some((
                format!("repeated verbatim in this entry ({n} times)"),
                Strength::Soft,
            ));
        }
    }

    // 3. The feed's learned template.
    if let Some(t) = cx.template {
        for b in blocks
            .iter_mut()
            .filter(|b| !b.protected && b.verdict.is_none())
        {
            if let Some((n, m)) = t.recurring(b.exact) {
                b.verdict = Some((
                    format!("repeats in {n} of {m} entries of this feed"),
                    Strength::Soft,
                ));
            }
        }
    }

    // 4. Link lists under a related-links head.
    // A link's label alone in its paragraph ("<strong>Mehr zum
    // Thema:</strong>") heads the list under it like a heading.
    let mut under_related = false;
    for b in blocks.iter_mut() {
        let label_alone = b.words <= 6 && slice(texts, b.text).ends_with(':');
        match &b.verdict {
            Some((r, _)) if r == "related links" => under_related = true,
            Some((r, _)) if label_alone && r.starts_with("inline related link") => {
                under_related = true;
            }
            Some(_) => {}
            None if b.protected => under_related = false,
            None if under_related && b.link_heavy() && b.words <= 40 => {
                b.verdict = Some((
                    "related links (list under a related heading)".into(),
                    Strength::Soft,
                ));
            }
            None if b.words <= 6
                && cx.builtin.is_related_head(slice(lowers, b.lower))
                && b.tag.starts_with('h') =>
            {
                b.verdict = Some(("related links".into(), Strength::Hard));
                under_related = true;
            }
            None => under_related = false,
        }
    }

    // 4b. A note about a change to the story, anywhere, in any wording:
    // short, set apart from the article's paragraphs (see `set_apart`), and
    // naming a change with its label, a time or a word for the story. A
    // bold opening counts only as the note's own label ("<strong>
    // Rectificatif :</strong> …"), not as a paragraph's lead-in; a heading
    // only as a label of two words at most ("Clarification"), not a
    // section's title.
    let article = ArticlePlace::of(blocks);
    for b in blocks.iter_mut() {
        if b.protected || b.verdict.is_some() || b.words > NOTE_MAX_WORDS {
            continue;
        }
        let text = slice(texts, b.text);
        let lower = slice(lowers, b.lower);
        let section_title = b.tag.starts_with('h')
            && b.words > NOTE_HEAD_WORDS
            && !(b.words <= NOTE_LABEL_WORDS && rules::note_head(lower));
        if section_title {
            continue;
        }
        // The cheap test first: most blocks are the article's own.
        let placed_apart = set_apart(b, text, article);
        // A note stamped with its time needs no type of its own.
        let stamped = || rules::stamped_note(lower);
        if !placed_apart && b.typeset.lead_bold_words == 0 && !stamped() {
            continue;
        }
        if !rules::change_note(lower) {
            continue;
        }
        let bold_label = || {
            let n = usize::from(b.typeset.lead_bold_words);
            let head: String = lower.split(' ').take(n).collect::<Vec<_>>().join(" ");
            rules::change_note(&head)
        };
        let apart = placed_apart || bold_label() || stamped();
        if apart {
            b.verdict = Some((
                "update note (set apart, about a change to the story)".into(),
                Strength::Soft,
            ));
        }
    }
    // An editor's or a correction's label alone ("Editor's note",
    // "Correction:") heads the note under it, whatever that says ("Ana
    // Ruiz's husband is a nurse at the hospital …"), also when the feed's
    // template took the label first (a label the feed prints often).
    for i in 1..blocks.len() {
        let Some((head, rest)) = blocks.get_mut(i - 1..).and_then(|r| r.split_first_mut()) else {
            break;
        };
        let Some(body) = rest.first_mut() else {
            break;
        };
        let labelled = head.words <= NOTE_LABEL_WORDS
            && head.verdict.is_some()
            && rules::note_head(slice(lowers, head.lower));
        if labelled && !body.protected && body.verdict.is_none() && body.words <= NOTE_BODY_WORDS {
            body.verdict = Some((
                "update note (under an editor's or a correction's label)".into(),
                Strength::Soft,
            ));
        }
    }

    // 5. Short blocks at the edges of the article.
    edge_blocks(blocks, texts, lowers, cx);

    // 5b. An author's bio box at the end: a block that reads as a bio's
    // start ("Ana Ruiz joined the Herald in 2014 and covers …"), and after
    // it only more of the bio (its subject's pronoun, contact and follow
    // lines) or what is removed already; or contact lines alone. The same
    // sentence before the end is the article's.
    // From the end back: the blocks after the bio's start all qualify, so
    // the walk stops at the article's last paragraph.
    // A bio box is of one person: another's bio start before it is the
    // article's (its last paragraph may say who someone is; co-authors'
    // boxes then lose all but the last, which errs on keeping).
    // A block set apart by its type that opens with the name of one of the
    // entry's own writers (as its feed names them) starts a bio in any
    // language and wording, and so does a plain one that says what the
    // writer is ("Jan Berg, Jahrgang 1975, ist …", see `writer_is`).
    // Co-writers' boxes are all the entry's. An opinion page's unnamed
    // tagline ("L'auteure est …") starts one when marked or over its
    // disclaimer. Without a byline, a block whose type sets it apart from
    // the article's paragraphs (see `typeset_apart`) that opens with a
    // person's name and says more is a bio in any language ("<em>Ana Ruiz
    // est maîtresse de conférences …</em>"); such lines after a box (a
    // network's tagline) are the box's. Only type counts here: a writer's
    // name opening a plain paragraph may be news about the writer.
    // A block that the feed's template learned ends this writer's entries
    // is their box, whatever its wording (see `template`), when no rule
    // says otherwise: it starts a box like a block that says what the
    // writer is.
    let learned = |b: &Block| {
        let t = cx.template?;
        cx.writer_keys
            .iter()
            .find_map(|w| t.writer_recurring(w, b.exact, b.key, !cx.writers.is_empty()))
    };
    let mut learned_at = Vec::new();
    let mut placed_at = Vec::new();
    let mut all_learned_after = true;
    let mut bio_from = None;
    let mut subject: Option<&str> = None;
    let mut disclaimed_below = false;
    let mut last_kept = true;
    let mut writer_box = false;
    let mut relabel = Vec::new();
    let mut trailing = 0;
    let mut below_address = false;
    for (i, b) in blocks.iter().enumerate().rev() {
        if let Some((reason, _)) = &b.verdict {
            // A portrait beside the box made its text an image's caption.
            let pictured =
                reason.starts_with(rules::IMAGE_CAPTION) && opens_with_writer(b, texts, cx.writers);
            if pictured {
                relabel.push(i);
            }
            continue;
        }
        // Longer blocks are no part of a bio box.
        if b.protected || b.words > rules::BIO_MAX_WORDS {
            break;
        }
        let lower = lower_of(texts, lowers, b);
        let lower = lower.as_ref();
        let text = slice(texts, b.text);
        let apart = typeset_apart(b, text, true);
        let named = || {
            cx.builtin.bio_start(text, lower, b.words).or_else(|| {
                let unreported = !rules::reported(lower);
                apart
                    .then(|| rules::named_lead(text, b.typeset.lead_bold_words))
                    .flatten()
                    .filter(|_| unreported)
            })
        };
        let writer_said = || {
            if apart {
                rules::writer_bio(text, lower, b.words, cx.writers).is_some()
            } else {
                rules::writer_is(text, lower, b.words, cx.writers)
            }
        };
        // An opinion page's unnamed tagline over the line that says the
        // views are the writer's own ("Авторка — журналістка …" over
        // "Колонка відображає думку автора.").
        let below = std::mem::take(&mut disclaimed_below);
        let tagline_over_disclaimer = || below && rules::unnamed_tagline(lower).is_some();
        // The same tagline as the entry's very last block, unmarked: an
        // op-ed's foot ("The author is a professor of …", "Penulis adalah
        // dosen …"). Not what is happening to an author ("The author is
        // expected at the festival").
        let is_last = std::mem::replace(&mut last_kept, false);
        let last_tagline = || {
            is_last && rules::unnamed_tagline(lower).is_some() && !rules::tagline_happening(lower)
        };
        // A byline's entry ending on a bio that never names its writer
        // ("She is a reporter at the Herald …", "I'm a reporter based in …").
        // Without a byline, only in the first person ("I'm a reporter based
        // in …" ends a newsletter whose feed names no one).
        let last_unnamed = || {
            is_last
                && (!cx.writers.is_empty() || rules::first_person(lower))
                && cx.builtin.unnamed_writer_bio(lower, b.words)
        };
        let disclaims = b.words <= DISCLAIMER_WORDS && rules::disclaimer(lower);
        let signed_off = is_last && rules::signed_off(text);
        // Only a run of learned blocks ends the entry: a sentence that
        // ended three of the writer's entries above what ends this one is
        // the article's.
        let learned = learned(b).filter(|_| all_learned_after);
        all_learned_after &= learned.is_some() || !b.writer_tail();
        // Above a last line that points somewhere, only a bio that must be
        // last: anything else ends the walk, as the line would have.
        if std::mem::take(&mut below_address) && !(last_tagline() || last_unnamed()) {
            break;
        }
        // In the place where this feed's entries end with their writers'
        // boxes, a block that opens with this entry's writer's name is
        // theirs, in any wording and type.
        let placed = || {
            let n = cx.template?.place_recurring(b.place)?;
            rules::writer_bio(text, lower, b.words, cx.writers)?;
            (!in_article_place(blocks, texts, lowers, i, cx.writers)).then_some(n)
        };
        if writer_said() {
            writer_box = true;
            bio_from = Some(i);
        } else if let Some(n) = placed() {
            writer_box = true;
            bio_from = Some(i);
            placed_at.push((i, n));
        } else if tagline_over_disclaimer() || last_tagline() || last_unnamed() {
            bio_from = Some(i);
        } else if let Some(name) = named() {
            if subject.is_some_and(|s| s != name) {
                break;
            }
            subject = Some(name);
            bio_from = Some(i);
        } else if disclaims {
            // More of the box, if a tagline comes above it.
            disclaimed_below = true;
        } else if cx.builtin.bio_contact(lower, b.words) || cx.builtin.bio_tagline(text, b.words) {
            // A contact line is the box's, with or without a bio above it
            // ("Contact reporter Ana Ruiz at …" alone ends many stories).
            bio_from = Some(i);
        } else if let Some(n) = learned {
            // Learned, and no rule above says what it is.
            writer_box = true;
            bio_from = Some(i);
            learned_at.push((i, n));
        } else if cx.builtin.bio_more(lower, b.words) {
            // More of the box.
        } else if is_last
            && (signed_off
                || (b.words <= ADDRESS_LINE_WORDS && (b.link_words > 0 || text.contains('@'))))
        {
            // The entry's last line points somewhere ("Write to us at
            // opinion@…", "… sign up here"): the line above it may be a bio
            // that must end the article. One that ends with a way to reach
            // its writer, set after the text, is their sign-off itself, in
            // any language.
            if signed_off {
                bio_from = Some(i);
            }
            last_kept = true;
            below_address = true;
        } else if trailing < TRAILING_LABELS
            && ((subject.is_none()
                && !writer_box
                && b.words <= TRAILING_LABEL_WORDS
                && !text.ends_with(['.', '!', '?']))
                || (apart && b.words <= TRAILING_APART_WORDS))
        {
            // A set-apart line between two boxes (co-writers' boxes and a
            // partnership line) is theirs only if a box comes before it.
            trailing += 1;
        } else {
            break;
        }
    }
    // The box's head, among its last few blocks: "About the author", or a
    // label and a name ("Sobre Ana Ruiz"), or the bio's subject alone (the
    // box's heading). A head takes the box from it to the end when the
    // block after it names the person, so a bio box in any language goes
    // by its head.
    // A head the feed's template learned ("About the author" over every
    // writer's box of a site) is gone already, and still heads the box
    // under it: that box is worded anew for each writer.
    let learned_head = |b: &Block| {
        b.words <= BIO_HEAD_WORDS
            && cx.template.is_some_and(|t| t.recurring(b.exact).is_some())
            && rules::bio_head(slice(texts, b.text), &lower_of(texts, lowers, b)).is_some()
    };
    let mut looked = 0;
    for (i, b) in blocks.iter().enumerate().rev() {
        if b.verdict.is_some() && (b.protected || !learned_head(b)) {
            continue;
        }
        if b.protected || b.words > rules::BIO_MAX_WORDS || looked == BIO_BOX_BLOCKS {
            break;
        }
        looked += 1;
        if b.words > BIO_HEAD_WORDS {
            continue;
        }
        let text = slice(texts, b.text);
        let next = blocks
            .get(i + 1..)
            .and_then(|r| r.iter().find(|n| n.verdict.is_none()));
        // The writer's name alone heads the writer's box, whatever it says.
        let writer_head = b.words <= WRITER_HEAD_WORDS
            && !text.ends_with(['.', '!', '?'])
            && opens_with_writer(b, texts, cx.writers);
        if writer_head && next.is_some() {
            bio_from = Some(bio_from.map_or(i, |f| f.min(i)));
            break;
        }
        // A person's name alone in capitals, in bold or as a heading, over
        // the entry's last one or two short sentences is a signature heading
        // the writer's box, whoever it names (a byline naming a desk or an
        // agency, or none). A name in title case there may head a section
        // about that person ("Maria Stone" over "The mayor thanked her …").
        // Not when the entry has other such headings (a list of people,
        // plants or games, each under its name), nor when the text under it
        // names it again (a section about someone or something names its
        // subject; a box under its writer's name needs not), both measured
        // on the outside pages; nor when a word of it is written in lower
        // case in the entry (a subhead: "LOOKING AHEAD").
        let signature = (b.typeset.bold || b.tag.starts_with('h'))
            && !text.chars().any(char::is_lowercase)
            && rules::name_alone(text);
        let head_like = |h: &Block| {
            h.verdict.is_none()
                && h.words <= BIO_HEAD_WORDS
                && h.tag == b.tag
                && h.typeset.bold == b.typeset.bold
        };
        let headed = signature
            && !blocks.get(..i).is_some_and(|r| r.iter().any(head_like))
            && !rules::written_lower(text, texts)
            && {
                let under = || {
                    blocks
                        .get(i + 1..)
                        .into_iter()
                        .flatten()
                        .filter(|n| n.verdict.is_none())
                };
                (1..=NAME_HEAD_BLOCKS).contains(&under().count())
                    && under().all(|n| {
                        !n.protected
                            && !rules::names_again(text, &lower_of(texts, lowers, n))
                            && !n.tag.starts_with('h')
                            && n.words <= rules::BIO_MAX_WORDS
                            && slice(texts, n.text).ends_with(['.', '!'])
                    })
            };
        if headed {
            bio_from = Some(bio_from.map_or(i, |f| f.min(i)));
            break;
        }
        let Some(name) = rules::bio_head(text, &lower_of(texts, lowers, b))
            .or_else(|| subject.filter(|s| *s == text.trim()))
        else {
            continue;
        };
        if next.is_some_and(|n| slice(texts, n.text).contains(name)) {
            bio_from = Some(bio_from.map_or(i, |f| f.min(i)));
        }
        break;
    }
    // A rule (`<hr>`) over the entry's last few short blocks sets them
    // apart as its foot: when one of them names the entry's writer, they
    // are the writer's box, in any language and type. (A subhead there does
    // not: it may head the article's last section, which may well name its
    // writer, "Ana Ruiz, who was covering the march, …".)
    if let Some(r) = blocks.iter().rposition(|b| b.after_rule) {
        let (above, foot) = blocks.split_at(r);
        let open = || foot.iter().filter(|b| b.verdict.is_none());
        let article_above = above
            .iter()
            .any(|b| b.verdict.is_none() && b.words >= SUBSTANTIAL_WORDS);
        if article_above
            && (1..=RULED_FOOT_BLOCKS).contains(&open().count())
            && open().all(|b| !b.protected && b.words <= rules::BIO_MAX_WORDS)
            && open().any(|b| rules::names_writer(slice(texts, b.text), cx.writers))
        {
            bio_from = Some(bio_from.map_or(r, |f| f.min(r)));
        }
    }
    let bio = || {
        Some((
            "author bio (at the end of the entry)".into(),
            Strength::Soft,
        ))
    };
    if let Some(from) = bio_from {
        for b in blocks.iter_mut().skip(from) {
            if b.verdict.is_none() {
                b.verdict = bio();
            }
        }
    }
    for i in relabel {
        if let Some(b) = blocks.get_mut(i) {
            b.verdict = bio();
        }
    }
    for (i, n) in learned_at {
        if let Some(b) = blocks.get_mut(i) {
            b.verdict = Some((
                format!("author bio (ends {n} of this writer's entries in this feed)"),
                Strength::Soft,
            ));
        }
    }
    for (i, n) in placed_at {
        if let Some(b) = blocks.get_mut(i) {
            b.verdict = Some((
                format!(
                    "author bio (opens with its writer's name, in the place where {n} of this feed's entries end with their writer's)"
                ),
                Strength::Soft,
            ));
        }
    }

    // 5c. The edges again, the writer's box gone: a note above the box
    // ("※記事初出時、… 訂正いたします" over "About the author") stands at
    // the article's foot.
    if bio_from.is_some() {
        edge_blocks(blocks, texts, lowers, cx);
    }

    // 6. Guard: soft evidence never empties an entry (an entry's only
    // paragraph may well look like its feed's other entries).
    if blocks.iter().all(|b| b.verdict.is_some()) {
        for b in blocks.iter_mut() {
            if matches!(b.verdict, Some((_, Strength::Soft))) {
                b.verdict = None;
            }
        }
    }
}
