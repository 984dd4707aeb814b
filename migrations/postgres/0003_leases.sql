-- feedsieve's PostgreSQL schema, version 3 (issue 19): feed leases, so any
-- number of daemons on any number of machines share one database without two
-- of them ever fetching one feed at once, and with per-host politeness held
-- across the whole fleet. src/store/postgres/leases.rs holds every statement
-- that reads or writes these columns and tables, and says why each is safe.
--
-- A lease is a feed row's lease_owner / lease_expires_at / lease_token, taken
-- with `FOR UPDATE SKIP LOCKED` only when the feed is due and its previous
-- lease (if any) has expired. Expiry is the database's clock (now()), never a
-- daemon's: machines' clocks disagree, and a lease judged expired by a fast
-- clock while its holder still works would put two daemons on one feed.
-- lease_token comes from one sequence and grows with every lease: a daemon
-- whose lease expired and was taken holds an older token, and its renew or
-- release (which must match the token) is refused.

ALTER TABLE feeds
    -- The host a fetch of this feed goes to, lower-cased, as fetch.rs's
    -- per-host limit keys it: fetch_url (a permanent redirect's target) when
    -- set, else url. Computed by the engine, so every writer fills it. ''
    -- for URLs without a host (file://), which therefore share one host, as
    -- they share the fetcher's '' key. Unlike the url crate, it does not turn
    -- an internationalised name into punycode.
    ADD COLUMN host TEXT GENERATED ALWAYS AS (
        lower(coalesce(substring(coalesce(fetch_url, url)
            FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#]*@)?(\[[^]/?#]*\]|[^:/?#]*)'), ''))
    ) STORED,
    ADD COLUMN lease_owner TEXT,
    ADD COLUMN lease_expires_at TIMESTAMPTZ,
    ADD COLUMN lease_token BIGINT NOT NULL DEFAULT 0;

CREATE SEQUENCE lease_tokens;

-- The lease query walks due feeds oldest first and stops at its limit. A
-- never-fetched feed (next_fetch_at NULL) is due at once: '' sorts first.
-- No index names a lease column, so taking and renewing a lease can be a
-- HOT update (no index entry written) when the page has room.
CREATE INDEX feeds_due ON feeds ((coalesce(next_fetch_at, '')), id) WHERE enabled;

-- Per-host politeness across the fleet: each host has `per_host` slots, and
-- a feed is leased only together with a free slot of its host (same token,
-- same expiry), so at most `per_host` feeds of one host are leased at once,
-- whichever daemons hold them: the meaning of `[fetch] per_host` (default 2),
-- requests in flight to one host, kept fleet-wide instead of per process.
CREATE TABLE lease_settings (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    per_host BIGINT NOT NULL CHECK (per_host >= 1)
);
INSERT INTO lease_settings (per_host) VALUES (2);

CREATE TABLE host_slots (
    host       TEXT NOT NULL,
    slot       BIGINT NOT NULL,
    feed_id    BIGINT,
    token      BIGINT,
    expires_at TIMESTAMPTZ,
    PRIMARY KEY (host, slot)
);

-- Slots exist for every host a feed names, made as feeds are written: once
-- per INSERT or COPY statement (a transition table, not a call per row) and
-- per row when a feed's URL changes its host. A host whose feeds are gone
-- keeps its slots, which cost a row each and nothing else.
CREATE FUNCTION feedsieve_host_slots_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO host_slots (host, slot)
    SELECT DISTINCT n.host, s.slot
    FROM inserted_feeds n
    CROSS JOIN generate_series(0, (SELECT per_host - 1 FROM lease_settings)) AS s (slot)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE FUNCTION feedsieve_host_slots_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO host_slots (host, slot)
    SELECT NEW.host, s.slot
    FROM generate_series(0, (SELECT per_host - 1 FROM lease_settings)) AS s (slot)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER feeds_host_slots_inserted AFTER INSERT ON feeds
    REFERENCING NEW TABLE AS inserted_feeds
    FOR EACH STATEMENT EXECUTE FUNCTION feedsieve_host_slots_inserted();

CREATE TRIGGER feeds_host_slots_moved AFTER UPDATE OF url, fetch_url ON feeds
    FOR EACH ROW WHEN (OLD.host IS DISTINCT FROM NEW.host)
    EXECUTE FUNCTION feedsieve_host_slots_moved();

INSERT INTO host_slots (host, slot)
SELECT DISTINCT f.host, s.slot
FROM feeds f
CROSS JOIN generate_series(0, (SELECT per_host - 1 FROM lease_settings)) AS s (slot);

-- The daemons sharing this database, for `feedsieve fleet`: each registers
-- when it starts and beats while it runs (the database's clock again). A
-- lease's owner is a daemon's id; a daemon that died stays listed with its
-- last heartbeat until it is removed.
CREATE TABLE daemons (
    id           TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
    host_name    TEXT NOT NULL,
    pid          BIGINT NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
