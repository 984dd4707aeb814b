//! The allowlist: which elements are kept, unwrapped or dropped with their
//! contents, and which attributes and URLs a kept element keeps, with the
//! reason given for each drop.
//!
//! It must never let through a tag, attribute or URL scheme that is not
//! listed here.

use super::*;

/// Declares [`allowed_tag`] (and the list for the tests) from one list.
macro_rules! allowed {
    ($($tag:tt),* $(,)?) => {
        /// The list, for the tests.
        #[cfg(test)]
        const ALLOWED: &[&str] = &[$($tag),*];

        /// Elements kept (with their allowed attributes); anything else not
        /// in [`DROP`] is unwrapped: its children stay, the tag goes. The
        /// answer is the tag's static name; a switch on the interned name
        /// (html5ever interns every allowed tag statically), not a string
        /// search per element.
        pub(super) fn allowed_tag(name: &html5ever::LocalName) -> Option<&'static str> {
            match *name {
                $(html5ever::local_name!($tag) => Some($tag),)*
                _ => None,
            }
        }
    };
}

allowed![
    "a",
    "abbr",
    "acronym",
    "address",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "main",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements dropped with everything inside: active content, forms, embeds,
/// document metadata and navigation. Never kept, whatever a rule says.
pub(super) const DROP: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "param",
    "form",
    "input",
    "button",
    "select",
    "option",
    "optgroup",
    "textarea",
    "datalist",
    "output",
    "noscript",
    "template",
    "svg",
    "math",
    "link",
    "meta",
    "base",
    "title",
    "head",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
    "canvas",
    "audio",
    "video",
    "source",
    "track",
    "portal",
    "dialog",
    "nav",
    "map",
    "area",
    "marquee",
    "blink",
    "keygen",
    "slot",
    "bgsound",
    "isindex",
    "image",
];

/// Block-level elements: they start a new block and a new paragraph of text.
pub(crate) fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "div"
            | "dl"
            | "dt"
            | "figcaption"
            | "figure"
            | "footer"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "li"
            | "main"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

pub(super) fn is_void(tag: &str) -> bool {
    matches!(tag, "br" | "hr" | "img" | "wbr" | "col")
}

pub(super) fn describe(el: &El, name: &str) -> String {
    let src = el
        .attr("src")
        .or_else(|| el.attr("href"))
        .or_else(|| el.attr("data"));
    match src {
        Some(s) => format!("<{name} {}>", collapse_ws(s, 120)),
        None => format!("<{name}>"),
    }
}

/// Why an element goes with everything inside, if it does. `allowed`: the
/// name is one [`allowed_tag`] knows (and so not on [`DROP`], which is not
/// searched).
pub(super) fn drop_reason(
    el: &El,
    name: &str,
    allowed: bool,
    by_selector: Option<&str>,
) -> Option<String> {
    // Foreign content (SVG, MathML) can smuggle script and style; none of it is text.
    if el.name.ns != html5ever::ns!(html) {
        return Some(format!("unsafe markup <{name}>"));
    }
    if !allowed && DROP.contains(&name) {
        return Some(if name == "nav" {
            "navigation".to_string()
        } else {
            format!("unsafe or dead markup <{name}>")
        });
    }
    if let Some(reason) = by_selector {
        return Some(reason.to_string());
    }
    if rules::is_hidden(el) {
        return Some("hidden element".to_string());
    }
    if name == "img" {
        return rules::image_reason(el).map(str::to_string);
    }
    if name == "a" && el.attr("href").is_some_and(rules::is_feed_ad_link) {
        return Some("feed ad link (feedflare)".to_string());
    }
    None
}

/// The attributes an allowed element keeps, URLs checked and cleaned.
/// `None` for an image without a safe source.
pub(super) fn allowed_attrs(
    tag: &'static str,
    el: &El,
    out: &mut Vec<(&'static str, String)>,
) -> Option<Box<[(&'static str, String)]>> {
    out.clear();
    for (name, value) in el.attrs() {
        let name: &'static str = match (tag, name) {
            (_, "title") => "title",
            (_, "lang") => "lang",
            (_, "dir") => "dir",
            ("a", "href") => {
                if let Some(url) = rules::safe_url(value, true) {
                    out.push(("href", rules::strip_tracking(url)));
                }
                continue;
            }
            ("img", "src") => {
                if let Some(url) = rules::safe_url(value, false) {
                    out.push(("src", url));
                }
                continue;
            }
            ("blockquote" | "q" | "del" | "ins", "cite") => {
                if let Some(url) = rules::safe_url(value, false) {
                    out.push(("cite", url));
                }
                continue;
            }
            ("img", "alt") => "alt",
            ("img", "width") => "width",
            ("img", "height") => "height",
            ("td" | "th", "colspan") => "colspan",
            ("td" | "th", "rowspan") => "rowspan",
            ("th", "scope") => "scope",
            ("ol", "start") => "start",
            ("ol", "reversed") => "reversed",
            ("ol", "type") => "type",
            ("li", "value") => "value",
            ("time" | "del" | "ins", "datetime") => "datetime",
            _ => continue,
        };
        // Numeric attributes must be numbers; the rest is plain text.
        if matches!(
            name,
            "width" | "height" | "colspan" | "rowspan" | "start" | "value"
        ) && !value.trim().chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        out.push((name, value.to_string()));
    }
    if tag == "img" && !out.iter().any(|(n, _)| *n == "src") {
        return None;
    }
    if tag == "a" && out.iter().any(|(n, _)| *n == "href") {
        out.push(("rel", "noopener noreferrer".to_string()));
    }
    // Allocated once at its size, from a buffer reused for every element:
    // a vector grown from nothing and then shrunk into a box was three
    // allocations for a link.
    Some(out.drain(..).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_is_matched_by_name_and_apart_from_the_drop_list() {
        assert!(ALLOWED.iter().all(|a| !DROP.contains(a)));
        for tag in ALLOWED {
            let name = html5ever::LocalName::from(*tag);
            assert_eq!(allowed_tag(&name), Some(*tag));
        }
        for tag in DROP.iter().chain(&["font", "blink", "x-widget", "A", ""]) {
            assert_eq!(
                allowed_tag(&html5ever::LocalName::from(*tag)),
                None,
                "{tag}"
            );
        }
    }
}
