//! schema.org structured data: the `articleBody`, `headline` and `author`
//! names of the page's JSON-LD article, when it has one.
//!
//! Only reads what the scripts say; whether to believe the body (some sites
//! cut it short) is for the caller, who compares it with the DOM.

use serde_json::Value;

/// What a JSON-LD article says about itself.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Structured {
    pub body: Option<String>,
    pub headline: Option<String>,
    /// The first article's authors' names.
    pub authors: Vec<String>,
}

/// JSON-LD objects are nested at most this deep before we stop looking
/// (serde_json itself refuses more than 128 levels).
const MAX_OBJECTS: usize = 10_000;

/// The longest `articleBody` (and its `headline`) of the scripts, or the
/// first `headline` of an article type when no body is given.
pub(super) fn read(scripts: &[String]) -> Structured {
    let mut out = Structured::default();
    for script in scripts {
        let Ok(value) = serde_json::from_str::<Value>(script.trim()) else {
            continue;
        };
        let mut stack = vec![&value];
        let mut seen = 0usize;
        while let Some(v) = stack.pop() {
            seen += 1;
            if seen > MAX_OBJECTS {
                break;
            }
            match v {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(map) => {
                    let body = map.get("articleBody").and_then(Value::as_str);
                    let headline = map
                        .get("headline")
                        .and_then(Value::as_str)
                        .map(str::trim)
                        .filter(|h| !h.is_empty());
                    if let Some(body) = body.map(str::trim).filter(|b| !b.is_empty())
                        && out.body.as_ref().is_none_or(|b| b.len() < body.len())
                    {
                        out.body = Some(body.to_string());
                        if let Some(h) = headline {
                            out.headline = Some(h.to_string());
                        }
                    } else if out.headline.is_none()
                        && let Some(h) = headline
                        && is_article(map.get("@type"))
                    {
                        out.headline = Some(h.to_string());
                    }
                    if out.authors.is_empty() && is_article(map.get("@type")) {
                        out.authors = names(map.get("author"));
                    }
                    stack.extend(map.values().rev());
                }
                _ => {}
            }
        }
    }
    out
}

/// The names an `author` value gives: a name, a person or organisation
/// with a `name`, or a list of those.
fn names(author: Option<&Value>) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Object(o) => o
            .get("name")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string()),
        _ => None,
    };
    let all: Vec<String> = match author {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    };
    // A profile's address is no name.
    all.into_iter()
        .filter(|n| !n.is_empty() && !n.starts_with("http"))
        .collect()
}

fn is_article(kind: Option<&Value>) -> bool {
    let named = |s: &str| {
        s.ends_with("Article") || s.ends_with("Posting") || s == "Report" || s == "WebPage"
    };
    match kind {
        Some(Value::String(s)) => named(s),
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).any(named),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_article_in_a_graph() {
        let script = r#"{"@context":"https://schema.org","@graph":[
            {"@type":"WebSite","name":"Site"},
            {"@type":"NewsArticle","headline":" The headline ","articleBody":"Body text."}]}"#;
        let s = read(&[script.to_string()]);
        assert_eq!(s.body.as_deref(), Some("Body text."));
        assert_eq!(s.headline.as_deref(), Some("The headline"));
    }

    #[test]
    fn reads_the_article_authors_names_in_each_shape() {
        for (author, want) in [
            (r#""Ana Ruiz""#, vec!["Ana Ruiz"]),
            (
                r#"{"@type":"Person","name":"Ana Ruiz","url":"https://x.example/ana"}"#,
                vec!["Ana Ruiz"],
            ),
            (
                r#"[{"@type":"Person","name":"Ana Ruiz"},{"name":"Tom Berg"}]"#,
                vec!["Ana Ruiz", "Tom Berg"],
            ),
            (r#""https://x.example/author/ana""#, vec![]),
        ] {
            let script = format!(
                r#"{{"@graph":[{{"@type":"WebPage","name":"P"}},{{"@type":"NewsArticle","headline":"H","author":{author}}}]}}"#
            );
            assert_eq!(read(&[script]).authors, want, "{author}");
        }
    }

    #[test]
    fn broken_json_is_ignored() {
        let s = read(&["{\"articleBody\": \"unterminated".to_string(), "[[[".into()]);
        assert_eq!(s, Structured::default());
    }
}
