//! The cleaner: turns an entry's HTML as received into clean, safe HTML and
//! plain text, removing ads, newsletter blocks, share widgets, syndication
//! footers, tracking pixels and unsafe markup.
//!
//! It must never drop a sentence of the article itself: when in doubt, keep.
//! It never touches the network or the database directly (template counts are
//! loaded and saved by the caller through [`template`]).

pub mod template;

use crate::config::CleanRules;
pub use template::FeedTemplate;

/// Errors building a cleaner from user rules (a bad regex or CSS selector).
#[derive(Debug, thiserror::Error)]
pub enum CleanError {
    #[error("invalid clean rule {rule:?}: {message}")]
    InvalidRule { rule: String, message: String },
}

/// A block the cleaner removed, and why: what `feedsieve preview` shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RemovedBlock {
    pub text: String,
    pub reason: String,
}

/// The cleaner's output for one entry.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CleanedEntry {
    /// Clean, sanitised HTML.
    pub html: String,
    /// Plain text, paragraphs separated by blank lines.
    pub text: String,
    pub removed: Vec<RemovedBlock>,
}

/// A cleaner compiled from the global rules of the config.
#[derive(Debug)]
pub struct Cleaner {
    _global: CleanRules,
}

impl Cleaner {
    pub fn new(global: &CleanRules) -> Result<Self, CleanError> {
        Ok(Cleaner {
            _global: global.clone(),
        })
    }

    /// Cleans one entry. `feed_rules` are the feed's own rules from the config;
    /// `template` is what was learned from earlier entries of the same feed.
    pub fn clean(
        &self,
        html: &str,
        _feed_rules: Option<&CleanRules>,
        _template: Option<&FeedTemplate>,
    ) -> CleanedEntry {
        // Placeholder until the cleaner lands: sanitise and extract text.
        let safe = ammonia::clean(html);
        let doc = scraper::Html::parse_fragment(&safe);
        let text = doc.root_element().text().collect::<Vec<_>>().join(" ");
        CleanedEntry {
            html: safe,
            text: text.split_whitespace().collect::<Vec<_>>().join(" "),
            removed: Vec::new(),
        }
    }
}
