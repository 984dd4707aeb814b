//! PostgreSQL (issue 19): which databases are PostgreSQL ones, the connection
//! (rust-postgres's synchronous client, TLS through rustls), the schema's own
//! migrations (`migrate.rs`) and `feedsieve copy` between a SQLite file and a
//! PostgreSQL database (`copy.rs`; `sides.rs` its statements on either
//! engine, `tables.rs` the tables and their columns).
//!
//! `pool.rs` keeps sessions (a client and its prepared statements) and runs
//! transactions on them; the store's functions choose the engine and call
//! the statements here: the read commands' (`reads.rs`), and the daemon's,
//! split by table as on SQLite (`feeds.rs`, `entries.rs`, `stories.rs` with
//! the de-duplicator's, `templates.rs`, `maintain.rs`). Like the rest of
//! `store/`, it holds every SQL statement it runs and never decides anything
//! about feeds.
//! A [`postgres::Client`] blocks the thread that calls it: it must never be
//! called on a tokio runtime thread (calls go through [`off_runtime`]).

pub mod copy;
pub(crate) mod entries;
pub(crate) mod feeds;
pub mod leases;
pub(crate) mod maintain;
pub mod migrate;
mod pool;
pub(crate) mod reads;
mod sides;
pub(crate) mod stories;
mod tables;
pub(crate) mod templates;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use copy::{CopyError, CopyOptions, CopyReport, Direction};
pub use migrate::PgMigrateError;
pub use pool::{Lent, Pool, Session, off_runtime};

/// How long connecting may take before it fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether `database` (`[storage] database`, `--database`) names a
/// PostgreSQL server rather than a SQLite file.
pub fn is_url(database: &Path) -> bool {
    database
        .to_str()
        .is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// `url` with its password, if any, replaced by `***`: for messages and logs.
/// The password can be in the user info (`user:password@`) or, as libpq
/// also accepts, a `password=` query parameter.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => param.to_string(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// What went wrong talking to PostgreSQL.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("invalid PostgreSQL URL {url}: {source}")]
    Url {
        url: String,
        source: postgres::Error,
    },
    #[error("cannot set up TLS for PostgreSQL: {0}")]
    Tls(String),
    #[error("cannot connect to {url}: {source}")]
    Connect {
        url: String,
        source: postgres::Error,
    },
    #[error("PostgreSQL database {url}: {source}")]
    Schema { url: String, source: PgMigrateError },
    #[error("PostgreSQL: {0}")]
    Sql(#[from] postgres::Error),
}

/// Opens a connection to `url` (`postgres://user[:password]@host[:port]/db`,
/// with `?sslmode=disable|prefer|require`; a host that is a folder, written
/// percent-encoded, is a unix socket). TLS is rustls with the platform's
/// certificate verifier; `prefer` (the default) uses it when the server offers
/// it, as libpq does. Blocks the calling thread.
pub fn connect(url: &str) -> Result<postgres::Client, PgError> {
    let shown = redact(url);
    let mut config: postgres::Config = url.parse().map_err(|source| PgError::Url {
        url: shown.clone(),
        source,
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("feedsieve");
    }
    config
        .connect(tls()?)
        .map_err(|source| PgError::Connect { url: shown, source })
}

/// rustls with ring (the provider reqwest uses here), verifying the server's
/// certificate as the platform does.
fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect, PgError> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| PgError::Tls(e.to_string()))?
        .with_platform_verifier()
        .map_err(|e| PgError::Tls(e.to_string()))?
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

// Test code: its unwraps act on the test's own fixed inputs; a panic is the
// test failing.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url(Path::new("postgres://u@h/db")));
        assert!(is_url(Path::new("postgresql://h/db")));
        assert!(!is_url(Path::new("/var/lib/feedsieve/feedsieve.db")));
        assert!(!is_url(Path::new("postgres.db")));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db?sslmode=require"),
            "postgres://u:***@h:5432/db?sslmode=require"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("postgres://h/a@b"), "postgres://h/a@b");
        assert_eq!(
            redact("postgres://u@h/db?sslmode=disable&password=secret&application_name=x"),
            "postgres://u@h/db?sslmode=disable&password=***&application_name=x"
        );
        assert_eq!(
            redact("postgresql://u:a@h/db?Password=b"),
            "postgresql://u:***@h/db?Password=***"
        );
    }

    #[test]
    fn a_malformed_url_is_an_error_not_a_panic() {
        let Err(e) = connect("postgres://u@h:notaport/db") else {
            panic!("connected with a malformed URL");
        };
        assert!(matches!(e, PgError::Url { .. }), "{e}");
    }
}
