"""Who may open the DuckDB file, and when: one run for the whole run (the default), or partitioned runs taking
turns for short pieces of work.

DuckDB allows one read-write process at a time. By default a run holds the database's writer lock from start to
end (storage/db.py) and opens the file whenever it needs to. With a partition (`partition="i/N"`, several ingest
runs at once over disjoint shares of the feeds), every open of the file, reads included, happens inside the
writer slot, held only for that piece of work (a dedupe and write, a claim of articles to extract, a store of
events, the run's start and end, the alerts, the analysts' copy and the page), never across fetching:

    Prefect global concurrency limit `sahelwatch-db-writer` (limit 1: serialises runs on every worker, visible
    in the UI, lease of LEASE_SECONDS so a killed holder frees it)  →  flock on `<db>.slot` (storage.db.slot_lock:
    nothing outside Prefect on this machine can interleave)  →  duckdb.connect

Fetching, cleaning, language detection and extraction run in parallel on all workers; storing is serialised.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from prefect import get_run_logger

from storage.db import SLOT_WAIT_SECONDS, connect, lock_busy, partition_lock_path, slot_lock
from storage.ingest import abandon_runs, running_runs
from tasks.partition import Partition, parse_partition
from tasks.settings import Settings

WRITER_LIMIT = "sahelwatch-db-writer"
LEASE_SECONDS = 60  # Prefect's minimum: a holder killed mid-write blocks the others this long at most


def partition_of(settings: Settings) -> Partition | None:
    return parse_partition(settings.partition) if settings.partition else None


def partitioned(settings: Settings) -> Settings:
    """The settings of a partitioned run: the partition checked, and a spool of its own (`data/spool/1-of-2/`),
    so a run never writes a spool another partition's run is still writing."""
    part = partition_of(settings)
    if part is None:
        return settings
    return replace(settings, partition=part.label, spool_dir=settings.spool_dir / part.slug)


def ensure_writer_limit() -> None:
    """Create the global concurrency limit (limit 1) on this Prefect server if nobody has: the runbook creates
    it with `prefect gcl create`, a one-off `sahelwatch run --partition` on a local server may not have it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
        except ObjectNotFound:
            try:
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=WRITER_LIMIT, limit=1))
                get_run_logger().warning("created the global concurrency limit %s (limit 1)", WRITER_LIMIT)
            except ObjectAlreadyExists:  # another partition's run created it meanwhile
                pass


@contextmanager
def writer_slot(settings: Settings, wait: float | None = None) -> Iterator[None]:
    """Hold the writer slot (partitioned runs), waiting for it at most `wait` seconds (default: the slot lock's
    own limit); without a partition the run's writer lock already excludes every other writer, and this does
    nothing."""
    if settings.partition is None:
        yield
        return
    with shared_slot(settings.db_path, wait):
        yield


@contextmanager
def shared_slot(db_path: Path, wait: float | None = None) -> Iterator[None]:
    """The global concurrency limit, then the slot's flock: what every open of a shared database goes through."""
    from prefect.concurrency.sync import concurrency

    wait = SLOT_WAIT_SECONDS if wait is None else wait
    with concurrency(WRITER_LIMIT, occupy=1, timeout_seconds=wait, lease_duration=LEASE_SECONDS, strict=True), \
            slot_lock(db_path, wait):
        yield


@contextmanager
def session(settings: Settings, **options) -> Iterator:
    """A connection for one short piece of work, inside the writer slot when the run is partitioned."""
    with writer_slot(settings), connect(settings.db_path, **options) as con:
        yield con


def dead_runs(settings: Settings, running: list[tuple[str, str | None]], own: str | None = None) -> list[str]:
    """Which of the `running` runs (run_id, partition) are dead, seen by a partitioned run holding its locks: the
    whole-database runs (they would hold the lock it shares), the earlier runs of its own partition, and those of
    a partition whose lock nobody holds."""

    def dead(run_id: str, label: str | None) -> bool:
        if label is None or label == settings.partition:
            return run_id != own
        return not lock_busy(partition_lock_path(settings.db_path, parse_partition(label).slug))

    return [run_id for run_id, label in running if dead(run_id, label)]


def abandon_dead_runs(con, settings: Settings, now: datetime, own: str | None = None) -> int:
    """Mark the runs recorded `running` that are dead as failed (in a session: nobody starts a run meanwhile).
    A whole-database run holds the writer lock alone: every one of them is dead."""
    if settings.partition is None:
        return abandon_runs(con, now)
    ids = dead_runs(settings, running_runs(con), own)
    return abandon_runs(con, now, ids) if ids else 0
