//! The daemon's part in a fleet of daemons sharing one database (issue 19):
//! which feeds this one fetches now. It asks the store for due feeds as it
//! has room, keeps the claims it holds renewed while their fetches run, and
//! gives back what it holds when it stops; each claim ends inside the
//! transaction that writes its feed's fetch (`pipeline::write_fetch`). On a
//! database only this daemon uses (SQLite) it is never made: the scheduler
//! decides alone. It never decides when a feed is due, and runs no SQL.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::task::AbortHandle;

use crate::config::Config;
use crate::pipeline::FeedJob;
use crate::store::{Claim, FeedState, Member, Store, StoreError};

/// Makes the job of a feed from its row (`None`: this daemon cannot fetch
/// it), as the daemon's config says.
pub type JobOf<'a> = dyn Fn(&FeedState) -> Option<FeedJob> + 'a;

/// How often due feeds are looked for at most (one statement each time).
const POLL_AT_MOST: Duration = Duration::from_secs(1);
/// Feeds asked for in one lease statement at most. Its cost grows with the
/// batch (BENCHMARKS "Leases, second pass": 50 a call 6.9 ms at p50, 20 a
/// call 2.9 ms, on 10^6 feeds), so a daemon with more room asks again.
const CLAIM_BATCH: usize = 20;
/// How often the fleet's queue of due feeds is counted for `/metrics` (a
/// walk of the due index: not at every poll).
const COUNT_DUE_EVERY: Duration = Duration::from_secs(5);

/// This daemon's membership of the fleet and the claims it holds.
pub struct Leasing {
    store: Store,
    member: Member,
    ttl: Duration,
    held: HashMap<i64, Claim>,
    /// The feed each running task fetches and the handle that stops it: a
    /// task whose claim is lost or runs out is stopped, and one that
    /// crashed gives its claim up (else it would be renewed for ever).
    tasks: HashMap<tokio::task::Id, (i64, AbortHandle)>,
    renewed_at: Instant,
    /// The jobs made so far, each with the stored settings it was made from.
    jobs: HashMap<i64, (Option<String>, FeedJob)>,
    /// The fleet's due feeds held by nobody, when last counted.
    due: Option<(Instant, u64)>,
}

impl Leasing {
    /// Joins the fleet when the database is shared (`None` otherwise).
    pub fn join(store: &Store, config: &Config) -> Result<Option<Leasing>, StoreError> {
        Ok(store.join_fleet(config.fetch.per_host)?.map(|member| {
            tracing::info!(
                daemon = member.id(),
                "joined the fleet sharing the database"
            );
            Leasing {
                store: store.clone(),
                member,
                ttl: config.fetch.lease,
                held: HashMap::new(),
                tasks: HashMap::new(),
                renewed_at: Instant::now(),
                jobs: HashMap::new(),
                due: None,
            }
        }))
    }

    /// How long to wait before looking for due feeds again, and between
    /// the checks of [`Leasing::renew_if_due`].
    pub fn poll_every(&self) -> Duration {
        (self.ttl / 4).min(POLL_AT_MOST)
    }

    /// Claims up to `room` due feeds, [`CLAIM_BATCH`] a statement; returns their jobs (each carrying its
    /// claim), made by `job_of` from each feed's row as it is now (the
    /// feed list another daemon applied may have added the feed or changed
    /// its settings since this daemon last looked). A feed this daemon
    /// cannot fetch (`job_of` gives `None`: it lacks the feed's
    /// credentials) is given back, due again `unknown_due_in` from now.
    pub fn take_due(
        &mut self,
        job_of: &JobOf<'_>,
        room: usize,
        unknown_due_in: Duration,
    ) -> Result<Vec<FeedJob>, StoreError> {
        let mut claims = Vec::new();
        while claims.len() < room {
            let ask = (room - claims.len()).min(CLAIM_BATCH);
            match self
                .store
                .claim_due(&self.member, Utc::now(), ask, self.ttl)
            {
                Ok(batch) => {
                    let short = batch.len() < ask;
                    claims.extend(batch);
                    if short {
                        break;
                    }
                }
                Err(e) if claims.is_empty() => return Err(e),
                // The claims already taken are this daemon's: fetch them
                // rather than leave them to run out unused.
                Err(e) => {
                    tracing::warn!(error = %e, "cannot claim more due feeds now");
                    break;
                }
            }
        }
        self.jobs_of(job_of, claims, unknown_due_in)
    }

    /// Claims those of `pending` that no other daemon holds, due or not
    /// (`run --once`), and takes them out of `pending`.
    pub fn take_these(
        &mut self,
        job_of: &JobOf<'_>,
        pending: &mut BTreeSet<i64>,
    ) -> Result<Vec<FeedJob>, StoreError> {
        let wanted: Vec<i64> = pending.iter().copied().collect();
        let claims = self.store.claim_feeds(&self.member, &wanted, self.ttl)?;
        for claim in &claims {
            pending.remove(&claim.feed_id());
        }
        self.jobs_of(job_of, claims, Duration::ZERO)
    }

    /// Forgets the jobs made so far: the daemon's own file changed, and
    /// with it what `job_of` makes of a feed.
    pub fn forget_jobs(&mut self) {
        self.jobs.clear();
    }

    fn jobs_of(
        &mut self,
        job_of: &JobOf<'_>,
        claims: Vec<Claim>,
        unknown_due_in: Duration,
    ) -> Result<Vec<FeedJob>, StoreError> {
        if claims.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = claims.iter().map(Claim::feed_id).collect();
        let states: HashMap<i64, FeedState> = self
            .store
            .read_db(|db| crate::store::feed_states(db, &ids))?
            .into_iter()
            .map(|state| (state.id, state))
            .collect();
        let mut ready = Vec::with_capacity(claims.len());
        let mut unknown = Vec::new();
        for claim in claims {
            let job = states
                .get(&claim.feed_id())
                .and_then(|state| self.job_for(state, job_of));
            match job {
                Some(mut job) => {
                    job.claim = Some(claim.clone());
                    self.held.insert(claim.feed_id(), claim);
                    ready.push(job);
                }
                None => unknown.push(claim),
            }
        }
        if !unknown.is_empty() {
            let due = Utc::now() + chrono::Duration::from_std(unknown_due_in).unwrap_or_default();
            tracing::debug!(
                feeds = unknown.len(),
                "claimed feeds this daemon cannot fetch (their credentials are not in its \
                 file); given back"
            );
            self.store
                .give_back(&unknown, Some(&crate::store::timestamp(due)))?;
        }
        Ok(ready)
    }

    /// The job of `state`'s feed: the one made before while its stored
    /// settings are unchanged (compiling its rules again at every fetch is
    /// waste), else a new one.
    fn job_for(&mut self, state: &FeedState, job_of: &JobOf<'_>) -> Option<FeedJob> {
        if let Some((settings, job)) = self.jobs.get(&state.id)
            && *settings == state.settings
        {
            return Some(job.clone());
        }
        let job = job_of(state)?;
        self.jobs
            .insert(state.id, (state.settings.clone(), job.clone()));
        Some(job)
    }

    /// Renews the claims held, every quarter of their lifetime (so at most
    /// half of it has gone when the renewal is sent), then stops
    /// the fetches whose claims were lost or are about to run out unrenewed
    /// (the database could not be reached): a fetch never goes on past its
    /// lease, when another daemon may take the feed. Call it at least every
    /// [`Leasing::poll_every`].
    pub fn renew_if_due(&mut self) {
        if self.renewed_at.elapsed() >= self.ttl / 4 {
            self.renew();
        }
        // Stopped before the next check could come too late, with a margin:
        // a task stops at its next await.
        let stop_at = Instant::now() + self.poll_every() + self.ttl / 10;
        let ending: Vec<i64> = self
            .held
            .values()
            .filter(|c| c.valid_until() <= stop_at)
            .map(Claim::feed_id)
            .collect();
        for feed_id in ending {
            tracing::warn!(
                feed_id,
                "lease running out unrenewed: the fetch is stopped, any daemon may retry it"
            );
            self.stop(feed_id);
        }
    }

    /// Stops the task fetching `feed_id` and forgets its claim.
    fn stop(&mut self, feed_id: i64) {
        self.held.remove(&feed_id);
        for (feed, task) in self.tasks.values() {
            if *feed == feed_id {
                task.abort();
            }
        }
    }

    fn renew(&mut self) {
        let mut claims: Vec<Claim> = self.held.values().cloned().collect();
        match self.store.renew_claims(&self.member, &mut claims, self.ttl) {
            Ok(renewal) => {
                self.renewed_at = Instant::now();
                for claim in claims {
                    let feed_id = claim.feed_id();
                    if renewal.lost.contains(&feed_id) {
                        tracing::warn!(feed_id, "lease lost while fetching: the fetch is stopped");
                        self.stop(feed_id);
                    } else if renewal.ended.contains(&feed_id) {
                        // Written; its page step, if any, goes on unleased.
                        self.held.remove(&feed_id);
                    } else {
                        self.held.insert(feed_id, claim);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot renew leases; retrying"),
        }
    }

    /// Task `task` fetches `feed_id`.
    pub fn started(&mut self, task: AbortHandle, feed_id: i64) {
        self.tasks.insert(task.id(), (feed_id, task));
    }

    /// Task `task` ended (its claim ended with its write, or will expire if
    /// the write failed or the task crashed): it is renewed no more.
    pub fn done(&mut self, task: tokio::task::Id) {
        if let Some((feed_id, _)) = self.tasks.remove(&task) {
            self.held.remove(&feed_id);
        }
    }

    /// How many claims this daemon holds.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// How many feeds are due and held by no daemon, counted at most every
    /// few seconds (`None` until first counted, or when counting failed).
    pub fn due_unclaimed(&mut self) -> Option<u64> {
        let fresh = self
            .due
            .filter(|(at, _)| at.elapsed() < COUNT_DUE_EVERY)
            .map(|(_, n)| n);
        if fresh.is_some() {
            return fresh;
        }
        match self.store.due_unclaimed(Utc::now()) {
            Ok(Some(n)) => {
                self.due = Some((Instant::now(), n));
                Some(n)
            }
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "cannot count the due feeds");
                None
            }
        }
    }

    /// Gives back what is still held (due at once, for another daemon) and
    /// leaves the fleet: at a clean shutdown.
    pub fn leave(self) {
        let claims: Vec<Claim> = self.held.into_values().collect();
        if let Err(e) = self.store.give_back(&claims, None) {
            tracing::warn!(error = %e, "cannot give leases back; they will expire");
        }
        if let Err(e) = self.store.leave_fleet(&self.member) {
            tracing::warn!(error = %e, "cannot leave the fleet's daemon list");
        }
    }
}

/// Whether a feed's write failed because its claim was lost to another
/// daemon (not a database failure: nothing to retry).
pub fn claim_lost(e: &crate::pipeline::PipelineError) -> bool {
    matches!(
        e,
        crate::pipeline::PipelineError::Store(StoreError::ClaimLost { .. })
    )
}
