//! `cargo run --release --example probe_kinds -- notes|bios FILE`: which
//! lines of FILE (one per line, `#` for comments) the cleaner removes, each
//! set in the article's own `<p>` after (and for notes also before) three
//! paragraphs of an article. Notes are cleaned without a byline; bios with
//! the byline "Ana Ruiz" and without one. Prints each line's verdict and
//! reason, any other block removed ("LOST"), and the counts.
//!
//! The lists in `examples/probe/` were written from what feeds print, not
//! from any corpus, before the rules they measure (BENCHMARKS.md, session
//! 20); the `*-closing-sentences.txt` lists are article lines that must
//! stay.

use feedsieve::clean::{CleanedEntry, Cleaner, EntryInput};

const ARTICLE: &str = "<p>The city council voted on Tuesday to close the two bridges over the river for repairs that engineers say are overdue by a decade.</p>\
<p>Residents packed the hall for more than three hours, and many said the detour would add half an hour to their commute each way.</p>\
<p>The mayor said the work would start in March and last until the autumn, with one lane open on weekends when traffic allows.</p>";

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(kind), Some(path)) = (args.next(), args.next()) else {
        eprintln!("usage: probe_kinds notes|bios FILE");
        std::process::exit(2);
    };
    if kind != "notes" && kind != "bios" {
        eprintln!("probe_kinds: unknown kind {kind:?}: give notes or bios");
        std::process::exit(2);
    }
    let lines = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let cleaner = match Cleaner::new(&Default::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let authors = ["Ana Ruiz".to_string()];
    let lines: Vec<&str> = lines
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    let mut counts = [0usize; 2];
    for line in &lines {
        let key: String = line.chars().take(10).collect();
        let (first, second) = if kind == "bios" {
            let html = format!("{ARTICLE}<p>{line}</p>");
            let named = EntryInput {
                html: &html,
                authors: &authors,
            };
            (
                cleaner.clean_entry(named, None, None),
                cleaner.clean(&html, None, None),
            )
        } else {
            (
                cleaner.clean(&format!("<p>{line}</p>{ARTICLE}"), None, None),
                cleaner.clean(&format!("{ARTICLE}<p>{line}</p>"), None, None),
            )
        };
        let found = |out: &CleanedEntry| {
            out.removed
                .iter()
                .find(|r| r.text.contains(&key))
                .map(|r| r.reason.clone())
        };
        let verdicts = [found(&first), found(&second)];
        for (count, v) in counts.iter_mut().zip(&verdicts) {
            *count += usize::from(v.is_some());
        }
        let mark = |v: &Option<String>, m: &'static str| if v.is_some() { m } else { "." };
        let reason = verdicts
            .iter()
            .flatten()
            .next()
            .cloned()
            .unwrap_or_default();
        println!(
            "{} {} {line}  [{reason}]",
            mark(&verdicts[0], "1"),
            mark(&verdicts[1], "2")
        );
        for other in first.removed.iter().chain(&second.removed) {
            if !other.text.contains(&key) {
                println!("   LOST {:?} {}", other.reason, other.text);
            }
        }
    }
    let n = lines.len();
    let labels = if kind == "bios" {
        ["with byline", "without"]
    } else {
        ["top", "foot"]
    };
    println!(
        "{} {}/{n}, {} {}/{n}",
        labels[0], counts[0], labels[1], counts[1]
    );
}
