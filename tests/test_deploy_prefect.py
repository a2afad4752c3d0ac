"""Ops acceptance: `sahelwatch serve` alone, in a subprocess, on a fresh machine: it starts its own real
`prefect server start` (PREFECT_HOME under data/), serves the deployments against it, runs them on schedule and
on request, against fixture feeds on a local ReplayServer, and SIGTERM stops everything it started.

One served process (with its server) and one database for the whole module (starting Prefect costs ~15 s);
the tests run in file order and build on each other:

0. serve alone: its UI is announced, its files are under data/prefect, two scheduled ingest runs complete;
1. an ingest run triggered through the API completes, stores the rows and creates its artifact;
2. an analyst process holds the published snapshot open across two scheduled runs: both succeed, nothing is
   lost, and after reopening the analyst sees the second run's rows;
3. overlapping run requests (two ingests and a maintenance at once) never run at the same time: the later ones
   wait (ENQUEUE) and all complete; the server itself refuses a second ingest start with AwaitingConcurrencySlot;
4. SIGTERM: serve, its server, its flow runs and workers all exit; the port and the writer lock are free.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from conftest import free_port
from workers_cluster import wait_until

from flows.replay import ReplayServer

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "deploy"
PREFECT = Path(sys.executable).with_name("prefect")
INTERVAL = 20  # seconds between scheduled ingest runs while served
START_TIMEOUT = 90
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def prefect_env(home: Path | None = None, api_url: str | None = None) -> dict:
    """A fresh machine's environment: no PREFECT_HOME and no PREFECT_API_URL unless given."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_HOME", "PREFECT_API_URL")}
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false",
                "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
                "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "2",
                "PREFECT_RUNNER_POLL_FREQUENCY": "1", "PYTHONPATH": str(ROOT)})
    if home:
        env["PREFECT_HOME"] = str(home)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not exited after 60 s (a loaded machine can be slow to shut down)."""
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("deploy")


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def site(workdir: Path):
    root = workdir / "site"
    shutil.copytree(FIXTURES / "site", root)
    with ReplayServer(root) as server:
        yield server


@pytest.fixture(scope="module")
def db(workdir: Path) -> Path:
    return workdir / "data" / "sahelwatch.duckdb"


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def api_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/api"


@pytest.fixture(scope="module")
def served(api_url: str, port: int, site: ReplayServer, db: Path, workdir: Path):
    """`python -m flows.analyst_cli serve` (what `sahelwatch serve` runs), ingest every INTERVAL seconds, with no
    Prefect API given: it starts its own server on `port`."""
    log = (workdir / "serve.log").open("w")
    cmd = [sys.executable, "-m", "flows.analyst_cli", "serve", "--db", str(db), "--feeds",
           str(FIXTURES / "feeds.yaml"), "--base-url", site.url, "--allow-host", "127.0.0.1",
           "--interval", str(INTERVAL), "--port", str(port)]
    proc = subprocess.Popen(cmd, env=prefect_env(), cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: (_healthy(api_url) and len(api(api_url, "POST", "/deployments/filter", {})) == 3)
                   or proc.poll() is not None, START_TIMEOUT, "three deployments")
        assert proc.poll() is None, (workdir / "serve.log").read_text()[-3000:]
        proc.ready_at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        yield proc
    finally:
        if proc.poll() is None:
            stop(proc)


def api(url: str, method: str, path: str, body: dict | None = None):
    response = httpx.request(method, url + path, json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def flow_runs(url: str, deployment: str | None = None) -> list[dict]:
    runs = api(url, "POST", "/flow_runs/filter", {"sort": "EXPECTED_START_TIME_ASC"})
    if deployment:
        ids = {d["id"] for d in api(url, "POST", "/deployments/filter", {}) if d["name"] == deployment}
        runs = [r for r in runs if r["deployment_id"] in ids]
    return runs


def run_now(url: str, deployment: str, parameters: dict | None = None, timeout: float = 0):
    """Trigger a deployment through the Prefect client (what `prefect deployment run` does)."""
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: url}):
        return run_deployment(f"{deployment}/{deployment}", parameters=parameters or {}, timeout=timeout)


def wait_final(url: str, run_id, timeout: float = 120) -> dict:
    return wait_until(lambda: (r := api(url, "GET", f"/flow_runs/{run_id}"))["state_type"] in TERMINAL and r,
                      timeout, f"flow run {run_id}")


def snapshot_count(path: Path, table: str = "articles") -> int:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_serve_alone_starts_its_own_server_and_runs_on_schedule(api_url, served, db, workdir):
    banner = (workdir / "serve.log").read_text()
    assert f"Prefect UI: {api_url.removesuffix('/api')}" in banner
    assert "Traceback" not in banner, banner[-3000:]
    home = db.parent / "prefect"
    assert (home / "prefect.db").exists() and (home / "server.log").exists(), "Prefect's files under data/prefect"
    assert not (workdir / ".prefect").exists()
    assert_scheduler_healthy(home / "server.log")
    done = wait_until(lambda: len(c := [r for r in scheduled_done(api_url, served.ready_at)
                                        if r["state_type"] == "COMPLETED"]) >= 2 and c, 90, "two scheduled runs")
    assert len(done) >= 2


def test_api_triggered_ingest_completes_stores_rows_and_creates_artifact(api_url, served, db):
    run = run_now(api_url, "ingest")
    final = wait_final(api_url, run.id)
    assert final["state_type"] == "COMPLETED", final["state"]
    snapshot = db.with_name("sahelwatch-analyst.duckdb")
    assert snapshot.exists(), "the ingest flow must call storage.publish.publish_snapshot at its end"
    assert snapshot_count(snapshot) == 2
    artifacts = api(api_url, "POST", "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [str(run.id)]}}})
    summary = next(a for a in artifacts if a["key"] == "ingest-summary")
    assert summary["type"] == "markdown" and "new articles" in summary["data"]


READER = """
import sys, time, duckdb
path, out = sys.argv[1], open(sys.argv[2], 'a', buffering=1)
con = duckdb.connect(path, read_only=True)                 # held open across the scheduled runs
while not sys.stdin.closed:
    out.write(f"{con.execute('SELECT count(*) FROM articles').fetchone()[0]}\\n")
    if sys.stdin.readline().strip() == 'reopen':
        break
con.close()
con = duckdb.connect(path, read_only=True)
out.write(f"reopened {con.execute('SELECT count(*) FROM articles').fetchone()[0]}\\n")
"""


SCHEDULER_BUG = "Can't evaluate bulk DML statement"


def assert_scheduler_healthy(server_log: Path) -> None:
    """prefect 3.8.8's scheduler service cannot insert runs under SQLAlchemy 2.1 (no scheduled run is ever
    created); it works with SQLAlchemy 2.0.x. Fail fast and say so rather than time out."""
    import sqlalchemy

    time.sleep(3)  # the scheduler loops every 2 s here
    log = server_log.read_text(errors="replace")
    assert SCHEDULER_BUG not in log, (
        f"the Prefect server's scheduler service fails with SQLAlchemy {sqlalchemy.__version__}: "
        "pin sqlalchemy>=2.0,<2.1 (2.0.58 verified) in pyproject.toml and requirements.lock")


def scheduled_done(url: str, after: str) -> list[dict]:
    return [r for r in flow_runs(url, "ingest") if r["auto_scheduled"] and r["state_type"] in TERMINAL
            and (r["start_time"] or "") > after]


def test_analyst_holding_the_snapshot_never_breaks_two_scheduled_runs(api_url, served, site, db, workdir):
    snapshot = db.with_name("sahelwatch-analyst.duckdb")
    log = workdir / "analyst.log"
    analyst = subprocess.Popen([sys.executable, "-c", READER, str(snapshot), str(log)], stdin=subprocess.PIPE,
                               text=True)
    try:
        wait_until(lambda: log.exists() and log.read_text(), 30, "the analyst's first read")
        assert_scheduler_healthy(db.parent / "prefect" / "server.log")
        since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        first = wait_until(lambda: scheduled_done(api_url, since), INTERVAL * 3 + 60, "a scheduled run")[0]
        shutil.copy(FIXTURES / "second" / "wire.xml", Path(site.root) / "feeds" / "wire.xml")
        shutil.copy(FIXTURES / "second" / "tillaberi.html", Path(site.root) / "news" / "tillaberi.html")
        second = wait_until(lambda: [r for r in scheduled_done(api_url, first["start_time"])], INTERVAL * 3 + 60,
                            "a second scheduled run")[0]
        analyst.stdin.write("still\n")
        analyst.stdin.flush()
        analyst.stdin.write("reopen\n")
        analyst.stdin.close()
        analyst.wait(timeout=30)
    finally:
        analyst.kill()
    assert [first["state_type"], second["state_type"]] == ["COMPLETED", "COMPLETED"]
    lines = log.read_text().split("\n")
    assert lines[0] == "2", "the analyst saw the first run's rows"
    assert "reopened 3" in lines, f"after reopening the analyst sees the second run's row: {lines}"
    assert not list((db.parent / "spool").glob("*")), "nothing left waiting in the spool"


def intervals(runs: list[dict]) -> list[tuple[str, str]]:
    return sorted((r["start_time"], r["end_time"]) for r in runs if r["start_time"])


def test_overlapping_requests_wait_and_never_run_together(api_url, served, db):
    runs = [run_now(api_url, "ingest"), run_now(api_url, "ingest"), run_now(api_url, "maintenance")]
    finals = [wait_final(api_url, r.id, timeout=180) for r in runs]
    assert [f["state_type"] for f in finals] == ["COMPLETED"] * 3, [f["state"] for f in finals]
    spans = intervals([r for r in flow_runs(api_url) if r["state_type"] == "COMPLETED"])
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start, f"two runs overlapped: {spans}"


def test_server_refuses_a_second_concurrent_ingest_with_awaiting_slot(api_url, served):
    """What prefect 3.8.8 does with concurrency_limit {limit: 1, collision_strategy: ENQUEUE} when a second
    run of the deployment tries to start while one holds the slot: rejected, rescheduled, not cancelled."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.states import Cancelled, Pending, Scheduled

    async def probe():
        async with get_client() as client:
            deployment = await client.read_deployment_by_name("ingest/ingest")
            await client.pause_deployment(deployment.id)  # no scheduled run may hold the slot meanwhile
            later = Scheduled(scheduled_time=datetime.now(UTC) + timedelta(days=1))  # far ahead: the runner leaves them alone
            holder = await client.create_flow_run_from_deployment(deployment.id, state=later, tags=["probe"])
            second = await client.create_flow_run_from_deployment(deployment.id, state=later, tags=["probe"])
            held = await client.set_flow_run_state(holder.id, Pending())
            refused = await client.set_flow_run_state(second.id, Pending())
            for run in (holder, second):  # release the slot
                await client.set_flow_run_state(run.id, Cancelled(), force=True)
            return held, refused

    for _attempt in range(6):  # a scheduled run or a just-finished one may still hold the slot: try again
        wait_until(lambda: not [r for r in flow_runs(api_url) if r["state_type"] in ("PENDING", "RUNNING")], 120,
                   "no run in progress")
        with temporary_settings({PREFECT_API_URL: api_url}):
            held, refused = asyncio.run(probe())
        if held.status.value == "ACCEPT":
            break
        time.sleep(10)
    assert held.status.value == "ACCEPT"
    assert refused.status.value == "REJECT" and refused.state.name == "AwaitingConcurrencySlot"


def test_sigterm_stops_everything_serve_started(api_url, port, served, db):
    from flows.prefect_server import descendants, port_free
    from storage.db import writer_lock

    family = descendants(served.pid)
    assert family, "serve runs its Prefect server as a child"
    served.send_signal(signal.SIGTERM)
    served.wait(timeout=60)
    wait_until(lambda: not [p for p in family if Path(f"/proc/{p}").exists() and not _zombie(p)], 30,
               "every process serve started to exit")
    assert port_free("127.0.0.1", port) and not _healthy(api_url)
    assert served.returncode == 0 and "serve stopped" in (db.parent.parent / "serve.log").read_text()
    with writer_lock(db):  # nothing holds the writer lock
        pass


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
