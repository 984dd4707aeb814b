//! The pipeline, the one place that knows the order: runs one feed through
//! fetch → parse → clean → fingerprint → store (the de-duplicator places the
//! entries inside the store's transaction, in the order `write.rs` gives) →
//! pages → writers, each stage a function of [`Pipeline`]; the scheduler
//! says when the feed is due next. The page step fetches the pages of teaser
//! entries (stored already, with their teaser), extracts and cleans their
//! articles and writes them in a second transaction, through the
//! de-duplicator's edit path. The writers' step (`reclean.rs`) does the same
//! for a writer's earlier entries when the fetch taught the template their
//! box.
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

use crate::clean::{Cleaner, CompiledRules, EntryInput, FeedTemplate};
use crate::config::{Config, FeedConfig};
use crate::dedup::Deduper;
use crate::fetch::{FetchError, Fetcher, Validators};
use crate::filter::{Candidate, EntryFilter, Verdict};
use crate::fulltext::{self, ContentKind, FullText, TeaserSigns};
use crate::parse::{self, ParsedEntry, ParsedFeed};
use crate::scheduler;
use crate::store::{self, EntryWrite, FetchRecord, Store, StoreError};
use crate::workers::Workers;

mod pages;
mod reclean;
mod write;

pub use pages::{PageToRead, page_outcome, page_writers, read_articles};
pub use reclean::recleaned;
pub use write::{
    ReadyEntry, WriteSummary, insert_new, prefetch, write_fetch, write_pages, write_rewrites,
};

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
    /// Writes of fetches that brought no new or changed entry, at once.
    /// They take no turn on the writer (`write_fetch`), so they run side by
    /// side, each on a session of the store's; unbounded, 32 of them at once
    /// opened a connection each beyond the sessions the store keeps.
    own_writes: tokio::sync::Semaphore,
    /// Counts every feed as fetched from a public address, so the SSRF
    /// guard applies to all pages ([`Pipeline::count_feeds_as_public`]).
    feeds_public: bool,
}

/// Feeds processed (parse to commit) at once, per core.
const PROCESSING_PER_CORE: usize = 2;

/// Writes without new entries at once: a few (BENCHMARKS, "The fleet,
/// second pass": 4 kept a daemon at 15 database sessions, 32 at 26).
const OWN_WRITES_AT_ONCE: usize = 4;

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
    /// When other daemons share the database: the claim (lease) under which
    /// this daemon fetches the feed, ended by the fetch's write.
    pub claim: Option<store::Claim>,
}

impl FeedJob {
    /// `feed` as `config`, the file that lists it, says.
    pub fn new(id: i64, feed: &FeedConfig, config: &Config) -> FeedJob {
        FeedJob::with_list_filter(id, feed, &config.filter, config)
    }

    /// A feed of the list applied to a shared database, with the settings
    /// stored with it (its `[filter]` too), whichever file this daemon has;
    /// only this daemon's own limits (`[fetch] max_backoff`,
    /// `pages_per_run`) come from `config`.
    pub fn listed(id: i64, listed: &crate::config::ListedFeed, config: &Config) -> FeedJob {
        FeedJob::with_list_filter(id, &listed.feed, &listed.list_filter, config)
    }

    fn with_list_filter(
        id: i64,
        feed: &FeedConfig,
        list_filter: &crate::filter::FilterRules,
        config: &Config,
    ) -> FeedJob {
        // The config was validated, so the rules compile; should one not, the
        // feed is cleaned by the global rules alone rather than not at all.
        let rules = CompiledRules::for_feed(&feed.clean)
            .map_err(|e| tracing::warn!(feed = %feed.url, error = %e, "feed clean rules ignored"))
            .ok()
            .flatten()
            .map(Arc::new);
        let filter = EntryFilter::compile(list_filter, &feed.filter)
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
            claim: None,
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
    /// The cleaner, on new and changed entries only, and making its output
    /// ready to store (teaser signs, filters, the raw HTML packed).
    pub clean: Duration,
    /// Fingerprints and the matcher's read-ahead (before the writer is
    /// taken) and story assignment (inside the write transaction).
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

impl From<rusqlite::Error> for PipelineError {
    fn from(e: rusqlite::Error) -> Self {
        PipelineError::Store(StoreError::from(e))
    }
}

impl Pipeline {
    /// Opens the database and builds every stage from the config.
    pub async fn new(config: &Config) -> Result<Pipeline, PipelineError> {
        let store = Store::open(&config.storage.database).await?;
        let deduper = Deduper::load(&store, &config.dedup).await?;
        Ok(Pipeline {
            slots: tokio::sync::Semaphore::new(config.fetch.concurrency.max(1)),
            processing: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, |n| n.get()) * PROCESSING_PER_CORE,
            ),
            own_writes: tokio::sync::Semaphore::new(OWN_WRITES_AT_ONCE),
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

    /// Fetches, parses, cleans and stores one feed, then fetches the pages
    /// its teasers want: the stages in order, each a function below.
    pub async fn run_feed(&self, job: &FeedJob) -> Result<FeedReport, PipelineError> {
        // Never closed, so acquire cannot fail; if it ever did, run unbounded.
        let _slot = self.slots.acquire().await.ok();
        let started = Instant::now();
        let fetched_at = Utc::now();
        let state = self.store.read_db(|db| store::feed_state(db, job.id))?;
        let mut stages = StageTimes {
            store: started.elapsed(),
            ..StageTimes::default()
        };
        let mut record = FetchRecord {
            fetched_at: store::timestamp(fetched_at),
            ..FetchRecord::default()
        };
        let fetched = self
            .fetch_and_prepare(job, &state, &mut record, &mut stages)
            .await?;
        let attempt = match &fetched.outcome {
            Outcome::Failed { error, retry_after } => {
                record.error = Some(error.clone());
                // The validators of a response that could not be used
                // must not make the next fetch conditional.
                record.etag = None;
                record.last_modified = None;
                let failures = u32::try_from(state.consecutive_failures).unwrap_or(u32::MAX);
                scheduler::Attempt::Failed {
                    failures: failures.saturating_add(1),
                    retry_after: *retry_after,
                }
            }
            Outcome::NotModified | Outcome::Parsed(_) => {
                scheduler::Attempt::Succeeded { hint: fetched.hint }
            }
        };
        let next_due = scheduler::next_due(fetched_at, job.interval, job.max_backoff, attempt);
        record.next_fetch_at = store::timestamp(next_due);
        record.duration_ms = started.elapsed().as_millis() as i64;
        let not_modified = matches!(fetched.outcome, Outcome::NotModified);
        let (summary, mut writers_learned) = self
            .write_stage(job, &mut record, fetched.outcome, &mut stages)
            .await?;
        drop(fetched.processing);
        let (mut pages, mut pages_failed) = (0, 0);
        if record.error.is_none() && job.full_text != FullText::Never {
            let pages_started = Instant::now();
            let learned_from_pages;
            (pages, pages_failed, learned_from_pages) =
                self.fetch_pages(job, fetched.feed_addr).await?;
            writers_learned.extend(learned_from_pages);
            stages.pages = pages_started.elapsed();
        }
        // Last: the entries that taught a writer's box lose it too.
        writers_learned.sort();
        writers_learned.dedup();
        let reclean_started = Instant::now();
        self.reclean_writers(job, writers_learned, &summary.written)
            .await?;
        stages.clean += reclean_started.elapsed();
        Ok(FeedReport {
            feed_id: job.id,
            url: job.feed.url.to_string(),
            status: record.status,
            filtered: record.filtered.dropped.len(),
            error: record.error,
            not_modified,
            inserted: summary.inserted,
            updated: summary.updated,
            pages,
            pages_failed,
            duration: started.elapsed(),
            next_due,
            stages,
        })
    }

    /// The fetch, parse and clean stages: the feed's bytes (conditionally,
    /// with its stored validators), its entries, and those of them that are
    /// new or changed, cleaned and analysed. What the response says of the
    /// feed goes into `record`; a failure is an [`Outcome`], not an error.
    async fn fetch_and_prepare(
        &self,
        job: &FeedJob,
        state: &store::FeedState,
        record: &mut FetchRecord,
        stages: &mut StageTimes,
    ) -> Result<Fetched<'_>, PipelineError> {
        let url = state
            .fetch_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .unwrap_or_else(|| job.feed.url.clone());
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        // A feed moved to another host for good does not get its secrets.
        let no_credentials = crate::config::Credentials::default();
        let credentials = if url.origin() == job.feed.url.origin() {
            &job.feed.credentials
        } else {
            &no_credentials
        };
        let fetch_started = Instant::now();
        let response = self
            .fetcher
            .fetch_with(&url, &validators, credentials)
            .await;
        stages.fetch = fetch_started.elapsed();
        let mut fetched = Fetched {
            outcome: Outcome::NotModified,
            hint: None,
            feed_addr: None,
            processing: None,
        };
        let response = match response {
            Ok(response) => response,
            Err(e) => {
                record.status = e.status();
                fetched.outcome = Outcome::Failed {
                    error: describe_fetch_error(&e),
                    retry_after: e.retry_after(),
                };
                return Ok(fetched);
            }
        };
        fetched.feed_addr = response.remote_addr;
        fetched.hint = response.cache_for;
        record.status = response.status;
        record.etag = response.etag;
        record.last_modified = response.last_modified;
        record.moved_to = response.permanent_redirect.as_ref().map(Url::to_string);
        let Some(body) = response.body else {
            // A 304 need not repeat the validators (RFC 9110 §15.4.5 lists
            // ETag but not Last-Modified): keep the stored ones, or the next
            // fetch would be unconditional.
            record.etag = record.etag.take().or_else(|| state.etag.clone());
            record.last_modified = record
                .last_modified
                .take()
                .or_else(|| state.last_modified.clone());
            // Nor is the feed's <ttl> repeated: keep it for the next 304 too.
            record.min_interval_secs = state.min_interval_secs;
            fetched.hint = fetched.hint.or(state
                .min_interval_secs
                .map(|s| Duration::from_secs(s.max(0) as u64)));
            return Ok(fetched);
        };
        // Held until the write: never closed, so it cannot fail; if it
        // ever did, run unbounded.
        fetched.processing = self.processing.acquire().await.ok();
        let feed = match self
            .parse_stage(body, response.content_type, url.to_string(), stages)
            .await
        {
            Ok(feed) => feed,
            Err(error) => {
                fetched.outcome = Outcome::Failed {
                    error,
                    retry_after: None,
                };
                return Ok(fetched);
            }
        };
        record.title = feed.title.clone();
        record.site_url = feed.site_url.clone();
        record.min_interval_secs = feed.ttl.map(|d| d.as_secs() as i64);
        fetched.hint = fetched.hint.max(feed.ttl);
        let known = state.content_kind.as_deref().and_then(ContentKind::parse);
        fetched.outcome = match self
            .prepare_entries(job, feed, known, &record.fetched_at, stages)
            .await?
        {
            Ok(prepared) => Outcome::Parsed(Box::new(prepared)),
            Err(error) => Outcome::Failed {
                error,
                retry_after: None,
            },
        };
        Ok(fetched)
    }

    /// The parse stage, on a worker: the feed's document, or why not.
    async fn parse_stage(
        &self,
        body: Vec<u8>,
        content_type: Option<String>,
        base: String,
        stages: &mut StageTimes,
    ) -> Result<ParsedFeed, String> {
        // Timed on the worker: a wait in the workers' queue is not parsing.
        let parsed = self
            .workers
            .run(move || {
                let t = Instant::now();
                let parsed = parse::parse(&body, content_type.as_deref(), Some(&base));
                (parsed, t.elapsed())
            })
            .await;
        match parsed {
            Ok((Ok(feed), took)) => {
                stages.parse = took;
                Ok(feed)
            }
            Ok((Err(e), took)) => {
                stages.parse = took;
                Err(e.to_string())
            }
            Err(crashed) => Err(format!("parser crashed: {crashed}")),
        }
    }

    /// The store stage: the fetch's record and, when the feed parsed, its
    /// new and changed entries and learned template, in one transaction.
    /// Also returns the writers whose box the template learned.
    async fn write_stage(
        &self,
        job: &FeedJob,
        record: &mut FetchRecord,
        outcome: Outcome,
        stages: &mut StageTimes,
    ) -> Result<(WriteSummary, Vec<String>), PipelineError> {
        let (entries, mut template, prefetched) = match outcome {
            Outcome::Parsed(prepared) => {
                if !prepared.entries.is_empty() {
                    record.content_kind = Some(prepared.kind.map(ContentKind::as_str));
                }
                record.filtered = prepared.filtered;
                (prepared.entries, prepared.template, prepared.prefetched)
            }
            Outcome::NotModified | Outcome::Failed { .. } => (Vec::new(), None, None),
        };
        let write_started = Instant::now();
        // Never closed, so acquire cannot fail; if it ever did, run unbounded.
        let _own_write = match entries.is_empty() {
            true => self.own_writes.acquire().await.ok(),
            false => None,
        };
        let summary = write_fetch(
            &self.store,
            &self.deduper,
            job.id,
            job.claim.as_ref(),
            record,
            &entries,
            template.as_ref(),
            prefetched,
        )
        .await?;
        stages.dedup += summary.dedup;
        stages.store_wait = summary.lock_wait;
        stages.store += write_started
            .elapsed()
            .saturating_sub(summary.dedup + summary.lock_wait);
        let writers_learned = template
            .as_mut()
            .map(FeedTemplate::take_writers_learned)
            .unwrap_or_default();
        Ok((summary, writers_learned))
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
            .read_db(|db| store::guid_hashes(db, job.id, &guids))?;
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
                .read_db(|db| store::filtered_hashes(db, job.id, &unknown))?
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
            return Ok(Ok(Prepared {
                entries: Vec::new(),
                template: None,
                prefetched: None,
                filtered: Default::default(),
                kind: kind_known,
            }));
        }
        // Filters judge new entries only; an edit of a stored entry is kept.
        let is_new: Vec<bool> = changed
            .iter()
            .map(|(e, _)| !known.contains_key(&e.guid))
            .collect();
        let filter = job.filter.clone();
        let mut template = self.store.read_db(|db| store::load_template(db, job.id))?;
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
                let inputs: Vec<EntryInput<'_>> = changed
                    .iter()
                    .map(|(e, _)| EntryInput {
                        html: &e.content_html,
                        authors: &e.authors,
                    })
                    .collect();
                let cleaned = cleaner.clean_entries(&inputs, rules.as_deref(), &mut template);
                let clean_took = t.elapsed();
                // Made ready to store (teaser signs, filters, the raw HTML
                // packed): counted with the cleaner, whose output this is.
                let t = Instant::now();
                // Which entries are teasers, and what they say of the feed.
                let signs: Vec<TeaserSigns> = changed
                    .iter()
                    .zip(&cleaned)
                    .map(|((e, _), c)| TeaserSigns::of(&e.content_html, &c.text))
                    .collect();
                let kind = fulltext::learn(kind_known, &signs);
                let mut judged = store::FilterOutcome::default();
                let entry_writes: Vec<EntryWrite> = changed
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
                        // Against the cleaned HTML stored beside it, which
                        // is most of it (migration 0016).
                        content_raw: store::codec::Packed::against(&e.content_html, &cleaned.html),
                        content_html: cleaned.html,
                        content_text: cleaned.text,
                        raw_hash,
                        extras: store::EntryExtras {
                            authors: e.authors,
                            categories: e.categories,
                            enclosures: e.enclosures,
                        },
                    })
                    .collect();
                let ready_took = t.elapsed();
                let t = Instant::now();
                // Analysed here, beside other feeds, not under the writer
                // where the matcher runs.
                let writes: Vec<ReadyEntry> =
                    entry_writes.into_iter().map(ReadyEntry::new).collect();
                let prefetched = prefetch(&store, &deduper, &fetched_at, &writes);
                (
                    writes,
                    template,
                    prefetched,
                    judged,
                    kind,
                    clean_took + ready_took,
                    t.elapsed(),
                )
            })
            .await;
        match prepared {
            Ok((writes, template, prefetched, judged, kind, clean_took, dedup_took)) => {
                stages.clean = clean_took;
                stages.dedup = dedup_took;
                Ok(Ok(Prepared {
                    entries: writes,
                    template: Some(template),
                    prefetched: Some(prefetched?),
                    filtered: judged,
                    kind,
                }))
            }
            // The cleaner panicked on this feed's input: store nothing new and
            // record it as the feed's error, so the next fetch retries in full.
            Err(crashed) => Ok(Err(format!(
                "cleaner crashed on this feed's entries: {crashed}"
            ))),
        }
    }
}

/// What the clean stage made of a feed's new and changed entries.
struct Prepared {
    /// Entries ready to write.
    entries: Vec<ReadyEntry>,
    /// The feed's template, which learned from them.
    template: Option<FeedTemplate>,
    /// What the matcher read ahead for them.
    prefetched: Option<crate::dedup::Prefetched>,
    /// What the filters dropped and let in again.
    filtered: store::FilterOutcome,
    /// The feed's kind (teasers or full content).
    kind: Option<ContentKind>,
}

/// How the fetch, parse and clean stages ended for one feed.
enum Outcome {
    /// HTTP 304: nothing changed since the stored validators.
    NotModified,
    /// The feed parsed; its new and changed entries are ready to write.
    Parsed(Box<Prepared>),
    /// The feed failed: recorded as its error; it backs off, at least as
    /// long as the server's Retry-After.
    Failed {
        error: String,
        retry_after: Option<Duration>,
    },
}

/// One feed after [`Pipeline::fetch_and_prepare`].
struct Fetched<'a> {
    outcome: Outcome,
    /// How long the server says the feed stays unchanged (Cache-Control,
    /// Expires, `<ttl>`).
    hint: Option<Duration>,
    /// Where the feed came from, for the page step's SSRF guard.
    feed_addr: Option<std::net::IpAddr>,
    /// Held from parse to commit (see `Pipeline::processing`).
    processing: Option<tokio::sync::SemaphorePermit<'a>>,
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
