-- The full-text index buffers up to 32 MB of pending tokens before writing a
-- segment (was 8 MB, migration 0007). With the end of `run --once` and the
-- commands indexing 10,000 stories per transaction (search::BATCH_ALONE),
-- fewer, larger segments leave less to merge: on the 37,250 stories of a
-- 1,000 x 50 bench database, 3.6-3.9 s against 5.1-5.4 s (batches of 2,000 with
-- 8 MB), measured alternating on one database. The daemon's catch-up between
-- feeds still indexes 2,000 stories a transaction, whose tokens stay under
-- 8 MB, so it is unchanged. The buffer is memory only while a batch is
-- indexed; searching is unaffected (the same segments, merged the same way).
INSERT INTO story_search (story_search, rank) VALUES ('hashsize', 33554432);
