//! Feed leases on PostgreSQL (issue 19): how a fleet of daemons sharing one
//! database divides the due feeds so that no feed is ever fetched by two at
//! once and per-host politeness holds fleet-wide (migration 0005 has the
//! tables and the statements' functions: `feed_schedule`, one narrow row a
//! feed, and `lease_hosts`, the queue of hosts with their slots). The
//! daemon's scheduler calls these through `store/`; `feedsieve fleet` reads
//! [`fleet`]. It runs the lease statements and never decides when a feed is
//! due next: the caller passes that in. Its functions are public so that
//! tests/ and benches/ drive them against a real server.
//!
//! The rules every statement here keeps:
//! * A feed is leased only when it is enabled, due, and holds no live lease,
//!   and only together with a free slot of its host (at most `per_host`
//!   live leases a host, `lease_settings`). The lease locks hosts `FOR NO KEY
//!   UPDATE SKIP LOCKED`, so daemons leasing at once take different hosts
//!   instead of waiting, and every statement that changes a host's slots or
//!   its feeds' leases (lease, renew, release, and the triggers that follow
//!   `feeds`' writes) locks the host's row first, before any feed's row: what
//!   a lease reads of a host it locked stays true until it commits, and no
//!   two statements wait on each other in opposite orders.
//! * Expiry is the database's clock (`now()`), never a daemon's. Every daemon
//!   judges expiry by one clock, so clock skew between machines cannot make a
//!   lease look expired to one daemon while its holder still counts on it.
//!   The holder itself counts from its own monotonic clock, from before it
//!   sent the statement ([`Lease::valid_until`]): the database's expiry is at
//!   least that late, so the holder stops first.
//! * Every lease gets a new token from one sequence (a fencing token). A
//!   renew or release must name the current token: a daemon whose lease
//!   expired and was taken is refused, and never overwrites the newer
//!   holder's record. The feed and its host slot carry the same token and
//!   expiry, and are renewed together or not at all.
//! * Due-ness compares the `now` the caller passes with the feed's due time
//!   (`next_fetch_at`), which daemons wrote from their own clocks: skew there
//!   moves a fetch by the skew, which costs punctuality, never safety. While
//!   a feed is leased its schedule's due time is its lease's expiry (the
//!   database's clock, rounded up to the second), so a feed whose holder died
//!   falls due when its lease ends; a daemon whose clock runs fast sees such
//!   a feed due early and is refused by the expiry test.
//! * A host's place in the queue (`lease_hosts.ready`) is never later than
//!   when it can next lease a feed: early costs one look, late would delay
//!   its feeds, so whatever makes a feed due earlier or frees a slot moves it
//!   back.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use postgres::GenericClient;

use super::{PgError, Pool, is_url};

/// A timestamp column as RFC 3339 UTC text with milliseconds.
macro_rules! utc_text {
    ($column:literal) => {
        concat!(
            "to_char(",
            $column,
            " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        )
    };
}

/// One feed leased to one daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub feed_id: i64,
    pub url: String,
    /// Where a permanent redirect moved the feed, if it did.
    pub fetch_url: Option<String>,
    /// The host the fetch goes to (the per-host limit's key).
    pub host: String,
    /// Which of the host's slots this lease holds.
    pub slot: i64,
    /// The fencing token: larger than every earlier lease's of any feed.
    pub token: i64,
    /// When the database lets the lease expire (RFC 3339 UTC), for display.
    pub expires_at: String,
    /// Until when the holder may count on the lease, on its own monotonic
    /// clock: the instant before the statement was sent, plus the ttl. The
    /// database's expiry is never earlier.
    pub valid_until: Instant,
}

/// What a release did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Released {
    /// The lease was current: the feed is free, due at the time given.
    Released,
    /// The lease had expired and another lease was taken since: nothing
    /// of the feed was changed. The holder's work must be dropped, not
    /// written.
    Superseded {
        /// The lease that replaced it, if one is held now.
        owner: Option<String>,
        token: i64,
    },
    /// The feed is gone from the database.
    Gone,
}

/// The ttl in whole milliseconds, as the statements take it.
fn millis(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX)
}

/// A `usize` count as a statement's BIGINT.
fn bigint(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Removes the daemons silent for more than four times the lease ttl they
/// last renewed with (ten minutes when they never renewed one, their ttl
/// unknown): they died without deregistering (killed, machine lost), and
/// `feedsieve fleet` lists the living. Their leases expired long before, and
/// nothing else names a daemon's row. A CTE run ahead of every register,
/// heartbeat and renew; never removes the daemon named by `$except`.
macro_rules! reap_dead {
    ($except:literal) => {
        concat!(
            "reaped AS (
            DELETE FROM daemons
            WHERE heartbeat_at < now() - coalesce(lease_ttl_ms * 4, 600000) * interval '1 millisecond'
              AND id <> ",
            $except,
            ")"
        )
    };
}

/// Registers a daemon sharing this database (its host name and process id,
/// for `feedsieve fleet`); returns its id, the owner its leases carry.
/// Removes dead daemons on the way (`reap_dead!`).
pub fn register(
    client: &mut impl GenericClient,
    host_name: &str,
    pid: u32,
) -> Result<String, PgError> {
    let row = client.query_one(
        concat!(
            "WITH ",
            reap_dead!("''"),
            " INSERT INTO daemons (host_name, pid) VALUES ($1, $2) RETURNING id"
        ),
        &[&host_name, &i64::from(pid)],
    )?;
    Ok(row.try_get(0)?)
}

/// Records that `daemon` is alive (the database's clock), and removes dead
/// daemons; false when it is not registered (removed by [`deregister`], or
/// by another daemon after a long silence: `reap_dead!`).
pub fn heartbeat(client: &mut impl GenericClient, daemon: &str) -> Result<bool, PgError> {
    let n = client.execute(
        concat!(
            "WITH ",
            reap_dead!("$1"),
            " UPDATE daemons SET heartbeat_at = now() WHERE id = $1"
        ),
        &[&daemon],
    )?;
    Ok(n == 1)
}

/// Removes `daemon` from the list, at a clean shutdown, after releasing its
/// leases. Leases it still holds are left to expire.
pub fn deregister(client: &mut impl GenericClient, daemon: &str) -> Result<(), PgError> {
    client.execute("DELETE FROM daemons WHERE id = $1", &[&daemon])?;
    Ok(())
}

/// Sets how many feeds of one host may be leased at once, fleet-wide
/// (`[fetch] per_host`; 2 until set). The rule that keeps it sound whichever
/// daemon sets it: a host takes a new lease only while its live leases,
/// on whatever slot, number fewer than `per_host`. Raising it frees slots at
/// once; lowering it takes no lease away: a lease on a slot past the new
/// limit is renewed and released as any other, and its slot is dropped once
/// it is free, so the host is back within the limit when the extra leases
/// end, and never further over it than it was.
pub fn set_per_host(client: &mut postgres::Client, per_host: u32) -> Result<(), PgError> {
    let per_host = i64::from(per_host.max(1));
    // Hosts whose slots were all taken may have room now: they look again.
    client.execute(
        "WITH changed AS (
            UPDATE lease_settings SET per_host = $1 WHERE per_host <> $1 RETURNING 1
        )
        UPDATE lease_hosts SET full_until = ''
        WHERE full_until <> '' AND EXISTS (SELECT 1 FROM changed)",
        &[&per_host],
    )?;
    Ok(())
}

/// Leases up to `limit` due feeds (`next_fetch_at` at or before `now`, or
/// never fetched) to `daemon` for `ttl`, oldest due first, in one statement
/// (`feedsieve_lease`, migration 0005). Fewer (or none) when fewer are due,
/// held by others, or their hosts have no free slot.
///
/// The statement walks hosts, not feeds: the queue of hosts that are ready
/// (a feed due, a slot free), oldest first, `limit` of them locked `FOR NO
/// KEY UPDATE SKIP LOCKED`, so leasers running at once take different hosts
/// instead of waiting. A host whose slots are all taken is out of the queue
/// until a slot frees, so its backlog costs nothing, however long. Then, in
/// a second statement that sees everything committed to those hosts before
/// their locks were taken, each host's free slots go to its earliest due
/// feeds (read off the index of its own feeds), and each leased feed's
/// narrow `feed_schedule` row, not its `feeds` row, is written. Every
/// statement that changes a host's slots or its feeds' leases locks the
/// host's row first, so what the second statement reads of a locked host
/// stays true until it commits.
pub fn lease_due(
    client: &mut impl GenericClient,
    daemon: &str,
    now: DateTime<Utc>,
    limit: usize,
    ttl: Duration,
) -> Result<Vec<Lease>, PgError> {
    lease_where(
        client,
        daemon,
        &crate::store::timestamp(now),
        None,
        limit,
        ttl,
    )
}

/// Leases those of `feeds` that are free, due or not (for `run --once`,
/// which fetches every feed once), as [`lease_due`] does otherwise.
pub fn lease_feeds(
    client: &mut impl GenericClient,
    daemon: &str,
    feeds: &[i64],
    ttl: Duration,
) -> Result<Vec<Lease>, PgError> {
    // Later than every due time a feed can hold.
    let any_time = "9999-12-31T23:59:59Z";
    let ids = feeds.to_vec();
    lease_where(client, daemon, any_time, Some(&ids), feeds.len(), ttl)
}

/// The lease statement for feeds due by `due` (and, when given, among `ids`).
fn lease_where(
    client: &mut impl GenericClient,
    daemon: &str,
    due: &str,
    ids: Option<&Vec<i64>>,
    limit: usize,
    ttl: Duration,
) -> Result<Vec<Lease>, PgError> {
    let sent = Instant::now();
    let rows = client.query(
        concat!(
            "SELECT feed_id, url, fetch_url, host, slot, token, ",
            utc_text!("expires_at"),
            " FROM feedsieve_lease($1, $2, $3, $4, $5)"
        ),
        &[&daemon, &due, &bigint(limit), &millis(ttl), &ids],
    )?;
    let valid_until = sent + ttl;
    // In token order: tokens are drawn in due order.
    rows.iter()
        .map(|row| {
            Ok(Lease {
                feed_id: row.try_get(0)?,
                url: row.try_get(1)?,
                fetch_url: row.try_get(2)?,
                host: row.try_get(3)?,
                slot: row.try_get(4)?,
                token: row.try_get(5)?,
                expires_at: row.try_get(6)?,
                valid_until,
            })
        })
        .collect()
}

/// How many enabled feeds are due by `now` and not leased: the fleet's
/// queue, for `/metrics`. Walks the index of unleased due feeds (a feed whose
/// holder died counts again once its lease is taken over or released).
pub fn due_count(client: &mut impl GenericClient, now: DateTime<Utc>) -> Result<i64, PgError> {
    let row = client.query_one(
        "SELECT count(*) FROM feed_schedule
         WHERE enabled AND lease_owner IS NULL AND due <= $1",
        &[&crate::store::timestamp(now)],
    )?;
    Ok(row.try_get(0)?)
}

/// Extends, by `ttl` from now, those of `leases` that `daemon` still holds
/// (same token: not expired and taken since), and beats its heartbeat
/// (recording the ttl, by which a silent daemon is judged dead). A feed's
/// lease is extended only with its host slot's. Returns the tokens renewed;
/// each of those leases' `valid_until` moves on. A lease missing from the
/// answer is lost: its holder must stop and drop its work.
pub fn renew(
    client: &mut impl GenericClient,
    daemon: &str,
    leases: &mut [Lease],
    ttl: Duration,
) -> Result<Vec<i64>, PgError> {
    let sent = Instant::now();
    let tokens: Vec<i64> = leases.iter().map(|l| l.token).collect();
    let hosts: Vec<&str> = leases.iter().map(|l| l.host.as_str()).collect();
    let slots: Vec<i64> = leases.iter().map(|l| l.slot).collect();
    let feeds: Vec<i64> = leases.iter().map(|l| l.feed_id).collect();
    let rows = client.query(
        concat!(
            "WITH ",
            reap_dead!("$1"),
            " SELECT token, ",
            utc_text!("expires_at"),
            " FROM feedsieve_renew($1, $2, $3, $4, $5, $6)"
        ),
        &[&daemon, &tokens, &hosts, &slots, &feeds, &millis(ttl)],
    )?;
    let mut renewed = Vec::with_capacity(rows.len());
    for row in &rows {
        let token: i64 = row.try_get(0)?;
        let expires_at: String = row.try_get(1)?;
        if let Some(lease) = leases.iter_mut().find(|l| l.token == token) {
            lease.valid_until = sent + ttl;
            lease.expires_at = expires_at;
        }
        renewed.push(token);
    }
    renewed.sort_unstable();
    Ok(renewed)
}

/// Those of `leases` that were released as they were (their feed still
/// carries their token, and no owner): ended by their holder's own write,
/// not lost to another daemon. Returns their tokens.
pub fn released(client: &mut impl GenericClient, leases: &[Lease]) -> Result<Vec<i64>, PgError> {
    let ids: Vec<i64> = leases.iter().map(|l| l.feed_id).collect();
    let tokens: Vec<i64> = leases.iter().map(|l| l.token).collect();
    let rows = client.query(
        "SELECT s.lease_token FROM feed_schedule s
         JOIN unnest($1::bigint[], $2::bigint[]) AS w (id, token)
           ON s.feed_id = w.id AND s.lease_token = w.token
         WHERE s.lease_owner IS NULL",
        &[&ids, &tokens],
    )?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// Ends `lease`: frees its host slot, and, when it is still the feed's
/// current lease, frees the feed and sets when it is due next
/// (`next_fetch_at`: RFC 3339 UTC; `None`: due at once, for a lease given
/// back unworked). A superseded lease changes nothing of the feed. Runs on a
/// transaction as well as a client, so a caller can make its write of the
/// fetch's results depend on the outcome. The feed's own `next_fetch_at` is
/// the write's to set: this sets when the lease statement may take it.
pub fn release(
    client: &mut impl GenericClient,
    lease: &Lease,
    next_fetch_at: Option<&str>,
) -> Result<Released, PgError> {
    let released = client.query_one(
        "SELECT feedsieve_release($1, $2, $3, $4, $5)",
        &[
            &lease.feed_id,
            &lease.token,
            &lease.host,
            &lease.slot,
            &next_fetch_at,
        ],
    )?;
    if released.try_get::<_, bool>(0)? {
        return Ok(Released::Released);
    }
    // Refused (the rare path): who holds the feed now, read afresh.
    let now = client.query_opt(
        "SELECT CASE WHEN lease_expires_at > now() THEN lease_owner END, lease_token
         FROM feed_schedule WHERE feed_id = $1",
        &[&lease.feed_id],
    )?;
    Ok(match now {
        Some(row) => Released::Superseded {
            owner: row.try_get(0)?,
            token: row.try_get(1)?,
        },
        None => Released::Gone,
    })
}

/// A lease as `feedsieve fleet` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HeldLease {
    pub owner: String,
    pub feed_id: i64,
    pub url: String,
    pub host: String,
    pub token: i64,
    /// RFC 3339 UTC.
    pub expires_at: String,
    /// Already past its expiry (the holder died or stalled); any daemon may
    /// take the feed now.
    pub expired: bool,
}

/// Every lease not released, by owner then expiry (`daemon`: only its own).
pub fn held_by(
    client: &mut impl GenericClient,
    daemon: Option<&str>,
) -> Result<Vec<HeldLease>, PgError> {
    let rows = client.query(
        concat!(
            "SELECT s.lease_owner, f.id, coalesce(f.fetch_url, f.url), f.host, s.lease_token, ",
            utc_text!("s.lease_expires_at"),
            ", s.lease_expires_at <= now()
            FROM feed_schedule s JOIN feeds f ON f.id = s.feed_id
            WHERE s.lease_owner IS NOT NULL AND ($1::text IS NULL OR s.lease_owner = $1)
            ORDER BY s.lease_owner, s.lease_expires_at, f.id"
        ),
        &[&daemon],
    )?;
    rows.iter()
        .map(|row| {
            Ok(HeldLease {
                owner: row.try_get(0)?,
                feed_id: row.try_get(1)?,
                url: row.try_get(2)?,
                host: row.try_get(3)?,
                token: row.try_get(4)?,
                expires_at: row.try_get(5)?,
                expired: row.try_get(6)?,
            })
        })
        .collect()
}

/// A daemon registered on the database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DaemonRow {
    pub id: String,
    pub host_name: String,
    pub pid: i64,
    /// RFC 3339 UTC.
    pub started_at: String,
    pub heartbeat_at: String,
    /// Seconds since its last heartbeat, by the database's clock.
    pub silent_secs: i64,
}

/// The daemons registered, oldest first.
pub fn daemons(client: &mut impl GenericClient) -> Result<Vec<DaemonRow>, PgError> {
    let rows = client.query(
        concat!(
            "SELECT id, host_name, pid, ",
            utc_text!("started_at"),
            ", ",
            utc_text!("heartbeat_at"),
            ", floor(extract(epoch FROM now() - heartbeat_at))::bigint
            FROM daemons ORDER BY started_at, id"
        ),
        &[],
    )?;
    rows.iter()
        .map(|row| {
            Ok(DaemonRow {
                id: row.try_get(0)?,
                host_name: row.try_get(1)?,
                pid: row.try_get(2)?,
                started_at: row.try_get(3)?,
                heartbeat_at: row.try_get(4)?,
                silent_secs: row.try_get(5)?,
            })
        })
        .collect()
}

/// What `feedsieve fleet` shows.
#[derive(Debug)]
pub enum Fleet {
    /// A SQLite file: one daemon at a time (the one holding its lock).
    OneDaemon { database: PathBuf },
    /// A PostgreSQL database: its daemons and the leases held.
    Shared {
        daemons: Vec<DaemonRow>,
        leases: Vec<HeldLease>,
        per_host: i64,
    },
}

/// Reads the fleet sharing `database`, changing nothing.
pub fn fleet(database: &Path) -> Result<Fleet, PgError> {
    let Some(url) = database.to_str().filter(|_| is_url(database)) else {
        return Ok(Fleet::OneDaemon {
            database: database.to_path_buf(),
        });
    };
    let pool = Pool::open(url)?;
    pool.run(|client| {
        let mut tx = client
            .build_transaction()
            .read_only(true)
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .start()?;
        let daemons = daemons(&mut tx)?;
        let leases = held_by(&mut tx, None)?;
        let per_host: i64 = tx
            .query_one("SELECT per_host FROM lease_settings", &[])?
            .try_get(0)?;
        tx.commit()?;
        Ok(Fleet::Shared {
            daemons,
            leases,
            per_host,
        })
    })
}
