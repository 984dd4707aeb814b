-- Full-text search over stories, and views for common questions.
--
-- The index holds one row per story (its canonical entry's title and text),
-- not one per entry: syndicated copies add nothing to a search, and indexing
-- is the costliest write in the database (benches/fts.rs measures it at
-- about a tenth of the insert rate). Triggers only queue changed stories in
-- search_dirty (cheap); search::catch_up indexes the queue in large batches,
-- outside the per-feed write transactions. The table keeps its own copy of
-- the indexed text, so a story is re-indexed by rowid without knowing what it
-- was indexed with, and snippet()/highlight() work in any sqlite3 (the
-- contentless_delete option would save that space but needs SQLite 3.43,
-- newer than the sqlite3 of many distributions).

CREATE VIRTUAL TABLE story_search USING fts5(
    title, body,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE search_dirty (story_id INTEGER PRIMARY KEY);

-- Everything already stored is indexed on the next catch-up.
INSERT INTO search_dirty (story_id) SELECT id FROM stories;

CREATE TRIGGER stories_search_insert AFTER INSERT ON stories BEGIN
    INSERT OR IGNORE INTO search_dirty (story_id) VALUES (new.id);
END;
CREATE TRIGGER stories_search_update AFTER UPDATE OF canonical_entry_id, title ON stories BEGIN
    INSERT OR IGNORE INTO search_dirty (story_id) VALUES (new.id);
END;
CREATE TRIGGER stories_search_delete AFTER DELETE ON stories BEGIN
    INSERT OR IGNORE INTO search_dirty (story_id) VALUES (old.id);
END;
CREATE TRIGGER entries_search_update AFTER UPDATE OF title, content_text ON entries
WHEN new.story_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO search_dirty (story_id)
        SELECT id FROM stories WHERE canonical_entry_id = new.id;
END;

-- One row per story: its title and link, when it was first seen, how many
-- copies, and which feeds carried it.
CREATE VIEW story_list AS
SELECT s.id                                        AS story_id,
       s.title                                     AS title,
       s.url                                       AS url,
       s.first_seen_at                             AS first_seen_at,
       COUNT(e.id)                                 AS copies,
       COUNT(DISTINCT e.feed_id)                   AS feed_count,
       group_concat(DISTINCT COALESCE(f.name, f.title, f.url)) AS feeds
FROM stories s
JOIN entries e ON e.story_id = s.id
JOIN feeds f ON f.id = e.feed_id
GROUP BY s.id;

-- One row per feed: is it healthy, and when did it last bring something new?
CREATE VIEW feed_health AS
SELECT f.id                                        AS feed_id,
       COALESCE(f.name, f.title, f.url)            AS feed,
       COALESCE(f.fetch_url, f.url)                AS url,
       f.enabled                                   AS enabled,
       f.last_fetched_at                           AS last_fetched_at,
       f.last_success_at                           AS last_success_at,
       f.last_status                               AS last_status,
       f.last_error                                AS last_error,
       f.consecutive_failures                      AS consecutive_failures,
       (SELECT COUNT(*) FROM entries e WHERE e.feed_id = f.id)       AS entries,
       (SELECT MAX(e.fetched_at) FROM entries e WHERE e.feed_id = f.id) AS last_new_entry_at
FROM feeds f;
