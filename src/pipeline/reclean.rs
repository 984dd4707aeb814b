//! Cleaning stored entries again from their raw HTML (and stored page):
//! `feedsieve reclean` does it for every entry after the rules change, and
//! the pipeline for a writer's earlier entries of a feed once the template
//! has learned that writer's box, so that the box goes from the entries that
//! taught it too.
//!
//! [`recleaned`] is pure: it decides an entry's new text. The step writes
//! the texts that changed in one transaction, where the de-duplicator
//! re-assigns them, as for an edited entry. It never fetches.

use url::Url;

use super::{FeedJob, Pipeline, PipelineError, page_outcome, page_writers};
use crate::clean::{Cleaner, CompiledRules, EntryInput, FeedTemplate};
use crate::store::{self, PageOutcome, StoredText, TextRewrite};

/// The newest entries of a feed whose writers are looked at when their box
/// is learned: a box is learned by its third fresh entry, and a writer's
/// blocks seen fewer times are forgotten after 100 of the feed's entries.
const WRITERS_RECENT_ENTRIES: i64 = 200;

/// An entry cleaned again with `template` (not taught by it), from its raw
/// HTML and, when its text came from its page, the page extracted again;
/// `None` when nothing changed or its stored values cannot be read.
pub fn recleaned(
    cleaner: &Cleaner,
    rules: Option<&CompiledRules>,
    template: &FeedTemplate,
    mut row: StoredText,
) -> Option<TextRewrite> {
    let (raw, page) = row.unpacked.take()?;
    let entry = EntryInput {
        html: &raw,
        authors: &row.authors,
    };
    let cleaned = cleaner.clean_entry(entry, rules, Some(template));
    let teaser = row.teaser.then(|| cleaned.text.clone());
    // A stored page is read again from its stored HTML.
    let article = page.as_deref().map(|page| {
        let url = row.page_url.as_deref().and_then(|u| Url::parse(u).ok());
        let article = crate::extract::extract(page, url.as_ref()).map(|a| {
            let page = EntryInput {
                html: &a.html,
                authors: page_writers(&row.authors, &a.authors),
            };
            cleaner.clean_entry(page, rules, Some(template))
        });
        page_outcome(&cleaned.text, article)
    });
    let (html, text, source) = match article {
        Some(PageOutcome::Article { html, text }) => (html, text, "page"),
        _ => (cleaned.html, cleaned.text, "feed"),
    };
    let same = row.html.as_deref() == Some(html.as_str())
        && row.text.as_deref() == Some(text.as_str())
        && row.text_source == source;
    (!same).then(|| TextRewrite {
        id: row.id,
        // Packed again: the stored frame decodes only with the
        // content_html this replaces.
        raw: store::codec::Packed::against(&raw, &html),
        html,
        text,
        source,
        teaser,
    })
}

impl Pipeline {
    /// The writers' step: when this fetch taught the template the box of
    /// `writers` (or the place of every writer's box:
    /// [`ANY_WRITER`](crate::clean::ANY_WRITER)), their entries among the feed's newest are cleaned again
    /// with it (but those this fetch `written`, cleaned with it already) and
    /// those whose text changed are written. Returns how many. A crash of
    /// the cleaner here leaves the entries as they were.
    pub(super) async fn reclean_writers(
        &self,
        job: &FeedJob,
        writers: Vec<String>,
        written: &[i64],
    ) -> Result<usize, PipelineError> {
        if writers.is_empty() {
            return Ok(0);
        }
        // Only the writers' entries this fetch did not write are unpacked.
        let wanted = |id: i64, authors: &[String]| {
            !written.contains(&id) && crate::clean::relearned(&writers, authors)
        };
        let rows: Vec<StoredText> = self.store.read_db(|db| {
            store::newest_stored_texts(db, job.id, WRITERS_RECENT_ENTRIES, &wanted)
        })?;
        if rows.is_empty() {
            return Ok(0);
        }
        let template = self.store.read_db(|db| store::load_template(db, job.id))?;
        let cleaner = self.cleaner();
        let rules = job.rules.clone();
        let rewrites = self
            .workers
            .run(move || {
                rows.into_iter()
                    .filter_map(|row| recleaned(&cleaner, rules.as_deref(), &template, row))
                    .collect::<Vec<_>>()
            })
            .await;
        let rewrites = match rewrites {
            Ok(rewrites) => rewrites,
            Err(crashed) => {
                tracing::warn!(feed = %job.feed.url, %crashed, "cleaning a writer's entries again crashed");
                return Ok(0);
            }
        };
        super::write::write_rewrites(&self.store, &self.deduper, &rewrites).await?;
        tracing::debug!(feed = %job.feed.url, writers = ?writers, entries = rewrites.len(), "writers' boxes removed from earlier entries");
        Ok(rewrites.len())
    }
}
