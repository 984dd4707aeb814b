//! The ingest bench's world: feeds and entries generated from the shared
//! benchmark's real article bodies (a word chain over them), and in
//! `BENCH_CONTENT=pages` the real pages' markup around chain text. Every
//! byte is a function of the feed and entry numbers, so each reader of a
//! feed gets the same bytes.

use super::*;
/// The paragraphs of every ground-truth article, and a word chain over them
/// for new text.
pub(super) struct Corpus {
    pub(super) raw: Vec<String>,
    pub(super) chain: WordChain,
    /// `BENCH_TEXT=paragraphs`: entries of whole real paragraphs.
    pub(super) whole_paragraphs: bool,
    /// `BENCH_CONTENT=pages`: entries with real pages' markup (see [`Pages`]).
    pub(super) pages: Option<Pages>,
}

/// A first-order Markov chain over the words of the real bodies (words with
/// their punctuation, in the bodies' frequencies). Whole paragraphs drawn at
/// random make unrelated entries share paragraphs: each of the ~3,400 recurs
/// in entries × 8 / 3,400 entries (1,200 times at 10,000 × 50), which no real
/// set of articles does, and which makes de-duplication verify hundreds of
/// candidates an entry. Text walked from this chain has the bodies' words
/// and word pairs, while its three-word runs (the de-duplicator's shingles)
/// recur between unrelated entries only as often as common phrases do.
pub(super) struct WordChain {
    pub(super) words: Vec<String>,
    /// Indices into `words` of each word's successors in the bodies.
    pub(super) next: Vec<Vec<u32>>,
    /// Words that start a sentence in the bodies.
    pub(super) starts: Vec<u32>,
}

impl WordChain {
    pub(super) fn new(paragraphs: &[String]) -> WordChain {
        let mut ids: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        let mut words: Vec<String> = Vec::new();
        let mut next: Vec<Vec<u32>> = Vec::new();
        let mut starts = Vec::new();
        for paragraph in paragraphs {
            let mut previous: Option<u32> = None;
            for word in paragraph.split_whitespace() {
                let id = *ids.entry(word).or_insert_with(|| {
                    words.push(word.to_string());
                    next.push(Vec::new());
                    (words.len() - 1) as u32
                });
                match previous {
                    Some(p) => {
                        next[p as usize].push(id);
                        if words[p as usize].ends_with('.') {
                            starts.push(id);
                        }
                    }
                    None => starts.push(id),
                }
                previous = Some(id);
            }
        }
        WordChain {
            words,
            next,
            starts,
        }
    }

    /// A paragraph of 40–120 words (more until a sentence ends).
    pub(super) fn paragraph(&self, rng: &mut fastrand::Rng) -> String {
        let mut out = String::new();
        for id in self.paragraph_ids(rng) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&self.words[id as usize]);
        }
        out
    }

    /// The words of [`WordChain::paragraph`], as indices into `words`.
    pub(super) fn paragraph_ids(&self, rng: &mut fastrand::Rng) -> Vec<u32> {
        let length = rng.usize(40..120);
        let mut out = Vec::new();
        let mut word = self.starts[rng.usize(..self.starts.len())];
        for count in 1.. {
            let text = &self.words[word as usize];
            out.push(word);
            if (count >= length && text.ends_with('.')) || count >= 3 * length {
                break;
            }
            let next = &self.next[word as usize];
            word = if next.is_empty() {
                self.starts[rng.usize(..self.starts.len())]
            } else {
                next[rng.usize(..next.len())]
            };
        }
        out
    }
}

pub(super) fn load_corpus() -> Corpus {
    let path = shared_dir().join("bench-data/article-extraction-benchmark/ground-truth.json");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("ground-truth.json")).expect("json");
    let raw: Vec<String> = json
        .as_object()
        .expect("object")
        .values()
        .filter_map(|v| v["articleBody"].as_str())
        .flat_map(|body| body.split("\n\n"))
        .map(str::trim)
        .filter(|p| p.split_whitespace().count() >= 5)
        .map(str::to_string)
        .collect();
    let chain = WordChain::new(&raw);
    let whole_paragraphs = std::env::var("BENCH_TEXT").as_deref() == Ok("paragraphs");
    let pages = (std::env::var("BENCH_CONTENT").as_deref() == Ok("pages")).then(Pages::load);
    Corpus {
        raw,
        chain,
        whole_paragraphs,
        pages,
    }
}

/// `BENCH_CONTENT=pages`: entries that carry real markup. Real feeds'
/// `content:encoded` is not plain paragraphs: links with long hrefs,
/// classes, figures with `srcset`, inline styles, lists and embeds make the
/// text a much smaller share of an entry's bytes, and the byte mix is what
/// the footprint depends on (how well zstd packs the raw HTML, how much
/// `content_html` and `content_text` keep). So each entry takes the markup
/// of one real page's article region, as `tests/support/clean_real.rs`
/// builds it from the shared benchmark's 181 pages (read in place), and
/// only the words of its text nodes are replaced by word-chain text of the
/// same length: every entry stays unique and the de-duplication structure
/// (a third syndicated, four copies each) is the default mode's.
pub(super) struct Pages {
    /// Each usable page's article markup, split at its text nodes.
    pub(super) templates: Vec<Vec<Piece>>,
}

pub(super) enum Piece {
    /// Tags, comments, whitespace and `script`/`style` bodies: kept as the
    /// page has them.
    Markup(String),
    /// A text node's words: replaced, `len` bytes of them (entities as
    /// written), with its own leading and trailing whitespace kept.
    Text {
        lead: String,
        len: usize,
        trail: String,
    },
}

impl Pages {
    pub(super) fn load() -> Pages {
        let dir = shared_dir().join("bench-data/article-extraction-benchmark");
        let templates: Vec<Vec<Piece>> = clean_real::load(&dir)
            .iter()
            .map(|e| split_markup(&e.html))
            .filter(|pieces| pieces.iter().any(|p| matches!(p, Piece::Text { .. })))
            .collect();
        assert!(!templates.is_empty(), "no pages under {}", dir.display());
        Pages { templates }
    }
}

/// Splits HTML (as scraper serialises it) into markup and text nodes. A
/// tag ends at the first `>` outside quotes; `script` and `style` bodies
/// are markup, not words.
pub(super) fn split_markup(html: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut markup = String::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let end = if html[i..].starts_with("<!--") {
                html[i..].find("-->").map_or(html.len(), |e| i + e + 3)
            } else {
                let mut quote = None;
                let mut k = i + 1;
                while k < bytes.len() {
                    match (quote, bytes[k]) {
                        (None, b'"' | b'\'') => quote = Some(bytes[k]),
                        (Some(q), c) if c == q => quote = None,
                        (None, b'>') => break,
                        _ => {}
                    }
                    k += 1;
                }
                (k + 1).min(html.len())
            };
            let tag = &html[i..end];
            markup.push_str(tag);
            i = end;
            let lower = tag.to_ascii_lowercase();
            for raw in ["script", "style"] {
                if lower.starts_with(&format!("<{raw}")) {
                    let close = format!("</{raw}");
                    let body_end = html[i..]
                        .to_ascii_lowercase()
                        .find(&close)
                        .map_or(html.len(), |e| i + e);
                    markup.push_str(&html[i..body_end]);
                    i = body_end;
                }
            }
        } else {
            let end = html[i..].find('<').map_or(html.len(), |e| i + e);
            let node = &html[i..end];
            // Spaces between a link and its sentence are often `&nbsp;`
            // (as scraper writes U+00A0): whitespace to keep, not a word.
            let (mut a, mut b) = (0, node.len());
            loop {
                let rest = &node[a..b];
                let trimmed = rest.trim_start();
                a += rest.len() - trimmed.len();
                match trimmed.strip_prefix("&nbsp;") {
                    Some(_) => a += "&nbsp;".len(),
                    None => break,
                }
            }
            loop {
                let rest = &node[a..b];
                let trimmed = rest.trim_end();
                b -= rest.len() - trimmed.len();
                match trimmed.strip_suffix("&nbsp;") {
                    Some(_) => b -= "&nbsp;".len(),
                    None => break,
                }
            }
            // A node without words (a link's closing period) stays as it is.
            if !node[a..b].chars().any(char::is_alphanumeric) {
                markup.push_str(node);
            } else {
                pieces.push(Piece::Markup(std::mem::take(&mut markup)));
                pieces.push(Piece::Text {
                    lead: node[..a].to_string(),
                    len: b - a,
                    trail: node[b..].to_string(),
                });
            }
            i = end;
        }
    }
    pieces.push(Piece::Markup(markup));
    pieces
}

/// Words walked from the chain, one paragraph after another.
pub(super) struct Words<'a> {
    pub(super) chain: &'a WordChain,
    pub(super) paragraph: Vec<u32>,
    pub(super) at: usize,
}

impl<'a> Words<'a> {
    pub(super) fn new(chain: &'a WordChain) -> Words<'a> {
        Words {
            chain,
            paragraph: Vec::new(),
            at: 0,
        }
    }

    pub(super) fn next(&mut self, rng: &mut fastrand::Rng) -> &'a str {
        while self.at >= self.paragraph.len() {
            self.paragraph = self.chain.paragraph_ids(rng);
            self.at = 0;
        }
        self.at += 1;
        &self.chain.words[self.paragraph[self.at - 1] as usize]
    }
}

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub(super) fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Shape {
    pub(super) feeds: usize,
    pub(super) entries: usize,
}

pub(super) struct Entry {
    pub(super) link: String,
    pub(super) title: String,
    pub(super) html: String,
    pub(super) text: String,
    pub(super) published: String,
}

/// Feeds that carry each syndicated story: [`COPIES`], or `BENCH_COPIES`
/// (a wire story carried by hundreds of feeds: issue 17; every other feed's
/// copy then has a headline of its own).
pub(super) fn copies() -> usize {
    static COPIES_SET: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *COPIES_SET.get_or_init(|| {
        std::env::var("BENCH_COPIES")
            .ok()
            .and_then(|c| c.parse().ok())
            .filter(|&c| c >= 2)
            .unwrap_or(COPIES)
    })
}

/// The stories `shape` is built as: every entry its own, but a third (j a
/// multiple of 3) one story a group of [`copies`] feeds shares.
pub(super) fn built_stories(shape: Shape) -> usize {
    let syndicated_per_feed = if shape.feeds >= copies() {
        shape.entries.div_ceil(3)
    } else {
        0
    };
    let groups = (shape.feeds / copies()).max(1);
    shape.feeds * (shape.entries - syndicated_per_feed) + groups * syndicated_per_feed
}

/// Entry `j` of feed `f`: deterministic, so every reader gets the same bytes.
pub(super) fn entry(c: &Corpus, shape: Shape, f: usize, j: usize) -> Entry {
    let groups = (shape.feeds / copies()).max(1);
    let syndicated = j.is_multiple_of(3) && shape.feeds >= copies();
    let seed = if syndicated {
        splitmix(((f % groups) as u64) << 24 | j as u64 | 1 << 62)
    } else {
        splitmix((f as u64) << 24 | j as u64)
    };
    let mut rng = fastrand::Rng::with_seed(seed);
    if let Some(pages) = &c.pages {
        // Consecutive pages in a feed, from a place of its own (its
        // group's for syndicated stories): no page twice among a feed's
        // first 181 plain entries, so its learned templates see what
        // distinct articles give, not a page's figure again.
        let base = if syndicated {
            (f % groups) * 53 + pages.templates.len() / 2
        } else {
            f * 53
        };
        let template = &pages.templates[(base + j) % pages.templates.len()];
        let (html, text, title) = page_body(c, template, &mut rng);
        return finish(shape, f, j, syndicated, groups, html, text, title);
    }
    let target = rng.usize(3000..10_000);
    let mut html = String::with_capacity(target + 512);
    let mut text = String::with_capacity(target);
    html.push_str("<div class=\"post\">");
    let mut p = rng.usize(..c.raw.len());
    let mut next_paragraph = |rng: &mut fastrand::Rng| {
        if c.whole_paragraphs {
            let raw = c.raw[p].clone();
            p = rng.usize(..c.raw.len());
            raw
        } else {
            c.chain.paragraph(rng)
        }
    };
    let mut paragraph = next_paragraph(&mut rng);
    let title: String = paragraph
        .split_whitespace()
        .take(9)
        .collect::<Vec<_>>()
        .join(" ");
    // Leave room for the widgets below so the whole stays within 3–10 KB.
    while html.len() + paragraph.len() + 400 < target || text.is_empty() {
        let _ = writeln!(html, "<p>{}</p>", escape(&paragraph));
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&paragraph);
        paragraph = next_paragraph(&mut rng);
    }
    finish(shape, f, j, syndicated, groups, html, text, title)
}

/// The end every entry shares: a share widget and a tracking pixel for the
/// cleaner to remove, and on a syndicated copy the footer naming its feed.
#[allow(clippy::too_many_arguments)]
pub(super) fn finish(
    shape: Shape,
    f: usize,
    j: usize,
    syndicated: bool,
    groups: usize,
    mut html: String,
    text: String,
    title: String,
) -> Entry {
    let _ = write!(
        html,
        "<div class=\"share\"><a href=\"https://social.example/share?u=feed{f}-{j}\">Share this</a> \
         <a href=\"https://social.example/tweet?u=feed{f}-{j}\">Tweet</a></div>\
         <img src=\"https://pixel.example/t.gif?f={f}&amp;e={j}\" width=\"1\" height=\"1\">"
    );
    if syndicated {
        let _ = write!(
            html,
            "<p><em>Distributed by Wire {}; published here by Feed {f}.</em></p>",
            f % groups
        );
    }
    html.push_str("</div>");
    // With hundreds of copies (BENCH_COPIES), every other feed puts its own
    // mark on the headline, as many papers do: those copies meet by their
    // text, not by a shared title.
    let title = if syndicated && copies() != COPIES && f % 2 == 1 {
        format!("{title} (feed {f})")
    } else {
        title
    };
    let minutes = (f * shape.entries + j) as i64;
    let published = chrono::DateTime::from_timestamp(1_793_491_200 - minutes * 60, 0)
        .unwrap_or_default()
        .to_rfc2822();
    Entry {
        link: format!("https://feed{f}.bench.example/{j}.html"),
        title,
        html,
        text,
        published,
    }
}

/// An entry's body in `BENCH_CONTENT=pages`: the page's markup with every
/// text node's words walked from the chain, as many bytes as the page's
/// (to the nearest word); the title is the first nine words.
pub(super) fn page_body(
    c: &Corpus,
    template: &[Piece],
    rng: &mut fastrand::Rng,
) -> (String, String, String) {
    let mut words = Words::new(&c.chain);
    let mut html = String::from("<div class=\"post\">");
    let mut text = String::new();
    let mut title: Vec<&str> = Vec::new();
    for piece in template {
        match piece {
            Piece::Markup(m) => html.push_str(m),
            Piece::Text { lead, len, trail } => {
                let mut node = String::new();
                let len = *len as i64;
                loop {
                    let word = words.next(rng);
                    let have = node.len() as i64;
                    // Stop at the length nearest the page's (the word that
                    // would overshoot more than it fills is left unused).
                    if have > 0 && have + 1 + word.len() as i64 - len > len - have {
                        break;
                    }
                    if title.len() < 9 {
                        title.push(word);
                    }
                    if !node.is_empty() {
                        node.push(' ');
                    }
                    node.push_str(word);
                    if node.len() as i64 >= len {
                        break;
                    }
                }
                html.push_str(lead);
                html.push_str(&escape(&node));
                html.push_str(trail);
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&node);
            }
        }
    }
    (html, text, title.join(" "))
}

pub(super) fn feed_xml(c: &Corpus, shape: Shape, f: usize) -> String {
    let mut xml = String::with_capacity(shape.entries * 7_000);
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Bench feed {f}</title><link>https://feed{f}.bench.example/</link>\
         <description>Generated for benches/ingest.rs</description>\n"
    );
    for j in 0..shape.entries {
        let e = entry(c, shape, f, j);
        let _ = writeln!(
            xml,
            "<item><title>{}</title><link>{}</link><guid isPermaLink=\"true\">{}</guid>\
             <pubDate>{}</pubDate><description><![CDATA[{}]]></description></item>",
            escape(&e.title),
            e.link,
            e.link,
            e.published,
            e.html.replace("]]>", "]]&gt;")
        );
    }
    xml.push_str("</channel></rss>\n");
    xml
}
