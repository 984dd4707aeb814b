-- feedsieve's PostgreSQL schema, version 2 (issue 19): search finds what
-- SQLite's finds. Two differences from SQLite's unicode61 index (remove_diacritics 2)
-- remained in version 1's entries.search_vector:
-- * accents counted: 'café' found 16 stories on the 200 x 20 bench on SQLite,
--   none on PostgreSQL. The unaccent extension folds them now, in the
--   document and (src/store/postgres/reads.rs) in the query's terms alike.
-- * PostgreSQL's parser reads "New York-listed" as 'york-listed' then its
--   parts, so 'york' is not next to 'new' ('"new york"' 570 / 561). unicode61
--   splits on '-', so '-' is read as a space now, as '.', '/' and '@' were.
--   unaccent turns dashes ('–', '—', U+2010...) into '-', so it runs first.
--   Of the lexemes version 1 indexed on that bench, the only others holding
--   a character unicode61 splits at were signed numbers: '+49' (a phone
--   prefix), so '49' found 80 stories against SQLite's 102; '+' is a space too.
--   And the parser drops what looks like markup, which unicode61 reads as
--   words: "<The Palace: Jang Noksu>" (a title in angle brackets) is one
--   'tag' token, "&amp;" an 'entity'; '<', '>' and '&' are spaces too.
--   Comparing the two indexes' terms (canonical entries; 19,001 terms on
--   SQLite): 64 differed in how many stories hold them before these three,
--   61 after, all of them unaccent's choices where unicode61 keeps the
--   character ('ß' is 'ss', 'ё' 'е', '½' ' 1/2', '®' '(R)'; a query is folded
--   alike, so PostgreSQL finds a few more there) or emoji, which its parser
--   skips (a query of emoji alone is empty on both engines).
--
-- unaccent ships with PostgreSQL's contrib modules (Debian and Ubuntu: in the
-- postgresql-NN package; RHEL and Fedora: postgresql-contrib) and is trusted
-- since PostgreSQL 13: a database owner creates it without being superuser.
--
-- unaccent() is only STABLE (its dictionary could be changed), and a generated
-- column calls only IMMUTABLE functions: feedsieve_search_text wraps it, naming
-- its schema and dictionary so no search_path changes what it returns.
--
-- The column is dropped and added again: PostgreSQL rewrites the table,
-- computing the vector of every entry once more, and builds the GIN index
-- afresh, all in this migration's one transaction (readers wait for it; a
-- failure leaves version 1 as it was). On the 200 x 20 bench (4,000 entries,
-- 87 MB of SQLite) that took 4.7-4.8 s (three runs, load average 3): the
-- vectors alone take ~3.1 s there, against ~2.4 s for version 1's.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent') THEN
        RAISE EXCEPTION 'this PostgreSQL server lacks the unaccent extension, which feedsieve''s search needs'
            USING HINT = 'install PostgreSQL''s contrib modules on the server (Debian and Ubuntu: '
                         'the postgresql-NN package has them; RHEL and Fedora: postgresql-contrib)';
    END IF;
END
$$;

CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;

-- A text as the search index reads it: accents folded, and '-', '+', '.',
-- '/', '@', '<', '>', '&' read as spaces (see above; unicode61 separates at
-- each of them).
CREATE FUNCTION feedsieve_search_text(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT pg_catalog.translate(public.unaccent('public.unaccent'::regdictionary, $1),
                                      '-+./@<>&', '        ') $$;

ALTER TABLE entries DROP COLUMN search_vector;  -- its index entries_search goes with it
-- As version 1's, through feedsieve_search_text: only the first 262,144
-- characters of a text are indexed (a tsvector holds at most 1 MB), cut again
-- after folding, which can lengthen a text ('½' is ' 1/2').
ALTER TABLE entries ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig,
                          feedsieve_search_text(coalesce(title, ''))), 'A') ||
    setweight(to_tsvector('simple'::regconfig,
                          left(feedsieve_search_text(left(coalesce(content_text, ''), 262144)),
                               262144)), 'B')
) STORED;
CREATE INDEX entries_search ON entries USING GIN (search_vector);
