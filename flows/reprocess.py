"""The reprocess flow: run the current extractor over stored articles it has not seen yet, and store the events.

After an extractor change (a new `EXTRACTOR_VERSION`) every stored article is "not seen yet", so this re-runs
extraction over the whole archive, in batches, each batch stored in one short transaction. Manual deployment:
`prefect deployment run reprocess/reprocess` (or the Prefect UI). It writes, so it shares the writers'
concurrency limit (see deploy/prefect.yaml).

A round of batches is extracted side by side (on the local pool's workers, or on a Dask cluster's with a Dask
address: flows/compute.py, deploy/SCALING.md) and stored one batch after the other in the order they were read,
so the events are the same however many workers did the extraction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.utilities.annotations import quote

from flows.compute import Cpu, cpu_for
from flows.ingest import save_extractions
from flows.pipeline import chunked, extract_lost, extract_task
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
              publish: bool = True, dask_address: str | None = None) -> dict:
    """Extract every stored article not yet run through the current extractor; returns counts. With
    `dask_address` (tcp://host:port, or local:N) the batches are extracted on that Dask cluster."""
    settings = resolve_settings(db=db, dask_address=dask_address)
    log, started = get_run_logger(), datetime.now(UTC)
    run_id = f"reprocess-{started:%Y%m%dT%H%M%S}"
    with writer_lock(settings.db_path, "reprocess"), cpu_for(settings) as cpu:
        seen: set[str] = set()
        new = updated = batches = 0
        skips: Counter = Counter()
        while max_articles is None or len(seen) < max_articles:
            size = batch_size * 2 * cpu.slots()  # a round: every worker busy, and a batch waiting for each
            size = size if max_articles is None else min(size, max_articles - len(seen))
            with connect(settings.db_path) as con:
                rows = fresh_rows(articles_to_extract(con, EXTRACTOR_VERSION, size), seen)
            if not rows:
                break
            for batch, items in extract_round(cpu, chunked(rows, batch_size), settings.extract_budget):
                stats, batch_skips = save_extractions(settings, run_id, items, datetime.now(UTC))
                seen.update(r["url_key"] for r in batch)
                new, updated, batches = new + len(stats.new), updated + len(stats.updated), batches + 1
                skips.update(skip.reason for skip in batch_skips)
    summary = {"extractor_version": EXTRACTOR_VERSION, "articles": len(seen), "batches": batches,
               "events_new": new, "events_updated": updated, "skips": dict(skips.most_common()),
               "seconds": round((datetime.now(UTC) - started).total_seconds(), 2)}
    if publish and seen:
        summary["publish"] = publish_snapshot(settings.db_path)
    create_markdown_artifact(key="reprocess-summary", markdown=reprocess_markdown(summary),
                             description="Reprocess run summary")
    log.info("reprocess: %s articles, %s new events, %s revised", len(seen), new, updated)
    return summary


def extract_round(cpu: Cpu, batches: list[list[dict]], budget: float) -> Iterator[tuple[list[dict], list]]:
    """Each batch with its extractions, in order: all submitted at once (they run side by side on the pool's or
    the cluster's workers), each yielded as soon as it and the ones before it are done, to be stored in order."""
    futures = [cpu.submit(extract_task, rows=quote(batch), in_pool=True, budget=budget) for batch in batches]
    for batch, future in zip(batches, futures, strict=True):
        yield batch, cpu.result(future, partial(extract_lost, batch))
