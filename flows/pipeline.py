"""The per-article work of a run: fetch pages, clean them, detect their language, fingerprint them — a batch
per task run.

Fetching is I/O and runs in threads (`fetch_pages`, bounded per host); cleaning, language detection and the
dedupe fingerprints (content hash, MinHash signature) are CPU and run, a batch at a time, in a process pool
(`tasks.parallel`) as soon as the batch's pages are in, so both cores work while later batches are still
downloading. A run of one batch stays in this process.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import NamedTuple

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from tasks import parallel
from tasks.batch import Cleaned, clean_batch
from tasks.checkpoint import checkpoint
from tasks.events import extract_articles
from tasks.fingerprint import Fingerprint
from tasks.models import Article, Entry, ExtractedArticle, Page, Skip
from tasks.pages import fetch_pages_task
from tasks.settings import Settings


def chunked(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@task(name="extract-events", cache_policy=NO_CACHE)
def extract_task(rows: list[dict], in_pool: bool = False) -> list[ExtractedArticle]:
    return parallel.submit(extract_articles, rows).result() if in_pool else extract_articles(rows)


@task(name="clean-and-detect-language", cache_policy=NO_CACHE)
def clean_batch_task(entries: list[Entry], fetched: list[Page | Skip], in_pool: bool) -> Cleaned:
    result = parallel.submit(clean_batch, entries, fetched).result() if in_pool else clean_batch(entries, fetched)
    checkpoint("batch.cleaned")
    return result


class Submitted(NamedTuple):
    """The fetch and clean tasks of submitted entries, a pair per batch."""

    fetched: list[Future]
    cleaned: list[Future]

    def wait_fetched(self) -> None:
        """Until every page is in (or skipped); the cleaning may still be going on."""
        for future in self.fetched:
            future.wait()


def submit_entries(client, robots, entries: list[Entry], settings: Settings) -> Submitted:
    """Start fetching, cleaning, detecting the language of and fingerprinting new entries: a fetch task and a
    clean task per batch, each clean task starting when its batch is fetched. `collect_entries` waits for them."""
    batches = chunked(entries, settings.batch_size)
    in_pool = len(batches) > 1
    fetched: list[Future] = [fetch_pages_task.submit(client, robots, quote(batch), settings) for batch in batches]
    cleaned = [clean_batch_task.submit(quote(batch), pages, in_pool) for batch, pages in zip(batches, fetched, strict=True)]
    return Submitted(fetched, cleaned)


def collect_entries(submitted: Submitted) -> Cleaned:
    """The articles, skips and signatures of submitted batches, in entry order."""
    articles: list[Article] = []
    skips: list[Skip] = []
    signatures: list[Fingerprint] = []
    for future in submitted.cleaned:
        good, bad, sigs = future.result()
        articles += good
        skips += bad
        signatures += sigs
    return articles, skips, signatures
