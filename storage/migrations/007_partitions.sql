-- 007: several ingest runs at once, each over a partition of the feeds (flows/writer.py).
-- runs.feed_partition says which partition a run polled (NULL: all feeds, the whole database to itself), so a
-- run only marks failed the runs it knows are dead. extraction_claims lets two runs share the extraction of the
-- articles nobody has extracted yet: each claims a chunk before extracting it, and skips what another live run
-- claimed; merged on url_key, rows of runs that ended are deleted by the next claim.

ALTER TABLE runs ADD COLUMN feed_partition VARCHAR;
COMMENT ON COLUMN runs.feed_partition IS 'i/N when the run polled partition i of N of the feeds; NULL when it polled them all';

CREATE TABLE extraction_claims (
    url_key    VARCHAR PRIMARY KEY,
    run_id     VARCHAR NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE extraction_claims IS 'Articles a running partitioned run is extracting, so another run leaves them alone. Merged on url_key.';
