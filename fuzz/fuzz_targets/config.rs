//! Any text as a config file: an error with a position, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(feedsieve::config::ConfigError::Invalid { problems, .. }) =
        feedsieve::config::parse(text, Path::new("f.toml"))
    {
        assert!(!problems.is_empty());
        for p in &problems {
            assert!(p.line >= 1 && p.col >= 1, "{p:?}");
            assert!(p.line <= text.lines().count().max(1) + 1, "{p:?}");
        }
    }
});
