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
from contextlib import suppress
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
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

    def __init__(self, reason: str, detail: str = "", status: int | None = None, retry: bool = False):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.status = status
        self.retry = retry

    @property
    def retryable(self) -> bool:
        """Worth another try within the run: a refused connection, or a 429/5xx without a long Retry-After."""
        return self.reason == "connect_error" or self.retry


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


# IPv6 prefixes whose addresses carry an IPv4 address in their last 32 bits: IPv4-compatible (::/96), SIIT
# (::ffff:0:0:0/96) and the NAT64 prefixes (RFC 6052, RFC 8215); IPv4-mapped, 6to4 and Teredo have their own accessors.
_EMBEDDING_V4 = tuple(ipaddress.ip_network(n) for n in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48"))


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address an IPv6 address embeds (mapped, compatible, SIIT, NAT64, 6to4, Teredo server/client)."""
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if any(ip in net for net in _EMBEDDING_V4):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [v4 for v4 in found if v4 is not None]


def is_blocked(addr: str) -> bool:
    """True for addresses a crawler must never contact: private, loopback, link-local (cloud metadata),
    reserved, multicast, unspecified — anything that is not a global unicast address, including an IPv6 address
    whose embedded IPv4 address is one of those (::ffff:127.0.0.1, 64:ff9b::a9fe:a9fe, 2002:7f00:1::)."""
    ip = ipaddress.ip_address(addr.split("%")[0])
    if not ip.is_global or ip.is_multicast:
        return True
    return isinstance(ip, ipaddress.IPv6Address) and any(is_blocked(str(v4)) for v4 in embedded_ipv4(ip))


def check_address(url: str, allow_hosts: tuple[str, ...]) -> None:
    """Refuse URLs whose host resolves to a non-global address (SSRF guard). The opt-in is by the host as
    written in the URL: allowing `127.0.0.1` does not allow `localhost` or a DNS name that points at it."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError as exc:  # a bad port, an unbalanced IPv6 bracket
        raise Fetch("bad_url", str(exc)[:200]) from None
    if parts.scheme not in ("http", "https"):
        raise Fetch("bad_scheme", parts.scheme or "none")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise Fetch("bad_url", f"control character in {url[:120]!r}")
    if host in allow_hosts:
        return
    try:
        infos = socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)
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
    # resp.stream, not resp.iter_raw(): iter_raw closes the response (and frees its connection for another thread's
    # request) as soon as the body ends, before _check_leftover can look at what is left on that connection
    for raw in resp.stream:  # type: ignore[union-attr]
        chunk = decoder.decode(raw, max_bytes - size)
        size += len(chunk)
        if size > max_bytes:
            raise Fetch("too_large", f"body over {max_bytes} bytes", resp.status_code)
        chunks.append(chunk)
    return b"".join(chunks)


def _h11_connection(resp: httpx.Response):
    """httpcore's HTTP/1.1 connection behind a streamed response, or None (internals of the pinned httpx 0.28 /
    httpcore 1.0; anything else simply skips the check)."""
    try:
        return resp.stream._stream._httpcore_stream._pool_request.connection._connection  # type: ignore[attr-defined]
    except AttributeError:
        return None


def _check_leftover(resp: httpx.Response) -> None:
    """After the body: bytes already waiting on the connection mean the server sent more than its Content-Length
    said. Reused, they would be read as the next response (another page's text stored under an innocent URL);
    so the connection is closed, and the page, whose body was cut at the announced length, is a transient skip."""
    conn = _h11_connection(resp)
    stream = getattr(conn, "_network_stream", None)
    if stream is None:
        return
    extra = conn._h11_state.trailing_data[0]  # already read from the socket, waiting in h11's buffer
    if not extra and not stream.get_extra_info("is_readable"):
        return
    sock = stream.get_extra_info("socket")
    if not extra and sock is not None and not isinstance(sock, ssl.SSLSocket):
        with suppress(OSError):
            extra = sock.recv(64, socket.MSG_PEEK)  # b"" is the server closing: no mismatch
    conn.close()  # data or EOF while idle: never reuse it, whatever it holds
    if extra:
        raise Fetch("length_mismatch", f"bytes after the {resp.headers.get('content-length')}-byte body its "
                    f"Content-Length announced: {bytes(extra[:40])!r}", resp.status_code)


def _hop(client: httpx.Client, url: str, headers: dict | None, max_bytes: int) -> tuple[str | None, Response]:
    """One request: (redirect target, response) — the target is None when the answer is not a redirect."""
    try:
        with client.stream("GET", url, headers=headers) as resp:
            if resp.has_redirect_location:
                _check_leftover(resp)
                return urljoin(url, resp.headers.get("location", "")), Response(url, resp.status_code, resp.headers, b"")
            body = b"" if resp.status_code == 304 else _read_capped(resp, max_bytes)
            _check_leftover(resp)
            return None, Response(str(resp.url), resp.status_code, resp.headers, body)
    except httpx.TimeoutException as exc:
        raise Fetch("timeout", f"{type(exc).__name__}: {exc}"[:200]) from None
    except httpx.DecodingError as exc:
        raise Fetch("bad_encoding", str(exc)[:200]) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:  # not an HTTPError: a URL no client can send
        raise Fetch("bad_url", str(exc)[:200]) from None
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
def retry_after(resp: Response, now: float | None = None) -> float | None:
    """Seconds a 429/503 asks us to wait (Retry-After as seconds or an HTTP date), or None."""
    value = resp.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def get_ok(client: httpx.Client, url: str, settings: Settings, **kwargs) -> Response:
    """GET that retries 429, 5xx and connection errors with backoff (honouring Retry-After up to
    `retry_after_cap`), and turns any other non-2xx/304 into a Fetch error. A timeout is not retried in the run:
    a server that hangs once will hang again, and each try costs the whole deadline (the next run tries again)."""
    for attempt in range(settings.retries + 1):
        wait = settings.retry_backoff * (2**attempt)
        try:
            resp = get(client, url, settings, **kwargs)
            if resp.status >= 400:
                asked = retry_after(resp) if resp.status in (429, 503) else None
                if asked is not None and asked > settings.retry_after_cap:
                    raise Fetch(f"http_{resp.status}", f"{url} (Retry-After {asked:.0f} s: over the cap, next run)",
                                resp.status)
                wait = asked if asked is not None else wait
                raise Fetch(f"http_{resp.status}", url, resp.status, retry=resp.status in RETRY_STATUSES)
            return resp
        except Fetch as exc:
            if not exc.retryable or attempt == settings.retries:
                raise
            time.sleep(wait)
    raise AssertionError("unreachable")


class Robots:
    """robots.txt per origin, fetched once per run with the same client and rules (RFC 9309 error handling).

    Each origin has its own lock, so a robots.txt that never answers holds up that origin's pages only. An
    unreachable robots.txt (timeout, connection error, 5xx) disallows the origin for this run only: its entries
    are skipped as `robots_unavailable`, which is transient, and the next run asks again (RFC 9309 §2.3.1.4:
    unreachable means disallow while unreachable). A robots.txt that disallows a page gives a final `robots`."""

    def __init__(self, client: httpx.Client, settings: Settings):
        self._client, self._settings = client, settings
        self._parsers: dict[str, RobotFileParser | None] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def verdict(self, url: str) -> str | None:
        """None when the page may be fetched; else the skip reason: `robots` or `robots_unavailable`."""
        if not self._settings.respect_robots:
            return None
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            origin_lock = self._locks.setdefault(origin, threading.Lock())
        with origin_lock:
            if origin not in self._parsers:
                self._parsers[origin] = self._fetch(origin)
            parser = self._parsers[origin]
        if parser is None:
            return "robots_unavailable"
        return None if parser.can_fetch(self._settings.user_agent, url) else "robots"

    def allowed(self, url: str) -> bool:
        return self.verdict(url) is None

    def _fetch(self, origin: str) -> RobotFileParser | None:
        """The origin's rules; None while it cannot be reached (one try per run: no retries, no backoff waits)."""
        parser = RobotFileParser()
        try:
            resp = get(self._client, origin + "/robots.txt", self._settings, max_bytes=500_000)
        except Fetch:
            return None
        if resp.status >= 500 or resp.status == 429:
            return None
        if resp.status >= 400:
            parser.allow_all = True
        else:
            parser.parse(resp.body.decode("utf-8", errors="replace").splitlines())
        return parser
