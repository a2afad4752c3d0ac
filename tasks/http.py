"""The one HTTP client: strict timeouts, an identifying User-Agent, a size cap, manual redirects checked
against the address guard, robots.txt, and retries only on timeouts, 429 and 5xx.

Every failure is a `FetchError` with a short machine `reason` (`timeout`, `http_404`, `too_large`, …) that the
stages turn into `Skip` records.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from tasks.errors import FetchError
from tasks.settings import Settings

RETRY_STATUSES = {429, 500, 502, 503, 504}
HTML_TYPES = ("text/html", "application/xhtml+xml")


class Fetch(FetchError):
    """A failed fetch with its machine reason and, when there was an answer, its status."""

    def __init__(self, reason: str, detail: str = "", status: int | None = None):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.status = status

    @property
    def retryable(self) -> bool:
        return self.reason in ("timeout", "connect_error") or (self.status in RETRY_STATUSES)


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return None


def build_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    limits = httpx.Limits(max_connections=settings.page_workers * 2, max_keepalive_connections=settings.page_workers)
    return httpx.Client(
        timeout=timeout,
        limits=limits,
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        follow_redirects=False,
        transport=transport,
    )


def check_address(url: str, allow_hosts: tuple[str, ...]) -> None:
    """Refuse URLs whose host resolves to a private, loopback, link-local or reserved address (SSRF guard)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Fetch("bad_scheme", parts.scheme or "none")
    host = parts.hostname or ""
    if host in allow_hosts:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 80, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise Fetch("dns_error", f"{host}: {exc}") from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if not addr.is_global or addr.is_multicast:
            if str(addr) in allow_hosts:
                continue
            raise Fetch("blocked_address", f"{host} resolves to {addr}")


def _read_capped(resp: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    length = resp.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise Fetch("too_large", f"content-length {length} > {max_bytes}", resp.status_code)
    chunks, size = [], 0
    for chunk in resp.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise Fetch("too_large", f"body over {max_bytes} bytes", resp.status_code)
        if time.monotonic() > deadline:
            raise Fetch("timeout", "body not complete within the total timeout", resp.status_code)
        chunks.append(chunk)
    return b"".join(chunks)


def get(client: httpx.Client, url: str, settings: Settings, *, headers: dict | None = None,
        max_bytes: int | None = None) -> Response:
    """One GET, following redirects by hand (each hop checked), with the size cap and a total deadline."""
    deadline = time.monotonic() + settings.total_timeout
    max_bytes = max_bytes or settings.max_page_bytes
    seen: set[str] = set()
    for _ in range(settings.max_redirects + 1):
        check_address(url, settings.allow_hosts)
        seen.add(url)
        try:
            with client.stream("GET", url, headers=headers) as resp:
                if resp.has_redirect_location:
                    target = urljoin(url, resp.headers.get("location", ""))
                    if target in seen:
                        raise Fetch("redirect_loop", target, resp.status_code)
                    url = target
                    continue
                body = b"" if resp.status_code == 304 else _read_capped(resp, max_bytes, deadline)
                return Response(str(resp.url), resp.status_code, resp.headers, body)
        except httpx.TimeoutException as exc:
            raise Fetch("timeout", type(exc).__name__) from None
        except httpx.DecodingError as exc:
            raise Fetch("bad_encoding", str(exc)[:200]) from None
        except httpx.HTTPError as exc:
            raise Fetch("connect_error", f"{type(exc).__name__}: {str(exc)[:200]}") from None
    raise Fetch("redirect_loop", f"more than {settings.max_redirects} redirects")


def get_ok(client: httpx.Client, url: str, settings: Settings, **kwargs) -> Response:
    """GET that retries timeouts, 429 and 5xx with backoff, and turns any other non-2xx/304 into a Fetch error."""
    for attempt in range(settings.retries + 1):
        try:
            resp = get(client, url, settings, **kwargs)
            if resp.status in RETRY_STATUSES:
                raise Fetch(f"http_{resp.status}", url, resp.status)
            if resp.status >= 400:
                raise Fetch(f"http_{resp.status}", url, resp.status)
            return resp
        except Fetch as exc:
            if not exc.retryable or attempt == settings.retries:
                raise
            time.sleep(settings.retry_backoff * (2**attempt))
    raise AssertionError("unreachable")


class Robots:
    """robots.txt per origin, fetched once per run with the same client and rules (RFC 9309 error handling)."""

    def __init__(self, client: httpx.Client, settings: Settings):
        self._client, self._settings = client, settings
        self._parsers: dict[str, RobotFileParser] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        if not self._settings.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            parser = self._parsers.get(origin) or self._fetch(origin)
            self._parsers[origin] = parser
        return parser.can_fetch(self._settings.user_agent, url)

    def _fetch(self, origin: str) -> RobotFileParser:
        parser = RobotFileParser()
        try:
            resp = get(self._client, origin + "/robots.txt", self._settings, max_bytes=500_000)
        except Fetch:
            parser.disallow_all = True  # RFC 9309: unreachable robots.txt means complete disallow, for now
            return parser
        if resp.status >= 500:
            parser.disallow_all = True
        elif resp.status >= 400:
            parser.allow_all = True
        else:
            parser.parse(resp.body.decode("utf-8", errors="replace").splitlines())
        return parser
