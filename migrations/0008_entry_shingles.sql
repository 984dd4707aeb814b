-- The shingles of each entry's content_text as the de-duplicator verifies copies on
-- them (dedup::fingerprint::Shingles: the low 24 bits of each word 3-shingle's hash),
-- so a story's canonical entry is checked without reading its text, which lies in the
-- entries row behind content_raw and content_html (~20 KB of overflow pages), and
-- without analysing it again. Written with entry_anchors by the de-duplicator, in the
-- same format version (meta 'dedup.fingerprint_version'). Entries stored before this
-- table existed have no row here and are verified from their text.
CREATE TABLE entry_shingles (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    words    INTEGER NOT NULL,      -- normalised words in the text
    chars    INTEGER,               -- length(content_text); NULL without a text
    shingles BLOB NOT NULL          -- 24-bit values in text order, 3 bytes little-endian each
);
