"""A real Dask cluster on 127.0.0.1 for tests/test_dask.py and scripts/bench_scale.py: a `dask scheduler` and named
`dask worker` processes (the venv's own `dask` command, one thread each), each in a session of its own, so that
killing one kills its nanny and its worker process together, and `close` leaves nothing behind.

The processes get the environment a deployment would give them: the project importable (the scheduler unpickles
the tasks too), a PREFECT_HOME of their own and no PREFECT_API_URL (a task brings the flow's API URL with it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.workers_cluster import free_port

ROOT = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).parent / "dask"


class Cluster:
    def __init__(self, home: Path, workers: tuple[str, ...] = ("a", "b"), **env: str):
        self.home, self.names, self.procs, self.client = home, workers, {}, None
        self.start_seconds = 0.0  # start-up: processes started until every worker registered
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_URL", "SAHELWATCH_"))}
        self.env.update(PYTHONPATH=str(ROOT), PREFECT_HOME=str(home / "prefect"), PREFECT_LOGGING_LEVEL="WARNING",
                        **env)

    def spawn(self, name: str, *args: str) -> None:
        with (self.home / f"{name}.log").open("ab") as log:
            self.procs[name] = subprocess.Popen([str(DASK), *args], env=self.env, cwd=self.home, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def start(self) -> float:
        """Start the scheduler and the workers and connect a client; returns the seconds until all were ready."""
        from distributed import Client

        started = time.monotonic()
        self.spawn("scheduler", "scheduler", "--host", "127.0.0.1", "--port", self.address.rsplit(":", 1)[1],
                   "--no-dashboard")
        for name in self.names:
            self.start_worker(name)
        self.client = Client(self.address, timeout=30)
        self.ready()
        return time.monotonic() - started

    def start_worker(self, name: str) -> None:
        self.spawn(name, "worker", self.address, "--name", name, "--nthreads", "1", "--host", "127.0.0.1",
                   "--no-dashboard", "--local-directory", str(self.home / name))

    def ready(self) -> dict[str, str]:
        """Every worker up (a killed one started again); their addresses by name."""
        for name in self.names:
            if self.procs[name].poll() is not None:
                self.start_worker(name)
        try:
            self.client.wait_for_workers(len(self.names), timeout=60)
        except TimeoutError:
            raise RuntimeError("Dask workers did not come up:\n" + "\n".join(map(self.log, self.names))) from None
        return {w["name"]: addr for addr, w in self.client.scheduler_info()["workers"].items()}

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def log(self, name: str) -> str:
        return (self.home / f"{name}.log").read_text(errors="replace")[-3000:]

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        for name in list(self.procs):
            self.kill(name)

    def __enter__(self) -> Cluster:
        try:
            self.start_seconds = self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()
