-- feedsieve's PostgreSQL schema, version 5 (issue 19, second pass): a lease
-- costs a few small rows, whatever the size of `feeds` and however long a
-- host's backlog. src/store/postgres/leases.rs calls the functions below and
-- says why each rule is safe; BENCHMARKS.md ("Leases, second pass") has the
-- figures.
--
-- Version 3 leased a feed by writing its `feeds` row (a wide row, a new
-- version with an entry in each index, on a random page of a table that
-- outgrows the server's cache at 10^6 feeds) and walked the index of due
-- feeds, so a host with more due feeds than its slots serve was walked
-- again at every call. Now:
-- * `feed_schedule`, one narrow row a feed, holds what leasing needs: its
--   host, whether it is enabled, when it is due, and its lease. `feeds` keeps
--   the feed's own columns, and `feeds.next_fetch_at` is again only when the
--   feed's last fetch (or the feed list) scheduled it; triggers below keep
--   `feed_schedule` in step with every write of `feeds`.
-- * `lease_hosts`, one row a host, is the queue the lease walks: a host is
--   `ready` when its earliest due feed is due and one of its slots is free.
--   Its slots are arrays in its row, so one locked row a host guards both
--   its slots and its feeds: every statement that changes a host's slots or
--   its feeds' leases locks the host's row first.
-- Times are RFC 3339 UTC text, as `next_fetch_at`, compared in the "C"
-- collation (byte order), so no locale's collation can reorder them.

CREATE FUNCTION feedsieve_due_text(timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    -- Whole seconds, rounded up: never before the time itself.
    AS $$ SELECT to_char(date_trunc('second', $1 + interval '999999 microseconds')
                         AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

CREATE TABLE lease_hosts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    host         TEXT NOT NULL UNIQUE,
    -- No later than the earliest `due` of the host's enabled feeds (NULL:
    -- it has none). Early is safe (a lease call looks, finds nothing due,
    -- and sets it right); late would delay its feeds, so every write that
    -- makes a feed due earlier moves it back.
    due          TEXT COLLATE "C",
    -- When all its slots are held: the earliest expiry among them ('' when
    -- a slot is free). A release sets it back to ''.
    full_until   TEXT COLLATE "C" NOT NULL DEFAULT '',
    ready        TEXT COLLATE "C" GENERATED ALWAYS AS (
        CASE WHEN due IS NOT NULL THEN greatest(due, full_until) END
    ) STORED,
    -- Slot i (from 1) is held by the lease whose token is slot_tokens[i]
    -- until slot_expires[i] (the server's clock); free when NULL or past.
    slot_tokens  BIGINT[] NOT NULL DEFAULT '{}',
    slot_expires TIMESTAMPTZ[] NOT NULL DEFAULT '{}'
);
CREATE INDEX lease_hosts_ready ON lease_hosts (ready, id) WHERE ready IS NOT NULL;

CREATE TABLE feed_schedule (
    feed_id          BIGINT PRIMARY KEY REFERENCES feeds (id) ON DELETE CASCADE,
    host_id          BIGINT NOT NULL,
    enabled          BOOLEAN NOT NULL,
    -- coalesce(next_fetch_at, ''), or the lease's expiry while leased.
    due              TEXT COLLATE "C" NOT NULL,
    lease_owner      TEXT,
    lease_expires_at TIMESTAMPTZ,
    lease_token      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX feed_schedule_host_due ON feed_schedule (host_id, due, feed_id) WHERE enabled;
-- The fleet's queue for /metrics (a leased row leaves it: a lease writes no
-- entry here).
CREATE INDEX feed_schedule_due ON feed_schedule (due) WHERE enabled AND lease_owner IS NULL;

ALTER TABLE daemons ADD COLUMN lease_ttl_ms BIGINT;

-- What version 3 held, carried over.
INSERT INTO lease_hosts (host) SELECT DISTINCT host FROM feeds;
INSERT INTO feed_schedule (feed_id, host_id, enabled, due, lease_owner, lease_expires_at, lease_token)
SELECT f.id, h.id, f.enabled, coalesce(f.next_fetch_at, ''), f.lease_owner, f.lease_expires_at,
       f.lease_token
FROM feeds f JOIN lease_hosts h ON h.host = f.host;
UPDATE lease_hosts h
SET slot_tokens = s.tokens, slot_expires = s.expires
FROM (SELECT host, array_agg(token ORDER BY slot) AS tokens,
             array_agg(expires_at ORDER BY slot) AS expires
      FROM host_slots GROUP BY host) s
WHERE s.host = h.host;
UPDATE lease_hosts h SET due = m.due
FROM (SELECT host_id, min(due) AS due FROM feed_schedule WHERE enabled GROUP BY host_id) m
WHERE m.host_id = h.id;

DROP TRIGGER feeds_host_slots_inserted ON feeds;
DROP TRIGGER feeds_host_slots_moved ON feeds;
DROP FUNCTION feedsieve_host_slots_inserted();
DROP FUNCTION feedsieve_host_slots_moved();
DROP TABLE host_slots;
DROP INDEX feeds_due;
ALTER TABLE feeds DROP COLUMN lease_owner, DROP COLUMN lease_expires_at, DROP COLUMN lease_token;

-- Each of these hosts is due no later than the due time given with it (a
-- feed of it became due then): the one rule by which writes move a host
-- earlier in the queue. Its rows are locked already.
CREATE FUNCTION feedsieve_hosts_due_by(a_hosts BIGINT[], a_dues TEXT[]) RETURNS VOID
LANGUAGE sql AS $$
    UPDATE lease_hosts h SET due = least(h.due, d.due)
    FROM (SELECT host_id, min(due COLLATE "C") AS due FROM unnest(a_hosts, a_dues) AS u (host_id, due)
          GROUP BY host_id) d
    WHERE h.id = d.host_id AND (h.due IS NULL OR d.due < h.due)
$$;

-- New feeds get their schedule rows (and new hosts their rows), once per
-- INSERT or COPY statement.
CREATE FUNCTION feedsieve_schedule_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    done RECORD;
BEGIN
    INSERT INTO lease_hosts (host) SELECT DISTINCT n.host FROM inserted_feeds n
    ON CONFLICT (host) DO NOTHING;
    PERFORM 1 FROM lease_hosts h WHERE h.host IN (SELECT n.host FROM inserted_feeds n WHERE n.enabled)
    ORDER BY h.id FOR NO KEY UPDATE;
    WITH added AS (
        INSERT INTO feed_schedule (feed_id, host_id, enabled, due)
        SELECT n.id, h.id, n.enabled, coalesce(n.next_fetch_at, '')
        FROM inserted_feeds n JOIN lease_hosts h ON h.host = n.host
        RETURNING host_id, enabled, due
    )
    SELECT feedsieve_hosts_due_by(array_agg(host_id), array_agg(due)) INTO done FROM added
    WHERE enabled;
    RETURN NULL;
END
$$;

-- A feed whose due time, enabled flag or host changed: its schedule row
-- follows (a leased row keeps its lease's due time: the release sets it),
-- and its (new) host is due no later than it. The hosts are locked first,
-- in one order, as every statement here locks a host before its feeds'
-- rows. (The old host of a moved feed keeps its due time: early is safe.)
CREATE FUNCTION feedsieve_schedule_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    done RECORD;
BEGIN
    PERFORM 1 FROM new_feeds n JOIN old_feeds o ON o.id = n.id
    WHERE (n.next_fetch_at, n.enabled, n.host) IS DISTINCT FROM (o.next_fetch_at, o.enabled, o.host)
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO lease_hosts (host)
    SELECT DISTINCT n.host FROM new_feeds n JOIN old_feeds o ON o.id = n.id
    WHERE n.host IS DISTINCT FROM o.host
    ON CONFLICT (host) DO NOTHING;
    PERFORM 1 FROM lease_hosts h
    WHERE h.host IN (SELECT n.host FROM new_feeds n JOIN old_feeds o ON o.id = n.id
                     WHERE (n.next_fetch_at, n.enabled, n.host)
                           IS DISTINCT FROM (o.next_fetch_at, o.enabled, o.host))
    ORDER BY h.id FOR NO KEY UPDATE;
    WITH changed AS (
        SELECT n.id, h.id AS host_id, n.enabled, coalesce(n.next_fetch_at, '') AS due
        FROM new_feeds n JOIN old_feeds o ON o.id = n.id JOIN lease_hosts h ON h.host = n.host
        WHERE (n.next_fetch_at, n.enabled, n.host) IS DISTINCT FROM (o.next_fetch_at, o.enabled, o.host)
    ),
    moved AS (
        UPDATE feed_schedule s
        SET host_id = c.host_id, enabled = c.enabled,
            due = CASE WHEN s.lease_owner IS NULL THEN c.due ELSE s.due END
        FROM changed c
        WHERE s.feed_id = c.id
          AND (s.host_id, s.enabled, s.due) IS DISTINCT FROM
              (c.host_id, c.enabled, CASE WHEN s.lease_owner IS NULL THEN c.due ELSE s.due END)
        RETURNING s.host_id, s.enabled, s.due
    )
    SELECT feedsieve_hosts_due_by(array_agg(host_id), array_agg(due)) INTO done FROM moved
    WHERE enabled;
    RETURN NULL;
END
$$;

CREATE TRIGGER feeds_schedule_inserted AFTER INSERT ON feeds
    REFERENCING NEW TABLE AS inserted_feeds
    FOR EACH STATEMENT EXECUTE FUNCTION feedsieve_schedule_inserted();

CREATE TRIGGER feeds_schedule_updated AFTER UPDATE ON feeds
    REFERENCING OLD TABLE AS old_feeds NEW TABLE AS new_feeds
    FOR EACH STATEMENT EXECUTE FUNCTION feedsieve_schedule_updated();

-- The lease: up to `wanted` due feeds for `owner` (only among `only_feeds`
-- when given). First the ready hosts, oldest first, are locked (skipping
-- those another statement holds); then, in a statement of its own, which
-- therefore sees every change committed to those hosts before their locks
-- were taken, each host's free slots are paired with its earliest due,
-- unleased feeds, the oldest `wanted` of those are leased, and each host's
-- slots, due time and readiness are written back. The feeds' rows are not
-- locked before their update: the host's lock guards them (locking them
-- first as well cost ~40 us a row, more than the update).
CREATE FUNCTION feedsieve_lease(a_owner TEXT, a_due_by TEXT, a_wanted BIGINT, a_ttl_ms BIGINT,
                                a_only_feeds BIGINT[])
RETURNS TABLE (feed_id BIGINT, url TEXT, fetch_url TEXT, host TEXT, slot BIGINT, token BIGINT,
               expires_at TIMESTAMPTZ)
-- The planner's guesses here are far off: it takes each array for a
-- thousand rows and the locked hosts for 10% of all, so its plans are
-- costed in the millions. That crossed JIT's threshold (compiling took
-- 1.1 s of a 1.2 s call on 2,000 feeds) and, at 10^6 feeds, chose hash
-- joins over whole tables (2.1 s a call, spilling to disk). Every set here
-- is a few dozen rows reached by key: nested loops over indexes, planned
-- once (a generic plan: no planning at every call).
LANGUAGE plpgsql SET jit = off SET plan_cache_mode = force_generic_plan
    SET enable_hashjoin = off SET enable_mergejoin = off SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
    locked BIGINT[];
    v_expires TIMESTAMPTZ := now() + a_ttl_ms * interval '1 millisecond';
BEGIN
    IF a_only_feeds IS NULL THEN
        SELECT array_agg(l.id) INTO locked FROM (
            SELECT h.id FROM lease_hosts h
            WHERE h.ready <= a_due_by
            ORDER BY h.ready, h.id
            LIMIT a_wanted
            FOR NO KEY UPDATE SKIP LOCKED) l;
    ELSE
        SELECT array_agg(l.id) INTO locked FROM (
            SELECT h.id FROM lease_hosts h
            WHERE h.id IN (SELECT s.host_id FROM feed_schedule s WHERE s.feed_id = ANY (a_only_feeds))
            ORDER BY h.id
            FOR NO KEY UPDATE SKIP LOCKED) l;
    END IF;
    IF locked IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH hosts AS MATERIALIZED (
        SELECT lh.id, lh.slot_tokens, lh.slot_expires, ls.per_host,
               greatest(cardinality(lh.slot_expires), ls.per_host) AS width,
               ARRAY(SELECT i FROM generate_series(1, ls.per_host) i
                     WHERE lh.slot_expires[i] IS NULL OR lh.slot_expires[i] <= now()
                     ORDER BY i) AS free,
               greatest(0, ls.per_host - (SELECT count(*) FROM unnest(lh.slot_expires) e
                                          WHERE e > now())) AS capacity
        FROM lease_hosts lh CROSS JOIN lease_settings ls
        WHERE lh.id = ANY (locked)
    ),
    candidates AS MATERIALIZED (
        SELECT h.id AS host_id, c.feed_id, c.due,
               row_number() OVER (PARTITION BY h.id ORDER BY c.due, c.feed_id) AS n
        FROM hosts h CROSS JOIN LATERAL (
            SELECT s.feed_id, s.due FROM feed_schedule s
            WHERE s.host_id = h.id AND s.enabled AND s.due <= a_due_by
              AND (s.lease_expires_at IS NULL OR s.lease_expires_at <= now())
              AND (a_only_feeds IS NULL OR s.feed_id = ANY (a_only_feeds))
            ORDER BY s.due, s.feed_id
            LIMIT h.capacity) c
    ),
    chosen AS MATERIALIZED (
        SELECT c.host_id, c.feed_id, h.free[c.n] - 1 AS slot
        FROM candidates c JOIN hosts h ON h.id = c.host_id
        ORDER BY c.due, c.feed_id
        LIMIT a_wanted
    ),
    tokened AS MATERIALIZED (
        SELECT c.host_id, c.feed_id, c.slot, nextval('lease_tokens') AS token FROM chosen c
    ),
    leased AS (
        UPDATE feed_schedule s
        SET lease_owner = a_owner, lease_token = t.token, lease_expires_at = v_expires,
            due = feedsieve_due_text(v_expires)
        FROM tokened t
        -- The host's lock keeps these true; checked again all the same on
        -- the row's newest version (a feed deleted or moved meanwhile), and
        -- a row not taken here takes no slot: the slots follow `leased`.
        WHERE s.feed_id = t.feed_id AND s.host_id = t.host_id AND s.enabled
          AND (s.lease_expires_at IS NULL OR s.lease_expires_at <= now())
        RETURNING s.feed_id, t.host_id, t.slot, t.token
    ),
    slots AS MATERIALIZED (
        SELECT h.id, h.per_host,
               ARRAY(SELECT CASE WHEN l.token IS NOT NULL THEN l.token
                                 WHEN i > h.per_host AND NOT coalesce(h.slot_expires[i] > now(), FALSE)
                                 THEN NULL
                                 ELSE h.slot_tokens[i] END
                     FROM generate_series(1, h.width) i
                     LEFT JOIN leased l ON l.host_id = h.id AND l.slot = i - 1
                     ORDER BY i) AS tokens,
               ARRAY(SELECT CASE WHEN l.token IS NOT NULL THEN v_expires
                                 WHEN i > h.per_host AND NOT coalesce(h.slot_expires[i] > now(), FALSE)
                                 THEN NULL
                                 ELSE h.slot_expires[i] END
                     FROM generate_series(1, h.width) i
                     LEFT JOIN leased l ON l.host_id = h.id AND l.slot = i - 1
                     ORDER BY i) AS ends
        FROM hosts h
    ),
    hosts_written AS (
        UPDATE lease_hosts lh
        SET slot_tokens = s.tokens, slot_expires = s.ends,
            due = least(
                CASE WHEN EXISTS (SELECT 1 FROM leased l WHERE l.host_id = lh.id)
                     THEN feedsieve_due_text(v_expires) END,
                (SELECT f.due FROM feed_schedule f
                 WHERE f.host_id = lh.id AND f.enabled
                   AND NOT EXISTS (SELECT 1 FROM leased l WHERE l.feed_id = f.feed_id)
                 ORDER BY f.due, f.feed_id LIMIT 1)),
            full_until = CASE
                WHEN (SELECT count(*) FROM unnest(s.ends) e WHERE e > now()) >= s.per_host
                THEN feedsieve_due_text((SELECT min(e) FROM unnest(s.ends) e WHERE e > now()))
                ELSE '' END
        FROM slots s
        WHERE lh.id = s.id
    )
    SELECT l.feed_id, f.url, f.fetch_url, lh.host, l.slot, l.token, v_expires
    FROM leased l
    JOIN feeds f ON f.id = l.feed_id
    JOIN lease_hosts lh ON lh.id = l.host_id
    ORDER BY l.token;
END
$$;

-- Extends those of the leases (token, slot host, slot, feed) that `a_owner`
-- still holds, feed and slot together, and beats its heartbeat.
CREATE FUNCTION feedsieve_renew(a_owner TEXT, a_tokens BIGINT[], a_hosts TEXT[], a_slots BIGINT[],
                                a_feeds BIGINT[], a_ttl_ms BIGINT)
RETURNS TABLE (token BIGINT, expires_at TIMESTAMPTZ)
-- As feedsieve_lease: a few rows reached by key.
LANGUAGE plpgsql SET jit = off SET plan_cache_mode = force_generic_plan
    SET enable_hashjoin = off SET enable_mergejoin = off SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
    v_expires TIMESTAMPTZ := now() + a_ttl_ms * interval '1 millisecond';
BEGIN
    PERFORM 1 FROM lease_hosts h WHERE h.host = ANY (a_hosts) ORDER BY h.id FOR NO KEY UPDATE;
    UPDATE daemons SET heartbeat_at = now(), lease_ttl_ms = a_ttl_ms WHERE id = a_owner;
    RETURN QUERY
    WITH wanted AS (
        SELECT * FROM unnest(a_tokens, a_hosts, a_slots, a_feeds) AS w (token, host, slot, feed_id)
    ),
    renewed AS (
        UPDATE feed_schedule s
        SET lease_expires_at = v_expires, due = feedsieve_due_text(v_expires)
        FROM wanted w JOIN lease_hosts h ON h.host = w.host AND h.slot_tokens[w.slot + 1] = w.token
        WHERE s.feed_id = w.feed_id AND s.lease_token = w.token AND s.lease_owner = a_owner
        RETURNING h.id AS host_id, w.slot, s.lease_token
    ),
    slots_renewed AS (
        UPDATE lease_hosts lh
        SET slot_expires = ARRAY(
            SELECT CASE WHEN EXISTS (SELECT 1 FROM renewed r WHERE r.host_id = lh.id AND r.slot = i - 1)
                        THEN v_expires ELSE lh.slot_expires[i] END
            FROM generate_series(1, cardinality(lh.slot_expires)) i ORDER BY i)
        WHERE lh.id IN (SELECT r.host_id FROM renewed r)
    )
    SELECT r.lease_token, v_expires FROM renewed r;
END
$$;

-- Ends a lease: frees its slot (when the slot still carries its token) and,
-- when it is still the feed's lease, frees the feed, due at `a_due` (now
-- when NULL). Returns whether the feed was released. Locks the feed's row
-- first, then the host's, as a write of the feed's fetch (which takes the
-- feed's row, then, through the trigger, its host's) and the feed list's
-- writes do.
CREATE FUNCTION feedsieve_release(a_feed BIGINT, a_token BIGINT, a_host TEXT, a_slot BIGINT,
                                  a_due TEXT)
RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
    host_row BIGINT;
    new_due TEXT;
    feed_host BIGINT;
    feed_enabled BOOLEAN;
BEGIN
    PERFORM 1 FROM feeds WHERE id = a_feed FOR NO KEY UPDATE;
    SELECT h.id INTO host_row FROM lease_hosts h WHERE h.host = a_host FOR NO KEY UPDATE;
    UPDATE lease_hosts h
    SET slot_tokens[a_slot + 1] = NULL, slot_expires[a_slot + 1] = NULL, full_until = ''
    WHERE h.id = host_row AND h.slot_tokens[a_slot + 1] = a_token;
    UPDATE feed_schedule s
    SET lease_owner = NULL, lease_expires_at = NULL, due = coalesce(a_due, feedsieve_due_text(now()))
    WHERE s.feed_id = a_feed AND s.lease_token = a_token
    RETURNING s.due, s.host_id, s.enabled INTO new_due, feed_host, feed_enabled;
    IF NOT FOUND THEN
        RETURN FALSE;
    END IF;
    IF feed_enabled THEN
        PERFORM feedsieve_hosts_due_by(ARRAY[feed_host], ARRAY[new_due]);
    END IF;
    RETURN TRUE;
END
$$;
