-- feedsieve schema, version 12: the cleaner's template learns a block by its
-- exact text, not by its shape (issue 17, item 5). Until now `block_hash`
-- hashed the text with every run of digits masked, so a sentence an automated
-- feed repeats with other numbers in each entry ("there have been 4
-- earthquakes within 100 miles of …") counted as one recurring block and was
-- removed from every entry as boilerplate.
--
-- `block_hash` is now the hash of the exact text (lower-cased, URLs masked),
-- and `shape_hash` the old digit-masked hash, which lets the cleaner see that
-- a block's numbers change from entry to entry. For a text without digits both
-- hashes are the same, so those rows are already right (shape NULL = the
-- block's own hash). A row whose sample has digits was counted under its
-- shape and cannot be split back into its texts: it is dropped, and the
-- cleaner relearns verbatim ones from the next 5 entries. (A sample is the
-- first 100 characters; a longer block with digits after them keeps a row no
-- new text hashes to, pruned like any stale row.)

ALTER TABLE clean_template_blocks ADD COLUMN shape_hash INTEGER;  -- SipHash-1-3 with digits masked; NULL when the same as block_hash

DELETE FROM clean_template_blocks WHERE sample GLOB '*[0-9]*';
