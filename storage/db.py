"""Opening the database: one writer, retried with backoff while another process holds the file."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from storage.migrate import migrate
from tasks.errors import StorageError

LOCK_RETRY_SECONDS = (0.5, 1.0, 2.0, 4.0)
# DuckDB's default is 80% of RAM. The near-duplicate scan reads every stored band hash (~256 MB of buffer per
# million articles); with this cap it spills instead, and a run over 1M articles of history peaks under 600 MB.
MEMORY_LIMIT = "384MB"


def _is_lock_error(exc: duckdb.Error) -> bool:
    return "lock" in str(exc).lower()


def open_db(path: Path, *, read_only: bool = False, retry: tuple[float, ...] = LOCK_RETRY_SECONDS):
    """Open (and migrate) the database; retry while another process holds its lock, then fail clearly."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise StorageError(f"no database at {path}: run `sahelwatch run` or `sahelwatch demo` first")
    for delay in (*retry, None):
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.Error as exc:
            if not _is_lock_error(exc) or delay is None:
                if _is_lock_error(exc):
                    raise StorageError(
                        f"database {path} is locked by another process (an open analyst connection?); "
                        "nothing was lost: fetched work is kept in the spool and written on the next run"
                    ) from exc
                raise StorageError(f"cannot open database {path}: {exc}") from exc
            time.sleep(delay)
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    if not read_only:
        migrate(con)
    return con


@contextmanager
def connect(path: Path, *, read_only: bool = False, retry: tuple[float, ...] = LOCK_RETRY_SECONDS) -> Iterator:
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
