//! The `copy` command over `store::postgres::copy`: which way from `--to` /
//! `--from`, the checks of both ends, the copy on a thread of its own (the
//! PostgreSQL client blocks its thread, which must not be the runtime's), and
//! the summary it prints. It holds no SQL and decides nothing about rows.

use std::path::Path;

use crate::store::postgres::{self, CopyError, CopyOptions, CopyReport, Direction};

/// Why `copy` did not run or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum CopyCommandError {
    #[error("`feedsieve copy` takes one of --to or --from")]
    Direction,
    #[error("`feedsieve copy`: {0} is not a PostgreSQL URL (postgres://user@host/database)")]
    NotUrl(String),
    #[error("`feedsieve copy`: the other end must be a SQLite file; name it with --database")]
    SqliteEnd,
    #[error(transparent)]
    Copy(#[from] CopyError),
    #[error("the copy's thread failed: {0}")]
    Thread(String),
}

/// Copies between the SQLite file `sqlite` and the PostgreSQL database of
/// `to` or `from`; returns the summary's lines.
pub async fn run(
    sqlite: &Path,
    to: Option<&str>,
    from: Option<&str>,
    batch_rows: usize,
    stop_after_batches: Option<u64>,
) -> Result<Vec<String>, CopyCommandError> {
    let (url, direction) = match (to, from) {
        (Some(url), None) => (url, Direction::ToPostgres),
        (None, Some(url)) => (url, Direction::FromPostgres),
        _ => return Err(CopyCommandError::Direction),
    };
    if !postgres::is_url(Path::new(url)) {
        return Err(CopyCommandError::NotUrl(postgres::redact(url)));
    }
    if postgres::is_url(sqlite) {
        return Err(CopyCommandError::SqliteEnd);
    }
    let options = CopyOptions {
        sqlite: sqlite.to_path_buf(),
        url: url.to_string(),
        direction,
        batch_rows,
        stop_after_batches,
        migrate_up_to: None,
    };
    let report = tokio::task::spawn_blocking(move || postgres::copy::run(&options))
        .await
        .map_err(|e| CopyCommandError::Thread(e.to_string()))??;
    let target = match direction {
        Direction::ToPostgres => postgres::redact(url),
        Direction::FromPostgres => sqlite.display().to_string(),
    };
    Ok(summary(&report, &target))
}

/// "copied into …: N rows in S s (resumed)" and the verified counts.
fn summary(report: &CopyReport, target: &str) -> Vec<String> {
    let first = if report.already_done {
        format!("{target} already holds this database's copy; nothing to copy")
    } else {
        format!(
            "copied into {target}: {} rows in {:.1} s{}",
            report.copied,
            report.elapsed.as_secs_f64(),
            if report.resumed { " (resumed)" } else { "" }
        )
    };
    let total: u64 = report.tables.iter().map(|(_, n)| n).sum();
    let tables: Vec<String> = report
        .tables
        .iter()
        .map(|(table, n)| format!("{table} {n}"))
        .collect();
    vec![
        first,
        format!(
            "verified: the same row counts on both sides ({total} in all): {}",
            tables.join(", ")
        ),
    ]
}
