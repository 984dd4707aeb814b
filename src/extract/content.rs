//! Finding the article in the page's DOM: which runs of text are page
//! furniture, which element holds the article (most paragraph text for the
//! least other text), and which of the runs inside it are the article's.
//!
//! Works on [`Page`]'s flat arrays with forward and backward passes only (no
//! recursion), so its time is linear in the page.

use super::page::{NONE, Page, Run};

/// A run this long (non-space bytes) with few links reads as a paragraph.
const PARAGRAPH: u32 = 60;
/// Link text share above which a run is a link list, not prose.
const LINKY: f32 = 0.35;
/// Link text share up to which a run with a paragraph's worth of other
/// text is still prose with links in it.
const LINKED_PROSE: f32 = 0.7;
/// Share of the page's prose that makes an element named as furniture the
/// article's holder after all.
const HOLDS_ARTICLE: f32 = 0.4;
/// Share of the page's prose an element named as the article body must
/// hold to be believed.
const HINT_SHARE: f32 = 0.2;
/// Share of the prose of a page's `<article>` elements that makes the
/// largest of them the article.
const LARGEST_ARTICLE: f32 = 0.5;
/// What a byte of link text outside paragraphs costs an element as the
/// article (link lists, menus).
const OTHER_COST: f32 = 0.5;
/// What a byte of other non-paragraph text costs: less, since short lines
/// (a schedule, standings, list items, subheads) are as often the
/// article's as page chrome, and a wrapper of the article with a few dates
/// and labels must still lose to the article.
const PLAIN_COST: f32 = 0.1;

/// Whether a run is prose: long enough, not mostly links, not a heading.
pub(super) fn paragraph(run: &Run) -> bool {
    run.heading == 0 && run.len >= PARAGRAPH && run.link_density() < LINKY
}

/// Whether a run is prose full of links (a news digest's items, a paragraph
/// citing its sources): a paragraph's worth of text besides the links. It
/// is the article's inside it, but never marks where the article starts or
/// ends: end matter ("more stories", "follow us") reads like this too.
fn linked_prose(run: &Run) -> bool {
    run.heading == 0
        && run.len.saturating_sub(run.link) >= PARAGRAPH
        && run.link_density() < LINKED_PROSE
}

/// A paragraph element whose links leave some words of its own: a
/// sentence of the article citing its sources, not a "Read more:" line.
fn sentence_with_links(page: &Page<'_>, run: &Run) -> bool {
    run.link_density() < LINKED_PROSE
        && page
            .nodes
            .get(run.owner as usize)
            .and_then(|n| n.dom.value().as_element())
            .is_some_and(|e| e.name() == "p")
}

/// The article's runs: the chosen element and which runs inside it to keep.
pub(super) struct Content {
    pub root: u32,
    pub keep: Vec<bool>,
    /// Per node: inside page furniture.
    pub furniture: Vec<bool>,
}

pub(super) fn find(page: &Page<'_>) -> Option<Content> {
    let n = page.nodes.len();
    if n == 0 || page.runs.is_empty() {
        return None;
    }
    // Paragraph text under each element, with nothing withdrawn yet.
    let mut raw_good = vec![0u64; n];
    let mut hint = vec![false; n];
    for r in &page.runs {
        if r.owner != NONE && paragraph(r) {
            raw_good[r.owner as usize] += u64::from(r.len);
        }
    }
    for i in (0..n).rev() {
        let node = &page.nodes[i];
        hint[i] |= node.body_hint;
        let p = node.parent;
        if p != NONE {
            let (p, i) = (p as usize, i);
            raw_good[p] += raw_good[i];
            hint[p] |= hint[i];
        }
    }
    let total_good = raw_good.first().copied().unwrap_or(0);

    // Furniture, unless it holds the article: a body hint inside it, or a
    // good part of the page's prose (a page-wide wrapper whose name happens
    // to say "sidebar", a form around the whole page). Comments stay out
    // however long they are.
    let mut furniture = vec![false; n];
    for i in 0..n {
        let node = &page.nodes[i];
        let holds_article =
            hint[i] || (total_good > 0 && raw_good[i] as f32 >= HOLDS_ARTICLE * total_good as f32);
        let own = node.comments || (node.furniture && !holds_article);
        furniture[i] = own || (node.parent != NONE && furniture[node.parent as usize]);
    }

    // Text, link text and paragraph text under each element, furniture left out.
    let mut text = vec![0u64; n];
    let mut good = vec![0u64; n];
    let mut plain = vec![0u64; n];
    for r in &page.runs {
        let first = r.first as usize;
        if r.owner == NONE || furniture.get(first).copied().unwrap_or(true) {
            continue;
        }
        text[r.owner as usize] += u64::from(r.len);
        if paragraph(r) {
            good[r.owner as usize] += u64::from(r.len);
        } else if linked_prose(r) {
            // Its links cost as other links do.
            good[r.owner as usize] += u64::from(r.len.saturating_sub(r.link));
        } else {
            plain[r.owner as usize] += u64::from(r.len.saturating_sub(r.link));
        }
    }
    for i in (1..n).rev() {
        let p = page.nodes[i].parent;
        if p != NONE && !furniture[i] {
            text[p as usize] += text[i];
            good[p as usize] += good[i];
            plain[p as usize] += plain[i];
        }
    }

    // Elements named as the article body, with a fair share of the prose
    // between them, confine the search to their closest common ancestor
    // (sites split the body into several such blocks).
    let mut scope = 0..n;
    let mut common = NONE;
    let mut hinted = 0u64;
    let mut i = 0;
    while i < n {
        let node = &page.nodes[i];
        if node.body_hint && !furniture[i] && good[i] > 0 {
            hinted += good[i];
            common = if common == NONE {
                i as u32
            } else {
                common_ancestor(page, common, i as u32)
            };
            i = (node.end as usize).max(i + 1);
        } else {
            i += 1;
        }
    }
    if common != NONE && hinted as f32 >= HINT_SHARE * good[0] as f32 {
        scope = common as usize..page.nodes[common as usize].end as usize;
    }
    // Several `<article>` elements with prose in the scope are a post and
    // the teasers of others ("you may also like", a blog's next posts, a
    // front page's stories), each read as an article of its own: the one
    // carrying the page's headline is the page's article, unless it is a
    // teaser itself (a headline over little prose); else the one holding
    // most of the articles' prose.
    let headline = page
        .runs
        .iter()
        .find(|r| r.heading == 1)
        .map(|r| r.first as usize);
    let mut articles = Vec::new();
    let mut i = scope.start;
    while i < scope.end {
        let node = &page.nodes[i];
        let is_article = !furniture[i]
            && good[i] > 0
            && node
                .dom
                .value()
                .as_element()
                .is_some_and(|e| e.name() == "article");
        if is_article {
            articles.push(i..node.end as usize);
            i = (node.end as usize).max(i + 1);
        } else {
            i += 1;
        }
    }
    // Only while they hold most of the scope's prose: when most of it lies
    // outside every `<article>`, those are teasers around an article set in
    // other elements (a page builder's post, its "more posts" cards).
    let in_articles: u64 = articles.iter().map(|a| good[a.start]).sum();
    let in_scope = good.get(scope.start).copied().unwrap_or(0);
    if articles.len() > 1 && in_articles as f32 >= LARGEST_ARTICLE * in_scope as f32 {
        let share = |a: &std::ops::Range<usize>| good[a.start] as f32 / in_articles as f32;
        let with_headline = articles
            .iter()
            .find(|a| headline.is_some_and(|h| a.contains(&h)) && share(a) >= HINT_SHARE);
        let largest = articles
            .iter()
            .max_by_key(|a| good[a.start])
            .filter(|a| share(a) >= LARGEST_ARTICLE);
        if let Some(article) = with_headline.or(largest) {
            scope = article.clone();
        }
    }
    let mut best = (f32::MIN, NONE);
    for (i, node) in page.nodes.iter().enumerate() {
        if node.class.is_none() || furniture[i] || good[i] == 0 || !scope.contains(&i) {
            continue;
        }
        let other = text[i] - good[i] - plain[i];
        let mut score = good[i] as f32 - OTHER_COST * other as f32 - PLAIN_COST * plain[i] as f32;
        if node.body_hint {
            score += good[i] as f32 * 0.1;
        }
        if score > best.0 {
            best = (score, i as u32);
        }
    }
    let root = best.1;
    if root == NONE {
        return None;
    }
    let range = root..page.nodes[root as usize].end;

    // Keep the root's runs that are not furniture; between the first and the
    // last paragraph, short lines too (subheads, list items), but not link
    // lists; before and after them only paragraphs (bylines, dates, tags,
    // share lines and "Advertisement" labels sit there).
    let mut keep = vec![false; page.runs.len()];
    let inside: Vec<usize> = page
        .runs
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            range.contains(&r.first) && !furniture.get(r.first as usize).copied().unwrap_or(true)
        })
        .map(|(i, _)| i)
        .collect();
    let first_para = inside.iter().position(|&i| paragraph(&page.runs[i]));
    let last_para = inside.iter().rposition(|&i| paragraph(&page.runs[i]));
    let (Some(first_para), Some(last_para)) = (first_para, last_para) else {
        return None;
    };
    let last_para = before_teasers(page, &inside, first_para, last_para);
    for (pos, &i) in inside.iter().enumerate() {
        let r = &page.runs[i];
        keep[i] = if paragraph(r) {
            pos <= last_para
        } else {
            pos > first_para
                && pos < last_para
                && (r.link_density() < 0.5 || linked_prose(r) || sentence_with_links(page, r))
        };
    }
    // The lines that continue the paragraphs' block past the last one (a
    // schedule, standings, a closing line, a list) or lead into it before
    // the first are the article's too, up to the first line that is not
    // like them: elsewhere on the page, a link, or not a line of text.
    let container = paragraphs_block(
        page,
        root,
        page.runs[inside[first_para]].owner,
        page.runs[inside[last_para]].owner,
    );
    let block = container..page.nodes[container as usize].end;
    let element = |r: &Run| {
        page.nodes
            .get(r.owner as usize)
            .and_then(|n| n.dom.value().as_element())
    };
    // A line is like the paragraphs when it is written the same way: a
    // paragraph element of the same class as the nearest paragraph (other
    // classes are datelines, captions, credits, "read time"), or an item,
    // subhead or quote of the block.
    let like = |r: &Run, para: &Run, other_tags: &[&str]| {
        if !block.contains(&r.first) || r.heading == 1 || r.link_density() >= 0.5 {
            return false;
        }
        let (Some(line), Some(para)) = (element(r), element(para)) else {
            return false;
        };
        (line.name() == "p" && para.name() == "p" && line.attr("class") == para.attr("class"))
            || other_tags.contains(&line.name())
    };
    let last = &page.runs[inside[last_para]];
    let mut tail = Vec::new();
    let mut stopped_by_links = false;
    for &i in &inside[last_para + 1..] {
        let r = &page.runs[i];
        if !like(r, last, TAIL_LINES) {
            stopped_by_links = block.contains(&r.first) && r.link_density() >= 0.5;
            break;
        }
        let text = page.run_text(i);
        if !text.chars().any(char::is_alphanumeric) {
            // A rule ("___", "* * *") parts the article from its end matter.
            break;
        }
        if !ad_label(&text) {
            tail.push(i);
        }
    }
    // A short line right before a list of links is its heading ("You may
    // also like").
    if stopped_by_links
        && let Some(&i) = tail.last()
        && element(&page.runs[i]).is_some_and(|e| e.name() != "li")
        && !paragraph(&page.runs[i])
    {
        tail.pop();
    }
    for i in tail {
        keep[i] = true;
    }
    let first = &page.runs[inside[first_para]];
    let mut lead = first_para;
    while lead > 0 && like(&page.runs[inside[lead - 1]], first, LEAD_LINES) {
        lead -= 1;
    }
    // A heading that opens the block is a title over the article, not one
    // of its subheads.
    let opens_block = |pos: usize| pos == 0 || !block.contains(&page.runs[inside[pos - 1]].first);
    if lead < first_para && page.runs[inside[lead]].heading > 0 && opens_block(lead) {
        lead += 1;
    }
    for &i in &inside[lead..first_para] {
        keep[i] = true;
    }
    // Ad slots' labels between the paragraphs.
    for &i in &inside[first_para..=last_para] {
        let r = &page.runs[i];
        if keep[i] && !paragraph(r) && ad_label(&page.run_text(i)) {
            keep[i] = false;
        }
    }
    // The standfirst under the headline, which many sites set outside the
    // body's element: the root grows to hold it, and only it is kept there.
    let mut root = root;
    for i in standfirst(page, &furniture, inside[0]) {
        keep[i] = true;
        root = common_ancestor(page, root, page.runs[i].owner);
    }
    Some(Content {
        root,
        keep,
        furniture,
    })
}

/// Runs looked at, back from the article's first, for its standfirst.
const STANDFIRST_LOOKBACK: usize = 12;
/// A standfirst is a sentence or three: at most this many paragraphs and
/// non-space bytes.
const STANDFIRST_PARAGRAPHS: usize = 2;
const STANDFIRST_MAX: u32 = 700;

/// The paragraphs between the page's headline and the article's first run
/// (`first`), in page order: what lies there, under the headline and before
/// the body, is its standfirst ("Schwere Schlappe für Johnson: …"), with
/// only dates, bylines and labels around it. Nothing unless the way back
/// meets the headline (an `h1`, or a heading the page's title names) within
/// a few runs of text and no link list: a teaser's blurb over the article
/// sits under its own small heading and among links.
fn standfirst(page: &Page<'_>, furniture: &[bool], first: usize) -> Vec<usize> {
    let titles: Vec<String> = [&page.title, &page.meta_title]
        .into_iter()
        .flatten()
        .map(|t| t.to_lowercase())
        .collect();
    let is_headline = |i: usize, r: &Run| {
        r.heading == 1 || {
            let h = page.run_text(i).to_lowercase();
            h.chars().count() >= 20 && titles.iter().any(|t| t.contains(&h) || h.contains(t))
        }
    };
    let (mut lead, mut bytes, mut seen) = (Vec::new(), 0u32, 0);
    for i in (0..first).rev() {
        let Some(r) = page.runs.get(i) else {
            break;
        };
        // A run without an owning block cannot be placed in the article.
        if r.len == 0 || r.owner == NONE || furniture.get(r.first as usize).copied().unwrap_or(true)
        {
            continue;
        }
        seen += 1;
        if seen > STANDFIRST_LOOKBACK {
            return Vec::new();
        }
        if r.heading > 0 {
            if !is_headline(i, r) {
                return Vec::new();
            }
            lead.reverse();
            return lead;
        }
        if r.link_density() >= 0.5 {
            return Vec::new();
        }
        if paragraph(r) {
            lead.push(i);
            bytes += r.len;
            if lead.len() > STANDFIRST_PARAGRAPHS || bytes > STANDFIRST_MAX {
                return Vec::new();
            }
        }
    }
    Vec::new()
}

/// Where the article ends when its last paragraphs are the blurbs of
/// teasers (next and previous stories, "most popular" lists): each a
/// linked title right before it, up to a few short lines (author, date,
/// "Next story") between them. Returns the position in `inside` of the
/// last paragraph before them, or `last_para` when they are not teasers or
/// are most of the article (a gift guide of linked products).
fn before_teasers(page: &Page<'_>, inside: &[usize], first_para: usize, last_para: usize) -> usize {
    let run = |pos: usize| &page.runs[inside[pos]];
    let mut pos = last_para;
    let mut title_at = None;
    let mut units = 0;
    let mut blurbs = 0u64;
    while pos > first_para && paragraph(run(pos)) && run(pos - 1).link_density() >= 0.8 {
        units += 1;
        blurbs += u64::from(run(pos).len);
        title_at = Some(pos - 1);
        // Back over the previous unit's short lines to its blurb.
        let mut prev = pos - 1;
        let mut between = 0;
        while prev > first_para && !paragraph(run(prev - 1)) && between < TEASER_LINES {
            prev -= 1;
            between += 1;
        }
        if prev <= first_para {
            break;
        }
        pos = prev - 1;
    }
    let Some(title_at) = title_at else {
        return last_para;
    };
    let article: u64 = inside[first_para..title_at]
        .iter()
        .map(|&i| &page.runs[i])
        .filter(|r| paragraph(r))
        .map(|r| u64::from(r.len))
        .sum();
    match inside[..title_at]
        .iter()
        .rposition(|&i| paragraph(&page.runs[i]))
    {
        Some(before) if units >= 2 && article > blurbs && before >= first_para => before,
        _ => last_para,
    }
}

/// Short lines allowed between two teasers (an author, a date, "Next").
const TEASER_LINES: usize = 3;

/// A line that only labels an ad slot ("Advertisement", "Anzeige", "Story
/// continues below").
fn ad_label(text: &str) -> bool {
    const LABELS: &[&str] = &[
        "ad",
        "ads",
        "advert",
        "advertisement",
        "advertising",
        "sponsored",
        "sponsored content",
        "story continues below",
        "article continues below",
        "continue reading below",
        "continue reading the main story",
        "anzeige",
        "werbung",
        "publicité",
        "publicidad",
        "publicidade",
        "pubblicità",
        "reklama",
        "реклама",
    ];
    let text = text.trim_matches(|c: char| !c.is_alphanumeric());
    // The longest label, in bytes: anything longer is not one.
    text.len() <= 40 && LABELS.contains(&text.to_lowercase().as_str())
}

/// Elements whose text after the last paragraph continues the article,
/// whatever their class.
const TAIL_LINES: &[&str] = &[
    "li",
    "dd",
    "dt",
    "blockquote",
    "pre",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "td",
    "th",
];
/// Elements whose text before the first paragraph leads into it, whatever
/// their class.
const LEAD_LINES: &[&str] = &["li", "h2", "h3", "h4", "h5", "h6"];

/// The element whose children carry the article's paragraphs, from the
/// owners of the first and the last: their closest common ancestor, or the
/// parent of the only one; never above `root`.
fn paragraphs_block(page: &Page<'_>, root: u32, first: u32, last: u32) -> u32 {
    let block = if first == NONE || last == NONE {
        root
    } else if first == last {
        page.nodes[first as usize].parent
    } else {
        common_ancestor(page, first, last)
    };
    let root_range = root..page.nodes[root as usize].end;
    if block == NONE || !root_range.contains(&block) {
        root
    } else {
        block
    }
}

/// The deepest node holding both `a` and `b` (preorder: an ancestor comes
/// first and its subtree range covers its descendants).
fn common_ancestor(page: &Page<'_>, a: u32, b: u32) -> u32 {
    let mut up = a.min(b);
    let other = a.max(b);
    while up != NONE {
        let node = &page.nodes[up as usize];
        if other < node.end {
            return up;
        }
        up = node.parent;
    }
    0
}

/// See [`super::explain`].
pub(super) fn explain(page: &Page<'_>) -> String {
    use std::fmt::Write;
    let describe = |i: u32| -> String {
        let Some(node) = page.nodes.get(i as usize) else {
            return "-".into();
        };
        match node.dom.value().as_element() {
            Some(el) => format!(
                "{}#{}.{}",
                el.name(),
                el.attr("id").unwrap_or(""),
                el.attr("class").unwrap_or("").replace(' ', ".")
            ),
            None => "#text".into(),
        }
    };
    let mut out = String::new();
    let content = find(page);
    if let Some(c) = &content {
        let _ = writeln!(out, "root {} {}", c.root, describe(c.root));
    }
    for (i, r) in page.runs.iter().enumerate() {
        let (kept, furn) = content.as_ref().map_or((false, false), |c| {
            (
                c.keep.get(i).copied().unwrap_or(false),
                c.furniture.get(r.first as usize).copied().unwrap_or(false),
            )
        });
        let text = page.run_text(i);
        let mut chain = String::new();
        let mut a = r.owner;
        while a != NONE {
            let n = &page.nodes[a as usize];
            if n.furniture || n.body_hint {
                chain.push_str(if n.furniture { " F:" } else { " B:" });
                chain.push_str(&describe(a));
            }
            a = n.parent;
        }
        let short: String = text.chars().take(70).collect();
        let _ = writeln!(
            out,
            "{}{}{} len={} ld={:.2} h{} {}{} | {}",
            if kept { "K" } else { "." },
            if furn { "F" } else { " " },
            if paragraph(r) { "P" } else { " " },
            r.len,
            r.link_density(),
            r.heading,
            describe(r.owner),
            chain,
            short
        );
    }
    out
}
