//! Editing the feed list from the command line: `feedsieve add` appends a
//! `[[feed]]` (through the same `toml_edit` code as `import-opml`, so
//! comments and layout stay), `feedsieve remove` takes one out.
//!
//! Like the OPML import, it never writes a config that does not load (the
//! edited text is validated first) and never writes one in place (a
//! temporary file is renamed over it). It never touches the network or the
//! database: finding the feed behind a home page is `discover`'s job, and a
//! removed feed's history stays in the database (its row is disabled at the
//! daemon's next reload).

use std::path::{Path, PathBuf};

use toml_edit::DocumentMut;

use crate::config::{self, ConfigError, FeedConfig};
use crate::opml::{self, ImportError, OpmlFeed, SkipReason};
use crate::output::{WriteError, write_atomic};

#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("{url} is already in the feed list")]
    AlreadyListed { url: String },
    #[error("{0}")]
    BadUrl(String),
    #[error("no feed in {} has the URL or name {target:?}", path.display())]
    NotListed { path: PathBuf, target: String },
    #[error("{target:?} names {} feeds; remove one by its URL:\n{}", urls.len(), urls.join("\n"))]
    Ambiguous { target: String, urls: Vec<String> },
    #[error("{}: cannot edit the config: {message}", path.display())]
    Edit { path: PathBuf, message: String },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The config text with `feed` added after the last `[[feed]]`.
pub fn add_text(
    config_text: &str,
    config_path: &Path,
    feed: &OpmlFeed,
) -> Result<String, SubscribeError> {
    let (text, summary) =
        opml::add_feeds(config_text, config_path, std::slice::from_ref(feed), None)?;
    match summary.skipped.first().map(|s| &s.reason) {
        None => Ok(text),
        Some(SkipReason::BadUrl(why)) => Err(SubscribeError::BadUrl(why.clone())),
        Some(SkipReason::AlreadyListed | SkipReason::Repeated) => {
            Err(SubscribeError::AlreadyListed {
                url: feed.url.clone(),
            })
        }
    }
}

/// Adds `feed` to the config file, replacing it atomically.
pub fn add_file(config_path: &Path, feed: &OpmlFeed) -> Result<(), SubscribeError> {
    let text = read(config_path)?;
    let edited = add_text(&text, config_path, feed)?;
    write_atomic(config_path, edited.as_bytes())?;
    Ok(())
}

/// The config text without the feed whose URL (compared as the config
/// compares them) or name (ignoring case) is `target`, and that feed.
pub fn remove_text(
    config_text: &str,
    config_path: &Path,
    target: &str,
) -> Result<(String, FeedConfig), SubscribeError> {
    let current = config::parse(config_text, config_path)?;
    let base_dir = opml::config_dir(config_path);
    let wanted_url = config::resolve_feed_url(target, &base_dir)
        .ok()
        .map(|u| opml::url_key(&u));
    let wanted_name = target.trim();
    let matches: Vec<usize> = current
        .feeds
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            wanted_url.as_deref() == Some(opml::url_key(&f.url).as_str())
                || f.name
                    .as_deref()
                    .is_some_and(|n| n.trim().eq_ignore_ascii_case(wanted_name))
        })
        .map(|(i, _)| i)
        .collect();
    let index = match matches.as_slice() {
        [] => {
            return Err(SubscribeError::NotListed {
                path: config_path.to_path_buf(),
                target: target.to_string(),
            });
        }
        [one] => *one,
        many => {
            return Err(SubscribeError::Ambiguous {
                target: target.to_string(),
                urls: many
                    .iter()
                    .map(|&i| current.feeds[i].url.to_string())
                    .collect(),
            });
        }
    };
    let edit_error = |message: String| SubscribeError::Edit {
        path: config_path.to_path_buf(),
        message,
    };
    let mut doc: DocumentMut = config_text
        .parse()
        .map_err(|e: toml_edit::TomlError| edit_error(e.message().to_string()))?;
    // The config loaded, so every [[feed]] table is one of its feeds, in order.
    let list = doc
        .get_mut("feed")
        .and_then(|item| item.as_array_of_tables_mut())
        .filter(|list| list.len() == current.feeds.len())
        .ok_or_else(|| edit_error("the feed list is not a list of [[feed]] tables".into()))?;
    list.remove(index);
    let mut text = doc.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    config::parse(&text, config_path).map_err(|e| edit_error(e.to_string()))?;
    let removed = current.feeds[index].clone();
    Ok((text, removed))
}

/// Removes a feed from the config file, replacing it atomically.
pub fn remove_file(config_path: &Path, target: &str) -> Result<FeedConfig, SubscribeError> {
    let text = read(config_path)?;
    let (edited, removed) = remove_text(&text, config_path, target)?;
    write_atomic(config_path, edited.as_bytes())?;
    Ok(removed)
}

fn read(config_path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(config_path).map_err(|source| ConfigError::Read {
        path: config_path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "# my feeds\n[fetch]\ntimeout = \"5s\" # short\n\n# the news\n[[feed]]\nurl = \"https://a.example/a.xml\"\nname = \"Alpha\"\n\n[[feed]]\nurl = \"https://b.example/b.xml\" # keep me\nname = \"Beta\"\n\n# closing words\n";

    fn feed(url: &str, category: Option<&str>) -> OpmlFeed {
        OpmlFeed {
            url: url.into(),
            name: Some("New".into()),
            enabled: true,
            category: category.map(str::to_string),
        }
    }

    #[test]
    fn add_keeps_comments_and_refuses_a_listed_feed() {
        let path = Path::new("/etc/feedsieve/feedsieve.toml");
        let text = add_text(CONFIG, path, &feed("https://c.example/c.xml", Some("News"))).unwrap();
        assert!(text.contains("timeout = \"5s\" # short"), "{text}");
        assert!(
            text.contains("# keep me") && text.contains("# closing words"),
            "{text}"
        );
        let c = config::parse(&text, path).unwrap();
        assert_eq!(c.feeds.len(), 3);
        assert_eq!(c.feeds[2].category.as_deref(), Some("News"));
        let e = add_text(CONFIG, path, &feed("HTTPS://A.example/a.xml#x", None)).unwrap_err();
        assert!(matches!(e, SubscribeError::AlreadyListed { .. }), "{e}");
        let e = add_text(CONFIG, path, &feed("gopher://g.example/", None)).unwrap_err();
        assert!(matches!(e, SubscribeError::BadUrl(_)), "{e}");
    }

    #[test]
    fn remove_by_url_or_name_keeps_the_rest() {
        let path = Path::new("/etc/feedsieve/feedsieve.toml");
        let (text, removed) = remove_text(CONFIG, path, "alpha").unwrap();
        assert_eq!(removed.url.as_str(), "https://a.example/a.xml");
        let c = config::parse(&text, path).unwrap();
        assert_eq!(c.feeds.len(), 1);
        assert!(
            text.contains("# keep me") && text.contains("timeout = \"5s\" # short"),
            "{text}"
        );
        let (text, _) = remove_text(CONFIG, path, "https://B.EXAMPLE/b.xml").unwrap();
        assert!(!text.contains("b.example"), "{text}");
        assert!(text.contains("# closing words"), "{text}");
        let e = remove_text(CONFIG, path, "Gamma").unwrap_err();
        assert!(matches!(e, SubscribeError::NotListed { .. }), "{e}");
        let twice = CONFIG.replace("name = \"Beta\"", "name = \"alpha\"");
        let e = remove_text(&twice, path, "Alpha").unwrap_err();
        assert!(e.to_string().contains("https://b.example/b.xml"), "{e}");
    }
}
