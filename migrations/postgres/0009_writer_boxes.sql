-- feedsieve's PostgreSQL schema, version 9: the cleaner learns each writer's
-- box, as SQLite's migration 0018 says: clean_template_blocks rows counted
-- under a writer's name say whose (`writer`, given name and surname, lower
-- case); NULL is a block counted across the whole feed.
ALTER TABLE clean_template_blocks ADD COLUMN writer TEXT;
