-- 004: the analyst views and the country reference they use. Views hold no data: they are recomputed on read.
-- Analysts open the published snapshot (data/sahelwatch-analyst.duckdb, see storage/publish.py), never the
-- pipeline's own file. docs/SCHEMA.md has a reference and example queries.

-- ref_countries: one row per ISO2 code; written once here (reference data, replaced by a later migration).
CREATE TABLE ref_countries (
    iso2        VARCHAR PRIMARY KEY,
    iso3        VARCHAR NOT NULL,
    iso_numeric INTEGER NOT NULL,
    name        VARCHAR NOT NULL,
    region      VARCHAR NOT NULL
);
INSERT INTO ref_countries VALUES
    ('ML', 'MLI', 466, 'Mali', 'Western Africa'), ('BF', 'BFA', 854, 'Burkina Faso', 'Western Africa'),
    ('NE', 'NER', 562, 'Niger', 'Western Africa'), ('TD', 'TCD', 148, 'Chad', 'Middle Africa'),
    ('MR', 'MRT', 478, 'Mauritania', 'Western Africa'), ('NG', 'NGA', 566, 'Nigeria', 'Western Africa'),
    ('BJ', 'BEN', 204, 'Benin', 'Western Africa'), ('TG', 'TGO', 768, 'Togo', 'Western Africa'),
    ('SN', 'SEN', 686, 'Senegal', 'Western Africa'), ('GH', 'GHA', 288, 'Ghana', 'Western Africa'),
    ('CI', 'CIV', 384, 'Ivory Coast', 'Western Africa'), ('GN', 'GIN', 324, 'Guinea', 'Western Africa'),
    ('GM', 'GMB', 270, 'Gambia', 'Western Africa'), ('CM', 'CMR', 120, 'Cameroon', 'Middle Africa'),
    ('CF', 'CAF', 140, 'Central African Republic', 'Middle Africa'), ('DZ', 'DZA', 12, 'Algeria', 'Northern Africa'),
    ('LY', 'LBY', 434, 'Libya', 'Northern Africa'), ('SD', 'SDN', 729, 'Sudan', 'Northern Africa');
COMMENT ON TABLE ref_countries IS 'ISO 3166-1 alpha-2 → alpha-3, numeric code, ACLED country name and ACLED region.';

-- event_sources_v: one row per (event, article that reports it).
CREATE VIEW event_sources_v AS
SELECT ea.event_id, ea.url_key, ea.rank, ea.role, a.feed AS source, a.url, a.title, a.published, a.language,
       a.fetched_at, ea.linked_at, a.duplicate_of
FROM event_articles ea
JOIN articles a USING (url_key);
COMMENT ON VIEW event_sources_v IS 'One row per (event, article): which outlet reported which event, and when.';
COMMENT ON COLUMN event_sources_v.role IS 'origin = the article that created the event; source = a further report; duplicate = a syndicated copy';
COMMENT ON COLUMN event_sources_v.rank IS 'Position of the event in the article (0 = the main event)';
COMMENT ON COLUMN event_sources_v.source IS 'Feed (outlet) name the article came from';

-- events_v: one row per event, ACLED-like columns first, provenance after.
CREATE VIEW events_v AS
WITH src AS (
    SELECT event_id,
           count(*) AS n_articles,
           count(DISTINCT source) AS n_sources,
           string_agg(DISTINCT source, '; ' ORDER BY source) AS sources,
           list(url ORDER BY published NULLS LAST, url) AS source_urls
    FROM event_sources_v
    GROUP BY event_id
)
SELECT e.event_id,
       e.event_date,
       year(e.event_date) AS year,
       e.date_precision AS time_precision,
       CASE WHEN e.event_type IN ('Protests', 'Riots') THEN 'Demonstrations'
            WHEN e.event_type = 'Strategic developments' THEN 'Strategic developments'
            ELSE 'Political violence' END AS disorder_type,
       e.event_type, e.sub_event_type, e.actor1, e.actor2,
       e.country AS iso2, c.iso3, c.iso_numeric AS iso, c.name AS country, c.region, e.admin1, e.admin2, e.location,
       e.latitude, e.longitude, e.geo_precision,
       e.fatalities, e.fatalities_low, e.fatalities_high, e.wounded, e.abducted, e.notes,
       coalesce(s.n_sources, 0) AS n_sources, coalesce(s.n_articles, 0) AS n_articles, s.sources,
       coalesce(s.source_urls, []) AS source_urls,
       e.first_seen, e.last_seen, e.version, e.extractor_version
FROM events e
LEFT JOIN ref_countries c ON c.iso2 = e.country
LEFT JOIN src s USING (event_id);
COMMENT ON VIEW events_v IS 'One row per event: ACLED-like columns, then how many outlets reported it and their URLs.';
COMMENT ON COLUMN events_v.time_precision IS 'ACLED time_precision: 1 exact day, 2 within a week, 3 month only';
COMMENT ON COLUMN events_v.disorder_type IS 'Derived from event_type as ACLED does: Political violence, Demonstrations or Strategic developments';
COMMENT ON COLUMN events_v.iso2 IS 'ISO 3166-1 alpha-2 country code (ML, BF, NE, ...)';
COMMENT ON COLUMN events_v.country IS 'ACLED country name of iso2';
COMMENT ON COLUMN events_v.geo_precision IS '1 the named town, 2 near a town or part of a region, 3 region or country only';
COMMENT ON COLUMN events_v.fatalities IS 'Reported deaths, most conservative figure (ACLED rules); 0 when none reported';
COMMENT ON COLUMN events_v.n_sources IS 'Distinct outlets (feeds) that reported the event';
COMMENT ON COLUMN events_v.n_articles IS 'Articles linked to the event, syndicated copies included';
COMMENT ON COLUMN events_v.source_urls IS 'URLs of the reporting articles, earliest published first';
COMMENT ON COLUMN events_v.first_seen IS 'When the pipeline first stored the event';
COMMENT ON COLUMN events_v.last_seen IS 'When a source last confirmed or revised the event';
COMMENT ON COLUMN events_v.version IS 'Revision number; event_versions holds each revision and what changed';

-- daily_events_v: one row per (day, country, admin1, event_type).
CREATE VIEW daily_events_v AS
SELECT event_date AS day, iso2, country, admin1, event_type,
       count(*) AS events, sum(fatalities)::BIGINT AS fatalities, sum(n_sources)::BIGINT AS source_reports
FROM events_v
WHERE event_date IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW daily_events_v IS 'Events and fatalities by day, country, admin1 and event type.';
COMMENT ON COLUMN daily_events_v.source_reports IS 'Sum of n_sources over the group: how much coverage the day had';

-- feed_health_v: one row per feed, with what it produced.
CREATE VIEW feed_health_v AS
WITH produced AS (
    SELECT feed, count(*) AS articles, max(fetched_at) AS last_article_at
    FROM articles GROUP BY feed
)
SELECT f.name AS feed, f.url, f.language, f.countries,
       CASE WHEN f.consecutive_failures = 0 THEN 'ok'
            WHEN f.consecutive_failures < 4 THEN 'failing'
            ELSE 'dead' END AS health,
       f.last_status, f.last_error, f.bozo, f.last_polled_at, f.last_success_at, f.consecutive_failures,
       coalesce(p.articles, 0) AS articles, p.last_article_at
FROM feeds f
LEFT JOIN produced p ON p.feed = f.name;
COMMENT ON VIEW feed_health_v IS 'One row per feed: ok / failing (1-3 failed polls in a row) / dead (4 or more), last answer, articles produced.';
COMMENT ON COLUMN feed_health_v.health IS 'ok = last poll succeeded; failing = 1 to 3 failed polls in a row; dead = 4 or more';
COMMENT ON COLUMN feed_health_v.last_article_at IS 'When the feed last gave a new article';
