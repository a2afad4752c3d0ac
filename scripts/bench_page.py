"""Benchmark: the situation page with 5,000 events — its size, and how long it takes to render and filter in a
real headless Chromium (Debian's package, driven by Playwright as in tests/test_situation_browser.py).

    python scripts/bench_page.py [--events 5000] [--loads 3] [--dir /tmp/sw-bench-page] [--keep]

The database is written through the pipeline's own storage functions (save_batch, store_extractions): one
article per event plus, for 30% of events, one or two further reports of it from other outlets, so events have 1
to 3 sources; 90 days of events in seven countries, 5% without coordinates, 40% with an approximate place
(geo_precision 2-3). Each event has one or two evidence sentences of 20-40 words drawn at random from the words
of the demo's articles (random order compresses worse than real prose, so the page size is on the safe side);
its notes are its first sentence, as the extractor's are (notes = the anchor sentence, cut at 300 characters).

Measured in the browser with performance.now(): `render` is from navigation start (the file read, the HTML and
1 MB of libraries parsed, the data inflated) until the map, the two charts and the table are drawn and a frame is
painted; each filter is from the click (or the date input's change) until the three views are updated and a
frame is painted. Each is measured on `--loads` fresh page loads; the median and the worst are printed.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.demo import DEMO  # noqa: E402
from flows.situation.page import page_data, read_situation, render_page, write_page  # noqa: E402
from storage.db import connect  # noqa: E402
from storage.events import ExtractedArticle, store_extractions  # noqa: E402
from storage.ingest import article_row, save_batch  # noqa: E402
from tasks.models import Article, Event, Evidence, Extraction  # noqa: E402
from tests.chromium import browser, open_page  # noqa: E402

NOW = datetime.now(UTC).replace(microsecond=0)
COUNTRIES = {  # ISO2: (share, (south, north), (west, east)) — rough boxes of the Sahel band
    "ML": (0.35, (11.0, 20.0), (-11.5, 4.0)),
    "BF": (0.30, (9.5, 15.0), (-5.5, 2.2)),
    "NE": (0.18, (11.8, 20.0), (0.5, 15.5)),
    "TD": (0.06, (8.0, 20.0), (14.0, 23.5)),
    "MR": (0.03, (15.0, 22.0), (-16.0, -5.0)),
    "NG": (0.05, (10.5, 13.5), (4.0, 14.0)),
    "BJ": (0.03, (10.0, 12.3), (1.0, 3.8)),
}
TYPES = {
    "Battles": "Armed clash",
    "Violence against civilians": "Attack",
    "Explosions/Remote violence": "Remote explosive/landmine/IED",
    "Protests": "Peaceful protest",
    "Riots": "Mob violence",
    "Strategic developments": "Arrests",
}
ACTORS = [
    "JNIM",
    "ISSP",
    "ISWAP",
    "Boko Haram",
    "Military Forces of Mali",
    "Military Forces of Burkina Faso",
    "Military Forces of Niger",
    "Africa Corps",
    "VDP",
    "Dozo Militia",
    "Unidentified Armed Group",
    "Civilians",
]
OUTLETS = ["Sahel Matin", "Sahel Monitor", "Pan-African Wire", "Le Réveil du Faso", "Niger Info", "Tchad Hebdo"]


def vocabulary() -> list[str]:
    """The words of the demo's own invented articles."""
    text = (DEMO / "articles.yaml").read_text(encoding="utf-8")
    return re.findall(r"[A-Za-zÀ-ÿ'’-]{2,}", text)


def sentence(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(20, 40))).capitalize() + "."


def make_event(rng: random.Random, words: list[str], i: int) -> Event:
    country = rng.choices(list(COUNTRIES), [c[0] for c in COUNTRIES.values()])[0]
    _, (south, north), (west, east) = COUNTRIES[country]
    event_type = rng.choices(list(TYPES), [30, 30, 20, 8, 4, 8])[0]
    placed, precision = rng.random() > 0.05, rng.choices([1, 2, 3], [60, 30, 10])[0]
    deaths = (
        int(rng.paretovariate(1.2)) - 1
        if event_type in ("Battles", "Violence against civilians", "Explosions/Remote violence")
        else 0
    )
    day = (NOW.date() - timedelta(days=rng.randint(0, 89))).isoformat()
    texts = [sentence(rng, words) for _ in range(rng.randint(1, 2))]
    evidence = tuple(
        Evidence(field, 0, len(text), text)
        for text in texts
        for field in rng.sample(["event_date", "event_type", "actors", "location", "fatalities"], 2)
    )
    return Event(
        event_type=event_type,
        sub_event_type=TYPES[event_type],
        country=country,
        event_date=day,
        date_precision=1,
        actor1=rng.choice(ACTORS),
        actor2=rng.choice(ACTORS),
        admin1=f"Region {i % 40}",
        location=f"Town {i}",
        latitude=round(rng.uniform(south, north), 4) if placed else None,
        longitude=round(rng.uniform(west, east), 4) if placed else None,
        geo_precision=precision,
        fatalities=min(deaths, 300),
        notes=texts[0][:300],
        evidence=evidence,
    )


def article(key: str, outlet: str, title: str) -> Article:
    url = f"https://{outlet.lower().replace(' ', '-').replace('é', 'e')}.example/{key}"
    return Article(
        url_key=key,
        url=url,
        canonical_url=url,
        feed=outlet,
        title=title,
        text=title,
        text_source="page",
        published=NOW,
        published_source="page",
        language="fr",
        content_hash=f"hash-{key}",
    )


def reports(rng: random.Random, words: list[str], i: int) -> list[tuple[Article, Event]]:
    """Event i and the articles reporting it: one outlet, or for 30% of events (with a place more precise than a
    region, which the clustering can match) two or three."""
    event = make_event(rng, words, i)
    further = rng.randint(1, 2) if rng.random() < 0.3 and event.geo_precision < 3 else 0
    return [
        (article(f"e{i}-{k}", outlet, sentence(rng, words)[:90]), event)
        for k, outlet in enumerate(rng.sample(OUTLETS, 1 + further))
    ]


def fill(db: Path, n: int, seed: int = 7) -> int:
    """Write events and their reports through the storage functions until `n` events are stored (the clustering
    merges the odd pair of random events, so the last rounds top the count up); return the events stored."""
    rng, words, i, stored = random.Random(seed), vocabulary(), 0, 0
    with connect(db) as con:
        while stored < n:
            items = [item for j in range(i, i + min(n - stored, 500)) for item in reports(rng, words, j)]
            i += min(n - stored, 500)
            save_batch(con, [], [article_row(a, "bench", NOW) for a, _ in items], [])
            store_extractions(
                con, [ExtractedArticle(a.url_key, NOW, Extraction(True, "fr", (e,), "bench")) for a, e in items], NOW
            )
            stored = con.execute("SELECT count(*) FROM events").fetchone()[0]
    return stored


PAINTED = "new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))"
MEASURE = f"""async (act) => {{
  const t = performance.now(); eval(act); await window.sahelwatch.settled(); await {PAINTED};
  return performance.now() - t; }}"""


def measure_load(context, page_path: Path, country: str, since: str) -> dict:
    page = open_page(context, page_path, timeout_ms=60_000)
    steps = page.evaluate("window.sahelwatch.timings")
    render = steps["ready"]  # recorded by the page once its first update is painted
    actions = {
        f"country {country}": f"document.querySelector(\"#filter-countries .chip[data-value='{country}']\").click()",
        "type Battles too": "document.querySelector(\"#filter-types .chip[data-value='Battles']\").click()",
        "show all again": "document.getElementById('filter-reset').click()",
        f"dates from {since}": f"(i => {{ i.value = '{since}'; i.dispatchEvent(new Event('change')); }})"
        "(document.getElementById('filter-from'))",
    }
    figures = {"render": render, **{f"render: {k}": steps[k] for k in ("start", "inflate", "map", "charts", "first")}}
    for name, action in actions.items():
        figures[name] = page.evaluate(MEASURE, action)
        for part, ms in page.evaluate("window.sahelwatch.timings.lastUpdate").items():
            figures[f"{name}: {part}"] = ms
    figures["events after the date filter"] = page.evaluate("window.sahelwatch.counts().events")
    page.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sw-bench-page"))
    parser.add_argument("--keep", action="store_true", help="keep the database (reuse it next time)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    db, page_path = args.dir / f"events-{args.events}.duckdb", args.dir / f"situation-{args.events}.html"
    if not (args.keep and db.exists()):
        db.unlink(missing_ok=True)
        started = time.perf_counter()
        stored = fill(db, args.events)
        print(f"database: {stored:,} events written in {time.perf_counter() - started:.1f} s ({db})")
    marks = [time.perf_counter()]
    rows = read_situation(db, None, None)
    marks.append(time.perf_counter())
    data = page_data(rows, "en", datetime.now(UTC))
    marks.append(time.perf_counter())
    html = render_page(data)
    marks.append(time.perf_counter())
    write_page(page_path, html)
    size = page_path.stat().st_size
    events, placed = len(data["events"]), sum(e["lat"] is not None for e in data["events"])
    print(
        f"page: {events:,} events ({placed:,} on the map), {sum(len(e['evidence']) for e in data['events']):,} "
        f"evidence sentences, {sum(len(e['sources']) for e in data['events']):,} source links"
    )
    print(f"page size: {size:,} bytes ({size / 1e6:.2f} MB; goal < 3 MB)  -> {page_path}")
    print(
        "build (Python): read {:.2f} s, shape {:.2f} s, render {:.2f} s".format(
            *(b - a for a, b in zip(marks, marks[1:], strict=False))
        )
    )
    country = max(data["countries"], key=lambda c: sum(e["iso2"] == c["iso2"] for e in data["events"]))["iso2"]
    since = (date.today() - timedelta(days=29)).isoformat()
    loads = []
    with browser() as context:
        for _ in range(args.loads):
            loads.append(measure_load(context, page_path, country, since))
    print(f"browser: Debian chromium, headless, {args.loads} fresh loads; milliseconds, median (worst); goal < 1000")
    for name in loads[0]:
        values = [load[name] for load in loads]
        print(f"  {name:<28} {statistics.median(values):>8.0f} ({max(values):.0f})")
    if not args.keep:
        db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
