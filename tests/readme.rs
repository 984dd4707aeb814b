//! The README's promises, checked: the example config ingests offline, and
//! every "Ready queries" statement runs against the database it builds and
//! answers something. Documentation that drifts from the schema fails here.

use std::process::Command;

use sqlx::Connection;

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

#[test]
fn example_config_ingests_and_every_ready_query_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("example.db");
    let out = Command::new(BIN)
        .args([
            "--config",
            &format!("{ROOT}/config/feedsieve.toml"),
            "--database",
        ])
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
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        // Feeds failing for a day cannot exist in a fresh database: every other query must answer.
        for query in &queries {
            let rows = sqlx::query(sqlx::AssertSqlSafe(query.clone()))
                .fetch_all(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("README query failed: {e}\n{query}"));
            if !query.contains("-1 day") {
                assert!(
                    !rows.is_empty(),
                    "README query answered nothing on the example data:\n{query}"
                );
            }
        }
        // The example's point: two sites' copies of one wire story are one story.
        let carried: i64 = sqlx::query_scalar("SELECT MAX(feed_count) FROM story_list")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(
            carried, 2,
            "the sample wire story should be one story carried by two feeds"
        );
    });
}
