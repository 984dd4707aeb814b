//! The rows the matcher works on: entries read back (their stored
//! shingles or their text analysed), candidates' metadata and sketches,
//! kept per batch so nothing is read twice; and the writes of an entry's
//! analysis and story. Every statement is in `store::stories`.

use std::collections::{HashMap, HashSet};

use crate::store::Db;
use chrono::DateTime;

use super::DedupError;
use super::fingerprint::{Analysis, Shingles};
use super::window::keys_of;
use crate::store::stories;

/// One entry row as the matcher needs it, with its text analysed.
#[derive(Debug)]
pub(super) struct Loaded {
    pub(super) title: Option<String>,
    pub(super) url: Option<String>,
    pub(super) fetched_at: String,
    pub(super) changed_at: String,
    pub(super) story_id: Option<i64>,
    /// `fetched_at` in unix seconds; `None` if it does not parse.
    pub(super) time: Option<i64>,
    pub(super) text: Text,
    /// The text's length in characters (`entry_shingles.chars`).
    pub(super) chars: Option<i64>,
}

/// An entry's text as the matcher has it.
#[derive(Debug)]
pub(super) enum Text {
    /// Analysed from the text: an entry being placed or assigned, which
    /// needs its simhash and anchors to find candidates.
    Analysed(std::sync::Arc<Analysis>),
    /// Read back from `entry_shingles`: a candidate, only verified against.
    Stored(Shingles),
}

impl Text {
    pub(super) fn shingles(&self) -> &Shingles {
        match self {
            Text::Analysed(analysis) => &analysis.shingles,
            Text::Stored(shingles) => shingles,
        }
    }

    pub(super) fn analysis(&self) -> Option<&Analysis> {
        match self {
            Text::Analysed(analysis) => Some(analysis),
            Text::Stored(_) => None,
        }
    }
}

impl Loaded {
    pub(super) fn keys(&self) -> Vec<String> {
        keys_of(self.title.as_deref(), self.url.as_deref())
    }
}

/// What a candidate is known by before its shingles are read ([`load_meta`]):
/// what the placement index and `entry_anchors` hold, never `entry_shingles`,
/// whose rows are a page each (reading one per candidate was a sixth of
/// ingest CPU).
#[derive(Debug, Clone, Copy)]
pub(super) struct Meta {
    pub(super) story: Option<i64>,
    pub(super) time: Option<i64>,
}

/// A candidate of an entry, whether the key index found it (it shares
/// a normalised title or link with the entry's), and whether the anchor
/// index found it anchored to the entry: sharing
/// [`super::MIN_SHARED_ANCHORS`] indexed anchors or a lead anchor of both
/// ([`super::index::Ranked::lead`]), the same whichever of the two looks
/// the other up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Candidate {
    pub(super) id: i64,
    pub(super) by_key: bool,
    pub(super) anchored: bool,
}

/// Rows, candidates' metadata and sketches read while placing or assigning
/// entries, so nothing is read twice and earlier entries of a batch are
/// seen by later ones.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) rows: HashMap<i64, Loaded>,
    /// Story and time of candidates read without their text.
    pub(super) meta: HashMap<i64, Meta>,
    /// Stored anchors (the bottom-k sketch) of candidates ([`load_meta`]).
    pub(super) sketches: HashMap<i64, Vec<u32>>,
    /// Entries of this batch whose rows are not written yet (being placed).
    pub(super) unwritten: HashSet<i64>,
}

impl Batch {
    /// An entry's story and time, from its full row or its metadata.
    pub(super) fn placed(&self, id: i64) -> Option<(Option<i64>, Option<i64>)> {
        self.rows
            .get(&id)
            .map(|r| (r.story_id, r.time))
            .or_else(|| self.meta.get(&id).map(|m| (m.story, m.time)))
    }

    /// The entry's anchors: from its analysis, else its stored sketch.
    pub(super) fn sketch(&self, id: i64) -> Option<&[u32]> {
        match self.rows.get(&id).and_then(|r| r.text.analysis()) {
            Some(analysis) => Some(analysis.anchors()),
            None => self.sketches.get(&id).map(Vec::as_slice),
        }
    }

    /// Every entry of story `from` in the batch now counts in story `into`.
    pub(super) fn rename_story(&mut self, from: i64, into: i64) {
        for row in self.rows.values_mut() {
            if row.story_id == Some(from) {
                row.story_id = Some(into);
            }
        }
        for meta in self.meta.values_mut() {
            if meta.story == Some(from) {
                meta.story = Some(into);
            }
        }
    }
}

/// What [`load_rows`] makes of each row's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    /// Its shingles as stored in `entry_shingles`, without reading the
    /// text: a canonical entry, only verified against. An entry stored
    /// before that table existed is read and analysed from its text.
    Verify,
    /// Its text analysed: an entry being assigned, which needs its simhash
    /// and anchors.
    Analyse,
}

/// Loads the rows of `ids` not loaded yet, as `need` says. Ids without a
/// row are silently absent from the batch.
pub(super) fn load_rows(
    conn: Db<'_>,
    batch: &mut Batch,
    ids: &[i64],
    need: Need,
) -> Result<(), DedupError> {
    let missing = unique(
        ids.iter()
            .copied()
            .filter(|id| !batch.rows.contains_key(id)),
    );
    let read = match need {
        Need::Verify => stories::TextRead::IfUnstored,
        Need::Analyse => stories::TextRead::Always,
    };
    for row in stories::match_rows(conn, &missing, read)? {
        let stories::MatchRow {
            id,
            title,
            url,
            fetched_at,
            changed_at,
            story_id,
            words,
            shingles,
            facts,
            text,
            chars,
        } = row;
        let text = match (need, words, shingles, facts) {
            (Need::Verify, Some(words), Some(shingles), Some(facts)) => {
                let words = usize::try_from(words).unwrap_or(0);
                Text::Stored(Shingles::decode(words, &shingles).with_facts(&facts))
            }
            _ => Text::Analysed(std::sync::Arc::new(Analysis::of(
                text.as_deref().unwrap_or(""),
            ))),
        };
        batch.rows.insert(
            id,
            Loaded {
                title,
                url,
                time: parse_time(&fetched_at),
                fetched_at,
                changed_at,
                story_id,
                text,
                chars,
            },
        );
    }
    Ok(())
}

/// Reads the story, time and stored anchors (sketch) of each of `ids` not
/// read yet, without their text: what decides whether a candidate is worth
/// reading.
pub(super) fn load_meta(
    conn: Db<'_>,
    batch: &mut Batch,
    ids: impl Iterator<Item = i64>,
) -> Result<(), DedupError> {
    let missing = unique(ids.filter(|id| batch.placed(*id).is_none()));
    let rows = stories::placed_rows(conn, &missing)?;
    for stories::PlacedRow {
        id,
        fetched_at,
        story,
        sketch,
    } in rows
    {
        if let Some(sketch) = sketch {
            batch.sketches.insert(id, decode_anchors(&sketch));
        }
        batch.meta.insert(
            id,
            Meta {
                story,
                time: parse_time(&fetched_at),
            },
        );
    }
    Ok(())
}

/// The ids once each, sorted.
pub(super) fn unique(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

pub(super) fn write_entry(
    conn: Db<'_>,
    id: i64,
    analysis: &Analysis,
    chars: Option<i64>,
    story: i64,
) -> Result<(), DedupError> {
    save_analysis(conn, id, analysis, chars)?;
    // SQLite has no unsigned 64-bit integer: the bits are stored as i64.
    stories::set_entry_story(conn, id, analysis.fingerprint() as i64, story)?;
    Ok(())
}

/// Stores an entry's anchors (its sketch), shingles and facts, replacing
/// what it had: every change of an entry's text comes through here, so the
/// stored shingles are never those of an older text.
pub(super) fn save_analysis(
    conn: Db<'_>,
    id: i64,
    analysis: &Analysis,
    chars: Option<i64>,
) -> Result<(), DedupError> {
    let stored = stories::StoredAnalysis {
        anchors: encode_anchors(analysis.anchors()),
        words: i64::try_from(analysis.words()).unwrap_or(i64::MAX),
        chars,
        shingles: analysis.shingles.encode(),
        facts: analysis.shingles.encode_facts(),
    };
    stories::save_analysis(conn, id, &stored)?;
    Ok(())
}

/// Anchors as stored in `entry_anchors.anchors`: 4 bytes little-endian each.
pub(super) fn encode_anchors(anchors: &[u32]) -> Vec<u8> {
    anchors.iter().flat_map(|a| a.to_le_bytes()).collect()
}

/// Reads stored anchors; a trailing partial value (a damaged row) is ignored.
pub(super) fn decode_anchors(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

pub(super) fn new_story(conn: Db<'_>, batch: &Batch, id: i64) -> Result<i64, DedupError> {
    let row = match batch.rows.get(&id) {
        Some(e) => stories::StoryRow {
            canonical: Some(id),
            title: e.title.clone(),
            url: e.url.clone(),
            first_seen_at: e.fetched_at.clone(),
            updated_at: e.changed_at.clone(),
        },
        None => stories::StoryRow {
            canonical: Some(id),
            title: None,
            url: None,
            first_seen_at: String::new(),
            updated_at: String::new(),
        },
    };
    Ok(stories::insert_story(conn, None, &row)?)
}

pub(super) fn parse_time(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp())
}
