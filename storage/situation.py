"""Reads behind the situation page (flows/situation) and its JSON API: events in a window, their sources and
evidence, feed health and the last run. Read-only; point them at the analyst snapshot or a closed pipeline file.

The events are those of `events_v` with event_date on or after `since` (all when None; events without a date only
then) in `countries` (ISO2; all when empty), newest first.
"""

from __future__ import annotations

from datetime import date

# events_v's columns but the joined outlet names and URLs (the page lists each source with its own row)
EVENT_SELECT = "SELECT * EXCLUDE (sources, source_urls) FROM events_v"


def _window(since: date | None, countries: list[str] | None) -> tuple[str, dict[str, object]]:
    clauses: list[str] = []
    params: dict[str, object] = {}
    if since is not None:
        clauses.append("event_date >= $since")
        params["since"] = since
    if countries:
        clauses.append("iso2 IN (SELECT unnest($countries))")
        params["countries"] = list(countries)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _dicts(result) -> list[dict]:
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _of_window(con, sql: str, since: date | None, countries: list[str] | None) -> list[dict]:
    """Rows of `sql`, whose {window} is replaced by the ids of the window's events."""
    where, params = _window(since, countries)
    return _dicts(con.execute(sql.format(window=f"SELECT event_id FROM events_v {where}"), params))


def window_events(con, since: date | None, countries: list[str] | None) -> list[dict]:
    """The window's events (events_v rows), newest first, then worst first."""
    where, params = _window(since, countries)
    return _dicts(
        con.execute(f"{EVENT_SELECT} {where} ORDER BY event_date DESC NULLS LAST, fatalities DESC, event_id", params)
    )


def window_sources(con, since: date | None, countries: list[str] | None) -> list[dict]:
    """Every (event, article) of the window's events, earliest published first: outlet, title, URL, role."""
    return _of_window(
        con,
        "SELECT event_id, url_key, source, title, url, published, language, role "
        "FROM event_sources_v WHERE event_id IN ({window}) "
        "ORDER BY event_id, published NULLS LAST, url",
        since,
        countries,
    )


def window_evidence(con, since: date | None, countries: list[str] | None) -> list[dict]:
    """The evidence sentences of the window's events: which field was read from which sentence of which article."""
    return _of_window(
        con,
        "SELECT event_id, url_key, field, sentence FROM event_evidence "
        "WHERE event_id IN ({window}) ORDER BY event_id, url_key, start_at, field",
        since,
        countries,
    )


def feeds_overview(con) -> list[dict]:
    """One row per feed: name, health (ok / failing / dead), last HTTP status, when it was last polled."""
    return _dicts(
        con.execute(
            "SELECT feed AS name, health, last_status, last_polled_at, last_success_at, consecutive_failures "
            "FROM feed_health_v ORDER BY consecutive_failures DESC, feed"
        )
    )


def last_run(con) -> dict | None:
    """The newest run: flow, start, end, status."""
    rows = _dicts(
        con.execute("SELECT flow, started_at, finished_at, status FROM runs ORDER BY started_at DESC LIMIT 1")
    )
    return rows[0] if rows else None


def first_event_date(con) -> date | None:
    return con.execute("SELECT min(event_date) FROM events").fetchone()[0]
