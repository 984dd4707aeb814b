-- feedsieve schema, version 15: a database a year of feeds can afford (issue 20).
--
-- 1. What only feedsieve reads back is kept compressed (zstd, src/store/codec.rs):
--    the raw HTML of each entry (for `reclean`) and the fetched pages. The new
--    rows of a 200 x 50 bench database kept 60 MB of raw HTML as text, a fifth of
--    the file. `content_raw` is NULL from now on and `content_raw_zstd` holds it;
--    `entry_pages.html` is '' and `html_zstd` holds the page. Existing rows are
--    converted after this migration by store::codec::convert (in Rust, in batches
--    of their own transactions, with a progress line): the meta rows below are its
--    resume points (the last id converted), deleted when it is done, so an
--    interrupted conversion goes on where it stopped at the next open.
-- 2. The full-text index no longer keeps its own copy of every story's text
--    (story_search_content was 48 MB on that database, 15% of it): it becomes an
--    external-content FTS5 table reading the canonical entry's title and text
--    through the view story_search_source, so snippet() and highlight() still work
--    in any sqlite3. An external-content index must be told the exact values it
--    indexed when a row leaves it, so the triggers keep one rule: a story in
--    search_dirty has no tokens in the index, and a story not in it is indexed with
--    exactly what story_search_source says. Before anything that changes what the
--    view says of an indexed story, its tokens are deleted with the old values and
--    the story is queued; the catch-up (search::catch_up) only inserts.

ALTER TABLE entries ADD COLUMN content_raw_zstd BLOB;   -- the HTML exactly as received, zstd-compressed
ALTER TABLE entry_pages ADD COLUMN html_zstd BLOB;      -- the page as received, zstd-compressed

INSERT OR REPLACE INTO meta (key, value) VALUES ('codec.entries_converted_through', '0');
INSERT OR REPLACE INTO meta (key, value) VALUES ('codec.pages_converted_through', '0');

DROP TRIGGER IF EXISTS stories_search_insert;
DROP TRIGGER IF EXISTS stories_search_update;
DROP TRIGGER IF EXISTS stories_search_delete;
DROP TRIGGER IF EXISTS entries_search_update;
DROP TABLE story_search;

-- Which story points at an entry: the triggers below ask it for every entry
-- written or deleted (~15 bytes a story).
CREATE INDEX stories_canonical ON stories(canonical_entry_id);

-- What the index holds of each story: its canonical entry's title and text.
CREATE VIEW story_search_source AS
SELECT s.id                              AS story_id,
       COALESCE(e.title, s.title, '')    AS title,
       COALESCE(e.content_text, '')      AS body
FROM stories s
LEFT JOIN entries e ON e.id = s.canonical_entry_id;

CREATE VIRTUAL TABLE story_search USING fts5(
    title, body,
    content = 'story_search_source', content_rowid = 'story_id',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- As migrations 0007 and 0009 chose for the table this one replaces.
INSERT INTO story_search (story_search, rank) VALUES ('hashsize', 33554432);
INSERT INTO story_search (story_search, rank) VALUES ('automerge', 16);

-- The new index is empty: every story is indexed at the next catch-up.
DELETE FROM search_dirty;
INSERT INTO search_dirty (story_id) SELECT id FROM stories;

CREATE TRIGGER stories_search_insert AFTER INSERT ON stories BEGIN
    INSERT OR IGNORE INTO search_dirty (story_id) VALUES (new.id);
END;

CREATE TRIGGER stories_search_update BEFORE UPDATE OF canonical_entry_id, title ON stories
WHEN (old.canonical_entry_id IS NOT new.canonical_entry_id OR old.title IS NOT new.title)
     AND NOT EXISTS (SELECT 1 FROM search_dirty WHERE story_id = old.id) BEGIN
    INSERT INTO story_search (story_search, rowid, title, body)
        SELECT 'delete', story_id, title, body FROM story_search_source WHERE story_id = old.id;
    INSERT OR IGNORE INTO search_dirty (story_id) VALUES (old.id);
END;

CREATE TRIGGER stories_search_delete BEFORE DELETE ON stories
WHEN NOT EXISTS (SELECT 1 FROM search_dirty WHERE story_id = old.id) BEGIN
    INSERT INTO story_search (story_search, rowid, title, body)
        SELECT 'delete', story_id, title, body FROM story_search_source WHERE story_id = old.id;
    INSERT OR IGNORE INTO search_dirty (story_id) VALUES (old.id);
END;

CREATE TRIGGER entries_search_update BEFORE UPDATE OF title, content_text ON entries
WHEN old.title IS NOT new.title OR old.content_text IS NOT new.content_text BEGIN
    INSERT INTO story_search (story_search, rowid, title, body)
        SELECT 'delete', v.story_id, v.title, v.body
        FROM stories s JOIN story_search_source v ON v.story_id = s.id
        WHERE s.canonical_entry_id = old.id
          AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.story_id = s.id);
    INSERT OR IGNORE INTO search_dirty (story_id)
        SELECT id FROM stories WHERE canonical_entry_id = old.id;
END;

CREATE TRIGGER entries_search_delete BEFORE DELETE ON entries BEGIN
    INSERT INTO story_search (story_search, rowid, title, body)
        SELECT 'delete', v.story_id, v.title, v.body
        FROM stories s JOIN story_search_source v ON v.story_id = s.id
        WHERE s.canonical_entry_id = old.id
          AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.story_id = s.id);
    INSERT OR IGNORE INTO search_dirty (story_id)
        SELECT id FROM stories WHERE canonical_entry_id = old.id;
END;

-- A story whose canonical entry is gone reads as its own title and no text;
-- an entry that takes that id again (SQLite reuses the largest rowid once
-- it is deleted) changes what the story reads as.
CREATE TRIGGER entries_search_insert AFTER INSERT ON entries
WHEN EXISTS (SELECT 1 FROM stories WHERE canonical_entry_id = new.id) BEGIN
    INSERT INTO story_search (story_search, rowid, title, body)
        SELECT 'delete', s.id, COALESCE(s.title, ''), '' FROM stories s
        WHERE s.canonical_entry_id = new.id
          AND NOT EXISTS (SELECT 1 FROM search_dirty d WHERE d.story_id = s.id);
    INSERT OR IGNORE INTO search_dirty (story_id)
        SELECT id FROM stories WHERE canonical_entry_id = new.id;
END;
