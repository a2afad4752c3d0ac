"""The scale benchmark: what the switches of deploy/SCALING.md buy on this machine, section by section.

    python scripts/bench_scale.py                       # every section
    python scripts/bench_scale.py --only reprocess      # one section (repeat --only for several)

reprocess: throughput of the `reprocess` flow over --articles stored articles (tests/backlog.py: the shared dev
set's texts, as distinct variants) on the local process pool (the default), then on a Dask cluster of 1 and of 2
workers: a real `dask scheduler` and `dask worker` processes on 127.0.0.1, one thread each (tests/dask_cluster.py).
Each runner does the same backlog twice, on fresh copies: the first run is cold (the pool's or the workers'
processes import Prefect and the extractor and load the gazetteer), the second warm. Printed: seconds and
articles/s of each run, the ratio to the local pool's run of the same kind, and the cluster's start-up (processes
started until every worker is registered). Every run must give the same events: the script checks it.

ingest-workers: ingest wall time with 1 and with 2 Prefect workers over the same --pages replayed pages, two
partitioned deployments on a Prefect server on PostgreSQL (scripts/bench_ingest_workers.py, which runs alone too);
then over --slow-pages pages that each answer after --latency seconds, as distant outlets do.

Each section is a function of (work directory, arguments) returning its figures; `main` runs the sections asked
for under one Prefect test server and prints them (--json also writes them to a file).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


# --- reprocess: local pool vs Dask --------------------------------------------------------------------------------


def timed_reprocess(backlog: Path, address: str | None) -> dict:
    """reprocess over a fresh copy of the backlog; its wall time, throughput and events."""
    from flows.reprocess import reprocess
    from storage.db import connect

    copy = backlog.parent / f"run-{time.monotonic_ns()}.duckdb"
    shutil.copy(backlog, copy)
    started = time.perf_counter()
    summary = reprocess(db=str(copy), publish=False, dask_address=address)
    seconds = time.perf_counter() - started
    with connect(copy, read_only=True) as con:
        events = con.execute("SELECT count(*), sum(version) FROM events").fetchone()
    assert not summary["skips"], summary["skips"]
    return {"seconds": round(seconds, 2), "articles": summary["articles"], "events": events,
            "articles_per_s": round(summary["articles"] / seconds, 1)}


def bench_reprocess(work: Path, args: argparse.Namespace) -> dict:
    from tests.backlog import build_backlog
    from tests.dask_cluster import Cluster

    backlog = build_backlog(work / "backlog.duckdb", args.articles, args.max_chars)
    runners: dict[str, dict] = {"local pool": {"cold": timed_reprocess(backlog, None),
                                               "warm": timed_reprocess(backlog, None)}}
    for n in (1, 2):
        home = work / f"dask-{n}"
        home.mkdir()
        with Cluster(home, workers=tuple(f"w{k}" for k in range(n))) as cluster:
            startup = cluster.start_seconds
            runners[f"dask, {n} worker{'s' if n > 1 else ''}"] = {
                "startup_s": round(startup, 2), "cold": timed_reprocess(backlog, cluster.address),
                "warm": timed_reprocess(backlog, cluster.address)}
    events = {run["events"] for runner in runners.values() for run in (runner["cold"], runner["warm"])}
    assert len(events) == 1, f"the runners disagree on the events: {runners}"
    return {"articles": args.articles, "mean_chars": mean_chars(backlog), "runners": runners}


def mean_chars(db: Path) -> int:
    from storage.db import connect

    with connect(db, read_only=True) as con:
        return round(con.execute("SELECT avg(length(text)) FROM articles").fetchone()[0])


def print_reprocess(figures: dict) -> None:
    print(f"\nreprocess over {figures['articles']} stored articles ({figures['mean_chars']} characters of text on "
          "average), same events on every runner")
    local = figures["runners"]["local pool"]
    for name, runner in figures["runners"].items():
        startup = f"   cluster start-up {runner['startup_s']:.1f} s" if "startup_s" in runner else ""
        for kind in ("cold", "warm"):
            run = runner[kind]
            ratio = local[kind]["seconds"] / run["seconds"]
            print(f"   {name:<17} {kind}: {run['seconds']:6.1f} s  {run['articles_per_s']:6.1f} articles/s  "
                  f"{ratio:4.2f}x the local pool{startup if kind == 'cold' else ''}")
        print(f"   {'':<17} first use of its processes (cold - warm): "
              f"{runner['cold']['seconds'] - runner['warm']['seconds']:.1f} s")


# --- ingest: 1 vs 2 Prefect workers over partitions of the feeds ----------------------------------------------------


def bench_ingest_workers(work: Path, args: argparse.Namespace) -> dict:
    """scripts/bench_ingest_workers.py: its own PostgreSQL, Prefect server, pool and workers."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_ingest_workers import measure

    return {"local web": measure(args.pages), "slow web": measure(args.slow_pages, latency=args.latency)}


def print_ingest_workers(figures: dict) -> None:
    from bench_ingest_workers import report

    for result in figures.values():
        report(result)


SECTIONS = {"reprocess": (bench_reprocess, print_reprocess), "ingest-workers": (bench_ingest_workers,
                                                                                 print_ingest_workers)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", choices=sorted(SECTIONS), help="run only this section")
    parser.add_argument("--articles", type=int, default=2000, help="stored articles to reprocess")
    parser.add_argument("--max-chars", type=int, default=2000, help="longest text of an article (tests/backlog.py)")
    parser.add_argument("--pages", type=int, default=2000, help="replayed pages the ingest workers fetch")
    parser.add_argument("--slow-pages", type=int, default=400, help="replayed pages that answer after --latency")
    parser.add_argument("--latency", type=float, default=0.25, help="seconds a slow page takes to answer")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"  # no telemetry: the benchmark talks to 127.0.0.1 only
    from prefect.testing.utilities import prefect_test_harness

    result = {"machine": {"nproc": len(os.sched_getaffinity(0)), "python": platform.python_version()}}
    print(f"machine: {result['machine']['nproc']} CPUs, Python {result['machine']['python']}")
    with tempfile.TemporaryDirectory(prefix="sahelwatch-bench-scale-") as tmp, prefect_test_harness(60):
        for name in args.only or list(SECTIONS):
            work = Path(tmp) / name
            work.mkdir()
            bench, show = SECTIONS[name]
            result[name] = bench(work, args)
            show(result[name])
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
