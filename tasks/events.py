"""Events stage: stored articles → extractions (relevance, events with evidence), ready for clustering.

A syndicated copy (`duplicate_of` set) is not extracted again: it is passed on with an empty extraction so
that clustering credits its source on the first copy's events. No Prefect here: `extract_articles` runs in the
pool workers, which then import only what they run (the task is `flows.pipeline.extract_task`).
"""

from __future__ import annotations

import ctypes
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tasks.extract import EXTRACTOR_VERSION, extract
from tasks.isolate import describe
from tasks.models import ExtractedArticle, Extraction, Skip

log = logging.getLogger(__name__)
INLINE_MAX_CHARS = 20_000  # longer texts are only extracted in a pool worker, under the time budget


class ExtractTimeout(Exception):
    """The article used up its extraction time budget."""


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise ExtractTimeout in the block after `seconds`: by SIGALRM in a process's main thread, which is where
    pool workers run their tasks; by an asynchronous exception in another thread (a Dask worker's task thread).
    Either lands between two bytecodes: a C loop that never returns is the batch deadline's business."""
    if not seconds:
        yield
    elif threading.current_thread() is threading.main_thread():
        with _alarm(seconds):
            yield
    else:
        with _thread_alarm(seconds):
            yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expire(_signum, _frame):
        raise ExtractTimeout(f"over the {seconds:g} s extraction budget")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class ThreadTimeout(ExtractTimeout):
    def __init__(self):
        super().__init__("over its extraction budget (cluster worker)")


@contextmanager
def _thread_alarm(seconds: float) -> Iterator[None]:
    """ThreadTimeout raised in this thread after `seconds` unless the block ended first (checked under a lock, and
    an exception set but not yet raised when the block ends is withdrawn)."""
    target, lock, inside = ctypes.c_ulong(threading.get_ident()), threading.Lock(), [True]

    def expire() -> None:
        with lock:
            if inside[0]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(ThreadTimeout))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            inside[0] = False
            timer.cancel()
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)


def empty_extraction(row: dict) -> Extraction:
    return Extraction(relevant=False, language=row["language"], extractor_version=EXTRACTOR_VERSION)


def safe_extract(row: dict, budget: float | None = None) -> tuple[Extraction, Skip | None]:
    """The extractor's verdict within the time budget; an article it cannot read, or not in time, gets an empty
    extraction and a skip (`extract_timeout`, or `exception` with the class and message), never a failed run."""
    published = row["published"].date().isoformat() if row["published"] else None
    url = row["canonical_url"]
    seen = row["fetched_at"].date().isoformat() if row.get("fetched_at") else None  # an undated article's day
    try:
        with time_budget(budget):
            return extract(row["title"] or "", row["text"], published, row["language"], url=url, seen=seen), None
    except ExtractTimeout as exc:
        skip = Skip("extract", "extract_timeout", url, f"{exc}; {len(row['text'])} characters of text")
    except Exception as exc:  # noqa: BLE001 - the isolation boundary around the extractor
        skip = Skip("extract", "exception", url, describe(exc))
    log.warning("extraction gave up on %s: %s %s", url, skip.reason, skip.detail)
    return empty_extraction(row), skip


def extract_article(row: dict, budget: float | None = None) -> ExtractedArticle:
    """One stored article (a row of `storage.ingest.articles_to_extract`) through the extractor."""
    extraction, skip = (empty_extraction(row), None) if row["duplicate_of"] else safe_extract(row, budget)
    return ExtractedArticle(url_key=row["url_key"], published=row["published"], extraction=extraction,
                            duplicate_of=row["duplicate_of"], skip=skip)


def worker_died(row: dict, detail: str) -> ExtractedArticle:
    """An article whose batch killed its worker twice: a transient skip, no extraction recorded (tried again)."""
    skip = Skip("extract", "worker_died", row["canonical_url"], detail)
    return ExtractedArticle(row["url_key"], row["published"], empty_extraction(row), row["duplicate_of"], skip)


_warm_lock = threading.Lock()
_warm: list[bool] = []


def warm_up() -> None:
    """Load the gazetteer and dictionaries once, under a lock: their lazy loaders are not safe to race from
    several task threads (seen once: a whole run's events without locations)."""
    with _warm_lock:
        if not _warm:
            extract("Mali", "Des hommes armés ont attaqué Gao mardi.", "2026-01-01", "fr")
            _warm.append(True)


def extract_articles(rows: list[dict], budget: float | None = None) -> list[ExtractedArticle]:
    """A batch of stored articles through the extractor, each within `budget` seconds. Pure: runs inline or in
    a pool worker."""
    warm_up()
    return [extract_article(row, budget) for row in rows]
