//! Rules about elements rather than text: class and id tokens of ad,
//! share, newsletter, related, caption and bio containers, hidden elements,
//! tracking images and feed-ad links, safe URL schemes and tracking
//! parameters.
//!
//! Each names a reason and never removes anything itself.

use super::*;

/// Splits class and id values into lower-case parts: on punctuation and at
/// camelCase humps ("adSlot-2" → ad, slot, 2).
pub(super) fn parts(value: &str, out: &mut Vec<String>) {
    let (mut buf, mut ranges) = (String::new(), Vec::new());
    parts_into(value, &mut buf, &mut ranges);
    out.extend(ranges.iter().map(|&r| part(&buf, r).to_string()));
}

/// [`parts`] without a String per part: lower-cased into `buf`, as byte
/// ranges of it (both cleared first, and reused from token to token).
pub(super) fn parts_into(value: &str, buf: &mut String, ranges: &mut Vec<(usize, usize)>) {
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

pub(super) fn part(buf: &str, (start, end): (usize, usize)) -> &str {
    buf.get(start..end).unwrap_or("")
}

pub(super) const AD_PARTS: &[&str] = &[
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
pub(super) const NEWSLETTER_PARTS: &[&str] = &[
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
pub(super) const SOCIAL_PARTS: &[&str] = &[
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
pub(super) const RELATED_PARTS: &[&str] = &[
    "related",
    "relatedposts",
    "recommended",
    "recommendations",
    "yarpp",
    "crp",
    "readnext",
];
pub(super) const CAPTION_PARTS: &[&str] = &[
    "caption",
    "captions",
    "figcaption",
    "cutline",
    "cutlines",
    "legend",
];
pub(super) const CREDIT_PARTS: &[&str] = &["credit", "credits", "photocredit", "imagecredit"];
pub(super) const BIO_PARTS: &[&str] = &[
    "bio",
    "bios",
    "biography",
    "authorbio",
    "authorbox",
    "abouttheauthor",
    "aboutauthor",
    "authorinfo",
];
pub(super) const OTHER_PARTS: &[&str] = &[
    "comments",
    "disqus",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "navigation",
];
pub(super) const HIDDEN_TOKENS: &[&str] = &[
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
pub(super) const TRACKER_PATHS: &[&str] = &[
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
pub(super) const TRACKER_HOST_PREFIXES: &[&str] = &[
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
pub(super) fn is_tracking_param(name: &str) -> bool {
    let prefix = name.as_bytes().get(..4).unwrap_or_default();
    prefix.eq_ignore_ascii_case(b"utm_")
        || TRACKING_PARAMS.iter().any(|p| name.eq_ignore_ascii_case(p))
}

/// Tracking parameters by full name, lower case (compared ignoring ASCII case).
pub(super) const TRACKING_PARAMS: &[&str] = &[
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
