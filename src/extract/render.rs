//! The chosen runs written out: plain text (a paragraph per run, blank lines
//! between) and the article's own markup (the root element with everything
//! that was left out removed, relative links made absolute).
//!
//! Iterative over the flat page; never sanitises (the caller's cleaner does).

use url::Url;

use super::content::Content;
use super::page::{NONE, Page, collapse};
use super::signals::TagClass;

/// Each kept run as a paragraph, line breaks inside kept as new lines.
pub(super) fn text(page: &Page<'_>, content: &Content) -> String {
    let mut out = String::new();
    let mut para = String::new();
    for (i, run) in page.runs.iter().enumerate() {
        if !content.keep.get(i).copied().unwrap_or(false) {
            continue;
        }
        para.clear();
        let last = (run.last as usize).min(page.nodes.len().saturating_sub(1));
        for node in page.nodes.get(run.first as usize..=last).unwrap_or(&[]) {
            match node.class {
                None if node.run == i as u32 => {
                    if let Some(t) = node.dom.value().as_text() {
                        para.push_str(t);
                    }
                }
                Some(TagClass::Break) => para.push('\n'),
                _ => {}
            }
        }
        let mut first_line = true;
        let start = out.len();
        for line in para.lines() {
            let line = collapse(line);
            if line.is_empty() {
                continue;
            }
            if !first_line {
                out.push('\n');
            } else if start > 0 {
                out.push_str("\n\n");
            }
            first_line = false;
            out.push_str(&line);
        }
    }
    out
}

/// The root element's markup with left-out subtrees and runs removed.
pub(super) fn html(page: &Page<'_>, content: &Content, base: Option<&Url>) -> String {
    let n = page.nodes.len();
    let root = content.root as usize;
    if root >= n {
        return String::new();
    }
    // Kept text under each node, to drop elements left empty.
    let mut kept = vec![false; n];
    for (i, node) in page.nodes.iter().enumerate() {
        if node.class.is_none()
            && node.run != NONE
            && content
                .keep
                .get(node.run as usize)
                .copied()
                .unwrap_or(false)
        {
            kept[i] = true;
        }
    }
    for i in (root + 1..n).rev() {
        let p = page.nodes[i].parent;
        if kept[i] && p != NONE {
            kept[p as usize] = true;
        }
    }
    let mut out = String::new();
    let mut open: Vec<(u32, &str)> = Vec::new();
    let end = page.nodes[root].end as usize;
    let mut i = root;
    while i < end.min(n) {
        while let Some(&(close_at, name)) = open.last() {
            if close_at as usize > i {
                break;
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
            open.pop();
        }
        let node = &page.nodes[i];
        let media_in_kept = node.dom.value().as_element().is_some_and(|e| {
            matches!(e.name(), "img" | "br") && node.parent != NONE && kept[node.parent as usize]
        });
        if content.furniture[i] || (!kept[i] && !media_in_kept) {
            i = (node.end as usize).max(i + 1);
            continue;
        }
        if let Some(el) = node.dom.value().as_element() {
            out.push('<');
            out.push_str(el.name());
            for (name, value) in el.attrs() {
                let value = match (name, base) {
                    ("href" | "src", Some(base)) => base
                        .join(value)
                        .map(String::from)
                        .unwrap_or_else(|_| value.to_string()),
                    _ => value.to_string(),
                };
                out.push(' ');
                out.push_str(name);
                out.push_str("=\"");
                escape_into(&value, true, &mut out);
                out.push('"');
            }
            out.push('>');
            if !matches!(el.name(), "img" | "br" | "hr" | "wbr") {
                open.push((node.end, el.name()));
            }
        } else if let Some(t) = node.dom.value().as_text() {
            escape_into(t, false, &mut out);
        }
        i += 1;
    }
    while let Some((_, name)) = open.pop() {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
    out
}

fn escape_into(text: &str, attribute: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}
