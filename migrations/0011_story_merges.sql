-- Stories as connected components (issue 17): an entry that matches entries of
-- several stories joins them; the story with the lowest id survives, the others'
-- entries move to it and their rows are deleted. Each merged-away id is kept here,
-- pointing at the story that holds its entries now (always a live story: when
-- that story is merged in turn, its merges are re-pointed), so ids that users
-- keep in their own queries and exports still resolve. `rededup` gives out new
-- story ids and empties it.
CREATE TABLE story_merges (
    story_id  INTEGER PRIMARY KEY,  -- the merged-away story id (no row in stories any more)
    into_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    merged_at TEXT NOT NULL         -- RFC 3339 UTC: when the bridging entry was stored
);
CREATE INDEX story_merges_into ON story_merges(into_id);

-- Every story id ever given out since the last rededup, live or merged away, with
-- the live story that holds its entries: `SELECT current_story_id FROM story_ids
-- WHERE story_id = ?`.
CREATE VIEW story_ids AS
    SELECT id AS story_id, id AS current_story_id FROM stories
    UNION ALL
    SELECT story_id, into_id FROM story_merges;

-- The facts of each entry's text (dedup::fingerprint::facts_of: numbers and names,
-- each with a hash of the two words before it, 8 bytes little-endian each), which
-- verification weighs against a match when two texts state them differently.
-- NULL for rows written before this migration: those are verified from their text
-- (and the fingerprint version 3 that came with it regroups every story at start).
ALTER TABLE entry_shingles ADD COLUMN facts BLOB;
