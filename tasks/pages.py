"""Page stage: fetch each new entry's page, politely (robots.txt, a per-host cap), keeping only HTML."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
from prefect import task
from prefect.cache_policies import NO_CACHE
from trafilatura.utils import decode_file

from tasks.checkpoint import checkpoint
from tasks.http import HTML_TYPES, Fetch, Robots, check_address, get_ok
from tasks.isolate import guarded
from tasks.models import Entry, Page, Skip
from tasks.progress import report
from tasks.settings import Settings

_host_slots: dict[str, threading.BoundedSemaphore] = {}
_host_lock = threading.Lock()
_fetchers: dict[int, ThreadPoolExecutor] = {}


def _slot(host: str, per_host: int) -> threading.BoundedSemaphore:
    """The process-wide semaphore of a host: at most `per_host` requests to it at once, across all batches."""
    with _host_lock:
        return _host_slots.setdefault(host, threading.BoundedSemaphore(per_host))


def decode_html(body: bytes, charset: str | None) -> str:
    """Bytes to text: valid UTF-8 wins over a declared single-byte charset (servers often label UTF-8 pages
    ISO-8859-1, and a real Latin-1 text is almost never valid UTF-8); else the declared charset when it
    decodes cleanly; else trafilatura's sniffing."""
    if charset and not body.isascii():
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if charset:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_file(body)


def looks_binary(body: bytes) -> bool:
    head = body[:2048]
    return b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8", b"PK\x03\x04"))


class Budget:
    """How long a run may spend on pages: `pages_budget` seconds from its first fetch, and `host_budget` seconds of
    failed fetches (timeouts, errors) per host. Past either, the remaining entries are skipped as `run_budget` or
    `host_budget` (transient, not counted against the page: the next run tries them), so a run of hanging pages
    still ends within its 15-minute schedule."""

    def __init__(self, settings: Settings, clock=time.monotonic):
        self._settings, self._clock = settings, clock
        self._started: float | None = None
        self._spent: dict[str, float] = {}
        self._lock = threading.Lock()

    def refusal(self, host: str) -> Skip | None:
        """Why no more fetch may start for `host`, or None."""
        with self._lock:
            now = self._clock()
            self._started = now if self._started is None else self._started
            if now - self._started > self._settings.pages_budget:
                return Skip("page", "run_budget", "", f"the run's {self._settings.pages_budget:g} s for pages are spent")
            if self._spent.get(host, 0.0) > self._settings.host_budget:
                return Skip("page", "host_budget", "", f"{host} used up {self._settings.host_budget:g} s of failed fetches")
        return None

    def charge(self, host: str, seconds: float) -> None:
        with self._lock:
            self._spent[host] = self._spent.get(host, 0.0) + seconds


def fetch_page(client: httpx.Client, robots: Robots, entry: Entry, settings: Settings,
               budget: Budget | None = None) -> Page | Skip:
    """The page of one entry, or a Skip saying why not. The address guard comes first: robots.txt of a
    private address is not fetched either."""
    try:
        check_address(entry.url, settings.allow_hosts)
    except Fetch as exc:
        return Skip("page", exc.reason, entry.url, exc.detail[:300])
    verdict = robots.verdict(entry.url)
    if verdict:
        return Skip("page", verdict, entry.url, "disallowed by robots.txt" if verdict == "robots"
                    else "robots.txt unreachable: tried again next run")
    host = urlsplit(entry.url).hostname or ""
    refused = budget.refusal(host) if budget else None
    if refused:
        return Skip(refused.stage, refused.reason, entry.url, refused.detail)
    started = time.monotonic()
    try:
        with _slot(host, settings.per_host):
            resp = get_ok(client, entry.url, settings, headers={"Accept": "text/html,application/xhtml+xml"})
    except Fetch as exc:
        if budget:
            budget.charge(host, time.monotonic() - started)
        return Skip("page", exc.reason, entry.url, exc.detail[:300])
    finally:
        checkpoint("page.fetched")
    if resp.content_type and resp.content_type not in HTML_TYPES:
        return Skip("page", "not_html", entry.url, resp.content_type)
    if not resp.body.strip() or looks_binary(resp.body):
        return Skip("page", "not_html", entry.url, "empty or binary body")
    return Page(entry=entry, final_url=resp.url, status=resp.status, html=decode_html(resp.body, resp.charset))


def _fetcher(workers: int) -> ThreadPoolExecutor:
    """The process-wide page fetchers. One first-in first-out queue for every batch: the batches of a run are
    fetched in order, so the first batch is ready for cleaning after its own pages, not after a share of every
    batch's (ten batches of 50 each with their own threads finished together, leaving the workers idle)."""
    with _host_lock:
        if workers not in _fetchers:
            _fetchers[workers] = ThreadPoolExecutor(workers, thread_name_prefix="page")
        return _fetchers[workers]


def fetch_pages(client: httpx.Client, robots: Robots, entries: list[Entry], settings: Settings,
                budget: Budget | None = None) -> list[Page | Skip]:
    """Fetch a batch concurrently (bounded by page_workers overall and per_host per host), in entry order."""
    pool = _fetcher(max(1, settings.page_workers))

    def one(entry: Entry) -> Page | Skip:
        result = guarded("page", entry.url, fetch_page, client, robots, entry, settings, budget)
        report("pages", advance=1)
        return result

    return list(pool.map(one, entries))


@task(name="fetch-pages", cache_policy=NO_CACHE)
def fetch_pages_task(client: httpx.Client, robots: Robots, entries: list[Entry], settings: Settings,
                     budget: Budget | None = None) -> list[Page | Skip]:
    return fetch_pages(client, robots, entries, settings, budget)
