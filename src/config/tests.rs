// Test code: its unwraps act on the tests' own fixed inputs and temporary
// files, never on outside input; a panic is the test failing.

use super::*;

fn problems(text: &str) -> Vec<String> {
    match parse(text, Path::new("/etc/f.toml")) {
        Ok(_) => Vec::new(),
        Err(ConfigError::Invalid { problems, .. }) => problems
            .into_iter()
            .map(|p| format!("{}:{}: {}", p.line, p.col, p.message))
            .collect(),
        Err(e) => vec![e.to_string()],
    }
}

#[test]
fn full_config_loads_with_defaults_filled() {
    let c = parse(
        r#"
[storage]
database = "db/feeds.db"
[fetch]
timeout = "5s"
max_body = "1MiB"
concurrency = 4
[[feed]]
url = "https://example.org/feed.xml"
name = "Example"
interval = "15m"
[[feed]]
url = "file://samples/a.xml"
enabled = false
[feed.clean]
remove = ["^Sponsored by"]
"#,
        Path::new("/etc/feedsieve/feedsieve.toml"),
    )
    .unwrap();
    assert_eq!(
        c.storage.database,
        PathBuf::from("/etc/feedsieve/db/feeds.db")
    );
    assert_eq!(c.fetch.timeout, Duration::from_secs(5));
    assert_eq!(c.fetch.max_body, 1 << 20);
    assert_eq!(c.fetch.per_host, 2);
    assert_eq!(c.feeds.len(), 2);
    assert_eq!(c.interval_of(&c.feeds[0]), Duration::from_secs(900));
    assert_eq!(c.interval_of(&c.feeds[1]), Duration::from_secs(1800));
    assert_eq!(
        c.feeds[1].url.as_str(),
        "file:///etc/feedsieve/samples/a.xml"
    );
    assert_eq!(c.feeds[1].clean.remove, vec!["^Sponsored by".to_string()]);
    assert_eq!(c.enabled_feeds().count(), 1);
}

#[test]
fn serve_listen_is_off_by_default_and_validated() {
    let path = Path::new("/etc/f.toml");
    assert_eq!(parse("", path).unwrap().serve.listen, None);
    let c = parse("[serve]\nlisten = \"127.0.0.1:8080\"\n", path).unwrap();
    assert_eq!(c.serve.listen, Some("127.0.0.1:8080".parse().unwrap()));
    let p = problems("[serve]\nlisten = \"localhost\"\n");
    assert!(p.len() == 1 && p[0].starts_with("2:10: listen"), "{p:?}");
}

#[test]
fn unknown_key_names_line_and_column() {
    let p = problems("[fetch]\ntimeout = \"5s\"\n  colour = \"red\"\n");
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("3:3:"), "{p:?}");
    assert!(p[0].contains("colour"), "{p:?}");
}

#[test]
fn syntax_error_names_its_line() {
    let p = problems("[[feed]]\nurl = \"https://a.example/x\"\nname = \"unterminated\n");
    assert!(p[0].starts_with("3:"), "{p:?}");
}

#[test]
fn every_validation_problem_is_reported_with_position() {
    let p = problems(
        "[fetch]\ntimeout = \"5 parsecs\"\nconcurrency = 0\n\n[[feed]]\nurl = \"ftp://x.example/f\"\n\n[[feed]]\nurl = \"https://a.example/f\"\ninterval = \"10\"\n[[feed]]\nurl = \"https://a.example/f\"\n",
    );
    assert_eq!(p.len(), 5, "{p:?}");
    assert!(p[0].starts_with("2:11: timeout"), "{p:?}");
    assert!(p[1].starts_with("3:15: concurrency"), "{p:?}");
    assert!(p[2].starts_with("6:7: unsupported scheme"), "{p:?}");
    assert!(
        p[3].starts_with("10:12: interval") && p[3].contains("lacks a unit"),
        "{p:?}"
    );
    assert!(
        p[4].starts_with("12:7: duplicate feed") && p[4].contains("line 9"),
        "{p:?}"
    );
}

#[test]
fn wrong_type_and_bad_rules_are_reported() {
    let p = problems("[fetch]\nconcurrency = \"many\"\n");
    assert!(p[0].starts_with("2:15:"), "{p:?}");
    let p = problems("[clean]\nremove = [\"(unclosed\"]\nremove_selectors = [\"div[\"]\n");
    assert_eq!(p.len(), 2, "{p:?}");
}

#[test]
fn bad_rules_are_reported_at_their_value_in_plain_words() {
    let p = problems(
        "[clean]\nremove = [\"ok\", \"(unclosed\"]\n\n[[feed]]\nurl = \"https://a.example/f\"\n[feed.clean]\nremove_selectors = [\"p\", \"div:hoverr\"]\n",
    );
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(
        p[0],
        "2:17: invalid clean pattern \"(unclosed\": unclosed group"
    );
    assert!(
        p[1].starts_with("7:26: invalid CSS selector \"div:hoverr\": "),
        "{p:?}"
    );
    assert!(
        !p[1].contains("report this") && p[1].contains("hoverr\": unsupported pseudo"),
        "{p:?}"
    );
}

#[test]
fn filters_and_categories_load_and_bad_regexes_are_placed() {
    let c = parse(
            "[filter.drop]\ntitle = [\"(?i)^sponsored\"]\n\n[[feed]]\nurl = \"https://a.example/f\"\ncategory = \" News / World /\"\n[feed.filter.keep]\ncategory = [\"rust\"]\n",
            Path::new("/etc/f.toml"),
        )
        .unwrap();
    assert_eq!(c.filter.drop.title, vec!["(?i)^sponsored".to_string()]);
    assert_eq!(c.feeds[0].category.as_deref(), Some("News/World"));
    assert_eq!(c.feeds[0].filter.keep.category, vec!["rust".to_string()]);
    let p = problems(
        "[filter.keep]\nauthor = [\"ok\", \"(bad\"]\n[[feed]]\nurl = \"https://a.example/f\"\nfilter = { drop = { text = [\"[z-a]\"] } }\n",
    );
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(
        p[0],
        "2:17: filter.keep.author: invalid regex \"(bad\": unclosed group"
    );
    assert!(
        p[1].starts_with("5:29: feed.filter.drop.text: invalid regex"),
        "{p:?}"
    );
    let p = problems("[filter.drop]\nsubject = [\"x\"]\n");
    assert!(
        p[0].starts_with("2:1:") && p[0].contains("subject"),
        "{p:?}"
    );
}

#[test]
fn every_type_error_is_reported_at_once() {
    let p = problems(
        "[fetch]\nconcurrency = \"many\"\ntimeout = 5\n\n[[feed]]\nurl = \"https://a.example/f\"\nenabled = \"yes\"\n[[feed]]\nname = \"no url\"\n",
    );
    assert_eq!(p.len(), 4, "{p:?}");
    assert!(
        p[0].starts_with("2:15: invalid type: string \"many\", expected a whole number"),
        "{p:?}"
    );
    assert!(p[1].starts_with("3:11:"), "{p:?}");
    assert!(
        p[2].starts_with("7:11:") && p[2].contains("true or false"),
        "{p:?}"
    );
    assert!(p[3].starts_with("8:1: missing field `url`"), "{p:?}");
}

#[test]
fn a_config_that_is_not_utf8_gets_a_position() {
    let dir = std::env::temp_dir().join(format!("feedsieve-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("f.toml");
    std::fs::write(&path, b"[fetch]\nuser_agent = \"caf\xe9\"\n").unwrap();
    let e = load(&path).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        e.ends_with("f.toml:2:18: the file is not UTF-8 text (byte 0xe9 here); save it as UTF-8"),
        "{e}"
    );
}

#[test]
fn one_feed_written_two_ways_is_one_feed() {
    let base = Path::new("/etc/feedsieve");
    let a = resolve_feed_url("HTTP://News.Example/a.xml#top", base).unwrap();
    assert_eq!(a.as_str(), "http://news.example/a.xml");
    let f = resolve_feed_url("FILE:///srv/feeds/a.xml#x", base).unwrap();
    assert_eq!(f.as_str(), "file:///srv/feeds/a.xml");
    let p = problems(
        "[[feed]]\nurl = \"http://news.example/a.xml\"\n[[feed]]\nurl = \"HTTP://NEWS.example/a.xml#latest\"\n",
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with(
            "4:7: duplicate feed http://news.example/a.xml: it is already listed on line 2"
        ),
        "{p:?}"
    );
}

#[test]
fn an_interval_under_a_minute_is_accepted_with_a_warning() {
    let c = parse(
            "[fetch]\ndefault_interval = \"5m\"\n[[feed]]\nurl = \"https://a.example/f\"\ninterval = \"10s\"\n",
            Path::new("/etc/f.toml"),
        )
        .unwrap();
    assert_eq!(c.feeds[0].interval, Some(Duration::from_secs(10)));
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert_eq!((c.warnings[0].line, c.warnings[0].col), (5, 12));
    assert!(
        c.warnings[0]
            .message
            .starts_with("interval 10s is under a minute")
    );
}

#[test]
fn full_text_is_auto_by_default_per_feed_or_global_and_validated() {
    let path = Path::new("/etc/f.toml");
    let c = parse(
            "[fetch]\nfull_text = \"never\"\n[[feed]]\nurl = \"https://a.example/f\"\n[[feed]]\nurl = \"https://b.example/f\"\nfull_text = \"always\"\n",
            path,
        )
        .unwrap();
    assert_eq!(c.full_text_of(&c.feeds[0]), FullText::Never);
    assert_eq!(c.full_text_of(&c.feeds[1]), FullText::Always);
    assert_eq!(parse("", path).unwrap().fetch.full_text, FullText::Auto);
    let p = problems(
        "[fetch]\nfull_text = \"sometimes\"\n[[feed]]\nurl = \"https://a.example/f\"\n  full_text = \"Auto\"\n",
    );
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].starts_with(
            "2:13: full_text must be \"auto\", \"always\" or \"never\", not \"sometimes\""
        ),
        "{p:?}"
    );
    assert!(p[1].starts_with("5:15: full_text"), "{p:?}");
}

#[test]
fn error_display_is_file_line_col() {
    let e = parse("bogus = 1\n", Path::new("conf/f.toml")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("conf/f.toml:1:1: unknown field `bogus`"),
        "{e}"
    );
}
