"""The frozen records passed between stages.

    FeedSpec → FeedResult(entries: Entry…) → Page → Article → Extraction(events: Event…)
    any stage may instead return a Skip(stage, reason, url)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FeedSpec:
    """One feed from the feeds file (deploy/feeds.yaml)."""

    name: str
    url: str
    language: str | None = None
    countries: tuple[str, ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class FeedState:
    """What we remember of a feed between runs (table `feeds`)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    consecutive_failures: int = 0


@dataclass(frozen=True)
class Entry:
    """One feed entry, its link already canonicalised."""

    feed: str
    url: str
    canonical_url: str
    url_key: str
    title: str = ""
    summary: str = ""
    published: datetime | None = None
    guid: str | None = None


@dataclass(frozen=True)
class FeedResult:
    """The outcome of polling one feed."""

    feed: FeedSpec
    status: int | None
    entries: tuple[Entry, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    bozo: str | None = None
    error: str | None = None
    skips: tuple[Skip, ...] = ()  # entries without a usable link, repeated entries, or the failed poll itself


@dataclass(frozen=True)
class Page:
    """A fetched article page, decoded to text."""

    entry: Entry
    final_url: str
    status: int
    html: str


@dataclass(frozen=True)
class Article:
    """A cleaned article, ready to store (table `articles`)."""

    url_key: str
    url: str
    canonical_url: str
    feed: str
    title: str
    text: str
    text_source: str  # 'page' | 'summary'
    published: datetime | None
    published_source: str  # 'page' | 'feed' | 'none'
    author: str | None = None
    language: str = "und"
    language_prob: float | None = None
    content_hash: str = ""
    duplicate_of: str | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class Skip:
    """A bad item recorded as data: which stage gave up on which URL, and why."""

    stage: str
    reason: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Evidence:
    """The sentence an extracted field came from: `text[start:end]` of the article text."""

    field: str
    start: int
    end: int
    sentence: str


@dataclass(frozen=True)
class Event:
    """One ACLED-shaped event, as defined in shared/eval/README.md."""

    event_type: str
    sub_event_type: str
    country: str | None
    event_date: str | None = None  # ISO date
    date_precision: int | None = None  # 1 day, 2 week, 3 month
    actor1: str | None = None
    actor2: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None  # 1 town, 2 near town / part of region, 3 region or country
    fatalities: int = 0
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    wounded: int | None = None
    abducted: int | None = None
    notes: str = ""
    evidence: tuple[Evidence, ...] = field(default=(), compare=False)
    event_key: str | None = None


@dataclass(frozen=True)
class Extraction:
    """What the extractor found in one article."""

    relevant: bool
    language: str
    events: tuple[Event, ...] = ()
    extractor_version: str = ""


@dataclass(frozen=True)
class ExtractedArticle:
    """One article's extraction, ready to store; a syndicated copy has duplicate_of set and is only linked."""

    url_key: str
    published: datetime | None
    extraction: Extraction
    duplicate_of: str | None = None
    skip: Skip | None = None  # extract_timeout / exception (stored with an empty extraction) or worker_died (not)
