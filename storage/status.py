"""Read-only queries behind `sahelwatch status`."""

from __future__ import annotations

COUNTED = ("feeds", "articles", "skips", "runs", "events", "event_articles", "event_versions", "alerts_sent")


def table_counts(con) -> list[tuple[str, int]]:
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return [(t, con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in COUNTED if t in present]


def last_runs(con, limit: int = 5) -> list[tuple]:
    return con.execute(
        "SELECT left(run_id, 8), strftime(started_at, '%Y-%m-%d %H:%M:%S'), status, feeds_polled, "
        "feeds_not_modified, new_articles, skips, events_new FROM runs ORDER BY started_at DESC LIMIT ?", [limit]
    ).fetchall()


def feed_health(con) -> list[tuple]:
    return con.execute(
        "SELECT name, last_status, strftime(last_success_at, '%Y-%m-%d %H:%M'), consecutive_failures, "
        "CASE WHEN bozo IS NULL THEN '' ELSE 'bozo' END, coalesce(last_error, '') FROM feeds "
        "ORDER BY consecutive_failures DESC, name"
    ).fetchall()
