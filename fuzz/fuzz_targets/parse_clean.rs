//! Feed bytes → parse → clean every entry: must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(feed) = feedsieve::parse::parse(data, None, None) else {
        return;
    };
    let Ok(cleaner) = feedsieve::clean::Cleaner::new(&Default::default()) else {
        return;
    };
    for entry in &feed.entries {
        let cleaned = cleaner.clean(&entry.content_html, None, None);
        // The cleaned text is what gets fingerprinted; run it through too.
        let _ = feedsieve::dedup::fingerprint(&cleaned.text);
    }
});
