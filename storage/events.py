"""Storing extracted events: cluster each one into the stored events, revise, link, and keep the history.

    events          merged   key event_id = sha1(url_key of the first report, rank)[:16]; version bumps on revision
    event_versions  appended key (event_id, version): changes {field: [old, new]}, snapshot, url_key, changed_at
    event_articles  appended key (event_id, url_key): role origin | source | duplicate
    event_evidence  appended key (event_id, url_key, field)
    extractions     merged   key (url_key, extractor_version): an article already there is skipped (idempotent)

A batch is read with two set-based queries (processed articles; candidate events in the batch's date windows and
countries), clustered in memory with tasks.cluster.match_events (each event against the stored events' merged facts,
the same rules as `sahelwatch extract`), and written in one short transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta

from storage.bulk import insert_records, unique_by
from storage.db import transaction
from tasks.cluster import DATE_WINDOW_DAYS, dated, match_events
from tasks.cluster import merge_event as merge
from tasks.models import Event, ExtractedArticle

CANDIDATE_DAYS = 3  # stored events this many days either side of a precise date are candidates
EVENT_TYPES = {
    "event_id": "VARCHAR", "version": "INTEGER", "event_date": "DATE", "date_precision": "INTEGER",
    "event_type": "VARCHAR", "sub_event_type": "VARCHAR", "actor1": "VARCHAR", "actor2": "VARCHAR",
    "country": "VARCHAR", "admin1": "VARCHAR", "admin2": "VARCHAR", "location": "VARCHAR",
    "latitude": "DOUBLE", "longitude": "DOUBLE", "geo_precision": "INTEGER", "fatalities": "INTEGER",
    "fatalities_low": "INTEGER", "fatalities_high": "INTEGER", "wounded": "INTEGER", "abducted": "INTEGER",
    "notes": "VARCHAR", "extractor_version": "VARCHAR", "first_seen": "TIMESTAMPTZ", "last_seen": "TIMESTAMPTZ",
}
EVENT_FIELDS = [c for c in EVENT_TYPES if c in Event.__dataclass_fields__]
VERSION_TYPES = {"event_id": "VARCHAR", "version": "INTEGER", "url_key": "VARCHAR", "changed_at": "TIMESTAMPTZ",
                 "changes": "JSON", "snapshot": "JSON"}
LINK_TYPES = {"event_id": "VARCHAR", "url_key": "VARCHAR", "rank": "INTEGER", "role": "VARCHAR",
              "extractor_version": "VARCHAR", "linked_at": "TIMESTAMPTZ"}
EVIDENCE_TYPES = {"event_id": "VARCHAR", "url_key": "VARCHAR", "field": "VARCHAR", "start_at": "INTEGER",
                  "end_at": "INTEGER", "sentence": "VARCHAR"}
EXTRACTION_TYPES = {"url_key": "VARCHAR", "extractor_version": "VARCHAR", "relevant": "BOOLEAN", "events": "INTEGER",
                    "extracted_at": "TIMESTAMPTZ"}


@dataclass
class EventStats:
    """Events created and revised by a batch (event_ids), and how many further-source/duplicate links it added."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    linked: int = 0


@dataclass
class _Stored:
    """An event as the batch sees it: the row's bookkeeping and whether the batch created or changed it."""

    event: Event
    version: int
    extractor_version: str
    first_seen: datetime
    is_new: bool = False
    changed: bool = False


@dataclass
class _Batch:
    """What a batch writes: events by id, rows to append, and the events each article ended up in."""

    events: dict[str, _Stored]
    article_events: dict[str, list[str]]
    versions: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    extractions: list[dict] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    by_day: dict[tuple[str | None, str | None], set[str]] = field(default_factory=dict)

    def index(self, eid: str) -> None:
        ev = self.events[eid].event
        self.by_day.setdefault((ev.country, ev.event_date), set()).add(eid)

    def near(self, ev: Event) -> set[str]:
        """Events of the same country dated within the event's window (or undated)."""
        out = set(self.by_day.get((ev.country, None), ()))
        if not ev.event_date:
            return out | {e for (c, _), ids in self.by_day.items() if c == ev.country for e in ids}
        d, w = date.fromisoformat(ev.event_date[:10]), DATE_WINDOW_DAYS[3]
        for k in range(-w, w + 1):
            out |= self.by_day.get((ev.country, (d + timedelta(days=k)).isoformat()), set())
        return out


def event_id(url_key: str, rank: int) -> str:
    return hashlib.sha1(f"{url_key}:{rank}".encode()).hexdigest()[:16]


def window_days(event: Event) -> int:
    return max(CANDIDATE_DAYS, DATE_WINDOW_DAYS.get(event.date_precision or 2, 7))


def _published(item: ExtractedArticle) -> str | None:
    return item.published.date().isoformat() if item.published else None


def _events_of(item: ExtractedArticle) -> list[Event]:
    """The article's events, the publication date standing in for a missing event date."""
    return [dated(ev, _published(item)) for ev in item.extraction.events]


# --- reading -----------------------------------------------------------------------------------------------


def _already_extracted(con, items: list[ExtractedArticle]) -> set[tuple[str, str]]:
    keys = sorted({it.url_key for it in items})
    if not keys:
        return set()
    rows = con.execute(
        "SELECT url_key, extractor_version FROM extractions WHERE url_key = ANY($keys)", {"keys": keys}
    ).fetchall()
    return {(k, v) for k, v in rows}


def _candidate_windows(items: list[ExtractedArticle]) -> list[dict]:
    out = []
    for item in items:
        for ev in _events_of(item) if not item.duplicate_of else []:
            if ev.event_date and ev.country:
                d, w = date.fromisoformat(ev.event_date[:10]), window_days(ev)
                out.append({"country": ev.country, "lo": d - timedelta(days=w), "hi": d + timedelta(days=w)})
    return out


def _row_event(row: dict) -> Event:
    values = {f: row[f] for f in EVENT_FIELDS}
    values["event_date"] = row["event_date"].isoformat() if row["event_date"] else None
    return Event(**values)


def _candidates(con, items: list[ExtractedArticle]) -> dict[str, _Stored]:
    """Stored events in any of the batch's (country, date window)s: one query, pruned by the event_date range."""
    windows = _candidate_windows(items)
    if not windows:
        return {}
    cur = con.execute(
        "SELECT * FROM events e WHERE e.event_date BETWEEN $lo AND $hi AND EXISTS ("
        "SELECT 1 FROM (SELECT unnest($w::STRUCT(country VARCHAR, lo DATE, hi DATE)[]) AS w) q "
        "WHERE e.country = q.w.country AND e.event_date BETWEEN q.w.lo AND q.w.hi)",
        {"w": windows, "lo": min(w["lo"] for w in windows), "hi": max(w["hi"] for w in windows)},
    )
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    return {r["event_id"]: _Stored(_row_event(r), r["version"], r["extractor_version"], r["first_seen"]) for r in rows}


def _stored_links(con, url_keys: set[str]) -> dict[str, list[str]]:
    """url_key → the events it reports (origin or source), in rank order: what a syndicated copy is linked to."""
    if not url_keys:
        return {}
    rows = con.execute(
        "SELECT url_key, event_id FROM event_articles WHERE url_key = ANY($keys) AND role <> 'duplicate' "
        "ORDER BY url_key, rank",
        {"keys": sorted(url_keys)},
    ).fetchall()
    out: dict[str, list[str]] = {}
    for key, eid in rows:
        out.setdefault(key, []).append(eid)
    return out


# --- clustering a batch in memory --------------------------------------------------------------------------


def _snapshot(event: Event, version: int) -> str:
    values = {k: v for k, v in asdict(event).items() if k not in ("evidence", "event_key")}
    return json.dumps({"version": version, **values}, ensure_ascii=False)


def _match(batch: _Batch, events: list[Event]) -> dict[int, str]:
    """The stored event each event of the article joins (tasks.cluster.match_events on their merged facts)."""
    near = sorted(set().union(*(batch.near(ev) for ev in events)))
    return match_events(events, [(eid, batch.events[eid].event) for eid in near])


def _link(batch: _Batch, eid: str, item: ExtractedArticle, rank: int, role: str, now: datetime) -> None:
    version = item.extraction.extractor_version
    batch.links.append({"event_id": eid, "url_key": item.url_key, "rank": rank, "role": role,
                        "extractor_version": version, "linked_at": now})
    batch.touched.add(eid)
    batch.article_events.setdefault(item.url_key, []).append(eid)


def _version(batch: _Batch, eid: str, item: ExtractedArticle, changes: dict, now: datetime) -> None:
    st = batch.events[eid]
    batch.versions.append({"event_id": eid, "version": st.version, "url_key": item.url_key, "changed_at": now,
                           "changes": json.dumps(changes, ensure_ascii=False),
                           "snapshot": _snapshot(st.event, st.version)})


def _add_source(batch: _Batch, eid: str, ev: Event, item: ExtractedArticle, rank: int, now: datetime) -> None:
    st = batch.events[eid]
    merged, changes = merge(st.event, ev)
    _link(batch, eid, item, rank, "source", now)
    if changes:
        batch.events[eid] = replace(st, event=merged, version=st.version + 1, changed=True)
        batch.index(eid)
        _version(batch, eid, item, changes, now)


def _create(batch: _Batch, ev: Event, item: ExtractedArticle, rank: int, now: datetime) -> None:
    eid = event_id(item.url_key, rank)
    plain = replace(ev, evidence=(), event_key=None)
    batch.events[eid] = _Stored(plain, 1, item.extraction.extractor_version, now, is_new=True, changed=True)
    batch.index(eid)
    _link(batch, eid, item, rank, "origin", now)
    _version(batch, eid, item, {}, now)


def _evidence(batch: _Batch, eid: str, ev: Event, url_key: str) -> None:
    for e in ev.evidence:
        batch.evidence.append({"event_id": eid, "url_key": url_key, "field": e.field, "start_at": e.start,
                               "end_at": e.end, "sentence": e.sentence})


def _extracted(batch: _Batch, item: ExtractedArticle, relevant: bool, n: int, now: datetime) -> None:
    batch.extractions.append({"url_key": item.url_key, "extractor_version": item.extraction.extractor_version,
                              "relevant": relevant, "events": n, "extracted_at": now})


def _add_article(batch: _Batch, item: ExtractedArticle, now: datetime) -> None:
    events = _events_of(item)
    chosen = _match(batch, events)
    for rank, ev in enumerate(events):
        if rank in chosen:
            _add_source(batch, chosen[rank], ev, item, rank, now)
        else:
            _create(batch, ev, item, rank, now)
        _evidence(batch, batch.article_events[item.url_key][-1], ev, item.url_key)
    _extracted(batch, item, item.extraction.relevant, len(events), now)


def _add_duplicate(batch: _Batch, item: ExtractedArticle, now: datetime) -> None:
    """A syndicated copy is credited on its first copy's events, without being extracted again."""
    eids = list(dict.fromkeys(batch.article_events.get(item.duplicate_of or "", [])))
    for rank, eid in enumerate(eids):
        _link(batch, eid, item, rank, "duplicate", now)
    _extracted(batch, item, bool(eids), len(eids), now)


def cluster_batch(batch: _Batch, items: list[ExtractedArticle], now: datetime) -> _Batch:
    for item in items:
        if item.duplicate_of:
            _add_duplicate(batch, item, now)
        else:
            _add_article(batch, item, now)
    return batch


# --- writing -----------------------------------------------------------------------------------------------


def _event_row(eid: str, st: _Stored, now: datetime) -> dict:
    return {"event_id": eid, "version": st.version, **{f: getattr(st.event, f) for f in EVENT_FIELDS},
            "extractor_version": st.extractor_version, "first_seen": st.first_seen, "last_seen": now}


def _update_events(con, rows: list[dict], dates: list[str]) -> None:
    """Revise stored events in one statement; the constant date range lets DuckDB skip old row groups."""
    columns = [c for c in EVENT_TYPES if c not in ("event_id", "extractor_version", "first_seen")]
    struct = ", ".join(f"{c} {EVENT_TYPES[c]}" for c in ["event_id", *columns])
    sets = ", ".join(f"{c} = u.{c}" for c in columns)
    con.execute(
        f"UPDATE events SET {sets} FROM (SELECT r.* FROM (SELECT unnest($rows::STRUCT({struct})[]) AS r)) u "
        "WHERE events.event_id = u.event_id AND events.event_date BETWEEN $lo AND $hi",
        {"rows": rows, "lo": min(dates), "hi": max(dates)},
    )


def _write(con, batch: _Batch, stored_dates: dict[str, str], now: datetime) -> None:
    new = [_event_row(eid, st, now) for eid, st in batch.events.items() if st.is_new]
    revised = [_event_row(eid, st, now) for eid, st in batch.events.items()
               if not st.is_new and (st.changed or eid in batch.touched)]
    with transaction(con):
        insert_records(con, "events", new, EVENT_TYPES, key=["event_id"])
        if revised:
            _update_events(con, revised, [stored_dates[r["event_id"]] for r in revised])
        _append(con, "event_versions", batch.versions, VERSION_TYPES, ["event_id", "version"])
        _append(con, "event_articles", batch.links, LINK_TYPES, ["event_id", "url_key"])
        _append(con, "event_evidence", batch.evidence, EVIDENCE_TYPES, ["event_id", "url_key", "field"])
        insert_records(con, "extractions", batch.extractions, EXTRACTION_TYPES, key=["url_key", "extractor_version"])


def _append(con, table: str, records: list[dict], types: dict[str, str], key: list[str]) -> None:
    """Append rows to a keyless table in one statement (its key is kept by this writer, deduplicated here)."""
    rows = unique_by(records, key)
    if not rows:
        return
    struct = ", ".join(f'"{c}" {t}' for c, t in types.items())
    names = ", ".join(f'"{c}"' for c in types)
    con.execute(
        f"INSERT INTO {table} ({names}) SELECT r.* FROM (SELECT unnest($rows::STRUCT({struct})[]) AS r)",
        {"rows": [{c: rec.get(c) for c in types} for rec in rows]},
    )


def store_extractions(con, items: list[ExtractedArticle], now: datetime) -> EventStats:
    """Cluster a batch of extracted articles into the stored events, in order; rerunning a batch changes nothing."""
    done = _already_extracted(con, items)
    todo = [it for it in items if (it.url_key, it.extraction.extractor_version) not in done]
    if not todo:
        return EventStats()
    candidates = _candidates(con, todo)
    stored_dates = {eid: st.event.event_date for eid, st in candidates.items()}
    links = _stored_links(con, {it.duplicate_of for it in todo if it.duplicate_of})
    batch = _Batch(events=dict(candidates), article_events=links)
    for eid in candidates:
        batch.index(eid)
    cluster_batch(batch, todo, now)
    _write(con, batch, stored_dates, now)
    return EventStats(
        new=[eid for eid, st in batch.events.items() if st.is_new],
        updated=[eid for eid, st in batch.events.items() if not st.is_new and st.changed],
        linked=sum(1 for link in batch.links if link["role"] != "origin"),
    )
