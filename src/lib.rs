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

pub mod clean;
pub mod config;
pub mod daemon;
pub mod dedup;
pub mod export;
pub mod fetch;
pub mod maintain;
pub mod opml;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod scheduler;
pub mod search;
pub mod serve;
pub mod store;
pub mod tune;
pub mod units;
