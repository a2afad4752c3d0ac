-- 006: a feed that answers but never yields an entry (a JSON Feed, an HTML page, a feed emptied by a move) was "ok"
-- forever. feeds.empty_polls counts such polls in a row (merged with the feed row); feed_health_v shows `empty`.

ALTER TABLE feeds ADD COLUMN empty_polls INTEGER NOT NULL DEFAULT 0;
COMMENT ON COLUMN feeds.empty_polls IS 'Polls in a row that answered 200 with no entry; 304 leaves it as it is, an entry resets it';

-- feed_health_v: one row per feed, with what it produced.
CREATE OR REPLACE VIEW feed_health_v AS
WITH produced AS (
    SELECT feed, count(*) AS articles, max(fetched_at) AS last_article_at
    FROM articles GROUP BY feed
)
SELECT f.name AS feed, f.url, f.language, f.countries,
       CASE WHEN f.consecutive_failures >= 4 THEN 'dead'
            WHEN f.consecutive_failures > 0 THEN 'failing'
            WHEN f.empty_polls >= 4 THEN 'empty'
            ELSE 'ok' END AS health,
       f.empty_polls,
       f.last_status, f.last_error, f.bozo, f.last_polled_at, f.last_success_at, f.consecutive_failures,
       coalesce(p.articles, 0) AS articles, p.last_article_at
FROM feeds f
LEFT JOIN produced p ON p.feed = f.name;
COMMENT ON VIEW feed_health_v IS 'One row per feed: ok / failing (1-3 failed polls in a row) / dead (4 or more) / empty (answers, but 4 or more polls in a row gave no entry), last answer, articles produced.';
COMMENT ON COLUMN feed_health_v.health IS 'ok = last poll succeeded; failing = 1 to 3 failed polls in a row; dead = 4 or more; empty = the feed answers but gave no entry 4 or more polls in a row (a moved feed, a JSON Feed, an HTML page)';
COMMENT ON COLUMN feed_health_v.empty_polls IS 'Polls in a row whose answer (200) held no entry; 304 leaves it, an entry resets it';
COMMENT ON COLUMN feed_health_v.last_article_at IS 'When the feed last gave a new article';
