//! Entry filters: the `[filter]` and `[feed.filter]` rules that drop or keep
//! whole entries (Miniflux's block and keep rules), compiled once per config,
//! and the decision for one entry.
//!
//! A rule is a regex on one field: the title, the cleaned text, an author or
//! a category. An entry matching any `drop` rule (global or the feed's) is
//! dropped; otherwise, when any `keep` rules apply, an entry matching none
//! of them is dropped. The decision is pure: it never reads the database,
//! the network or the clock, and it names the rule that decided, so the same
//! entry under the same rules always gets the same reason.

use regex::Regex;

/// Patterns per field, as written in the config (validated there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPatterns {
    pub title: Vec<String>,
    pub text: Vec<String>,
    pub author: Vec<String>,
    pub category: Vec<String>,
}

impl FieldPatterns {
    pub fn is_empty(&self) -> bool {
        self.title.is_empty()
            && self.text.is_empty()
            && self.author.is_empty()
            && self.category.is_empty()
    }

    fn by_field(&self) -> [(Field, &[String]); 4] {
        [
            (Field::Title, &self.title),
            (Field::Text, &self.text),
            (Field::Author, &self.author),
            (Field::Category, &self.category),
        ]
    }
}

/// The rules of one scope: `[filter]` or a feed's `[feed.filter]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterRules {
    pub drop: FieldPatterns,
    pub keep: FieldPatterns,
}

impl FilterRules {
    pub fn is_empty(&self) -> bool {
        self.drop.is_empty() && self.keep.is_empty()
    }
}

/// The field a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Text,
    Author,
    Category,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Text => "text",
            Field::Author => "author",
            Field::Category => "category",
        }
    }
}

#[derive(Debug, Clone)]
struct Rule {
    field: Field,
    regex: Regex,
}

impl Rule {
    fn matches(&self, entry: &Candidate<'_>) -> bool {
        match self.field {
            Field::Title => entry.title.is_some_and(|t| self.regex.is_match(t)),
            Field::Text => self.regex.is_match(entry.text),
            Field::Author => entry.authors.iter().any(|a| self.regex.is_match(a)),
            Field::Category => entry.categories.iter().any(|c| self.regex.is_match(c)),
        }
    }

    /// How the rule reads in a reason: `title /(?i)sponsored/`.
    fn describe(&self) -> String {
        format!("{} /{}/", self.field.name(), self.regex.as_str())
    }
}

/// What a filter looks at in an entry.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub title: Option<&'a str>,
    /// The cleaned plain text.
    pub text: &'a str,
    pub authors: &'a [String],
    pub categories: &'a [String],
}

/// The decision for one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    /// Dropped, with the reason (the rule that decided).
    Drop(String),
}

/// The global and one feed's rules, compiled.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    drop: Vec<Rule>,
    keep: Vec<Rule>,
    /// The reason given when no keep rule matched (names every keep rule,
    /// so a change to them changes the reason).
    no_keep_reason: String,
}

impl EntryFilter {
    /// Compiles the global and the feed's rules; `None` when there are none.
    pub fn compile(
        global: &FilterRules,
        feed: &FilterRules,
    ) -> Result<Option<EntryFilter>, regex::Error> {
        if global.is_empty() && feed.is_empty() {
            return Ok(None);
        }
        let (mut drop, mut keep) = compiled_global(global)?;
        drop.extend(compile(&feed.drop)?);
        keep.extend(compile(&feed.keep)?);
        let no_keep_reason = format!(
            "matched no keep rule ({})",
            keep.iter()
                .map(Rule::describe)
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(Some(EntryFilter {
            drop,
            keep,
            no_keep_reason,
        }))
    }

    /// Drop rules first (the first that matches is the reason), then keep
    /// rules (when there are any, one must match).
    pub fn decide(&self, entry: &Candidate<'_>) -> Verdict {
        if let Some(rule) = self.drop.iter().find(|r| r.matches(entry)) {
            return Verdict::Drop(format!("drop {}", rule.describe()));
        }
        if !self.keep.is_empty() && !self.keep.iter().any(|r| r.matches(entry)) {
            return Verdict::Drop(self.no_keep_reason.clone());
        }
        Verdict::Keep
    }

    /// Whether an entry dropped earlier for `reason` would be dropped for the
    /// same reason now, unchanged: the rule still exists. Such an entry need
    /// not be cleaned and judged again at every fetch.
    pub fn still_drops(&self, reason: &str) -> bool {
        if !self.keep.is_empty() && reason == self.no_keep_reason {
            return true;
        }
        self.drop
            .iter()
            .any(|r| reason.strip_prefix("drop ") == Some(r.describe().as_str()))
    }
}

fn compile(patterns: &FieldPatterns) -> Result<Vec<Rule>, regex::Error> {
    let mut rules = Vec::new();
    for (field, list) in patterns.by_field() {
        for pattern in list {
            rules.push(Rule {
                field,
                regex: Regex::new(pattern)?,
            });
        }
    }
    Ok(rules)
}

/// The global rules' drop and keep lists, compiled once per distinct
/// `[filter]` and cloned (a `Regex` clone shares its program) into every
/// feed's filter: a config of 10,000 feeds is loaded (and reloaded) with one
/// compilation of each global rule, not 10,000.
fn compiled_global(rules: &FilterRules) -> Result<(Vec<Rule>, Vec<Rule>), regex::Error> {
    type Compiled = (FilterRules, Vec<Rule>, Vec<Rule>);
    static LAST: std::sync::Mutex<Option<Compiled>> = std::sync::Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((source, drop, keep)) = last.as_ref()
        && source == rules
    {
        return Ok((drop.clone(), keep.clone()));
    }
    let drop = compile(&rules.drop)?;
    let keep = compile(&rules.keep)?;
    *last = Some((rules.clone(), drop.clone(), keep.clone()));
    Ok((drop, keep))
}

/// A regex error as one line (the regex crate's own message spans several,
/// with a caret under the pattern).
pub fn regex_message(error: &regex::Error) -> String {
    let text = error.to_string();
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| text.lines().last().unwrap_or("").trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(field: Field, pattern: &str) -> FieldPatterns {
        let mut p = FieldPatterns::default();
        let list = match field {
            Field::Title => &mut p.title,
            Field::Text => &mut p.text,
            Field::Author => &mut p.author,
            Field::Category => &mut p.category,
        };
        list.push(pattern.to_string());
        p
    }

    fn entry<'a>(
        title: &'a str,
        text: &'a str,
        authors: &'a [String],
        categories: &'a [String],
    ) -> Candidate<'a> {
        Candidate {
            title: Some(title),
            text,
            authors,
            categories,
        }
    }

    #[test]
    fn no_rules_no_filter() {
        let f = EntryFilter::compile(&FilterRules::default(), &FilterRules::default()).unwrap();
        assert!(f.is_none());
    }

    #[test]
    fn drop_rules_match_each_field_and_name_themselves() {
        let global = FilterRules {
            drop: patterns(Field::Title, "(?i)^sponsored"),
            ..FilterRules::default()
        };
        let feed = FilterRules {
            drop: FieldPatterns {
                author: vec!["^Press Office$".into()],
                category: vec!["(?i)^deals$".into()],
                text: vec!["casino".into()],
                ..FieldPatterns::default()
            },
            ..FilterRules::default()
        };
        let f = EntryFilter::compile(&global, &feed).unwrap().unwrap();
        let none: Vec<String> = Vec::new();
        let press = vec!["Ann".to_string(), "Press Office".to_string()];
        let deals = vec!["News".to_string(), "DEALS".to_string()];
        assert_eq!(
            f.decide(&entry("SPONSORED: a phone", "", &none, &none)),
            Verdict::Drop("drop title /(?i)^sponsored/".into())
        );
        assert_eq!(
            f.decide(&entry("A story", "", &press, &none)),
            Verdict::Drop("drop author /^Press Office$/".into())
        );
        assert_eq!(
            f.decide(&entry("A story", "", &none, &deals)),
            Verdict::Drop("drop category /(?i)^deals$/".into())
        );
        assert_eq!(
            f.decide(&entry("A story", "the casino opened", &none, &none)),
            Verdict::Drop("drop text /casino/".into())
        );
        assert_eq!(
            f.decide(&entry(
                "A story about sponsored content",
                "text",
                &none,
                &none
            )),
            Verdict::Keep
        );
        // An entry without a title matches no title rule.
        let untitled = Candidate {
            title: None,
            text: "",
            authors: &none,
            categories: &none,
        };
        assert_eq!(f.decide(&untitled), Verdict::Keep);
    }

    #[test]
    fn keep_rules_admit_only_matches_and_drop_wins() {
        let feed = FilterRules {
            drop: patterns(Field::Title, "beta"),
            keep: patterns(Field::Title, "(?i)rust"),
        };
        let f = EntryFilter::compile(&FilterRules::default(), &feed)
            .unwrap()
            .unwrap();
        let none: Vec<String> = Vec::new();
        assert_eq!(
            f.decide(&entry("Rust 2.0", "", &none, &none)),
            Verdict::Keep
        );
        let Verdict::Drop(reason) = f.decide(&entry("Go 2.0", "", &none, &none)) else {
            panic!("kept an entry no keep rule matched")
        };
        assert_eq!(reason, "matched no keep rule (title /(?i)rust/)");
        assert!(f.still_drops(&reason));
        assert_eq!(
            f.decide(&entry("Rust beta", "", &none, &none)),
            Verdict::Drop("drop title /beta/".into())
        );
        assert!(f.still_drops("drop title /beta/"));
        assert!(!f.still_drops("drop title /gamma/"));
        // Other keep rules: an entry dropped under the old ones is judged again.
        let changed = FilterRules {
            keep: patterns(Field::Title, "(?i)go"),
            ..FilterRules::default()
        };
        let g = EntryFilter::compile(&FilterRules::default(), &changed)
            .unwrap()
            .unwrap();
        assert!(!g.still_drops(&reason));
    }

    #[test]
    fn regex_errors_read_as_one_line() {
        let pattern = String::from("(unclosed");
        let e = Regex::new(&pattern).unwrap_err();
        assert_eq!(regex_message(&e), "unclosed group");
    }
}
