//! A PostgreSQL database as the store holds it: a few synchronous sessions
//! (a client and its prepared statements) kept for reuse, transactions on
//! them, and the rule for where they run ([`off_runtime`]). Opening for the
//! read commands checks that the schema is this feedsieve's, without changing
//! it; opening for `run` brings it up to date (`migrate.rs`). It runs no
//! statement of its own beyond that and `BEGIN`/`COMMIT`/`ROLLBACK`, and never
//! calls the client on a tokio runtime thread.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Mutex;

use postgres::{Client, Statement};

use super::{PgError, connect, migrate, redact};

/// Idle clients kept at most (as many as reads run at once).
const KEPT: usize = 8;

/// The clients of one PostgreSQL database.
pub struct Pool {
    url: String,
    idle: Mutex<Vec<Session>>,
}

/// A client and the statements it prepared: a feed's write runs the same
/// few statements for every entry, and preparing one is a round trip of its
/// own (the client keeps no cache).
pub struct Session {
    pub(crate) client: Client,
    prepared: HashMap<&'static str, Statement>,
    /// A transaction could not be ended: the session is not kept.
    broken: bool,
}

impl Session {
    fn new(client: Client) -> Session {
        Session {
            client,
            prepared: HashMap::new(),
            broken: false,
        }
    }

    /// `sql` prepared on this session, once.
    pub(crate) fn prepare(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.prepared.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.prepared.insert(sql, statement.clone());
        Ok(statement)
    }
}

/// A session lent to the store's functions (through `store::Db`), inside a
/// transaction or not. A `RefCell` because `Db` is a shared, copyable handle;
/// each PostgreSQL statement function borrows it for its own statements only
/// and calls no other such function meanwhile.
pub struct Lent(RefCell<Session>);

impl Lent {
    /// Runs `work` on the session.
    pub(crate) fn with<R>(
        &self,
        work: impl FnOnce(&mut Session) -> Result<R, postgres::Error>,
    ) -> Result<R, PgError> {
        Ok(work(&mut self.0.borrow_mut())?)
    }
}

impl Lent {
    /// Runs `work`, which may fail with a [`PgError`] of its own, on the
    /// session's client (the lease statements take a client).
    pub(crate) fn with_client<R>(
        &self,
        work: impl FnOnce(&mut Client) -> Result<R, PgError>,
    ) -> Result<R, PgError> {
        work(&mut self.0.borrow_mut().client)
    }
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
        Pool::open_with(url, false)
    }

    /// Connects to `url` and applies the migrations it has not had yet (all
    /// of them to an empty database): for `run`, which creates its database.
    pub fn open_migrated(url: &str) -> Result<Pool, PgError> {
        Pool::open_with(url, true)
    }

    fn open_with(url: &str, migrating: bool) -> Result<Pool, PgError> {
        off_runtime(|| {
            let mut client = connect(url)?;
            let checked = if migrating {
                migrate::run(&mut client).map(|_| ())
            } else {
                migrate::check(&mut client)
            };
            checked.map_err(|source| PgError::Schema {
                url: redact(url),
                source,
            })?;
            Ok(Pool {
                url: url.to_string(),
                idle: Mutex::new(vec![Session::new(client)]),
            })
        })
    }

    /// Runs `work` on a client of this database (a kept one, else a new
    /// one), off the async runtime; the client is kept afterwards unless its
    /// connection closed.
    pub fn run<R: Send>(
        &self,
        work: impl FnOnce(&mut Client) -> Result<R, PgError> + Send,
    ) -> Result<R, PgError> {
        self.session(|lent| work(&mut lent.0.borrow_mut().client))
    }

    /// Runs `work` on a session of this database, lent as the store's
    /// functions take it, in autocommit (each statement sees what was
    /// committed when it starts), off the async runtime.
    pub fn lend<R: Send, E: From<PgError> + Send>(
        &self,
        work: impl FnOnce(&Lent) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        self.session(|lent| Ok(work(lent)))?
    }

    /// Runs `work` in one transaction that `begin` (SQL) starts, on a session
    /// of this database, off the async runtime: committed if it returns
    /// `Ok`, rolled back otherwise. The whole transaction runs on the one
    /// thread, with no hand-off per statement.
    fn within<R: Send, E: From<PgError> + Send>(
        &self,
        begin: &str,
        work: impl FnOnce(&Lent) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        self.session(|lent| {
            if let Err(e) = lent.with(|s| s.client.batch_execute(begin)) {
                // It may have begun a transaction that the lock's wait then
                // left: the session is not kept inside it.
                lent.0.borrow_mut().broken = true;
                return Err(e);
            }
            let result = work(lent);
            let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
            let mut session = lent.0.borrow_mut();
            match session.client.batch_execute(end) {
                Ok(()) => Ok(result),
                // A failed ROLLBACK leaves the work's own error to report; a
                // session that cannot end its transaction is not kept.
                Err(_) if result.is_err() => {
                    session.broken = true;
                    Ok(result)
                }
                Err(e) => Err(e.into()),
            }
        })?
    }

    /// Runs `work` in one transaction without the database's write lock: for
    /// writes to rows that no other writer writes meanwhile (a leased feed's
    /// own), which need not wait for other feeds' writes.
    pub fn transaction<R: Send, E: From<PgError> + Send>(
        &self,
        work: impl FnOnce(&Lent) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        self.within("BEGIN", work)
    }

    /// Runs `work` in one transaction that holds the database's write lock
    /// ([`super::stories::WRITE_LOCK`], an advisory lock, to commit): writers of one database, in this process or others,
    /// take turns, as SQLite's one writer does, and each reads every row the
    /// writers before it committed. It is the lock the ids given out before
    /// inserting need (`entries::reserve_ids`). `BEGIN` and the lock go in one
    /// round trip.
    pub fn write<R: Send, E: From<PgError> + Send>(
        &self,
        work: impl FnOnce(&Lent) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        let begin = format!(
            "BEGIN; SELECT pg_advisory_xact_lock({})",
            super::stories::WRITE_LOCK
        );
        self.within(&begin, work)
    }

    /// Ends the kept sessions (those in use end when returned).
    pub fn close(&self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        if !idle.is_empty() {
            off_runtime(move || drop(idle));
        }
    }

    /// Whether the database takes a new connection and answers a query now
    /// (for `/healthz`), on a connection of its own, not kept.
    pub fn ping(&self) -> Result<(), PgError> {
        off_runtime(|| Ok(connect(&self.url)?.batch_execute("SELECT 1")?))
    }

    /// Runs `work` on a kept session (else a new one), off the async
    /// runtime; the session is kept afterwards unless its connection closed.
    fn session<R: Send>(
        &self,
        work: impl FnOnce(&Lent) -> Result<R, PgError> + Send,
    ) -> Result<R, PgError> {
        off_runtime(|| {
            let kept = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let session = match kept {
                Some(session) if !session.client.is_closed() => session,
                _ => Session::new(connect(&self.url)?),
            };
            let lent = Lent(RefCell::new(session));
            let result = work(&lent);
            let session = lent.0.into_inner();
            if !session.client.is_closed() && !session.broken {
                let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
                if idle.len() < KEPT {
                    idle.push(session);
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
