-- 001: the spine's tables. Each table says its key and how its writer writes it.

-- feeds: one row per feed URL; merged (upsert) after every poll.
CREATE TABLE feeds (
    url                  VARCHAR PRIMARY KEY,
    name                 VARCHAR NOT NULL,
    language             VARCHAR,
    countries            VARCHAR[],
    etag                 VARCHAR,
    last_modified        VARCHAR,
    last_status          INTEGER,
    last_error           VARCHAR,
    last_polled_at       TIMESTAMPTZ,
    last_success_at      TIMESTAMPTZ,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    bozo                 VARCHAR
);
COMMENT ON TABLE feeds IS 'One row per polled feed: conditional-GET validators and health. Merged after each poll.';
COMMENT ON COLUMN feeds.etag IS 'ETag of the last 200 answer, sent back as If-None-Match';
COMMENT ON COLUMN feeds.last_modified IS 'Last-Modified of the last 200 answer, sent back as If-Modified-Since';
COMMENT ON COLUMN feeds.last_status IS 'HTTP status of the last poll (304 = not modified), NULL when no answer';
COMMENT ON COLUMN feeds.consecutive_failures IS 'Polls in a row that failed; 0 after a success';
COMMENT ON COLUMN feeds.bozo IS 'feedparser bozo reason of the last parse, NULL when well-formed';

-- articles: one row per canonical URL (url_key = sha1 of canonical_url); inserted once, never updated by ingest.
CREATE TABLE articles (
    url_key          VARCHAR PRIMARY KEY,
    url              VARCHAR NOT NULL,
    canonical_url    VARCHAR NOT NULL,
    feed             VARCHAR NOT NULL,
    title            VARCHAR,
    author           VARCHAR,
    published        TIMESTAMPTZ,
    published_source VARCHAR NOT NULL,
    text             VARCHAR NOT NULL,
    text_source      VARCHAR NOT NULL,
    language         VARCHAR NOT NULL,
    language_prob    DOUBLE,
    content_hash     VARCHAR NOT NULL,
    duplicate_of     VARCHAR,
    similarity       DOUBLE,
    run_id           VARCHAR NOT NULL,
    fetched_at       TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE articles IS 'One row per article (canonical URL). Appended once; a rerun never duplicates a row.';
COMMENT ON COLUMN articles.url_key IS 'sha1 of canonical_url: the article key, checked before any page fetch';
COMMENT ON COLUMN articles.canonical_url IS 'URL without tracking parameters or fragment, lower-cased host (courlan)';
COMMENT ON COLUMN articles.published_source IS 'Where published came from: page (trafilatura metadata), feed, or none';
COMMENT ON COLUMN articles.text_source IS 'page = trafilatura text of the page; summary = feed summary (page unusable)';
COMMENT ON COLUMN articles.language IS 'ISO 639-1 code from langdetect, und when it cannot tell';
COMMENT ON COLUMN articles.content_hash IS 'sha1 of the normalised text: exact-copy dedupe key';
COMMENT ON COLUMN articles.duplicate_of IS 'url_key of the first article with the same (or near-same) text';
COMMENT ON COLUMN articles.similarity IS 'Similarity to duplicate_of (1.0 exact copy)';

-- skips: one row per item a stage gave up on, per run; appended, keyed by (run_id, stage, url).
CREATE TABLE skips (
    run_id     VARCHAR NOT NULL,
    stage      VARCHAR NOT NULL,
    url        VARCHAR NOT NULL,
    url_key    VARCHAR,
    reason     VARCHAR NOT NULL,
    detail     VARCHAR,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, stage, url)
);
COMMENT ON TABLE skips IS 'Items a stage gave up on, with the reason: bad input is data, not a crash. Appended per run.';
COMMENT ON COLUMN skips.url_key IS 'Article key of the entry, when the skip is about an article page';

-- runs: one row per ingest run; merged (inserted at start, completed at end).
CREATE TABLE runs (
    run_id        VARCHAR PRIMARY KEY,
    flow          VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL,
    feeds_polled  INTEGER,
    feeds_not_modified INTEGER,
    entries_seen  INTEGER,
    pages_fetched INTEGER,
    new_articles  INTEGER,
    duplicates    INTEGER,
    skips         INTEGER,
    events_new    INTEGER,
    events_updated INTEGER,
    summary       JSON
);
COMMENT ON TABLE runs IS 'One row per pipeline run with its counts; summary holds skips by reason and languages.';
