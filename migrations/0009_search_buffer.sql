-- The full-text index buffers up to 32 MB of pending tokens before writing a
-- segment (was 8 MB, migration 0007), and merges 16 segments of a level at a
-- time (was 8). With the end of `run --once` and the commands indexing 10,000
-- stories per transaction (search::BATCH_ALONE), fewer, larger segments are
-- written and each token is merged into fewer levels. Measured alternating on
-- one database: the 37,250 stories of a 1,000 x 50 bench database 3.6-3.9 s
-- with 32 MB against 5.1-5.4 s (batches of 2,000 with 8 MB); the 74,499 of a
-- 2,000 x 50 one 6.8-7.2 s with automerge 16 against 8.4-9.3 s with 8 (32: no
-- better), with queries as fast (18 queries with snippets: 270-278 ms against
-- 269 ms). The daemon's catch-up between feeds still indexes 2,000 stories a
-- transaction. The buffer is memory only while a batch is indexed.
INSERT INTO story_search (story_search, rank) VALUES ('hashsize', 33554432);
INSERT INTO story_search (story_search, rank) VALUES ('automerge', 16);
