//! Config mistakes as a user meets them: `feedsieve check` (and `run`) on a
//! broken file prints `file:line:col: message` naming what to fix, and exits
//! non-zero. One case per kind of mistake, through the real binary.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");

fn run(config: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("FEEDSIEVE_CONFIG")
        .env_remove("FEEDSIEVE_DATABASE")
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

/// Checks `text`; returns stderr, asserting a non-zero exit.
fn check(dir: &Path, text: &str) -> (String, String) {
    let path = dir.join("feedsieve.toml");
    std::fs::write(&path, text).unwrap();
    let out = run(&path, &["check"]);
    assert!(!out.status.success(), "{text:?} was accepted: {out:?}");
    (
        path.display().to_string(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn each_kind_of_mistake_names_file_line_col_and_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let ok_feed = "[[feed]]\nurl = \"https://a.example/feed.xml\"\n";
    // (config text, expected "line:col: " prefix, words the message must carry)
    let cases: &[(String, &str, &[&str])] = &[
        (
            format!("{ok_feed}name = \"unterminated\n"),
            "3:",
            &["string"],
        ),
        (
            format!("[fetch]\ntimeout = \"5s\"\n  colour = \"red\"\n{ok_feed}"),
            "3:3: ",
            &["unknown field", "colour"],
        ),
        (
            format!("[fetch]\nconcurrency = \"many\"\n{ok_feed}"),
            "2:15: ",
            &["invalid type", "\"many\"", "expected a whole number"],
        ),
        (
            format!("{ok_feed}enabled = \"yes\"\n"),
            "3:11: ",
            &["invalid type", "expected true or false"],
        ),
        (
            format!("{ok_feed}full_text = \"sometimes\"\n"),
            "3:13: ",
            &[
                "full_text must be \"auto\", \"always\" or \"never\"",
                "\"sometimes\"",
            ],
        ),
        (
            format!("{ok_feed}interval = \"fortnightly\"\n"),
            "3:12: ",
            &["interval"],
        ),
        (
            format!("{ok_feed}interval = \"10\"\n"),
            "3:12: ",
            &["interval", "unit"],
        ),
        (
            "[[feed]]\nurl = \"gopher://x.example/\"\n".to_string(),
            "2:7: ",
            &["unsupported scheme"],
        ),
        (
            "[[feed]]\nurl = \"https://\"\n".to_string(),
            "2:7: ",
            &["url"],
        ),
        (
            format!("{ok_feed}\n[[feed]]\nurl = \"https://a.example/feed.xml\"\n"),
            "5:7: ",
            &["duplicate feed", "line 2"],
        ),
    ];
    for (text, position, words) in cases {
        let (file, err) = check(dir.path(), text);
        let prefix = format!("{file}:{position}");
        let line = err
            .lines()
            .find(|l| l.contains(&prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in {err:?} for {text:?}"));
        for word in *words {
            assert!(
                line.to_lowercase().contains(&word.to_lowercase()),
                "{line:?} lacks {word:?} (config {text:?})"
            );
        }
    }
}

#[test]
fn an_unreadable_config_file_says_why() {
    // Tests run as root, where chmod 000 does not stop a read: a directory
    // and a dangling symlink are unreadable for root too.
    let dir = tempfile::tempdir().unwrap();
    let as_dir = dir.path().join("feedsieve.toml");
    std::fs::create_dir(&as_dir).unwrap();
    for args in [&["check"][..], &["run", "--once"][..]] {
        let out = run(&as_dir, args);
        assert!(!out.status.success(), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("cannot read config file {}", as_dir.display()))
                && err.contains("directory"),
            "{err}"
        );
    }

    let link = dir.path().join("link.toml");
    let target = dir.path().join("gone/feedsieve.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = run(&link, &["check"]);
    assert!(!out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("cannot read config file {}", link.display())),
        "{err}"
    );
    // The link itself exists, so "no such file" alone would puzzle: name the target.
    assert!(err.contains(&target.display().to_string()), "{err}");
}
