"""Shared fixtures: one Prefect test server per session, real DuckDB files, real local HTTP servers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from workers_cluster import free_port  # noqa: F401 - the tests' one free-port helper, shared with the cluster helpers

_PREFECT_HOME = tempfile.mkdtemp(prefix="sahelwatch-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def prefect_server():
    """One ephemeral Prefect API for the whole session (starting one costs ~15 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def demo_runs(prefect_server, tmp_path_factory):
    """Two runs of the ingest flow over the demo's unchanged fixture web, with what the server saw during each
    (shared by the flow's and the situation page's tests; both only read the database it leaves)."""
    from flows.demo import DEMO
    from flows.ingest import ingest
    from flows.replay import ReplayServer

    db = tmp_path_factory.mktemp("flow") / "demo.duckdb"
    runs = []
    with ReplayServer(DEMO / "site") as server:
        for _ in range(2):
            server.reset_counts()
            summary = ingest(feeds=str(DEMO / "feeds.yaml"), db=str(db), base_url=server.url,
                             allow_hosts=["127.0.0.1"], report_since="all")
            runs.append((summary, dict(server.hits), server.url))
    return db, runs


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sahelwatch.duckdb"


@pytest.fixture
def settings(db_path: Path):
    from tasks.settings import resolve_settings

    return resolve_settings(db=db_path, env={}, allow_hosts=("127.0.0.1", "localhost"), retries=1,
                            retry_backoff=0.01, read_timeout=1.0, connect_timeout=1.0, total_timeout=3.0)

