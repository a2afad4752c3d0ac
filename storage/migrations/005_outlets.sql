-- 005: events_v gains n_outlets, the outlets that reported an event independently. n_sources counts every outlet
-- that carried a report, so a story syndicated by three outlets showed three sources for one report. The views are
-- recreated as in 004 with the one new column (views hold no data); daily_events_v depends on events_v.

DROP VIEW IF EXISTS daily_events_v;
-- events_v: one row per event, ACLED-like columns first, provenance after.
CREATE OR REPLACE VIEW events_v AS
WITH src AS (
    SELECT event_id,
           count(*) AS n_articles,
           count(DISTINCT source) AS n_sources,
           count(DISTINCT source) FILTER (WHERE role <> 'duplicate' AND duplicate_of IS NULL) AS n_outlets,
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
       coalesce(s.n_sources, 0) AS n_sources, coalesce(s.n_outlets, 0) AS n_outlets,
       coalesce(s.n_articles, 0) AS n_articles, s.sources,
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
COMMENT ON COLUMN events_v.n_sources IS 'Distinct outlets (feeds) that carried a report of the event, syndicated copies included';
COMMENT ON COLUMN events_v.n_outlets IS 'Distinct outlets that reported the event independently (syndicated copies not counted): how many confirm it';
COMMENT ON COLUMN events_v.n_articles IS 'Articles linked to the event, syndicated copies included';
COMMENT ON COLUMN events_v.source_urls IS 'URLs of the reporting articles, earliest published first';
COMMENT ON COLUMN events_v.first_seen IS 'When the pipeline first stored the event';
COMMENT ON COLUMN events_v.last_seen IS 'When a source last confirmed or revised the event';
COMMENT ON COLUMN events_v.version IS 'Revision number; event_versions holds each revision and what changed';

-- daily_events_v: one row per (day, country, admin1, event_type).
CREATE OR REPLACE VIEW daily_events_v AS
SELECT event_date AS day, iso2, country, admin1, event_type,
       count(*) AS events, sum(fatalities)::BIGINT AS fatalities, sum(n_sources)::BIGINT AS source_reports
FROM events_v
WHERE event_date IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW daily_events_v IS 'Events and fatalities by day, country, admin1 and event type.';
COMMENT ON COLUMN daily_events_v.source_reports IS 'Sum of n_sources over the group: how much coverage the day had';

