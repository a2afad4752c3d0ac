"""The ingest flow: feeds → entries → pages → articles (clean text, language) → dedupe → DuckDB → events → alerts.

Each stage is a function in `tasks/` with a thin Prefect task; this module only wires them. One task run per
feed and per batch of pages, not per article (a task run costs ~10 ms and ~20 KB of server state). Large task
inputs go in `quote(...)`: Prefect otherwise walks every element looking for futures (0.2 s for 500 articles
and their signatures, with this process's GIL shared by the fetching threads).
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from flows.alerts import check_feed_health, send_pending_alerts
from flows.compute import cpu_for, current
from flows.pipeline import chunked, collect_entries, extract_lost, extract_task, submit_entries
from flows.report import summary_markdown
from flows.situation.publish import publish_page
from flows.store import flush_spools, store_payload
from flows.writer import abandon_dead_runs, ensure_writer_limit, partition_of, partitioned, session, writer_slot
from storage.db import writer_lock
from storage.events import EventStats, store_extractions
from storage.ingest import (
    article_row,
    articles_to_extract,
    claim_articles,
    feed_row,
    feed_states,
    finish_run,
    known_url_keys,
    mark_run_failed,
    save_batch,
    skip_row,
    start_run,
)
from storage.publish import analyst_path, publish_snapshot
from storage.status import events_brief
from tasks.alerts import Rules, load_rules
from tasks.errors import SahelwatchError
from tasks.extract import EXTRACTOR_VERSION
from tasks.feeds import load_feeds, poll_feeds_task
from tasks.http import Robots, build_client
from tasks.models import Article, Entry, FeedResult, FeedSpec, Skip
from tasks.notify import notify_flow_failure
from tasks.pages import Budget
from tasks.partition import in_partition
from tasks.progress import report
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


def store_events(settings: Settings, run_id: str, now: datetime) -> tuple[EventStats, list[Skip]]:
    """Extract the stored articles not yet run through this extractor version and cluster them into events, a
    bounded chunk at a time (memory stays flat however large the backlog). Articles stored by an earlier run whose
    events were not written (a crash, a lock) are picked up here. Returns the events and the extraction skips."""
    total, previous, skips = EventStats(), set[str](), []
    while True:
        rows = next_articles(settings, run_id)
        keys = {row["url_key"] for row in rows}
        if not keys or keys <= previous:  # nothing left, or nothing recorded last time: never loop forever
            return total, skips
        batches, cpu = chunked(rows, settings.batch_size), current()
        futures = [cpu.submit(extract_task, rows=quote(batch), in_pool=len(batches) > 1, budget=settings.extract_budget)
                   for batch in batches]
        extracted = [item for batch, future in zip(batches, futures, strict=True)
                     for item in cpu.result(future, partial(extract_lost, batch))]
        stats, chunk_skips = save_extractions(settings, run_id, extracted, now)
        total.new += stats.new
        total.updated += [eid for eid in stats.updated if eid not in total.updated and eid not in total.new]
        total.linked += stats.linked
        skips += chunk_skips
        previous = keys


def next_articles(settings: Settings, run_id: str) -> list[dict]:
    """The next chunk of articles to extract. A partitioned run claims its chunk, so runs sharing the database
    extract each article once; a dead run's claims are freed first. (Were two runs to extract one article anyway,
    `store_extractions` skips an article already extracted when it stores: no event or evidence is doubled.)"""
    with session(settings) as con:
        if settings.partition is None:
            return articles_to_extract(con, EXTRACTOR_VERSION, limit=settings.extract_chunk)
        now = datetime.now(UTC)
        abandon_dead_runs(con, settings, now, own=run_id)
        return claim_articles(con, run_id, EXTRACTOR_VERSION, now, limit=settings.extract_chunk)


def save_extractions(settings: Settings, run_id: str, extracted: list, now: datetime) -> tuple[EventStats, list[Skip]]:
    """Store the extractions and their skips; an article whose worker died is only skipped (tried again later)."""
    skipped = [x for x in extracted if x.skip is not None]
    kept = [x for x in extracted if x.skip is None or x.skip.reason != "worker_died"]
    with session(settings) as con:
        stats = store_extractions(con, kept, now)
        if skipped:
            save_batch(con, [], [], [skip_row(x.skip, x.url_key, run_id, now) for x in skipped])
    return stats, [x.skip for x in skipped]


def publish_artifacts(summary: dict) -> None:
    """The run summary (markdown) and its new events (table) in the Prefect UI."""
    create_markdown_artifact(key="ingest-summary", markdown=summary_markdown(summary), description="Ingest run summary")
    if summary["new_events"]:
        create_table_artifact(key="ingest-new-events", table=summary["new_events"], description="New events")


def run_counts(results: list[FeedResult], tally: Tally) -> dict:
    return {
        "feeds_polled": len(results),
        "feeds_not_modified": sum(r.not_modified for r in results),
        "feeds_failed": sum(r.error is not None for r in results),
        "feeds_bozo": sum(r.bozo is not None for r in results),
        "entries_seen": sum(len(r.entries) for r in results),
        "pages_fetched": tally.pages_fetched,
        "new_articles": tally.new_articles,
        "duplicates": tally.duplicates,
        "skips": sum(tally.skips.values()),
    }


def run_summary(counts: dict, results: list[FeedResult], tally: Tally) -> dict:
    return {
        **counts,
        "skips_by_reason": dict(tally.skips.most_common()),
        "languages": dict(tally.languages.most_common()),
        "feeds": [{"name": r.feed.name, "status": r.status, "entries": len(r.entries), "bozo": r.bozo,
                   "error": r.error} for r in results],
    }


def send_alerts(settings: Settings, rules: Rules | None, now: datetime) -> dict:
    """Alerts for new and revised events, and ops notices for dead feeds; never fails the run."""
    if rules is None:
        return {}
    try:
        with writer_slot(settings):  # two partitioned runs must not both send what is due: read, send, record
            stats = send_pending_alerts(settings.db_path, rules, now)
            check_feed_health(settings.db_path, rules, settings.failing_feed_runs, now)
    except SahelwatchError as exc:
        get_run_logger().warning("alerts skipped this run (sent next run): %s", exc)
        return {"alerts_error": str(exc)}
    return {"alerts_sent": stats.sent, "alerts_failed": stats.failed}


@dataclass
class Tally:
    """What a run did, counted as it goes: the articles themselves are not kept, so memory stays flat."""

    pages_fetched: int = 0
    new_articles: int = 0
    duplicates: int = 0
    skips: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)

    def add(self, entries: list[Entry], articles: list[dict], skips: list[Skip]) -> None:
        """Count a stored chunk: its entries, its article rows (as written, dedupe verdict included), its skips."""
        self.pages_fetched += len(entries) - sum(s.reason in NOT_FETCHED for s in skips if s.stage == "page")
        self.new_articles += len(articles)
        self.duplicates += sum(a["duplicate_of"] is not None for a in articles)
        self.skips.update(s.reason for s in skips)
        self.languages.update(a["language"] for a in articles)


NOT_FETCHED = ("robots", "robots_unavailable", "blocked_address", "bad_url", "host_budget", "run_budget")


def poll(client, settings: Settings, specs: list[FeedSpec], states: dict) -> tuple[list[FeedResult], list[Entry]]:
    """Poll every feed (a task per group of feeds) and keep the entries not stored yet."""
    report("poll", total=len(specs), note=f"polling {len(specs)} feeds")
    futures = [poll_feeds_task.submit(client, group, states, settings)
               for group in chunked(specs, settings.feeds_per_task)]
    results = [result for future in futures for result in future.result()]
    with session(settings) as con:
        known = known_url_keys(con, [e.url_key for e in new_entries(results, set())], settings.final_after_runs)
    return results, new_entries(results, known)


def store_entries(client, robots, settings: Settings, run_id: str, entries: list[Entry], tally: Tally) -> None:
    """Fetch, clean, detect, dedupe and store the new entries a bounded chunk at a time: each chunk is durable
    once written, and a large run holds at most two chunks in memory. The next chunk is fetched as soon as this
    one's pages are in, so the workers go from one chunk's cleaning to the next without waiting on the network or
    the database; dedupe still sees every earlier chunk, since a chunk is stored before the next is deduped."""
    chunks, budget = chunked(entries, settings.store_chunk), Budget(settings)
    report("pages", total=len(entries), note=f"fetching the pages of {len(entries)} new entries")
    pending = submit_entries(client, robots, chunks[0], settings, budget) if chunks else None
    for n, chunk in enumerate(chunks):
        assert pending is not None
        pending.wait_fetched()
        following = submit_entries(client, robots, chunks[n + 1], settings, budget) if n + 1 < len(chunks) else None
        articles, skips, signatures = collect_entries(pending)
        report("store", note=f"storing {len(articles)} articles")
        payload = run_payload(run_id, datetime.now(UTC), [], chunk, articles, skips, signatures)
        written = store_payload(settings, f"{run_id}-{n}", payload)
        tally.add(chunk, written["articles"], skips)
        pending = following


def run_payload(run_id: str, now: datetime, results: list[FeedResult], entries: list[Entry],
                articles: list[Article], skips: list[Skip], signatures: list) -> dict:
    """The rows a run writes, as plain data (what the spool holds); its articles are not deduped yet."""
    keys = {e.url: e.url_key for e in entries}
    return {"feeds": [feed_row(r, now) for r in results],
            "articles": [article_row(a, run_id, now) for a in articles],
            "skips": [skip_row(s, keys.get(s.url), run_id, now) for s in skips],
            "fingerprints": signatures, "deduped": not articles}


def publish_if_changed(settings: Settings, tally: Tally, events: EventStats) -> dict:
    """Republish the analysts' copy when the run changed something (or the copy is missing or old)."""
    copy = analyst_path(settings.db_path)
    changed = tally.new_articles or tally.skips or events.new or events.updated
    age = time.time() - copy.stat().st_mtime if copy.exists() else None
    if not changed and age is not None and age < settings.publish_max_age:
        return {"path": str(copy), "skipped": "nothing new since the last copy"}
    return publish_snapshot(settings.db_path)


class NoFeedReachable(SahelwatchError):
    """Every feed of the run failed: nothing could be polled. The run's rows are stored; its summary rides along."""

    def __init__(self, message: str, summary: dict):
        super().__init__(message)
        self.summary = summary


def no_feed_reachable(summary: dict) -> NoFeedReachable | None:
    """The error to end the run with when feeds were polled and none answered."""
    failed = [f for f in summary["feeds"] if f["error"]]
    if not summary["feeds"] or len(failed) < len(summary["feeds"]):
        return None
    first = "; ".join(f"{f['name']}: {f['error']}" for f in failed[:2])
    more = f" (and {len(failed) - 2} more)" if len(failed) > 2 else ""
    return NoFeedReachable(f"no feed reachable: {first}{more}", summary)


def abandon_runs_before(settings: Settings, run_id: str, started: datetime) -> None:
    """Mark failed the runs that died (we hold the lock(s)). In a function of its own: a connection left in the
    flow's frame would outlive the interpreter with the run's error ("nanobind: leaked")."""
    with session(settings) as con:
        abandon_dead_runs(con, settings, started, own=run_id)


def record_failure(settings: Settings, run_id: str, started: datetime, exc: BaseException) -> None:
    """Mark the run failed if the database can be had at once; else the next run does it. Never raises."""
    try:
        with writer_slot(settings, wait=10):
            mark_run_failed(settings.db_path, run_id, started, exc)
    except Exception:  # noqa: BLE001 - best effort, like mark_run_failed itself
        pass


def publish(settings: Settings, summary: dict, tally: Tally, events: EventStats) -> None:
    """The analysts' copy and the situation page (one after the other in the writer slot when partitioned, so
    the page is made from the copy this run published)."""
    report("publish", note="publishing the analysts' copy")
    with writer_slot(settings):
        summary["publish"] = publish_if_changed(settings, tally, events)
        summary["page"] = publish_page(settings, summary["publish"], datetime.now(UTC))


def bare(exc: SahelwatchError) -> SahelwatchError:
    """An expected error without its traceback and context: they hold the frames of the run, and with them
    DuckDB objects that would outlive the interpreter ("nanobind: leaked") while Prefect keeps the error in the
    run's state. The message says all there is to say."""
    exc.__traceback__ = exc.__context__ = exc.__cause__ = None
    return exc


def run_ingest(settings: Settings, rules: Rules | None, run_id: str, started: datetime) -> dict:
    """The body of a run, under the writer lock."""
    report("prepare", note="writing earlier spools and reading feed states")
    part = partition_of(settings)
    specs = [spec for spec in load_feeds(settings.feeds_path, settings.base_url) if in_partition(spec.name, part)]
    flushed = flush_spools(settings)
    with session(settings) as con:
        start_run(con, run_id, "ingest", started, settings.partition)
        states = feed_states(con)
    tally = Tally()
    with build_client(settings) as client:
        results, entries = poll(client, settings, specs, states)
        store_entries(client, Robots(client, settings), settings, run_id, entries, tally)
    now = datetime.now(UTC)
    feed_skips = [skip for r in results for skip in r.skips]
    tally.add([], [], feed_skips)
    # feed validators last: until every entry is stored, a rerun must not get a 304 for these feeds
    store_payload(settings, run_id, run_payload(run_id, now, results, [], [], feed_skips, []))
    report("extract", note="extracting events")
    events, extract_skips = store_events(settings, run_id, now)
    tally.add([], [], extract_skips)
    counts = {**run_counts(results, tally), "events_new": len(events.new), "events_updated": len(events.updated)}
    report("alerts", note="sending alerts")
    summary = {**run_summary(counts, results, tally), "run_id": run_id, "db": str(settings.db_path),
               "spools_flushed": flushed, "started_at": started.isoformat(), **send_alerts(settings, rules, now)}
    if settings.partition:
        summary["partition"] = settings.partition
    failure = no_feed_reachable(summary)
    with session(settings) as con:
        summary.update(new_events=events_brief(con, events.new),
                       seconds=round((datetime.now(UTC) - started).total_seconds(), 2))
        finish_run(con, run_id, datetime.now(UTC), "failed" if failure else "completed", counts, summary)
    publish(settings, summary, tally, events)
    publish_artifacts(summary)
    if failure:
        raise failure
    return summary


@flow(name="ingest", on_failure=[notify_flow_failure], on_crashed=[notify_flow_failure])
def ingest(
    feeds: str | None = None,
    db: str | None = None,
    base_url: str | None = None,
    allow_hosts: list[str] | None = None,
    alerts: str | None = None,
    report_since: str | None = None,
    partition: str | None = None,
    dask_address: str | None = None,
) -> dict:
    """Poll the feeds once, store what is new, extract and cluster events, send alerts, rewrite the situation page
    (flows/situation/publish.py). Returns the run summary. With `dask_address` (tcp://host:port or local:N) the
    CPU stages run on that Dask cluster (flows/compute.py).

    The run holds the database's writer lock from start to end: a second run stops at once. A run that fails
    is marked `failed` in `runs` (or, when the database itself is what failed, by the next run).
    With `partition` "i/N" it polls only partition i of N of the feeds (tasks/partition.py) and shares the
    database with the other partitions' runs, taking turns in the writer slot (flows/writer.py)."""
    settings = partitioned(resolve_settings(db=db, feeds=feeds, alerts=alerts, base_url=base_url,
                                            allow_hosts=tuple(allow_hosts) if allow_hosts else None,
                                            report_since=report_since, partition=partition,
                                            dask_address=dask_address))
    rules = load_rules(settings.alerts_path) if settings.alerts_path else None
    run_id, started = _run_id(), datetime.now(UTC)
    part = partition_of(settings)
    with writer_lock(settings.db_path, share=part.slug if part else None):
        if part:
            ensure_writer_limit()
        abandon_runs_before(settings, run_id, started)
        try:
            with cpu_for(settings):
                summary = run_ingest(settings, rules, run_id, started)
        except NoFeedReachable as exc:
            raise bare(exc) from None
        except SahelwatchError as exc:
            record_failure(settings, run_id, started, exc)
            raise bare(exc) from None
        except BaseException as exc:
            record_failure(settings, run_id, started, exc)
            raise
    get_run_logger().info("ingest %s: %s new articles, %s skips, %s new events", run_id, summary["new_articles"],
                          summary["skips"], summary["events_new"])
    return summary
