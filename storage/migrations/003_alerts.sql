-- 003: alerts. Sends are merged per key (a failed send is retried in place); ops notices merged per subject.

-- alerts_sent: one row per (event_id, rule, channel, version); merged: a retry updates status and attempts.
CREATE TABLE alerts_sent (
    event_id    VARCHAR NOT NULL,
    rule        VARCHAR NOT NULL,
    channel     VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    kind        VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 1,
    last_error  VARCHAR,
    first_tried_at TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ,
    PRIMARY KEY (event_id, rule, channel, version)
);
COMMENT ON TABLE alerts_sent IS 'Exactly-once alert ledger: one row per (event, rule, channel, version). Merged: a failed send is retried on the next run and updated in place.';
COMMENT ON COLUMN alerts_sent.channel IS 'Redacted channel id: the channel name from the rules file, or scheme:sha1(url as written) — never the resolved URL';
COMMENT ON COLUMN alerts_sent.kind IS 'new = first announcement; revision = toll, place or date changed after an announcement';
COMMENT ON COLUMN alerts_sent.status IS 'sent | failed';
COMMENT ON COLUMN alerts_sent.last_error IS 'Why the last attempt failed, scrubbed of URLs and secrets';

-- ops_notices: one row per (kind, subject, state); merged: the state a subject was last reported in.
CREATE TABLE ops_notices (
    kind        VARCHAR NOT NULL,
    subject     VARCHAR NOT NULL,
    state       VARCHAR NOT NULL,
    detail      VARCHAR,
    notified_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, subject, state)
);
COMMENT ON TABLE ops_notices IS 'Ops notices already sent, e.g. (feed, URL, dead) then (feed, URL, recovered): each transition is reported once. A new dead spell replaces the recovered row.';
