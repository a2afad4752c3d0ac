"""Events stage: stored articles → extractions (relevance, events with evidence), ready for clustering.

A syndicated copy (`duplicate_of` set) is not extracted again: it is passed on with an empty extraction so
that clustering credits its source on the first copy's events.
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from storage.events import ExtractedArticle
from tasks.extract import EXTRACTOR_VERSION, extract
from tasks.models import Extraction


def extract_article(row: dict) -> ExtractedArticle:
    """One stored article (a row of `storage.ingest.articles_to_extract`) through the extractor."""
    if row["duplicate_of"]:
        extraction = Extraction(relevant=False, language=row["language"], extractor_version=EXTRACTOR_VERSION)
    else:
        published = row["published"].date().isoformat() if row["published"] else None
        extraction = extract(row["title"] or "", row["text"], published, row["language"], url=row["canonical_url"])
    return ExtractedArticle(url_key=row["url_key"], published=row["published"], extraction=extraction,
                            duplicate_of=row["duplicate_of"])


@task(name="extract-events", cache_policy=NO_CACHE)
def extract_task(rows: list[dict]) -> list[ExtractedArticle]:
    return [extract_article(row) for row in rows]
