//! The built-in boilerplate knowledge: phrase patterns per boilerplate class,
//! class/id tokens of ad, share, newsletter and related containers, tracking
//! images, URL schemes and tracking parameters.
//!
//! Each rule judges one element or one block on its own and names itself; it
//! never removes anything (the classifier decides) and must stay general:
//! patterns describe a class of boilerplate, never one site's exact string.

use std::hash::Hasher;

use super::sink::El as Element;
use regex::{Regex, RegexSet};

use super::CleanError;
use super::dom;

/// Blocks longer than this are article text as far as phrase rules go: the
/// boilerplate classes below are all short.
pub(crate) const PHRASE_MAX_WORDS: u32 = 80;
/// The longest block taken for part of an author's bio.
const BIO_MAX_WORDS: u32 = 80;
/// The longest block a whole-block label rule ([`LONE`]) may remove.
const LONE_MAX_WORDS: u32 = 20;

/// A phrase rule: its reason, its pattern, and the longest block it may remove.
struct Rule {
    name: &'static str,
    pattern: &'static str,
    max_words: u32,
}

const fn rule(name: &'static str, pattern: &'static str, max_words: u32) -> Rule {
    Rule {
        name,
        pattern,
        max_words,
    }
}

/// Whole-block labels, matched against the block's "bare" text (lower case,
/// only letters, digits and single spaces).
const LONE: &[Rule] = &[
    rule(
        "ad marker",
        r"^(advertisement|advertisements|advertising|advertorial|ad|ads|anzeige|werbung|publicit[eé]|publicidad|publicidade|pubblicit[aà]|reklama|реклама|広告|광고|sponsored|sponsored (content|post|posts|links?|stories|by)|paid (content|post|partner content)|promoted|promoted (content|stories)|partner content|(story|article|content|text) continues (below|after)( (this|the))?( (advertisement|ad))?|continue reading (the main story|below)|scroll (down )?to continue( with content)?|skip (this )?ad|remove ads|ad feedback|report (this )?ad|ad choices|adchoices)$",
        12,
    ),
    rule(
        "share buttons",
        r"^((share|share this|share on|share via|shares|tweet|email|e mail|mail|print|pin|pin it|save|copy|copy link|link|facebook|twitter|linkedin|whatsapp|reddit|pinterest|telegram|x|messenger|flipboard|pocket|tumblr|mastodon|threads|bluesky|sms|more|this|article|story|post|page|opens in new window|on|it|comments?|\d+)( |$))+$",
        20,
    ),
    rule(
        "like button",
        r"^(like this|like loading|loading|be the first to like this|\d+ (likes?|bloggers like this))$",
        10,
    ),
    rule(
        "logo or icon label",
        r"^((site|company|brand|header|footer|the|our|main|\w+) )?(logo|favicon|icon|avatar)( (logo|favicon|icon|image|img|png|jpg|svg|small|large))*$",
        4,
    ),
];

const SHARE_WORDS: &[&str] = &[
    "share",
    "tweet",
    "facebook",
    "twitter",
    "linkedin",
    "whatsapp",
    "reddit",
    "pinterest",
    "telegram",
    "flipboard",
    "tumblr",
    "mastodon",
    "bluesky",
    "messenger",
    "pocket",
    "email",
    "print",
];

/// Phrase patterns, matched against the block's lower-cased text.
const PHRASES: &[Rule] = &[
    rule(
        "syndication footer",
        r"^the post .+ (appeared|was published) first on .+",
        80,
    ),
    rule(
        "syndication footer",
        r"^(this|the) (post|article|story|piece|content|entry|report|item|blog post|column)( was| is| has been| had been)?( originally| first)? (published|appeared|posted|syndicated|republished|reposted)\b",
        40,
    ),
    rule(
        "syndication footer",
        r"^(originally|first) (published|appeared|posted) (on|at|in|by|here)\b",
        30,
    ),
    rule(
        "syndication footer",
        r"\b(republished|reprinted|reproduced|reposted|published|used|shared) (here )?with (the )?(kind |express )?permission\b",
        40,
    ),
    rule(
        "syndication footer",
        r"\bbe sure to check out (more|the rest) of\b",
        40,
    ),
    rule(
        "read-more link",
        r"^(read|see|view|get) (the )?(full|original|complete|entire|whole|rest of (the|this))\b",
        20,
    ),
    rule("read-more link", r"^read more\b", 15),
    rule("read-more link", r"^(continue|keep) reading\b", 20),
    rule("copyright notice", r"^(©|\(c\)|copyright\b)", 50),
    rule("copyright notice", r"\ball rights reserved\b", 50),
    rule(
        "copyright notice",
        r"\bmay not be (re)?(published|reproduced|distributed|redistributed|rewritten|broadcast|copied|reposted)\b",
        50,
    ),
    rule(
        "share/follow call",
        r"^share (this|the|on|via|with)\b.*(facebook|twitter|linkedin|email|friends?|article|story|post)",
        15,
    ),
    rule(
        "share/follow call",
        r"^(click|tap) to (share|email|print|tweet|pin)\b",
        15,
    ),
    rule(
        "share/follow call",
        r"^(follow|like|find|connect with|join) .{1,40}? (on|at|via) (twitter|facebook|instagram|x|linkedin|youtube|tiktok|threads|bluesky|mastodon|google news|telegram|whatsapp|flipboard|social media)\b",
        30,
    ),
    rule("share/follow call", r"^follow us\b", 20),
    // A reading-time strip ("By the staff · 7 min read"): its number
    // changes from entry to entry, so the template, which learns exact
    // text, does not take it.
    rule(
        "reading time",
        r"\b\d+ ?-? ?(min|mins|minute|minutes)\.? read\b|\breading time\b",
        12,
    ),
    // Photo credits: a line that names who took or owns a picture.
    rule(
        "photo credit",
        r"^[(\[]?(lead |top |header |featured? |main |hero |cover |file )?(photo|photograph|image|picture|pic|illustration|graphic|artwork)s?( credits?)?( by\b| ?:| ?/| ?\|| ?©| courtesy\b| via\b)",
        12,
    ),
    rule(
        "photo credit",
        r"^[(\[]?(credits?|(image|photo|picture|photograph) (credits?|source)|source of (the )?(image|photo)|courtesy)\s*:",
        30,
    ),
    rule(
        "photo credit",
        r"^[(\[]?(ap|afp|reuters|getty|getty images|epa|upi|dpa|file|staff|handout|pool|courtesy|submitted|contributed|supplied|provided|ap file|associated press|the associated press|pa|anadolu|xinhua) (file )?(photo|photograph|image|picture|pic)s?(\s*$|\s*[/:|)\]]| by\b| courtesy\b)",
        30,
    ),
    rule("photo credit", r"^[(\[]?courtesy (of )?\S", 8),
    rule(
        "photo credit",
        r"\((photo|image|pic)(graph|ture)?s?( credits?)?( by\b| ?:| courtesy\b| via\b| ?/| ?©)",
        60,
    ),
    // Notes about the story itself: updates and corrections.
    rule(
        "update note",
        r"^[(\[*]?(correction|clarification|editor'?s'? note|editors'? note|ed\.? note|update|updated|last updated)s?\b[^:]{0,25}?[:—–]",
        80,
    ),
    rule(
        "update note",
        r"^[(\[*]?(updated|last updated|first published|published|posted)( on| at)?:? (\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)",
        15,
    ),
    rule(
        "update note",
        r"^[(\[*]?((editor'?s'? )?note:? )?(this|the above) (story|article|post|report|piece|item|page|blog post|column|list|guide|review)( has| had| was| is| will| may)?( been| be| being)? (updated|corrected|amended|revised|edited|changed|clarified)\b",
        80,
    ),
    rule(
        "update note",
        r"^[(\[*]?an? (earlier|previous|prior|original) version of this (story|article|post|report|piece|item|page|column)\b",
        80,
    ),
    rule(
        "update note",
        r"^[(\[*]?(updated (with|to (include|add|reflect|correct))|this is a (developing|breaking)|this (story|article) is (developing|breaking)|this (story|article) (will|may) be updated|we (have )?(updated|corrected|amended|revised) this (story|article|post|report|piece))\b",
        40,
    ),
    // A link to another story set between the paragraphs.
    rule(
        "inline related link",
        r"^(more|read more|more news|read|related|related (story|stories|article|articles|coverage|content|link|links|reading|video)|see also|also read|read also|also see|also|don't miss|do not miss|must read|recommended|previously|click here|read next|up next|in other news|also on [^ :]+)\s*(:|>>|»|›|\|)",
        30,
    ),
    rule(
        "inline media link",
        r"^(watch|listen|video|videos|photos|gallery|photo gallery|in pictures|podcast|explainer|analysis|opinion|trending|latest|explore|check out|live updates|live)\s*(:|>>|»|›|\|)",
        30,
    ),
];

/// The start of an author's bio: a name (not a pronoun or article), then
/// what bios say of people. Matched against the block's own text, for its
/// capitals. A bio box may be headed ("About the author:"), and the name may
/// be followed by a handle in brackets or an appositive or relative clause
/// between commas ("Ana Ruiz, a contributing writer, lives in …"; "…, who
/// has covered the courts since 2010, is …"): what follows the name is what
/// tells a bio, and the clause only delays it: after a clause, the bio's
/// words must be in what follows it ("Ana Ruiz, who covers the courts, was
/// subpoenaed" is news about a reporter).
const BIO_NAME: &str = r"^(?:About the (?:author|writer|reporter)s?:? )?(?:(?:Dr|Mr|Ms|Mrs|Prof)\.? )?(?P<name>\p{Lu}[\p{L}'’.\-]*(?: \p{Lu}[\p{L}'’.\-]*){0,3})(?: \([^()]{1,40}\))?(?P<clause>, (?:a|an|the|our|who|whose|formerly|previously|now)\b[^,]{1,80},|,)? (?:now |also )?(?:is|was|has been|has|joined|covers|covered|reports|writes|wrote|edits|previously|spent|began|started|leads|lives|holds|graduated|came|contributed)\b";
/// Words that start a sentence but never a name.
const NOT_NAMES: &[&str] = &[
    "He", "She", "They", "It", "The", "This", "That", "These", "Those", "A", "An", "We", "I",
    "You", "His", "Her", "Our", "Their", "Its", "There", "Here", "What", "Who", "Which", "But",
    "And", "If", "When", "Now", "Then", "Also", "Still", "Yet",
];
/// What a bio says of its subject.
const BIO_WORDS: &str = r"\b(writes (a|an|the) (\w+ )?column|reporter|writer|correspondent|editor|journalist|columnist|contributor|contributing|producer|photographer|photojournalist|intern|bureau|freelance|freelancer|anchor|critic|blogger|author of|covers|covered|covering|edits|reports on|reporting on|writes about|writing about|has written for|has reported|host of|contributed (reporting|to this))\b";
/// A journalist's beat.
const BIO_BEAT: &str =
    r"\b(covers|covered|covering|reports on|reporting on|writes about|writing about|edits)\b";
/// A contact or follow line of a bio box.
const BIO_CONTACT: &str = r"^(you can )?(follow|reach|contact|email|e-mail|message|dm|tweet at|find) (him|her|them|me|the (author|writer|reporter|columnist))\b|^(e-?mail|twitter|x|instagram|threads|bluesky|mastodon|phone)\s*:\s*\S|\bcan be reached (at|by|on|via)\b|^(additional )?(reporting|writing|editing) by\b|^\S+@\S+\.[a-z]+$";

/// Picture agencies and libraries, lower case: a short line that ends with
/// one after a slash, bar, dash or "via" is a photo credit
/// ("Jane Doe/AP", "Jane Doe via Getty Images").
const AGENCIES: &[&str] = &[
    "getty images",
    "getty",
    "the associated press",
    "associated press",
    "ap",
    "afp",
    "reuters",
    "epa",
    "epa-efe",
    "shutterstock",
    "istock",
    "istockphoto",
    "alamy",
    "alamy stock photo",
    "bloomberg",
    "zuma press",
    "zuma wire",
    "sipa usa",
    "nurphoto",
    "unsplash",
    "pexels",
    "wikimedia commons",
    "flickr",
    "upi",
    "dpa",
    "anadolu agency",
    "xinhua",
];
/// What stands between a photographer's name and the agency: a mark, or
/// a word.
const AGENCY_MARKS: &[&str] = &["/", "|", "—", "–"];
/// Only "via": "reported by Reuters" ends an article's sentence.
const AGENCY_WORDS: &[&str] = &[" via"];
/// The longest line taken for an agency credit.
const AGENCY_CREDIT_MAX_WORDS: u32 = 12;
/// A photographer's credit to a publication, which only its place beside an
/// image tells from a line of text: a name, "for" or a mark, and a
/// title-cased outlet ("Jane Doe for The Times", "Jane Doe | Metro Ledger").
/// Matched against the block's own text, for its capitals.
const NAME_CREDIT: &str = r"^\p{Lu}[\p{L}'’.\-]+(?: \p{Lu}[\p{L}'’.\-]+){1,2} (?:for|/|\||—|–) (?:the )?\p{Lu}[\p{L}'’.&\-]*(?: (?:of |the )?\p{Lu}[\p{L}'’.&\-]*){0,4}$";

/// Bullets, arrows and dashes that may lead a label.
const DECORATION: &[char] = &[
    '»', '›', '>', '•', '*', '▶', '►', '·', '-', '–', '—', '|', '→', ' ',
];

/// Between the lower-case texts of two blocks in their shared buffer: a
/// byte none of the literals of [`Builtin::needs`] holds.
pub(crate) const BLOCK_SEPARATOR: char = '\n';

/// Literals one of which every unanchored [`PHRASES`] pattern needs: most
/// blocks are article text that has none, and this one literal search is
/// much cheaper than the pattern set, whose own prefixes ("used", "shared",
/// "published") are common words. Keep in step with [`PHRASES`] (a test
/// checks each unanchored pattern names one).
const PHRASES_ANY_NEEDS: &[&str] = &[
    "permission",
    "be sure to check out",
    "all rights reserved",
    "may not be",
    "min read",
    "mins read",
    "minute read",
    "minutes read",
    "min. read",
    "reading time",
    "(photo",
    "(image",
    "(pic",
];

/// Calls to act that mark a subscription block (second person, imperative).
const NEWSLETTER_CALLS: &[&str] = &[
    r"^(sign up|signup|subscribe|join|register|get|enter|don't miss|never miss|stay (informed|updated|in the know|up to date|connected)|want (more|the latest))\b",
    r"\byour (inbox|e-?mail)\b",
    r"\bwe('ll| will)? (don't|do not|never|won't|will not|hate) (spam|share your)",
    r"\bno spam\b",
    r"\b(our|the) privacy (policy|notice|statement)\b",
    r"\bunsubscribe (at any time|anytime)\b",
    r"\bby (signing up|subscribing|clicking|entering)\b",
    r"\bthanks?( you)? for (signing up|subscribing)\b",
    r"\b(sign up|subscribe) (for|to|today|now|here|free)\b",
];

/// Topic words of a subscription block.
const NEWSLETTER_TERMS: &[&str] = &[
    r"\bsign(ing)? ?up\b",
    r"\bsubscri(be|bed|bing|ption|ptions)\b",
    r"\b(get|receive) (the latest|our|daily|weekly|breaking)\b",
    r"\bterms (of (use|service)|and conditions)\b",
    r"\bopt[- ]?(in|out)\b",
];

/// Literals one of which every [`NEWSLETTER_TOPICS`] pattern needs ("mail"
/// stands for "e-mail", "email" and "mailing list"): a block without any
/// cannot be a subscription block, and the calls set, whose prefixes ("we",
/// "by") are everywhere, is not run on it. Keep in step (a test checks).
const TOPICS_NEED: &[&str] = &[
    "newsletter",
    "inbox",
    "spam",
    "privacy",
    "mail",
    "unsubscribe",
    "delivered",
    "digest",
    "briefing",
    "roundup",
];

/// Words only a subscription block uses: "sign up for a free trial" is
/// article text about a product, "sign up ... in your inbox" is not.
const NEWSLETTER_TOPICS: &[&str] = &[
    r"\bnewsletters?\b",
    r"\binbox(es)?\b",
    r"\bspam\b",
    r"\bprivacy (policy|notice|statement)\b",
    r"\bmailing list\b",
    r"\bunsubscribe\b",
    r"\be-?mail (address|updates|alerts?|list)\b|\byour e-?mail\b",
    r"\bdelivered (straight |directly )?to your\b",
    r"\b(daily|weekly|morning|evening) (digest|briefing|roundup|email|newsletter)\b",
];

/// Heads of related-link blocks; a match counts only for a lone label, a
/// block with a colon near the start, or a link-heavy block.
const RELATED: &str = r"^(more from|more on|more about|more stories|more news|more coverage|more like this|more in|you (may|might|will) (also )?(like|enjoy|be interested)|we recommend|recommended( for you| reading| stories| articles| videos)?|related( stories| articles| posts| coverage| content| reading| news| links| topics| videos)?|see also|also (read|see|on|watch)|read (also|next)|what to read next|don't miss|most (popular|read|viewed|shared)|trending( now| stories)?|further reading|top stories|popular (posts|stories)|in case you missed it|editor'?s picks|up next|watch next|suggested (reading|articles|stories)|previous (post|article)|next (post|article))\b";

/// Weak hints that make a short block at the article's edge boilerplate.
/// Anchored at the start: "request for comment" ends many news stories.
const EDGE_HINT: &str = r"^\W*(share|follow|subscribe|newsletter|related|recommended|comments|leave a comment|tags?|tagged|filed under|posted in|categor(y|ies)|click here|read more|more from|sign up|sponsored|advert\w*|promo\w*|photo credit|image credit|source|via)\b";

/// What every match of a set of start-anchored patterns begins with: up to
/// four bytes of each literal prefix regex-syntax finds in them, as
/// (bytes, mask) of a little-endian word. A block whose start matches none
/// cannot match, and skips the regex call (most blocks: article paragraphs
/// rarely open with "the post", "read more" or "related"), which for a
/// short anchored search is mostly fixed cost.
#[derive(Debug)]
struct Starts(Option<Vec<(u32, u32)>>);

impl Starts {
    /// `None` inside when some pattern is not anchored at the start or may
    /// begin with anything: then every text may match.
    fn of(patterns: &[String]) -> Self {
        Starts(Self::heads(patterns))
    }

    fn heads(patterns: &[String]) -> Option<Vec<(u32, u32)>> {
        use regex_syntax::hir::Look;
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let mut out = Vec::new();
        for p in patterns {
            let hir = regex_syntax::Parser::new().parse(p).ok()?;
            // Anchored as a whole, not in one branch only (`^a|b`).
            if !hir.properties().look_set_prefix().contains(Look::Start) {
                return None;
            }
            let mut seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
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
    fn may_match(&self, text: &str) -> bool {
        let Some(heads) = &self.0 else {
            return true;
        };
        let mut word = [0u8; 4];
        for (w, &b) in word.iter_mut().zip(text.as_bytes()) {
            *w = b;
        }
        let head = u32::from_le_bytes(word);
        heads.iter().any(|&(bytes, mask)| head & mask == bytes)
    }
}

/// How every match of a set of end-anchored patterns ends, as [`Starts`]
/// knows how they begin: up to four bytes of each literal suffix, as
/// (bytes, mask) of a word whose lowest byte is the text's last, filed by
/// that byte. Most texts judged with it are not labels at all, and their
/// last word shows it without the text being rewritten for the patterns.
#[derive(Debug)]
struct Ends(Option<Vec<Vec<(u32, u32)>>>);

impl Ends {
    /// `None` inside when some pattern may end with anything.
    fn of(patterns: &[String]) -> Self {
        Ends(Self::tails(patterns))
    }

    fn tails(patterns: &[String]) -> Option<Vec<Vec<(u32, u32)>>> {
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
    fn may_match(&self, tail: u32) -> bool {
        let Some(by_last) = &self.0 else {
            return true;
        };
        by_last
            .get((tail & 0xFF) as usize)
            .is_some_and(|tails| tails.iter().any(|&(bytes, mask)| tail & mask == bytes))
    }
}

/// A character [`bare`] keeps: a letter or digit.
#[inline]
fn bare_keeps(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        // Two-byte Cyrillic is all letters (as [`bare_into`] reads it).
        ('\u{400}'..='\u{47F}').contains(&c) || dom::is_alphanumeric(c)
    }
}

/// The last four bytes of [`bare`]`(lower)`, the last one lowest and NUL
/// where it is shorter, without writing it: a backward scan that stops as
/// soon as it has them.
fn bare_tail(lower: &str) -> u32 {
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

#[derive(Debug)]
pub(crate) struct Builtin {
    lone: RegexSet,
    lone_tails: Ends,
    /// [`PHRASES`] anchored at the start (a quick anchored search), and the
    /// rest, each with the rule indices of its patterns.
    phrases_start: (RegexSet, Vec<usize>),
    phrases_start_heads: Starts,
    phrases_any: (RegexSet, Vec<usize>),
    /// [`PHRASES_ANY_NEEDS`] and [`TOPICS_NEED`], as literal searches, and
    /// both at once (which most blocks, having none, stop at).
    phrases_any_needs: Regex,
    topics_need: Regex,
    any_need: Regex,
    calls: RegexSet,
    terms: RegexSet,
    topics: RegexSet,
    related: Regex,
    related_heads: Starts,
    edge_hint: Regex,
    url: Regex,
    bio_name: Regex,
    bio_words: Regex,
    bio_contact: Regex,
    bio_beat: Regex,
    name_credit: Regex,
}

pub(crate) struct Verdict {
    pub reason: &'static str,
}

impl Builtin {
    pub fn new() -> Result<Self, CleanError> {
        let err = |e: regex::Error| CleanError::InvalidRule {
            rule: "built-in".to_string(),
            message: e.to_string(),
        };
        // ASCII word boundaries: a Unicode `\b` can stop the regex crate's
        // lazy DFA on non-ASCII text. The patterns' words are ASCII, so
        // nothing is lost.
        let ascii = |p: &str| p.replace(r"\b", r"(?-u:\b)");
        let set = |ps: &mut dyn Iterator<Item = &str>| RegexSet::new(ps.map(ascii)).map_err(err);
        Ok(Builtin {
            lone: set(&mut LONE.iter().map(|r| r.pattern))?,
            lone_tails: Ends::of(&LONE.iter().map(|r| ascii(r.pattern)).collect::<Vec<_>>()),
            phrases_start: phrase_set(true).map_err(err)?,
            phrases_start_heads: Starts::of(&phrase_patterns(true)),
            phrases_any: phrase_set(false).map_err(err)?,
            phrases_any_needs: literals(PHRASES_ANY_NEEDS).map_err(err)?,
            topics_need: literals(TOPICS_NEED).map_err(err)?,
            any_need: literals(&[PHRASES_ANY_NEEDS, TOPICS_NEED].concat()).map_err(err)?,
            calls: set(&mut NEWSLETTER_CALLS.iter().copied())?,
            terms: set(&mut NEWSLETTER_TERMS.iter().copied())?,
            topics: set(&mut NEWSLETTER_TOPICS.iter().copied())?,
            related: Regex::new(&ascii(RELATED)).map_err(err)?,
            related_heads: Starts::of(&[ascii(RELATED)]),
            edge_hint: Regex::new(&ascii(EDGE_HINT)).map_err(err)?,
            url: Regex::new(r"(https?://|www\.)\S+").map_err(err)?,
            bio_name: Regex::new(BIO_NAME).map_err(err)?,
            bio_words: Regex::new(&ascii(BIO_WORDS)).map_err(err)?,
            bio_contact: Regex::new(&ascii(BIO_CONTACT)).map_err(err)?,
            bio_beat: Regex::new(&ascii(BIO_BEAT)).map_err(err)?,
            name_credit: Regex::new(NAME_CREDIT).map_err(err)?,
        })
    }

    /// For each block's range of `lowers`, whether it holds one of the
    /// literals some phrase or subscription rule needs ([`PHRASES_ANY_NEEDS`],
    /// [`TOPICS_NEED`]): one search of the whole buffer instead of one per
    /// block, which was most of the phrase rules' time (few blocks hold
    /// any). The ranges are in buffer order, [`BLOCK_SEPARATOR`] between
    /// them, which no literal holds, so no match spans two blocks and the
    /// first one in each block is found; an empty range holds nothing.
    pub fn needs(&self, lowers: &str, ranges: impl Iterator<Item = (usize, usize)>) -> Vec<bool> {
        let mut hits = self.any_need.find_iter(lowers).peekable();
        ranges
            .map(|(start, end)| {
                if start == end {
                    return false;
                }
                // Matches before this range belong to earlier ones.
                while hits.next_if(|m| m.start() < start).is_some() {}
                hits.peek().is_some_and(|m| m.end() <= end)
            })
            .collect()
    }

    /// The phrase rule a short block breaks, if any. `needs`: what
    /// [`Builtin::needs`] says of the block. `scratch` is any buffer,
    /// reused from block to block.
    pub fn phrase(
        &self,
        lower: &str,
        words: u32,
        link_words: u32,
        needs: bool,
        scratch: &mut String,
    ) -> Option<Verdict> {
        if words > PHRASE_MAX_WORDS {
            return None;
        }
        // A bullet or arrow before a label ("» Related: …") is decoration;
        // before nothing but a link ("→ <a>Headline</a>"), it points
        // elsewhere.
        let trimmed = lower.trim_start_matches(DECORATION);
        if trimmed.len() < lower.trim_start().len() && words <= 20 && link_words >= words {
            return Some(Verdict {
                reason: "inline related link",
            });
        }
        let lower = trimmed;
        // Whole-block labels are short; most blocks skip this pass.
        scratch.clear();
        if words <= LONE_MAX_WORDS && self.lone_tails.may_match(bare_tail(lower)) {
            bare_into(lower, scratch);
        }
        let bare = scratch.as_str();
        let first = |set: &RegexSet, rules: &[Rule], text: &str| {
            // Most blocks match nothing: a plain `is_match` stops early,
            // the overlapping search runs only on a hit. No label matches
            // an empty text (a test checks), and longer blocks have none.
            if text.is_empty() || !set.is_match(text) {
                return None;
            }
            set.matches(text)
                .iter()
                .find(|&i| rules.get(i).is_some_and(|r| words <= r.max_words))
                .and_then(|i| rules.get(i))
                .map(|r| Verdict { reason: r.name })
        };
        // The first phrase rule (in `PHRASES` order) that matches and
        // applies at this length.
        let phrase = || {
            let hits = |(set, idx): &(RegexSet, Vec<usize>)| {
                let found = set.is_match(lower).then(|| set.matches(lower));
                found
                    .into_iter()
                    .flat_map(|m| m.into_iter())
                    .filter_map(|i| idx.get(i).copied())
                    .filter(|&i| PHRASES.get(i).is_some_and(|r| words <= r.max_words))
                    .min()
            };
            let any = needs && self.phrases_any_needs.is_match(lower);
            let start = self.phrases_start_heads.may_match(lower);
            [
                start.then(|| hits(&self.phrases_start)).flatten(),
                any.then(|| hits(&self.phrases_any)).flatten(),
            ]
            .into_iter()
            .flatten()
            .min()
            .and_then(|i| PHRASES.get(i))
            .map(|r| Verdict { reason: r.name })
        };
        if let Some(v) = first(&self.lone, LONE, bare).or_else(phrase) {
            // The button list pattern accepts filler words ("more", "this",
            // "post") so it also needs one word that names a button; a
            // "Watch:" or "Photos:" line is a link to elsewhere only when
            // it is mostly link.
            let ok = match v.reason {
                "share buttons" => bare.split(' ').any(|w| SHARE_WORDS.contains(&w)),
                "inline media link" => link_words > 0 && link_words * 2 >= words,
                _ => true,
            };
            if ok {
                return Some(v);
            }
        }
        if words <= AGENCY_CREDIT_MAX_WORDS && agency_credit(lower) {
            return Some(Verdict {
                reason: "photo credit",
            });
        }
        if words <= 60
            && needs
            && self.topics_need.is_match(lower)
            && self.calls.is_match(lower)
            && self.topics.is_match(lower)
        {
            let hits = self.terms.matches(lower).iter().count()
                + self.calls.matches(lower).iter().count()
                + self.topics.matches(lower).iter().count();
            if hits >= 3 {
                return Some(Verdict {
                    reason: "newsletter signup",
                });
            }
        }
        if words <= 25 && self.is_related_head(lower) {
            let colon = lower
                .char_indices()
                .take_while(|(i, _)| *i < 40)
                .any(|(_, c)| c == ':');
            if words <= 6 || colon || link_words * 2 >= words {
                return Some(Verdict {
                    reason: "related links",
                });
            }
        }
        None
    }

    /// Whether a block reads as the start of an author's bio: a name, a
    /// verb, and what bios say ("Ana Ruiz joined the Herald in 2014 and
    /// covers the courts"). Only the classifier's place rule (the end of the
    /// entry) makes it boilerplate: an article may say as much of someone.
    /// Returns the name the bio is of.
    pub fn bio_start<'t>(&self, text: &'t str, lower: &str, words: u32) -> Option<&'t str> {
        if words > BIO_MAX_WORDS {
            return None;
        }
        let first = text.split([' ', ',']).next().unwrap_or("");
        if NOT_NAMES.contains(&first) {
            return None;
        }
        let found = self.bio_name.captures(text)?;
        let name = found.get(0)?;
        let person = found.name("name").map_or("", |m| m.as_str());
        // After a clause, what is said of the person is the rest (rare:
        // lower-cased here rather than located in `lower`).
        let predicate = found
            .name("clause")
            .filter(|c| c.len() > 1)
            .map(|c| text.get(c.end()..).unwrap_or("").to_lowercase());
        let lower = predicate.as_deref().unwrap_or(lower);
        // And where (in the clause too): a named outlet, a handle or
        // address, or a beat ("a reporter for a student paper" may be anyone).
        let from = found.name("clause").map_or(name.end(), |c| c.start());
        let rest = text.get(from..).unwrap_or("");
        let placed = rest
            .split_whitespace()
            .any(|w| w.starts_with(char::is_uppercase) || w.contains('@'))
            || self.bio_beat.is_match(lower);
        (placed && self.bio_words.is_match(lower)).then_some(person)
    }

    /// A bio box's contact or follow line ("Follow her on Twitter",
    /// "Email: …", "Reporting by …").
    pub fn bio_contact(&self, lower: &str, words: u32) -> bool {
        words <= 25 && self.bio_contact.is_match(lower)
    }

    /// A bio box's further sentences about its subject ("She previously
    /// covered …").
    pub fn bio_more(&self, lower: &str, words: u32) -> bool {
        words <= BIO_MAX_WORDS
            && ["he ", "she ", "they ", "his ", "her ", "their "]
                .iter()
                .any(|p| lower.starts_with(p))
    }

    /// Whether a short line beside an image credits its picture without
    /// saying so: a photographer's name and a publication ("Jane Doe for The
    /// Times"), or only an agency's name ("Getty Images"). Only its place
    /// makes it a credit.
    pub fn credit_by_place(&self, text: &str, lower: &str, words: u32) -> bool {
        if words > AGENCY_CREDIT_MAX_WORDS {
            return false;
        }
        let line = lower.trim_matches(|c: char| c == '(' || c == ')' || c == '.' || c == ' ');
        AGENCIES.contains(&line) || self.name_credit.is_match(text)
    }

    pub fn is_related_head(&self, lower: &str) -> bool {
        self.related_heads.may_match(lower) && self.related.is_match(lower)
    }

    pub fn edge_hint(&self, lower: &str) -> bool {
        self.edge_hint.is_match(lower)
    }

    /// Any word of the boilerplate classes: what makes a repeated block
    /// suspicious rather than a refrain of the article.
    pub fn weak_hint(&self, lower: &str) -> bool {
        self.edge_hint.is_match(lower)
            || self.calls.is_match(lower)
            || self.topics.is_match(lower)
            || self.is_related_head(lower)
    }

    /// The hash a block is known by across entries (and within one): its
    /// lower-cased text with URLs masked and each run of ASCII digits
    /// replaced by one "0", so "© 2024" and "© 2025", "2 min read" and
    /// "12 min read", or a per-entry link are the same block.
    #[cfg(test)]
    pub fn key_hash(&self, lower: &str) -> u64 {
        self.key_hashes(lower).0
    }

    /// The block's shape (the hash above) and its exact text's hash
    /// (URLs masked, digits as they are): the template learns a block by
    /// its exact text, so that a sentence whose numbers change from entry
    /// to entry is never its boilerplate. Without digits the two are one
    /// hash, computed once.
    pub fn key_hashes(&self, lower: &str) -> (u64, u64) {
        let masked = if lower.contains("http") || lower.contains("www.") {
            self.url.replace_all(lower, "<url>")
        } else {
            std::borrow::Cow::Borrowed(lower)
        };
        let mut h = super::classify::hasher();
        let mut had_digits = false;
        let mut rest = masked.as_bytes();
        // Most text has few digits: the next one is found eight bytes at a
        // time (a byte is a digit if it is below 10 once XORed with '0').
        let digit = |x: u64| {
            let v = x ^ rep(b'0');
            v.wrapping_sub(rep(10)) & !v & rep(0x80)
        };
        loop {
            let at = dom::first_flagged(rest, 0, digit);
            let (text, tail) = rest.split_at(at.min(rest.len()));
            h.write(text);
            if tail.is_empty() {
                break;
            }
            h.write(b"0");
            had_digits = true;
            let digits = tail.iter().take_while(|b| b.is_ascii_digit()).count();
            rest = tail.get(digits..).unwrap_or_default();
        }
        let shape = std::hash::Hasher::finish(&h);
        if !had_digits {
            return (shape, shape);
        }
        let mut exact = super::classify::hasher();
        exact.write(masked.as_bytes());
        (shape, std::hash::Hasher::finish(&exact))
    }
}

/// Whether a short line ends with a picture agency after a separator
/// ("jane doe / ap", "(photo by x via getty images)"): by suffix, without a
/// regex, since few lines end so.
fn agency_credit(lower: &str) -> bool {
    let line = lower.trim_end_matches(['.', ')', ']', ' ']);
    AGENCIES.iter().any(|agency| {
        let Some(before) = line.strip_suffix(agency) else {
            return false;
        };
        let before = before.trim_end();
        // A mark right before the agency, or a word after a space (so that
        // "cheap" does not end with "ap"), and a name before either.
        let rest = AGENCY_MARKS
            .iter()
            .find_map(|m| before.strip_suffix(m))
            .or_else(|| {
                (before.len() < line.len() - agency.len())
                    .then(|| AGENCY_WORDS.iter().find_map(|w| before.strip_suffix(w)))
                    .flatten()
            });
        rest.is_some_and(|r| !r.trim().is_empty())
    })
}

/// The phrase patterns anchored at the start (or the others), as a set, with
/// each set member's index in [`PHRASES`].
fn phrase_set(anchored: bool) -> Result<(RegexSet, Vec<usize>), regex::Error> {
    let idx: Vec<usize> = (0..PHRASES.len())
        .filter(|&i| PHRASES[i].pattern.starts_with('^') == anchored)
        .collect();
    let set = RegexSet::new(phrase_patterns(anchored))?;
    Ok((set, idx))
}

/// The [`PHRASES`] patterns anchored at the start (or the others), in
/// order, with ASCII word boundaries.
fn phrase_patterns(anchored: bool) -> Vec<String> {
    PHRASES
        .iter()
        .filter(|r| r.pattern.starts_with('^') == anchored)
        .map(|r| r.pattern.replace(r"\b", r"(?-u:\b)"))
        .collect()
}

/// A search for any of `words`, literally (the regex crate runs an
/// alternation of plain literals as a vectorised multi-literal search).
fn literals(words: &[&str]) -> Result<Regex, regex::Error> {
    let escaped: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    Regex::new(&escaped.join("|"))
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
fn lower_mixed(text: &str, out: &mut String) -> usize {
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
const fn rep(x: u8) -> u64 {
    0x0101_0101_0101_0101 * x as u64
}

/// How many of the eight bytes of `x` (the first lowest; `next` is the
/// same text one byte on) lower-casing keeps, counted from the first: ASCII
/// other than capitals, lower-case two-byte Cyrillic (U+0430-045F, as
/// [`lower_mixed`] keeps it) and the continuation bytes after them. Every
/// test is exact per byte (no carry or borrow crosses bytes), so a byte
/// counted is one the character-wise rule copies as it is.
#[inline]
fn kept_bytes(x: u64, next: u64) -> usize {
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
fn push_lower(c: char, out: &mut String) {
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
fn bare(lower: &str) -> String {
    let mut out = String::new();
    bare_into(lower, &mut out);
    out
}

/// [`bare`], appended to `out`.
fn bare_into(lower: &str, out: &mut String) {
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

/// Splits class and id values into lower-case parts: on punctuation and at
/// camelCase humps ("adSlot-2" → ad, slot, 2).
fn parts(value: &str, out: &mut Vec<String>) {
    let (mut buf, mut ranges) = (String::new(), Vec::new());
    parts_into(value, &mut buf, &mut ranges);
    out.extend(ranges.iter().map(|&r| part(&buf, r).to_string()));
}

/// [`parts`] without a String per part: lower-cased into `buf`, as byte
/// ranges of it (both cleared first, and reused from token to token).
fn parts_into(value: &str, buf: &mut String, ranges: &mut Vec<(usize, usize)>) {
    buf.clear();
    ranges.clear();
    // Where the current part starts in `buf`.
    let mut start = 0;
    let mut prev_lower = false;
    for c in value.chars() {
        if !c.is_alphanumeric() {
            if buf.len() > start {
                ranges.push((start, buf.len()));
                start = buf.len();
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && buf.len() > start {
            ranges.push((start, buf.len()));
            start = buf.len();
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        buf.extend(c.to_lowercase());
    }
    if buf.len() > start {
        ranges.push((start, buf.len()));
    }
}

fn part(buf: &str, (start, end): (usize, usize)) -> &str {
    buf.get(start..end).unwrap_or("")
}

const AD_PARTS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "advert",
    "adverts",
    "advertisement",
    "advertisements",
    "advertising",
    "adslot",
    "adunit",
    "adsense",
    "adsbygoogle",
    "adbox",
    "adwrap",
    "adcontainer",
    "sponsor",
    "sponsors",
    "sponsored",
    "promo",
    "promos",
    "promoted",
    "dfp",
    "gpt",
    "doubleclick",
    "taboola",
    "outbrain",
    "feedflare",
    "dianomi",
    "zergnet",
    "revcontent",
    "mgid",
];
const NEWSLETTER_PARTS: &[&str] = &[
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "signup",
    "optin",
    "mailchimp",
    "mc4wp",
    "convertkit",
    "mailerlite",
];
const SOCIAL_PARTS: &[&str] = &[
    "share",
    "shares",
    "sharing",
    "sharedaddy",
    "sharethis",
    "addthis",
    "addtoany",
    "a2a",
    "social",
    "sociable",
    "shareaholic",
    "likebox",
    "likes",
    "follow",
];
const RELATED_PARTS: &[&str] = &[
    "related",
    "relatedposts",
    "recommended",
    "recommendations",
    "yarpp",
    "crp",
    "readnext",
];
const CAPTION_PARTS: &[&str] = &[
    "caption",
    "captions",
    "figcaption",
    "cutline",
    "cutlines",
    "legend",
];
const CREDIT_PARTS: &[&str] = &["credit", "credits", "photocredit", "imagecredit"];
const BIO_PARTS: &[&str] = &[
    "bio",
    "bios",
    "biography",
    "authorbio",
    "authorbox",
    "abouttheauthor",
    "aboutauthor",
    "authorinfo",
];
const OTHER_PARTS: &[&str] = &[
    "comments",
    "disqus",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "navigation",
];
const HIDDEN_TOKENS: &[&str] = &[
    "screen-reader-text",
    "sr-only",
    "visually-hidden",
    "hidden",
    "d-none",
];

/// The reasons of caption and credit elements: an element so named that
/// holds the image itself loses only its caption, not the picture.
pub(crate) const IMAGE_CAPTION: &str = "image caption";
pub(crate) const PHOTO_CREDIT: &str = "photo credit";

/// The boilerplate class an element's class/id tokens name, if any.
pub(crate) fn class_reason(el: &Element) -> Option<String> {
    let (mut buf, mut ps) = (String::new(), Vec::new());
    for attr in ["class", "id"] {
        let Some(value) = el.attr(attr) else { continue };
        for token in value.split_whitespace() {
            if HIDDEN_TOKENS.iter().any(|h| token.eq_ignore_ascii_case(h)) {
                return Some(format!("hidden element ({attr} {token:?})"));
            }
            parts_into(token, &mut buf, &mut ps);
            for (set, what) in [
                (AD_PARTS, "ad container"),
                (NEWSLETTER_PARTS, "newsletter block"),
                (SOCIAL_PARTS, "share/follow block"),
                (RELATED_PARTS, "related links"),
                (OTHER_PARTS, "navigation/comments"),
                (CAPTION_PARTS, IMAGE_CAPTION),
                (CREDIT_PARTS, PHOTO_CREDIT),
                (BIO_PARTS, "author bio"),
            ] {
                if ps.iter().any(|&p| set.contains(&part(&buf, p))) {
                    return Some(format!("{what} ({attr} {token:?})"));
                }
            }
            // "author-box", "about-the-author", "post-author-info"
            let has = |w: &str| ps.iter().any(|&p| part(&buf, p) == w);
            if has("author")
                && [
                    "box",
                    "about",
                    "info",
                    "card",
                    "profile",
                    "description",
                    "details",
                ]
                .iter()
                .any(|w| has(w))
            {
                return Some(format!("author bio ({attr} {token:?})"));
            }
        }
    }
    None
}

/// `style="display:none"` or the `hidden` attribute: text no reader sees.
pub(crate) fn is_hidden(el: &Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    el.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Path and host fragments of tracking pixels and feed-ad images.
const TRACKER_PATHS: &[&str] = &[
    "/~r/",
    "/~ff/",
    "/~a/",
    "feedsportal.com",
    "pixel.wp.com",
    "stats.wordpress.com",
    "doubleclick.net",
    "google-analytics.com",
    "googlesyndication.com",
    "scorecardresearch.com",
    "quantserve.com",
    "pheedo.com",
    "feedblitz.com/_/",
    "list-manage.com/track",
    "/track/open",
    "/tracking/",
    "/beacon",
    "/1x1.",
    "spacer.gif",
    "blank.gif",
    "transparent.gif",
    "clear.gif",
    "pixel.gif",
    "/open.aspx",
    "analytics.",
    "counter.",
    "amazon-adsystem.com",
    "adservice.",
    "/ads/",
    "/pixel?",
    "/pixel/",
];
const TRACKER_HOST_PREFIXES: &[&str] = &[
    "pixel.",
    "stats.",
    "beacon.",
    "track.",
    "tracking.",
    "tracker.",
    "counter.",
];

/// Why an image is not content: a tracking pixel, a feed ad, a logo or icon.
pub(crate) fn image_reason(el: &Element) -> Option<&'static str> {
    let tiny = |a: &str| {
        el.attr(a).is_some_and(|v| {
            let digits: String = v.trim().chars().take_while(char::is_ascii_digit).collect();
            !digits.is_empty() && digits.parse::<u32>().is_ok_and(|n| n <= 2)
        })
    };
    if tiny("width") || tiny("height") {
        return Some("tracking pixel (1×1 image)");
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if ["width:0", "height:0", "width:1px", "height:1px"]
            .iter()
            .any(|p| s.contains(p))
        {
            return Some("tracking pixel (1×1 image)");
        }
    }
    let src = el.attr("src").unwrap_or("").trim().to_ascii_lowercase();
    if TRACKER_PATHS.iter().any(|p| src.contains(p)) {
        return Some("tracking pixel (tracker host)");
    }
    if let Some(host) = src
        .split("//")
        .nth(1)
        .and_then(|r| r.split(['/', '?', '#']).next())
    {
        if TRACKER_HOST_PREFIXES.iter().any(|p| host.starts_with(p)) {
            return Some("tracking pixel (tracker host)");
        }
        if host.ends_with("gravatar.com") {
            return Some("logo or icon image");
        }
    }
    let file = src
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("");
    let icon_word = |s: &str| {
        let mut ps = Vec::new();
        parts(s, &mut ps);
        ps.iter().any(|p| {
            matches!(
                p.as_str(),
                "logo" | "logos" | "favicon" | "icon" | "icons" | "avatar" | "sprite"
            )
        })
    };
    if file.ends_with(".ico") || icon_word(file) {
        return Some("logo or icon image");
    }
    if el.attr("alt").is_some_and(icon_word) || el.attr("class").is_some_and(icon_word) {
        return Some("logo or icon image");
    }
    None
}

/// Feedburner's feedflare and ad links (`/~ff/`, `/~a/`).
pub(crate) fn is_feed_ad_link(href: &str) -> bool {
    href.contains("/~ff/") || href.contains("/~a/")
}

/// The URL if its scheme is safe: http, https, (for links) mailto, or a
/// relative URL. Browsers ignore tabs, newlines and leading control
/// characters in a scheme ("java\tscript:"), so they are ignored here too.
pub(crate) fn safe_url(value: &str, allow_mailto: bool) -> Option<String> {
    let trimmed = value.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    // Copied whole unless there is something to filter out (rare).
    let cleaned: String = if trimmed.contains(['\t', '\n', '\r']) {
        trimmed
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect()
    } else {
        trimmed.to_string()
    };
    let scheme_end = cleaned.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if cleaned.as_bytes().get(i) == Some(&b':') => {
            let scheme = cleaned.as_bytes().get(..i).unwrap_or_default();
            let ok =
                if scheme.eq_ignore_ascii_case(b"http") || scheme.eq_ignore_ascii_case(b"https") {
                    true
                } else {
                    scheme.eq_ignore_ascii_case(b"mailto") && allow_mailto
                };
            ok.then_some(cleaned)
        }
        _ => {
            // No scheme: relative. Still refuse anything with control
            // characters a browser might strip into a scheme.
            (!cleaned.chars().any(char::is_control)).then_some(cleaned)
        }
    }
}

/// Query parameters that only track the reader.
fn is_tracking_param(name: &str) -> bool {
    let prefix = name.as_bytes().get(..4).unwrap_or_default();
    prefix.eq_ignore_ascii_case(b"utm_")
        || TRACKING_PARAMS.iter().any(|p| name.eq_ignore_ascii_case(p))
}

/// Tracking parameters by full name, lower case (compared ignoring ASCII case).
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "rb_clickid",
    "s_cid",
    "ncid",
    "cmpid",
    "__s",
    "_ga",
    "_gl",
    "spm",
];

/// Removes tracking parameters from a URL's query, leaving every other part
/// byte for byte as it was (no re-encoding).
pub(crate) fn strip_tracking(url: String) -> String {
    let (before_frag, frag) = match url.find('#') {
        Some(i) => url.split_at(i),
        None => (url.as_str(), ""),
    };
    let Some(q) = before_frag.find('?') else {
        return url;
    };
    let (base, query) = (&before_frag[..q], &before_frag[q + 1..]);
    let kept = query
        .split('&')
        .filter(|p| !p.is_empty() && !is_tracking_param(p.split('=').next().unwrap_or("")));
    let mut out = String::with_capacity(url.len());
    out.push_str(base);
    for (i, p) in kept.enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(p);
    }
    out.push_str(frag);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tracking_params_only() {
        assert_eq!(
            strip_tracking("https://a.b/x?utm_source=f&id=3&fbclid=9#top".into()),
            "https://a.b/x?id=3#top"
        );
        assert_eq!(strip_tracking("/p?utm_medium=rss".into()), "/p");
        assert_eq!(
            strip_tracking("https://a.b/x?q=a%20b".into()),
            "https://a.b/x?q=a%20b"
        );
    }

    #[test]
    fn refuses_unsafe_schemes() {
        assert!(safe_url("javascript:alert(1)", true).is_none());
        assert!(safe_url(" JaVa\tScRiPt:alert(1)", true).is_none());
        assert!(safe_url("data:text/html,x", true).is_none());
        assert!(safe_url("vbscript:x", true).is_none());
        assert!(safe_url("mailto:a@b.c", false).is_none());
        assert_eq!(safe_url("/a/b:c", false).as_deref(), Some("/a/b:c"));
        assert_eq!(
            safe_url("https://x.y/", false).as_deref(),
            Some("https://x.y/")
        );
    }

    /// Each pattern a literal prefilter stands for contains one of its
    /// literals (a new pattern without one would never run).
    #[test]
    fn prefilters_cover_their_patterns() {
        let unanchored = PHRASES.iter().filter(|r| !r.pattern.starts_with('^'));
        for r in unanchored {
            assert!(
                PHRASES_ANY_NEEDS.iter().any(|l| r.pattern.contains(l)),
                "{}",
                r.pattern
            );
        }
        for p in NEWSLETTER_TOPICS {
            assert!(TOPICS_NEED.iter().any(|l| p.contains(l)), "{p}");
        }
    }

    #[test]
    fn start_checks_know_their_patterns() {
        let b = Builtin::new().unwrap();
        // Both sets are known literals, so the checks do skip blocks.
        assert!(b.phrases_start_heads.0.is_some() && b.related_heads.0.is_some());
        // Unanchored or open-ended patterns give no check.
        assert!(Starts::of(&[r"\bno spam\b".to_string()]).0.is_none());
        assert!(Starts::of(&[r"^read|more".to_string()]).0.is_none());
        assert!(Starts::of(&[r"^\W*(share|follow)".to_string()]).0.is_none());
        // Every start a rule's own match has passes.
        for text in [
            "the post x appeared first on y",
            "\u{a9} 2024 site",
            "(c) 2024",
            "read more",
            "follow us on x",
            "related",
            "more from the site",
            "you may also like",
            "don't miss",
            "up next",
        ] {
            assert!(
                b.phrases_start_heads.may_match(text) || b.related_heads.may_match(text),
                "{text:?}"
            );
        }
        assert!(!b.phrases_start_heads.may_match("officials said on monday"));
        assert!(!b.related_heads.may_match("officials said on monday"));
    }

    /// 5,000 texts of up to `most` pieces, pseudo-randomly chosen.
    fn random_texts(pieces: &[&str], most: u64) -> Vec<String> {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..5_000)
            .map(|_| {
                (0..next() % most)
                    .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn key_hash_is_the_hash_of_the_text_with_digit_runs_masked() {
        // The stored template keys: SipHash of the text with each run of
        // ASCII digits written as one "0", whatever the digits' offsets.
        let b = Builtin::new().unwrap();
        let reference = |text: &str| {
            let mut masked = Vec::new();
            let mut in_digits = false;
            for &c in text.as_bytes() {
                if c.is_ascii_digit() {
                    if !in_digits {
                        masked.push(b'0');
                    }
                    in_digits = true;
                } else {
                    masked.push(c);
                    in_digits = false;
                }
            }
            let mut h = super::super::classify::hasher();
            h.write(&masked);
            h.finish()
        };
        let pieces = [
            "a", "9", "42", "2026 ", "text ", "\u{e9}", "\u{430}", "/", "0", " ",
        ];
        for text in random_texts(&pieces, 40) {
            assert_eq!(b.key_hash(&text), reference(&text), "{text:?}");
        }
        assert_eq!(
            b.key_hash("\u{a9} 2024 planet daily"),
            b.key_hash("\u{a9} 1999 planet daily")
        );
    }

    #[test]
    fn lower_into_lowers_character_by_character() {
        // The stretch-wise copy of text lower-casing keeps is the
        // character-wise rule, over ASCII runs of every length around
        // Cyrillic, Latin-1, quotes and caseless scripts.
        let pieces = [
            "The ",
            "QUICK",
            "brown ",
            "FoX",
            "jumped over the lazy dog ",
            "\u{41f}\u{440}\u{438}",
            "\u{432}\u{435}\u{442}",
            " \u{41c}\u{418}\u{420} ",
            "\u{401}\u{451}\u{40f}\u{45f}\u{460}\u{461}",
            "\u{404}\u{456}\u{457}\u{48a}\u{48b}\u{430}\u{44f}\u{43f}\u{440}",
            "\u{43e}\u{447}\u{435}\u{43d}\u{44c} ",
            "\u{c9}T\u{c9}",
            "\u{2019}",
            "\u{201c}",
            "\u{2014}",
            "\u{3a3}\u{3c3}",
            "\u{d55c}\u{ad6d}",
            "\u{130}",
            "\u{212a}",
            "12345678 ",
            ".",
        ];
        for text in random_texts(&pieces, 12) {
            let (mut fast, mut slow) = (String::from("x"), String::from("x"));
            lower_into(&text, &mut fast);
            for c in text.chars() {
                push_lower(c, &mut slow);
            }
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    /// The texts the label check is tried on: labels, near misses and
    /// article words, with punctuation, digits of several scripts,
    /// Cyrillic and CJK.
    fn label_texts() -> Vec<String> {
        let pieces = [
            "advertisement",
            "ad",
            "ads",
            "read",
            " ",
            " ",
            " ",
            "— ",
            ", ",
            "share",
            "on",
            "x",
            "facebook",
            "3",
            "\u{663}",
            "\u{967}",
            "12 ",
            "likes",
            "like this",
            "loading",
            "site ",
            "logo",
            " icon",
            "png",
            "реклама",
            "\u{420}\u{435}\u{43a}\u{43b}\u{430}\u{43c}\u{430}",
            "広告",
            "광고",
            "publicité",
            "sponsored by",
            "the",
            "story continues below",
            "avatar",
            "kitchen",
            "\u{43a}\u{443}\u{445}\u{43d}\u{44e}",
            "caf\u{e9}",
            "!",
            "\u{2014}",
        ];
        let mut texts = random_texts(&pieces, 8);
        texts.extend(
            LONE.iter()
                .flat_map(|_| ["", " ", "ad", "x", "1"])
                .map(str::to_string),
        );
        texts
    }

    #[test]
    fn bare_tail_is_the_end_of_the_bare_text() {
        for text in label_texts() {
            let lower = {
                let mut s = String::new();
                lower_into(&text, &mut s);
                s
            };
            let bare = bare(&lower);
            let mut want = 0u32;
            for (k, &b) in bare.as_bytes().iter().rev().take(4).enumerate() {
                want |= u32::from(b) << (8 * k);
            }
            assert_eq!(bare_tail(&lower), want, "{text:?}");
        }
    }

    /// Every label the patterns match passes the check on its end, and the
    /// check does turn texts away.
    #[test]
    fn label_ends_cover_their_patterns() {
        let b = Builtin::new().unwrap();
        assert!(b.lone_tails.0.is_some());
        let (mut matched, mut skipped) = (0, 0);
        for text in label_texts() {
            let mut lower = String::new();
            lower_into(&text, &mut lower);
            let bare = bare(&lower);
            let may = b.lone_tails.may_match(bare_tail(&lower));
            if b.lone.is_match(&bare) {
                matched += 1;
                assert!(may, "{text:?}");
            }
            skipped += usize::from(!may);
        }
        assert!(matched > 100 && skipped > 1_000, "{matched} {skipped}");
        for label in [
            "ad",
            "реклама",
            "広告",
            "\u{663}\u{664} likes",
            "share \u{967}",
            "our logo",
        ] {
            assert!(b.lone.is_match(label) && b.lone_tails.may_match(bare_tail(label)));
        }
        for text in [
            "read",
            "kitchen",
            "a storm",
            "\u{43a}\u{443}\u{445}\u{43d}\u{44e}",
        ] {
            assert!(!b.lone_tails.may_match(bare_tail(text)), "{text:?}");
        }
        // An open-ended pattern gives no check.
        assert!(Ends::of(&[r"^ad\w+".to_string()]).0.is_none());
        assert!(Ends::of(&[r"^ad\b".to_string()]).0.is_none());
    }

    /// One search of the shared buffer says of each block what a search
    /// of the block alone says, literals cut by block ends included.
    #[test]
    fn needs_of_all_blocks_match_each_blocks_own_search() {
        let b = Builtin::new().unwrap();
        for lit in PHRASES_ANY_NEEDS.iter().chain(TOPICS_NEED) {
            assert!(!lit.contains(BLOCK_SEPARATOR), "{lit}");
        }
        let pieces = [
            "mai", "l", "spa", "m ", "inbox", "in", "box", "may not", " be", "x", "news", "letter",
            "\u{43f}", "privacy ", "di", "gest", "", " ",
        ];
        let texts = random_texts(&pieces, 6);
        for group in texts.chunks(7) {
            let mut lowers = String::new();
            let mut ranges = Vec::new();
            for (i, t) in group.iter().enumerate() {
                // Some blocks are long, with no text in the buffer.
                if i % 3 == 2 {
                    ranges.push((0, 0));
                    continue;
                }
                if !lowers.is_empty() {
                    lowers.push(BLOCK_SEPARATOR);
                }
                let start = lowers.len();
                lowers.push_str(t);
                ranges.push((start, lowers.len()));
            }
            let want: Vec<bool> = ranges
                .iter()
                .map(|&(s, e)| s < e && b.any_need.is_match(&lowers[s..e]))
                .collect();
            assert_eq!(b.needs(&lowers, ranges.iter().copied()), want, "{group:?}");
        }
    }

    #[test]
    fn bare_keeps_letters_and_digits_single_spaced() {
        for s in [
            "",
            "  ",
            "— advertisement —",
            "share: a1b2 ,, c",
            "caf\u{e9} \u{43e}\u{43a} x!",
            "\u{43f}\u{440}\u{438}\u{432}\u{435}\u{442}, \u{43c}\u{438}\u{440}\u{ab}\u{45f}\u{47f}\u{bb}2024\u{482}x",
            "\u{d55c}\u{ad6d} \u{2014} 12\u{430}",
        ] {
            let mut general = String::new();
            let mut space = false;
            for c in s.chars() {
                if c.is_alphanumeric() {
                    if space && !general.is_empty() {
                        general.push(' ');
                    }
                    space = false;
                    general.push(c);
                } else {
                    space = true;
                }
            }
            assert_eq!(bare(s), general, "{s:?}");
        }
    }

    #[test]
    fn no_label_is_empty() -> Result<(), CleanError> {
        assert!(!Builtin::new()?.lone.is_match(""));
        Ok(())
    }

    #[test]
    fn splits_class_parts() {
        let mut ps = Vec::new();
        parts("adSlot-2 header", &mut ps);
        assert_eq!(ps, ["ad", "slot", "2", "header"]);
    }
}

#[cfg(test)]
mod agency_tests {
    #[test]
    fn agency_credits_end_with_an_agency_after_a_mark_or_word() {
        for credit in [
            "jane doe/ap",
            "jane doe / ap",
            "(photo by tom berg via getty images)",
            "ana ruiz | reuters.",
            "lee park via bloomberg",
            "photo: sam chen — afp",
        ] {
            assert!(super::agency_credit(credit), "{credit}");
        }
        for text in [
            "it was cheap",
            "ap",
            "/ap",
            "the deal was reported by reuters",
            "shares fell after the news",
        ] {
            assert!(!super::agency_credit(text), "{text}");
        }
    }
}
