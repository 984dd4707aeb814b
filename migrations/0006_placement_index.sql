-- The de-duplicator reads the story, fetch time and simhash of many candidate
-- entries without their text. In an entries row those columns sit after the three
-- bodies, so reading story_id or simhash walked every overflow page of the row
-- (~20 KB): 750 candidates of one feed took ~10 ms. This index keeps them apart
-- (~40 bytes an entry; queries name it with INDEXED BY, since the planner prefers
-- the rowid and cannot see the row's real size).
CREATE INDEX entries_placement ON entries(id, story_id, fetched_at, simhash);
