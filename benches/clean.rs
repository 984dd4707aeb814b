//! Cleaner benchmark: `cargo bench --bench clean`.
//!
//! Builds feed entries from the 181 ground-truth article bodies of the shared
//! extraction benchmark, wrapped in realistic entry HTML (inline links with
//! tracking parameters, a content wrapper) plus boilerplate of every class,
//! with variable parts (site names, numbers, URLs), and a per-feed header and
//! footer the template must learn. Prints the share of boilerplate blocks
//! removed, the article-token precision / recall / F1 of FORMAT.md (4-word
//! shingles, per-page normalised, macro-averaged), and the cleaner's MB/s next
//! to a bare html5ever parse of the same input in the same run, on the
//! synthetic entries and on the 181 real pages.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use feedsieve::clean::{CleanedEntry, Cleaner, FeedTemplate};
use feedsieve::config::CleanRules;

#[path = "../tests/support/shared.rs"]
mod shared;
use shared::shared_dir as shared;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// What shows that a boilerplate block was removed: its text is not in the
/// cleaned text, or a string is not in the cleaned HTML.
enum Probe {
    Text(String),
    Html(String),
}

struct Boiler {
    html: String,
    class: &'static str,
    probes: Vec<Probe>,
}

const SITES: &[&str] = &[
    "Planet Daily",
    "The Harbour Times",
    "Metro Ledger",
    "Northside Post",
    "Valley Courier",
    "Tech Brief",
    "Civic Wire",
    "Morning Sentinel",
    "Riverside Observer",
    "Coastal Chronicle",
    "Union Gazette",
    "Data Desk",
];
const OFFERS: &[&str] = &[
    "Save 40% on noise-cancelling headphones this week only",
    "Try our meal kits free for 14 days",
    "The mattress 2 million sleepers swear by",
    "Refinance now and lower your monthly payment",
];
const TITLES: &[&str] = &[
    "Why the council voted against the bridge",
    "Ten ways to save on groceries this winter",
    "The best hiking trails near the city",
    "Inside the new museum wing",
    "What the rate cut means for renters",
    "A night at the reopened market",
];

struct Gen {
    rng: fastrand::Rng,
    site: &'static str,
    domain: String,
}

impl Gen {
    fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
        xs[self.rng.usize(..xs.len())]
    }

    fn text(&self, class: &'static str, html: String, probe: &str) -> Boiler {
        Boiler {
            html,
            class,
            probes: vec![Probe::Text(probe.to_string())],
        }
    }

    fn html(&self, class: &'static str, html: String, probe: String) -> Boiler {
        Boiler {
            html,
            class,
            probes: vec![Probe::Html(probe)],
        }
    }

    /// One boilerplate block of a random class and variant.
    fn boiler(&mut self) -> Boiler {
        let n = self.rng.u32(1000..99999);
        let (site, d) = (self.site, self.domain.clone());
        let title = self.pick(TITLES);
        let offer = self.pick(OFFERS);
        match self.rng.usize(..34) {
            // Ad markers and slots.
            0 => self.text("ad", "<p>Advertisement</p>".into(), "Advertisement"),
            1 => self.text("ad", "<p><small>ADVERTISEMENT</small></p>".into(), "ADVERTISEMENT"),
            2 => self.text("ad", "<p>- Advertisement -</p>".into(), "Advertisement"),
            3 => self.text("ad", "<p><em>Story continues below advertisement</em></p>".into(), "continues below"),
            4 => self.text("ad", format!("<div class=\"ad-container\"><p>{offer}</p></div>"), offer),
            5 => self.html(
                "ad",
                format!("<div id=\"gpt-ad-{n}\"><iframe src=\"https://ads.example/slot/{n}\"></iframe></div>"),
                format!("ads.example/slot/{n}"),
            ),
            6 => self.text("ad", format!("<aside class=\"promo-box\"><a href=\"https://shop.example/{n}\">{offer}</a></aside>"), offer),
            7 => self.text("ad", "<p>Sponsored</p>".into(), "Sponsored"),
            // Newsletter and subscription blocks.
            8 => self.text(
                "newsletter",
                format!("<p>Sign up for the {site} newsletter and get the best stories in your inbox every morning.</p>"),
                "newsletter and get the best stories",
            ),
            9 => self.text("newsletter", "<p>Subscribe to our daily digest. No spam, unsubscribe any time.</p>".into(), "daily digest"),
            10 => self.text(
                "newsletter",
                format!("<div class=\"newsletter-signup\"><h4>Stay informed</h4><p>Get {site} in your inbox.</p><form action=\"/subscribe\"><input type=\"email\" placeholder=\"Your email address\"><button>Sign me up</button></form></div>"),
                "Stay informed",
            ),
            11 => self.text(
                "newsletter",
                "<p>We respect your privacy. Read our <a href=\"/privacy\">privacy policy</a>. By subscribing you agree to our terms of use.</p>".into(),
                "respect your privacy",
            ),
            // Syndication headers and footers.
            12 => self.text(
                "syndication",
                format!("<p>The post <a href=\"https://{d}/{n}\">{title}</a> appeared first on <a href=\"https://{d}\">{site}</a>.</p>"),
                "appeared first on",
            ),
            13 => self.text("syndication", format!("<p><em>This article originally appeared on {site}.</em></p>"), "originally appeared"),
            14 => self.text("syndication", format!("<p>Republished with permission from {site}.</p>"), "Republished with permission"),
            15 => self.text("syndication", format!("<p>Read more at <a href=\"https://{d}/{n}?utm_source=rss\">{d}</a></p>"), "Read more at"),
            16 => self.text("syndication", format!("<p>© {} {site}. All rights reserved.</p>", 2000 + n % 26), "All rights reserved"),
            17 => self.text(
                "syndication",
                "<p>This material may not be published, broadcast, rewritten or redistributed.</p>".into(),
                "may not be published",
            ),
            18 => self.text("syndication", format!("<p><em>This story was first published by {site}.</em></p>"), "first published by"),
            // Social and engagement blocks.
            19 => self.text(
                "social",
                format!("<div class=\"share-buttons\"><a href=\"https://facebook.com/sharer?u={n}\">Share on Facebook</a> <a href=\"https://twitter.com/intent/tweet?u={n}\">Tweet</a> <a href=\"mailto:?body={n}\">Email</a></div>"),
                "Share on Facebook",
            ),
            20 => Boiler {
                html: format!("<p>Share this:</p><ul><li><a href=\"https://twitter.com/share?u={n}\">Twitter</a></li><li><a href=\"https://facebook.com/share?u={n}\">Facebook</a></li></ul>"),
                class: "social",
                probes: vec![Probe::Text("Share this".into()), Probe::Html(format!("twitter.com/share?u={n}"))],
            },
            21 => Boiler {
                html: "<p>Like this:</p><p>Like Loading...</p>".into(),
                class: "social",
                probes: vec![Probe::Text("Like this".into()), Probe::Text("Like Loading".into())],
            },
            22 => self.text("social", format!("<p>Follow {site} on Twitter and Facebook.</p>"), "on Twitter and Facebook"),
            // Related and recommended links.
            23 => Boiler {
                html: format!("<h3>Related</h3><ul><li><a href=\"https://{d}/a{n}\">{}</a></li><li><a href=\"https://{d}/b{n}\">{}</a></li></ul>", TITLES[0], TITLES[3]),
                class: "related",
                probes: vec![Probe::Html(format!("{d}/a{n}")), Probe::Html(format!("{d}/b{n}"))],
            },
            24 => self.text("related", format!("<p><strong>Related:</strong> <a href=\"https://{d}/{n}\">{title}</a></p>"), title),
            25 => self.text("related", format!("<p>You may also like: <a href=\"https://{d}/{n}\">{title}</a></p>"), "You may also like"),
            26 => Boiler {
                html: format!("<p>More from {site}</p><ul><li><a href=\"https://{d}/c{n}\">{}</a></li><li><a href=\"https://{d}/d{n}\">{}</a></li></ul>", TITLES[4], TITLES[5]),
                class: "related",
                probes: vec![Probe::Text(format!("More from {site}")), Probe::Html(format!("{d}/c{n}"))],
            },
            27 => self.text("related", format!("<p><a href=\"https://{d}/{n}\">Continue reading →</a></p>"), "Continue reading"),
            // Images that are not content.
            28 => self.html(
                "image",
                format!("<img src=\"http://feeds.feedburner.com/~r/planet/~4/{n}\" height=\"1\" width=\"1\" alt=\"\">"),
                format!("~4/{n}"),
            ),
            29 => self.html(
                "image",
                format!("<div class=\"feedflare\"><a href=\"http://feeds.feedburner.com/~ff/planet?a={n}\"><img src=\"http://feeds.feedburner.com/~ff/planet?d={n}\" border=\"0\"></a></div>"),
                format!("planet?d={n}"),
            ),
            30 => self.html(
                "image",
                format!("<p><img src=\"https://{d}/wp-content/uploads/logo-{n}.png\" alt=\"{site}\"></p>"),
                format!("logo-{n}.png"),
            ),
            31 => self.text("image", "<p>Logo-favicon</p>".into(), "Logo-favicon"),
            // Unsafe or dead markup.
            32 => self.html("unsafe", format!("<script>window.track({n});</script>"), format!("track({n})")),
            _ => self.html(
                "unsafe",
                format!("<button onclick=\"more({n})\">Load more</button>"),
                format!("more({n})"),
            ),
        }
    }
}

struct Entry {
    html: String,
    truth: String,
    boiler: Vec<Boiler>,
}

/// Article paragraphs as a feed publishes them: some words linked, with
/// tracking parameters.
fn article_html(rng: &mut fastrand::Rng, paras: &[&str], domain: &str) -> String {
    let mut out = String::new();
    for p in paras {
        let words: Vec<&str> = p.split(' ').collect();
        out.push_str("<p>");
        if words.len() > 12 && rng.u8(..3) == 0 {
            let at = rng.usize(..words.len() - 3);
            out.push_str(&escape(&words[..at].join(" ")));
            out.push_str(&format!(
                " <a href=\"https://{domain}/topic/{at}?utm_source=feed&amp;utm_medium=rss\">"
            ));
            out.push_str(&escape(&words[at..at + 3].join(" ")));
            out.push_str("</a> ");
            out.push_str(&escape(&words[at + 3..].join(" ")));
        } else {
            out.push_str(&escape(p));
        }
        out.push_str("</p>\n");
    }
    out
}

/// Entries grouped into feeds of 15; each feed has its own header and footer.
fn build_feeds(bodies: &[String]) -> Vec<Vec<Entry>> {
    let mut rng = fastrand::Rng::with_seed(20261128);
    let mut feeds = Vec::new();
    for (f, chunk) in bodies.chunks(15).enumerate() {
        let site = SITES[f % SITES.len()];
        let domain = format!("{}.example", site.to_lowercase().replace(' ', ""));
        let mut g = Gen {
            rng: fastrand::Rng::with_seed(f as u64),
            site,
            domain: domain.clone(),
        };
        let editor = ["Ana Ruiz", "Tom Berg", "Lee Park"][f % 3];
        let mut entries = Vec::new();
        for body in chunk {
            let paras: Vec<&str> = body
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            let half = paras.len() / 2;
            let mut boiler = Vec::new();
            let mut html = String::from("<div class=\"entry-content\">\n");
            // The feed's template: a byline strip and a footer, per entry
            // digits differing.
            let header = format!("<p>By the {site} staff · {} min read</p>\n", rng.u8(2..15));
            let footer = format!(
                "<p>{site} is an independent, reader-funded newsroom. Questions about this story? Write to {editor} at desk{}@{domain}.</p>\n",
                f
            );
            html.push_str(&header);
            boiler.push(Boiler {
                html: String::new(),
                class: "template",
                probes: vec![Probe::Text(format!("By the {site} staff"))],
            });
            let promo = format!(
                "<p><a href=\"https://{domain}/app\">Get the {site} app</a> for breaking news alerts.</p>\n"
            );
            let repeated = rng.u8(..4) == 0;
            if repeated {
                html.push_str(&promo);
            }
            for _ in 0..rng.usize(0..=2) {
                let b = g.boiler();
                html.push_str(&b.html);
                html.push('\n');
                boiler.push(b);
            }
            html.push_str(&article_html(&mut rng, &paras[..half], &domain));
            for _ in 0..rng.usize(0..=2) {
                let b = g.boiler();
                html.push_str(&b.html);
                html.push('\n');
                boiler.push(b);
            }
            html.push_str(&article_html(&mut rng, &paras[half..], &domain));
            for _ in 0..rng.usize(2..=5) {
                let b = g.boiler();
                html.push_str(&b.html);
                html.push('\n');
                boiler.push(b);
            }
            if repeated {
                html.push_str(&promo);
                boiler.push(Boiler {
                    html: String::new(),
                    class: "repeated",
                    probes: vec![Probe::Text(format!("Get the {site} app"))],
                });
            }
            html.push_str(&footer);
            boiler.push(Boiler {
                html: String::new(),
                class: "template",
                probes: vec![Probe::Text("reader-funded newsroom".into())],
            });
            html.push_str("</div>\n");
            entries.push(Entry {
                html,
                truth: body.clone(),
                boiler,
            });
        }
        feeds.push(entries);
    }
    feeds
}

// ----------------------------------------------------------------- metric --

fn tokens(text: &str, re: &regex::Regex) -> Vec<String> {
    re.find_iter(text).map(|m| m.as_str().to_string()).collect()
}

fn shingles(text: &str, re: &regex::Regex) -> HashMap<Vec<String>, usize> {
    let toks = tokens(text, re);
    let mut bag = HashMap::new();
    if toks.is_empty() {
        return bag;
    }
    if toks.len() < 4 {
        bag.insert(toks, 1);
        return bag;
    }
    for w in toks.windows(4) {
        *bag.entry(w.to_vec()).or_insert(0) += 1;
    }
    bag
}

/// (precision, recall, has_prediction) of one page, per FORMAT.md.
fn score(truth: &str, pred: &str, re: &regex::Regex) -> (f64, f64, bool) {
    let (t, p) = (shingles(truth, re), shingles(pred, re));
    let mut overlap = 0usize;
    for (k, &n) in &p {
        overlap += n.min(t.get(k).copied().unwrap_or(0));
    }
    let extra = p.values().sum::<usize>() - overlap;
    let missed = t.values().sum::<usize>() - overlap;
    let total = (overlap + extra + missed) as f64;
    let (tp, fp, fn_) = if total > 0.0 {
        (
            overlap as f64 / total,
            extra as f64 / total,
            missed as f64 / total,
        )
    } else {
        (0.0, 0.0, 0.0)
    };
    if fp == 0.0 && fn_ == 0.0 {
        return (1.0, 1.0, tp + fp > 0.0);
    }
    let prec = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let rec = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    (prec, rec, tp + fp > 0.0)
}

struct Quality {
    removed: usize,
    blocks: usize,
    by_class: BTreeMap<&'static str, (usize, usize)>,
    precision: f64,
    recall: f64,
    missed: Vec<String>,
}

fn quality(feeds: &[Vec<Entry>], outs: &[Vec<CleanedEntry>]) -> Quality {
    let re = regex::Regex::new(r"\w+").unwrap_or_else(|e| panic!("{e}"));
    let (mut removed, mut blocks) = (0, 0);
    let mut by_class: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    let (mut ps, mut rs) = (Vec::new(), Vec::new());
    let mut missed = Vec::new();
    for (entries, outs) in feeds.iter().zip(outs) {
        for (e, out) in entries.iter().zip(outs) {
            for b in &e.boiler {
                let gone = b.probes.iter().all(|p| match p {
                    Probe::Text(t) => !out.text.contains(t.as_str()),
                    Probe::Html(h) => !out.html.contains(h.as_str()),
                });
                blocks += 1;
                let c = by_class.entry(b.class).or_default();
                c.1 += 1;
                if gone {
                    removed += 1;
                    c.0 += 1;
                } else if missed.len() < 12 {
                    let probes: Vec<&str> = b
                        .probes
                        .iter()
                        .map(|p| match p {
                            Probe::Text(t) | Probe::Html(t) => t.as_str(),
                        })
                        .collect();
                    missed.push(format!("{}: {probes:?}", b.class));
                }
            }
            let (p, r, has) = score(&e.truth, &out.text, &re);
            if has {
                ps.push(p);
            }
            rs.push(r);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    Quality {
        removed,
        blocks,
        by_class,
        precision: mean(&ps),
        recall: mean(&rs),
        missed,
    }
}

fn report(name: &str, q: &Quality) {
    let f1 = 2.0 * q.precision * q.recall / (q.precision + q.recall);
    println!(
        "{name}: boilerplate blocks removed {}/{} = {:.2}%  precision {:.4}  recall {:.4}  F1 {:.4}",
        q.removed,
        q.blocks,
        100.0 * q.removed as f64 / q.blocks as f64,
        q.precision,
        q.recall,
        f1
    );
    for (class, (r, n)) in &q.by_class {
        println!("    {class:<12} {r}/{n}");
    }
    for m in &q.missed {
        println!("    missed: {m}");
    }
}

// ------------------------------------------------------------- throughput --

/// Best wall time of `passes` runs of `f`.
fn best(passes: usize, mut f: impl FnMut()) -> Duration {
    (0..passes)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn throughput(name: &str, inputs: &[&str], passes: usize, cleaner: &Cleaner) {
    let bytes: usize = inputs.iter().map(|s| s.len()).sum();
    let mb = bytes as f64 / 1e6;
    let parse = best(passes, || {
        for h in inputs {
            std::hint::black_box(scraper::Html::parse_document(h));
        }
    });
    let clean = best(passes, || {
        for h in inputs {
            std::hint::black_box(cleaner.clean(h, None, None));
        }
    });
    let (p, c) = (mb / parse.as_secs_f64(), mb / clean.as_secs_f64());
    println!(
        "{name}: {:.1} MB; bare parse {p:.1} MB/s; cleaner {c:.1} MB/s; cleaner/parse = {:.2}",
        mb,
        c / p
    );
}

fn main() {
    let root = shared().join("bench-data/article-extraction-benchmark");
    let gt: BTreeMap<String, serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(root.join("ground-truth.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let bodies: Vec<String> = gt
        .values()
        .map(|v| v["articleBody"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        bodies.len(),
        181,
        "ground truth not found under {}",
        root.display()
    );
    let cleaner = Cleaner::new(&CleanRules::default()).unwrap_or_else(|e| panic!("{e}"));
    let feeds = build_feeds(&bodies);

    // As the pipeline runs: each feed's first fetch cleaned as one batch.
    let batch: Vec<Vec<CleanedEntry>> = feeds
        .iter()
        .map(|entries| {
            let htmls: Vec<&str> = entries.iter().map(|e| e.html.as_str()).collect();
            let mut template = FeedTemplate::default();
            cleaner.clean_batch(&htmls, None, &mut template)
        })
        .collect();
    report(
        "synthetic feeds, clean_batch (template learned)",
        &quality(&feeds, &batch),
    );
    // Entry by entry with no template: what the rules alone do.
    let alone: Vec<Vec<CleanedEntry>> = feeds
        .iter()
        .map(|entries| {
            entries
                .iter()
                .map(|e| cleaner.clean(&e.html, None, None))
                .collect()
        })
        .collect();
    report(
        "synthetic feeds, clean without template",
        &quality(&feeds, &alone),
    );

    let inputs: Vec<&str> = feeds.iter().flatten().map(|e| e.html.as_str()).collect();
    throughput("synthetic entries", &inputs, 7, &cleaner);
    if std::env::var_os("CLEAN_BENCH_PROFILE").is_some() {
        for _ in 0..30 {
            for h in &inputs {
                std::hint::black_box(cleaner.clean(h, None, None));
            }
        }
    }

    // Skipping the real pages keeps a profile of the synthetic run readable.
    if std::env::var_os("CLEAN_BENCH_SKIP_PAGES").is_some() {
        return;
    }
    let mut pages = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("html"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    for f in files {
        let Ok(file) = std::fs::File::open(&f) else {
            continue;
        };
        let mut s = String::new();
        if flate2::read::GzDecoder::new(file)
            .read_to_string(&mut s)
            .is_ok()
        {
            pages.push(s);
        }
    }
    let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
    throughput("181 real pages", &pages, 2, &cleaner);
}
