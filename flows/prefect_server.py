"""The Prefect API that `sahelwatch serve` schedules against: the one in PREFECT_API_URL when it is set, else a
real `prefect server start` of our own on 127.0.0.1, started here and stopped here.

Prefect's temporary in-process server has no scheduler (scheduled runs are never created) and loses its history
on restart, so serve never relies on it. Our server keeps its files in PREFECT_HOME (default: `prefect/` beside
the database, e.g. data/prefect/): SQLite there, or PostgreSQL when PREFECT_API_DATABASE_CONNECTION_URL is set. It
runs its scheduler every 10 s (Prefect's default is 60 s) and serves the UI at http://127.0.0.1:PORT.

The server is our child: it is told to die with us (PR_SET_PDEATHSIG on Linux) and, on Ctrl-C or SIGTERM, it and
every other process we started (flow runs, pool workers) are stopped before we exit.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

from tasks.errors import SahelwatchError

START_TIMEOUT = 120.0
SERVER_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "10",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def port_free(host: str, port: int) -> bool:
    """Nothing listens on host:port (connections in TIME_WAIT do not count, as for uvicorn)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (from /proc), children first."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], list(parents.get(pid, []))
    while todo:
        child = todo.pop(0)
        out.append(child)
        todo += parents.get(child, [])
    return out


def stop_processes(pids: list[int], timeout: float = 20.0) -> None:
    """SIGTERM each, wait, then SIGKILL what is left."""
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() and not _zombie(p) for p in pids):
        time.sleep(0.2)
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def _wait_healthy(proc: subprocess.Popen, api_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if healthy(api_url):
            return
        if proc.poll() is not None:
            tail = [line for line in log.read_text(errors="replace").splitlines() if line.strip()][-1:]
            raise SahelwatchError(f"the Prefect server exited at start ({' '.join(tail)[:200]}); see {log}")
        time.sleep(0.5)
    raise SahelwatchError(f"the Prefect server did not answer within {START_TIMEOUT:.0f} s; see {log}")


@contextmanager
def own_server(home: Path, host: str, port: int) -> Iterator[str]:
    """`prefect server start` with its files in `home`; yields the API URL; stops it on exit."""
    if not port_free(host, port):
        raise SahelwatchError(
            f"port {port} on {host} is in use (another Prefect server?): pass --port N, or "
            f"use that server with PREFECT_API_URL=http://{host}:{port}/api"
        )
    home.mkdir(parents=True, exist_ok=True)
    log = home / "server.log"
    env = {**SERVER_DEFAULTS, **os.environ, "PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
            start_new_session=True,
        )
    api_url = f"http://{host}:{port}/api"
    try:
        _wait_healthy(proc, api_url, log)
        yield api_url
    finally:
        stop_processes([*descendants(proc.pid), proc.pid])
        proc.wait(timeout=10)


@contextmanager
def prefect_api(home: Path, host: str = "127.0.0.1", port: int = 4200) -> Iterator[tuple[str, bool]]:
    """(API URL, whether we started it): PREFECT_API_URL when set and healthy, else our own server."""
    given = os.environ.get("PREFECT_API_URL")
    if given:
        if not healthy(given):
            raise SahelwatchError(
                f"no Prefect API answers at PREFECT_API_URL={given}: start it, or unset "
                "PREFECT_API_URL and serve starts its own"
            )
        yield given, False
        return
    with own_server(home, host, port) as api_url:
        yield api_url, True
