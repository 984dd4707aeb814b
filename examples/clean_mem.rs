//! Peak memory of cleaning one big entry: `cargo run --release --example
//! clean_mem [MB] [repeat]` (default 20). Generates the entry (text-heavy paragraphs
//! with inline links, a little boilerplate, some lists and a table), cleans it
//! once and prints the process's peak RSS (`VmHWM`) before and after, so the
//! cleaner's share is the difference. Nothing is read from disk.

use feedsieve::clean::Cleaner;
use feedsieve::config::CleanRules;

const WORDS: &[&str] = &[
    "the",
    "council",
    "voted",
    "against",
    "bridge",
    "after",
    "a",
    "long",
    "debate",
    "about",
    "costs",
    "and",
    "traffic",
    "residents",
    "said",
    "they",
    "were",
    "surprised",
    "by",
    "decision",
    "museum",
    "wing",
    "opened",
    "market",
    "reopened",
    "night",
    "rate",
    "cut",
    "renters",
    "city",
    "hiking",
    "trails",
    "winter",
    "groceries",
    "save",
    "ways",
    "new",
    "inside",
    "what",
    "means",
    "Über",
    "café",
    "naïve",
    "2024",
    "12",
    "percent",
    "of",
    "in",
    "on",
    "with",
];

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn entry(target: usize) -> String {
    let mut rng = fastrand::Rng::with_seed(7);
    let mut out = String::with_capacity(target + 4096);
    out.push_str("<div class=\"entry-content\">\n<p>By the Planet Daily staff · 4 min read</p>\n");
    let mut n = 0u32;
    while out.len() < target {
        n += 1;
        match n % 40 {
            7 => out.push_str("<p>Advertisement</p>\n"),
            13 => out.push_str("<ul><li><a href=\"https://x.example/a\">One related story</a></li><li>Two items here</li></ul>\n"),
            21 => out.push_str("<p>Sign up for our newsletter and get the best stories in your inbox.</p>\n"),
            29 => out.push_str("<table><tr><td>12</td><td>34 units</td></tr><tr><td>5</td><td>6 units</td></tr></table>\n"),
            _ => {
                out.push_str("<p>");
                let len = rng.usize(20..160);
                for i in 0..len {
                    if i > 0 {
                        out.push(' ');
                    }
                    if i % 37 == 5 {
                        out.push_str("<a href=\"https://news.example/topic/");
                        out.push_str(&n.to_string());
                        out.push_str("?utm_source=rss\">linked words</a>");
                        continue;
                    }
                    out.push_str(WORDS[rng.usize(..WORDS.len())]);
                    if i % 13 == 12 {
                        out.push('.');
                    }
                }
                out.push_str("</p>\n");
            }
        }
    }
    out.push_str("<p>© 2025 Planet Daily. All rights reserved.</p>\n</div>\n");
    out
}

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let cleaner = match Cleaner::new(&CleanRules::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    // `repeat`: the backbone test's entry, one short paragraph repeated
    // (many tiny blocks: the per-node and per-block overheads); otherwise
    // varied text-heavy paragraphs.
    let html = if std::env::args().nth(2).as_deref() == Some("repeat") {
        let paragraph =
            "<p>All work and no play makes a long entry. Lorem ipsum dolor sit amet.</p>\n";
        paragraph.repeat(mb * 1_000_000 / paragraph.len())
    } else {
        entry(mb * 1_000_000)
    };
    let before = vm_hwm_kb();
    let t = std::time::Instant::now();
    let out = cleaner.clean(&html, None, None);
    let secs = t.elapsed().as_secs_f64();
    let after = vm_hwm_kb();
    let entry_kb = html.len() as f64 / 1024.0;
    println!(
        "entry {:.1} MB; cleaned in {secs:.2} s; VmHWM before {} kB, after {} kB; \
         cleaner peak {:.1}× the entry (process peak {:.1}×); html {} B, text {} B, removed {}",
        html.len() as f64 / 1e6,
        before,
        after,
        (after - before) as f64 / entry_kb,
        after as f64 / entry_kb,
        out.html.len(),
        out.text.len(),
        out.removed.len()
    );
}
