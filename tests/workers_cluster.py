"""A Prefect deployment of several ingest workers on this machine, from real parts, for tests/test_ingest_workers.py
and scripts/bench_ingest_workers.py:

    PostgreSQL (Debian's package: initdb + postgres, as the `postgres` user when we are root)
      → `prefect server start` on it (its own PREFECT_HOME, a free port)
      → `prefect gcl create sahelwatch-db-writer --limit 1`, a process work pool
      → `prefect deploy` of the partitioned ingest deployments of deploy/prefect.yaml (parameters for a test site)
      → `prefect worker start` processes, each in a process group of its own

Every process is started in a new session and stopped with its whole group (and what it spawned elsewhere): a
test leaves nothing running. `missing()` says why the cluster cannot be built here (no PostgreSQL).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
PREFECT = Path(sys.executable).with_name("prefect")
POOL = "sahelwatch-process"
QUIET = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
SERVER_ENV = {  # fast loops for a test; services nobody here needs are off (2 cores shared by everything)
    "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS": "1",
    "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "1",
}


def free_port() -> int:
    """A port nothing listens on right now, for a local server about to start."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin() -> Path | None:
    """The bin directory of the newest PostgreSQL server installed from Debian's packages (or on the PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


def missing() -> str | None:
    """Why a PostgreSQL server cannot be run here, or None."""
    if postgres_bin() is None:
        return "no PostgreSQL server installed (Debian: apt-get install postgresql; .ci/run installs it)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and no `postgres` user to run PostgreSQL as (initdb refuses root)"
    return None


def wait_until(check, timeout: float, what: str, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def descendants(pid: int) -> list[int]:
    from flows.prefect_server import descendants as below

    return below(pid)


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal the process's group and everything it started, wherever they went (the process worker starts each
    flow run in a session of its own)."""
    family = [proc.pid, *descendants(proc.pid)]
    groups = set()
    for pid in family:
        with suppress(ProcessLookupError, PermissionError):
            groups.add(os.getpgid(pid))
    for group in groups:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(group, sig)
    for pid in family:
        with suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)
    with suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=30)


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def postgres() -> Iterator[str]:
    """A throw-away PostgreSQL server on 127.0.0.1 (data in a temporary directory, trust auth, no fsync); yields
    the SQLAlchemy URL Prefect takes. Stopped and removed on exit."""
    bindir = postgres_bin()
    assert bindir is not None, missing()
    home = Path(tempfile.mkdtemp(prefix="sahelwatch-pg-"))
    if os.geteuid() == 0:
        os.chown(home, pwd.getpwnam("postgres").pw_uid, pwd.getpwnam("postgres").pw_gid)
    data, port = home / "data", free_port()
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "prefect", "--auth=trust",
                                 "-E", "UTF8", "--no-sync"]), check=True, capture_output=True)
    log = (home / "postgres.log").open("w")
    proc = subprocess.Popen(
        _as_postgres([str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(home),
                      "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                      "-c", "full_page_writes=off"]),
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: _accepts(port) or proc.poll() is not None, 30, "PostgreSQL to accept connections")
        assert proc.poll() is None, (home / "postgres.log").read_text()[-2000:]
        yield f"postgresql+asyncpg://prefect@127.0.0.1:{port}/postgres"
    finally:
        kill_group(proc, signal.SIGINT)  # fast shutdown
        kill_group(proc)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def _accepts(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def env(home: Path, api_url: str | None = None, **extra: str) -> dict:
    """A process's environment: its own PREFECT_HOME, the API, quiet logs."""
    out = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    out.update(QUIET, PREFECT_HOME=str(home), **extra)
    if api_url:
        out["PREFECT_API_URL"] = api_url
    home.mkdir(parents=True, exist_ok=True)
    return out


def _healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def prefect_server(workdir: Path, database_url: str) -> Iterator[str]:
    """`prefect server start` on the database; yields its API URL."""
    home, port = workdir / "server-home", free_port()
    log = (workdir / "server.log").open("w")
    proc = subprocess.Popen(
        [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env(home, PREFECT_API_DATABASE_CONNECTION_URL=database_url, **SERVER_ENV),
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_until(lambda: _healthy(api_url) or proc.poll() is not None, 120, "the Prefect server")
        assert proc.poll() is None, (workdir / "server.log").read_text()[-3000:]
        yield api_url
    finally:
        kill_group(proc, signal.SIGTERM)
        kill_group(proc)
        log.close()


def prefect_cli(api_url: str, workdir: Path, *args: str) -> str:
    """One `prefect …` command against the API (from the repository, where deploy/ and flows/ are)."""
    out = subprocess.run([str(PREFECT), "--no-prompt", *args], env=env(workdir / "cli-home", api_url), cwd=ROOT,
                         capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, f"prefect {' '.join(args)}:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}"
    return out.stdout


def setup_pool(api_url: str, workdir: Path, slots: int) -> None:
    """The runbook's commands: the writer limit, the process pool and its concurrency limit."""
    prefect_cli(api_url, workdir, "gcl", "create", "sahelwatch-db-writer", "--limit", "1")
    prefect_cli(api_url, workdir, "work-pool", "create", POOL, "--type", "process")
    prefect_cli(api_url, workdir, "work-pool", "set-concurrency-limit", POOL, str(slots))


def deploy_partitions(api_url: str, workdir: Path, count: int, parameters: dict) -> list[str]:
    """`prefect deploy` of `count` partitioned ingest deployments, made from deploy/prefect.yaml's ingest-1-of-2
    (its entrypoint, tags, concurrency limit and pool) with `parameters` for this machine and no schedule.
    Returns the deployment names (ingest/ingest-1-of-2, …)."""
    spec = yaml.safe_load((ROOT / "deploy" / "prefect.yaml").read_text(encoding="utf-8"))
    template = next(d for d in spec["deployments"] if d["name"] == "ingest-1-of-2")
    deployments = [{**template, "name": f"ingest-{i}-of-{count}", "schedules": [],
                    "parameters": {**template["parameters"], **parameters, "partition": f"{i}/{count}"}}
                   for i in range(1, count + 1)]
    spec.update(deployments=deployments,
                pull=[{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}])
    path = workdir / "prefect.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    names = [d["name"] for d in deployments]
    prefect_cli(api_url, workdir, "deploy", "--prefect-file", str(path), *[a for n in names for a in ("--name", n)])
    return [f"ingest/{name}" for name in names]


def start_worker(api_url: str, workdir: Path, name: str) -> subprocess.Popen:
    """`prefect worker start` on the pool, one flow run at a time, in a process group of its own."""
    log = (workdir / f"{name}.log").open("a")
    return subprocess.Popen(
        [str(PREFECT), "worker", "start", "--pool", POOL, "--limit", "1", "--name", name],
        env=env(workdir / f"{name}-home", api_url, PREFECT_WORKER_QUERY_SECONDS="1",
                PREFECT_WORKER_PREFETCH_SECONDS="1"),
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)


def api(api_url: str, method: str, path: str, body: dict | None = None):
    response = httpx.request(method, api_url + path, json=body, timeout=20)
    response.raise_for_status()
    return response.json()


def trigger(api_url: str, deployment: str, parameters: dict | None = None) -> str:
    """A flow run of the deployment now (what `prefect deployment run` does); returns its id."""
    found = api(api_url, "GET", f"/deployments/name/{deployment}")
    run = api(api_url, "POST", f"/deployments/{found['id']}/create_flow_run", {"parameters": parameters or {}})
    return run["id"]


TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def wait_final(api_url: str, run_id: str, timeout: float) -> dict:
    return wait_until(lambda: (r := api(api_url, "GET", f"/flow_runs/{run_id}"))["state_type"] in TERMINAL and r,
                      timeout, f"flow run {run_id}")


def events(api_url: str, prefix: str) -> list[dict]:
    """Every event the server recorded whose name starts with `prefix` (the last day), oldest first."""
    page = api(api_url, "POST", "/events/filter", {"filter": {"event": {"prefix": [prefix]}}, "limit": 50})
    found = list(page["events"])
    while page.get("next_page"):
        response = httpx.get(page["next_page"], timeout=20)
        response.raise_for_status()
        page = response.json()
        found += page["events"]
    return sorted(found, key=lambda e: e["occurred"])


def slot_holds(api_url: str, limit_name: str = "sahelwatch-db-writer") -> list[tuple[str, str, str | None]]:
    """(acquired, released, flow run id) of each hold of a global concurrency limit, from the server's
    `prefect.concurrency-limit.acquired` and `.released` events (a release `follows` its acquisition)."""
    recorded = [e for e in events(api_url, "prefect.concurrency-limit.")
                if e["resource"].get("prefect.resource.name") == limit_name]
    acquired = {e["id"]: e for e in recorded if e["event"].endswith(".acquired")}
    holds = []
    for release in (e for e in recorded if e["event"].endswith(".released")):
        start = acquired.get(release.get("follows"))
        if start is not None:
            run = next((r["prefect.resource.id"].removeprefix("prefect.flow-run.") for r in start["related"]
                        if r["prefect.resource.id"].startswith("prefect.flow-run.")), None)
            holds.append((start["occurred"], release["occurred"], run))
    return sorted(holds)
