//! Where the project's shared data folder is, for tests and benches alike
//! (included with `#[path]`; one rule instead of a copy per file).

use std::path::PathBuf;

/// `$FEEDSIEVE_SHARED` when set, else `../shared` beside the crate (as CI
/// lays it out). Never a fixed absolute path: a checkout elsewhere must not
/// quietly read another checkout's data.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("FEEDSIEVE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")))
}
