"""Build the situation page: read a window of events from DuckDB, shape it for the page, render it with Jinja2.

    read_situation(db, since, countries)  → rows (storage/situation.py, one read-only connection)
    page_data(rows, lang, now)            → the page's data: events with their sources and evidence, header facts
    render_page(data, lang)               → one HTML file: libraries, styles, shapes and data inline, no network
    write_page(path, html)                → written next to `path` and moved over it (atomic, like the analysts' copy)

The data travels gzip-compressed and base64-encoded inside the page (5,000 events with their evidence sentences
shrink from ~5 MB of JSON to well under 1 MB); the browser inflates it with its own DecompressionStream.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from flows.situation.labels import (
    EVENT_TYPES,
    LANGUAGES,
    TEXT,
    alpha2,
    country_name,
    sub_type_label,
    type_colour,
    type_label,
)
from storage.db import connect
from storage.situation import (
    feeds_overview,
    first_event_date,
    last_run,
    window_events,
    window_evidence,
    window_sources,
)
from tasks.errors import ConfigError

HERE = Path(__file__).parent
VENDOR = HERE / "vendor"
SCRIPTS = ("leaflet.js", "vega.min.js", "vega-lite.min.js")
RELATIVE = re.compile(r"^(\d+)d$")


def parse_since(value: str | None, today: date) -> date | None:
    """`14d` (the last 14 days, today included), `2026-11-01`, or `all` / None (no lower bound)."""
    if value is None or value == "all":
        return None
    if match := RELATIVE.match(value.strip()):
        return today - timedelta(days=int(match.group(1)) - 1)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"since {value!r}: use a number of days (14d), a date (2026-11-01) or all") from None


def parse_countries(value: str | None) -> list[str]:
    """`ML,BF` → ['ML', 'BF']."""
    return [c.strip().upper() for c in (value or "").split(",") if c.strip()]


def read_situation(db_path: Path, since: date | None, countries: list[str] | None) -> dict:
    """Everything the page shows, read with one read-only connection."""
    with connect(Path(db_path), read_only=True) as con:
        return {
            "since": since,
            "countries": list(countries or []),
            "events": window_events(con, since, countries),
            "sources": window_sources(con, since, countries),
            "evidence": window_evidence(con, since, countries),
            "feeds": feeds_overview(con),
            "last_run": last_run(con),
            "first_date": first_event_date(con),
        }


def _iso(value) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat() if isinstance(value, date) else value


def _sources(rows: list[dict]) -> dict[str, list[dict]]:
    by_event: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_event[r["event_id"]].append(
            {
                "outlet": r["source"],
                "title": r["title"],
                "url": r["url"],
                "published": _iso(r["published"]),
                "role": r["role"],
                "lang": r["language"],
            }
        )
    return by_event


def _evidence(rows: list[dict], outlets: dict[str, str]) -> dict[str, list[dict]]:
    """Per event, each distinct sentence once, with the fields read from it and the outlet it came from."""
    by_event: dict[str, dict[tuple[str, str], dict]] = defaultdict(dict)
    for r in rows:
        item = by_event[r["event_id"]].setdefault(
            (r["url_key"], r["sentence"]),
            {"sentence": r["sentence"], "fields": [], "outlet": outlets.get(r["url_key"])},
        )
        if r["field"] not in item["fields"]:
            item["fields"].append(r["field"])
    return {event_id: list(items.values()) for event_id, items in by_event.items()}


def event_item(row: dict, lang: str, sources: list[dict], evidence: list[dict]) -> dict:
    """One event as the page and /api/events carry it."""
    return {
        "id": row["event_id"],
        "date": _iso(row["event_date"]),
        "precision": row["time_precision"],
        "type": row["event_type"],
        "type_label": type_label(row["event_type"], lang),
        "sub": sub_type_label(row["sub_event_type"], lang),
        "actor1": row["actor1"],
        "actor2": row["actor2"],
        "iso2": row["iso2"],
        "country": country_name(row["iso2"], lang, row["country"]),
        "admin1": row["admin1"],
        "admin2": row["admin2"],
        "place": row["location"],
        "lat": row["latitude"],
        "lon": row["longitude"],
        "geo": row["geo_precision"],
        "deaths": row["fatalities"],
        "low": row["fatalities_low"],
        "high": row["fatalities_high"],
        "wounded": row["wounded"],
        "abducted": row["abducted"],
        "notes": row["notes"] or "",
        # independent outlets: events_v.n_outlets where the schema has it (syndicated copies not counted)
        "outlets": row.get("n_outlets", row["n_sources"]),
        "articles": row["n_articles"],
        "version": row["version"],
        "first_seen": _iso(row["first_seen"]),
        "last_seen": _iso(row["last_seen"]),
        "sources": sources,
        "evidence": evidence,
    }


def events_payload(rows: dict, lang: str) -> list[dict]:
    """The window's events, newest first, each with its sources and evidence."""
    sources = _sources(rows["sources"])
    outlets = {r["url_key"]: r["source"] for r in rows["sources"]}
    evidence = _evidence(rows["evidence"], outlets)
    return [
        event_item(r, lang, sources.get(r["event_id"], []), evidence.get(r["event_id"], [])) for r in rows["events"]
    ]


def header_facts(rows: dict, now: datetime) -> dict:
    """Period covered, feeds polled and their health, last run."""
    dates = [r["event_date"] for r in rows["events"] if r["event_date"]]
    start = rows["since"] or (min(dates) if dates else rows["first_date"])
    end = max([now.date(), *dates])
    feeds = [
        {**f, "last_polled_at": _iso(f["last_polled_at"]), "last_success_at": _iso(f["last_success_at"])}
        for f in rows["feeds"]
    ]
    run = rows["last_run"]
    return {
        "start": _iso(start),
        "end": _iso(end),
        "since": _iso(rows["since"]),
        "feeds": feeds,
        "feeds_polled": sum(f["last_polled_at"] is not None for f in feeds),
        "health": {h: sum(f["health"] == h for f in feeds) for h in ("ok", "failing", "dead")},
        "last_run": {k: _iso(v) for k, v in run.items()} if run else None,
        "generated_at": _iso(now),
        "countries_filter": rows["countries"],
    }


def page_data(rows: dict, lang: str, now: datetime) -> dict:
    """Everything the page's script needs, as plain JSON-able data."""
    if lang not in LANGUAGES:
        raise ConfigError(f"lang {lang!r}: use one of {', '.join(LANGUAGES)}")
    events = events_payload(rows, lang)
    present = sorted(
        {e["type"] for e in events},
        key=lambda t: (list(EVENT_TYPES).index(t) if t in EVENT_TYPES else len(EVENT_TYPES), t),
    )
    types = [
        {"name": t, "label": type_label(t, lang), "colour": type_colour(t)}
        for t in [*EVENT_TYPES, *[t for t in present if t not in EVENT_TYPES]]
    ]
    countries = {e["iso2"]: e["country"] for e in events if e["iso2"]}
    return {
        "lang": lang,
        "meta": header_facts(rows, now),
        "types": types,
        "countries": [{"iso2": k, "name": v} for k, v in sorted(countries.items(), key=lambda kv: kv[1] or "")],
        "events": events,
    }


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("flows.situation", "templates"),
        autoescape=select_autoescape(["j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _inline(text: str, name: str) -> str:
    """A file's text for an inline <script>/<style>: it must not close the element early."""
    if "</script" in text.lower() or "</style" in text.lower() or "<!--" in text:
        raise ValueError(f"{name} cannot be inlined as is")
    return text


@cache
def _asset(name: str) -> str:
    folder = VENDOR if (VENDOR / name).exists() else HERE / "static"
    return _inline((folder / name).read_text(encoding="utf-8"), name)


@cache
def _shapes(lang: str) -> dict:
    shapes = json.loads(_asset("sahel-countries.json"))
    for feature in shapes["features"]:
        feature["properties"]["label"] = country_name(feature["id"], lang, feature["properties"]["name"])
        feature["properties"]["iso2"] = alpha2(feature["id"])
    return shapes


def _licences() -> list[dict]:
    return [
        {"name": path.stem, "text": path.read_text(encoding="utf-8")}
        for path in sorted((VENDOR / "licenses").glob("*.txt"))
    ]


def _packed(value: dict) -> str:
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def render_page(data: dict) -> str:
    """One self-contained HTML page: every script, style, shape and datum inline."""
    lang = data["lang"]
    locales = {"time": json.loads(_asset("time-locale-fr.json")), "number": json.loads(_asset("number-locale-fr.json"))}
    return (
        _environment()
        .get_template("page.html.j2")
        .render(
            lang=lang,
            text=TEXT[lang],
            meta=data["meta"],
            styles=[_asset("leaflet.css"), _asset("page.css")],
            scripts=[_asset(name) for name in SCRIPTS],
            app=_asset("page.js"),
            licences=_licences(),
            packed=_packed({**data, "shapes": _shapes(lang), "locale": locales if lang == "fr" else None}),
        )
    )


def write_page(path: Path, html: str) -> Path:
    """Write the page to a temporary file beside `path` and move it over `path` (readers never see half a page)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def build_page(
    db_path: Path,
    output: Path,
    since: date | None = None,
    countries: list[str] | None = None,
    lang: str = "en",
    now: datetime | None = None,
) -> dict:
    """Read, shape, render and write the page; return what it holds (path, events, bytes)."""
    now = now or datetime.now(UTC)
    data = page_data(read_situation(db_path, since, countries), lang, now)
    path = write_page(output, render_page(data))
    return {
        "path": str(path),
        "events": len(data["events"]),
        "bytes": path.stat().st_size,
        "fatalities": sum(e["deaths"] or 0 for e in data["events"]),
    }
