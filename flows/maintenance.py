"""The maintenance flow (daily): feed health report, skips retention, analyst snapshot and export files.

    feed health   feed_health_v as a Prefect table artifact "feed-health" (worst first)
    retention     skips older than `keep_skips_days` are deleted
    snapshot      the analysts' copy is republished (storage/publish.py)
    exports       with `exports_dir`: events.parquet, events.geojson and events-acled.csv written there

With `shared` (the several-workers setup, where partitioned ingest runs share the database) it does not take the
database to itself: it runs beside them and opens the file only inside the writer slot (flows/writer.py).
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows.writer import ensure_writer_limit, shared_slot
from storage.db import connect, writer_lock
from storage.export import export_events, feed_health
from storage.publish import delete_skips_before, publish_snapshot
from tasks.settings import resolve_settings

EXPORTS = {"parquet": "events.parquet", "geojson": "events.geojson", "acled": "events-acled.csv"}


def health_table(columns: list[str], rows: list[tuple]) -> list[dict]:
    """Rows as JSON-friendly dicts for a table artifact."""
    return [{c: (v.isoformat() if isinstance(v, datetime) else v) for c, v in zip(columns, row, strict=True)}
            for row in rows]


def write_exports(snapshot: Path, exports_dir: Path) -> dict[str, int]:
    """The standard export files, read from the freshly published snapshot."""
    return {name: export_events(snapshot, fmt, exports_dir / name) for fmt, name in EXPORTS.items()}


@flow(name="maintenance")
def maintenance(db: str | None = None, keep_skips_days: int = 90, exports_dir: str | None = None,
                shared: bool = False) -> dict:
    """Report feed health, drop old skips, republish the analyst snapshot and (optionally) the export files."""
    settings = resolve_settings(db=db)
    log = get_run_logger()
    cutoff = datetime.now(UTC) - timedelta(days=keep_skips_days)
    if shared:
        ensure_writer_limit()
    slot = (lambda: shared_slot(settings.db_path)) if shared else nullcontext
    with writer_lock(settings.db_path, "maintenance", share="maintenance" if shared else None):
        with slot(), connect(settings.db_path) as con:
            columns, rows = feed_health(con)
            deleted = delete_skips_before(con, cutoff)
        health = health_table(columns, rows)
        create_table_artifact(key="feed-health", table=health, description="Feed health, worst first")
        with slot():
            published = publish_snapshot(settings.db_path)
    exports = write_exports(Path(published["path"]), Path(exports_dir)) if exports_dir else {}
    unhealthy = [h["feed"] for h in health if h["health"] != "ok"]
    log.info("maintenance: %s feeds (%s not ok), %s old skips deleted, snapshot in %ss",
             len(health), len(unhealthy), deleted, published["seconds"])
    return {"feeds": len(health), "unhealthy_feeds": unhealthy, "skips_deleted": deleted,
            "publish": published, "exports": exports}
