-- feedsieve schema, version 16: the raw HTML stored against the cleaned HTML (issue 20).
--
-- An entry's raw HTML (kept for `reclean`) and its content_html are mostly the
-- same text: the cleaner removes markup and boilerplate, it rarely adds. As a
-- zstd frame of its own the raw HTML cost ~3.5 KB an entry on the 200 x 50
-- bench; packed with the row's content_html as zstd's dictionary it costs a
-- few hundred bytes. content_raw_delta holds that frame (src/store/codec.rs,
-- `pack_against`), and content_raw_zstd is NULL from now on.
--
-- Such a frame decodes only with the exact text it was packed against. Every
-- write of feedsieve that changes content_html packs the raw HTML again in the
-- same statement (new text from the feed, the page step, reclean). Any other
-- UPDATE of content_html (by hand in sqlite3) would leave the frame without its
-- dictionary, so the trigger below keeps the text the frame was packed against
-- in entry_raw_bases until feedsieve packs the raw HTML again.
--
-- Existing rows are converted after this migration by store::codec::convert
-- (in batches of their own transactions, with a progress line); the meta row
-- below is its resume point (the last entry id converted), deleted when done.
-- It reads content_raw_zstd, or content_raw for rows that migration 0015's
-- conversion had not reached, so that conversion's own resume point goes.

ALTER TABLE entries ADD COLUMN content_raw_delta BLOB;   -- the HTML as received, zstd against content_html

CREATE TABLE entry_raw_bases (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    html     TEXT NOT NULL          -- the content_html content_raw_delta was packed against
);

-- content_html changed and the raw HTML was not packed again with it: keep
-- what it was packed against (the first such text: a second edit must not
-- replace it).
CREATE TRIGGER entries_raw_base BEFORE UPDATE OF content_html ON entries
WHEN old.content_raw_delta IS NOT NULL
     AND new.content_raw_delta IS old.content_raw_delta
     AND old.content_html IS NOT new.content_html BEGIN
    INSERT OR IGNORE INTO entry_raw_bases (entry_id, html)
        VALUES (old.id, COALESCE(old.content_html, ''));
END;

-- The raw HTML packed again: against the row's content_html as it is now.
CREATE TRIGGER entries_raw_base_done AFTER UPDATE OF content_raw_delta ON entries
WHEN new.content_raw_delta IS NOT old.content_raw_delta BEGIN
    DELETE FROM entry_raw_bases WHERE entry_id = new.id;
END;

DELETE FROM meta WHERE key = 'codec.entries_converted_through';
INSERT OR REPLACE INTO meta (key, value) VALUES ('codec.raw_delta_through', '0');
