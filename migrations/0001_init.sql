-- feedsieve schema, version 1. Documented column by column in README.md
-- ("Querying the database"); users query it directly, so it is a contract:
-- change it only by adding migrations, never by editing this file.
-- Timestamps are RFC 3339 UTC text ("2026-11-28T12:00:00Z"), so they sort
-- and compare as strings and read well in sqlite3.

CREATE TABLE feeds (
    id                   INTEGER PRIMARY KEY,
    url                  TEXT NOT NULL UNIQUE,   -- the URL as written in the feed list
    fetch_url            TEXT,                   -- where a permanent redirect moved it (NULL: url)
    name                 TEXT,                   -- name from the feed list, if given
    title                TEXT,                   -- the feed's own title
    site_url             TEXT,                   -- the feed's home page link
    enabled              INTEGER NOT NULL DEFAULT 1, -- 0 once removed from the feed list or disabled
    added_at             TEXT NOT NULL,
    last_fetched_at      TEXT,                   -- last attempt, successful or not
    last_success_at      TEXT,                   -- last fetch that returned 200 or 304
    last_status          INTEGER,                -- HTTP status of the last attempt (NULL: no response)
    last_error           TEXT,                   -- NULL when the last fetch succeeded
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_duration_ms     INTEGER,
    etag                 TEXT,                   -- validators for conditional GET
    last_modified        TEXT,
    next_fetch_at        TEXT,                   -- when the scheduler will try next
    min_interval_secs    INTEGER                 -- server hint (ttl, max-age, Expires) lengthening the interval
);

CREATE TABLE stories (
    id                 INTEGER PRIMARY KEY,
    canonical_entry_id INTEGER,                  -- entries.id of the copy that represents the story
    title              TEXT,
    url                TEXT,
    first_seen_at      TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE TABLE entries (
    id            INTEGER PRIMARY KEY,
    feed_id       INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    guid          TEXT NOT NULL,                 -- identity within the feed: id/guid, else link, else hash
    url           TEXT,
    title         TEXT,
    author        TEXT,
    published_at  TEXT,
    updated_at    TEXT,                          -- the feed's own "updated" date
    fetched_at    TEXT NOT NULL,                 -- first stored
    changed_at    TEXT NOT NULL,                 -- last time title or body changed
    content_raw   TEXT,                          -- the HTML exactly as received (for reclean)
    content_html  TEXT,                          -- cleaned, sanitised HTML
    content_text  TEXT,                          -- plain text, paragraphs separated by blank lines
    raw_hash      INTEGER NOT NULL,              -- hash of title + raw body: skips no-op updates
    simhash       INTEGER,                       -- 64-bit fingerprint of content_text, as signed integer
    story_id      INTEGER REFERENCES stories(id) ON DELETE SET NULL,
    UNIQUE (feed_id, guid)
);

CREATE INDEX entries_story ON entries(story_id);
CREATE INDEX entries_published ON entries(published_at);
CREATE INDEX entries_fetched ON entries(fetched_at);
CREATE INDEX stories_first_seen ON stories(first_seen_at);

-- Small key/value facts about the database itself (fingerprint version, ...).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
