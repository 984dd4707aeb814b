//! The page step: for a feed's teaser entries (stored already, with their
//! teaser), fetches the pages due behind the SSRF guard, extracts and cleans
//! their articles on a worker, judges each against its teaser and writes the
//! outcomes in one transaction through the de-duplicator's edit path
//! ([`write_pages`]). A page's failure is its entry's; it never fails the
//! feed.

use chrono::Utc;
use url::Url;

use crate::clean::{Cleaner, CompiledRules, EntryInput, FeedTemplate};
use crate::fetch::{Reach, Validators};
use crate::fulltext;
use crate::parse;
use crate::store;

use super::{FeedJob, Pipeline, PipelineError, describe_fetch_error, write_pages};

impl Pipeline {
    /// The page step: fetches the pages due for this feed (at most
    /// `pages_per_run`, concurrently within the fetcher's host and global
    /// limits), extracts and cleans their articles on a worker (the batch
    /// teaches the feed's template, as entries do), and writes each entry's
    /// outcome. Returns the articles stored, the pages that left the
    /// teaser and the writers whose box the pages taught the template. A
    /// page's failure is its entry's, retried with capped backoff; only a
    /// database failure is returned.
    pub(super) async fn fetch_pages(
        &self,
        job: &FeedJob,
        feed_addr: Option<std::net::IpAddr>,
    ) -> Result<(usize, usize, Vec<String>), PipelineError> {
        let now = Utc::now();
        let due = self.store.read_db(|db| {
            store::due_pages(db, job.id, &store::timestamp(now), job.pages_per_run)
        })?;
        if due.is_empty() {
            return Ok((0, 0, Vec::new()));
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
            let mut learned = self.store.read_db(|db| store::load_template(db, job.id))?;
            let cleaner = self.cleaner();
            let rules = job.rules.clone();
            let pages: Vec<PageToRead> = read
                .iter()
                .map(|(page, url, stored, _)| PageToRead {
                    teaser: page.teaser_text.clone(),
                    url: url.clone(),
                    html: stored.html.clone(),
                    authors: page.authors.clone(),
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
        write_pages(
            &self.store,
            &self.deduper,
            job.id,
            &writes,
            template.as_ref(),
        )
        .await?;
        let writers_learned = template
            .as_mut()
            .map(FeedTemplate::take_writers_learned)
            .unwrap_or_default();
        Ok((articles, failed, writers_learned))
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
}

/// One fetched page to read: the teaser its article must beat, where the
/// page ended up, and the page.
pub struct PageToRead {
    pub teaser: String,
    pub url: String,
    pub html: String,
    /// The entry's writers, as its feed named them.
    pub authors: Vec<String>,
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
    let inputs: Vec<EntryInput<'_>> = pages
        .iter()
        .zip(&articles)
        .filter_map(|(page, article)| {
            article.as_ref().map(|a| EntryInput {
                html: &a.html,
                authors: page_writers(&page.authors, &a.authors),
            })
        })
        .collect();
    let mut cleaned = cleaner.clean_entries(&inputs, rules, template).into_iter();
    pages
        .iter()
        .zip(&articles)
        .map(|(page, article)| {
            let cleaned = article.as_ref().and_then(|_| cleaned.next());
            page_outcome(&page.teaser, cleaned)
        })
        .collect()
}

/// The writers a page's cleaning goes by: the feed's for the entry, else
/// those the page itself names.
pub fn page_writers<'a>(entry: &'a [String], page: &'a [String]) -> &'a [String] {
    if entry.is_empty() { page } else { entry }
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
