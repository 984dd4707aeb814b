-- feedsieve's PostgreSQL schema, version 6 (issue 19): every change of an
-- entry that a de-duplication window relies on gets a number from one
-- counter, so each daemon of a fleet can ask "what changed since the highest
-- number I have seen" and bring its in-memory window up to date with what the
-- other daemons (and `reclean`, `rededup`, retention) wrote:
-- new entries, texts edited in place, entries moved to another story or
-- merged, entries deleted. src/store/postgres/stories.rs (`window_changes`)
-- reads them; src/dedup/mod.rs (`Deduper::catch_up`) says why the order holds.
--
-- The numbers come from a sequence, handed out by triggers, so no statement
-- that writes entries can forget one. Every transaction that writes entries
-- holds the database's write lock (`Pool::write`) from its first statement to
-- its commit, so the numbers a transaction takes are all larger than those of
-- every transaction committed before it: commit order is number order. A
-- sequence never hands a number out twice, even after a rollback (max + 1
-- would, after the newest row was deleted).

CREATE SEQUENCE entry_revisions;

-- The number of the last change of the row (0: unchanged since this
-- migration; a daemon reads the whole window when it starts anyway).
ALTER TABLE entries ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX entries_revision ON entries (revision);

-- A new number at every insert, and at every update of a column a window or
-- a placement reads: the keys (title, url), the time, the fingerprint, the
-- story, the text. An entry's anchors and shingles (entry_anchors,
-- entry_shingles) are only ever rewritten in a transaction that also changes
-- its text, simhash or story (or inserts it): the number on the entry's row
-- covers them. The page step's bookkeeping (attempts, due time) takes none.
CREATE FUNCTION entries_revise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.revision := nextval('entry_revisions');
    RETURN NEW;
END
$$;

CREATE TRIGGER entries_revise_insert BEFORE INSERT ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_revise();

CREATE TRIGGER entries_revise_update BEFORE UPDATE ON entries
    FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title
          OR OLD.url IS DISTINCT FROM NEW.url
          OR OLD.fetched_at IS DISTINCT FROM NEW.fetched_at
          OR OLD.simhash IS DISTINCT FROM NEW.simhash
          OR OLD.story_id IS DISTINCT FROM NEW.story_id
          OR OLD.content_text IS DISTINCT FROM NEW.content_text)
    EXECUTE FUNCTION entries_revise();

-- A deleted entry leaves its id and fetch time here, with its number, so a
-- window drops it. Rows older than the de-duplication window are deleted
-- with the shingles of that age (`forget_shingles_before`): no window holds
-- such an entry.
CREATE TABLE entry_removals (
    revision   BIGINT PRIMARY KEY,
    entry_id   BIGINT NOT NULL,
    fetched_at TEXT NOT NULL
);

CREATE FUNCTION entries_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO entry_removals (revision, entry_id, fetched_at)
    VALUES (nextval('entry_revisions'), OLD.id, OLD.fetched_at);
    RETURN OLD;
END
$$;

CREATE TRIGGER entries_removed AFTER DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_removed();
