//! Where the project's shared data folder is, for tests and benches alike
//! (included with `#[path]`; one rule instead of a copy per file).

use std::path::PathBuf;

/// The first of `$FEEDSIEVE_SHARED`, `../shared` beside the crate (as CI
/// lays it out) and `/work/shared` that holds `bench-data`; else `../shared`,
/// so a missing folder's error names where it was looked for.
pub fn shared_dir() -> PathBuf {
    let beside = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared"));
    std::env::var_os("FEEDSIEVE_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([beside.clone(), PathBuf::from("/work/shared")])
        .find(|p| p.join("bench-data").is_dir())
        .unwrap_or(beside)
}
