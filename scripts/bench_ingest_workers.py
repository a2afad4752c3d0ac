"""Ingest wall time with 1 and 2 Prefect workers over the same replayed pages.

    python scripts/bench_ingest_workers.py                # 2,000 pages, 20 feeds of 100 (about 5 minutes on 2 cores)
    python scripts/bench_ingest_workers.py --pages 400 --latency 0.25   # pages that take 0.25 s to answer

What runs (tests/workers_cluster.py, the same parts as tests/test_ingest_workers.py): PostgreSQL, a Prefect server
on it, the global concurrency limit `sahelwatch-db-writer`, a process pool and the two partitioned ingest
deployments of deploy/prefect.yaml (`partition: 1/2` and `2/2`), over feeds split into two halves of equal size.
The pages are bench_flow.py's: the real pages of the scrapinghub article-extraction benchmark, replicated under
many URLs, behind generated RSS feeds, served by `python -m flows.replay` in its own process. For each worker
count (a fresh database each time) both deployments are triggered at once and timed until both are Completed:
with one worker they run one after the other, with two at the same time. Each time includes Prefect's start of
the flow-run process.

`measure()` returns the figures (scripts/bench_scale.py can call it); `main()` prints them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "scripts")]

import workers_cluster as cluster  # noqa: E402
from bench_flow import corpus_site, replay_process, write_feeds  # noqa: E402

from tasks.partition import feed_partition  # noqa: E402


def halves_feeds_file(path: Path, base: str, feeds: list[str]) -> dict[int, int]:
    """A feeds file whose feed names fall in partitions 1 and 2 of 2 in turn; returns the feeds per partition."""
    candidates = (f"Bench feed {k}" for k in itertools.count())
    names = [next(n for n in candidates if feed_partition(n, 2) == i % 2 + 1) for i in range(len(feeds))]
    path.write_text("feeds:\n" + "".join(f"  - name: {n}\n    url: {base}{f}\n" for n, f in zip(names, feeds, strict=True)),
                    encoding="utf-8")
    return {p: sum(feed_partition(n, 2) == p for n in names) for p in (1, 2)}


def timed_round(api_url: str, work: Path, names: list[str], workers: int, db: Path) -> dict:
    """Start `workers` workers, trigger every deployment at once on a fresh database, time until all are done."""
    procs = [cluster.start_worker(api_url, work, f"bench-{workers}-{n}") for n in range(workers)]
    try:
        started = time.perf_counter()
        runs = [cluster.trigger(api_url, name, {"db": str(db)}) for name in names]
        finals = [cluster.wait_final(api_url, run, 3600) for run in runs]
        seconds = time.perf_counter() - started
    finally:
        for proc in procs:
            cluster.kill_group(proc)
    bad = [f["state"]["message"] for f in finals if f["state_type"] != "COMPLETED"]
    if bad:
        sys.exit(f"a run did not complete: {bad}")
    return {"workers": workers, "seconds": seconds, "run_seconds": [f["total_run_time"] for f in finals],
            "articles": articles(db)}


def articles(db: Path) -> int:
    from storage.db import connect, slot_lock

    with slot_lock(db), connect(db, read_only=True) as con:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]


def slow_pages(site: Path, paths: list[str], latency: float) -> None:
    """Every page answers after `latency` seconds, as a distant outlet does (the replay server's `delay`)."""
    if latency:
        (site / "_behaviour.yaml").write_text(json.dumps({p: {"delay": latency} for p in paths}), encoding="utf-8")


def measure(pages: int = 2000, worker_counts: tuple[int, ...] = (1, 2), latency: float = 0.0) -> dict:
    """Ingest wall time over `pages` replayed pages split into two partitions, for each worker count; each page
    answers after `latency` seconds."""
    missing = cluster.missing()
    if missing:
        sys.exit(f"cannot run: {missing}")
    with tempfile.TemporaryDirectory(prefix="sahelwatch-bench-workers-") as tmp:
        work = Path(tmp)
        site = work / "site"
        paths = corpus_site(site, pages)
        feeds = write_feeds(site, paths, "w")
        slow_pages(site, paths, latency)
        with replay_process(site) as (base, _), cluster.postgres() as database, \
                cluster.prefect_server(work, database) as api_url:
            split = halves_feeds_file(work / "feeds.yaml", base, feeds)
            cluster.setup_pool(api_url, work, slots=2)
            names = cluster.deploy_partitions(api_url, work, 2, {
                "feeds": str(work / "feeds.yaml"), "db": str(work / "unused.duckdb"), "allow_hosts": ["127.0.0.1"]})
            rounds = [timed_round(api_url, work, names, n, work / f"workers-{n}.duckdb") for n in worker_counts]
    for r in rounds:
        r["pages_per_s"] = pages / r["seconds"]
    return {"pages": len(paths), "latency_s": latency, "feeds": len(feeds), "feeds_per_partition": split, "rounds": rounds,
            "ratio": rounds[0]["seconds"] / rounds[-1]["seconds"] if len(rounds) > 1 else None}


def report(result: dict) -> None:
    latency = f", each answering after {result['latency_s']:g} s" if result.get("latency_s") else ""
    print(f"\ningest over {result['pages']} replayed pages{latency}, {result['feeds']} feeds in two partitions "
          f"({result['feeds_per_partition']}), two deployments triggered at once:")
    for r in result["rounds"]:
        runs = ", ".join(f"{s:.1f}" for s in r["run_seconds"])
        print(f"  {r['workers']} worker(s): {r['seconds']:7.1f} s  {r['pages_per_s']:6.1f} pages/s   "
              f"(flow runs {runs} s; {r['articles']} articles stored)")
    if result["ratio"]:
        print(f"  speed-up {result['ratio']:.2f}x with {result['rounds'][-1]['workers']} workers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds each page takes to answer")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    result = measure(args.pages, latency=args.latency)
    report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
