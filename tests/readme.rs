//! The README's promises, checked: the example config ingests offline, and
//! every "Ready queries" statement runs against the database it builds and
//! answers something. Documentation that drifts from the schema fails here.

use std::process::Command;

#[path = "support/sql.rs"]
mod sql;

const BIN: &str = env!("CARGO_BIN_EXE_feedsieve");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn ready_queries() -> Vec<String> {
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let section = readme
        .split("### Ready queries")
        .nth(1)
        .expect("README has Ready queries");
    let sql = section
        .split("```sql")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap();
    sql.split(';')
        .map(|q| {
            q.lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|q| !q.trim().is_empty())
        .collect()
}

/// The example config as committed (git's index: a change to the example
/// is tested once staged), never the working file README invites users to
/// edit; the working file only where git cannot tell (no checkout). Written
/// with its sample feeds into `dir`, whose copy is returned.
fn example_config(dir: &std::path::Path) -> std::path::PathBuf {
    let staged = Command::new("git")
        .args(["show", ":config/feedsieve.toml"])
        .current_dir(ROOT)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| out.stdout);
    let text = staged.unwrap_or_else(|| {
        eprintln!("not a git checkout: testing the working config/feedsieve.toml");
        std::fs::read(format!("{ROOT}/config/feedsieve.toml")).unwrap()
    });
    let samples = dir.join("samples");
    std::fs::create_dir(&samples).unwrap();
    for sample in std::fs::read_dir(format!("{ROOT}/config/samples")).unwrap() {
        let sample = sample.unwrap();
        std::fs::copy(sample.path(), samples.join(sample.file_name())).unwrap();
    }
    let path = dir.join("feedsieve.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn example_config_ingests_and_every_ready_query_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("example.db");
    let config = example_config(dir.path());
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .arg("--database")
        .arg(&db)
        .args(["run", "--once"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 failed"),
        "{out:?}"
    );

    let queries = ready_queries();
    assert!(
        queries.len() >= 6,
        "README lists {} ready queries",
        queries.len()
    );
    let conn = sql::connect(&db);
    // Feeds failing for a day cannot exist in a fresh database: every other query must answer.
    for query in &queries {
        // Every row stepped through, as a user's sqlite3 would.
        let rows = sql::rows_with(&conn, query, [], |_| Ok(())).len();
        if !query.contains("-1 day") {
            assert!(
                rows > 0,
                "README query answered nothing on the example data:\n{query}"
            );
        }
    }
    // The example's point: two sites' copies of one wire story are one story.
    let carried: i64 = sql::scalar(&conn, "SELECT MAX(feed_count) FROM story_list", []);
    assert_eq!(
        carried, 2,
        "the sample wire story should be one story carried by two feeds"
    );
}
