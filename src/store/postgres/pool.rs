//! A PostgreSQL database as the store holds it: a few synchronous clients kept
//! for reuse, and the rule for where they run ([`off_runtime`]). Opening checks
//! that the schema is this feedsieve's, without changing it (only `copy --to`
//! creates or migrates it so far). It runs no statement of its own beyond that
//! check, and never calls the client on a tokio runtime thread.

use std::sync::Mutex;

use super::{PgError, connect, migrate, redact};

/// Idle clients kept at most (as many as reads run at once).
const KEPT: usize = 8;

/// The clients of one PostgreSQL database.
pub struct Pool {
    url: String,
    idle: Mutex<Vec<postgres::Client>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("url", &redact(&self.url))
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// Connects to `url` and checks its schema: every migration of this
    /// feedsieve applied, none unknown. Changes nothing.
    pub fn open(url: &str) -> Result<Pool, PgError> {
        off_runtime(|| {
            let mut client = connect(url)?;
            migrate::check(&mut client).map_err(|source| PgError::Schema {
                url: redact(url),
                source,
            })?;
            Ok(Pool {
                url: url.to_string(),
                idle: Mutex::new(vec![client]),
            })
        })
    }

    /// Runs `work` on a client of this database (a kept one, else a new
    /// one), off the async runtime; the client is kept afterwards unless its
    /// connection closed.
    pub fn run<R: Send>(
        &self,
        work: impl FnOnce(&mut postgres::Client) -> Result<R, PgError> + Send,
    ) -> Result<R, PgError> {
        off_runtime(|| {
            let kept = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let mut client = match kept {
                Some(client) if !client.is_closed() => client,
                _ => connect(&self.url)?,
            };
            let result = work(&mut client);
            if !client.is_closed() {
                let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
                if idle.len() < KEPT {
                    idle.push(client);
                }
            }
            result
        })
    }
}

/// A client's drop ends its session through the client's own runtime, which
/// must not start on a runtime thread either.
impl Drop for Pool {
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(|e| e.into_inner()));
        if !idle.is_empty() {
            off_runtime(move || drop(idle));
        }
    }
}

/// Runs `work`, which calls the synchronous client, where that may block: on
/// a multi-threaded runtime's worker after handing its tasks to another thread
/// (`block_in_place`, which also leaves the runtime, so the client's own
/// runtime can run); on a thread of its own beside a current-thread runtime;
/// directly elsewhere.
pub fn off_runtime<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        Ok(_) => std::thread::scope(|scope| match scope.spawn(work).join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }),
        Err(_) => work(),
    }
}
