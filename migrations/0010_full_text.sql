-- Full text for summary-only feeds: an entry whose feed carries only a teaser
-- gets the article from the page its link leads to (pipeline's page step).
-- content_html / content_text hold what the entry reads as: the feed's own
-- text, or the page's article once one was extracted; text_source says which.

ALTER TABLE entries ADD COLUMN text_source TEXT NOT NULL DEFAULT 'feed'; -- 'feed' or 'page': where content_text came from
ALTER TABLE entries ADD COLUMN teaser_text TEXT;      -- the feed's own (cleaned) text of an entry whose page was wanted
ALTER TABLE entries ADD COLUMN page_url TEXT;         -- the page's address after redirects (NULL: never fetched)
ALTER TABLE entries ADD COLUMN page_fetched_at TEXT;  -- last page fetch attempt, successful or not
ALTER TABLE entries ADD COLUMN page_error TEXT;       -- why the last attempt left the teaser (NULL: none)
ALTER TABLE entries ADD COLUMN page_attempts INTEGER NOT NULL DEFAULT 0; -- failed attempts in a row
ALTER TABLE entries ADD COLUMN page_due_at TEXT;      -- when the page is (re)fetched next (NULL: not wanted)

-- Due pages of one feed, found without reading any entry row.
CREATE INDEX entries_page_due ON entries(feed_id, page_due_at) WHERE page_due_at IS NOT NULL;

-- The fetched page, so reclean re-extracts without a request; kept apart
-- from entries so the entries rows stay as small as before.
CREATE TABLE entry_pages (
    entry_id      INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    html          TEXT NOT NULL,  -- the page as received, decoded to UTF-8
    etag          TEXT,           -- validators for the conditional GET of a later refetch
    last_modified TEXT
);

-- What the pipeline learned about each feed from its recent entries.
ALTER TABLE feeds ADD COLUMN content_kind TEXT; -- 'teasers' (recent entries all teasers), 'full', or NULL (not known yet)

-- Entries whose page could not be used, with the reason.
CREATE VIEW page_failures AS
SELECT e.id AS entry_id, f.id AS feed_id, COALESCE(f.name, f.title, f.url) AS feed,
       e.title, e.url, e.page_url, e.page_error, e.page_attempts, e.page_fetched_at, e.page_due_at
FROM entries e JOIN feeds f ON f.id = e.feed_id
WHERE e.page_error IS NOT NULL;
