//! Segmentation: splits the sanitised arena into text blocks (paragraphs,
//! list items, lines between `<br>`s) in document order, each with its text,
//! lower case, keys and where it stands next to images; the decisions are in
//! the parent module.

use super::*;
use crate::clean::dom::{self, Arena, Kind};
use crate::clean::rules::{self, Builtin};

/// Splits the arena's kept nodes into text blocks, in document order.
pub(crate) fn segment(arena: &Arena, builtin: &Builtin) -> Blocks {
    // Grown as needed, not reserved at the arena text's size: reserving
    // raised the peak memory of a 20 MB entry from 6.2x to 7.0x its size
    // (examples/clean_mem.rs) for no measurable speed. A small entry's
    // buffers start from the last one's instead of from nothing.
    let mut out = SPARE.with(|s| s.take()).unwrap_or_default();
    let mut scratch = String::new();
    out.images_pending = 0;
    out.removed_since_block = false;
    out.image_captioned = false;
    out.image_parent = 0;
    out.images_since_block = 0;
    out.alt.clear();
    segment_into(arena, 0, 0, builtin, &mut out, &mut scratch);
    // A big entry's buffers are sized to fit (many entries of a batch are
    // analysed before any is finished); a small one's stay as grown, for
    // the next entry.
    if out.text.len() > SPARE_MAX || out.lower.len() > SPARE_MAX {
        out.list.shrink_to_fit();
        out.text.shrink_to_fit();
        out.lower.shrink_to_fit();
    }
    out
}

/// Buffers holding up to this much are kept for the next entry; a big
/// entry's are sized to fit and given back.
const SPARE_MAX: usize = 64 * 1024;

thread_local! {
    /// The last entry's block buffers, emptied: growing each entry's from
    /// nothing was a tenth of the cleaner's allocation.
    static SPARE: std::cell::Cell<Option<Blocks>> = const { std::cell::Cell::new(None) };
}

impl Blocks {
    /// Done with: the buffers go to the next entry, if small.
    pub(crate) fn recycle(mut self) {
        // Grown by doubling to hold at most `SPARE_MAX`.
        if self.text.capacity() <= 2 * SPARE_MAX && self.lower.capacity() <= 2 * SPARE_MAX {
            self.list.clear();
            self.text.clear();
            self.lower.clear();
            SPARE.with(|s| s.set(Some(self)));
        }
    }
}

/// A run of inline siblings: its first and last node.
type Run = Option<(usize, usize)>;

fn segment_into(
    arena: &Arena,
    idx: usize,
    in_caption: u8,
    builtin: &Builtin,
    out: &mut Blocks,
    scratch: &mut String,
) {
    let mut run: Run = None;
    let extend = |run: &mut Run, c: usize| {
        *run = Some(run.map_or((c, c), |(first, _)| (first, c)));
    };
    for c in arena.children(idx) {
        let n = &arena.nodes[c];
        if n.removed {
            // Removed text stands between an image and the next block: the
            // image's caption was found (by its class), so that block is
            // not beside the image.
            // Right after an image, it was that image's caption; before
            // one (or in its run), it is the next image's.
            if n.words > 0 {
                // An image run before it is flushed first, so the removed
                // text is counted as that image's caption (a figure's
                // classed figcaption), not the next image's.
                let image_only = run.is_some_and(|(first, last)| {
                    arena
                        .run(first, last)
                        .all(|i| arena.nodes.get(i).is_some_and(|n| n.words == 0))
                        && arena
                            .run(first, last)
                            .any(|i| arena.nodes.get(i).is_some_and(|n| n.has_img && !n.removed))
                });
                if image_only {
                    flush(arena, &mut run, "", in_caption, builtin, out, scratch);
                }
                out.text_removed();
            }
            continue;
        }
        match &n.kind {
            Kind::Element { tag, .. } if n.block || n.has_block => {
                flush(arena, &mut run, "", in_caption, builtin, out, scratch);
                // A figcaption; or a small container of an image and a few
                // words, not the whole entry: what it says is the image's.
                let caption = if *tag == "figcaption" {
                    in_caption | IN_FIGCAPTION
                } else if n.has_block
                    && n.has_img
                    && n.words <= CAPTION_MAX_WORDS
                    && n.words * 2 < arena.nodes.first().map_or(0, |r| r.words)
                {
                    in_caption | IN_FIGURE
                } else {
                    in_caption
                };
                if n.has_block || n.has_br {
                    segment_into(arena, c, caption, builtin, out, scratch);
                } else {
                    flush(
                        arena,
                        &mut Some((c, c)),
                        tag,
                        caption,
                        builtin,
                        out,
                        scratch,
                    );
                }
            }
            Kind::Element { tag: "br", .. } => {
                extend(&mut run, c);
                flush(arena, &mut run, "", in_caption, builtin, out, scratch);
            }
            _ => extend(&mut run, c),
        }
    }
    flush(arena, &mut run, "", in_caption, builtin, out, scratch);
}

/// How a block is set in type, from its parts (its run's nodes, or a lone
/// block element's children, that hold words): all in emphasis (`em`, `i`,
/// `small`, `cite`), all in bold, or opening with a bold part (a name in
/// bold, a label). One emphasis around it all is looked into for a bold
/// opening ("<em><strong>Ana Ruiz</strong> writes …</em>").
fn typeset(arena: &Arena, first: usize, last: usize) -> Typeset {
    let lone_block = first == last && arena.nodes.get(first).is_some_and(|n| n.block);
    // One pass, no allocation: this runs for every block.
    let (mut children, mut run);
    let parts: &mut dyn Iterator<Item = usize> = if lone_block {
        children = arena.children(first);
        &mut children
    } else {
        run = arena.run(first, last);
        &mut run
    };
    let parts = Parts::of(arena, parts);
    let emphasis = parts.count > 0 && parts.all_emphasis;
    let bold = parts.count > 0 && parts.all_bold;
    // The bold part that opens it, here or inside one emphasis around all.
    let opening = match parts.first {
        Some(only) if parts.count == 1 && emphasis => Parts::of(arena, &mut arena.children(only)),
        _ => parts,
    };
    let lead_bold_words = match opening.first {
        Some(head) if opening.count > 1 && matches!(tag_of(arena, head), "strong" | "b") => arena
            .nodes
            .get(head)
            .map_or(0, |n| u8::try_from(n.words).unwrap_or(u8::MAX)),
        _ => 0,
    };
    Typeset {
        emphasis,
        bold,
        lead_bold_words,
    }
}

/// The ancestors a block's place counts, nearest first: a site's box sits
/// in the same few elements in every entry.
const PLACE_ANCESTORS: usize = 4;

/// A hash of where and how a block is set: its tag, its type, and the tags
/// of the elements around it (see `Block::place`).
fn place(arena: &Arena, tag: &str, typeset: Typeset, container: usize) -> u64 {
    use std::hash::Hasher;
    let mut h = super::hasher();
    h.write(tag.as_bytes());
    h.write_u8(
        u8::from(typeset.emphasis)
            | u8::from(typeset.bold) << 1
            | u8::from(typeset.lead_bold_words > 0) << 2,
    );
    let mut at = container;
    for _ in 0..PLACE_ANCESTORS {
        let Some(node) = arena.nodes.get(at).filter(|_| at != 0) else {
            break;
        };
        h.write_u8(0);
        h.write(tag_of(arena, at).as_bytes());
        at = node.parent;
    }
    h.finish()
}

/// What [`typeset`] needs of a block's parts that hold words.
#[derive(Clone, Copy)]
struct Parts {
    count: usize,
    first: Option<usize>,
    all_emphasis: bool,
    all_bold: bool,
}

impl Parts {
    fn of(arena: &Arena, nodes: &mut dyn Iterator<Item = usize>) -> Parts {
        let mut parts = Parts {
            count: 0,
            first: None,
            all_emphasis: true,
            all_bold: true,
        };
        let worded = |i: usize| {
            arena
                .nodes
                .get(i)
                .is_some_and(|n| !n.removed && n.words > 0)
        };
        for i in nodes.filter(|&i| worded(i)) {
            parts.count += 1;
            parts.first.get_or_insert(i);
            let tag = tag_of(arena, i);
            parts.all_emphasis &= matches!(tag, "em" | "i" | "small" | "cite");
            parts.all_bold &= matches!(tag, "strong" | "b");
        }
        parts
    }
}

/// A node's tag, or `""` for text.
fn tag_of(arena: &Arena, i: usize) -> &'static str {
    match arena.nodes.get(i).map(|n| &n.kind) {
        Some(Kind::Element { tag, .. }) => tag,
        _ => "",
    }
}

/// Makes the run a block (if it has words): its text, lower case and key in
/// one pass each, written into the shared buffers.
fn flush(
    arena: &Arena,
    run: &mut Run,
    tag: &'static str,
    in_caption: u8,
    builtin: &Builtin,
    out: &mut Blocks,
    scratch: &mut String,
) {
    let Some((first, last)) = run.take() else {
        return;
    };
    let start = out.text.len();
    let (mut words, mut links) = (0u32, 0u32);
    let mut image = false;
    for i in arena.run(first, last) {
        dom::gather(arena, i, &mut out.text, start, &mut words, &mut links);
        image |= arena.nodes.get(i).is_some_and(|n| n.has_img && !n.removed);
    }
    if words == 0 {
        // Whitespace or images only: nothing to judge, nothing to learn;
        // an image marks its neighbours (a caption's place).
        out.text.truncate(start);
        // Or a block whose text its class removed (a figcaption whose
        // caption and credit spans went): as a removed node above.
        let had_text = arena
            .run(first, last)
            .any(|i| arena.nodes.get(i).is_some_and(|n| n.words > 0));
        if had_text && !image {
            out.text_removed();
            return;
        }
        out.rule_pending |= tag == "hr";
        // An image one of whose sides lost text to a class rule (its caption
        // named so) has its caption: the blocks around it are not.
        if image && !std::mem::take(&mut out.removed_since_block) {
            image_alt(arena, first, last, &mut out.alt);
            // A captioned image between the last block and this one: that
            // block is not beside this image.
            let apart = std::mem::take(&mut out.image_captioned);
            out.images_pending = out.images_pending.saturating_add(1);
            out.images_since_block = out.images_since_block.saturating_add(1);
            out.image_parent = arena.nodes.get(first).map_or(0, |n| n.parent);
            if let Some(prev) = out.list.last_mut().filter(|_| !apart) {
                prev.flags |= BEFORE_IMAGE;
            }
        }
        return;
    }
    out.removed_since_block = false;
    out.image_captioned = false;
    let after_rule = std::mem::take(&mut out.rule_pending);
    let mut flags = in_caption;
    match std::mem::take(&mut out.images_pending) {
        0 => {}
        1 => flags |= AFTER_IMAGE,
        _ => flags |= AFTER_IMAGE | AFTER_IMAGES,
    }
    if std::mem::take(&mut out.images_since_block) > 1 && flags & AFTER_IMAGE != 0 {
        flags |= AFTER_IMAGES;
    }
    if image {
        flags |= WITH_IMAGE;
    }
    let container = arena.nodes.get(first).map_or(0, |n| n.parent);
    let container_words = arena.nodes.get(container).map_or(0, |n| n.words);
    let own_paragraph = container != 0 && container_words <= IMAGE_PARAGRAPH_MAX_WORDS;
    if flags & AFTER_IMAGE != 0 && container == out.image_parent && own_paragraph {
        flags |= IMAGE_PARAGRAPH;
    }
    let typeset = typeset(arena, first, last);
    let place = place(arena, tag, typeset, container);
    // `gather` collapsed the whitespace to single spaces and never starts
    // with one.
    let end = out.text.trim_end_matches(' ').len();
    out.text.truncate(end);
    let text = slice(&out.text, (start, end));
    // The alt text stays for the next block while blocks repeat it (a
    // gallery prints its caption twice, for two screen sizes).
    if flags & WITH_IMAGE == 0 && repeats_alt(&out.alt, text) {
        flags |= ALT_TEXT;
    } else {
        out.alt.clear();
    }
    // Short blocks keep their lower case for the phrase rules: written
    // straight into the shared buffer; longer ones only need it for the key.
    let ((key, exact), lower) = if words <= rules::PHRASE_MAX_WORDS {
        // Kept apart from the last block's, so that one search of the whole
        // buffer finds no literal across the two (see `Builtin::needs`).
        if !out.lower.is_empty() {
            out.lower.push(rules::BLOCK_SEPARATOR);
        }
        let s = out.lower.len();
        rules::lower_into(text, &mut out.lower);
        let lower = (s, out.lower.len());
        (builtin.key_hashes(slice(&out.lower, lower)), lower)
    } else {
        scratch.clear();
        rules::lower_into(text, scratch);
        (builtin.key_hashes(scratch), (0, 0))
    };
    out.list.push(Block {
        first,
        last,
        text: (start, end),
        lower,
        words,
        link_words: links,
        tag,
        key,
        exact,
        protected: false,
        flags,
        typeset,
        container,
        container_words,
        place,
        after_rule,
        verdict: None,
    });
}

/// The most words of a paragraph that is an image's own (the image, its
/// caption and credit): a longer one is the article's, with a picture in it.
const IMAGE_PARAGRAPH_MAX_WORDS: u32 = 40;

/// The fewest words of an alt text that tells a caption by repeating it.
const ALT_MIN_WORDS: usize = 4;
/// The most words a caption may add after the alt text it repeats (its
/// credit). Not the other way round: an alt text that says more than a
/// block (an article's dek as the lead picture's alt) may begin with the
/// article's own first words (measured: one held-out article block lost).
const ALT_EXTRA_WORDS: usize = 8;

/// The alt text of an image in the run's subtrees, into `out` (emptied
/// when there is none).
fn image_alt(arena: &Arena, first: usize, last: usize, out: &mut String) {
    out.clear();
    let mut stack: Vec<usize> = arena.run(first, last).collect();
    while let Some(i) = stack.pop() {
        let Some(n) = arena.nodes.get(i) else {
            continue;
        };
        if !n.has_img || n.removed {
            continue;
        }
        if let Kind::Element { tag: "img", attrs } = &n.kind {
            if let Some((_, alt)) = attrs.iter().find(|(k, _)| *k == "alt") {
                out.push_str(alt);
                return;
            }
            continue;
        }
        stack.extend(arena.children(i));
    }
}

/// Whether a block says what the image's alt text says, word for word
/// (case and trailing punctuation aside), adding at most a credit.
fn repeats_alt(alt: &str, text: &str) -> bool {
    if alt.is_empty() {
        return false;
    }
    let same = |a: &str, t: &str| {
        let trim = |w: &str| w.trim_end_matches(['.', ',', ';', ':']).to_lowercase();
        trim(a) == trim(t)
    };
    let n = alt.split_whitespace().count();
    let words = text.split_whitespace().count();
    n >= ALT_MIN_WORDS
        && (n..=n + ALT_EXTRA_WORDS).contains(&words)
        && alt
            .split_whitespace()
            .zip(text.split_whitespace())
            .all(|(a, t)| same(a, t))
}
