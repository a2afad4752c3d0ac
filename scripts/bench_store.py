"""Benchmark: the articles store on DuckLake against the single DuckDB file (deploy/SCALING.md, "The store").

    python scripts/bench_store.py [--articles 2000] [--batch 500] [--postgres 'host=… port=… dbname=… user=…']

DuckLake's extension installs offline here only for duckdb 1.4.4 (PyPI's `duckdb-ext-*` wheels) while the
project runs duckdb 2.0, so the script builds `.venv-ducklake` (duckdb 1.4.4 and its ducklake, sqlite, postgres,
parquet and json extensions) on first use and runs itself again there. On the same rows it measures:

1. the schema: how many statements of storage/migrations DuckLake accepts, and why it refuses the others;
2. one writer: rows of the `articles` table (~1.5 kB texts) in transactions of --batch, into a DuckDB file with
   the project's keyed `INSERT … ON CONFLICT DO NOTHING`, and into DuckLake (SQLite catalog; PostgreSQL catalog
   with --postgres) with the anti-join insert DuckLake needs, having no keys;
3. two writers at once: two processes writing the same rows into DuckLake, as two ingest workers would write a
   syndicated copy: rows written, duplicate keys left, commits refused;
4. an analyst reading while a writer holds the store open.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "storage" / "migrations"
LAKE_VENV = ROOT / ".venv-ducklake"
LAKE_PACKAGES = ["duckdb==1.4.4", *(f"duckdb-ext-{name}==1.4.4.20260205"
                                    for name in ("ducklake", "sqlite", "postgres", "parquet", "json"))]
COLUMNS = ("url_key VARCHAR, url VARCHAR, canonical_url VARCHAR, feed VARCHAR, title VARCHAR, text VARCHAR, "
           "language VARCHAR, content_hash VARCHAR, run_id VARCHAR, fetched_at TIMESTAMPTZ")


def in_lake_venv() -> None:
    """Run this script again under duckdb 1.4.4 unless it already is."""
    import duckdb

    if duckdb.__version__.startswith("1.4."):
        return
    python = LAKE_VENV / "bin" / "python"
    if not python.exists():
        print(f"building {LAKE_VENV.name} (duckdb 1.4.4 + DuckLake extensions) …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(LAKE_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *LAKE_PACKAGES],
                       check=True)
    os.execv(python, [str(python), *sys.argv])


def connect_lake(catalog: str, data: Path, read_only: bool = False):
    """A duckdb 1.4.4 connection with the DuckLake `catalog` attached as `lk` (extensions loaded from the wheels)."""
    import duckdb
    import duckdb_ext

    con = duckdb.connect()
    for ext in sorted(Path(duckdb_ext.__path__[0]).glob("extensions/v1.4.4/*/*.duckdb_extension")):
        con.execute(f"LOAD '{ext}'")
    mode = ", READ_ONLY" if read_only else ""
    con.execute(f"ATTACH 'ducklake:{catalog}' AS lk (DATA_PATH '{data}/'{mode})")
    con.execute("USE lk")
    return con


def rows(n: int, seed: str = "") -> list[dict]:
    """n article rows with distinct keys and ~1.5 kB texts (the dev set's average)."""
    out = []
    for i in range(n):
        text = f"Article {i}: " + " ".join(hashlib.sha1(f"{i}-{j}".encode()).hexdigest() for j in range(37))
        out.append({"url_key": hashlib.sha1(f"bench{seed}{i}".encode()).hexdigest(),
                    "url": f"https://outlet.example/{i}", "canonical_url": f"https://outlet.example/{i}",
                    "feed": "Outlet", "title": f"Title {i}", "text": text, "language": "fr",
                    "content_hash": hashlib.sha1(text.encode()).hexdigest(), "run_id": "bench",
                    "fetched_at": "2026-12-05 00:00:00+00"})
    return out


def stage(con, batch: list[dict]) -> None:
    """The batch as a temporary table, written in one statement as storage/bulk.py writes."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE staged AS SELECT unnest($rows::STRUCT({COLUMNS})[], recursive := true)",
                {"rows": batch})


def schema_report(con) -> tuple[int, Counter]:
    """Apply every migration statement to DuckLake; (statements accepted, refusals by reason)."""
    accepted, refused = 0, Counter()
    for path in sorted(MIGRATIONS.glob("[0-9][0-9][0-9]_*.sql")):
        for statement in re.split(r";\s*\n", path.read_text(encoding="utf-8")):
            code = "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--")).strip()
            if not code:
                continue
            try:
                con.execute(code)
                accepted += 1
            except Exception as exc:  # noqa: BLE001 - the reason is the measurement
                reason = str(exc).splitlines()[0]
                refused["a table or view refused earlier" if "does not exist" in reason else reason] += 1
    return accepted, refused


def write_keyed(con, batch: list[dict]) -> None:
    """The project's write: keyed insert, a repeated key is ignored (DuckDB file)."""
    con.execute("BEGIN")
    stage(con, batch)
    con.execute("INSERT INTO articles_bench SELECT * FROM staged ON CONFLICT DO NOTHING")
    con.execute("COMMIT")


def write_anti_join(con, batch: list[dict]) -> None:
    """DuckLake's write: no keys, so the batch goes in through a staging table, minus the keys already there."""
    con.execute("BEGIN")
    stage(con, batch)
    con.execute("INSERT INTO articles_bench SELECT s.* FROM staged s ANTI JOIN articles_bench a USING (url_key)")
    con.execute("COMMIT")


def timed_writes(con, write, data: list[dict], batch: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(data), batch):
        write(con, data[i:i + batch])
    return time.perf_counter() - start


def one_writer(catalog: str, data_dir: Path, data: list[dict], batch: int) -> float:
    con = connect_lake(catalog, data_dir)
    con.execute(f"CREATE TABLE IF NOT EXISTS articles_bench ({COLUMNS})")
    return timed_writes(con, write_anti_join, data, batch)


def racing_writer(catalog: str, data_dir: str, n: int, batch: int, at: float) -> tuple[tuple, Counter]:
    """One of two processes writing the same rows from the same instant `at`: ((start, end) in epoch seconds,
    commits refused and retried by reason)."""
    import duckdb

    con, data, refused = connect_lake(catalog, Path(data_dir)), rows(n, "race"), Counter()
    time.sleep(max(0.0, at - time.time()))
    start = time.time()
    for i in range(0, n, batch):
        while True:
            try:
                write_anti_join(con, data[i:i + batch])
                break
            except duckdb.Error as exc:  # a refused commit (conflict, busy catalog) is counted and retried
                refused[" ".join(str(exc).split())[:240]] += 1
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
    return (start, time.time()), refused


def two_writers(catalog: str, data_dir: Path, n: int, batch: int) -> dict:
    con = connect_lake(catalog, data_dir)
    con.execute(f"CREATE OR REPLACE TABLE articles_bench ({COLUMNS})")
    con.close()
    at = time.time() + 5  # both processes started and attached
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(racing_writer, [catalog] * 2, [str(data_dir)] * 2, [n] * 2, [batch] * 2, [at] * 2))
    (start_a, end_a), (start_b, end_b) = (r[0] for r in results)
    wall, overlap = max(end_a, end_b) - at, min(end_a, end_b) - max(start_a, start_b)
    con = connect_lake(catalog, data_dir)
    total, distinct = con.execute("SELECT count(*), count(DISTINCT url_key) FROM articles_bench").fetchone()
    return {"wall": wall, "overlap": overlap, "rows": total, "distinct": distinct, "refused": sum((r[1] for r in results), Counter())}


def file_baseline(path: Path, data: list[dict], batch: int) -> tuple[float, str]:
    """The DuckDB file: write time, and what a second process's read-only open gets while the writer is open."""
    import duckdb

    con = duckdb.connect(str(path))
    con.execute(f"CREATE TABLE articles_bench ({COLUMNS.replace('url_key VARCHAR', 'url_key VARCHAR PRIMARY KEY')})")
    seconds = timed_writes(con, write_keyed, data, batch)
    probe = ("import duckdb, sys\ntry:\n    duckdb.connect(sys.argv[1], read_only=True)\n    print('opened')\n"
             "except Exception as exc:\n    print(str(exc).splitlines()[0][:75])")
    reader = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True).stdout.strip()
    con.close()
    return seconds, reader


def lake_reader(catalog: str, data_dir: str) -> tuple[float, int]:
    """An analyst's read of the lake: (seconds, attach included, and rows seen)."""
    start = time.perf_counter()
    con = connect_lake(catalog, Path(data_dir), read_only=True)
    count = con.execute("SELECT count(*) FROM articles_bench").fetchone()[0]
    return time.perf_counter() - start, count


def read_during_write(catalog: str, data_dir: Path) -> tuple[float, int]:
    """lake_reader in another process while this one holds an open write transaction on the lake."""
    writer = connect_lake(catalog, data_dir)
    writer.execute("BEGIN")
    stage(writer, rows(100, "pending"))
    writer.execute("INSERT INTO articles_bench SELECT * FROM staged")
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        seen = pool.submit(lake_reader, catalog, str(data_dir)).result()
    writer.execute("ROLLBACK")
    return seen


def per_article(seconds: float, n: int) -> str:
    return f"{seconds:6.2f} s  {seconds / n * 1000:6.2f} ms/article"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--postgres", help="libpq string of an empty PostgreSQL database for a DuckLake catalog")
    args = parser.parse_args()
    in_lake_venv()
    import duckdb

    work = Path(tempfile.mkdtemp(prefix="sw-bench-store-"))
    data = rows(args.articles)
    print(f"duckdb {duckdb.__version__}, {args.articles} articles in transactions of {args.batch}, files in {work}")

    accepted, refused = schema_report(connect_lake(f"sqlite:{work / 'schema.sqlite'}", work / "schema"))
    print(f"\n1. schema: DuckLake accepts {accepted} of {accepted + sum(refused.values())} migration statements")
    for reason, count in refused.most_common():
        print(f"   {count:3d} refused: {reason}")

    print("\n2. one writer")
    seconds, reader = file_baseline(work / "file.duckdb", data, args.batch)
    print(f"   DuckDB file, keyed insert          {per_article(seconds, len(data))}")
    catalogs = {"DuckLake, SQLite catalog": (f"sqlite:{work / 'lake.sqlite'}", work / "sqlite-data")}
    if args.postgres:
        catalogs["DuckLake, PostgreSQL catalog"] = (f"postgres:{args.postgres}", work / "postgres-data")
    for name, (catalog, data_dir) in catalogs.items():
        print(f"   {name:34s} {per_article(one_writer(catalog, data_dir, data, args.batch), len(data))}")

    print("\n3. two writers at once, the same rows (the dedupe race)")
    for name, (catalog, data_dir) in catalogs.items():
        race = two_writers(catalog, data_dir, args.articles, args.batch)
        print(f"   {name:34s} {race['wall']:6.2f} s (both writing for {race['overlap']:.2f} s)  rows {race['rows']}  distinct keys {race['distinct']}  "
              f"duplicates {race['rows'] - race['distinct']}  commits refused {race['refused'].total()}")
        for reason, count in race["refused"].most_common(2):
            print(f"      {count} × {reason}")

    print("\n4. an analyst's read while the writer holds the store")
    print(f"   DuckDB file, second process        {reader}")
    for name, (catalog, data_dir) in catalogs.items():
        seconds, count = read_during_write(catalog, data_dir)
        print(f"   {name:34s} read the {count} committed rows in {seconds:.2f} s (attach included)")


if __name__ == "__main__":
    main()
