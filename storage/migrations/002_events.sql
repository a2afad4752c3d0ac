-- 002: extraction and clustering. events are merged; versions, links and evidence appended.

-- events: one row per real-world incident; merged when a new source revises it (version increments).
CREATE TABLE events (
    event_id        VARCHAR PRIMARY KEY,
    version         INTEGER NOT NULL DEFAULT 1,
    event_date      DATE,
    date_precision  INTEGER,
    event_type      VARCHAR NOT NULL,
    sub_event_type  VARCHAR NOT NULL,
    actor1          VARCHAR,
    actor2          VARCHAR,
    country         VARCHAR,
    admin1          VARCHAR,
    admin2          VARCHAR,
    location        VARCHAR,
    latitude        DOUBLE,
    longitude       DOUBLE,
    geo_precision   INTEGER,
    fatalities      INTEGER NOT NULL DEFAULT 0,
    fatalities_low  INTEGER,
    fatalities_high INTEGER,
    wounded         INTEGER,
    abducted        INTEGER,
    notes           VARCHAR,
    extractor_version VARCHAR NOT NULL,
    first_seen      TIMESTAMPTZ NOT NULL,
    last_seen       TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE events IS 'One row per real-world incident, ACLED-shaped; revised in place (version) when a new source changes it.';
COMMENT ON COLUMN events.date_precision IS '1 exact day, 2 within a week, 3 month only';
COMMENT ON COLUMN events.geo_precision IS '1 the named town, 2 near a town or part of a region, 3 region or country only';
COMMENT ON COLUMN events.fatalities IS 'Reported deaths, most conservative figure (ACLED rules); 0 when none reported';
COMMENT ON COLUMN events.fatalities_low IS 'Lower bound when the text gives a range or qualifier (au moins 20 -> 20)';
COMMENT ON COLUMN events.fatalities_high IS 'Upper bound when the text gives one (or a higher claim by another party)';

-- event_versions: key (event_id, version); appended when an event is created (version 1, changes {}) or revised.
-- The key is kept by its only writer (storage/events.py: an article is processed once per extractor version);
-- no PRIMARY KEY, because an ART index over millions of rows costs hundreds of MB on every insert batch.
CREATE TABLE event_versions (
    event_id   VARCHAR NOT NULL,
    version    INTEGER NOT NULL,
    url_key    VARCHAR NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    changes    JSON NOT NULL,
    snapshot   JSON NOT NULL
);
COMMENT ON TABLE event_versions IS 'History of each event: what changed ({field: [old, new]}), when, and which article (url_key) changed it. Version 1 = created.';

-- event_articles: key (event_id, url_key); appended, the provenance of every event. Key kept by its writer (see above).
CREATE TABLE event_articles (
    event_id    VARCHAR NOT NULL,
    url_key     VARCHAR NOT NULL,
    rank        INTEGER NOT NULL,
    role        VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    linked_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX event_articles_url_key ON event_articles (url_key);
COMMENT ON TABLE event_articles IS 'Which articles report which event. rank = position of the event in the article (0 = main); role = origin (created it) | source (a further report) | duplicate (a syndicated copy of a source, not re-extracted).';

-- event_evidence: key (event_id, url_key, field); appended with the article's links. Key kept by its writer.
CREATE TABLE event_evidence (
    event_id  VARCHAR NOT NULL,
    url_key   VARCHAR NOT NULL,
    field     VARCHAR NOT NULL,
    start_at  INTEGER NOT NULL,
    end_at    INTEGER NOT NULL,
    sentence  VARCHAR NOT NULL
);
COMMENT ON TABLE event_evidence IS 'Evidence: articles.text[start_at:end_at] is the sentence the field was read from.';

-- extractions: one row per (article, extractor_version); merged, records that an article was processed.
CREATE TABLE extractions (
    url_key           VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    relevant          BOOLEAN NOT NULL,
    events            INTEGER NOT NULL,
    extracted_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (url_key, extractor_version)
);
COMMENT ON TABLE extractions IS 'Which articles were run through which extractor version, and whether they were relevant.';

-- article_fingerprints: one row per article (key url_key); appended once. MinHash signature for near-dup dedupe.
CREATE SEQUENCE article_fingerprint_ids START 1;
CREATE TABLE article_fingerprints (
    url_key    VARCHAR PRIMARY KEY,
    fp_id      BIGINT NOT NULL,
    signature  UINTEGER[] NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE article_fingerprints IS 'MinHash signature (128 values, word 5-shingles, tasks/fingerprint.py) of each article; fp_id numbers them in arrival order.';

-- article_bands: 32 rows per article (band, band_hash), appended with its fingerprint; no key and no index on
-- purpose: a batch is looked up with one hash join over band_hash (16 bytes a row), an ART over 32M rows would not fit.
CREATE TABLE article_bands (
    band      UTINYINT NOT NULL,
    band_hash UBIGINT NOT NULL,
    fp_id     BIGINT NOT NULL
);
COMMENT ON TABLE article_bands IS 'LSH bands of article MinHash signatures: two articles sharing a band_hash are near-duplicate candidates (fp_id -> article_fingerprints).';
