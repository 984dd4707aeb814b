//! The matcher: candidates of an entry from the window, which of them are
//! worth reading, verification, and the stories an entry links. It decides;
//! the rows it reads and writes go through [`super::rows`].

use crate::store::Db;

use super::fingerprint::{self, Shingles, headlines_agree, verdict};
use super::rows::*;
use super::{
    DedupError, Deduper, MAX_CANDIDATES, MIN_SHARED_ANCHORS, MIN_SKETCH_HITS, window_secs,
};
use crate::store::stories;

impl Deduper {
    /// Places one entry whose row is written: it joins (and merges) the
    /// stories of the entries it matches; matching none, it keeps its story
    /// if it is alone there, or starts one. An entry that leaves its story
    /// does not split what stays (a bridge edited away): `rededup` does.
    pub(super) fn assign_one(
        &self,
        conn: Db<'_>,
        batch: &mut Batch,
        id: i64,
    ) -> Result<(), DedupError> {
        let Some(entry) = batch.rows.get(&id) else {
            return Ok(());
        };
        // Every entry being assigned was analysed from its text (Need::Analyse).
        let Text::Analysed(analysis) = &entry.text else {
            return Ok(());
        };
        let analysis = analysis.clone();
        let (chars, previous, at) = (entry.chars, entry.story_id, entry.changed_at.clone());
        let linked = self.linked_stories(conn, batch, id)?;
        let story = match linked.split_first() {
            Some((&survivor, merged)) => {
                for &from in merged {
                    crate::store::merge_stories(conn, from, survivor, &at)?;
                    batch.rename_story(from, survivor);
                }
                survivor
            }
            None => match previous {
                Some(story) if !crate::store::story_has_others(conn, story, id)? => story,
                _ => new_story(conn, batch, id)?,
            },
        };
        write_entry(conn, id, &analysis, chars, story)?;
        stories::refresh(conn, story)?;
        if let Some(old) = previous.filter(|old| *old != story && !linked.contains(old)) {
            // Re-chooses the canonical if it left; deletes the story if empty.
            stories::refresh(conn, old)?;
        }
        if let Some(entry) = batch.rows.get_mut(&id) {
            entry.story_id = Some(story);
            self.remember(entry, id, &analysis, story);
        }
        Ok(())
    }

    /// The stories (current ids, sorted, each once) of the window's entries
    /// that entry `id` matches. A candidate whose story is linked already is
    /// skipped: verifying it could not change the partition.
    pub(super) fn linked_stories(
        &self,
        conn: Db<'_>,
        batch: &mut Batch,
        id: i64,
    ) -> Result<Vec<i64>, DedupError> {
        let Some(entry) = batch.rows.get(&id) else {
            return Ok(Vec::new());
        };
        let candidates = self.candidates(entry, id);
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        load_meta(conn, batch, candidates.iter().map(|c| c.id))?;
        let mut linked: Vec<i64> = Vec::new();
        for candidate in self.in_time(batch, id, &candidates) {
            let Some((story, _)) = batch.placed(candidate.id) else {
                continue;
            };
            if story.is_some_and(|s| linked.contains(&s))
                || !self.worth_reading(batch, id, candidate)
            {
                continue;
            }
            if !self.verify(conn, batch, id, candidate)? {
                continue;
            }
            match self.current_story(conn, batch, id, candidate)? {
                Some(story) if !linked.contains(&story) => linked.push(story),
                _ => {}
            }
        }
        linked.sort_unstable();
        Ok(linked)
    }

    /// Reads candidate `other`'s shingles if needed and verifies entry `id`
    /// against it: the sketch test the other way, then [`Deduper::score`].
    pub(super) fn verify(
        &self,
        conn: Db<'_>,
        batch: &mut Batch,
        id: i64,
        other: Candidate,
    ) -> Result<bool, DedupError> {
        load_rows(conn, batch, &[other.id], Need::Verify)?;
        let (Some(entry), Some(candidate)) = (batch.rows.get(&id), batch.rows.get(&other.id))
        else {
            return Ok(false); // rolled back or deleted under us: not a match
        };
        Ok(self.sketches_agree(batch, other.id, id, candidate, entry)
            && self.score(entry, candidate, other.anchored).is_some())
    }

    /// The story candidate `other` is in now. A candidate read before the
    /// writer was taken ([`Deduper::prefetch`]) may have been merged into
    /// another story or edited since, by a feed committed in between: its
    /// story is read again, and if its text changed it is verified again.
    pub(super) fn current_story(
        &self,
        conn: Db<'_>,
        batch: &mut Batch,
        id: i64,
        candidate: Candidate,
    ) -> Result<Option<i64>, DedupError> {
        let other = candidate.id;
        if batch.unwritten.contains(&other) {
            return Ok(batch.rows.get(&other).and_then(|r| r.story_id));
        }
        let Some((story, changed_at)) = crate::store::entry_story(conn, other)? else {
            return Ok(None);
        };
        let edited = batch
            .rows
            .get(&other)
            .is_some_and(|r| r.changed_at != changed_at);
        if edited {
            batch.rows.remove(&other);
            if !self.verify(conn, batch, id, candidate)? {
                return Ok(None);
            }
        }
        if let Some(row) = batch.rows.get_mut(&other) {
            row.story_id = story;
        }
        Ok(story)
    }

    /// The `candidates` of entry `id` (their metadata loaded) fetched within
    /// `window` of it, in order.
    pub(super) fn in_time(
        &self,
        batch: &Batch,
        id: i64,
        candidates: &[Candidate],
    ) -> Vec<Candidate> {
        let Some(time) = batch.rows.get(&id).and_then(|e| e.time) else {
            return Vec::new();
        };
        let window = window_secs(&self.config);
        let times = time.saturating_sub(window)..=time.saturating_add(window);
        candidates
            .iter()
            .copied()
            .filter(|c| {
                batch
                    .placed(c.id)
                    .is_some_and(|(_, t)| t.is_some_and(|t| times.contains(&t)))
            })
            .collect()
    }

    /// Whether candidate `other` of entry `id` is worth reading, judged on
    /// its anchors (its bottom-k sketch) alone: at least [`MIN_SKETCH_HITS`]
    /// of them must be shingles of the entry. A copy contains each of the
    /// other's anchors with probability of at least their Jaccard
    /// similarity, so one at the verification floor (J 0.3) fails this with
    /// probability 0.2% (binomial, 24 draws); an unrelated entry that
    /// shares one common phrase (the anchor that made it a candidate)
    /// passes it rarely. Once read, the same test runs the other way
    /// ([`Deduper::sketches_agree`]), so the pair's verdict is the same
    /// whichever came first. A short entry, and a candidate without stored
    /// anchors, are always read. So is a candidate sharing a title or link
    /// key: it may be short, and a short text matches on its keys; if it is
    /// long, its sketch fails again once read. One that shares no key and
    /// fails the sketch test cannot match, long or short, so its length
    /// (stored only in `entry_shingles`, a page a row) is never read.
    pub(super) fn worth_reading(&self, batch: &Batch, id: i64, other: Candidate) -> bool {
        let Some(entry) = batch.rows.get(&id) else {
            return false;
        };
        !self.is_long(entry)
            || other.by_key
            || batch
                .rows
                .get(&other.id)
                .is_some_and(|row| !self.is_long(row))
            || sketch_hits(batch.sketch(other.id), entry.text.shingles())
    }

    /// The sketch test both ways, for two long entries: `a`'s anchors in
    /// `b`'s shingles and `b`'s in `a`'s.
    pub(super) fn sketches_agree(
        &self,
        batch: &Batch,
        a: i64,
        b: i64,
        row_a: &Loaded,
        row_b: &Loaded,
    ) -> bool {
        !self.is_long(row_a)
            || !self.is_long(row_b)
            || (sketch_hits(batch.sketch(a), row_b.text.shingles())
                && sketch_hits(batch.sketch(b), row_a.text.shingles()))
    }

    /// The window's entries that may be copies of `entry` (never `id`
    /// itself): those with the same title or link key, then those sharing
    /// an anchor and within `max_distance` bits, at most
    /// [`MAX_CANDIDATES`] of them, most shared anchors first; the
    /// distance is waived for those anchored to it (sharing
    /// [`MIN_SHARED_ANCHORS`] anchors or an anchor of both starts: an
    /// excerpt and its article lie up to ~34 bits apart). A short entry (under
    /// `min_words`) takes only anchored ones: it can match a long one by
    /// its shingles only as its excerpt, which needs that
    /// ([`Deduper::score`]). Both tests are symmetric, so a pair is found
    /// whichever entry comes second.
    pub(super) fn candidates(&self, entry: &Loaded, id: i64) -> Vec<Candidate> {
        let Some(time) = entry.time else {
            return Vec::new();
        };
        let window = window_secs(&self.config);
        let times = time.saturating_sub(window)..=time.saturating_add(window);
        let keys = entry.keys();
        let window = self.lock();
        let mut candidates: Vec<Candidate> = window
            .keys
            .lookup(&keys)
            .into_iter()
            .filter(|&c| c != id)
            .map(|id| Candidate {
                id,
                by_key: true,
                anchored: false,
            })
            .collect();
        let Some(analysis) = entry.text.analysis() else {
            return candidates;
        };
        let long = self.is_long(entry);
        let own = analysis.fingerprint();
        let mut ranked: Vec<(usize, u32, i64, bool)> = window
            .anchors
            .ranked_candidates(analysis.anchors(), times, id)
            .into_iter()
            .filter_map(|c| {
                // The fast filter: a candidate sharing one anchor whose
                // simhash is further than max_distance bits is not worth
                // reading from disk. Two shared anchors, or one of both
                // texts' starts, are evidence enough: an excerpt and its
                // article lie up to ~34 bits apart.
                let distance = (own ^ c.simhash).count_ones();
                let anchored = c.shared >= MIN_SHARED_ANCHORS || c.lead;
                (anchored || (long && distance <= self.config.max_distance))
                    .then_some((c.shared, distance, c.id, anchored))
            })
            .collect();
        // Texts that share passages with many others (a paragraph quoted
        // across a beat, a boilerplate line the cleaner kept) would otherwise
        // make every entry read and verify hundreds of rows. Copies share the
        // most anchors and the nearest simhash, so the best few are enough.
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        ranked.truncate(MAX_CANDIDATES);
        for (_, _, c, anchored) in ranked {
            match candidates.iter_mut().find(|k| k.id == c) {
                Some(by_key) => by_key.anchored = anchored,
                None => candidates.push(Candidate {
                    id: c,
                    by_key: false,
                    anchored,
                }),
            }
        }
        candidates
    }

    /// How well two entries match as copies of one story (higher is better),
    /// or `None` if they are not copies; symmetric. Texts of at least
    /// `min_words` words are compared on shingles and facts, and on their
    /// headlines where the shingles cannot tell an excerpt from a digest
    /// ([`fingerprint::verdict`]). Shorter ones match on normalised title
    /// or link, and must state no fact differently; or a short one is an
    /// excerpt of a long one (an aggregator's first paragraph or two) when
    /// the index found them `anchored` (what both find in it, so the
    /// verdict does not depend on which came first) and the shingles say
    /// excerpt.
    pub(super) fn score(&self, a: &Loaded, b: &Loaded, anchored: bool) -> Option<f64> {
        let (sa, sb) = (a.text.shingles(), b.text.shingles());
        let headline = || headlines_agree(a.title.as_deref(), b.title.as_deref());
        let (long_a, long_b) = (self.is_long(a), self.is_long(b));
        if long_a && long_b {
            return verdict(sa, sb, headline())
                .ok()
                .map(|m| m.similarity.containment + m.similarity.jaccard);
        }
        let keys = b.keys();
        if a.keys().iter().any(|k| keys.contains(k))
            && fingerprint::conflicts(&sa.facts, &sb.facts) == 0
        {
            return Some(0.0);
        }
        (long_a != long_b && anchored)
            .then(|| verdict(sa, sb, headline()).ok().filter(|m| m.excerpt))
            .flatten()
            .map(|_| 0.0)
    }

    pub(super) fn is_long(&self, entry: &Loaded) -> bool {
        entry.text.shingles().words >= self.config.min_words
    }
}

/// Whether at least [`MIN_SKETCH_HITS`] of `sketch`'s anchors are among
/// `shingles` (true without a sketch, or one too small to tell).
pub(super) fn sketch_hits(sketch: Option<&[u32]>, shingles: &Shingles) -> bool {
    match sketch {
        Some(sketch) if sketch.len() >= MIN_SKETCH_HITS => sketch
            .iter()
            .filter(|&&a| shingles.has_anchor(a))
            .nth(MIN_SKETCH_HITS - 1)
            .is_some(),
        _ => true,
    }
}
