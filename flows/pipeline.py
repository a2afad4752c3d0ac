"""The per-article work of a run: fetch pages, clean them, detect their language — a batch per task run.

Fetching is I/O and runs in threads (`fetch_pages`, bounded per host); cleaning and language detection are CPU
and run, a batch at a time, in a process pool (`tasks.parallel`) as soon as the batch's pages are in, so both
cores work while later batches are still downloading. A run of one batch stays in this process.
"""

from __future__ import annotations

from concurrent.futures import Future

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks import parallel
from tasks.checkpoint import checkpoint
from tasks.clean import to_article
from tasks.language import with_language
from tasks.models import Article, Entry, Page, Skip
from tasks.pages import fetch_pages_task
from tasks.settings import Settings


def chunked(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def clean_batch(entries: list[Entry], fetched: list[Page | Skip]) -> tuple[list[Article], list[Skip]]:
    """Articles (clean text and language) and skips of one fetched batch. Pure: runs inline or in a worker."""
    articles, skips = [], []
    for entry, item in zip(entries, fetched, strict=True):
        article, skip = to_article(entry, item)
        articles += [with_language(article)] if article else []
        skips += [skip] if skip else []
    return articles, skips


@task(name="clean-and-detect-language", cache_policy=NO_CACHE)
def clean_batch_task(entries: list[Entry], fetched: list[Page | Skip], in_pool: bool) -> tuple[list, list]:
    result = parallel.submit(clean_batch, entries, fetched).result() if in_pool else clean_batch(entries, fetched)
    checkpoint("batch.cleaned")
    return result


def process_entries(client, robots, entries: list[Entry], settings: Settings) -> tuple[list[Article], list[Skip]]:
    """Fetch, clean and detect the language of new entries: a fetch task and a clean task per batch, each
    clean task starting when its batch is fetched; results in entry order."""
    batches = chunked(entries, settings.batch_size)
    in_pool = len(batches) > 1
    fetched: list[Future] = [fetch_pages_task.submit(client, robots, batch, settings) for batch in batches]
    cleaned = [clean_batch_task.submit(batch, pages, in_pool) for batch, pages in zip(batches, fetched, strict=True)]
    articles: list[Article] = []
    skips: list[Skip] = []
    for future in cleaned:
        good, bad = future.result()
        articles += good
        skips += bad
    return articles, skips
