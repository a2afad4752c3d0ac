"""The per-article work of a run: fetch pages, clean them, detect their language, fingerprint them — a batch
per task run.

Fetching is I/O and runs in threads (`fetch_pages`, bounded per host); cleaning, language detection and the
dedupe fingerprints (content hash, MinHash signature) are CPU and run, a batch at a time, in a process pool
(`tasks.parallel`) as soon as the batch's pages are in, so both cores work while later batches are still
downloading. A run of one batch stays in this process. With a Dask address the clean and extraction tasks run on
the cluster instead (flows/compute.py), each clean task sent as soon as its batch's pages are in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.utilities.annotations import quote

from flows import compute
from tasks import parallel
from tasks.batch import Cleaned, clean_batch
from tasks.checkpoint import checkpoint
from tasks.events import INLINE_MAX_CHARS, extract_articles, worker_died
from tasks.fingerprint import Fingerprint
from tasks.models import Article, Entry, ExtractedArticle, Page, Skip
from tasks.pages import Budget, fetch_pages_task
from tasks.settings import Settings


def chunked(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def extract_batch(rows: list[dict], in_pool: bool = False, budget: float | None = None) -> list[ExtractedArticle]:
    """A batch through the extractor: in a pool worker when asked or when a text is long enough to need the
    per-article time budget (which only a worker can enforce); a batch that kills its worker twice comes back
    as `worker_died` skips."""
    if not (in_pool or any(len(r["text"] or "") > INLINE_MAX_CHARS for r in rows)):
        return extract_articles(rows)
    try:
        return parallel.call(extract_articles, rows, budget, deadline=batch_deadline(budget, len(rows)))
    except parallel.WorkerDied as exc:
        return extract_lost(rows, str(exc))


def extract_lost(rows: list[dict], detail: str) -> list[ExtractedArticle]:
    return [worker_died(row, detail) for row in rows]


def batch_deadline(budget: float | None, items: int) -> float | None:
    """How long a batch may take in a worker before it is deemed stuck: every item at its budget, plus slack."""
    return None if not budget else budget * items + 60


@task(name="extract-events", cache_policy=NO_CACHE)
def extract_task(rows: list[dict], in_pool: bool = False, budget: float | None = None) -> list[ExtractedArticle]:
    return extract_batch(rows, in_pool, budget)


def clean_in_pool(entries: list[Entry], fetched: list[Page | Skip]) -> Cleaned:
    """clean_batch in a worker; a batch that kills its worker twice becomes `worker_died` skips (transient)."""
    try:
        return parallel.call(clean_batch, entries, fetched)
    except parallel.WorkerDied as exc:
        return clean_lost(entries, str(exc))


def clean_lost(entries: list[Entry], detail: str) -> Cleaned:
    return [], [Skip("clean", "worker_died", e.url, detail) for e in entries], []


@task(name="clean-and-detect-language", cache_policy=NO_CACHE)
def clean_batch_task(entries: list[Entry], fetched: list[Page | Skip], in_pool: bool) -> Cleaned:
    result = clean_in_pool(entries, fetched) if in_pool else clean_batch(entries, fetched)
    checkpoint("batch.cleaned")
    return result


@dataclass
class Submitted:
    """The fetch and clean tasks of submitted entries, a pair per batch (on a Dask cluster the clean tasks are
    submitted by `wait_fetched`: the fetch tasks' futures cannot travel to the cluster)."""

    batches: list[list[Entry]]
    fetched: list[PrefectFuture]
    cleaned: list[PrefectFuture | None]
    in_pool: bool

    def wait_fetched(self) -> None:
        """Until every page is in (or skipped); the cleaning may still be going on."""
        cpu = compute.current()
        for future in as_completed(self.fetched) if cpu.remote else self.fetched:
            n = self.fetched.index(future)
            if self.cleaned[n] is None:
                self.cleaned[n] = cpu.submit(clean_batch_task, entries=quote(self.batches[n]),
                                             fetched=quote(future.result()), in_pool=self.in_pool)
            future.wait()


def submit_entries(client, robots, entries: list[Entry], settings: Settings, budget: Budget | None = None) -> Submitted:
    """Start fetching, cleaning, detecting the language of and fingerprinting new entries: a fetch task and a
    clean task per batch, each clean task starting when its batch is fetched. `collect_entries` waits for them."""
    batches = chunked(entries, settings.batch_size)
    in_pool = len(batches) > 1
    fetched: list[PrefectFuture] = [fetch_pages_task.submit(client, robots, quote(batch), settings, budget)
                             for batch in batches]
    cleaned: list[PrefectFuture | None] = [None] * len(batches) if compute.current().remote else [
        clean_batch_task.submit(quote(batch), pages, in_pool) for batch, pages in zip(batches, fetched, strict=True)]
    return Submitted(batches, fetched, cleaned, in_pool)


def collect_entries(submitted: Submitted) -> Cleaned:
    """The articles, skips and signatures of submitted batches, in entry order."""
    submitted.wait_fetched()
    cpu = compute.current()
    articles: list[Article] = []
    skips: list[Skip] = []
    signatures: list[Fingerprint] = []
    for batch, future in zip(submitted.batches, submitted.cleaned, strict=True):
        assert future is not None  # submitted by wait_fetched at the latest
        good, bad, sigs = cpu.result(future, partial(clean_lost, batch))
        articles += good
        skips += bad
        signatures += sigs
    return articles, skips, signatures
