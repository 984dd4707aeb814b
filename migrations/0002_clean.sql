-- feedsieve schema, version 2: what the cleaner learned about each feed's
-- template (blocks that recur across its entries). Counts only; the cleaner
-- decides from them. Bounded by the cleaner to at most 2,000 blocks per feed.

CREATE TABLE clean_templates (
    feed_id      INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
    entries_seen INTEGER NOT NULL          -- new or changed entries observed
);

CREATE TABLE clean_template_blocks (
    feed_id    INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    block_hash INTEGER NOT NULL,           -- SipHash-1-3 of the normalised block text (u64 as i64)
    seen_count INTEGER NOT NULL,           -- entries the block appeared in
    first_seen INTEGER NOT NULL,           -- entries_seen when it first appeared
    last_seen  INTEGER NOT NULL,           -- entries_seen when it last appeared
    sample     TEXT NOT NULL,              -- start of the block's text, for people reading the table
    PRIMARY KEY (feed_id, block_hash)
) WITHOUT ROWID;
