"""The situation page without a browser: its data, its HTML (self-contained, data round-trips), the `report`
command, the page server on 127.0.0.1, and the pixel check the browser test relies on.

Real DuckDB files seeded through the pipeline's storage functions (tests/fixtures/deploy/seed.py); the server is a
real HTTP server on 127.0.0.1 read with httpx. The page in a real browser: tests/test_situation_browser.py.
"""

from __future__ import annotations

import base64
import gzip
import importlib.util
import json
import re
import socket
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from flows.analyst_cli import app
from flows.situation.page import build_page, page_data, parse_countries, parse_since, read_situation, render_page
from flows.situation.server import start_page_server
from storage.publish import analyst_path, publish_snapshot
from tasks.errors import ConfigError
from tasks.models import Evidence
from tasks.settings import resolve_settings

FIXTURES = Path(__file__).parent / "fixtures" / "deploy"
_spec = importlib.util.spec_from_file_location("deploy_seed", FIXTURES / "seed.py")
seed_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seed_module)
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
SENTENCE = "Twelve soldiers were killed near Djenné on Wednesday, the army said."


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """The seed's three events, plus a fourth (Mali, approximate place) with evidence sentences; published."""
    db = tmp_path / "sahelwatch.duckdb"
    seed_module.seed(db)
    evidence = tuple(Evidence(f, 0, len(SENTENCE), SENTENCE) for f in ("event_date", "fatalities", "location"))
    fourth = replace(
        seed_module.MALI,
        event_date="2026-11-20",
        location="Sévaré",
        latitude=14.5,
        longitude=-4.1,
        geo_precision=2,
        fatalities=3,
        fatalities_low=3,
        fatalities_high=5,
        evidence=evidence,
    )
    seed_module.seed_more(db, "a5", fourth)
    publish_snapshot(db)
    return analyst_path(db)


def unpack(html: str) -> dict:
    packed = re.search(r'<script id="sw-data" type="application/octet-stream">([^<]*)</script>', html).group(1)
    return json.loads(gzip.decompress(base64.b64decode(packed)))


def test_since_takes_days_a_date_or_all():
    today = date(2026, 12, 5)
    assert parse_since("14d", today) == date(2026, 11, 22)  # today and the 13 days before
    assert parse_since("1d", today) == today
    assert parse_since("2026-11-01", today) == date(2026, 11, 1)
    assert parse_since("all", today) is None and parse_since(None, today) is None
    with pytest.raises(ConfigError, match="since 'last week'"):
        parse_since("last week", today)
    assert parse_countries(" ml, BF ,") == ["ML", "BF"] and parse_countries(None) == []


def test_page_data_nests_sources_and_evidence_under_each_event(seeded):
    data = page_data(read_situation(seeded, None, None), "en", NOW)
    events = {e["place"]: e for e in data["events"]}
    assert [e["date"] for e in data["events"]] == sorted((e["date"] for e in data["events"]), reverse=True)
    djenne = events["Djenné"]
    assert djenne["outlets"] == 2 and {s["outlet"] for s in djenne["sources"]} == {"Sahel Matin", "Sahel Monitor"}
    assert djenne["deaths"] == 12 and djenne["geo"] == 1 and djenne["country"] == "Mali"
    severe = events["Sévaré"]
    assert severe["evidence"] == [
        {"sentence": SENTENCE, "fields": ["event_date", "fatalities", "location"], "outlet": "Sahel Matin"}
    ]  # one sentence, the three fields read from it
    assert (severe["low"], severe["high"], severe["geo"]) == (3, 5, 2)
    assert data["meta"]["start"] == "2026-11-20" and data["meta"]["end"] == "2026-11-28"
    assert [t["name"] for t in data["types"]][:2] == ["Battles", "Violence against civilians"]


def test_page_window_and_countries_filter_the_events(seeded):
    rows = read_situation(seeded, date(2026, 11, 25), ["ML", "NE"])
    assert sorted(r["location"] or "" for r in rows["events"]) == ["", "Djenné"]  # Niamey protest has no location
    assert {r["event_id"] for r in rows["sources"]} == {r["event_id"] for r in rows["events"]}


def test_french_page_data_translates_types_and_countries(seeded):
    data = page_data(read_situation(seeded, None, None), "fr", NOW)
    burkina = next(e for e in data["events"] if e["iso2"] == "BF")
    assert burkina["type_label"] == "Violences contre les civils"
    assert burkina["sub"] == "Enlèvement ou disparition forcée"
    assert next(e for e in data["events"] if e["iso2"] == "NE")["country"] == "Niger"
    with pytest.raises(ConfigError, match="lang 'de'"):
        page_data(read_situation(seeded, None, None), "de", NOW)


def test_rendered_page_is_self_contained_and_carries_the_data(seeded):
    data = page_data(read_situation(seeded, None, None), "en", NOW)
    html = render_page(data)
    assert re.search(r"<script[^>]+src=", html) is None and re.search(r"<link[^>]+href=", html) is None
    assert "default-src 'none'" in html  # the browser itself refuses any request the page might try
    for library in ("Leaflet 1.9.4", "vega", "world-atlas"):
        assert library.split()[0].lower() in html.lower()
    packed = unpack(html)
    assert packed["events"] == data["events"]
    assert len(packed["shapes"]["features"]) >= 25 and {"ML", "BF", "NE", "TD", "MR"} <= {
        f["properties"]["iso2"] for f in packed["shapes"]["features"]
    }
    assert "BSD 2-Clause License" in html and "Michael Bostock" in html  # the licence notices travel with it


def test_report_command_writes_the_page_atomically(seeded, tmp_path):
    out = tmp_path / "site" / "report.html"
    out.parent.mkdir()
    out.write_text("old page")
    result = CliRunner().invoke(
        app,
        ["report", "--db", str(seeded), "--since", "all", "--countries", "ML", "--lang", "fr", "--output", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "2 events, 15 fatalities" in result.output
    assert [e["iso2"] for e in unpack(out.read_text())["events"]] == ["ML", "ML"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]  # no temporary file left


def test_report_command_errors_are_one_line(seeded, tmp_path):
    runner = CliRunner()
    bad_since = runner.invoke(app, ["report", "--db", str(seeded), "--since", "soon", "-o", str(tmp_path / "r.html")])
    missing = runner.invoke(app, ["report", "--db", str(tmp_path / "none.duckdb"), "-o", str(tmp_path / "r.html")])
    for result in (bad_since, missing):
        assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
    assert not (tmp_path / "r.html").exists()


def test_build_page_figures(seeded, tmp_path):
    figures = build_page(seeded, tmp_path / "p.html", since=None, now=NOW)
    assert figures["events"] == 4 and figures["fatalities"] == 15
    assert figures["bytes"] == (tmp_path / "p.html").stat().st_size < 1_500_000


def test_page_server_serves_the_page_and_events_json(seeded):
    pipeline_db = seeded.with_name("sahelwatch.duckdb")  # the server reads that file's analysts' copy
    server = start_page_server(pipeline_db, 0)
    try:
        events = httpx.get(server.url + "api/events", params={"since": "all", "countries": "ml,bf"}).json()
        assert events["count"] == 3 and {e["iso2"] for e in events["events"]} == {"ML", "BF"}
        assert events["events"][0]["sources"] and "evidence" in events["events"][0]
        page = httpx.get(server.url, params={"since": "2026-11-26", "lang": "fr"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "Situation au Sahel" in page.text and len(unpack(page.text)["events"]) == 2
        assert httpx.get(server.url + "api/events", params={"since": "soon"}).status_code == 400
        assert httpx.get(server.url + "other").status_code == 404
        assert httpx.get(server.url + "healthz").text == "ok"
    finally:
        server.stop()


def test_page_server_before_the_first_run_and_on_a_taken_port(tmp_path):
    server = start_page_server(tmp_path / "sahelwatch.duckdb", 0)
    try:
        response = httpx.get(server.url + "api/events")
        assert response.status_code == 503 and "first run" in response.json()["error"]
        with pytest.raises(OSError):
            start_page_server(tmp_path / "sahelwatch.duckdb", server.server_address[1])
    finally:
        server.stop()
    with socket.socket() as probe:
        assert probe.connect_ex(server.server_address) != 0  # stopped: nothing listens any more


def test_page_settings_from_the_environment(tmp_path):
    settings = resolve_settings(
        db=tmp_path / "x" / "sw.duckdb", env={"SAHELWATCH_PAGE_PORT": "9000", "SAHELWATCH_REPORT_LANG": "fr"}
    )
    assert (settings.report_path, settings.page_port, settings.report_lang) == (
        tmp_path / "x" / "report.html",
        9000,
        "fr",
    )
    assert resolve_settings(env={}).report_since == "14d"
    with pytest.raises(ConfigError, match="not a port"):
        resolve_settings(env={"SAHELWATCH_PAGE_PORT": "http"})


def test_pixel_check_tells_a_blank_screenshot_from_a_drawn_one(tmp_path):
    from PIL import Image, ImageDraw

    from tests.chromium import looks_drawn

    blank = Image.new("RGB", (400, 300), "white")
    blank.save(tmp_path / "blank.png")
    drawn = blank.copy()
    pen = ImageDraw.Draw(drawn)
    for i in range(80):  # a panel of 80 shades over half the picture, like a map's countries
        pen.rectangle((0, 3 * i, 200, 3 * i + 3), fill=(3 * i, 255 - 3 * i, 120))
    pen.ellipse((300, 200, 330, 230), fill=(0xE1, 0x57, 0x59))
    drawn.save(tmp_path / "drawn.png")
    assert not looks_drawn(tmp_path / "blank.png")
    assert looks_drawn(tmp_path / "drawn.png", [(0xE1, 0x57, 0x59)])
    assert not looks_drawn(tmp_path / "drawn.png", [(0x59, 0xA1, 0x4F)])  # no green marker drawn


def test_serve_hook_serves_the_page_beside_the_schedules_and_survives_a_taken_port(seeded, capsys):
    from flows.analyst_cli import situation_page
    from tests.conftest import free_port

    port, pipeline_db = free_port(), seeded.with_name("sahelwatch.duckdb")
    with situation_page(pipeline_db, port):  # what `sahelwatch serve` wraps around its blocking serve call
        assert httpx.get(f"http://127.0.0.1:{port}/api/events?since=all").json()["count"] == 4
        with situation_page(pipeline_db, port):  # a second one finds the port taken: one warning, body still runs
            ran = True
    assert ran and f"http://127.0.0.1:{port}/" in capsys.readouterr().err
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with situation_page(pipeline_db, busy.getsockname()[1]):
            pass
    assert "warning: situation page not served" in capsys.readouterr().err
