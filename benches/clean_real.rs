//! Issue 17, item 6, on real pages: `cargo bench --bench clean_real`.
//!
//! Entries built by `tests/support/clean_real.rs` from the 181 pages of the
//! shared article-extraction benchmark: each page's article paragraphs with
//! the captions, credits, bios, update notes and inline links the page
//! itself prints around them, in its own markup. Pages are split by id into
//! a dev half and a held-out half (see `clean_real::is_dev`). Prints, per
//! half, each kind's blocks removed and the article blocks kept whole.
//!
//! Each half is cleaned twice: as the pages print it, and with every
//! `class` and `id` attribute removed (as many feeds carry an article),
//! where only words and places tell the kinds.
//!
//! `CLEAN_REAL_LABELS=1` prints every labelled block (page, hash, kind,
//! rule, text) for checking the labels by reading; `CLEAN_REAL_MISSES=1`
//! prints the dev half's misses and losses (never the held-out half's).

use std::collections::BTreeMap;

use feedsieve::clean::{Cleaner, EntryInput};
use feedsieve::config::CleanRules;

#[path = "../tests/support/clean_real.rs"]
mod clean_real;
#[path = "../tests/support/shared.rs"]
mod shared;
use clean_real::KINDS;

/// Text without any whitespace: blocks joined with or without a space (an
/// inline caption and credit, a `dt` and its `dd`) compare alike.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// How many copies of a probe's text the cleaned text keeps: its copies
/// there beyond those in the article's own blocks (a short caption,
/// "“Wild Rose”", is not kept because an article paragraph names the film).
fn kept_copies(cleaned: &str, article: &str, probe: &str) -> usize {
    if probe.is_empty() {
        return 0;
    }
    cleaned
        .matches(probe)
        .count()
        .saturating_sub(article.matches(probe).count())
}

/// The reasons of the five kinds' rules (issue 17); the other reasons are
/// the older rules' (ads, footers, share bars, related links …).
const KIND_REASONS: &[&str] = &[
    "image caption",
    "photo credit",
    "author bio",
    "update note",
    "inline related link",
    "inline media link",
];

fn main() {
    let dir = shared::shared_dir().join("bench-data/article-extraction-benchmark");
    let entries = clean_real::load(&dir);
    assert!(entries.len() > 150, "pages not found at {}", dir.display());
    if std::env::var_os("CLEAN_REAL_LABELS").is_some() {
        for e in &entries {
            for p in &e.probes {
                println!(
                    "{} {:08x} {:<8} {:<40} {}",
                    e.id.get(..12).unwrap_or(""),
                    clean_real::text_hash(&p.text),
                    p.kind,
                    p.rule,
                    p.text.chars().take(160).collect::<String>()
                );
                if std::env::var_os("CLEAN_REAL_LABELS").is_some_and(|v| v == "2") {
                    println!("        {}", p.context.replace('\n', " "));
                }
            }
        }
        return;
    }
    // Every class and id attribute, for the second view (below).
    let bare_attr =
        regex::Regex::new(r#"\s(?:class|id)="[^"]*""#).unwrap_or_else(|e| panic!("{e}"));
    // One dev page in full: its entry, what the cleaner kept and removed.
    if let Some(page) = std::env::var_os("CLEAN_REAL_PAGE") {
        let page = page.to_string_lossy().to_string();
        let cleaner = Cleaner::new(&CleanRules::default()).unwrap_or_else(|e| panic!("{e}"));
        for e in entries.iter().filter(|e| e.dev && e.id.starts_with(&page)) {
            // CLEAN_REAL_BARE=1: the page without class and id (below).
            let html = if std::env::var_os("CLEAN_REAL_BARE").is_some() {
                bare_attr.replace_all(&e.html, "").into_owned()
            } else {
                e.html.clone()
            };
            let out = cleaner.clean(&html, None, None);
            println!("ENTRY\n{html}\nKEPT\n{}\nREMOVED", out.html);
            for r in &out.removed {
                println!("  {}: {}", r.reason, r.text);
            }
        }
        return;
    }
    let show = std::env::var_os("CLEAN_REAL_MISSES").is_some();
    let cleaner = Cleaner::new(&CleanRules::default()).unwrap_or_else(|e| panic!("{e}"));
    // Many feeds carry an article without its class and id attributes
    // (generators and syndication pipelines drop them): the same entries
    // so, where only the words and the places tell the kinds.
    let stripped: Vec<clean_real::Entry> = entries
        .iter()
        .map(|e| clean_real::Entry {
            html: bare_attr.replace_all(&e.html, "").into_owned(),
            ..e.clone()
        })
        .collect();
    // Last, as a feed that names its writers would give them: the pages'
    // own writers (JSON-LD or meta tags) as the entries' bylines.
    for (name, dev, set, bylines) in [
        ("dev pages", true, &entries, false),
        ("held-out pages", false, &entries, false),
        ("dev pages, class and id removed", true, &stripped, false),
        (
            "held-out pages, class and id removed",
            false,
            &stripped,
            false,
        ),
        (
            "dev pages, with the pages' writers as bylines",
            true,
            &entries,
            true,
        ),
        (
            "held-out pages, with the pages' writers as bylines",
            false,
            &entries,
            true,
        ),
    ] {
        let half: Vec<_> = set.iter().filter(|e| e.dev == dev).collect();
        let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let (mut kept, mut all) = (0, 0);
        // The article blocks feedsieve's statement names boilerplate
        // (`clean_real::named_boilerplate`): kept, and in all.
        let (mut named_kept, mut named_all) = (0, 0);
        let mut lost_to: BTreeMap<&str, usize> = BTreeMap::new();
        let mut notes = Vec::new();
        let mut named_writers = 0;
        for e in &half {
            let authors: &[String] = if bylines { &e.authors } else { &[] };
            named_writers += usize::from(!authors.is_empty());
            let out = cleaner.clean_entry(
                EntryInput {
                    html: &e.html,
                    authors,
                },
                None,
                None,
            );
            let text = squash(&out.text);
            let article_text = squash(&e.article.join("\u{1}"));
            // How many copies of each probe's text are still to be found.
            let mut left: BTreeMap<String, usize> = BTreeMap::new();
            // Longest first: a credit's copies inside a kept caption that
            // holds it ("… (Photo: Getty Images)") are the caption's.
            let mut texts: Vec<String> = e.probes.iter().map(|p| squash(&p.text)).collect();
            texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
            texts.dedup();
            for t in &texts {
                let inside: usize = left
                    .iter()
                    .map(|(q, &kept)| kept * q.matches(t.as_str()).count())
                    .sum();
                let kept = kept_copies(&text, &article_text, t).saturating_sub(inside);
                left.insert(t.clone(), kept);
            }
            for p in &e.probes {
                let copies = left.entry(squash(&p.text)).or_default();
                let gone = *copies == 0;
                *copies = copies.saturating_sub(1);
                let c = by_kind.entry(p.kind).or_default();
                c.0 += usize::from(gone);
                c.1 += 1;
                if show && dev && !gone {
                    notes.push(format!(
                        "missed {} [{}] {} {:08x}: {}",
                        p.kind,
                        p.rule,
                        e.id.get(..12).unwrap_or(""),
                        clean_real::text_hash(&p.text),
                        p.text.chars().take(200).collect::<String>()
                    ));
                    notes.push(format!("        context: {}", p.context.replace('\n', " ")));
                }
            }
            for a in &e.article {
                all += 1;
                let ok = text.contains(&squash(a));
                kept += usize::from(ok);
                if e.named_boilerplate.contains(a) {
                    named_all += 1;
                    named_kept += usize::from(ok);
                }
                if !ok {
                    let why = out
                        .removed
                        .iter()
                        .find(|b| {
                            // Its start, anywhere in a removed block (a box
                            // removed whole by its class holds several).
                            squash(&b.text)
                                .contains(&squash(&a.chars().take(40).collect::<String>()))
                        })
                        .map_or("?".to_string(), |b| b.reason.clone());
                    let kinds_rule = KIND_REASONS.iter().any(|r| why.starts_with(r));
                    *lost_to
                        .entry(if kinds_rule {
                            "the kinds' rules"
                        } else if why == "?" {
                            "no reason found"
                        } else {
                            "the older rules"
                        })
                        .or_default() += 1;
                    if !(show && dev) {
                        continue;
                    }
                    notes.push(format!(
                        "lost   {} ({why}): {}",
                        e.id.get(..12).unwrap_or(""),
                        a.chars().take(200).collect::<String>()
                    ));
                }
            }
        }
        if bylines {
            println!(
                "{name}: {} pages, {named_writers} naming a writer",
                half.len()
            );
        } else {
            println!("{name}: {} pages", half.len());
        }
        for kind in KINDS {
            let (r, n) = by_kind.get(kind).copied().unwrap_or_default();
            println!(
                "    {kind:<8} removed {r}/{n} = {:.1}%",
                100.0 * r as f64 / n.max(1) as f64
            );
        }
        println!(
            "    article blocks kept {kept}/{all} = {:.3}%",
            100.0 * kept as f64 / all.max(1) as f64
        );
        let (rest_kept, rest) = (kept - named_kept, all - named_all);
        println!(
            "    without the {named_all} blocks feedsieve names boilerplate (kept {named_kept}): article blocks kept {rest_kept}/{rest} = {:.3}%",
            100.0 * rest_kept as f64 / rest.max(1) as f64
        );
        // Counts only: the held-out half's lost texts are never printed.
        for (rule, n) in &lost_to {
            println!("    article blocks lost to {rule}: {n}");
        }
        for n in notes {
            println!("    {n}");
        }
    }
}
