//! The pipeline: runs one feed through fetch → parse → clean → store (dedup
//! runs inside the store's transaction) → pages, and decides when it is due
//! next. The page step fetches the pages of teaser entries (stored already,
//! with their teaser), extracts and cleans their articles and writes them in
//! a second transaction, through the de-duplicator's edit path.
//!
//! Any failure of a feed (network, HTTP status, malformed document) becomes
//! that feed's recorded error and a backoff; it is never returned as an error
//! that could stop other feeds. Only a database failure is returned.

use std::collections::HashSet;
use std::hash::Hasher;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::Utc;
use siphasher::sip::SipHasher13;
use url::Url;

use crate::clean::{Cleaner, CompiledRules, FeedTemplate};
use crate::config::{Config, FeedConfig};
use crate::dedup::Deduper;
use crate::dedup::fingerprint::Analysis;
use crate::fetch::{FetchError, Fetcher, Reach, Validators};
use crate::filter::{Candidate, EntryFilter, Verdict};
use crate::fulltext::{self, ContentKind, FullText, TeaserSigns};
use crate::parse::{self, ParsedEntry, ParsedFeed};
use crate::scheduler;
use crate::store::{self, EntryWrite, FetchRecord, Store, StoreError};
use crate::workers::Workers;

/// Everything needed to run feeds; shared by all fetch tasks.
pub struct Pipeline {
    pub store: Store,
    pub fetcher: Fetcher,
    cleaner: RwLock<Arc<Cleaner>>,
    pub deduper: Arc<Deduper>,
    /// Parsing, cleaning, analysing and the matcher's read-ahead, below the
    /// writer's priority.
    workers: Workers,
    /// Feeds in flight, from fetch to commit: at most `fetch.concurrency`.
    /// Without it every due feed (all of them, at start) fetches, parses and
    /// cleans as fast as the network allows and then holds its entries in
    /// memory while queuing for the single writer: 800 MB at 2,000 feeds.
    slots: tokio::sync::Semaphore,
    /// Feeds past their download, from parse to commit: a few per core.
    /// Downloads overlap network waits, so `fetch.concurrency` of them run at
    /// once; but the writer takes one feed at a time, and a feed that has
    /// parsed and cleaned holds several copies of its entries and their
    /// analyses until it is written. More of them than the cores and the
    /// writer can work on only wait, in memory.
    processing: tokio::sync::Semaphore,
    /// Counts every feed as fetched from a public address, so the SSRF
    /// guard applies to all pages ([`Pipeline::count_feeds_as_public`]).
    feeds_public: bool,
}

/// Feeds processed (parse to commit) at once, per core.
const PROCESSING_PER_CORE: usize = 2;

/// Per-feed settings from the config, resolved.
#[derive(Debug, Clone)]
pub struct FeedJob {
    pub id: i64,
    pub feed: FeedConfig,
    /// The feed's own cleaning rules, compiled once per config load.
    pub rules: Option<Arc<CompiledRules>>,
    pub interval: Duration,
    pub max_backoff: Duration,
    /// `[filter]` and the feed's `[feed.filter]`, compiled; `None` without rules.
    pub filter: Option<Arc<EntryFilter>>,
    /// When its entries' pages are fetched.
    pub full_text: FullText,
    /// Pages fetched at most per run.
    pub pages_per_run: usize,
}

impl FeedJob {
    pub fn new(id: i64, feed: &FeedConfig, config: &Config) -> FeedJob {
        // The config was validated, so the rules compile; should one not, the
        // feed is cleaned by the global rules alone rather than not at all.
        let rules = CompiledRules::for_feed(&feed.clean)
            .map_err(|e| tracing::warn!(feed = %feed.url, error = %e, "feed clean rules ignored"))
            .ok()
            .flatten()
            .map(Arc::new);
        let filter = EntryFilter::compile(&config.filter, &feed.filter)
            .map_err(|e| tracing::warn!(feed = %feed.url, error = %e, "feed filters ignored"))
            .ok()
            .flatten()
            .map(Arc::new);
        FeedJob {
            id,
            feed: feed.clone(),
            rules,
            filter,
            interval: config.interval_of(feed),
            max_backoff: config.fetch.max_backoff,
            full_text: config.full_text_of(feed),
            pages_per_run: config.fetch.pages_per_run,
        }
    }
}

/// What happened to one feed in one run.
#[derive(Debug, Clone)]
pub struct FeedReport {
    pub feed_id: i64,
    pub url: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub not_modified: bool,
    pub inserted: usize,
    pub updated: usize,
    /// New entries a `[filter]` rule dropped in this fetch (each counted
    /// once: an unchanged entry dropped before is skipped silently).
    pub filtered: usize,
    /// Entries whose page's article replaced their teaser in this run.
    pub pages: usize,
    /// Pages attempted in this run that left the teaser (failed or not better).
    pub pages_failed: usize,
    pub duration: Duration,
    pub next_due: chrono::DateTime<Utc>,
    /// Where this feed's time went, stage by stage.
    pub stages: StageTimes,
}

/// Time spent in each stage of one feed (or, summed, of many): cheap to take
/// (a clock read per stage) and what to look at first when ingest is slow.
/// Stages of different feeds overlap, so sums over feeds exceed wall time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageTimes {
    /// The HTTP request and body, including waiting for a fetch slot.
    pub fetch: Duration,
    /// Decoding and feed-rs.
    pub parse: Duration,
    /// The cleaner, on new and changed entries only.
    pub clean: Duration,
    /// Fingerprints (before the writer is taken) and story assignment
    /// (inside the write transaction).
    pub dedup: Duration,
    /// All other database work: the feed's state, known hashes, the entry
    /// writes and the commit.
    pub store: Duration,
    /// Waiting for the single writer (other feeds' transactions).
    pub store_wait: Duration,
    /// The page step: fetching, extracting, cleaning and writing pages.
    pub pages: Duration,
}

impl std::ops::AddAssign for StageTimes {
    fn add_assign(&mut self, o: StageTimes) {
        self.fetch += o.fetch;
        self.parse += o.parse;
        self.clean += o.clean;
        self.dedup += o.dedup;
        self.store += o.store;
        self.store_wait += o.store_wait;
        self.pages += o.pages;
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Client(#[from] crate::fetch::ClientError),
    #[error(transparent)]
    Clean(#[from] crate::clean::CleanError),
    #[error(transparent)]
    Dedup(#[from] crate::dedup::DedupError),
    #[error("cannot start the worker threads: {0}")]
    Workers(std::io::Error),
}

impl Pipeline {
    /// Opens the database and builds every stage from the config.
    pub async fn new(config: &Config) -> Result<Pipeline, PipelineError> {
        let store = Store::open(&config.storage.database).await?;
        let deduper = Deduper::load(&store.pool, &config.dedup).await?;
        Ok(Pipeline {
            slots: tokio::sync::Semaphore::new(config.fetch.concurrency.max(1)),
            processing: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, |n| n.get()) * PROCESSING_PER_CORE,
            ),
            fetcher: Fetcher::new(&config.fetch)?,
            cleaner: RwLock::new(Arc::new(Cleaner::new(&config.clean)?)),
            deduper: Arc::new(deduper),
            workers: Workers::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
                .map_err(PipelineError::Workers)?,
            store,
            feeds_public: false,
        })
    }

    /// Counts every feed as fetched from a public address, wherever it
    /// was: the SSRF guard then refuses private addresses for every page.
    /// How tests, whose servers are all on 127.0.0.1, show a public feed.
    pub fn count_feeds_as_public(&mut self) {
        self.feeds_public = true;
    }

    /// Swaps in a cleaner built from a reloaded config's rules.
    pub fn set_cleaner(&self, cleaner: Cleaner) {
        let mut slot = self.cleaner.write().unwrap_or_else(|p| p.into_inner());
        *slot = Arc::new(cleaner);
    }

    pub fn cleaner(&self) -> Arc<Cleaner> {
        self.cleaner
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Fetches, parses, cleans and stores one feed.
    pub async fn run_feed(&self, job: &FeedJob) -> Result<FeedReport, PipelineError> {
        // Never closed, so acquire cannot fail; if it ever did, run unbounded.
        let _slot = self.slots.acquire().await.ok();
        let started = Instant::now();
        let fetched_at = Utc::now();
        let query = format!(
            "SELECT {} FROM feeds WHERE id = ?",
            store::FEED_STATE_COLUMNS
        );
        let state = sqlx::query_as::<_, store::FeedState>(sqlx::AssertSqlSafe(query))
            .bind(job.id)
            .fetch_one(&self.store.pool)
            .await
            .map_err(StoreError::from)?;
        let url = state
            .fetch_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .unwrap_or_else(|| job.feed.url.clone());
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let mut record = FetchRecord {
            fetched_at: store::timestamp(fetched_at),
            ..FetchRecord::default()
        };
        let mut report = FeedReport {
            feed_id: job.id,
            url: job.feed.url.to_string(),
            status: None,
            error: None,
            not_modified: false,
            inserted: 0,
            updated: 0,
            filtered: 0,
            pages: 0,
            pages_failed: 0,
            duration: Duration::ZERO,
            next_due: fetched_at,
            stages: StageTimes {
                store: started.elapsed(),
                ..StageTimes::default()
            },
        };
        let failures = u32::try_from(state.consecutive_failures).unwrap_or(u32::MAX);
        let fail = |record: &mut FetchRecord, message: String, retry_after: Option<Duration>| {
            let delay = scheduler::delay_after_failure(
                job.interval,
                failures.saturating_add(1),
                retry_after,
                job.max_backoff,
            );
            record.error = Some(message);
            // Jitter spreads retries out, but never before the server's Retry-After.
            let floor = retry_after.map_or(Duration::ZERO, |asked| asked.min(delay));
            let wait = scheduler::with_jitter(delay).max(floor);
            fetched_at + chrono::Duration::from_std(wait).unwrap_or_default()
        };

        let mut entries = Vec::new();
        let mut feed_addr = None;
        let mut template = None;
        let mut prefetched = None;
        let mut processing = None;
        let fetch_started = Instant::now();
        // A feed moved to another host for good does not get its secrets.
        let no_credentials = crate::config::Credentials::default();
        let credentials = if url.origin() == job.feed.url.origin() {
            &job.feed.credentials
        } else {
            &no_credentials
        };
        let response = self
            .fetcher
            .fetch_with(&url, &validators, credentials)
            .await;
        report.stages.fetch = fetch_started.elapsed();
        let next_due = match response {
            Err(e) => {
                record.status = e.status();
                let retry_after = e.retry_after();
                fail(&mut record, describe_fetch_error(&e), retry_after)
            }
            Ok(response) => {
                feed_addr = response.remote_addr;
                record.status = response.status;
                record.etag = response.etag.clone();
                record.last_modified = response.last_modified.clone();
                record.moved_to = response.permanent_redirect.as_ref().map(Url::to_string);
                let mut hint = response.cache_for;
                match response.body {
                    None => {
                        report.not_modified = true;
                        // A 304 need not repeat the validators (RFC 9110 §15.4.5
                        // lists ETag but not Last-Modified): keep the stored ones,
                        // or the next fetch would be unconditional.
                        record.etag = record.etag.take().or_else(|| state.etag.clone());
                        record.last_modified = record
                            .last_modified
                            .take()
                            .or_else(|| state.last_modified.clone());
                        // Nor is the feed's <ttl> repeated: keep it for the next 304 too.
                        record.min_interval_secs = state.min_interval_secs;
                        hint = hint.or(state
                            .min_interval_secs
                            .map(|s| Duration::from_secs(s.max(0) as u64)));
                        self.success(&mut record, job, hint, fetched_at)
                    }
                    Some(body) => {
                        // Held until the write below: never closed, so it
                        // cannot fail; if it ever did, run unbounded.
                        processing = self.processing.acquire().await.ok();
                        let content_type = response.content_type.clone();
                        let base = url.to_string();
                        // Timed on the worker: a wait in the workers' queue
                        // is not parsing.
                        let parsed = self
                            .workers
                            .run(move || {
                                let t = Instant::now();
                                let parsed =
                                    parse::parse(&body, content_type.as_deref(), Some(&base));
                                (parsed, t.elapsed())
                            })
                            .await
                            .map(|(parsed, took)| {
                                report.stages.parse = took;
                                parsed
                            });
                        match parsed {
                            Ok(Ok(feed)) => {
                                record.title = feed.title.clone();
                                record.site_url = feed.site_url.clone();
                                record.min_interval_secs = feed.ttl.map(|d| d.as_secs() as i64);
                                let hint = hint.max(feed.ttl);
                                let known =
                                    state.content_kind.as_deref().and_then(ContentKind::parse);
                                let prepared = self
                                    .prepare_entries(
                                        job,
                                        feed,
                                        known,
                                        &record.fetched_at,
                                        &mut report.stages,
                                    )
                                    .await?;
                                match prepared {
                                    Ok((writes, learned, read_ahead, judged, kind)) => {
                                        if !writes.is_empty() {
                                            record.content_kind =
                                                Some(kind.map(ContentKind::as_str));
                                        }
                                        entries = writes;
                                        record.filtered = judged;
                                        template = learned;
                                        prefetched = read_ahead;
                                        self.success(&mut record, job, hint, fetched_at)
                                    }
                                    Err(message) => {
                                        record.etag = None;
                                        record.last_modified = None;
                                        fail(&mut record, message, None)
                                    }
                                }
                            }
                            Ok(Err(e)) => {
                                record.etag = None;
                                record.last_modified = None;
                                fail(&mut record, e.to_string(), None)
                            }
                            Err(crashed) => {
                                record.etag = None;
                                record.last_modified = None;
                                fail(&mut record, format!("parser crashed: {crashed}"), None)
                            }
                        }
                    }
                }
            }
        };
        record.next_fetch_at = store::timestamp(next_due);
        record.duration_ms = started.elapsed().as_millis() as i64;
        let write_started = Instant::now();
        let summary = self
            .store
            .write_fetch(
                job.id,
                &record,
                &entries,
                template.as_ref(),
                &self.deduper,
                prefetched,
            )
            .await?;
        drop(processing);
        report.stages.dedup += summary.dedup;
        report.stages.store_wait = summary.lock_wait;
        report.stages.store += write_started
            .elapsed()
            .saturating_sub(summary.dedup + summary.lock_wait);
        if record.error.is_none() && job.full_text != FullText::Never {
            let pages_started = Instant::now();
            let (pages, failed) = self.fetch_pages(job, feed_addr).await?;
            report.stages.pages = pages_started.elapsed();
            report.pages = pages;
            report.pages_failed = failed;
        }
        report.status = record.status;
        report.error = record.error;
        report.filtered = record.filtered.dropped.len();
        report.inserted = summary.inserted;
        report.updated = summary.updated;
        report.duration = started.elapsed();
        report.next_due = next_due;
        Ok(report)
    }

    fn success(
        &self,
        record: &mut FetchRecord,
        job: &FeedJob,
        hint: Option<Duration>,
        fetched_at: chrono::DateTime<Utc>,
    ) -> chrono::DateTime<Utc> {
        record.error = None;
        let delay = scheduler::delay_after_success(job.interval, hint, job.max_backoff);
        fetched_at + chrono::Duration::from_std(scheduler::with_jitter(delay)).unwrap_or_default()
    }

    /// The page step: fetches the pages due for this feed (at most
    /// `pages_per_run`, concurrently within the fetcher's host and global
    /// limits), extracts and cleans their articles on a worker (the batch
    /// teaches the feed's template, as entries do), and writes each entry's
    /// outcome. Returns the articles stored and the pages that left the
    /// teaser. A page's failure is its entry's, retried with capped backoff;
    /// only a database failure is returned.
    async fn fetch_pages(
        &self,
        job: &FeedJob,
        feed_addr: Option<std::net::IpAddr>,
    ) -> Result<(usize, usize), PipelineError> {
        let now = Utc::now();
        let due = self.store.read(|conn| {
            store::due_pages(conn, job.id, &store::timestamp(now), job.pages_per_run)
        })?;
        if due.is_empty() {
            return Ok((0, 0));
        }
        // The guard: a feed's pages reach private addresses only when the
        // feed itself came from one (a file:// feed counts as public).
        let reach = match feed_addr {
            Some(addr) if fulltext::is_private(addr) && !self.feeds_public => Reach::Any,
            _ => Reach::PublicOnly,
        };
        let fetches = due.iter().map(|page| self.fetch_page(page, reach));
        let fetched = futures_util::future::join_all(fetches).await;
        let fetched_at = store::timestamp(now);
        let mut writes = Vec::with_capacity(due.len());
        let mut read = Vec::new();
        for (page, result) in due.into_iter().zip(fetched) {
            match result {
                Ok((page_url, stored, fresh)) => read.push((page, page_url, stored, fresh)),
                Err(error) => {
                    let attempts = page.attempts.saturating_add(1);
                    let wait = fulltext::retry_delay(attempts, job.interval, job.max_backoff);
                    let retry = now + chrono::Duration::from_std(wait).unwrap_or_default();
                    tracing::debug!(feed = %job.feed.url, page = %page.url, %error, "page failed");
                    writes.push(store::PageWrite {
                        entry_id: page.entry_id,
                        fetched_at: fetched_at.clone(),
                        page_url: None,
                        page: None,
                        outcome: store::PageOutcome::Failed {
                            error,
                            retry_at: store::timestamp(retry),
                        },
                    });
                }
            }
        }
        let mut template = None;
        if !read.is_empty() {
            let mut learned = self
                .store
                .read(|conn| Ok(store::load_template(conn, job.id)?))?;
            let cleaner = self.cleaner();
            let rules = job.rules.clone();
            let pages: Vec<PageToRead> = read
                .iter()
                .map(|(page, url, stored, _)| PageToRead {
                    teaser: page.teaser_text.clone(),
                    url: url.clone(),
                    html: stored.html.clone(),
                })
                .collect();
            let judged = self
                .workers
                .run(move || {
                    let outcomes = read_articles(&cleaner, rules.as_deref(), &mut learned, &pages);
                    (outcomes, learned)
                })
                .await;
            match judged {
                Ok((outcomes, learned)) => {
                    template = Some(learned);
                    for ((page, url, stored, fresh), outcome) in read.into_iter().zip(outcomes) {
                        writes.push(store::PageWrite {
                            entry_id: page.entry_id,
                            fetched_at: fetched_at.clone(),
                            page_url: Some(url),
                            page: fresh.then_some(stored),
                            outcome,
                        });
                    }
                }
                Err(crashed) => {
                    for (page, url, _, _) in read {
                        writes.push(store::PageWrite {
                            entry_id: page.entry_id,
                            fetched_at: fetched_at.clone(),
                            page_url: Some(url),
                            page: None,
                            outcome: store::PageOutcome::KeptTeaser {
                                note: format!("the extractor crashed on this page: {crashed}"),
                            },
                        });
                    }
                }
            }
        }
        let articles = writes
            .iter()
            .filter(|w| matches!(w.outcome, store::PageOutcome::Article { .. }))
            .count();
        let failed = writes.len() - articles;
        self.store
            .write_pages(job.id, &writes, template.as_ref(), &self.deduper)
            .await?;
        Ok((articles, failed))
    }

    /// Fetches one due page: its final URL, the page (fresh, or the stored
    /// one on a 304), and whether it is fresh; `Err` says why not.
    async fn fetch_page(
        &self,
        page: &store::DuePage,
        reach: Reach,
    ) -> Result<(String, store::StoredPage, bool), String> {
        let url = Url::parse(&page.url).map_err(|e| format!("invalid link {:?}: {e}", page.url))?;
        let validators = page
            .stored
            .as_ref()
            .map(|s| Validators {
                etag: s.etag.clone(),
                last_modified: s.last_modified.clone(),
            })
            .unwrap_or_default();
        let response = self
            .fetcher
            .fetch_page(&url, &validators, reach)
            .await
            .map_err(|e| describe_fetch_error(&e))?;
        let final_url = response.final_url.as_ref().unwrap_or(&url).to_string();
        let Some(body) = response.body else {
            return match &page.stored {
                Some(stored) => Ok((final_url, stored.clone(), false)),
                None => Err("HTTP 304 Not Modified, and no page is stored".into()),
            };
        };
        fulltext::is_html(response.content_type.as_deref(), &body)?;
        let content_type = fulltext::page_content_type(response.content_type.as_deref(), &body);
        let stored = store::StoredPage {
            html: parse::decode(&body, content_type.as_deref()),
            etag: response.etag,
            last_modified: response.last_modified,
        };
        Ok((final_url, stored, true))
    }

    /// Keeps the entries that are new or changed since they were stored,
    /// cleans them (with the feed's learned template, which they also teach),
    /// analyses their texts and reads ahead what the matcher will need under
    /// the writer: all on a worker, beside other feeds.
    async fn prepare_entries(
        &self,
        job: &FeedJob,
        feed: ParsedFeed,
        kind_known: Option<ContentKind>,
        fetched_at: &str,
        stages: &mut StageTimes,
    ) -> Result<Result<Prepared, String>, PipelineError> {
        let mut seen = HashSet::new();
        let entries: Vec<(ParsedEntry, i64)> = feed
            .entries
            .into_iter()
            // A feed that repeats a guid: the first copy wins, as readers show it.
            .filter(|e| seen.insert(e.guid.clone()))
            .map(|e| {
                let hash = raw_hash(&e);
                (e, hash)
            })
            .collect();
        let guids: Vec<&str> = entries.iter().map(|(e, _)| e.guid.as_str()).collect();
        let known_started = Instant::now();
        let known = self
            .store
            .read(|conn| store::guid_hashes(conn, job.id, &guids))?;
        // Only entries not stored can have been dropped: in a steady feed, none.
        // Read even without filters, so that removing a rule admits and forgets them.
        let unknown: Vec<&str> = guids
            .iter()
            .copied()
            .filter(|g| !known.contains_key(*g))
            .collect();
        let dropped_before = if unknown.is_empty() {
            Default::default()
        } else {
            self.store
                .read(|conn| store::filtered_hashes(conn, job.id, &unknown))?
        };
        stages.store += known_started.elapsed();
        let changed: Vec<(ParsedEntry, i64)> = entries
            .into_iter()
            .filter(|(e, hash)| known.get(&e.guid) != Some(hash))
            // Dropped before, unchanged, and the rule that dropped it still
            // stands: the same decision again, so not judged (nor cleaned) again.
            .filter(|(e, hash)| {
                !dropped_before.get(&e.guid).is_some_and(|(h, reason)| {
                    h == hash && job.filter.as_ref().is_some_and(|f| f.still_drops(reason))
                })
            })
            .collect();
        if changed.is_empty() {
            return Ok(Ok((Vec::new(), None, None, Default::default(), kind_known)));
        }
        // Filters judge new entries only; an edit of a stored entry is kept.
        let is_new: Vec<bool> = changed
            .iter()
            .map(|(e, _)| !known.contains_key(&e.guid))
            .collect();
        let filter = job.filter.clone();
        let mut template = self
            .store
            .read(|conn| Ok(store::load_template(conn, job.id)?))?;
        let cleaner = self.cleaner();
        let rules = job.rules.clone();
        let store = self.store.clone();
        let deduper = self.deduper.clone();
        let fetched_at = fetched_at.to_string();
        let full_text = job.full_text;
        let prepared = self
            .workers
            .run(move || {
                let t = Instant::now();
                // One batch: the template learns from all new entries of this
                // fetch (a new feed's first 30 entries teach it its footer)
                // before any of them is cleaned.
                let htmls: Vec<&str> = changed
                    .iter()
                    .map(|(e, _)| e.content_html.as_str())
                    .collect();
                let cleaned = cleaner.clean_batch(&htmls, rules.as_deref(), &mut template);
                let clean_took = t.elapsed();
                let t = Instant::now();
                // Which entries are teasers, and what they say of the feed.
                let signs: Vec<TeaserSigns> = changed
                    .iter()
                    .zip(&cleaned)
                    .map(|((e, _), c)| TeaserSigns::of(&e.content_html, &c.text))
                    .collect();
                let kind = fulltext::learn(kind_known, &signs);
                let mut judged = store::FilterOutcome::default();
                let writes: Vec<EntryWrite> = changed
                    .into_iter()
                    .zip(cleaned)
                    .zip(is_new)
                    .zip(signs)
                    .filter_map(|((((e, raw_hash), cleaned), is_new), signs)| {
                        let verdict = match &filter {
                            Some(filter) if is_new => filter.decide(&Candidate {
                                title: e.title.as_deref(),
                                text: &cleaned.text,
                                authors: &e.authors,
                                categories: &e.categories,
                            }),
                            _ => Verdict::Keep,
                        };
                        if let Verdict::Drop(reason) = verdict {
                            judged.dropped.push(store::FilteredEntry {
                                guid: e.guid,
                                raw_hash,
                                title: e.title,
                                url: e.url,
                                reason,
                            });
                            return None;
                        }
                        if dropped_before.contains_key(&e.guid) {
                            judged.admitted.push(e.guid.clone());
                        }
                        Some((e, raw_hash, cleaned, signs))
                    })
                    .map(|(e, raw_hash, cleaned, signs)| EntryWrite {
                        page_wanted: fulltext::decide(full_text, kind, signs, e.url.as_deref())
                            .fetch,
                        guid: e.guid,
                        url: e.url,
                        title: e.title,
                        author: e.author,
                        published_at: e.published_at.map(store::timestamp),
                        updated_at: e.updated_at.map(store::timestamp),
                        content_raw: store::codec::Packed::of(&e.content_html),
                        content_html: cleaned.html,
                        // Analysed here, beside other feeds, not under the
                        // writer where the matcher runs.
                        analysis: std::sync::Arc::new(Analysis::of(&cleaned.text)),
                        content_text: cleaned.text,
                        raw_hash,
                        extras: store::EntryExtras {
                            authors: e.authors,
                            categories: e.categories,
                            enclosures: e.enclosures,
                        },
                    })
                    .collect();
                let prefetched = store.prefetch(&deduper, &fetched_at, &writes);
                (
                    writes,
                    template,
                    prefetched,
                    judged,
                    kind,
                    clean_took,
                    t.elapsed(),
                )
            })
            .await;
        match prepared {
            Ok((writes, template, prefetched, judged, kind, clean_took, dedup_took)) => {
                stages.clean = clean_took;
                stages.dedup = dedup_took;
                Ok(Ok((
                    writes,
                    Some(template),
                    Some(prefetched?),
                    judged,
                    kind,
                )))
            }
            // The cleaner panicked on this feed's input: store nothing new and
            // record it as the feed's error, so the next fetch retries in full.
            Err(crashed) => Ok(Err(format!(
                "cleaner crashed on this feed's entries: {crashed}"
            ))),
        }
    }
}

/// New or changed entries ready to write, the feed's template that learned
/// from them, what the matcher read ahead for them, what the filters
/// dropped, and the feed's kind (teasers or full content).
type Prepared = (
    Vec<EntryWrite>,
    Option<FeedTemplate>,
    Option<crate::dedup::Prefetched>,
    store::FilterOutcome,
    Option<ContentKind>,
);

/// One fetched page to read: the teaser its article must beat, where the
/// page ended up, and the page.
pub struct PageToRead {
    pub teaser: String,
    pub url: String,
    pub html: String,
}

/// Extracts the article of each page, cleans them as one batch with the
/// feed's rules and template (which learns the site's recurring blocks from
/// them, as it does from entries), and judges each against its teaser.
/// Pure; runs on a worker.
pub fn read_articles(
    cleaner: &Cleaner,
    rules: Option<&CompiledRules>,
    template: &mut FeedTemplate,
    pages: &[PageToRead],
) -> Vec<store::PageOutcome> {
    let articles: Vec<Option<crate::extract::Article>> = pages
        .iter()
        .map(|p| crate::extract::extract(&p.html, Url::parse(&p.url).ok().as_ref()))
        .collect();
    let htmls: Vec<&str> = articles.iter().flatten().map(|a| a.html.as_str()).collect();
    let mut cleaned = cleaner.clean_batch(&htmls, rules, template).into_iter();
    pages
        .iter()
        .zip(&articles)
        .map(|(page, article)| {
            let cleaned = article.as_ref().and_then(|_| cleaned.next());
            page_outcome(&page.teaser, cleaned)
        })
        .collect()
}

/// The article (cleaned), or the teaser and why, as [`fulltext::judge`] decides.
pub fn page_outcome(
    teaser: &str,
    article: Option<crate::clean::CleanedEntry>,
) -> store::PageOutcome {
    match fulltext::judge(teaser, article.as_ref().map(|c| c.text.as_str())) {
        Ok(()) => {
            let article = article.unwrap_or_default();
            store::PageOutcome::Article {
                html: article.html,
                text: article.text,
            }
        }
        Err(note) => store::PageOutcome::KeptTeaser { note },
    }
}

/// A hash of what a reader sees of an entry: an edit to any of it is an update.
fn raw_hash(e: &ParsedEntry) -> i64 {
    let mut h = SipHasher13::new_with_keys(0x7261_7768_6173_6831, 0x6665_6564_7369_6576);
    for part in [
        e.title.as_deref(),
        e.url.as_deref(),
        Some(e.content_html.as_str()),
    ] {
        h.write(part.unwrap_or("").as_bytes());
        h.write_u8(0xff);
    }
    h.finish() as i64
}

fn describe_fetch_error(e: &FetchError) -> String {
    match e {
        FetchError::Status { status, .. } => {
            let reason = reqwest::StatusCode::from_u16(*status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("");
            format!("HTTP {status} {reason}").trim_end().to_string()
        }
        other => other.to_string(),
    }
}
