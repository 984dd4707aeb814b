//! The full-text path on pages chosen and judged by others:
//! `FEEDSIEVE_OUTSIDE=<dir> cargo bench --bench clean_outside`.
//!
//! Our own corpora were written by the people who wrote the rules. This one
//! was not: `<dir>` is the `tests/` folder of trafilatura's repository
//! (Apache-2.0; `evaldata.json`, `eval/`, `cache/`), 990 real pages in a
//! dozen languages (German, Polish, English, Spanish, French …), each with
//! a few passages its authors judged article text ("with") and a few they
//! judged boilerplate ("without"). It is not copied into this repository:
//! BENCHMARKS.md says how to get it, at which commit. Without it the bench
//! says so and stops.
//!
//! Each page goes the way a summary-only feed's linked page goes: decoded
//! by its declared charset, `extract::extract`, then `Cleaner::clean` with
//! no template (one page a site). Scored as trafilatura scores itself
//! (whitespace-normalised substring match; a "with" passage found is a true
//! positive, a "without" passage found a false positive), after extraction
//! alone and after the cleaner, so the cleaner's own part shows: the
//! article passages it took, and the boilerplate it took that extraction
//! had left.
//!
//! Pages are split by file name (FNV-1a, even = dev). Tune on the dev half
//! only: `CLEAN_OUTSIDE_MISSES=1` prints the dev half's article passages
//! extraction missed, and those the cleaner took (article) or left
//! (boilerplate), never the held-out half's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use feedsieve::clean::{Cleaner, EntryInput};
use feedsieve::config::CleanRules;
use feedsieve::{extract, fulltext, parse};

// The real pages' corpus, for its split (`is_dev`, FNV-1a of a name) and
// its whitespace collapsing (the evaluation's own `norm`): one rule for
// both benches. Its page loading is not used here.
#[allow(dead_code)]
#[path = "../tests/support/clean_real.rs"]
mod clean_real;
use clean_real::{collapse as norm, is_dev};

struct Page {
    file: String,
    url: Option<url::Url>,
    html: String,
    with: Vec<String>,
    without: Vec<String>,
}

/// The pages named in `evaldata.json` that are present, in file-name order;
/// `cache/` first, as the evaluation looks them up.
fn load(dir: &Path) -> Result<(Vec<Page>, usize), String> {
    let index = dir.join("evaldata.json");
    let raw = std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let data: serde_json::Value =
        serde_json::from_str(&raw).map_err(|e| format!("{}: {e}", index.display()))?;
    let records = data.as_object().ok_or("evaldata.json: not an object")?;
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str()).map(norm).collect())
            .unwrap_or_default()
    };
    let mut pages = Vec::new();
    for (url, record) in records {
        let Some(file) = record["file"].as_str() else {
            continue;
        };
        let Some(bytes) = ["cache", "eval"]
            .iter()
            .find_map(|sub| std::fs::read(dir.join(sub).join(file)).ok())
        else {
            continue;
        };
        let content_type = fulltext::page_content_type(None, &bytes);
        pages.push(Page {
            file: file.to_string(),
            url: url::Url::parse(url).ok(),
            html: parse::decode(&bytes, content_type.as_deref()),
            with: strings(&record["with"]),
            without: strings(&record["without"]),
        });
    }
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    Ok((pages, records.len()))
}

/// (true positives, false positives, false negatives, true negatives).
#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

impl Counts {
    fn add(&mut self, page: &Page, text: &str) {
        let text = norm(text);
        let with = page
            .with
            .iter()
            .filter(|w| text.contains(w.as_str()))
            .count();
        let without = page
            .without
            .iter()
            .filter(|w| text.contains(w.as_str()))
            .count();
        self.tp += with;
        self.fn_ += page.with.len() - with;
        self.fp += without;
        self.tn += page.without.len() - without;
    }

    fn line(&self) -> String {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(self.tp, self.tp + self.fp);
        let recall = ratio(self.tp, self.tp + self.fn_);
        let f1 = ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_);
        format!(
            "article passages kept {}/{} = {:.2}%, boilerplate passages left {}/{} = {:.2}%; P {precision:.4} R {recall:.4} F1 {f1:.4}",
            self.tp,
            self.tp + self.fn_,
            100.0 * recall,
            self.fp,
            self.fp + self.tn,
            100.0 * ratio(self.fp, self.fp + self.tn),
        )
    }
}

fn main() {
    let Some(dir) = std::env::var_os("FEEDSIEVE_OUTSIDE").map(PathBuf::from) else {
        println!(
            "clean_outside: set FEEDSIEVE_OUTSIDE to trafilatura's tests/ folder (see BENCHMARKS.md)"
        );
        return;
    };
    let (pages, named) = match load(&dir) {
        Ok(loaded) => loaded,
        Err(e) => {
            println!("clean_outside: {e}");
            return;
        }
    };
    let show = std::env::var_os("CLEAN_OUTSIDE_MISSES").is_some();
    let cleaner = Cleaner::new(&CleanRules::default()).unwrap_or_else(|e| panic!("{e}"));
    // One dev page in full: the extracted article, what the cleaner kept
    // and what it removed, and why.
    if let Some(name) = std::env::var_os("CLEAN_OUTSIDE_PAGE") {
        let name = name.to_string_lossy().to_string();
        let dev_pages = pages
            .iter()
            .filter(|p| is_dev(&p.file) && p.file.starts_with(&name));
        for page in dev_pages {
            let Some(article) = extract::extract(&page.html, page.url.as_ref()) else {
                println!("{}: no article", page.file);
                continue;
            };
            let out = cleaner.clean(&article.html, None, None);
            println!(
                "{}\nEXTRACTED\n{}\nKEPT\n{}\nREMOVED",
                page.file, article.html, out.html
            );
            for r in &out.removed {
                println!("  {}: {}", r.reason, r.text);
            }
        }
        return;
    }
    println!(
        "clean_outside: {} of the {named} pages named are present",
        pages.len()
    );
    // Then as the daemon reads a page: with the writers the page names.
    for (name, dev, bylines) in [
        ("dev", true, false),
        ("held-out", false, false),
        ("dev, with the pages' writers", true, true),
        ("held-out, with the pages' writers", false, true),
    ] {
        let half: Vec<&Page> = pages.iter().filter(|p| is_dev(&p.file) == dev).collect();
        let (mut extracted, mut cleaned) = (Counts::default(), Counts::default());
        let (mut articles, mut named_writers) = (0, 0);
        // Passages present after extraction that the cleaner took, by the
        // reason of the removed block that holds them.
        let mut article_taken: BTreeMap<String, usize> = BTreeMap::new();
        let mut boilerplate_taken: BTreeMap<String, usize> = BTreeMap::new();
        let mut notes = Vec::new();
        for page in &half {
            let article = extract::extract(&page.html, page.url.as_ref());
            let (raw, out) = match &article {
                Some(a) => {
                    articles += 1;
                    named_writers += usize::from(bylines && !a.authors.is_empty());
                    let page = EntryInput {
                        html: &a.html,
                        authors: if bylines { &a.authors } else { &[] },
                    };
                    (a.text.clone(), Some(cleaner.clean_entry(page, None, None)))
                }
                None => (String::new(), None),
            };
            extracted.add(page, &raw);
            if show && dev {
                let text = norm(&raw);
                for w in page.with.iter().filter(|w| !text.contains(w.as_str())) {
                    notes.push(format!(
                        "extraction missed {} ({} chars extracted): {w}",
                        page.file,
                        text.len()
                    ));
                }
            }
            let clean_text = out.as_ref().map_or("", |o| o.text.as_str());
            cleaned.add(page, clean_text);
            let (raw, clean_text) = (norm(&raw), norm(clean_text));
            let reason = |probe: &str| {
                out.as_ref()
                    .and_then(|o| {
                        o.removed
                            .iter()
                            .find(|b| norm(&b.text).contains(probe))
                            .map(|b| b.reason.clone())
                    })
                    .unwrap_or_else(|| "?".to_string())
            };
            for (probes, taken, article) in [
                (&page.with, &mut article_taken, true),
                (&page.without, &mut boilerplate_taken, false),
            ] {
                for p in probes {
                    if !raw.contains(p.as_str()) {
                        continue;
                    }
                    let gone = !clean_text.contains(p.as_str());
                    if gone {
                        *taken.entry(reason(p)).or_default() += 1;
                    }
                    // The dev half only: what to read while tuning.
                    if show && dev && gone == article {
                        notes.push(format!(
                            "{} {} ({}): {p}",
                            if article {
                                "took article"
                            } else {
                                "left boilerplate"
                            },
                            page.file,
                            if gone { reason(p) } else { "kept".to_string() }
                        ));
                    }
                }
            }
        }
        println!(
            "{name}: {} pages, an article extracted from {articles}{}",
            half.len(),
            if bylines {
                format!(", {named_writers} naming a writer")
            } else {
                String::new()
            }
        );
        println!("    extraction alone:  {}", extracted.line());
        println!("    and the cleaner:   {}", cleaned.line());
        for (what, taken) in [
            ("article passages the cleaner took", &article_taken),
            ("boilerplate passages the cleaner took", &boilerplate_taken),
        ] {
            let total: usize = taken.values().sum();
            let reasons: Vec<String> = taken.iter().map(|(r, n)| format!("{r} {n}")).collect();
            println!("    {what}: {total} ({})", reasons.join(", "));
        }
        for n in notes {
            println!("    {n}");
        }
    }
}
