//! What an element's tag, role and class/id tokens say about it: block or
//! inline, never text (scripts, forms), or page furniture (navigation,
//! comments, related lists, share bars, cookie and newsletter boxes).
//!
//! Pure lookups on one element at a time; it never looks at the tree.

/// How the extractor treats an element by its tag name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TagClass {
    /// Never article text: skipped with everything inside.
    Skip,
    /// Page furniture by tag (`nav`, `aside`, `footer`, forms).
    Furniture,
    /// Starts and ends a paragraph of text.
    Block,
    /// A heading (`h1`…`h6`).
    Heading(u8),
    /// A line break inside a paragraph.
    Break,
    /// Text flows through it.
    Inline,
}

pub(super) fn tag_class(name: &str) -> TagClass {
    match name {
        "script" | "style" | "noscript" | "template" | "svg" | "math" | "head" | "title"
        | "meta" | "link" | "iframe" | "object" | "embed" | "canvas" | "video" | "audio"
        | "source" | "track" | "map" | "select" | "option" | "optgroup" | "textarea" | "input"
        | "button" | "datalist" | "dialog" | "picture" => TagClass::Skip,
        "nav" | "aside" | "footer" | "form" | "fieldset" | "menu" | "header" => TagClass::Furniture,
        "h1" => TagClass::Heading(1),
        "h2" => TagClass::Heading(2),
        "h3" => TagClass::Heading(3),
        "h4" => TagClass::Heading(4),
        "h5" => TagClass::Heading(5),
        "h6" => TagClass::Heading(6),
        "br" => TagClass::Break,
        "p" | "div" | "section" | "article" | "main" | "body" | "html" | "blockquote" | "pre"
        | "ul" | "ol" | "li" | "dl" | "dt" | "dd" | "table" | "thead" | "tbody" | "tfoot"
        | "tr" | "td" | "th" | "caption" | "hr" | "address" | "details" | "summary" | "center"
        | "hgroup" => TagClass::Block,
        _ => TagClass::Inline,
    }
}

/// ARIA roles of page furniture.
pub(super) fn furniture_role(role: &str) -> bool {
    role.split_ascii_whitespace().any(|r| {
        matches!(
            r.to_ascii_lowercase().as_str(),
            "navigation"
                | "banner"
                | "contentinfo"
                | "complementary"
                | "search"
                | "menu"
                | "menubar"
                | "dialog"
                | "alertdialog"
                | "toolbar"
                | "tablist"
        )
    })
}

/// What the class and id tokens of an element say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Tokens {
    /// Named as page furniture (related, share, sidebar, ...).
    pub furniture: bool,
    /// Named as comments: furniture however much prose it holds.
    pub comments: bool,
    /// Named as an embedded post (a tweet quoted in the article): content,
    /// whatever else its name says ("social-media-embed").
    pub embed: bool,
    /// Named as the article body ("article-body", "entry-content", ...).
    pub body: bool,
}

/// Splits `class`/`id` values into lower-case tokens at every
/// non-alphanumeric character and camelCase boundary, and looks each up
/// with its neighbours in the same value.
pub(super) fn tokens(values: &[&str]) -> Tokens {
    let mut out = Tokens::default();
    let mut caption = false;
    // One buffer of the value's tokens and their spans: an element's
    // names are split without an allocation per token.
    let mut buf = String::new();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for value in values {
        buf.clear();
        spans.clear();
        let mut start = 0;
        let mut last_lower = false;
        let mut chars = value.chars();
        loop {
            let c = chars.next();
            let boundary = match c {
                None => true,
                Some(c) if !c.is_alphanumeric() => true,
                Some(c) => c.is_uppercase() && last_lower,
            };
            if boundary && buf.len() > start {
                spans.push((start, buf.len()));
                start = buf.len();
            }
            let Some(c) = c else { break };
            if c.is_alphanumeric() {
                last_lower = c.is_lowercase() || c.is_ascii_digit();
                buf.extend(c.to_lowercase());
            } else {
                last_lower = false;
            }
        }
        let word = |i: usize| spans.get(i).and_then(|&(a, b)| buf.get(a..b));
        for i in 0..spans.len() {
            let Some(token) = word(i) else { continue };
            let prev = i.checked_sub(1).and_then(word);
            judge(token, prev, word(i + 1), &mut out);
            caption |= matches!(token, "caption" | "credit" | "credits");
        }
    }
    if out.embed && !caption {
        out.furniture = false;
    }
    out
}

/// Screen sizes of responsive classes ("hidden-xs", "print-full"): an
/// element hidden at one size or laid out for print is shown otherwise.
const SIZES: &[&str] = &[
    "xs", "sm", "md", "lg", "xl", "xxl", "mobile", "tablet", "desktop", "phone", "small", "medium",
    "large", "full", "screen",
];

/// Whether a token that names furniture is only a word of a longer name
/// that does not: a layout utility ("overflow-hidden"), a field whose
/// label is hidden ("field--label-hidden"), a responsive class
/// ("hidden-xs"), a page builder's wrapper of every block
/// ("elementor-widget-wrap"), a region laid out for print ("contentBox
/// print", "print-full") rather than what only paper shows or a button
/// ("print-header", "print-button").
fn not_furniture(token: &str, prev: Option<&str>, next: Option<&str>) -> bool {
    match token {
        "hidden" => {
            matches!(
                prev,
                Some("overflow" | "label" | "title" | "heading" | "labels")
            ) || next.is_some_and(|n| SIZES.contains(&n))
        }
        "widget" => prev == Some("elementor"),
        // A lone "print" class, or "print-full": the region to print.
        // "print-header", "print-only", "print-button", "social-icon
        // print": shown only on paper, or a button.
        "print" => {
            (prev.is_none() && next.is_none())
                || matches!(
                    next,
                    Some("full" | "content" | "area" | "container" | "box")
                )
        }
        _ => false,
    }
}

fn judge(token: &str, prev: Option<&str>, next: Option<&str>, out: &mut Tokens) {
    let comments = matches!(
        token,
        "comment" | "comments" | "commentlist" | "disqus" | "discussion" | "replies"
    );
    let furniture = matches!(
        token,
        "related"
            | "relatedposts"
            | "recommended"
            | "recommendations"
            | "recirc"
            | "outbrain"
            | "taboola"
            | "share"
            | "sharing"
            | "sharebar"
            | "social"
            | "socialbar"
            | "sharetools"
            | "cookie"
            | "cookies"
            | "consent"
            | "gdpr"
            | "newsletter"
            | "subscribe"
            | "subscription"
            | "signup"
            | "promo"
            | "promotion"
            | "sponsor"
            | "sponsored"
            | "advert"
            | "advertisement"
            | "advertising"
            | "ad"
            | "ads"
            | "adslot"
            | "adunit"
            | "dfp"
            | "sidebar"
            | "breadcrumb"
            | "breadcrumbs"
            | "nav"
            | "navbar"
            | "navigation"
            | "menu"
            | "footer"
            | "copyright"
            | "masthead"
            | "popup"
            | "modal"
            | "trending"
            | "popular"
            | "mostpopular"
            | "mostread"
            | "widget"
            | "tags"
            | "tagcloud"
            | "pagination"
            | "pager"
            | "byline"
            | "dateline"
            | "timestamp"
            | "author"
            | "bio"
            | "toolbar"
            | "skip"
            | "hidden"
            | "visually"
            | "sr"
            | "print"
            | "caption"
            | "credit"
            | "credits"
            | "figcaption"
    ) || (prev == Some("read") && matches!(token, "more" | "next" | "also"))
        || (prev == Some("more") && matches!(token, "stories" | "from" | "news"))
        || (prev == Some("see") && token == "also");
    let furniture = furniture && !not_furniture(token, prev, next);
    let body = matches!(
        token,
        "articlebody" | "storybody" | "postbody" | "entrycontent" | "postcontent"
    ) || (matches!(prev, Some("article" | "story" | "post" | "entry" | "news"))
        && matches!(token, "body" | "content" | "text"));
    out.embed |= matches!(token, "embed" | "embedded" | "tweet");
    out.furniture |= furniture || comments;
    out.comments |= comments;
    out.body |= body;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_on_punctuation_and_camel_case() {
        assert!(tokens(&["relatedStories"]).furniture);
        assert!(tokens(&["post-comments wide"]).furniture);
        assert!(tokens(&["article-body"]).body);
        assert!(tokens(&["", "storyBody"]).body);
        assert!(!tokens(&["adjacent headline"]).furniture);
        assert!(!tokens(&["loaded"]).furniture);
        assert!(!tokens(&["social-media-embed"]).furniture);
        assert!(tokens(&["InlineImage-imageEmbedCaption"]).furniture);
    }

    #[test]
    fn furniture_words_inside_longer_names_that_are_not_furniture() {
        for name in [
            "field field--label-hidden",
            "kb-overflow-hidden",
            "recipe-tab-sec hidden-xs",
            "elementor-widget-wrap elementor-element-populated",
            "col-md-6 print-full",
            "print",
        ] {
            assert!(!tokens(&[name]).furniture, "{name}");
        }
        for name in [
            "hidden",
            "is-hidden",
            "widget widget_recent_entries",
            "print-button",
            "print-header",
            "socialIcon print",
            "sidebar hidden-xs",
        ] {
            assert!(tokens(&[name]).furniture, "{name}");
        }
    }
}
