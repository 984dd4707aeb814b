//! A feed's settings as a fleet's shared database keeps them with the feed
//! (issue 19): when a daemon applies its file's list, each feed's settings
//! (name, category, interval, full text, its clean and filter rules, the
//! file's `[filter]`) go with the feed's row, with the file's defaults
//! resolved, so that any daemon can fetch any feed of the applied list as
//! that list says, whether or not its own file lists the feed.
//!
//! It never holds a credential's value: of a feed's secret headers (basic
//! auth, `headers`) only their names are kept, and a daemon fetches such a
//! feed only with the credentials its own file gives for it. It does no I/O.

use serde::{Deserialize, Serialize};
use url::Url;

use super::{CleanRules, Config, Credentials, FeedConfig};
use crate::filter::{FieldPatterns, FilterRules};
use crate::fulltext::FullText;

/// A feed of the list applied to a shared database, as every daemon fetches
/// it: its own settings, with the applying file's defaults resolved
/// (`interval` and `full_text` are always set).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedFeed {
    pub feed: FeedConfig,
    /// The applying file's `[filter]`, which applies to each of its feeds.
    pub list_filter: FilterRules,
}

/// Why a stored feed cannot be fetched by this daemon as stored.
#[derive(Debug, thiserror::Error)]
pub enum ListedError {
    #[error("its stored settings cannot be read ({0}); written by another feedsieve?")]
    Unreadable(String),
    #[error(
        "it is fetched with credentials ({0}), which are never stored: only a daemon whose \
         own file gives them fetches it"
    )]
    NoCredentials(String),
}

/// The stored shape (JSON in `feeds.settings`). New fields must default, so
/// that rows written before them still read.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    name: Option<String>,
    category: Option<String>,
    interval_secs: u64,
    full_text: String,
    #[serde(default)]
    clean: CleanRules,
    #[serde(default)]
    filter: StoredRules,
    #[serde(default)]
    list_filter: StoredRules,
    /// The names of the feed's secret headers; their values stay in files.
    #[serde(default)]
    credentials: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredRules {
    #[serde(default)]
    drop: StoredPatterns,
    #[serde(default)]
    keep: StoredPatterns,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredPatterns {
    #[serde(default)]
    title: Vec<String>,
    #[serde(default)]
    text: Vec<String>,
    #[serde(default)]
    author: Vec<String>,
    #[serde(default)]
    category: Vec<String>,
}

impl From<&FieldPatterns> for StoredPatterns {
    fn from(p: &FieldPatterns) -> Self {
        StoredPatterns {
            title: p.title.clone(),
            text: p.text.clone(),
            author: p.author.clone(),
            category: p.category.clone(),
        }
    }
}

impl From<StoredPatterns> for FieldPatterns {
    fn from(p: StoredPatterns) -> Self {
        FieldPatterns {
            title: p.title,
            text: p.text,
            author: p.author,
            category: p.category,
        }
    }
}

impl From<&FilterRules> for StoredRules {
    fn from(r: &FilterRules) -> Self {
        StoredRules {
            drop: (&r.drop).into(),
            keep: (&r.keep).into(),
        }
    }
}

impl From<StoredRules> for FilterRules {
    fn from(r: StoredRules) -> Self {
        FilterRules {
            drop: r.drop.into(),
            keep: r.keep.into(),
        }
    }
}

impl Config {
    /// `feed`'s settings as this file lists it, to be stored with the feed
    /// when this file's list is applied to a shared database (JSON, without
    /// any credential's value).
    pub fn settings_of(&self, feed: &FeedConfig) -> String {
        let stored = Stored {
            name: feed.name.clone(),
            category: feed.category.clone(),
            interval_secs: self.interval_of(feed).as_secs(),
            full_text: self.full_text_of(feed).as_str().to_string(),
            clean: feed.clean.clone(),
            filter: (&feed.filter).into(),
            list_filter: (&self.filter).into(),
            credentials: feed
                .credentials
                .headers()
                .map(|(name, _)| name.to_string())
                .collect(),
        };
        // A struct of strings and numbers: serialising it cannot fail.
        serde_json::to_string(&stored).unwrap_or_default()
    }
}

/// The feed at `url` as `settings` (from [`Config::settings_of`]) list it;
/// its credentials, when it has any, from `own`, this daemon's file's entry
/// for the same URL.
pub fn listed_feed(
    url: &str,
    settings: &str,
    own: Option<&FeedConfig>,
) -> Result<ListedFeed, ListedError> {
    let stored: Stored =
        serde_json::from_str(settings).map_err(|e| ListedError::Unreadable(e.to_string()))?;
    let parsed = Url::parse(url).map_err(|e| ListedError::Unreadable(e.to_string()))?;
    let full_text = FullText::parse(&stored.full_text)
        .ok_or_else(|| ListedError::Unreadable(format!("full_text {:?}", stored.full_text)))?;
    let credentials = match stored.credentials.is_empty() {
        true => Credentials::default(),
        false => match own.filter(|f| !f.credentials.is_empty()) {
            Some(own) => own.credentials.clone(),
            None => return Err(ListedError::NoCredentials(stored.credentials.join(", "))),
        },
    };
    Ok(ListedFeed {
        feed: FeedConfig {
            url: parsed,
            name: stored.name,
            interval: Some(std::time::Duration::from_secs(stored.interval_secs)),
            enabled: true,
            clean: stored.clean,
            full_text: Some(full_text),
            category: stored.category,
            filter: stored.filter.into(),
            credentials,
        },
        list_filter: stored.list_filter.into(),
    })
}
