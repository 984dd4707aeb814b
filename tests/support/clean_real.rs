//! Issue 17, item 6, from real pages: the five boilerplate kinds as the 181
//! pages of the shared article-extraction benchmark print them, next to
//! their own article paragraphs.
//!
//! For every page (`html/<id>.html.gz`, `ground-truth.json`):
//!
//! 1. The page is split into text blocks: each block element (`p`, `li`,
//!    headings, `figcaption`, `div`, …, and any element whose class or id
//!    names a caption, credit or bio) gives the text that is its own (not
//!    inside a nested block element).
//! 2. A block is **article** when its text is a paragraph of the
//!    ground-truth body, or a piece of one of 50 characters or more.
//! 3. A block that is not article, in or next to the article (from 12
//!    blocks before its first paragraph to 40 after its last; bios and
//!    links only from the first paragraph on), gets a kind by these rules,
//!    in this order ([`label`]), or none (then it is left out):
//!    - *markup*: its element or an ancestor (up to 4 levels) is a
//!      `figcaption` or has a class/id token with "caption" (caption),
//!      "credit", "copyright", "photographer" (credit), "bio",
//!      "about-author", "author-info", "author-box" (bio), "correction",
//!      "editor-note", "update-note" (update note), "related", "read-more",
//!      "readmore", "also-read" (link, between the article's paragraphs);
//!    - *text*: a label before a colon that names another story ("MORE:",
//!      "READ MORE:", "Related:", "See also:", "Watch:", …) with a link
//!      (link); a line that credits a picture ("Photo:", "(Photo by …",
//!      "Image credit", "… / Getty Images", "Courtesy of …") (credit);
//!      "Update:", "Correction:", "Editor's note:", "This story has been
//!      updated …", "An earlier version …" (update note); after the last
//!      paragraph, a name followed by "is", "was", "joined", "covers",
//!      "writes" and a journalist's word (bio);
//!    - *place*: all links, 3–20 words, no sentence end, between two
//!      article paragraphs (link); up to 60 words without links in a small
//!      container (≤ 80 words) that holds an image and no article text
//!      (caption).
//!
//!    Then the hand labels of `clean_real_labels.txt` override a block's
//!    kind (or make it article, or leave it out), found by page and text.
//!    A ground-truth paragraph that the text rules for credits or update
//!    notes match is that kind, not article (the annotators kept some).
//! 4. The entry is what a feed's `content:encoded` carries: in page order,
//!    each article block's element as the page has it, and each labelled
//!    block's *unit* (its element and the ancestors that hold no article
//!    text and at most 150 words: the figure with its image, the bio box
//!    with its heading), and the images between the paragraphs in theirs.
//!    Ads, share bars and other unlabelled blocks are left out.
//!
//! Pages split by their id: [`is_dev`] (a 64-bit FNV-1a hash of the id,
//! even for dev). Decided and committed before any rule was changed.
//!
//! Over 800 lines: the labelling rules are one reading of a page, kept
//! together so that every label can be traced to the rule that gave it.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::Path;

use scraper::{ElementRef, Html, node::Node};

pub const KINDS: [&str; 5] = ["caption", "credit", "bio", "update", "link"];

/// One block of boilerplate in an entry, and the rule that labelled it.
#[derive(Debug, Clone)]
pub struct Probe {
    pub kind: &'static str,
    pub text: String,
    pub rule: &'static str,
    /// The start of its unit's markup, for reading the labels.
    pub context: String,
}

/// One page as a feed entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub dev: bool,
    pub html: String,
    /// The article blocks' texts, whitespace collapsed.
    pub article: Vec<String>,
    /// Those of them that feedsieve's own statement names boilerplate
    /// ([`named_boilerplate`]): the annotators kept them in the body.
    pub named_boilerplate: Vec<String>,
    pub probes: Vec<Probe>,
    /// The writers the page names (its JSON-LD article's authors, or its
    /// meta tags), as `extract` reads them: what a feed's byline would say.
    pub authors: Vec<String>,
}

/// 64-bit FNV-1a.
pub fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The split: a page is in the dev half when the FNV-1a hash of its id is
/// even, held out when odd.
pub fn is_dev(id: &str) -> bool {
    fnv(id).is_multiple_of(2)
}

pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "figcaption",
    "figure",
    "dd",
    "dt",
    "dl",
    "pre",
    "td",
    "th",
    "caption",
    "div",
    "section",
    "aside",
    "header",
    "footer",
    "article",
    "main",
    "ul",
    "ol",
    "table",
    "tr",
    "form",
    "nav",
];
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "button", "select", "iframe", "head", "title",
];

fn tokens(el: &ElementRef<'_>) -> String {
    let v = el.value();
    format!(
        "{} {}",
        v.attr("class").unwrap_or(""),
        v.attr("id").unwrap_or("")
    )
    .to_lowercase()
}

/// Class/id words that make an inline element a block of its own.
fn named_block(t: &str) -> bool {
    ["caption", "credit", "bio"].iter().any(|w| t.contains(w))
}

fn is_block(el: &ElementRef<'_>) -> bool {
    let name = el.value().name();
    BLOCK_TAGS.contains(&name) || named_block(&tokens(el))
}

/// The element's own text (not inside nested blocks), and its words in links.
fn own_text(el: ElementRef<'_>, out: &mut String, links: &mut usize, in_link: bool) {
    for c in el.children() {
        match c.value() {
            Node::Text(t) => {
                // Inline elements join their text as a browser does.
                out.push_str(t);
                if in_link {
                    *links += t.split_whitespace().count();
                }
            }
            Node::Element(e) => {
                let Some(ce) = ElementRef::wrap(c) else {
                    continue;
                };
                if SKIP_TAGS.contains(&e.name()) || is_block(&ce) {
                    continue;
                }
                if e.name() == "br" {
                    out.push(' ');
                }
                own_text(ce, out, links, in_link || e.name() == "a");
            }
            _ => {}
        }
    }
}

struct Block<'a> {
    el: ElementRef<'a>,
    /// Whether the block is the element's whole text (no nested blocks).
    leaf: bool,
    text: String,
    words: usize,
    link_words: usize,
}

fn has_img(el: &ElementRef<'_>) -> bool {
    el.descendants()
        .any(|d| d.value().as_element().is_some_and(|e| e.name() == "img"))
}

fn words_of(el: &ElementRef<'_>) -> usize {
    el.text().map(|t| t.split_whitespace().count()).sum()
}

/// Link labels that name another story.
const LINK_LABELS: &[&str] = &[
    "more",
    "read more",
    "read",
    "related",
    "related story",
    "related stories",
    "related article",
    "related coverage",
    "related content",
    "related link",
    "see also",
    "also read",
    "read also",
    "also",
    "watch",
    "listen",
    "video",
    "click here",
    "recommended",
    "read next",
    "don't miss",
    "must read",
    "previously",
    "trending",
    "more news",
    "more coverage",
    "see more",
    "also see",
    "photos",
    "gallery",
    "photo gallery",
];
const AGENCY_ENDS: &[&str] = &[
    "getty images",
    "getty",
    "ap",
    "afp",
    "reuters",
    "epa",
    "shutterstock",
    "istock",
    "alamy",
    "bloomberg",
    "associated press",
    "unsplash",
    "afp/getty images",
];
const JOURNALIST: &[&str] = &[
    "reporter",
    "writer",
    "editor",
    "correspondent",
    "journalist",
    "columnist",
    "contributor",
    "covers",
    "author",
    "producer",
    "freelance",
    "blogger",
    "photographer",
];

fn credit_text(lower: &str, words: usize) -> bool {
    if words > 20 {
        return false;
    }
    let l = lower.trim_start_matches(['(', '[', ' ']);
    // Which picture: "Main image credit: …".
    let l = [
        "main ",
        "top ",
        "lead ",
        "header ",
        "featured ",
        "hero ",
        "cover ",
    ]
    .iter()
    .find_map(|w| l.strip_prefix(w))
    .unwrap_or(l);
    let heads = [
        "photo:",
        "photo by",
        "photos:",
        "photos by",
        "photograph:",
        "photograph by",
        "image:",
        "image by",
        "image credit",
        "image source",
        "photo credit",
        "credit:",
        "credits:",
        "courtesy",
        "picture:",
        "illustration:",
        "illustration by",
        "pic:",
        "foto:",
        "фото:",
        "image copyright",
        "©",
    ];
    if heads.iter().any(|h| l.starts_with(h)) {
        return true;
    }
    let end = l.trim_end_matches(['.', ')', ']', ' ']);
    if AGENCY_ENDS.contains(&end) {
        return true;
    }
    let end = l.trim_end_matches(['.', ')', ']', ' ']);
    AGENCY_ENDS.iter().any(|a| {
        end.strip_suffix(a).is_some_and(|b| {
            let b = b.trim_end();
            b.ends_with('/') || b.ends_with('|') || b.ends_with(" via") || b.ends_with(',')
        })
    })
}

fn update_text(lower: &str, words: usize) -> bool {
    if words > 80 {
        return false;
    }
    let l = lower.trim_start_matches(['(', '[', '*', ' ']);
    let heads = [
        "update:",
        "updated:",
        "update ",
        "updated at",
        "updated on",
        "correction:",
        "correction ",
        "correction,",
        "corrections:",
        "clarification:",
        "editor's note",
        "editor’s note",
        "editors' note",
        "editors’ note",
        "an earlier version",
        "a previous version",
        "an earlier story",
    ];
    if heads.iter().any(|h| l.starts_with(h)) {
        return true;
    }
    ["this story", "this article", "this post", "this report"]
        .iter()
        .any(|s| l.starts_with(s))
        && [
            "has been updated",
            "was updated",
            "has been corrected",
            "was corrected",
            "has been amended",
            "was amended",
            "has been revised",
        ]
        .iter()
        .any(|v| l.contains(v))
}

fn link_text(lower: &str, link_words: usize) -> bool {
    if link_words == 0 {
        return false;
    }
    let l = lower.trim_start_matches(['»', '›', '>', '•', '*', '▶', '►', '-', '–', '—', '→', ' ']);
    LINK_LABELS.iter().any(|lab| {
        l.strip_prefix(lab)
            .is_some_and(|r| r.trim_start().starts_with([':', '»', '>', '|']))
    })
}

fn bio_text(text: &str, lower: &str, words: usize) -> bool {
    if !(6..=80).contains(&words) {
        return false;
    }
    let mut ws = text.split_whitespace();
    let (Some(a), Some(b)) = (ws.next(), ws.next()) else {
        return false;
    };
    let name = a.starts_with(char::is_uppercase)
        && b.trim_end_matches(',').starts_with(char::is_uppercase)
        && !["The", "This", "He", "She", "It", "In", "A", "An", "We", "I"].contains(&a);
    let verb = [
        " is ",
        " was ",
        " joined ",
        " covers ",
        " writes ",
        " has ",
        " reports ",
    ]
    .iter()
    .any(|v| lower.split(',').next().unwrap_or("").contains(v) || lower.contains(v));
    name && verb && JOURNALIST.iter().any(|j| lower.contains(j))
}

/// Month names and digits start dates and times, never one of the kinds
/// (comment times and datelines sit in bio and caption boxes too).
fn dated(lower: &str) -> bool {
    lower.split_whitespace().count() <= 8 && dated_start(lower)
}

fn dated_start(lower: &str) -> bool {
    lower.starts_with(|c: char| c.is_ascii_digit())
        || [
            "jan", "feb", "mar", "apr", "may ", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ]
        .iter()
        .any(|m| lower.starts_with(m))
}

/// What a gallery or player prints in its caption box (lower case).
const WIDGET_LABELS: &[&str] = &[
    "caption",
    "close",
    "less",
    "... more",
    "more",
    "live",
    "advertisement",
    "image caption",
    "media playback is unsupported on your device",
    "share",
    "email",
    "expand",
    "enlarge",
];

/// Where a block stands: `i` its index, the article's blocks from `first`
/// to `last`.
#[derive(Clone, Copy)]
struct Place {
    between: bool,
    after: bool,
    /// No further than 2 blocks after the article's last paragraph.
    near: bool,
    /// No further than 15 blocks after it.
    tail: bool,
}

/// The kind of a non-article block, and the rule that says so.
fn label(
    el: &ElementRef<'_>,
    text: &str,
    words: usize,
    link_words: usize,
    at: Place,
) -> Option<(&'static str, &'static str)> {
    let lower = text.to_lowercase();
    // Template placeholders, dates and times, widget labels.
    let widget = WIDGET_LABELS.contains(&lower.as_str())
        || lower
            .split(' ')
            .all(|w| w == "of" || w == "image" || w.parse::<u32>().is_ok());
    let site_notice = lower.contains("rights reserved");
    if text.contains("{{") || dated(&lower) || widget || site_notice {
        return None;
    }
    // Markup: the element and up to 2 ancestors; the nearest decides.
    let mut cur = Some(*el);
    for _ in 0..3 {
        let Some(e) = cur else { break };
        let t = tokens(&e);
        let name = e.value().name();
        let credit = t.contains("credit") || t.contains("photographer");
        let caption = name == "figcaption" || t.contains("caption");
        let site_notice =
            lower.starts_with("copyright") || lower.starts_with("© 2") || lower.starts_with("©2");
        // Headline links with a picture (related stories) are not captions.
        let teaser = link_words * 2 >= words;
        if (credit || caption) && at.near && !site_notice && !teaser {
            return Some(if credit_text(&lower, words) || (credit && !caption) {
                ("credit", "class credit / credit text in a caption")
            } else {
                ("caption", "class caption / figcaption")
            });
        }
        let bio_class = t
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "bio" || w == "biography" || w == "bios")
            || [
                "about-author",
                "author-info",
                "author-box",
                "authorbio",
                "author-bio",
            ]
            .iter()
            .any(|w| t.contains(w));
        if bio_class && at.after && at.tail && words >= 5 && !dated(&lower) {
            return Some(("bio", "class bio"));
        }
        if [
            "correction",
            "editor-note",
            "editors-note",
            "update-note",
            "editornote",
        ]
        .iter()
        .any(|w| t.contains(w))
            && at.near
        {
            return Some(("update", "class correction/note"));
        }
        if at.between
            && link_words > 0
            && ["related", "read-more", "readmore", "also-read", "alsoread"]
                .iter()
                .any(|w| t.contains(w))
        {
            return Some(("link", "class related"));
        }
        cur = e.parent().and_then(ElementRef::wrap);
    }
    if link_text(&lower, link_words) && (at.between || (at.after && at.tail)) {
        return Some(("link", "text: link label"));
    }
    if credit_text(&lower, words) && at.near {
        return Some(("credit", "text: credit"));
    }
    if update_text(&lower, words) && at.near {
        return Some(("update", "text: update note"));
    }
    if at.after && at.tail && bio_text(text, &lower, words) {
        return Some(("bio", "text: bio"));
    }
    let sentence_end = text.ends_with(['.', '!', '?', ':']);
    let name = el.value().name();
    if at.between
        && (3..=20).contains(&words)
        && link_words >= words
        && !sentence_end
        && !matches!(
            name,
            "li" | "td" | "th" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        )
    {
        return Some(("link", "place: lone headline link"));
    }
    None
}

/// The hand labels: `id-prefix text-hash kind`, kind one of [`KINDS`],
/// `article` or `none`.
fn hand_labels() -> BTreeMap<(String, u64), String> {
    let raw = include_str!("clean_real_labels.txt");
    raw.lines()
        .filter_map(|l| {
            let l = l.split('#').next()?.trim();
            let mut f = l.split_whitespace();
            let id = f.next()?.to_string();
            let h = u64::from_str_radix(f.next()?, 16).ok()?;
            let k = f.next()?.to_string();
            Some(((id, h), k))
        })
        .collect()
}

/// The short hash a hand label names a block by.
pub fn text_hash(text: &str) -> u64 {
    fnv(text) & 0xffff_ffff
}

fn static_kind(k: &str) -> Option<&'static str> {
    KINDS.iter().copied().find(|&x| x == k)
}

/// The unit a block is shown in: the element, climbed while the parent holds
/// no article block and at most 150 words.
fn unit<'a>(el: ElementRef<'a>, article: &HashSet<ego_tree::NodeId>) -> ElementRef<'a> {
    let mut u = el;
    while let Some(p) = u.parent().and_then(ElementRef::wrap) {
        if matches!(p.value().name(), "body" | "html" | "main" | "article") || words_of(&p) > 150 {
            break;
        }
        if p.descendants().any(|d| article.contains(&d.id())) {
            break;
        }
        u = p;
    }
    u
}

/// Builds the entry of one page; `None` when fewer than 3 of its blocks
/// are article.
pub fn entry(id: &str, page: &str, truth: &str) -> Option<Entry> {
    let paras: HashSet<String> = truth.split("\n\n").map(collapse).collect();
    let body = collapse(truth);
    let doc = Html::parse_document(page);
    let mut blocks: Vec<Block<'_>> = Vec::new();
    for n in doc.tree.root().descendants() {
        let Some(el) = ElementRef::wrap(n) else {
            continue;
        };
        if !is_block(&el)
            || el.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| SKIP_TAGS.contains(&e.name()))
            })
        {
            continue;
        }
        let (mut t, mut links) = (String::new(), 0);
        own_text(el, &mut t, &mut links, el.value().name() == "a");
        let text = collapse(&t);
        if text.is_empty() {
            continue;
        }
        let leaf = !el
            .descendants()
            .skip(1)
            .any(|d| ElementRef::wrap(d).is_some_and(|e| is_block(&e)));
        blocks.push(Block {
            el,
            leaf,
            words: text.split_whitespace().count(),
            text,
            link_words: links,
        });
    }
    let is_article = |b: &Block<'_>| {
        b.words >= 3 && (paras.contains(&b.text) || (b.text.len() >= 50 && body.contains(&b.text)))
    };
    let hand = hand_labels();
    let prefix: String = id.chars().take(12).collect();
    let mut kinds: Vec<Option<(&'static str, &'static str)>> = vec![None; blocks.len()];
    let mut art: Vec<bool> = blocks.iter().map(is_article).collect();
    for (i, b) in blocks.iter().enumerate() {
        match hand
            .get(&(prefix.clone(), text_hash(&b.text)))
            .map(String::as_str)
        {
            Some("article") => art[i] = true,
            Some("none") => art[i] = false,
            Some(k) => {
                art[i] = false;
                kinds[i] = static_kind(k).map(|k| (k, "hand label"));
            }
            None => {
                // The annotators kept some credits and notes in the bodies
                // ("(Image credit: …)", "Correction, Nov. 15, 2019: …"):
                // the text rules of those two kinds say what they are.
                let lower = b.text.to_lowercase();
                if !art[i] || lower.contains("rights reserved") {
                    continue;
                }
                if credit_text(&lower, b.words) {
                    kinds[i] = Some(("credit", "ground truth, credit text"));
                } else if update_text(&lower, b.words) {
                    kinds[i] = Some(("update", "ground truth, update note text"));
                }
                art[i] &= kinds[i].is_none();
            }
        }
    }
    let first = art.iter().position(|&a| a)?;
    let last = art.iter().rposition(|&a| a)?;
    if art.iter().filter(|&&a| a).count() < 3 {
        return None;
    }
    let article_ids: HashSet<ego_tree::NodeId> = blocks
        .iter()
        .zip(&art)
        .filter(|&(_, &a)| a)
        .map(|(b, _)| b.el.id())
        .collect();
    for (i, b) in blocks.iter().enumerate() {
        if art[i] || kinds[i].is_some() || i + 12 < first || i > last + 40 {
            continue;
        }
        if hand.contains_key(&(prefix.clone(), text_hash(&b.text))) {
            continue;
        }
        let at = Place {
            between: i > first && i < last,
            after: i > last,
            near: i <= last + 2,
            tail: i <= last + 15,
        };
        let found = label(&b.el, &b.text, b.words, b.link_words, at).filter(|(k, _)| {
            // Before the article only a lead image's caption, credit or a note.
            i >= first || matches!(*k, "caption" | "credit" | "update")
        });
        kinds[i] = found.or_else(|| {
            // A few words without links in a small container with an image.
            let u = unit(b.el, &article_ids);
            let lower = b.text.to_lowercase();
            ((3..=60).contains(&b.words)
                && b.link_words == 0
                && i > first
                && i < last
                && !dated(&lower)
                && !lower.contains("http")
                && has_img(&u)
                && words_of(&u) <= 80
                && !matches!(b.el.value().name(), "li" | "h1" | "h2" | "h3" | "h4"))
            .then_some(("caption", "place: words in an image's container"))
        });
    }
    // The pieces, in page order: (node, html).
    let mut pieces: Vec<(ego_tree::NodeId, String)> = Vec::new();
    let mut probes = Vec::new();
    let mut article = Vec::new();
    let mut named = Vec::new();
    let mut units: Vec<ElementRef<'_>> = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        if art[i] {
            article.push(b.text.clone());
            if named_boilerplate(&b.text.to_lowercase(), b.words) {
                named.push(b.text.clone());
            }
            let html = if b.leaf {
                b.el.html()
            } else {
                format!("<p>{}</p>", esc(&b.text))
            };
            pieces.push((b.el.id(), html));
        } else if let Some((kind, rule)) = kinds[i] {
            let u = unit(b.el, &article_ids);
            // A label alone ("Фото:" in a `dt`, its credit in the `dd`):
            // the probe is its unit's text.
            let text = if b.words <= 2 && b.text.ends_with(':') {
                collapse(&u.text().collect::<String>())
            } else {
                b.text.clone()
            };
            // A hand label may name the unit's text.
            let (kind, rule) = match hand
                .get(&(prefix.clone(), text_hash(&text)))
                .map(String::as_str)
            {
                Some(k) if text != b.text => match static_kind(k) {
                    Some(k) => (k, "hand label"),
                    None => continue,
                },
                _ => (kind, rule),
            };
            let html = u.html();
            let context = html.chars().take(500).collect();
            probes.push(Probe {
                kind,
                text,
                rule,
                context,
            });
            units.push(u);
        }
    }
    // Images between the article's first and last paragraph, in their units.
    let (first_id, last_id) = (blocks[first].el.id(), blocks[last].el.id());
    let mut inside = false;
    for n in doc.tree.root().descendants() {
        if n.id() == first_id {
            inside = true;
        }
        if n.id() == last_id {
            break;
        }
        let in_article = || n.ancestors().any(|x| article_ids.contains(&x.id()));
        if inside
            && n.value().as_element().is_some_and(|e| e.name() == "img")
            && !in_article()
            && let Some(el) = ElementRef::wrap(n)
        {
            units.push(unit(el, &article_ids));
        }
    }
    // Units inside other units go with them.
    let unit_ids: HashSet<ego_tree::NodeId> = units.iter().map(|u| u.id()).collect();
    let mut seen = HashSet::new();
    for u in units {
        let nested = u.ancestors().any(|a| unit_ids.contains(&a.id()));
        if nested || !seen.insert(u.id()) {
            continue;
        }
        pieces.push((u.id(), u.html()));
    }
    // Page order: the order of the nodes in the tree.
    let order: BTreeMap<ego_tree::NodeId, usize> = doc
        .tree
        .root()
        .descendants()
        .enumerate()
        .map(|(i, n)| (n.id(), i))
        .collect();
    pieces.sort_by_key(|(n, _)| order.get(n).copied().unwrap_or(usize::MAX));
    let html = pieces
        .into_iter()
        .map(|(_, h)| h)
        .collect::<Vec<_>>()
        .join("\n");
    Some(Entry {
        id: id.to_string(),
        dev: is_dev(id),
        html,
        article,
        named_boilerplate: named,
        probes,
        authors: feedsieve::extract::extract(page, None)
            .map(|a| a.authors)
            .unwrap_or_default(),
    })
}

/// Whether an article block (a ground-truth paragraph) is of a kind that
/// feedsieve's statement of purpose names boilerplate to strip, which the
/// benchmark's annotators kept in the body: an "originally published on" or
/// "appeared first on" footer, a follow call ("Follow X on Facebook,
/// Twitter …"), a copyright notice, an ad (an affiliate line: "Get it on
/// Amazon for $67.77", "… may receive a commission"). Written from that
/// statement and the dev half's losses, before the held-out half was
/// scored so; the blocks stay in the entries (which are unchanged) and are
/// counted apart.
pub fn named_boilerplate(lower: &str, words: usize) -> bool {
    let l = lower.trim_start_matches(['(', '[', ' ', '—', '-']);
    let footer = l.starts_with("originally published")
        || l.starts_with("originally appeared")
        || l.contains("appeared first on")
        || ["this article", "this story", "this post"].iter().any(|h| {
            l.strip_prefix(h).is_some_and(|r| {
                let r = r.trim_start().trim_start_matches("was ").trim_start();
                r.starts_with("originally") || r.starts_with("first published")
            })
        });
    let copyright =
        l.starts_with('©') || l.starts_with("copyright ") || l.contains("all rights reserved");
    let social = ["facebook", "twitter", "instagram"];
    let follow = words <= 20 && l.starts_with("follow ") && social.iter().any(|w| l.contains(w));
    let affiliate = l.contains("receive a commission")
        || l.contains("earn a commission")
        || (words <= 15
            && (l.starts_with("get it on ") || l.starts_with("get it at "))
            && l.contains(" for "));
    words <= 80 && (footer || copyright || follow || affiliate)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Every page's entry (pages with fewer than 3 article blocks left out), in
/// id order.
pub fn load(dir: &Path) -> Vec<Entry> {
    let gt: BTreeMap<String, serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("ground-truth.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let mut out = Vec::new();
    for (id, v) in &gt {
        let truth = v["articleBody"].as_str().unwrap_or("");
        let Ok(file) = std::fs::File::open(dir.join("html").join(format!("{id}.html.gz"))) else {
            continue;
        };
        let mut page = String::new();
        if flate2::read::GzDecoder::new(file)
            .read_to_string(&mut page)
            .is_err()
        {
            continue;
        }
        if let Some(e) = entry(id, &page, truth) {
            out.push(e);
        }
    }
    out
}
