-- Anchor shingles of each entry's content_text (dedup::fingerprint::Analysis::anchors:
-- the smallest shingle hashes, low 32 bits), the candidate source of de-duplication.
-- Stored so that loading the window's index does not re-read and re-analyse every
-- content_text. Written with the entry's simhash and story_id by dedup::assign,
-- in the same format version (meta 'dedup.fingerprint_version').
CREATE TABLE entry_anchors (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    anchors  BLOB NOT NULL          -- u32 values, 4 bytes little-endian each, smallest hash first
);
