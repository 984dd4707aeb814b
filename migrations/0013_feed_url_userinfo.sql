-- Feed URLs no longer carry user info: `http://user:password@host/…` in the
-- feed list becomes basic auth and leaves the URL (config.rs), so the
-- password is never stored. Rows stored before keep their history under the
-- URL without it, which is the URL the feed list now gives; a row whose
-- stripped URL is already taken by another row (the same feed listed both
-- ways once) is shown as `***@` instead. Where a permanent redirect pointed
-- (`fetch_url`) is stripped the same way.
WITH parts AS (
    SELECT id,
           substr(url, 1, instr(url, '://') + 2) AS scheme,
           substr(url, instr(url, '://') + 3) AS rest
    FROM feeds
    WHERE url LIKE 'http%://%@%'
), stripped AS (
    SELECT id, scheme, rest, instr(rest, '@') AS at, instr(rest, '/') AS slash
    FROM parts
)
UPDATE feeds SET url = (
    SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM feeds g WHERE g.url = s.scheme || substr(s.rest, s.at + 1))
            THEN s.scheme || substr(s.rest, s.at + 1)
        ELSE s.scheme || '***@' || substr(s.rest, s.at + 1)
    END
    FROM stripped s WHERE s.id = feeds.id)
WHERE id IN (SELECT id FROM stripped WHERE at > 0 AND (slash = 0 OR at < slash));

UPDATE feeds SET fetch_url =
    substr(fetch_url, 1, instr(fetch_url, '://') + 2)
    || substr(substr(fetch_url, instr(fetch_url, '://') + 3),
              instr(substr(fetch_url, instr(fetch_url, '://') + 3), '@') + 1)
WHERE fetch_url LIKE 'http%://%@%'
  AND instr(substr(fetch_url, instr(fetch_url, '://') + 3), '@') > 0
  AND (instr(substr(fetch_url, instr(fetch_url, '://') + 3), '/') = 0
       OR instr(substr(fetch_url, instr(fetch_url, '://') + 3), '@')
          < instr(substr(fetch_url, instr(fetch_url, '://') + 3), '/'));
