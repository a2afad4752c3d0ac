"""The reprocess flow: run the current extractor over stored articles it has not seen yet, and store the events.

After an extractor change (a new `EXTRACTOR_VERSION`) every stored article is "not seen yet", so this re-runs
extraction over the whole archive, in batches, each batch stored in one short transaction. Manual deployment:
`prefect deployment run reprocess/reprocess` (or the Prefect UI). It writes, so it shares the writers'
concurrency limit (see deploy/prefect.yaml).
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows.ingest import save_extractions
from flows.pipeline import extract_task
from storage.db import connect, writer_lock
from storage.ingest import articles_to_extract
from storage.publish import publish_snapshot
from tasks.extract import EXTRACTOR_VERSION
from tasks.settings import resolve_settings


def fresh_rows(rows: list[dict], seen: set[str]) -> list[dict]:
    """Rows not handled earlier in this run (guards against a batch the store did not record)."""
    return [r for r in rows if r["url_key"] not in seen]


def reprocess_markdown(summary: dict) -> str:
    return "\n".join([f"# sahelwatch reprocess with extractor `{summary['extractor_version']}`", "",
                      "| count | value |", "|---|---|",
                      *[f"| {k.replace('_', ' ')} | {summary[k]} |" for k in ("articles", "batches", "events_new",
                                                                              "events_updated", "seconds")]])


@flow(name="reprocess")
def reprocess(db: str | None = None, batch_size: int = 200, max_articles: int | None = None,
              publish: bool = True) -> dict:
    """Extract every stored article not yet run through the current extractor; returns counts."""
    settings = resolve_settings(db=db)
    log, started = get_run_logger(), datetime.now(UTC)
    with writer_lock(settings.db_path, "reprocess"):
        seen: set[str] = set()
        new = updated = batches = 0
        while max_articles is None or len(seen) < max_articles:
            size = batch_size if max_articles is None else min(batch_size, max_articles - len(seen))
            with connect(settings.db_path) as con:
                rows = fresh_rows(articles_to_extract(con, EXTRACTOR_VERSION, size), seen)
            if not rows:
                break
            items = extract_task(rows, True, settings.extract_budget)
            stats, _ = save_extractions(settings, f"reprocess-{started:%Y%m%dT%H%M%S}", items, datetime.now(UTC))
            seen.update(r["url_key"] for r in rows)
            new, updated, batches = new + len(stats.new), updated + len(stats.updated), batches + 1
    summary = {"extractor_version": EXTRACTOR_VERSION, "articles": len(seen), "batches": batches,
               "events_new": new, "events_updated": updated,
               "seconds": round((datetime.now(UTC) - started).total_seconds(), 2)}
    if publish and seen:
        summary["publish"] = publish_snapshot(settings.db_path)
    create_markdown_artifact(key="reprocess-summary", markdown=reprocess_markdown(summary),
                             description="Reprocess run summary")
    log.info("reprocess: %s articles, %s new events, %s revised", len(seen), new, updated)
    return summary
