"""Feed stage: the feed list, a conditional GET per feed, feedparser over the bytes, canonical entry links.

feedparser is safe against external entities (its SAX parser does not fetch them) and expat stops the
"billion laughs", but feedparser hands every entity declaration it deems safe (a value without `&`) to its
fallback loose parser, which expands them without limit: a 260 KB feed declaring one 200 KB entity and
referencing it 20,000 times becomes a 4 GB title (11 GB of memory, 95 s). So the DOCTYPE is removed before
either parser sees it, and the loose parser gets no entities; a feed that relied on its own entities is
parsed with them left as text and flagged bozo.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urldefrag

import feedparser
import feedparser.api
import httpx
from courlan import normalize_url
from courlan.clean import clean_url
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.checkpoint import checkpoint
from tasks.config import check_feeds
from tasks.http import Fetch, get_ok
from tasks.isolate import guarded
from tasks.models import Entry, FeedResult, FeedSpec, FeedState, Skip
from tasks.settings import Settings

_DOCTYPE = re.compile(rb"<!DOCTYPE\b(?:[^\[>]*\[.*?\]\s*>|[^>]*>)", re.DOTALL | re.IGNORECASE)
_ELEMENT = re.compile(rb"<\w")
_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]+|[0-9]+);")
_feedparser_replace_doctype = feedparser.api.replace_doctype


def _valid_char(code: int) -> bool:
    """XML 1.0's Char production."""
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _char_ref(match: re.Match) -> bytes:
    digits = match.group(1)
    if len(digits) > 8:  # past U+10FFFF whatever it says, and too long for the loose parser's int()
        return b"&#xFFFD;"
    code = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
    return match.group(0) if _valid_char(code) else b"&#xFFFD;"


def fix_char_refs(data: bytes) -> bytes:
    """Character references that name no XML character (a lone surrogate, NUL, past U+10FFFF, a 40-digit number)
    become U+FFFD: expat rejects them and feedparser's loose parser then raises on them (chr(), UTF-8 encoding)."""
    return _CHAR_REF.sub(_char_ref, data) if b"&#" in data else data


def strip_doctype(data: bytes) -> tuple[str | None, bytes, dict]:
    """feedparser's `replace_doctype`, without any entity: the document type declaration (and the entities
    it declares) removed when it comes before the root element, and bad character references replaced.
    Called by feedparser on UTF-8 bytes, before either of its parsers sees them."""
    version = _feedparser_replace_doctype(data[:4096])[0]  # 'rss091n' for Netscape's DTD, else None
    found = _DOCTYPE.search(data)
    if found and not _ELEMENT.search(data, 0, found.start()):
        data = data[: found.start()] + data[found.end() :]
    return version, fix_char_refs(data), {}


feedparser.api.replace_doctype = strip_doctype  # the one hook feedparser offers between decoding and parsing


def load_feeds(path: Path, base_url: str | None = None) -> list[FeedSpec]:
    """The enabled feeds of a feeds file, checked whole (tasks/config.py); `{{BASE}}` in URLs is replaced by
    base_url (the demo's server)."""
    checked = check_feeds(path)
    return [FeedSpec(name=f.name, url=f.url.replace("{{BASE}}", base_url or ""), language=f.language,
                     countries=tuple(f.countries), enabled=f.enabled) for f in checked.feeds if f.enabled]


def canonical_url(url: str) -> str:
    """Tracking parameters and fragment removed, scheme and host lower-cased, query sorted (courlan)."""
    cleaned = clean_url(url.strip()) or url.strip()
    return urldefrag(normalize_url(cleaned, strict=False)).url


def url_key(canonical: str) -> str:
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()


def _entry_date(entry) -> datetime | None:
    for name in ("published_parsed", "updated_parsed"):
        value = dict.get(entry, name)  # plain lookup: feedparser's own maps one key to the other, with a warning
        if value:
            try:
                stamp = datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
            if 1990 <= stamp.year <= datetime.now(UTC).year + 1:
                return stamp
    return None


def parse_document(body: bytes, headers: dict | None = None) -> feedparser.FeedParserDict:
    """feedparser over the bytes (never a URL), with the HTTP headers that state the charset."""
    return feedparser.parse(io.BytesIO(body), response_headers=dict(headers or {}))


def read_feed(spec: FeedSpec, body: bytes, headers: dict | None = None) -> tuple[list[Entry], list[Skip], str | None]:
    """Entries with a usable link (bozo feeds keep their good entries), a Skip for each entry that has none or
    repeats an earlier one, and the bozo reason, if any."""
    parsed = parse_document(body, headers)
    bozo = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"[:300] if parsed.bozo else None
    if bozo is None and not parsed.get("version") and not parsed.entries:
        bozo = "not a feed: no RSS or Atom element found"  # empty body, an HTML page, random bytes
    entries: list[Entry] = []
    skips: list[Skip] = []
    seen: set[str] = set()
    for n, item in enumerate(parsed.entries, 1):
        where = f"{spec.url}#entry-{n}"
        result = guarded("feed", where, read_entry, spec, item, where)
        if isinstance(result, Entry) and result.url_key in seen:
            result = Skip("feed", "duplicate_entry", where, f"same link as an earlier entry: {result.canonical_url[:200]}")
        if isinstance(result, Entry):
            seen.add(result.url_key)
            entries.append(result)
        else:
            skips.append(result)
    return entries, skips, bozo


def usable_link(link: str) -> str | None:
    """Why a link cannot be fetched (`no_link`, `bad_link`, `bad_url`), or None when it can."""
    if not link:
        return "no_link"
    if not link.startswith(("http://", "https://")):
        return "bad_link"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in link):  # DEL is valid XML; no client can send it
        return "bad_url"
    return None


def read_entry(spec: FeedSpec, item, where: str) -> Entry | Skip:
    """One feedparser entry as an Entry with its canonical link, or the Skip saying why not."""
    link = (item.get("link") or "").strip()
    reason = usable_link(link)
    if reason:
        return Skip("feed", reason, where, f"{(item.get('title') or '')[:80]!r} link={link[:120]!r}")
    canon = canonical_url(link)
    return Entry(feed=spec.name, url=link, canonical_url=canon, url_key=url_key(canon),
                 title=(item.get("title") or "").strip(), summary=(item.get("summary") or "").strip(),
                 published=_entry_date(item), guid=item.get("id"))


def parse_feed(spec: FeedSpec, body: bytes, headers: dict | None = None) -> tuple[list[Entry], str | None]:
    """Entries with a usable link and the bozo reason, if any (`read_feed` without its skips)."""
    entries, _, bozo = read_feed(spec, body, headers)
    return entries, bozo


def poll_feed(client: httpx.Client, spec: FeedSpec, state: FeedState | None, settings: Settings) -> FeedResult:
    """Conditional GET of one feed; 304 means nothing new. Failures are part of the result, not exceptions."""
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if state and state.etag:
        headers["If-None-Match"] = state.etag
    if state and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        resp = get_ok(client, spec.url, settings, headers=headers, max_bytes=settings.max_feed_bytes)
    except Fetch as exc:
        checkpoint("feed.polled")
        return FeedResult(feed=spec, status=exc.status, error=f"{exc.reason}: {exc.detail}"[:300],
                          etag=state.etag if state else None,
                          last_modified=state.last_modified if state else None,
                          skips=(Skip("feed", exc.reason, spec.url, exc.detail[:300]),))
    checkpoint("feed.polled")
    if resp.status == 304:
        return FeedResult(feed=spec, status=304, not_modified=True, etag=state.etag if state else None,
                          last_modified=state.last_modified if state else None)
    entries, skips, bozo = read_feed(spec, resp.body, dict(resp.headers))
    return FeedResult(feed=spec, status=resp.status, entries=tuple(entries), etag=resp.headers.get("etag"),
                      last_modified=resp.headers.get("last-modified"), bozo=bozo, skips=tuple(skips))


def poll_feeds(client: httpx.Client, specs: list[FeedSpec], states: dict[str, FeedState],
               settings: Settings) -> list[FeedResult]:
    """Poll a group of feeds concurrently (threads: the work is waiting on the network), results in order."""
    workers = max(1, min(settings.page_workers, len(specs)))
    with ThreadPoolExecutor(workers, thread_name_prefix="feed") as pool:
        return list(pool.map(lambda spec: poll_feed_guarded(client, spec, states.get(spec.url), settings), specs))


def poll_feed_guarded(client: httpx.Client, spec: FeedSpec, state: FeedState | None, settings: Settings) -> FeedResult:
    """`poll_feed` inside the isolation boundary: an exception nobody foresaw fails this feed, not the run."""
    result = guarded("feed", spec.url, poll_feed, client, spec, state, settings)
    if isinstance(result, FeedResult):
        return result
    return FeedResult(feed=spec, status=None, error=f"exception: {result.detail}"[:300],
                      etag=state.etag if state else None, last_modified=state.last_modified if state else None,
                      skips=(result,))


@task(name="poll-feeds", cache_policy=NO_CACHE)
def poll_feeds_task(client: httpx.Client, specs: list[FeedSpec], states: dict[str, FeedState],
                    settings: Settings) -> list[FeedResult]:
    """One task run per group of feeds: a task run per feed cost ~30 ms each, most of a no-op rerun's time."""
    return poll_feeds(client, specs, states, settings)
