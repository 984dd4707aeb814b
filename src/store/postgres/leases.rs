//! Feed leases on PostgreSQL (issue 19): how a fleet of daemons sharing one
//! database divides the due feeds so that no feed is ever fetched by two at
//! once and per-host politeness holds fleet-wide (migration 0003 has the
//! columns and tables). The daemon's scheduler calls these through `store/`;
//! `feedsieve fleet` reads [`fleet`]. It runs the lease statements and never
//! decides when a feed is due next: the caller passes that in. Its functions
//! are public so that tests/ and benches/ drive them against a real server.
//!
//! The rules every statement here keeps:
//! * A feed is leased only when it is enabled, due, and holds no live lease,
//!   and only together with a free slot of its host (`host_slots`: `per_host`
//!   a host, `lease_settings`): both rows are locked `FOR UPDATE SKIP LOCKED`,
//!   so daemons leasing at once skip each other's rows instead of waiting, and
//!   a row another daemon changed since this statement's snapshot is checked
//!   again, in its newest version, before it is taken.
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
//! * Due-ness compares the `now` the caller passes with `next_fetch_at`,
//!   which daemons wrote from their own clocks: skew there moves a fetch by
//!   the skew, which costs punctuality, never safety. A leased feed's
//!   `next_fetch_at` is its lease's expiry (the database's clock, rounded up
//!   to the second), so the index of due feeds does not hold the feeds in
//!   flight at its head; a daemon whose clock runs fast sees such a feed due
//!   early and is refused by the expiry test, one whose clock runs slow
//!   takes an abandoned feed over late, and other daemons take it first.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use postgres::GenericClient;

use super::{PgError, Pool, is_url};

/// A timestamp as `next_fetch_at` holds it (RFC 3339 UTC, whole seconds),
/// rounded up: never before the time itself.
macro_rules! due_text {
    ($time:literal) => {
        concat!(
            "to_char(date_trunc('second', (",
            $time,
            ") + interval '999999 microseconds') AT TIME ZONE 'UTC', \
             'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        )
    };
}

/// How many due feeds the lease statement locks for each one it may lease:
/// room for hosts that have fewer free slots than due feeds (each costs a
/// locked row, ~10 µs at 10^6 feeds on the bench's machine).
const SCAN_FACTOR: i64 = 2;

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

/// Registers a daemon sharing this database (its host name and process id,
/// for `feedsieve fleet`); returns its id, the owner its leases carry.
pub fn register(
    client: &mut impl GenericClient,
    host_name: &str,
    pid: u32,
) -> Result<String, PgError> {
    let row = client.query_one(
        "INSERT INTO daemons (host_name, pid) VALUES ($1, $2) RETURNING id",
        &[&host_name, &i64::from(pid)],
    )?;
    Ok(row.try_get(0)?)
}

/// Records that `daemon` is alive (the database's clock); false when it is
/// not registered (removed by [`deregister`]).
pub fn heartbeat(client: &mut impl GenericClient, daemon: &str) -> Result<bool, PgError> {
    let n = client.execute(
        "UPDATE daemons SET heartbeat_at = now() WHERE id = $1",
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
/// (`[fetch] per_host`; 2 until set). Raising it adds slots to every host;
/// lowering it removes the higher slots, and a lease holding one of those
/// keeps its feed until it ends but cannot be renewed.
pub fn set_per_host(client: &mut postgres::Client, per_host: u32) -> Result<(), PgError> {
    let per_host = i64::from(per_host.max(1));
    let mut tx = client.transaction()?;
    tx.execute("UPDATE lease_settings SET per_host = $1", &[&per_host])?;
    tx.execute(
        "INSERT INTO host_slots (host, slot)
         SELECT h.host, s.slot
         FROM (SELECT DISTINCT host FROM feeds) h
         CROSS JOIN generate_series(0, $1::bigint - 1) AS s (slot)
         ON CONFLICT DO NOTHING",
        &[&per_host],
    )?;
    tx.execute("DELETE FROM host_slots WHERE slot >= $1", &[&per_host])?;
    tx.commit()?;
    Ok(())
}

/// The lease statement: due, unleased feeds oldest first, each paired with a
/// free slot of its host, all taken at once for `$1` with a `$4` ms ttl.
///
/// `candidates` walks the index of due feeds oldest first and locks up to
/// [`SCAN_FACTOR`] × limit of them whose host has a free slot in this
/// snapshot (a host whose slots are all taken is skipped, or its backlog
/// would fill every batch), skipping rows another daemon has locked and
/// checking each again in its newest version, so leasers running at once
/// each go on past the others' rows. `free_slots` locks the free slots of
/// their hosts the same way, and the n-th candidate of a host takes its n-th
/// locked free slot; candidates left without a slot are unlocked at commit.
/// (Reading the candidates first without locks, to keep no more of a host
/// than its free slots, then locking them, left leasers running at once
/// with the same rows and short batches: 481 of 600 calls at 16 leasers.)
///
/// A leased feed's `next_fetch_at` moves to its lease's expiry: the index of
/// due feeds no longer holds it near its head while it is in flight (the
/// lease statement would read past every lease held, at every call), and a
/// feed whose holder died falls due again when its lease ends.
const LEASE_DUE: &str = concat!(
    "WITH candidates AS MATERIALIZED (
        SELECT f.id, f.host, coalesce(f.next_fetch_at, '') AS due
        FROM feeds f
        WHERE f.enabled
          AND coalesce(f.next_fetch_at, '') <= $2
          AND ($6::bigint[] IS NULL OR f.id = ANY ($6::bigint[]))
          AND (f.lease_expires_at IS NULL OR f.lease_expires_at <= now())
          AND EXISTS (SELECT 1 FROM host_slots s
                      WHERE s.host = f.host
                        AND (s.expires_at IS NULL OR s.expires_at <= now()))
        ORDER BY coalesce(f.next_fetch_at, ''), f.id
        LIMIT $3::bigint * $5::bigint
        FOR UPDATE OF f SKIP LOCKED
    ),
    free_slots AS MATERIALIZED (
        SELECT s.host, s.slot
        FROM host_slots s
        WHERE s.host IN (SELECT c.host FROM candidates c)
          AND (s.expires_at IS NULL OR s.expires_at <= now())
        FOR UPDATE SKIP LOCKED
    ),
    paired AS MATERIALIZED (
        SELECT c.id, c.host, s.slot
        FROM (SELECT id, host, due,
                     row_number() OVER (PARTITION BY host ORDER BY due, id) AS n
              FROM candidates) c
        JOIN (SELECT host, slot, row_number() OVER (PARTITION BY host ORDER BY slot) AS n
              FROM free_slots) s ON s.host = c.host AND s.n = c.n
        ORDER BY c.due, c.id
        LIMIT $3::bigint
    ),
    tokened AS MATERIALIZED (
        SELECT p.id, p.host, p.slot, nextval('lease_tokens') AS token FROM paired p
    ),
    slots_taken AS (
        UPDATE host_slots s
        SET feed_id = t.id, token = t.token,
            expires_at = now() + $4::bigint * interval '1 millisecond'
        FROM tokened t
        WHERE s.host = t.host AND s.slot = t.slot
    )
    UPDATE feeds f
    SET lease_owner = $1, lease_token = t.token,
        lease_expires_at = now() + $4::bigint * interval '1 millisecond',
        next_fetch_at = ",
    due_text!("now() + $4::bigint * interval '1 millisecond'"),
    "
    FROM tokened t
    WHERE f.id = t.id
    RETURNING f.id, f.url, f.fetch_url, f.host, t.slot, t.token, ",
    utc_text!("f.lease_expires_at")
);

/// Leases up to `limit` due feeds (`next_fetch_at` at or before `now`, or
/// never fetched) to `daemon` for `ttl`, oldest due first, in one statement.
/// Fewer (or none) when fewer are due, held by others, or their hosts have
/// no free slot.
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
        LEASE_DUE,
        &[
            &daemon,
            &due,
            &bigint(limit),
            &millis(ttl),
            &SCAN_FACTOR,
            &ids,
        ],
    )?;
    let valid_until = sent + ttl;
    let mut leases = rows
        .iter()
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
        .collect::<Result<Vec<_>, PgError>>()?;
    // Tokens are drawn in due order.
    leases.sort_by_key(|l| l.token);
    Ok(leases)
}

/// How many enabled feeds are due by `now` and not leased (a leased feed's
/// `next_fetch_at` is its lease's expiry): the fleet's queue, for
/// `/metrics`. Walks the index of due feeds.
pub fn due_count(client: &mut impl GenericClient, now: DateTime<Utc>) -> Result<i64, PgError> {
    let row = client.query_one(
        "SELECT count(*) FROM feeds WHERE enabled AND coalesce(next_fetch_at, '') <= $1",
        &[&crate::store::timestamp(now)],
    )?;
    Ok(row.try_get(0)?)
}

/// Extends, by `ttl` from now, those of `leases` that `daemon` still holds
/// (same token: not expired and taken since), and beats its heartbeat.
/// A feed's lease is extended only with its host slot's. Returns the tokens
/// renewed; each of those leases' `valid_until` moves on. A lease missing
/// from the answer is lost: its holder must stop and drop its work.
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
    let rows = client.query(
        concat!(
            "WITH wanted AS (
                SELECT * FROM unnest($2::bigint[], $3::text[], $4::bigint[]) AS w (token, host, slot)
            ),
            slots_renewed AS (
                UPDATE host_slots s
                SET expires_at = now() + $5::bigint * interval '1 millisecond'
                FROM wanted w
                WHERE s.host = w.host AND s.slot = w.slot AND s.token = w.token
                RETURNING s.token, s.feed_id
            ),
            beat AS (
                UPDATE daemons SET heartbeat_at = now() WHERE id = $1
            )
            UPDATE feeds f
            SET lease_expires_at = now() + $5::bigint * interval '1 millisecond',
                next_fetch_at = ",
            due_text!("now() + $5::bigint * interval '1 millisecond'"),
            "
            FROM slots_renewed s
            WHERE f.id = s.feed_id AND f.lease_token = s.token AND f.lease_owner = $1
            RETURNING f.lease_token, ",
            utc_text!("f.lease_expires_at")
        ),
        &[&daemon, &tokens, &hosts, &slots, &millis(ttl)],
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
        "SELECT f.lease_token FROM feeds f
         JOIN unnest($1::bigint[], $2::bigint[]) AS w (id, token)
           ON f.id = w.id AND f.lease_token = w.token
         WHERE f.lease_owner IS NULL",
        &[&ids, &tokens],
    )?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// Ends `lease`: frees its host slot, and, when it is still the feed's
/// current lease, frees the feed and sets when it is due next
/// (`next_fetch_at`: RFC 3339 UTC; `None`: due at once, for a lease given
/// back unworked). A superseded lease changes nothing of the feed. Runs on a
/// transaction as well as a client, so a caller can make its write of the
/// fetch's results depend on the outcome.
pub fn release(
    client: &mut impl GenericClient,
    lease: &Lease,
    next_fetch_at: Option<&str>,
) -> Result<Released, PgError> {
    // The slot goes back whatever the feed's outcome: a slot with this
    // token is held by this lease and nobody else.
    let released = client.query_one(
        concat!(
            "WITH slot_freed AS (
            UPDATE host_slots SET feed_id = NULL, token = NULL, expires_at = NULL
            WHERE host = $3 AND slot = $4 AND token = $2
        ),
        released AS (
            UPDATE feeds
            SET lease_owner = NULL, lease_expires_at = NULL,
                next_fetch_at = coalesce($5, ",
            due_text!("now()"),
            ")
            WHERE id = $1 AND lease_token = $2
            RETURNING id
        )
        SELECT EXISTS (SELECT 1 FROM released)"
        ),
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
         FROM feeds WHERE id = $1",
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
            "SELECT lease_owner, id, coalesce(fetch_url, url), host, lease_token, ",
            utc_text!("lease_expires_at"),
            ", lease_expires_at <= now()
            FROM feeds
            WHERE lease_owner IS NOT NULL AND ($1::text IS NULL OR lease_owner = $1)
            ORDER BY lease_owner, lease_expires_at, id"
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
