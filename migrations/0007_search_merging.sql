-- The full-text index merges its segments less eagerly and buffers more
-- before writing one. Indexing every story of a first run at once (the end
-- of `run --once`, or a catch-up after `reclean`) spent half its time in
-- FTS5's merges of small segments: on the 37,250 stories of a 1,000 x 50
-- bench database, 9.7-10.5 s with the defaults (automerge 4, 1 MB), 7.4-8.5 s
-- with automerge 8, 5.0-6.7 s with automerge 8 and 8 MB (measured in one
-- run, alternating). A search then reads up to 8 segments a level instead of
-- 4: 0.9 -> 1.0 ms for a two-word query over that index.
--
-- Both values are stored in story_search_config, so any sqlite3 that opens
-- the file indexes the same way ('hashsize' is FTS5's bytes of pending
-- tokens per table, default 1 MB; a version that did not know a key would
-- ignore it).
INSERT INTO story_search (story_search, rank) VALUES ('automerge', 8);
INSERT INTO story_search (story_search, rank) VALUES ('hashsize', 8388608);
