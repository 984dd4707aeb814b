//! The daemon: drives the pipeline from the schedule, reloads the feed list
//! when its file changes or on SIGHUP, and shuts down cleanly on SIGTERM/SIGINT.
//!
//! Shutdown stops scheduling at once, gives in-flight feeds a few seconds to
//! finish, then drops the rest; each feed's write is one transaction, so a
//! dropped feed leaves nothing half-written. An invalid config edit is logged
//! and the last good config keeps running. It never exits on a feed's error.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::clean::Cleaner;
use crate::config::{self, Config};
use crate::leasing::Leasing;
use crate::metrics::Metrics;
use crate::pipeline::{FeedJob, FeedReport, Pipeline, PipelineError, StageTimes};
use crate::scheduler::{self, Schedule};
use crate::store::{DaemonLock, FeedState, LockError};

/// How long in-flight fetches may run on after SIGTERM.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error("cannot install signal handler: {0}")]
    Signal(std::io::Error),
    #[error(transparent)]
    Lock(#[from] crate::store::LockError),
    #[error(
        "run --once: {} not fetched: other daemons held {} for longer than {} s \
         ([fetch] lease plus [fetch] timeout) once nothing else was left ({fetched} fetched): {}",
        count_feeds(feeds.len()), if feeds.len() == 1 { "it" } else { "them" },
        waited.as_secs(), feeds.join(", ")
    )]
    HeldElsewhere {
        fetched: usize,
        waited: Duration,
        feeds: Vec<String>,
    },
    #[error("[serve] listen: cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

fn count_feeds(n: usize) -> String {
    match n {
        1 => "1 feed".to_string(),
        n => format!("{n} feeds"),
    }
}

/// Totals of a `run --once`.
#[derive(Debug, Default, Clone, Copy)]
pub struct OnceSummary {
    pub feeds: usize,
    pub failed: usize,
    pub inserted: usize,
    pub updated: usize,
    /// New entries dropped by `[filter]` rules.
    pub filtered: usize,
    /// Entries whose page's article replaced their teaser, and page
    /// attempts that left the teaser.
    pub pages: usize,
    pub pages_failed: usize,
    /// Per-stage times summed over all feeds (they overlap: more than the wall time).
    pub stages: StageTimes,
    /// Stories indexed for full-text search after the last feed, and how
    /// long that took (one writer, after the feeds: part of the wall time).
    pub indexed: usize,
    pub index_time: Duration,
}

/// Fetches every enabled feed once and returns. Feed failures are recorded
/// per feed and counted; only an unusable config or database is an error,
/// and, on a shared database, feeds that other daemons held past
/// [`once_wait_bound`] ([`DaemonError::HeldElsewhere`], after every other
/// feed was written).
pub async fn run_once(config: &Config) -> Result<OnceSummary, DaemonError> {
    let (pipeline, _lock) = open_locked(config).await?;
    let jobs = jobs_of(&sync(&pipeline, config).await?, config);
    let own = own_feeds(config);
    let mut leasing = Leasing::join(&pipeline.store, config).map_err(PipelineError::from)?;
    let mut tasks = JoinSet::new();
    let progress = crate::progress::Progress::new("fetching feeds", jobs.len() as u64);
    // On a shared database each feed is fetched under a claim, as soon as
    // no other daemon holds it; elsewhere every feed at once.
    let mut pending: std::collections::BTreeSet<i64> = jobs.keys().copied().collect();
    let mut summary = OnceSummary::default();
    let wait_bound = once_wait_bound(config);
    let mut waiting_since = None;
    let mut held_elsewhere: Vec<String> = Vec::new();
    loop {
        let ready: Vec<FeedJob> = match leasing.as_mut() {
            Some(leasing) => {
                leasing.renew_if_due();
                leasing
                    .take_these(
                        &|state: &FeedState| job_of(state, config, &own),
                        &mut pending,
                    )
                    .map_err(PipelineError::from)?
            }
            None => std::mem::take(&mut pending)
                .into_iter()
                .filter_map(|id| jobs.get(&id).cloned())
                .collect(),
        };
        let claimed_any = !ready.is_empty();
        for job in ready {
            let (pipeline, id) = (pipeline.clone(), job.id);
            let task = tasks.spawn(async move { pipeline.run_feed(&job).await });
            if let Some(leasing) = leasing.as_mut() {
                leasing.started(task, id);
            }
        }
        if tasks.is_empty() && pending.is_empty() {
            break;
        }
        // Nothing of its own in flight, and the rest held by other daemons:
        // one working as configured ends its fetch (or loses its lease) by
        // the bound; past it, waiting on is waiting on nobody knows what.
        if claimed_any || !tasks.is_empty() {
            waiting_since = None;
        } else if waiting_since
            .get_or_insert_with(std::time::Instant::now)
            .elapsed()
            >= wait_bound
        {
            held_elsewhere = std::mem::take(&mut pending)
                .iter()
                .filter_map(|id| jobs.get(id).map(|job| job.feed.url.to_string()))
                .collect();
            break;
        }
        let poll = leasing
            .as_ref()
            .map_or(Duration::from_secs(3600), Leasing::poll_every);
        let joined = tokio::select! {
            joined = tasks.join_next_with_id(), if !tasks.is_empty() => joined,
            _ = tokio::time::sleep(poll) => continue,
        };
        let Some(joined) = joined else { continue };
        summary.feeds += 1;
        progress.add(1);
        let task = match &joined {
            Ok((task, _)) => *task,
            Err(e) => e.id(),
        };
        if let Some(leasing) = leasing.as_mut() {
            leasing.done(task);
        }
        match joined {
            Ok((_, Ok(report))) => {
                log_report(&report);
                summary.failed += usize::from(report.error.is_some());
                summary.inserted += report.inserted;
                summary.updated += report.updated;
                summary.filtered += report.filtered;
                summary.pages += report.pages;
                summary.pages_failed += report.pages_failed;
                summary.stages += report.stages;
            }
            Ok((_, Err(e))) if crate::leasing::claim_lost(&e) => {
                summary.failed += 1;
                tracing::warn!(error = %e, "fetch not stored");
            }
            Ok((_, Err(e))) => return Err(e.into()),
            Err(e) => {
                summary.failed += 1;
                // A task stopped because its lease ran out was logged then.
                if !e.is_cancelled() {
                    tracing::error!(error = %e, "feed task crashed");
                }
            }
        }
    }
    if let Some(leasing) = leasing {
        leasing.leave();
    }
    progress.finish();
    let s = summary.stages;
    tracing::debug!(
        fetch_ms = s.fetch.as_millis() as u64,
        parse_ms = s.parse.as_millis() as u64,
        clean_ms = s.clean.as_millis() as u64,
        dedup_ms = s.dedup.as_millis() as u64,
        store_ms = s.store.as_millis() as u64,
        store_wait_ms = s.store_wait.as_millis() as u64,
        "stage times summed over feeds"
    );
    // Every feed is written: the window is not needed for indexing.
    pipeline.deduper.release();
    (summary.indexed, summary.index_time) =
        maintain_once(&pipeline, config.storage.keep, INDEX_BATCH_ONCE).await;
    pipeline.store.close().await;
    if !held_elsewhere.is_empty() {
        return Err(DaemonError::HeldElsewhere {
            fetched: summary.feeds,
            waited: wait_bound,
            feeds: held_elsewhere,
        });
    }
    Ok(summary)
}

/// How long `run --once`, with nothing of its own left in flight, waits
/// for the feeds other daemons hold: a lease plus a fetch's deadline, by
/// which a holder with the same settings has written its fetch (renewing
/// its lease meanwhile) or, dead, lost its lease.
pub fn once_wait_bound(config: &Config) -> Duration {
    config.fetch.lease + config.fetch.timeout
}

/// Brings the search index up to date, applies retention and forgets the
/// shingles of entries past the de-duplication window; returns how many
/// stories were indexed and how long that took. Failures are logged, not
/// fatal: the next round retries.
async fn maintain_once(
    pipeline: &Pipeline,
    keep: Option<Duration>,
    batch: i64,
) -> (usize, Duration) {
    let started = std::time::Instant::now();
    match crate::maintain::forget_shingles(&pipeline.store, pipeline.deduper.window()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(entries = n, "forgot shingles past the dedup window"),
        Err(e) => tracing::warn!(error = %e, "forgetting old shingles failed"),
    }
    let mut indexed_while_pruning = 0;
    if let Some(keep) = keep {
        match crate::maintain::prune(&pipeline.store, keep).await {
            Ok(r) => {
                indexed_while_pruning = r.indexed;
                if r.entries > 0 {
                    tracing::info!(
                        entries = r.entries,
                        stories = r.stories,
                        "pruned old entries"
                    );
                }
            }
            Err(e) => tracing::warn!(error = %e, "pruning failed"),
        }
    }
    let indexed = pipeline
        .store
        .catch_up_search(batch)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "search indexing failed");
            0
        });
    (indexed + indexed_while_pruning, started.elapsed())
}

/// Stories indexed per transaction at the end of `run --once`. FTS5 holds
/// a transaction's tokens in memory until it commits, so the batch bounds
/// the peak RSS of the whole run: at 200 feeds x 20 entries (2,950
/// stories, alternating runs, issue 20) one batch of `search::BATCH_ALONE`
/// peaked at 82-84 MB, batches of 1,000 at 68-72 MB, for 0.4-0.5 s of
/// indexing instead of 0.3-0.4 s. Larger batches are faster on big
/// catch-ups (fewer segments to merge; see BATCH_ALONE), smaller ones
/// were no leaner (500: 68 MB, the ingestion plateau).
const INDEX_BATCH_ONCE: i64 = 1000;

/// How often queued stories are indexed for search.
const INDEX_EVERY: Duration = Duration::from_secs(2);
/// How often retention and the shingles' horizon run.
const PRUNE_EVERY: Duration = Duration::from_secs(24 * 3600);

/// The background maintenance task: search indexing every few seconds,
/// retention and the shingles' horizon daily. `keep` follows config reloads; `stop` ends it.
async fn maintenance(
    pipeline: Arc<Pipeline>,
    mut keep: tokio::sync::watch::Receiver<Option<Duration>>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut index_tick = tokio::time::interval(INDEX_EVERY);
    let mut prune_tick = tokio::time::interval(PRUNE_EVERY);
    index_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = index_tick.tick() => {
                if let Err(e) = pipeline
                    .store
                    .catch_up_search(crate::search::BATCH_BETWEEN_FEEDS)
                    .await
                {
                    tracing::warn!(error = %e, "search indexing failed");
                }
            }
            _ = prune_tick.tick() => {
                // Daily with or without retention: the shingles of the
                // day's entries past the window go either way.
                let keep = *keep.borrow_and_update();
                maintain_once(&pipeline, keep, crate::search::BATCH_BETWEEN_FEEDS).await;
            }
        }
    }
}

/// Brings the database's feed list in step with the config, by the rule of
/// a fleet sharing the database (`Store::apply_feed_list`: a version of the
/// file never applied before wins); returns a job per enabled feed that the
/// config lists.
async fn sync(pipeline: &Pipeline, config: &Config) -> Result<Vec<FeedState>, PipelineError> {
    let Some(version) = &config.version else {
        return Ok(pipeline.store.sync_feeds(&config.feeds).await?);
    };
    let settings: Vec<String> = config.feeds.iter().map(|f| config.settings_of(f)).collect();
    let (applied, states) = pipeline
        .store
        .apply_feed_list(&config.feeds, &settings, version)
        .await?;
    if !applied {
        tracing::info!(
            feeds = states.len(),
            "the database holds a feed list applied from a newer version of a feed list \
             (this file's was applied before, or another daemon's was edited since): \
             following it, each feed with the settings stored with it"
        );
    }
    Ok(states)
}

/// A job per enabled feed of `states` that this daemon can fetch
/// ([`job_of`]).
fn jobs_of(states: &[FeedState], config: &Config) -> HashMap<i64, FeedJob> {
    let own = own_feeds(config);
    states
        .iter()
        .filter_map(|s| job_of(s, config, &own).map(|job| (s.id, job)))
        .collect()
}

/// Where each feed of `config`'s own list is in `config.feeds`, by URL: a
/// fleet's list may hold a million feeds, each looked up by [`job_of`].
fn own_feeds(config: &Config) -> HashMap<String, usize> {
    config
        .feeds
        .iter()
        .enumerate()
        .map(|(i, feed)| (feed.url.to_string(), i))
        .collect()
}

/// The job of a feed: with the settings the applied list stored with it (a
/// shared database), whether or not `config` lists it; else with `config`'s
/// settings for it. `None` when this daemon cannot fetch it: `config` does
/// not list a feed stored without settings, or lacks the credentials the
/// feed needs (never stored); a daemon that has them fetches it.
fn job_of(
    state: &FeedState,
    config: &Config,
    own_feeds: &HashMap<String, usize>,
) -> Option<FeedJob> {
    let own = own_feeds.get(&state.url).and_then(|&i| config.feeds.get(i));
    let Some(settings) = state.settings.as_deref() else {
        return own.map(|feed| FeedJob::new(state.id, feed, config));
    };
    match config::listed_feed(&state.url, settings, own) {
        Ok(listed) => Some(FeedJob::listed(state.id, &listed, config)),
        Err(e @ config::ListedError::NoCredentials(_)) => {
            tracing::debug!(feed_id = state.id, reason = %e, "feed left to other daemons");
            None
        }
        Err(e) => {
            tracing::warn!(
                feed_id = state.id, error = %e,
                "feed's stored settings unusable; this file's own settings apply, if it lists it"
            );
            own.map(|feed| FeedJob::new(state.id, feed, config))
        }
    }
}

/// The log target of the one line per successful fetch that `-v` shows.
pub const FETCH_LOG: &str = "feedsieve::fetches";

fn log_report(report: &FeedReport) {
    let ms = report.duration.as_millis() as u64;
    match &report.error {
        Some(error) => tracing::warn!(
            feed = %report.url, status = report.status, duration_ms = ms, %error, "fetch failed"
        ),
        // Its own target: `-v` shows these lines (INFO), the default hides them.
        None => tracing::info!(
            target: FETCH_LOG,
            feed = %report.url, status = report.status, duration_ms = ms,
            new = report.inserted, updated = report.updated, filtered = report.filtered,
            not_modified = report.not_modified,
            fetch_ms = report.stages.fetch.as_millis() as u64,
            parse_ms = report.stages.parse.as_millis() as u64,
            clean_ms = report.stages.clean.as_millis() as u64,
            dedup_ms = report.stages.dedup.as_millis() as u64,
            store_ms = report.stages.store.as_millis() as u64,
            pages = report.pages, pages_failed = report.pages_failed,
            pages_ms = report.stages.pages.as_millis() as u64,
            "fetched"
        ),
    }
}

/// Opens the pipeline holding the database's daemon lock (see
/// [`crate::store::DaemonLock`]), taken before the database is opened, so a
/// second daemon stops before it migrates or fetches anything; when the
/// database's folder does not exist yet, right after opening creates it.
/// A PostgreSQL database takes no lock file: several daemons may share one
/// (issue 19); which daemon fetches which feed is decided by leases
/// ([`Leasing`]).
async fn open_locked(config: &Config) -> Result<(Arc<Pipeline>, Option<DaemonLock>), DaemonError> {
    let database = &config.storage.database;
    if crate::store::postgres::is_url(database) {
        return Ok((Arc::new(Pipeline::new(config).await?), None));
    }
    let early = match DaemonLock::acquire(database) {
        Ok(lock) => Some(lock),
        Err(LockError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    let pipeline = Arc::new(Pipeline::new(config).await?);
    let lock = match early {
        Some(lock) => lock,
        None => DaemonLock::acquire(database)?,
    };
    Ok((pipeline, Some(lock)))
}

/// Runs until SIGTERM or SIGINT.
pub async fn run(config_path: PathBuf, database: Option<PathBuf>) -> Result<(), DaemonError> {
    use tokio::signal::unix::{SignalKind, signal};
    // Handlers first: SIGHUP's default action is to terminate, so a reload
    // sent while the database opens would otherwise kill the daemon.
    let mut sigterm = signal(SignalKind::terminate()).map_err(DaemonError::Signal)?;
    let mut sigint = signal(SignalKind::interrupt()).map_err(DaemonError::Signal)?;
    let mut sighup = signal(SignalKind::hangup()).map_err(DaemonError::Signal)?;
    let mut config = config::load_with(&config_path, database.as_deref())?;
    let (pipeline, _lock) = open_locked(&config).await?;
    let states = sync(&pipeline, &config).await?;
    let mut jobs = jobs_of(&states, &config);
    let mut own = own_feeds(&config);
    // On a database other daemons share, the due times live there and feeds
    // are claimed as they fall due; the schedule stays empty.
    let mut leasing = Leasing::join(&pipeline.store, &config).map_err(PipelineError::from)?;
    let mut schedule = Schedule::default();
    let now = Utc::now();
    for state in states.iter().filter(|_| leasing.is_none()) {
        let Some(job) = jobs.get(&state.id) else {
            continue;
        };
        let stored = state
            .next_fetch_at
            .as_deref()
            .and_then(|due| DateTime::parse_from_rfc3339(due).ok())
            .map(|due| due.with_timezone(&Utc));
        schedule.set(job.id, scheduler::due_at_start(stored, now, job.interval));
    }

    let (reload_tx, mut reload_rx) = mpsc::channel::<()>(1);
    // Held for its lifetime: dropping the watcher stops it.
    let _watcher = watch_config(&config_path, reload_tx.clone());

    let watchdog = sd_notify::watchdog_enabled();
    let mut watchdog_tick =
        tokio::time::interval(watchdog.map(|d| d / 2).unwrap_or(Duration::from_secs(3600)));

    let metrics = Arc::new(Metrics::default());
    // Bound before READY=1: a port already taken is a startup error, not a silent background failure.
    let server = match config.serve.listen {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|source| DaemonError::Listen { addr, source })?;
            tracing::info!(listen = %addr, "serving /feed.atom, /feed.json, /metrics and /healthz");
            let store = pipeline.store.clone();
            let metrics = metrics.clone();
            Some(tokio::spawn(async move {
                if let Err(e) = crate::serve::serve(listener, store, metrics).await {
                    tracing::error!(error = %e, "feed server stopped");
                }
            }))
        }
        None => None,
    };
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
    tracing::info!(
        config = %config_path.display(), database = %config.storage.database.display(),
        feeds = jobs.len(), "feedsieve running"
    );
    let (keep_tx, keep_rx) = tokio::sync::watch::channel(config.storage.keep);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let maintenance = tokio::spawn(maintenance(pipeline.clone(), keep_rx, stop_rx));

    let mut in_flight: JoinSet<FeedDone> = JoinSet::new();
    // A tick, not a sleep made again each turn: feeds finishing one after
    // another must not put renewals off.
    let mut lease_tick = tokio::time::interval(
        leasing
            .as_ref()
            .map_or(Duration::from_secs(3600), Leasing::poll_every),
    );
    lease_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        metrics.set_queue(schedule.len(), in_flight.len());
        let sleep_for = schedule
            .next_due()
            .map(|due| (due - Utc::now()).to_std().unwrap_or(Duration::ZERO))
            .unwrap_or(Duration::from_secs(3600));
        tokio::select! {
            _ = sigterm.recv() => break,
            _ = sigint.recv() => break,
            _ = sighup.recv() => { let _ = reload_tx.try_send(()); }
            Some(()) = reload_rx.recv() => {
                // Editors write in several steps; let the file settle.
                tokio::time::sleep(Duration::from_millis(200)).await;
                while reload_rx.try_recv().is_ok() {}
                match reload(&config_path, database.as_deref(), &pipeline, &mut jobs, &mut schedule).await {
                    Ok(new_config) => {
                        if new_config.serve != config.serve {
                            tracing::warn!("[serve] changed; it takes effect at the next restart");
                        }
                        if let Some(leasing) = leasing.as_mut() {
                            // The due times live in the shared database.
                            schedule = Schedule::default();
                            leasing.forget_jobs();
                        }
                        let _ = keep_tx.send(new_config.storage.keep);
                        own = own_feeds(&new_config);
                        config = new_config;
                    }
                    Err(e) => tracing::warn!("config not reloaded, the last good config keeps running:\n{e}"),
                }
            }
            _ = watchdog_tick.tick(), if watchdog.is_some() => {
                let _ = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]);
            }
            _ = lease_tick.tick(), if leasing.is_some() => {
                let Some(leasing) = leasing.as_mut() else { continue };
                leasing.renew_if_due();
                let room = config.fetch.concurrency.saturating_sub(in_flight.len());
                let job_of = |state: &FeedState| job_of(state, &config, &own);
                match leasing.take_due(&job_of, room, config.fetch.default_interval) {
                    Ok(ready) => for job in ready {
                        let (pipeline, id) = (pipeline.clone(), job.id);
                        let task = in_flight.spawn(async move { (id, pipeline.run_feed(&job).await) });
                        leasing.started(task, id);
                    },
                    Err(e) => tracing::warn!(error = %e, "cannot claim due feeds; retrying"),
                }
                metrics.set_fleet(leasing.held(), leasing.due_unclaimed());
            }
            _ = tokio::time::sleep(sleep_for), if leasing.is_none() => {
                for id in schedule.take_due(Utc::now()) {
                    let Some(job) = jobs.get(&id).cloned() else { continue };
                    let pipeline = pipeline.clone();
                    in_flight.spawn(async move { (id, pipeline.run_feed(&job).await) });
                }
            }
            Some(joined) = in_flight.join_next_with_id() => if let Some(leasing) = leasing.as_mut() {
                finish_leased(leasing, &metrics, joined);
            } else { match joined.map(|(_, done)| done) {
                Ok((id, Ok(report))) => {
                    log_report(&report);
                    metrics.record(&report);
                    if jobs.contains_key(&id) {
                        schedule.set(id, report.next_due);
                    }
                }
                Ok((id, Err(e))) => {
                    // The database refused a write (disk full, read-only): keep
                    // the feed and try again later rather than exit. The error
                    // cannot be stored in the feed's row, so the log is its record.
                    metrics.record_store_failure();
                    if let Some(job) = jobs.get(&id) {
                        let retry = scheduler::retry_after_store_failure(job.interval);
                        tracing::error!(
                            feed = %job.feed.url, error = %e, retry_in_secs = retry.as_secs(),
                            "cannot store fetch; will retry"
                        );
                        schedule.set(id, Utc::now() + chrono::Duration::from_std(retry).unwrap_or_default());
                    } else {
                        tracing::error!(feed_id = id, error = %e, "cannot store fetch");
                    }
                }
                Err(e) => tracing::error!(error = %e, "feed task crashed"),
            }},
        }
    }

    let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
    tracing::info!(in_flight = in_flight.len(), "shutting down");
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        loop {
            tokio::select! {
                joined = in_flight.join_next_with_id() => match (joined, leasing.as_mut()) {
                    (None, _) => break,
                    (Some(joined), Some(leasing)) => finish_leased(leasing, &metrics, joined),
                    (Some(Ok((_, (_, Ok(report))))), None) => log_report(&report),
                    (Some(_), None) => {}
                },
                // Leases are kept (and a fetch whose lease runs out is
                // stopped) while the fetches finish.
                _ = lease_tick.tick(), if leasing.is_some() => {
                    if let Some(leasing) = leasing.as_mut() {
                        leasing.renew_if_due();
                    }
                }
            }
        }
    })
    .await;
    in_flight.shutdown().await;
    if let Some(leasing) = leasing {
        leasing.leave();
    }
    let _ = stop_tx.send(true);
    if let Some(server) = server {
        server.abort();
    }
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, maintenance).await;
    drop(config);
    pipeline.store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// What a feed's task gives back: its id and how its run ended.
type FeedDone = (i64, Result<FeedReport, PipelineError>);

/// A fetch under a claim ended: the feed's due time was stored with its
/// write; a feed whose write failed keeps its claim until it expires, then
/// any daemon may try it again.
fn finish_leased(
    leasing: &mut Leasing,
    metrics: &Metrics,
    joined: Result<(tokio::task::Id, FeedDone), tokio::task::JoinError>,
) {
    leasing.done(match &joined {
        Ok((task, _)) => *task,
        Err(e) => e.id(),
    });
    match joined {
        Ok((_, (id, result))) => match result {
            Ok(report) => {
                log_report(&report);
                metrics.record(&report);
            }
            Err(e) if crate::leasing::claim_lost(&e) => {
                tracing::warn!(feed_id = id, error = %e, "fetch not stored");
            }
            Err(e) => {
                metrics.record_store_failure();
                tracing::error!(
                    feed_id = id, error = %e,
                    "cannot store fetch; any daemon tries again when its lease ends"
                );
            }
        },
        // Stopped because its lease ran out: logged when it was stopped.
        Err(e) if e.is_cancelled() => {}
        Err(e) => tracing::error!(error = %e, "feed task crashed"),
    }
}

/// Loads the config again and applies it: new feeds are due at once, removed
/// ones leave the schedule (a fetch in flight finishes but is not rescheduled),
/// changed intervals apply from the next fetch.
async fn reload(
    path: &Path,
    database: Option<&Path>,
    pipeline: &Pipeline,
    jobs: &mut HashMap<i64, FeedJob>,
    schedule: &mut Schedule,
) -> Result<Config, DaemonError> {
    let config = config::load_with(path, database)?;
    if !pipeline.store.is_at(&config.storage.database) {
        tracing::warn!(
            database = %config.storage.database.display(),
            "the database path changed; it takes effect at the next restart"
        );
    }
    let cleaner = Cleaner::new(&config.clean).map_err(PipelineError::from)?;
    let new_jobs = jobs_of(&sync(pipeline, &config).await?, &config);
    pipeline.set_cleaner(cleaner);
    let now = Utc::now();
    let (mut added, mut removed) = (0, 0);
    for id in new_jobs.keys() {
        if !jobs.contains_key(id) {
            schedule.set(*id, now);
            added += 1;
        }
    }
    for id in jobs.keys() {
        if !new_jobs.contains_key(id) {
            schedule.remove(*id);
            removed += 1;
        }
    }
    *jobs = new_jobs;
    tracing::info!(feeds = jobs.len(), added, removed, "config reloaded");
    Ok(config)
}

/// Watches the config file's folder (editors often replace the file by a
/// rename, which a watch on the file itself would miss).
fn watch_config(path: &Path, tx: mpsc::Sender<()>) -> Option<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let watched = path.file_name()?.to_os_string();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let relevant = matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
        ) && event
            .paths
            .iter()
            .any(|p| p.file_name() == Some(watched.as_os_str()));
        if relevant {
            let _ = tx.try_send(());
        }
    })
    .map_err(
        |e| tracing::warn!(error = %e, "cannot watch the config file; SIGHUP still reloads it"),
    )
    .ok()?;
    if let Err(e) = watcher.watch(&dir, RecursiveMode::NonRecursive) {
        tracing::warn!(error = %e, dir = %dir.display(), "cannot watch the config folder; SIGHUP still reloads it");
        return None;
    }
    Some(watcher)
}
