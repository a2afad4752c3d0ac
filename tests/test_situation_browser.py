"""The situation page of the demo database in a real headless Chromium (Debian's package, driven by Playwright).

The database comes from the ingest flow run through Prefect against the demo's fixture web, so the page under test
is the one the flow wrote (data/report.html beside the database). Expected counts are read from the analysts'
copy with SQL, never from the page's own data. Skipped only where no Chromium is installed (.ci/run installs it).
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from storage.db import connect
from storage.publish import analyst_path
from tests.chromium import Traffic, browser, chromium_path, counts, open_page, settle

needs_browser = pytest.mark.skipif(
    chromium_path() is None,
    reason="no browser: Debian's chromium is not installed (bash .ci/run installs it with apt-get)",
)

# Tableau colours of the event types (flows/situation/labels.py), to find drawn markers and bars among the pixels
TYPE_RGB = {
    "Battles": (0xE1, 0x57, 0x59),
    "Violence against civilians": (0xB0, 0x7A, 0xA1),
    "Explosions/Remote violence": (0xF2, 0x8E, 0x2B),
    "Protests": (0x4E, 0x79, 0xA7),
    "Strategic developments": (0x59, 0xA1, 0x4F),
}


@pytest.fixture(scope="module")
def demo(demo_runs):
    """The demo database after two ingest runs (the second changes nothing, conftest.py), and each run's summary."""
    db, runs = demo_runs
    return db, [summary for summary, _, _ in runs]


@pytest.fixture(scope="module")
def chromium():
    with browser() as context:
        yield context


def sql(db: Path, query: str, params: list | None = None) -> list[tuple]:
    with connect(analyst_path(db), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def one(db: Path, query: str, params: list | None = None):
    return sql(db, query, params)[0][0]


def drawn_totals(page, chart: str, title: str) -> int:
    """The sum of the values the chart's bars were drawn for, read from their SVG aria-labels."""
    labels = page.eval_on_selector_all(
        f"#{chart} path[aria-label]", "els => els.map(e => e.getAttribute('aria-label'))"
    )
    return sum(int(m.group(1).replace(",", "")) for label in labels if (m := re.search(rf"{title}: ([\d,]+)", label)))


def test_the_run_writes_the_page_and_links_it_from_an_artifact(demo):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    db, [first, second] = demo
    page = db.parent / "report.html"
    assert first["page"]["path"] == str(page) and page.exists()
    assert first["page"]["events"] == one(db, "SELECT count(*) FROM events_v") > 0
    assert second["page"] == {"path": str(page), "skipped": "nothing new since the last copy"}
    assert not list(db.parent.glob(".report.html.*")), "the temporary file of the atomic write is left behind"
    with get_client(sync_client=True) as client:
        links = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["situation-page"])))
    # Prefect keeps a link artifact as the markdown of the link; one per run (both runs point at the page)
    mine = [a for a in links if f"]({page.resolve().as_uri()})" in a.data]
    assert {str(a.flow_run_id) for a in mine} == {s["run_id"] for s in (first, second)}, [a.data for a in links]


@needs_browser
def test_page_loads_without_console_errors_or_any_request(demo, chromium):
    db, _ = demo
    traffic = Traffic()
    page = open_page(chromium, db.parent / "report.html", traffic)
    assert page.is_hidden("#error")
    assert traffic.console_errors() == []
    assert traffic.requests == [(db.parent / "report.html").resolve().as_uri()], "the page fetched something"
    page.close()


@needs_browser
def test_markers_rows_and_timeline_match_the_database(demo, chromium):
    db, _ = demo
    page = open_page(chromium, db.parent / "report.html")
    seen = counts(page)
    assert seen["markers"] == one(
        db, "SELECT count(*) FROM events_v WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
    )
    assert seen["rows"] == one(db, "SELECT count(*) FROM events_v")
    assert set(seen["rowIds"]) == {r[0] for r in sql(db, "SELECT event_id FROM events_v")}
    assert drawn_totals(page, "chart-events", "events") == one(
        db, "SELECT count(*) FROM events_v WHERE event_date IS NOT NULL"
    )
    assert drawn_totals(page, "chart-deaths", "fatalities") == one(db, "SELECT sum(fatalities) FROM events_v")
    assert page.inner_text("#stat-events") == str(seen["rows"])
    page.close()


@needs_browser
def test_a_country_filter_changes_map_timeline_and_table_together(demo, chromium):
    db, _ = demo
    country, n = sql(db, "SELECT iso2, count(*) FROM events_v GROUP BY iso2 ORDER BY 2 DESC, 1 LIMIT 1")[0]
    ids = {r[0] for r in sql(db, "SELECT event_id FROM events_v WHERE iso2 = ?", [country])}
    placed = {r[0] for r in sql(db, "SELECT event_id FROM events_v WHERE iso2 = ? AND latitude IS NOT NULL", [country])}
    deaths = one(db, "SELECT sum(fatalities) FROM events_v WHERE iso2 = ?", [country])
    page = open_page(chromium, db.parent / "report.html")
    before = counts(page)
    page.click(f"#filter-countries .chip[data-value='{country}']")
    settle(page)
    after = counts(page)
    assert n < before["rows"], "the demo needs events in more than one country for this test"
    assert set(after["rowIds"]) == ids and after["rows"] == n
    assert set(after["markerIds"]) == placed
    assert drawn_totals(page, "chart-events", "events") == n
    assert drawn_totals(page, "chart-deaths", "fatalities") == deaths
    assert page.inner_text("#stat-events").split()[0] == str(n)
    page.click("#filter-reset")
    settle(page)
    assert counts(page)["rows"] == before["rows"] and counts(page)["markers"] == before["markers"]
    page.close()


@needs_browser
def test_an_events_evidence_and_sources_open_from_its_row(demo, chromium):
    db, _ = demo
    page = open_page(chromium, db.parent / "report.html")
    event_id = page.get_attribute("#events tbody tr.event", "data-id")
    sentences = {r[0] for r in sql(db, "SELECT sentence FROM event_evidence WHERE event_id = ?", [event_id])}
    urls = {r[0] for r in sql(db, "SELECT url FROM event_sources_v WHERE event_id = ?", [event_id])}
    assert sentences and urls
    assert page.locator("tr.details").count() == 0
    page.click(f"#events tr.event[data-id='{event_id}'] button.open")
    details = page.locator("tr.details")
    assert details.is_visible()
    shown = set(details.locator("blockquote").all_inner_texts())
    assert shown == sentences
    assert set(details.locator("ul.sources a").evaluate_all("els => els.map(a => a.href)")) == urls
    page.close()


@needs_browser
def test_a_marker_shows_its_event_on_hover_and_leads_to_its_row(demo, chromium):
    db, _ = demo
    page = open_page(chromium, db.parent / "report.html")
    box = page.locator("#map").bounding_box()
    points = {event: page.evaluate(f"window.sahelwatch.markerPoint({event!r})") for event in counts(page)["markerIds"]}
    # a marker in the middle of the map, clear of the legend and controls, that no other marker comes near (two events
    # of one town share a point, and the one drawn on top would answer the click)
    alone = [
        (e, p)
        for e, p in points.items()
        if all(abs(p[0] - q[0]) + abs(p[1] - q[1]) > 24 for f, q in points.items() if f != e)
    ]
    event, (x, y) = [
        (e, p) for e, p in alone
        if 0.2 * box["width"] < p[0] < 0.9 * box["width"] and 0.1 * box["height"] < p[1] < 0.7 * box["height"]
    ][-1]  # fmt: skip
    place = one(db, "SELECT location FROM events_v WHERE event_id = ?", [event])
    page.mouse.move(box["x"] + x - 3, box["y"] + y - 3)
    page.mouse.move(box["x"] + x, box["y"] + y)
    tip = page.locator(".leaflet-tooltip .tip")
    tip.wait_for(timeout=5000)
    assert place in tip.inner_text()
    show = page.locator(f".leaflet-popup button[data-open='{event}']")
    for _attempt in range(3):  # on a loaded machine the map may still be settling (a zoom, an auto-pan): aim again
        x, y = page.evaluate(f"window.sahelwatch.markerPoint({event!r})")
        page.mouse.click(box["x"] + x, box["y"] + y)
        with contextlib.suppress(PlaywrightTimeout):
            show.wait_for(state="visible", timeout=5000)
            break
    show.click()  # the popup's "Show in table" opens the event's row
    assert page.locator(f"tr.event.open[data-id='{event}'] + tr.details").is_visible()
    page.close()


@needs_browser
def test_screenshot_is_not_blank(demo, chromium, tmp_path):
    from tests.chromium import looks_drawn

    db, _ = demo
    page = open_page(chromium, db.parent / "report.html")
    shot = tmp_path / "situation.png"
    page.screenshot(path=str(shot), full_page=True)
    page.locator("#map").screenshot(path=str(tmp_path / "map.png"))
    page.locator("#chart-events").screenshot(path=str(tmp_path / "timeline.png"))
    assert looks_drawn(shot)
    types = {r[0] for r in sql(db, "SELECT DISTINCT event_type FROM events_v WHERE latitude IS NOT NULL")}
    assert looks_drawn(tmp_path / "map.png", [TYPE_RGB[t] for t in types if t in TYPE_RGB])
    assert looks_drawn(tmp_path / "timeline.png", [TYPE_RGB[t] for t in types if t in TYPE_RGB])
    page.close()


@needs_browser
def test_french_page(demo, chromium, tmp_path):
    from flows.situation.page import build_page

    db, _ = demo
    out = build_page(analyst_path(db), tmp_path / "fr.html", lang="fr")
    traffic = Traffic()
    page = open_page(chromium, Path(out["path"]), traffic)
    assert page.inner_text("h1") == "Situation au Sahel"
    assert "Affrontements" in page.inner_text("#filter-types")
    assert traffic.console_errors() == [] and len(traffic.requests) == 1
    page.close()
