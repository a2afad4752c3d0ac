"""The CPU stages on a real Dask cluster (flows/compute.py): a `dask scheduler` and two `dask worker` processes
on 127.0.0.1 (tests/dask_cluster.py: the venv's own `dask` command, one thread each, each in a session of its own,
SIGKILLed at teardown), shared by the module, against the session's Prefect server.

reprocess over the demo's articles and over 2,000 stored articles (tests/backlog.py) gives, on the cluster, the
same events, versions, evidence, links and extractions as on the local process pool; a worker SIGKILLed in the
middle of a batch loses nothing and doubles nothing; a batch that kills every worker it lands on comes back as
`worker_died` skips, as it does from the local pool.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from prefect import task
from prefect.cache_policies import NO_CACHE

from tests.dask_cluster import Cluster

pytestmark = [pytest.mark.slow, pytest.mark.prefect]  # ~90 s: in CI on 3.11 only (.ci/run)
ROOT = Path(__file__).resolve().parents[1]
BACKLOG = 2000


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, prefect_server):
    # a batch may kill one worker, not two
    with Cluster(tmp_path_factory.mktemp("dask"), DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1") as cluster:
        yield cluster


@pytest.fixture(scope="module")
def backlog(tmp_path_factory) -> Path:
    from tests.backlog import build_backlog

    return build_backlog(tmp_path_factory.mktemp("backlog") / "backlog.duckdb", BACKLOG, max_chars=500)


@pytest.fixture(scope="module")
def backlog_local(backlog, prefect_server) -> tuple[dict, dict]:
    """The reference: reprocess of the backlog on the local process pool (summary, tables)."""
    return reprocessed(backlog, None)


def copy_of(db: Path) -> Path:
    target = db.parent / f"run-{time.monotonic_ns()}" / db.name
    target.parent.mkdir()
    shutil.copy(db, target)
    return target


def reprocessed(db: Path, address: str | None) -> tuple[dict, dict]:
    from flows.reprocess import reprocess

    copy = copy_of(db)
    summary = reprocess(db=str(copy), publish=False, dask_address=address)
    return summary, tables(copy)


def tables(db: Path) -> dict:
    """What reprocess wrote, without the times it wrote it."""
    queries = {
        "events": "SELECT * EXCLUDE (first_seen, last_seen) FROM events ORDER BY event_id",
        "versions": "SELECT event_id, version, url_key, changes::VARCHAR, snapshot::VARCHAR FROM event_versions "
                    "ORDER BY event_id, version",
        "evidence": "SELECT * FROM event_evidence ORDER BY ALL",
        "links": "SELECT event_id, url_key, rank, role, extractor_version FROM event_articles ORDER BY ALL",
        "extractions": "SELECT url_key, extractor_version, relevant, events FROM extractions ORDER BY ALL",
        "skips": "SELECT stage, reason, count(*) FROM skips GROUP BY ALL ORDER BY ALL",
    }
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: con.execute(sql).fetchall() for name, sql in queries.items()}


def same_work(summary: dict, reference: dict) -> bool:
    keys = ("articles", "batches", "events_new", "events_updated", "skips")
    return {k: summary[k] for k in keys} == {k: reference[k] for k in keys}


# --- the demo ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_server():
    from flows.demo import DEMO
    from flows.replay import ReplayServer

    with ReplayServer(DEMO / "site") as server:
        yield server


def demo_ingest(server, db: Path, address: str | None) -> dict:
    """One ingest run over the demo's fixture web, as `sahelwatch demo` makes it (tests/conftest.py demo_runs)."""
    from flows.demo import DEMO
    from flows.ingest import ingest

    return ingest(feeds=str(DEMO / "feeds.yaml"), db=str(db), base_url=server.url, allow_hosts=["127.0.0.1"],
                  report_since="all", dask_address=address)


@pytest.fixture(scope="module")
def demo_local(demo_server, prefect_server, tmp_path_factory) -> tuple[Path, dict]:
    """The demo's database, its CPU stages run on the local process pool."""
    db = tmp_path_factory.mktemp("demo-local") / "demo.duckdb"
    return db, demo_ingest(demo_server, db, None)


def test_the_demo_ingested_with_its_cpu_stages_on_the_cluster_equals_the_local_run(cluster, demo_server, demo_local,
                                                                                    tmp_path):
    from distributed import get_task_stream

    cluster.ready()
    db = tmp_path / "demo.duckdb"
    with get_task_stream(cluster.client) as stream:
        summary = demo_ingest(demo_server, db, cluster.address)
    source, local = demo_local
    keys = ("pages_fetched", "new_articles", "duplicates", "skips_by_reason", "languages", "events_new")
    assert {k: summary[k] for k in keys} == {k: local[k] for k in keys}
    assert local["new_articles"] == 44 and local["events_new"] == 25, "the demo's articles and incidents"
    assert tables(db) == tables(source) and stored_articles(db) == stored_articles(source)
    assert sorted({t["key"].split("-")[0] for t in stream.data}) == ["clean_batch_task", "extract_task"]


def stored_articles(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT url_key, title, text, language, content_hash, duplicate_of, similarity FROM articles "
                           "ORDER BY url_key").fetchall()


@pytest.fixture(scope="module")
def demo_articles(demo_local, tmp_path_factory) -> Path:
    """A database holding the demo's stored articles as its ingest run stored them, and nothing extracted."""
    from storage.db import connect
    from storage.ingest import ARTICLE_TYPES, save_batch

    with duckdb.connect(str(demo_local[0]), read_only=True) as con:
        cursor = con.execute(f"SELECT {', '.join(ARTICLE_TYPES)} FROM articles ORDER BY fetched_at, url_key")
        rows = [dict(zip(ARTICLE_TYPES, row, strict=True)) for row in cursor.fetchall()]
    db = tmp_path_factory.mktemp("demo-articles") / "demo.duckdb"
    with connect(db) as con:
        save_batch(con, [], rows, [])
    return db


def test_the_demo_reprocessed_on_the_cluster_by_the_command_equals_the_local_pool(cluster, demo_articles, demo_local):
    from prefect.settings import PREFECT_API_URL

    local_summary, local = reprocessed(demo_articles, None)
    copy = copy_of(demo_articles)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAHELWATCH_")}
    env.update(PYTHONPATH=str(ROOT), PREFECT_API_URL=PREFECT_API_URL.value(), SAHELWATCH_DASK_ADDRESS=cluster.address)
    done = subprocess.run([sys.executable, "-m", "flows.cli", "reprocess", "--db", str(copy)], env=env, cwd=copy.parent,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    expected = (f"Extractor {local_summary['extractor_version']}: {local_summary['articles']} articles in 1 batch "
                f"on {cluster.address}, {local_summary['events_new']} new events")
    assert expected in done.stdout
    assert tables(copy) == local
    assert local_summary["articles"] == 44
    assert len(local["events"]) == len(tables(demo_local[0])["events"]), "as many events as the demo's ingest made"


# --- 2,000 stored articles ------------------------------------------------------------------------------------


def test_two_thousand_articles_on_the_cluster_equal_the_local_pool(cluster, backlog, backlog_local):
    from distributed import get_task_stream

    workers = cluster.ready()
    with get_task_stream(cluster.client) as stream:
        summary, result = reprocessed(backlog, cluster.address)
    reference_summary, reference = backlog_local
    assert summary["articles"] == BACKLOG and summary["skips"] == {}
    assert same_work(summary, reference_summary)
    assert result == reference
    assert len(reference["extractions"]) == BACKLOG and len(reference["events"]) > 1000
    ran = [t for t in stream.data if t["key"].startswith("extract_task-")]
    assert len(ran) == summary["batches"] and {t["worker"] for t in ran} == set(workers.values()), \
        "one Dask task per batch, on both workers"


def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing_and_doubles_nothing(cluster, backlog, backlog_local):
    from distributed import get_task_stream

    workers, killed, stop = cluster.ready(), {}, threading.Event()

    def kill_b_mid_batch() -> None:
        """Once b has finished a batch and is 0.3 s into another."""
        first: set[str] = set()
        while not stop.wait(0.05):
            held = set(cluster.client.processing(workers=[workers["b"]]).get(workers["b"], []))
            first = first or held
            if held - first:
                time.sleep(0.3)
                now = cluster.client.processing(workers=[workers["b"]]).get(workers["b"], [])
                if now:
                    killed["held"] = now
                    cluster.kill("b")
                    return

    killer = threading.Thread(target=kill_b_mid_batch, daemon=True)
    killer.start()
    try:
        with get_task_stream(cluster.client) as stream:
            summary, result = reprocessed(backlog, cluster.address)
    finally:
        stop.set()
        killer.join(10)
    assert killed.get("held"), "worker b was killed holding a batch"
    assert summary["articles"] == BACKLOG and summary["skips"] == {}, "its batches were run again on worker a"
    assert result == backlog_local[1], "the same events, versions, evidence, links and extractions as the local run"
    assert len(result["extractions"]) == len({row[0] for row in result["extractions"]}) == BACKLOG
    ran = [t for t in stream.data if t["key"].startswith("extract_task-")]
    on_b = [t for t in ran if t["worker"] == workers["b"]]
    print(f"\nkilled worker b holding {len(killed['held'])} batch(es); batches completed on a: "
          f"{len(ran) - len(on_b)}, on b before the kill: {len(on_b)}; batches stored: {summary['batches']}")
    assert len(ran) >= summary["batches"] == -(-BACKLOG // 200)


# --- a batch no worker survives -------------------------------------------------------------------------------


@task(name="kill-my-worker", cache_policy=NO_CACHE)
def kill_my_worker(rows: list[dict]) -> list:
    os.kill(os.getpid(), signal.SIGKILL)
    return []


def test_a_batch_that_kills_every_worker_it_lands_on_comes_back_as_worker_died_skips(cluster):
    import cloudpickle

    from flows.compute import cpu_for
    from flows.pipeline import extract_lost
    from tasks.settings import resolve_settings

    cluster.ready()
    rows = [{"url_key": f"k{n}", "canonical_url": f"http://example.org/{n}", "published": None, "language": "fr",
             "duplicate_of": None} for n in range(3)]
    started = time.monotonic()
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    try:
        with cpu_for(resolve_settings(env={}, dask_address=cluster.address)) as cpu:
            items = cpu.result(cpu.submit(kill_my_worker, rows=rows), lambda detail: extract_lost(rows, detail))
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert [(i.url_key, i.skip.reason) for i in items] == [(f"k{n}", "worker_died") for n in range(3)]
    assert "dask worker died" in items[0].skip.detail
    assert time.monotonic() - started < 60
    cluster.ready()  # the nannies started both workers again
