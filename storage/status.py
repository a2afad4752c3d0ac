"""Read-only queries behind `sahelwatch status`."""

from __future__ import annotations

COUNTED = ("feeds", "articles", "skips", "runs", "events", "event_articles", "event_versions", "alerts_sent")


def table_counts(con) -> list[tuple[str, int]]:
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return [(t, con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in COUNTED if t in present]


def last_runs(con, limit: int = 5) -> list[tuple]:
    return con.execute(
        "SELECT right(run_id, 12), strftime(started_at, '%Y-%m-%d %H:%M:%S'), status, feeds_polled, "
        "feeds_not_modified, new_articles, skips, events_new FROM runs ORDER BY started_at DESC LIMIT ?", [limit]
    ).fetchall()


def feed_health(con) -> list[tuple]:
    return con.execute(
        "SELECT name, last_status, strftime(last_success_at, '%Y-%m-%d %H:%M'), consecutive_failures, "
        "CASE WHEN bozo IS NULL THEN '' ELSE 'bozo' END, coalesce(last_error, '') FROM feeds "
        "ORDER BY consecutive_failures DESC, name"
    ).fetchall()


def events_brief(con, event_ids: list[str]) -> list[dict]:
    """The run summary's view of some events: what, where, when, toll and the first source's link."""
    if not event_ids:
        return []
    rows = con.execute(
        "SELECT e.event_id, strftime(e.event_date, '%Y-%m-%d'), e.event_type, e.sub_event_type, e.location, "
        "e.admin1, e.country, e.fatalities, e.actor1, e.actor2, "
        "(SELECT a.canonical_url FROM event_articles l JOIN articles a USING (url_key) "
        " WHERE l.event_id = e.event_id ORDER BY l.linked_at, a.url_key LIMIT 1) "
        "FROM events e WHERE e.event_id IN (SELECT unnest($ids)) ORDER BY e.event_date DESC NULLS LAST, e.event_id",
        {"ids": event_ids},
    ).fetchall()
    names = ("event_id", "event_date", "event_type", "sub_event_type", "location", "admin1", "country",
             "fatalities", "actor1", "actor2", "url")
    return [dict(zip(names, row, strict=True)) for row in rows]
