"""Clean stage: trafilatura gives text, title, author and date; the feed's summary and date are fallbacks."""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, datetime

import trafilatura

from tasks.models import Article, Entry, Page, Skip

MIN_TEXT_CHARS = 150  # below this, trafilatura found no article body
MIN_SUMMARY_CHARS = 80  # a feed summary shorter than this is not worth keeping as the article
_TAGS = re.compile(r"<[^>]+>")
_DATE_PARAMS = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%d"}
# trafilatura's "discarding data: URL" warning is its soft failure, checked here (None) and stored as a skip.
logging.getLogger("trafilatura").setLevel(logging.ERROR)


def summary_text(entry: Entry) -> str:
    """The entry's summary as plain text (feeds often carry HTML)."""
    return " ".join(html.unescape(_TAGS.sub(" ", entry.summary)).split())


def _page_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10]).replace(tzinfo=UTC)
    except ValueError:
        return None


def _article(entry: Entry, title: str, text: str, text_source: str, page_date: datetime | None,
             author: str | None) -> Article:
    published, published_source = (page_date, "page") if page_date else (entry.published, "feed")
    if published is None:
        published_source = "none"
    return Article(url_key=entry.url_key, url=entry.url, canonical_url=entry.canonical_url, feed=entry.feed,
                   title=title or entry.title, text=text, text_source=text_source, published=published,
                   published_source=published_source, author=author)


def from_summary(entry: Entry) -> Article | None:
    """The article made of the feed entry alone, when its summary is long enough to be worth keeping."""
    text = summary_text(entry)
    if len(text) < MIN_SUMMARY_CHARS:
        return None
    return _article(entry, entry.title, text, "summary", None, None)


def clean_page(page: Page) -> Article | Skip:
    """The page's main text and metadata, or a Skip when trafilatura finds no article body."""
    doc = trafilatura.bare_extraction(page.html, url=page.final_url, with_metadata=True, include_comments=False,
                                      include_tables=False, date_extraction_params=_DATE_PARAMS)
    text = (doc.text or "").strip() if doc is not None else ""
    if len(text) < MIN_TEXT_CHARS:
        return Skip("clean", "empty_extraction", page.entry.url, f"{len(text)} characters of text")
    return _article(page.entry, (doc.title or "").strip(), text, "page", _page_date(doc.date), doc.author)


def to_article(entry: Entry, fetched: Page | Skip) -> tuple[Article | None, Skip | None]:
    """The article of an entry from its page, falling back to the feed summary; plus the skip, if any."""
    result = clean_page(fetched) if isinstance(fetched, Page) else fetched
    if isinstance(result, Article):
        return result, None
    fallback = from_summary(entry)
    if fallback is not None:
        result = Skip(result.stage, result.reason, result.url, (result.detail + "; kept the feed summary").strip("; "))
    return fallback, result
