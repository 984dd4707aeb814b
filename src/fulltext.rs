//! Full text for summary-only feeds: the decisions of the page step, as pure
//! functions. Whether an entry is a teaser whose page should be fetched (and
//! why), what a feed's recent entries say about it, whether an address is
//! private (the SSRF guard's rule), how long a failed page waits, and whether
//! a page's article is worth more than the teaser.
//!
//! It never fetches, never touches the database and never parses a page: the
//! pipeline runs the page step, the fetcher enforces the guard, the extractor
//! finds the article.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// `full_text`: when an entry's page is fetched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FullText {
    /// When the entry is a teaser and the feed is not known to carry full content.
    #[default]
    Auto,
    /// For every entry with a link.
    Always,
    /// Never.
    Never,
}

impl FullText {
    pub const VALUES: &'static str = "\"auto\", \"always\" or \"never\"";

    pub fn parse(value: &str) -> Option<FullText> {
        match value {
            "auto" => Some(FullText::Auto),
            "always" => Some(FullText::Always),
            "never" => Some(FullText::Never),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FullText::Auto => "auto",
            FullText::Always => "always",
            FullText::Never => "never",
        }
    }
}

/// What a feed's recent entries showed (`feeds.content_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentKind {
    /// Its recent entries were all teasers: every short entry is one.
    Teasers,
    /// Its recent entries carry whole articles: no page is fetched in `auto`.
    Full,
}

impl ContentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::Teasers => "teasers",
            ContentKind::Full => "full",
        }
    }

    pub fn parse(value: &str) -> Option<ContentKind> {
        match value {
            "teasers" => Some(ContentKind::Teasers),
            "full" => Some(ContentKind::Full),
            _ => None,
        }
    }
}

/// At most this many words is short enough to be a teaser. WordPress
/// excerpts are 55 words, "Continue reading" summaries a paragraph or two.
pub const TEASER_MAX_WORDS: usize = 200;
/// A batch of entries this large, all teasers, makes a feed a teaser feed.
const TEASER_FEED_MIN_ENTRIES: usize = 3;

/// Phrases that say the text goes on elsewhere, lower-case; matched in the
/// entry's raw HTML, since the cleaner removes most of them as boilerplate.
const CUT_PHRASES: [&str; 6] = [
    "continue reading",
    "read more",
    "appeared first on",
    "keep reading",
    "read the full",
    "read the rest",
];
/// Endings of a text cut off mid-way.
const CUT_ENDINGS: [&str; 4] = ["[…]", "[...]", "…", "..."];

/// Link endings that are not web pages.
const NOT_PAGES: [&str; 16] = [
    ".pdf", ".mp3", ".mp4", ".m4a", ".ogg", ".opus", ".wav", ".jpg", ".jpeg", ".png", ".gif",
    ".webp", ".zip", ".gz", ".epub", ".mov",
];

/// What an entry's content says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeaserSigns {
    pub words: usize,
    /// The sign that it is cut off, if any.
    pub cut: Option<&'static str>,
}

impl TeaserSigns {
    /// `raw_html` as the feed carried it, `text` as the cleaner left it.
    /// A long text is never a teaser, so its HTML is not searched: the
    /// ingest of full-content feeds pays a word count per entry, no more.
    pub fn of(raw_html: &str, text: &str) -> TeaserSigns {
        let words = word_count(text);
        if words > TEASER_MAX_WORDS {
            return TeaserSigns { words, cut: None };
        }
        let end = text.trim_end();
        let cut = CUT_ENDINGS
            .iter()
            .find(|ending| end.ends_with(*ending))
            .copied()
            .or_else(|| {
                let raw = raw_html.to_lowercase();
                // Apostrophes and arrows vary; the phrases have none.
                CUT_PHRASES
                    .iter()
                    .find(|phrase| raw.contains(*phrase))
                    .copied()
            });
        TeaserSigns { words, cut }
    }

    pub fn is_teaser(&self) -> bool {
        self.words <= TEASER_MAX_WORDS && self.cut.is_some()
    }

    fn is_full(&self) -> bool {
        self.words > TEASER_MAX_WORDS
    }
}

/// Words as the de-duplicator and the figures count them: whitespace-separated.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// What a feed's kind becomes after a fetch whose new or changed entries
/// showed `signs`: `Teasers` when they were all teasers (and enough of them,
/// unless the feed was known as one), `Full` when none was a teaser and one
/// carried a whole article, else what was known.
pub fn learn(known: Option<ContentKind>, signs: &[TeaserSigns]) -> Option<ContentKind> {
    if signs.is_empty() {
        return known;
    }
    let teasers = signs.iter().filter(|s| s.is_teaser()).count();
    if teasers == signs.len()
        && (signs.len() >= TEASER_FEED_MIN_ENTRIES || known == Some(ContentKind::Teasers))
    {
        return Some(ContentKind::Teasers);
    }
    if teasers == 0 && signs.iter().any(TeaserSigns::is_full) {
        return Some(ContentKind::Full);
    }
    if teasers > 0 && known == Some(ContentKind::Full) && teasers * 2 > signs.len() {
        // Most of a batch cut off: the feed changed; decide entry by entry.
        return None;
    }
    known
}

/// Why an entry's page is, or is not, fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Never,
    Always,
    NoLink,
    NotAPage(&'static str),
    FullFeed,
    FullEntry { words: usize },
    Teaser { words: usize, cut: &'static str },
    TeaserFeed { words: usize },
    ShortButWhole { words: usize },
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Never => write!(f, "full_text = \"never\""),
            Reason::Always => write!(f, "full_text = \"always\""),
            Reason::NoLink => write!(f, "no http(s) link"),
            Reason::NotAPage(ext) => write!(f, "the link is not a web page ({ext})"),
            Reason::FullFeed => write!(f, "the feed carries full content"),
            Reason::FullEntry { words } => write!(f, "full content ({words} words)"),
            Reason::Teaser { words, cut } => {
                write!(f, "teaser ({words} words, cut off: \"{cut}\")")
            }
            Reason::TeaserFeed { words } => {
                write!(f, "teaser ({words} words) in a feed of teasers")
            }
            Reason::ShortButWhole { words } => {
                write!(f, "short ({words} words) but not cut off")
            }
        }
    }
}

/// Whether an entry's page is fetched, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub fetch: bool,
    pub reason: Reason,
}

/// Decides whether the page behind an entry's `link` is fetched, given the
/// feed's mode and learned kind (including what this fetch taught it).
pub fn decide(
    mode: FullText,
    kind: Option<ContentKind>,
    signs: TeaserSigns,
    link: Option<&str>,
) -> Decision {
    let no = |reason| Decision {
        fetch: false,
        reason,
    };
    let yes = |reason| Decision {
        fetch: true,
        reason,
    };
    if mode == FullText::Never {
        return no(Reason::Never);
    }
    let Some(link) = link.and_then(|l| url::Url::parse(l).ok()) else {
        return no(Reason::NoLink);
    };
    if !matches!(link.scheme(), "http" | "https") {
        return no(Reason::NoLink);
    }
    if mode == FullText::Always {
        return yes(Reason::Always);
    }
    let path = link.path().to_ascii_lowercase();
    if let Some(ext) = NOT_PAGES.iter().find(|ext| path.ends_with(*ext)) {
        return no(Reason::NotAPage(ext));
    }
    let words = signs.words;
    if kind == Some(ContentKind::Full) {
        return no(Reason::FullFeed);
    }
    if words > TEASER_MAX_WORDS {
        return no(Reason::FullEntry { words });
    }
    match (signs.cut, kind) {
        (Some(cut), _) => yes(Reason::Teaser { words, cut }),
        (None, Some(ContentKind::Teasers)) => yes(Reason::TeaserFeed { words }),
        (None, _) => no(Reason::ShortButWhole { words }),
    }
}

/// Whether a page's article (`article_words`) is worth more than the
/// teaser: clearly longer. A paywall or consent page yields the teaser
/// again, or a few words of its own, and the teaser is kept.
pub fn article_wins(teaser_words: usize, article_words: usize) -> bool {
    article_words >= teaser_words + (teaser_words / 2).max(20)
}

/// The verdict on a page's article (its cleaned text, `None` when the
/// extractor found none) against the teaser: `Ok` when the article
/// replaces it, else why the teaser stays.
pub fn judge(teaser_text: &str, article_text: Option<&str>) -> Result<(), String> {
    let Some(article) = article_text else {
        return Err("no article found on the page".into());
    };
    let (teaser, words) = (word_count(teaser_text), word_count(article));
    if article_wins(teaser, words) {
        Ok(())
    } else {
        Err(format!(
            "the page has no more article than the teaser ({words} words against {teaser}): \
             a paywall or consent page?"
        ))
    }
}

/// Whether a response is an HTML page: by its Content-Type, else by its
/// first bytes. `Err` names what it is instead.
pub fn is_html(content_type: Option<&str>, body: &[u8]) -> Result<(), String> {
    if let Some(ct) = content_type {
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        return match mime.as_str() {
            "text/html" | "application/xhtml+xml" => Ok(()),
            // Servers that label everything: trust the bytes.
            "" | "application/octet-stream" | "text/plain" if looks_like_html(body) => Ok(()),
            _ => Err(format!("not an HTML page ({mime})")),
        };
    }
    if looks_like_html(body) {
        Ok(())
    } else {
        Err("not an HTML page (no Content-Type, and it does not start with markup)".into())
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = &body[start..body.len().min(start + 512)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.contains("<body")
        || (head.starts_with('<') && head.contains("<head"))
}

/// The charset a page declares in a `<meta>` near its start, as a
/// Content-Type for [`crate::parse::decode`], when the HTTP header named none.
pub fn page_content_type(content_type: Option<&str>, body: &[u8]) -> Option<String> {
    if content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("charset=")) {
        return content_type.map(str::to_string);
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(2048)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let label: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    (!label.is_empty()).then(|| format!("text/html; charset={label}"))
}

/// How long a page that failed `attempts` times in a row waits before the
/// next try: `base` doubled per failure, at most `cap`.
pub fn retry_delay(attempts: u32, base: Duration, cap: Duration) -> Duration {
    let doublings = attempts.saturating_sub(1).min(20);
    base.saturating_mul(1 << doublings).min(cap)
}

/// The SSRF guard's rule: addresses a page of a public feed may not reach —
/// loopback, private, link-local (169.254.169.254, cloud metadata), unique
/// local, unspecified, shared (CGNAT), benchmarking, multicast and reserved
/// ranges, including IPv4 addresses inside IPv6 (mapped, compatible, NAT64).
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => private_v6(v6),
    }
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240
}

fn private_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return private_v4(v4);
    }
    let s = ip.segments();
    // IPv4-compatible (::a.b.c.d, deprecated) and NAT64 (64:ff9b::/96).
    if s[..6] == [0, 0, 0, 0, 0, 0] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
        return ip.is_loopback() || ip.is_unspecified() || private_v4(v4);
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signs(raw: &str) -> TeaserSigns {
        TeaserSigns::of(raw, raw)
    }

    const LINK: Option<&str> = Some("https://news.example/2026/story");

    #[test]
    fn a_cut_off_short_entry_is_a_teaser_and_a_long_one_is_not() {
        let cases = [
            (
                "<p>The council voted on Tuesday to convert garages [&#8230;]</p>",
                false,
            ),
            ("The council voted on Tuesday to convert garages […]", true),
            (
                "The council voted on Tuesday. <a href=x>Continue reading →</a>",
                true,
            ),
            ("Short. <p>The post X appeared first on Y.</p>", true),
            ("The council voted on Tuesday to convert garages...", true),
            ("The council voted on Tuesday to convert garages.", false),
        ];
        for (text, teaser) in cases {
            let s = signs(text);
            assert_eq!(s.is_teaser(), teaser, "{text}: {s:?}");
        }
        let long = format!("{} Read more", "word ".repeat(TEASER_MAX_WORDS + 1));
        assert!(!signs(&long).is_teaser());
        assert_eq!(signs(&long).cut, None);
    }

    #[test]
    fn auto_fetches_teasers_only_and_says_why() {
        let teaser = signs("A short summary […]");
        let d = decide(FullText::Auto, None, teaser, LINK);
        assert!(d.fetch);
        assert_eq!(d.reason.to_string(), "teaser (4 words, cut off: \"[…]\")");
        let whole = signs("A short but whole note.");
        assert_eq!(
            decide(FullText::Auto, None, whole, LINK).reason,
            Reason::ShortButWhole { words: 5 }
        );
        // In a feed of teasers, a short entry is one even without a marker.
        assert!(decide(FullText::Auto, Some(ContentKind::Teasers), whole, LINK).fetch);
        // A full-content feed is never fetched for pages.
        let d = decide(FullText::Auto, Some(ContentKind::Full), teaser, LINK);
        assert_eq!((d.fetch, d.reason), (false, Reason::FullFeed));
        let long = signs(&"word ".repeat(500));
        assert_eq!(
            decide(FullText::Auto, None, long, LINK).reason,
            Reason::FullEntry { words: 500 }
        );
    }

    #[test]
    fn always_and_never_override_the_content_but_not_the_link() {
        let long = signs(&"word ".repeat(500));
        assert!(decide(FullText::Always, Some(ContentKind::Full), long, LINK).fetch);
        let teaser = signs("A short summary […]");
        let d = decide(FullText::Never, Some(ContentKind::Teasers), teaser, LINK);
        assert_eq!((d.fetch, d.reason), (false, Reason::Never));
        for link in [None, Some("mailto:a@b.example"), Some("not a url")] {
            assert_eq!(
                decide(FullText::Always, None, teaser, link).reason,
                Reason::NoLink
            );
        }
        let pdf = Some("https://news.example/report.PDF");
        assert_eq!(
            decide(FullText::Auto, None, teaser, pdf).reason,
            Reason::NotAPage(".pdf")
        );
    }

    #[test]
    fn a_feed_is_learned_from_its_recent_entries() {
        let t = signs("Summary […]");
        let full = signs(&"word ".repeat(400));
        let short = signs("A short whole note.");
        assert_eq!(learn(None, &[t, t, t]), Some(ContentKind::Teasers));
        // Two teasers are not enough for a new feed, but keep a known one.
        assert_eq!(learn(None, &[t, t]), None);
        assert_eq!(
            learn(Some(ContentKind::Teasers), &[t]),
            Some(ContentKind::Teasers)
        );
        assert_eq!(learn(None, &[full, short]), Some(ContentKind::Full));
        assert_eq!(
            learn(Some(ContentKind::Teasers), &[full, full]),
            Some(ContentKind::Full)
        );
        // One cut-off entry in a full feed changes nothing; a batch mostly cut does.
        assert_eq!(
            learn(Some(ContentKind::Full), &[t, full, full]),
            Some(ContentKind::Full)
        );
        assert_eq!(learn(Some(ContentKind::Full), &[t, t, full]), None);
        assert_eq!(learn(Some(ContentKind::Full), &[]), Some(ContentKind::Full));
    }

    #[test]
    fn private_addresses_include_the_tricky_spellings() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(is_private(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.215.14",
            "8.8.8.8",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:93.184.215.14",
        ] {
            assert!(!is_private(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn the_teaser_stays_unless_the_article_is_clearly_longer() {
        assert!(!article_wins(50, 60));
        assert!(article_wins(50, 75));
        assert!(!article_wins(0, 10));
        assert!(article_wins(0, 20));
    }

    #[test]
    fn pages_are_told_from_other_documents() {
        let page = b"<!DOCTYPE html><html><body><p>x</p></body></html>";
        assert!(is_html(Some("text/html; charset=utf-8"), page).is_ok());
        assert!(is_html(None, page).is_ok());
        assert!(is_html(Some("text/plain"), page).is_ok());
        let pdf = b"%PDF-1.7 ...";
        let e = is_html(Some("application/pdf"), pdf).unwrap_err();
        assert_eq!(e, "not an HTML page (application/pdf)");
        assert!(is_html(None, pdf).is_err());
        assert!(is_html(Some("text/plain"), b"plain words").is_err());
        assert_eq!(
            page_content_type(None, b"<html><head><meta charset=\"windows-1251\">").as_deref(),
            Some("text/html; charset=windows-1251")
        );
        assert_eq!(
            page_content_type(Some("text/html; charset=utf-8"), b"<meta charset=latin1>")
                .as_deref(),
            Some("text/html; charset=utf-8")
        );
    }

    #[test]
    fn a_page_with_no_more_than_the_teaser_keeps_it() {
        let teaser = "one two three four five six seven eight nine ten […]";
        assert!(judge(teaser, Some(&"word ".repeat(100))).is_ok());
        let wall = judge(teaser, Some("one two three four five subscribe to read")).unwrap_err();
        assert!(wall.contains("paywall"), "{wall}");
        assert_eq!(
            judge(teaser, None).unwrap_err(),
            "no article found on the page"
        );
    }

    #[test]
    fn retries_double_up_to_the_cap() {
        let base = Duration::from_secs(1800);
        let cap = Duration::from_secs(24 * 3600);
        assert_eq!(retry_delay(1, base, cap), base);
        assert_eq!(retry_delay(3, base, cap), base * 4);
        assert_eq!(retry_delay(40, base, cap), cap);
    }
}
