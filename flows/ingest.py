"""The ingest flow: feeds → entries → pages → articles (clean text, language) → dedupe → DuckDB → events → alerts.

Each stage is a function in `tasks/` with a thin Prefect task; this module only wires them. One task run per
feed and per batch of pages, not per article (a task run costs ~10 ms and ~20 KB of server state).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from flows.report import summary_markdown
from storage.db import connect
from storage.ingest import (
    article_row,
    feed_row,
    feed_states,
    finish_run,
    known_hashes,
    known_url_keys,
    save_batch,
    skip_row,
    start_run,
)
from storage.spool import pending_spools, write_spool
from tasks.clean import clean_task
from tasks.dedupe import content_hash, mark_exact_duplicates
from tasks.feeds import load_feeds, poll_feed_task
from tasks.http import Robots, build_client
from tasks.language import detect_language_task
from tasks.models import Article, Entry, FeedResult, Page, Skip
from tasks.pages import fetch_pages_task
from tasks.settings import Settings, resolve_settings


def _run_id() -> str:
    return str(flow_run.get_id() or uuid.uuid4())


def new_entries(results: list[FeedResult], known: set[str]) -> list[Entry]:
    """Entries of all feeds, first occurrence of each article key, minus the ones already stored."""
    seen: set[str] = set(known)
    out = []
    for result in results:
        for entry in result.entries:
            if entry.url_key not in seen:
                seen.add(entry.url_key)
                out.append(entry)
    return out


def chunked(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def flush_spools(settings: Settings) -> int:
    """Write what earlier runs fetched but could not store; return how many spools were written."""
    written = 0
    for path, payload in pending_spools(settings.spool_dir):
        with connect(settings.db_path) as con:
            save_batch(con, payload["feeds"], payload["articles"], payload["skips"])
        path.unlink()
        written += 1
    return written


def process_entries(client, robots, entries: list[Entry], settings: Settings) -> tuple[list[Article], list[Skip]]:
    """Fetch, clean and detect the language of new entries, a batch per task run, batches in parallel."""
    batches = chunked(entries, settings.batch_size)
    fetched = [fetch_pages_task.submit(client, robots, batch, settings) for batch in batches]
    articles: list[Article] = []
    skips: list[Skip] = []
    for batch, future in zip(batches, fetched, strict=True):
        pages: list[Page | Skip] = future.result()
        cleaned, bad = clean_task(batch, pages)
        articles += detect_language_task(cleaned)
        skips += bad
    return articles, skips


def run_counts(results: list[FeedResult], entries: list[Entry], articles: list[Article], skips: list[Skip]) -> dict:
    return {
        "feeds_polled": len(results),
        "feeds_not_modified": sum(r.not_modified for r in results),
        "feeds_failed": sum(r.error is not None for r in results),
        "feeds_bozo": sum(r.bozo is not None for r in results),
        "entries_seen": sum(len(r.entries) for r in results),
        "pages_fetched": len(entries) - sum(s.reason == "robots" for s in skips),
        "new_articles": len(articles),
        "duplicates": sum(a.duplicate_of is not None for a in articles),
        "skips": len(skips),
    }


def run_summary(counts: dict, results: list[FeedResult], articles: list[Article], skips: list[Skip]) -> dict:
    return {
        **counts,
        "skips_by_reason": dict(Counter(s.reason for s in skips).most_common()),
        "languages": dict(Counter(a.language for a in articles).most_common()),
        "feeds": [{"name": r.feed.name, "status": r.status, "entries": len(r.entries), "bozo": r.bozo,
                   "error": r.error} for r in results],
    }


@flow(name="ingest")
def ingest(
    feeds: str | None = None,
    db: str | None = None,
    base_url: str | None = None,
    allow_hosts: list[str] | None = None,
) -> dict:
    """Poll the feeds once and store what is new. Returns the run summary."""
    settings = resolve_settings(db=db, feeds=feeds, base_url=base_url,
                                allow_hosts=tuple(allow_hosts) if allow_hosts else None)
    log = get_run_logger()
    run_id, started = _run_id(), datetime.now(UTC)
    specs = load_feeds(settings.feeds_path, settings.base_url)
    flushed = flush_spools(settings)
    with connect(settings.db_path) as con:
        start_run(con, run_id, "ingest", started)
        states = feed_states(con)
    with build_client(settings) as client:
        robots = Robots(client, settings)
        results = [f.result() for f in [poll_feed_task.submit(client, s, states.get(s.url), settings) for s in specs]]
        candidates = new_entries(results, set())
        with connect(settings.db_path) as con:
            entries = new_entries(results, known_url_keys(con, [e.url_key for e in candidates]))
        articles, skips = process_entries(client, robots, entries, settings)
    with connect(settings.db_path) as con:
        articles = mark_exact_duplicates(articles, known_hashes(con, [content_hash(a.text) for a in articles]))
    now = datetime.now(UTC)
    keys = {e.url: e.url_key for e in entries}
    payload = {"feeds": [feed_row(r, now) for r in results],
               "articles": [article_row(a, run_id, now) for a in articles],
               "skips": [skip_row(s, keys.get(s.url), run_id, now) for s in skips]}
    spool = write_spool(settings.spool_dir, run_id, payload)
    with connect(settings.db_path) as con:
        save_batch(con, payload["feeds"], payload["articles"], payload["skips"])
    spool.unlink()
    counts = run_counts(results, entries, articles, skips)
    summary = {**run_summary(counts, results, articles, skips), "run_id": run_id, "db": str(settings.db_path),
               "spools_flushed": flushed, "started_at": started.isoformat(),
               "seconds": round((datetime.now(UTC) - started).total_seconds(), 2)}
    with connect(settings.db_path) as con:
        finish_run(con, run_id, datetime.now(UTC), "completed", counts, summary)
    create_markdown_artifact(key="ingest-summary", markdown=summary_markdown(summary), description="Ingest run summary")
    log.info("ingest %s: %s new articles, %s skips", run_id, counts["new_articles"], counts["skips"])
    return summary
