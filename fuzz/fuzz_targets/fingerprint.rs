//! Any text → fingerprint: must never panic, and must be deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let a = feedsieve::dedup::fingerprint(&text);
    let b = feedsieve::dedup::fingerprint(&text);
    assert_eq!(a, b);
    if let Some(key) = feedsieve::dedup::fingerprint::title_key(&text) {
        assert!(!key.is_empty());
    }
    let _ = feedsieve::dedup::fingerprint::url_key(&text);
});
