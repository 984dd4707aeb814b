//! The cleaner: turns an entry's HTML as received into clean, safe HTML and
//! plain text, removing ads, newsletter blocks, share widgets, syndication
//! footers, related links, tracking pixels and unsafe markup, and saying why
//! for every block it removes.
//!
//! One html5ever parse per entry: [`dom`] applies the allowlist while
//! building a small arena, [`classify`] splits it into blocks and decides with
//! the rules of [`rules`], the user's rules and the feed's learned
//! [`template`], and [`dom`] writes what is kept.
//!
//! It must never drop a sentence of the article itself (when in doubt, keep)
//! and never panic on any input. It never touches the network or the database
//! directly (template counts are loaded and saved by the store, see
//! `store::load_template`).

mod classify;
mod dom;
mod lexer;
mod rules;
mod sink;
pub mod template;

use regex::{Regex, RegexSet};
use scraper::Selector;

use crate::config::CleanRules;
use classify::{Blocks, Context};
pub use template::{ANY_WRITER, BlockStat, FeedTemplate, Fingerprints};

/// Errors building a cleaner from user rules (a bad regex or CSS selector).
#[derive(Debug, thiserror::Error)]
pub enum CleanError {
    #[error("invalid clean rule {rule:?}: {message}")]
    InvalidRule { rule: String, message: String },
}

/// An entry as its feed gave it: the HTML, and its writers' names as the
/// feed prints them (`entries.authors`: "Ana Ruiz", "aruiz@herald.example
/// (Ana Ruiz)", "By Ana Ruiz and Tom Berg").
#[derive(Debug, Clone, Copy)]
pub struct EntryInput<'a> {
    pub html: &'a str,
    pub authors: &'a [String],
}

impl<'a> EntryInput<'a> {
    /// An entry whose feed names no writer.
    pub fn new(html: &'a str) -> Self {
        EntryInput { html, authors: &[] }
    }
}

/// A block the cleaner removed, and why: what `feedsieve preview` shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RemovedBlock {
    pub text: String,
    pub reason: String,
}

/// The cleaner's output for one entry.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CleanedEntry {
    /// Clean, sanitised HTML.
    pub html: String,
    /// Plain text, paragraphs separated by blank lines.
    pub text: String,
    pub removed: Vec<RemovedBlock>,
    /// The entry's blocks as the feed template counts them; `None` when this
    /// value did not come from the cleaner.
    #[serde(skip)]
    pub(crate) fingerprints: Option<Fingerprints>,
}

/// User rules compiled once: `[clean]` into the [`Cleaner`], each
/// `[feed.clean]` through [`Cleaner::feed_rules`].
#[derive(Debug, Default)]
pub struct CompiledRules {
    remove: Vec<Regex>,
    selectors: Vec<(Selector, String)>,
    keep: Option<RegexSet>,
}

impl CompiledRules {
    /// A feed's own rules, compiled; `None` when it has none (the common case).
    pub fn for_feed(rules: &CleanRules) -> Result<Option<Self>, CleanError> {
        if rules == &CleanRules::default() {
            return Ok(None);
        }
        Self::compile(rules).map(Some)
    }

    pub fn compile(rules: &CleanRules) -> Result<Self, CleanError> {
        let bad = |rule: &str, message: String| CleanError::InvalidRule {
            rule: rule.to_string(),
            message,
        };
        let remove = rules
            .remove
            .iter()
            .map(|p| Regex::new(p).map_err(|e| bad(p, e.to_string())))
            .collect::<Result<_, _>>()?;
        let selectors = rules
            .remove_selectors
            .iter()
            .map(|s| {
                Selector::parse(s)
                    .map(|sel| (sel, format!("rule remove_selectors {s:?}")))
                    .map_err(|e| bad(s, e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let keep = if rules.keep.is_empty() {
            None
        } else {
            for p in &rules.keep {
                Regex::new(p).map_err(|e| bad(p, e.to_string()))?;
            }
            Some(RegexSet::new(&rules.keep).map_err(|e| bad("keep", e.to_string()))?)
        };
        Ok(CompiledRules {
            remove,
            selectors,
            keep,
        })
    }

    fn keeps(&self, text: &str) -> bool {
        self.keep.as_ref().is_some_and(|k| k.is_match(text))
    }

    fn removes(&self, text: &str) -> Option<String> {
        self.remove
            .iter()
            .find(|r| r.is_match(text))
            .map(|r| format!("rule remove {:?}", r.as_str()))
    }
}

/// What the cleaner reads from an entry's byline: the persons it names,
/// and the names their boxes are learned under.
struct Byline {
    writers: Vec<rules::Writer>,
    keys: Vec<String>,
}

impl Byline {
    fn of(authors: &[String]) -> Byline {
        let writers = rules::writers(authors);
        let keys = rules::writer_keys(authors, &writers);
        Byline { writers, keys }
    }
}

/// The names an entry's writers' boxes are learned under (see
/// [`template`]), from its authors as the feed gives them.
pub fn writer_keys(authors: &[String]) -> Vec<String> {
    Byline::of(authors).keys
}

/// Whether an entry by `authors` holds a box the template learned since its
/// entry was cleaned: `learned` is what [`FeedTemplate::take_writers_learned`]
/// returned.
pub fn relearned(learned: &[String], authors: &[String]) -> bool {
    if learned.is_empty() {
        return false;
    }
    let byline = Byline::of(authors);
    // A place of the feed's boxes: any entry whose byline names a person.
    (learned.iter().any(|w| w == ANY_WRITER) && !byline.writers.is_empty())
        || byline.keys.iter().any(|k| learned.contains(k))
}

/// A cleaner compiled from the global rules of the config.
#[derive(Debug)]
pub struct Cleaner {
    global: CompiledRules,
    builtin: rules::Builtin,
}

/// One entry parsed and split into blocks, before any block decision.
struct Analysis {
    arena: dom::Arena,
    blocks: Blocks,
    removed: Vec<RemovedBlock>,
}

/// The fewest words of a paragraph that tells a fresh entry from another
/// version of a recent one.
const FRESH_BODY_WORDS: u32 = 15;
/// Each distinct block of an entry once, as the template counts them: by
/// its exact text, with its shape; and its last short blocks under each of
/// `writer_keys` (see [`template`]; none when the caller has no byline to
/// give, not even an empty one).
fn fingerprints_of(blocks: &Blocks, byline: &Byline) -> Fingerprints {
    let writer_keys = &byline.keys;
    // Each key's first block, found by sorting (key, position) rather than
    // by a hash set: the keys are hashes already.
    let mut order: Vec<(u64, usize)> = blocks
        .list
        .iter()
        .enumerate()
        .map(|(i, b)| (b.exact, i))
        .collect();
    order.sort_unstable();
    order.dedup_by_key(|&mut (key, _)| key);
    // Back in block order by marking each first block, not by sorting the
    // firsts again.
    let mut first = vec![false; blocks.list.len()];
    for &(_, i) in &order {
        if let Some(f) = first.get_mut(i) {
            *f = true;
        }
    }
    let mut firsts: Vec<(u64, u64, &str)> = Vec::with_capacity(order.len());
    firsts.extend(
        blocks
            .list
            .iter()
            .zip(&first)
            .filter(|&(_, &f)| f)
            .map(|(b, _)| (b.exact, b.key, blocks.sample(b))),
    );
    // Sized exactly: a buffer grown by doubling raised the peak memory of a
    // 20 MB entry from 6.2x to 6.6x its size (examples/clean_mem.rs).
    let bytes = firsts.iter().map(|(_, _, s)| s.len()).sum();
    let mut prints = Fingerprints::with_capacity(firsts.len(), bytes);
    for (exact, shape, sample) in firsts {
        prints.push(exact, shape, sample);
    }
    if writer_keys.is_empty() {
        return prints;
    }
    for b in &blocks.list {
        if b.words >= FRESH_BODY_WORDS && !b.link_heavy() {
            prints.push_body(b.exact);
        }
    }
    // The tail: the last few short blocks, back to the first long one.
    prints.set_writers(writer_keys.to_vec());
    for (i, b) in blocks
        .list
        .iter()
        .enumerate()
        .rev()
        .take(classify::WRITER_TAIL_SCAN)
        .take_while(|(_, b)| b.words <= rules::BIO_MAX_WORDS)
        .filter(|(_, b)| b.writer_tail())
        .take(classify::WRITER_TAIL_BLOCKS)
    {
        prints.push_tail(b.exact, b.key, blocks.sample(b));
        if blocks.opens_writer_bio(b, &byline.writers)
            && !blocks.in_article_place(i, &byline.writers)
        {
            prints.push_place(b.place, blocks.sample(b));
        }
    }
    prints
}

impl Cleaner {
    pub fn new(global: &CleanRules) -> Result<Self, CleanError> {
        Ok(Cleaner {
            global: CompiledRules::compile(global)?,
            builtin: rules::Builtin::new()?,
        })
    }

    /// Compiles a feed's own rules; do it once per config load, not per entry.
    pub fn feed_rules(&self, rules: &CleanRules) -> Result<CompiledRules, CleanError> {
        CompiledRules::compile(rules)
    }

    /// Cleans one entry. `feed` are the feed's own compiled rules; `template`
    /// is what was learned from earlier entries of the same feed. Afterwards
    /// the pipeline passes the result to [`FeedTemplate::observe`] if the
    /// entry is new or changed.
    pub fn clean(
        &self,
        html: &str,
        feed: Option<&CompiledRules>,
        template: Option<&FeedTemplate>,
    ) -> CleanedEntry {
        self.clean_entry(EntryInput::new(html), feed, template)
    }

    /// [`Cleaner::clean`] with what the feed says of the entry besides its
    /// HTML.
    pub fn clean_entry(
        &self,
        entry: EntryInput<'_>,
        feed: Option<&CompiledRules>,
        template: Option<&FeedTemplate>,
    ) -> CleanedEntry {
        let analysis = self.analyze(entry.html, feed);
        self.finish(analysis, feed, template, true, &Byline::of(entry.authors))
    }

    /// Cleans the new or changed entries of one fetch: observes them all into
    /// `template` first, then cleans each with it, so a feed's first fetch
    /// already loses its template. The results are observed already: do not
    /// pass them to [`FeedTemplate::observe`] again.
    pub fn clean_batch(
        &self,
        htmls: &[&str],
        feed: Option<&CompiledRules>,
        template: &mut FeedTemplate,
    ) -> Vec<CleanedEntry> {
        let entries: Vec<EntryInput<'_>> =
            htmls.iter().map(|&html| EntryInput::new(html)).collect();
        self.clean_entries(&entries, feed, template)
    }

    /// [`Cleaner::clean_batch`] with what the feed says of each entry
    /// besides its HTML: its writers' names, which tell their bio boxes.
    pub fn clean_entries(
        &self,
        entries: &[EntryInput<'_>],
        feed: Option<&CompiledRules>,
        template: &mut FeedTemplate,
    ) -> Vec<CleanedEntry> {
        let analyses: Vec<Analysis> = entries.iter().map(|e| self.analyze(e.html, feed)).collect();
        let bylines: Vec<Byline> = entries.iter().map(|e| Byline::of(e.authors)).collect();
        for (a, b) in analyses.iter().zip(&bylines) {
            template.observe_fingerprints(&fingerprints_of(&a.blocks, b));
        }
        analyses
            .into_iter()
            .zip(&bylines)
            // Already counted above.
            .map(|(a, b)| self.finish(a, feed, Some(template), false, b))
            .collect()
    }

    fn analyze(&self, html: &str, feed: Option<&CompiledRules>) -> Analysis {
        let selectors: Vec<&(Selector, String)> = self
            .global
            .selectors
            .iter()
            .chain(feed.map(|f| f.selectors.as_slice()).unwrap_or_default())
            .collect();
        let mut removed = Vec::new();
        let mut arena = dom::build(html, &selectors, &mut removed);
        let keep = |t: &str| self.global.keeps(t) || feed.is_some_and(|f| f.keeps(t));
        resolve_tentative(&mut arena, &keep, &mut removed);
        let blocks = classify::segment(&arena, &self.builtin);
        Analysis {
            arena,
            blocks,
            removed,
        }
    }

    fn finish(
        &self,
        a: Analysis,
        feed: Option<&CompiledRules>,
        template: Option<&FeedTemplate>,
        with_prints: bool,
        byline: &Byline,
    ) -> CleanedEntry {
        let Analysis {
            mut arena,
            mut blocks,
            mut removed,
        } = a;
        let prints = with_prints.then(|| fingerprints_of(&blocks, byline));
        let keep = |t: &str| self.global.keeps(t) || feed.is_some_and(|f| f.keeps(t));
        let remove = |t: &str| {
            self.global
                .removes(t)
                .or_else(|| feed.and_then(|f| f.removes(t)))
        };
        let cx = Context {
            builtin: &self.builtin,
            keep: &keep,
            remove: &remove,
            template,
            writers: &byline.writers,
            writer_keys: &byline.keys,
        };
        classify::decide(&mut blocks, &cx);
        for b in &mut blocks.list {
            if let Some((reason, _)) = b.verdict.take() {
                let run: Vec<usize> = arena.run(b.first, b.last).collect();
                for n in run {
                    if let Some(node) = arena.nodes.get_mut(n) {
                        node.removed = true;
                    }
                }
                removed.push(RemovedBlock {
                    text: dom::collapse_ws(slice_text(&blocks.text, b.text), 300),
                    reason,
                });
            }
        }
        // The blocks' texts go before the output is written.
        blocks.recycle();
        let (html, text) = dom::write(&arena);
        CleanedEntry {
            html,
            text,
            removed,
            fingerprints: prints,
        }
    }
}

/// Decides the removals class/id tokens suggested. An element holding most
/// of a long entry is the article's own wrapper, whatever its class says.
fn resolve_tentative(
    arena: &mut dom::Arena,
    keep: &dyn Fn(&str) -> bool,
    removed: &mut Vec<RemovedBlock>,
) {
    let total = arena.nodes.first().map_or(0, |n| n.words);
    let mut text = String::new();
    for (i, reason) in std::mem::take(&mut arena.tentative) {
        let Some(n) = arena.nodes.get(i) else {
            continue;
        };
        if n.words >= 80 && u64::from(n.words) * 10 >= u64::from(total) * 4 {
            continue;
        }
        // A figure named a caption holds the picture too: its caption
        // element inside goes, or the figcaption rule takes its text.
        let pictured =
            reason.starts_with(rules::IMAGE_CAPTION) || reason.starts_with(rules::PHOTO_CREDIT);
        if pictured && n.has_img {
            continue;
        }
        // Inside something already removed: recorded there.
        let mut p = n.parent;
        let mut inside_removed = false;
        while p != 0 {
            let Some(pn) = arena.nodes.get(p) else {
                break;
            };
            if pn.removed {
                inside_removed = true;
                break;
            }
            p = pn.parent;
        }
        if inside_removed {
            continue;
        }
        let (mut w, mut l) = (0, 0);
        text.clear();
        dom::gather(arena, i, &mut text, 0, &mut w, &mut l);
        if keep(&text) {
            continue;
        }
        if let Some(n) = arena.nodes.get_mut(i) {
            n.removed = true;
        }
        removed.push(RemovedBlock {
            text: dom::collapse_ws(&text, 300),
            reason,
        });
    }
}

/// A byte range of a shared text buffer.
fn slice_text(buf: &str, (start, end): (usize, usize)) -> &str {
    buf.get(start..end).unwrap_or("")
}

/// The block fingerprints of an entry, without any user rule: what
/// [`FeedTemplate::observe`] counts when given a `CleanedEntry` the cleaner
/// did not make.
pub(crate) fn fingerprints(html: &str) -> Fingerprints {
    let Ok(builtin) = rules::Builtin::new() else {
        return Fingerprints::default();
    };
    let cleaner = Cleaner {
        global: CompiledRules::default(),
        builtin,
    };
    let no_byline = Byline {
        writers: Vec::new(),
        keys: Vec::new(),
    };
    fingerprints_of(&cleaner.analyze(html, None).blocks, &no_byline)
}
