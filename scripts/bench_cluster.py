"""Benchmark: per-article cost of dedupe + clustering + store against 10k and 1M articles of history.

    python scripts/bench_cluster.py [--sizes 10000 1000000] [--batch 500] [--batches 3] [--dir /tmp/sw-bench]

History is synthetic and generated in SQL (range()): 1,000 articles a day ending on BENCH_END, so both sizes have
the same density around the new batch and differ only in length (10 days vs 1,000 days). Each article has a
random 128-value signature and its 32 band hashes; one article in five creates an event (8 countries, random
places), the next one is a further source of it; every article has an extractions row.

A new batch is 500 articles: random texts (10% are syndicated copies of an earlier text of the batch with a new
headline and boilerplate), 40% with an event in the last days of history, half of those re-reporting a stored
event with a higher toll. Timed per batch: signature() of each text, find_near_duplicates, store_fingerprints,
store_extractions. Each size is measured in a fresh subprocess (cold start, as a scheduled run is) and its peak
memory is that subprocess's ru_maxrss.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage.db import connect  # noqa: E402
from storage.events import ExtractedArticle, store_extractions  # noqa: E402
from storage.fingerprints import find_near_duplicates, store_fingerprints  # noqa: E402
from tasks.fingerprint import signature  # noqa: E402
from tasks.models import Event, Extraction  # noqa: E402

PER_DAY = 1000
BENCH_END = date(2025, 1, 1)
COUNTRIES = ["ML", "BF", "NE", "TD", "MR", "NG", "BJ", "TG"]
TYPES = ["Battles", "Violence against civilians", "Explosions/Remote violence", "Protests", "Riots",
         "Strategic developments"]
MEMORY_LIMIT = "384MB"  # DuckDB buffer pool for the run (default 80% of RAM); 1M articles' band hashes take 256 MB


def fill(path: Path, n: int) -> float:
    """Write n articles of history (fingerprints, bands, events, links, versions, extractions) with SQL."""
    start = time.perf_counter()
    path.unlink(missing_ok=True)
    with connect(path) as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"CREATE TEMP TABLE h AS SELECT i, sha1('article' || i) AS url_key, "
                    f"DATE '{BENCH_END}' - ({n} - 1 - i) // {PER_DAY} * INTERVAL 1 DAY AS day FROM range({n}) t(i)")
        con.execute("INSERT INTO article_fingerprints SELECT url_key, i + 1, "
                    "list_transform(range(128), lambda j: (hash(i, j) % 4294967296)::UINTEGER), day FROM h ORDER BY i")
        con.execute(f"INSERT INTO article_bands SELECT (k % 32)::UTINYINT, hash(k, 'band'), k // 32 + 1 "
                    f"FROM range({n * 32}) t(k)")
        con.execute("DROP SEQUENCE article_fingerprint_ids")
        con.execute(f"CREATE SEQUENCE article_fingerprint_ids START {n + 1}")
        _fill_events(con)
    return time.perf_counter() - start


def _fill_events(con) -> None:
    countries = "[" + ", ".join(f"'{c}'" for c in COUNTRIES) + "]"
    types = "[" + ", ".join(f"'{t}'" for t in TYPES) + "]"
    con.execute(
        "INSERT INTO events SELECT substr(sha1('event' || i), 1, 16), 1, day, 1, "
        f"{types}[1 + (hash(i, 't') % 6)::BIGINT], 'Attack', 'Armed group ' || (hash(i, 'a') % 40), 'Civilians', "
        f"{countries}[1 + (hash(i, 'c') % 8)::BIGINT], 'Region ' || (hash(i, 'r') % 10), NULL, 'Town ' || (hash(i, 'l') % 5000), "
        "10 + (hash(i, 'y') % 800) / 100.0, -5 + (hash(i, 'x') % 1500) / 100.0, 1, hash(i, 'f') % 30, NULL, NULL, "
        "NULL, NULL, '', 'bench', day, day FROM h WHERE i % 5 = 0 ORDER BY i")
    con.execute(
        "INSERT INTO event_articles SELECT substr(sha1('event' || (i - i % 5)), 1, 16), url_key, 0, "
        "CASE WHEN i % 5 = 0 THEN 'origin' ELSE 'source' END, 'bench', day FROM h WHERE i % 5 < 2 ORDER BY i")
    con.execute(
        "INSERT INTO event_versions SELECT substr(sha1('event' || i), 1, 16), 1, url_key, day, '{}', '{}' "
        "FROM h WHERE i % 5 = 0 ORDER BY i")
    con.execute(
        "INSERT INTO event_evidence SELECT substr(sha1('event' || (i - i % 5)), 1, 16), url_key, f, 0, 40, "
        "'Des hommes armés ont attaqué le village.' FROM h, (VALUES ('event_type'), ('fatalities')) v(f) "
        "WHERE i % 5 < 2 ORDER BY i")
    con.execute("INSERT INTO extractions SELECT url_key, 'bench', i % 5 < 2, (i % 5 < 2)::INTEGER, day FROM h "
                "ORDER BY i")


# --- the measured run (in a subprocess) ---------------------------------------------------------------------

WORDS = [f"w{i}" for i in range(5000)]


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(250))


def _recent_events(con, n: int) -> list[Event]:
    rows = con.execute(
        "SELECT event_type, sub_event_type, country, strftime(event_date, '%Y-%m-%d'), date_precision, actor1, "
        "actor2, admin1, location, latitude, longitude, geo_precision, fatalities FROM (SELECT * FROM events "
        f"WHERE event_date >= DATE '{BENCH_END}' - INTERVAL 2 DAY) USING SAMPLE {n} ROWS (reservoir, 1)").fetchall()
    names = ["event_type", "sub_event_type", "country", "event_date", "date_precision", "actor1", "actor2",
             "admin1", "location", "latitude", "longitude", "geo_precision", "fatalities"]
    return [Event(**dict(zip(names, r, strict=True))) for r in rows]


def _new_event(rng: random.Random, stored: list[Event]) -> Event:
    if stored and rng.random() < 0.5:
        old = rng.choice(stored)  # a further report of a stored incident, with a higher toll
        return Event(**{**old.__dict__, "fatalities": old.fatalities + rng.randint(0, 5)})
    day = BENCH_END - timedelta(days=rng.randint(0, 2))
    return Event(rng.choice(TYPES), "Attack", rng.choice(COUNTRIES), day.isoformat(), 1,
                 f"Armed group {rng.randint(0, 39)}", "Civilians", f"Region {rng.randint(0, 9)}", None,
                 f"Town {rng.randint(0, 4999)}", rng.uniform(10, 18), rng.uniform(-5, 10), 1,
                 rng.randint(0, 30))


def _batch(rng: random.Random, b: int, size: int, stored: list[Event]) -> list[tuple[str, str, Extraction]]:
    out: list[tuple[str, str, Extraction]] = []
    for i in range(size):
        key = f"new-{b}-{i}"
        if out and rng.random() < 0.1:
            text = "Republished with permission. " + rng.choice(out)[1] + " Follow us on X. Advertisement"
        else:
            text = _text(rng)
        events = (_new_event(rng, stored),) if rng.random() < 0.4 else ()
        out.append((key, text, Extraction(bool(events), "fr", events, extractor_version="bench")))
    return out


def measure(path: Path, batch_size: int, batches: int) -> dict:
    rng = random.Random(7)
    timings: list[float] = []
    cpu_ms: list[float] = []
    with connect(path) as con:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        stored = _recent_events(con, 200)
        for b in range(batches):
            articles = _batch(rng, b, batch_size, stored)
            now = datetime(2025, 1, 1, 12, tzinfo=UTC) + timedelta(minutes=15 * b)
            cpu = time.process_time()
            marks = [time.perf_counter()]
            sigs = [(key, signature(text)) for key, text, _ in articles]
            marks.append(time.perf_counter())
            dups = find_near_duplicates(con, sigs)
            marks.append(time.perf_counter())
            store_fingerprints(con, sigs)
            marks.append(time.perf_counter())
            items = [ExtractedArticle(key, now, ex, dups[key][0] if key in dups else None) for key, _, ex in articles]
            stats = store_extractions(con, items, now)
            marks.append(time.perf_counter())
            timings.append((marks[-1] - marks[0]) * 1000 / batch_size)
            cpu_ms.append((time.process_time() - cpu) * 1000 / batch_size)
            parts = ", ".join(f"{name} {(b - a) * 1000 / batch_size:.2f}" for name, a, b in
                              zip(("signature", "dedupe", "fingerprints", "events"), marks, marks[1:], strict=False))
            print(f"  batch {b}: {timings[-1]:.2f} ms/article, cpu {cpu_ms[-1]:.2f} ({parts}); {len(dups)} duplicates, "
                  f"{len(stats.new)} new events, {len(stats.updated)} updated, {stats.linked} linked", file=sys.stderr)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"ms_per_article": timings, "cpu_ms_per_article": cpu_ms, "peak_mb": peak_mb}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sw-bench"))
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fill", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.batch, args.batches)))
        return
    if args.fill:
        print(json.dumps(fill(args.fill, args.size)))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    results = {}
    for n in args.sizes:
        path = args.dir / f"history-{n}.duckdb"
        # fill and measure each in their own process: ru_maxrss is inherited across fork/exec, so the parent stays small
        seconds = json.loads(_run("--fill", str(path), "--size", str(n)).stdout)
        print(f"{n:>9,} articles: fill {seconds:.1f} s, {path.stat().st_size / 1e6:.0f} MB", flush=True)
        out = _run("--measure", str(path), "--batch", str(args.batch), "--batches", str(args.batches))
        print(out.stderr, end="")
        results[n] = json.loads(out.stdout)
        r = results[n]
        print(f"{n:>9,} articles: median {median(r['ms_per_article']):.2f} ms/article (cpu "
              f"{median(r['cpu_ms_per_article']):.2f}), first batch {r['ms_per_article'][0]:.2f}, "
              f"peak {r['peak_mb']:.0f} MB", flush=True)
    if len(results) >= 2:
        small, large = results[min(results)], results[max(results)]
        wall = median(large["ms_per_article"]) / median(small["ms_per_article"])
        cpu = median(large["cpu_ms_per_article"]) / median(small["cpu_ms_per_article"])
        print(f"ratio {max(results):,} / {min(results):,}: wall {wall:.2f}x, cpu {cpu:.2f}x (goal <= 1.3x); "
              f"peak {max(r['peak_mb'] for r in results.values()):.0f} MB (goal < 600)")


if __name__ == "__main__":
    main()
