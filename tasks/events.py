"""Events stage: stored articles → extractions (relevance, events with evidence), ready for clustering.

A syndicated copy (`duplicate_of` set) is not extracted again: it is passed on with an empty extraction so
that clustering credits its source on the first copy's events. No Prefect here: `extract_articles` runs in the
pool workers, which then import only what they run (the task is `flows.pipeline.extract_task`).
"""

from __future__ import annotations

import logging
import threading

from tasks.extract import EXTRACTOR_VERSION, extract
from tasks.models import ExtractedArticle, Extraction

log = logging.getLogger(__name__)


def safe_extract(row: dict) -> Extraction:
    """The extractor's verdict; an article it cannot read becomes not relevant (logged), never a failed run."""
    published = row["published"].date().isoformat() if row["published"] else None
    try:
        return extract(row["title"] or "", row["text"], published, row["language"], url=row["canonical_url"])
    except Exception as exc:  # noqa: BLE001 - bad input is data: one unreadable article must not stop a run
        log.warning("extraction failed for %s: %s: %s", row["canonical_url"], type(exc).__name__, exc)
        return Extraction(relevant=False, language=row["language"], extractor_version=EXTRACTOR_VERSION)


def extract_article(row: dict) -> ExtractedArticle:
    """One stored article (a row of `storage.ingest.articles_to_extract`) through the extractor."""
    if row["duplicate_of"]:
        extraction = Extraction(relevant=False, language=row["language"], extractor_version=EXTRACTOR_VERSION)
    else:
        extraction = safe_extract(row)
    return ExtractedArticle(url_key=row["url_key"], published=row["published"], extraction=extraction,
                            duplicate_of=row["duplicate_of"])


_warm_lock = threading.Lock()
_warm: list[bool] = []


def warm_up() -> None:
    """Load the gazetteer and dictionaries once, under a lock: their lazy loaders are not safe to race from
    several task threads (seen once: a whole run's events without locations)."""
    with _warm_lock:
        if not _warm:
            extract("Mali", "Des hommes armés ont attaqué Gao mardi.", "2026-01-01", "fr")
            _warm.append(True)


def extract_articles(rows: list[dict]) -> list[ExtractedArticle]:
    """A batch of stored articles through the extractor. Pure: runs inline or in a pool worker."""
    warm_up()
    return [extract_article(row) for row in rows]
