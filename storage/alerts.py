"""Reads and writes for alerts: the events alerts may be due for, the send ledger, and ops notices.

Tables (migration 003):
    alerts_sent  key (event_id, rule, channel, version); merged — a retry updates status/attempts in place.
    ops_notices  key (kind, subject, state); merged — one row per subject, the state last reported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from storage.bulk import insert_records
from tasks.alerts import EventAlert

_EVENT_COLUMNS = (
    "event_id",
    "version",
    "event_date",
    "date_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
    "wounded",
    "abducted",
    "notes",
    "first_seen",
    "last_seen",
)
_LEDGER_TYPES = {
    "event_id": "VARCHAR",
    "rule": "VARCHAR",
    "channel": "VARCHAR",
    "version": "INTEGER",
    "kind": "VARCHAR",
    "status": "VARCHAR",
    "attempts": "INTEGER",
    "last_error": "VARCHAR",
    "first_tried_at": "TIMESTAMPTZ",
    "sent_at": "TIMESTAMPTZ",
}
_LEDGER_MERGE = (
    "(event_id, rule, channel, version) DO UPDATE SET status = excluded.status, "
    "attempts = alerts_sent.attempts + 1, last_error = excluded.last_error, sent_at = excluded.sent_at"
)


def _rows(cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def json_changes(value: Any) -> dict[str, list[Any]]:
    """event_versions.changes as stored (JSON text or already decoded)."""
    data = json.loads(value) if isinstance(value, str) else (value or {})
    return {str(k): list(v) for k, v in data.items() if isinstance(v, list | tuple) and len(v) == 2}


def recent_events(con, since: datetime) -> list[dict[str, Any]]:
    """Events whose current version was written at or after `since` (the first version when no history row)."""
    cols = ", ".join(f"e.{c}" for c in _EVENT_COLUMNS)
    return _rows(
        con.execute(
            f"SELECT {cols}, coalesce(v.changed_at, e.last_seen) AS changed_at FROM events e "
            "LEFT JOIN event_versions v ON v.event_id = e.event_id AND v.version = e.version "
            "WHERE e.last_seen >= $since AND coalesce(v.changed_at, e.last_seen) >= $since ORDER BY e.first_seen, e.event_id",
            {"since": since},
        )
    )


def event_changes(con, event_ids: Sequence[str]) -> dict[str, dict[int, dict]]:
    """event_id → version → {field: [old, new]}."""
    out: dict[str, dict[int, dict]] = {}
    rows = con.execute(
        "SELECT event_id, version, changes FROM event_versions WHERE event_id IN (SELECT unnest($ids::VARCHAR[]))",
        {"ids": list(event_ids)},
    ).fetchall()
    for event_id, version, changes in rows:
        out.setdefault(event_id, {})[int(version)] = json_changes(changes)
    return out


def event_sources(con, event_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """event_id → [(title, canonical_url)], main article first."""
    out: dict[str, list[tuple[str, str]]] = {}
    rows = con.execute(
        "SELECT ea.event_id, coalesce(a.title, ''), a.canonical_url FROM event_articles ea "
        "JOIN articles a ON a.url_key = ea.url_key WHERE ea.event_id IN (SELECT unnest($ids::VARCHAR[])) "
        "ORDER BY ea.event_id, ea.linked_at, ea.rank, a.canonical_url",
        {"ids": list(event_ids)},
    ).fetchall()
    for event_id, title, url in rows:
        out.setdefault(event_id, []).append((title, url))
    return out


def load_event_alerts(con, since: datetime) -> list[EventAlert]:
    """Recent events with their version history and sources, as alerts see them."""
    events = recent_events(con, since)
    ids = [e["event_id"] for e in events]
    changes, sources = event_changes(con, ids), event_sources(con, ids)
    return [EventAlert(e, changes.get(e["event_id"], {}), tuple(sources.get(e["event_id"], ()))) for e in events]


def load_ledger(con, event_ids: Sequence[str]) -> dict[tuple, tuple[str, int]]:
    """(event_id, rule, channel, version) → (status, attempts) for the given events."""
    rows = con.execute(
        "SELECT event_id, rule, channel, version, status, attempts FROM alerts_sent "
        "WHERE event_id IN (SELECT unnest($ids::VARCHAR[]))",
        {"ids": list(event_ids)},
    ).fetchall()
    return {(e, r, c, int(v)): (s, int(a)) for e, r, c, v, s, a in rows}


def record_sends(con, outcomes: Sequence[Mapping[str, Any]], now: datetime) -> int:
    """Merge send outcomes: dicts with event_id, rule, channel, version, kind, ok, error."""
    records = [
        {
            **{k: o[k] for k in ("event_id", "rule", "channel", "version", "kind")},
            "status": "sent" if o["ok"] else "failed",
            "attempts": 1,
            "last_error": None if o["ok"] else o.get("error"),
            "first_tried_at": now,
            "sent_at": now if o["ok"] else None,
        }
        for o in outcomes
    ]
    return insert_records(
        con,
        "alerts_sent",
        records,
        _LEDGER_TYPES,
        key=("event_id", "rule", "channel", "version"),
        on_conflict=_LEDGER_MERGE,
    )


def recent_sends(con, limit: int = 50, failed_only: bool = False) -> list[dict[str, Any]]:
    """The latest ledger rows, newest first, with the event's headline fields."""
    where = "WHERE s.status = 'failed'" if failed_only else ""
    return _rows(
        con.execute(
            "SELECT coalesce(s.sent_at, s.first_tried_at) AS tried_at, s.rule, s.channel, s.event_id, s.version, s.kind, "
            "s.status, s.attempts, s.last_error, e.sub_event_type, e.location, e.country, e.fatalities "
            f"FROM alerts_sent s LEFT JOIN events e ON e.event_id = s.event_id {where} "
            "ORDER BY tried_at DESC, s.event_id LIMIT $limit",
            {"limit": limit},
        )
    )


def feed_health(con) -> list[dict[str, Any]]:
    """Every feed's failure streak and last error."""
    return _rows(
        con.execute(
            "SELECT url, name, consecutive_failures, last_status, last_error, last_success_at, empty_polls FROM feeds "
            "ORDER BY name"
        )
    )


def ops_states(con, kind: str) -> dict[str, str]:
    """subject → the state last reported for it."""
    rows = con.execute("SELECT subject, state FROM ops_notices WHERE kind = $kind", {"kind": kind}).fetchall()
    return dict(rows)


def record_ops_notice(con, kind: str, subject: str, state: str, detail: str, now: datetime) -> None:
    """The subject is now reported in `state`: its previous row is replaced."""
    con.execute("DELETE FROM ops_notices WHERE kind = $kind AND subject = $subject", {"kind": kind, "subject": subject})
    con.execute(
        "INSERT INTO ops_notices (kind, subject, state, detail, notified_at) VALUES ($kind, $subject, $state, $detail, $now)",
        {"kind": kind, "subject": subject, "state": state, "detail": detail, "now": now},
    )
