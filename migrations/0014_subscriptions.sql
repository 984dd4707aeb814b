-- feedsieve schema: what a subscription and an entry carry beyond the basics.
--
-- feeds.category: the feed's `category` from the feed list ("News/World":
-- nested OPML folders joined with "/"), NULL when it has none.
-- entries.categories, entries.authors: the entry's own categories (terms)
-- and every author name, as JSON arrays of strings (query with json_each);
-- NULL for entries stored before this migration or when the feed had none.
-- entry_enclosures: podcasts' audio, images and other attachments.
-- filtered_entries: entries a `[filter]` rule dropped, once each, with the
-- rule; an entry is recorded again only when it changes, so a dropped entry
-- is not counted as new at every fetch.

ALTER TABLE feeds ADD COLUMN category TEXT;
ALTER TABLE entries ADD COLUMN categories TEXT;
ALTER TABLE entries ADD COLUMN authors TEXT;

CREATE TABLE entry_enclosures (
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,      -- order in the entry, from 0
    url      TEXT NOT NULL,
    type     TEXT,                  -- MIME type as the feed gave it
    length   INTEGER,               -- bytes, as the feed gave it
    PRIMARY KEY (entry_id, position)
) WITHOUT ROWID;

CREATE TABLE filtered_entries (
    feed_id     INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    guid        TEXT NOT NULL,
    raw_hash    INTEGER NOT NULL,   -- as entries.raw_hash: a changed entry is judged again
    title       TEXT,
    url         TEXT,
    reason      TEXT NOT NULL,      -- the rule, e.g. "drop title /(?i)sponsored/"
    filtered_at TEXT NOT NULL,      -- when it was (last) dropped
    PRIMARY KEY (feed_id, guid)
) WITHOUT ROWID;
