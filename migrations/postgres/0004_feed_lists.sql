-- feedsieve's PostgreSQL schema, version 4 (issue 19): the versions of the
-- feed list applied to this database. Each daemon of a fleet has its own
-- TOML file; the rule (README, "Several daemons on one PostgreSQL database")
-- is that a daemon applies its file's list only when that version of the
-- file was never applied before: an edit (or a file new to the fleet) wins,
-- the last edit wins, and a daemon restarted with an older file follows the
-- database instead of undoing a newer edit, so daemons started with
-- different files never take turns rewriting the list.
-- src/store/postgres/feeds.rs holds the statements.
CREATE TABLE feed_lists (
    -- The file's version: SHA-256 of its modification time and bytes.
    stamp      TEXT PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The daemon that applied it: host name and process id.
    applied_by TEXT NOT NULL
);
