"""Opening the database: one writer, retried with backoff while another process holds the file.

Two locks keep writers apart:
- the writer lock (`writer_lock`), an flock on `<db>.lock` that a run holds from its start to its end, so a
  second run finds the first at once and stops before fetching anything (the kernel drops it when the process
  dies, even by SIGKILL: a stale file never blocks a run);
- DuckDB's own file lock, taken only for the short pieces of work between the network and the CPU stages.

Partitioned runs (several ingest runs at once, each over its share of the feeds) share the database instead:
each holds `<db>.lock` *shared* (so a whole-database run and they exclude each other) and its partition's lock
`<db>.partition-I-of-N.lock` exclusively (one run per partition), and opens the file only inside the slot
(`slot_lock`, an flock on `<db>.slot`, blocking) for one short piece of work at a time (flows/writer.py).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from storage.migrate import migrate
from tasks.errors import StorageError

LOCK_RETRY_SECONDS = (0.5, 1.0, 2.0, 4.0)
READ_RETRY_SECONDS = (0.25, 0.5)  # a reader waits under a second for a writer's short transaction, never longer
# DuckDB's default is 80% of RAM. The near-duplicate scan reads every stored band hash (~256 MB of buffer per
# million articles); with this cap it spills instead, and a run over 1M articles of history peaks under 600 MB.
MEMORY_LIMIT = "384MB"


class DatabaseLocked(StorageError):
    """Another process holds the DuckDB file (an analyst connection on the pipeline's file, another writer)."""


def _is_lock_error(exc: duckdb.Error) -> bool:
    return "lock" in str(exc).lower()


def _locked(path: Path, read_only: bool) -> DatabaseLocked:
    if read_only:
        return DatabaseLocked(
            f"database {path} is being written by a run right now: try again in a moment (or read the analysts' copy)"
        )
    return DatabaseLocked(
        f"database {path} is locked by another process (an open connection on the pipeline's "
        "file?): close it; analysts read the -analyst copy"
    )


def open_db(path: Path, *, read_only: bool = False, retry: tuple[float, ...] | None = None):
    """Open (and migrate) the database; retry while another process holds its lock, then fail clearly.
    A read-only open waits at most READ_RETRY_SECONDS, a writer LOCK_RETRY_SECONDS."""
    if retry is None:
        retry = READ_RETRY_SECONDS if read_only else LOCK_RETRY_SECONDS
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise StorageError(f"no database at {path}: run `sahelwatch run` or `sahelwatch demo` first")
    for delay in (*retry, None):
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise StorageError(f"cannot open database {path}: {str(exc).splitlines()[0]}") from None
            if delay is None:
                raise _locked(path, read_only) from None
            time.sleep(delay)
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    if not read_only:
        migrate(con)
    return con


@contextmanager
def connect(path: Path, *, read_only: bool = False, retry: tuple[float, ...] | None = None) -> Iterator:
    """Open the database for a short piece of work and close it after, so others can get the lock."""
    con = open_db(path, read_only=read_only, retry=retry)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con) -> Iterator:
    """One short transaction: committed on success, rolled back on any error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


class RunInProgress(StorageError):
    """Another sahelwatch run holds the writer lock of this database."""


def lock_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".lock")


def partition_lock_path(db_path: Path, slug: str) -> Path:
    return Path(db_path).with_name(f"{Path(db_path).name}.partition-{slug}.lock")


def slot_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".slot")


def _open_lock(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def _try_flock(fd: int, mode: int, tries: int = 3) -> bool:
    """Take the flock without waiting, tried a few times over 0.2 s: another process's probe (`lock_busy`)
    holds a lock for microseconds, and must not make a run stop."""
    for attempt in range(tries):
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if attempt + 1 < tries:
                time.sleep(0.1)
    return False


@contextmanager
def _held(path: Path, mode: int, db_path: Path, what: str, note: str = "") -> Iterator[None]:
    fd = _open_lock(path)
    try:
        if not _try_flock(fd, mode):
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            raise RunInProgress(
                f"another run is writing {db_path} ({holder}): this {what} stops before "
                "fetching anything; try again when it ends"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC{note}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


@contextmanager
def writer_lock(db_path: Path, what: str = "run", share: str | None = None) -> Iterator[None]:
    """Hold the database's writer lock for a whole run, or raise RunInProgress at once if another run has it.
    With `share` (a partition's slug, 1-of-2, or another name), hold it shared with the other shares' runs, and
    the share's own lock exclusively: one run per share."""
    if share is None:
        with _held(lock_path(db_path), fcntl.LOCK_EX, db_path, what):
            yield
        return
    note = f" ({share})"
    with _held(lock_path(db_path), fcntl.LOCK_SH, db_path, what, note), \
            _held(partition_lock_path(db_path, share), fcntl.LOCK_EX, db_path, what, note):
        yield


def lock_busy(path: Path, mode: int = fcntl.LOCK_SH) -> bool:
    """Does a process hold a lock on `path` right now? (A probe, taken and released at once: shared by default,
    which sees an exclusive holder; LOCK_EX sees shared holders too.)"""
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def writer_busy(db_path: Path) -> bool:
    """Is a run holding the writer lock right now (a whole-database run, or partitioned runs sharing it)?"""
    return lock_busy(lock_path(db_path), fcntl.LOCK_EX)


SLOT_WAIT_SECONDS = 900.0  # a writer waits this long for the slot before failing (its rows stay in the spool)


@contextmanager
def slot_lock(db_path: Path, wait: float = SLOT_WAIT_SECONDS) -> Iterator[None]:
    """The right to open the database for one short piece of work, shared by partitioned runs on this machine:
    waits while another holds it, up to `wait` seconds, then raises DatabaseLocked."""
    fd = _open_lock(slot_path(db_path))
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DatabaseLocked(f"database {db_path}: the writer slot stayed taken for {wait:.0f} s") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)
