//! The window's bookkeeping: the in-memory indexes of recent entries
//! ([`Window`]) and the log of edits that makes a read-ahead stale
//! ([`EditLog`]). Pure: it never reads the database.

use std::collections::HashMap;

use super::fingerprint;
use super::index::{AnchorIndex, KeyIndex};
use super::rows::Batch;

/// Which entries were edited when, in generations: `assign` starts a new
/// generation per call; a read-ahead notes the generation it started in.
#[derive(Debug, Default)]
pub(super) struct EditLog {
    pub(super) generation: u64,
    /// Each edited entry and the generation of its last edit.
    pub(super) edited: HashMap<i64, u64>,
    /// The first generation whose edits are all in `edited`: those before
    /// it were forgotten (the log is bounded). 0 until then, so a
    /// read-ahead begun before any edit is fresh (counting generation 0 as
    /// forgotten threw every read-ahead away and read it all again under
    /// the writer).
    pub(super) kept_from: u64,
}

/// Edited entries remembered at most; past this the log starts over and
/// read-aheads older than that are read again under the writer.
pub(super) const EDITS_KEPT: usize = 65_536;

impl EditLog {
    pub(super) fn record(&mut self, ids: &[i64]) {
        self.generation += 1;
        if self.edited.len() + ids.len() > EDITS_KEPT {
            self.edited.clear();
            self.kept_from = self.generation;
        }
        for &id in ids {
            self.edited.insert(id, self.generation);
        }
    }

    /// Whether anything a read-ahead begun in `generation` may have read
    /// was edited since (or may have been: the edit of the generation it
    /// began in may not have been committed yet when it read).
    pub(super) fn stale(&self, generation: u64, batch: &Batch) -> bool {
        if generation < self.kept_from {
            return true;
        }
        let touched = |id: &i64| self.edited.get(id).is_some_and(|&g| g >= generation);
        batch.rows.keys().any(touched)
            || batch.meta.keys().any(touched)
            || batch.sketches.keys().any(touched)
    }
}

/// The recent entries the matcher looks candidates up in. The anchor index
/// also keeps each entry's simhash: `max_distance` rejects an anchor
/// candidate on it before its row is read.
#[derive(Debug, Default)]
pub(super) struct Window {
    pub(super) anchors: AnchorIndex,
    pub(super) keys: KeyIndex,
    /// Latest entry time seen; the window reaches back from here.
    pub(super) newest: i64,
    /// The highest change number (`store::stories::ChangesRead`) whose
    /// change the window holds: where the next look at what other daemons
    /// committed starts. 0 on a database that numbers no changes.
    pub(super) seen: i64,
    /// The transaction of the last look ([`super::Deduper::catch_up`]):
    /// only inside it may this daemon's own changes be marked as seen.
    pub(super) caught_up_in: Option<i64>,
}

impl Window {
    pub(super) fn reserve(&mut self, entries: usize) {
        self.anchors.reserve(entries);
        self.keys.reserve(entries);
    }

    pub(super) fn add(
        &mut self,
        id: i64,
        anchors: &[u32],
        time: i64,
        keys: Vec<String>,
        simhash: u64,
        story: i64,
    ) {
        // An empty text has no anchors and is only removed (if it was there).
        self.anchors.insert(id, anchors, time, simhash, story);
        self.keys.insert(id, &keys, time, story);
    }

    /// Takes entry `id` out (deleted, or no longer a candidate).
    pub(super) fn remove(&mut self, id: i64) {
        self.anchors.remove(id);
        self.keys.remove(id);
    }

    pub(super) fn prune_before(&mut self, horizon: i64, window: i64) {
        self.anchors.prune_before(horizon, window);
        self.keys.prune_before(horizon, window);
    }
}

/// The exact-match keys of an entry: its normalised title and link.
pub(super) fn keys_of(title: Option<&str>, url: Option<&str>) -> Vec<String> {
    let title = title.and_then(fingerprint::title_key);
    let url = url.and_then(fingerprint::url_key);
    title
        .map(|t| format!("t:{t}"))
        .into_iter()
        .chain(url.map(|u| format!("u:{u}")))
        .collect()
}
