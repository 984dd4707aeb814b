//! The labelled de-duplication corpus, generated deterministically at test
//! time from the real article bodies in `shared/` (never copied into the
//! repository): syndicated variants of each article (same group) and hard
//! negatives (own group). Shared by `tests/dedup.rs` and `benches/dedup.rs`.
//!
//! It must never use unseeded randomness: every run builds the same corpus.

#![allow(dead_code)] // each includer uses a different part

#[path = "shared.rs"]
mod shared;
pub use shared::shared_dir;

/// Ground-truth article bodies, ordered by page id.
pub fn bodies() -> Vec<String> {
    let path = shared_dir().join("bench-data/article-extraction-benchmark/ground-truth.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).expect("ground-truth.json is an object");
    let mut pages: Vec<(String, String)> = map
        .into_iter()
        .filter_map(|(id, v)| Some((id, v.get("articleBody")?.as_str()?.to_string())))
        .collect();
    pages.sort();
    pages.into_iter().map(|(_, body)| body).collect()
}

#[derive(Debug, Clone)]
pub struct Doc {
    /// Same group = same story.
    pub group: usize,
    pub kind: &'static str,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Corpus {
    pub docs: Vec<Doc>,
    /// Index pairs built to look alike without being one story.
    pub hard_negatives: Vec<(usize, usize)>,
}

impl Corpus {
    pub fn is_positive(&self, a: usize, b: usize) -> bool {
        self.docs[a].group == self.docs[b].group
    }
}

const BOILERPLATE: &[&str] = &[
    "Advertisement",
    "Sign up for our newsletter to receive the latest news in your inbox every morning.",
    "Read more: the stories our editors picked for you this week",
    "This article originally appeared on a partner site and is republished with permission.",
    "Share this article on Facebook, Twitter or by email",
];

const DATELINES: &[&str] = &[
    "WASHINGTON (Wire) —",
    "LONDON, March 3 (Wire) -",
    "NEW YORK —",
];

const LEADS: &[&str] = &[
    "Here is what we know so far about a story that developed over the past day.",
    "Editor's note: this story has been updated with additional reporting from our partners.",
];

const REPLACEMENTS: &[&str] = &[
    "officials",
    "reportedly",
    "several",
    "recently",
    "major",
    "local",
    "announced",
    "however",
];

const TEMPLATE_HEAD: &str =
    "Posted by Staff Writer | Filed under Local News | Share this story: Facebook Twitter Email";
const TEMPLATE_FOOT: &str = "Copyright 2019 The Valley Gazette. All rights reserved. Subscribe to our newsletter for daily updates from the newsroom and never miss a story.";

/// Paragraphs of a body; bodies with fewer than four are re-cut at sentence
/// ends so that "drop the last paragraph" stays a small edit.
pub fn paragraphs(body: &str) -> Vec<String> {
    let paras: Vec<String> = body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    if paras.len() >= 4 {
        return paras;
    }
    let sentences: Vec<String> = paras
        .iter()
        .flat_map(|p| p.split_inclusive(". "))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let per = sentences.len().div_ceil(6).max(1);
    sentences.chunks(per).map(|c| c.join(" ")).collect()
}

fn join(paras: &[String]) -> String {
    paras.join("\n\n")
}

fn change_words(text: &str, n: usize, rng: &mut fastrand::Rng) -> String {
    let mut words: Vec<String> = text.split(' ').map(str::to_string).collect();
    for _ in 0..n {
        let at = rng.usize(..words.len());
        words[at] = REPLACEMENTS[rng.usize(..REPLACEMENTS.len())].to_string();
    }
    words.join(" ")
}

/// Rewrites a text with every third word replaced by a topic word of
/// another article: the vocabulary of one story, the sentences of another,
/// and no three-word run of either.
fn rewrite(text: &str, topic: &[String]) -> String {
    text.split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            if i % 3 == 1 && !topic.is_empty() {
                topic[i / 3 % topic.len()].as_str()
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The most frequent long words of a text: its topic vocabulary.
fn topic_words(text: &str) -> Vec<String> {
    let mut counts = std::collections::HashMap::<String, usize>::new();
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if w.chars().count() >= 6 {
            *counts.entry(w.to_string()).or_default() += 1;
        }
    }
    let mut words: Vec<(usize, String)> = counts.into_iter().map(|(w, c)| (c, w)).collect();
    words.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    words.into_iter().take(12).map(|(_, w)| w).collect()
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Builds the corpus from bodies of at least 80 words (up to `limit` of them).
pub fn build(bodies: &[String], limit: usize) -> Corpus {
    let originals: Vec<Vec<String>> = bodies
        .iter()
        .filter(|b| words(b) >= 80)
        .take(limit)
        .map(|b| paragraphs(b))
        .collect();
    let n = originals.len();
    let mut rng = fastrand::Rng::with_seed(20_261_128);
    let mut corpus = Corpus::default();
    let mut group = 0;
    let mut index_of_original = Vec::with_capacity(n);

    for (i, paras) in originals.iter().enumerate() {
        let head: String = paras[0]
            .split_whitespace()
            .take(7)
            .collect::<Vec<_>>()
            .join(" ");
        let title = format!("{head} (story {i})");
        let cut = |k: usize| -> usize {
            if paras.len() >= 8 {
                k
            } else if paras.len() >= 4 {
                1.min(k)
            } else {
                0
            }
        };
        let push = |corpus: &mut Corpus, kind, title: String, text: String| {
            corpus.docs.push(Doc {
                group,
                kind,
                title,
                text,
            });
            corpus.docs.len() - 1
        };
        index_of_original.push(push(&mut corpus, "original", title.clone(), join(paras)));

        // Dateline, edited headline, boilerplate leftovers between paragraphs.
        let mut v = paras.clone();
        v[0] = format!("{} {}", DATELINES[i % DATELINES.len()], v[0]);
        for (k, at) in [2usize, 5].iter().enumerate() {
            if *at < v.len() {
                v.insert(*at, BOILERPLATE[k].to_string());
            }
        }
        v.push(BOILERPLATE[1].to_string());
        push(
            &mut corpus,
            "dateline+boilerplate",
            format!("UPDATE: {title}"),
            join(&v),
        );

        // Lead sentence added, last one or two paragraphs cut.
        let mut v = paras[..paras.len() - cut(2)].to_vec();
        v.insert(0, LEADS[i % LEADS.len()].to_string());
        push(&mut corpus, "lead+cut", title.to_uppercase(), join(&v));

        // A few words changed, curly quotes straightened, syndication footer.
        let changed = change_words(&join(paras), 3 + i % 4, &mut rng)
            .replace(['\u{201c}', '\u{201d}'], "\"")
            .replace('\u{2019}', "'");
        push(
            &mut corpus,
            "words+footer",
            title.replace("story", "report"),
            format!("{changed}\n\n{}", BOILERPLATE[3]),
        );

        // Everything at once: dateline, last paragraph cut, words, leftovers.
        let mut v = paras[..paras.len() - cut(1)].to_vec();
        v[0] = format!("{} {}", DATELINES[(i + 1) % DATELINES.len()], v[0]);
        if v.len() > 3 {
            v.insert(3, BOILERPLATE[0].to_string());
        }
        v.push(BOILERPLATE[2].to_string());
        v.push(BOILERPLATE[4].to_string());
        let text = change_words(&join(&v), 2 + i % 3, &mut rng);
        push(&mut corpus, "combined", format!("{title} - Wire"), text);
        group += 1;
    }

    for i in 0..n {
        let a = &originals[i];
        let b = &originals[(i + 1) % n];
        let c = &originals[(i + 2) % n];
        let topic = topic_words(&join(a));
        let a_index = index_of_original[i];
        let mut push_negative = |corpus: &mut Corpus, kind, text: String, related: &[usize]| {
            corpus.docs.push(Doc {
                group,
                kind,
                title: format!("{kind} {i}"),
                text,
            });
            let me = corpus.docs.len() - 1;
            for &r in related {
                corpus.hard_negatives.push((r, me));
            }
            group += 1;
        };

        // Same topic, different article: A's vocabulary over B's sentences.
        let text = rewrite(&join(b), &topic);
        push_negative(&mut corpus, "same-topic", text, &[a_index]);

        // Splice: about a third of A's words, then as many from B and from C.
        let budget = words(&join(a)) / 3;
        let take_words = |p: &Vec<String>, skip_part: usize| -> Vec<String> {
            let mut out = Vec::new();
            let mut count = 0;
            for para in p.iter().skip(p.len() * skip_part / 3) {
                if count >= budget {
                    break;
                }
                count += words(para);
                out.push(para.clone());
            }
            out
        };
        let mut s = take_words(a, 0);
        s.extend(take_words(b, 1));
        s.extend(take_words(c, 2));
        let related = [
            a_index,
            index_of_original[(i + 1) % n],
            index_of_original[(i + 2) % n],
        ];
        push_negative(&mut corpus, "splice", join(&s), &related);

        // Follow-up: new text (a rewritten other article) quoting one or two
        // paragraphs of A.
        let mut f: Vec<String> = c.iter().map(|p| rewrite(p, &topic)).collect();
        let quoted = if a.len() >= 6 { 2 } else { 1 };
        for (k, p) in a.iter().take(quoted).enumerate() {
            let at = (f.len() / 2 + k).min(f.len());
            f.insert(at, format!("As we reported earlier: \u{201c}{p}\u{201d}"));
        }
        push_negative(&mut corpus, "follow-up", join(&f), &[a_index]);
    }

    // Short items from one site sharing its template: about 30 words of their
    // own between a header and footer of 38 words.
    let first_template = corpus.docs.len();
    for i in 0..n {
        let own: String = rewrite(
            &join(&originals[i]),
            &topic_words(&join(&originals[(i + 3) % n])),
        )
        .split_whitespace()
        .skip(20)
        .take(30)
        .collect::<Vec<_>>()
        .join(" ");
        corpus.docs.push(Doc {
            group,
            kind: "site-template",
            title: format!("Gazette brief {i}"),
            text: format!("{TEMPLATE_HEAD}\n\n{own}\n\n{TEMPLATE_FOOT}"),
        });
        group += 1;
        if i > 0 {
            let me = corpus.docs.len() - 1;
            corpus.hard_negatives.push((me - 1, me));
        }
    }
    debug_assert!(corpus.docs.len() > first_template);
    corpus
}
