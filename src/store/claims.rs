//! Which feeds this daemon may fetch when other daemons share its database
//! (issue 19): on PostgreSQL a feed is fetched only under a lease
//! (`postgres/leases.rs`), taken here and ended inside the transaction that
//! writes the feed's fetch; on SQLite one daemon owns every feed (the lock
//! file) and nothing here is called. Above `store/` a [`Claim`] is opaque:
//! the daemon asks for due work, renews it, gives it back. It never decides
//! when a feed is due: the caller passes the times in.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::postgres::leases::{self, Lease, Released};
use super::{Conn, Db, Store, StoreError};

/// A feed this daemon may fetch until [`Claim::valid_until`]: on PostgreSQL a
/// lease, whose token fences the feed's write ([`end_claim`]).
#[derive(Debug, Clone)]
pub struct Claim(Lease);

impl Claim {
    pub fn feed_id(&self) -> i64 {
        self.0.feed_id
    }

    /// Until when this daemon may count on the claim (its monotonic clock;
    /// the database lets it go no earlier).
    pub fn valid_until(&self) -> Instant {
        self.0.valid_until
    }
}

/// What [`Store::renew_claims`] found of the claims it did not renew.
#[derive(Debug, Default)]
pub struct Renewal {
    /// Feeds whose claims their own write ended.
    pub ended: Vec<i64>,
    /// Feeds whose claims expired and another daemon took.
    pub lost: Vec<i64>,
}

/// This daemon's membership of the fleet sharing the database: its id is
/// the owner its leases carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member(String);

impl Member {
    pub fn id(&self) -> &str {
        &self.0
    }
}

impl Store {
    /// Joins the daemons sharing this database, when others may share it (a
    /// PostgreSQL database; `None` for a SQLite file, which one daemon owns),
    /// and sets the fleet-wide per-host limit (`[fetch] per_host`).
    pub fn join_fleet(&self, per_host: usize) -> Result<Option<Member>, StoreError> {
        let Some(pool) = self.pg() else {
            return Ok(None);
        };
        let host_name = hostname();
        let pid = std::process::id();
        let per_host = u32::try_from(per_host).unwrap_or(u32::MAX);
        Ok(Some(pool.run(|client| {
            leases::set_per_host(client, per_host)?;
            Ok(Member(leases::register(client, &host_name, pid)?))
        })?))
    }

    /// Up to `limit` feeds due by `now` that no other daemon holds, claimed
    /// for `ttl`.
    pub fn claim_due(
        &self,
        member: &Member,
        now: DateTime<Utc>,
        limit: usize,
        ttl: Duration,
    ) -> Result<Vec<Claim>, StoreError> {
        let Some(pool) = self.pg().filter(|_| limit > 0) else {
            return Ok(Vec::new());
        };
        let leases = pool.run(|client| leases::lease_due(client, &member.0, now, limit, ttl))?;
        Ok(leases.into_iter().map(Claim).collect())
    }

    /// Those of `feeds` that no other daemon holds, due or not, claimed for
    /// `ttl` (`run --once` fetches each feed once).
    pub fn claim_feeds(
        &self,
        member: &Member,
        feeds: &[i64],
        ttl: Duration,
    ) -> Result<Vec<Claim>, StoreError> {
        let Some(pool) = self.pg().filter(|_| !feeds.is_empty()) else {
            return Ok(Vec::new());
        };
        let leases = pool.run(|client| leases::lease_feeds(client, &member.0, feeds, ttl))?;
        Ok(leases.into_iter().map(Claim).collect())
    }

    /// How many feeds are due by `now` and held by no daemon: the fleet's
    /// queue (`None` on a database one daemon owns).
    pub fn due_unclaimed(&self, now: DateTime<Utc>) -> Result<Option<u64>, StoreError> {
        let Some(pool) = self.pg() else {
            return Ok(None);
        };
        let due = pool.run(|client| leases::due_count(client, now))?;
        Ok(Some(u64::try_from(due).unwrap_or(0)))
    }

    /// Extends `claims` by `ttl` and beats this daemon's heartbeat. Returns
    /// the feeds whose claims ended with their write (the feed's page step
    /// may still run: nothing to renew) and those whose claims were lost
    /// (expired and taken by another daemon: their writes will be refused).
    pub fn renew_claims(
        &self,
        member: &Member,
        claims: &mut [Claim],
        ttl: Duration,
    ) -> Result<Renewal, StoreError> {
        let Some(pool) = self.pg() else {
            return Ok(Renewal::default());
        };
        let mut held: Vec<Lease> = claims.iter().map(|c| c.0.clone()).collect();
        let (renewed, ended) = pool.run(|client| {
            if held.is_empty() {
                leases::heartbeat(client, &member.0)?;
                return Ok((Vec::new(), Vec::new()));
            }
            let renewed = leases::renew(client, &member.0, &mut held, ttl)?;
            let missing: Vec<Lease> = held
                .iter()
                .filter(|l| renewed.binary_search(&l.token).is_err())
                .cloned()
                .collect();
            let ended = match missing.is_empty() {
                true => Vec::new(),
                false => leases::released(client, &missing)?,
            };
            Ok((renewed, ended))
        })?;
        let mut renewal = Renewal::default();
        for (claim, lease) in claims.iter_mut().zip(held) {
            if renewed.binary_search(&lease.token).is_ok() {
                claim.0 = lease;
            } else if ended.contains(&lease.token) {
                renewal.ended.push(claim.0.feed_id);
            } else {
                renewal.lost.push(claim.0.feed_id);
            }
        }
        Ok(renewal)
    }

    /// Gives `claims` back unworked: due at `due` (RFC 3339 UTC), or at once
    /// (for another daemon) when `None`.
    pub fn give_back(&self, claims: &[Claim], due: Option<&str>) -> Result<(), StoreError> {
        let Some(pool) = self.pg().filter(|_| !claims.is_empty()) else {
            return Ok(());
        };
        pool.run(|client| {
            for claim in claims {
                leases::release(client, &claim.0, due)?;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// Leaves the fleet, at a clean shutdown (after giving its claims back).
    pub fn leave_fleet(&self, member: &Member) -> Result<(), StoreError> {
        let Some(pool) = self.pg() else {
            return Ok(());
        };
        pool.run(|client| leases::deregister(client, &member.0))?;
        Ok(())
    }
}

/// Ends `claim` inside the transaction that writes its feed's fetch: the feed
/// falls due at `next_fetch_at` (RFC 3339 UTC). When the claim was lost (it
/// expired and another daemon took the feed), nothing is changed and
/// [`StoreError::ClaimLost`] rolls the whole write back, so a daemon that
/// overran its lease never commits over the new holder.
pub fn end_claim(db: Db<'_>, claim: &Claim, next_fetch_at: &str) -> Result<(), StoreError> {
    let Conn::Postgres(lent) = db.0 else {
        return Ok(());
    };
    let released =
        lent.with_client(|client| leases::release(client, &claim.0, Some(next_fetch_at)))?;
    match released {
        Released::Released => Ok(()),
        Released::Superseded { owner, .. } => Err(StoreError::ClaimLost {
            feed_id: claim.0.feed_id,
            owner,
        }),
        Released::Gone => Err(StoreError::ClaimLost {
            feed_id: claim.0.feed_id,
            owner: None,
        }),
    }
}

/// Whether processes other than this one may write the database between
/// this one's writes (a PostgreSQL database shared by a fleet), so that
/// what this process keeps in memory of it must be brought up to date
/// under the write lock.
pub fn others_may_write(db: Db<'_>) -> bool {
    matches!(db.0, Conn::Postgres(_))
}

/// This daemon as `feed_lists.applied_by` names it: host name and pid.
pub(super) fn daemon_name() -> String {
    format!("{} pid {}", hostname(), std::process::id())
}

/// This machine's name, for `feedsieve fleet`.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".to_string())
}
