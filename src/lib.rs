//! feedsieve: a feed aggregator daemon.
//!
//! The modules follow the data, each a stage that can be used and tested alone:
//!
//! ```text
//! config ─▶ scheduler ─▶ fetch ─▶ parse ─▶ clean ─▶ dedup ─▶ store
//! ```
//!
//! [`pipeline`] runs one feed through fetch → parse → clean → store (dedup runs
//! inside the store's transaction); [`daemon`] drives the pipeline from the
//! scheduler and handles signals, reloads and shutdown. [`search`] and
//! [`maintain`] serve the stored data: full-text search, retention, vacuum.
//! See ARCHITECTURE.md.

// The docs are the developers' map (`cargo doc --document-private-items`):
// a public item's doc may point at the private helper that does the work.
#![allow(rustdoc::private_intra_doc_links)]

pub mod clean;
pub mod config;
pub mod copy;
pub mod daemon;
pub mod dedup;
pub mod discover;
pub mod export;
pub mod extract;
pub mod fetch;
pub mod filter;
pub mod fulltext;
pub mod leasing;
pub mod maintain;
pub mod metrics;
pub mod opml;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod progress;
pub mod scheduler;
pub mod search;
pub mod serve;
pub mod store;
pub mod subscribe;
pub mod tune;
pub mod units;
pub mod workers;

/// An error with its causes, each once: reqwest puts the useful part in a
/// cause ("connection refused"), while our own errors already quote theirs.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}
