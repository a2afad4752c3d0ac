"""The one HTTP client: strict timeouts, an identifying User-Agent, a size cap, manual redirects checked
against the address guard, robots.txt, and retries only on timeouts, 429 and 5xx.

Every failure is a `FetchError` with a short machine `reason` (`timeout`, `http_404`, `too_large`, …) that the
stages turn into `Skip` records.

Hostile servers are held at three places:
- `check_address` refuses a URL (first hop or redirect) whose host resolves to a private, loopback, link-local
  or metadata address, unless the host name is opted in (`Settings.allow_hosts`); the socket layer checks the
  address actually connected to again, so a DNS answer that changes between the check and the connect
  (rebinding) is refused too;
- the socket layer enforces the total deadline on every read, so a server that drips headers or body a byte
  at a time is cut off after `total_timeout`;
- the body is decompressed here, never more than the size cap plus one byte at a time (a gzip bomb stops at
  the cap).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import certifi
import httpcore
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


def is_blocked(addr: str) -> bool:
    """True for addresses a crawler must never contact: private, loopback, link-local (cloud metadata),
    reserved, multicast, unspecified — anything that is not a global unicast address."""
    ip = ipaddress.ip_address(addr.split("%")[0])
    return not ip.is_global or ip.is_multicast


def check_address(url: str, allow_hosts: tuple[str, ...]) -> None:
    """Refuse URLs whose host resolves to a non-global address (SSRF guard). The opt-in is by the host as
    written in the URL: allowing `127.0.0.1` does not allow `localhost` or a DNS name that points at it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Fetch("bad_scheme", parts.scheme or "none")
    host = parts.hostname or ""
    if host in allow_hosts:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 80, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise Fetch("dns_error", f"{host}: {exc}") from None
    for info in infos:
        if is_blocked(str(info[4][0])):
            raise Fetch("blocked_address", f"{host} resolves to {info[4][0]}")


_request = threading.local()  # the deadline of the request the current thread is making


class _GuardedStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the current request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    @staticmethod
    def _timeout(timeout: float | None) -> float | None:
        deadline = getattr(_request, "deadline", None)
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("total timeout reached")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._timeout(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._timeout(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        return _GuardedStream(self._stream.start_tls(ssl_context, server_hostname, self._timeout(timeout)))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Connects like httpcore, then refuses a peer address that the guard blocks (DNS rebinding)."""

    def __init__(self, allow_hosts: tuple[str, ...]):
        self._allow_hosts = allow_hosts

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = super().connect_tcp(host, port, timeout, local_address, socket_options)
        peer = stream.get_extra_info("server_addr")
        if host not in self._allow_hosts and peer and is_blocked(str(peer[0])):
            stream.close()
            raise Fetch("blocked_address", f"{host} connected to {peer[0]}")
        return _GuardedStream(stream)


def build_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The project's client. Without an injected transport it uses the guarded socket layer (and ignores
    proxy environment variables, which would bypass the address guard)."""
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    limits = httpx.Limits(max_connections=settings.page_workers * 2, max_keepalive_connections=settings.page_workers)
    if transport is None:
        transport = httpx.HTTPTransport(limits=limits)
        transport._pool = httpcore.ConnectionPool(  # httpx has no parameter for the network backend
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            max_connections=limits.max_connections, max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry, network_backend=_GuardedBackend(settings.allow_hosts))
    return httpx.Client(
        timeout=timeout,
        limits=limits,
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        follow_redirects=False,
        transport=transport,
    )


class _Decoder:
    """Undoes a Content-Encoding (identity, gzip, deflate) without ever producing more than `limit` bytes."""

    def __init__(self, encoding: str):
        self.encoding = encoding.strip().lower()
        if self.encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise Fetch("bad_encoding", f"unsupported content-encoding {encoding[:50]}")
        wbits = zlib.MAX_WBITS | 16 if "gzip" in self.encoding else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits) if self.encoding not in ("", "identity") else None
        self._started = False

    def decode(self, chunk: bytes, limit: int) -> bytes:
        if self._zlib is None:
            return chunk
        try:
            out = self._zlib.decompress(chunk, limit + 1)
        except zlib.error as exc:
            if self.encoding != "deflate" or self._started:
                raise Fetch("bad_encoding", f"{self.encoding}: {exc}") from None
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send it
            return self.decode(chunk, limit)
        self._started = True
        return out + b"x" if self._zlib.unconsumed_tail else out  # output held back: over the limit


def _read_capped(resp: httpx.Response, max_bytes: int) -> bytes:
    length = resp.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise Fetch("too_large", f"content-length {length} > {max_bytes}", resp.status_code)
    decoder = _Decoder(resp.headers.get("content-encoding", ""))
    chunks, size = [], 0
    for raw in resp.iter_raw():
        chunk = decoder.decode(raw, max_bytes - size)
        size += len(chunk)
        if size > max_bytes:
            raise Fetch("too_large", f"body over {max_bytes} bytes", resp.status_code)
        chunks.append(chunk)
    return b"".join(chunks)


def _hop(client: httpx.Client, url: str, headers: dict | None, max_bytes: int) -> tuple[str | None, Response]:
    """One request: (redirect target, response) — the target is None when the answer is not a redirect."""
    try:
        with client.stream("GET", url, headers=headers) as resp:
            if resp.has_redirect_location:
                return urljoin(url, resp.headers.get("location", "")), Response(url, resp.status_code, resp.headers, b"")
            body = b"" if resp.status_code == 304 else _read_capped(resp, max_bytes)
            return None, Response(str(resp.url), resp.status_code, resp.headers, body)
    except httpx.TimeoutException as exc:
        raise Fetch("timeout", f"{type(exc).__name__}: {exc}"[:200]) from None
    except httpx.DecodingError as exc:
        raise Fetch("bad_encoding", str(exc)[:200]) from None
    except httpx.HTTPError as exc:
        raise Fetch("connect_error", f"{type(exc).__name__}: {str(exc)[:200]}") from None


def get(client: httpx.Client, url: str, settings: Settings, *, headers: dict | None = None,
        max_bytes: int | None = None) -> Response:
    """One GET, following redirects by hand (each hop checked), with the size cap and a total deadline."""
    _request.deadline = time.monotonic() + settings.total_timeout
    max_bytes = max_bytes or settings.max_page_bytes
    seen: set[str] = set()
    try:
        for _ in range(settings.max_redirects + 1):
            check_address(url, settings.allow_hosts)
            seen.add(url)
            target, resp = _hop(client, url, headers, max_bytes)
            if target is None:
                return resp
            if target in seen:
                raise Fetch("redirect_loop", target, resp.status)
            url = target
    finally:
        _request.deadline = None
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
