"""Publishing the analysts' copy: the pipeline alone writes its own file; analysts read a snapshot of it.

DuckDB allows one read-write process or many read-only ones, never both: an analyst holding the pipeline's file
open would make the next run fail to get its lock. So after each run the whole database (tables, views, comments)
is copied into a temporary file next to the snapshot and moved over it with `os.replace`, which is atomic on
POSIX filesystems:

    data/sahelwatch.duckdb            the pipeline's file (written by the flows only)
    data/sahelwatch-analyst.duckdb    the snapshot analysts open read-only (replaced after each run)

An analyst connection opened before a publish keeps reading the previous snapshot (its file handle still points at
the old inode) until it is closed and reopened; nothing it does can block the pipeline.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from storage.db import LOCK_RETRY_SECONDS, MEMORY_LIMIT
from tasks.errors import StorageError

SNAPSHOT_SUFFIX = "-analyst"
COUNTED = ("articles", "events", "event_articles", "feeds", "runs")


def analyst_path(db_path: Path) -> Path:
    """Where the snapshot of `db_path` is published: data/sahelwatch.duckdb → data/sahelwatch-analyst.duckdb."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}{SNAPSHOT_SUFFIX}{db_path.suffix or '.duckdb'}")


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _attach_source(con, db_path: Path, retry: tuple[float, ...]) -> None:
    """Attach the pipeline's file read-only, waiting while a writer holds its lock."""
    for delay in (*retry, None):
        try:
            con.execute(f"ATTACH {_quote(db_path)} AS src (READ_ONLY)")
            return
        except duckdb.Error as exc:
            if "lock" not in str(exc).lower() or delay is None:
                raise StorageError(f"cannot read {db_path} to publish it: {exc}") from exc
            time.sleep(delay)


def _copy(con, tmp: Path, db_path: Path, published_at: datetime) -> dict[str, int]:
    """Copy everything from `src` into a new file at `tmp`, add snapshot_info, return row counts."""
    con.execute(f"ATTACH {_quote(tmp)} AS snap")
    con.execute("COPY FROM DATABASE src TO snap")
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'snap'").fetchall()}
    counts = {t: con.execute(f"SELECT count(*) FROM snap.{t}").fetchone()[0] for t in COUNTED if t in tables}
    con.execute("CREATE TABLE snap.snapshot_info AS SELECT ?::TIMESTAMPTZ AS published_at, ? AS source, "
                "?::JSON AS row_counts", [published_at, str(db_path), json.dumps(counts)])
    con.execute("COMMENT ON TABLE snap.snapshot_info IS 'When this analyst snapshot was published, from which file'")
    con.execute("CHECKPOINT snap")
    con.execute("DETACH snap")
    return counts


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def publish_snapshot(db_path: Path, out_path: Path | None = None,
                     retry: tuple[float, ...] = LOCK_RETRY_SECONDS) -> dict:
    """Copy `db_path` to a temporary file and atomically replace `out_path` (default: `analyst_path(db_path)`)
    with it. Returns figures: path, seconds, bytes, published_at and row counts of the main tables."""
    db_path = Path(db_path)
    out_path = Path(out_path) if out_path else analyst_path(db_path)
    if not db_path.exists():
        raise StorageError(f"no database at {db_path} to publish")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    tmp_wal = tmp.with_name(tmp.name + ".wal")
    _remove(tmp, tmp_wal)
    started, published_at = time.perf_counter(), datetime.now(UTC)
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")  # the copy, like every connection, stays under the cap
    try:
        _attach_source(con, db_path, retry)
        counts = _copy(con, tmp, db_path, published_at)
    except BaseException:
        con.close()
        _remove(tmp, tmp_wal)
        raise
    con.close()
    _remove(tmp_wal)
    os.replace(tmp, out_path)
    return {"path": str(out_path), "seconds": round(time.perf_counter() - started, 3),
            "bytes": out_path.stat().st_size, "published_at": published_at.isoformat(), "rows": counts}


def delete_skips_before(con, cutoff: datetime) -> int:
    """Retention of the skips table (appended per run): drop rows older than `cutoff`; return how many.

    A final skip (robots, 404, ...) also stops an entry being fetched again; after the retention period its entry
    has long left its feed, so dropping the row costs nothing."""
    count = con.execute("SELECT count(*) FROM skips WHERE created_at < ?", [cutoff]).fetchone()[0]
    con.execute("DELETE FROM skips WHERE created_at < ?", [cutoff])
    return count
