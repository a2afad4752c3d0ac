"""Exports of `events_v`: CSV, Parquet, GeoJSON and ACLED-shaped CSV, and read-only ad-hoc queries.

    csv      events_v as is; list columns (source_urls) joined with ' ; ' (CSV has no lists)
    parquet  events_v as is, native types (lists stay lists)
    geojson  a FeatureCollection of Points (events with coordinates), the other columns as properties
    acled    ACLED's columns in ACLED's order, then ours (see ACLED_COLUMNS, EXTRA_COLUMNS)

Everything opens the database read-only: point it at the analyst snapshot or the pipeline's file between runs.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from storage.db import connect
from tasks.errors import ConfigError
from tasks.settings import ROOT

FORMATS = ("csv", "parquet", "geojson", "acled")
ACTORS_FILE = ROOT / "tasks" / "extract" / "data" / "actors.json"
LIST_SEPARATOR = " ; "

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
EXTRA_COLUMNS = ("event_id", "iso2", "n_sources", "n_outlets", "n_articles", "source_urls", "fatalities_low", "fatalities_high",
                 "wounded", "abducted", "first_seen", "last_seen", "version", "extractor_version")
# ACLED interaction codes by our actor kinds (tasks/extract/data/actors.json): 1 state forces, 2 rebel groups,
# 3 political militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other forces; interaction is the two
# codes lowest first (12), or the code and 0 for an event with one actor (60).
INTER_BY_KIND = {"state": 1, "rebel": 2, "jihadist": 2, "militia": 3, "foreign": 8, "un": 8}
INTER_BY_PREFIX = (("Military Forces of", 1), ("Police Forces of", 1), ("Unidentified Armed Group", 3),
                   ("Rioters", 5), ("Protesters", 6), ("Civilians", 7))


def actor_inter_codes(actors: list[dict]) -> dict[str, int]:
    """Canonical actor name → ACLED inter code, from the extractor's actor list."""
    return {a["name"]: INTER_BY_KIND[a["kind"]] for a in actors if a.get("kind") in INTER_BY_KIND}


def load_inter_codes(path: Path = ACTORS_FILE) -> dict[str, int]:
    if not path.exists():
        return {}
    return actor_inter_codes(json.loads(path.read_text(encoding="utf-8")).get("actors", []))


def _inter_sql(column: str) -> str:
    prefixes = " ".join(f"WHEN {column} LIKE '{p}%' THEN {code}" for p, code in INTER_BY_PREFIX)
    return f"coalesce(ak_{column}.inter, CASE {prefixes} END)"


def _since_clause(since: date | None) -> str:
    return "WHERE e.event_date >= $since" if since else ""


def acled_query(since: date | None) -> str:
    """events_v as ACLED columns (needs the temp table actor_inter)."""
    inter1, inter2 = _inter_sql("actor1"), _inter_sql("actor2")
    return f"""
        SELECT coalesce(e.iso3, 'XXX') || '-' || e.event_id AS event_id_cnty, e.event_date, e.year,
               e.time_precision, e.disorder_type, e.event_type, e.sub_event_type,
               e.actor1, NULL::VARCHAR AS assoc_actor_1, {inter1} AS inter1,
               e.actor2, NULL::VARCHAR AS assoc_actor_2, {inter2} AS inter2,
               CASE WHEN {inter1} IS NULL THEN NULL WHEN {inter2} IS NULL THEN {inter1} * 10
                    ELSE least({inter1}, {inter2}) * 10 + greatest({inter1}, {inter2}) END AS interaction,
               CASE WHEN e.actor2 LIKE 'Civilians%' AND e.disorder_type = 'Political violence'
                    THEN 'Civilian targeting' END AS civilian_targeting,
               e.iso, e.region, e.country, e.admin1, e.admin2, NULL::VARCHAR AS admin3, e.location,
               e.latitude, e.longitude, e.geo_precision, e.sources AS source, NULL::VARCHAR AS source_scale,
               e.notes, e.fatalities, NULL::VARCHAR AS tags, epoch(e.last_seen)::BIGINT AS timestamp,
               e.event_id, e.iso2, e.n_sources, e.n_outlets, e.n_articles, array_to_string(e.source_urls, '{LIST_SEPARATOR}')
               AS source_urls, e.fatalities_low, e.fatalities_high, e.wounded, e.abducted, e.first_seen,
               e.last_seen, e.version, e.extractor_version
        FROM events_v e
        LEFT JOIN actor_inter ak_actor1 ON ak_actor1.name = e.actor1
        LEFT JOIN actor_inter ak_actor2 ON ak_actor2.name = e.actor2
        {_since_clause(since)}
        ORDER BY e.event_date, e.event_id"""


def events_query(since: date | None, flat_lists: bool) -> str:
    columns = f"e.* REPLACE (array_to_string(e.source_urls, '{LIST_SEPARATOR}') AS source_urls)" if flat_lists else "e.*"
    return (f"SELECT {columns} FROM events_v e {_since_clause(since)} "
            "ORDER BY e.event_date, e.event_id")


def _params(since: date | None) -> dict:
    return {"since": since} if since else {}


def _copy_to(con, query: str, since: date | None, output: Path, options: str) -> int:
    con.execute(f"COPY ({query}) TO '{_escape(output)}' ({options})", _params(since))
    return con.execute(f"SELECT count(*) FROM ({query})", _params(since)).fetchone()[0]


def _escape(path: Path) -> str:
    return str(path).replace("'", "''")


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def geojson_features(columns: list[str], rows: list[tuple]) -> dict:
    """A FeatureCollection of Points from rows of events_v (rows without coordinates are left out)."""
    features = []
    for row in rows:
        props = {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
        lat, lon = props.pop("latitude"), props.pop("longitude")
        if lat is None or lon is None:
            continue
        features.append({"type": "Feature", "id": props["event_id"],
                         "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _write_geojson(con, since: date | None, output: Path) -> int:
    result = con.execute(events_query(since, flat_lists=False), _params(since))
    columns = [d[0] for d in result.description]
    collection = geojson_features(columns, result.fetchall())
    output.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return len(collection["features"])


def export_events(db_path: Path, fmt: str, output: Path, since: date | None = None) -> int:
    """Write the events (event_date >= since, when given) to `output` in `fmt`; return the rows written."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with connect(Path(db_path), read_only=True) as con:
        if fmt == "geojson":
            return _write_geojson(con, since, output)
        if fmt == "parquet":
            return _copy_to(con, events_query(since, flat_lists=False), since, output, "FORMAT parquet")
        if fmt == "csv":
            return _copy_to(con, events_query(since, flat_lists=True), since, output, "FORMAT csv, HEADER")
        codes = load_inter_codes()
        con.execute("CREATE TEMP TABLE actor_inter AS SELECT unnest($n::VARCHAR[]) AS name, "
                    "unnest($c::INTEGER[]) AS inter", {"n": list(codes), "c": list(codes.values())})
        return _copy_to(con, acled_query(since), since, output, "FORMAT csv, HEADER")


def run_query(db_path: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """An analyst's SQL against a read-only connection: column names and rows."""
    with connect(Path(db_path), read_only=True) as con:
        result = con.execute(sql)
        if result.description is None:
            return [], []
        return [d[0] for d in result.description], result.fetchall()


def feed_health(con) -> tuple[list[str], list[tuple]]:
    """feed_health_v, worst first: the maintenance flow's report."""
    result = con.execute("SELECT feed, health, last_status, consecutive_failures, last_success_at, articles, "
                         "last_article_at, last_error FROM feed_health_v "
                         "ORDER BY consecutive_failures DESC, feed")
    return [d[0] for d in result.description], result.fetchall()
