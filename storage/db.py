"""Opening the database: one writer, retried with backoff while another process holds the file.

Two locks keep writers apart:
- the writer lock (`writer_lock`), an flock on `<db>.lock` that a run holds from its start to its end, so a
  second run finds the first at once and stops before fetching anything (the kernel drops it when the process
  dies, even by SIGKILL: a stale file never blocks a run);
- DuckDB's own file lock, taken only for the short pieces of work between the network and the CPU stages.
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


@contextmanager
def writer_lock(db_path: Path, what: str = "run") -> Iterator[None]:
    """Hold the database's writer lock for a whole run, or raise RunInProgress at once if another run has it."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            raise RunInProgress(
                f"another run is writing {db_path} ({holder}): this {what} stops before "
                "fetching anything; try again when it ends"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def writer_busy(db_path: Path) -> bool:
    """Is a run holding the writer lock right now? (A probe: the lock is taken and released at once.)"""
    path = lock_path(db_path)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
