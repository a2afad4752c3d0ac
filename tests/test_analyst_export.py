"""Analysts: views, exports that round-trip through duckdb, read-only queries, and the published snapshot.

Real DuckDB files in tmp_path, seeded through the pipeline's own storage functions (tests/fixtures/deploy/seed.py).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.analyst_cli import app
from storage.export import ACLED_COLUMNS, EXTRA_COLUMNS, export_events
from storage.publish import analyst_path, publish_snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "deploy"
ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("deploy_seed", FIXTURES / "seed.py")
seed_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seed_module)


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "sahelwatch.duckdb"
    seed_module.seed(db)
    return db


def events_v(db: Path, columns: str = "* FROM events_v") -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT {columns} ORDER BY event_date, event_id").fetchall()


def test_events_v_has_one_row_per_event_with_its_sources(seeded: Path):
    rows = {r[0]: r[1:] for r in events_v(seeded, "location, n_sources, n_articles, source_urls, country, "
                                                   "disorder_type, fatalities FROM events_v")}
    assert set(rows) == {"Djenné", "Djibo", None}
    n_sources, n_articles, urls, country, disorder, deaths = rows["Djenné"]
    assert (n_sources, n_articles, country, disorder, deaths) == (2, 2, "Mali", "Political violence", 12)
    assert sorted(urls) == ["https://sahel-matin.example/djenne", "https://sahel-monitor.example/djenne-clash"]
    assert rows[None][4] == "Demonstrations"


def test_daily_and_source_views(seeded: Path):
    with duckdb.connect(str(seeded), read_only=True) as con:
        daily = con.execute("SELECT day, iso2, event_type, events, fatalities FROM daily_events_v ORDER BY day").fetchall()
        sources = con.execute("SELECT count(*), count(DISTINCT event_id) FROM event_sources_v").fetchone()
        comments = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'events_v' "
                               "AND comment IS NOT NULL").fetchone()[0]
    assert daily == [(date(2026, 11, 25), "BF", "Violence against civilians", 1, 0),
                     (date(2026, 11, 26), "ML", "Battles", 1, 12), (date(2026, 11, 27), "NE", "Protests", 1, 0)]
    assert sources == (4, 3)
    assert comments >= 10


def test_parquet_round_trips(seeded: Path, tmp_path: Path):
    out = tmp_path / "events.parquet"
    assert export_events(seeded, "parquet", out) == 3
    with duckdb.connect() as con:
        back = con.execute(f"SELECT * FROM read_parquet('{out}') ORDER BY event_date, event_id").fetchall()
    assert back == events_v(seeded)


def test_csv_round_trips(seeded: Path, tmp_path: Path):
    out = tmp_path / "events.csv"
    assert export_events(seeded, "csv", out) == 3
    with duckdb.connect() as con:
        back = con.execute(f"SELECT * EXCLUDE (source_urls), string_split(source_urls, ' ; ') AS source_urls "
                           f"FROM read_csv('{out}') ORDER BY event_date, event_id").fetchall()
    expected = [(*row[:-1], row[-1]) for row in
                events_v(seeded, "* EXCLUDE (source_urls), source_urls FROM events_v")]
    assert [tuple(map(str, r)) for r in back] == [tuple(map(str, r)) for r in expected]


def test_geojson_is_a_feature_collection_of_points_matching_events_v(seeded: Path, tmp_path: Path):
    out = tmp_path / "events.geojson"
    assert export_events(seeded, "geojson", out) == 2  # the Niamey protest has no coordinates
    with duckdb.connect() as con:  # duckdb reads GeoJSON: geometry, then the properties as columns
        back = con.execute(f"SELECT geometry::VARCHAR, * EXCLUDE (id, geometry) FROM read_json('{out}') "
                           "ORDER BY event_date, event_id").fetchall()
    expected = events_v(seeded, "'POINT (' || longitude || ' ' || latitude || ')', * EXCLUDE (latitude, longitude) "
                                "FROM events_v WHERE latitude IS NOT NULL")
    assert [tuple(map(str, r)) for r in back] == [tuple(map(str, r)) for r in expected]
    doc = json.loads(out.read_text())
    assert doc["type"] == "FeatureCollection" and {f["geometry"]["type"] for f in doc["features"]} == {"Point"}


def test_acled_export_has_acled_columns_in_order_then_ours(seeded: Path, tmp_path: Path):
    out = tmp_path / "acled.csv"
    assert export_events(seeded, "acled", out, since=date(2026, 11, 26)) == 2
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert tuple(rows[0]) == ACLED_COLUMNS + EXTRA_COLUMNS
    mali = next(r for r in rows if r["iso"] == "466")
    assert (mali["event_id_cnty"][:4], mali["disorder_type"], mali["inter1"], mali["inter2"], mali["interaction"],
            mali["country"], mali["region"], mali["fatalities"]) == \
        ("MLI-", "Political violence", "2", "1", "12", "Mali", "Western Africa", "12")
    protest = next(r for r in rows if r["iso"] == "562")
    assert (protest["disorder_type"], protest["interaction"]) == ("Demonstrations", "60")


def test_query_command_is_read_only(seeded: Path):
    runner = CliRunner()
    result = runner.invoke(app, ["query", "SELECT location, fatalities FROM events_v WHERE fatalities > 0",
                                 "--db", str(seeded), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"location": "Djenné", "fatalities": 12}]
    refused = runner.invoke(app, ["query", "DELETE FROM events", "--db", str(seeded)])
    assert refused.exit_code == 1 and "read-only" in refused.output.lower()
    assert len(events_v(seeded)) == 3


def test_export_command_writes_the_file(seeded: Path, tmp_path: Path):
    out = tmp_path / "x" / "events.csv"
    result = CliRunner().invoke(app, ["export", "--format", "acled", "--since", "2026-11-26", "--output", str(out),
                                      "--db", str(seeded)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("event_id_cnty,event_date,year,time_precision,disorder_type")


READER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute('SELECT count(*) FROM events_v').fetchone()[0], flush=True)
sys.stdin.readline()                      # hold the old snapshot open until the test says so
print(con.execute('SELECT count(*) FROM events_v').fetchone()[0], flush=True)
con.close()
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute('SELECT count(*) FROM events_v').fetchone()[0], flush=True)
"""


def test_publish_replaces_the_snapshot_under_an_open_reader(seeded: Path):
    first = publish_snapshot(seeded)
    snapshot = analyst_path(seeded)
    assert first["path"] == str(snapshot) and first["rows"]["events"] == 3
    reader = subprocess.Popen([sys.executable, "-c", READER, str(snapshot)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "3"
        more = seed_module.replace(seed_module.MALI, location="Gao", latitude=16.27, longitude=-0.04,
                                   event_date="2026-11-20", admin1="Gao")
        seed_module.seed_more(seeded, "a9", more)  # the pipeline writes its own file while the analyst reads
        second = publish_snapshot(seeded)
        assert second["rows"]["events"] == 4
        out, _ = reader.communicate("\n", timeout=30)
    finally:
        reader.kill()
    assert out.split() == ["3", "4"], "the open reader keeps the old snapshot; a reopened one sees the new rows"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        assert con.execute("SELECT published_at FROM snapshot_info").fetchone()[0] is not None
    assert not list(snapshot.parent.glob(".*.tmp*"))
